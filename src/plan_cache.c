/*
 * plan_cache.c
 *		The per-backend cache of load plans, and the rules that make a kept
 *		plan safe to run.  Plans are found by a key made of the call's text
 *		arguments and the settings that change a plan (a dynahash on the key's
 *		hash, the full key compared), and kept most recently used first within
 *		relorm.plan_cache_memory and PLAN_CACHE_SIZE plans.
 *
 *		A plan depends on the relations its queries read, on the functions it
 *		calls to render values (casts to json) and on relorm's catalogs.  An
 *		invalidation of any of them marks it invalid and takes it out of the
 *		cache, as PostgreSQL's plancache.c does for its plans; a plan that a
 *		fetch is running stays allocated until that fetch releases it (fetches
 *		may nest: a filter may call relorm.fetch).  Callbacks only mark: plans
 *		are freed at the next call into this file, never from inside an
 *		invalidation callback.
 */
#include "relorm.h"

#include "catalog_cache.h"
#include "common/hashfn.h"
#include "executor/spi_priv.h"
#include "lib/ilist.h"
#include "plan_cache.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#define PLAN_CACHE_SIZE 64

typedef struct PlanBucket
{
	uint32		hash;			/* hash key: the hash of the plans' keys */
	List	   *plans;			/* LoadPlan *, whose keys have this hash */
} PlanBucket;

static MemoryContext plan_cache_cxt = NULL;
static HTAB *plan_hash = NULL;
static dlist_head lru = DLIST_STATIC_INIT(lru);	/* cached plans, most recent first */
static List *graveyard = NIL;	/* invalid plans no fetch runs, to free */
static List *running = NIL;		/* plans fetches are running, innermost last */

static void
free_level(PlanLevel *lvl)
{
	for (int i = 0; i < lvl->nchildren; i++)
		if (lvl->children[i] != lvl)
			free_level(lvl->children[i]);
	if (lvl->plan)
		SPI_freeplan(lvl->plan);
	if (lvl->plan_unsorted)
		SPI_freeplan(lvl->plan_unsorted);
	lvl->plan = lvl->plan_unsorted = NULL;
}

/* Frees a plan: its prepared statements, then its memory. */
void
relorm_plan_cache_free(LoadPlan *plan)
{
	if (plan->top)
		free_level(plan->top);
	MemoryContextDelete(plan->cxt);
}

/* The memory a level's prepared statement holds: its query trees and generic plan. */
static Size
spi_plan_memory(SPIPlanPtr plan)
{
	Size		total = 0;
	ListCell   *lc;

	if (plan == NULL)
		return 0;
	total += MemoryContextMemAllocated(plan->plancxt, true);
	foreach(lc, plan->plancache_list)
	{
		CachedPlanSource *ps = lfirst(lc);

		total += MemoryContextMemAllocated(ps->context, true);
		if (ps->gplan)
			total += MemoryContextMemAllocated(ps->gplan->context, true);
	}
	return total;
}

static Size
level_memory(PlanLevel *lvl)
{
	Size		total = spi_plan_memory(lvl->plan) + spi_plan_memory(lvl->plan_unsorted);

	for (int i = 0; i < lvl->nchildren; i++)
		if (lvl->children[i] != lvl)
			total += level_memory(lvl->children[i]);
	return total;
}

/* What a plan holds: its own context and its levels' prepared statements. */
static Size
plan_memory(LoadPlan *plan)
{
	return MemoryContextMemAllocated(plan->cxt, true) + (plan->top ? level_memory(plan->top) : 0);
}

/* Takes a plan out of the cache; it is freed once no fetch runs it. */
static void
uncache(LoadPlan *plan)
{
	PlanBucket *b;

	if (!plan->cached)
		return;
	b = hash_search(plan_hash, &plan->key_hash, HASH_FIND, NULL);
	if (b != NULL)
	{
		b->plans = list_delete_ptr(b->plans, plan);
		if (b->plans == NIL)
			(void) hash_search(plan_hash, &plan->key_hash, HASH_REMOVE, NULL);
	}
	dlist_delete(&plan->lru);
	plan->cached = false;
	if (plan->refcount == 0)
	{
		MemoryContext old = MemoryContextSwitchTo(plan_cache_cxt);

		graveyard = lappend(graveyard, plan);
		MemoryContextSwitchTo(old);
	}
}

/* The plan is stale: out of the cache, freed once no fetch runs it. */
void
relorm_plan_cache_invalidate(LoadPlan *plan)
{
	plan->valid = false;
	uncache(plan);
}

/* Frees the plans that were invalidated while no fetch ran them. */
static void
bury(void)
{
	ListCell   *lc;
	List	   *dead = graveyard;

	graveyard = NIL;
	foreach(lc, dead)
		relorm_plan_cache_free(lfirst(lc));
	list_free(dead);
}

static bool
reads_relation(LoadPlan *plan, Oid relid)
{
	for (int i = 0; i < plan->nrelids; i++)
		if (plan->relids[i] == relid)
			return true;
	return false;
}

/* Whether the plan calls a function with this syscache hash (0: any function). */
static bool
plan_calls(LoadPlan *plan, uint32 hashvalue)
{
	for (int i = 0; i < plan->nfuncs; i++)
		if (hashvalue == 0 || plan->func_hashes[i] == hashvalue)
			return true;
	return false;
}

/* A relation changed (ALTER, DROP, TRUNCATE, ANALYZE...): the plans reading it go. */
static void
relcache_callback(Datum arg, Oid relid)
{
	dlist_mutable_iter it;

	dlist_foreach_modify(it, &lru)
	{
		LoadPlan   *plan = dlist_container(LoadPlan, lru, it.cur);

		if (relid == InvalidOid || reads_relation(plan, relid))
			relorm_plan_cache_invalidate(plan);
	}
}

