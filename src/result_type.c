/*
 * result_type.c
 *		The type of one tree a fetch returns, read off the fetch's load plan,
 *		so that it says what the renderer (render.c, json_out.c) writes and
 *		nothing else: each key in the shape's order, its JSON type from the
 *		type of its result column as to_json renders it, null only where a
 *		value can be null (a nullable column, an aggregate, a to-one
 *		relationship whose row may be missing), arrays for to-many levels,
 *		numbers for counts, one object per subtype for polymorphic rows, and
 *		a named definition for a recursion (the JSON type of a column's
 *		type is result_value.c's).  json_schema.c and typescript.c render
 *		what this builds.
 */
#include "relorm.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/comment.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "load_plan.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "result_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/plancache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"

/* What one walk of a plan collects. */
typedef struct TypeWalk
{
	List	   *defs;			/* ResultDef * */
	List	   *def_levels;		/* PlanLevel *, the level of each definition */
	List	   *unrolled;		/* PlanLevel *, a recursion with a depth being written
								 * out: once per level of it, the innermost last */
} TypeWalk;

/*
 * A recursion with a depth up to this is written out level by level (exact:
 * its key there down to the last level, absent there); deeper, it is a
 * definition whose key is optional.
 */
#define RESULT_UNROLL_MAX_DEPTH 8

/* A key of an object being built: its property, and the subtype it belongs to. */
typedef struct BuiltProp
{
	ResultProp	prop;
	int			colidx;			/* its result column, or -1 */
	int			type_col;		/* polymorphic: the discriminator's result column */
	const char *identity;		/* ... the subtype whose rows have it, or NULL */
} BuiltProp;

static ResultType *level_type(TypeWalk *w, PlanLevel *lvl, PlanLevel *owner);

static ResultType *
copy_type(const ResultType *t)
{
	ResultType *c = palloc(sizeof(ResultType));

	*c = *t;
	return c;
}

/* Whether a column's value (before any aggregate) can be null. */
static bool
value_nullable(const LevelColumn *c)
{
	const ValueExpr *e = c->expr;

	if (e && (OidIsValid(e->func) || e->json_path != NIL))
		return true;			/* a function's result, a JSON path's member */
	return !relorm_result_column_not_null(c->relid, c->attnum);
}

/*
 * The type of the values a to-many spread puts in its array as json (arrays
 * themselves): the value's own, cast, or the function's.
 */
static Oid
array_element_source(const LevelColumn *c)
{
	const ValueExpr *e = c->expr;

	if (OidIsValid(e->cast_type))
		return e->cast_type;
	if (e->json_path != NIL)
		return JSONOID;
	if (OidIsValid(e->value_cast_type))
		return e->value_cast_type;
	if (OidIsValid(e->func))
		return get_func_rettype(e->func);
	return get_atttype(c->relid, c->attnum);
}

/*
 * The type of result column colidx of owner's query; absent: in a spread
 * whose row may be missing, where a value is null (an array of a to-many
 * spread's values, []).
 */
static ResultType *
column_type(PlanLevel *owner, int colidx, bool absent)
{
	const LevelColumn *c = &owner->attrs[colidx - owner->nkeycols];
	const ValueExpr *e = c->expr;
	ResultType *t = relorm_result_value_type(owner->out[colidx].typid);

	switch (e ? e->agg : AGG_NONE)
	{
		case AGG_COUNT_ROWS:
		case AGG_COUNT:
			t->bounded = true;
			t->minimum = 0;
			t->nullable = absent;
			break;
		case AGG_ARRAY:
			/* a to-many spread: [] without rows; a joined column is null when nothing joined */
			if (e->array_of_json)
				t->items = relorm_result_value_type(array_element_source(c));	/* arrays in json */
			if (t->items)
				t->items->nullable = value_nullable(c) || c->join > 0;
			break;
		case AGG_SUM:
		case AGG_AVG:
		case AGG_MIN:
		case AGG_MAX:
		case AGG_PRESENT:
			t->nullable = true; /* over no row, or NULLs only */
			break;
		case AGG_NONE:
			t->nullable = absent || value_nullable(c);
			if (!e || (!OidIsValid(e->func) && e->json_path == NIL && !OidIsValid(e->cast_type)))
				t->description = c->attnum > 0 ? GetComment(c->relid, RelationRelationId, c->attnum) : NULL;
			else if (OidIsValid(e->func))
				t->description = GetComment(e->func, ProcedureRelationId, 0);
			break;
	}
	return t;
}

