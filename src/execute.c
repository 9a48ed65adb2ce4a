/*
 * execute.c
 *		Executes a load plan.  Root rows come from an SPI cursor, relorm.batch_size
 *		at a time.  For each batch, every relationship level is loaded with one
 *		query over the distinct keys of its parents (key = ANY($1)), ordered by
 *		key so each parent's children arrive together; the children's JSON is
 *		written into one buffer per level and each parent's slice is located
 *		through a hash table of its key.  A level with children is held (as
 *		SPI's tuples) until its children are loaded; a leaf level is rendered
 *		straight from the executor's slots as its query runs (render.c writes
 *		the objects).  relorm.max_rows is counted here.  Everything a
 *		batch allocates lives in a context that is reset when the batch's trees
 *		have been emitted.
 *
 *		All queries run read-only on the caller's snapshot, so every level of
 *		every batch sees the same data.
 */
#include "relorm.h"

#include <limits.h>

#include "access/htup_details.h"
#include "common/hashfn.h"
#include "execute.h"
#include "prepare.h"
#include "render.h"
#include "run_buffers.h"
#include "executor/tuptable.h"
#include "portability/instr_time.h"
#include "miscadmin.h"
#include "nodes/params.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

/* The rows of one level, deformed. */
typedef struct LevelRows
{
	int			nrows;
	int			ncols;
	Datum	   *values;			/* nrows * ncols */
	bool	   *nulls;
} LevelRows;

/* The distinct keys of a child relationship among its parents' rows. */
typedef struct KeySet
{
	int			nkeys;			/* key columns */
	int			nslots;			/* distinct keys */
	int			mask;			/* hash buckets - 1 */
	int		   *buckets;		/* slot + 1, 0 when empty */
	int		   *next;			/* collision chain: slot + 1 */
	uint32	   *hashes;
	Datum	  **keyvals;		/* [key column][slot] */
} KeySet;

/* What a running fetch carries through its levels. */
typedef struct ExecState
{
	MemoryContext batch_cxt;	/* reset after each batch; SPI calls return in
								 * SPI's own context, so it is switched back to */
	LoadPlan   *plan;
	Datum	   *params;			/* the fetch's params, $k+1.. of every level's query */
	const char *nulls;
	int		   *depth;			/* per recursion: the depth being loaded */

	RunBuffers *bufs;

	int64	   *loaded;			/* per level (PlanLevel.level_id): rows loaded, for relorm.max_rows */
	RunStats	stats;			/* queries and their time per level (relorm_run_stats) */
} ExecState;

static ChildLoad *load_children(ExecState *es, PlanLevel *lvl, LevelRows *rows);

/*
 * relorm.max_rows: n more rows of level lvl would pass it.  Checked as rows
 * arrive (a query's rows are read at most one past the limit), so a fetch
 * too large stops before it holds them.
 */
static void
count_rows(ExecState *es, PlanLevel *lvl, uint64 n)
{
	es->loaded[lvl->level_id] += n;
	if (relorm_max_rows > 0 && es->loaded[lvl->level_id] > relorm_max_rows)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("level %s of the fetch loads more than relorm.max_rows (%d) rows", lvl->path, relorm_max_rows),
				 lvl->strategy == STRATEGY_ROOT ?
				 errhint("Narrow the filter, page with row_limit and row_offset, or raise relorm.max_rows.") :
				 errhint("Narrow the level with where: or limit:, fetch fewer parents, or raise relorm.max_rows.")));
}

/* The most rows a level's query may still return before passing relorm.max_rows, plus one; 0: all. */
static uint64
rows_allowed(ExecState *es, PlanLevel *lvl)
{
	if (relorm_max_rows <= 0)
		return 0;
	return relorm_max_rows - Min(es->loaded[lvl->level_id], relorm_max_rows) + 1;
}

/*
 * Arrays as long as a level's rows (or rows times columns): past 1 GB only
 * for wide rows in large batches, which PostgreSQL's huge allocations allow.
 */
static void *
rows_alloc(Size size)
{
	return palloc_extended(Max(size, 1), MCXT_ALLOC_HUGE);
}

