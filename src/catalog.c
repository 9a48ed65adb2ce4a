/*
 * catalog.c
 *		Writes to relorm's catalog tables (with the extension owner's rights,
 *		after checking names and clashes) and the change notification that
 *		invalidates the per-backend relationship cache in every backend.
 */
#include "relorm.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "fmgr.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "storage/lmgr.h"

#include "catalog.h"
#include "names.h"

PG_FUNCTION_INFO_V1(relorm_catalog_changed);

/*
 * Statement trigger on the catalogs.  A relcache invalidation of the catalog
 * table itself is sent to all backends at commit; the fetch cache listens for
 * it with a relcache callback, so declarations need no version counter.
 */
Datum
relorm_catalog_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("relorm_internal._catalog_changed() must be called as a trigger")));

	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));

	return PointerGetDatum(NULL);
}

/*
 * Runs a write to relorm's catalogs with the extension owner's rights: the
 * catalogs are read-only for everybody else, so that declarations (which
 * check ownership of the tables and run their DDL as the caller) are the only
 * way to change them.
 */
void
relorm_exec_as_owner(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls)
{
	Oid			save_userid;
	int			save_sec_context;
	Oid			owner;
	bool		isnull;
	int			rc;

	if (SPI_execute("SELECT e.extowner FROM pg_catalog.pg_extension e"
					" WHERE e.extname OPERATOR(pg_catalog.=) 'relorm'", true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "extension relorm is not installed");
	owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	PG_TRY();
	{
		rc = SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0);
		if (rc < 0)
			elog(ERROR, "catalog write failed: %s", SPI_result_code_string(rc));
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_userid, save_sec_context);
	}
	PG_END_TRY();
}

/* The stored direction with this source and name, compared with dir. */
typedef enum
{
	DIRECTION_ABSENT,
	DIRECTION_SAME,
	DIRECTION_OTHER
} DirectionState;

