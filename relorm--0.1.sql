/* relorm--0.1.sql: install script for relorm 0.1 (never edited after release; later versions are upgrade scripts) */

\echo Use "CREATE EXTENSION relorm" to load this file. \quit

-------------------------------------------------------------------------------
-- Catalogs
--
-- Tables are stored as regclass, so table renames need no fix-up and pg_dump
-- writes them as names that resolve again on restore.  Columns are stored by
-- name (a dump cannot carry attribute numbers: a restored table has no holes
-- left by dropped columns); the ddl_command_end trigger follows column renames.
-- The FK constraint backing a relationship is never stored: it is found by its
-- columns, so constraint renames need nothing at all.
-------------------------------------------------------------------------------

CREATE TABLE relorm.relationship (
    source                   pg_catalog.regclass NOT NULL,
    name                     pg_catalog.text NOT NULL,
    target                   pg_catalog.regclass NOT NULL,
    kind                     pg_catalog.text NOT NULL,
    many                     pg_catalog.bool NOT NULL,
    -- source.local_columns[i] = target.remote_columns[i]; for many_to_many
    -- source.local_columns[i] = secondary.secondary_local_columns[i] and
    -- secondary.secondary_remote_columns[i] = target.remote_columns[i]
    local_columns            pg_catalog.name[] NOT NULL,
    remote_columns           pg_catalog.name[] NOT NULL,
    fk_side                  pg_catalog.text,
    secondary                pg_catalog.regclass,
    secondary_local_columns  pg_catalog.name[],
    secondary_remote_columns pg_catalog.name[],
    join_on                  pg_catalog.text,
    back_populates           pg_catalog.text,
    on_delete                pg_catalog.text,
    on_update                pg_catalog.text,
    orphans                  pg_catalog.text,
    lazy                     pg_catalog.text NOT NULL DEFAULT 'select',
    order_by                 pg_catalog.text,
    status                   pg_catalog.text NOT NULL DEFAULT 'ok',
    PRIMARY KEY (source, name),
    CONSTRAINT relationship_kind_check CHECK (kind IN
        ('one_to_many', 'many_to_one', 'one_to_one', 'many_to_many', 'viewonly')),
    CONSTRAINT relationship_fk_side_check CHECK (fk_side IN ('source', 'target', 'secondary')),
    CONSTRAINT relationship_lazy_check CHECK (lazy IN ('selectin', 'joined', 'select', 'raise', 'noload')),
    CONSTRAINT relationship_status_check CHECK (status IN ('ok', 'constraint dropped')),
    CONSTRAINT relationship_columns_check CHECK (
        pg_catalog.cardinality(local_columns) OPERATOR(pg_catalog.=) pg_catalog.cardinality(remote_columns)
        OR kind OPERATOR(pg_catalog.=) 'viewonly'),
    CONSTRAINT relationship_secondary_check CHECK (
        (kind OPERATOR(pg_catalog.=) 'many_to_many') OPERATOR(pg_catalog.=) (secondary IS NOT NULL))
);
COMMENT ON TABLE relorm.relationship IS 'relorm: one row per named direction of a declared relationship';

CREATE TABLE relorm.polymorphic_base (
    base          pg_catalog.regclass PRIMARY KEY,
    discriminator pg_catalog.name NOT NULL,
    identity      pg_catalog.text NOT NULL
);
COMMENT ON TABLE relorm.polymorphic_base IS 'relorm: tables using single-table polymorphism, with their discriminator column';

CREATE TABLE relorm.subtype (
    base     pg_catalog.regclass NOT NULL REFERENCES relorm.polymorphic_base ON DELETE CASCADE,
    identity pg_catalog.text NOT NULL,
    columns  pg_catalog.name[] NOT NULL,
    PRIMARY KEY (base, identity)
);
COMMENT ON TABLE relorm.subtype IS 'relorm: subtypes of a polymorphic table and the columns each one adds';

-- pg_dump keeps every declared relationship.
SELECT pg_catalog.pg_extension_config_dump('relorm.relationship', '');
SELECT pg_catalog.pg_extension_config_dump('relorm.polymorphic_base', '');
SELECT pg_catalog.pg_extension_config_dump('relorm.subtype', '');

-- Everybody may read the catalogs; only the declaration functions write them.
GRANT USAGE ON SCHEMA relorm TO PUBLIC;
GRANT SELECT ON relorm.relationship, relorm.polymorphic_base, relorm.subtype TO PUBLIC;

-- Every change to the catalogs invalidates the per-backend relationship cache.
CREATE FUNCTION relorm._catalog_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'relorm_catalog_changed' LANGUAGE C;
CREATE TRIGGER relationship_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON relorm.relationship FOR EACH STATEMENT EXECUTE FUNCTION relorm._catalog_changed();
CREATE TRIGGER polymorphic_base_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON relorm.polymorphic_base FOR EACH STATEMENT EXECUTE FUNCTION relorm._catalog_changed();
CREATE TRIGGER subtype_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON relorm.subtype FOR EACH STATEMENT EXECUTE FUNCTION relorm._catalog_changed();

-------------------------------------------------------------------------------
-- Declarations (src/declare.c, src/ddl.c).  Each runs its DDL as the caller,
-- returns the DDL statements it ran (none when everything was adopted), and
-- writes the catalog with the extension owner's rights.
-------------------------------------------------------------------------------