static void *
rows_alloc0(Size size)
{
	return palloc_extended(Max(size, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
}

/*
 * A level's query must return the columns its renderers were set up for.
 * The fetch holds its tables open and locked, so nothing should change
 * them; this is the last line of defence, as plancache.c's "cached plan must
 * not change result type" is PostgreSQL's.
 */
static void
check_result_types(PlanLevel *lvl, TupleDesc desc)
{
	bool		same = desc->natts >= lvl->ncols;

	for (int i = 0; same && i < lvl->ncols; i++)
		same = TupleDescAttr(desc, i)->atttypid == lvl->coltypes[i];
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the columns of level %s changed while the fetch ran", lvl->path),
				 errhint("Run the fetch again.")));
}

/*
 * A function the plan calls to render (a cast to json) changed while it ran,
 * which only the fetch's own filter can do: it must still exist.
 */
static void
check_functions(LoadPlan *plan)
{
	if (!plan->funcs_changed)
		return;
	for (int i = 0; i < plan->nfuncs; i++)
		if (!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(plan->funcs[i])))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("a function this fetch calls to render values as json was dropped while it ran"),
					 errhint("Run the fetch again.")));
	plan->funcs_changed = false;
}

static inline uint32
key_hash(PlanLevel *child, int k, Datum d)
{
	if (child->key_fast[k])
		return hash_bytes_uint32((uint32) d ^ (uint32) ((uint64) d >> 32));
	return DatumGetUInt32(FunctionCall1Coll(&child->key_hash[k], child->key_coll[k], d));
}

static inline bool
key_equal(PlanLevel *child, int k, Datum a, Datum b)
{
	if (child->key_fast[k])
		return a == b;
	return DatumGetBool(FunctionCall2Coll(&child->key_eq[k], child->key_coll[k], a, b));
}

static uint32
row_key_hash(PlanLevel *child, const Datum *vals, const int *cols)
{
	uint32		h = 0;

	for (int k = 0; k < child->rel->nkeys; k++)
		h = hash_combine(h, key_hash(child, k, vals[cols ? cols[k] : k]));
	return h;
}

/* The slot of a key, or -1. vals[cols[k]] are the key's values. */
static int
keyset_find(KeySet *ks, PlanLevel *child, const Datum *vals, const int *cols, uint32 h)
{
	for (int s = ks->buckets[h & ks->mask]; s != 0; s = ks->next[s - 1])
	{
		int			slot = s - 1;
		bool		eq = ks->hashes[slot] == h;

		for (int k = 0; eq && k < ks->nkeys; k++)
			eq = key_equal(child, k, ks->keyvals[k][slot], vals[cols ? cols[k] : k]);
		if (eq)
			return slot;
	}
	return -1;
}

/*
 * Collects the distinct non-NULL keys of the parent rows (found in their
 * columns keycols), slot per row.
 */
static void
keyset_build(KeySet *ks, PlanLevel *child, LevelRows *rows, int *row_slot, const int *keycols)
{
	int			nkeys = child->rel->nkeys;
	int			nb = 16;

	while (nb < rows->nrows * 2)
		nb <<= 1;
	ks->nkeys = nkeys;
	ks->nslots = 0;
	ks->mask = nb - 1;
	ks->buckets = rows_alloc0(sizeof(int) * (Size) nb);
	ks->next = rows_alloc(sizeof(int) * (Size) rows->nrows);
	ks->hashes = rows_alloc(sizeof(uint32) * (Size) rows->nrows);
	ks->keyvals = palloc(sizeof(Datum *) * nkeys);
	for (int k = 0; k < nkeys; k++)
		ks->keyvals[k] = rows_alloc(sizeof(Datum) * (Size) rows->nrows);

	for (int i = 0; i < rows->nrows; i++)
	{
		Datum	   *vals = rows->values + (Size) i * rows->ncols;
		bool	   *nulls = rows->nulls + (Size) i * rows->ncols;
		bool		anynull = false;
		uint32		h;
		int			slot;

		CHECK_FOR_INTERRUPTS();
		for (int k = 0; k < nkeys; k++)
			anynull |= nulls[keycols[k]];
		if (anynull)
		{
			row_slot[i] = -1;
			continue;
		}
		h = row_key_hash(child, vals, keycols);
		slot = keyset_find(ks, child, vals, keycols, h);
		if (slot < 0)
		{
			slot = ks->nslots++;
			ks->hashes[slot] = h;
			for (int k = 0; k < nkeys; k++)
				ks->keyvals[k][slot] = vals[keycols[k]];
			ks->next[slot] = ks->buckets[h & ks->mask];
			ks->buckets[h & ks->mask] = slot + 1;
		}
		row_slot[i] = slot;
	}
}

