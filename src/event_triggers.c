/*
 * event_triggers.c
 *		The event triggers that keep relorm's catalogs true after DDL run by
 *		hand: drops remove or mark the relationships that used what went,
 *		column renames are followed (the catalog stores columns by name), and
 *		with relorm.auto_reflect hand-made foreign keys are registered.
 *
 * Tables are stored as regclass and constraints are never stored, so table
 * and constraint renames need nothing here.
 */
#include "relorm.h"

#include "catalog/namespace.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "catalog.h"
#include "citus.h"
#include "ddl.h"
#include "follow.h"
#include "fragment.h"
#include "names.h"
#include "reflect.h"

PG_FUNCTION_INFO_V1(relorm_on_sql_drop);
PG_FUNCTION_INFO_V1(relorm_on_ddl_command_end);

/*
 * The object types of pg_event_trigger_dropped_objects() and
 * pg_event_trigger_ddl_commands() that relationships use: tables, and the
 * views, materialized views and foreign tables a viewonly may target.
 */
#define RELATION_TYPES "table,view,\"materialized view\",\"foreign table\""
#define COLUMN_TYPES "\"table column\",\"view column\",\"materialized view column\",\"foreign table column\""

/*
 * The relationships a drop affects, at most one row per direction: a dropped
 * table or column removes it, a dropped FK constraint (the table and columns
 * staying) marks it.  A DROP TABLE also reports the table's columns and
 * constraints, and the constraints of other tables referencing it (CASCADE);
 * the priorities make the table win.  Relationships whose source is gone are
 * labelled with the identity the drop reported.  A relationship inferred
 * from a view (0.3) has no constraint to lose: it goes when the foreign key
 * it was inferred from goes (relorm_internal._inferred_holds).  The query is
 * affected_by_drop_head, affected_by_drop_mark, inferred_drop on a catalog
 * that has inferred relationships (0.3), affected_by_drop_tail.
 */
static const char *const affected_by_drop_head =
"WITH d AS ("
"    SELECT o.object_type, o.objid, o.address_names, o.object_identity"
"      FROM pg_catalog.pg_event_trigger_dropped_objects() o"
"     WHERE o.object_type OPERATOR(pg_catalog.=) ANY ('{" RELATION_TYPES "," COLUMN_TYPES ",\"table constraint\"}'::pg_catalog.text[])"
"), dt AS ("
"    SELECT d.objid, d.object_identity,"
"           pg_catalog.upper(pg_catalog.left(d.object_type, 1)) OPERATOR(pg_catalog.||) pg_catalog.substr(d.object_type, 2) AS what"
"      FROM d WHERE d.object_type OPERATOR(pg_catalog.=) ANY ('{" RELATION_TYPES "}'::pg_catalog.text[])"
"), dc AS ("
"    SELECT d.objid AS relid, d.address_names[3]::pg_catalog.name AS col, d.object_identity"
"      FROM d WHERE d.object_type OPERATOR(pg_catalog.=) ANY ('{" COLUMN_TYPES "}'::pg_catalog.text[])"
"       AND d.objid OPERATOR(pg_catalog.<>) ALL (ARRAY(SELECT dt.objid FROM dt))"
"), dk AS ("
"    SELECT pg_catalog.to_regclass(pg_catalog.format('%I.%I', d.address_names[1], d.address_names[2]))::pg_catalog.oid AS relid,"
"           d.object_identity"
"      FROM d WHERE d.object_type OPERATOR(pg_catalog.=) 'table constraint'"
"), hit AS ("
"    SELECT r.source, r.name, 1 AS prio, 'remove' AS action,"
"           pg_catalog.format('%s %s was dropped.', t.what, t.object_identity) AS detail"
"      FROM relorm.relationship r"
"      JOIN dt t ON t.objid OPERATOR(pg_catalog.=) ANY (ARRAY[r.source, r.target, r.secondary]::pg_catalog.oid[])"
"    UNION ALL"
"    SELECT r.source, r.name, 2, 'remove', pg_catalog.format('Column %s was dropped.', c.object_identity)"
"      FROM relorm.relationship r"
"      JOIN dc c ON (c.relid OPERATOR(pg_catalog.=) r.source AND c.col OPERATOR(pg_catalog.=) ANY (r.local_columns))"
"                OR (c.relid OPERATOR(pg_catalog.=) r.target AND c.col OPERATOR(pg_catalog.=) ANY (r.remote_columns))"
"                OR (c.relid OPERATOR(pg_catalog.=) r.secondary"
"                    AND (c.col OPERATOR(pg_catalog.=) ANY (r.secondary_local_columns)"
"                         OR c.col OPERATOR(pg_catalog.=) ANY (r.secondary_remote_columns)))"
"    UNION ALL"
"    SELECT r.source, r.name, 3, 'mark', pg_catalog.format('Constraint %s was dropped.', k.object_identity)"
"      FROM relorm.relationship r"
"      JOIN dk k ON k.relid OPERATOR(pg_catalog.=) ANY (ARRAY[r.source, r.target, r.secondary]::pg_catalog.oid[])";

