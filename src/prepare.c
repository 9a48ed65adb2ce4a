/*
 * prepare.c
 *		The last passes of the planner: the types of the parameters the
 *		fragments use (before the SQL is written, which numbers the root's
 *		limit and offset after them), then, once it is written, each level's
 *		query prepared with SPI and kept, and the renderers of its columns set
 *		up: the type each must have when the query runs, how it renders, and
 *		the functions rendering calls.
 */
#include "relorm.h"

#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "citus.h"
#include "miscadmin.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "prepare.h"
#include "fragment.h"
#include "names.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

/* Where an error in a query relorm wrote came from: the query, and what it was for. */
typedef struct PrepareContext
{
	const char *sql;
	const char *what;			/* "preparing the query of level users.posts" */
} PrepareContext;

static void
prepare_error_callback(void *arg)
{
	PrepareContext *pc = arg;
	int			pos = geterrposition();

	if (pos > 0)
	{
		errposition(0);
		internalerrposition(pos);
		internalerrquery(pc->sql);
	}
	errcontext("relorm: %s", pc->what);
}

static void
push_context(ErrorContextCallback *cb, PrepareContext *pc)
{
	cb->callback = prepare_error_callback;
	cb->arg = pc;
	cb->previous = error_context_stack;
	error_context_stack = cb;
}

/*
 * Types of $1..$n as the fragments use them (each analyzed over its own
 * table; unresolved ones as text), the primary key's parameters for
 * fetch_one, then the root's limit and offset.
 */
void
relorm_prepare_params(LoadPlan *plan)
{
	Oid		   *types = NULL;
	int			n = 0;
	int			ninferred;
	ErrorContextCallback cb;
	PrepareContext pc;
	ListCell   *lc;
	PlanLevel  *top = plan->top;

	push_context(&cb, &pc);
	foreach(lc, plan->fragments)
	{
		Fragment   *f = lfirst(lc);
		List	   *raw;

		CHECK_FOR_INTERRUPTS();
		pc.what = f->what;
		pc.sql = psprintf("SELECT 1 FROM %s%s%s WHERE %s",
						  relorm_qualified_table(f->relid),
						  f->unaliased ? "" : " AS ", f->unaliased ? "" : quote_identifier(get_rel_name(f->relid)),
						  relorm_embed_expression(f->text));
		raw = raw_parser(pc.sql, RAW_PARSE_DEFAULT);
		(void) parse_analyze_varparams(linitial_node(RawStmt, raw), pc.sql, &types, &n, NULL);
	}
	error_context_stack = cb.previous;
	ninferred = n;
	if (plan->by_key)
		n = Max(n, plan->key_param + top->npk);
	plan->nparams = n;
	plan->param_types = palloc(sizeof(Oid) * (n + 2));
	for (int i = 0; i < n; i++)
		plan->param_types[i] = (i >= ninferred || types[i] == InvalidOid || types[i] == UNKNOWNOID)
			? TEXTOID : types[i];
	for (int k = 0; plan->by_key && k < top->npk; k++)
	{
		Oid			type = get_atttype(top->relid, get_attnum(top->relid, top->pk[k]));

		plan->param_types[plan->key_param + k] = plan->key_list ? get_array_type(type) : type;
	}
	plan->param_types[n] = INT8OID;
	plan->param_types[n + 1] = INT8OID;
}

static SPIPlanPtr
prepare_kept(const char *sql, const char *path, int nargs, Oid *types, int cursor_options)
{
	ErrorContextCallback cb;
	PrepareContext pc;
	SPIPlanPtr	p;

	pc.sql = sql;
	pc.what = psprintf("preparing the query of level %s", path);
	push_context(&cb, &pc);
	p = SPI_prepare_cursor(sql, nargs, types, cursor_options);
	if (p == NULL)
		elog(ERROR, "SPI_prepare failed for level %s: %s", path, SPI_result_code_string(SPI_result));
	error_context_stack = cb.previous;
	if (SPI_keepplan(p) != 0)
		elog(ERROR, "SPI_keepplan failed");
	return p;
}

