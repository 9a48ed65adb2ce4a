/*
 * ddl.c
 *		Generates and runs the DDL that makes the database enforce a declared
 *		relationship: FK columns, FK constraints with their actions, the index
 *		on the FK columns, one-to-one uniqueness, association tables and the
 *		delete-orphan triggers.  Everything runs through SPI as the caller, in
 *		the caller's transaction, and existing matching objects are adopted.
 */
#include "relorm.h"

#include "access/htup_details.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "catalog/pg_namespace.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "citus.h"
#include "catalog.h"
#include "ddl.h"

/*
 * Nesting depth of declaration DDL.  The ddl_command_end trigger reads it so
 * that relorm.auto_reflect does not register, under conventional names, the
 * foreign key a declaration is creating under the names it was given.
 */
int			relorm_ddl_depth = 0;

/*
 * Citus refuses a foreign key its tables cannot keep (0A000): told as
 * relorm's, with the statement and the rule; any other error as it is.
 */
static void
rethrow_for_citus(const char *sql, MemoryContext cxt)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(cxt);
	edata = CopyErrorData();
	if (edata->sqlerrcode != ERRCODE_FEATURE_NOT_SUPPORTED ||
		!OidIsValid(get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE)))
		PG_RE_THROW();
	FlushErrorState();
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("Citus refused the declaration's DDL: %s", edata->message),
			 errdetail("The statement was: %s", sql),
			 errhint("Citus keeps a foreign key between distributed tables only when they are co-located and the "
					 "key holds the distribution column, or when it references a reference table: distribute both "
					 "tables by the same key (colocate_with) and include it in the key, or make the referenced "
					 "table a reference table (docs/scaling.md).")));
}

/* Runs one DDL statement as the caller and remembers it for the result. */
void
relorm_ddl_exec(RelormDdl *ddl, const char *sql)
{
	volatile int rc = 0;
	MemoryContext cxt = CurrentMemoryContext;

	relorm_ddl_depth++;
	PG_TRY();
	{
		rc = SPI_execute(sql, false, 0);
	}
	PG_CATCH();
	{
		relorm_ddl_depth--;
		rethrow_for_citus(sql, cxt);
	}
	PG_END_TRY();
	relorm_ddl_depth--;
	if (rc < 0)
		elog(ERROR, "SPI_execute failed for \"%s\": %s", sql, SPI_result_code_string(rc));
	ddl->statements = lappend(ddl->statements, pstrdup(sql));
}

/* The single bigint or boolean a catalog query returns. */
static int64
spi_int64(const char *sql, int nargs, Oid *types, Datum *values)
{
	bool		isnull;
	Datum		d;
	int			rc = SPI_execute_with_args(sql, nargs, types, values, NULL, false, 1);

	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "unexpected result from \"%s\": %s", sql, SPI_result_code_string(rc));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		return 0;
	if (SPI_gettypeid(SPI_tuptable->tupdesc, 1) == BOOLOID)
		return DatumGetBool(d) ? 1 : 0;
	return DatumGetInt64(d);
}

/*
 * Validates an ON DELETE / ON UPDATE value and returns its canonical form.
 * 'delete-orphan' (ON DELETE only) is CASCADE on a NOT NULL column: a child
 * cannot outlive, or exist without, its parent.
 */
const char *
relorm_fk_action(const char *value, const char *argname, bool on_delete)
{
	static const char *const actions[] = {"no action", "restrict", "cascade", "set null", "set default"};
	const char *v;

	if (value == NULL)
		return NULL;
	v = relorm_lower_option(value);
	for (int i = 0; i < lengthof(actions); i++)
		if (strcmp(v, actions[i]) == 0)
			return actions[i];
	if (on_delete && (strcmp(v, "delete-orphan") == 0 || strcmp(v, "delete_orphan") == 0))
		return "delete-orphan";
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for argument \"%s\": \"%s\"", argname, value),
			 errhint("Valid values are 'cascade', 'set null', 'set default', 'restrict', 'no action'%s.",
					 on_delete ? " and 'delete-orphan'" : "")));
	return NULL;				/* keep compiler quiet */
}