static DirectionState
stored_direction(const RelormDirection *dir, char **what)
{
	Oid			types[2] = {REGCLASSOID, TEXTOID};
	Datum		values[2] = {ObjectIdGetDatum(dir->source), CStringGetTextDatum(dir->name)};
	HeapTuple	tup;
	TupleDesc	desc;
	bool		isnull;
	Oid			target;
	char	   *kind;
	Datum		d;
	bool		same;

	if (SPI_execute_with_args("SELECT r.target, r.kind, r.local_columns, r.remote_columns, r.secondary,"
							  " r.target::pg_catalog.text"
							  "  FROM relorm.relationship r"
							  " WHERE r.source OPERATOR(pg_catalog.=) $1 AND r.name OPERATOR(pg_catalog.=) $2",
							  2, types, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read relorm.relationship");
	if (SPI_processed == 0)
		return DIRECTION_ABSENT;
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	target = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
	kind = SPI_getvalue(tup, desc, 2);
	*what = psprintf("a %s relationship to %s", kind, SPI_getvalue(tup, desc, 6));
	same = target == dir->target && strcmp(kind, dir->kind) == 0;
	if (same && strcmp(kind, "viewonly") != 0)
	{
		same = relorm_columns_equal(relorm_name_list(SPI_getbinval(tup, desc, 3, &isnull)), dir->local_columns) &&
			relorm_columns_equal(relorm_name_list(SPI_getbinval(tup, desc, 4, &isnull)), dir->remote_columns);
		d = SPI_getbinval(tup, desc, 5, &isnull);
		same = same && (isnull ? InvalidOid : DatumGetObjectId(d)) == dir->secondary;
	}
	return same ? DIRECTION_SAME : DIRECTION_OTHER;
}

/*
 * Whether a to-one direction's name is one of its own foreign key columns
 * (messages.sender, the relationship to users through the column sender).
 */
static bool
names_own_fk_column(const RelormDirection *dir)
{
	return dir->fk_side != NULL && strcmp(dir->fk_side, "source") == 0 &&
		relorm_name_in(dir->local_columns, dir->name);
}

/*
 * What keeps a direction from taking its name, or RELORM_NAME_FREE; for
 * RELORM_NAME_TAKEN, *what says what the name is taken by.  A name is a JSON
 * key next to the source's columns and a word of fetch shapes, so it may not
 * be empty, too long, have the shapes' punctuation, or be a column of the
 * source, with one exception: a to-one direction may be named after its own
 * foreign key column (messages.sender, the column, and sender, the
 * relationship to users through it, as a PostgREST schema names them).  The
 * shape tells the two apart, "sender" being the column and "sender(...)" the
 * relationship; '*' renders the column.  The declarations ask through
 * relorm_check_direction, relorm.reflect to choose another name.
 */
RelormNameProblem
relorm_name_problem(const RelormDirection *dir, char **what)
{
	const char *name = dir->name;

	if (name == NULL || name[0] == '\0')
		return RELORM_NAME_EMPTY;
	if (strlen(name) >= NAMEDATALEN)
		return RELORM_NAME_TOO_LONG;
	if (strpbrk(name, RELORM_SHAPE_PUNCTUATION) != NULL)
		return RELORM_NAME_RESERVED;
	if (get_attnum(dir->source, name) != InvalidAttrNumber && !names_own_fk_column(dir))
		return RELORM_NAME_COLUMN;
	if (stored_direction(dir, what) == DIRECTION_OTHER)
		return RELORM_NAME_TAKEN;
	return RELORM_NAME_FREE;
}

/*
 * Checks a direction before any DDL runs: its name is free, or it names this
 * very edge (declaring both sides, as SQLAlchemy users do, is idempotent).
 */
void
relorm_check_direction(const RelormDirection *dir)
{
	char	   *what = NULL;

	switch (relorm_name_problem(dir, &what))
	{
		case RELORM_NAME_FREE:
			break;
		case RELORM_NAME_EMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_NAME),
					 errmsg("argument \"name\" must be a non-empty relationship name"),
					 errhint("Name the relationship as its attribute would be named, e.g. 'posts' or 'author'.")));
			break;
		case RELORM_NAME_TOO_LONG:
			ereport(ERROR,
					(errcode(ERRCODE_NAME_TOO_LONG),
					 errmsg("relationship name \"%s\" is too long", dir->name),
					 errdetail("Names are limited to %d bytes, as identifiers are.", NAMEDATALEN - 1)));
			break;
		case RELORM_NAME_RESERVED:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_NAME),
					 errmsg("invalid relationship name \"%s\"", dir->name),
					 errdetail("Relationship names appear in fetch shapes, where parentheses, commas, colons, dots, quotes, '!', '*' and spaces have meanings."),
					 errhint("Use letters, digits and underscores.")));
			break;
		case RELORM_NAME_COLUMN:
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_COLUMN),
					 errmsg("relationship name \"%s\" clashes with a column of %s", dir->name,
							relorm_table_label(dir->source)),
					 errdetail("A fetched row holds its columns and its relationships under one set of keys."),
					 errhint("Choose another name; a many-to-one is usually named after its FK column without \"_id\".")));
			break;
		case RELORM_NAME_TAKEN:
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("relationship \"%s\" of %s already exists", dir->name,
							relorm_table_label(dir->source)),
					 errdetail("It is %s.", what),
					 errhint("Choose another name, or drop it first with relorm.drop_relationship(%s, %s).",
							 quote_literal_cstr(relorm_table_label(dir->source)),
							 quote_literal_cstr(dir->name))));
			break;
	}
}

/*
 * The role that wrote a direction's SQL fragments (join_on, order_by): they
 * run with the rights of whoever fetches, so a fetch's default tree (**)
 * leaves out the relationships whose fragments a role with fewer rights than
 * the caller wrote.  The column came with 0.3: until ALTER EXTENSION relorm
 * UPDATE, there is nowhere to record it.
 */
static void
record_fragments_author(const RelormDirection *dir)
{
	Oid			types[3] = {REGCLASSOID, TEXTOID, OIDOID};
	Datum		values[3];

	if (dir->join_on == NULL && dir->order_by == NULL)
		return;
	if (!relorm_catalog_has_column("fragments_by"))
		return;
	values[0] = ObjectIdGetDatum(dir->source);
	values[1] = CStringGetTextDatum(dir->name);
	values[2] = ObjectIdGetDatum(GetUserId());
	relorm_exec_as_owner("UPDATE relorm.relationship r SET fragments_by = $3::pg_catalog.regrole"
						 " WHERE r.source OPERATOR(pg_catalog.=) $1 AND r.name OPERATOR(pg_catalog.=) $2",
						 3, types, values, NULL);
}

/*
 * A direction relorm.reflect inferred from a view's definition is marked so:
 * no constraint of its own backs it, which the event triggers and
 * relorm.check() must know.  Only a 0.3 catalog has the column, and only its
 * relorm_internal._reflect_candidates infers anything.
 */
