/*
 * resolve.c
 *		The resolution pass: a parsed shape and the catalog cache become the
 *		levels of a load plan.  Every name of the shape is looked up here (with
 *		"did you mean" suggestions in the errors), every relationship copied
 *		into the plan, every column, key, strategy, modifier and polymorphic
 *		rendering decided; '**' expands straight into levels, and !inner/!none
 *		items become filter trees.  SQL fragments are checked and recorded, not
 *		embedded: no SQL text is written here (deparse.c does that).
 *
 *		It also chooses the prefix of relorm's own names in the queries (the
 *		internal aliases): one that no name in scope begins with, neither a
 *		table's, nor a column's, nor any identifier of a fragment, so that no
 *		user object can capture an internal name or the reverse.
 */
#include "relorm.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fragment.h"
#include "miscadmin.h"
#include "names.h"
#include "parser/scanner.h"
#include "parser/gram.h"
#include "resolve.h"
#include "resolve_int.h"
#include "shape.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/syscache.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/typcache.h"
#include "utils/varlena.h"


static PlanLevel *resolve_level(ResolveState *rs, Oid relid, const RelormRelationship *via,
								const char *path, const ShapeItem *item);
static void resolve_fields(ResolveState *rs, PlanLevel *owner, PlanLevel *lvl, Relation rel,
						   List *items, ColumnList *cols, int join);

/*
 * The plan reads relid: every fetch locks it before its first row, and a
 * change to it drops the plan.  Its name and its columns' are in scope.
 */
void
relorm_resolve_reads(ResolveState *rs, Oid relid)
{
	if (list_member_oid(rs->relids, relid))
		return;
	rs->relids = lappend_oid(rs->relids, relid);
	rs->names = lappend(rs->names, get_rel_name(relid));
	rs->names = list_concat(rs->names, relorm_column_names(relid));
}

/* A fragment's identifiers are in scope too. */
void
relorm_resolve_names(ResolveState *rs, const char *text)
{
	ListCell   *lc;

	foreach(lc, relorm_fragment_tokens(text))
	{
		RelormToken *t = lfirst(lc);

		if (t->name)
			rs->names = lappend(rs->names, t->name);
	}
}

int
relorm_resolve_position(ResolveState *rs, int location)
{
	return relorm_shape_char_position(rs->shape, location);
}

/* ---- fields ---- */

/*
 * The output key of a name (a column's, a relationship's, an item's): in
 * camelCase when the fetch asks for it (created_at: createdAt).
 */
static const char *
output_key(ResolveState *rs, const char *name)
{
	return rs->camel ? relorm_camel_case(name) : name;
}

/* An item's key: its alias as written, else the key its name gives. */
static const char *
item_key(ResolveState *rs, const ShapeItem *item)
{
	return item->alias ? item->alias : output_key(rs, relorm_shape_item_key(item));
}

static PlanField *
add_field(List **fields, const char *key, int colidx, int childidx)
{
	PlanField  *f = palloc0(sizeof(PlanField));
	StringInfoData buf;

	initStringInfo(&buf);
	relorm_json_out_string(&buf, key, strlen(key));
	appendStringInfoChar(&buf, ':');
	f->key_json = pnstrdup(buf.data, buf.len);	/* the 1 kB buffer, times many keys, would stay */
	pfree(buf.data);
	f->key_len = buf.len;
	f->colidx = colidx;
	f->childidx = childidx;
	f->type_col = -1;
	*fields = lappend(*fields, f);
	return f;
}

/* The columns of a polymorphic table's subtypes: attnum -> identity, or NULL. */
static char **
subtype_columns(Oid relid, TupleDesc desc, AttrNumber *discriminator)
{
	const RelormPolymorphic *poly = relorm_polymorphic_of(relid);
	char	  **owner_of;
	ListCell   *lc;

	*discriminator = InvalidAttrNumber;
	if (poly == NULL)
		return NULL;
	*discriminator = get_attnum(relid, poly->discriminator);
	owner_of = palloc0(sizeof(char *) * (desc->natts + 1));
	foreach(lc, poly->subtypes)
	{
		RelormSubtype *st = lfirst(lc);
		ListCell   *c;

		foreach(c, st->columns)
		{
			AttrNumber	att = get_attnum(relid, lfirst(c));

			if (att > 0 && att <= desc->natts)
				owner_of[att] = pstrdup(st->identity);
		}
	}
	return owner_of;
}