/* Deforms an SPI result into values/nulls arrays (pointing into its tuples). */
static void
deform_rows(SPITupleTable *tt, uint64 n, LevelRows *rows)
{
	int			ncols = tt->tupdesc->natts;

	if (n > INT_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a level returned " UINT64_FORMAT " rows for one batch of parents, more than relorm can group", n),
				 errhint("Lower relorm.batch_size.")));
	rows->nrows = (int) n;
	rows->ncols = ncols;
	rows->values = rows_alloc(sizeof(Datum) * (Size) n * ncols);
	rows->nulls = rows_alloc(sizeof(bool) * (Size) n * ncols);
	for (uint64 i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		heap_deform_tuple(tt->vals[i], tt->tupdesc,
						  rows->values + i * ncols, rows->nulls + i * ncols);
	}
}

/* Whether two child rows carry the same parent key (their leading columns). */
static bool
same_key(PlanLevel *child, const Datum *a, const Datum *b)
{
	for (int k = 0; k < child->rel->nkeys; k++)
		if (!key_equal(child, k, a[k], b[k]))
			return false;
	return true;
}

/* Groups a child level's rows, in key order, to the slots of their parents. */
typedef struct Grouper
{
	ExecState  *es;
	PlanLevel  *child;
	KeySet	   *ks;
	ChildLoad  *cl;				/* where the rows are written */
	ChildLoad  *cloads;			/* the loads of the child's own children */
	int			cur;			/* slot of the current key, -1 before the first row */
	Datum	   *key;			/* the current key, copied into the batch context */
} Grouper;

/* Renders one child row into its parent's slot. */
static void
group_row(Grouper *g, Datum *vals, bool *nulls, int i)
{
	PlanLevel  *child = g->child;
	ChildLoad  *cl = g->cl;
	int			elem;

	CHECK_FOR_INTERRUPTS();
	if (g->cur < 0 || !same_key(child, g->key, vals))
	{
		MemoryContext old;

		g->cur = keyset_find(g->ks, child, vals, NULL, row_key_hash(child, vals, NULL));
		if (g->cur < 0 || cl->start[g->cur] >= 0)
			elog(ERROR, "relorm: rows of level %s are not grouped by their parent key", child->path);
		cl->start[g->cur] = cl->buf->len;
		old = MemoryContextSwitchTo(g->es->batch_cxt);
		for (int k = 0; k < child->rel->nkeys; k++)
			g->key[k] = datumCopy(vals[k], child->key_typbyval[k], child->key_typlen[k]);
		MemoryContextSwitchTo(old);
	}
	else
		appendStringInfoCharMacro(cl->buf, ',');
	elem = cl->buf->len;
	if (child->count)
		relorm_json_out_value(cl->buf, &child->out[child->nkeycols], vals[child->nkeycols],
					   nulls[child->nkeycols]);
	else
		relorm_render_row(cl->buf, child, vals, nulls, i, g->cloads);
	if (cl->first_len[g->cur] == 0)
		cl->first_len[g->cur] = cl->buf->len - elem;
	cl->len[g->cur] = cl->buf->len - cl->start[g->cur];
}

/*
 * A level whose rows need nothing loaded after them (no selectin children,
 * here or under its joined children) is rendered as its query runs, straight
 * from the executor's slots: no copy of its rows.
 */
static bool
level_streams(PlanLevel *lvl)
{
	for (int c = 0; c < lvl->nchildren; c++)
		if (lvl->children[c] == lvl || lvl->children[c]->strategy != STRATEGY_JOINED ||
			!level_streams(lvl->children[c]))
			return false;
	return true;
}

typedef struct StreamReceiver
{
	DestReceiver pub;
	Grouper    *grouper;
} StreamReceiver;

static bool
stream_receive(TupleTableSlot *slot, DestReceiver *self)
{
	StreamReceiver *r = (StreamReceiver *) self;

	slot_getallattrs(slot);
	count_rows(r->grouper->es, r->grouper->child, 1);
	group_row(r->grouper, slot->tts_values, slot->tts_isnull, 0);
	return true;
}

