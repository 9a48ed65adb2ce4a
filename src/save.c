/*
 * save.c
 *		relorm.save, relorm.save_many and relorm.explain_save: the entry points
 *		of nested writes.  The JSON is parsed into levels (save_parse.c),
 *		written (save_write.c), then the saved trees are read back by the keys
 *		of their roots, in their order, as relorm.fetch_one renders them: with
 *		the shape given, or the keys the input used plus every primary key.
 *		Everything runs with the caller's rights on the caller's snapshot
 *		moving on with each statement (SPI, not read-only): privileges,
 *		row-level security, constraints and triggers apply as to the caller's
 *		own statements.  An error anywhere ends the whole call.
 */
#include "relorm.h"

#include "catalog.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "execute.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "names.h"
#include "save.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(relorm_save);
PG_FUNCTION_INFO_V1(relorm_save_many);
PG_FUNCTION_INFO_V1(relorm_explain_save);

static SaveMode
mode_arg(FunctionCallInfo fcinfo, int n)
{
	const char *mode;

	if (PG_ARGISNULL(n))
		return SAVE_MERGE;
	mode = relorm_lower_option(text_to_cstring(PG_GETARG_TEXT_PP(n)));
	if (strcmp(mode, "merge") == 0)
		return SAVE_MERGE;
	if (strcmp(mode, "insert") == 0)
		return SAVE_INSERT;
	if (strcmp(mode, "update") == 0)
		return SAVE_UPDATE;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid mode \"%s\"", text_to_cstring(PG_GETARG_TEXT_PP(n))),
			 errhint("The modes are 'merge' (update what exists, insert the rest), 'insert' and 'update'.")));
	return SAVE_MERGE;			/* keep compiler quiet */
}

/* The call's arguments: root, tree(s), mode, (shape), match. */
static void
call_args(FunctionCallInfo fcinfo, SaveCall *call, bool many, int match_arg)
{
	memset(call, 0, sizeof(*call));
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"root\" must not be null")));
	call->root = PG_GETARG_OID(0);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(call->root)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", call->root)));
	call->mode = mode_arg(fcinfo, 2);
	call->many = many;
	call->match = PG_NARGS() > match_arg && !PG_ARGISNULL(match_arg) ?
		text_to_cstring(PG_GETARG_TEXT_PP(match_arg)) : NULL;
}

/* Parses and writes the trees; SPI connected.  explain_save takes one tree or an array. */
static void
save_trees(SaveCall *call, text *json)
{
	Jsonb	   *input = relorm_save_input(json);

	if (call->explain && !JB_ROOT_IS_SCALAR(input) && JB_ROOT_IS_OBJECT(input))
		call->many = false;
	relorm_save_parse(call, input);
	relorm_save_write(call);
}

/* The keys of the root objects, as text: keys[column][tree]. */
static char ***
root_keys(SaveCall *call)
{
	SaveLevel  *top = call->top;
	char	 ***keys = palloc(sizeof(char **) * top->npk);
	ListCell   *lc;

	for (int k = 0; k < top->npk; k++)
		keys[k] = palloc(sizeof(char *) * Max(1, list_length(top->objects)));
	foreach(lc, top->objects)
	{
		SaveObject *o = lfirst(lc);

		for (int k = 0; k < top->npk; k++)
		{
			JsonbValue *v = o->values[top->pk[k]];

			keys[k][foreach_current_index(lc)] =
				v->type == jbvString ? pnstrdup(v->val.string.val, v->val.string.len) :
				v->type == jbvNumeric ? DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric))) :
				v->type == jbvBool ? (v->val.boolean ? "true" : "false") :
				JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
		}
	}
	return keys;
}

/*
 * The saved trees, read back in the order of the input, into cxt.  It runs
 * before SPI_finish: the levels and objects of the call live in SPI's
 * procedure context, where every SPI call leaves CurrentMemoryContext.
 */
