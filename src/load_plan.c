/*
 * load_plan.c
 *		Turns a parsed shape into a load plan: resolves every relationship and
 *		column against the catalog cache and the tables, decides how each column
 *		renders, writes each level's SQL (schema-qualified, identifiers quoted,
 *		caller fragments checked by fragment.c) and prepares it once with SPI.
 *
 *		Plans are kept in a small per-backend cache keyed by the call's text
 *		arguments, so repeated fetches neither parse nor plan again; the whole
 *		cache is dropped with the relationship cache (catalog_cache.c), which
 *		watches every table a plan reads.
 */
#include "relorm.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "fragment.h"
#include "lib/stringinfo.h"
#include "load_plan.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "shape.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"
#include "utils/varlena.h"

#define PLAN_CACHE_SIZE 64

static List *plan_cache = NIL;	/* LoadPlan *, most recently used first */
static MemoryContext plan_cache_cxt = NULL;
static bool hook_registered = false;

typedef struct BuildState
{
	LoadPlan   *plan;
	Shape	   *shape;
} BuildState;

/* Columns a level's query returns, collected while its fields are resolved. */
typedef struct ColumnList
{
	int			base;			/* leading key columns before these */
	int			n;
	int			cap;
	LevelColumn *refs;
} ColumnList;

static void free_plan(LoadPlan *plan);
static LoadPlan *find_or_build(Oid root, const char *shape, const char *filter,
							   const char *order_by);
static char *equality_operator(Oid type);

static void
plan_cache_reset(void)
{
	ListCell   *lc;

	foreach(lc, plan_cache)
		free_plan(lfirst(lc));
	list_free(plan_cache);
	plan_cache = NIL;
}

static void
free_level(PlanLevel *lvl)
{
	for (int i = 0; i < lvl->nchildren; i++)
		free_level(lvl->children[i]);
	if (lvl->plan)
		SPI_freeplan(lvl->plan);
	lvl->plan = NULL;
}

static void
free_plan(LoadPlan *plan)
{
	if (plan->top)
		free_level(plan->top);
	MemoryContextDelete(plan->cxt);
}

static char *
rel_display(Oid relid)
{
	return DatumGetCString(DirectFunctionCall1(regclassout, ObjectIdGetDatum(relid)));
}

