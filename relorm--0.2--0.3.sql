/* relorm--0.2--0.3.sql: upgrade from 0.2 to 0.3 (ALTER EXTENSION relorm UPDATE) */

\echo Use "ALTER EXTENSION relorm UPDATE TO '0.3'" to load this file. \quit

-------------------------------------------------------------------------------
-- 0.3: trust.  The fetch planner in passes (resolve, deparse, prepare) and its
-- fixes are all in the C module; here, the catalog records who wrote a
-- relationship's SQL fragments, rows left by dropped (temporary) tables go,
-- array arguments refuse NULL elements, and dot diagrams escape backslashes.
-- Issue 10: many-to-manys whose sides' keys differ in width.
-------------------------------------------------------------------------------

-- Internal helpers (trigger functions, the SQL behind check(), diagram() and
-- reflect()) live in schema relorm_internal, so that schema relorm holds the
-- public API alone and `\dx+ relorm` lists it before them.  Functions that call
-- them by name are created again below.
CREATE SCHEMA relorm_internal;
COMMENT ON SCHEMA relorm IS 'relorm: relationship catalogs, generated DDL, nested fetch and save (the public API)';
COMMENT ON SCHEMA relorm_internal IS 'relorm: internal helpers of the relorm extension, not an API';
GRANT USAGE ON SCHEMA relorm_internal TO PUBLIC;
ALTER FUNCTION relorm._catalog_changed() SET SCHEMA relorm_internal;
ALTER FUNCTION relorm._delete_orphans() SET SCHEMA relorm_internal;
ALTER FUNCTION relorm._on_sql_drop() SET SCHEMA relorm_internal;
ALTER FUNCTION relorm._on_ddl_command_end() SET SCHEMA relorm_internal;
ALTER FUNCTION relorm._reflect_candidates(pg_catalog.name, pg_catalog.oid[]) SET SCHEMA relorm_internal;
ALTER FUNCTION relorm._singular(pg_catalog.text) SET SCHEMA relorm_internal;
ALTER FUNCTION relorm._declaration_sql(relorm.relationship, pg_catalog.text, pg_catalog.text) SET SCHEMA relorm_internal;
ALTER FUNCTION relorm._diagram_edges() SET SCHEMA relorm_internal;
ALTER FUNCTION relorm._key_marks(pg_catalog.oid, pg_catalog.int2) SET SCHEMA relorm_internal;
ALTER FUNCTION relorm._html(pg_catalog.text) SET SCHEMA relorm_internal;

-- The role that wrote a relationship's join_on and order_by: they run with the
-- rights of whoever fetches, so the default tree (**) follows a relationship
-- only when its fragments were written by a role with all the caller's rights.
-- Fragments declared before 0.3 count as written by the source table's owner.
ALTER TABLE relorm.relationship ADD COLUMN fragments_by pg_catalog.regrole;
COMMENT ON COLUMN relorm.relationship.fragments_by IS
    'relorm: the role that wrote join_on and order_by (they run with the rights of whoever fetches)';
UPDATE relorm.relationship r SET fragments_by = c.relowner::pg_catalog.regrole
  FROM pg_catalog.pg_class c
 WHERE c.oid OPERATOR(pg_catalog.=) r.source AND (r.join_on IS NOT NULL OR r.order_by IS NOT NULL);

-- A relationship relorm.reflect inferred from a view's definition (issue 10,
-- below): a foreign key of the view's table backs it, no constraint of its
-- own, so the event triggers and check() do not look for one.
ALTER TABLE relorm.relationship ADD COLUMN inferred pg_catalog.bool NOT NULL DEFAULT false;
COMMENT ON COLUMN relorm.relationship.inferred IS
    'relorm: inferred by relorm.reflect from a view''s definition: a foreign key of the view''s table backs it, no constraint of its own';
-- A computed relationship's function (relorm.computed, below).
ALTER TABLE relorm.relationship ADD COLUMN function pg_catalog.regprocedure;
COMMENT ON COLUMN relorm.relationship.function IS
    'relorm: a computed relationship''s function, of the source''s row type, returning the target''s rows';

-- The columns of a view that are columns of a table (through joins,
-- subqueries and views of views), with that table and column.
CREATE FUNCTION relorm_internal._view_columns(view pg_catalog.regclass)
RETURNS TABLE (attname pg_catalog.name, base pg_catalog.regclass, base_attname pg_catalog.name)
AS 'MODULE_PATHNAME', 'relorm_view_columns' LANGUAGE C STABLE STRICT;

-- Whether an inferred relationship still holds (the event triggers ask, from
-- the first DDL of this script on): the view's columns are still
-- columns of one table, and the foreign key behind the relationship is still
-- there, from those columns (the view holds the foreign key's columns) or to
-- them (the view holds the key it references).
CREATE FUNCTION relorm_internal._inferred_holds(r relorm.relationship) RETURNS pg_catalog.bool
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT COALESCE((
    SELECT CASE WHEN s.view_holds_fk THEN relorm.constraint_of(b.base, b.cols, s.other, s.other_cols)
                ELSE relorm.constraint_of(s.other, s.other_cols, b.base, b.cols) END IS NOT NULL
      FROM (SELECT v.is_source,
                   CASE WHEN v.is_source THEN r.source ELSE r.target END AS view,
                   CASE WHEN v.is_source THEN r.local_columns ELSE r.remote_columns END AS view_cols,
                   CASE WHEN v.is_source THEN r.target ELSE r.source END AS other,
                   CASE WHEN v.is_source THEN r.remote_columns ELSE r.local_columns END AS other_cols,
                   (r.fk_side OPERATOR(pg_catalog.=) 'source') OPERATOR(pg_catalog.=) v.is_source AS view_holds_fk
              FROM (SELECT c.relkind OPERATOR(pg_catalog.=) 'v' AS is_source FROM pg_catalog.pg_class c
                     WHERE c.oid OPERATOR(pg_catalog.=) r.source) AS v) AS s
     CROSS JOIN LATERAL (
           SELECT pg_catalog.min(x.base::pg_catalog.oid)::pg_catalog.regclass AS base,
                  pg_catalog.array_agg(x.base_attname ORDER BY k.o) AS cols
             FROM pg_catalog.unnest(s.view_cols) WITH ORDINALITY AS k(col, o)
             JOIN relorm_internal._view_columns(s.view) x ON x.attname OPERATOR(pg_catalog.=) k.col
           HAVING pg_catalog.count(*) OPERATOR(pg_catalog.=) pg_catalog.cardinality(s.view_cols)
              AND pg_catalog.count(DISTINCT x.base) OPERATOR(pg_catalog.=) 1) AS b), false)
$$;


-- Relationships of tables that are gone: a temporary table ends with its
-- session without any event trigger firing (0.3 refuses them).
DELETE FROM relorm.relationship r
 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) r.source)
    OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) r.target)
    OR (r.secondary IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) r.secondary));
