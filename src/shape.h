/*
 * shape.h
 *		The parsed form of a fetch shape: a list of items, each a column, every
 *		column ('*'), the default tree ('**') or a relationship with its own
 *		nested shape and modifiers (where, order, limit, count, hints, depth).
 */
#ifndef RELORM_SHAPE_H
#define RELORM_SHAPE_H

#include "postgres.h"
#include "nodes/pg_list.h"

typedef enum ShapeItemKind
{
	SHAPE_ALL_COLUMNS,			/* '*', '*-col', '*-(a,b)' */
	SHAPE_DEFAULT_TREE,			/* '**': every column and every eager relationship */
	SHAPE_COLUMN,				/* a column (or computed field), secondary.column,
								 * with a JSON path and a cast */
	SHAPE_AGGREGATE,			/* count(), column.sum() (avg, min, max, count) */
	SHAPE_RELATIONSHIP			/* [...]name[!hint]...[*[depth]](shape) */
} ShapeItemKind;

/* One step of a JSON path: ->key, ->0, ->>key (text). */
typedef struct ShapeJsonStep
{
	bool		as_text;		/* ->> */
	char	   *key;			/* the key, or the index as written */
	bool		is_index;		/* an array index: ->0, ->-1 */
} ShapeJsonStep;

/* Which parents a relationship item keeps: all, those with a match, those without. */
typedef enum ShapeFilterMode
{
	SHAPE_FILTER_NONE,
	SHAPE_FILTER_INNER,			/* !inner */
	SHAPE_FILTER_ANTI			/* !none */
} ShapeFilterMode;

/* A strategy asked for with a hint; SHAPE_STRATEGY_DEFAULT follows the catalog. */
typedef enum ShapeStrategy
{
	SHAPE_STRATEGY_DEFAULT,
	SHAPE_STRATEGY_SELECTIN,
	SHAPE_STRATEGY_JOINED,
	SHAPE_STRATEGY_SELECT
} ShapeStrategy;

/*
 * One item of a shape.  A relationship item carries its modifiers: the SQL
 * fragments are kept as written (checked and embedded by load_plan.c), each
 * with its location for errors.
 */
typedef struct ShapeItem
{
	ShapeItemKind kind;
	char	   *name;			/* column or relationship; NULL for '*' */
	char	   *qualifier;		/* secondary.column: the association table's name */
	char	   *alias;			/* output key when renamed, else NULL */
	List	   *json_path;		/* ShapeJsonStep *: data->a->>b */
	char	   *cast;			/* ::type, as written (checked by resolve.c) */
	char	   *value_cast;		/* an aggregate's value's: data->>n::int.sum() */
	char	   *aggregate;		/* SHAPE_AGGREGATE: count, sum, avg, min, max */
	bool		spread;			/* ...rel(): its fields lifted into the parent object */
	char	   *fk_hint;		/* rel!fk_name or rel!column: the foreign key an
								 * embedding by table name follows */
	int			fk_hint_location;
	int			location;		/* byte offset of the item in the shape text */
	List	   *exclude;		/* '*-' and '**-': names (char *) left out */
	List	   *items;			/* nested ShapeItems of a relationship */

	/* relationship modifiers */
	char	   *where;			/* where: boolean SQL, or NULL */
	int			where_location;
	char	   *order;			/* order: ordering list, or NULL */
	int			order_location;
	int64		limit;			/* limit: per parent, -1 when none */
	int64		offset;			/* offset: per parent */
	bool		offset_given;
	bool		count;			/* count: the number of rows instead of the rows */
	ShapeFilterMode filter;
	ShapeStrategy strategy;
	bool		recursive;		/* name*: the relationship again, level by level */
	int			depth;			/* name*N: N levels; 0 to the leaves */
	bool		render;			/* false for filter-only items (!none, !inner()) */
} ShapeItem;

typedef struct Shape
{
	const char *text;			/* the shape as given, for error positions */
	List	   *items;			/* ShapeItem list */
} Shape;

extern Shape *relorm_shape_parse(const char *text);
extern int	relorm_shape_char_position(const Shape *shape, int location);
extern const char *relorm_shape_item_key(const ShapeItem *item);
extern bool relorm_shape_aggregate_word(const char *name);

#endif							/* RELORM_SHAPE_H */
