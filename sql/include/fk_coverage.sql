-- sql/include/fk_coverage.sql: the references of the reflect tests, created in the
-- including test's schema.  Not a test itself (pg_regress runs the files directly in
-- sql/ only, from the top directory).
--
-- schema_fks(nsp): the foreign keys of a schema's tables as pg_constraint has them
-- (a partition's clone of its table's is not one of its own), columns in key order.
CREATE FUNCTION schema_fks(nsp name)
RETURNS TABLE (conname name, child regclass, parent regclass, confdeltype "char", cols name[], refs name[])
LANGUAGE sql STABLE AS $$
SELECT c.conname, c.conrelid::regclass, c.confrelid::regclass, c.confdeltype,
       ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o),
       ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o)
  FROM pg_constraint c WHERE c.contype = 'f' AND c.conparentid = 0 AND c.connamespace = nsp::regnamespace
$$;
-- fk_coverage(nsp): each foreign key of the schema with the relationships that stand
-- for it, found by columns (none of them inferred from a view).
CREATE FUNCTION fk_coverage(nsp name) RETURNS TABLE (conname name, child regclass, source regclass, name text)
LANGUAGE sql STABLE AS $$
SELECT f.conname, f.child, r.source, r.name
  FROM schema_fks(nsp) f JOIN relorm.relationship r
    ON NOT r.inferred
   AND ((r.fk_side = 'source' AND r.source = f.child AND r.target = f.parent
         AND r.local_columns = f.cols AND r.remote_columns = f.refs)
     OR (r.fk_side = 'target' AND r.target = f.child AND r.source = f.parent
         AND r.remote_columns = f.cols AND r.local_columns = f.refs)
     OR (r.fk_side = 'secondary' AND r.secondary = f.child AND r.source = f.parent
         AND r.secondary_local_columns = f.cols AND r.local_columns = f.refs))
$$;
-- drop_relationships(nsp): drops every relationship whose source is in the schema
-- (each direction with its partner) and returns how many are left.
CREATE FUNCTION drop_relationships(nsp name) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    r record;
    left_over bigint;
BEGIN
    FOR r IN SELECT x.source, x.name FROM relorm.relationship x JOIN pg_class c ON c.oid = x.source
              WHERE c.relnamespace = nsp::regnamespace ORDER BY x.source::text, x.name LOOP
        IF EXISTS (SELECT 1 FROM relorm.relationship y WHERE y.source = r.source AND y.name = r.name) THEN
            PERFORM relorm.drop_relationship(r.source, r.name);
        END IF;
    END LOOP;
    SELECT count(*) INTO left_over FROM relorm.relationship x JOIN pg_class c ON c.oid = x.source
     WHERE c.relnamespace = nsp::regnamespace;
    RETURN left_over;
END $$;
