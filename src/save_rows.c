/*
 * save_rows.c
 *		The statements of relorm.save, for a set of rows of one table: each
 *		row's values travel as one element of a jsonb array ($1), turned back
 *		into typed columns by jsonb_to_recordset (so a JSON array becomes a
 *		PostgreSQL array, an object a composite, as PostgreSQL's own
 *		json_populate_record does), with its number and which columns it
 *		gives.  One statement of each kind for the whole set: find the rows
 *		that exist, update them (a column a row does not give is left as it
 *		is), insert the others (one INSERT per distinct set of columns given,
 *		so a column not given takes its default).
 *
 *		Each statement runs in a subtransaction: when it fails, the rows are
 *		halved until the one that fails alone is found, and the error is
 *		raised again as it was, naming that row's JSON path (and, for a value
 *		that does not convert, its column).  All or nothing still: the error
 *		ends the whole save.
 */
#include "relorm.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "names.h"
#include "save_rows.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

/* A text as a JSON string: values read from the database travel so. */
JsonbValue *
relorm_save_text_value(const char *text)
{
	JsonbValue *v = palloc(sizeof(JsonbValue));

	v->type = jbvString;
	v->val.string.val = pstrdup(text);
	v->val.string.len = strlen(text);
	return v;
}

static void
push_key(JsonbParseState **state, const char *key)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	pushJsonbValue(state, WJB_KEY, &k);
}

/*
 * The rows as the statements take them: [{"i": n, "h": [given...],
 * "c0": value, ...}], the columns those listed (c0 the first).
 */
Datum
relorm_save_rows_json(SaveRows *rs, List *rows, const int *cols, int ncols)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;
	ListCell   *lc;

	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	foreach(lc, rows)
	{
		SaveRow    *row = lfirst(lc);
		JsonbValue	n;

		CHECK_FOR_INTERRUPTS();
		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		push_key(&state, "i");
		n.type = jbvNumeric;
		n.val.numeric = int64_to_numeric(row->index);
		pushJsonbValue(&state, WJB_VALUE, &n);
		push_key(&state, "h");
		pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
		for (int j = 0; j < ncols; j++)
		{
			JsonbValue	b;

			b.type = jbvBool;
			b.val.boolean = row->values[cols[j]] != NULL;
			pushJsonbValue(&state, WJB_ELEM, &b);
		}
		pushJsonbValue(&state, WJB_END_ARRAY, NULL);
		for (int j = 0; j < ncols; j++)
		{
			JsonbValue *v = row->values[cols[j]];

			if (v == NULL)
				continue;
			push_key(&state, psprintf("c%d", j));
			if (v->type == jbvBinary)
			{
				/* a nested container: pushed as a whole */
				JsonbIterator *it = JsonbIteratorInit(v->val.binary.data);
				JsonbValue	t;
				JsonbIteratorToken tok;

				while ((tok = JsonbIteratorNext(&it, &t, false)) != WJB_DONE)
					pushJsonbValue(&state, tok, tok < WJB_BEGIN_ARRAY ? &t : NULL);
			}
			else
				pushJsonbValue(&state, WJB_VALUE, v);
		}
		pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	}
	res = pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	return JsonbPGetDatum(JsonbValueToJsonb(res));
}

/* "pg_catalog.jsonb_to_recordset($n) AS alias(i int4, h bool[], c0 type...)": the rows, typed. */
char *
relorm_save_recordset(SaveRows *rs, const int *cols, int ncols, int param, const char *alias)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "pg_catalog.jsonb_to_recordset($%d) AS %s(i pg_catalog.int4, h pg_catalog.bool[]", param, alias);
	for (int j = 0; j < ncols; j++)
		appendStringInfo(&buf, ", c%d %s", j,
						 format_type_extended(rs->cols[cols[j]].type, rs->cols[cols[j]].typmod,
											  FORMAT_TYPE_TYPEMOD_GIVEN | FORMAT_TYPE_FORCE_QUALIFY));
	appendStringInfoChar(&buf, ')');
	return buf.data;
}


