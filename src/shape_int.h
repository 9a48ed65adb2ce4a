/*
 * shape_int.h
 *		What the two files of the shape parser (shape.c for items and
 *		relationships, shape_value.c for values) share.
 */
#ifndef RELORM_SHAPE_INT_H
#define RELORM_SHAPE_INT_H

#include "shape.h"

typedef struct ShapeParser
{
	Shape	   *shape;
	const char *text;
	int			pos;
	int			depth;
} ShapeParser;

/* shape.c */
extern void relorm_shape_syntax_error(ShapeParser *p, const char *what, const char *hint) pg_attribute_noreturn();
extern void relorm_shape_skip_space(ShapeParser *p);
extern char *relorm_shape_name(ShapeParser *p, bool *quoted);

/* shape_value.c */
extern bool relorm_shape_looking_at(ShapeParser *p, const char *s);
extern ShapeItem *relorm_shape_value_item(ShapeParser *p, ShapeItem *item);

#endif							/* RELORM_SHAPE_INT_H */
