/*
 * resolve_int.h
 *		What the two files of the resolution pass (resolve.c for levels and
 *		their items, resolve_relationship.c for what a relationship item asks
 *		beyond its items) share: the state of a resolution and its helpers.
 */
#ifndef RELORM_RESOLVE_INT_H
#define RELORM_RESOLVE_INT_H

#include "load_plan.h"
#include "shape.h"

/* Columns a level's query returns, collected while its fields are resolved. */
typedef struct ColumnList
{
	int			base;			/* leading key columns before these */
	int			n;
	int			cap;
	LevelColumn *refs;
} ColumnList;

typedef struct ResolveState
{
	LoadPlan   *plan;
	Shape	   *shape;
	int			tree_depth;		/* levels of '**' expanded so far */
	int			in_recursion;	/* > 0 while resolving the levels under a name* */
	int			max_params;		/* the call's params: no fragment may use a $n beyond */
	List	   *relids;			/* every relation the plan's queries read */
	List	   *names;			/* every name in scope, for the internal prefix */
	List	   *funcs;			/* functions the values call (computed fields, casts) */
	bool		camel;			/* output keys in camelCase (key_case => 'camel') */
} ResolveState;

/* resolve.c */
extern void relorm_resolve_reads(ResolveState *rs, Oid relid);
extern void relorm_resolve_names(ResolveState *rs, const char *text);
extern int	relorm_resolve_position(ResolveState *rs, int location);

/* resolve_value.c */
extern int	relorm_resolve_column(ColumnList *cols, int join, Oid relid, AttrNumber attnum);
extern int	relorm_resolve_present(ColumnList *cols, int join, Oid relid, AttrNumber attnum);
extern int	relorm_resolve_value(ResolveState *rs, PlanLevel *lvl, Oid relid, const ShapeItem *item,
								 ColumnList *cols, int join);
extern void relorm_resolve_array_column(ResolveState *rs, LevelColumn *col, const char *path);
extern void relorm_unknown_column(ResolveState *rs, Oid relid, const ShapeItem *item);

/* resolve_object.c */
extern void relorm_check_duplicate_keys(ResolveState *rs, PlanLevel *lvl);
extern bool relorm_has_aggregates(List *items);
extern bool relorm_has_grouping_column(const ColumnList *cols);
extern void relorm_resolve_spread_arrays(ResolveState *rs, PlanLevel *lvl, ColumnList *cols);

/* resolve_relationship.c */
extern const RelormRelationship *relorm_resolve_relationship(ResolveState *rs, Oid relid, const ShapeItem *item);
extern void relorm_resolve_usable(ResolveState *rs, const RelormRelationship *r);
extern Fragment *relorm_resolve_fragment(ResolveState *rs, const char *text, Oid relid, const char *what,
										 int param_offset);
extern Fragment *relorm_resolve_where(ResolveState *rs, const ShapeItem *item, Oid relid, int param_offset);
extern OrderSpec *relorm_resolve_order(ResolveState *rs, const char *text, Oid relid, const char *what,
									   PlanLevel *lvl);
extern List *relorm_resolve_filters(ResolveState *rs, Oid relid, List *items, int param_offset);
extern LevelStrategy relorm_resolve_strategy(const RelormRelationship *r, const ShapeItem *item, bool must_join);
extern void relorm_resolve_child_key(PlanLevel *child, Relation parent, int *keycols);
extern bool relorm_columns_unique(Oid relid, const AttrNumber *atts, int natts);

/* resolve_embed.c */
extern const RelormRelationship *relorm_resolve_embedding(ResolveState *rs, Oid relid, const ShapeItem *item);

#endif							/* RELORM_RESOLVE_INT_H */
