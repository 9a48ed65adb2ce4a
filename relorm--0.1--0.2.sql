/* relorm--0.1--0.2.sql: upgrade from 0.1 to 0.2 (ALTER EXTENSION relorm UPDATE) */

\echo Use "ALTER EXTENSION relorm UPDATE TO '0.2'" to load this file. \quit

-------------------------------------------------------------------------------
-- 0.2: fetch shapes (where:, order:, limit:, offset:, count, !inner, !none,
-- strategy hints, recursion, *-columns, **, link columns, polymorphic rows:
-- all in the C module, nothing to install) and relationships that target one
-- subtype of a polymorphic table: the catalog column target_type, the
-- declarations' optional argument target_type, and the view's column; and
-- fetch_one's optional params, for $n in the shape.
-------------------------------------------------------------------------------

ALTER TABLE relorm.relationship ADD COLUMN target_type pg_catalog.text;
COMMENT ON COLUMN relorm.relationship.target_type IS
    'relorm: the identity of the subtype of a polymorphic target this relationship reaches, or NULL for every row';

-- The declarations gain the optional argument target_type (last, so that
-- calls written for 0.1 keep their meaning).  A new argument is a new
-- signature: each function is replaced.
DROP FUNCTION relorm.one_to_many(pg_catalog.regclass, pg_catalog.text, pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.bool, pg_catalog.text, pg_catalog.bool, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text);
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
    back_order_by pg_catalog.text DEFAULT NULL,
    target_type pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_one_to_many' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

DROP FUNCTION relorm.many_to_one(pg_catalog.regclass, pg_catalog.text, pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.bool, pg_catalog.text, pg_catalog.bool, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text);
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
    back_order_by pg_catalog.text DEFAULT NULL,
    target_type pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_many_to_one' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

DROP FUNCTION relorm.one_to_one(pg_catalog.regclass, pg_catalog.text, pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.bool, pg_catalog.text, pg_catalog.bool, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text);
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
    fk_on pg_catalog.text DEFAULT 'target',
    target_type pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_one_to_one' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

DROP FUNCTION relorm.many_to_many(pg_catalog.regclass, pg_catalog.text, pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text);
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
    target_type pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_many_to_many' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

DROP FUNCTION relorm.viewonly(pg_catalog.regclass, pg_catalog.text, pg_catalog.regclass, pg_catalog.text, pg_catalog.bool, pg_catalog.text, pg_catalog.text);
CREATE FUNCTION relorm.viewonly(
    source pg_catalog.regclass, name pg_catalog.text, target pg_catalog.regclass,
    join_on pg_catalog.text,
    many pg_catalog.bool DEFAULT true,
    lazy pg_catalog.text DEFAULT NULL,
    order_by pg_catalog.text DEFAULT NULL,
    target_type pg_catalog.text DEFAULT NULL)
RETURNS SETOF pg_catalog.text
AS 'MODULE_PATHNAME', 'relorm_viewonly' LANGUAGE C CALLED ON NULL INPUT VOLATILE;

-- fetch_one gains params: the values of $1..$n in the shape's where: modifiers
-- (the key's columns are compared with the parameters after them).
DROP FUNCTION relorm.fetch_one(pg_catalog.regclass, pg_catalog.text, pg_catalog.jsonb);
CREATE FUNCTION relorm.fetch_one(
    root pg_catalog.regclass,
    shape pg_catalog.text,
    key pg_catalog.jsonb,
    params pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.json
AS 'MODULE_PATHNAME', 'relorm_fetch_one' LANGUAGE C CALLED ON NULL INPUT STABLE SECURITY INVOKER;
COMMENT ON FUNCTION relorm.fetch_one(pg_catalog.regclass, pg_catalog.text, pg_catalog.jsonb, pg_catalog.jsonb)
    IS 'relorm: the JSON tree of the row with this primary key, or NULL';

-- The view lists target_type last (CREATE OR REPLACE VIEW may only add columns at the end).
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
       r.target_type
  FROM relorm.relationship r;
