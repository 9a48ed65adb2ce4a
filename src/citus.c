/*
 * citus.c
 *		What relorm needs to know of Citus, when it is installed: whether a
 *		table is one of Citus's, and of which kind.  Citus keeps that in its
 *		own catalog, pg_catalog.pg_dist_partition; without Citus there is no
 *		such table and every answer is "not Citus's".  And the relationships
 *		of a table Citus replaces with a new one, held across the replacement.
 */
#include "relorm.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "catalog.h"
#include "citus.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

/*
 * The Citus kind of a table: RELORM_CITUS_DISTRIBUTED (hash-distributed),
 * RELORM_CITUS_OTHER (a reference table, or a local table in Citus's
 * metadata), or RELORM_CITUS_NONE.  The caller is connected to SPI; the
 * current memory context is kept (SPI returns in its procedure's).
 */
static RelormCitusKind
citus_table(Oid relid, int *colocation)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1];
	MemoryContext cxt = CurrentMemoryContext;
	RelormCitusKind kind = RELORM_CITUS_NONE;

	*colocation = -1;
	if (!OidIsValid(get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE)))
		return RELORM_CITUS_NONE;
	values[0] = ObjectIdGetDatum(relid);
	if (SPI_execute_with_args("SELECT partmethod::pg_catalog.text, colocationid FROM pg_catalog.pg_dist_partition"
							  " WHERE logicalrelid OPERATOR(pg_catalog.=) $1",
							  1, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "relorm: reading pg_dist_partition failed");
	if (SPI_processed > 0)
	{
		char	   *method = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		char	   *group = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);

		kind = method && strcmp(method, "n") != 0 ? RELORM_CITUS_DISTRIBUTED : RELORM_CITUS_OTHER;
		*colocation = group ? atoi(group) : -1;
	}
	SPI_freetuptable(SPI_tuptable);
	MemoryContextSwitchTo(cxt);
	return kind;
}

RelormCitusKind
relorm_citus_kind(Oid relid)
{
	int			colocation;

	return citus_table(relid, &colocation);
}

/*
 * Whether a query joining the two tables is one Citus cannot plan: both
 * distributed, and not co-located (a join of co-located tables on the
 * distribution column, or with a reference table, it runs).
 */
bool
relorm_citus_apart(Oid a, Oid b)
{
	int			ca,
				cb;

	return citus_table(a, &ca) == RELORM_CITUS_DISTRIBUTED &&
		citus_table(b, &cb) == RELORM_CITUS_DISTRIBUTED && ca != cb;
}

/*
 * The distribution column of a distributed table, or NULL.  The caller is
 * connected to SPI.
 */
char *
relorm_citus_distribution_column(Oid relid)
{
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};
	MemoryContext cxt = CurrentMemoryContext;
	char	   *column = NULL;

	if (relorm_citus_kind(relid) != RELORM_CITUS_DISTRIBUTED)
		return NULL;
	if (SPI_execute_with_args("SELECT pg_catalog.column_to_column_name(logicalrelid, partkey)"
							  "  FROM pg_catalog.pg_dist_partition WHERE logicalrelid OPERATOR(pg_catalog.=) $1",
							  1, types, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "relorm: reading pg_dist_partition failed");
	MemoryContextSwitchTo(cxt);
	if (SPI_processed == 1)
		column = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	return column;
}

/*
 * Tables Citus replaces.  alter_distributed_table, undistribute_table and
 * alter_table_set_access_method make a new table, drop the old one and give
 * the new one the old name, all in one call (create_reference_table renames
 * a table it converts instead of dropping it: relorm_citus_hold_renamed).  The drop would remove the
 * relationships of the old table; while such a call runs, they are held
 * instead (in this backend, for this transaction), and given to the table
 * that takes the old name.  Citus drops the foreign keys of the table it
 * replaces, so the relationships come back marked 'constraint dropped'
 * (relorm.check() reports them; adding the key again makes them 'ok').
 */