static char *
rel_qualified(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

static int
column_index(ColumnList *cols, int join, Oid relid, AttrNumber attnum)
{
	for (int i = 0; i < cols->n; i++)
		if (cols->refs[i].join == join && cols->refs[i].attnum == attnum)
			return cols->base + i;
	if (cols->n == cols->cap)
	{
		cols->cap = Max(8, cols->cap * 2);
		cols->refs = cols->refs ? repalloc(cols->refs, sizeof(LevelColumn) * cols->cap)
			: palloc(sizeof(LevelColumn) * cols->cap);
	}
	cols->refs[cols->n].join = join;
	cols->refs[cols->n].relid = relid;
	cols->refs[cols->n].attnum = attnum;
	cols->n++;
	return cols->base + cols->n - 1;
}

/* The column's expression in its level's query. */
static char *
column_expr(const LevelColumn *ref, const char *alias)
{
	if (ref->join == 0)
		return psprintf("%s.%s", alias, quote_identifier(get_attname(ref->relid, ref->attnum, false)));
	return psprintf("relorm_j%d.relorm_a%d", ref->join, ref->attnum);
}

static void
append_columns(StringInfo buf, PlanLevel *lvl, const char *alias, bool comma)
{
	for (int i = 0; i < lvl->nattrs; i++)
	{
		if (comma || i > 0)
			appendStringInfoString(buf, ", ");
		appendStringInfoString(buf, column_expr(&lvl->attrs[i], alias));
	}
}

/*
 * The LEFT JOINs of a level's joined children.  Each joins a subquery whose
 * columns are renamed relorm_a<attnum>, so that they cannot make a caller's
 * unqualified column names ambiguous.
 */
static void
append_joins(StringInfo buf, PlanLevel *lvl, const char *alias)
{
	for (int j = 0; j < lvl->njoins; j++)
	{
		PlanLevel  *child = lvl->joins[j];
		const RelormRelationship *r = child->rel;
		Bitmapset  *atts = NULL;
		int			a = -1;
		bool		first = true;

		for (int i = 0; i < lvl->nattrs; i++)
			if (lvl->attrs[i].join == j + 1)
				atts = bms_add_member(atts, lvl->attrs[i].attnum);
		for (int k = 0; k < r->nkeys; k++)
			atts = bms_add_member(atts, r->remote_attnums[k]);
		appendStringInfoString(buf, " LEFT JOIN (SELECT ");
		while ((a = bms_next_member(atts, a)) >= 0)
		{
			appendStringInfo(buf, "%st.%s AS relorm_a%d", first ? "" : ", ",
							 quote_identifier(get_attname(r->target, a, false)), a);
			first = false;
		}
		appendStringInfo(buf, " FROM %s AS t) AS %s ON ", rel_qualified(r->target), child->join_alias);
		for (int k = 0; k < r->nkeys; k++)
		{
			appendStringInfo(buf, "%s%s.relorm_a%d %s ", k ? " AND " : "",
							 child->join_alias, r->remote_attnums[k],
							 equality_operator(get_atttype(r->target, r->remote_attnums[k])));
			if (child->join_parent == 0)
				appendStringInfo(buf, "%s.%s", alias, quote_identifier(r->local_names[k]));
			else
				appendStringInfo(buf, "relorm_j%d.relorm_a%d", child->join_parent, r->local_attnums[k]);
		}
	}
}

/* Whether the target has a unique index on exactly the remote columns. */
static bool
remote_is_unique(const RelormRelationship *r)
{
	Relation	rel = table_open(r->target, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		unique = false;

	foreach(lc, indexes)
	{
		Relation	idx = index_open(lfirst_oid(lc), AccessShareLock);
		Form_pg_index ind = idx->rd_index;

		if (ind->indisunique && ind->indimmediate && ind->indnkeyatts == r->nkeys &&
			heap_attisnull(idx->rd_indextuple, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(idx->rd_indextuple, Anum_pg_index_indexprs, NULL))
		{
			bool		all = true;

			for (int i = 0; i < ind->indnkeyatts && all; i++)
			{
				bool		found = false;

				for (int k = 0; k < r->nkeys; k++)
					found |= ind->indkey.values[i] == r->remote_attnums[k];
				all = found;
			}
			unique |= all;
		}
		index_close(idx, AccessShareLock);
	}
	table_close(rel, AccessShareLock);
	return unique;
}

/* A to-one relationship declared lazy 'joined' is joined into its parent's query. */
static bool
use_joined(const RelormRelationship *r)
{
	return strcmp(r->lazy, "joined") == 0 && !r->many &&
		(r->kind == REL_MANY_TO_ONE || r->kind == REL_ONE_TO_ONE) &&
		remote_is_unique(r);
}

/* The candidate nearest to name, or NULL when none is close. */
static const char *
nearest(const char *name, List *candidates)
{
	const char *best = NULL;
	int			best_d = Max(3, (int) strlen(name) / 2) + 1;
	ListCell   *lc;

	foreach(lc, candidates)
	{
		const char *c = lfirst(lc);
		int			d = varstr_levenshtein_less_equal(name, strlen(name), c, strlen(c),
													  1, 1, 1, best_d, false);

		if (d < best_d)
		{
			best_d = d;
			best = c;
		}
	}
	return best;
}

static List *
column_names(Relation rel)
{
	List	   *names = NIL;
	TupleDesc	desc = RelationGetDescr(rel);

	for (int i = 0; i < desc->natts; i++)
		if (!TupleDescAttr(desc, i)->attisdropped)
			names = lappend(names, NameStr(TupleDescAttr(desc, i)->attname));
	return names;
}

static List *
relationship_names(Oid relid)
{
	List	   *names = NIL;
	ListCell   *lc;

	foreach(lc, relorm_relationships_of(relid))
		names = lappend(names, ((RelormRelationship *) lfirst(lc))->name);
	return names;
}

static char *
join_names(List *names)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, names)
	{
		if (buf.len > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, lfirst(lc));
	}
	return buf.data;
}

static void
unknown_column(BuildState *bs, Relation rel, ShapeItem *item)
{
	Oid			relid = RelationGetRelid(rel);
	const char *near = nearest(item->name, column_names(rel));

	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("column \"%s\" does not exist in table %s, at position %d of the shape",
					item->name, rel_display(relid), shape_char_position(bs->shape, item->location)),
			 errdetail("Shape: %s", bs->shape->text),
			 relorm_find_relationship(relid, item->name) ?
			 errhint("\"%s\" is a relationship: write %s(*) to fetch it.", item->name, item->name) :
			 near ? errhint("Perhaps you meant the column \"%s\".", near) :
			 errhint("The columns of %s are: %s.", rel_display(relid), join_names(column_names(rel)))));
}

