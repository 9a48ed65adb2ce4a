-- Every function, table and view of the extension has a COMMENT (\df+ relorm.*,
-- \dx+ relorm), and the internal helpers are marked: they are in schema
-- relorm_internal (which \dx+ relorm lists after relorm), their names start with _
-- and their comments with "internal:".
SELECT kind, object, description
  FROM (SELECT 'function' AS kind, p.oid::pg_catalog.regprocedure::text AS object,
               pg_catalog.obj_description(p.oid, 'pg_proc') AS description, p.proname::text AS name
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'relorm'
        UNION ALL
        SELECT CASE c.relkind WHEN 'v' THEN 'view' ELSE 'table' END, c.oid::regclass::text,
               pg_catalog.obj_description(c.oid, 'pg_class'), c.relname::text
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'relorm') o
 WHERE description IS NULL
    OR (name LIKE '\_%') <> (description LIKE 'internal: %')
    OR (name LIKE '\_%') <> (object LIKE 'relorm\_internal.%')
 ORDER BY 1, 2;
-- the schemas: the API's and the helpers'
SELECT n.nspname, pg_catalog.obj_description(n.oid, 'pg_namespace') AS description,
       (SELECT count(*) FROM pg_catalog.pg_proc p WHERE p.pronamespace = n.oid) AS functions
  FROM pg_catalog.pg_namespace n WHERE n.nspname LIKE 'relorm%' ORDER BY 1;
-- \dx+ relorm's order (its object descriptions, in byte order): every function of the
-- public API before the first helper
SELECT max(n) FILTER (WHERE object LIKE 'function relorm.%') AS last_api_function,
       min(n) FILTER (WHERE object LIKE 'function relorm\_internal.%') AS first_helper
  FROM (SELECT object, row_number() OVER (ORDER BY object) AS n
          FROM (SELECT pg_catalog.pg_describe_object(d.classid, d.objid, 0) COLLATE "C" AS object
                  FROM pg_catalog.pg_depend d
                  JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'relorm'
                 WHERE d.deptype = 'e') o) x;
-- the public API, as \df+ lists it
SELECT p.proname, pg_catalog.obj_description(p.oid, 'pg_proc') AS description
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'relorm'
 WHERE p.proname NOT LIKE '\_%'
 ORDER BY 1, 2;
