-- docs/types.md's examples, verbatim: scripts/check-readme verifies that every
-- ```psql block of docs/types.md appears in expected/doc_types.out.  The model:
-- the README's blog (users, profiles, posts, comments, categories), a polymorphic
-- staff table.  Output unaligned, so that the declarations read as written.
SET client_min_messages = warning;
CREATE SCHEMA doc_types;
SET search_path = doc_types;
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE);
CREATE TABLE profiles (id serial PRIMARY KEY, bio text);
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL, published boolean NOT NULL DEFAULT true,
                    created_at timestamptz NOT NULL DEFAULT now(), rating numeric(3, 1));
CREATE TABLE comments (id serial PRIMARY KEY, body text NOT NULL);
CREATE TABLE categories (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE staff (id int PRIMARY KEY, kind text NOT NULL, name text NOT NULL, language text, reports int);
SELECT count(*) FROM relorm.one_to_one('users', 'profile', 'profiles', back_populates => 'user', on_delete => 'cascade');
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', on_delete => 'cascade');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post');
SELECT count(*) FROM relorm.one_to_many('categories', 'children', 'categories', back_populates => 'parent',
                                        nullable => true);
SELECT relorm.polymorphic('staff', 'kind', 'staff');
SELECT relorm.subtype('staff', 'engineer', '{language}');
SELECT relorm.subtype('staff', 'manager', '{reports}');
COMMENT ON COLUMN posts.rating IS 'From 0 to 10; null until rated.';
RESET client_min_messages;
\pset format unaligned

SELECT relorm.typescript('users', 'id,name,profile(bio),posts(title,created_at,rating,author(name),comments(count))', 'User');
SELECT relorm.typescript('categories', 'name,children*(name)', 'Category');
SELECT relorm.typescript('staff', '*', 'Staff');
SELECT jsonb_pretty(relorm.json_schema('posts', 'title,comments(body)'));
SELECT relorm.json_schema('categories', 'name,children*(name)') -> '$defs';

\pset format aligned
SET client_min_messages = warning;
DROP SCHEMA doc_types CASCADE;