static void
unknown_relationship(BuildState *bs, Relation rel, ShapeItem *item)
{
	Oid			relid = RelationGetRelid(rel);
	List	   *names = relationship_names(relid);
	const char *near = nearest(item->name, names);

	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("relationship \"%s\" does not exist on table %s, at position %d of the shape",
					item->name, rel_display(relid), shape_char_position(bs->shape, item->location)),
			 names ? errdetail("The relationships of %s are: %s.", rel_display(relid), join_names(names))
			 : errdetail("Table %s has no relationships.", rel_display(relid)),
			 near ? errhint("Perhaps you meant \"%s\".", near)
			 : get_attnum(relid, item->name) > 0 ?
			 errhint("\"%s\" is a column: write it without parentheses.", item->name)
			 : errhint("Declare relationships with relorm.one_to_many(), relorm.many_to_one(), relorm.one_to_one(), relorm.many_to_many() or relorm.viewonly().")));
}

static void
stale_relationship(const RelormRelationship *r, const char *column)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("relationship \"%s\" of table %s refers to column \"%s\", which does not exist",
					r->name, rel_display(r->source), column),
			 errhint("Drop the relationship with relorm.drop_relationship() and declare it again.")));
}

static void
add_field(List **fields, const char *key, int colidx, int childidx)
{
	PlanField  *f = palloc(sizeof(PlanField));
	StringInfoData buf;

	initStringInfo(&buf);
	json_out_string(&buf, key, strlen(key));
	appendStringInfoChar(&buf, ':');
	f->key_json = buf.data;
	f->key_len = buf.len;
	f->colidx = colidx;
	f->childidx = childidx;
	*fields = lappend(*fields, f);
}

static char *
primary_key_order(Oid relid, const char *alias)
{
	Relation	rel = table_open(relid, AccessShareLock);
	Oid			pkindex = RelationGetPrimaryKeyIndex(rel);
	StringInfoData buf;

	initStringInfo(&buf);
	if (OidIsValid(pkindex))
	{
		Relation	idx = index_open(pkindex, AccessShareLock);

		for (int i = 0; i < idx->rd_index->indnkeyatts; i++)
		{
			AttrNumber	att = idx->rd_index->indkey.values[i];

			if (i > 0)
				appendStringInfoString(&buf, ", ");
			if (alias)
				appendStringInfo(&buf, "%s.", alias);
			appendStringInfoString(&buf, quote_identifier(get_attname(relid, att, false)));
		}
		index_close(idx, AccessShareLock);
	}
	table_close(rel, AccessShareLock);
	return buf.len > 0 ? buf.data : NULL;
}

static PlanLevel *build_level(BuildState *bs, Oid relid, const RelormRelationship *via,
							  const char *path, List *items);

/* The key columns of a child as types, hash and equality functions. */
static void
resolve_child_key(PlanLevel *child, Relation parent, int *keycols, const AttrNumber *attnums, int nkeys)
{
	TupleDesc	desc = RelationGetDescr(parent);

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
		Form_pg_attribute att = TupleDescAttr(desc, attnums[k] - 1);
		TypeCacheEntry *tce;

		child->key_types[k] = att->atttypid;
		child->key_coll[k] = att->attcollation;
		get_typlenbyvalalign(att->atttypid, &child->key_typlen[k], &child->key_typbyval[k],
							 &child->key_typalign[k]);
		child->key_fast[k] = (getBaseType(att->atttypid) == INT4OID ||
							  getBaseType(att->atttypid) == INT8OID ||
							  getBaseType(att->atttypid) == INT2OID ||
							  getBaseType(att->atttypid) == OIDOID);
		tce = lookup_type_cache(att->atttypid, TYPECACHE_HASH_PROC_FINFO | TYPECACHE_EQ_OPR_FINFO);
		if (!OidIsValid(tce->hash_proc) || !OidIsValid(tce->eq_opr))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("cannot fetch relationship \"%s\": its key type %s has no hash opclass",
							child->rel->name, format_type_be(att->atttypid))));
		if (!OidIsValid(get_array_type(att->atttypid)))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("cannot fetch relationship \"%s\": its key type %s has no array type",
							child->rel->name, format_type_be(att->atttypid))));
		fmgr_info_copy(&child->key_hash[k], &tce->hash_proc_finfo, CurrentMemoryContext);
		fmgr_info_copy(&child->key_eq[k], &tce->eq_opr_finfo, CurrentMemoryContext);
	}
}

