-- Event triggers keep relorm's catalogs true after DDL run by hand: renames
-- are followed (or need nothing), drops remove or mark what used the object,
-- and no relationship is left naming a column, table or fragment that is gone.
CREATE SCHEMA evt;
SET search_path = evt;
\set SHOW_CONTEXT never

-- try(sql): runs sql, returns ok or its SQLSTATE, message and hint.
\i sql/include/try.sql

-- The relationships of this schema as stored, and whether check() finds them broken.
CREATE VIEW rels AS
SELECT r.source, r.name, r.target, r.kind, r.local_columns, r.remote_columns,
       r.secondary, r.secondary_local_columns AS sec_local, r.secondary_remote_columns AS sec_remote,
       r.order_by, r.join_on, r.constraint_name, r.status
  FROM relorm.relationships r
 WHERE r.source::oid IN (SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'evt'::regnamespace)
 ORDER BY r.source::text, r.name;
CREATE VIEW broken AS
SELECT c.severity, c.object, c.problem FROM relorm.check() c
 WHERE c.object LIKE 'relationship %' AND c.problem NOT LIKE '%back_populates%';

CREATE TABLE authors (id int PRIMARY KEY, name text);
CREATE TABLE posts (id int PRIMARY KEY, title text, created_at date);
CREATE TABLE tags (id int PRIMARY KEY, label text);
SELECT count(*) AS ddl FROM relorm.one_to_many('authors', 'posts', 'posts', back_populates => 'author',
                                               order_by => 'created_at DESC, lower(title)');
SELECT count(*) AS ddl FROM relorm.many_to_many('posts', 'tags', 'tags', back_populates => 'posts',
                                                order_by => 'tags.label');
SELECT count(*) AS ddl FROM relorm.viewonly('authors', 'titled', 'posts',
                                            join_on => 'posts.author_id = authors.id AND posts.title = authors.name',
                                            order_by => 'posts.created_at');
SELECT * FROM rels;

-------------------------------------------------------------------------------
-- Renames
-------------------------------------------------------------------------------

-- A column rename is followed in every name[] that holds it, on each side,
-- and in the order_by and join_on fragments that name it.
ALTER TABLE posts RENAME COLUMN author_id TO writer_id;
ALTER TABLE posts RENAME COLUMN created_at TO published_at;
ALTER TABLE authors RENAME COLUMN name TO "Full Name";
ALTER TABLE post_tags RENAME COLUMN tag_id TO label_id;
ALTER TABLE tags RENAME COLUMN label TO caption;
SELECT * FROM rels;
-- Table and constraint renames need nothing: tables are regclass, constraints
-- are found by their columns.  A viewonly's join_on names its tables (the
-- fetch aliases them by name), so it follows the table rename.
ALTER TABLE posts RENAME TO articles;
ALTER TABLE articles RENAME CONSTRAINT posts_author_id_fkey TO articles_writer_fkey;
ALTER TABLE post_tags RENAME TO article_labels;
-- An order_by qualified with the target's name follows it too.
ALTER TABLE tags RENAME TO labels;
SELECT * FROM rels;
SELECT * FROM broken;

-------------------------------------------------------------------------------
-- Drops
-------------------------------------------------------------------------------

-- Dropping the FK constraint marks both directions; they still fetch by their
-- columns, and check() reports the relationship (once, not per direction).
-- Adding the FK back clears the mark.
ALTER TABLE articles DROP CONSTRAINT articles_writer_fkey;
SELECT name, constraint_name, status FROM rels WHERE kind IN ('one_to_many', 'many_to_one');
SELECT * FROM broken;
ALTER TABLE articles ADD FOREIGN KEY (writer_id) REFERENCES authors;
SELECT name, constraint_name, status FROM rels WHERE kind IN ('one_to_many', 'many_to_one');
-- Dropping and re-adding in one statement leaves it as it was.
ALTER TABLE articles DROP CONSTRAINT articles_writer_id_fkey, ADD FOREIGN KEY (writer_id) REFERENCES authors;
SELECT name, constraint_name, status FROM rels WHERE kind IN ('one_to_many', 'many_to_one');

-- Changing a key column's type rebuilds its FK within the command: no mark.
ALTER TABLE articles ALTER COLUMN writer_id TYPE bigint;
SELECT name, constraint_name, status FROM rels WHERE kind IN ('one_to_many', 'many_to_one');
-- A drop rolled back takes its catalog changes with it.
BEGIN;
SET LOCAL client_min_messages = warning;
DROP TABLE labels CASCADE;
SELECT count(*) FROM rels;
ROLLBACK;
SELECT count(*) FROM rels;

-- Dropping a column an order_by names clears that order_by.
ALTER TABLE articles DROP COLUMN published_at;
SELECT source, name, order_by FROM rels WHERE order_by IS NOT NULL OR name IN ('posts', 'titled');
-- Dropping a column a viewonly's join_on names removes the viewonly.
ALTER TABLE authors DROP COLUMN "Full Name";
SELECT source, name FROM rels;

-- Dropping either FK of an association table marks both many-to-many directions.
ALTER TABLE article_labels DROP CONSTRAINT post_tags_tag_id_fkey;
SELECT name, status FROM rels WHERE kind = 'many_to_many';

-- Dropping a key column removes both directions of the relationship.
ALTER TABLE articles DROP COLUMN writer_id;
-- Dropping a column of the association table removes the many-to-many.
ALTER TABLE article_labels DROP COLUMN label_id;
SELECT * FROM rels;