/* Every name left out by '*-' or '**-' must be a column (or, for '**', a relationship). */
static void
check_exclusions(ResolveState *rs, Oid relid, const ShapeItem *item)
{
	ListCell   *lc;

	foreach(lc, item->exclude)
	{
		const char *name = lfirst(lc);

		if (get_attnum(relid, name) > 0)
			continue;
		if (item->kind == SHAPE_DEFAULT_TREE && relorm_find_relationship(relid, name))
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("cannot leave out \"%s\": no such column%s in table %s, at position %d of the shape",
						name, item->kind == SHAPE_DEFAULT_TREE ? " or relationship" : "",
						relorm_table_label(relid), relorm_resolve_position(rs, item->location)),
				 errdetail("Shape: %s", rs->shape->text),
				 errhint("The columns of %s are: %s.", relorm_table_label(relid),
						 relorm_join_names(relorm_column_names(relid)))));
	}
}

/* Every column but the excluded ones; subtype columns on their subtype's rows only. */
static void
add_all_columns(ResolveState *rs, List **fields, Relation rel, List *exclude, ColumnList *cols, int join)
{
	Oid			relid = RelationGetRelid(rel);
	TupleDesc	desc = RelationGetDescr(rel);
	AttrNumber	disc;
	char	  **owner_of = subtype_columns(relid, desc, &disc);
	int			disc_col = -1;
	FmgrInfo   *disc_out = NULL;

	if (owner_of && disc > 0)
	{
		Oid			typoutput;
		bool		varlena;

		disc_col = relorm_resolve_column(cols, join, relid, disc);
		getTypeOutputInfo(get_atttype(relid, disc), &typoutput, &varlena);
		disc_out = palloc(sizeof(FmgrInfo));
		fmgr_info(typoutput, disc_out);
	}
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		PlanField  *f;

		CHECK_FOR_INTERRUPTS();
		if (att->attisdropped || relorm_name_in(exclude, NameStr(att->attname)))
			continue;
		f = add_field(fields, output_key(rs, NameStr(att->attname)), relorm_resolve_column(cols, join, relid, att->attnum), -1);
		if (owner_of && disc_col >= 0 && owner_of[att->attnum])
		{
			f->type_col = disc_col;
			f->type_identity = owner_of[att->attnum];
			f->type_out = disc_out;
		}
	}
}

/* ---- levels ---- */

/*
 * A child level reached from parent through r, asked for by item (NULL for a
 * level of the default tree): joined (its columns go into the result of
 * owner, the level whose query it is joined into, after its parent's join
 * when the parent is itself joined) or with a query of its own.
 */
static PlanLevel *
resolve_child(ResolveState *rs, PlanLevel *owner, PlanLevel *parent, Relation parentrel,
			  ColumnList *cols, int join, const RelormRelationship *r, const ShapeItem *item)
{
	char	   *path = psprintf("%s.%s", parent->path, r->name);
	int		   *keycols = palloc(sizeof(int) * r->nkeys);
	PlanLevel  *child;
	LevelStrategy strategy;

	if (item && item->recursive && r->source != r->target)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_RECURSION),
				 errmsg("relationship \"%s\" of table %s is not self-referential, at position %d of the shape",
						r->name, relorm_table_label(r->source), relorm_resolve_position(rs, item->location)),
				 errdetail("It leads to %s; name*(...) repeats a relationship from a table to the same table.",
						   relorm_table_label(r->target)),
				 errhint("Nest the relationship explicitly instead.")));
	/*
	 * In a level with aggregates, a relationship's columns are grouping
	 * columns; in a to-many spread, arrays: only a join fits.
	 */
	strategy = relorm_resolve_strategy(r, item, (parent == owner && owner->grouped) || owner->spread_arrays);
	if (strategy == STRATEGY_JOINED)
	{
		Relation	target = relation_open(r->target, AccessShareLock);
		int			jn = owner->njoins + 1;

		child = palloc0(sizeof(PlanLevel));
		child->relid = r->target;
		child->path = path;
		child->rel = relorm_copy_relationship(r);
		child->strategy = STRATEGY_JOINED;
		child->many = false;
		child->limit = -1;
		child->buf_id = -1;
		child->join_index = jn;
		child->join_parent = join;
		child->query_path = owner->path;
		owner->joins = owner->joins ? repalloc(owner->joins, sizeof(PlanLevel *) * jn)
			: palloc(sizeof(PlanLevel *) * jn);
		owner->joins[jn - 1] = child;
		owner->njoins = jn;
		child->present_col = owner->grouped ? relorm_resolve_present(cols, jn, r->target, r->remote_attnums[0])
			: relorm_resolve_column(cols, jn, r->target, r->remote_attnums[0]);
		check_stack_depth();
		resolve_fields(rs, owner, child, target, item ? item->items : NIL, cols, jn);
		relorm_check_duplicate_keys(rs, child);
		relation_close(target, NoLock);
		return child;
	}

	/* the parent's key, which its rows carry for the child's query */
	for (int k = 0; k < r->nkeys; k++)
		keycols[k] = relorm_resolve_column(cols, join, r->source, r->local_attnums[k]);
	child = resolve_level(rs, r->target, r, path, item);
	/* one row per parent, with rows or without: a LATERAL query per key */
	child->strategy = child->scalar_agg || child->spread_arrays ? STRATEGY_SELECT : strategy;
	/* levels in a recursion are loaded at several depths at once: no shared buffer */
	child->buf_id = (rs->in_recursion > 0 || (item && item->recursive)) ? -1 : rs->plan->nbufs++;
	relorm_resolve_child_key(child, parentrel, keycols);
	return child;
}