/* A key expression cast to the parent's key type when the types differ. */
static void
append_key_expr(StringInfo buf, const char *alias, const char *column, Oid coltype, Oid parenttype)
{
	if (coltype != parenttype)
		appendStringInfo(buf, "CAST(%s.%s AS %s)", alias, quote_identifier(column),
						 format_type_be_qualified(parenttype));
	else
		appendStringInfo(buf, "%s.%s", alias, quote_identifier(column));
}

/*
 * "OPERATOR(schema.=)": the equality operator of a type, schema-qualified so
 * that neither search_path nor a type outside pg_catalog (citext, ...) matters.
 */
static char *
equality_operator(Oid type)
{
	TypeCacheEntry *tce = lookup_type_cache(type, TYPECACHE_EQ_OPR);
	HeapTuple	tup;
	char	   *nsp = "pg_catalog";

	if (OidIsValid(tce->eq_opr) &&
		HeapTupleIsValid(tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(tce->eq_opr))))
	{
		nsp = get_namespace_name(((Form_pg_operator) GETSTRUCT(tup))->oprnamespace);
		ReleaseSysCache(tup);
	}
	return psprintf("OPERATOR(%s.=)", quote_identifier(nsp));
}

/* WHERE the key columns are among the parent keys passed as $1..$n arrays. */
static void
append_key_condition(StringInfo buf, PlanLevel *lvl, const char *alias, char **columns, int nkeys)
{
	if (nkeys == 1)
		appendStringInfo(buf, " WHERE %s.%s %s ANY ($1)", alias, quote_identifier(columns[0]),
						 equality_operator(lvl->key_types[0]));
	else
	{
		appendStringInfoString(buf, " WHERE EXISTS (SELECT FROM ROWS FROM (");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(buf, "%spg_catalog.unnest($%d)", k ? ", " : "", k + 1);
		appendStringInfoString(buf, ") AS relorm_keys(");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(buf, "%sk%d", k ? ", " : "", k + 1);
		appendStringInfoString(buf, ") WHERE ");
		for (int k = 0; k < nkeys; k++)
			appendStringInfo(buf, "%s%s.%s %s relorm_keys.k%d", k ? " AND " : "", alias,
							 quote_identifier(columns[k]), equality_operator(lvl->key_types[k]), k + 1);
		appendStringInfoChar(buf, ')');
	}
}

/*
 * The SQL of a child level: its parent key first, then its columns, ordered by
 * the key so that each parent's children arrive together, then by the
 * relationship's order_by (or the target's primary key).
 */
