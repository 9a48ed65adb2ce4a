/*
 * fetch.c
 *		SQL entry points of the nested fetch: relorm.fetch (one JSON tree per
 *		root row), relorm.fetch_one (the tree of one primary key) and
 *		relorm.explain (the queries a fetch runs, one line per level).
 *
 *		All three are STABLE and run SPI read-only, so a fetch reads every level
 *		from the caller's snapshot, with the caller's rights.
 */
#include "relorm.h"

#include "access/genam.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "storage/lmgr.h"
#include "catalog_cache.h"
#include "execute.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "load_plan.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/memutils.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(relorm_fetch);
PG_FUNCTION_INFO_V1(relorm_fetch_one);
PG_FUNCTION_INFO_V1(relorm_explain);

static char *
text_arg(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/*
 * The root argument, locked and checked: a regclass argument is only an OID,
 * which may name nothing (0::regclass) or a relation dropped since the call
 * was parsed.  The lock is taken first, so that a drop cannot slip in between
 * the check and the fetch.
 */
static Oid
root_arg(FunctionCallInfo fcinfo)
{
	Oid			root;
	char		relkind;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the root table of a fetch must not be null")));
	root = PG_GETARG_OID(0);
	LockRelationOid(root, AccessShareLock);
	relkind = get_rel_relkind(root);
	if (relkind == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", root),
				 errhint("Name the root as a table, e.g. relorm.fetch('users', ...); it may have been dropped.")));
	switch (relkind)
	{
		case RELKIND_RELATION:
		case RELKIND_PARTITIONED_TABLE:
		case RELKIND_VIEW:
		case RELKIND_MATVIEW:
		case RELKIND_FOREIGN_TABLE:
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("cannot fetch from %s",
							DatumGetCString(DirectFunctionCall1(regclassout, ObjectIdGetDatum(root)))),
					 errdetail("The root of a fetch is a table, a view, a materialized view or a foreign table.")));
	}
	return root;
}

static char *
shape_arg(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the shape of a fetch must not be null"),
				 errhint("Use \"*\" for every column.")));
	return text_arg(fcinfo, 1);
}

/* The text a JSON value gives to a parameter of this type. */
static char *
param_text(JsonbValue *v, Oid type)
{
	Oid			base = getBaseType(type);

	if (base == JSONOID || base == JSONBOID)
	{
		if (v->type == jbvBinary)
			return JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
		return JsonbToCString(NULL, &JsonbValueToJsonb(v)->root, 0);
	}
	switch (v->type)
	{
		case jbvString:
			return pnstrdup(v->val.string.val, v->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		case jbvBinary:
			return JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
		default:
			return JsonbToCString(NULL, &JsonbValueToJsonb(v)->root, 0);
	}
}

/* How values of one type are read from JSON, looked up once. */
typedef struct ParamType
{
	Oid			type;
	Oid			elemtype;		/* an array type's element, else InvalidOid */
	int16		typlen;
	bool		typbyval;
	char		typalign;
	FmgrInfo	input;
	Oid			ioparam;
	struct ParamType *elem;		/* for an array: how its elements are read */
} ParamType;

static ParamType *
param_type(Oid type)
{
	ParamType  *pt = palloc0(sizeof(ParamType));
	Oid			infunc;

	pt->type = type;
	pt->elemtype = get_element_type(getBaseType(type));
	get_typlenbyvalalign(type, &pt->typlen, &pt->typbyval, &pt->typalign);
	getTypeInputInfo(type, &infunc, &pt->ioparam);
	fmgr_info(infunc, &pt->input);
	if (OidIsValid(pt->elemtype))
		pt->elem = param_type(pt->elemtype);
	return pt;
}

/*
 * A value of the given type from a JSON value, through the type's input
 * function.  Whatever converting one value leaves behind goes with scratch,
 * reset after each array element, so that a parameter of a million elements
 * costs its result, not a million conversions' garbage.
 */
static Datum
param_value(JsonbValue *v, ParamType *pt, bool *isnull, MemoryContext scratch)
{
	MemoryContext result_cxt = CurrentMemoryContext;
	MemoryContext old;
	Datum		d;

	*isnull = v->type == jbvNull;
	if (*isnull)
		return (Datum) 0;

	/* a JSON array for an array parameter: its elements, each as the element type */
	if (pt->elem && v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data) &&
		!JsonContainerIsScalar(v->val.binary.data))
	{
		JsonbContainer *c = v->val.binary.data;
		int			n = JsonContainerSize(c);
		Datum	   *elems = palloc(sizeof(Datum) * Max(1, n));
		bool	   *nulls = palloc(sizeof(bool) * Max(1, n));
		int			dims[1];
		int			lbs[1] = {1};
		MemoryContext elem_scratch = AllocSetContextCreate(scratch, "relorm param element",
														   ALLOCSET_SMALL_SIZES);

		for (int i = 0; i < n; i++)
		{
			JsonbValue *e;

			CHECK_FOR_INTERRUPTS();
			old = MemoryContextSwitchTo(elem_scratch);
			e = getIthJsonbValueFromContainer(c, i);
			if (e->type == jbvBinary && pt->elem->elem == NULL &&
				JsonContainerIsArray(e->val.binary.data))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("nested JSON arrays are not accepted for a parameter of type %s",
								format_type_be(pt->type)),
						 errhint("Pass a multidimensional array as a string in PostgreSQL's array syntax, e.g. \"{{1,2},{3,4}}\".")));
			MemoryContextSwitchTo(result_cxt);
			elems[i] = param_value(e, pt->elem, &nulls[i], elem_scratch);
			MemoryContextSwitchTo(old);
			MemoryContextReset(elem_scratch);
		}
		MemoryContextDelete(elem_scratch);
		dims[0] = n;
		return PointerGetDatum(n > 0 ? construct_md_array(elems, nulls, 1, dims, lbs, pt->elemtype,
														  pt->elem->typlen, pt->elem->typbyval,
														  pt->elem->typalign)
							   : construct_empty_array(pt->elemtype));
	}
	old = MemoryContextSwitchTo(scratch);
	d = InputFunctionCall(&pt->input, param_text(v, pt->type), pt->ioparam, -1);
	MemoryContextSwitchTo(result_cxt);
	d = datumCopy(d, pt->typbyval, pt->typlen);
	MemoryContextSwitchTo(old);
	return d;
}

