-- Composite keys, statement_timeout and cancel on a large fetch, batch sizes.
SET client_min_messages = warning;
CREATE SCHEMA fetch_limits;
SET search_path = fetch_limits;

-- Composite keys: fetch_one takes an object; a level is loaded by (a, b) IN (unnest($1), unnest($2)).
CREATE TABLE members (org_id int, user_id int, name text NOT NULL, PRIMARY KEY (org_id, user_id));
CREATE TABLE notes (id int PRIMARY KEY, org_id int NOT NULL, user_id int NOT NULL, note text NOT NULL);
SELECT count(*) FROM relorm.one_to_many('members', 'notes', 'notes', back_populates => 'member', fk => 'org_id, user_id');
INSERT INTO members SELECT o, u, 'm' || o || '.' || u FROM generate_series(1, 3) o, generate_series(1, 4) u;
INSERT INTO notes SELECT i, 1 + i % 3, 1 + i % 4, 'note ' || i FROM generate_series(1, 30) i;
SELECT relorm.fetch_one('members', 'name,notes(id)', '{"org_id": 2, "user_id": 3}');
SELECT relorm.fetch_one('members', 'name', '{"user_id": 3, "org_id": 2}');
SELECT relorm.fetch_one('members', 'name', '2');
SELECT relorm.fetch('notes', 'id,member(name)', 'id <= 3');
WITH f AS (SELECT row_number() OVER () AS n, t::jsonb AS j FROM relorm.fetch('members', 'name,notes(id,member(name))') t),
h AS (SELECT row_number() OVER (ORDER BY m.org_id, m.user_id) AS n, json_build_object('name', m.name,
        'notes', COALESCE((SELECT json_agg(json_build_object('id', n.id, 'member', json_build_object('name', m.name)) ORDER BY n.id)
                             FROM notes n WHERE (n.org_id, n.user_id) = (m.org_id, m.user_id)), '[]'))::jsonb AS j
        FROM members m)
SELECT count(*) AS trees, count(*) FILTER (WHERE f.j = h.j) AS same FROM f FULL JOIN h USING (n);
SELECT * FROM relorm.explain('members', 'notes(id)');

-- A large fetch stops promptly at statement_timeout (about 3M child rows here).
CREATE TABLE roots (id int PRIMARY KEY);
CREATE TABLE leaves (id int PRIMARY KEY, payload text);
INSERT INTO roots SELECT generate_series(1, 300);
INSERT INTO leaves SELECT i, repeat('x', 20) FROM generate_series(1, 10000) i;
SELECT count(*) FROM relorm.viewonly('roots', 'everything', 'leaves', join_on => 'true');
SET statement_timeout = '200ms';
\set VERBOSITY terse
SELECT count(*) FROM relorm.fetch('roots', 'id,everything(*)');
\set VERBOSITY default
RESET statement_timeout;
-- and runs to completion without it, in batches of 50 roots
SET relorm.batch_size = 50;
SELECT count(*), sum(json_array_length(f -> 'everything')) FROM relorm.fetch('roots', 'id,everything(id)', 'id <= 20') f;
RESET relorm.batch_size;
SET relorm.batch_size = 0;

DROP SCHEMA fetch_limits CASCADE;
