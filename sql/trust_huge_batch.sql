-- A level whose rows need more than 1 GB of Datums for one batch of parents
-- (here one parent with 85,000 children of 1,593 columns: 135 million
-- values) is loaded with PostgreSQL's huge allocations, where it used to fail
-- with an internal "invalid memory alloc request size".  The children's
-- columns belong to a subtype none of them has, so the trees stay small.
SET client_min_messages = warning;
CREATE SCHEMA trust_huge;
SET search_path = trust_huge;
CREATE TABLE parents (id int PRIMARY KEY);
DO $$ BEGIN
  EXECUTE 'CREATE TABLE kids (id int PRIMARY KEY, parent_id int NOT NULL, kind text NOT NULL, '
       || (SELECT string_agg('c' || i || ' int', ', ') FROM generate_series(1, 1590) i) || ')';
END $$;
CREATE TABLE toys (id int PRIMARY KEY, kid_id int);
SELECT count(*) FROM relorm.one_to_many('parents', 'kids', 'kids', fk => 'parent_id');
SELECT count(*) FROM relorm.one_to_many('kids', 'toys', 'toys', fk => 'kid_id', nullable => true);
SELECT relorm.polymorphic('kids', 'kind', 'kid');
SELECT relorm.subtype('kids', 'wide', (SELECT array_agg('c' || i)::name[] FROM generate_series(1, 1590) i));
INSERT INTO parents VALUES (1);
INSERT INTO kids (id, parent_id, kind) SELECT i, 1, 'kid' FROM generate_series(1, 85000) i;
INSERT INTO toys VALUES (1, 42);
-- (kids has children of its own: its rows are all held while toys load)
SELECT t->>'id' AS id, json_array_length(t->'kids') AS kids, t->'kids'->41 AS kid_42
  FROM relorm.fetch('parents', 'id,kids(*,toys(id))') AS t;
DROP SCHEMA trust_huge CASCADE;
