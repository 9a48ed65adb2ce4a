-- sql/include/compare_trees.sql: the checking functions of the shape_* tests,
-- created in the including test's schema (its search_path).  Not a test itself:
-- pg_regress runs the files directly in sql/ only, from the top directory.
--
-- compare(got, want): got is a query whose rows are the fetched trees, in order; want is
-- a query returning one json array, built by hand.  Shows the number of trees, of JSON
-- objects in them, whether the two are equal (array order included, and no object with
-- a key twice, which jsonb would hide) and, if not, the first tree that differs.
CREATE FUNCTION json_keys(j json) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN CASE json_typeof(j)
        WHEN 'object' THEN (SELECT count(*) + coalesce(sum(json_keys(value)), 0) FROM json_each(j))
        WHEN 'array' THEN (SELECT coalesce(sum(json_keys(value)), 0) FROM json_array_elements(j))
        ELSE 0 END;
END $$;
CREATE FUNCTION compare(got text, want text, OUT trees int, OUT objects bigint, OUT same bool, OUT first_diff text)
LANGUAGE plpgsql AS $$
DECLARE
    g jsonb;
    w jsonb;
    keys bigint;
BEGIN
    EXECUTE format('SELECT coalesce(jsonb_agg(t::jsonb ORDER BY n), ''[]''), coalesce(sum(json_keys(t::json)), 0) FROM '
                   '(SELECT row_number() OVER () AS n, t FROM (%s) q(t)) s', got) INTO g, keys;
    EXECUTE format('SELECT coalesce((%s)::jsonb, ''[]'')', want) INTO w;
    trees := jsonb_array_length(g);
    SELECT count(*) INTO objects FROM jsonb_path_query(g, 'strict $.** ? (@.type() == "object")');
    same := g = w AND keys = json_keys(g::json);
    IF keys <> json_keys(g::json) THEN
        first_diff := 'an object has a key twice';
    ELSIF NOT same THEN
        SELECT format('tree %s: got %s, want %s', i + 1, g -> i, w -> i) INTO first_diff
          FROM generate_series(0, greatest(jsonb_array_length(g), jsonb_array_length(w)) - 1) i
         WHERE g -> i IS DISTINCT FROM w -> i ORDER BY i LIMIT 1;
    END IF;
END $$;