/*
 * Whether a level's query may also be planned with sorts disabled, for
 * batches of many keys.  Its rows must come grouped by the parent key and in
 * the level's order within each parent.  An index on the key returns them in
 * key order, so only each parent's few rows need sorting (an incremental
 * sort); but the generic plan is costed for ten keys, and at that size a sort
 * of every row looks as cheap.  With thousands of keys that sort is slower,
 * and spills to disk past work_mem (50,000 comments a batch in the
 * benchmark's full tree: 4.4 MB written twice a call).  With few keys the
 * incremental sort costs more than it saves, so such batches keep the plain
 * plan.  Disabling the sort leaves the planner the incremental sort where
 * there is such an index, and the full sort where there is none.  Only for a
 * plain table read alone by a one-column key (key = ANY($1), which an index
 * on the key answers in its order): with a join (an association table, a
 * to-one joined in, an EXISTS filter) or inside a view it would also turn
 * hash joins into nested loops, and a composite key's EXISTS over the
 * unnested keys became a filter run for every row of an index read whole
 * (15,000 comments against 5,000 keys: 1.5 s where the first plan takes
 * 20 ms); a per-parent limit or an aggregate has a form of its own.
 */
static bool
level_may_plan_unsorted(const PlanLevel *lvl)
{
	char		relkind = get_rel_relkind(lvl->relid);

	return lvl->rel != NULL && lvl->rel->nkeys == 1 && lvl->rel->secondary == InvalidOid && lvl->njoins == 0 &&
		lvl->filters == NIL && lvl->limit < 0 && !lvl->count && !lvl->grouped &&
		!lvl->spread_arrays && (relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE);
}

/* Each child level's query takes its parent keys ($1..$k) and then the fetch's params. */
static void
prepare_children(LoadPlan *plan, PlanLevel *lvl)
{
	for (int c = 0; c < lvl->nchildren; c++)
	{
		PlanLevel  *child = lvl->children[c];
		int			nkeys;
		Oid		   *types;

		CHECK_FOR_INTERRUPTS();
		if (child == lvl)
			continue;			/* a recursion: prepared once, as lvl */
		if (child->strategy != STRATEGY_JOINED)
		{
			nkeys = child->rel->nkeys;
			/* in the plan's memory: the unsorted plan is prepared with them later */
			types = MemoryContextAlloc(plan->cxt, sizeof(Oid) * (nkeys + plan->nparams + 1));
			for (int k = 0; k < nkeys; k++)
				types[k] = get_array_type(child->key_types[k]);
			for (int i = 0; i < plan->nparams; i++)
				types[nkeys + i] = plan->param_types[i];

			/*
			 * A level runs once per batch with another key array each time: a
			 * generic plan, so that no batch is planned again; or a custom one
			 * (uses_custom_plans).
			 */
			child->nargs = nkeys + plan->nparams;
			child->argtypes = types;
			child->plan = prepare_kept(child->sql, child->path, child->nargs, types,
									   plan->custom_plans ? CURSOR_OPT_CUSTOM_PLAN : CURSOR_OPT_GENERIC_PLAN);
			/* a custom plan sees the keys, and sorts as few rows as it must */
			child->may_plan_unsorted = !plan->custom_plans && level_may_plan_unsorted(child);
		}
		prepare_children(plan, child);
	}
}

/*
 * A level's unsorted plan (above), prepared the first time a batch needs it;
 * the caller runs it with enable_sort off, under which its generic plan is
 * built.
 */
SPIPlanPtr
relorm_prepare_unsorted(PlanLevel *lvl)
{
	if (lvl->plan_unsorted == NULL)
		lvl->plan_unsorted = prepare_kept(lvl->sql, lvl->path, lvl->nargs, lvl->argtypes,
										  CURSOR_OPT_GENERIC_PLAN);
	return lvl->plan_unsorted;
}

static void set_up_renderers(PlanLevel *lvl, MemoryContext cxt, List **funcs);