DELETE FROM relorm.polymorphic_base b
 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) b.base);

-- A many-to-many's two sides may have keys of different widths (a composite
-- key on one side, a single column on the other): each side's key columns
-- pair with its own columns of the association table, not with the other
-- side's.  Any other kind but viewonly and computed (whose targets are
-- reached otherwise) pairs its local and remote columns.
ALTER TABLE relorm.relationship DROP CONSTRAINT relationship_columns_check,
    ADD CONSTRAINT relationship_columns_check CHECK (
        CASE
          WHEN kind OPERATOR(pg_catalog.=) ANY ('{viewonly,computed}'::pg_catalog.text[]) THEN true
          WHEN kind OPERATOR(pg_catalog.=) 'many_to_many' THEN COALESCE(
              pg_catalog.cardinality(local_columns) OPERATOR(pg_catalog.=) pg_catalog.cardinality(secondary_local_columns)
              AND pg_catalog.cardinality(remote_columns) OPERATOR(pg_catalog.=) pg_catalog.cardinality(secondary_remote_columns),
              false)
          ELSE pg_catalog.cardinality(local_columns) OPERATOR(pg_catalog.=) pg_catalog.cardinality(remote_columns)
        END);

-- A name[] argument, checked: one dimension, no NULL element (22004).
CREATE FUNCTION relorm_internal._names_arg(names pg_catalog.name[], argname pg_catalog.text)
RETURNS pg_catalog.name[]
AS 'MODULE_PATHNAME', 'relorm_names_arg' LANGUAGE C IMMUTABLE STRICT;

CREATE OR REPLACE FUNCTION relorm.constraint_of(
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
       AND pg_catalog.cardinality(c.conkey) OPERATOR(pg_catalog.=) pg_catalog.cardinality(relorm_internal._names_arg(fk_columns, 'fk_columns'))
       AND pg_catalog.cardinality(relorm_internal._names_arg(ref_columns, 'ref_columns')) OPERATOR(pg_catalog.>=) 0
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

-- A string in a Graphviz dot file: backslashes and double quotes escaped.
CREATE FUNCTION relorm_internal._dot_string(s pg_catalog.text) RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
SELECT pg_catalog.replace(pg_catalog.replace(s, E'\\', E'\\\\'), '"', E'\\"')
$$;

CREATE OR REPLACE FUNCTION relorm.diagram(format pg_catalog.text DEFAULT 'mermaid')
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
              FROM (SELECT g.lhs AS relid FROM relorm_internal._diagram_edges() g UNION SELECT g.rhs FROM relorm_internal._diagram_edges() g) t
              JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.relid
              JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
        ),
        blocks AS (
            SELECT e.ident, pg_catalog.format(E'    %s {\n%s    }\n', e.ident,
                       (SELECT pg_catalog.string_agg(pg_catalog.format(E'        %s %s%s\n',
                                   pg_catalog.regexp_replace(pg_catalog.format_type(a.atttypid, NULL), '[^A-Za-z0-9_\[\]]', '_', 'g'),
                                   pg_catalog.regexp_replace(a.attname, '[^A-Za-z0-9_]', '_', 'g'),
                                   relorm_internal._key_marks(e.relid, a.attnum)),
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
                     FROM relorm_internal._diagram_edges() d
                     JOIN ent l ON l.relid OPERATOR(pg_catalog.=) d.lhs
                     JOIN ent r ON r.relid OPERATOR(pg_catalog.=) d.rhs), '')
          INTO out;
    ELSE
        WITH ent AS (
            SELECT t.relid, pg_catalog.format('%I.%I', n.nspname, c.relname) AS qual
              FROM (SELECT g.lhs AS relid FROM relorm_internal._diagram_edges() g UNION SELECT g.rhs FROM relorm_internal._diagram_edges() g) t
              JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.relid
              JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
        ),
        nodes AS (
            SELECT e.qual, pg_catalog.format(
                       E'    "%s" [label=<<table border="0" cellborder="1" cellspacing="0"><tr><td bgcolor="lightgrey"><b>%s</b></td></tr>%s</table>>];\n',
                       relorm_internal._dot_string(e.qual), relorm_internal._html(e.qual),
                       (SELECT pg_catalog.string_agg(pg_catalog.format('<tr><td align="left">%s %s%s</td></tr>',
                                   relorm_internal._html(a.attname), relorm_internal._html(pg_catalog.format_type(a.atttypid, a.atttypmod)),
                                   relorm_internal._key_marks(e.relid, a.attnum)),
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
                              relorm_internal._dot_string(l.qual), relorm_internal._dot_string(r.qual),
                              relorm_internal._dot_string(d.label),
                              CASE WHEN pg_catalog.starts_with(d.card, 'one:') THEN 'teetee'
                                   WHEN pg_catalog.starts_with(d.card, 'zero-or-one:') THEN 'teeodot'
                                   WHEN d.card OPERATOR(pg_catalog.=) 'many:many' THEN 'crowodot' ELSE 'none' END,
                              CASE WHEN pg_catalog.right(d.card, 4) OPERATOR(pg_catalog.=) ':one' THEN 'teeodot' ELSE 'crowodot' END,
                              CASE WHEN pg_catalog.starts_with(d.card, 'view:') THEN ', style=dashed' ELSE '' END),
                          '' ORDER BY l.qual, r.qual, d.label)
                     FROM relorm_internal._diagram_edges() d
                     JOIN ent l ON l.relid OPERATOR(pg_catalog.=) d.lhs
                     JOIN ent r ON r.relid OPERATOR(pg_catalog.=) d.rhs), '')
               OPERATOR(pg_catalog.||) E'}\n'
          INTO out;
    END IF;
    RETURN out;
END
$$;

-- The view lists fragments_by, inferred and function last (CREATE OR REPLACE VIEW may only add columns at the end).
CREATE OR REPLACE VIEW relorm.relationships AS
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
       r.status,
       r.target_type,
       r.fragments_by,
       r.inferred,
       r.function
  FROM relorm.relationship r;

-------------------------------------------------------------------------------
-- relorm.check() suggests only SQL that can run: no redeclaration while rows
-- would violate the constraint it recreates, no type change that a view or
-- the data would refuse, no back_populates name the target already uses.
-------------------------------------------------------------------------------

-- The rows that would violate the foreign keys declaring r again creates.
CREATE FUNCTION relorm_internal._orphan_rows(r relorm.relationship) RETURNS pg_catalog.int8
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    sides record;
    n pg_catalog.int8 := 0;
    m pg_catalog.int8;
BEGIN
    IF r.kind OPERATOR(pg_catalog.=) 'viewonly' THEN
        RETURN 0;
    END IF;
    FOR sides IN
        SELECT * FROM (VALUES
            (r.fk_side OPERATOR(pg_catalog.=) 'source', r.source, r.local_columns, r.target, r.remote_columns),
            (r.fk_side OPERATOR(pg_catalog.=) 'target', r.target, r.remote_columns, r.source, r.local_columns),
            (r.fk_side OPERATOR(pg_catalog.=) 'secondary', r.secondary, r.secondary_local_columns, r.source, r.local_columns),
            (r.fk_side OPERATOR(pg_catalog.=) 'secondary', r.secondary, r.secondary_remote_columns, r.target, r.remote_columns)
        ) AS s(applies, child, cols, parent, keys)
         WHERE s.applies
    LOOP
        EXECUTE pg_catalog.format(
            'SELECT pg_catalog.count(*) FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s)',
            sides.child,
            (SELECT pg_catalog.string_agg(pg_catalog.format('c.%I IS NOT NULL', x), ' AND ')
               FROM pg_catalog.unnest(sides.cols) x),
            sides.parent,
            (SELECT pg_catalog.string_agg(pg_catalog.format('p.%I OPERATOR(pg_catalog.=) c.%I', k, c), ' AND ')
               FROM ROWS FROM (pg_catalog.unnest(sides.keys), pg_catalog.unnest(sides.cols)) AS u(k, c)))
          INTO m;
        n := n OPERATOR(pg_catalog.+) m;
    END LOOP;
    RETURN n;
EXCEPTION WHEN OTHERS THEN
    RETURN -1;                  -- the columns cannot even be compared: no fix to suggest
END
$$;

-- ALTER TABLE tbl ALTER COLUMN col TYPE the type, or NULL when it could not
-- run: a view or rule uses the column, no assignment cast exists, or a value
-- does not convert.
CREATE FUNCTION relorm_internal._alter_type_sql(tbl pg_catalog.regclass, col pg_catalog.name, typ pg_catalog.oid,
                                       typmod pg_catalog.int4)
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    att pg_catalog.pg_attribute;
BEGIN
    SELECT * INTO att FROM pg_catalog.pg_attribute a
     WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) col;
    IF NOT FOUND OR EXISTS (
           SELECT 1 FROM pg_catalog.pg_depend d
            WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::pg_catalog.regclass
              AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
              AND d.refobjid OPERATOR(pg_catalog.=) tbl AND d.refobjsubid OPERATOR(pg_catalog.=) att.attnum) THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_cast c
                    WHERE c.castsource OPERATOR(pg_catalog.=) att.atttypid AND c.casttarget OPERATOR(pg_catalog.=) typ
                      AND c.castcontext OPERATOR(pg_catalog.=) ANY ('{a,i}'::pg_catalog."char"[])) THEN
        RETURN NULL;
    END IF;
    BEGIN
        EXECUTE pg_catalog.format('SELECT pg_catalog.count(CAST(t.%I AS %s)) FROM %s t', col,
                                  pg_catalog.format_type(typ, typmod), tbl);
    EXCEPTION WHEN OTHERS THEN
        RETURN NULL;
    END;
    RETURN pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I TYPE %s', tbl, col, pg_catalog.format_type(typ, typmod));
