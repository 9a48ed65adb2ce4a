/*
 * render.c
 *		The last pass of a fetch: a row of a level (its values, deformed) and
 *		the loads of its children become its JSON object.  Columns render
 *		through json_out.c; a child loaded with a query of its own is copied
 *		from its level's buffer (an array, an object, a count), a joined
 *		child renders from the same row, a spread child's fields go into the
 *		object in place; a polymorphic row leaves out the other subtypes'
 *		columns, a recursion cut at its depth leaves out its key.
 */
#include "relorm.h"

#include "render.h"
#include "utils/fmgrprotos.h"

/* Whether a polymorphic row's discriminator value is the field's subtype. */
static bool
row_has_type(PlanField *field, Datum value, bool isnull, char **row_type)
{
	if (isnull)
		return false;
	/* the row's subtype, told once per row however many of its fields ask */
	if (*row_type == NULL)
		*row_type = OutputFunctionCall(field->type_out, value);
	return strcmp(*row_type, field->type_identity) == 0;
}

static void render_fields(StringInfo out, PlanLevel *lvl, Datum *vals, bool *nulls, int i, ChildLoad *loads,
						  bool *first);

/* ',' before every key but an object's first. */
static inline void
append_key(StringInfo out, const PlanField *field, bool *first)
{
	if (!*first)
		appendStringInfoCharMacro(out, ',');
	*first = false;
	appendBinaryStringInfo(out, field->key_json, field->key_len);
}

/*
 * The fields of a spread child whose parent has no row of it: each column
 * null (a to-many spread's, an empty array), each relationship empty.
 */
static void
render_empty_fields(StringInfo out, PlanLevel *lvl, bool *first)
{
	for (int f = 0; f < lvl->nfields; f++)
	{
		PlanField  *field = &lvl->fields[f];
		PlanLevel  *child = field->colidx < 0 ? lvl->children[field->childidx] : NULL;

		if (field->type_col >= 0 || child == lvl)
			continue;			/* no subtype, no recursion without a row */
		if (child && field->spread)
		{
			render_empty_fields(out, child, first);
			continue;
		}
		append_key(out, field, first);
		if (child == NULL)
			appendBinaryStringInfo(out, lvl->spread_arrays ? "[]" : "null", lvl->spread_arrays ? 2 : 4);
		else if (child->count)
			appendStringInfoCharMacro(out, '0');
		else if (child->many && child->strategy != STRATEGY_JOINED)
			appendBinaryStringInfo(out, "[]", 2);
		else
			appendBinaryStringInfo(out, "null", 4);
	}
}

/*
 * A spread child's fields for row i: a joined child's from the same row, a
 * loaded child's object (its first, the only one a spread has) without its
 * braces.
 */
static void
render_spread(StringInfo out, PlanLevel *child, ChildLoad *cl, Datum *vals, bool *nulls, int i, bool *first)
{
	int			slot;
	const char *obj;
	int			len;

	if (child->strategy == STRATEGY_JOINED)
	{
		render_fields(out, child, vals, nulls, i, cl->sub, first);
		return;
	}
	slot = cl->row_slot[i];
	if (slot < 0 || cl->start[slot] < 0)
	{
		render_empty_fields(out, child, first);
		return;
	}
	obj = cl->buf->data + cl->start[slot];
	len = cl->first_len[slot];
	if (len <= 2)
		return;					/* {}: every field left out on this row */
	if (!*first)
		appendStringInfoCharMacro(out, ',');
	*first = false;
	appendBinaryStringInfo(out, obj + 1, len - 2);
}

/*
 * Appends the fields of a row (row i of its level, with values vals): its
 * columns rendered, its selectin children copied from their level's buffer,
 * its joined children rendered from the same row (a recursion bounded by the
 * shape's depth), its spread children's fields in place.  A polymorphic row
 * leaves out the columns of the other subtypes; a recursion cut at its depth
 * leaves out its key.
 */
static void
render_fields(StringInfo out, PlanLevel *lvl, Datum *vals, bool *nulls, int i, ChildLoad *loads, bool *first)
{
	char	   *row_type = NULL;	/* a polymorphic row's subtype, once known */

	for (int f = 0; f < lvl->nfields; f++)
	{
		PlanField  *field = &lvl->fields[f];
		PlanLevel  *child = NULL;
		ChildLoad  *cl = NULL;
		int			slot;
		bool		empty;

		if (field->colidx < 0)
		{
			child = lvl->children[field->childidx];
			cl = &loads[field->childidx];
			if (cl->cut)
				continue;
			if (field->spread)
			{
				render_spread(out, child, cl, vals, nulls, i, first);
				continue;
			}
		}
		else if (field->type_col >= 0 &&
				 !row_has_type(field, vals[field->type_col], nulls[field->type_col], &row_type))
			continue;
		append_key(out, field, first);
		if (field->colidx >= 0)
		{
			relorm_json_out_value(out, &lvl->out[field->colidx], vals[field->colidx], nulls[field->colidx]);
			continue;
		}
		if (child->strategy == STRATEGY_JOINED)
		{
			if (nulls[child->present_col])
				appendBinaryStringInfo(out, "null", 4);
			else
				relorm_render_row(out, child, vals, nulls, i, cl->sub);
			continue;
		}
		slot = cl->row_slot[i];
		empty = slot < 0 || cl->start[slot] < 0;
		if (child->count)
		{
			if (empty)
				appendStringInfoCharMacro(out, '0');
			else
				appendBinaryStringInfo(out, cl->buf->data + cl->start[slot], cl->first_len[slot]);
		}
		else if (child->many)
		{
			if (empty)
				appendBinaryStringInfo(out, "[]", 2);
			else
			{
				appendStringInfoCharMacro(out, '[');
				appendBinaryStringInfo(out, cl->buf->data + cl->start[slot], cl->len[slot]);
				appendStringInfoCharMacro(out, ']');
			}
		}
		else if (empty)
			appendBinaryStringInfo(out, "null", 4);
		else
			appendBinaryStringInfo(out, cl->buf->data + cl->start[slot], cl->first_len[slot]);
	}
}

/* Appends row i of its level, with values vals, as a JSON object. */
void
relorm_render_row(StringInfo out, PlanLevel *lvl, Datum *vals, bool *nulls, int i, ChildLoad *loads)
{
	bool		first = true;

	appendStringInfoCharMacro(out, '{');
	render_fields(out, lvl, vals, nulls, i, loads, &first);
	appendStringInfoCharMacro(out, '}');
}