static char *
child_sql(PlanLevel *lvl, Relation target)
{
	const RelormRelationship *r = lvl->rel;
	StringInfoData buf;
	char	   *talias = pstrdup(quote_identifier(get_rel_name(r->target)));
	char	   *order;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT ");
	for (int k = 0; k < r->nkeys; k++)
	{
		if (k)
			appendStringInfoString(&buf, ", ");
		if (r->kind == REL_MANY_TO_MANY)
		{
			Oid			t = get_atttype(r->secondary, get_attnum(r->secondary, r->secondary_local_names[k]));

			if (t != lvl->key_types[k])
				appendStringInfo(&buf, "CAST(relorm_secondary.relorm_k%d AS %s)", k + 1,
								 format_type_be_qualified(lvl->key_types[k]));
			else
				appendStringInfo(&buf, "relorm_secondary.relorm_k%d", k + 1);
		}
		else if (r->kind == REL_VIEWONLY)
			appendStringInfo(&buf, "%s.relorm_k%d", talias, k + 1);
		else
			append_key_expr(&buf, talias, r->remote_names[k],
							get_atttype(r->target, r->remote_attnums[k]), lvl->key_types[k]);
	}
	append_columns(&buf, lvl, talias, true);

	switch (r->kind)
	{
		case REL_MANY_TO_MANY:
			{
				char	  **keycolumns = palloc(sizeof(char *) * r->nkeys);

				appendStringInfo(&buf, " FROM %s AS %s JOIN (SELECT ", rel_qualified(r->target), talias);
				for (int k = 0; k < r->nkeys; k++)
				{
					appendStringInfo(&buf, "%ss.%s AS relorm_k%d, s.%s AS relorm_r%d", k ? ", " : "",
									 quote_identifier(r->secondary_local_names[k]), k + 1,
									 quote_identifier(r->secondary_remote_names[k]), k + 1);
					keycolumns[k] = psprintf("relorm_k%d", k + 1);
				}
				appendStringInfo(&buf, " FROM %s AS s) AS relorm_secondary ON ", rel_qualified(r->secondary));
				for (int k = 0; k < r->nkeys; k++)
					appendStringInfo(&buf, "%srelorm_secondary.relorm_r%d %s %s.%s",
									 k ? " AND " : "", k + 1,
									 equality_operator(get_atttype(r->target, r->remote_attnums[k])),
									 talias, quote_identifier(r->remote_names[k]));
				append_joins(&buf, lvl, talias);
				append_key_condition(&buf, lvl, "relorm_secondary", keycolumns, r->nkeys);
			}
			break;
		case REL_VIEWONLY:
			{
				/*
				 * join_on names the tables as they are named (source and target
				 * when they are one table); the join is a subquery so that the
				 * ordering sees the target's columns only.
				 */
				bool		self = r->source == r->target;
				char	   *ta = self ? "target" : talias;
				char	   *sa = self ? "source" : pstrdup(quote_identifier(get_rel_name(r->source)));

				relorm_check_expression(r->join_on, "join_on of a viewonly relationship");
				appendStringInfoString(&buf, " FROM (SELECT ");
				for (int k = 0; k < r->nkeys; k++)
					appendStringInfo(&buf, "%s.%s AS relorm_k%d, ", sa, quote_identifier(r->local_names[k]), k + 1);
				appendStringInfo(&buf, "%s.* FROM %s AS %s JOIN %s AS %s ON %s", ta,
								 rel_qualified(r->target), ta, rel_qualified(r->source), sa,
								 relorm_embed_expression(r->join_on));
				append_key_condition(&buf, lvl, sa, r->local_names, r->nkeys);
				appendStringInfo(&buf, ") AS %s", talias);
				append_joins(&buf, lvl, talias);
			}
			break;
		default:
			appendStringInfo(&buf, " FROM %s AS %s", rel_qualified(r->target), talias);
			append_joins(&buf, lvl, talias);
			append_key_condition(&buf, lvl, talias, r->remote_names, r->nkeys);
			break;
	}
	appendStringInfoString(&buf, " ORDER BY ");
	for (int k = 0; k < r->nkeys; k++)
		appendStringInfo(&buf, "%s%d", k ? ", " : "", k + 1);
	order = primary_key_order(r->target, talias);
	if (r->order_by)
	{
		/* the primary key breaks ties, so that the order is always the same */
		relorm_check_order_list(r->order_by, "order_by of a relationship");
		order = order ? psprintf("%s, %s", relorm_embed_order_list(r->order_by), order)
			: relorm_embed_order_list(r->order_by);
	}
	if (order)
		appendStringInfo(&buf, ", %s", order);
	return buf.data;
}

static void build_fields(BuildState *bs, PlanLevel *owner, PlanLevel *lvl, Relation rel,
						 List *items, ColumnList *cols, int join);

/*
 * A child level: a joined one (its columns go into the result of owner, the
 * level whose query it is joined into, after its parent's join when the
 * parent is itself joined) or a selectin one (a level of its own, with its
 * own query).
 */
static PlanLevel *
build_child(BuildState *bs, PlanLevel *owner, PlanLevel *parent, Relation parentrel,
			ColumnList *cols, int join, const RelormRelationship *r, ShapeItem *item)
{
	char	   *path = psprintf("%s.%s", parent->path, r->name);
	int		   *keycols = palloc(sizeof(int) * r->nkeys);
	PlanLevel  *child;

	if (r->nkeys == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("relationship \"%s\" of table %s has no key columns",
						r->name, rel_display(r->source))));
	for (int k = 0; k < r->nkeys; k++)
	{
		if (r->local_attnums[k] <= 0)
			stale_relationship(r, r->local_names[k]);
		if (r->kind != REL_VIEWONLY && r->remote_attnums[k] <= 0)
			stale_relationship(r, r->remote_names[k]);
		keycols[k] = column_index(cols, join, r->source, r->local_attnums[k]);
	}
	if (OidIsValid(r->secondary))
		relorm_cache_watch_relation(r->secondary);

	if (use_joined(r))
	{
		Relation	target = relation_open(r->target, AccessShareLock);
		int			jn = owner->njoins + 1;

		child = palloc0(sizeof(PlanLevel));
		child->relid = r->target;
		child->path = path;
		child->rel = r;
		child->strategy = STRATEGY_JOINED;
		child->many = false;
		child->join_alias = psprintf("relorm_j%d", jn);
		child->join_parent = join;
		child->query_path = owner->path;
		owner->joins = owner->joins ? repalloc(owner->joins, sizeof(PlanLevel *) * jn)
			: palloc(sizeof(PlanLevel *) * jn);
		owner->joins[jn - 1] = child;
		owner->njoins = jn;
		relorm_cache_watch_relation(r->target);
		child->present_col = column_index(cols, jn, r->target, r->remote_attnums[0]);
		check_stack_depth();
		build_fields(bs, owner, child, target, item->items, cols, jn);
		relation_close(target, AccessShareLock);
		return child;
	}

	child = build_level(bs, r->target, r, path, item->items);
	resolve_child_key(child, parentrel, keycols, r->local_attnums, r->nkeys);
	{
		Relation	target = relation_open(r->target, AccessShareLock);

		child->sql = child_sql(child, target);
		relation_close(target, AccessShareLock);
	}
	return child;
}