static const char *const affected_by_drop_mark =
"     WHERE r.kind OPERATOR(pg_catalog.<>) ALL ('{viewonly,computed}'::pg_catalog.text[])"
"       AND r.status OPERATOR(pg_catalog.=) 'ok'"
"       AND CASE r.fk_side"
"             WHEN 'source' THEN relorm.constraint_of(r.source, r.local_columns, r.target, r.remote_columns) IS NULL"
"             WHEN 'target' THEN relorm.constraint_of(r.target, r.remote_columns, r.source, r.local_columns) IS NULL"
"             ELSE relorm.constraint_of(r.secondary, r.secondary_local_columns, r.source, r.local_columns) IS NULL"
"               OR relorm.constraint_of(r.secondary, r.secondary_remote_columns, r.target, r.remote_columns) IS NULL"
"           END";

static const char *const inferred_drop =
"       AND NOT r.inferred"
"    UNION ALL"
"    SELECT r.source, r.name, 2, 'remove',"
"           pg_catalog.format('The foreign key it was inferred from was dropped (constraint %s).',"
"                             (SELECT pg_catalog.string_agg(k.object_identity, ', ' ORDER BY k.object_identity) FROM dk k))"
"      FROM relorm.relationship r"
"     WHERE r.inferred AND EXISTS (SELECT 1 FROM dk) AND NOT relorm_internal._inferred_holds(r)";

static const char *const affected_by_drop_tail =
")"
"SELECT DISTINCT ON (l.label, h.name) h.source::pg_catalog.oid, h.name, h.action, l.label, h.detail"
"  FROM hit h"
" CROSS JOIN LATERAL (SELECT COALESCE((SELECT t.object_identity FROM dt t WHERE t.objid OPERATOR(pg_catalog.=) h.source),"
"                                     h.source::pg_catalog.text) AS label) l"
" ORDER BY l.label, h.name, h.prio, h.detail";

/* Polymorphism metadata on dropped tables and columns goes too. */
static const char *const polymorphic_drop =
"WITH d AS ("
"    SELECT o.object_type, o.objid, o.address_names[3]::pg_catalog.name AS col"
"      FROM pg_catalog.pg_event_trigger_dropped_objects() o"
"     WHERE o.object_type OPERATOR(pg_catalog.=) ANY ('{table,\"table column\"}'::pg_catalog.text[])"
"), gone AS ("
"    DELETE FROM relorm.polymorphic_base b USING d"
"     WHERE b.base OPERATOR(pg_catalog.=) d.objid"
"       AND (d.object_type OPERATOR(pg_catalog.=) 'table' OR b.discriminator OPERATOR(pg_catalog.=) d.col)"
")"
"UPDATE relorm.subtype s SET columns = pg_catalog.array_remove(s.columns, d.col)"
"  FROM d WHERE d.object_type OPERATOR(pg_catalog.=) 'table column'"
"   AND s.base OPERATOR(pg_catalog.=) d.objid AND d.col OPERATOR(pg_catalog.=) ANY (s.columns)";