END
$$;

-- name, or name_2, name_3... : the first that is neither a column nor a
-- relationship of tbl, for a relationship to be declared on it.  The columns
-- in own do not count: a to-one relationship may be named after its own
-- foreign key column.
CREATE FUNCTION relorm_internal._free_name(tbl pg_catalog.regclass, name pg_catalog.text,
                                  own pg_catalog.name[] DEFAULT '{}') RETURNS pg_catalog.text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT x.candidate
  FROM (SELECT name AS candidate, 1 AS n
        UNION ALL
        SELECT name OPERATOR(pg_catalog.||) '_' OPERATOR(pg_catalog.||) i, i FROM pg_catalog.generate_series(2, 99) i) AS x
 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) x.candidate
                      AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
                      AND a.attname OPERATOR(pg_catalog.<>) ALL (own))
   AND NOT EXISTS (SELECT 1 FROM relorm.relationship r
                    WHERE r.source OPERATOR(pg_catalog.=) tbl AND r.name OPERATOR(pg_catalog.=) x.candidate)
 ORDER BY x.n
 LIMIT 1
$$;

CREATE OR REPLACE FUNCTION relorm.check()
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
           SELECT r.source, x FROM pg_catalog.unnest(r.local_columns) x
            WHERE r.kind OPERATOR(pg_catalog.<>) ALL ('{viewonly,computed}'::pg_catalog.text[])
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
    -- the constraint behind each direction (for many_to_many: to its source,
    -- NULL when either of the association table's two is gone); a view-only
    -- or computed relationship has none, nor has one inferred from a view
    SELECT r.*,
           CASE r.fk_side WHEN 'source' THEN r.source WHEN 'target' THEN r.target ELSE r.secondary END AS fk_table,
           CASE r.fk_side
             WHEN 'source' THEN relorm.constraint_of(r.source, r.local_columns, r.target, r.remote_columns)
             WHEN 'target' THEN relorm.constraint_of(r.target, r.remote_columns, r.source, r.local_columns)
             WHEN 'secondary' THEN
               CASE WHEN relorm.constraint_of(r.secondary, r.secondary_remote_columns, r.target, r.remote_columns) IS NOT NULL
                    THEN relorm.constraint_of(r.secondary, r.secondary_local_columns, r.source, r.local_columns) END
           END AS con
      FROM relorm.relationship r
     WHERE r.kind OPERATOR(pg_catalog.<>) ALL ('{viewonly,computed}'::pg_catalog.text[]) AND NOT r.inferred
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
           'its foreign key constraint was dropped; the database no longer enforces the relationship'
           OPERATOR(pg_catalog.||) CASE WHEN o.n OPERATOR(pg_catalog.>) 0
                THEN pg_catalog.format(' (and %s %s no row: fix or delete %s, then declare it again)', o.n,
                                       CASE WHEN o.n OPERATOR(pg_catalog.=) 1 THEN 'row references' ELSE 'rows reference' END,
                                       CASE WHEN o.n OPERATOR(pg_catalog.=) 1 THEN 'it' ELSE 'them' END)
                ELSE '' END,
           CASE WHEN o.n OPERATOR(pg_catalog.=) 0 THEN relorm_internal._declaration_sql(e, NULL, NULL) END
      FROM edge e JOIN fk_of f ON f.source OPERATOR(pg_catalog.=) e.source AND f.name OPERATOR(pg_catalog.=) e.name
     CROSS JOIN LATERAL (SELECT relorm_internal._orphan_rows(e) AS n) AS o
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
           relorm_internal._declaration_sql(e, COALESCE(
               -- the reverse direction declared on its own
               (SELECT p.name FROM relorm.relationship p
                 WHERE p.source OPERATOR(pg_catalog.=) e.target AND p.target OPERATOR(pg_catalog.=) e.source
                   AND p.back_populates IS NULL AND p.kind OPERATOR(pg_catalog.<>) ALL ('{viewonly,computed}'::pg_catalog.text[])
                   AND p.local_columns OPERATOR(pg_catalog.=) e.remote_columns
                   AND p.remote_columns OPERATOR(pg_catalog.=) e.local_columns
                   AND (p.source, p.name) OPERATOR(pg_catalog.<>) (e.source, e.name)
                 ORDER BY p.name LIMIT 1),
               -- or the conventional name of relorm.reflect (src/reflect.c), unless the target uses it
               relorm_internal._free_name(e.target, CASE WHEN e.kind OPERATOR(pg_catalog.=) 'many_to_one' THEN t.relname::pg_catalog.text
                    WHEN e.kind OPERATOR(pg_catalog.=) 'many_to_many' THEN t.relname::pg_catalog.text
                    WHEN e.fk_side OPERATOR(pg_catalog.=) 'target'
                     AND pg_catalog.cardinality(e.remote_columns) OPERATOR(pg_catalog.=) 1
                    THEN CASE WHEN pg_catalog.length(e.remote_columns[1]::pg_catalog.text) OPERATOR(pg_catalog.>) 3
                               AND pg_catalog.right(e.remote_columns[1]::pg_catalog.text, 3) OPERATOR(pg_catalog.=) '_id'
                              THEN pg_catalog.left(e.remote_columns[1]::pg_catalog.text, -3)
                              WHEN e.remote_columns[1] OPERATOR(pg_catalog.=) e.local_columns[1]
                              THEN relorm_internal._singular(t.relname)
                              ELSE e.remote_columns[1]::pg_catalog.text END
                    ELSE relorm_internal._singular(t.relname) END,
                    CASE WHEN e.fk_side OPERATOR(pg_catalog.=) 'target' THEN e.remote_columns
                         ELSE '{}'::pg_catalog.name[] END)), NULL)
      FROM edge e
      JOIN pg_catalog.pg_class t ON t.oid OPERATOR(pg_catalog.=) e.source
     WHERE e.back_populates IS NULL AND e.kind OPERATOR(pg_catalog.<>) ALL ('{viewonly,computed}'::pg_catalog.text[])
    UNION ALL
    -- joined loading of a collection multiplies the parent rows
    SELECT 'warning', pg_catalog.format('relationship %I of %s', r.name, r.source),
           'it loads a collection with lazy ''joined'', which multiplies the parent rows; use ''selectin''',
           relorm_internal._declaration_sql(r, NULL, 'selectin')
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
           relorm_internal._alter_type_sql(k.child, ca.attname, pa.atttypid, pa.atttypmod)
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
           relorm_internal._alter_type_sql(p.child, ca.attname, pa.atttypid, pa.atttypmod)
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
-------------------------------------------------------------------------------
-- Issue 10: relorm.many_to_many adopts an association table whose foreign
-- keys do not cascade, as relorm.reflect registers it: source_on_delete and
-- target_on_delete name the ON DELETE of the association table's foreign key
-- to each side (CASCADE for those it creates, unless named; an existing one
-- keeps its own, with a NOTICE when it is not CASCADE).  New arguments are a
-- new signature: the function is replaced, the new arguments last, so that
-- calls written for 0.2 keep their meaning.
-------------------------------------------------------------------------------

DROP FUNCTION relorm.many_to_many(pg_catalog.regclass, pg_catalog.text, pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text);
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
    back_order_by pg_catalog.text DEFAULT NULL,
    target_type pg_catalog.text DEFAULT NULL,
    source_on_delete pg_catalog.text DEFAULT NULL,
    target_on_delete pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_many_to_many' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

-- relorm.check's redeclaration of a many-to-many keeps the ON DELETE of its
-- association table's foreign keys when they do not cascade: the direction's
-- own for source_on_delete, its partner's for target_on_delete.
CREATE OR REPLACE FUNCTION relorm_internal._declaration_sql(r relorm.relationship, back pg_catalog.text, lazy pg_catalog.text)
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
             CASE WHEN r.kind OPERATOR(pg_catalog.=) 'many_to_many'
                   AND r.on_delete OPERATOR(pg_catalog.<>) 'cascade'
                  THEN pg_catalog.format(', source_on_delete => %L', r.on_delete) END,
             CASE WHEN r.kind OPERATOR(pg_catalog.=) 'many_to_many'
                   AND c.partner_on_delete OPERATOR(pg_catalog.<>) 'cascade'
                  THEN pg_catalog.format(', target_on_delete => %L', c.partner_on_delete) END,
             CASE WHEN COALESCE(lazy, r.lazy) OPERATOR(pg_catalog.<>) 'select'
                  THEN pg_catalog.format(', lazy => %L', COALESCE(lazy, r.lazy)) END,
             CASE WHEN r.orphans IS NOT NULL THEN pg_catalog.format(', orphans => %L', r.orphans) END,
             CASE WHEN r.order_by IS NOT NULL THEN pg_catalog.format(', order_by => %L', r.order_by) END))
  FROM (SELECT (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(x), ', ') FROM pg_catalog.unnest(r.local_columns) x) AS l,
               (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(x), ', ') FROM pg_catalog.unnest(r.remote_columns) x) AS r,
               (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(x), ', ') FROM pg_catalog.unnest(r.secondary_local_columns) x) AS sl,
               (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(x), ', ') FROM pg_catalog.unnest(r.secondary_remote_columns) x) AS sr,
               (SELECT p.on_delete FROM relorm.relationship p
                 WHERE p.source OPERATOR(pg_catalog.=) r.target AND p.name OPERATOR(pg_catalog.=) r.back_populates
                   AND p.target OPERATOR(pg_catalog.=) r.source) AS partner_on_delete) c