static const char *
action_sql(const char *action)
{
	if (action == NULL)
		return "NO ACTION";
	if (strcmp(action, "delete-orphan") == 0)
		return "CASCADE";
	if (strcmp(action, "no action") == 0)
		return "NO ACTION";
	if (strcmp(action, "restrict") == 0)
		return "RESTRICT";
	if (strcmp(action, "cascade") == 0)
		return "CASCADE";
	if (strcmp(action, "set null") == 0)
		return "SET NULL";
	return "SET DEFAULT";
}

/*
 * " ON DELETE x ON UPDATE y" of a constraint being created, each left out
 * when it is NO ACTION; fk's NULL actions become "no action".
 */
static char *
actions_sql(RelormFk *fk)
{
	if (fk->on_delete == NULL)
		fk->on_delete = "no action";
	if (fk->on_update == NULL)
		fk->on_update = "no action";
	return psprintf("%s%s%s%s",
					strcmp(fk->on_delete, "no action") ? " ON DELETE " : "",
					strcmp(fk->on_delete, "no action") ? action_sql(fk->on_delete) : "",
					strcmp(fk->on_update, "no action") ? " ON UPDATE " : "",
					strcmp(fk->on_update, "no action") ? action_sql(fk->on_update) : "");
}

static const char *
action_from_code(char code)
{
	switch (code)
	{
		case 'r':
			return "restrict";
		case 'c':
			return "cascade";
		case 'n':
			return "set null";
		case 'd':
			return "set default";
		default:
			return "no action";
	}
}

/* The action an adopted constraint has, compared with the one requested. */
static bool
action_matches(const char *requested, const char *existing)
{
	if (requested == NULL)
		return true;
	if (strcmp(requested, "delete-orphan") == 0)
		return strcmp(existing, "cascade") == 0;
	return strcmp(requested, existing) == 0;
}

/* (c.a, c.b) = (p.x, p.y) */
static char *
join_condition(const char *left, List *lcols, const char *right, List *rcols)
{
	StringInfoData buf;
	ListCell   *l,
			   *r;

	initStringInfo(&buf);
	forboth(l, lcols, r, rcols)
	{
		if (buf.len > 0)
			appendStringInfoString(&buf, " AND ");
		appendStringInfo(&buf, "%s.%s = %s.%s", left, quote_identifier(lfirst(l)),
						 right, quote_identifier(lfirst(r)));
	}
	return buf.data;
}

static char *
all_not_null(const char *alias, List *cols, bool negate)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, cols)
	{
		if (buf.len > 0)
			appendStringInfoString(&buf, negate ? " OR " : " AND ");
		appendStringInfo(&buf, "%s.%s IS %sNULL", alias, quote_identifier(lfirst(lc)),
						 negate ? "" : "NOT ");
	}
	return buf.data;
}

/* Is there an index (no predicate) whose leading columns are exactly these? */
static bool
has_leading_index(Oid relid, List *cols, bool unique_exact)
{
	StringInfoData attnums;
	ListCell   *lc;
	Oid			types[3] = {OIDOID, TEXTOID, INT4OID};
	Datum		values[3];

	initStringInfo(&attnums);
	appendStringInfoChar(&attnums, '{');
	foreach(lc, cols)
		appendStringInfo(&attnums, "%s%d", foreach_current_index(lc) ? "," : "",
						 get_attnum(relid, lfirst(lc)));
	appendStringInfoChar(&attnums, '}');
	values[0] = ObjectIdGetDatum(relid);
	values[1] = CStringGetTextDatum(attnums.data);
	values[2] = Int32GetDatum(list_length(cols));

	if (unique_exact)
		return spi_int64("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index i"
						 " WHERE i.indrelid OPERATOR(pg_catalog.=) $1 AND i.indisunique"
						 " AND i.indpred IS NULL AND i.indexprs IS NULL"
						 " AND i.indnkeyatts OPERATOR(pg_catalog.=) $3"
						 " AND ARRAY(SELECT k FROM pg_catalog.unnest(pg_catalog.string_to_array(i.indkey::pg_catalog.text, ' ')::pg_catalog.int2[]) k ORDER BY k)"
						 "     OPERATOR(pg_catalog.=) ARRAY(SELECT k FROM pg_catalog.unnest($2::pg_catalog.int2[]) k ORDER BY k))",
						 3, types, values) != 0;
	return spi_int64("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index i"
					 " WHERE i.indrelid OPERATOR(pg_catalog.=) $1 AND i.indpred IS NULL"
					 " AND (pg_catalog.string_to_array(i.indkey::pg_catalog.text, ' ')::pg_catalog.int2[])[1:$3]"
					 "     OPERATOR(pg_catalog.=) $2::pg_catalog.int2[])",
					 3, types, values) != 0;
}

