-- relorm.save's values, column type by column type: a JSON value is read as
-- the column's type reads it (json_populate_record's rules): a string or a
-- number by the type's input function, a JSON array into an array column, an
-- object into a composite, the value itself into json and jsonb; a domain's
-- check, a varchar's length and a numeric's scale apply as for an INSERT.
-- Each save is checked against the table's row; a fetched row saved again
-- comes back the same.
SET client_min_messages = warning;
CREATE SCHEMA save_types;
SET search_path = save_types;
\i sql/include/error_of.sql
CREATE TYPE pair AS (a int, b text);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TABLE vals (id serial PRIMARY KEY, a text[], j jsonb, js json, n numeric(6,2), b bool, r int4range,
                   p pair, d posint, v varchar(3), ia int[], t timestamptz, u uuid);
SELECT relorm.save('vals', $${"a": ["x", "y"], "j": {"k": [1, 2]}, "js": "str", "n": 1.555, "b": true, "r": "[1,3)",
  "p": {"a": 1, "b": "q"}, "d": 5, "v": "abc", "ia": [[1, 2], [3, 4]], "t": "2026-01-02T03:04:05+01:00",
  "u": "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"}$$);
SELECT relorm.save('vals', '{"a": "{p,q}", "j": "s", "js": [1], "n": "2", "b": "t", "p": "(2,z)", "ia": "{5}"}');
SELECT relorm.save('vals', '{"id": 1, "j": null, "a": null}');
SELECT id, a, j, js, n, b, r, p, d, v, ia, t AT TIME ZONE 'UTC' AS t_utc, u FROM vals ORDER BY id;
-- what fetch reads, saved again: the same row
SELECT relorm.save('vals', relorm.fetch_one('vals', '*', '1'))::jsonb = relorm.fetch_one('vals', '*', '1')::jsonb AS same_1,
       relorm.save('vals', relorm.fetch_one('vals', '*', '2'))::jsonb = relorm.fetch_one('vals', '*', '2')::jsonb AS same_2;
-- refused as an INSERT would refuse them, naming the row (and the column where PostgreSQL says it)
CREATE TABLE before AS SELECT * FROM vals;
SELECT q AS save, e.state, e.message, e."where" FROM (VALUES
  ($$SELECT relorm.save('vals', '{"v": "abcd"}')$$),
  ($$SELECT relorm.save('vals', '{"d": -1}')$$),
  ($$SELECT relorm.save('vals', '{"p": {"a": "x"}}')$$),
  ($$SELECT relorm.save('vals', '{"ia": ["x"]}')$$),
  ($$SELECT relorm.save('vals', '{"u": "not a uuid"}')$$),
  ($$SELECT relorm.save('vals', '{"n": 123456}')$$),
  ($$SELECT relorm.save('vals', '{"b": {"x": 1}}')$$)
) AS v(q), LATERAL error_of(q) AS e;
SELECT (SELECT string_agg(now_row::text, '|' ORDER BY id) FROM vals AS now_row)
     = (SELECT string_agg(old_row::text, '|' ORDER BY id) FROM before AS old_row) AS unchanged;

RESET search_path;
DROP SCHEMA save_types CASCADE;
