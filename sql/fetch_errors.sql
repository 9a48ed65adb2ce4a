-- Bad input to a fetch: each error has its SQLSTATE, the position in the shape
-- and a hint; caller fragments cannot escape their place.
SET client_min_messages = warning;
CREATE SCHEMA fetch_errors;
SET search_path = fetch_errors;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL, title text);
CREATE TABLE nokey (a int);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id');
SELECT count(*) FROM relorm.one_to_many('users', 'drafts', 'posts', fk => 'author_id');
INSERT INTO users VALUES (1, 'ann');
INSERT INTO posts VALUES (1, 1, 'p');

-- sqlstate_of(q): the SQLSTATE of the error q raises, or no error.
\i sql/include/sqlstate_of.sql
SELECT q, sqlstate_of(q) FROM (VALUES
    ($$SELECT relorm.fetch('users', 'id,postz(*)')$$),
    ($$SELECT relorm.fetch('users', 'id,nmae')$$),
    ($$SELECT relorm.fetch('users', 'id,(')$$),
    ($$SELECT relorm.fetch('users', 'id = $1', '[]')$$),
    ($$SELECT relorm.fetch('users', '*', 'id = $1', '[]')$$),
    ($$SELECT relorm.fetch('users', '*', 'id = $1', '{"a": 1}')$$),
    ($$SELECT relorm.fetch('users', '*', 'true; DROP TABLE users')$$),
    ($$SELECT relorm.fetch('users', '*', 'nope = 1')$$),
    ($$SELECT relorm.fetch('users', NULL)$$),
    ($$SELECT relorm.fetch('users', '*', row_limit => -1)$$),
    ($$SELECT relorm.fetch_one('nokey', '*', '1')$$),
    ($$SELECT relorm.fetch_one('users', '*', '[1]')$$),
    ($$SELECT relorm.fetch('users', 'posts(where: true)')$$)
) v(q);

-- Unknown relationship: the ones that exist, the nearest one.
SELECT relorm.fetch('users', 'id,postz(*)');
SELECT relorm.fetch('users', 'id,name(*)');
SELECT relorm.fetch('posts', 'id,comments(*)');
-- Unknown column, nested: the position points into the nested shape.
SELECT relorm.fetch('users', 'id, posts(id, titel)');
SELECT relorm.fetch('users', 'id,posts');
-- Malformed shapes.
SELECT relorm.fetch('users', '');
SELECT relorm.fetch('users', 'id,');
SELECT relorm.fetch('users', 'posts(id');
SELECT relorm.fetch('users', 'id)');
SELECT relorm.fetch('users', 'x:*');
SELECT relorm.fetch('users', '"unterminated');
-- Modifier words: a modifier alone is an empty shape; quoted, they are plain names
-- (the modifiers themselves are tested in shape_*).
SELECT relorm.fetch('users', 'posts(order: id)');
SELECT relorm.fetch('users', 'posts(count)');
SELECT relorm.fetch('users', 'posts!inner(id)');
SELECT relorm.fetch('users', '"order":name');
-- Parameter count mismatch, params not an array.
SELECT relorm.fetch('users', '*', 'id = $1 OR name = $2', '[1]');
SELECT relorm.fetch('users', '*', NULL, '[1]');
SELECT relorm.fetch('users', '*', 'id = $1', '1');
-- A fragment is one expression or one ordering list: nothing can follow it.
SELECT relorm.fetch('users', '*', 'true; DROP TABLE users');
SELECT relorm.fetch('users', '*', 'true) OR (true');
SELECT relorm.fetch('users', '*', 'true --');
SELECT relorm.fetch('users', '*', 'id FROM users');
SELECT relorm.fetch('users', '*', 'true ORDER BY 1');
SELECT relorm.fetch('users', '*', order_by => 'id LIMIT 1');
SELECT relorm.fetch('users', '*', order_by => 'id; DROP TABLE users');
SELECT relorm.fetch('users', 'id', order_by => 'name --');
-- An error in the fragment shows the query it was placed in.
SELECT relorm.fetch('users', '*', 'nope = 1');
-- The root must be something rows can be read from.
CREATE SEQUENCE seq;
SELECT relorm.fetch('seq');
SELECT relorm.fetch('users_pkey');
-- Keys for fetch_one.
SELECT relorm.fetch_one('nokey', '*', '1');
SELECT relorm.fetch_one('users', '*', '{"ident": 1}');
SELECT relorm.fetch_one('users', 'id', '{"id": 1}');
-- Tables are still there.
SELECT count(*) FROM users;

DROP SCHEMA fetch_errors CASCADE;
