-- Hostile input to the fetch and declaration functions: each case crashed the
-- backend, raised an internal error (XX000) or misbehaved before relorm 0.3.
-- Every one is now refused with its own SQLSTATE, or works, and changes nothing.
SET client_min_messages = warning;
CREATE SCHEMA trust_inputs;
SET search_path = trust_inputs;
\i sql/include/sqlstate_of.sql
\i sql/include/try.sql
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, author_id int NOT NULL, title text, v text);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id');
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO posts VALUES (1, 1, 'a', 'x'), (2, 1, 'b', 'y'), (3, 2, 'c', 'z');

-- A quote inside a comment inside a fragment: the one SQL lexer delimits it.
SELECT relorm.fetch('users', 'name,posts(order: (id /* '' */), title)');
SELECT try($$SELECT relorm.fetch('users', 'x(order: (id /* '' */))')$$);
SELECT try($$SELECT relorm.fetch('users', 'posts(where: ' , title)')$$);
SELECT try($$SELECT relorm.fetch('users', 'posts(where: /* , title)')$$);

-- A root that is no relation, or one dropped since the call was written: 42P01.
SELECT try('SELECT relorm.fetch(0::oid::regclass)');
SELECT try('SELECT relorm.fetch(12345::oid::regclass)');
SELECT try('SELECT relorm.explain(12345::oid::regclass)');
SELECT try($$SELECT relorm.fetch_one(12345::oid::regclass, '*', '1')$$);
CREATE TABLE doomed (id int PRIMARY KEY);
SELECT 'doomed'::regclass::oid AS doomed \gset
DROP TABLE doomed;
SELECT try(format('SELECT relorm.fetch(%s::oid::regclass)', :doomed)) LIKE '42P01: relation with OID % does not exist%' AS refused;

-- NULL elements in array arguments: 22004.
CREATE TABLE staff (id int PRIMARY KEY, kind text, e text);
SELECT relorm.polymorphic('staff', 'kind', 'staff');
SELECT try($$SELECT relorm.subtype('staff', 'e', ARRAY[NULL]::name[])$$);
SELECT try($$SELECT relorm.subtype('staff', 'e', ARRAY['e', NULL]::name[])$$);
SELECT try($$SELECT relorm.subtype('staff', 'e', '{{e}}'::name[])$$);
SELECT try($$SELECT relorm.constraint_of('posts', ARRAY[NULL]::name[], 'users', '{id}')$$);
SELECT count(*) AS subtypes FROM relorm.subtype;

-- limit: and offset: beyond their range: 22023, never a wrapped value.
SELECT try($$SELECT relorm.fetch('users', 'posts(offset: 18446744073709551617, title)')$$);
SELECT try($$SELECT relorm.fetch('users', 'posts(limit: 9999999999999999999, title)')$$);

-- $n past the params given: 42P02, before anything is allocated for it.
SELECT try($$SELECT relorm.fetch('users', 'name', filter => 'id = $429496729')$$);
SELECT try($$SELECT relorm.fetch('users', 'name', filter => 'id = $200000000', params => '[1]')$$);
SELECT try($$SELECT relorm.fetch('users', 'name', filter => 'id = $99999999999999999999')$$);
SELECT try($$SELECT relorm.fetch('users', 'name', filter => 'id = $0', params => '[1]')$$);
SELECT try($$SELECT relorm.explain('users', 'name', 'id = $70000')$$);
-- and orderings take none: $1 would be the root's LIMIT
SELECT try($$SELECT relorm.fetch('users', 'name', order_by => '$1')$$);
SELECT try($$SELECT relorm.fetch('users', 'posts(order: $1, title)')$$);

-- A shape of 40,000 keys is planned in linear time, and the statement timeout holds.
SET statement_timeout = '20s';
SELECT length(relorm.fetch('users', (SELECT string_agg('k' || i || ':id', ',') FROM generate_series(1, 40000) i))::text) > 0
       AS planned
 LIMIT 1;
RESET statement_timeout;
-- A params array of a million elements is converted without a conversion's garbage per element.
SELECT count(*) FROM relorm.fetch('users', 'name', 'id = ANY($1)',
                                  (SELECT jsonb_build_array(jsonb_agg(i)) FROM generate_series(1, 1000000) i));

-- Names relorm makes up are cut at a character boundary, as PostgreSQL cuts them.
-- (a key of 31 two-byte characters and one byte: 63 bytes, so parent_<key> is cut)
CREATE TABLE parents ("éééééééééééééééééééééééééééééééx" int PRIMARY KEY);
CREATE TABLE children (id int PRIMARY KEY);
SELECT * FROM relorm.one_to_many('parents', 'kids', 'children', back_populates => 'parent');
SELECT name, local_columns::text, remote_columns::text, octet_length(remote_columns[1]::text) AS bytes
  FROM relorm.relationships WHERE source = 'parents'::regclass;
INSERT INTO parents VALUES (1);
INSERT INTO children VALUES (10, 1);
SELECT relorm.fetch('parents', 'kids(id)');
-- and a long default association table name is looked up as it was created
CREATE TABLE a_rather_long_table_name_for_sources_of_things_xx (id int PRIMARY KEY);
CREATE TABLE a_rather_long_table_name_for_targets_of_things_yy (id int PRIMARY KEY);
SELECT count(*) FROM relorm.many_to_many('a_rather_long_table_name_for_sources_of_things_xx', 'ts',
                                         'a_rather_long_table_name_for_targets_of_things_yy');
SELECT secondary FROM relorm.relationships WHERE name = 'ts';

-- Temporary tables end with their session without an event trigger: refused (0A000).
CREATE TEMP TABLE tmp_notes (id int PRIMARY KEY, user_id int);
INSERT INTO tmp_notes VALUES (1, 1);
SELECT try($$SELECT relorm.many_to_one('tmp_notes', 'user', 'users', fk => 'user_id')$$);
SELECT try($$SELECT relorm.viewonly('users', 'notes', 'tmp_notes', join_on => 'tmp_notes.user_id = users.id')$$);
SELECT count(*) AS temp_relationships FROM relorm.relationship WHERE source = 'tmp_notes'::regclass OR target = 'tmp_notes'::regclass;
-- (a temporary table can still be fetched as a root)
SELECT relorm.fetch('tmp_notes', '*');

-- Dot diagrams escape backslashes and quotes in names.
CREATE TABLE "back\slash" (id int PRIMARY KEY);
CREATE TABLE "quo""te" (id int PRIMARY KEY);
SELECT count(*) FROM relorm.one_to_many('"back\slash"', 'quotes', '"quo""te"');
SELECT line FROM regexp_split_to_table(relorm.diagram('dot'), E'\n') AS line
 WHERE line LIKE '%->%' AND line LIKE '%back%';

-- Kept plans stay within relorm.plan_cache_memory.
SET relorm.plan_cache_memory = '2MB';
DO $$ BEGIN
  FOR i IN 1..30 LOOP
    PERFORM count(*) FROM relorm.fetch('users', (SELECT string_agg('k' || j || '_' || i || ':id', ',') FROM generate_series(1, 2000) j));
  END LOOP;
END $$;
SELECT sum(total_bytes) < 8 * 1024 * 1024 AS bounded, count(*) < 30 AS evicted
  FROM pg_backend_memory_contexts WHERE name = 'relorm load plan';
RESET relorm.plan_cache_memory;

-- Tables are as they were.
SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM posts) AS posts;
DROP SCHEMA trust_inputs CASCADE;