/*
 * Resolves the items of a shape against rel: fields of lvl, columns into
 * cols (tagged with join), relationships as children of lvl.  owner is the
 * level whose query returns cols.
 */
static void
build_fields(BuildState *bs, PlanLevel *owner, PlanLevel *lvl, Relation rel,
			 List *items, ColumnList *cols, int join)
{
	Oid			relid = RelationGetRelid(rel);
	TupleDesc	desc = RelationGetDescr(rel);
	List	   *fields = NIL;
	List	   *children = NIL;
	ListCell   *lc;
	int			i;

	foreach(lc, items)
	{
		ShapeItem  *item = lfirst(lc);

		switch (item->kind)
		{
			case SHAPE_ALL_COLUMNS:
				for (i = 0; i < desc->natts; i++)
				{
					Form_pg_attribute att = TupleDescAttr(desc, i);

					if (!att->attisdropped)
						add_field(&fields, NameStr(att->attname),
								  column_index(cols, join, relid, att->attnum), -1);
				}
				break;
			case SHAPE_COLUMN:
				{
					AttrNumber	att = get_attnum(relid, item->name);

					if (att <= 0)
						unknown_column(bs, rel, item);
					add_field(&fields, shape_item_key(item), column_index(cols, join, relid, att), -1);
				}
				break;
			case SHAPE_RELATIONSHIP:
				{
					const RelormRelationship *r = relorm_find_relationship(relid, item->name);

					if (r == NULL)
						unknown_relationship(bs, rel, item);
					add_field(&fields, shape_item_key(item), -1, list_length(children));
					children = lappend(children,
									   build_child(bs, owner, lvl, rel, cols, join, r, item));
				}
				break;
		}
	}

	lvl->nfields = list_length(fields);
	lvl->fields = palloc(sizeof(PlanField) * Max(1, lvl->nfields));
	i = 0;
	foreach(lc, fields)
		lvl->fields[i++] = *(PlanField *) lfirst(lc);
	lvl->nchildren = list_length(children);
	lvl->children = palloc(sizeof(PlanLevel *) * Max(1, lvl->nchildren));
	i = 0;
	foreach(lc, children)
		lvl->children[i++] = lfirst(lc);
}

static PlanLevel *
build_level(BuildState *bs, Oid relid, const RelormRelationship *via, const char *path, List *items)
{
	PlanLevel  *lvl = palloc0(sizeof(PlanLevel));
	Relation	rel;
	ColumnList	cols = {0, 0, 0, NULL};

	check_stack_depth();
	lvl->relid = relid;
	lvl->path = pstrdup(path);
	lvl->rel = via;
	lvl->strategy = via ? STRATEGY_SELECTIN : STRATEGY_ROOT;
	lvl->many = via ? via->many : true;
	lvl->nkeycols = via ? via->nkeys : 0;
	cols.base = lvl->nkeycols;
	relorm_cache_watch_relation(relid);

	rel = relation_open(relid, AccessShareLock);
	build_fields(bs, lvl, lvl, rel, items, &cols, 0);
	lvl->ncols = lvl->nkeycols + cols.n;
	lvl->nattrs = cols.n;
	lvl->attrs = cols.refs;
	relation_close(rel, AccessShareLock);
	return lvl;
}


typedef struct PrepareContext
{
	const char *sql;
	const char *path;
} PrepareContext;

static void
prepare_error_callback(void *arg)
{
	PrepareContext *pc = arg;
	int			pos = geterrposition();

	if (pos > 0)
	{
		errposition(0);
		internalerrposition(pos);
		internalerrquery(pc->sql);
	}
	errcontext("relorm: preparing the query of level %s", pc->path);
}