/* A joined child renders from its parent's result columns. */
static void
share_renderers(PlanLevel *joined, JsonOutColumn *out, MemoryContext cxt, List **funcs)
{
	joined->out = out;
	for (int c = 0; c < joined->nchildren; c++)
		if (joined->children[c]->strategy != STRATEGY_JOINED)
			set_up_renderers(joined->children[c], cxt, funcs);
}

/*
 * Render info for every result column of every level, the type each column
 * must have when the level's query runs, and the functions rendering calls
 * (casts to json, collected into funcs).
 */
static void
set_up_renderers(PlanLevel *lvl, MemoryContext cxt, List **funcs)
{
	lvl->out = palloc0(sizeof(JsonOutColumn) * Max(1, lvl->ncols));
	lvl->coltypes = palloc(sizeof(Oid) * Max(1, lvl->ncols));
	for (int k = 0; k < lvl->nkeycols; k++)
		lvl->coltypes[k] = lvl->key_types[k];
	for (int i = 0; i < lvl->nattrs; i++)
	{
		JsonOutColumn *col = &lvl->out[lvl->nkeycols + i];

		lvl->coltypes[lvl->nkeycols + i] = lvl->count ? INT8OID :
			lvl->attrs[i].expr ? lvl->attrs[i].expr->type :
			get_atttype(lvl->attrs[i].relid, lvl->attrs[i].attnum);
		relorm_json_out_init_column(col, lvl->coltypes[lvl->nkeycols + i], cxt);
		if (col->category == JO_CAST)
			*funcs = list_append_unique_oid(*funcs, col->fn.fn_oid);
	}
	for (int j = 0; j < lvl->njoins; j++)
		share_renderers(lvl->joins[j], lvl->out, cxt, funcs);
	for (int c = 0; c < lvl->nchildren; c++)
		if (lvl->children[c]->strategy != STRATEGY_JOINED && lvl->children[c] != lvl)
			set_up_renderers(lvl->children[c], cxt, funcs);
}

/*
 * Whether the plan reads a Citus table (deparse.c writes some levels in
 * forms Citus can push down), and whether every query of the plan is
 * planned for each run's values (relorm.level_plans).  Citus routes "dist_col = ANY($1)" to the shards
 * holding the keys only when it sees them: a generic plan of a query on a
 * distributed table fails with "could not create distributed plan", and a
 * reference table is planned the same way.
 */
void
relorm_choose_plans(LoadPlan *plan)
{
	plan->reads_citus = false;
	for (int i = 0; i < plan->nrelids && !plan->reads_citus; i++)
		plan->reads_citus = relorm_citus_kind(plan->relids[i]) != RELORM_CITUS_NONE;
	plan->custom_plans = relorm_level_plans == RELORM_LEVEL_PLANS_AUTO ? plan->reads_citus :
		relorm_level_plans == RELORM_LEVEL_PLANS_CUSTOM;
}

/*
 * Prepares every level's query and sets up its renderers; records the
 * functions the plan calls, for plan_cache.c.
 */
void
relorm_prepare(LoadPlan *plan)
{
	List	   *funcs = list_copy(plan->value_funcs);
	ListCell   *lc;

	set_up_renderers(plan->top, plan->cxt, &funcs);
	plan->nfuncs = list_length(funcs);
	plan->funcs = palloc(sizeof(Oid) * Max(1, plan->nfuncs));
	plan->func_hashes = palloc(sizeof(uint32) * Max(1, plan->nfuncs));
	foreach(lc, funcs)
	{
		plan->funcs[foreach_current_index(lc)] = lfirst_oid(lc);
		plan->func_hashes[foreach_current_index(lc)] =
			GetSysCacheHashValue1(PROCOID, ObjectIdGetDatum(lfirst_oid(lc)));
	}

	/*
	 * The root query runs once per call, through a cursor read to the end:
	 * planned for all its rows, custom or generic as PostgreSQL chooses for a
	 * prepared statement (the filter's values may matter); custom always
	 * when every query is.
	 */
	plan->top->plan = prepare_kept(plan->top->sql, plan->top->path, plan->nparams + 2,
								   plan->param_types, plan->custom_plans ? CURSOR_OPT_CUSTOM_PLAN : 0);
	prepare_children(plan, plan->top);
}