static void
stream_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	StreamReceiver *r = (StreamReceiver *) self;

	check_result_types(r->grouper->child, typeinfo);
	check_functions(r->grouper->es->plan);
}

static void
stream_nothing(DestReceiver *self)
{
}

/*
 * Runs a level's query for nkeys parent keys.  With many keys, a level that
 * may runs its unsorted plan (prepare.c says why), with enable_sort off each
 * time, since its generic plan is built on its first run and again after an
 * invalidation; the setting is restored after, or by the abort of an error.
 */
static int
run_level_query(PlanLevel *child, int nkeys, SPIExecuteOptions *options)
{
	int			nest_level;
	int			ret;

	if (!child->may_plan_unsorted || nkeys < RELORM_UNSORTED_MIN_KEYS)
		return SPI_execute_plan_extended(child->plan, options);
	nest_level = NewGUCNestLevel();
	(void) set_config_option("enable_sort", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	ret = SPI_execute_plan_extended(relorm_prepare_unsorted(child), options);
	AtEOXact_GUC(true, nest_level);
	return ret;
}

/*
 * Runs a level's query (run_level_query).  On Citus, a level Citus cannot
 * plan (a join of tables that are not co-located on their distribution
 * column: a view-only relationship across distribution keys, a to-one joined
 * in from another tenant's key) fails with Citus's 0A000; it is told as the
 * level's, with the rule and how to key the tables.
 */
static int
execute_level(ExecState *es, PlanLevel *child, int nkeys, SPIExecuteOptions *options)
{
	MemoryContext cxt = CurrentMemoryContext;
	volatile int ret = 0;
	instr_time	start,
				took;

	INSTR_TIME_SET_CURRENT(start);
	es->stats.queries[child->level_id]++;
	if (!es->plan->reads_citus)
	{
		ret = run_level_query(child, nkeys, options);
		INSTR_TIME_SET_CURRENT(took);
		INSTR_TIME_SUBTRACT(took, start);
		es->stats.ms[child->level_id] += INSTR_TIME_GET_MILLISEC(took);
		return ret;
	}
	PG_TRY();
	{
		ret = run_level_query(child, nkeys, options);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_FEATURE_NOT_SUPPORTED)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("level %s cannot be loaded on Citus: %s", child->path, edata->message),
				 errdetail("Citus runs a query that joins distributed tables only when they are co-located "
						   "and joined on their distribution column; %s is read with such a join.",
						   child->rel->name),
				 errhint("Distribute both tables by the same key with colocate_with and make the relationship's "
						 "columns hold it, or make the target a reference table (docs/scaling.md).")));
	}
	PG_END_TRY();
	INSTR_TIME_SET_CURRENT(took);
	INSTR_TIME_SUBTRACT(took, start);
	es->stats.ms[child->level_id] += INSTR_TIME_GET_MILLISEC(took);
	return ret;
}

/*
 * Loads one child relationship for the parent rows: one query, set-based.
 * keycols are the parent key's columns in rows.
 */
