/*
 * run_buffers.c
 *		The JSON buffers of a fetch's run: one per level (by PlanLevel.buf_id)
 *		and one per depth of each recursion, all kept across batches at their
 *		high-water mark and across runs with the plan.  Growing a fresh buffer
 *		for every batch or call costs more than writing it: its pages are new
 *		to the process each time.
 */
#include "relorm.h"

#include "run_buffers.h"
#include "utils/memutils.h"

/* A buffer of the run's memory, 1 kB to start with. */
static StringInfo
new_buffer(RunBuffers *rb)
{
	StringInfo	buf = MemoryContextAlloc(rb->cxt, sizeof(StringInfoData));

	buf->data = MemoryContextAlloc(rb->cxt, 1024);
	buf->maxlen = 1024;
	resetStringInfo(buf);
	return buf;
}

/*
 * The buffer of a recursion at a depth: a recursion holds one per depth at
 * once, each made the first time a run goes that deep.
 */
StringInfo
relorm_depth_buffer(RunBuffers *rb, int rec_id, int depth)
{
	List	  **bufs = &rb->depth[rec_id];

	while (list_length(*bufs) < depth)
	{
		MemoryContext old = MemoryContextSwitchTo(rb->cxt);

		*bufs = lappend(*bufs, new_buffer(rb));
		MemoryContextSwitchTo(old);
	}
	return list_nth(*bufs, depth - 1);
}

/*
 * The buffers of a run: those the plan kept from its last run, when it has
 * them, else new ones.  They belong to the run's memory while it runs, so
 * that an error frees them with it.
 */
RunBuffers *
relorm_buffers_take(LoadPlan *plan)
{
	RunBuffers *rb = plan->spare_bufs;
	MemoryContext cxt;

	if (rb != NULL)
	{
		plan->spare_bufs = NULL;
		MemoryContextSetParent(rb->cxt, CurrentMemoryContext);
		return rb;
	}
	cxt = AllocSetContextCreate(CurrentMemoryContext, "relorm fetch buffers", ALLOCSET_SMALL_SIZES);
	rb = MemoryContextAlloc(cxt, sizeof(RunBuffers));
	rb->cxt = cxt;
	rb->level = MemoryContextAlloc(cxt, sizeof(StringInfo) * Max(1, plan->nbufs));
	for (int b = 0; b < plan->nbufs; b++)
		rb->level[b] = new_buffer(rb);
	rb->depth = MemoryContextAllocZero(cxt, sizeof(List *) * Max(1, plan->nrecursions));
	return rb;
}

/*
 * At the end of a run, its buffers go back to the plan, at their high-water
 * mark, for its next run: the next fetch of the same shape writes into pages
 * the process already has, which is a quarter of the time of a full tree
 * (benchmark, SCALE=1, where they hold 17 MB).  They count in the plan's
 * memory, which relorm.plan_cache_memory bounds (the least recently used
 * plans go first, with their buffers), and are not kept when they alone are
 * more than it; a plan that already has spare buffers (another run of it
 * ended first) keeps those.
 */
void
relorm_buffers_give_back(RunBuffers *rb, LoadPlan *plan)
{
	if (plan->spare_bufs == NULL &&
		MemoryContextMemAllocated(rb->cxt, true) <= (Size) relorm_plan_cache_memory * 1024)
	{
		MemoryContextSetParent(rb->cxt, plan->cxt);
		plan->spare_bufs = rb;
	}
	else
		MemoryContextDelete(rb->cxt);
}