-- Dropping a table removes the relationships on it, from either side; with
-- CASCADE the FK constraint on the other table goes too, and the
-- relationship is removed rather than marked.
SELECT count(*) AS ddl FROM relorm.one_to_many('authors', 'posts', 'articles', back_populates => 'author',
                                               fk => 'author_id');
SELECT count(*) AS ddl FROM relorm.one_to_one('authors', 'profile', 'labels', back_populates => 'owner',
                                              fk => 'owner_id');
DROP TABLE authors CASCADE;
SELECT * FROM rels;

-- Many tables at once (DROP SCHEMA ... CASCADE), across schemas.
CREATE SCHEMA evt2;
CREATE TABLE evt2.users (id int PRIMARY KEY);
CREATE TABLE evt2.sessions (id int PRIMARY KEY);
SELECT count(*) AS ddl FROM relorm.one_to_many('evt2.users', 'sessions', 'evt2.sessions', back_populates => 'user');
SELECT count(*) AS ddl FROM relorm.one_to_many('evt2.users', 'articles', 'articles', back_populates => 'user');
DROP SCHEMA evt2 CASCADE;
SELECT count(*) AS left_over FROM relorm.relationship r
 WHERE r.source::text LIKE '%users%' OR r.target::text LIKE '%users%';
SELECT * FROM rels;

-- Unrelated DDL says nothing and writes nothing: the catalogs' change
-- trigger (which invalidates every backend's relationship cache) never fires.
BEGIN;
SET LOCAL track_functions = 'all';
CREATE TABLE scratch (id int PRIMARY KEY, note text);
ALTER TABLE scratch RENAME COLUMN note TO remark;
ALTER TABLE scratch DROP COLUMN remark;
DROP TABLE scratch;
SELECT funcname, calls FROM pg_stat_xact_user_functions
 WHERE schemaname = 'relorm_internal' ORDER BY funcname;
COMMIT;

-------------------------------------------------------------------------------
-- A view a viewonly targets: its renames are followed in the fragments, and
-- dropping it removes the viewonly.
-------------------------------------------------------------------------------
CREATE TABLE people (id int PRIMARY KEY, name text);
CREATE VIEW adults AS SELECT id AS person_id, name FROM people;
SELECT count(*) AS ddl FROM relorm.viewonly('people', 'same', 'adults',
                                            join_on => 'adults.person_id = people.id', many => false,
                                            order_by => 'adults.name');
ALTER VIEW adults RENAME COLUMN name TO full_name;
ALTER VIEW adults RENAME TO grown_ups;
SELECT source, name, target, join_on, order_by FROM rels WHERE source = 'people'::regclass;
DROP VIEW grown_ups;
SELECT count(*) FROM rels WHERE source = 'people'::regclass;
DROP TABLE people;

-------------------------------------------------------------------------------
-- Ownership: a table owner who cannot write relorm's catalogs can still drop
-- and rename; the triggers write the catalog with the extension owner's rights.
-------------------------------------------------------------------------------
CREATE ROLE relorm_evt_owner;
GRANT USAGE, CREATE ON SCHEMA evt TO relorm_evt_owner;
GRANT SELECT ON evt.rels TO relorm_evt_owner;
SET ROLE relorm_evt_owner;
CREATE TABLE evt.shops (id int PRIMARY KEY);
CREATE TABLE evt.items (id int PRIMARY KEY);
SELECT count(*) AS ddl FROM relorm.one_to_many('evt.shops', 'items', 'evt.items', back_populates => 'shop');
ALTER TABLE evt.items RENAME COLUMN shop_id TO store_id;
SELECT name, local_columns, remote_columns FROM evt.rels WHERE name IN ('items', 'shop');
DROP TABLE evt.items;
SELECT name FROM evt.rels WHERE name IN ('items', 'shop');
DROP TABLE evt.shops;
RESET ROLE;
REVOKE ALL ON SCHEMA evt FROM relorm_evt_owner;
REVOKE ALL ON evt.rels FROM relorm_evt_owner;
DROP ROLE relorm_evt_owner;

-------------------------------------------------------------------------------
-- Polymorphism metadata follows renames and goes with its table or column.
-------------------------------------------------------------------------------
CREATE TABLE vehicles (id int PRIMARY KEY, kind text, wheels int, sails int);
SELECT relorm.polymorphic('vehicles', 'kind', 'vehicle');
SELECT relorm.subtype('vehicles', 'car', '{wheels}');
SELECT relorm.subtype('vehicles', 'boat', '{sails}');
ALTER TABLE vehicles RENAME COLUMN kind TO type;
ALTER TABLE vehicles RENAME COLUMN wheels TO wheel_count;
SELECT b.discriminator, s.identity, s.columns
  FROM relorm.polymorphic_base b JOIN relorm.subtype s USING (base)
 WHERE b.base = 'vehicles'::regclass ORDER BY s.identity;
ALTER TABLE vehicles DROP COLUMN sails;
SELECT s.identity, s.columns FROM relorm.subtype s WHERE s.base = 'vehicles'::regclass ORDER BY s.identity;
DROP TABLE vehicles;
SELECT count(*) FROM relorm.polymorphic_base b WHERE b.base::text LIKE '%vehicles%';

-------------------------------------------------------------------------------
-- Errors
-------------------------------------------------------------------------------
-- The trigger functions cannot be called directly.
SELECT evt.try('SELECT relorm_internal._on_sql_drop()');
SELECT evt.try('SELECT relorm_internal._on_ddl_command_end()');

DROP SCHEMA evt CASCADE;