/* The FK constraint backing this edge, found by its columns, or NULL. */
char *
relorm_fk_constraint(const RelormFk *fk)
{
	Oid			types[4] = {REGCLASSOID, NAMEARRAYOID, REGCLASSOID, NAMEARRAYOID};
	Datum		values[4];
	bool		isnull;
	Datum		d;

	values[0] = ObjectIdGetDatum(fk->child->relid);
	values[1] = relorm_name_array(fk->columns);
	values[2] = ObjectIdGetDatum(fk->parent->relid);
	values[3] = relorm_name_array(fk->key);
	if (SPI_execute_with_args("SELECT relorm.constraint_of($1, $2, $3, $4)::pg_catalog.text",
							  4, types, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not look up foreign key constraints");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? NULL : TextDatumGetCString(d);
}

/* The FK constraints c of table $1 over exactly the columns $2 (name[]), in any order. */
#define FK_OVER_COLUMNS \
	"c.contype OPERATOR(pg_catalog.=) 'f' AND c.conrelid OPERATOR(pg_catalog.=) $1" \
	" AND ARRAY(SELECT a.attname FROM pg_catalog.pg_attribute a" \
	"            WHERE a.attrelid OPERATOR(pg_catalog.=) c.conrelid" \
	"              AND a.attnum OPERATOR(pg_catalog.=) ANY (c.conkey) ORDER BY a.attname)" \
	"     OPERATOR(pg_catalog.=) ARRAY(SELECT x FROM pg_catalog.unnest($2) x ORDER BY x)"

/*
 * The key of parent that a foreign key of child over exactly these columns
 * references, in the order of the columns, or NIL when there is none.
 */
List *
relorm_referenced_key(Oid child, List *columns, Oid parent)
{
	Oid			types[3] = {REGCLASSOID, NAMEARRAYOID, REGCLASSOID};
	Datum		values[3];
	bool		isnull;

	values[0] = ObjectIdGetDatum(child);
	values[1] = relorm_name_array(columns);
	values[2] = ObjectIdGetDatum(parent);
	if (SPI_execute_with_args("SELECT ARRAY(SELECT ra.attname"
							  "               FROM ROWS FROM (pg_catalog.unnest(c.conkey), pg_catalog.unnest(c.confkey)) AS k(fk, ref)"
							  "               JOIN pg_catalog.pg_attribute fa"
							  "                 ON fa.attrelid OPERATOR(pg_catalog.=) c.conrelid AND fa.attnum OPERATOR(pg_catalog.=) k.fk"
							  "               JOIN pg_catalog.pg_attribute ra"
							  "                 ON ra.attrelid OPERATOR(pg_catalog.=) c.confrelid AND ra.attnum OPERATOR(pg_catalog.=) k.ref"
							  "              ORDER BY pg_catalog.array_position($2, fa.attname))"
							  "  FROM pg_catalog.pg_constraint c"
							  " WHERE " FK_OVER_COLUMNS " AND c.confrelid OPERATOR(pg_catalog.=) $3"
							  " ORDER BY c.oid LIMIT 1",
							  3, types, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not look up foreign key constraints");
	if (SPI_processed == 0)
		return NIL;
	return relorm_name_list(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * Finds an FK constraint over exactly these columns.  One that references the
 * same key (exact, found by relorm_fk_constraint) is adopted (its actions
 * must agree with the ones asked for); one that references anything else is a
 * conflict.  Returns whether one exists.
 */
static bool
adopt_existing_fk(RelormFk *fk, const char *exact)
{
	Oid			types[2] = {REGCLASSOID, NAMEARRAYOID};
	Datum		values[2];
	uint64		n;

	values[0] = ObjectIdGetDatum(fk->child->relid);
	values[1] = relorm_name_array(fk->columns);
	if (SPI_execute_with_args("SELECT c.conname::pg_catalog.text, c.confrelid::pg_catalog.regclass::pg_catalog.text,"
							  " c.confdeltype::pg_catalog.text, c.confupdtype::pg_catalog.text"
							  "  FROM pg_catalog.pg_constraint c"
							  " WHERE " FK_OVER_COLUMNS
							  " ORDER BY c.oid",
							  2, types, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not look up foreign key constraints");

	n = SPI_processed;
	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *conname = SPI_getvalue(tup, desc, 1);
		const char *del = action_from_code(SPI_getvalue(tup, desc, 3)[0]);
		const char *upd = action_from_code(SPI_getvalue(tup, desc, 4)[0]);

		if (exact == NULL || strcmp(conname, exact) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("foreign key \"%s\" on %s (%s) already references %s",
							conname, fk->child->qualname, relorm_quote_columns(fk->columns, NULL),
							SPI_getvalue(tup, desc, 2)),
					 errdetail("The relationship needs (%s) to reference %s (%s).",
							   relorm_quote_columns(fk->columns, NULL), fk->parent->qualname,
							   relorm_quote_columns(fk->key, NULL)),
					 errhint("Name other columns with fk => '...', or drop constraint \"%s\" first.", conname)));
		if (!action_matches(fk->on_delete, del) || !action_matches(fk->on_update, upd))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("foreign key \"%s\" on %s has ON DELETE %s ON UPDATE %s",
							conname, fk->child->qualname, del, upd),
					 errdetail("The declaration asks for ON DELETE %s ON UPDATE %s.",
							   fk->on_delete ? fk->on_delete : del, fk->on_update ? fk->on_update : upd),
			/* a many-to-many names only each side's ON DELETE */
					 fk->on_delete_arg ?
					 errhint("Declare with %s => '%s' to adopt the constraint as it is, or drop it first.",
							 fk->on_delete_arg, del) :
					 errhint("Declare with on_delete => '%s', on_update => '%s' to adopt the constraint as it is, or drop it first.",
							 del, upd)));
		if (fk->on_delete == NULL)
			fk->on_delete = del;
		if (fk->on_update == NULL)
			fk->on_update = upd;
		return true;
	}
	return false;
}

/* Errors out, counting them, when rows would violate NOT NULL on the FK columns. */
static void
require_no_nulls(RelormFk *fk, List *cols)
{
	char	   *sql = psprintf("SELECT pg_catalog.count(*) FROM %s c WHERE %s",
							   fk->child->qualname, all_not_null("c", cols, true));
	int64		nulls = spi_int64(sql, 0, NULL, NULL);

	if (nulls > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("cannot make (%s) of %s NOT NULL: " INT64_FORMAT " row%s %s NULL there",
						relorm_quote_columns(cols, NULL), fk->child->qualname, nulls,
						nulls == 1 ? "" : "s", nulls == 1 ? "has" : "have"),
				 errhint("Fill those rows first, or declare with nullable => true.")));
}

/*
 * Ensures child.columns references parent.key as declared: creates missing
 * columns (typed like the key), the constraint (after counting the rows that
 * would violate it), NOT NULL, uniqueness for one-to-one and the index.
 */
void
relorm_ensure_fk(RelormDdl *ddl, RelormFk *fk)
{
	ListCell   *c,
			   *k;
	bool		orphan = fk->on_delete && strcmp(fk->on_delete, "delete-orphan") == 0;
	bool		set_null = (fk->on_delete && strcmp(fk->on_delete, "set null") == 0) ||
		(fk->on_update && strcmp(fk->on_update, "set null") == 0);
	List	   *created = NIL;
	char		nullable = fk->nullable;
	char	   *existing;

	if (list_length(fk->columns) != list_length(fk->key))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("%d foreign key column%s given for a key of %d column%s on %s",
						list_length(fk->columns), list_length(fk->columns) == 1 ? "" : "s",
						list_length(fk->key), list_length(fk->key) == 1 ? "" : "s", fk->parent->qualname),
				 errhint("Name one fk column per key column: fk => '%s'.",
						 relorm_quote_columns(relorm_prefixed_columns("parent", fk->key), NULL))));
	if (orphan && nullable == RELORM_NULLABLE_YES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("on_delete => 'delete-orphan' cannot be combined with nullable => true"),
				 errdetail("A delete-orphan child cannot exist without its parent, so its foreign key is NOT NULL."),
				 errhint("Use on_delete => 'cascade' for a nullable foreign key.")));
	if (set_null && nullable == RELORM_NULLABLE_NO)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("SET NULL needs a nullable foreign key"),
				 errhint("Drop nullable => false, or choose another action.")));
	if (orphan)
		nullable = RELORM_NULLABLE_NO;
	else if (set_null)
		nullable = RELORM_NULLABLE_YES;

	/* the key must be the parent's primary key or covered by a unique constraint */
	if (!has_leading_index(fk->parent->relid, fk->key, true))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("(%s) of %s is not a primary key or unique",
						relorm_quote_columns(fk->key, NULL), fk->parent->qualname),
				 errhint("Reference the primary key, or add a unique constraint on those columns.")));

	/*
	 * columns: create the missing ones, check the types of the existing ones,
	 * unless a foreign key over them is adopted: PostgreSQL created it because
	 * the types compare (a bigint column referencing an integer key), and
	 * relorm.reflect registers such a key as it is, so a declaration does too.
	 */
	existing = relorm_fk_constraint(fk);
	forboth(c, fk->columns, k, fk->key)
	{
		const char *col = lfirst(c);
		char	   *keytype = relorm_column_type(fk->parent->relid, lfirst(k));

		if (!relorm_column_exists(fk->child->relid, col))
		{
			relorm_ddl_exec(ddl, psprintf("ALTER TABLE %s ADD COLUMN %s %s",
										  fk->child->qualname, quote_identifier(col), keytype));
			created = lappend(created, (char *) col);
		}
		else
		{
			char	   *coltype = relorm_column_type(fk->child->relid, col);
			Oid			coltypid = get_atttype(fk->child->relid, get_attnum(fk->child->relid, col));
			Oid			keytypid = get_atttype(fk->parent->relid, get_attnum(fk->parent->relid, lfirst(k)));

			/* same type, typmods may differ (varchar(10) -> varchar(20)) */
			if (coltypid != keytypid && existing == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column %s.%s is %s but %s.%s is %s",
								fk->child->qualname, quote_identifier(col), coltype,
								fk->parent->qualname, quote_identifier(lfirst(k)), keytype),
						 errdetail("A foreign key column must have the type of the key it references."),
						 errhint("ALTER TABLE %s ALTER COLUMN %s TYPE %s",
								 fk->child->qualname, quote_identifier(col), keytype)));
		}
	}

	if (!adopt_existing_fk(fk, existing))
	{
		char	   *cond = join_condition("p", fk->key, "c", fk->columns);
		int64		bad = 0;

		/* Citus cannot join tables it keeps apart: it refuses their foreign key itself, below */
		if (relorm_citus_apart(fk->child->relid, fk->parent->relid))
			ereport(NOTICE,
					(errmsg("the rows of %s are not counted against %s before the foreign key is added",
							fk->child->qualname, fk->parent->qualname),
					 errdetail("Citus distributes the two tables without co-locating them, and cannot join them.")));
		else
			bad = spi_int64(psprintf("SELECT pg_catalog.count(*) FROM %s c WHERE %s"
									 " AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s)",
									 fk->child->qualname, all_not_null("c", fk->columns, false),
									 fk->parent->qualname, cond),
							0, NULL, NULL);

		if (bad > 0)
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("cannot add foreign key: " INT64_FORMAT " row%s of %s reference%s no row of %s",
							bad, bad == 1 ? "" : "s", fk->child->qualname, bad == 1 ? "s" : "",
							fk->parent->qualname),
					 errdetail("Their (%s) values have no match in (%s).",
							   relorm_quote_columns(fk->columns, NULL), relorm_quote_columns(fk->key, NULL)),
					 errhint("Delete those rows or point them at existing parents, then declare again.")));
		relorm_ddl_exec(ddl, psprintf("ALTER TABLE %s ADD FOREIGN KEY (%s) REFERENCES %s (%s)%s",
									  fk->child->qualname, relorm_quote_columns(fk->columns, NULL),
									  fk->parent->qualname, relorm_quote_columns(fk->key, NULL),
									  actions_sql(fk)));
	}

	/*
	 * NOT NULL: new columns get it unless nullable; existing ones only when
	 * asked for explicitly (or by delete-orphan).
	 */
	if (nullable != RELORM_NULLABLE_YES)
	{
		List	   *cols = (nullable == RELORM_NULLABLE_NO) ? fk->columns : created;
		List	   *to_set = NIL;

		foreach(c, cols)
		{
			AttrNumber	att = get_attnum(fk->child->relid, lfirst(c));
			HeapTuple	tup = SearchSysCacheAttNum(fk->child->relid, att);

			if (HeapTupleIsValid(tup))
			{
				if (!((Form_pg_attribute) GETSTRUCT(tup))->attnotnull)
					to_set = lappend(to_set, lfirst(c));
				ReleaseSysCache(tup);
			}
		}
		if (to_set != NIL)
		{
			StringInfoData buf;

			require_no_nulls(fk, to_set);
			initStringInfo(&buf);
			appendStringInfo(&buf, "ALTER TABLE %s", fk->child->qualname);
			foreach(c, to_set)
				appendStringInfo(&buf, "%s ALTER COLUMN %s SET NOT NULL",
								 foreach_current_index(c) ? "," : "", quote_identifier(lfirst(c)));
			relorm_ddl_exec(ddl, buf.data);
		}
	}

	if (fk->unique && !has_leading_index(fk->child->relid, fk->columns, true))
	{
		char	   *cols = relorm_quote_columns(fk->columns, NULL);
		int64		dups = spi_int64(psprintf("SELECT pg_catalog.count(*) FROM (SELECT 1 FROM %s c WHERE %s"
											  " GROUP BY %s HAVING pg_catalog.count(*) > 1) d",
											  fk->child->qualname, all_not_null("c", fk->columns, false),
											  relorm_quote_columns(fk->columns, "c")),
									 0, NULL, NULL);

		if (dups > 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("cannot make (%s) of %s unique for a one-to-one relationship: " INT64_FORMAT " value%s occur%s more than once",
							cols, fk->child->qualname, dups, dups == 1 ? "" : "s", dups == 1 ? "s" : ""),
					 errhint("Remove the duplicates, or declare a one-to-many relationship instead.")));
		relorm_ddl_exec(ddl, psprintf("ALTER TABLE %s ADD UNIQUE (%s)", fk->child->qualname, cols));
	}
	else if (fk->index && !has_leading_index(fk->child->relid, fk->columns, false))
		relorm_ddl_exec(ddl, psprintf("CREATE INDEX ON %s (%s)", fk->child->qualname,
									  relorm_quote_columns(fk->columns, NULL)));
}

