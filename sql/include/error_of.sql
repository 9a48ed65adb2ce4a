-- sql/include/error_of.sql: error_of(q) for the tests of relorm.save's errors,
-- created in the including test's schema: the SQLSTATE (state), message, hint and where
-- (the line of the context naming the JSON path and column) of the error q raises.
-- Not a test itself.
CREATE FUNCTION error_of(q text, OUT state text, OUT message text, OUT hint text, OUT "where" text)
LANGUAGE plpgsql AS $$
DECLARE
    ctx text;
BEGIN
    EXECUTE q;
    state := 'no error';
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            hint = PG_EXCEPTION_HINT, ctx = PG_EXCEPTION_CONTEXT;
    hint := NULLIF(hint, '');
    "where" := (regexp_match(ctx, 'relorm\.save: [^\n]*'))[1];
END $$;
