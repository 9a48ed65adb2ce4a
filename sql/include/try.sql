-- sql/include/try.sql: try(sql) for the tests that show errors as data, created in
-- the including test's schema.  Not a test itself (pg_regress runs the files
-- directly in sql/ only, from the top directory).
-- Errors are shown as SQLSTATE, message and hint.
CREATE FUNCTION try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; hint text;
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
    RETURN pg_catalog.format('%s: %s%s', st, msg, COALESCE(' HINT: ' || NULLIF(hint, ''), ''));
END
$$;