/* Runs sql over rows in a subtransaction; the error, copied, when it fails. */
static ErrorData *
try_run(SaveRows *rs, const char *sql, List *rows, const int *cols, int ncols, Datum *extra, int nextra,
		Oid *extra_types, List **results)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	ErrorData  *volatile err = NULL;
	Datum	   *values = palloc(sizeof(Datum) * (nextra + 1));
	Oid		   *types = palloc(sizeof(Oid) * (nextra + 1));

	values[0] = relorm_save_rows_json(rs, rows, cols, ncols);
	types[0] = JSONBOID;
	for (int k = 0; k < nextra; k++)
	{
		values[k + 1] = extra[k];
		types[k + 1] = extra_types[k];
	}
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		int			ret = SPI_execute_with_args(sql, nextra + 1, types, values, NULL, false, 0);

		if (ret < 0)
			elog(ERROR, "relorm.save: %s failed: %s", rs->what, SPI_result_code_string(ret));
		if (results && SPI_tuptable)
		{
			MemoryContext old = MemoryContextSwitchTo(cxt);

			for (uint64 i = 0; i < SPI_processed; i++)
			{
				SaveResult *r = palloc(sizeof(SaveResult));
				int			natts = SPI_tuptable->tupdesc->natts;
				bool		isnull;

				r->index = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
				r->values = palloc(sizeof(char *) * Max(1, natts - 1));
				for (int a = 1; a < natts; a++)
					r->values[a - 1] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, a + 1);
				*results = lappend(*results, r);
			}
			MemoryContextSwitchTo(old);
		}
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		err = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_END_TRY();
	return err;
}

/* The row among rows that fails alone, halving the set (NULL when none does). */
static SaveRow *
find_culprit(SaveRows *rs, const char *sql, List *rows, const int *cols, int ncols, Datum *extra, int nextra,
			 Oid *extra_types, ErrorData **err)
{
	while (list_length(rows) > 1)
	{
		int			half = list_length(rows) / 2;
		List	   *first = list_copy_head(rows, half);
		ErrorData  *e;

		CHECK_FOR_INTERRUPTS();
		e = try_run(rs, sql, first, cols, ncols, extra, nextra, extra_types, NULL);
		rows = e ? first : list_copy_tail(rows, half);
	}
	if (rows == NIL || (*err = try_run(rs, sql, rows, cols, ncols, extra, nextra, extra_types, NULL)) == NULL)
		return NULL;
	return linitial(rows);
}

/* For a value that does not convert: the first of the row's columns that fails alone. */
static const char *
culprit_column(SaveRows *rs, SaveRow *row, const int *cols, int ncols)
{
	for (int j = 0; j < ncols; j++)
	{
		int			one[1] = {cols[j]};
		char	   *sql;

		if (row->values[cols[j]] == NULL)
			continue;
		sql = psprintf("SELECT x.i FROM %s", relorm_save_recordset(rs, one, 1, 1, "x"));
		if (try_run(rs, sql, list_make1(row), one, 1, NULL, 0, NULL, NULL) != NULL)
			return rs->cols[cols[j]].name;
	}
	return NULL;
}

/*
 * An error's context without SPI's line quoting relorm's own statement (the
 * rows' path says where; explain_save shows the statements): what is left
 * is the user's, e.g. the trigger function that raised it.
 */
static char *
inner_context(const char *context)
{
	StringInfoData buf;
	const char *line = context;

	if (context == NULL)
		return NULL;
	initStringInfo(&buf);
	while (*line)
	{
		const char *end = strchr(line, '\n');
		int			len = end ? end - line : strlen(line);

		if (strncmp(line, "SQL statement \"", 15) != 0)
			appendStringInfo(&buf, "%s%.*s", buf.len ? "\n" : "", len, line);
		line += len + (end ? 1 : 0);
	}
	return buf.len ? buf.data : NULL;
}

