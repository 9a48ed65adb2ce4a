/*
 * load_plan.c
 *		The plan of a fetch: found in the plan cache, or made by the passes in
 *		order (resolve.c, prepare.c's parameter types, deparse.c, prepare.c),
 *		then acquired for the fetch with every relation it reads opened and
 *		locked.  Nothing here looks at a shape or writes SQL.
 */
#include "relorm.h"

#include "access/relation.h"
#include "catalog/pg_proc.h"
#include "deparse.h"
#include "miscadmin.h"
#include "load_plan.h"
#include "plan_cache.h"
#include "prepare.h"
#include "resolve.h"
#include "storage/lmgr.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

/*
 * The cache key: the request and what else changes a plan: the settings, and
 * the user ('**' follows the relationships whose fragments it may run).
 */
static char *
plan_key(const PlanRequest *req)
{
	return psprintf("%u|%u|%d|%d|%d|%d:%d:%d|%d:%s|%d:%s|%d:%s", req->root, GetUserId(), relorm_default_depth,
					relorm_level_plans,
					req->camel, req->by_key, req->key_list, req->key_param,
					(int) strlen(req->shape), req->shape,
					req->filter ? (int) strlen(req->filter) : -1, req->filter ? req->filter : "",
					req->order_by ? (int) strlen(req->order_by) : -1, req->order_by ? req->order_by : "");
}

/* Makes a plan: every pass in turn, in a memory context of its own. */
static LoadPlan *
build_plan(const PlanRequest *req)
{
	MemoryContext cxt = AllocSetContextCreate(relorm_plan_cache_context(), "relorm load plan", ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	LoadPlan   *volatile plan = palloc0(sizeof(LoadPlan));

	plan->cxt = cxt;
	PG_TRY();
	{
		relorm_resolve(plan, req);
		relorm_prepare_params(plan);
		relorm_choose_plans(plan);
		relorm_deparse(plan);
		relorm_prepare(plan);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(old);
		relorm_plan_cache_free(plan);
		PG_RE_THROW();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
	return plan;
}

/*
 * Building a plan opens relations, which may process invalidations: the
 * relationship cache stays as it is meanwhile (resolution holds pointers
 * into it), and a plan built from a cache invalidated meanwhile is built
 * again by relorm_plan_open.
 */
static LoadPlan *
build_pinned(const PlanRequest *req)
{
	LoadPlan   *volatile plan = NULL;

	relorm_cache_pin();
	PG_TRY();
	{
		plan = build_plan(req);
	}
	PG_FINALLY();
	{
		relorm_cache_unpin();
	}
	PG_END_TRY();
	return plan;
}

/* The plan for the request, from the cache or made now.  The caller is connected to SPI. */
static LoadPlan *
get_plan(const PlanRequest *req)
{
	char	   *key = plan_key(req);
	LoadPlan   *plan;

	/* validates the relationship cache, invalidating every plan when it changed */
	(void) relorm_relationships_of(req->root);
	plan = relorm_plan_cache_find(key);
	if (plan == NULL)
	{
		plan = build_pinned(req);
		plan->cache_key = MemoryContextStrdup(plan->cxt, key);
		plan->valid = relorm_cache_is_valid();
		if (plan->valid)
			relorm_plan_cache_add(plan);
	}
	relorm_plan_cache_trim(plan);
	return plan;
}

/*
 * Opens every relation of the plan with AccessShareLock, before the fetch
 * reads its first row: no other session can then truncate or alter a table
 * between two levels (which would show rows outside the fetch's snapshot, or
 * change a level's columns under its renderers), and DDL the fetch itself
 * runs (from a function in its filter) on them is refused as PostgreSQL
 * refuses it for a table in use.  The casts to json it calls are locked too:
 * a concurrent DROP FUNCTION waits for the fetch.  Taking the locks
 * processes invalidations: returns false when the plan turned out stale,
 * with nothing left open.
 */
static bool
open_relations(LoadPlanUse *use)
{
	LoadPlan   *plan = use->plan;

	use->rels = palloc0(sizeof(Relation) * Max(1, plan->nrelids));
	for (int i = 0; i < plan->nrelids; i++)
	{
		use->rels[i] = try_relation_open(plan->relids[i], AccessShareLock);
		if (use->rels[i] == NULL)
			break;
	}
	for (int i = 0; i < plan->nfuncs; i++)
	{
		LockDatabaseObject(ProcedureRelationId, plan->funcs[i], 0, AccessShareLock);
		if (!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(plan->funcs[i])))
			relorm_plan_cache_invalidate(plan);
	}
	if (plan->nrelids > 0 && use->rels[plan->nrelids - 1] == NULL)
		relorm_plan_cache_invalidate(plan);
	if (plan->valid)
		return true;
	for (int i = 0; i < plan->nrelids && use->rels[i] != NULL; i++)
		relation_close(use->rels[i], NoLock);
	return false;
}

/*
 * The plan of a fetch, acquired for it and its relations opened.  A plan
 * found stale once locked (a table altered or dropped by another session
 * since it was planned) is planned again.
 */
void
relorm_plan_open(LoadPlanUse *use, const PlanRequest *req)
{
	for (int attempt = 0;; attempt++)
	{
		use->plan = get_plan(req);
		relorm_plan_cache_acquire(use->plan);
		if (open_relations(use))
			return;
		relorm_plan_cache_release(use->plan);
		use->plan = NULL;
		if (attempt == 100)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("the tables of this fetch kept changing while it was planned"),
					 errhint("Run the fetch again.")));
	}
}

/* The fetch is done: its relations closed (their locks kept), its plan released. */
void
relorm_plan_close(LoadPlanUse *use)
{
	if (use->plan == NULL)
		return;
	for (int i = 0; i < use->plan->nrelids; i++)
		relation_close(use->rels[i], NoLock);
	relorm_plan_cache_release(use->plan);
	use->plan = NULL;
}
