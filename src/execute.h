/*
 * execute.h
 *		Runs a load plan: the root rows through a cursor in batches, each level
 *		of each batch with one set-based query, trees handed to an emitter as
 *		soon as their batch is complete.
 */
#ifndef RELORM_EXECUTE_H
#define RELORM_EXECUTE_H

#include "postgres.h"
#include "load_plan.h"

/*
 * Receives one finished tree (preceded by VARHDRSZ writable bytes, so it can
 * be made a text datum in place); returns false to stop the fetch.
 */
typedef bool (*TreeEmitter) (void *arg, const char *json, int len);

extern void relorm_execute(LoadPlan *plan, Datum *params, const char *nulls,
						 TreeEmitter emit, void *emit_arg);

/* An emitter that keeps every tree (as text, in cxt), in order: trees collects them. */
typedef struct TreeCollector
{
	MemoryContext cxt;
	List	   *trees;			/* text * */
} TreeCollector;
extern bool relorm_collect_tree(void *arg, const char *json, int len);

/* The same, a batch of roots at a time (a run outlives the SPI connection of each call). */
typedef struct RelormRun RelormRun;
extern RelormRun *relorm_run_start(LoadPlan *plan, Datum *params, const char *nulls);
extern bool relorm_run_batch(RelormRun *run, TreeEmitter emit, void *emit_arg);
extern void relorm_run_end(RelormRun *run);

/*
 * What a run did, per level (PlanLevel.level_id), for relorm.explain with
 * analyze: the rows loaded, the queries run (the root's: its cursor's
 * fetches) and their time, rendering of rows streamed from them included.
 */
typedef struct RunStats
{
	int			nlevels;
	int64	   *rows;
	int64	   *queries;
	double	   *ms;
	int64		trees;
} RunStats;
extern RunStats *relorm_run_stats(RelormRun *run);

/* fetch.c: the trees of a list of roots' keys (keys[column][root], as text), in its order */
extern void relorm_fetch_key_list(Oid root, const char *shape, bool camel, char ***keys, int n,
								  TreeEmitter emit, void *arg);

#endif							/* RELORM_EXECUTE_H */
