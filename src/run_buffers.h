/*
 * run_buffers.h
 *		The JSON buffers of a fetch's run, kept with its plan (run_buffers.c).
 */
#ifndef RELORM_RUN_BUFFERS_H
#define RELORM_RUN_BUFFERS_H

#include "lib/stringinfo.h"
#include "load_plan.h"

typedef struct RunBuffers
{
	MemoryContext cxt;			/* theirs: a child of the run's context while it runs */
	StringInfo *level;			/* by PlanLevel.buf_id */
	List	  **depth;			/* per recursion (rec_id): buffers by depth - 1 */
} RunBuffers;

extern RunBuffers *relorm_buffers_take(LoadPlan *plan);
extern void relorm_buffers_give_back(RunBuffers *rb, LoadPlan *plan);
extern StringInfo relorm_depth_buffer(RunBuffers *rb, int rec_id, int depth);

#endif							/* RELORM_RUN_BUFFERS_H */
