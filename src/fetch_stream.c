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

/*
 * A batch's trees, one after the other in one buffer, each a text value (its
 * header, its JSON) at an int-aligned offset.  A value handed out is read
 * before the next call, and the buffer is written again only when the batch's
 * values are all out.  The buffer outlives the stream: when the stream ends,
 * it is kept for the backend's next one (one spare, within
 * relorm.plan_cache_memory), so that a fetch writes its trees into memory the
 * process already has; one allocation per tree cost a page fault per page of
 * each (a fifth of a full tree's time at SCALE=10).
 */
typedef struct TreeBatch
{
	MemoryContext cxt;			/* the buffer's: a child of the stream's while it runs */
	StringInfo	buf;
	int		   *starts;
	int			ntrees;
	int			cap;
} TreeBatch;

static MemoryContext spare_batch_cxt = NULL;	/* in TopMemoryContext when kept */
static StringInfo spare_batch_buf = NULL;

static void
batch_take(TreeBatch *tb, MemoryContext parent)
{
	if (spare_batch_buf != NULL)
	{
		tb->cxt = spare_batch_cxt;
		tb->buf = spare_batch_buf;
		spare_batch_cxt = NULL;
		spare_batch_buf = NULL;
		MemoryContextSetParent(tb->cxt, parent);
	}
	else
	{
		tb->cxt = AllocSetContextCreate(parent, "relorm fetch trees", ALLOCSET_SMALL_SIZES);
		tb->buf = MemoryContextAlloc(tb->cxt, sizeof(StringInfoData));
		tb->buf->data = MemoryContextAlloc(tb->cxt, 1024);
		tb->buf->maxlen = 1024;
	}
	resetStringInfo(tb->buf);
	/* the offsets are the stream's: a kept buffer's context holds the buffer alone */
	tb->cap = 64;
	tb->starts = MemoryContextAlloc(parent, sizeof(int) * tb->cap);
	tb->ntrees = 0;
}

/* The stream is done with its trees: the buffer kept for the next, or freed. */
static void
batch_give_back(TreeBatch *tb)
{
	if (tb->cxt == NULL)
		return;
	if (spare_batch_buf == NULL &&
		MemoryContextMemAllocated(tb->cxt, true) <= (Size) relorm_plan_cache_memory * 1024)
	{
		MemoryContextSetParent(tb->cxt, TopMemoryContext);
		spare_batch_cxt = tb->cxt;
		spare_batch_buf = tb->buf;
	}
	else
		MemoryContextDelete(tb->cxt);
	tb->cxt = NULL;
	tb->buf = NULL;
	tb->ntrees = 0;
}

static bool
batch_add_tree(void *arg, const char *json, int len)
{
	TreeBatch  *tb = arg;
	StringInfo	buf = tb->buf;
	int			start;

	while (buf->len != INTALIGN(buf->len))
		appendStringInfoCharMacro(buf, '\0');
	start = buf->len;
	appendBinaryStringInfo(buf, "\0\0\0\0", VARHDRSZ);
	appendBinaryStringInfo(buf, json, len);
	SET_VARSIZE(buf->data + start, VARHDRSZ + len);
	if (tb->ntrees == tb->cap)
	{
		tb->cap *= 2;
		tb->starts = repalloc(tb->starts, sizeof(int) * tb->cap);
	}
	tb->starts[tb->ntrees++] = start;
	return true;
}

typedef struct FetchStream
{
	LoadPlanUse use;
	RelormRun  *run;
	bool		open;			/* the run and the plan are still held */
	TreeBatch	batch;			/* the trees of the batch being handed out */
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
	FetchStream *fs = (FetchStream *) DatumGetPointer(arg);

	stream_end(fs, false);
	batch_give_back(&fs->batch);
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
	batch_take(&fs->batch, cxt);
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

	resetStringInfo(fs->batch.buf);
	fs->batch.ntrees = 0;
	fs->next = 0;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	PG_TRY();
	{
		more = relorm_run_batch(fs->run, batch_add_tree, &fs->batch);
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
	if (fs->next >= fs->batch.ntrees && fs->open)
		stream_next_batch(fs);
	if (fs->next < fs->batch.ntrees)
		SRF_RETURN_NEXT(funcctx, PointerGetDatum(fs->batch.buf->data + fs->batch.starts[fs->next++]));
	/* the stream ended with its roots; SRF_RETURN_DONE frees it: the scan's shutdown must not see it */
	UnregisterExprContextCallback(fs->econtext, stream_shutdown, PointerGetDatum(fs));
	batch_give_back(&fs->batch);
	SRF_RETURN_DONE(funcctx);
}
