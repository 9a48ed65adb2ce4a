/*
 * load_plan.h
 *		The load plan of a fetch, and the passes that make it, one file each,
 *		the data walking one way:
 *
 *			shape text --shape.c--> Shape --resolve.c--> resolved levels
 *			--deparse.c--> SQL of each level --prepare.c--> prepared plans
 *			--execute.c--> rows --json_out.c--> JSON
 *
 *		A plan has one level per query (the root, each relationship loaded
 *		with a query of its own) or join (a to-one relationship LEFT JOINed
 *		into its parent's query).  Resolution fills in what a level reads and
 *		how (relationship, columns, keys, strategy, modifiers); deparsing adds
 *		its SQL; preparing adds the kept SPI plan and the renderers.  Plans are
 *		kept by plan_cache.c.
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

/* What a level computes over its rows' values: an aggregate of a grouped level. */
typedef enum ValueAggregate
{
	AGG_NONE,
	AGG_COUNT_ROWS,				/* count(): count(*) */
	AGG_COUNT,					/* column.count(): its non-NULL values */
	AGG_SUM,
	AGG_AVG,
	AGG_MIN,
	AGG_MAX,
	AGG_ARRAY,					/* a to-many spread: the values of every row, in order */
	AGG_PRESENT					/* a joined child in a grouped level: true when any
								 * row of the group has one, else NULL */
} ValueAggregate;

/*
 * A value that is not simply a column: a computed field (a function of the
 * row) or a column, then a JSON path, then an aggregate, then a cast.  Its
 * type is known once resolved, and its renderer is set up from it.
 */
typedef struct ValueExpr
{
	Oid			func;			/* computed field: func(row) instead of a column */
	List	   *json_path;		/* ShapeJsonStep *: -> and ->> steps */
	bool		to_jsonb;		/* the column is not json: pg_catalog.to_jsonb() first */
	Oid			value_cast_type;	/* cast before the aggregate, or InvalidOid */
	int32		value_cast_typmod;
	ValueAggregate agg;
	bool		array_of_json;	/* AGG_ARRAY of array values: each as json */
	Oid			cast_type;		/* ::type, or InvalidOid */
	int32		cast_typmod;
	Oid			type;			/* the type of the whole expression (for AGG_ARRAY,
								 * the array's; the cast is then inside) */
} ValueExpr;

/* The aggregate function, in pg_catalog, of an aggregate. */
static inline const char *
relorm_aggregate_name(ValueAggregate agg)
{
	switch (agg)
	{
		case AGG_COUNT_ROWS:
		case AGG_COUNT:
			return "count";
		case AGG_SUM:
			return "sum";
		case AGG_AVG:
			return "avg";
		case AGG_MIN:
			return "min";
		case AGG_MAX:
			return "max";
		case AGG_ARRAY:
			return "array_agg";
		case AGG_PRESENT:
			return "bool_or";
		case AGG_NONE:
			break;
	}
	return NULL;
}

typedef struct LevelColumn
{
	int			join;
	Oid			relid;
	AttrNumber	attnum;			/* 0 for count() and computed fields */
	ValueExpr  *expr;			/* NULL: the plain column */
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
	bool		spread;			/* ...child: its fields go into this object */
} PlanField;

/* A SQL fragment a caller or a declaration wrote, checked, with where it came from. */
typedef struct Fragment
{
	const char *text;
	Oid			relid;			/* the table it is written over */
	const char *what;			/* for errors: where: of "posts" at position 12 of the shape */
	int			param_offset;	/* its $n are moved up by this in its query */
	bool		unaliased;		/* the filter: the root table is not aliased in its query */
} Fragment;

/* rel.column in an ordering: a column of a to-one relationship of the table. */
typedef struct OrderRef
{
	int			start;			/* bytes of "rel.column" in the ordering's text */
	int			end;
	const RelormRelationship *rel;
	char	   *column;
} OrderRef;

/* An ordering list (order:, a declared order_by, the root's order_by). */
typedef struct OrderSpec
{
	Fragment	text;
	List	   *refs;			/* OrderRef * */
	bool		ends_with_key;	/* it already ends with the primary key: no tie-break */
} OrderSpec;

/*
 * A !inner or !none item: the parent's rows kept are those with (or
 * without) a matching row of the relationship, itself filtered.
 */