static void
param_error_callback(void *arg)
{
	errcontext("relorm: parameter $%d of the filter", *(int *) arg + 1);
}

/*
 * The filter's parameters from a JSON array (each converted with its
 * type's input function), followed by the limit and the offset.
 */
static void
bind_params(LoadPlan *plan, JsonbValue **jvals, int njvals, Datum limit, bool limit_null,
			Datum offset, bool offset_null, Datum **values, char **nulls)
{
	int			n = plan->nparams;
	MemoryContext scratch;

	if (njvals != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the filter and where: modifiers use %d parameter%s but params has %d value%s",
						n, n == 1 ? "" : "s", njvals, njvals == 1 ? "" : "s"),
				 n > 0 ? errhint("Pass one element of the params array for each of $1 .. $%d.", n)
				 : errhint("The filter and the shape have no $n placeholders: leave params NULL.")));
	*values = palloc(sizeof(Datum) * (n + 2));
	*nulls = palloc(n + 3);
	scratch = AllocSetContextCreate(CurrentMemoryContext, "relorm params", ALLOCSET_DEFAULT_SIZES);
	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		ErrorContextCallback cb;

		cb.callback = param_error_callback;
		cb.arg = &i;
		cb.previous = error_context_stack;
		error_context_stack = &cb;
		(*values)[i] = param_value(jvals[i], param_type(plan->param_types[i]), &isnull, scratch);
		error_context_stack = cb.previous;
		(*nulls)[i] = isnull ? 'n' : ' ';
		MemoryContextReset(scratch);
	}
	MemoryContextDelete(scratch);
	(*values)[n] = limit;
	(*nulls)[n] = limit_null ? 'n' : ' ';
	(*values)[n + 1] = offset;
	(*nulls)[n + 1] = offset_null ? 'n' : ' ';
	(*nulls)[n + 2] = '\0';
}

static JsonbValue **
params_array(Jsonb *params, int *n)
{
	JsonbValue **vals;

	*n = 0;
	if (params == NULL)
		return NULL;
	if (!JB_ROOT_IS_ARRAY(params) || JB_ROOT_IS_SCALAR(params))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("params must be a JSON array"),
				 errhint("Pass the values of $1, $2, ... as jsonb_build_array(...) or '[...]'.")));
	*n = JB_ROOT_COUNT(params);
	vals = palloc(sizeof(JsonbValue *) * Max(1, *n));
	for (int i = 0; i < *n; i++)
		vals[i] = getIthJsonbValueFromContainer(&params->root, i);
	return vals;
}

typedef struct TupleEmit
{
	Tuplestorestate *store;
	TupleDesc	desc;
} TupleEmit;

static bool
emit_to_tuplestore(void *arg, const char *json, int len)
{
	TupleEmit  *te = arg;
	text	   *t = (text *) (json - VARHDRSZ);
	Datum		d = PointerGetDatum(t);
	bool		isnull = false;

	SET_VARSIZE(t, len + VARHDRSZ);
	tuplestore_putvalues(te->store, te->desc, &d, &isnull);
	return true;
}