static List *
read_back(SaveCall *call, text *shape, MemoryContext cxt)
{
	TreeCollector se = {cxt, NIL};
	char	   *s = shape ? text_to_cstring(shape) : relorm_save_default_shape(call->top);
	char	 ***keys = root_keys(call);
	int			n = list_length(call->top->objects);
	bool		camel = relorm_key_case == RELORM_KEY_CASE_CAMEL;

	/*
	 * The fetch reads (read-only) under the active snapshot.  The statement's
	 * own was taken before the writes, and before any wait for another
	 * transaction's row: a fresh one, as each of the writes had, sees the
	 * rows as the save left them (in READ COMMITTED, what another transaction
	 * committed meanwhile too; in REPEATABLE READ the transaction's own,
	 * which a concurrent change already refused).
	 */
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	relorm_fetch_key_list(call->root, s, camel, keys, n, relorm_collect_tree, &se);
	if (list_length(se.trees) < n)
	{
		/*
		 * A root the fetch does not give: one the caller cannot read
		 * (row-level security), one the save deleted (an orphan of a
		 * many-to-many that deletes them), one the shape's filters leave out.
		 * Each root read alone, so that each tree has its answer, NULL for
		 * those.
		 */
		List	   *aligned = NIL;
		char	 ***one = palloc(sizeof(char **) * Max(1, call->top->npk));

		for (int i = 0; i < n; i++)
		{
			CHECK_FOR_INTERRUPTS();
			for (int k = 0; k < call->top->npk; k++)
				one[k] = &keys[k][i];
			se.trees = NIL;
			relorm_fetch_key_list(call->root, s, camel, one, 1, relorm_collect_tree, &se);
			aligned = lappend(aligned, se.trees ? linitial(se.trees) : NULL);
		}
		se.trees = aligned;
	}
	PopActiveSnapshot();
	return se.trees;
}

/*
 * relorm.save(root, tree, mode, shape, match) RETURNS json: the tree
 * written, then the saved row as relorm.fetch_one renders it.
 */
Datum
relorm_save(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = CurrentMemoryContext;
	SaveCall	call;
	List	   *trees;

	call_args(fcinfo, &call, false, 4);
	relorm_refuse_on_standby("trees cannot be saved");
	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	save_trees(&call, PG_GETARG_TEXT_PP(1));
	trees = read_back(&call, PG_ARGISNULL(3) ? NULL : PG_GETARG_TEXT_PP(3), cxt);
	SPI_finish();
	if (linitial(trees) == NULL)
		PG_RETURN_NULL();		/* a row its caller cannot read back (see read_back) */
	PG_RETURN_TEXT_P(linitial(trees));
}

/*
 * relorm.save_many(root, trees, mode, shape, match) RETURNS SETOF json: the
 * trees of a JSON array, written together, returned in their order.
 */
Datum
relorm_save_many(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SaveCall	call;
	ListCell   *lc;

	call_args(fcinfo, &call, true, 4);
	relorm_refuse_on_standby("trees cannot be saved");
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	if (PG_ARGISNULL(1))
		return (Datum) 0;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	save_trees(&call, PG_GETARG_TEXT_PP(1));
	if (call.top->objects != NIL)
		foreach(lc, read_back(&call, PG_ARGISNULL(3) ? NULL : PG_GETARG_TEXT_PP(3), CurrentMemoryContext))
		{
			Datum		d = PointerGetDatum(lfirst(lc));
			bool		isnull = lfirst(lc) == NULL;	/* a root not read back */

			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &d, &isnull);
		}
	SPI_finish();
	return (Datum) 0;
}

/*
 * relorm.explain_save(root, trees, mode, match) RETURNS SETOF text: the
 * statements a save of this tree (an object) or save_many of these trees
 * (an array) runs, one line each, with the level
 * and its number of rows.  The save is run, to find which rows exist, and
 * rolled back.
 */
Datum
relorm_explain_save(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	SaveCall	call;
	List	   *lines;
	ListCell   *lc;

	call_args(fcinfo, &call, true, 3);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	if (PG_ARGISNULL(1))
		return (Datum) 0;
	call.explain = list_make1(NULL);	/* non-NIL: the statements are recorded */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	save_trees(&call, PG_GETARG_TEXT_PP(1));
	lines = call.explain;
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	/* the lines are in SPI's procedure context, like the rest of the call */
	foreach(lc, lines)
	{
		Datum		d;
		bool		isnull = false;

		if (lfirst(lc) == NULL)
			continue;
		d = CStringGetTextDatum(lfirst(lc));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &d, &isnull);
	}
	SPI_finish();
	return (Datum) 0;
}