/*
 * Whether a to-one level always has a row for its parent: a foreign key on
 * the parent's NOT NULL columns, validated and checked at once, to a table
 * without row-level security, nothing in the shape narrowing the rows.
 * Anything else may render null.
 */
static bool
to_one_always_present(PlanLevel *child)
{
	const RelormRelationship *r = child->rel;
	Relation	rel;
	List	   *fkeys;
	ListCell   *lc;
	bool		found = false;

	if (r == NULL || child->many || child->count || !r->fk_on_source ||
		(r->kind != REL_MANY_TO_ONE && r->kind != REL_ONE_TO_ONE) || r->target_type ||
		child->where || child->filters || child->offset > 0 || child->limit == 0 ||
		get_rel_relkind(r->target) != RELKIND_RELATION)
		return false;
	for (int k = 0; k < r->nkeys; k++)
		if (!relorm_result_column_not_null(r->source, r->local_attnums[k]))
			return false;
	rel = relation_open(r->target, AccessShareLock);
	found = !rel->rd_rel->relrowsecurity;
	relation_close(rel, AccessShareLock);
	if (!found)
		return false;
	found = false;
	rel = relation_open(r->source, AccessShareLock);
	fkeys = RelationGetFKeyList(rel);
	foreach(lc, fkeys)
	{
		ForeignKeyCacheInfo *fk = lfirst(lc);
		HeapTuple	tup;
		bool		same = fk->confrelid == r->target && fk->nkeys == r->nkeys;

		for (int k = 0; same && k < fk->nkeys; k++)
			same = fk->conkey[k] == r->local_attnums[k] && fk->confkey[k] == r->remote_attnums[k];
		if (!same)
			continue;
		tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(fk->conoid));
		if (HeapTupleIsValid(tup))
		{
			Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

			found = con->convalidated && !con->condeferrable;
			ReleaseSysCache(tup);
		}
		if (found)
			break;
	}
	relation_close(rel, AccessShareLock);
	return found;
}

/* A name of letters and digits for a recursive level's definition, from its path. */
static const char *
def_name(TypeWalk *w, PlanLevel *lvl)
{
	StringInfoData name;
	bool		upper = true;
	const char *p = strchr(lvl->path, '.');
	char	   *base;
	ListCell   *lc;

	initStringInfo(&name);
	for (p = p ? p + 1 : lvl->path; *p; p++)
	{
		if (!isalnum((unsigned char) *p))
		{
			upper = true;
			continue;
		}
		appendStringInfoChar(&name, upper ? pg_toupper((unsigned char) *p) : *p);
		upper = false;
	}
	if (name.len == 0 || isdigit((unsigned char) name.data[0]))
		base = psprintf("Level%s", name.data);
	else
		base = name.data;
	for (int n = 1;; n++)
	{
		const char *candidate = n == 1 ? base : psprintf("%s%d", base, n);
		bool		taken = false;

		foreach(lc, w->defs)
			if (strcmp(((ResultDef *) lfirst(lc))->name, candidate) == 0)
				taken = true;
		if (!taken)
			return candidate;
	}
}

static void add_fields(TypeWalk *w, PlanLevel *lvl, PlanLevel *owner, List **props, bool own, bool absent);

/* Whether a recursion is written out level by level. */
static bool
unrolls(const PlanLevel *lvl)
{
	return lvl->recursive && lvl->max_depth > 0 && lvl->max_depth <= RESULT_UNROLL_MAX_DEPTH;
}