CREATE FUNCTION relorm.one_to_many(
    source pg_catalog.regclass, name pg_catalog.text, target pg_catalog.regclass,
    back_populates pg_catalog.text DEFAULT NULL,
    fk pg_catalog.text DEFAULT NULL,
    on_delete pg_catalog.text DEFAULT NULL,
    on_update pg_catalog.text DEFAULT NULL,
    nullable pg_catalog.bool DEFAULT NULL,
    parent_key pg_catalog.text DEFAULT NULL,
    index pg_catalog.bool DEFAULT true,
    lazy pg_catalog.text DEFAULT NULL,
    order_by pg_catalog.text DEFAULT NULL,
    back_lazy pg_catalog.text DEFAULT NULL,
    back_order_by pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_one_to_many' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

CREATE FUNCTION relorm.many_to_one(
    source pg_catalog.regclass, name pg_catalog.text, target pg_catalog.regclass,
    back_populates pg_catalog.text DEFAULT NULL,
    fk pg_catalog.text DEFAULT NULL,
    on_delete pg_catalog.text DEFAULT NULL,
    on_update pg_catalog.text DEFAULT NULL,
    nullable pg_catalog.bool DEFAULT NULL,
    parent_key pg_catalog.text DEFAULT NULL,
    index pg_catalog.bool DEFAULT true,
    lazy pg_catalog.text DEFAULT NULL,
    order_by pg_catalog.text DEFAULT NULL,
    back_lazy pg_catalog.text DEFAULT NULL,
    back_order_by pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_many_to_one' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

CREATE FUNCTION relorm.one_to_one(
    source pg_catalog.regclass, name pg_catalog.text, target pg_catalog.regclass,
    back_populates pg_catalog.text DEFAULT NULL,
    fk pg_catalog.text DEFAULT NULL,
    on_delete pg_catalog.text DEFAULT NULL,
    on_update pg_catalog.text DEFAULT NULL,
    nullable pg_catalog.bool DEFAULT NULL,
    parent_key pg_catalog.text DEFAULT NULL,
    index pg_catalog.bool DEFAULT true,
    lazy pg_catalog.text DEFAULT NULL,
    order_by pg_catalog.text DEFAULT NULL,
    back_lazy pg_catalog.text DEFAULT NULL,
    back_order_by pg_catalog.text DEFAULT NULL,
    fk_on pg_catalog.text DEFAULT 'target')
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_one_to_one' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

CREATE FUNCTION relorm.many_to_many(
    source pg_catalog.regclass, name pg_catalog.text, target pg_catalog.regclass,
    back_populates pg_catalog.text DEFAULT NULL,
    secondary pg_catalog.text DEFAULT NULL,
    source_fk pg_catalog.text DEFAULT NULL,
    target_fk pg_catalog.text DEFAULT NULL,
    orphans pg_catalog.text DEFAULT NULL,
    lazy pg_catalog.text DEFAULT NULL,
    order_by pg_catalog.text DEFAULT NULL,
    back_lazy pg_catalog.text DEFAULT NULL,
    back_order_by pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_many_to_many' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

CREATE FUNCTION relorm.viewonly(
    source pg_catalog.regclass, name pg_catalog.text, target pg_catalog.regclass,
    join_on pg_catalog.text,
    many pg_catalog.bool DEFAULT true,
    lazy pg_catalog.text DEFAULT NULL,
    order_by pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_viewonly' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

CREATE FUNCTION relorm.drop_relationship(
    source pg_catalog.regclass, name pg_catalog.text,
    drop_constraint pg_catalog.bool DEFAULT false)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_drop_relationship' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

CREATE FUNCTION relorm.polymorphic(
    base pg_catalog.regclass, discriminator pg_catalog.name, identity pg_catalog.text)
RETURNS void
AS 'MODULE_PATHNAME', 'relorm_polymorphic' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

CREATE FUNCTION relorm.subtype(
    base pg_catalog.regclass, identity pg_catalog.text, columns pg_catalog.name[])
RETURNS void
AS 'MODULE_PATHNAME', 'relorm_subtype' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

-- delete-orphan for many-to-many: fired by statement triggers on an association
-- table (created by relorm.many_to_many(..., orphans => 'delete')) with the rows
-- that went; deletes the targets they leave without any association.  The
-- catalog is read at fire time, so renames need no change to the trigger.
CREATE FUNCTION relorm._delete_orphans() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
    gone_keys text;
    live text;
BEGIN
    FOR r IN SELECT x.target, x.remote_columns, x.secondary_remote_columns
               FROM relorm.relationship x
              WHERE x.secondary OPERATOR(pg_catalog.=) TG_RELID AND x.orphans OPERATOR(pg_catalog.=) 'delete'
    LOOP
        SELECT pg_catalog.string_agg(pg_catalog.format('g.%I', c), ', ' ORDER BY o)
          INTO gone_keys FROM pg_catalog.unnest(r.secondary_remote_columns) WITH ORDINALITY AS u(c, o);
        SELECT pg_catalog.string_agg(pg_catalog.format('s.%I = t.%I', u.s, u.t), ' AND ')
          INTO live FROM ROWS FROM (pg_catalog.unnest(r.secondary_remote_columns), pg_catalog.unnest(r.remote_columns)) AS u(s, t);
        EXECUTE pg_catalog.format(
            'DELETE FROM %s t WHERE (%s) IN (SELECT %s FROM relorm_gone g) AND NOT EXISTS (SELECT 1 FROM %s s WHERE %s)',
            r.target,
            (SELECT pg_catalog.string_agg(pg_catalog.format('t.%I', c), ', ' ORDER BY o)
               FROM pg_catalog.unnest(r.remote_columns) WITH ORDINALITY AS u(c, o)),
            gone_keys, TG_RELID::pg_catalog.regclass, live);
    END LOOP;
    RETURN NULL;
END
$$;

-------------------------------------------------------------------------------
-- The relationships view
-------------------------------------------------------------------------------

-- The FK constraint that backs a relationship direction, found by its columns.
CREATE FUNCTION relorm.constraint_of(
    fk_table pg_catalog.regclass, fk_columns pg_catalog.name[],
    ref_table pg_catalog.regclass, ref_columns pg_catalog.name[])
RETURNS pg_catalog.name
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.conname
      FROM pg_catalog.pg_constraint c
     WHERE c.contype OPERATOR(pg_catalog.=) 'f'
       AND c.conrelid OPERATOR(pg_catalog.=) fk_table
       AND c.confrelid OPERATOR(pg_catalog.=) ref_table
       AND pg_catalog.cardinality(c.conkey) OPERATOR(pg_catalog.=) pg_catalog.cardinality(fk_columns)
       AND NOT EXISTS (
             SELECT 1
               FROM ROWS FROM (pg_catalog.unnest(c.conkey), pg_catalog.unnest(c.confkey)) AS k(fkatt, refatt)
               JOIN pg_catalog.pg_attribute fa
                 ON fa.attrelid OPERATOR(pg_catalog.=) fk_table AND fa.attnum OPERATOR(pg_catalog.=) k.fkatt
               JOIN pg_catalog.pg_attribute ra
                 ON ra.attrelid OPERATOR(pg_catalog.=) ref_table AND ra.attnum OPERATOR(pg_catalog.=) k.refatt
              WHERE pg_catalog.array_position(fk_columns, fa.attname) IS DISTINCT FROM
                    pg_catalog.array_position(ref_columns, ra.attname)
                 OR pg_catalog.array_position(fk_columns, fa.attname) IS NULL)
     ORDER BY c.oid
     LIMIT 1
$$;

CREATE VIEW relorm.relationships AS
SELECT r.source,
       r.name,
       r.target,
       r.kind,
       r.many,
       r.local_columns,
       r.remote_columns,
       r.secondary,
       r.secondary_local_columns,
       r.secondary_remote_columns,
       r.back_populates,
       r.on_delete,
       r.on_update,
       r.orphans,
       r.lazy AS loading,
       r.order_by,
       r.join_on,
       CASE r.fk_side
         WHEN 'source' THEN relorm.constraint_of(r.source, r.local_columns, r.target, r.remote_columns)
         WHEN 'target' THEN relorm.constraint_of(r.target, r.remote_columns, r.source, r.local_columns)
         WHEN 'secondary' THEN relorm.constraint_of(r.secondary, r.secondary_local_columns, r.source, r.local_columns)
       END AS constraint_name,
       r.status
  FROM relorm.relationship r;
COMMENT ON VIEW relorm.relationships IS 'relorm: every declared relationship direction';
GRANT SELECT ON relorm.relationships TO PUBLIC;

-------------------------------------------------------------------------------
-- Event triggers, reflect, check, diagram
-------------------------------------------------------------------------------

-- Event triggers keep the catalogs true (src/event_triggers.c).  They are
-- SECURITY DEFINER because a user dropping a table must be able to remove
-- the relationships on it, and the catalogs are writable only by the
-- extension owner.
--   sql_drop: a dropped table or column (or the view a viewonly targets)
--     removes the relationships using it, a dropped FK constraint marks them
--     'constraint dropped'.
--   ddl_command_end (CREATE/ALTER TABLE, ALTER VIEW...): follows column
--     renames (and table renames in join_on/order_by fragments), re-marks
--     relationships whose FK is back, and, with relorm.auto_reflect = on,
--     registers hand-made foreign keys as relorm.reflect would.
CREATE FUNCTION relorm._on_sql_drop() RETURNS event_trigger
    AS 'MODULE_PATHNAME', 'relorm_on_sql_drop' LANGUAGE C
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
CREATE FUNCTION relorm._on_ddl_command_end() RETURNS event_trigger
    AS 'MODULE_PATHNAME', 'relorm_on_ddl_command_end' LANGUAGE C
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
-- Only the event triggers call them (they refuse any other caller anyway).
REVOKE ALL ON FUNCTION relorm._on_sql_drop(), relorm._on_ddl_command_end() FROM PUBLIC;
CREATE EVENT TRIGGER relorm_sql_drop ON sql_drop
    EXECUTE FUNCTION relorm._on_sql_drop();
CREATE EVENT TRIGGER relorm_ddl_command_end ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE', 'ALTER VIEW', 'ALTER MATERIALIZED VIEW', 'ALTER FOREIGN TABLE')
    EXECUTE FUNCTION relorm._on_ddl_command_end();

-- The foreign keys relorm.reflect may register: those of the tables of one
-- schema (or of the given tables), not yet behind any relationship, each with
-- the facts the naming rules need (src/reflect.c names them).  A junction is
-- a table whose primary key is exactly the columns of two of its foreign keys
-- (and no other pair): a surrogate key plus two FKs is not one.  A junction
-- with no other columns yields one many_to_many unit and no FK units; one
-- with extra columns (an association object) yields the many_to_many and a
-- unit per FK, so its extra columns can be reached too.
CREATE FUNCTION relorm._reflect_candidates(schema pg_catalog.name, tables pg_catalog.oid[])
RETURNS TABLE (unit pg_catalog.text, child pg_catalog.regclass, conname pg_catalog.name,
               parent pg_catalog.regclass, fk_columns pg_catalog.name[], ref_columns pg_catalog.name[],
               parent2 pg_catalog.regclass, fk2_columns pg_catalog.name[], ref2_columns pg_catalog.name[],
               on_delete pg_catalog.text, on_update pg_catalog.text,
               on_delete2 pg_catalog.text, on_update2 pg_catalog.text, siblings pg_catalog.int8,
               conname2 pg_catalog.name)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
WITH fk AS (
    SELECT c.oid, c.conname, c.conrelid, c.confrelid, c.conkey,
           ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(n, o)
                   JOIN pg_catalog.pg_attribute a
                     ON a.attrelid OPERATOR(pg_catalog.=) c.conrelid AND a.attnum OPERATOR(pg_catalog.=) k.n
                  ORDER BY k.o) AS cols,
           ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.confkey) WITH ORDINALITY AS k(n, o)
                   JOIN pg_catalog.pg_attribute a
                     ON a.attrelid OPERATOR(pg_catalog.=) c.confrelid AND a.attnum OPERATOR(pg_catalog.=) k.n
                  ORDER BY k.o) AS refs,
           CASE c.confdeltype WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null'
                              WHEN 'd' THEN 'set default' ELSE 'no action' END AS del,
           CASE c.confupdtype WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null'
                              WHEN 'd' THEN 'set default' ELSE 'no action' END AS upd
      FROM pg_catalog.pg_constraint c
      JOIN pg_catalog.pg_class t ON t.oid OPERATOR(pg_catalog.=) c.conrelid
      JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) t.relnamespace
     WHERE c.contype OPERATOR(pg_catalog.=) 'f'
       -- partitions' clones of a partitioned table's FK are not FKs of their own
       AND c.conparentid OPERATOR(pg_catalog.=) 0
       AND CASE WHEN tables IS NULL THEN n.nspname OPERATOR(pg_catalog.=) schema
                ELSE c.conrelid OPERATOR(pg_catalog.=) ANY (tables) END
),
registered AS (
    SELECT x.tbl, x.con
      FROM relorm.relationship r
     CROSS JOIN LATERAL (VALUES
           (CASE r.fk_side WHEN 'source' THEN r.source WHEN 'target' THEN r.target ELSE r.secondary END,
            CASE r.fk_side
              WHEN 'source' THEN relorm.constraint_of(r.source, r.local_columns, r.target, r.remote_columns)
              WHEN 'target' THEN relorm.constraint_of(r.target, r.remote_columns, r.source, r.local_columns)
              WHEN 'secondary' THEN relorm.constraint_of(r.secondary, r.secondary_local_columns, r.source, r.local_columns)
            END),
           (r.secondary,
            CASE WHEN r.fk_side OPERATOR(pg_catalog.=) 'secondary'
                 THEN relorm.constraint_of(r.secondary, r.secondary_remote_columns, r.target, r.remote_columns) END)
           ) AS x(tbl, con)
     WHERE x.con IS NOT NULL
),
free AS (
    SELECT f.*
      FROM fk f
     WHERE NOT EXISTS (SELECT 1 FROM registered g
                        WHERE g.tbl OPERATOR(pg_catalog.=) f.conrelid AND g.con OPERATOR(pg_catalog.=) f.conname)
),
pair AS (
    SELECT a.conrelid, a.oid AS a_oid, b.oid AS b_oid,
           pg_catalog.count(*) OVER (PARTITION BY a.conrelid) AS pairs,
           EXISTS (SELECT 1 FROM pg_catalog.pg_attribute x
                    WHERE x.attrelid OPERATOR(pg_catalog.=) a.conrelid AND x.attnum OPERATOR(pg_catalog.>) 0
                      AND NOT x.attisdropped
                      AND x.attnum OPERATOR(pg_catalog.<>) ALL (a.conkey OPERATOR(pg_catalog.||) b.conkey)) AS extra
      FROM fk a
      JOIN fk b ON b.conrelid OPERATOR(pg_catalog.=) a.conrelid AND a.conname OPERATOR(pg_catalog.<) b.conname
      JOIN pg_catalog.pg_index i ON i.indrelid OPERATOR(pg_catalog.=) a.conrelid AND i.indisprimary
     WHERE NOT (a.conkey OPERATOR(pg_catalog.&&) b.conkey)
       AND ARRAY(SELECT k FROM pg_catalog.unnest(a.conkey OPERATOR(pg_catalog.||) b.conkey) AS k ORDER BY k)
           OPERATOR(pg_catalog.=)
           ARRAY(SELECT k FROM pg_catalog.unnest(pg_catalog.string_to_array(i.indkey::pg_catalog.text, ' ')::pg_catalog.int2[]) AS k ORDER BY k)
),
junction AS (
    SELECT p.*, a.confrelid AS p1, b.confrelid AS p2
      FROM pair p
      JOIN fk a ON a.oid OPERATOR(pg_catalog.=) p.a_oid
      JOIN fk b ON b.oid OPERATOR(pg_catalog.=) p.b_oid
     WHERE p.pairs OPERATOR(pg_catalog.=) 1
)
SELECT u.* FROM (
SELECT 'many_to_many', a.conrelid::pg_catalog.regclass, a.conname,
       a.confrelid::pg_catalog.regclass, a.cols, a.refs,
       b.confrelid::pg_catalog.regclass, b.cols, b.refs, a.del, a.upd, b.del, b.upd,
       (SELECT pg_catalog.count(*) FROM junction o
         WHERE LEAST(o.p1, o.p2) OPERATOR(pg_catalog.=) LEAST(j.p1, j.p2)
           AND GREATEST(o.p1, o.p2) OPERATOR(pg_catalog.=) GREATEST(j.p1, j.p2)),
       b.conname
  FROM junction j
  JOIN free a ON a.oid OPERATOR(pg_catalog.=) j.a_oid
  JOIN free b ON b.oid OPERATOR(pg_catalog.=) j.b_oid
UNION ALL
SELECT CASE WHEN EXISTS (
                SELECT 1 FROM pg_catalog.pg_index i
                 WHERE i.indrelid OPERATOR(pg_catalog.=) f.conrelid AND i.indisunique
                   AND i.indpred IS NULL AND i.indexprs IS NULL
                   AND ARRAY(SELECT k FROM pg_catalog.unnest(pg_catalog.string_to_array(i.indkey::pg_catalog.text, ' ')::pg_catalog.int2[]) AS k ORDER BY k)
                       OPERATOR(pg_catalog.=) ARRAY(SELECT k FROM pg_catalog.unnest(f.conkey) AS k ORDER BY k))
            THEN 'one_to_one' ELSE 'many_to_one' END,
       f.conrelid::pg_catalog.regclass, f.conname, f.confrelid::pg_catalog.regclass, f.cols, f.refs,
       NULL, NULL, NULL, f.del, f.upd, NULL, NULL,
       (SELECT pg_catalog.count(*) FROM fk o
         WHERE o.conrelid OPERATOR(pg_catalog.=) f.conrelid AND o.confrelid OPERATOR(pg_catalog.=) f.confrelid),
       NULL
  FROM free f
 WHERE NOT EXISTS (SELECT 1 FROM junction j
                    WHERE NOT j.extra AND f.oid OPERATOR(pg_catalog.=) ANY (ARRAY[j.a_oid, j.b_oid]))
) AS u(unit, child, conname, parent, fk_columns, ref_columns, parent2, fk2_columns, ref2_columns,
       on_delete, on_update, on_delete2, on_update2, siblings, conname2)
