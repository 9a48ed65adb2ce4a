-- Single-table polymorphism: a base table's discriminator and identity, and
-- the columns each subtype adds, recorded for the fetch to render rows by type.
CREATE SCHEMA decl_poly;
SET search_path = decl_poly;
CREATE TABLE items (id int PRIMARY KEY, type text NOT NULL, name text NOT NULL,
                    isbn text, pages int, runtime interval);
SELECT relorm.polymorphic('items', 'type', 'item');
SELECT relorm.subtype('items', 'book', '{isbn,pages}');
SELECT relorm.subtype('items', 'film', '{runtime}');
-- declaring again replaces what was recorded
SELECT relorm.subtype('items', 'book', '{isbn}');
SELECT relorm.polymorphic('items', 'type', 'generic');
SELECT base, discriminator, identity FROM relorm.polymorphic_base WHERE base = 'items'::regclass;
SELECT base, identity, columns FROM relorm.subtype WHERE base = 'items'::regclass ORDER BY identity;
-- errors
SELECT relorm.subtype('items', 'album', '{tracks}');
\echo :LAST_ERROR_SQLSTATE
SELECT relorm.subtype('items', NULL, '{isbn}');
\echo :LAST_ERROR_SQLSTATE
SELECT relorm.polymorphic('items', NULL, 'x');
\echo :LAST_ERROR_SQLSTATE
SET client_min_messages = warning;
DROP SCHEMA decl_poly CASCADE;
RESET client_min_messages;
