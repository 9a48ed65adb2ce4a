/*
 * save_rows.c
 *		The statements of relorm.save, for a set of rows of one table: the
 *		rows travel as parameter arrays, one per column (text cast to the
 *		column's type; jsonb for json columns, and for arrays and composites,
 *		read as json_populate_record reads them), with their numbers, and are
 *		unnested by the statement.  One statement of each kind for the whole
 *		set and each set of columns given (most often one): find the rows
 *		that exist, update them (a column a row does not give is left as it
 *		is), insert the others (a column not given takes its default).
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
#include "parser/parse_coerce.h"
#include "utils/acl.h"
#include "utils/array.h"
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

/* How a column's values travel: as text, cast to its type; or as jsonb. */
typedef enum ValueForm
{
	VALUE_TEXT,					/* a scalar type: its text, read by its input function */
	VALUE_JSON,					/* json, jsonb: the JSON value itself */
	VALUE_POPULATED				/* an array or composite: a JSON array or object, as json_populate_record reads it */
} ValueForm;

static ValueForm
value_form(const SaveColumn *col)
{
	Oid			base = getBaseType(col->type);

	if (base == JSONOID || base == JSONBOID)
		return VALUE_JSON;
	if (type_is_array(base) || get_typtype(base) == TYPTYPE_COMPOSITE)
		return VALUE_POPULATED;
	return VALUE_TEXT;
}

/* A JSON value as the text of a scalar type's input, as json_populate_record takes it. */
static Datum
value_as_text(JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			return PointerGetDatum(cstring_to_text_with_len(v->val.string.val, v->val.string.len));
		case jbvNumeric:
			return DirectFunctionCall1(textin, DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return CStringGetTextDatum(v->val.boolean ? "true" : "false");
		default:
			return CStringGetTextDatum(JsonbToCString(NULL, v->val.binary.data, v->val.binary.len));
	}
}

/*
 * The rows as the statements take them: values[0] their numbers (int4[]),
 * then, for each column listed, an array of its values (text[], or jsonb[]
 * for the JSON and populated forms), NULL where the JSON gives null.
 * Returns the number of parameters, 1 + ncols.  Arrays, unnested by the
 * statement, cost far less to build and to read than a jsonb of objects.
 */
int
relorm_save_rows_params(SaveRows *rs, List *rows, const int *cols, int ncols, Datum *values, Oid *types)
{
	int			n = list_length(rows);
	int			dims[1] = {n};
	int			lbs[1] = {1};
	Datum	   *elems = palloc(sizeof(Datum) * Max(1, n));
	bool	   *nulls = palloc(sizeof(bool) * Max(1, n));
	ListCell   *lc;

	foreach(lc, rows)
		elems[foreach_current_index(lc)] = Int32GetDatum(((SaveRow *) lfirst(lc))->index);
	values[0] = PointerGetDatum(construct_array(elems, n, INT4OID, sizeof(int32), true, TYPALIGN_INT));
	types[0] = INT4ARRAYOID;
	for (int j = 0; j < ncols; j++)
	{
		ValueForm	form = value_form(&rs->cols[cols[j]]);

		foreach(lc, rows)
		{
			JsonbValue *v = ((SaveRow *) lfirst(lc))->values[cols[j]];
			int			i = foreach_current_index(lc);

			CHECK_FOR_INTERRUPTS();
			nulls[i] = v == NULL || v->type == jbvNull;
			if (!nulls[i])
				elems[i] = form == VALUE_TEXT ? value_as_text(v) : JsonbPGetDatum(JsonbValueToJsonb(v));
		}
		types[j + 1] = form == VALUE_TEXT ? TEXTARRAYOID : JSONBARRAYOID;
		values[j + 1] = PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
														   form == VALUE_TEXT ? TEXTOID : JSONBOID,
														   -1, false, TYPALIGN_INT));
	}
	return 1 + ncols;
}

/*
 * "(SELECT u.i, u.c0::type AS c0, ... FROM ROWS FROM (pg_catalog.unnest($n),
 * ...) AS u(i, c0, ...)) AS alias": the rows of the parameters from $n on,
 * typed.
 * A value is cast without its column's typmod: the INSERT or UPDATE
 * assigning it applies that, with the error PostgreSQL gives.
 */