/* Whether r is the other direction of the edge via (its back_populates). */
static bool
is_reverse(const RelormRelationship *r, const RelormRelationship *via)
{
	if (r->target != via->source || r->source != via->target ||
		r->nkeys != via->nremote || r->nremote != via->nkeys ||
		relorm_rel_by_subquery(r) || relorm_rel_by_subquery(via))
		return false;
	if (OidIsValid(r->secondary) || OidIsValid(via->secondary))
	{
		if (r->secondary != via->secondary)
			return false;
		for (int k = 0; k < r->nkeys; k++)
			if (strcmp(r->secondary_local_names[k], via->secondary_remote_names[k]) != 0)
				return false;
		return true;
	}
	for (int k = 0; k < r->nkeys; k++)
		if (strcmp(r->local_names[k], via->remote_names[k]) != 0 ||
			strcmp(r->remote_names[k], via->local_names[k]) != 0)
			return false;
	return true;
}

/*
 * Whether the caller may run a relationship's SQL fragments (join_on,
 * order_by) without naming it: they run with the caller's rights, as an RLS
 * policy does, so '**' follows only relationships whose fragments were
 * written by a role with all the caller's rights (the caller, a role it
 * belongs to... or a superuser).  Fragments of unknown authorship (declared
 * before 0.3) count as the source table owner's; a computed relationship's
 * function is its owner's SQL.
 */
static bool
fragments_trusted(const RelormRelationship *r)
{
	Oid			author = r->fragments_by;

	if (r->kind == REL_COMPUTED)
	{
		/* the function's body is its owner's SQL, replaceable by its owner */
		HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(r->function));
		Oid			owner;

		if (!HeapTupleIsValid(tup))
			return false;
		owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
		ReleaseSysCache(tup);
		if (!has_privs_of_role(owner, GetUserId()))
			return false;
	}
	if (r->join_on == NULL && r->order_by == NULL)
		return true;
	if (!OidIsValid(author))
	{
		HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(r->source));

		if (!HeapTupleIsValid(tup))
			return false;
		author = ((Form_pg_class) GETSTRUCT(tup))->relowner;
		ReleaseSysCache(tup);
	}
	return has_privs_of_role(author, GetUserId());
}

static bool
named_explicitly(List *items, const char *name)
{
	ListCell   *lc;

	foreach(lc, items)
	{
		ShapeItem  *it = lfirst(lc);

		if (it->kind == SHAPE_RELATIONSHIP && strcmp(it->name, name) == 0)
			return true;
	}
	return false;
}

/*
 * '**' (star is its item, NULL below the first level): every column, and
 * every relationship whose catalog strategy is eager, each a level of the
 * default tree in turn, not back through the relationship that led here, to
 * relorm.default_depth levels.
 */
