/* relorm--0.2--0.3.sql: upgrade from 0.2 to 0.3 (ALTER EXTENSION relorm UPDATE) */

\echo Use "ALTER EXTENSION relorm UPDATE TO '0.3'" to load this file. \quit

-------------------------------------------------------------------------------
-- 0.3: trust.  The fetch planner in passes (resolve, deparse, prepare) and its
-- fixes are all in the C module; here, the catalog records who wrote a
-- relationship's SQL fragments, rows left by dropped (temporary) tables go,
-- array arguments refuse NULL elements, and dot diagrams escape backslashes.
-------------------------------------------------------------------------------

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

-- Relationships of tables that are gone: a temporary table ends with its
-- session without any event trigger firing (0.3 refuses them).
DELETE FROM relorm.relationship r
 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) r.source)
    OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) r.target)
    OR (r.secondary IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) r.secondary));
DELETE FROM relorm.polymorphic_base b
 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) b.base);

-- A name[] argument, checked: one dimension, no NULL element (22004).
CREATE FUNCTION relorm._names_arg(names pg_catalog.name[], argname pg_catalog.text)
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
       AND pg_catalog.cardinality(c.conkey) OPERATOR(pg_catalog.=) pg_catalog.cardinality(relorm._names_arg(fk_columns, 'fk_columns'))
       AND pg_catalog.cardinality(relorm._names_arg(ref_columns, 'ref_columns')) OPERATOR(pg_catalog.>=) 0
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
CREATE FUNCTION relorm._dot_string(s pg_catalog.text) RETURNS pg_catalog.text
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
                       relorm._dot_string(e.qual), relorm._html(e.qual),
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
                              relorm._dot_string(l.qual), relorm._dot_string(r.qual),
                              relorm._dot_string(d.label),
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

-- The view lists fragments_by last (CREATE OR REPLACE VIEW may only add columns at the end).
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
       r.fragments_by
  FROM relorm.relationship r;