static void
load_child(ExecState *es, PlanLevel *child, LevelRows *rows, ChildLoad *cl, const int *keycols)
{
	KeySet		ks;
	Grouper		g;
	ParamListInfo params;
	int			ret;
	int			nkeys = child->rel->nkeys;
	int			nparams = es->plan->nparams;

	cl->row_slot = rows_alloc(sizeof(int) * (Size) rows->nrows);
	keyset_build(&ks, child, rows, cl->row_slot, keycols);
	cl->start = rows_alloc(sizeof(int) * (Size) ks.nslots);
	cl->len = rows_alloc0(sizeof(int) * (Size) ks.nslots);
	cl->first_len = rows_alloc0(sizeof(int) * (Size) ks.nslots);
	for (int s = 0; s < ks.nslots; s++)
		cl->start[s] = -1;
	if (child->depth_buffers)
		cl->buf = relorm_depth_buffer(es->bufs, child->rec_id, es->depth[child->rec_id]);
	else if (child->buf_id < 0)
		cl->buf = makeStringInfo();	/* loaded at several depths at once */
	else
		cl->buf = es->bufs->level[child->buf_id];
	resetStringInfo(cl->buf);
	if (ks.nslots == 0)
		return;

	/* $1..$k: the distinct parent keys, one array per key column; then the fetch's params */
	params = makeParamList(nkeys + nparams);
	for (int k = 0; k < nkeys; k++)
	{
		params->params[k].value =
			PointerGetDatum(construct_array(ks.keyvals[k], ks.nslots, child->key_types[k],
											child->key_typlen[k], child->key_typbyval[k],
											child->key_typalign[k]));
		params->params[k].isnull = false;
		params->params[k].pflags = PARAM_FLAG_CONST;
		params->params[k].ptype = get_array_type(child->key_types[k]);
	}
	for (int i = 0; i < nparams; i++)
	{
		params->params[nkeys + i].value = es->params[i];
		params->params[nkeys + i].isnull = es->nulls && es->nulls[i] == 'n';
		params->params[nkeys + i].pflags = PARAM_FLAG_CONST;
		params->params[nkeys + i].ptype = es->plan->param_types[i];
	}
	params->numParams = nkeys + nparams;

	g.es = es;
	g.child = child;
	g.ks = &ks;
	g.cl = cl;
	g.cur = -1;
	g.key = palloc(sizeof(Datum) * nkeys);
	check_stack_depth();

	if (level_streams(child))
	{
		StreamReceiver receiver;
		SPIExecuteOptions options;

		g.cloads = load_children(es, child, NULL);
		memset(&receiver, 0, sizeof(receiver));
		receiver.pub.receiveSlot = stream_receive;
		receiver.pub.rStartup = stream_startup;
		receiver.pub.rShutdown = stream_nothing;
		receiver.pub.rDestroy = stream_nothing;
		receiver.pub.mydest = DestNone;
		receiver.grouper = &g;
		memset(&options, 0, sizeof(options));
		options.params = params;
		options.read_only = true;
		options.dest = &receiver.pub;
		ret = execute_level(es, child, ks.nslots, &options);
		MemoryContextSwitchTo(es->batch_cxt);
		/* SPI reports a SELECT whose rows went to a DestNone receiver as utility */
		if (ret != SPI_OK_UTILITY && ret != SPI_OK_SELECT)
			elog(ERROR, "relorm: query of level %s failed: %s", child->path, SPI_result_code_string(ret));
	}
	else
	{
		SPIExecuteOptions options;
		SPITupleTable *tt;
		LevelRows	crows;

		memset(&options, 0, sizeof(options));
		options.params = params;
		options.read_only = true;
		options.tcount = rows_allowed(es, child);
		ret = execute_level(es, child, ks.nslots, &options);
		MemoryContextSwitchTo(es->batch_cxt);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "relorm: query of level %s failed: %s", child->path, SPI_result_code_string(ret));
		tt = SPI_tuptable;
		count_rows(es, child, SPI_processed);
		check_result_types(child, tt->tupdesc);
		check_functions(es->plan);
		if (child->recursive && child->max_depth == 0 && SPI_processed > 0 &&
			es->depth[child->rec_id] > relorm_max_depth)
			ereport(ERROR,
					(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
					 errmsg("recursion through %s did not reach the leaves after %d levels",
							child->path, relorm_max_depth),
					 errdetail("The rows of %s form a cycle, or a chain deeper than relorm.max_depth.",
							   get_rel_name(child->relid)),
					 errhint("Give the recursion a depth, as in %s*5(...), or raise relorm.max_depth.",
							 child->rel->name)));
		deform_rows(tt, SPI_processed, &crows);
		g.cloads = load_children(es, child, &crows);
		for (int j = 0; j < crows.nrows; j++)
			group_row(&g, crows.values + (Size) j * crows.ncols, crows.nulls + (Size) j * crows.ncols, j);
		SPI_freetuptable(tt);
	}
}