static void
add_default_tree(ResolveState *rs, PlanLevel *owner, PlanLevel *lvl, Relation rel, List *exclude,
				 List *siblings, List **fields, List **children, ColumnList *cols, int join)
{
	Oid			relid = RelationGetRelid(rel);
	const RelormRelationship *via = lvl->rel;
	ListCell   *lc;

	add_all_columns(rs, fields, rel, exclude, cols, join);
	if (rs->tree_depth >= relorm_default_depth)
		return;
	foreach(lc, relorm_relationships_of(relid))
	{
		const RelormRelationship *r = lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		if (relorm_name_in(exclude, r->name) || named_explicitly(siblings, r->name))
			continue;
		if (get_attnum(relid, r->name) > 0)
			continue;			/* named like its FK column, which '*' renders: only when named */
		if (via && is_reverse(r, via))
			continue;
		if (strcmp(r->lazy, "raise") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("the default tree reaches relationship \"%s\" of table %s, whose loading strategy is raise",
							r->name, relorm_table_label(relid)),
					 errdetail("Shape: %s", rs->shape->text),
					 via == NULL ?
					 errhint("Name it in the shape to load it, or leave it out with **-(%s).", r->name) :
					 errhint("Name it in the shape to load it, or leave it out where ** reaches %s: %s(**-(%s)).",
							 relorm_table_label(relid), via->name, r->name)));
		if (strcmp(r->lazy, "selectin") != 0 && strcmp(r->lazy, "joined") != 0)
			continue;			/* select and noload: not part of the default tree */
		if (r->kind == REL_COMPUTED)	/* its owner decides: a change makes the plan again */
			rs->funcs = list_append_unique_oid(rs->funcs, r->function);
		if (!fragments_trusted(r))
			continue;			/* another role's SQL: only when named */
		relorm_resolve_usable(rs, r);
		add_field(fields, output_key(rs, r->name), -1, list_length(*children));
		rs->tree_depth++;
		*children = lappend(*children, resolve_child(rs, owner, lvl, rel, cols, join, r, NULL));
		rs->tree_depth--;
	}
}

/*
 * Resolves the items of a shape against rel: fields of lvl, columns into
 * cols (tagged with join), relationships as children of lvl.  owner is the
 * level whose query returns cols.  items NIL with lvl of the default tree:
 * '**'.  Filter-only items (!none, !inner()) add no field: they are
 * conditions of the level's query (resolve_filters).
 */
static void
resolve_fields(ResolveState *rs, PlanLevel *owner, PlanLevel *lvl, Relation rel,
			   List *items, ColumnList *cols, int join)
{
	Oid			relid = RelationGetRelid(rel);
	List	   *fields = NIL;
	List	   *children = NIL;
	ListCell   *lc;
	int			i;

	if (items == NIL)			/* a level of the default tree */
		add_default_tree(rs, owner, lvl, rel, NIL, NIL, &fields, &children, cols, join);
	foreach(lc, items)
	{
		const ShapeItem *item = lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		switch (item->kind)
		{
			case SHAPE_ALL_COLUMNS:
				check_exclusions(rs, relid, item);
				add_all_columns(rs, &fields, rel, item->exclude, cols, join);
				break;
			case SHAPE_DEFAULT_TREE:
				check_exclusions(rs, relid, item);
				add_default_tree(rs, owner, lvl, rel, item->exclude, items, &fields, &children, cols, join);
				break;
			case SHAPE_COLUMN:
			case SHAPE_AGGREGATE:
				add_field(&fields, item_key(rs, item), relorm_resolve_value(rs, lvl, relid, item, cols, join), -1);
				break;
			case SHAPE_RELATIONSHIP:
				{
					const RelormRelationship *r = relorm_resolve_relationship(rs, relid, item);

					if (join != 0 && item->filter != SHAPE_FILTER_NONE)
						ereport(ERROR,
								(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
								 errmsg("%s under a joined relationship, at position %d of the shape",
										item->render ? "!inner" : "!inner or !none", relorm_resolve_position(rs, item->location)),
								 errdetail("Shape: %s", rs->shape->text),
								 errhint("Load the joined relationship with !selectin.")));
					if (!item->render)
						break;	/* a condition of this level's query, or nothing: rel() */
					add_field(&fields, item_key(rs, item), -1, list_length(children))->spread = item->spread;
					children = lappend(children, resolve_child(rs, owner, lvl, rel, cols, join, r, item));
				}
				break;
		}
	}

	lvl->nfields = list_length(fields);
	lvl->fields = palloc(sizeof(PlanField) * (lvl->nfields + 1));
	i = 0;
	foreach(lc, fields)
		lvl->fields[i++] = *(PlanField *) lfirst(lc);
	lvl->nchildren = list_length(children);
	lvl->children = palloc(sizeof(PlanLevel *) * (lvl->nchildren + 1));
	i = 0;
	foreach(lc, children)
		lvl->children[i++] = lfirst(lc);
}

/*
 * The columns of a relation without a primary key that have an ordering, in
 * table order: rows that differ in them are told apart.
 */
