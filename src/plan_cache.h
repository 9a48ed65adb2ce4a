/*
 * plan_cache.h
 *		The per-backend cache of load plans: lookup by key, invalidation when
 *		what a plan depends on changes, and reference counts for the plans
 *		fetches are running.
 */
#ifndef RELORM_PLAN_CACHE_H
#define RELORM_PLAN_CACHE_H

#include "load_plan.h"

extern MemoryContext relorm_plan_cache_context(void);
extern uint32 relorm_plan_cache_hash_key(const char *key);
extern LoadPlan *relorm_plan_cache_find(const char *key);
extern void relorm_plan_cache_add(LoadPlan *plan);
extern void relorm_plan_cache_trim(LoadPlan *keep);
extern void relorm_plan_cache_invalidate(LoadPlan *plan);
extern void relorm_plan_cache_invalidate_all(void);
extern void relorm_plan_cache_acquire(LoadPlan *plan);
extern void relorm_plan_cache_release(LoadPlan *plan);
extern void relorm_plan_cache_free(LoadPlan *plan);

#endif							/* RELORM_PLAN_CACHE_H */