static void
record_inferred(const RelormDirection *dir)
{
	Oid			types[2] = {REGCLASSOID, TEXTOID};
	Datum		values[2];

	if (!dir->inferred)
		return;
	values[0] = ObjectIdGetDatum(dir->source);
	values[1] = CStringGetTextDatum(dir->name);
	relorm_exec_as_owner("UPDATE relorm.relationship r SET inferred = true"
						 " WHERE r.source OPERATOR(pg_catalog.=) $1 AND r.name OPERATOR(pg_catalog.=) $2",
						 2, types, values, NULL);
}

/*
 * Whether relorm.relationship has this column: a catalog of an older version
 * lacks the later ones until ALTER EXTENSION relorm UPDATE, and the module
 * must work with it meanwhile (its event triggers fire on every DDL).
 */
bool
relorm_catalog_has_column(const char *column)
{
	Oid			nsp = get_namespace_oid(RELORM_SCHEMA, false);

	return get_attnum(get_relname_relid("relationship", nsp), column) > 0;
}

/*
 * The schema of relorm's internal helpers (trigger functions, check()'s and
 * reflect()'s SQL): relorm_internal, or relorm in a catalog older than 0.3
 * (told by the catalog, not by a schema of that name, which anyone may make).
 */
const char *
relorm_internal_schema(void)
{
	return relorm_catalog_has_column("inferred") ? RELORM_INTERNAL_SCHEMA : RELORM_SCHEMA;
}

#define NARGS 20

/* Inserts the direction, or updates the options of the same stored edge. */
void
relorm_save_direction(const RelormDirection *dir)
{
	Oid			types[NARGS] = {REGCLASSOID, TEXTOID, REGCLASSOID, TEXTOID, BOOLOID, NAMEARRAYOID,
	NAMEARRAYOID, TEXTOID, REGCLASSOID, NAMEARRAYOID, NAMEARRAYOID, TEXTOID, TEXTOID, TEXTOID,
	TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, REGPROCEDUREOID};
	Datum		values[NARGS];
	char		nulls[NARGS];
	char	   *what = NULL;
	const char *texts[] = {dir->fk_side, NULL, NULL, NULL, dir->join_on, dir->back_populates,
	dir->on_delete, dir->on_update, dir->orphans, dir->lazy, dir->order_by, dir->target_type};

	relorm_check_direction(dir);
	memset(nulls, ' ', sizeof(nulls));
	values[0] = ObjectIdGetDatum(dir->source);
	values[1] = CStringGetTextDatum(dir->name);
	values[2] = ObjectIdGetDatum(dir->target);
	values[3] = CStringGetTextDatum(dir->kind);
	values[4] = BoolGetDatum(dir->many);
	values[5] = relorm_name_array(dir->local_columns);
	values[6] = relorm_name_array(dir->remote_columns);
	values[8] = ObjectIdGetDatum(dir->secondary);
	nulls[8] = OidIsValid(dir->secondary) ? ' ' : 'n';
	values[9] = relorm_name_array(dir->secondary_local_columns);
	nulls[9] = OidIsValid(dir->secondary) ? ' ' : 'n';
	values[10] = relorm_name_array(dir->secondary_remote_columns);
	nulls[10] = OidIsValid(dir->secondary) ? ' ' : 'n';
	values[19] = ObjectIdGetDatum(dir->function);
	nulls[19] = OidIsValid(dir->function) ? ' ' : 'n';
	for (int i = 7; i < NARGS - 1; i++)
	{
		if (i >= 8 && i <= 10)
			continue;
		if (texts[i - 7] == NULL)
			nulls[i] = 'n';
		else
			values[i] = CStringGetTextDatum(texts[i - 7]);
	}

	/*
	 * target_type (0.2) and function (0.3) are written only when given, so
	 * that the module also declares into older catalogs until ALTER
	 * EXTENSION relorm UPDATE runs.
	 */
	if (stored_direction(dir, &what) == DIRECTION_SAME)
		relorm_exec_as_owner(psprintf("UPDATE relorm.relationship SET"
									  " join_on = COALESCE($12, join_on),"
									  " back_populates = COALESCE($13, back_populates),"
									  " on_delete = COALESCE($14, on_delete),"
									  " on_update = COALESCE($15, on_update),"
									  " orphans = COALESCE($16, orphans),"
									  " lazy = COALESCE($17, lazy),"
									  " order_by = COALESCE($18, order_by),%s%s"
									  " status = 'ok'"
									  " WHERE source OPERATOR(pg_catalog.=) $1 AND name OPERATOR(pg_catalog.=) $2",
									  dir->target_type ? " target_type = $19," : "",
									  OidIsValid(dir->function) ? " function = $20," : ""),
							 NARGS, types, values, nulls);
	else
		relorm_exec_as_owner(psprintf("INSERT INTO relorm.relationship (source, name, target, kind, many,"
									  " local_columns, remote_columns, fk_side, secondary, secondary_local_columns,"
									  " secondary_remote_columns, join_on, back_populates, on_delete, on_update,"
									  " orphans, lazy, order_by%s%s)"
									  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
									  " $16, COALESCE($17, 'select'), $18%s%s)",
									  dir->target_type ? ", target_type" : "",
									  OidIsValid(dir->function) ? ", function" : "",
									  dir->target_type ? ", $19" : "",
									  OidIsValid(dir->function) ? ", $20" : ""),
							 NARGS, types, values, nulls);
	record_fragments_author(dir);
	record_inferred(dir);
}