$$;

-------------------------------------------------------------------------------
-- Issue 10: relorm.reflect registers every foreign key of a real schema, and
-- the relationships of simple views, as PostgREST finds them.  A junction is a
-- table whose primary key holds the columns of two of its foreign keys (and
-- may hold others: jobs (site_id, project_id, role)); a table with several
-- such pairs is a junction of each.  Two identical foreign keys are one.  A
-- view column that is a table's column (src/view_columns.c) gives the view
-- that table's relationships through it; those are inferred, not declared:
-- no constraint of their own backs them.  Naming (src/reflect.c) never leaves
-- a foreign key out.
-------------------------------------------------------------------------------

-- The foreign keys relorm.reflect may register: those of the tables of one
-- schema (or of the given tables), not yet behind any relationship, each with
-- the facts the naming rules need (src/reflect.c names them), and what the
-- views of that schema (or the given views) infer from them.
--   A junction with no column but those of its two foreign keys yields one
-- many_to_many unit and no FK units; one with other columns (an association
-- object, extra key columns included) yields the many_to_many and a unit per
-- FK, so that its other columns can be reached too.
--   A view exposing every column of a foreign key of its table (post_view
-- .author_id) yields a unit from the view to the referenced table; one
-- exposing the key a foreign key references (user_view.id), a unit from the
-- referencing table to the view; via_view is the view.  Each key column is
-- the view's first column that is that table column.
--   siblings counts the foreign keys of the same table to the same table (for
-- an FK unit, or a view's unit: there a foreign key of a table to itself
-- counts twice, so that its names take "_by_" as a table's do), or the
-- junctions between the same two tables (for a many_to_many unit).
DROP FUNCTION relorm_internal._reflect_candidates(pg_catalog.name, pg_catalog.oid[]);
CREATE FUNCTION relorm_internal._reflect_candidates(schema pg_catalog.name, tables pg_catalog.oid[])
RETURNS TABLE (unit pg_catalog.text, child pg_catalog.regclass, conname pg_catalog.name,
               parent pg_catalog.regclass, fk_columns pg_catalog.name[], ref_columns pg_catalog.name[],
               parent2 pg_catalog.regclass, fk2_columns pg_catalog.name[], ref2_columns pg_catalog.name[],
               on_delete pg_catalog.text, on_update pg_catalog.text,
               on_delete2 pg_catalog.text, on_update2 pg_catalog.text, siblings pg_catalog.int8,
               conname2 pg_catalog.name, via_view pg_catalog.regclass)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
WITH view_col AS (
    SELECT v.oid AS view, x.attname, x.base, x.base_attname, a.attnum
      FROM pg_catalog.pg_class v
      JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) v.relnamespace
     CROSS JOIN LATERAL relorm_internal._view_columns(v.oid) x
      JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) v.oid AND a.attname OPERATOR(pg_catalog.=) x.attname
     WHERE v.relkind OPERATOR(pg_catalog.=) 'v'
       AND CASE WHEN tables IS NULL THEN n.nspname OPERATOR(pg_catalog.=) schema
                ELSE v.oid OPERATOR(pg_catalog.=) ANY (tables) END
),
every_fk AS (
    -- the foreign keys of the schema's tables (mine), and those from or to the views' tables
    SELECT c.oid, c.conname, c.conrelid, c.confrelid, c.conkey,
           CASE WHEN tables IS NULL THEN n.nspname OPERATOR(pg_catalog.=) schema
                ELSE c.conrelid OPERATOR(pg_catalog.=) ANY (tables) END AS mine,
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
                              WHEN 'd' THEN 'set default' ELSE 'no action' END AS upd,
           -- unique foreign key columns: a one-to-one
           EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                    WHERE i.indrelid OPERATOR(pg_catalog.=) c.conrelid AND i.indisunique
                      AND i.indpred IS NULL AND i.indexprs IS NULL
                      AND ARRAY(SELECT k FROM pg_catalog.unnest(pg_catalog.string_to_array(i.indkey::pg_catalog.text, ' ')::pg_catalog.int2[]) AS k ORDER BY k)
                          OPERATOR(pg_catalog.=) ARRAY(SELECT k FROM pg_catalog.unnest(c.conkey) AS k ORDER BY k)) AS uniq
      FROM pg_catalog.pg_constraint c
      JOIN pg_catalog.pg_class t ON t.oid OPERATOR(pg_catalog.=) c.conrelid
      JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) t.relnamespace
     WHERE c.contype OPERATOR(pg_catalog.=) 'f'
       -- partitions' clones of a partitioned table's FK are not FKs of their own
       AND c.conparentid OPERATOR(pg_catalog.=) 0
       -- a second foreign key identical to another is the same relationship
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint d
                        WHERE d.contype OPERATOR(pg_catalog.=) 'f' AND d.conparentid OPERATOR(pg_catalog.=) 0
                          AND d.conrelid OPERATOR(pg_catalog.=) c.conrelid
                          AND d.confrelid OPERATOR(pg_catalog.=) c.confrelid
                          AND d.conkey OPERATOR(pg_catalog.=) c.conkey AND d.confkey OPERATOR(pg_catalog.=) c.confkey
                          AND d.oid OPERATOR(pg_catalog.<) c.oid)
       AND (CASE WHEN tables IS NULL THEN n.nspname OPERATOR(pg_catalog.=) schema
                 ELSE c.conrelid OPERATOR(pg_catalog.=) ANY (tables) END
            OR c.conrelid OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT vc.base FROM view_col vc))
            OR c.confrelid OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT vc.base FROM view_col vc)))
),
fk AS (
    SELECT * FROM every_fk f WHERE f.mine
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
junction AS (
    -- two foreign keys over distinct columns, both held by the primary key
    SELECT a.conrelid, a.oid AS a_oid, b.oid AS b_oid, a.confrelid AS p1, b.confrelid AS p2,
           EXISTS (SELECT 1 FROM pg_catalog.pg_attribute x
                    WHERE x.attrelid OPERATOR(pg_catalog.=) a.conrelid AND x.attnum OPERATOR(pg_catalog.>) 0
                      AND NOT x.attisdropped
                      AND x.attnum OPERATOR(pg_catalog.<>) ALL (a.conkey OPERATOR(pg_catalog.||) b.conkey)) AS extra
      FROM fk a
      JOIN fk b ON b.conrelid OPERATOR(pg_catalog.=) a.conrelid AND a.conname OPERATOR(pg_catalog.<) b.conname
      JOIN pg_catalog.pg_index i ON i.indrelid OPERATOR(pg_catalog.=) a.conrelid AND i.indisprimary
     WHERE NOT (a.conkey OPERATOR(pg_catalog.&&) b.conkey)
       AND (a.conkey OPERATOR(pg_catalog.||) b.conkey)
           OPERATOR(pg_catalog.<@) pg_catalog.string_to_array(i.indkey::pg_catalog.text, ' ')::pg_catalog.int2[]
),
view_fk AS (
    -- each foreign key from or to a view's table, with the view's columns
    -- that are its columns (vcols) and its key's (vrefs), NULL where none is
    SELECT vs.view, f.*,
           ARRAY(SELECT (SELECT x.attname FROM view_col x
                          WHERE x.view OPERATOR(pg_catalog.=) vs.view AND x.base OPERATOR(pg_catalog.=) f.conrelid
                            AND x.base_attname OPERATOR(pg_catalog.=) k.col ORDER BY x.attnum LIMIT 1)
                   FROM pg_catalog.unnest(f.cols) WITH ORDINALITY AS k(col, o) ORDER BY k.o) AS vcols,
           ARRAY(SELECT (SELECT x.attname FROM view_col x
                          WHERE x.view OPERATOR(pg_catalog.=) vs.view AND x.base OPERATOR(pg_catalog.=) f.confrelid
                            AND x.base_attname OPERATOR(pg_catalog.=) k.col ORDER BY x.attnum LIMIT 1)
                   FROM pg_catalog.unnest(f.refs) WITH ORDINALITY AS k(col, o) ORDER BY k.o) AS vrefs
      FROM (SELECT DISTINCT vc.view, vc.base FROM view_col vc) AS vs
      JOIN every_fk f ON vs.base OPERATOR(pg_catalog.=) ANY (ARRAY[f.conrelid, f.confrelid])
),
view_every_unit AS (
    -- siblings are counted among those registered already too, as a table's are
    SELECT u.*, pg_catalog.count(*) OVER (PARTITION BY u.child, u.parent)
                OPERATOR(pg_catalog.+) CASE WHEN u.self THEN 1 ELSE 0 END AS siblings
      FROM (SELECT DISTINCT v.uniq, v.view AS child, v.conname, v.confrelid AS parent, v.vcols AS fk_columns,
                   v.refs AS ref_columns, v.del, v.upd, v.view,
                   v.conrelid OPERATOR(pg_catalog.=) v.confrelid AS self
              FROM view_fk v WHERE pg_catalog.array_position(v.vcols, NULL) IS NULL
            UNION
            SELECT v.uniq, v.conrelid, v.conname, v.view, v.cols, v.vrefs, v.del, v.upd, v.view,
                   v.conrelid OPERATOR(pg_catalog.=) v.confrelid
              FROM view_fk v WHERE pg_catalog.array_position(v.vrefs, NULL) IS NULL) AS u
),
view_unit AS (
    SELECT u.*
      FROM view_every_unit u
     WHERE NOT EXISTS (SELECT 1 FROM relorm.relationship r
                        WHERE r.inferred AND r.fk_side OPERATOR(pg_catalog.=) 'source'
                          AND r.source OPERATOR(pg_catalog.=) u.child AND r.target OPERATOR(pg_catalog.=) u.parent
                          AND r.local_columns OPERATOR(pg_catalog.=) u.fk_columns
                          AND r.remote_columns OPERATOR(pg_catalog.=) u.ref_columns)
)
SELECT u.* FROM (
SELECT 'many_to_many', a.conrelid::pg_catalog.regclass, a.conname,
       a.confrelid::pg_catalog.regclass, a.cols, a.refs,
       b.confrelid::pg_catalog.regclass, b.cols, b.refs, a.del, a.upd, b.del, b.upd,
       (SELECT pg_catalog.count(*) FROM junction o
         WHERE LEAST(o.p1, o.p2) OPERATOR(pg_catalog.=) LEAST(j.p1, j.p2)
           AND GREATEST(o.p1, o.p2) OPERATOR(pg_catalog.=) GREATEST(j.p1, j.p2)),
       b.conname, NULL::pg_catalog.regclass
  FROM junction j
  JOIN free a ON a.oid OPERATOR(pg_catalog.=) j.a_oid
  JOIN free b ON b.oid OPERATOR(pg_catalog.=) j.b_oid
UNION ALL
SELECT CASE WHEN f.uniq THEN 'one_to_one' ELSE 'many_to_one' END,
       f.conrelid::pg_catalog.regclass, f.conname, f.confrelid::pg_catalog.regclass, f.cols, f.refs,
       NULL, NULL, NULL, f.del, f.upd, NULL, NULL,
       (SELECT pg_catalog.count(*) FROM fk o
         WHERE o.conrelid OPERATOR(pg_catalog.=) f.conrelid AND o.confrelid OPERATOR(pg_catalog.=) f.confrelid),
       NULL, NULL
  FROM free f
 -- left to the many-to-many registered now (if its other foreign key was
 -- declared on its own, this one is registered on its own too)
 WHERE NOT EXISTS (SELECT 1 FROM junction j
                     JOIN free a ON a.oid OPERATOR(pg_catalog.=) j.a_oid
                     JOIN free b ON b.oid OPERATOR(pg_catalog.=) j.b_oid
                    WHERE NOT j.extra AND f.oid OPERATOR(pg_catalog.=) ANY (ARRAY[j.a_oid, j.b_oid]))
UNION ALL
SELECT CASE WHEN v.uniq THEN 'one_to_one' ELSE 'many_to_one' END,
       v.child, v.conname, v.parent, v.fk_columns, v.ref_columns,
       NULL, NULL, NULL, v.del, v.upd, NULL, NULL,
       v.siblings, NULL, v.view
  FROM view_unit v
) AS u(unit, child, conname, parent, fk_columns, ref_columns, parent2, fk2_columns, ref2_columns,
       on_delete, on_update, on_delete2, on_update2, siblings, conname2, via_view)
-- relorm.reflect reads them in the order of its naming rules (src/reflect.c)
$$;

-- The relationships a view infers follow CREATE OR REPLACE VIEW (those that no
-- longer hold go; with relorm.auto_reflect, new ones are registered): the
-- ddl_command_end trigger fires on CREATE VIEW too.  An event trigger's tags
-- cannot be altered: it is created again.
DROP EVENT TRIGGER relorm_ddl_command_end;
CREATE EVENT TRIGGER relorm_ddl_command_end ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE', 'CREATE VIEW', 'ALTER VIEW', 'ALTER MATERIALIZED VIEW',
                 'ALTER FOREIGN TABLE')
    EXECUTE FUNCTION relorm_internal._on_ddl_command_end();