/*
 * Runs sql ($1 the rows, then extra) over rows; returns its result rows
 * (SaveResult *).  An error is raised again naming the row that causes it.
 */
List *
relorm_save_run(SaveRows *rs, const char *sql, List *rows, const int *cols, int ncols,
				Datum *extra, int nextra, Oid *extra_types)
{
	List	   *results = NIL;
	ErrorData  *err;
	ErrorData  *alone = NULL;
	SaveRow    *culprit;
	const char *column = NULL;
	char	   *where;
	char	   *context;

	if (rows == NIL)
		return NIL;
	if (rs->call->explain)
		rs->call->explain = lappend(rs->call->explain,
									psprintf("%s (%d row%s): %s", rs->what, list_length(rows),
											 list_length(rows) == 1 ? "" : "s", sql));
	err = try_run(rs, sql, rows, cols, ncols, extra, nextra, extra_types, &results);
	if (err == NULL)
		return results;

	/* a query cancel or a serialization failure is not a row's doing */
	if (err->sqlerrcode == ERRCODE_QUERY_CANCELED || err->sqlerrcode == ERRCODE_T_R_SERIALIZATION_FAILURE)
		ReThrowError(err);
	culprit = find_culprit(rs, sql, rows, cols, ncols, extra, nextra, extra_types, &alone);
	if (culprit)
	{
		err = alone;
		if (err->column_name)
			column = err->column_name;
		else if (ERRCODE_TO_CATEGORY(err->sqlerrcode) == ERRCODE_DATA_EXCEPTION)
			column = culprit_column(rs, culprit, cols, ncols);
		where = psprintf("the row at %s, %s%s%s", culprit->path, rs->what,
						 column ? ", column " : "", column ? column : "");
	}
	else
		where = psprintf("the rows of %s together", rs->what);
	context = inner_context(err->context);
	err->context = psprintf("relorm.save: %s%s%s", where, context ? "\n" : "", context ? context : "");
	ReThrowError(err);
	return NIL;					/* keep compiler quiet */
}

/* "t.a OPERATOR(...=) x.c0 AND ...": the listed columns of the table against the rows'. */
static char *
match_condition(SaveRows *rs, const int *cols, int ncols, const char *talias)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int j = 0; j < ncols; j++)
		appendStringInfo(&buf, "%s%s.%s %s x.c%d", j ? " AND " : "", talias,
						 quote_identifier(rs->cols[cols[j]].name), relorm_equality_operator(rs->cols[cols[j]].type), j);
	return buf.data;
}

/*
 * The rows of the table that the rows name by the columns by: a result per
 * match, with the values of the columns found (their text), e.g. the key of
 * a row found by a natural key.
 */
List *
relorm_save_existing(SaveRows *rs, List *rows, const int *by, int nby, int *found_cols, int nfound)
{
	StringInfoData sql;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT x.i");
	for (int j = 0; j < nfound; j++)
		appendStringInfo(&sql, ", t.%s::pg_catalog.text", quote_identifier(rs->cols[found_cols[j]].name));
	appendStringInfo(&sql, " FROM %s JOIN %s AS t ON %s ORDER BY x.i", relorm_save_recordset(rs, by, nby, 1, "x"),
					 relorm_qualified_table(rs->relid), match_condition(rs, by, nby, "t"));
	return relorm_save_run(rs, sql.data, rows, by, nby, NULL, 0, NULL);
}

/* The columns any of the rows gives, the key first: what its statements carry. */
static int *
given_columns(SaveRows *rs, List *rows, bool with_key, int *n)
{
	int		   *cols = palloc(sizeof(int) * Max(1, rs->ncols));
	int			k = 0;

	for (int c = 0; c < rs->ncols; c++)
	{
		bool		given = false;
		ListCell   *lc;

		if (rs->cols[c].key && !with_key)
			continue;
		foreach(lc, rows)
			given |= ((SaveRow *) lfirst(lc))->values[c] != NULL;
		if (given || rs->cols[c].key)
			cols[k++] = c;
	}
	*n = k;
	return cols;
}

