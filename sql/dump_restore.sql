-- A pg_dump / pg_restore round trip keeps every relationship: relorm's
-- catalogs are extension configuration tables (pg_extension_config_dump), so
-- their rows are dumped; tables are written as names (regclass) that resolve
-- again on restore, and columns are stored by name, so a table that had a
-- column dropped (attribute numbers change on restore) or renamed survives.
SELECT current_database() AS regress_db \gset
\set dumpfile '/tmp/relorm_dump_restore_' :PORT '.dump'
SET client_min_messages = warning;
DROP DATABASE IF EXISTS relorm_dump_src;
DROP DATABASE IF EXISTS relorm_dump_dst;
RESET client_min_messages;
CREATE DATABASE relorm_dump_src;
CREATE DATABASE relorm_dump_dst;

\c relorm_dump_src
SET client_min_messages = warning;
CREATE EXTENSION relorm;
CREATE SCHEMA shop;
SET search_path = shop;
CREATE TABLE customers (id int PRIMARY KEY, name text);
-- a dropped column before the key columns: attribute numbers differ after restore
CREATE TABLE orders (id int PRIMARY KEY, legacy text, placed_at date);
ALTER TABLE orders DROP COLUMN legacy;
CREATE TABLE products (id int PRIMARY KEY, title text);
CREATE TABLE cards (id int PRIMARY KEY);
CREATE TABLE vehicles (id int PRIMARY KEY, kind text, wheels int);
SELECT count(*) FROM relorm.one_to_many('customers', 'orders', 'orders', back_populates => 'customer',
                                        on_delete => 'cascade', order_by => 'placed_at DESC');
SELECT count(*) FROM relorm.many_to_many('orders', 'products', 'products', back_populates => 'orders',
                                         orphans => 'delete');
SELECT count(*) FROM relorm.one_to_one('customers', 'card', 'cards', back_populates => 'owner');
SELECT count(*) FROM relorm.viewonly('customers', 'big_orders', 'orders',
                                     join_on => 'orders.customer_id = customers.id AND orders.id > 100');
SELECT relorm.polymorphic('vehicles', 'kind', 'vehicle');
SELECT relorm.subtype('vehicles', 'car', '{wheels}');
-- a renamed column, followed in the catalog
ALTER TABLE orders RENAME COLUMN customer_id TO buyer_id;
-- a relationship whose constraint was dropped keeps that status
ALTER TABLE cards DROP CONSTRAINT cards_owner_id_fkey;
RESET client_min_messages;

-- Everything relorm knows, as text (OIDs differ between the databases),
-- and a digest of it to compare with the restored database.
RESET search_path;
CREATE VIEW public.relorm_state AS
SELECT r.source::text, r.name, r.target::text, r.kind, r.many, r.local_columns, r.remote_columns, r.fk_side,
       r.secondary::text, r.secondary_local_columns, r.secondary_remote_columns, r.join_on,
       r.back_populates, r.on_delete, r.orphans, r.lazy, r.order_by, r.status
  FROM relorm.relationship r
UNION ALL
SELECT b.base::text, 'polymorphic', NULL, b.discriminator, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       b.identity, NULL, NULL, NULL, NULL, NULL
  FROM relorm.polymorphic_base b
UNION ALL
SELECT s.base::text, 'subtype', NULL, s.identity, NULL, s.columns, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL
  FROM relorm.subtype s
 ORDER BY 1, 2, 4;
CREATE VIEW public.relorm_digest AS
SELECT count(*) AS rows, md5(string_agg(s::text, E'\n' ORDER BY s::text)) AS digest FROM public.relorm_state s;
SELECT * FROM public.relorm_digest;

\! pg_dump --format=custom --file=:dumpfile relorm_dump_src
\! pg_restore --exit-on-error --dbname=relorm_dump_dst :dumpfile
\! rm -f :dumpfile

\c relorm_dump_dst
-- The same rows (same digest), the constraints found again by their columns.
SELECT * FROM public.relorm_digest;
\x on
SELECT * FROM public.relorm_state;
\x off
SELECT source, name, constraint_name, status FROM relorm.relationships ORDER BY source::text, name;
-- The event triggers came back with the extension: renames are still followed.
SET search_path = shop;
ALTER TABLE orders RENAME COLUMN buyer_id TO customer_id;
SELECT source, name, local_columns, remote_columns FROM relorm.relationships
 WHERE kind IN ('one_to_many', 'many_to_one') ORDER BY source::text, name;
RESET search_path;
-- Dropping the extension runs its own sql_drop trigger, which finds its
-- catalogs gone and does nothing.
SET client_min_messages = warning;
DROP EXTENSION relorm CASCADE;
RESET client_min_messages;
SELECT to_regclass('relorm.relationship') IS NULL AS catalogs_gone;

\c :regress_db
DROP DATABASE relorm_dump_src;
DROP DATABASE relorm_dump_dst;
