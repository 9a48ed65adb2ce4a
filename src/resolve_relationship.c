/*
 * resolve_relationship.c
 *		The resolution pass, for a relationship item beyond the items it lists:
 *		the relationship itself (with "did you mean" when it does not exist),
 *		its where: and order: (checked and recorded, not embedded), its !inner
 *		and !none items as filter trees, the strategy it is loaded with, and
 *		its key as its parents hold it.  Part of resolve.c's pass; no SQL text.
 */
#include "relorm.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "fragment.h"
#include "miscadmin.h"
#include "names.h"
#include "parser/scanner.h"
#include "parser/gram.h"
#include "resolve_int.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/typcache.h"

static void
unknown_relationship(ResolveState *rs, Oid relid, const ShapeItem *item)
{
	List	   *names = NIL;
	const char *near;
	ListCell   *lc;

	foreach(lc, relorm_relationships_of(relid))
		names = lappend(names, ((RelormRelationship *) lfirst(lc))->name);
	near = relorm_nearest_name(item->name, names);
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("relationship \"%s\" does not exist on table %s, at position %d of the shape",
					item->name, relorm_table_label(relid), relorm_resolve_position(rs, item->location)),
			 names ? errdetail("The relationships of %s are: %s.", relorm_table_label(relid), relorm_join_names(names))
			 : errdetail("Table %s has no relationships.", relorm_table_label(relid)),
			 relorm_shape_aggregate_word(item->name) ?
			 errhint("For an aggregate, write count() or column.%s(), without arguments.", item->name) :
			 near ? errhint("Perhaps you meant \"%s\".", near)
			 : get_attnum(relid, item->name) > 0 ?
			 errhint("\"%s\" is a column: write it without parentheses.", item->name)
			 : errhint("Declare relationships with relorm.one_to_many(), relorm.many_to_one(), relorm.one_to_one(), relorm.many_to_many(), relorm.viewonly() or relorm.computed().")));
}

/*
 * Whether a hint names a declared relationship's foreign key: one of its
 * columns, or its association table.
 */
static bool
hint_names_declared(const RelormRelationship *r, const char *hint)
{
	char	  **cols = r->fk_on_source ? r->local_names : r->remote_names;

	if (relorm_rel_by_subquery(r))
		return false;
	if (r->kind == REL_MANY_TO_MANY)
		return strcmp(hint, get_rel_name(r->secondary)) == 0;
	for (int k = 0; k < r->nkeys; k++)
		if (strcmp(cols[k], hint) == 0)
			return true;
	return false;
}

/*
 * The relationship named by item on relid, its columns still there: the
 * declared one of that name, else an embedding through foreign keys
 * (resolve_embed.c), which a hint naming another foreign key asks for.
 */
const RelormRelationship *
relorm_resolve_relationship(ResolveState *rs, Oid relid, const ShapeItem *item)
{
	const RelormRelationship *r = relorm_find_relationship(relid, item->name);

	if (r == NULL || (item->fk_hint && !hint_names_declared(r, item->fk_hint)))
		r = relorm_resolve_embedding(rs, relid, item);
	if (r == NULL)
		unknown_relationship(rs, relid, item);
	relorm_resolve_usable(rs, r);
	return r;
}

/*
 * A relationship a level follows: it has key columns, they are all still
 * there, and the tables it reads are read by the plan.
 */
void
relorm_resolve_usable(ResolveState *rs, const RelormRelationship *r)
{
	if (r->nkeys == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("relationship \"%s\" of table %s has no key columns",
						r->name, relorm_table_label(r->source))));
	/* a many-to-many's two keys may differ in width: each side is checked on its own */
	for (int k = 0; k < Max(r->nkeys, r->nremote); k++)
	{
		const char *gone = NULL;

		if (k < r->nkeys && r->local_attnums[k] <= 0)
			gone = r->local_names[k];
		else if (k < r->nremote && r->remote_attnums[k] <= 0)
			gone = r->remote_names[k];
		if (gone)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("relationship \"%s\" of table %s refers to column \"%s\", which does not exist",
							r->name, relorm_table_label(r->source), gone),
					 errhint("Drop the relationship with relorm.drop_relationship() and declare it again.")));
	}
	relorm_resolve_reads(rs, r->target);
	if (OidIsValid(r->secondary))
		relorm_resolve_reads(rs, r->secondary);
	if (r->kind == REL_COMPUTED)
		rs->funcs = list_append_unique_oid(rs->funcs, r->function);	/* replaced: the plan goes */
}

/* ---- fragments ---- */