/* Types of $1..$n as the filter uses them (unresolved ones as text). */
static void
infer_param_types(LoadPlan *plan, const char *from, const char *filter)
{
	char	   *sql = psprintf("SELECT 1 FROM %s WHERE %s", from, filter);
	List	   *raw = raw_parser(sql, RAW_PARSE_DEFAULT);
	Oid		   *types = NULL;
	int			n = 0;
	ErrorContextCallback cb;
	PrepareContext pc;

	pc.sql = sql;
	pc.path = get_rel_name(plan->root);
	cb.callback = prepare_error_callback;
	cb.arg = &pc;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	(void) parse_analyze_varparams(linitial_node(RawStmt, raw), sql, &types, &n, NULL);
	error_context_stack = cb.previous;
	plan->nparams = n;
	plan->param_types = palloc(sizeof(Oid) * (n + 2));
	for (int i = 0; i < n; i++)
		plan->param_types[i] = (types[i] == InvalidOid || types[i] == UNKNOWNOID) ? TEXTOID : types[i];
	plan->param_types[n] = INT8OID;
	plan->param_types[n + 1] = INT8OID;
}

static SPIPlanPtr
prepare_kept(const char *sql, const char *path, int nargs, Oid *types, int cursor_options)
{
	ErrorContextCallback cb;
	PrepareContext pc;
	SPIPlanPtr	p;

	pc.sql = sql;
	pc.path = path;
	cb.callback = prepare_error_callback;
	cb.arg = &pc;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	p = SPI_prepare_cursor(sql, nargs, types, cursor_options);
	if (p == NULL)
		elog(ERROR, "SPI_prepare failed for level %s: %s", path, SPI_result_code_string(SPI_result));
	error_context_stack = cb.previous;
	if (SPI_keepplan(p) != 0)
		elog(ERROR, "SPI_keepplan failed");
	return p;
}

static void
prepare_children(PlanLevel *lvl, MemoryContext cxt)
{
	for (int c = 0; c < lvl->nchildren; c++)
	{
		PlanLevel  *child = lvl->children[c];
		Oid		   *types;

		if (child->strategy == STRATEGY_JOINED)
		{
			prepare_children(child, cxt);
			continue;
		}
		types = palloc(sizeof(Oid) * child->rel->nkeys);

		for (int k = 0; k < child->rel->nkeys; k++)
			types[k] = get_array_type(child->key_types[k]);
		/*
		 * A level runs once per batch with another key array each time: a
		 * generic plan, so that no batch is planned again.
		 */
		child->plan = prepare_kept(child->sql, child->path, child->rel->nkeys, types,
								   CURSOR_OPT_GENERIC_PLAN);
		prepare_children(child, cxt);
	}
}

static void finish_outputs(PlanLevel *lvl, MemoryContext cxt);

/* A joined child renders from its parent's result columns. */
static void
share_outputs(PlanLevel *joined, JsonOutColumn *out, MemoryContext cxt)
{
	joined->out = out;
	for (int c = 0; c < joined->nchildren; c++)
		if (joined->children[c]->strategy != STRATEGY_JOINED)
			finish_outputs(joined->children[c], cxt);
}

/* Render info for every result column of every level. */
static void
finish_outputs(PlanLevel *lvl, MemoryContext cxt)
{
	lvl->out = palloc0(sizeof(JsonOutColumn) * Max(1, lvl->ncols));
	for (int i = 0; i < lvl->nattrs; i++)
		json_out_init_column(&lvl->out[lvl->nkeycols + i],
							 get_atttype(lvl->attrs[i].relid, lvl->attrs[i].attnum), cxt);
	for (int j = 0; j < lvl->njoins; j++)
		share_outputs(lvl->joins[j], lvl->out, cxt);
	for (int c = 0; c < lvl->nchildren; c++)
		if (lvl->children[c]->strategy != STRATEGY_JOINED)
			finish_outputs(lvl->children[c], cxt);
}