/*
 * UPDATE the rows that exist: each column a row gives, set; the others left
 * as they are; the version column, when the table has one, checked (for the
 * rows that give it: a row only linked gives none) and moved on.  With
 * only_changed, a row whose given columns hold those values already is not
 * updated (a row linked where it already is).  Returns the numbers of the rows updated.
 */
/*
 * The columns the rows set that the caller may not update: refused here,
 * naming the first row that gives one, since the statement sets every
 * column any row gives (another row's failure would be named otherwise).
 */
static void
check_update_privileges(SaveRows *rs, List *rows, const int *cols, int ncols)
{
	if (pg_class_aclcheck(rs->relid, GetUserId(), ACL_UPDATE) == ACLCHECK_OK)
		return;
	for (int j = 0; j < ncols; j++)
	{
		SaveColumn *col = &rs->cols[cols[j]];
		ListCell   *lc;

		if (col->key || pg_attribute_aclcheck(rs->relid, col->attnum, GetUserId(), ACL_UPDATE) == ACLCHECK_OK)
			continue;
		foreach(lc, rows)
			if (((SaveRow *) lfirst(lc))->values[cols[j]] != NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("permission denied for column %s of table %s, at %s", quote_identifier(col->name),
								get_rel_name(rs->relid), ((SaveRow *) lfirst(lc))->path),
						 errhint("The object updates an existing row: leave the column out, or be granted UPDATE on it.")));
	}
}

List *
relorm_save_update(SaveRows *rs, List *rows, bool only_changed)
{
	int			ncols;
	int		   *cols;
	int		   *keypos = palloc(sizeof(int) * Max(1, rs->nkey));
	StringInfoData sql;
	bool		first = true;
	List	   *updated = NIL;
	ListCell   *lc;

	if (rows == NIL)
		return NIL;
	cols = given_columns(rs, rows, true, &ncols);
	check_update_privileges(rs, rows, cols, ncols);
	initStringInfo(&sql);
	appendStringInfo(&sql, "UPDATE %s AS t SET ", relorm_qualified_table(rs->relid));
	for (int j = 0; j < ncols; j++)
	{
		const char *name = quote_identifier(rs->cols[cols[j]].name);

		for (int k = 0; k < rs->nkey; k++)
			if (rs->key[k] == cols[j])
				keypos[k] = j;
		if (rs->cols[cols[j]].key || cols[j] == rs->version_col)
			continue;
		appendStringInfo(&sql, "%s%s = CASE WHEN x.h[%d] THEN x.c%d ELSE t.%s END", first ? "" : ", ",
						 name, j + 1, j, name);
		first = false;
	}
	if (rs->version_col >= 0)
	{
		const char *v = quote_identifier(rs->cols[rs->version_col].name);
		Oid			type = getBaseType(rs->cols[rs->version_col].type);

		appendStringInfo(&sql, "%s%s = %s", first ? "" : ", ", v,
						 type == TIMESTAMPTZOID || type == TIMESTAMPOID ? "pg_catalog.clock_timestamp()" :
						 psprintf("t.%s OPERATOR(pg_catalog.+) 1", v));
		first = false;
	}
	if (first)
	{
		/* nothing but the key: a row named, its key set to itself to lock it */
		appendStringInfo(&sql, "%s = t.%s", quote_identifier(rs->cols[rs->key[0]].name),
						 quote_identifier(rs->cols[rs->key[0]].name));
	}
	appendStringInfo(&sql, " FROM %s WHERE ", relorm_save_recordset(rs, cols, ncols, 1, "x"));
	for (int k = 0; k < rs->nkey; k++)
		appendStringInfo(&sql, "%st.%s %s x.c%d", k ? " AND " : "", quote_identifier(rs->cols[rs->key[k]].name),
						 relorm_equality_operator(rs->cols[rs->key[k]].type), keypos[k]);
	if (only_changed)
	{
		/* a row whose given columns all hold their values already is left as it is */
		bool		any = false;

		for (int j = 0; j < ncols; j++)
		{
			const char *name = quote_identifier(rs->cols[cols[j]].name);

			if (rs->cols[cols[j]].key || cols[j] == rs->version_col)
				continue;
			/* IS DISTINCT FROM would look "=" up by name: spelled with the type's own */
			appendStringInfo(&sql, "%s(x.h[%d] AND NOT ((t.%s IS NULL AND x.c%d IS NULL) OR (t.%s %s x.c%d) IS TRUE))",
							 any ? " OR " : " AND (", j + 1, name, j, name,
							 relorm_equality_operator(rs->cols[cols[j]].type), j);
			any = true;
		}
		if (any)
			appendStringInfoChar(&sql, ')');
	}
	if (rs->version_col >= 0)
	{
		for (int j = 0; j < ncols; j++)
			if (cols[j] == rs->version_col)
				appendStringInfo(&sql, " AND (NOT x.h[%d] OR t.%s %s x.c%d)", j + 1,
								 quote_identifier(rs->cols[cols[j]].name),
								 relorm_equality_operator(rs->cols[cols[j]].type), j);
	}
	appendStringInfoString(&sql, " RETURNING x.i");
	foreach(lc, relorm_save_run(rs, sql.data, rows, cols, ncols, NULL, 0, NULL))
		updated = lappend_int(updated, ((SaveResult *) lfirst(lc))->index);
	return updated;
}