/* A fragment that may use $n: checked, recorded for the parameter types. */
Fragment *
relorm_resolve_fragment(ResolveState *rs, const char *text, Oid relid, const char *what, int param_offset)
{
	Fragment   *f = palloc0(sizeof(Fragment));

	relorm_check_expression(text, what);
	relorm_check_param_numbers(text, rs->max_params, what);
	relorm_resolve_names(rs, text);
	f->text = text;
	f->relid = relid;
	f->what = what;
	f->param_offset = param_offset;
	rs->plan->fragments = lappend(rs->plan->fragments, f);
	return f;
}

Fragment *
relorm_resolve_where(ResolveState *rs, const ShapeItem *item, Oid relid, int param_offset)
{
	return relorm_resolve_fragment(rs, item->where, relid,
						  psprintf("where: of \"%s\" at position %d of the shape", item->name,
								   relorm_resolve_position(rs, item->where_location)),
						  param_offset);
}

/*
 * An ordering list over relid, in which rel.column may name a column of a
 * to-one relationship of the table (order: author.name); those are recorded
 * for deparse.c to replace by a lookup.
 */
OrderSpec *
relorm_resolve_order(ResolveState *rs, const char *text, Oid relid, const char *what, PlanLevel *lvl)
{
	OrderSpec  *spec = palloc0(sizeof(OrderSpec));
	List	   *tokens;
	const char *relname = get_rel_name(relid);

	relorm_check_order_list(text, what);
	relorm_check_param_numbers(text, -1, what);
	relorm_resolve_names(rs, text);
	spec->text.text = text;
	spec->text.relid = relid;
	spec->text.what = what;
	tokens = relorm_fragment_tokens(text);
	for (int i = 0; i + 2 < list_length(tokens); i++)
	{
		RelormToken *q = list_nth(tokens, i);
		RelormToken *dot = list_nth(tokens, i + 1);
		RelormToken *col = list_nth(tokens, i + 2);
		RelormToken *prev = i > 0 ? list_nth(tokens, i - 1) : NULL;
		RelormToken *next = i + 3 < list_length(tokens) ? list_nth(tokens, i + 3) : NULL;
		const RelormRelationship *r;
		OrderRef   *ref;

		if (q->name == NULL || dot->tok != '.' || col->name == NULL ||
			(prev && (prev->tok == '.' || prev->tok == TYPECAST || prev->tok == COLLATE)) ||
			(next && (next->tok == '.' || next->tok == '(')) ||
			strcmp(q->name, relname) == 0)
			continue;
		if ((r = relorm_find_relationship(relid, q->name)) == NULL)
		{
			/* name.column names no table in scope: the planner's "missing FROM-clause entry" */
			List	   *names = NIL;
			ListCell   *lc;

			foreach(lc, relorm_relationships_of(relid))
				if (!((RelormRelationship *) lfirst(lc))->many)
					names = lappend(names, ((RelormRelationship *) lfirst(lc))->name);
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("%s orders by %s.%s, but table %s has no relationship \"%s\"",
							what, q->name, col->name, relorm_table_label(relid), q->name),
					 errdetail("The text was: %s", text),
					 names ?
					 errhint("Order by a column of the table (%s.column), or of a to-one relationship: %s.",
							 relname, relorm_join_names(names)) :
					 errhint("Order by a column of the table (%s.column), or declare a many_to_one or one_to_one relationship to order by its columns.",
							 relname)));
		}
		if (r->many || (r->kind != REL_MANY_TO_ONE && r->kind != REL_ONE_TO_ONE))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("%s orders by %s.%s, but \"%s\" is not a many_to_one or one_to_one relationship",
							what, q->name, col->name, q->name),
					 errdetail("The text was: %s", text),
					 errhint("Order by columns of the table, or of a to-one relationship declared with a foreign key.")));
		if (get_attnum(r->target, col->name) <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("%s orders by %s.%s, but column \"%s\" does not exist in table %s",
							what, q->name, col->name, col->name, relorm_table_label(r->target)),
					 errdetail("The text was: %s", text)));
		relorm_resolve_reads(rs, r->target);
		ref = palloc(sizeof(OrderRef));
		ref->start = q->start;
		ref->end = col->start + col->len;
		ref->rel = relorm_copy_relationship(r);
		ref->column = pstrdup(col->name);
		spec->refs = lappend(spec->refs, ref);
		i += 2;
	}
	spec->ends_with_key = relorm_order_ends_with(text, relname, lvl->pk, lvl->npk);
	return spec;
}

/* ---- !inner and !none ---- */


/*
 * A !inner or !none item over relid: its relationship, its where: and the
 * conditions of its own filter items.  param_offset: the keys before the
 * fetch's params in the query the condition ends up in.
 */