/* The level of a recursion being written out that lvl's object is at (from 1), or 0. */
static int
unrolled_depth(const TypeWalk *w, const PlanLevel *lvl)
{
	int			depth = 0;
	ListCell   *lc;

	foreach(lc, w->unrolled)
		if (lfirst(lc) == lvl)
			depth++;
	return depth;
}

/*
 * The value of a relationship field: a count's number, a to-many level's
 * array, a to-one level's object or null.
 */
static ResultType *
relationship_value(TypeWalk *w, PlanLevel *child, PlanLevel *owner)
{
	ResultType *obj;
	ResultType *t;

	if (child->count)
		return relorm_result_integer(0, PG_INT64_MAX);
	obj = level_type(w, child, child->strategy == STRATEGY_JOINED ? owner : child);
	if (!child->many)
	{
		obj->nullable = !to_one_always_present(child);
		return obj;
	}
	t = relorm_result_new(RESULT_ARRAY);
	t->items = obj;
	if (child->scalar_agg)
		t->min_items = t->max_items = 1;	/* aggregates only: one object per parent */
	else if (child->limit >= 0)
		t->max_items = child->limit;
	return t;
}

static BuiltProp *
add_prop(List **props, const PlanField *field, ResultType *type, bool required)
{
	BuiltProp  *b = palloc0(sizeof(BuiltProp));

	b->prop.key_json = pnstrdup(field->key_json, field->key_len - 1);	/* without its ':' */
	b->prop.type = type;
	b->prop.required = required;
	b->colidx = field->colidx;
	b->type_col = field->type_col;
	b->identity = field->type_identity;
	*props = lappend(*props, b);
	return b;
}

/*
 * The keys a level's rows put in their object (props), in order.  own: the
 * object is the level's own (else a spread's fields go into a parent's,
 * whose subtype keys are then only optional).  absent: the spread's row may
 * be missing, its columns then null.
 */
static void
add_fields(TypeWalk *w, PlanLevel *lvl, PlanLevel *owner, List **props, bool own, bool absent)
{
	check_stack_depth();
	for (int f = 0; f < lvl->nfields; f++)
	{
		PlanField  *field = &lvl->fields[f];
		PlanLevel  *child;
		ResultType *t;
		BuiltProp  *b;

		CHECK_FOR_INTERRUPTS();
		if (field->colidx >= 0)
		{
			t = column_type(owner, field->colidx, absent);
			b = add_prop(props, field, t, true);
			if (!own && b->identity)
			{
				/* a spread's subtype keys: told by a column not in this object */
				b->prop.required = false;
				b->identity = NULL;
			}
			continue;
		}
		child = lvl->children[field->childidx];
		if (field->spread)
		{
			PlanLevel  *child_owner = child->strategy == STRATEGY_JOINED ? owner : child;

			add_fields(w, child, child_owner, props, false,
					   absent || (!child->many && !to_one_always_present(child)));
			continue;
		}
		/* a recursion with a depth leaves its key out at the last level */
		if (child == lvl && unrolls(lvl) && unrolled_depth(w, lvl) == lvl->max_depth)
			continue;
		t = relationship_value(w, child, owner);
		if (absent && !child->many && !child->count)
			t->nullable = true;
		add_prop(props, field, t, !(child == lvl && lvl->max_depth > 0 && !unrolls(lvl)));
	}
}

static ResultType *
object_of(List *built, const char *identity, bool all, const char *description)
{
	ResultType *t = relorm_result_new(RESULT_OBJECT);
	ListCell   *lc;

	t->description = description;
	foreach(lc, built)
	{
		BuiltProp  *b = lfirst(lc);
		ResultProp *p;

		if (!all && b->identity && (identity == NULL || strcmp(b->identity, identity) != 0))
			continue;
		p = palloc(sizeof(ResultProp));
		*p = b->prop;
		t->props = lappend(t->props, p);
	}
	return t;
}