/* A dropped table, or its dropped version column, takes its relorm.version_column row. */
static const char *const version_drop =
"DELETE FROM relorm.version_column v USING pg_catalog.pg_event_trigger_dropped_objects() o"
" WHERE v.table_name OPERATOR(pg_catalog.=) o.objid"
"   AND (o.object_type OPERATOR(pg_catalog.=) 'table'"
"        OR (o.object_type OPERATOR(pg_catalog.=) 'table column'"
"            AND v.column_name OPERATOR(pg_catalog.=) o.address_names[3]::pg_catalog.name))";

static bool spi_exists(const char *sql, int nargs, Oid *types, Datum *values);

/* Whether 0.3's relorm.version_column is there (the library may run with an older catalog). */
static bool
version_catalog_present(void)
{
	return OidIsValid(get_relname_relid("version_column", get_namespace_oid(RELORM_SCHEMA, false)));
}

/*
 * A dropped function takes the computed relationships that call it (0.3's
 * catalog: with an older one there are none).
 */
static void
drop_computed(void)
{
	if (!relorm_catalog_has_column("function") ||
		!spi_exists("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger_dropped_objects() o"
					"  JOIN relorm.relationship r ON r.function::pg_catalog.oid OPERATOR(pg_catalog.=) o.objid"
					" WHERE o.object_type OPERATOR(pg_catalog.=) 'function')",
					0, NULL, NULL))
		return;
	if (SPI_execute("SELECT r.name, r.source::pg_catalog.text, o.object_identity"
					"  FROM pg_catalog.pg_event_trigger_dropped_objects() o"
					"  JOIN relorm.relationship r ON r.function::pg_catalog.oid OPERATOR(pg_catalog.=) o.objid"
					" WHERE o.object_type OPERATOR(pg_catalog.=) 'function'"
					" ORDER BY 2, 1", false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the computed relationships of a dropped function");
	for (uint64 i = 0; i < SPI_processed; i++)
		ereport(NOTICE,
				(errmsg("relationship \"%s\" of %s removed",
						SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1),
						SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2)),
				 errdetail("Function %s was dropped.", SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3))));
	relorm_exec_as_owner("DELETE FROM relorm.relationship r USING pg_catalog.pg_event_trigger_dropped_objects() o"
						 " WHERE o.object_type OPERATOR(pg_catalog.=) 'function'"
						 "   AND r.function::pg_catalog.oid OPERATOR(pg_catalog.=) o.objid",
						 0, NULL, NULL, NULL);
}

/* relorm's own catalogs are gone while DROP EXTENSION relorm runs its triggers. */
static bool
catalog_present(void)
{
	Oid			nsp = get_namespace_oid(RELORM_SCHEMA, true);

	return OidIsValid(nsp) && OidIsValid(get_relname_relid("relationship", nsp));
}

/*
 * Does the query (SELECT EXISTS ...) say yes?  Writes to relorm's catalogs
 * are asked for first: their statement triggers invalidate every backend's
 * relationship cache, even when a write changes no row.
 */
static bool
spi_exists(const char *sql, int nargs, Oid *types, Datum *values)
{
	bool		isnull;
	Datum		d;

	if (SPI_execute_with_args(sql, nargs, types, values, NULL, false, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not run \"%s\"", sql);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return !isnull && DatumGetBool(d);
}

static void
require_event_trigger(FunctionCallInfo fcinfo, const char *name, const char *trigger)
{
	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_EVENT_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s must be called as an event trigger", name),
				 errhint("It is run by event trigger %s after DDL.", trigger)));
}

/* One relationship direction a drop affects, copied out of SPI's memory. */
typedef struct Affected
{
	Oid			source;
	char	   *name;
	char	   *action;
	char	   *label;
	char	   *detail;
} Affected;

/* The directions of the last query's result (source, name, action, label, detail). */
static List *
affected_rows(void)
{
	List	   *affected = NIL;

	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		Affected   *a = palloc(sizeof(Affected));
		bool		isnull;

		a->source = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		a->name = SPI_getvalue(tup, desc, 2);
		a->action = SPI_getvalue(tup, desc, 3);
		a->label = SPI_getvalue(tup, desc, 4);
		a->detail = SPI_getvalue(tup, desc, 5);
		affected = lappend(affected, a);
	}
	return affected;
}