typedef struct OneEmit
{
	MemoryContext cxt;
	text	   *result;
} OneEmit;

static bool
emit_one(void *arg, const char *json, int len)
{
	OneEmit    *oe = arg;
	MemoryContext old = MemoryContextSwitchTo(oe->cxt);

	oe->result = cstring_to_text_with_len(json, len);
	MemoryContextSwitchTo(old);
	return false;
}

/* Connects SPI, gets the plan and runs it; the cache stays pinned meanwhile. */
static void
run_fetch(Oid root, const char *shape, const char *filter, const char *order_by,
		  JsonbValue **jvals, int njvals, Datum limit, bool limit_null,
		  Datum offset, bool offset_null, TreeEmitter emit, void *arg, int shape_params)
{
	int			ret;
	LoadPlanUse use;

	if ((ret = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(ret));
	load_plan_open(&use, root, shape, filter, order_by, njvals);
	PG_TRY();
	{
		LoadPlan   *plan = use.plan;
		Datum	   *values;
		char	   *nulls;

		/* fetch_one: the shape may use only the params it was given, not the key's */
		if (shape_params >= 0 && plan->shape_nparams > shape_params)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the shape's where: modifiers use $%d but params has %d value%s",
							plan->shape_nparams, shape_params, shape_params == 1 ? "" : "s"),
					 errhint("Pass the values of the shape's $1 .. $%d in relorm.fetch_one's params argument.",
							 plan->shape_nparams)));
		bind_params(plan, jvals, njvals, limit, limit_null, offset, offset_null, &values, &nulls);
		execute_plan(plan, values, nulls, emit, arg);
	}
	PG_FINALLY();
	{
		/* a fetch run from this one's filter may have replaced its plan in the cache */
		load_plan_close(&use);
	}
	PG_END_TRY();
	SPI_finish();
}

/*
 * relorm.fetch(root, shape, filter, params, order_by, row_limit, row_offset)
 *		RETURNS SETOF json
 */
Datum
relorm_fetch(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			root = root_arg(fcinfo);
	char	   *shape = shape_arg(fcinfo);
	char	   *filter = text_arg(fcinfo, 2);
	Jsonb	   *params = PG_ARGISNULL(3) ? NULL : PG_GETARG_JSONB_P(3);
	char	   *order_by = text_arg(fcinfo, 4);
	JsonbValue **jvals;
	int			njvals;
	TupleEmit	te;

	if (!PG_ARGISNULL(5) && PG_GETARG_INT64(5) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ROW_COUNT_IN_LIMIT_CLAUSE),
				 errmsg("row_limit must not be negative")));
	if (!PG_ARGISNULL(6) && PG_GETARG_INT64(6) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE),
				 errmsg("row_offset must not be negative")));

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	te.store = rsinfo->setResult;
	te.desc = rsinfo->setDesc;
	jvals = params_array(params, &njvals);
	run_fetch(root, shape, filter, order_by, jvals, njvals,
			  PG_ARGISNULL(5) ? (Datum) 0 : PG_GETARG_DATUM(5), PG_ARGISNULL(5),
			  PG_ARGISNULL(6) ? (Datum) 0 : PG_GETARG_DATUM(6), PG_ARGISNULL(6),
			  emit_to_tuplestore, &te, -1);
	return (Datum) 0;
}

/* The primary key columns of a table, quoted, in key order. */
static List *
primary_key_columns(Oid relid)
{
	Relation	rel = table_open(relid, AccessShareLock);
	Oid			pkindex = RelationGetPrimaryKeyIndex(rel);
	List	   *cols = NIL;

	if (!OidIsValid(pkindex))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("table %s has no primary key", RelationGetRelationName(rel)),
				 errhint("relorm.fetch_one finds rows by primary key; use relorm.fetch with a filter.")));
	{
		Relation	idx = index_open(pkindex, AccessShareLock);

		for (int i = 0; i < idx->rd_index->indnkeyatts; i++)
			cols = lappend(cols, get_attname(relid, idx->rd_index->indkey.values[i], false));
		index_close(idx, AccessShareLock);
	}
	table_close(rel, AccessShareLock);
	return cols;
}

