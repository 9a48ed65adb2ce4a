-- examples/blog.sql: the demo run by scripts/demo.  The seed's blog model,
-- declared with relorm (which creates the FK columns, constraints and indexes),
-- a little data, nested trees fetched from it, and trees saved back.
\set ON_ERROR_STOP on
\pset pager off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS relorm;
DROP SCHEMA IF EXISTS blog CASCADE;
CREATE SCHEMA blog;
SET search_path = blog;
RESET client_min_messages;

CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE);
CREATE TABLE profiles (id serial PRIMARY KEY, bio text);
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL, published boolean NOT NULL DEFAULT true,
                    created_at timestamptz NOT NULL DEFAULT '2026-11-20 10:00+00');
CREATE TABLE comments (id serial PRIMARY KEY, body text NOT NULL);
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE categories (id serial PRIMARY KEY, name text NOT NULL);

\echo '== declaring the model: the DDL each declaration runs'
SELECT * FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user', on_delete => 'cascade');
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', on_delete => 'cascade',
                                 order_by => 'created_at DESC');
SELECT * FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post',
                                 on_delete => 'delete-orphan', order_by => 'id');
SELECT * FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts', order_by => 'name');
SELECT * FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent');

\echo '== the relationships the database now knows'
SELECT source, name, target, kind, many, local_columns, remote_columns, on_delete, constraint_name
  FROM relorm.relationships ORDER BY source::text, name;

INSERT INTO users (name, email) VALUES ('Ann', 'ann@example.org'), ('Bob', 'bob@example.org');
INSERT INTO profiles (bio, user_id) VALUES ('Writes about SQL.', 1);
INSERT INTO posts (title, author_id, created_at) VALUES
    ('Relationships in the database', 1, '2026-11-20 10:00+00'),
    ('Why N+1 hurts', 1, '2026-11-22 09:30+00'),
    ('Hello', 2, '2026-11-23 18:00+00');
INSERT INTO comments (body, post_id) VALUES ('Agreed.', 1), ('What about cascades?', 1), ('Welcome!', 3);
INSERT INTO tags (name) VALUES ('sql'), ('orm'), ('postgres');
INSERT INTO post_tags VALUES (1, 1), (1, 3), (2, 2), (3, 3);
INSERT INTO categories (name, parent_id) VALUES ('Databases', NULL), ('PostgreSQL', 1), ('Extensions', 2);

\echo '== every user with profile, posts (newest first), their comments and tags: one query per level'
SELECT * FROM relorm.fetch('users', 'id,name,profile(bio),posts(title,created_at,comments(body),tags(name))');

\echo '== the same tree, laid out (jsonb_pretty sorts keys; fetch keeps the shape order)'
SELECT jsonb_pretty(relorm.fetch_one('users', 'name,posts(title,tags(name))', '1')::jsonb);

\echo '== many-to-one from the child, renamed, with a filter whose values are bound as parameters'
SELECT * FROM relorm.fetch('posts', 'title,writer:author(name),tags(name)',
                           filter => 'published AND author_id = $1', params => '[1]');

\echo '== per parent: the latest post, the number of comments, only users with a post tagged sql'
SELECT * FROM relorm.fetch('users', 'name,latest:posts(limit: 1, title,comments(count)),posts!inner(tags!inner(where: name = $1))',
                           params => '["sql"]');

\echo '== a self-referential tree, level by level to the leaves'
SELECT * FROM relorm.fetch('categories', 'name,children*(name)', filter => 'parent_id IS NULL');

\echo '== how relorm loads it: one set-based query per level and batch'
SELECT * FROM relorm.explain('users', 'id,posts(title,comments(body),tags(name))');

\echo '== the type of those trees, for an application: TypeScript (relorm.json_schema gives their JSON Schema)'
\pset format unaligned
\pset tuples_only on
SELECT relorm.typescript('users', 'id,name,profile(bio),posts(title,created_at,comments(body),tags(name))', 'User');
\pset tuples_only off
\pset format aligned

\echo '== saving a tree back: a new user with a post, its comments and tags (an existing one found by name), in one call'
SELECT relorm.save('users', '{"name": "Cid", "email": "cid@example.org", "profile": {"bio": "New here."},
  "posts": [{"title": "Nested writes", "created_at": "2026-11-24 08:00+00",
             "comments": [{"body": "One call."}, {"body": "All or nothing."}],
             "tags": [{"name": "sql"}, {"name": "writes"}]}]}', match => 'tags(name)');

\echo '== and again, the post''s comments given whole: the one left out is deleted (delete-orphan), one is added'
SELECT relorm.save('posts', '{"id": 4, "comments": [{"id": 4}, {"body": "Set-based."}]}', shape => 'title,comments(id,body)');

\echo '== the statements that save runs: one per table and level, whatever the number of trees'
SELECT * FROM relorm.explain_save('users', '[{"name": "Dee", "email": "dee@example.org", "posts": [{"title": "a"}, {"title": "b"}]},
                                            {"name": "Eve", "email": "eve@example.org"}]');

\echo '== the database enforces the declarations: deleting a user cascades to posts, comments and post_tags'
DELETE FROM users WHERE name = 'Bob';
SELECT (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM comments) AS comments,
       (SELECT count(*) FROM post_tags) AS post_tags;

\echo '== relorm.check(): the seed''s common mistakes found in the live schema'
CREATE TABLE likes (id int PRIMARY KEY, post_id int REFERENCES posts);
SELECT severity, object, problem, fix_sql FROM relorm.check();

\echo '== the model as a Mermaid diagram'
SELECT relorm.diagram();