/*
 * A function changed or was dropped: the plans calling it to render go, and
 * a fetch running one learns it before rendering its next batch.
 */
static void
proc_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	dlist_mutable_iter it;
	ListCell   *lc;

	dlist_foreach_modify(it, &lru)
	{
		LoadPlan   *plan = dlist_container(LoadPlan, lru, it.cur);

		if (plan_calls(plan, hashvalue))
			relorm_plan_cache_invalidate(plan);
	}
	foreach(lc, running)
	{
		LoadPlan   *plan = lfirst(lc);

		if (plan_calls(plan, hashvalue))
			plan->funcs_changed = true;
	}
}

/* A cast was created or dropped: a type may now render through another one. */
static void
cast_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	relorm_plan_cache_invalidate_all();
}

/*
 * A constraint was added, changed or dropped: the plans that embed through
 * undeclared foreign keys go (the constraint may make one ambiguous, or
 * give it another table than the ones the plan reads).
 */
static void
constraint_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	dlist_mutable_iter it;

	dlist_foreach_modify(it, &lru)
	{
		LoadPlan   *plan = dlist_container(LoadPlan, lru, it.cur);

		if (plan->embeds)
			relorm_plan_cache_invalidate(plan);
	}
}

/*
 * A role was granted or revoked: whose stored SQL '**' may run (a role with
 * the caller's rights) may have changed, for any plan.
 */
static void
membership_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	relorm_plan_cache_invalidate_all();
}

/* relorm's catalogs changed: every plan goes. */
void
relorm_plan_cache_invalidate_all(void)
{
	dlist_mutable_iter it;

	dlist_foreach_modify(it, &lru)
		relorm_plan_cache_invalidate(dlist_container(LoadPlan, lru, it.cur));
}

/* Sets up the cache on first use. */
static void
plan_cache_init(void)
{
	HASHCTL		ctl;

	if (plan_cache_cxt != NULL)
		return;
	plan_cache_cxt = AllocSetContextCreate(CacheMemoryContext, "relorm load plans",
										   ALLOCSET_DEFAULT_SIZES);
	ctl.keysize = sizeof(uint32);
	ctl.entrysize = sizeof(PlanBucket);
	ctl.hcxt = plan_cache_cxt;
	plan_hash = hash_create("relorm load plans", PLAN_CACHE_SIZE, &ctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(PROCOID, proc_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(CASTSOURCETARGET, cast_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(CONSTROID, constraint_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, membership_callback, (Datum) 0);
	relorm_cache_register_reset_hook(relorm_plan_cache_invalidate_all);
}

/* The context under which plans are built (each in a context of its own). */
MemoryContext
relorm_plan_cache_context(void)
{
	plan_cache_init();
	return plan_cache_cxt;
}

uint32
relorm_plan_cache_hash_key(const char *key)
{
	return hash_bytes((const unsigned char *) key, strlen(key));
}

/* The valid cached plan with this key, made the most recently used; or NULL. */
LoadPlan *
relorm_plan_cache_find(const char *key)
{
	uint32		h = relorm_plan_cache_hash_key(key);
	PlanBucket *b;
	ListCell   *lc;

	plan_cache_init();
	bury();
	b = hash_search(plan_hash, &h, HASH_FIND, NULL);
	if (b == NULL)
		return NULL;
	foreach(lc, b->plans)
	{
		LoadPlan   *plan = lfirst(lc);

		if (strcmp(plan->cache_key, key) == 0)
		{
			dlist_move_head(&lru, &plan->lru);
			return plan;
		}
	}
	return NULL;
}

/* Keeps a newly built plan (its cache_key set) as the most recently used. */
void
relorm_plan_cache_add(LoadPlan *plan)
{
	PlanBucket *b;
	bool		found;
	MemoryContext old;

	plan_cache_init();
	plan->key_hash = relorm_plan_cache_hash_key(plan->cache_key);
	b = hash_search(plan_hash, &plan->key_hash, HASH_ENTER, &found);
	old = MemoryContextSwitchTo(plan_cache_cxt);
	b->plans = found ? lappend(b->plans, plan) : list_make1(plan);
	MemoryContextSwitchTo(old);
	dlist_push_head(&lru, &plan->lru);
	plan->cached = true;
}

/*
 * The least recently used plans go while the cache holds more than its
 * number of plans or its memory.  keep (the plan about to run) stays,
 * however large; a plan a fetch is running is only taken out of the cache.
 */
void
relorm_plan_cache_trim(LoadPlan *keep)
{
	Size		total = 0;
	int			count = 0;
	dlist_iter	it;

	dlist_foreach(it, &lru)
	{
		total += plan_memory(dlist_container(LoadPlan, lru, it.cur));
		count++;
	}
	while (count > 1 && (count > PLAN_CACHE_SIZE || total > (Size) relorm_plan_cache_memory * 1024))
	{
		LoadPlan   *victim = dlist_container(LoadPlan, lru, dlist_tail_node(&lru));

		if (victim == keep)
			break;
		total -= plan_memory(victim);
		count--;
		uncache(victim);
	}
	bury();
}

/* A fetch starts running the plan. */
void
relorm_plan_cache_acquire(LoadPlan *plan)
{
	MemoryContext old = MemoryContextSwitchTo(relorm_plan_cache_context());

	plan->refcount++;
	running = lappend(running, plan);
	MemoryContextSwitchTo(old);
}

/* A fetch is done with the plan: freed now if it left the cache meanwhile. */
void
relorm_plan_cache_release(LoadPlan *plan)
{
	running = list_delete_ptr(running, plan);
	if (--plan->refcount == 0 && !plan->cached)
		relorm_plan_cache_free(plan);
}
