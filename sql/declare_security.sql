-- Declarations check that the caller owns every table involved and run their
-- DDL as the caller; only the catalog write uses the extension owner's rights.
-- Ordinary roles read the catalogs and cannot write them.
CREATE SCHEMA decl_sec;
SET search_path = decl_sec;
CREATE ROLE relorm_alice;
CREATE ROLE relorm_bob;
GRANT USAGE, CREATE ON SCHEMA decl_sec TO relorm_alice, relorm_bob;
SET ROLE relorm_alice;
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY);
RESET ROLE;
SET ROLE relorm_bob;
CREATE TABLE notes (id int PRIMARY KEY);
-- bob owns notes but not users: refused before anything runs
SELECT * FROM relorm.many_to_one('notes', 'user', 'users');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts');
\echo :LAST_ERROR_SQLSTATE
-- bob can read the catalogs, not write them, and cannot drop alice's relationships
SELECT count(*) >= 0 AS readable FROM relorm.relationships;
DELETE FROM relorm.relationship;
\echo :LAST_ERROR_SQLSTATE
UPDATE relorm.relationship SET lazy = 'raise';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- alice owns both: the DDL runs as her (the new index is hers), the catalog row is written
SET ROLE relorm_alice;
SELECT * FROM relorm.one_to_many('users', 'posts', 'posts', back_populates => 'author');
SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
 WHERE c.relnamespace = 'decl_sec'::regnamespace AND c.relkind = 'i' ORDER BY 1;
SELECT source, name FROM relorm.relationships r JOIN pg_class c ON c.oid = r.source
 WHERE c.relnamespace = 'decl_sec'::regnamespace ORDER BY 1, 2;
RESET ROLE;
SET ROLE relorm_bob;
SELECT * FROM relorm.drop_relationship('users', 'posts');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE relorm_alice;
SELECT * FROM relorm.drop_relationship('users', 'posts');
RESET ROLE;
SET client_min_messages = warning;
DROP SCHEMA decl_sec CASCADE;
RESET client_min_messages;
DROP ROLE relorm_alice;
DROP ROLE relorm_bob;
