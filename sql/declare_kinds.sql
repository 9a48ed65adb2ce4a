-- Every relationship kind, declared on the seed's blog model: what DDL each
-- declaration runs (its result), what it registers, and what the database then
-- enforces.
CREATE SCHEMA decl_kinds;
SET search_path = decl_kinds;
CREATE VIEW rels AS
SELECT r.source, r.name, r.target, r.kind, r.many, r.local_columns, r.remote_columns, r.secondary,
       r.secondary_local_columns, r.secondary_remote_columns, r.back_populates, r.on_delete, r.loading,
       r.order_by, r.constraint_name
  FROM relorm.relationships r JOIN pg_class c ON c.oid = r.source
 WHERE c.relnamespace = 'decl_kinds'::regnamespace
 ORDER BY r.source::text, r.name;

CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL);
CREATE TABLE comments (id serial PRIMARY KEY, body text NOT NULL);
CREATE TABLE profiles (id serial PRIMARY KEY, bio text);
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE categories (id serial PRIMARY KEY, name text NOT NULL);

-- one-to-many: creates the FK column (typed like the key, NOT NULL), the
-- constraint with its ON DELETE, and the index on the FK column
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author',
                                 fk => 'author_id', on_delete => 'cascade');
-- the same edge declared from the child, as SQLAlchemy users write both sides:
-- adopted, nothing to run; its loading strategy is updated
SELECT * FROM relorm.many_to_one('posts', 'author', 'users', back_populates => 'posts', lazy => 'joined');
-- a second FK between the same two tables, with its own name: no ambiguity
SELECT * FROM relorm.many_to_one('posts', 'editor', 'users', on_delete => 'set null');
-- delete-orphan: NOT NULL + CASCADE, a comment cannot outlive its post
SELECT * FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post',
                                 on_delete => 'delete-orphan', order_by => 'id DESC', lazy => 'selectin');
-- one-to-one: FK on the target, plus UNIQUE (which also serves as its index)
SELECT * FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user',
                                on_delete => 'cascade', back_lazy => 'joined');
-- many-to-many: the association table with a composite key and both FKs cascading
SELECT * FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts', secondary => 'post_tags',
                                  order_by => 'name');
-- self-referential: the FK is nullable (a root has no parent)
SELECT * FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent',
                                 order_by => 'name');
-- view-only with a custom join condition (SQLAlchemy's recent_posts)
ALTER TABLE posts ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
SELECT * FROM relorm.viewonly('users', 'recent_posts', 'posts',
    join_on => 'posts.author_id = users.id AND posts.created_at > now() - interval ''7 days''',
    order_by => 'created_at DESC');
-- view-only to-one over a self-join uses the aliases source and target
SELECT * FROM relorm.viewonly('categories', 'first_sibling', 'categories',
    join_on => 'target.parent_id IS NOT DISTINCT FROM source.parent_id', many => false);

SELECT * FROM rels;
\d posts
\d comments
\d profiles
\d post_tags
\d categories

-- what the database now enforces
INSERT INTO users (name) VALUES ('ann'), ('bob');
INSERT INTO posts (title, author_id, editor_id) VALUES ('hello', 1, 2), ('again', 1, NULL), ('bob''s', 2, 1);
INSERT INTO comments (body, post_id) VALUES ('c1', 1), ('c2', 1), ('c3', 3);
INSERT INTO profiles (bio, user_id) VALUES ('ann''s bio', 1);
INSERT INTO profiles (bio, user_id) VALUES ('second profile', 1);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO comments (body) VALUES ('orphan');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO tags (name) VALUES ('sql'), ('c');
INSERT INTO post_tags VALUES (1, 1), (1, 2), (3, 1);
INSERT INTO post_tags VALUES (1, 1);
\echo :LAST_ERROR_SQLSTATE
-- deleting bob: his posts (and their comments and tag links) go, ann's post he edited keeps editor NULL
DELETE FROM users WHERE name = 'bob';
SELECT id, title, author_id, editor_id FROM posts ORDER BY id;
SELECT id, body, post_id FROM comments ORDER BY id;
SELECT * FROM post_tags ORDER BY 1, 2;
DELETE FROM users WHERE name = 'ann';
SELECT (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM comments) AS comments,
       (SELECT count(*) FROM profiles) AS profiles, (SELECT count(*) FROM post_tags) AS links,
       (SELECT count(*) FROM tags) AS tags;

-- the self-referential tree: roots have a NULL parent
INSERT INTO categories (id, name, parent_id) VALUES (1, 'root', NULL), (2, 'child', 1), (3, 'grandchild', 2);
DELETE FROM categories WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE

-- drop_relationship removes both directions; the constraint stays unless asked
SELECT * FROM relorm.drop_relationship('posts', 'editor');
SELECT * FROM relorm.drop_relationship('users', 'profile', drop_constraint => true);
SELECT name FROM rels WHERE source IN ('users'::regclass, 'profiles'::regclass);
\d profiles

SET client_min_messages = warning;
DROP SCHEMA decl_kinds CASCADE;
RESET client_min_messages;
