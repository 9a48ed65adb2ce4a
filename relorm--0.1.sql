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
