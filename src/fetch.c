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
#include "fetch_call.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "load_plan.h"
#include "names.h"
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

PG_FUNCTION_INFO_V1(relorm_fetch_one);
PG_FUNCTION_INFO_V1(relorm_explain);

/*
 * The root argument, locked and checked: a regclass argument is only an OID,
 * which may name nothing (0::regclass) or a relation dropped since the call
 * was parsed.  The lock is taken first, so that a drop cannot slip in between
 * the check and the fetch.
 */
Oid
relorm_fetch_root_arg(FunctionCallInfo fcinfo)
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

char *
relorm_fetch_shape_arg(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the shape of a fetch must not be null"),
				 errhint("Use \"*\" for every column.")));
	return relorm_text_arg(fcinfo, 1);
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

/*
 * key_case => 'camel' or 'none'; NULL (or a function declared before the
 * argument existed): the relorm.key_case setting.
 */
bool
relorm_fetch_key_case_arg(FunctionCallInfo fcinfo, int n)
{
	const char *v;

	if (PG_NARGS() <= n || PG_ARGISNULL(n))
		return relorm_key_case == RELORM_KEY_CASE_CAMEL;
	v = relorm_lower_option(text_to_cstring(PG_GETARG_TEXT_PP(n)));
	if (strcmp(v, "camel") == 0)
		return true;
	if (strcmp(v, "none") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid key_case \"%s\"", text_to_cstring(PG_GETARG_TEXT_PP(n))),
				 errhint("key_case is 'camel' (createdAt) or 'none' (as named).")));
	return false;
}


/*
 * The values of the primary key's columns (in the plan's key order), after
 * the shape's params: a scalar for a one-column key, an object with a
 * member per column.  Returns false when one of them is JSON null: no row
 * has a NULL primary key.
 */
static bool
key_values(FetchCall *call, PlanLevel *top, JsonbValue ***jvals, int *njvals)
{
	Jsonb	   *key = call->key;
	JsonbValue **vals = palloc(sizeof(JsonbValue *) * (call->nparams + top->npk));
	int			n = call->nparams;

	memcpy(vals, call->params, sizeof(JsonbValue *) * call->nparams);
	if (JB_ROOT_IS_SCALAR(key) && top->npk != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the primary key of %s has %d columns", get_rel_name(top->relid), top->npk),
				 errhint("Pass the key as a JSON object with one member per key column.")));
	if (!JB_ROOT_IS_SCALAR(key) && !JB_ROOT_IS_OBJECT(key))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the key must be a JSON scalar or object"),
				 errhint("Pass a scalar for a one-column primary key, an object for a composite one.")));
	for (int k = 0; k < top->npk; k++)
	{
		if (JB_ROOT_IS_SCALAR(key))
		{
			vals[n] = palloc(sizeof(JsonbValue));
			JsonbExtractScalar(&key->root, vals[n]);
		}
		else
		{
			vals[n] = getKeyJsonValueFromContainer(&key->root, top->pk[k], strlen(top->pk[k]), NULL);
			if (vals[n] == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the key has no member \"%s\"", top->pk[k]),
						 errhint("Pass the key as a JSON object with one member per primary key column.")));
		}
		if (vals[n]->type == jbvNull)
			return false;
		n++;
	}
	*jvals = vals;
	*njvals = n;
	return true;
}

