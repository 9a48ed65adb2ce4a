/*
 * render.h
 *		Rendering a level's rows as JSON objects (render.c), from what
 *		execute.c loaded for them.
 */
#ifndef RELORM_RENDER_H
#define RELORM_RENDER_H

#include "postgres.h"
#include "lib/stringinfo.h"
#include "load_plan.h"

/* A child relationship loaded for one set of parent rows. */
typedef struct ChildLoad
{
	int		   *row_slot;		/* per parent row: its key's slot, -1 for a NULL key */
	int		   *start;			/* per slot: offset in buf, -1 when no child */
	int		   *len;			/* per slot: bytes of all its children, comma-separated */
	int		   *first_len;		/* per slot: bytes of its first child */
	StringInfo	buf;			/* the children's JSON, comma-separated per slot */
	struct ChildLoad *sub;		/* a joined child: the loads of its own children */
	bool		cut;			/* a recursion at its depth: the field is left out */
} ChildLoad;

extern void relorm_render_row(StringInfo out, PlanLevel *lvl, Datum *vals, bool *nulls, int i, ChildLoad *loads);

#endif							/* RELORM_RENDER_H */