/*
 * Removes or marks 'constraint dropped' each affected direction, with a
 * NOTICE each: one statement per action, however many tables a DROP SCHEMA
 * took.
 */
static void
apply_affected(List *affected)
{
	ListCell   *lc;

	for (int pass = 0; pass < 2; pass++)
	{
		const char *action = pass == 0 ? "remove" : "mark";
		List	   *sources = NIL;
		List	   *names = NIL;

		foreach(lc, affected)
		{
			Affected   *a = lfirst(lc);

			if (strcmp(a->action, action) != 0)
				continue;
			sources = lappend_oid(sources, a->source);
			names = lappend(names, a->name);
			if (pass == 0)
				ereport(NOTICE,
						(errmsg("relationship \"%s\" of %s removed", a->name, a->label),
						 errdetail_internal("%s", a->detail)));
			else
				ereport(NOTICE,
						(errmsg("relationship \"%s\" of %s lost its foreign key", a->name, a->label),
						 errdetail("%s The relationship is still fetched by its columns; relorm.check() reports it.",
								   a->detail),
						 errhint("Declare the relationship again to recreate the constraint, or drop it with relorm.drop_relationship.")));
		}
		if (sources != NIL)
		{
			Oid			types[2] = {OIDARRAYOID, TEXTARRAYOID};
			Datum		values[2] = {relorm_oid_array(sources), relorm_text_array(names)};

			relorm_exec_as_owner(pass == 0
								 ? "DELETE FROM relorm.relationship r"
								 "  WHERE (r.source::pg_catalog.oid, r.name) IN (SELECT * FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2)))"
								 : "UPDATE relorm.relationship r SET status = 'constraint dropped'"
								 "  WHERE (r.source::pg_catalog.oid, r.name) IN (SELECT * FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2)))",
								 2, types, values, NULL);
		}
	}
}

