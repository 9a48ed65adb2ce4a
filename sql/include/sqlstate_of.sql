-- sql/include/sqlstate_of.sql: sqlstate_of(q) for the tests that list errors by
-- SQLSTATE, created in the including test's schema.  Not a test itself (pg_regress
-- runs the files directly in sql/ only, from the top directory).
-- The SQLSTATE of each error.
CREATE FUNCTION sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN others THEN
    RETURN SQLSTATE;
END $$;