ORDER BY u.child::pg_catalog.text, u.conname
$$;

-- relorm.reflect (src/reflect.c): registers every foreign key of the schema's
-- tables not yet behind a relationship, both directions, under the naming
-- rules documented in src/reflect.c.  Creates nothing in the schema.
CREATE FUNCTION relorm.reflect(schema pg_catalog.name DEFAULT 'public')
RETURNS TABLE (source pg_catalog.regclass, name pg_catalog.text, target pg_catalog.regclass, kind pg_catalog.text)
AS 'MODULE_PATHNAME', 'relorm_reflect' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

-- The singular of a table name, as relorm names a to-one side after a table
-- (src/names.c: posts -> post, categories -> category, addresses -> address).
CREATE FUNCTION relorm._singular(word pg_catalog.text) RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_singular_sql' LANGUAGE C IMMUTABLE STRICT;

-- The declaration call that (re)declares a stored direction as it is, with
-- back_populates and lazy overridden when given: the fix_sql of relorm.check.
-- Redeclaring an existing edge updates its options and recreates a missing
-- foreign key (and the index on its columns, when there is none).
CREATE FUNCTION relorm._declaration_sql(r relorm.relationship, back pg_catalog.text, lazy pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT pg_catalog.format('SELECT relorm.%s(%L, %L, %L%s)', r.kind, r.source::pg_catalog.text, r.name,
           r.target::pg_catalog.text,
           pg_catalog.concat(
             CASE WHEN COALESCE(back, r.back_populates) IS NOT NULL
                  THEN pg_catalog.format(', back_populates => %L', COALESCE(back, r.back_populates)) END,
             CASE WHEN r.kind OPERATOR(pg_catalog.=) 'many_to_many'
                  THEN pg_catalog.format(', secondary => %L, source_fk => %L, target_fk => %L',
                                         r.secondary::pg_catalog.text, c.sl, c.sr)
                  WHEN r.kind OPERATOR(pg_catalog.=) 'viewonly'
                  THEN pg_catalog.format(', join_on => %L, many => %s', r.join_on, r.many)
                  WHEN r.fk_side OPERATOR(pg_catalog.=) 'source'
                  THEN pg_catalog.format(', fk => %L, parent_key => %L', c.l, c.r)
                  ELSE pg_catalog.format(', fk => %L, parent_key => %L', c.r, c.l) END,
             CASE WHEN r.kind OPERATOR(pg_catalog.=) 'one_to_one'
                  THEN pg_catalog.format(', fk_on => %L', r.fk_side) END,
             CASE WHEN r.kind OPERATOR(pg_catalog.<>) ALL ('{many_to_many,viewonly}'::pg_catalog.text[])
                   AND r.on_delete IS NOT NULL AND r.on_delete OPERATOR(pg_catalog.<>) 'no action'
                  THEN pg_catalog.format(', on_delete => %L', r.on_delete) END,
             CASE WHEN r.kind OPERATOR(pg_catalog.<>) ALL ('{many_to_many,viewonly}'::pg_catalog.text[])
              AND r.on_update IS NOT NULL AND r.on_update OPERATOR(pg_catalog.<>) 'no action'
                  THEN pg_catalog.format(', on_update => %L', r.on_update) END,
             CASE WHEN COALESCE(lazy, r.lazy) OPERATOR(pg_catalog.<>) 'select'
                  THEN pg_catalog.format(', lazy => %L', COALESCE(lazy, r.lazy)) END,
             CASE WHEN r.orphans IS NOT NULL THEN pg_catalog.format(', orphans => %L', r.orphans) END,
             CASE WHEN r.order_by IS NOT NULL THEN pg_catalog.format(', order_by => %L', r.order_by) END))
  FROM (SELECT (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(x), ', ') FROM pg_catalog.unnest(r.local_columns) x) AS l,
               (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(x), ', ') FROM pg_catalog.unnest(r.remote_columns) x) AS r,
               (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(x), ', ') FROM pg_catalog.unnest(r.secondary_local_columns) x) AS sl,
               (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(x), ', ') FROM pg_catalog.unnest(r.secondary_remote_columns) x) AS sr) c
