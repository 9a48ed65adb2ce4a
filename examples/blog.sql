-- examples/blog.sql: the demo run by scripts/demo.  The seed's blog model,
-- declared with relorm (which creates the FK columns, constraints and indexes),
-- a little data, and nested trees fetched from it.
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
  FROM relorm.relationships WHERE target::text NOT LIKE '%.%' ORDER BY source::text, name;

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