typedef struct HeldTable
{
	TransactionId xid;
	char	   *nspname;
	char	   *relname;
	Oid			old;
	char	   *rows;			/* jsonb array of their relorm.relationship rows */
} HeldTable;

static List *held = NIL;		/* HeldTable *, in TopMemoryContext */

/*
 * Whether the statement the client sent calls one of Citus's functions that
 * replace tables (the pattern, a regular expression of their names).
 */
static bool
citus_replacing(const char *functions)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	bool		isnull;
	Datum		d;

	if (!OidIsValid(get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE)))
		return false;
	values[0] = CStringGetTextDatum(psprintf("\\m(%s)\\s*\\(", functions));
	if (SPI_execute_with_args("SELECT pg_catalog.current_query() OPERATOR(pg_catalog.~*) $1",
							  1, types, values, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		return false;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return !isnull && DatumGetBool(d);
}

/*
 * In ddl_command_end of a table's rename: Citus turning a table into a
 * Citus local table (create_reference_table or create_distributed_table of
 * a table it references) renames it to a shard's name, <name>_<shard id>,
 * and makes a new table of the old name.  The relationships are held for
 * that new table, as for a drop.
 */
void
relorm_citus_hold_renamed(Oid relid, const char *oldname, const char *newname)
{
	MemoryContext cxt = CurrentMemoryContext;
	size_t		len = strlen(oldname);
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	if (strncmp(newname, oldname, len) != 0 || newname[len] != '_' || newname[len + 1] == '\0' ||
		strspn(newname + len + 1, "0123456789") != strlen(newname + len + 1))
		return;
	if (!citus_replacing("create_reference_table|create_distributed_table|citus_add_local_table_to_metadata"))
		return;
	if (SPI_execute_with_args("SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object("
							  "  'source', r.source::pg_catalog.oid, 'target', r.target::pg_catalog.oid,"
							  "  'secondary', r.secondary::pg_catalog.oid))::pg_catalog.text"
							  "  FROM relorm.relationship r"
							  " WHERE $1 OPERATOR(pg_catalog.=) ANY (ARRAY[r.source, r.target, r.secondary]::pg_catalog.oid[])",
							  1, types, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "relorm: reading the relationships of a table Citus replaces failed");
	if (SPI_processed == 1 && SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) != NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
		HeldTable  *h = palloc(sizeof(HeldTable));

		h->xid = GetTopTransactionIdIfAny();
		h->old = relid;
		h->nspname = get_namespace_name(get_rel_namespace(relid));
		h->relname = pstrdup(oldname);
		h->rows = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		held = lappend(held, h);
		MemoryContextSwitchTo(old);
		relorm_exec_as_owner("DELETE FROM relorm.relationship r"
							 " WHERE $1 OPERATOR(pg_catalog.=) ANY (ARRAY[r.source, r.target, r.secondary]::pg_catalog.oid[])",
							 1, types, values, NULL);
	}
	MemoryContextSwitchTo(cxt);
}

/*
 * In sql_drop: the relationships of every table the drop took, held while
 * Citus replaces them, and removed from the catalog without a NOTICE.
 * Returns whether it held any (the caller then handles what is left).
 */
bool
relorm_citus_hold_dropped(void)
{
	MemoryContext cxt = CurrentMemoryContext;
	uint64		n;

	if (!citus_replacing("alter_distributed_table|undistribute_table|alter_table_set_access_method"))
		return false;
	if (SPI_execute("SELECT o.objid, o.schema_name, o.object_name,"
					"       pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object("
					"         'source', r.source::pg_catalog.oid, 'target', r.target::pg_catalog.oid,"
					"         'secondary', r.secondary::pg_catalog.oid))::pg_catalog.text"
					"  FROM pg_catalog.pg_event_trigger_dropped_objects() o"
					"  JOIN relorm.relationship r ON o.objid OPERATOR(pg_catalog.=) ANY (ARRAY[r.source, r.target, r.secondary]::pg_catalog.oid[])"
					" WHERE o.object_type OPERATOR(pg_catalog.=) 'table'"
					" GROUP BY 1, 2, 3", false, 0) != SPI_OK_SELECT)
		elog(ERROR, "relorm: reading the relationships of a table Citus replaces failed");
	n = SPI_processed;
	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
		HeldTable  *h = palloc(sizeof(HeldTable));
		bool		isnull;

		h->xid = GetTopTransactionIdIfAny();
		h->old = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		h->nspname = SPI_getvalue(tup, desc, 2);	/* in TopMemoryContext */
		h->relname = SPI_getvalue(tup, desc, 3);
		h->rows = SPI_getvalue(tup, desc, 4);
		held = lappend(held, h);
		MemoryContextSwitchTo(old);
	}
	MemoryContextSwitchTo(cxt);
	if (n == 0)
		return false;
	relorm_exec_as_owner("DELETE FROM relorm.relationship r"
						 " WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger_dropped_objects() o"
						 "  WHERE o.object_type OPERATOR(pg_catalog.=) 'table'"
						 "    AND o.objid OPERATOR(pg_catalog.=) ANY (ARRAY[r.source, r.target, r.secondary]::pg_catalog.oid[]))",
						 0, NULL, NULL, NULL);
	return true;
}

