-- Filter parameters: $1..$n typed from their use, bound from a JSON array, never
-- spliced into SQL.
SET client_min_messages = warning;
CREATE SCHEMA fetch_params;
SET search_path = fetch_params;
CREATE TABLE t (id int PRIMARY KEY, name text, tags text[], js jsonb, at timestamptz, amount numeric, ok bool);
INSERT INTO t VALUES
    (1, 'ann', '{a,b}', '{"k": 1}', '2026-01-01 10:00+00', 1.50, true),
    (2, 'bob''s', '{c}', '[1]', '2026-02-01 10:00+00', 20, false),
    (3, NULL, NULL, NULL, NULL, NULL, NULL);

-- Scalars: strings through the type's input function, numbers and booleans as written.
SELECT relorm.fetch('t', 'id', 'name = $1', '["bob''s"]');
SELECT relorm.fetch('t', 'id', 'at < $1 AND amount > $2', '["2026-01-15T00:00:00Z", 1.25]');
SELECT relorm.fetch('t', 'id', 'ok = $1', '[false]');
SELECT relorm.fetch('t', 'id', 'name IS NOT DISTINCT FROM $1', '[null]');
-- The same placeholder used twice, placeholders out of order.
SELECT relorm.fetch('t', 'id', 'id = $2 OR id = $1 OR id + 1 = $1', '[3, 1]');
-- A value that looks like SQL is only a value.
SELECT relorm.fetch('t', 'id', 'name = $1', '["x''; DROP TABLE t; --"]');
SELECT count(*) FROM t;
-- Arrays: a JSON array, or a string in array syntax.
SELECT relorm.fetch('t', 'id', 'id = ANY ($1)', '[[1, 3]]');
SELECT relorm.fetch('t', 'id', 'id = ANY ($1)', '["{2,3}"]');
SELECT relorm.fetch('t', 'id', 'tags && $1', '[["a", null, "c"]]');
SELECT relorm.fetch('t', 'id', 'id = ANY ($1)', '[[]]');
-- json and jsonb parameters receive the element as JSON.
SELECT relorm.fetch('t', 'id', 'js @> $1', '[{"k": 1}]');
SELECT relorm.fetch('t', 'id', 'js = $1', '[[1]]');
SELECT relorm.fetch('t', 'id', 'js = $1', '["a string"]');
-- A placeholder whose type cannot be inferred is text.
SELECT relorm.fetch('t', 'id', '$1 IS NOT NULL AND id = 1', '[42]');
-- The same filter with other values reuses the kept plan.
SELECT relorm.fetch('t', 'id', 'name = $1', '["ann"]');
-- Errors name the parameter.
SELECT relorm.fetch('t', 'id', 'id = $1', '["x"]');
SELECT relorm.fetch('t', 'id', 'id = ANY ($1)', '[[[1]]]');
SELECT relorm.fetch('t', 'id', 'id = $1', '[1, 2]');

DROP SCHEMA fetch_params CASCADE;
