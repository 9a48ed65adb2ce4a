-- How a level's query is planned and where its JSON is written (issue 12).
-- A level read alone from a table gets a second plan, made with sorts off, for
-- batches of 1,000 parent keys or more: its rows come in key order from the
-- key's index and only each parent's rows are sorted, where the first plan
-- (costed for ten keys) sorts every row and, past work_mem, on disk.  Both
-- plans give the hand-written statement's trees; temporary files show which
-- ran (at work_mem 64kB a full sort of 10,000 comments spills, an incremental
-- one does not).  A plan keeps its levels' JSON buffers for its next run
-- within relorm.plan_cache_memory, and two runs of one plan at once, or a run
-- after an error, still give the same trees.
SET client_min_messages = warning;
CREATE SCHEMA fetch_level_plans;
SET search_path = fetch_level_plans;
\i sql/include/compare_trees.sql
CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL REFERENCES authors, title text NOT NULL);
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL REFERENCES posts, body text NOT NULL);
SELECT count(*) FROM relorm.one_to_many('authors', 'posts', 'posts', back_populates => 'author');
SELECT count(*) FROM relorm.one_to_many('posts', 'comments', 'comments', back_populates => 'post');
-- 1,000 authors, 2 posts each, 5 comments a post; a comment's id runs against
-- its post's, so each post's comments come from the index out of id order
INSERT INTO authors SELECT i, 'author ' || i FROM generate_series(1, 1000) i;
INSERT INTO posts SELECT i, 1 + (i - 1) / 2, 'post ' || i FROM generate_series(1, 2000) i;
INSERT INTO comments SELECT i, 2000 - (i - 1) % 2000, 'comment ' || i || repeat('.', 20) FROM generate_series(1, 10000) i;
ANALYZE authors, posts, comments;
-- no autovacuum: its ANALYZE would invalidate the kept plans the memory checks below look at
ALTER TABLE authors SET (autovacuum_enabled = off);
ALTER TABLE posts SET (autovacuum_enabled = off);
ALTER TABLE comments SET (autovacuum_enabled = off);
CREATE VIEW want AS
  SELECT json_agg(json_build_object('id', a.id, 'posts', coalesce((
      SELECT json_agg(json_build_object('id', p.id, 'title', p.title, 'comments', coalesce((
          SELECT json_agg(json_build_object('id', c.id, 'body', c.body) ORDER BY c.id)
            FROM comments c WHERE c.post_id = p.id), '[]')) ORDER BY p.id)
        FROM posts p WHERE p.author_id = a.id), '[]')) ORDER BY a.id) AS trees
    FROM authors a;
-- temporary files written in this database, once this backend's counts are flushed
CREATE FUNCTION temp_files() RETURNS bigint LANGUAGE sql AS
$$SELECT temp_files FROM pg_catalog.pg_stat_database WHERE datname = pg_catalog.current_database()$$;
RESET client_min_messages;

SET work_mem = '64kB';
-- batches of 200 authors: 200 and 400 keys a level, so the comments level (2,000
-- rows from 400 posts) runs the first plan, a full sort that spills
SET relorm.batch_size = 200;
SELECT pg_stat_force_next_flush();
SELECT temp_files() AS before \gset
SELECT count(*) FROM (SELECT relorm.fetch('authors', 'id,posts(id,title,comments(id,body))')) s;
SELECT pg_stat_force_next_flush();
SELECT temp_files() > :before AS spilled;
SELECT * FROM compare($$SELECT relorm.fetch('authors', 'id,posts(id,title,comments(id,body))')$$,
                      $$SELECT trees FROM want$$);
-- batches of 1,000: 1,000 and 2,000 keys, both levels with sorts off: no spill
SET relorm.batch_size = 1000;
SELECT pg_stat_force_next_flush();
SELECT temp_files() AS before \gset
SELECT count(*) FROM (SELECT relorm.fetch('authors', 'id,posts(id,title,comments(id,body))')) s;
SELECT pg_stat_force_next_flush();
SELECT temp_files() = :before AS no_spill;
SELECT * FROM compare($$SELECT relorm.fetch('authors', 'id,posts(id,title,comments(id,body))')$$,
                      $$SELECT trees FROM want$$);
RESET work_mem;

-- the buffers stay with the plan after a run, in its memory ...
SELECT count(*) FROM (SELECT relorm.fetch('authors', 'id,posts(id,title,comments(id,body))')) s;
SELECT parent, sum(total_bytes) > 100000 AS holds_a_batch FROM pg_backend_memory_contexts
 WHERE name = 'relorm fetch buffers' GROUP BY parent;
-- so does the buffer of the trees handed out, kept by the backend for its next fetch
SELECT parent, count(*) FROM pg_backend_memory_contexts WHERE name = 'relorm fetch trees' GROUP BY parent;
-- and neither it nor a plan's buffers grow from fetch to fetch
SELECT count(*) FROM (SELECT relorm.fetch('authors', 'id,posts(id)', 'id <= 3')) s;
SELECT sum(total_bytes) FILTER (WHERE name = 'relorm fetch trees') AS trees_bytes,
       sum(total_bytes) FILTER (WHERE name = 'relorm fetch buffers') AS plan_bytes
  FROM pg_backend_memory_contexts \gset
DO $$ BEGIN
  FOR i IN 1..300 LOOP
    PERFORM count(*) FROM (SELECT relorm.fetch('authors', 'id,posts(id)', 'id <= 3')) s;
  END LOOP;