/* Whether text is an integer as JSON writes one. */
static bool
is_integer_text(const char *s)
{
	if (*s == '-')
		s++;
	if (!isdigit((unsigned char) *s) || (s[0] == '0' && s[1] != '\0'))
		return false;
	while (isdigit((unsigned char) *s))
		s++;
	return *s == '\0';
}

/*
 * The object of one subtype's rows (identity), its discriminator that value;
 * or with identity NULL of every other value's, its discriminator none of
 * others.
 */
static ResultType *
variant(List *built, const BuiltProp *disc, const char *identity, List *others)
{
	ResultType *v = object_of(built, identity, false, NULL);
	ListCell   *lc;

	foreach(lc, v->props)
	{
		ResultProp *prop = lfirst(lc);

		if (strcmp(prop->key_json, disc->prop.key_json) != 0)
			continue;
		prop->type = copy_type(prop->type);
		if (identity)
		{
			prop->type->nullable = false;
			prop->type->labels = NIL;
			prop->type->constant = identity;
		}
		else
			prop->type->excluded = others;
	}
	return v;
}

/*
 * A polymorphic level's rows: one object per subtype that has keys of its
 * own, told by the discriminator's value, and one for every other value.
 * Without the discriminator among the keys (or of a type whose values are
 * neither strings nor integers), the subtypes' keys are only optional.
 */
static ResultType *
polymorphic_type(List *built, const char *description)
{
	BuiltProp  *disc = NULL;
	List	   *identities = NIL;
	List	   *others = NIL;
	ResultType *t;
	ListCell   *lc;

	foreach(lc, built)
	{
		BuiltProp  *b = lfirst(lc);

		if (b->identity && !list_member(identities, makeString((char *) b->identity)))
			identities = lappend(identities, makeString((char *) b->identity));
	}
	/* the discriminator: the key rendering the column the subtypes' keys are told by */
	foreach(lc, built)
	{
		BuiltProp  *b = lfirst(lc);
		ListCell   *s;

		if (b->identity || b->colidx < 0)
			continue;
		foreach(s, built)
			if (((BuiltProp *) lfirst(s))->identity && ((BuiltProp *) lfirst(s))->type_col == b->colidx)
				disc = b;
	}
	if (disc)
		foreach(lc, identities)
			if (!(disc->prop.type->kind == RESULT_STRING ||
				  (disc->prop.type->kind == RESULT_INTEGER && is_integer_text(strVal(lfirst(lc))))))
				disc = NULL;
	if (disc == NULL)
	{
		foreach(lc, built)
			if (((BuiltProp *) lfirst(lc))->identity)
				((BuiltProp *) lfirst(lc))->prop.required = false;
		return object_of(built, NULL, true, description);
	}
	t = relorm_result_new(RESULT_ONE_OF);
	t->description = description;
	foreach(lc, identities)
		t->variants = lappend(t->variants, variant(built, disc, strVal(lfirst(lc)), NIL));
	/* every other value: the base's rows, subtypes without keys here, undeclared values */
	foreach(lc, identities)
		others = lappend(others, strVal(lfirst(lc)));
	t->variants = lappend(t->variants, variant(built, disc, NULL, others));
	return t;
}

/* The object of a level's rows, or one of objects for a polymorphic table. */
static ResultType *
level_object(TypeWalk *w, PlanLevel *lvl, PlanLevel *owner)
{
	List	   *built = NIL;
	const char *description = GetComment(lvl->relid, RelationRelationId, 0);
	ListCell   *lc;

	add_fields(w, lvl, owner, &built, true, false);
	foreach(lc, built)
		if (((BuiltProp *) lfirst(lc))->identity)
			return polymorphic_type(built, description);
	return object_of(built, NULL, true, description);
}

/*
 * The type of a level's rows.  A recursive level's is a definition, referred
 * to by name wherever it is used, in itself too.
 */
