/*
 * load_plan.h
 *		The load plan of a fetch: one level per table of the shape, each with
 *		its resolved relationship, the columns it reads, how they render, the
 *		SQL it runs and that SQL's prepared SPI plan, kept across batches and
 *		calls.  Plans are cached per backend by (root, shape, filter, order).
 */
#ifndef RELORM_LOAD_PLAN_H
#define RELORM_LOAD_PLAN_H

#include "postgres.h"
#include "catalog_cache.h"
#include "executor/spi.h"
#include "json_out.h"
#include "lib/ilist.h"
#include "utils/rel.h"

typedef enum LevelStrategy
{
	STRATEGY_ROOT,				/* the root cursor, read in batches */
	STRATEGY_SELECTIN,			/* one query per batch: key = ANY($1) */
	STRATEGY_SELECT,			/* one query per batch, a LATERAL lookup per parent key */
	STRATEGY_JOINED				/* to-one, LEFT JOINed into the parent's query */
} LevelStrategy;

/*
 * A column of a level's result: of its own table (join 0), of joined child
 * 'join', or of the association row of a many-to-many (JOIN_SECONDARY).
 */
#define JOIN_SECONDARY (-1)

typedef struct LevelColumn
{
	int			join;
	Oid			relid;
	AttrNumber	attnum;
} LevelColumn;

/* One key of the output object, in the shape's order. */
typedef struct PlanField
{
	char	   *key_json;		/* "key": already escaped */
	int			key_len;
	int			colidx;			/* result column, or -1 */
	int			childidx;		/* child level, or -1 */
	int			type_col;		/* polymorphic: result column of the discriminator, or -1 */
	char	   *type_identity;	/* ... rendered only on rows of this subtype */
	FmgrInfo   *type_out;		/* ... the discriminator's output function */
} PlanField;

typedef struct PlanLevel
{
	Oid			relid;
	char	   *path;			/* users.posts.comments */
	const RelormRelationship *rel;	/* the relationship leading here; NULL at the root */
	LevelStrategy strategy;
	bool		many;			/* to-many: an array; to-one: an object or null */
	int			nkeycols;		/* leading result columns holding the parent's key */
	int			ncols;			/* result columns */
	int			nattrs;			/* the columns read, after the key columns */
	LevelColumn  *attrs;
	int			njoins;			/* joined children, in join number order */
	struct PlanLevel **joins;

	/* a joined child: its columns live in the result of the level owning the query */
	char	   *join_alias;
	int			join_parent;	/* join number of the joined parent, 0 for the owner's table */
	const char *query_path;		/* path of the level whose query it is joined into */
	int			present_col;	/* result column that is NULL when no row joined */
	JsonOutColumn *out;			/* rendering of each result column (a joined child
								 * shares its parent's) */
	Oid		   *coltypes;		/* the type of each result column, checked when it runs */
	int			nfields;
	PlanField  *fields;
	int			nchildren;
	struct PlanLevel **children;

	/* for a child level: its key as found in the parent's result columns */
	int		   *parent_keycols;
	Oid		   *key_types;
	int16	   *key_typlen;
	bool	   *key_typbyval;
	char	   *key_typalign;
	bool	   *key_fast;		/* integer keys: compared and hashed as Datums */
	FmgrInfo   *key_hash;
	FmgrInfo   *key_eq;
	Oid		   *key_coll;

	/* shape modifiers */
	bool		count;			/* renders the number of rows */
	int64		limit;			/* per parent, -1 when none */
	int64		offset;
	bool		recursive;		/* one of its children is the level itself */
	int			max_depth;		/* levels of a recursion; 0 to the leaves */
	int			rec_id;			/* index of the recursion's depth counter */
	int		   *rec_keycols;	/* the recursion's key among its own columns */
	int			buf_id;			/* its output buffer during a fetch, -1 for none */

	char	   *sql;
	SPIPlanPtr	plan;			/* prepared and kept */
} PlanLevel;

typedef struct LoadPlan
{
	char	   *cache_key;
	MemoryContext cxt;
	Oid		   *relids;			/* every relation its queries read */
	int			nrelids;
	Oid		   *funcs;			/* functions it calls to render values (casts to json) */
	uint32	   *func_hashes;	/* ... their syscache hash values */
	int			nfuncs;

	/* kept by plan_cache.c */
	uint32		key_hash;
	dlist_node	lru;
	int			refcount;		/* fetches running it */
	bool		cached;			/* in the cache; else freed at its last release */
	bool		valid;			/* false once something it depends on changed */
	bool		funcs_changed;	/* a function it calls changed while it ran */

	Oid			root;
	PlanLevel  *top;
	int			nparams;		/* parameters of the filter and where: ($1..$n) */
	int			shape_nparams;	/* the highest $n the shape's where: use */
	Oid		   *param_types;	/* nparams, then the root's limit and offset */
	int			nrecursions;	/* recursive levels, each with a depth counter */
	int			nbufs;			/* levels with a query of their own, below the root */
} LoadPlan;

/* The most parameters a call may give (the wire protocol's limit). */
#define RELORM_MAX_PARAMS 65535

extern LoadPlan *load_plan_get(Oid root, const char *shape, const char *filter,
							   const char *order_by, int max_params);

/* The plan of a running fetch, its relations open and locked. */
typedef struct LoadPlanUse
{
	LoadPlan   *plan;
	Relation   *rels;
} LoadPlanUse;

extern void load_plan_open(LoadPlanUse *use, Oid root, const char *shape, const char *filter,
						   const char *order_by, int max_params);
extern void load_plan_close(LoadPlanUse *use);

#endif							/* RELORM_LOAD_PLAN_H */