typedef struct FilterNode
{
	bool		anti;			/* !none */
	const RelormRelationship *rel;
	Fragment   *where;
	List	   *filters;		/* FilterNode *, conditions on the relationship's rows */
} FilterNode;

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
	LevelColumn *attrs;
	int			njoins;			/* joined children, in join number order */
	struct PlanLevel **joins;

	/* a joined child: its columns live in the result of the level owning the query */
	int			join_index;		/* its number among the owner's joins, from 1 */
	char	   *join_alias;		/* deparse.c: its alias in the owner's query */
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
	Oid		   *key_coll;		/* the FK column's: keys compare and group with it everywhere */

	/* shape modifiers */
	Fragment   *where;			/* where: (the root: the filter) */
	OrderSpec  *order;			/* order:, else the relationship's order_by (the root: order_by) */
	List	   *filters;		/* FilterNode *: its !inner and !none items */
	char	  **pk;				/* the table's primary key */
	int			npk;
	char	  **tiebreak;		/* the tie-break of every ordering: the key, or for a */
	int			ntiebreak;		/* relation without one a view's key, or its ordered columns */
	bool		count;			/* renders the number of rows */
	bool		grouped;		/* aggregates: one row per group of the other columns */
	bool		scalar_agg;		/* ... and no other column: one row per parent, rows or not */
	bool		spread_arrays;	/* a to-many spread: one row per parent, each column an array */
	int64		limit;			/* per parent, -1 when none */
	int64		offset;
	bool		recursive;		/* one of its children is the level itself */
	bool		depth_buffers;	/* ... in no other recursion: a kept buffer per depth */
	int			max_depth;		/* levels of a recursion; 0 to the leaves */
	int			rec_id;			/* index of the recursion's depth counter */
	int		   *rec_keycols;	/* the recursion's key among its own columns */
	int			buf_id;			/* its output buffer during a fetch, -1 for none */
	int			level_id;		/* levels with a query of their own: 0..nlevels-1 */

	char	   *sql;			/* deparse.c */
	SPIPlanPtr	plan;			/* prepare.c: prepared and kept */
	int			nargs;			/* its parameters: the key arrays, the fetch's */
	Oid		   *argtypes;
	bool		may_plan_unsorted;	/* prepare.c: may run without sorts for many keys */
	SPIPlanPtr	plan_unsorted;	/* ... and that plan, once a batch needed it */
} PlanLevel;

/* A batch with this many parent keys or more runs a level's unsorted plan. */
#define RELORM_UNSORTED_MIN_KEYS 1000

typedef struct LoadPlan
{
	char	   *cache_key;
	MemoryContext cxt;
	Oid			root;
	PlanLevel  *top;
	const char *ns;				/* prefix of relorm's own names in its queries */
	List	   *fragments;		/* Fragment *: every fragment that may use $n, the filter last */
	bool		by_key;			/* fetch_one: the root is found by its primary key */
	bool		key_list;		/* ... by a list of them (one array per key column),
								 * the trees in its order */
	bool		embeds;			/* it follows undeclared foreign keys: made again
								 * when any constraint changes */
	int			key_param;		/* ... compared with $key_param + 1 .. */
	int			nparams;		/* parameters of the fragments (and the key): $1..$n */
	int			shape_nparams;	/* the highest $n the shape's where: use */
	Oid		   *param_types;	/* nparams, then the root's limit and offset */
	int			nrecursions;	/* recursive levels, each with a depth counter */
	bool		reads_citus;	/* prepare.c: it reads a Citus table */
	bool		custom_plans;	/* ... every query planned for each run's values */
	int			nbufs;			/* levels with a buffer of their own, below the root */
	struct RunBuffers *spare_bufs;	/* execute.c: the JSON buffers of its last run */
	int			nlevels;		/* levels with a query of their own */
	Oid		   *relids;			/* every relation its queries read */
	int			nrelids;
	Oid		   *funcs;			/* functions it calls to render values (casts to json) */
	uint32	   *func_hashes;	/* ... their syscache hash values */
	int			nfuncs;
	List	   *value_funcs;	/* resolve.c: functions its values call (computed
								 * fields, casts), recorded with the above */

	/* kept by plan_cache.c */
	uint32		key_hash;
	dlist_node	lru;
	int			refcount;		/* fetches running it */
	bool		cached;			/* in the cache; else freed at its last release */
	bool		valid;			/* false once something it depends on changed */
	bool		funcs_changed;	/* a function it calls changed while it ran */
} LoadPlan;

/* The most parameters a call may give (the wire protocol's limit). */
#define RELORM_MAX_PARAMS 65535

/* What a fetch asks for: the call's arguments that make its plan. */
typedef struct PlanRequest
{
	Oid			root;
	const char *shape;
	const char *filter;
	const char *order_by;
	int			max_params;		/* the params the call gives: no $n beyond */
	bool		by_key;			/* fetch_one: add the primary key condition */
	bool		key_list;		/* ... of a list of keys: arrays, the trees in their order */
	int			key_param;		/* ... its parameters follow this many */
	bool		camel;			/* key_case => 'camel' */
} PlanRequest;

/* The plan of a running fetch, its relations open and locked. */
typedef struct LoadPlanUse
{
	LoadPlan   *plan;
	Relation   *rels;
} LoadPlanUse;

extern void relorm_plan_open(LoadPlanUse *use, const PlanRequest *req);
extern void relorm_plan_close(LoadPlanUse *use);

#endif							/* RELORM_LOAD_PLAN_H */