static void
free_held(HeldTable *h)
{
	pfree(h->nspname);
	pfree(h->relname);
	pfree(h->rows);
	pfree(h);
}

/*
 * In ddl_command_end: held relationships whose table name is taken again
 * (Citus renaming its new table, or creating it) go to that table.  Those of another
 * transaction (one that failed) are forgotten.
 */
void
relorm_citus_restore_held(void)
{
	ListCell   *lc;
	List	   *left = NIL;

	foreach(lc, held)
	{
		HeldTable  *h = lfirst(lc);
		Oid			nsp = get_namespace_oid(h->nspname, true);
		Oid			now = OidIsValid(nsp) ? get_relname_relid(h->relname, nsp) : InvalidOid;

		if (h->xid != GetTopTransactionIdIfAny())
		{
			free_held(h);
			continue;
		}
		if (!OidIsValid(now) || now == h->old)
		{
			/* the list lives across event triggers, not in SPI's memory */
			MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

			left = lappend(left, h);
			MemoryContextSwitchTo(old);
			continue;
		}
		{
			Oid			types[3] = {TEXTOID, OIDOID, OIDOID};
			Datum		values[3] = {CStringGetTextDatum(h->rows), ObjectIdGetDatum(h->old), ObjectIdGetDatum(now)};

			relorm_exec_as_owner("INSERT INTO relorm.relationship"
								 " SELECT (pg_catalog.jsonb_populate_record(NULL::relorm.relationship, e"
								 "   OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object("
								 "     'source', CASE WHEN (e->>'source')::pg_catalog.oid OPERATOR(pg_catalog.=) $2 THEN $3 ELSE (e->>'source')::pg_catalog.oid END,"
								 "     'target', CASE WHEN (e->>'target')::pg_catalog.oid OPERATOR(pg_catalog.=) $2 THEN $3 ELSE (e->>'target')::pg_catalog.oid END,"
								 "     'secondary', CASE WHEN (e->>'secondary')::pg_catalog.oid OPERATOR(pg_catalog.=) $2 THEN $3 ELSE (e->>'secondary')::pg_catalog.oid END,"
								 "     'status', CASE WHEN e->>'fk_side' IS NULL THEN e->>'status' ELSE 'constraint dropped' END))).*"
								 "   FROM pg_catalog.jsonb_array_elements($1::pg_catalog.jsonb) e"
								 " ON CONFLICT DO NOTHING",
								 3, types, values, NULL);
			ereport(NOTICE,
					(errmsg("the relationships of %s.%s follow the table Citus replaced", h->nspname, h->relname),
					 errdetail("Citus dropped its foreign keys: the relationships are marked 'constraint dropped' until they are added again.")));
			free_held(h);
		}
	}
	list_free(held);
	held = left;
}
