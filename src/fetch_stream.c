/*
 * fetch_stream.c
 *		relorm.fetch, a batch of roots at a time: a value-per-call set
 *		returning function that keeps its root cursor (a portal) and its plan
 *		across calls, completes relorm.batch_size roots' trees at a time and
 *		hands them out one per call.  A query that reads the trees as they
 *		come (SELECT relorm.fetch(...)) holds one batch in memory, whatever
 *		the size of the result, and writes no temporary file; in FROM,
 *		PostgreSQL still collects the rows into a tuplestore of its own.
 *
 *		The run ends when the roots are out, when the query stops asking (a
 *		LIMIT: the scan's shutdown callback), or on an error: in a call (the
 *		call ends it), or elsewhere, where the (sub)transaction's abort drops
 *		the cursor and closes the relations, and the callback below releases
 *		the plan, which the plan cache would otherwise keep for the session.
 */
#include "relorm.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "execute.h"
#include "fetch_call.h"
#include "funcapi.h"
#include "plan_cache.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(relorm_fetch);

typedef struct FetchStream
{
	LoadPlanUse use;
	RelormRun  *run;
	bool		open;			/* the run and the plan are still held */
	TreeCollector batch;		/* the trees of the batch being handed out */
	int			next;
	SubTransactionId subid;		/* where it was opened, for an abort */
	ExprContext *econtext;		/* whose shutdown ends it, if it comes first */
} FetchStream;

/* The streams open in this backend (TopMemoryContext), for an abort to end them. */
static List *open_streams = NIL;
static bool callbacks_registered = false;

/* Ends a stream: its run (when the transaction has not ended it) and its plan released. */
static void
stream_end(FetchStream *fs, bool aborted)
{
	MemoryContext old;

	if (!fs->open)
		return;
	fs->open = false;
	old = MemoryContextSwitchTo(TopMemoryContext);
	open_streams = list_delete_ptr(open_streams, fs);
	MemoryContextSwitchTo(old);
	if (aborted)
	{
		/* the abort dropped the cursor and the relations' references: only the plan is left */
		if (fs->use.plan != NULL)
			relorm_plan_cache_release(fs->use.plan);
		fs->use.plan = NULL;
		return;
	}
	relorm_run_end(fs->run);
	relorm_plan_close(&fs->use);
}

/* The scan shut down before the roots were out (a LIMIT): ends the stream. */
static void
stream_shutdown(Datum arg)
{
	stream_end((FetchStream *) DatumGetPointer(arg), false);
}

static void
end_aborted(SubTransactionId subid, bool all)
{
	ListCell   *lc;

	foreach(lc, list_copy(open_streams))
	{
		FetchStream *fs = lfirst(lc);

		if (all || fs->subid == subid)
			stream_end(fs, true);
	}
}

static void
xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		end_aborted(InvalidSubTransactionId, true);
}

static void
subxact_callback(SubXactEvent event, SubTransactionId mySubid, SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		end_aborted(mySubid, false);
}

/* Opens the stream: the plan, its parameters bound, the root cursor. */
static FetchStream *
stream_open(FunctionCallInfo fcinfo, MemoryContext cxt)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	FetchStream *fs = MemoryContextAllocZero(cxt, sizeof(FetchStream));
	MemoryContext old = MemoryContextSwitchTo(cxt);
	FetchCall	call;

	relorm_fetch_args(fcinfo, &call);
	fs->batch.cxt = AllocSetContextCreate(cxt, "relorm fetch stream batch", ALLOCSET_SMALL_SIZES);
	fs->subid = GetCurrentSubTransactionId();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MemoryContextSwitchTo(cxt);	/* the run lives across calls, not in SPI's context */
	relorm_plan_open(&fs->use, &call.req);
	PG_TRY();
	{
		Datum	   *values;
		char	   *nulls;

		relorm_fetch_bind(&call, fs->use.plan, &values, &nulls);
		fs->run = relorm_run_start(fs->use.plan, values, nulls);
	}
	PG_CATCH();
	{
		relorm_plan_close(&fs->use);
		PG_RE_THROW();
	}
	PG_END_TRY();
	SPI_finish();
	if (!callbacks_registered)
	{
		RegisterXactCallback(xact_callback, NULL);
		RegisterSubXactCallback(subxact_callback, NULL);
		callbacks_registered = true;
	}
	MemoryContextSwitchTo(TopMemoryContext);
	open_streams = lappend(open_streams, fs);
	fs->open = true;
	MemoryContextSwitchTo(old);
	fs->econtext = rsinfo->econtext;
	RegisterExprContextCallback(fs->econtext, stream_shutdown, PointerGetDatum(fs));
	return fs;
}

/* The next batch's trees, into fs->batch; ends the stream when the roots are out. */
static void
stream_next_batch(FetchStream *fs)
{
	bool		more;

	MemoryContextReset(fs->batch.cxt);
	fs->batch.trees = NIL;
	fs->next = 0;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	PG_TRY();
	{
		more = relorm_run_batch(fs->run, relorm_collect_tree, &fs->batch);
	}
	PG_CATCH();
	{
		stream_end(fs, false);
		PG_RE_THROW();
	}
	PG_END_TRY();
	SPI_finish();
	if (!more)
		stream_end(fs, false);
}

/*
 * relorm.fetch(root, shape, filter, params, order_by, row_limit, row_offset,
 *			   key_case) RETURNS SETOF json
 */
Datum
relorm_fetch(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	FetchStream *fs;

	if (SRF_IS_FIRSTCALL())
	{
		funcctx = SRF_FIRSTCALL_INIT();
		funcctx->user_fctx = stream_open(fcinfo, funcctx->multi_call_memory_ctx);
	}
	funcctx = SRF_PERCALL_SETUP();
	fs = funcctx->user_fctx;
	if (fs->next >= list_length(fs->batch.trees) && fs->open)
		stream_next_batch(fs);
	if (fs->next < list_length(fs->batch.trees))
		SRF_RETURN_NEXT(funcctx, PointerGetDatum(list_nth(fs->batch.trees, fs->next++)));
	/* the stream ended with its roots; SRF_RETURN_DONE frees it: the scan's shutdown must not see it */
	UnregisterExprContextCallback(fs->econtext, stream_shutdown, PointerGetDatum(fs));
	SRF_RETURN_DONE(funcctx);
}
