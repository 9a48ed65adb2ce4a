-- No N+1: each relationship level runs one query per batch of roots, however many
-- parent rows the batch has.  Counted with the tables' scan statistics (sequential
-- scans only, so that each query scans each table once).
SET client_min_messages = warning;
CREATE SCHEMA fetch_queries;
SET search_path = fetch_queries;
\i sql/include/seed_model.sql
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SET enable_indexonlyscan = off;
SET relorm.batch_size = 5;

CREATE VIEW scans AS
SELECT relname, seq_scan FROM pg_stat_user_tables
 WHERE schemaname = 'fetch_queries' AND relname IN ('users', 'posts', 'comments', 'tags', 'post_tags');
SELECT pg_stat_force_next_flush();
CREATE TEMP TABLE before AS SELECT * FROM scans;

-- 12 users in batches of 5: 3 batches; 40 posts, 150 comments, 67 post-tag rows.  One query per level
-- per batch (a query per parent row would be 12 on posts and 40 on comments and tags).
SELECT count(*), sum(json_array_length(f -> 'posts')) AS posts
  FROM relorm.fetch('users', 'id,posts(id,comments(id),tags(id))') f;
SELECT pg_stat_force_next_flush();
SELECT s.relname, s.seq_scan - b.seq_scan AS queries
  FROM scans s JOIN before b USING (relname) ORDER BY 1;

DROP SCHEMA fetch_queries CASCADE;