Datum
relorm_on_sql_drop(PG_FUNCTION_ARGS)
{
	/*
	 * Queries here run with read_only = false: that takes a new snapshot,
	 * which sees the catalogs as the drop left them (a read-only query would
	 * use the statement's snapshot, from before the drop).
	 */
	require_event_trigger(fcinfo, "relorm_internal._on_sql_drop()", "relorm_sql_drop");
	if (!catalog_present())
		PG_RETURN_NULL();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	drop_computed();
	if (version_catalog_present() &&
		spi_exists("SELECT EXISTS (SELECT 1 FROM relorm.version_column v"
				   "  JOIN pg_catalog.pg_event_trigger_dropped_objects() o ON o.objid OPERATOR(pg_catalog.=) v.table_name"
				   " WHERE o.object_type OPERATOR(pg_catalog.=) ANY ('{table,\"table column\"}'::pg_catalog.text[]))",
				   0, NULL, NULL))
		relorm_exec_as_owner(version_drop, 0, NULL, NULL, NULL);

	/* most drops (functions, types, indexes, empty catalogs) concern nothing of ours */
	if (!spi_exists("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger_dropped_objects() o"
					"  WHERE o.object_type OPERATOR(pg_catalog.=) ANY ('{" RELATION_TYPES "," COLUMN_TYPES ",\"table constraint\"}'::pg_catalog.text[]))"
					" AND (EXISTS (SELECT 1 FROM relorm.relationship) OR EXISTS (SELECT 1 FROM relorm.polymorphic_base))",
					0, NULL, NULL))
	{
		SPI_finish();
		PG_RETURN_NULL();
	}

	/* a table Citus replaces: its relationships held for the new one */
	(void) relorm_citus_hold_dropped();
	if (SPI_execute(psprintf("%s%s%s%s", affected_by_drop_head, affected_by_drop_mark,
							 relorm_catalog_has_column("inferred") ? inferred_drop : "", affected_by_drop_tail),
					false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the relationships affected by a drop");
	apply_affected(affected_rows());

	if (spi_exists("SELECT EXISTS (SELECT 1 FROM relorm.polymorphic_base b"
				   "  JOIN pg_catalog.pg_event_trigger_dropped_objects() o ON o.objid OPERATOR(pg_catalog.=) b.base"
				   " WHERE o.object_type OPERATOR(pg_catalog.=) ANY ('{table,\"table column\"}'::pg_catalog.text[]))",
				   0, NULL, NULL))
		relorm_exec_as_owner(polymorphic_drop, 0, NULL, NULL, NULL);
	relorm_follow_drop();

	SPI_finish();
	PG_RETURN_NULL();
}

/*
 * ALTER TABLE t RENAME COLUMN a TO b: every name[] of the relationships on t
 * (as source, target or secondary) and of the polymorphism catalogs follows.
 * The rename recurses to inheritance children and partitions unless ONLY was
 * given, so their relationships follow too.
 */
/*
 * The table a RENAME acted on, as the command reported it: the parse tree's
 * name would be looked up with this function's search_path, not the user's.
 */
static Oid
renamed_table(void)
{
	bool		isnull;
	Datum		d;

	if (SPI_execute("SELECT c.objid FROM pg_catalog.pg_event_trigger_ddl_commands() c"
					" WHERE c.object_type OPERATOR(pg_catalog.=) ANY ('{" RELATION_TYPES "," COLUMN_TYPES "}'::pg_catalog.text[])",
					false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_event_trigger_ddl_commands()");
	if (SPI_processed == 0)
		return InvalidOid;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? InvalidOid : DatumGetObjectId(d);
}

static void
follow_column_rename(RenameStmt *stmt)
{
	Oid			relid = renamed_table();
	List	   *relids;
	Oid			types[3] = {OIDARRAYOID, NAMEOID, NAMEOID};
	Datum		values[3];

	if (!OidIsValid(relid))
		return;
	relids = stmt->relation->inh ? find_all_inheritors(relid, NoLock, NULL) : list_make1_oid(relid);
	values[0] = relorm_oid_array(relids);
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(stmt->subname));
	values[2] = DirectFunctionCall1(namein, CStringGetDatum(stmt->newname));

	if (spi_exists("SELECT EXISTS (SELECT 1 FROM relorm.relationship r"
				   " WHERE (r.source OPERATOR(pg_catalog.=) ANY ($1) AND $2 OPERATOR(pg_catalog.=) ANY (r.local_columns))"
				   "    OR (r.target OPERATOR(pg_catalog.=) ANY ($1) AND $2 OPERATOR(pg_catalog.=) ANY (r.remote_columns))"
				   "    OR (r.secondary OPERATOR(pg_catalog.=) ANY ($1)"
				   "        AND ($2 OPERATOR(pg_catalog.=) ANY (r.secondary_local_columns)"
				   "             OR $2 OPERATOR(pg_catalog.=) ANY (r.secondary_remote_columns))))",
				   3, types, values))
		relorm_exec_as_owner("UPDATE relorm.relationship r SET"
							 " local_columns = CASE WHEN r.source OPERATOR(pg_catalog.=) ANY ($1)"
							 "   THEN pg_catalog.array_replace(r.local_columns, $2, $3) ELSE r.local_columns END,"
							 " remote_columns = CASE WHEN r.target OPERATOR(pg_catalog.=) ANY ($1)"
							 "   THEN pg_catalog.array_replace(r.remote_columns, $2, $3) ELSE r.remote_columns END,"
							 " secondary_local_columns = CASE WHEN r.secondary OPERATOR(pg_catalog.=) ANY ($1)"
							 "   THEN pg_catalog.array_replace(r.secondary_local_columns, $2, $3) ELSE r.secondary_local_columns END,"
							 " secondary_remote_columns = CASE WHEN r.secondary OPERATOR(pg_catalog.=) ANY ($1)"
							 "   THEN pg_catalog.array_replace(r.secondary_remote_columns, $2, $3) ELSE r.secondary_remote_columns END"
							 " WHERE (r.source OPERATOR(pg_catalog.=) ANY ($1) AND $2 OPERATOR(pg_catalog.=) ANY (r.local_columns))"
							 "    OR (r.target OPERATOR(pg_catalog.=) ANY ($1) AND $2 OPERATOR(pg_catalog.=) ANY (r.remote_columns))"
							 "    OR (r.secondary OPERATOR(pg_catalog.=) ANY ($1)"
							 "        AND ($2 OPERATOR(pg_catalog.=) ANY (r.secondary_local_columns)"
							 "             OR $2 OPERATOR(pg_catalog.=) ANY (r.secondary_remote_columns)))",
							 3, types, values, NULL);
	if (spi_exists("SELECT EXISTS (SELECT 1 FROM relorm.polymorphic_base b WHERE b.base OPERATOR(pg_catalog.=) ANY ($1))",
				   3, types, values))
	{
		relorm_exec_as_owner("UPDATE relorm.polymorphic_base b SET discriminator = $3"
							 " WHERE b.base OPERATOR(pg_catalog.=) ANY ($1) AND b.discriminator OPERATOR(pg_catalog.=) $2",
							 3, types, values, NULL);
		relorm_exec_as_owner("UPDATE relorm.subtype s SET columns = pg_catalog.array_replace(s.columns, $2, $3)"
							 " WHERE s.base OPERATOR(pg_catalog.=) ANY ($1) AND $2 OPERATOR(pg_catalog.=) ANY (s.columns)",
							 3, types, values, NULL);
	}
	if (version_catalog_present() &&
		spi_exists("SELECT EXISTS (SELECT 1 FROM relorm.version_column v"
				   " WHERE v.table_name OPERATOR(pg_catalog.=) ANY ($1) AND v.column_name OPERATOR(pg_catalog.=) $2)",
				   3, types, values))
		relorm_exec_as_owner("UPDATE relorm.version_column v SET column_name = $3"
							 " WHERE v.table_name OPERATOR(pg_catalog.=) ANY ($1) AND v.column_name OPERATOR(pg_catalog.=) $2",
							 3, types, values, NULL);
	relorm_follow_column_rename(relids, stmt->subname, stmt->newname);
}

/*
 * A relationship marked 'constraint dropped' whose FK is there again (added
 * by hand, or by pg_restore after the data) is 'ok' again.
 */
static void
remark_restored_constraints(void)
{
	uint64		n;

	if (SPI_execute("SELECT r.source::pg_catalog.text, r.name FROM relorm.relationship r"
					" WHERE r.status OPERATOR(pg_catalog.<>) 'ok'"
					"   AND CASE r.fk_side"
					"     WHEN 'source' THEN relorm.constraint_of(r.source, r.local_columns, r.target, r.remote_columns) IS NOT NULL"
					"     WHEN 'target' THEN relorm.constraint_of(r.target, r.remote_columns, r.source, r.local_columns) IS NOT NULL"
					"     ELSE relorm.constraint_of(r.secondary, r.secondary_local_columns, r.source, r.local_columns) IS NOT NULL"
					"      AND relorm.constraint_of(r.secondary, r.secondary_remote_columns, r.target, r.remote_columns) IS NOT NULL"
					"   END"
					" ORDER BY 1, 2", false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read relorm.relationship");
	n = SPI_processed;
	if (n == 0)
		return;
	for (uint64 i = 0; i < n; i++)
		ereport(NOTICE,
				(errmsg("relationship \"%s\" of %s has its foreign key again",
						SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2),
						SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1))));
	relorm_exec_as_owner("UPDATE relorm.relationship r SET status = 'ok'"
						 " WHERE r.status OPERATOR(pg_catalog.<>) 'ok'"
						 "   AND CASE r.fk_side"
						 "     WHEN 'source' THEN relorm.constraint_of(r.source, r.local_columns, r.target, r.remote_columns) IS NOT NULL"
						 "     WHEN 'target' THEN relorm.constraint_of(r.target, r.remote_columns, r.source, r.local_columns) IS NOT NULL"
						 "     ELSE relorm.constraint_of(r.secondary, r.secondary_local_columns, r.source, r.local_columns) IS NOT NULL"
						 "      AND relorm.constraint_of(r.secondary, r.secondary_remote_columns, r.target, r.remote_columns) IS NOT NULL"
						 "   END", 0, NULL, NULL, NULL);
}

/* The relations of this object type ('table', 'view') the command touched. */
static List *
commanded_relations(const char *object_type)
{
	List	   *tables = NIL;
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(object_type)};

	if (SPI_execute_with_args("SELECT DISTINCT c.objid FROM pg_catalog.pg_event_trigger_ddl_commands() c"
							  " WHERE c.object_type OPERATOR(pg_catalog.=) $1",
							  1, types, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_event_trigger_ddl_commands()");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			tables = lappend_oid(tables, DatumGetObjectId(d));
	}
	return tables;
}

/*
 * CREATE [OR REPLACE] VIEW: the relationships relorm.reflect inferred that no
 * longer hold (a view column that is no longer its table's, or no longer the
 * columns of a foreign key or of its key) are removed, with a NOTICE each.
 * All of them are looked at, not only the view's: a view of the view follows
 * its columns through the new definition.  With relorm.auto_reflect, what the
 * view infers now is registered, as relorm.reflect would.  Only a 0.3
 * catalog infers anything.
 */
static void
follow_view(void)
{
	List	   *views;
	Oid			types[1] = {OIDOID};
	Datum		values[1];

	if (!relorm_catalog_has_column("inferred"))
		return;
	views = commanded_relations("view");
	if (views == NIL)
		return;
	/* a CREATE VIEW makes one view */
	values[0] = ObjectIdGetDatum(linitial_oid(views));
	if (SPI_execute_with_args("SELECT r.source::pg_catalog.oid, r.name, 'remove', r.source::pg_catalog.text,"
							  "       pg_catalog.format('View %s was replaced: the relationship no longer follows"
							  " a foreign key through the view columns it names.', $1::pg_catalog.regclass)"
							  "  FROM relorm.relationship r"
							  " WHERE r.inferred AND NOT relorm_internal._inferred_holds(r)"
							  " ORDER BY 4, 2",
							  1, types, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the relationships inferred from views");
	apply_affected(affected_rows());
	if (relorm_auto_reflect && relorm_ddl_depth == 0)
		relorm_reflect_foreign_keys(NULL, views, InvalidOid, NULL, NULL, true);
}

Datum
relorm_on_ddl_command_end(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	Node	   *parsetree;

	require_event_trigger(fcinfo, "relorm_internal._on_ddl_command_end()", "relorm_ddl_command_end");
	trigdata = (EventTriggerData *) fcinfo->context;
	parsetree = trigdata->parsetree;
	if (!catalog_present())
		PG_RETURN_NULL();

	if (IsA(parsetree, RenameStmt))
	{
		RenameStmt *stmt = (RenameStmt *) parsetree;

		if (stmt->renameType != OBJECT_COLUMN && stmt->renameType != OBJECT_TABLE &&
			stmt->renameType != OBJECT_VIEW && stmt->renameType != OBJECT_MATVIEW &&
			stmt->renameType != OBJECT_FOREIGN_TABLE)
			PG_RETURN_NULL();
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (stmt->renameType == OBJECT_COLUMN)
			follow_column_rename(stmt);
		else
		{
			Oid			relid = renamed_table();

			relorm_citus_hold_renamed(relid, stmt->relation->relname, stmt->newname);
			relorm_follow_table_rename(relid, stmt->relation->relname, stmt->newname);
			relorm_citus_restore_held();
		}
		SPI_finish();
		PG_RETURN_NULL();
	}

	if (IsA(parsetree, ViewStmt))
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		follow_view();
		SPI_finish();
		PG_RETURN_NULL();
	}
	if (!IsA(parsetree, AlterTableStmt) && !IsA(parsetree, CreateStmt))
		PG_RETURN_NULL();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (IsA(parsetree, CreateStmt))
		relorm_citus_restore_held();
	remark_restored_constraints();

	/*
	 * A declaration's own DDL is registered by the declaration, under the
	 * names it was given.
	 */
	if (relorm_auto_reflect && relorm_ddl_depth == 0)
	{
		List	   *tables = commanded_relations("table");

		if (tables != NIL)
			relorm_reflect_foreign_keys(NULL, tables, InvalidOid, NULL, NULL, true);
	}
	SPI_finish();
	PG_RETURN_NULL();
}