$$;

-- relorm.check(): the "common mistakes" of an ORM model found in the live
-- schema, each with runnable SQL that fixes it.  An edge is reported once,
-- from the direction whose (source, name) sorts first.
CREATE FUNCTION relorm.check()
RETURNS TABLE (severity pg_catalog.text, object pg_catalog.text, problem pg_catalog.text, fix_sql pg_catalog.text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
WITH fk AS (
    -- every foreign key of the user's schemas, with its columns in key order
    SELECT c.oid, c.conname, c.conrelid::pg_catalog.regclass AS child, c.confrelid::pg_catalog.regclass AS parent,
           c.conkey, c.confkey, c.confupdtype,
           (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY k.o)
              FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(n, o)
              JOIN pg_catalog.pg_attribute a
                ON a.attrelid OPERATOR(pg_catalog.=) c.conrelid AND a.attnum OPERATOR(pg_catalog.=) k.n) AS cols,
           (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY k.o)
              FROM pg_catalog.unnest(c.confkey) WITH ORDINALITY AS k(n, o)
              JOIN pg_catalog.pg_attribute a
                ON a.attrelid OPERATOR(pg_catalog.=) c.confrelid AND a.attnum OPERATOR(pg_catalog.=) k.n) AS refs
      FROM pg_catalog.pg_constraint c
      JOIN pg_catalog.pg_class t ON t.oid OPERATOR(pg_catalog.=) c.conrelid
      JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) t.relnamespace
     WHERE c.contype OPERATOR(pg_catalog.=) 'f' AND c.conparentid OPERATOR(pg_catalog.=) 0
       AND n.nspname OPERATOR(pg_catalog.<>) ALL ('{pg_catalog,information_schema,relorm}'::pg_catalog.name[])
       AND NOT pg_catalog.starts_with(n.nspname::pg_catalog.text, 'pg_')
),
edge AS (
    -- one direction per edge: drop the partner that sorts after its direction
    SELECT r.*
      FROM relorm.relationship r
     WHERE NOT EXISTS (
             SELECT 1 FROM relorm.relationship p
              WHERE p.source OPERATOR(pg_catalog.=) r.target AND p.name OPERATOR(pg_catalog.=) r.back_populates
                AND p.back_populates OPERATOR(pg_catalog.=) r.name
                AND (p.source::pg_catalog.text, p.name) OPERATOR(pg_catalog.<) (r.source::pg_catalog.text, r.name))
),
usage AS (
    -- the columns each direction names, table by table
    SELECT r.source AS rsource, r.name AS rname, u.tbl, u.col
      FROM relorm.relationship r
     CROSS JOIN LATERAL (
           SELECT r.source, x FROM pg_catalog.unnest(r.local_columns) x WHERE r.kind OPERATOR(pg_catalog.<>) 'viewonly'
           UNION ALL SELECT r.target, x FROM pg_catalog.unnest(r.remote_columns) x
           UNION ALL SELECT r.secondary, x FROM pg_catalog.unnest(r.secondary_local_columns) x
           UNION ALL SELECT r.secondary, x FROM pg_catalog.unnest(r.secondary_remote_columns) x) AS u(tbl, col)
),
gone AS (
    SELECT u.rsource, u.rname, pg_catalog.string_agg(pg_catalog.format('%s.%I', u.tbl, u.col), ', ' ORDER BY u.tbl::pg_catalog.text, u.col) AS cols
      FROM usage u
     WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid OPERATOR(pg_catalog.=) u.tbl AND a.attname OPERATOR(pg_catalog.=) u.col
                          AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped)
     GROUP BY u.rsource, u.rname
),
fk_of AS (
    -- the constraint behind each direction (for many_to_many: to its source)
    SELECT r.*,
           CASE r.fk_side WHEN 'source' THEN r.source WHEN 'target' THEN r.target ELSE r.secondary END AS fk_table,
           CASE r.fk_side
             WHEN 'source' THEN relorm.constraint_of(r.source, r.local_columns, r.target, r.remote_columns)
             WHEN 'target' THEN relorm.constraint_of(r.target, r.remote_columns, r.source, r.local_columns)
             WHEN 'secondary' THEN relorm.constraint_of(r.secondary, r.secondary_local_columns, r.source, r.local_columns)
           END AS con
      FROM relorm.relationship r
     WHERE r.kind OPERATOR(pg_catalog.<>) 'viewonly'
)
SELECT x.severity, x.object, x.problem, x.fix_sql
  FROM (
    -- relationships naming columns that are gone (only possible with the event triggers disabled)
    SELECT 'error' AS severity, pg_catalog.format('relationship %I of %s', e.name, e.source) AS object,
           pg_catalog.format('it names columns that are gone (%s); fetching it fails', g.cols) AS problem,
           pg_catalog.format('SELECT relorm.drop_relationship(%L, %L)', e.source::pg_catalog.text, e.name) AS fix_sql
      FROM edge e JOIN gone g ON g.rsource OPERATOR(pg_catalog.=) e.source AND g.rname OPERATOR(pg_catalog.=) e.name
    UNION ALL
    -- relationships whose foreign key is gone: still fetched, no longer enforced
    SELECT 'warning', pg_catalog.format('relationship %I of %s', e.name, e.source),
           'its foreign key constraint was dropped; the database no longer enforces the relationship',
           relorm._declaration_sql(e, NULL, NULL)
      FROM edge e JOIN fk_of f ON f.source OPERATOR(pg_catalog.=) e.source AND f.name OPERATOR(pg_catalog.=) e.name
     WHERE f.con IS NULL
       AND NOT EXISTS (SELECT 1 FROM gone g WHERE g.rsource OPERATOR(pg_catalog.=) e.source AND g.rname OPERATOR(pg_catalog.=) e.name)
    UNION ALL
    -- cascade declared, but the constraint does not cascade: orphans in the database
    (SELECT DISTINCT ON (f.fk_table, f.con)
           'warning', pg_catalog.format('relationship %I of %s', f.name, f.source),
           pg_catalog.format('declared on_delete %s, but constraint %I on %s has ON DELETE %s',
                             f.on_delete, f.con, f.fk_table,
                             CASE c.confdeltype WHEN 'r' THEN 'RESTRICT' WHEN 'n' THEN 'SET NULL'
                                                WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END),
           pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %I FOREIGN KEY (%s) REFERENCES %s (%s) ON DELETE CASCADE ON UPDATE %s',
                             k.child, f.con, f.con, k.cols, k.parent, k.refs,
                             CASE k.confupdtype WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
                                                WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END)
      FROM fk_of f
      JOIN pg_catalog.pg_constraint c
        ON c.conrelid OPERATOR(pg_catalog.=) f.fk_table AND c.conname OPERATOR(pg_catalog.=) f.con
       AND c.contype OPERATOR(pg_catalog.=) 'f'
      JOIN fk k ON k.oid OPERATOR(pg_catalog.=) c.oid
     WHERE f.on_delete OPERATOR(pg_catalog.=) ANY ('{cascade,delete-orphan}'::pg_catalog.text[])
       AND c.confdeltype OPERATOR(pg_catalog.<>) 'c'
     ORDER BY f.fk_table, f.con, f.source::pg_catalog.text, f.name)
    UNION ALL
    -- one-direction relationships (SQLAlchemy's "missing back_populates")
    SELECT 'warning', pg_catalog.format('relationship %I of %s', e.name, e.source),
           'it has no back_populates: its other direction is missing, or declared apart and not linked to it',
           relorm._declaration_sql(e, COALESCE(
               -- the reverse direction declared on its own
               (SELECT p.name FROM relorm.relationship p
                 WHERE p.source OPERATOR(pg_catalog.=) e.target AND p.target OPERATOR(pg_catalog.=) e.source
                   AND p.back_populates IS NULL AND p.kind OPERATOR(pg_catalog.<>) 'viewonly'
                   AND p.local_columns OPERATOR(pg_catalog.=) e.remote_columns
                   AND p.remote_columns OPERATOR(pg_catalog.=) e.local_columns
                   AND (p.source, p.name) OPERATOR(pg_catalog.<>) (e.source, e.name)
                 ORDER BY p.name LIMIT 1),
               -- or the conventional name of relorm.reflect
               CASE WHEN e.kind OPERATOR(pg_catalog.=) 'many_to_one' THEN t.relname::pg_catalog.text
                    WHEN e.kind OPERATOR(pg_catalog.=) 'many_to_many' THEN t.relname::pg_catalog.text
                    WHEN e.fk_side OPERATOR(pg_catalog.=) 'target'
                     AND pg_catalog.cardinality(e.remote_columns) OPERATOR(pg_catalog.=) 1
                     AND pg_catalog.right(e.remote_columns[1]::pg_catalog.text, 3) OPERATOR(pg_catalog.=) '_id'
                    THEN pg_catalog.left(e.remote_columns[1]::pg_catalog.text, -3)
                    ELSE relorm._singular(t.relname) END), NULL)
      FROM edge e
      JOIN pg_catalog.pg_class t ON t.oid OPERATOR(pg_catalog.=) e.source
     WHERE e.back_populates IS NULL AND e.kind OPERATOR(pg_catalog.<>) 'viewonly'
    UNION ALL
    -- joined loading of a collection multiplies the parent rows
    SELECT 'warning', pg_catalog.format('relationship %I of %s', r.name, r.source),
           'it loads a collection with lazy ''joined'', which multiplies the parent rows; use ''selectin''',
           relorm._declaration_sql(r, NULL, 'selectin')
      FROM relorm.relationship r
     WHERE r.many AND r.lazy OPERATOR(pg_catalog.=) 'joined'
    UNION ALL
    -- foreign keys without an index on their columns: deletes and joins from the parent scan the child
    SELECT 'warning', pg_catalog.format('constraint %I on %s', k.conname, k.child),
           pg_catalog.format('foreign key (%s) has no index: deleting from or joining %s scans %s', k.cols, k.parent, k.child),
           pg_catalog.format('CREATE INDEX ON %s (%s)', k.child, k.cols)
      FROM fk k
     WHERE NOT EXISTS (
             SELECT 1 FROM pg_catalog.pg_index i
              WHERE i.indrelid OPERATOR(pg_catalog.=) k.child AND i.indpred IS NULL AND i.indisvalid
                AND ARRAY(SELECT x FROM pg_catalog.unnest((pg_catalog.string_to_array(i.indkey::pg_catalog.text, ' ')::pg_catalog.int2[])[1:pg_catalog.cardinality(k.conkey)]) AS x ORDER BY x)
                    OPERATOR(pg_catalog.=) ARRAY(SELECT x FROM pg_catalog.unnest(k.conkey) AS x ORDER BY x))
    UNION ALL
    -- foreign key columns whose type differs from the key they reference
    SELECT 'warning', pg_catalog.format('column %s.%I', k.child, ca.attname),
           pg_catalog.format('it is %s but references %s.%I, which is %s',
                             pg_catalog.format_type(ca.atttypid, ca.atttypmod), k.parent, pa.attname,
                             pg_catalog.format_type(pa.atttypid, pa.atttypmod)),
           pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I TYPE %s', k.child, ca.attname,
                             pg_catalog.format_type(pa.atttypid, pa.atttypmod))
      FROM fk k
     CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(k.conkey), pg_catalog.unnest(k.confkey)) AS u(c, p)
      JOIN pg_catalog.pg_attribute ca ON ca.attrelid OPERATOR(pg_catalog.=) k.child AND ca.attnum OPERATOR(pg_catalog.=) u.c
      JOIN pg_catalog.pg_attribute pa ON pa.attrelid OPERATOR(pg_catalog.=) k.parent AND pa.attnum OPERATOR(pg_catalog.=) u.p
     WHERE ca.atttypid OPERATOR(pg_catalog.<>) pa.atttypid
    UNION ALL
    -- the same for a relationship whose constraint is gone: nothing stops its types drifting apart
    SELECT 'warning', pg_catalog.format('column %s.%I', p.child, ca.attname),
           pg_catalog.format('it is %s but relationship %I of %s joins it to %s.%I, which is %s',
                             pg_catalog.format_type(ca.atttypid, ca.atttypmod), p.name, p.source, p.parent, pa.attname,
                             pg_catalog.format_type(pa.atttypid, pa.atttypmod)),
           pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I TYPE %s', p.child, ca.attname,
                             pg_catalog.format_type(pa.atttypid, pa.atttypmod))
      FROM (SELECT e.source, e.name,
                   CASE WHEN e.fk_side OPERATOR(pg_catalog.=) 'source' THEN e.source ELSE e.target END AS child,
                   CASE WHEN e.fk_side OPERATOR(pg_catalog.=) 'source' THEN e.target ELSE e.source END AS parent,
                   u.c, u.p
              FROM edge e
              JOIN fk_of f ON f.source OPERATOR(pg_catalog.=) e.source AND f.name OPERATOR(pg_catalog.=) e.name
             CROSS JOIN LATERAL ROWS FROM (
                   pg_catalog.unnest(CASE WHEN e.fk_side OPERATOR(pg_catalog.=) 'source' THEN e.local_columns ELSE e.remote_columns END),
                   pg_catalog.unnest(CASE WHEN e.fk_side OPERATOR(pg_catalog.=) 'source' THEN e.remote_columns ELSE e.local_columns END)) AS u(c, p)
             WHERE f.con IS NULL AND e.fk_side OPERATOR(pg_catalog.=) ANY ('{source,target}'::pg_catalog.text[])) AS p
      JOIN pg_catalog.pg_attribute ca
        ON ca.attrelid OPERATOR(pg_catalog.=) p.child AND ca.attname OPERATOR(pg_catalog.=) p.c AND NOT ca.attisdropped
      JOIN pg_catalog.pg_attribute pa
        ON pa.attrelid OPERATOR(pg_catalog.=) p.parent AND pa.attname OPERATOR(pg_catalog.=) p.p AND NOT pa.attisdropped
     WHERE ca.atttypid OPERATOR(pg_catalog.<>) pa.atttypid
  ) AS x
 ORDER BY CASE x.severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END, x.object, x.problem