static List *
ordered_columns(Oid relid)
{
	Relation	rel = relation_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	List	   *columns = NIL;

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped &&
			OidIsValid(lookup_type_cache(att->atttypid, TYPECACHE_LT_OPR)->lt_opr))
			columns = lappend(columns, pstrdup(NameStr(att->attname)));
	}
	relation_close(rel, NoLock);
	return columns;
}

/*
 * The primary key of a level's table, and the tie-break of its orderings,
 * so that the same rows always come in the same order: the key; for a view
 * without one, the key of a table it shows; else every column with an
 * ordering.
 */
static void
level_primary_key(PlanLevel *lvl)
{
	List	   *pk = relorm_primary_key(lvl->relid);
	List	   *tiebreak = pk;
	ListCell   *lc;

	lvl->npk = list_length(pk);
	lvl->pk = palloc(sizeof(char *) * Max(1, lvl->npk));
	foreach(lc, pk)
		lvl->pk[foreach_current_index(lc)] = lfirst(lc);
	if (tiebreak == NIL)
		tiebreak = relorm_view_key(lvl->relid);
	if (tiebreak == NIL)
		tiebreak = ordered_columns(lvl->relid);
	lvl->ntiebreak = list_length(tiebreak);
	lvl->tiebreak = palloc(sizeof(char *) * Max(1, lvl->ntiebreak));
	foreach(lc, tiebreak)
		lvl->tiebreak[foreach_current_index(lc)] = lfirst(lc);
}

/* The ordering of a child level: its order:, else its relationship's order_by. */
static void
resolve_level_order(ResolveState *rs, PlanLevel *lvl, const ShapeItem *item)
{
	const RelormRelationship *r = lvl->rel;

	if (lvl->count)
		return;
	if (item && item->order)
		lvl->order = relorm_resolve_order(rs, item->order, r->target, psprintf("order: of \"%s\"", item->name), lvl);
	else if (r->order_by && !lvl->grouped)	/* it orders rows; a grouped level's are groups */
		lvl->order = relorm_resolve_order(rs, r->order_by, r->target, "order_by of a relationship", lvl);
}

/*
 * A level with a query of its own: the root (via NULL) or a child reached
 * through via, asked for by item (NULL for a level of the default tree).  A
 * recursive item (name*) makes the level its own last child.
 */
static PlanLevel *
resolve_level(ResolveState *rs, Oid relid, const RelormRelationship *via, const char *path,
			  const ShapeItem *item)
{
	PlanLevel  *lvl = palloc0(sizeof(PlanLevel));
	Relation	rel;
	ColumnList	cols = {0, 0, 0, NULL};
	bool		recursive = item && item->recursive;

	check_stack_depth();
	lvl->relid = relid;
	lvl->path = pstrdup(path);
	lvl->rel = via ? relorm_copy_relationship(via) : NULL;
	lvl->strategy = via ? STRATEGY_SELECTIN : STRATEGY_ROOT;
	lvl->many = via ? via->many : true;
	lvl->nkeycols = via ? via->nkeys : 0;
	lvl->limit = -1;
	lvl->rec_id = -1;
	lvl->buf_id = -1;
	lvl->level_id = rs->plan->nlevels++;
	if (item && via)
	{
		lvl->count = item->count;
		lvl->limit = item->limit;
		lvl->offset = item->offset;
		if (item->count)
			lvl->many = false;
	}
	cols.base = lvl->nkeycols;
	relorm_resolve_reads(rs, relid);
	level_primary_key(lvl);

	rel = relation_open(relid, AccessShareLock);
	/* a recursion inside none: each depth loads once a batch, one buffer each */
	lvl->depth_buffers = recursive && rs->in_recursion == 0;
	if (recursive)
		rs->in_recursion++;
	if (lvl->count)
		(void) relorm_resolve_column(&cols, 0, relid, 0);	/* the count(*) column */
	else
	{
		List	   *items = via ? (item ? item->items : NIL) : rs->shape->items;

		lvl->grouped = relorm_has_aggregates(items);
		/* a to-many spread: every relationship in it joined, every column an array */
		lvl->spread_arrays = item && item->spread && lvl->many && !lvl->grouped;
		resolve_fields(rs, lvl, lvl, rel, items, &cols, 0);
		if (lvl->grouped)
			lvl->scalar_agg = !relorm_has_grouping_column(&cols);
		if (item && item->spread && lvl->many)
			relorm_resolve_spread_arrays(rs, lvl, &cols);
	}
	if (recursive)
		rs->in_recursion--;
	if (recursive)
	{
		int			n = lvl->nchildren;
		List	   *fl = NIL;

		lvl->recursive = true;
		lvl->max_depth = item->depth;
		lvl->rec_id = rs->plan->nrecursions++;
		lvl->rec_keycols = palloc(sizeof(int) * via->nkeys);
		for (int k = 0; k < via->nkeys; k++)
			lvl->rec_keycols[k] = relorm_resolve_column(&cols, 0, relid, via->local_attnums[k]);
		lvl->children[n] = lvl;
		lvl->nchildren = n + 1;
		lvl->fields[lvl->nfields++] = *add_field(&fl, item_key(rs, item), -1, n);
	}
	relorm_check_duplicate_keys(rs, lvl);
	lvl->ncols = lvl->nkeycols + cols.n;
	lvl->nattrs = cols.n;
	lvl->attrs = cols.refs;
	if (via)
	{
		if (via->join_on)
			relorm_resolve_names(rs, via->join_on);
		if (item && item->where)
			lvl->where = relorm_resolve_where(rs, item, relid, via->nkeys);
		lvl->filters = item ? relorm_resolve_filters(rs, relid, item->items, via->nkeys) : NIL;
		resolve_level_order(rs, lvl, item);
	}
	relation_close(rel, NoLock);
	return lvl;
}

