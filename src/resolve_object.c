/*
 * resolve_object.c
 *		The resolution pass, for what the objects of a level hold once its
 *		items are resolved: no key twice (spreads bring their fields in),
 *		grouping when it has aggregates, and the arrays of a to-many spread.
 *		Part of resolve.c's pass; no SQL text.
 */
#include "relorm.h"

#include "miscadmin.h"
#include "resolve_int.h"
#include "shape.h"

static int
compare_field_keys(const void *a, const void *b)
{
	const PlanField *x = *(PlanField *const *) a;
	const PlanField *y = *(PlanField *const *) b;
	int			c;

	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	c = memcmp(x->key_json, y->key_json, x->key_len);
	/* equal keys in field order, so that the error names the first repeat */
	return c != 0 ? c : (x < y ? -1 : x > y ? 1 : 0);
}

/* The fields of lvl's objects: its own, and those its spreads bring in. */
static void
object_fields(PlanLevel *lvl, List **out)
{
	for (int f = 0; f < lvl->nfields; f++)
	{
		PlanField  *field = &lvl->fields[f];

		CHECK_FOR_INTERRUPTS();
		if (field->spread)
			object_fields(lvl->children[field->childidx], out);
		else
			*out = lappend(*out, field);
	}
}

/*
 * Two fields of one object under the same key would make JSON no reader
 * agrees on.  Sorted, so that a shape of many keys is checked in n log n.
 */
void
relorm_check_duplicate_keys(ResolveState *rs, PlanLevel *lvl)
{
	List	   *fields = NIL;
	PlanField **sorted;
	PlanField  *repeat = NULL;
	int			n;
	ListCell   *lc;

	object_fields(lvl, &fields);
	n = list_length(fields);
	if (n < 2)
		return;
	sorted = palloc(sizeof(PlanField *) * n);
	foreach(lc, fields)
		sorted[foreach_current_index(lc)] = lfirst(lc);
	qsort(sorted, n, sizeof(PlanField *), compare_field_keys);
	for (int i = 1; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (sorted[i - 1]->key_len == sorted[i]->key_len &&
			memcmp(sorted[i - 1]->key_json, sorted[i]->key_json, sorted[i]->key_len) == 0 &&
			(repeat == NULL || sorted[i] < repeat))
			repeat = sorted[i];
	}
	if (repeat)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_COLUMN),
				 errmsg("the key %.*s appears twice in the objects of %s",
						repeat->key_len - 1, repeat->key_json, lvl->path),
				 errdetail("Shape: %s", rs->shape->text),
				 errhint("Rename one of them with alias:item.")));
	pfree(sorted);
	list_free(fields);
}

/* Whether a level's own items hold an aggregate: it is grouped. */
bool
relorm_has_aggregates(List *items)
{
	ListCell   *lc;

	foreach(lc, items)
		if (((ShapeItem *) lfirst(lc))->kind == SHAPE_AGGREGATE)
			return true;
	return false;
}

/* Whether a grouped level has a column that is not an aggregate: one it groups by. */
bool
relorm_has_grouping_column(const ColumnList *cols)
{
	for (int i = 0; i < cols->n; i++)
		if (cols->refs[i].expr == NULL || cols->refs[i].expr->agg == AGG_NONE)
			return true;
	return false;
}

/*
 * The fields of a to-many spread (and of the to-one spreads inside it):
 * every one an array of its rows' values, so nothing may need a row of its
 * own (a subtype's column shows on every row).
 */
static void
check_spread_fields(ResolveState *rs, PlanLevel *spread, PlanLevel *lvl)
{
	for (int f = 0; f < lvl->nfields; f++)
	{
		PlanField  *field = &lvl->fields[f];
		PlanLevel  *child;

		field->type_col = -1;
		if (field->childidx < 0)
			continue;
		child = lvl->children[field->childidx];
		if (!field->spread || child->strategy != STRATEGY_JOINED)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("relationship \"%s\" inside the to-many spread %s", child->rel->name, spread->path),
					 errdetail("Shape: %s", rs->shape->text),
					 errhint("A to-many spread gives each column as an array of its rows' values: only to-one relationships spread in turn and loaded !joined fit, as in ...%s(title, ...author(name)).",
							 spread->rel->name)));
		check_spread_fields(rs, spread, child);
	}
}

/* A to-many spread: one row per parent, each column an array of the rows' values. */
void
relorm_resolve_spread_arrays(ResolveState *rs, PlanLevel *lvl, ColumnList *cols)
{
	if (lvl->grouped && !lvl->scalar_agg)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the to-many spread %s groups its rows", lvl->path),
				 errdetail("Shape: %s", rs->shape->text),
				 errhint("Spread only aggregates (...%s(count())), or nest the relationship to get one object per group.",
						 lvl->rel->name)));
	if (lvl->grouped)
		return;					/* one row per parent already: spread as an object */
	check_spread_fields(rs, lvl, lvl);
	for (int i = 0; i < cols->n; i++)
		relorm_resolve_array_column(rs, &cols->refs[i], lvl->path);
}