/* Connects SPI, opens the plan, binds the call's values and runs it. */
static void
run_fetch(FetchCall *call, TreeEmitter emit, void *arg)
{
	int			ret;
	LoadPlanUse use;

	if ((ret = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(ret));
	relorm_plan_open(&use, &call->req);
	PG_TRY();
	{
		LoadPlan   *plan = use.plan;
		JsonbValue **jvals = call->params;
		int			njvals = call->nparams;
		Datum	   *values;
		char	   *nulls;

		if (call->key == NULL || key_values(call, plan->top, &jvals, &njvals))
		{
			bind_params(plan, jvals, njvals, call->limit, call->limit_null, call->offset,
						call->offset_null, &values, &nulls);
			relorm_execute(plan, values, nulls, emit, arg);
		}
	}
	PG_FINALLY();
	{
		/* a fetch run from this one's filter may have replaced its plan in the cache */
		relorm_plan_close(&use);
	}
	PG_END_TRY();
	SPI_finish();
}

/*
 * The trees of the roots with these keys, in their order (a key twice: its
 * tree twice): keys[k][i] is the text of the k-th key column of the i-th
 * root.  relorm.save reads back what it wrote so, in one set-based fetch.
 */
void
relorm_fetch_key_list(Oid root, const char *shape, bool camel, char ***keys, int n, TreeEmitter emit, void *arg)
{
	PlanRequest req;
	LoadPlanUse use;
	int			ret;

	memset(&req, 0, sizeof(req));
	req.root = root;
	req.shape = shape;
	req.by_key = true;
	req.key_list = true;
	req.camel = camel;
	if ((ret = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(ret));
	relorm_plan_open(&use, &req);
	PG_TRY();
	{
		PlanLevel  *top = use.plan->top;
		Datum	   *values = palloc(sizeof(Datum) * (top->npk + 2));
		char	   *nulls = palloc(top->npk + 3);

		for (int k = 0; k < top->npk; k++)
		{
			Oid			type = get_atttype(root, get_attnum(root, top->pk[k]));
			Oid			in;
			Oid			ioparam;
			int16		typlen;
			bool		typbyval;
			char		typalign;
			Datum	   *elems = palloc(sizeof(Datum) * Max(1, n));

			getTypeInputInfo(type, &in, &ioparam);
			get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
			for (int i = 0; i < n; i++)
				elems[i] = OidInputFunctionCall(in, keys[k][i], ioparam, -1);
			values[k] = PointerGetDatum(construct_array(elems, n, type, typlen, typbyval, typalign));
			nulls[k] = ' ';
		}
		nulls[top->npk] = nulls[top->npk + 1] = 'n';
		nulls[top->npk + 2] = '\0';
		values[top->npk] = values[top->npk + 1] = (Datum) 0;
		relorm_execute(use.plan, values, nulls, emit, arg);
	}
	PG_FINALLY();
	{
		relorm_plan_close(&use);
	}
	PG_END_TRY();
	SPI_finish();
}

/*
 * The arguments of relorm.fetch(root, shape, filter, params, order_by,
 * row_limit, row_offset, key_case), read into call (fetch_stream.c runs it).
 */
void
relorm_fetch_args(FunctionCallInfo fcinfo, FetchCall *call)
{
	memset(call, 0, sizeof(*call));
	call->req.root = relorm_fetch_root_arg(fcinfo);
	call->req.shape = relorm_fetch_shape_arg(fcinfo);
	call->req.filter = relorm_text_arg(fcinfo, 2);
	call->req.order_by = relorm_text_arg(fcinfo, 4);
	call->req.camel = relorm_fetch_key_case_arg(fcinfo, 7);
	if (!PG_ARGISNULL(5) && PG_GETARG_INT64(5) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ROW_COUNT_IN_LIMIT_CLAUSE),
				 errmsg("row_limit must not be negative")));
	if (!PG_ARGISNULL(6) && PG_GETARG_INT64(6) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE),
				 errmsg("row_offset must not be negative")));
	call->params = params_array(PG_ARGISNULL(3) ? NULL : PG_GETARG_JSONB_P(3), &call->nparams);
	call->req.max_params = call->nparams;
	call->limit = PG_ARGISNULL(5) ? (Datum) 0 : PG_GETARG_DATUM(5);
	call->limit_null = PG_ARGISNULL(5);
	call->offset = PG_ARGISNULL(6) ? (Datum) 0 : PG_GETARG_DATUM(6);
	call->offset_null = PG_ARGISNULL(6);
}

/* The values of a call's parameters for its plan (the filter's and the shape's $n, the limit, the offset). */
void
relorm_fetch_bind(FetchCall *call, LoadPlan *plan, Datum **values, char **nulls)
{
	bind_params(plan, call->params, call->nparams, call->limit, call->limit_null, call->offset,
				call->offset_null, values, nulls);
}

/*
 * relorm.fetch_one(root, shape, key, params, key_case) RETURNS json: the shape's $n
 * are params' values, the key's columns are compared with the parameters
 * after them (the plan knows the primary key).
 */