/*
 * The prefix of relorm's own names: "relorm_", or "relorm1_", "relorm2_"...
 * when a name in scope begins with it.
 */
static const char *
internal_prefix(ResolveState *rs)
{
	for (int n = 0;; n++)
	{
		char	   *prefix = n == 0 ? pstrdup("relorm_") : psprintf("relorm%d_", n);
		size_t		len = strlen(prefix);
		bool		used = false;
		ListCell   *lc;

		foreach(lc, rs->names)
			if (strncmp(lfirst(lc), prefix, len) == 0)
			{
				used = true;
				break;
			}
		if (!used)
			return prefix;
	}
}

/*
 * Resolves the request into plan: its levels from the root down, its root
 * filter, ordering and !inner/!none conditions, what it reads, and the
 * prefix of its internal names.
 */
void
relorm_resolve(LoadPlan *plan, const PlanRequest *req)
{
	ResolveState rs;
	PlanLevel  *top;
	ListCell   *lc;

	memset(&rs, 0, sizeof(rs));
	rs.plan = plan;
	rs.max_params = req->max_params;
	rs.shape = relorm_shape_parse(req->shape);
	rs.camel = req->camel;
	plan->root = req->root;
	plan->by_key = req->by_key;
	plan->key_list = req->key_list;
	plan->key_param = req->key_param;

	top = plan->top = resolve_level(&rs, req->root, NULL, get_rel_name(req->root), NULL);
	top->filters = relorm_resolve_filters(&rs, req->root, rs.shape->items, 0);
	if (req->order_by)
		top->order = relorm_resolve_order(&rs, req->order_by, req->root, "order_by", top);
	/* the shape's parameters are counted before the filter's */
	foreach(lc, plan->fragments)
		plan->shape_nparams = Max(plan->shape_nparams, relorm_max_param_number(((Fragment *) lfirst(lc))->text));
	/* fetch_one: the shape may use only the params it was given, not the key's */
	if (req->by_key && plan->shape_nparams > req->key_param)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the shape's where: modifiers use $%d but params has %d value%s",
						plan->shape_nparams, req->key_param, req->key_param == 1 ? "" : "s"),
				 errhint("Pass the values of the shape's $1 .. $%d in relorm.fetch_one's params argument.",
						 plan->shape_nparams)));
	if (req->filter)
	{
		relorm_check_expression(req->filter, "filter");
		top->where = relorm_resolve_fragment(&rs, req->filter, req->root, "the filter", 0);
		top->where->what = psprintf("the filter of %s", get_rel_name(req->root));
		top->where->unaliased = true;
	}
	if (req->by_key && top->npk == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("table %s has no primary key", get_rel_name(req->root)),
				 errhint("relorm.fetch_one finds rows by primary key; use relorm.fetch with a filter.")));

	plan->value_funcs = rs.funcs;
	plan->ns = internal_prefix(&rs);
	plan->nrelids = list_length(rs.relids);
	plan->relids = palloc(sizeof(Oid) * Max(1, plan->nrelids));
	foreach(lc, rs.relids)
		plan->relids[foreach_current_index(lc)] = lfirst_oid(lc);
}