static LoadPlan *
build_plan(Oid root, const char *shape_text, const char *filter, const char *order_by, char *key)
{
	MemoryContext cxt = AllocSetContextCreate(plan_cache_cxt, "relorm load plan", ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	LoadPlan   *volatile plan = palloc0(sizeof(LoadPlan));
	BuildState	bs;
	StringInfoData sql;
	char	   *from;
	char	   *order;
	const char *relname;

	plan->cxt = cxt;
	plan->root = root;
	PG_TRY();
	{
	bs.plan = plan;
	bs.shape = shape_parse(shape_text);

	if (filter)
		relorm_check_expression(filter, "filter");
	if (order_by)
		relorm_check_order_list(order_by, "order_by");

	relname = get_rel_name(root);
	switch (get_rel_relkind(root))
	{
		case RELKIND_RELATION:
		case RELKIND_PARTITIONED_TABLE:
		case RELKIND_VIEW:
		case RELKIND_MATVIEW:
		case RELKIND_FOREIGN_TABLE:
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("cannot fetch from %s", rel_display(root)),
					 errdetail("The root of a fetch is a table, a view, a materialized view or a foreign table.")));
	}
	plan->top = build_level(&bs, root, NULL, relname, bs.shape->items);

	from = rel_qualified(root);
	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	append_columns(&sql, plan->top, quote_identifier(relname), false);
	if (plan->top->nattrs == 0)
		appendStringInfoString(&sql, "NULL");
	appendStringInfo(&sql, " FROM %s", from);
	append_joins(&sql, plan->top, quote_identifier(relname));
	if (filter)
	{
		char	   *f = relorm_embed_expression(filter);

		infer_param_types(plan, from, f);
		appendStringInfo(&sql, " WHERE %s", f);
	}
	else
		infer_param_types(plan, from, "true");
	order = primary_key_order(root, quote_identifier(relname));
	if (order_by)
		order = order ? psprintf("%s, %s", relorm_embed_order_list(order_by), order)
			: relorm_embed_order_list(order_by);
	if (order)
		appendStringInfo(&sql, " ORDER BY %s", order);
	appendStringInfo(&sql, " LIMIT $%d OFFSET $%d", plan->nparams + 1, plan->nparams + 2);
	plan->top->sql = sql.data;

	finish_outputs(plan->top, cxt);
	/*
	 * The root query runs once per call, through a cursor read to the end:
	 * planned for all its rows, custom or generic as PostgreSQL chooses for a
	 * prepared statement (the filter's values may matter).
	 */
	plan->top->plan = prepare_kept(plan->top->sql, plan->top->path, plan->nparams + 2,
								   plan->param_types, 0);
	prepare_children(plan->top, cxt);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(old);
		free_plan(plan);
		PG_RE_THROW();
	}
	PG_END_TRY();

	MemoryContextSwitchTo(old);
	return plan;
}

/*
 * The plan for these arguments, from the cache or built and prepared now.
 * The caller is connected to SPI.
 */
LoadPlan *
load_plan_get(Oid root, const char *shape, const char *filter, const char *order_by)
{
	LoadPlan   *volatile plan = NULL;

	if (!hook_registered)
	{
		relorm_cache_register_reset_hook(plan_cache_reset);
		plan_cache_cxt = AllocSetContextCreate(CacheMemoryContext, "relorm load plans",
											   ALLOCSET_DEFAULT_SIZES);
		hook_registered = true;
	}
	/* validates the relationship cache, dropping stale plans */
	(void) relorm_relationships_of(root);

	/*
	 * Building a plan opens relations, which may process invalidations: the
	 * cache stays pinned meanwhile, so that the plan never points into a
	 * dropped cache (a stale plan is dropped at the next call).
	 */
	relorm_cache_pin();
	PG_TRY();
	{
		plan = find_or_build(root, shape, filter, order_by);
	}
	PG_FINALLY();
	{
		relorm_cache_unpin();
	}
	PG_END_TRY();

	/*
	 * The least recently used plan goes, unless a fetch is running (this call
	 * comes from its filter): that fetch's plan must stay.
	 */
	if (list_length(plan_cache) > PLAN_CACHE_SIZE && !relorm_cache_pinned())
	{
		free_plan(llast(plan_cache));
		plan_cache = list_delete_last(plan_cache);
	}
	return plan;
}

static LoadPlan *
find_or_build(Oid root, const char *shape, const char *filter, const char *order_by)
{
	char	   *key;
	ListCell   *lc;
	LoadPlan   *plan;
	MemoryContext old;

	key = psprintf("%u|%d:%s|%d:%s|%d:%s", root, (int) strlen(shape), shape,
				   filter ? (int) strlen(filter) : -1, filter ? filter : "",
				   order_by ? (int) strlen(order_by) : -1, order_by ? order_by : "");
	foreach(lc, plan_cache)
	{
		plan = lfirst(lc);
		if (strcmp(plan->cache_key, key) == 0)
		{
			if (foreach_current_index(lc) > 0)
			{
				plan_cache = foreach_delete_current(plan_cache, lc);
				plan_cache = lcons(plan, plan_cache);
			}
			return plan;
		}
	}

	plan = build_plan(root, shape, filter, order_by, key);
	old = MemoryContextSwitchTo(plan_cache_cxt);
	plan->cache_key = MemoryContextStrdup(plan->cxt, key);
	plan_cache = lcons(plan, plan_cache);
	MemoryContextSwitchTo(old);
	return plan;
}