static FilterNode *
resolve_filter(ResolveState *rs, Oid relid, const ShapeItem *item, int param_offset)
{
	FilterNode *f = palloc0(sizeof(FilterNode));
	const RelormRelationship *r = relorm_resolve_relationship(rs, relid, item);

	check_stack_depth();
	f->anti = item->filter == SHAPE_FILTER_ANTI;
	f->rel = relorm_copy_relationship(r);
	if (r->join_on)
		relorm_resolve_names(rs, r->join_on);
	if (item->where)
		f->where = relorm_resolve_where(rs, item, r->target, param_offset);
	f->filters = relorm_resolve_filters(rs, r->target, item->items, param_offset);
	return f;
}

List *
relorm_resolve_filters(ResolveState *rs, Oid relid, List *items, int param_offset)
{
	List	   *filters = NIL;
	ListCell   *lc;

	foreach(lc, items)
	{
		const ShapeItem *item = lfirst(lc);

		if (item->kind == SHAPE_RELATIONSHIP && item->filter != SHAPE_FILTER_NONE)
			filters = lappend(filters, resolve_filter(rs, relid, item, param_offset));
	}
	return filters;
}

/* ---- strategies ---- */

/* Whether relid has a unique index (immediate, total, on columns) on exactly atts. */
bool
relorm_columns_unique(Oid relid, const AttrNumber *atts, int natts)
{
	Relation	rel = relation_open(relid, AccessShareLock);	/* a view: no index */
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		unique = false;

	foreach(lc, indexes)
	{
		Relation	idx = index_open(lfirst_oid(lc), AccessShareLock);
		Form_pg_index ind = idx->rd_index;

		if (ind->indisunique && ind->indimmediate && ind->indnkeyatts == natts &&
			heap_attisnull(idx->rd_indextuple, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(idx->rd_indextuple, Anum_pg_index_indexprs, NULL))
		{
			bool		all = true;

			for (int i = 0; i < ind->indnkeyatts && all; i++)
			{
				bool		found = false;

				for (int k = 0; k < natts; k++)
					found |= ind->indkey.values[i] == atts[k];
				all = found;
			}
			unique |= all;
		}
		index_close(idx, AccessShareLock);
	}
	relation_close(rel, NoLock);
	return unique;
}

/* Whether the target has a unique index on exactly the remote columns. */
static bool
remote_is_unique(const RelormRelationship *r)
{
	return relorm_columns_unique(r->target, r->remote_attnums, r->nremote);
}

/*
 * Whether each key column has one collation on both sides: a join compares
 * under one collation, and a nondeterministic one on a side could match a
 * parent to several rows of a unique key.
 */
static bool
keys_share_collation(const RelormRelationship *r)
{
	for (int k = 0; k < r->nkeys; k++)
		if (relorm_column_collation(r->source, r->local_attnums[k]) !=
			relorm_column_collation(r->target, r->remote_attnums[k]))
			return false;
	return true;
}

/*
 * A relationship that cannot be joined: asked for with !joined, or inside
 * a level with aggregates (must_join), whose groups it would otherwise split.
 */
static void
strategy_error(const RelormRelationship *r, bool must_join, const char *why)
{
	if (must_join)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("relationship \"%s\" of table %s cannot be nested in a level with aggregates or in a to-many spread: %s",
						r->name, relorm_table_label(r->source), why),
				 errdetail("There a relationship is joined into its parent's rows: its columns are grouping columns, or arrays."),
				 errhint("Aggregate in a level of its own, as in %s(count()), or fetch the rows without aggregates or spread.",
						 r->name)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("relationship \"%s\" of table %s cannot be loaded !joined: %s",
					r->name, relorm_table_label(r->source), why),
			 errhint("Use !selectin or !select, or leave the strategy to the catalog.")));
}

/* Whether a relationship item asks for nothing a join cannot do. */
static bool
plain_item(const ShapeItem *item)
{
	ListCell   *lc;

	if (item->where || item->count || item->limit >= 0 || item->offset > 0 || item->recursive || item->order)
		return false;
	foreach(lc, item->items)
	{
		const ShapeItem *it = lfirst(lc);

		if ((it->kind == SHAPE_RELATIONSHIP && it->filter != SHAPE_FILTER_NONE) || it->kind == SHAPE_AGGREGATE)
			return false;
	}
	return true;
}

/*
 * The strategy of a relationship: the shape's hint, else the catalog's lazy
 * (a to-one relationship declared 'joined' is joined into its parent's query
 * when nothing in the item needs a query of its own).  item is NULL for a
 * level of the default tree.  must_join: it is in a level with aggregates,
 * where only a join fits.
 */