char *
relorm_save_recordset(SaveRows *rs, const int *cols, int ncols, int param, const char *alias)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "(SELECT u.i");
	for (int j = 0; j < ncols; j++)
	{
		const SaveColumn *col = &rs->cols[cols[j]];
		char	   *type = format_type_extended(col->type, -1, FORMAT_TYPE_FORCE_QUALIFY);

		if (value_form(col) == VALUE_POPULATED)
			appendStringInfo(&buf, ", (pg_catalog.jsonb_populate_record(NULL::%s, pg_catalog.jsonb_build_object(%s, u.c%d))).%s",
							 relorm_qualified_table(rs->relid), quote_literal_cstr(col->name), j,
							 quote_identifier(col->name));
		else
			appendStringInfo(&buf, ", u.c%d::%s", j, type);
		appendStringInfo(&buf, " AS c%d", j);
	}
	appendStringInfoString(&buf, " FROM ROWS FROM (");
	for (int j = 0; j <= ncols; j++)
		appendStringInfo(&buf, "%spg_catalog.unnest($%d)", j ? ", " : "", param + j);
	appendStringInfoString(&buf, ") AS u(i");
	for (int j = 0; j < ncols; j++)
		appendStringInfo(&buf, ", c%d", j);
	appendStringInfo(&buf, ")) AS %s", alias);
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
	MemoryContext params_cxt = AllocSetContextCreate(cxt, "relorm save parameters", ALLOCSET_DEFAULT_SIZES);
	MemoryContext old_cxt = MemoryContextSwitchTo(params_cxt);	/* the arrays go with the statement */
	Datum	   *values = palloc(sizeof(Datum) * (1 + ncols + nextra));
	Oid		   *types = palloc(sizeof(Oid) * (1 + ncols + nextra));
	int			nparams = relorm_save_rows_params(rs, rows, cols, ncols, values, types);

	for (int k = 0; k < nextra; k++)
	{
		values[nparams + k] = extra[k];
		types[nparams + k] = extra_types[k];
	}
	nparams += nextra;
	MemoryContextSwitchTo(old_cxt);
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		int			ret = SPI_execute_with_args(sql, nparams, types, values, NULL, false, 0);

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
	MemoryContextDelete(params_cxt);
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

/*
 * value with its column's typmod applied as an INSERT applies it (a length
 * checked, a numeric's precision): the recordset's values carry none, so
 * that the statement's assignment does it, and a probe for the column at
 * fault must do it too.
 */
static char *
typmod_applied(const SaveColumn *col, const char *value)
{
	Oid			funcid;

	if (col->typmod < 0 || find_typmod_coercion_function(col->type, &funcid) != COERCION_PATH_FUNC)
		return (char *) value;
	/* the length coercion functions take (value, typmod[, explicit]): not explicit, as an assignment */
	return psprintf("%s.%s(%s, %d%s)", quote_identifier(get_namespace_name(get_func_namespace(funcid))),
					quote_identifier(get_func_name(funcid)), value, col->typmod,
					get_func_nargs(funcid) == 3 ? ", false" : "");
}