static ResultType *
level_type(TypeWalk *w, PlanLevel *lvl, PlanLevel *owner)
{
	ResultDef  *def = NULL;
	ResultType *ref;
	ListCell   *d;
	ListCell   *l;

	check_stack_depth();
	if (unrolls(lvl))
	{
		ResultType *t;

		w->unrolled = lappend(w->unrolled, lvl);
		t = level_object(w, lvl, owner);
		w->unrolled = list_delete_last(w->unrolled);
		return t;
	}
	if (!lvl->recursive)
		return level_object(w, lvl, owner);
	forboth(d, w->defs, l, w->def_levels)
	{
		if (lfirst(l) == lvl)
			def = lfirst(d);
	}
	if (def == NULL)
	{
		def = palloc0(sizeof(ResultDef));
		def->name = def_name(w, lvl);
		w->defs = lappend(w->defs, def);
		w->def_levels = lappend(w->def_levels, lvl);
		def->type = level_object(w, lvl, owner);
	}
	ref = relorm_result_new(RESULT_REF);
	ref->ref = def->name;
	return ref;
}

/* The relations a query reads, its subqueries', sublinks' and CTEs' included. */
static bool
collect_relations(Node *node, List **rtes)
{
	if (node == NULL)
		return false;
	if (IsA(node, RangeTblEntry))
	{
		if (((RangeTblEntry *) node)->rtekind == RTE_RELATION)
			*rtes = lappend(*rtes, node);
		return false;
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, collect_relations, rtes, QTW_EXAMINE_RTES_BEFORE);
	return expression_tree_walker(node, collect_relations, rtes);
}

/*
 * The fetch would run each level's query with the caller's rights: the type
 * of its trees is refused as the fetch would be, to a caller who may not
 * read what a level reads.  The executor's own check, on the relations of
 * each level's analyzed and rewritten query (views expanded, policies
 * added).  A query a change has invalidated is analyzed again by getting its
 * plan, but for Citus tables (custom_plans: they have no generic plan),
 * whose relations a function's or a statistic's change does not alter.
 */
static void
check_privileges(PlanLevel *lvl, bool custom_plans)
{
	check_stack_depth();
	if (lvl->plan)
	{
		List	   *rtes = NIL;
		ListCell   *lc;

		foreach(lc, SPI_plan_get_plan_sources(lvl->plan))
		{
			CachedPlanSource *source = lfirst(lc);
			ListCell   *q;

			if (!source->is_valid && !custom_plans)
			{
				CachedPlan *cplan = SPI_plan_get_cached_plan(lvl->plan);

				if (cplan)
					ReleaseCachedPlan(cplan, CurrentResourceOwner);
			}
			foreach(q, source->query_list)
				(void) collect_relations(lfirst(q), &rtes);
		}
		(void) ExecCheckRTPerms(rtes, true);
	}
	for (int c = 0; c < lvl->nchildren; c++)
		if (lvl->children[c] != lvl)
			check_privileges(lvl->children[c], custom_plans);
}

ResultSchema *
relorm_result_schema(Oid root, const char *shape, bool camel)
{
	ResultSchema *schema = palloc0(sizeof(ResultSchema));
	TypeWalk	w = {NIL, NIL, NIL};
	PlanRequest req;
	LoadPlanUse use;

	memset(&req, 0, sizeof(req));
	req.root = root;
	req.shape = shape;
	req.max_params = RELORM_MAX_PARAMS;
	req.camel = camel;
	schema->root_name = DatumGetCString(DirectFunctionCall1(regclassout, ObjectIdGetDatum(root)));
	schema->shape = pstrdup(shape);
	relorm_plan_open(&use, &req);
	PG_TRY();
	{
		check_privileges(use.plan->top, use.plan->custom_plans);
		schema->root = level_type(&w, use.plan->top, use.plan->top);
	}
	PG_FINALLY();
	{
		relorm_plan_close(&use);
	}
	PG_END_TRY();
	schema->defs = w.defs;
	return schema;
}
