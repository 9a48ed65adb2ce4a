-- Composite keys, unique (non-primary) parent keys, quoted identifiers and
-- partitioned tables as source and target.
CREATE SCHEMA decl_keys;
SET search_path = decl_keys;
CREATE VIEW rels AS
SELECT r.source, r.name, r.target, r.kind, r.local_columns, r.remote_columns, r.constraint_name
  FROM relorm.relationships r JOIN pg_class c ON c.oid = r.source
 WHERE c.relnamespace = 'decl_keys'::regnamespace
 ORDER BY r.source::text, r.name;

-- composite primary key: two FK columns, named after the relationship
CREATE TABLE accounts (org_id int, id int, name text, PRIMARY KEY (org_id, id));
CREATE TABLE invoices (id int PRIMARY KEY, total numeric(10, 2));
SELECT * FROM relorm.many_to_one('invoices', 'account', 'accounts', back_populates => 'invoices');
-- or named explicitly
CREATE TABLE payments (id int PRIMARY KEY);
SELECT * FROM relorm.many_to_one('payments', 'payer', 'accounts', fk => 'payer_org, payer_id', nullable => true);
-- composite many-to-many
CREATE TABLE projects (org_id int, id int, PRIMARY KEY (org_id, id));
SELECT * FROM relorm.many_to_many('accounts', 'projects', 'projects', back_populates => 'accounts');
\d account_projects

-- a unique key other than the primary key, with its type and typmod
CREATE TABLE countries (id int PRIMARY KEY, code varchar(2) NOT NULL UNIQUE);
CREATE TABLE cities (id int PRIMARY KEY);
SELECT * FROM relorm.many_to_one('cities', 'country', 'countries', fk => 'country_code', parent_key => 'code',
                                 on_update => 'cascade');
UPDATE countries SET code = 'fr' WHERE false;

-- identifiers that need quoting
CREATE TABLE "Shop Owners" ("Owner Id" int PRIMARY KEY);
CREATE TABLE "Shops" (id int PRIMARY KEY);
SELECT * FROM relorm.many_to_one('"Shops"', 'owner', '"Shop Owners"', fk => '"Owner Ref"', back_populates => 'shops');

-- partitioned tables as source and target
CREATE TABLE events (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE tickets (id int, sold date, event_id int, event_at date, PRIMARY KEY (id, sold)) PARTITION BY RANGE (sold);
CREATE TABLE tickets_2026 PARTITION OF tickets FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
SELECT * FROM relorm.one_to_many('events', 'tickets', 'tickets', back_populates => 'event',
                                 fk => 'event_id, event_at', on_delete => 'cascade');
INSERT INTO events VALUES (1, '2026-05-01');
INSERT INTO tickets VALUES (1, '2026-04-01', 1, '2026-05-01');
INSERT INTO tickets VALUES (2, '2026-04-01', 2, '2026-05-01');
\echo :LAST_ERROR_SQLSTATE
DELETE FROM events;
SELECT count(*) FROM tickets;

SELECT * FROM rels;
SET client_min_messages = warning;
DROP SCHEMA decl_keys CASCADE;
RESET client_min_messages;
