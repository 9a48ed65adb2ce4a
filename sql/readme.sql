-- The README's examples, verbatim: scripts/check-readme verifies that every
-- ```psql block of README.md appears in expected/readme.out.
CREATE SCHEMA readme;
SET search_path = readme;
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE profiles (id serial PRIMARY KEY, bio text);
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL);
CREATE TABLE comments (id serial PRIMARY KEY, body text NOT NULL);
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', on_delete => 'cascade');
SELECT * FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user', on_delete => 'cascade');
SELECT * FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post', on_delete => 'delete-orphan');
SELECT * FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts');
SELECT source, name, target, kind, local_columns, remote_columns, on_delete, constraint_name
  FROM relorm.relationships ORDER BY source::text, name;
SELECT * FROM relorm.many_to_one('posts', 'author', 'users', on_delete => 'set null');
INSERT INTO users (name) VALUES ('Ann'), ('Bob');
INSERT INTO profiles (bio, user_id) VALUES ('Writes about SQL.', 1);
INSERT INTO posts (title, author_id) VALUES ('Relationships', 1), ('N+1', 1), ('Hello', 2);
INSERT INTO comments (body, post_id) VALUES ('Agreed.', 1), ('Cascades?', 1);
INSERT INTO tags (name) VALUES ('sql'), ('orm');
INSERT INTO post_tags VALUES (1, 1), (1, 2), (2, 2);
SELECT * FROM relorm.fetch('users', 'id,name,profile(bio),posts(id,title,comments(body),tags(name))');
SELECT relorm.fetch_one('posts', 'title,writer:author(name)', '3');
SELECT * FROM relorm.fetch('posts', 'id,title', filter => 'author_id = $1 AND title <> $2', params => '[1, "N+1"]');
SELECT * FROM relorm.explain('users', 'id,posts(id,comments(body),tags(name))');
SELECT * FROM relorm.fetch('users', 'id,post(title)');
CREATE TABLE likes (id int PRIMARY KEY, post_id int REFERENCES posts);
SELECT severity, object, problem, fix_sql FROM relorm.check() ORDER BY 1, 2, 3;
SET client_min_messages = warning;
DROP SCHEMA readme CASCADE;
RESET client_min_messages;
