-- relorm.explain(..., "analyze" => true): the fetch runs, its trees dropped,
-- and each level's line tells its rows, queries and time; the row counts and
-- query counts are checked against the tables (times vary, shown as present).
SET client_min_messages = warning;
CREATE SCHEMA explain_analyze;
SET search_path = explain_analyze;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, title text NOT NULL);
CREATE TABLE nodes (id int PRIMARY KEY);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author');
SELECT count(*) FROM relorm.one_to_many('nodes', 'children', 'nodes', back_populates => 'parent', nullable => true);
INSERT INTO users SELECT i, 'user ' || i FROM generate_series(1, 7) i;
INSERT INTO posts SELECT i, 'post ' || i, 1 + i % 5 FROM generate_series(1, 20) i;
INSERT INTO nodes SELECT i, CASE WHEN i > 1 THEN i / 2 END FROM generate_series(1, 15) i;
RESET client_min_messages;

-- 7 users in batches of 3: 4 fetches of the root cursor (3 batches, then the one that finds no more), 3 queries a level
SET relorm.batch_size = 3;
SELECT regexp_replace(e, '[0-9.]+ ms\)$', 'N ms)') AS line
  FROM relorm.explain('users', 'id,posts(title),author_count:posts(count)', "analyze" => true) e;
-- the counts against the tables
SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM posts) AS posts,
       (SELECT count(DISTINCT author_id) FROM posts) AS users_with_posts;
RESET relorm.batch_size;
-- a recursion: one line, its rows and queries over every depth
SELECT regexp_replace(e, '[0-9.]+ ms\)$', 'N ms)') AS line
  FROM relorm.explain('nodes', 'id,children*(id)', 'parent_id IS NULL', "analyze" => true) e;
-- a filter with $n cannot be run without its values
SELECT * FROM relorm.explain('users', 'id', 'id > $1', "analyze" => true);
-- without analyze, nothing runs and nothing is added
SELECT count(*) FILTER (WHERE e LIKE '%actual:%') AS with_actuals, count(*) AS lines
  FROM relorm.explain('users', 'id,posts(title)') e;

-- relorm.log_min_duration: a fetch that takes that long is logged (the times
-- and levels are in the message's detail, left out here by VERBOSITY terse)
SET relorm.log_min_duration = 0;
SET client_min_messages = log;
\set VERBOSITY terse
SELECT count(*) FROM (SELECT relorm.fetch('users', 'id,posts(title)')) s;
SELECT relorm.fetch_one('users', 'name', '3');
SET relorm.log_min_duration = '1h';
SELECT count(*) FROM (SELECT relorm.fetch('users', 'id,posts(title)')) s;
\set VERBOSITY default
RESET client_min_messages;
RESET relorm.log_min_duration;
-- a role without superuser rights cannot change it (as auto_explain's)
CREATE ROLE explain_analyze_user;
SET ROLE explain_analyze_user;
SET relorm.log_min_duration = 0;
RESET ROLE;
DROP ROLE explain_analyze_user;

SET client_min_messages = warning;
DROP SCHEMA explain_analyze CASCADE;