static ChildLoad *
load_children(ExecState *es, PlanLevel *lvl, LevelRows *rows)
{
	ChildLoad  *loads = palloc0(sizeof(ChildLoad) * Max(1, lvl->nchildren));

	for (int c = 0; c < lvl->nchildren; c++)
	{
		PlanLevel  *child = lvl->children[c];

		if (child->strategy == STRATEGY_JOINED)
		{
			/* its columns are in these rows; only its own children are loaded */
			check_stack_depth();
			loads[c].sub = load_children(es, child, rows);
		}
		else if (child == lvl)
		{
			/* a recursion: the next level down, keyed on these rows */
			int		   *depth = &es->depth[lvl->rec_id];

			if (lvl->max_depth > 0 && *depth >= lvl->max_depth)
			{
				loads[c].cut = true;
				continue;
			}
			(*depth)++;
			load_child(es, child, rows, &loads[c], lvl->rec_keycols);
			(*depth)--;
		}
		else
		{
			int			saved = child->recursive ? es->depth[child->rec_id] : 0;

			/* the first level of a recursion is depth 1 */
			if (child->recursive)
				es->depth[child->rec_id] = 1;
			load_child(es, child, rows, &loads[c], child->parent_keycols);
			if (child->recursive)
				es->depth[child->rec_id] = saved;
		}
	}
	return loads;
}

/*
 * A run of a plan that can stop between batches and go on later (a fetch
 * returning its trees one call at a time): its state, its root cursor by
 * name (a portal outlives the SPI connection it was opened in), its tree
 * buffer.
 */
struct RelormRun
{
	ExecState	es;
	char	   *portal_name;
	StringInfoData tree;
	bool		more;			/* the emitter has not asked to stop */
	instr_time	started;		/* for relorm.log_min_duration */
};

/*
 * relorm.log_min_duration: a run that took at least that long is logged with
 * its levels (path, rows, queries, time) and their SQL, as auto_explain logs
 * a slow statement's plan.  The message names the root and counts; the
 * times are in its detail.
 */
static void log_levels(StringInfo buf, ExecState *es, PlanLevel *lvl);

static void
log_if_slow(RelormRun *run)
{
	ExecState  *es = &run->es;
	instr_time	took;
	double		ms;
	StringInfoData detail;

	if (relorm_log_min_duration < 0)
		return;
	INSTR_TIME_SET_CURRENT(took);
	INSTR_TIME_SUBTRACT(took, run->started);
	ms = INSTR_TIME_GET_MILLISEC(took);
	if (ms < relorm_log_min_duration)
		return;
	initStringInfo(&detail);
	appendStringInfo(&detail, "Took %.3f ms.", ms);
	log_levels(&detail, es, es->plan->top);
	ereport(LOG,
			(errmsg("relorm: slow fetch of %s: " INT64_FORMAT " tree%s, %d level%s", es->plan->top->path,
					es->stats.trees, es->stats.trees == 1 ? "" : "s",
					es->plan->nlevels, es->plan->nlevels == 1 ? "" : "s"),
			 errdetail_internal("%s", detail.data)));
}

/*
 * Starts a run: params are the filter's $1..$n followed by the limit and the
 * offset.  The caller is connected to SPI; the run lives in the current
 * memory context.
 */
RelormRun *
relorm_run_start(LoadPlan *plan, Datum *params, const char *nulls)
{
	RelormRun  *run = palloc0(sizeof(RelormRun));
	MemoryContext old = CurrentMemoryContext;
	ExecState  *es = &run->es;
	Portal		portal;

	es->batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "relorm fetch batch",
										  ALLOCSET_DEFAULT_SIZES);
	es->plan = plan;
	es->params = params;
	es->nulls = nulls;
	es->depth = palloc0(sizeof(int) * Max(1, plan->nrecursions));
	es->loaded = palloc0(sizeof(int64) * Max(1, plan->nlevels));
	es->stats.nlevels = plan->nlevels;
	es->stats.rows = es->loaded;
	es->stats.queries = palloc0(sizeof(int64) * Max(1, plan->nlevels));
	es->stats.ms = palloc0(sizeof(double) * Max(1, plan->nlevels));
	es->bufs = relorm_buffers_take(plan);
	initStringInfo(&run->tree);
	run->more = true;
	INSTR_TIME_SET_CURRENT(run->started);
	portal = SPI_cursor_open(NULL, plan->top->plan, params, nulls, true);
	MemoryContextSwitchTo(old);
	run->portal_name = pstrdup(portal->name);
	return run;
}

/*
 * The next batch of roots, each tree handed to emit.  The caller is
 * connected to SPI.  Returns false when there were no more roots (or the
 * emitter asked to stop): the run is then over.  Each tree handed to emit is
 * preceded in memory by VARHDRSZ bytes the emitter may use as a varlena
 * header.
 */
