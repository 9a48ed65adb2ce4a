-- relorm.fetch hands its trees out a batch at a time (fetch_stream.c): in the
-- select list the query reads them as they come.  The trees are those of the
-- hand-written statement at every batch size; a query that stops early (LIMIT),
-- an error in the middle of the stream (a filter that fails on a later batch),
-- in a transaction or a savepoint, and a cursor read in part all leave nothing
-- behind: no warning of a leaked reference at the end of the transaction, and
-- the next fetch runs.
SET client_min_messages = warning;
CREATE SCHEMA fetch_stream;
SET search_path = fetch_stream;
\i sql/include/compare_trees.sql
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, title text NOT NULL);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author');
INSERT INTO users SELECT i, 'user ' || i FROM generate_series(1, 25) i;
INSERT INTO posts SELECT i, 'post ' || i, 1 + i % 25 FROM generate_series(1, 60) i;
RESET client_min_messages;

-- the trees, in the select list and in FROM, at batch sizes 1, 7 and 500
SET relorm.batch_size = 1;
SELECT * FROM compare($$SELECT relorm.fetch('users', 'id,name,posts(title)')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'name', u.name, 'posts',
      coalesce((SELECT json_agg(json_build_object('title', p.title) ORDER BY p.id) FROM posts p WHERE p.author_id = u.id), '[]'))
      ORDER BY u.id) FROM users u$$);
SET relorm.batch_size = 7;
SELECT * FROM compare($$SELECT * FROM relorm.fetch('users', 'id,posts(id)', 'id > 3', order_by => 'id DESC')$$,
  $$SELECT json_agg(json_build_object('id', u.id, 'posts',
      coalesce((SELECT json_agg(json_build_object('id', p.id) ORDER BY p.id) FROM posts p WHERE p.author_id = u.id), '[]'))
      ORDER BY u.id DESC) FROM users u WHERE u.id > 3$$);
RESET relorm.batch_size;
SELECT count(*) FROM (SELECT relorm.fetch('users', 'id,posts(id)')) s;

-- a query that stops early: the rest is never loaded, and nothing is left open
SET relorm.batch_size = 2;
BEGIN;
SELECT relorm.fetch('users', 'id,posts(id)') LIMIT 3;
SELECT t FROM relorm.fetch('users', 'id', order_by => 'id DESC') AS t LIMIT 2;
COMMIT;

-- a filter that fails on a later batch: the error, then the next fetch runs
CREATE FUNCTION fails_at(i int, at int) RETURNS bool LANGUAGE plpgsql AS
$$BEGIN IF i = at THEN RAISE EXCEPTION 'row % fails', i; END IF; RETURN true; END$$;
SELECT relorm.fetch('users', 'id', 'fetch_stream.fails_at(id, 9)');
SELECT count(*) FROM (SELECT relorm.fetch('users', 'id,posts(id)')) s;
BEGIN;
SAVEPOINT s;
SELECT relorm.fetch('users', 'id', 'fetch_stream.fails_at(id, 9)');
ROLLBACK TO SAVEPOINT s;
SELECT count(*) FROM (SELECT relorm.fetch('users', 'id,posts(id)')) s;
COMMIT;
-- an error after the stream's first rows, outside relorm (the query's own division by zero, at the
-- ninth tree: the fifth batch)
BEGIN;
SAVEPOINT s;
SELECT t, 1 / (9 - (t ->> 'id')::int) FROM (SELECT relorm.fetch('users', 'id', order_by => 'id') AS t) s;
ROLLBACK TO SAVEPOINT s;
SELECT count(*) FROM (SELECT relorm.fetch('users', 'id,posts(id)')) s;
COMMIT;
-- a cursor over the fetch, read in part, then closed and the transaction ended
BEGIN;
DECLARE c CURSOR FOR SELECT relorm.fetch('users', 'id', order_by => 'id');
FETCH 3 FROM c;
FETCH 2 FROM c;
CLOSE c;
COMMIT;
BEGIN;
DECLARE c CURSOR FOR SELECT relorm.fetch('users', 'id', order_by => 'id');
FETCH 4 FROM c;
ROLLBACK;
RESET relorm.batch_size;
SELECT count(*) FROM (SELECT relorm.fetch('users', 'id,posts(id)')) s;

SET client_min_messages = warning;
DROP SCHEMA fetch_stream CASCADE;