/* relorm.fetch_one(root, shape, key) RETURNS json */
Datum
relorm_fetch_one(PG_FUNCTION_ARGS)
{
	Oid			root = root_arg(fcinfo);
	char	   *shape = shape_arg(fcinfo);
	Jsonb	   *key;
	List	   *pk;
	ListCell   *lc;
	StringInfoData filter;
	JsonbValue **jvals;
	int			n = 0;
	OneEmit		oe;

	Jsonb	   *params = (PG_NARGS() > 3 && !PG_ARGISNULL(3)) ? PG_GETARG_JSONB_P(3) : NULL;
	JsonbValue **pvals;
	int			np;

	if (PG_ARGISNULL(2))
		PG_RETURN_NULL();
	key = PG_GETARG_JSONB_P(2);
	pk = primary_key_columns(root);

	/*
	 * The shape's where: modifiers use $1..$np from params; the key columns
	 * are the parameters after them.
	 */
	pvals = params_array(params, &np);
	jvals = palloc(sizeof(JsonbValue *) * (list_length(pk) + np));
	for (int i = 0; i < np; i++)
		jvals[i] = pvals[i];
	n = np;
	initStringInfo(&filter);
	foreach(lc, pk)
	{
		char	   *col = lfirst(lc);

		if (n > np)
			appendStringInfoString(&filter, " AND ");
		appendStringInfo(&filter, "%s OPERATOR(pg_catalog.=) $%d", quote_identifier(col), n + 1);
		if (JB_ROOT_IS_SCALAR(key))
		{
			if (list_length(pk) != 1)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the primary key of %s has %d columns", get_rel_name(root), list_length(pk)),
						 errhint("Pass the key as a JSON object with one member per key column.")));
			jvals[n] = palloc(sizeof(JsonbValue));
			JsonbExtractScalar(&key->root, jvals[n]);
		}
		else if (JB_ROOT_IS_OBJECT(key))
		{
			jvals[n] = getKeyJsonValueFromContainer(&key->root, col, strlen(col), NULL);
			if (jvals[n] == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the key has no member \"%s\"", col),
						 errhint("Pass the key as a JSON object with one member per primary key column.")));
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the key must be a JSON scalar or object"),
					 errhint("Pass a scalar for a one-column primary key, an object for a composite one.")));
		if (jvals[n]->type == jbvNull)
			PG_RETURN_NULL();
		n++;
	}
	oe.cxt = CurrentMemoryContext;
	oe.result = NULL;
	run_fetch(root, shape, filter.data, NULL, jvals, n, (Datum) 0, true, (Datum) 0, true,
			  emit_one, &oe, np);
	if (oe.result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(oe.result);
}

static void
explain_level(Tuplestorestate *store, TupleDesc desc, PlanLevel *lvl)
{
	char	   *line;
	Datum		d;
	bool		isnull = false;

	if (lvl->strategy == STRATEGY_ROOT)
		line = psprintf("%s: root cursor, %d rows a batch: %s", lvl->path, relorm_batch_size, lvl->sql);
	else if (lvl->strategy == STRATEGY_JOINED)
		line = psprintf("%s: %s joined, no query of its own: LEFT JOIN %s in the query of %s",
						lvl->path, lvl->rel->kind_name, lvl->join_alias, lvl->query_path);
	else
	{
		const char *how = lvl->count ? "count" :
			lvl->strategy == STRATEGY_SELECT ?
			(lvl->limit >= 0 || lvl->offset > 0 ? "select (top-N per parent)" : "select") : "selectin";
		const char *rec = !lvl->recursive ? "" :
			lvl->max_depth > 0 ? psprintf(", recursive to depth %d", lvl->max_depth) :
			psprintf(", recursive to the leaves (at most relorm.max_depth = %d)", relorm_max_depth);

		line = psprintf("%s: %s %s%s, 1 query a batch%s: %s", lvl->path, lvl->rel->kind_name, how, rec,
						lvl->recursive ? " and level" : "", lvl->sql);
	}
	/* one line per level: the newlines that close embedded fragments become spaces */
	for (char *p = line; *p; p++)
		if (*p == '\n')
			*p = ' ';
	d = CStringGetTextDatum(line);
	tuplestore_putvalues(store, desc, &d, &isnull);
	for (int c = 0; c < lvl->nchildren; c++)
		if (lvl->children[c] != lvl)
			explain_level(store, desc, lvl->children[c]);
}

/* relorm.explain(root, shape, filter, order_by) RETURNS SETOF text */
Datum
relorm_explain(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			root = root_arg(fcinfo);
	char	   *shape = shape_arg(fcinfo);
	char	   *filter = text_arg(fcinfo, 2);
	char	   *order_by = text_arg(fcinfo, 3);
	int			ret;
	LoadPlanUse use;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	if ((ret = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(ret));
	load_plan_open(&use, root, shape, filter, order_by, RELORM_MAX_PARAMS);
	PG_TRY();
	{
		explain_level(rsinfo->setResult, rsinfo->setDesc, use.plan->top);
	}
	PG_FINALLY();
	{
		load_plan_close(&use);
	}
	PG_END_TRY();
	SPI_finish();
	return (Datum) 0;
}