$$;

-- The edges relorm.diagram draws: one row per edge, lhs the side without the
-- foreign key (or the source), card the cardinality, label the names of both
-- directions (and the association table of a many-to-many).
CREATE FUNCTION relorm._diagram_edges()
RETURNS TABLE (lhs pg_catalog.regclass, rhs pg_catalog.regclass, card pg_catalog.text, label pg_catalog.text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN r.fk_side OPERATOR(pg_catalog.=) 'source' THEN r.target ELSE r.source END,
           CASE WHEN r.fk_side OPERATOR(pg_catalog.=) 'source' THEN r.source ELSE r.target END,
           CASE WHEN r.kind OPERATOR(pg_catalog.=) 'many_to_many' THEN 'many:many'
                WHEN r.kind OPERATOR(pg_catalog.=) 'viewonly' THEN CASE WHEN r.many THEN 'view:many' ELSE 'view:one' END
                ELSE CASE WHEN nn.all_not_null THEN 'one' ELSE 'zero-or-one' END
                     OPERATOR(pg_catalog.||) ':'
                     OPERATOR(pg_catalog.||) CASE WHEN r.kind OPERATOR(pg_catalog.=) 'one_to_one' THEN 'one' ELSE 'many' END
           END,
           CASE WHEN r.fk_side OPERATOR(pg_catalog.=) 'source'
                THEN COALESCE(r.back_populates OPERATOR(pg_catalog.||) ' / ', '') OPERATOR(pg_catalog.||) r.name
                ELSE r.name OPERATOR(pg_catalog.||) COALESCE(' / ' OPERATOR(pg_catalog.||) r.back_populates, '')
           END OPERATOR(pg_catalog.||)
           CASE WHEN r.secondary IS NOT NULL
                THEN pg_catalog.format(' (%s)', r.secondary) ELSE '' END
      FROM relorm.relationship r
     CROSS JOIN LATERAL (
           SELECT COALESCE(pg_catalog.bool_and(a.attnotnull), false) AS all_not_null
             FROM pg_catalog.pg_attribute a
            WHERE a.attrelid OPERATOR(pg_catalog.=) CASE WHEN r.fk_side OPERATOR(pg_catalog.=) 'source' THEN r.source ELSE r.target END
              AND a.attname OPERATOR(pg_catalog.=) ANY (CASE WHEN r.fk_side OPERATOR(pg_catalog.=) 'source'
                                                             THEN r.local_columns ELSE r.remote_columns END)) AS nn
     WHERE NOT EXISTS (
             -- the partner direction draws this edge instead
             SELECT 1 FROM relorm.relationship p
              WHERE p.source OPERATOR(pg_catalog.=) r.target AND p.name OPERATOR(pg_catalog.=) r.back_populates
                AND p.back_populates OPERATOR(pg_catalog.=) r.name
                AND CASE WHEN r.fk_side OPERATOR(pg_catalog.=) ANY ('{source,target}'::pg_catalog.text[])
                              AND p.fk_side OPERATOR(pg_catalog.<>) r.fk_side
                         THEN r.fk_side OPERATOR(pg_catalog.=) 'source'
                         ELSE (p.source::pg_catalog.text, p.name) OPERATOR(pg_catalog.<) (r.source::pg_catalog.text, r.name) END)
$$;

-- A column's key marks in a diagram: " PK, FK, UK", those that apply, or "".
CREATE FUNCTION relorm._key_marks(rel pg_catalog.oid, att pg_catalog.int2) RETURNS pg_catalog.text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT COALESCE(' ' OPERATOR(pg_catalog.||) pg_catalog.string_agg(m.mark, ', ' ORDER BY m.o), '')
  FROM (VALUES (1, 'p', 'PK'), (2, 'f', 'FK'), (3, 'u', 'UK')) AS m(o, contype, mark)
 WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_constraint x
                WHERE x.conrelid OPERATOR(pg_catalog.=) rel
                  AND x.contype::pg_catalog.text OPERATOR(pg_catalog.=) m.contype
                  AND att OPERATOR(pg_catalog.=) ANY (x.conkey))