bool
relorm_run_batch(RelormRun *run, TreeEmitter emit, void *emit_arg)
{
	ExecState  *es = &run->es;
	LoadPlan   *plan = es->plan;
	MemoryContext old = CurrentMemoryContext;
	Portal		portal = GetPortalByName(run->portal_name);
	SPITupleTable *tt;
	LevelRows	rows;
	ChildLoad  *loads;

	if (!run->more || !PortalIsValid(portal))
		return false;
	{
		instr_time	start,
					took;

		INSTR_TIME_SET_CURRENT(start);
		SPI_cursor_fetch(portal, true, relorm_batch_size);
		INSTR_TIME_SET_CURRENT(took);
		INSTR_TIME_SUBTRACT(took, start);
		es->stats.queries[plan->top->level_id]++;
		es->stats.ms[plan->top->level_id] += INSTR_TIME_GET_MILLISEC(took);
	}
	if (SPI_processed == 0)
		return false;
	count_rows(es, plan->top, SPI_processed);
	tt = SPI_tuptable;
	check_result_types(plan->top, tt->tupdesc);
	check_functions(plan);
	MemoryContextSwitchTo(es->batch_cxt);
	deform_rows(tt, SPI_processed, &rows);
	loads = load_children(es, plan->top, &rows);
	for (int i = 0; i < rows.nrows && run->more; i++)
	{
		CHECK_FOR_INTERRUPTS();
		resetStringInfo(&run->tree);
		appendBinaryStringInfo(&run->tree, "\0\0\0\0", VARHDRSZ);
		relorm_render_row(&run->tree, plan->top, rows.values + (Size) i * rows.ncols,
						  rows.nulls + (Size) i * rows.ncols, i, loads);
		run->more = emit(emit_arg, run->tree.data + VARHDRSZ, run->tree.len - VARHDRSZ);
		es->stats.trees++;
	}
	MemoryContextSwitchTo(old);
	SPI_freetuptable(tt);
	MemoryContextReset(es->batch_cxt);
	/* keep the tree buffer from growing to the largest tree forever */
	if (run->tree.maxlen > 1024 * 1024)
	{
		pfree(run->tree.data);
		initStringInfo(&run->tree);
	}
	return run->more;
}

/* One line per level with a query: its path, rows, queries, time and SQL. */
static void
log_levels(StringInfo buf, ExecState *es, PlanLevel *lvl)
{
	if (lvl->strategy != STRATEGY_JOINED)
		appendStringInfo(buf, "\n%s: " INT64_FORMAT " rows, " INT64_FORMAT " queries, %.3f ms: %s", lvl->path,
						 es->stats.rows[lvl->level_id], es->stats.queries[lvl->level_id],
						 es->stats.ms[lvl->level_id], lvl->sql);
	for (int c = 0; c < lvl->nchildren; c++)
		if (lvl->children[c] != lvl)
			log_levels(buf, es, lvl->children[c]);
}

/* What the run did so far (RunStats), valid until the run ends. */
RunStats *
relorm_run_stats(RelormRun *run)
{
	return &run->es.stats;
}

/* Ends a run: its cursor closed (when the transaction has not closed it already), its memory freed. */
void
relorm_run_end(RelormRun *run)
{
	Portal		portal = GetPortalByName(run->portal_name);

	if (PortalIsValid(portal))
		SPI_cursor_close(portal);
	log_if_slow(run);
	MemoryContextDelete(run->es.batch_cxt);
	relorm_buffers_give_back(run->es.bufs, run->es.plan);
	run->es.bufs = NULL;
}

bool
relorm_collect_tree(void *arg, const char *json, int len)
{
	TreeCollector *tc = arg;
	MemoryContext old = MemoryContextSwitchTo(tc->cxt);

	tc->trees = lappend(tc->trees, cstring_to_text_with_len(json, len));
	MemoryContextSwitchTo(old);
	return true;
}

/* Runs the plan whole (see relorm_run_start). */
void
relorm_execute(LoadPlan *plan, Datum *params, const char *nulls, TreeEmitter emit, void *emit_arg)
{
	RelormRun  *run = relorm_run_start(plan, params, nulls);

	while (relorm_run_batch(run, emit, emit_arg))
		;
	relorm_run_end(run);
}