/*
 * Creates an association table: one FK to each side, with each side's ON
 * DELETE (CASCADE unless the declaration named another), the pair as primary
 * key, and an index for lookups from the target side.
 */
/*
 * On Citus, an association table goes where its rows' parents are: for a
 * distributed side (the source first), distributed by its column of that
 * side's distribution column and co-located with it; between tables that
 * are not distributed (reference tables), a reference table.  Then its
 * foreign keys can be added, as Citus keeps them only between such tables.
 */
static void
distribute_association(RelormDdl *ddl, const char *qualname, RelormFk *to_source, RelormFk *to_target)
{
	RelormFk   *sides[2] = {to_source, to_target};

	/*
	 * Citus adds a foreign key to a distributed table only over one
	 * connection per node, which a parallel create_distributed_table in the
	 * same transaction rules out: the rest of the transaction is sequential.
	 */
	relorm_ddl_exec(ddl, "SET LOCAL citus.multi_shard_modify_mode TO 'sequential'");

	for (int s = 0; s < 2; s++)
	{
		char	   *dist = relorm_citus_distribution_column(sides[s]->parent->relid);
		ListCell   *c,
				   *k;

		if (dist == NULL)
			continue;
		forboth(c, sides[s]->columns, k, sides[s]->key)
			if (strcmp(lfirst(k), dist) == 0)
			{
				relorm_ddl_exec(ddl, psprintf("SELECT pg_catalog.create_distributed_table(%s, %s, colocate_with => %s)",
											  quote_literal_cstr(qualname), quote_literal_cstr(lfirst(c)),
											  quote_literal_cstr(sides[s]->parent->qualname)));
				return;
			}
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the association table cannot be co-located with %s", sides[s]->parent->qualname),
				 errdetail("%s is distributed by %s, which its key (%s) does not hold.", sides[s]->parent->qualname,
						   quote_identifier(dist), relorm_quote_columns(sides[s]->key, NULL)),
				 errhint("Key %s by its distribution column too, or create the association table yourself and "
						 "declare with secondary => (docs/scaling.md).", sides[s]->parent->qualname)));
	}
	relorm_ddl_exec(ddl, psprintf("SELECT pg_catalog.create_reference_table(%s)", quote_literal_cstr(qualname)));
}