/* The advisory lock space of declarations: 'relo', then the table's OID. */
#define RELORM_DECLARATION_LOCK 0x72656c6f

/* The relationship rows of these tables, as a digest, under the active snapshot. */
static char *
declarations_digest(Datum relids)
{
	Oid			types[1] = {OIDARRAYOID};
	Datum		values[1] = {relids};

	if (SPI_execute_with_args("SELECT pg_catalog.md5(COALESCE(pg_catalog.string_agg(r::pg_catalog.text, ','"
							  " ORDER BY r::pg_catalog.text), ''))"
							  "  FROM relorm.relationship r"
							  " WHERE r.source::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)"
							  "    OR r.target::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)",
							  1, types, values, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not read relorm.relationship");
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/*
 * A hot standby replays its primary's tables and relorm's catalog: what
 * would change them is refused there with relorm's own word (25006, as
 * PostgreSQL refuses a write in recovery), before anything else runs.
 */
void
relorm_refuse_on_standby(const char *what)
{
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("%s on a hot standby", what),
				 errdetail("This server is replaying its primary's changes and is read-only."),
				 errhint("Run it on the primary: the standby follows when it replays the change.")));
}

/*
 * Serializes declarations on these tables: two sessions declaring the same
 * edge at once would otherwise both create its column or both insert its
 * catalog row.  The lock is an advisory transaction lock per table (taken in
 * OID order, so that two declarations cannot deadlock on it), which blocks no
 * reader or writer of the tables.  Once it is held, what an earlier
 * declaration committed must be seen: in READ COMMITTED every query a
 * declaration runs takes a new snapshot (they run with read_only false), so
 * it adopts what the other created; in REPEATABLE READ and SERIALIZABLE,
 * whose snapshot cannot move, a declaration that changed these tables'
 * relationships meanwhile is a serialization failure.
 */
void
relorm_declaration_lock(int n, const Oid *relids)
{
	Oid		   *sorted;
	List	   *oids = NIL;

	relorm_refuse_on_standby("relationships cannot be declared, dropped or reflected");
	sorted = palloc(sizeof(Oid) * Max(1, n));

	memcpy(sorted, relids, sizeof(Oid) * n);
	qsort(sorted, n, sizeof(Oid), oid_cmp);
	for (int i = 0; i < n; i++)
	{
		LOCKTAG		tag;

		if (!OidIsValid(sorted[i]) || (i > 0 && sorted[i] == sorted[i - 1]))
			continue;
		SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, RELORM_DECLARATION_LOCK, sorted[i], 2);
		(void) LockAcquire(&tag, ExclusiveLock, false, false);
		oids = lappend_oid(oids, sorted[i]);
	}
	if (IsolationUsesXactSnapshot())
	{
		Datum		array = relorm_oid_array(oids);
		char	   *mine = declarations_digest(array);
		char	   *latest;

		PushActiveSnapshot(GetLatestSnapshot());
		latest = declarations_digest(array);
		PopActiveSnapshot();
		if (strcmp(mine, latest) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("could not serialize access due to a concurrent declaration"),
					 errdetail("Another transaction changed the relationships of these tables since this transaction's snapshot was taken."),
					 errhint("Retry the transaction.")));
	}
}