LevelStrategy
relorm_resolve_strategy(const RelormRelationship *r, const ShapeItem *item, bool must_join)
{
	bool		plain = item == NULL || plain_item(item);
	bool		to_one = !r->many && (r->kind == REL_MANY_TO_ONE || r->kind == REL_ONE_TO_ONE);
	ShapeStrategy hint = item ? item->strategy : SHAPE_STRATEGY_DEFAULT;
	bool		limited = item && (item->limit >= 0 || item->offset > 0);

	if (must_join && hint != SHAPE_STRATEGY_DEFAULT && hint != SHAPE_STRATEGY_JOINED)
		strategy_error(r, true, "it is asked to be loaded with a query of its own");
	if (must_join)
		hint = SHAPE_STRATEGY_JOINED;
	switch (hint)
	{
		case SHAPE_STRATEGY_JOINED:
			if (!to_one)
				strategy_error(r, must_join, "only a many_to_one or one_to_one relationship can be joined");
			if (!plain)
				strategy_error(r, must_join, "a joined level takes no where:, order:, limit:, offset:, count, aggregates, recursion or !inner/!none inside it");
			if (!remote_is_unique(r))
				strategy_error(r, must_join, "the target has no unique index on the joined columns");
			if (r->target_type)
				strategy_error(r, must_join, "it targets one subtype, which a join cannot filter without losing the parent's row");
			if (!keys_share_collation(r))
				strategy_error(r, must_join, "its key columns have different collations on the two sides");
			return STRATEGY_JOINED;
		case SHAPE_STRATEGY_SELECT:
			return STRATEGY_SELECT;
		case SHAPE_STRATEGY_SELECTIN:
			return limited ? STRATEGY_SELECT : STRATEGY_SELECTIN;
		case SHAPE_STRATEGY_DEFAULT:
			break;
	}
	if (limited)
		return STRATEGY_SELECT;
	if (plain && to_one && strcmp(r->lazy, "joined") == 0 && r->target_type == NULL && keys_share_collation(r) &&
		remote_is_unique(r))
		return STRATEGY_JOINED;
	return STRATEGY_SELECTIN;
}

/*
 * The collation a relationship's k-th key compares and groups with: the FK
 * column's, everywhere (the level's condition, its ordering, the grouping of
 * children to their parents), so that the three always agree.
 */
static Oid
key_collation(const RelormRelationship *r, int k)
{
	switch (r->kind)
	{
		case REL_MANY_TO_MANY:
			return relorm_column_collation(r->secondary, get_attnum(r->secondary, r->secondary_local_names[k]));
		case REL_VIEWONLY:
		case REL_COMPUTED:
			return relorm_column_collation(r->source, r->local_attnums[k]);
		default:
			return r->fk_on_source ? relorm_column_collation(r->source, r->local_attnums[k])
				: relorm_column_collation(r->target, r->remote_attnums[k]);
	}
}

/* The key of a child as the parent holds it: types, hash and equality, collation. */
void
relorm_resolve_child_key(PlanLevel *child, Relation parent, int *keycols)
{
	const RelormRelationship *r = child->rel;
	TupleDesc	desc = RelationGetDescr(parent);
	int			nkeys = r->nkeys;

	child->parent_keycols = keycols;
	child->key_types = palloc(sizeof(Oid) * nkeys);
	child->key_typlen = palloc(sizeof(int16) * nkeys);
	child->key_typbyval = palloc(sizeof(bool) * nkeys);
	child->key_typalign = palloc(sizeof(char) * nkeys);
	child->key_fast = palloc(sizeof(bool) * nkeys);
	child->key_hash = palloc0(sizeof(FmgrInfo) * nkeys);
	child->key_eq = palloc0(sizeof(FmgrInfo) * nkeys);
	child->key_coll = palloc(sizeof(Oid) * nkeys);
	for (int k = 0; k < nkeys; k++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, r->local_attnums[k] - 1);
		Oid			base = getBaseType(att->atttypid);
		TypeCacheEntry *tce;

		child->key_types[k] = att->atttypid;
		child->key_coll[k] = key_collation(r, k);
		get_typlenbyvalalign(att->atttypid, &child->key_typlen[k], &child->key_typbyval[k],
							 &child->key_typalign[k]);
		child->key_fast[k] = base == INT4OID || base == INT8OID || base == INT2OID || base == OIDOID;
		tce = lookup_type_cache(att->atttypid, TYPECACHE_HASH_PROC_FINFO | TYPECACHE_EQ_OPR_FINFO);
		if (!OidIsValid(tce->hash_proc) || !OidIsValid(tce->eq_opr))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("cannot fetch relationship \"%s\": its key type %s has no hash opclass",
							r->name, format_type_be(att->atttypid))));
		if (!OidIsValid(get_array_type(att->atttypid)))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("cannot fetch relationship \"%s\": its key type %s has no array type",
							r->name, format_type_be(att->atttypid))));
		fmgr_info_copy(&child->key_hash[k], &tce->hash_proc_finfo, CurrentMemoryContext);
		fmgr_info_copy(&child->key_eq[k], &tce->eq_opr_finfo, CurrentMemoryContext);
	}
}
