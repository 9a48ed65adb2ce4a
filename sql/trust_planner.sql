-- What a fetch's queries must never do, whatever the schema: let a user's
-- table, column or function capture one of relorm's internal names; compare
-- a key under two collations; run with columns other than its plan's; call a
-- cast that is gone.  Each tree is checked against one built in plain SQL, and
-- every strategy must give the same.
SET client_min_messages = warning;
CREATE SCHEMA trust_planner;
SET search_path = trust_planner;
\i sql/include/compare_trees.sql
\i sql/include/try.sql

-- Tables named like relorm's internal aliases, columns named like its
-- internal columns: the queries take another prefix for their own names.
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE relorm_keys (id int PRIMARY KEY, user_id int NOT NULL, k1 int, relorm_ord int, relorm_key1 int);
CREATE TABLE relorm_l (id int PRIMARY KEY, relorm_c1 text);
SELECT count(*) FROM relorm.one_to_many('users', 'kids', 'relorm_keys', back_populates => 'parent', fk => 'user_id');
SELECT count(*) FROM relorm.many_to_many('users', 'ls', 'relorm_l', secondary => 'relorm_secondary', back_populates => 'us');
INSERT INTO users VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO relorm_keys SELECT i, 1 + i % 3, 100 + i, 200 + i, 300 + i FROM generate_series(1, 9) i;
INSERT INTO relorm_l VALUES (1, 'l1'), (2, 'l2');
INSERT INTO relorm_secondary VALUES (1, 1), (1, 2), (3, 2);
CREATE VIEW kids_want AS
SELECT json_agg(json_build_object('id', u.id, 'kids',
         (SELECT coalesce(json_agg(json_build_object('id', k.id, 'k1', k.k1, 'relorm_ord', k.relorm_ord,
                                                     'relorm_key1', k.relorm_key1) ORDER BY k.id), '[]')
            FROM relorm_keys k WHERE k.user_id = u.id),
         'ls', (SELECT coalesce(json_agg(json_build_object('relorm_c1', l.relorm_c1) ORDER BY l.id), '[]')
                  FROM relorm_secondary s JOIN relorm_l l ON l.id = s.relorm_l_id WHERE s.user_id = u.id)) ORDER BY u.id) AS j
  FROM users u;
SELECT * FROM compare($$SELECT relorm.fetch('users', 'id,kids(id,k1,relorm_ord,relorm_key1),ls(relorm_c1)')$$,
                      'SELECT j FROM kids_want');
SELECT * FROM compare($$SELECT relorm.fetch('users', 'id,kids!select(id,k1,relorm_ord,relorm_key1),ls!select(relorm_c1)')$$,
                      'SELECT j FROM kids_want');
SELECT * FROM compare($$SELECT relorm.fetch('users', 'id,kids(limit: 9, id,k1,relorm_ord,relorm_key1),ls(limit: 9, relorm_c1)')$$,
                      'SELECT j FROM kids_want');
-- a user's where: naming what would be an internal column refers to its own table only
SELECT try($$SELECT relorm.fetch('users', 'kids!select(where: relorm_key1 > 0, id)')$$);
SELECT try($$SELECT relorm.fetch('users', 'kids!select(where: key1 > 0, id)')$$);
-- the prefix moved past the names in scope
SELECT line ~ 'relorm1_keys' AS prefixed FROM relorm.explain('users', 'kids!select(id)') AS line OFFSET 1;

-- A key compared under two collations (a nondeterministic one on the foreign
-- key): grouped, matched and ordered under the foreign key column's,
-- everywhere, and the same whatever the strategy.
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE codes (code text COLLATE "C" PRIMARY KEY, label text);
CREATE TABLE coded (id int PRIMARY KEY, code text COLLATE ci, note text);
SELECT count(*) FROM relorm.one_to_many('codes', 'coded', 'coded', back_populates => 'coded_by', fk => 'code',
                                        nullable => true);
INSERT INTO codes VALUES ('ABC', 'upper'), ('abc', 'lower'), ('x', 'x'), ('Y', 'y');
INSERT INTO coded VALUES (1, 'ABC', 'n1'), (2, 'abc', 'n2'), (3, 'x', 'n3'), (4, 'Y', 'n4'), (5, NULL, 'n5');
CREATE VIEW codes_want AS
SELECT json_agg(json_build_object('code', c.code, 'coded',
         (SELECT coalesce(json_agg(json_build_object('id', d.id) ORDER BY d.id), '[]')
            FROM coded d WHERE d.code = c.code COLLATE ci)) ORDER BY c.code) AS j
  FROM codes c;