END $$;
-- (a plan made again, after an invalidation, may lay its buffers out a little
-- differently: within 16 kB; 300 fetches leaking 256 bytes each would be 75 kB)
SELECT sum(total_bytes) FILTER (WHERE name = 'relorm fetch trees') <= :trees_bytes + 16384 AS trees_same_size,
       sum(total_bytes) FILTER (WHERE name = 'relorm fetch buffers') <= :plan_bytes + 16384 AS plans_same_size
  FROM pg_backend_memory_contexts;
-- ... and are written again by the next run: the same trees
SELECT * FROM compare($$SELECT relorm.fetch('authors', 'id,posts(id,title,comments(id,body))')$$,
                      $$SELECT trees FROM want$$);
-- two runs of the plan at once (both in one select list): one takes the kept
-- buffers, the other has its own; each gives every tree
SELECT count(*) AS trees, count(*) FILTER (WHERE a::jsonb = b::jsonb) AS same
  FROM (SELECT relorm.fetch('authors', 'id,posts(id,title,comments(id,body))') AS a,
               relorm.fetch('authors', 'id,posts(id,title,comments(id,body))') AS b) s;
-- a run that fails after its first batch (relorm.max_rows) frees its buffers
-- with it; the next run makes new ones and gives every tree
SET relorm.batch_size = 100;
SET relorm.max_rows = 3000;
SELECT count(*) FROM (SELECT relorm.fetch('authors', 'id,posts(id,title,comments(id,body))')) s;
RESET relorm.max_rows;
SELECT * FROM compare($$SELECT relorm.fetch('authors', 'id,posts(id,title,comments(id,body))')$$,
                      $$SELECT trees FROM want$$);
RESET relorm.batch_size;
-- buffers larger than relorm.plan_cache_memory are not kept
SET relorm.plan_cache_memory = '64kB';
SELECT count(*) FROM (SELECT relorm.fetch('authors', 'id,posts(id,title,comments(id,body))', order_by => 'name')) s;
SELECT count(*) AS kept FROM pg_backend_memory_contexts c
 WHERE c.name = 'relorm fetch buffers' AND c.total_bytes > 100000;
RESET relorm.plan_cache_memory;

-- relorm.level_plans: custom plans (planned for each batch's keys, as on
-- Citus) give the same trees, and explain says so; auto plans generic here
-- (no Citus table), generic too; the setting is part of the kept plan's key
SET relorm.level_plans = custom;
SELECT * FROM relorm.explain('authors', 'id,posts(id,title,comments(id,body))');
SELECT * FROM compare($$SELECT relorm.fetch('authors', 'id,posts(id,title,comments(id,body))')$$,
                      $$SELECT trees FROM want$$);
SET relorm.level_plans = auto;
SELECT * FROM relorm.explain('authors', 'id,posts(id,title,comments(id,body))');
SET relorm.level_plans = generic;
SELECT * FROM compare($$SELECT relorm.fetch('authors', 'id,posts(id,title,comments(id,body))')$$,
                      $$SELECT trees FROM want$$);
SET relorm.level_plans = sometimes;
RESET relorm.level_plans;

-- a recursion keeps a buffer per depth for the next run: the same trees twice
CREATE TABLE nodes (id int PRIMARY KEY, name text NOT NULL);
SELECT count(*) FROM relorm.one_to_many('nodes', 'children', 'nodes', back_populates => 'parent', nullable => true);
INSERT INTO nodes SELECT i, 'node ' || i, CASE WHEN i > 3 THEN (i - 1) / 3 END FROM generate_series(1, 400) i;
CREATE FUNCTION node_tree(n int) RETURNS json LANGUAGE sql AS
$$SELECT json_build_object('id', n, 'children', coalesce((SELECT json_agg(node_tree(c.id) ORDER BY c.id)
    FROM nodes c WHERE c.parent_id = n), '[]'))$$;
SELECT * FROM compare($$SELECT relorm.fetch('nodes', 'id,children*(id)', 'parent_id IS NULL')$$,
                      $$SELECT json_agg(node_tree(id) ORDER BY id) FROM nodes WHERE parent_id IS NULL$$);
SELECT * FROM compare($$SELECT relorm.fetch('nodes', 'id,children*(id)', 'parent_id IS NULL')$$,
                      $$SELECT json_agg(node_tree(id) ORDER BY id) FROM nodes WHERE parent_id IS NULL$$);
-- a recursion inside another (each ancestor with its whole subtree) keeps no
-- buffers; the same trees as a recursive function's, twice
CREATE FUNCTION ancestors(n int) RETURNS json LANGUAGE sql AS
$$SELECT CASE WHEN n IS NOT NULL THEN json_build_object('id', n, 'children', coalesce((SELECT json_agg(node_tree(c.id) ORDER BY c.id)
    FROM nodes c WHERE c.parent_id = n), '[]'), 'parent', ancestors((SELECT parent_id FROM nodes WHERE id = n))) END$$;
SELECT * FROM compare($$SELECT relorm.fetch('nodes', 'id,parent*(id,children*(id))', 'id IN (40, 400)')$$,
  $$SELECT json_agg(json_build_object('id', id, 'parent', ancestors(parent_id)) ORDER BY id) FROM nodes WHERE id IN (40, 400)$$);
SELECT * FROM compare($$SELECT relorm.fetch('nodes', 'id,parent*(id,children*(id))', 'id IN (40, 400)')$$,
  $$SELECT json_agg(json_build_object('id', id, 'parent', ancestors(parent_id)) ORDER BY id) FROM nodes WHERE id IN (40, 400)$$);

DROP SCHEMA fetch_level_plans CASCADE;
