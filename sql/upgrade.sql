-- Upgrading: ALTER EXTENSION relorm UPDATE from 0.1 to 0.2, then 0.3, adds exactly the
-- new objects (a fresh installation runs the same scripts in the same order)
-- and keeps the relationships declared under 0.1.
SET client_min_messages = warning;
DROP EXTENSION relorm CASCADE;
CREATE EXTENSION relorm VERSION '0.1';
RESET client_min_messages;
CREATE SCHEMA upgrade;
SET search_path = upgrade;
CREATE TABLE users (id int PRIMARY KEY, name text);
CREATE TABLE posts (id int PRIMARY KEY, title text, author_id int REFERENCES users);
CREATE INDEX ON posts (author_id);
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author');
INSERT INTO users VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO posts VALUES (1, 'a', 1), (2, 'b', 1);
-- The 0.2 module works on 0.1 catalogs until the update runs.
SELECT relorm.fetch('users', 'name,posts(title)');

-- What 0.1 installed, then what the update adds.
CREATE TEMP VIEW objects AS
SELECT p.oid::regprocedure::text AS object FROM pg_proc p
 WHERE p.pronamespace IN (SELECT n.oid FROM pg_namespace n WHERE n.nspname IN ('relorm', 'relorm_internal'))
UNION ALL
SELECT 'column ' || c.relname || '.' || a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
 WHERE c.relnamespace = 'relorm'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint ' || c.conname || ' ' || regexp_replace(pg_get_constraintdef(c.oid), '\s+', ' ', 'g') FROM pg_constraint c
 WHERE c.connamespace = 'relorm'::regnamespace
UNION ALL
SELECT 'event trigger ' || e.evtname || ' ON ' || e.evtevent || coalesce(' ' || e.evttags::text, '')
  FROM pg_event_trigger e WHERE e.evtname LIKE 'relorm%';
CREATE TEMP TABLE objects_01 AS SELECT * FROM objects;
ALTER EXTENSION relorm UPDATE TO '0.2';
SELECT extversion FROM pg_extension WHERE extname = 'relorm';
CREATE TEMP TABLE objects_02 AS SELECT * FROM objects;
SELECT object AS added FROM objects_02 EXCEPT SELECT object FROM objects_01 ORDER BY 1;
SELECT object AS removed FROM objects_01 EXCEPT SELECT object FROM objects_02 ORDER BY 1;

-- The relationships survive, and the new features work on them.
SELECT source, name, target, kind, target_type FROM relorm.relationships ORDER BY 1, 2;
SELECT relorm.fetch('users', 'name,posts(count),first:posts(limit: 1, title)');

-- 0.3 records who wrote a relationship's fragments (the source table's owner
-- for those declared before), clears rows of tables that are gone, and adds
-- the argument check and the dot escaping helpers.
CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users);
SELECT count(*) FROM relorm.viewonly('users', 'big_orders', 'orders', join_on => 'orders.user_id = users.id');
SELECT count(*) FROM relorm.one_to_many('users', 'orders', 'orders', fk => 'user_id', order_by => 'id DESC');
-- a many-to-many deleting its orphans, declared on the 0.2 catalog: its triggers call
-- the helper where 0.2 has it, and keep calling it once 0.3 moves it to relorm_internal
-- (a schema of that name made by someone else does not mislead the module)
CREATE SCHEMA relorm_internal;
CREATE TABLE labels (id int PRIMARY KEY);
SELECT count(*) FROM relorm.many_to_many('posts', 'labels', 'labels', back_populates => 'posts', orphans => 'delete');
DROP SCHEMA relorm_internal;
SELECT tgname, tgfoid::regprocedure FROM pg_trigger WHERE tgrelid = 'post_labels'::regclass AND NOT tgisinternal ORDER BY 1;
INSERT INTO labels VALUES (1), (2);
INSERT INTO post_labels VALUES (1, 1), (2, 2);
CREATE TEMP TABLE objects_02b AS SELECT * FROM objects;
ALTER EXTENSION relorm UPDATE TO '0.3';
SELECT extversion FROM pg_extension WHERE extname = 'relorm';
SELECT object AS added FROM objects EXCEPT SELECT object FROM objects_02b ORDER BY 1;
SELECT object AS removed FROM objects_02b EXCEPT SELECT object FROM objects ORDER BY 1;
SELECT source, name, fragments_by = (SELECT relowner FROM pg_class WHERE oid = 'users'::regclass)::regrole AS by_owner
  FROM relorm.relationships ORDER BY 1, 2;
SELECT relorm.fetch('users', 'name,posts(count),orders(id),big_orders(id)');
SELECT tgname, tgfoid::regprocedure FROM pg_trigger WHERE tgrelid = 'post_labels'::regclass AND NOT tgisinternal ORDER BY 1;
DELETE FROM posts WHERE id = 1;
SELECT id AS labels_left FROM labels ORDER BY 1;

-- Back to a default installation for the tests that follow: it has exactly
-- the objects the updates gave.
CREATE TEMP TABLE objects_03 AS SELECT * FROM objects;
SET client_min_messages = warning;
DROP SCHEMA upgrade CASCADE;
DROP EXTENSION relorm CASCADE;
CREATE EXTENSION relorm;
RESET client_min_messages;
(SELECT 'only fresh' AS install, object FROM objects EXCEPT SELECT 'only fresh', object FROM objects_03)
UNION ALL
(SELECT 'only updated', object FROM objects_03 EXCEPT SELECT 'only updated', object FROM objects)
ORDER BY 1, 2;