Datum
relorm_fetch_one(PG_FUNCTION_ARGS)
{
	FetchCall	call;
	OneEmit		oe;

	memset(&call, 0, sizeof(call));
	call.req.root = relorm_fetch_root_arg(fcinfo);
	call.req.shape = relorm_fetch_shape_arg(fcinfo);
	if (PG_ARGISNULL(2))
		PG_RETURN_NULL();
	call.key = PG_GETARG_JSONB_P(2);
	call.params = params_array((PG_NARGS() > 3 && !PG_ARGISNULL(3)) ? PG_GETARG_JSONB_P(3) : NULL,
							   &call.nparams);
	call.req.by_key = true;
	call.req.key_param = call.nparams;
	call.req.camel = relorm_fetch_key_case_arg(fcinfo, 4);
	call.req.max_params = call.nparams;
	call.limit_null = call.offset_null = true;
	oe.cxt = CurrentMemoryContext;
	oe.result = NULL;
	run_fetch(&call, emit_one, &oe);
	if (oe.result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(oe.result);
}

/* A tree relorm.explain's analyze run drops: only counted (RunStats). */
static bool
discard_tree(void *arg, const char *json, int len)
{
	return true;
}

/*
 * relorm.explain(..., analyze => true): runs the fetch, its trees dropped,
 * and returns what each level did.  The filter cannot take $n here (explain
 * has no params): a filter that uses them is refused.
 */
static RunStats *
explain_analyze(LoadPlan *plan)
{
	Datum	   *values = palloc0(sizeof(Datum) * (plan->nparams + 2));
	char	   *nulls = palloc(plan->nparams + 3);
	RelormRun  *run;
	RunStats   *stats;

	if (plan->nparams > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relorm.explain with analyze cannot run a fetch whose filter or shape uses $n"),
				 errhint("Write the values into the filter for the analysis, or time relorm.fetch with its params.")));
	memset(nulls, ' ', plan->nparams + 2);
	nulls[plan->nparams] = nulls[plan->nparams + 1] = 'n';	/* no row_limit, no row_offset */
	nulls[plan->nparams + 2] = '\0';
	run = relorm_run_start(plan, values, nulls);
	while (relorm_run_batch(run, discard_tree, NULL))
		;
	stats = relorm_run_stats(run);
	relorm_run_end(run);
	return stats;
}

static void
explain_level(Tuplestorestate *store, TupleDesc desc, LoadPlan *plan, PlanLevel *lvl, RunStats *stats)
{
	char	   *line;
	Datum		d;
	bool		isnull = false;
	/* relorm.level_plans: custom plans are told, generic ones are the rule */
	const char *planned = plan->custom_plans ? ", planned for its keys" : "";

	if (lvl->strategy == STRATEGY_ROOT)
		line = psprintf("%s: root cursor, %d rows a batch%s: %s", lvl->path, relorm_batch_size,
						plan->custom_plans ? ", planned for its values" : "", lvl->sql);
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

		line = psprintf("%s: %s %s%s, 1 query a batch%s%s: %s", lvl->path, lvl->rel->kind_name, how, rec,
						lvl->recursive ? " and level" : "", planned, lvl->sql);
	}
	if (stats && lvl->strategy != STRATEGY_JOINED)
		line = psprintf("%s (actual: " INT64_FORMAT " row%s, " INT64_FORMAT " quer%s, %.3f ms)", line,
						stats->rows[lvl->level_id], stats->rows[lvl->level_id] == 1 ? "" : "s",
						stats->queries[lvl->level_id], stats->queries[lvl->level_id] == 1 ? "y" : "ies",
						stats->ms[lvl->level_id]);
	d = CStringGetTextDatum(line);
	tuplestore_putvalues(store, desc, &d, &isnull);
	for (int c = 0; c < lvl->nchildren; c++)
		if (lvl->children[c] != lvl)
			explain_level(store, desc, plan, lvl->children[c], stats);
}

/* relorm.explain(root, shape, filter, order_by, analyze) RETURNS SETOF text */
Datum
relorm_explain(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PlanRequest req;
	LoadPlanUse use;
	int			ret;
	bool		analyze;

	memset(&req, 0, sizeof(req));
	req.root = relorm_fetch_root_arg(fcinfo);
	req.shape = relorm_fetch_shape_arg(fcinfo);
	req.filter = relorm_text_arg(fcinfo, 2);
	req.order_by = relorm_text_arg(fcinfo, 3);
	req.max_params = RELORM_MAX_PARAMS;
	analyze = PG_NARGS() > 4 && !PG_ARGISNULL(4) && PG_GETARG_BOOL(4);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	if ((ret = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(ret));
	relorm_plan_open(&use, &req);
	PG_TRY();
	{
		RunStats   *stats = analyze ? explain_analyze(use.plan) : NULL;

		explain_level(rsinfo->setResult, rsinfo->setDesc, use.plan, use.plan->top, stats);
		if (stats)
		{
			Datum		d = CStringGetTextDatum(psprintf("trees: " INT64_FORMAT, stats->trees));
			bool		isnull = false;

			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &d, &isnull);
		}
	}
	PG_FINALLY();
	{
		relorm_plan_close(&use);
	}
	PG_END_TRY();
	SPI_finish();
	return (Datum) 0;
}
