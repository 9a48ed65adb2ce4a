-- The catalogs exist, are empty, are readable by everyone and writable by nobody else.
\dx relorm
SELECT count(*) FROM relorm.relationships;
LOAD 'relorm';
SHOW relorm.batch_size;
SHOW relorm.auto_reflect;
CREATE ROLE relorm_catalog_reader;
SET ROLE relorm_catalog_reader;
SELECT count(*) FROM relorm.relationship;
INSERT INTO relorm.relationship (source, name, target, kind, many, local_columns, remote_columns)
VALUES ('pg_class', 'x', 'pg_class', 'viewonly', true, '{}', '{}');
RESET ROLE;
DROP ROLE relorm_catalog_reader;