$$;

-- relorm.diagram(format): the declared relationships as a Mermaid erDiagram
-- or a Graphviz digraph.  Entities are the tables relationships join (an
-- association table shows as the label of its many-to-many edge), with their
-- columns, types and PK/FK/UK markers; each edge is drawn once, from the side
-- without the foreign key, labelled with the names of both directions.
-- Everything is sorted by name, so the text is stable for tests and diffs.
CREATE FUNCTION relorm.diagram(format pg_catalog.text DEFAULT 'mermaid')
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fmt pg_catalog.text := pg_catalog.lower(format);
    out pg_catalog.text;
BEGIN
    IF fmt IS NULL OR fmt OPERATOR(pg_catalog.<>) ALL ('{mermaid,dot}'::pg_catalog.text[]) THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = pg_catalog.format('invalid diagram format %s', COALESCE(pg_catalog.quote_literal(format), 'NULL')),
            HINT = 'Use ''mermaid'' (the default) or ''dot''.';
    END IF;

    IF fmt OPERATOR(pg_catalog.=) 'mermaid' THEN
        WITH ent AS (
            SELECT t.relid, c.relname, n.nspname,
                   pg_catalog.regexp_replace(
                       CASE WHEN pg_catalog.count(*) OVER (PARTITION BY c.relname) OPERATOR(pg_catalog.=) 1
                            THEN c.relname::pg_catalog.text
                            ELSE n.nspname OPERATOR(pg_catalog.||) '_' OPERATOR(pg_catalog.||) c.relname END,
                       '[^A-Za-z0-9_]', '_', 'g') AS ident
              FROM (SELECT g.lhs AS relid FROM relorm._diagram_edges() g UNION SELECT g.rhs FROM relorm._diagram_edges() g) t
              JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.relid
              JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
        ),
        blocks AS (
            SELECT e.ident, pg_catalog.format(E'    %s {\n%s    }\n', e.ident,
                       (SELECT pg_catalog.string_agg(pg_catalog.format(E'        %s %s%s\n',
                                   pg_catalog.regexp_replace(pg_catalog.format_type(a.atttypid, NULL), '[^A-Za-z0-9_\[\]]', '_', 'g'),
                                   pg_catalog.regexp_replace(a.attname, '[^A-Za-z0-9_]', '_', 'g'),
                                   relorm._key_marks(e.relid, a.attnum)),
                                   '' ORDER BY a.attnum)
                          FROM pg_catalog.pg_attribute a
                         WHERE a.attrelid OPERATOR(pg_catalog.=) e.relid AND a.attnum OPERATOR(pg_catalog.>) 0
                           AND NOT a.attisdropped)) AS block
              FROM ent e
        )
        SELECT E'erDiagram\n'
               OPERATOR(pg_catalog.||) COALESCE((SELECT pg_catalog.string_agg(b.block, '' ORDER BY b.ident) FROM blocks b), '')
               OPERATOR(pg_catalog.||) COALESCE((
                   SELECT pg_catalog.string_agg(pg_catalog.format(E'    %s %s %s : %s\n', l.ident,
                              CASE d.card WHEN 'one:many' THEN '||--o{' WHEN 'zero-or-one:many' THEN '|o--o{'
                                          WHEN 'one:one' THEN '||--o|' WHEN 'zero-or-one:one' THEN '|o--o|'
                                          WHEN 'many:many' THEN '}o--o{' WHEN 'view:many' THEN '}o..o{'
                                          ELSE '}o..o|' END,
                              r.ident, '"' OPERATOR(pg_catalog.||) pg_catalog.replace(d.label, '"', '#quot;') OPERATOR(pg_catalog.||) '"'),
                          '' ORDER BY l.ident, r.ident, d.label)
                     FROM relorm._diagram_edges() d
                     JOIN ent l ON l.relid OPERATOR(pg_catalog.=) d.lhs
                     JOIN ent r ON r.relid OPERATOR(pg_catalog.=) d.rhs), '')
          INTO out;
    ELSE
        WITH ent AS (
            SELECT t.relid, pg_catalog.format('%I.%I', n.nspname, c.relname) AS qual
              FROM (SELECT g.lhs AS relid FROM relorm._diagram_edges() g UNION SELECT g.rhs FROM relorm._diagram_edges() g) t
              JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.relid
              JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
        ),
        nodes AS (
            SELECT e.qual, pg_catalog.format(
                       E'    "%s" [label=<<table border="0" cellborder="1" cellspacing="0"><tr><td bgcolor="lightgrey"><b>%s</b></td></tr>%s</table>>];\n',
                       pg_catalog.replace(e.qual, '"', '\"'), relorm._html(e.qual),
                       (SELECT pg_catalog.string_agg(pg_catalog.format('<tr><td align="left">%s %s%s</td></tr>',
                                   relorm._html(a.attname), relorm._html(pg_catalog.format_type(a.atttypid, a.atttypmod)),
                                   relorm._key_marks(e.relid, a.attnum)),
                                   '' ORDER BY a.attnum)
                          FROM pg_catalog.pg_attribute a
                         WHERE a.attrelid OPERATOR(pg_catalog.=) e.relid AND a.attnum OPERATOR(pg_catalog.>) 0
                           AND NOT a.attisdropped)) AS node
              FROM ent e
        )
        SELECT E'digraph relorm {\n    rankdir=LR;\n    node [shape=plain];\n'
               OPERATOR(pg_catalog.||) COALESCE((SELECT pg_catalog.string_agg(x.node, '' ORDER BY x.qual) FROM nodes x), '')
               OPERATOR(pg_catalog.||) COALESCE((
                   SELECT pg_catalog.string_agg(pg_catalog.format(E'    "%s" -> "%s" [label="%s", dir=both, arrowtail=%s, arrowhead=%s%s];\n',
                              pg_catalog.replace(l.qual, '"', '\"'), pg_catalog.replace(r.qual, '"', '\"'),
                              pg_catalog.replace(d.label, '"', '\"'),
                              CASE WHEN pg_catalog.starts_with(d.card, 'one:') THEN 'teetee'
                                   WHEN pg_catalog.starts_with(d.card, 'zero-or-one:') THEN 'teeodot'
                                   WHEN d.card OPERATOR(pg_catalog.=) 'many:many' THEN 'crowodot' ELSE 'none' END,
                              CASE WHEN pg_catalog.right(d.card, 4) OPERATOR(pg_catalog.=) ':one' THEN 'teeodot' ELSE 'crowodot' END,
                              CASE WHEN pg_catalog.starts_with(d.card, 'view:') THEN ', style=dashed' ELSE '' END),
                          '' ORDER BY l.qual, r.qual, d.label)
                     FROM relorm._diagram_edges() d
                     JOIN ent l ON l.relid OPERATOR(pg_catalog.=) d.lhs
                     JOIN ent r ON r.relid OPERATOR(pg_catalog.=) d.rhs), '')
               OPERATOR(pg_catalog.||) E'}\n'
          INTO out;
    END IF;
    RETURN out;
