/*
 * shape.h
 *		The parsed form of a fetch shape: a list of items, each a column, every
 *		column ('*') or a relationship with its own nested shape.
 */
#ifndef RELORM_SHAPE_H
#define RELORM_SHAPE_H

#include "postgres.h"
#include "nodes/pg_list.h"

typedef enum ShapeItemKind
{
	SHAPE_ALL_COLUMNS,			/* '*' */
	SHAPE_COLUMN,				/* a column name */
	SHAPE_RELATIONSHIP			/* name(shape) */
} ShapeItemKind;

/*
 * One item of a shape.  'modifiers' is reserved for the per-relationship
 * options of the next version (where, order, limit, count, strategy, ...):
 * the parser keeps the words they will use out of the alias namespace so they
 * can be added without changing the meaning of any shape accepted today.
 */
typedef struct ShapeItem
{
	ShapeItemKind kind;
	char	   *name;			/* column or relationship; NULL for '*' */
	char	   *alias;			/* output key when renamed, else NULL */
	int			location;		/* byte offset of the item in the shape text */
	List	   *modifiers;		/* reserved, always NIL */
	List	   *items;			/* nested ShapeItems of a relationship */
} ShapeItem;

typedef struct Shape
{
	const char *text;			/* the shape as given, for error positions */
	List	   *items;			/* ShapeItem list */
} Shape;

extern Shape *shape_parse(const char *text);
extern int	shape_char_position(const Shape *shape, int location);
extern const char *shape_item_key(const ShapeItem *item);

#endif							/* RELORM_SHAPE_H */