bool
relorm_create_association(RelormDdl *ddl, const char *nspname, const char *relname,
						  RelormFk *to_source, RelormFk *to_target)
{
	StringInfoData buf;
	ListCell   *c,
			   *k;
	RelormFk   *sides[2] = {to_source, to_target};
	char	   *qualname = quote_qualified_identifier(nspname, relname);

	bool		citus = relorm_citus_kind(to_source->parent->relid) != RELORM_CITUS_NONE ||
		relorm_citus_kind(to_target->parent->relid) != RELORM_CITUS_NONE;

	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE TABLE %s (", qualname);
	for (int s = 0; s < 2; s++)
		forboth(c, sides[s]->columns, k, sides[s]->key)
			appendStringInfo(&buf, "%s NOT NULL, ", psprintf("%s %s", quote_identifier(lfirst(c)),
															 relorm_column_type(sides[s]->parent->relid, lfirst(k))));
	for (int s = 0; s < 2; s++)
	{
		if (sides[s]->on_delete == NULL)
			sides[s]->on_delete = "cascade";
		/* on Citus, the keys once the table is distributed (below) */
		if (!citus)
			appendStringInfo(&buf, "FOREIGN KEY (%s) REFERENCES %s (%s)%s, ",
							 relorm_quote_columns(sides[s]->columns, NULL), sides[s]->parent->qualname,
							 relorm_quote_columns(sides[s]->key, NULL), actions_sql(sides[s]));
	}
	appendStringInfo(&buf, "PRIMARY KEY (%s, %s))",
					 relorm_quote_columns(to_source->columns, NULL),
					 relorm_quote_columns(to_target->columns, NULL));
	relorm_ddl_exec(ddl, buf.data);
	if (citus)
	{
		distribute_association(ddl, qualname, to_source, to_target);
		for (int s = 0; s < 2; s++)
			relorm_ddl_exec(ddl, psprintf("ALTER TABLE %s ADD FOREIGN KEY (%s) REFERENCES %s (%s)%s", qualname,
										  relorm_quote_columns(sides[s]->columns, NULL), sides[s]->parent->qualname,
										  relorm_quote_columns(sides[s]->key, NULL), actions_sql(sides[s])));
	}
	relorm_ddl_exec(ddl, psprintf("CREATE INDEX ON %s (%s)", qualname,
								  relorm_quote_columns(to_target->columns, NULL)));
	return true;
}

/*
 * The foreign key of an existing association table to one side.  One that
 * exists is adopted with its own ON DELETE unless the declaration named one
 * (then they must agree); a missing one is created, CASCADE unless named.
 * Returns the name of a constraint adopted with an action the declaration
 * did not name and that is not CASCADE, for relorm_notice_adopted_action.
 */
char *
relorm_ensure_association_fk(RelormDdl *ddl, RelormFk *fk)
{
	bool		named = fk->on_delete != NULL;
	char	   *existing = relorm_fk_constraint(fk);

	if (!named && existing == NULL)
		fk->on_delete = "cascade";
	relorm_ensure_fk(ddl, fk);
	return !named && existing != NULL && strcmp(fk->on_delete, "cascade") != 0 ? existing : NULL;
}

/*
 * The NOTICE that an association table's foreign key (conname, or NULL for
 * none) was adopted with an ON DELETE other than the CASCADE relorm.many_to_many
 * gives those it creates.  Given once both sides are adopted, so that a
 * refusal of the second does not follow a notice about the first.
 */
void
relorm_notice_adopted_action(const RelormFk *fk, const char *conname)
{
	if (conname == NULL)
		return;
	ereport(NOTICE,
			(errmsg("foreign key \"%s\" of %s is adopted with its ON DELETE %s",
					conname, fk->child->qualname, fk->on_delete),
			 errdetail("relorm.many_to_many creates an association table's foreign keys ON DELETE CASCADE; an existing one keeps its own action, which the relationship records."),
			 errhint("Declare with %s => '%s' to adopt it without this notice.", fk->on_delete_arg, fk->on_delete)));
}

/*
 * Orphan deletion for many-to-many (SQLAlchemy's delete-orphan with
 * single_parent): statement triggers on the association table hand the rows
 * that went to relorm_internal._delete_orphans(), which reads the catalog at fire time,
 * so renames and dumps need nothing.  Transition tables allow one event per
 * trigger, hence a pair.
 */
void
relorm_ensure_orphan_triggers(RelormDdl *ddl, const RelormTable *secondary)
{
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(secondary->relid)};

	if (spi_int64("SELECT pg_catalog.count(*) FROM pg_catalog.pg_trigger t"
				  " WHERE t.tgrelid OPERATOR(pg_catalog.=) $1"
				  "   AND t.tgname OPERATOR(pg_catalog.=) 'relorm_delete_orphans'",
				  1, types, values) > 0)
		return;
	relorm_ddl_exec(ddl, psprintf("CREATE TRIGGER relorm_delete_orphans AFTER DELETE ON %s"
								  " REFERENCING OLD TABLE AS relorm_gone FOR EACH STATEMENT"
								  " EXECUTE FUNCTION %s._delete_orphans()", secondary->qualname,
								  relorm_internal_schema()));
	relorm_ddl_exec(ddl, psprintf("CREATE TRIGGER relorm_delete_orphans_on_update AFTER UPDATE ON %s"
								  " REFERENCING OLD TABLE AS relorm_gone FOR EACH STATEMENT"
								  " EXECUTE FUNCTION %s._delete_orphans()", secondary->qualname,
								  relorm_internal_schema()));
}

void
relorm_drop_orphan_triggers(RelormDdl *ddl, const RelormTable *secondary)
{
	relorm_ddl_exec(ddl, psprintf("DROP TRIGGER IF EXISTS relorm_delete_orphans ON %s", secondary->qualname));
	relorm_ddl_exec(ddl, psprintf("DROP TRIGGER IF EXISTS relorm_delete_orphans_on_update ON %s",
								  secondary->qualname));
}