SELECT * FROM compare($$SELECT relorm.fetch('codes', 'code,coded(id)')$$, 'SELECT j FROM codes_want');
SELECT * FROM compare($$SELECT relorm.fetch('codes', 'code,coded!select(id)')$$, 'SELECT j FROM codes_want');
SELECT * FROM compare($$SELECT relorm.fetch('codes', 'code,coded!select(limit: 5, id)')$$, 'SELECT j FROM codes_want');
SET relorm.batch_size = 1;
SELECT * FROM compare($$SELECT relorm.fetch('codes', 'code,coded(id)')$$, 'SELECT j FROM codes_want');
RESET relorm.batch_size;
SELECT relorm.fetch('codes', 'code,coded(count)');
-- the to-one direction: the first of the keys equal under the foreign key's collation, by primary key
SELECT relorm.fetch('coded', 'id,coded_by(code)');
SELECT relorm.fetch('coded', 'id,coded_by!select(code)');
-- and it is never joined: a join could match one row to two
SELECT try($$SELECT relorm.fetch('coded', 'id,coded_by!joined(code)')$$);
-- a caller's ordering by the key column's name means the column, whatever the strategy
-- (the level's key output once took that name, with the foreign key's collation)
SELECT relorm.fetch('coded', 'id,coded_by(order: (code DESC), label)');
SELECT relorm.fetch('coded', 'id,coded_by!select(order: (code DESC), label)');
-- and an ordering by position is refused: positions count the columns of relorm's queries
SELECT try($$SELECT relorm.fetch('codes', 'code,coded(order: (1 DESC), id)')$$);
SELECT try($$SELECT relorm.fetch('codes', 'code', order_by => '2')$$);
-- !inner and !none compare the same way
SELECT relorm.fetch('codes', 'code,coded!inner()');
SELECT relorm.fetch('codes', 'code,coded!none()');
SELECT relorm.fetch('coded', 'id,coded_by!inner(where: label = ''lower'')');

-- A fetch holds its tables open: DDL its own filter runs on them is refused
-- (55006), as PostgreSQL refuses it for a table in use, where it used to
-- change a level's columns under its renderers.
CREATE TABLE posts (id int PRIMARY KEY, title text);
SELECT count(*) FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author', fk => 'author_id',
                                        nullable => true);
ALTER TABLE posts ADD COLUMN v text DEFAULT 'x';
INSERT INTO posts VALUES (1, 'a', 1), (2, 'b', 1);
CREATE FUNCTION alter_posts() RETURNS bool LANGUAGE plpgsql AS
  $$ BEGIN ALTER TABLE trust_planner.posts DROP COLUMN v, ADD COLUMN v bigint; RETURN true; END $$;
CREATE FUNCTION truncate_posts() RETURNS bool LANGUAGE plpgsql AS
  $$ BEGIN TRUNCATE trust_planner.posts; RETURN true; END $$;
SELECT relorm.fetch('users', 'name,posts(title,v)');
SELECT try($$SELECT relorm.fetch('users', 'name,posts(title,v)', 'trust_planner.alter_posts()')$$);
SELECT try($$SELECT relorm.fetch('users', 'name,posts(title,v)', 'trust_planner.truncate_posts()')$$);
SELECT relorm.fetch('users', 'name,posts(title,v)');
-- a change made before the fetch is seen: the kept plan is planned again
ALTER TABLE posts DROP COLUMN v, ADD COLUMN v bigint;
SELECT relorm.fetch('users', 'name,posts(title,v)');

-- A type rendered through a cast to json: the plan is dropped when the cast's
-- function goes, and a fetch whose own filter drops it stops cleanly (42883).
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE FUNCTION mood_json(mood) RETURNS json LANGUAGE sql AS $$ SELECT json_build_object('m', $1::text) $$;
CREATE CAST (mood AS json) WITH FUNCTION mood_json(mood);
CREATE TABLE moods (id int PRIMARY KEY, m mood);
INSERT INTO moods VALUES (1, 'happy'), (2, 'sad');
SELECT relorm.fetch('moods', '*');
DROP FUNCTION mood_json(mood) CASCADE;
SELECT relorm.fetch('moods', '*');
CREATE FUNCTION mood_json(mood) RETURNS json LANGUAGE sql AS $$ SELECT json_build_object('m', $1::text) $$;
CREATE CAST (mood AS json) WITH FUNCTION mood_json(mood);
CREATE FUNCTION drop_cast() RETURNS bool LANGUAGE plpgsql AS
  $$ BEGIN DROP FUNCTION IF EXISTS trust_planner.mood_json(trust_planner.mood) CASCADE; RETURN true; END $$;
SELECT relorm.fetch('moods', '*');
SELECT try($$SELECT relorm.fetch('moods', '*', 'trust_planner.drop_cast()')$$);

DROP SCHEMA trust_planner CASCADE;