/* Whether two rows give the same columns (one INSERT writes both). */
static bool
same_columns(SaveRows *rs, SaveRow *a, SaveRow *b)
{
	for (int c = 0; c < rs->ncols; c++)
		if ((a->values[c] == NULL) != (b->values[c] == NULL))
			return false;
	return true;
}

/*
 * INSERT the rows: one statement for each distinct set of columns given, so
 * that a column a row does not give takes its default, as in an INSERT
 * naming the columns.  The key is given (by the row, or made from the key's
 * default before, so that every row's key is known without relying on the
 * order of RETURNING).
 */
void
relorm_save_insert(SaveRows *rs, List *rows)
{
	List	   *left = list_copy(rows);

	while (left != NIL)
	{
		SaveRow    *first = linitial(left);
		List	   *group = NIL;
		List	   *rest = NIL;
		ListCell   *lc;
		int			ncols;
		int		   *cols;
		StringInfoData sql;
		bool		always = false;

		CHECK_FOR_INTERRUPTS();
		foreach(lc, left)
		{
			if (same_columns(rs, first, lfirst(lc)))
				group = lappend(group, lfirst(lc));
			else
				rest = lappend(rest, lfirst(lc));
		}
		cols = given_columns(rs, group, true, &ncols);
		initStringInfo(&sql);
		appendStringInfo(&sql, "INSERT INTO %s (", relorm_qualified_table(rs->relid));
		for (int j = 0; j < ncols; j++)
		{
			appendStringInfo(&sql, "%s%s", j ? ", " : "", quote_identifier(rs->cols[cols[j]].name));
			always |= rs->cols[cols[j]].identity_always;
		}
		appendStringInfo(&sql, ")%s SELECT ", always ? " OVERRIDING SYSTEM VALUE" : "");
		for (int j = 0; j < ncols; j++)
			appendStringInfo(&sql, "%sx.c%d", j ? ", " : "", j);
		appendStringInfo(&sql, " FROM %s ORDER BY x.i", relorm_save_recordset(rs, cols, ncols, 1, "x"));
		(void) relorm_save_run(rs, sql.data, group, cols, ncols, NULL, 0, NULL);
		left = rest;
	}
}