-- fetch and fetch_one gain key_case: 'camel' writes the keys that come from names
-- in camelCase (created_at: createdAt); NULL follows the relorm.key_case setting.
DROP FUNCTION relorm.fetch(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.jsonb, pg_catalog.text,
                           pg_catalog.int8, pg_catalog.int8);
CREATE FUNCTION relorm.fetch(
    root pg_catalog.regclass,
    shape pg_catalog.text DEFAULT '*',
    filter pg_catalog.text DEFAULT NULL,
    params pg_catalog.jsonb DEFAULT NULL,
    order_by pg_catalog.text DEFAULT NULL,
    row_limit pg_catalog.int8 DEFAULT NULL,
    row_offset pg_catalog.int8 DEFAULT NULL,
    key_case pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.json
AS 'MODULE_PATHNAME', 'relorm_fetch' LANGUAGE C CALLED ON NULL INPUT STABLE SECURITY INVOKER;
COMMENT ON FUNCTION relorm.fetch(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.jsonb, pg_catalog.text,
                                 pg_catalog.int8, pg_catalog.int8, pg_catalog.text)
    IS 'relorm: one JSON tree per root row, in the given shape, every relationship level loaded set-based';

DROP FUNCTION relorm.fetch_one(pg_catalog.regclass, pg_catalog.text, pg_catalog.jsonb, pg_catalog.jsonb);
CREATE FUNCTION relorm.fetch_one(
    root pg_catalog.regclass,
    shape pg_catalog.text,
    key pg_catalog.jsonb,
    params pg_catalog.jsonb DEFAULT NULL,
    key_case pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.json
AS 'MODULE_PATHNAME', 'relorm_fetch_one' LANGUAGE C CALLED ON NULL INPUT STABLE SECURITY INVOKER;
COMMENT ON FUNCTION relorm.fetch_one(pg_catalog.regclass, pg_catalog.text, pg_catalog.jsonb, pg_catalog.jsonb,
                                     pg_catalog.text)
    IS 'relorm: the JSON tree of the row with this primary key, or NULL';

-- Computed relationships (relorm.computed): a function of the source's row type
-- returning the target's rows, stored by OID (a CREATE OR REPLACE keeps it, a
-- DROP FUNCTION removes the relationship).
ALTER TABLE relorm.relationship DROP CONSTRAINT relationship_kind_check;
ALTER TABLE relorm.relationship ADD CONSTRAINT relationship_kind_check CHECK (kind IN
    ('one_to_many', 'many_to_one', 'one_to_one', 'many_to_many', 'viewonly', 'computed'));
ALTER TABLE relorm.relationship ADD CONSTRAINT relationship_function_check CHECK (
    (kind OPERATOR(pg_catalog.=) 'computed') OPERATOR(pg_catalog.=) (function IS NOT NULL));


CREATE FUNCTION relorm.computed(
    source pg_catalog.regclass, name pg_catalog.text, function pg_catalog.regprocedure,
    lazy pg_catalog.text DEFAULT NULL,
    order_by pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_computed' LANGUAGE C CALLED ON NULL INPUT VOLATILE;
COMMENT ON FUNCTION relorm.computed(pg_catalog.regclass, pg_catalog.text, pg_catalog.regprocedure, pg_catalog.text,
                                    pg_catalog.text)
    IS 'relorm: declares a relationship whose rows a function of the source''s row returns';

-- The diagram draws an edge no constraint backs (view-only, computed, inferred
-- from a view) dashed, as a view-only one was.
CREATE OR REPLACE FUNCTION relorm_internal._diagram_edges()
RETURNS TABLE (lhs pg_catalog.regclass, rhs pg_catalog.regclass, card pg_catalog.text, label pg_catalog.text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN r.fk_side OPERATOR(pg_catalog.=) 'source' THEN r.target ELSE r.source END,
           CASE WHEN r.fk_side OPERATOR(pg_catalog.=) 'source' THEN r.source ELSE r.target END,
           CASE WHEN r.kind OPERATOR(pg_catalog.=) 'many_to_many' THEN 'many:many'
                WHEN r.kind OPERATOR(pg_catalog.=) ANY ('{viewonly,computed}'::pg_catalog.text[]) OR r.inferred
                THEN CASE WHEN r.many THEN 'view:many' ELSE 'view:one' END
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

-------------------------------------------------------------------------------
-- Issue 11: nested writes.  relorm.save writes a JSON tree through the
-- relationships, set-based, all or nothing, with the caller's rights;
-- relorm.save_many an array of trees; relorm.explain_save prints the
-- statements.  A table may declare a version column (SQLAlchemy's
-- version_id_col): an update must give the version it read.
-------------------------------------------------------------------------------

CREATE TABLE relorm.version_column (
    table_name  pg_catalog.regclass PRIMARY KEY,
    column_name pg_catalog.name NOT NULL
);
COMMENT ON TABLE relorm.version_column IS
    'relorm: the column of a table that tells the version of its rows, for relorm.save''s optimistic concurrency';
SELECT pg_catalog.pg_extension_config_dump('relorm.version_column', '');
GRANT SELECT ON relorm.version_column TO PUBLIC;
CREATE TRIGGER version_column_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON relorm.version_column FOR EACH STATEMENT EXECUTE FUNCTION relorm_internal._catalog_changed();

CREATE FUNCTION relorm.version_column(tbl pg_catalog.regclass, "column" pg_catalog.name)
RETURNS void
AS 'MODULE_PATHNAME', 'relorm_version_column' LANGUAGE C CALLED ON NULL INPUT VOLATILE;
COMMENT ON FUNCTION relorm.version_column(pg_catalog.regclass, pg_catalog.name)
    IS 'relorm: the version column of a table (NULL: none); relorm.save refuses an update of a row changed since it was read';

CREATE FUNCTION relorm.save(
    root pg_catalog.regclass,
    tree pg_catalog.json,
    mode pg_catalog.text DEFAULT 'merge',
    shape pg_catalog.text DEFAULT NULL,
    match pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.json
AS 'MODULE_PATHNAME', 'relorm_save' LANGUAGE C CALLED ON NULL INPUT VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION relorm.save(pg_catalog.regclass, pg_catalog.json, pg_catalog.text, pg_catalog.text, pg_catalog.text)
    IS 'relorm: writes a JSON tree through the relationships, set-based, all or nothing; returns the saved tree';

CREATE FUNCTION relorm.save_many(
    root pg_catalog.regclass,
    trees pg_catalog.json,
    mode pg_catalog.text DEFAULT 'merge',
    shape pg_catalog.text DEFAULT NULL,
    match pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.json
AS 'MODULE_PATHNAME', 'relorm_save_many' LANGUAGE C CALLED ON NULL INPUT VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION relorm.save_many(pg_catalog.regclass, pg_catalog.json, pg_catalog.text, pg_catalog.text, pg_catalog.text)
    IS 'relorm: writes a JSON array of trees together; returns each saved tree, in their order';

CREATE FUNCTION relorm.explain_save(
    root pg_catalog.regclass,
    trees pg_catalog.json,
    mode pg_catalog.text DEFAULT 'merge',
    match pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_explain_save' LANGUAGE C CALLED ON NULL INPUT VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION relorm.explain_save(pg_catalog.regclass, pg_catalog.json, pg_catalog.text, pg_catalog.text)
    IS 'relorm: the statements relorm.save_many runs for these trees (run, then rolled back)';

-------------------------------------------------------------------------------
-- Every public function says what it does (\df+ relorm.*, \dx+ relorm); the
-- internal helpers, whose names start with _, say they are internal.
-------------------------------------------------------------------------------
COMMENT ON FUNCTION relorm.one_to_many(regclass, text, regclass, text, text, text, text, boolean, text, boolean, text, text, text, text, text)
    IS 'relorm: declares a one-to-many relationship (source has many target rows), adding or adopting the foreign key on the target; returns the DDL it ran';
COMMENT ON FUNCTION relorm.many_to_one(regclass, text, regclass, text, text, text, text, boolean, text, boolean, text, text, text, text, text)
    IS 'relorm: declares a many-to-one relationship (source row references one target row), adding or adopting the foreign key on the source; returns the DDL it ran';
COMMENT ON FUNCTION relorm.one_to_one(regclass, text, regclass, text, text, text, text, boolean, text, boolean, text, text, text, text, text, text)
    IS 'relorm: declares a one-to-one relationship, a unique foreign key on the target; returns the DDL it ran';
COMMENT ON FUNCTION relorm.many_to_many(regclass, text, regclass, text, text, text, text, text, text, text, text, text, text, text, text)
    IS 'relorm: declares a many-to-many relationship through an association table, created or adopted with its foreign keys; returns the DDL it ran';
COMMENT ON FUNCTION relorm.viewonly(regclass, text, regclass, text, boolean, text, text, text)
    IS 'relorm: declares a read-only relationship on a join condition, without a foreign key';
COMMENT ON FUNCTION relorm.drop_relationship(regclass, text, boolean)
    IS 'relorm: drops a declared relationship (both directions), and with drop_constraint its foreign key';
COMMENT ON FUNCTION relorm.polymorphic(regclass, name, text)
    IS 'relorm: makes a table polymorphic: a discriminator column tells each row''s subtype';
COMMENT ON FUNCTION relorm.subtype(regclass, text, name[])
    IS 'relorm: declares a subtype of a polymorphic table: its discriminator value and its own columns';
COMMENT ON FUNCTION relorm.reflect(name)
    IS 'relorm: registers every foreign key of a schema (and the relationships of its simple views) as relationships under conventional names';
COMMENT ON FUNCTION relorm."check"()
    IS 'relorm: finds common mistakes in the declared model and the live schema, each with the statement that fixes it';
COMMENT ON FUNCTION relorm.diagram(text)
    IS 'relorm: draws the declared model as Mermaid (default) or Graphviz dot';
COMMENT ON FUNCTION relorm.constraint_of(regclass, name[], regclass, name[])
    IS 'relorm: the foreign key constraint from the first table''s columns to the second''s, or NULL';
COMMENT ON FUNCTION relorm_internal._catalog_changed() IS 'internal: trigger invalidating cached relationships when the catalog changes';
COMMENT ON FUNCTION relorm_internal._delete_orphans() IS 'internal: trigger deleting orphaned rows of delete-orphan relationships';
COMMENT ON FUNCTION relorm_internal._on_sql_drop() IS 'internal: event trigger following dropped tables, columns and constraints';
COMMENT ON FUNCTION relorm_internal._on_ddl_command_end() IS 'internal: event trigger following renames, views and new foreign keys';
COMMENT ON FUNCTION relorm_internal._singular(text) IS 'internal: the singular of an English table name, for conventional names';
COMMENT ON FUNCTION relorm_internal._declaration_sql(relorm.relationship, text, text) IS 'internal: the declaration that makes a relationship, for check()';
COMMENT ON FUNCTION relorm_internal._diagram_edges() IS 'internal: the edges diagram() draws';
COMMENT ON FUNCTION relorm_internal._key_marks(oid, smallint) IS 'internal: a column''s key marks in diagram()';
COMMENT ON FUNCTION relorm_internal._html(text) IS 'internal: HTML escaping for diagram()';
COMMENT ON FUNCTION relorm_internal._view_columns(regclass) IS 'internal: the table columns a view''s columns are';
COMMENT ON FUNCTION relorm_internal._inferred_holds(relorm.relationship) IS 'internal: whether a relationship inferred from a view still holds';
COMMENT ON FUNCTION relorm_internal._names_arg(name[], text) IS 'internal: checks an array of names given as an argument';
COMMENT ON FUNCTION relorm_internal._dot_string(text) IS 'internal: Graphviz string escaping for diagram()';
COMMENT ON FUNCTION relorm_internal._orphan_rows(relorm.relationship) IS 'internal: the orphaned rows check() reports';
COMMENT ON FUNCTION relorm_internal._alter_type_sql(regclass, name, oid, integer) IS 'internal: the ALTER TABLE that gives a column a key''s type, for check()';
COMMENT ON FUNCTION relorm_internal._free_name(regclass, text, name[]) IS 'internal: a column name not yet taken';
COMMENT ON FUNCTION relorm_internal._reflect_candidates(name, oid[]) IS 'internal: the foreign keys reflect() registers';

-------------------------------------------------------------------------------
-- relorm.explain(..., "analyze" => true) runs the fetch and tells per level the
-- rows, the queries and their time, as EXPLAIN ANALYZE does.  ANALYZE is a
-- reserved word: the argument's name is quoted, in the call too.
-------------------------------------------------------------------------------
DROP FUNCTION relorm.explain(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text);
CREATE FUNCTION relorm.explain(
    root pg_catalog.regclass,
    shape pg_catalog.text DEFAULT '*',
    filter pg_catalog.text DEFAULT NULL,
    order_by pg_catalog.text DEFAULT NULL,
    "analyze" pg_catalog.bool DEFAULT false)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_explain' LANGUAGE C CALLED ON NULL INPUT STABLE SECURITY INVOKER;
COMMENT ON FUNCTION relorm.explain(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.bool)
    IS 'relorm: the queries a fetch runs, one line per relationship level; with analyze, it runs the fetch and adds each level''s rows, queries and time';

-------------------------------------------------------------------------------
-- Typed results: the JSON Schema and the TypeScript declarations of one tree a
-- fetch returns, read off the fetch's plan (what its renderer writes: keys,
-- JSON types, nulls, arrays, subtypes, recursions).
-------------------------------------------------------------------------------
CREATE FUNCTION relorm.json_schema(
    root pg_catalog.regclass,
    shape pg_catalog.text DEFAULT '*',
    key_case pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.jsonb
AS 'MODULE_PATHNAME', 'relorm_json_schema' LANGUAGE C CALLED ON NULL INPUT STABLE SECURITY INVOKER;
COMMENT ON FUNCTION relorm.json_schema(pg_catalog.regclass, pg_catalog.text, pg_catalog.text)
    IS 'relorm: the JSON Schema (draft 2020-12) of one tree relorm.fetch returns for this root and shape';
CREATE FUNCTION relorm.typescript(
    root pg_catalog.regclass,
    shape pg_catalog.text,
    type_name pg_catalog.text,
    key_case pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_typescript' LANGUAGE C CALLED ON NULL INPUT STABLE SECURITY INVOKER;
COMMENT ON FUNCTION relorm.typescript(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text)
    IS 'relorm: TypeScript declarations of one tree relorm.fetch returns for this root and shape, the tree''s type named type_name';