END
$$;

-- Text escaped for a Graphviz HTML-like label.
CREATE FUNCTION relorm._html(s pg_catalog.text) RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
SELECT pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(s,
       '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')
$$;

-------------------------------------------------------------------------------
-- Fetch (src/fetch.c, src/shape.c, src/load_plan.c, src/execute.c,
-- src/json_out.c).  STABLE and read-only: a fetch reads every level from the
-- caller's snapshot, with the caller's rights (SECURITY INVOKER).
-------------------------------------------------------------------------------

CREATE FUNCTION relorm.fetch(
    root pg_catalog.regclass,
    shape pg_catalog.text DEFAULT '*',
    filter pg_catalog.text DEFAULT NULL,
    params pg_catalog.jsonb DEFAULT NULL,
    order_by pg_catalog.text DEFAULT NULL,
    row_limit pg_catalog.int8 DEFAULT NULL,
    row_offset pg_catalog.int8 DEFAULT NULL)
RETURNS SETOF pg_catalog.json
AS 'MODULE_PATHNAME', 'relorm_fetch' LANGUAGE C CALLED ON NULL INPUT STABLE SECURITY INVOKER;
COMMENT ON FUNCTION relorm.fetch(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.jsonb, pg_catalog.text, pg_catalog.int8, pg_catalog.int8)
    IS 'relorm: one JSON tree per root row, in the given shape, every relationship level loaded set-based';

CREATE FUNCTION relorm.fetch_one(
    root pg_catalog.regclass,
    shape pg_catalog.text,
    key pg_catalog.jsonb)
RETURNS pg_catalog.json
AS 'MODULE_PATHNAME', 'relorm_fetch_one' LANGUAGE C CALLED ON NULL INPUT STABLE SECURITY INVOKER;
COMMENT ON FUNCTION relorm.fetch_one(pg_catalog.regclass, pg_catalog.text, pg_catalog.jsonb)
    IS 'relorm: the JSON tree of the row with this primary key, or NULL';

CREATE FUNCTION relorm.explain(
    root pg_catalog.regclass,
    shape pg_catalog.text DEFAULT '*',
    filter pg_catalog.text DEFAULT NULL,
    order_by pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_explain' LANGUAGE C CALLED ON NULL INPUT STABLE SECURITY INVOKER;
COMMENT ON FUNCTION relorm.explain(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text)
    IS 'relorm: the queries a fetch runs, one line per relationship level';