/* For a value that does not convert (or fails its domain): the first of the row's columns that fails alone. */
static const char *
culprit_column(SaveRows *rs, SaveRow *row, const int *cols, int ncols)
{
	for (int j = 0; j < ncols; j++)
	{
		int			one[1] = {cols[j]};
		char	   *sql;

		if (row->values[cols[j]] == NULL)
			continue;
		sql = psprintf("SELECT %s FROM %s", typmod_applied(&rs->cols[cols[j]], "x.c0"),
					   relorm_save_recordset(rs, one, 1, 1, "x"));
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
		else if (ERRCODE_TO_CATEGORY(err->sqlerrcode) == ERRCODE_DATA_EXCEPTION || err->datatype_name != NULL)
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
 * The columns the rows set that the caller may not update: refused here,
 * naming the first row that gives one (PostgreSQL's own error would not
 * say which).
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

/* The rows grouped by the set of columns they give, in the order each set first appears. */
static List *
column_sets(SaveRows *rs, List *rows)
{
	Size		keysize = rs->ncols + 1;	/* '1' or '0' per column, and a NUL */
	HASHCTL		ctl;
	HTAB	   *sets;
	List	   *groups = NIL;
	char	   *given = palloc(keysize);
	ListCell   *lc;

	ctl.keysize = keysize;
	ctl.entrysize = MAXALIGN(keysize) + sizeof(int);	/* the key, then the group's number */
	ctl.hcxt = CurrentMemoryContext;
	sets = hash_create("relorm save column sets", 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	foreach(lc, rows)
	{
		SaveRow    *row = lfirst(lc);
		char	   *entry;
		int		   *group;
		bool		found;

		CHECK_FOR_INTERRUPTS();
		for (int c = 0; c < rs->ncols; c++)
			given[c] = row->values[c] != NULL ? '1' : '0';
		given[rs->ncols] = '\0';
		entry = hash_search(sets, given, HASH_ENTER, &found);
		group = (int *) (entry + MAXALIGN(keysize));
		if (!found)
		{
			*group = list_length(groups);
			groups = lappend(groups, NIL);
		}
		list_nth_cell(groups, *group)->ptr_value = lappend(list_nth(groups, *group), row);
	}
	hash_destroy(sets);
	return groups;
}

/* The UPDATE of rows that give the same columns (see relorm_save_update). */
static Bitmapset *
update_rows(SaveRows *rs, List *rows, bool only_changed)
{
	int			ncols;
	int		   *cols = given_columns(rs, rows, true, &ncols);
	int		   *keypos = palloc(sizeof(int) * Max(1, rs->nkey));
	int			version_pos = -1;
	StringInfoData sql;
	bool		first = true;
	Bitmapset  *updated = NULL;
	ListCell   *lc;

	check_update_privileges(rs, rows, cols, ncols);
	initStringInfo(&sql);
	appendStringInfo(&sql, "UPDATE %s AS t SET ", relorm_qualified_table(rs->relid));
	for (int j = 0; j < ncols; j++)
	{
		for (int k = 0; k < rs->nkey; k++)
			if (rs->key[k] == cols[j])
				keypos[k] = j;
		if (cols[j] == rs->version_col)
			version_pos = j;
		if (rs->cols[cols[j]].key || cols[j] == rs->version_col)
			continue;
		appendStringInfo(&sql, "%s%s = x.c%d", first ? "" : ", ", quote_identifier(rs->cols[cols[j]].name), j);
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
			appendStringInfo(&sql, "%sNOT ((t.%s IS NULL AND x.c%d IS NULL) OR (t.%s %s x.c%d) IS TRUE)",
							 any ? " OR " : " AND (", name, j, name,
							 relorm_equality_operator(rs->cols[cols[j]].type), j);
			any = true;
		}
		if (any)
			appendStringInfoChar(&sql, ')');
	}
	if (version_pos >= 0)
		appendStringInfo(&sql, " AND t.%s %s x.c%d", quote_identifier(rs->cols[rs->version_col].name),
						 relorm_equality_operator(rs->cols[rs->version_col].type), version_pos);
	appendStringInfoString(&sql, " RETURNING x.i");
	foreach(lc, relorm_save_run(rs, sql.data, rows, cols, ncols, NULL, 0, NULL))
		updated = bms_add_member(updated, ((SaveResult *) lfirst(lc))->index);
	return updated;
}

/*
 * UPDATE the rows that exist, one statement per set of columns given (most
 * often one): each column a row gives, set; the others left as they are;
 * the version column, when the table has one, checked (for the rows that
 * give it: a row only linked gives none) and moved on.  With only_changed,
 * a row whose given columns hold those values already is not updated (a row
 * linked where it already is).  Returns the numbers of the rows updated, as a set.
 */
Bitmapset *
relorm_save_update(SaveRows *rs, List *rows, bool only_changed)
{
	Bitmapset  *updated = NULL;
	ListCell   *lc;

	foreach(lc, column_sets(rs, rows))
		updated = bms_join(updated, update_rows(rs, lfirst(lc), only_changed));
	return updated;
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
	ListCell   *lc;

	foreach(lc, column_sets(rs, rows))
	{
		List	   *group = lfirst(lc);
		int			ncols;
		int		   *cols = given_columns(rs, group, true, &ncols);
		StringInfoData sql;
		bool		always = false;

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
		/* no ORDER BY: the arrays are in the rows' order, which unnest keeps, and the keys are made already */
		appendStringInfo(&sql, " FROM %s", relorm_save_recordset(rs, cols, ncols, 1, "x"));
		(void) relorm_save_run(rs, sql.data, group, cols, ncols, NULL, 0, NULL);
	}
}
