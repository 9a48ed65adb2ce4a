/*
 * resolve_embed.c
 *		The resolution pass, for a relationship item that names no declared
 *		relationship: an embedding through foreign keys, PostgREST's way.  The
 *		item names the target table (in the source's schema, else on the
 *		search_path); the relationship is the one foreign key that joins the
 *		two (either way), or a junction table whose primary key holds a
 *		foreign key to each; a hint after '!' names the foreign key (its
 *		constraint, or one of its columns) or the junction.  More than one
 *		candidate is refused (42702), listing each with the hint that picks
 *		it.  The relationship is made for the plan only: nothing is written to
 *		the catalog, and the plan is made again when a constraint changes
 *		(plan_cache.c).  Part of resolve.c's pass; no SQL text.
 */
#include "relorm.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_constraint.h"
#include "miscadmin.h"
#include "names.h"
#include "resolve_int.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

/* A foreign key: the referencing table's columns, the referenced table's. */
typedef struct ForeignKey
{
	Oid			oid;
	char	   *name;
	Oid			from;			/* conrelid */
	Oid			to;				/* confrelid */
	int			nkeys;
	AttrNumber	from_cols[INDEX_MAX_KEYS];
	AttrNumber	to_cols[INDEX_MAX_KEYS];
} ForeignKey;

/* A way to embed: its relationship, and the hint that picks it. */
typedef struct Candidate
{
	RelormRelationship *r;
	const char *hint;
	const char *how;			/* for the list of candidates */
} Candidate;

/* The foreign keys of pg_constraint for which match(fk, arg) holds. */
static List *
foreign_keys(bool (*match) (const ForeignKey *fk, Oid arg), Oid arg)
{
	Relation	rel = table_open(ConstraintRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	HeapTuple	tup;
	List	   *result = NIL;

	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
		ForeignKey *fk;
		int			n;

		CHECK_FOR_INTERRUPTS();
		if (con->contype != CONSTRAINT_FOREIGN)
			continue;
		fk = palloc0(sizeof(ForeignKey));
		fk->oid = con->oid;
		fk->name = pstrdup(NameStr(con->conname));
		fk->from = con->conrelid;
		fk->to = con->confrelid;
		DeconstructFkConstraintRow(tup, &n, fk->from_cols, fk->to_cols, NULL, NULL, NULL, NULL, NULL);
		fk->nkeys = n;
		if (match(fk, arg))
			result = lappend(result, fk);
		else
			pfree(fk);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

static bool
references(const ForeignKey *fk, Oid relid)
{
	return fk->to == relid;
}

static bool
is_on(const ForeignKey *fk, Oid relid)
{
	return fk->from == relid;
}

static char **
column_names(Oid relid, const AttrNumber *cols, int n)
{
	char	  **names = palloc(sizeof(char *) * (n + 1));

	for (int k = 0; k < n; k++)
		names[k] = get_attname(relid, cols[k], false);
	names[n] = NULL;
	return names;
}

static AttrNumber *
copy_attnums(const AttrNumber *cols, int n)
{
	AttrNumber *c = palloc(sizeof(AttrNumber) * Max(1, n));

	memcpy(c, cols, sizeof(AttrNumber) * n);
	return c;
}

/* The relationship of one foreign key, from relid: outgoing (relid's FK, to-one) or the reverse. */
static RelormRelationship *
fk_relationship(const char *name, Oid relid, const ForeignKey *fk, bool outgoing)
{
	RelormRelationship *r = palloc0(sizeof(RelormRelationship));

	r->source = relid;
	r->name = pstrdup(name);
	r->target = outgoing ? fk->to : fk->from;
	r->fk_on_source = outgoing;
	r->nkeys = fk->nkeys;
	r->nremote = fk->nkeys;
	r->lazy = "select";
	r->local_attnums = copy_attnums(outgoing ? fk->from_cols : fk->to_cols, fk->nkeys);
	r->remote_attnums = copy_attnums(outgoing ? fk->to_cols : fk->from_cols, fk->nkeys);
	r->local_names = column_names(relid, r->local_attnums, fk->nkeys);
	r->remote_names = column_names(r->target, r->remote_attnums, fk->nkeys);
	if (outgoing)
		r->kind = relorm_columns_unique(relid, fk->from_cols, fk->nkeys) ? REL_ONE_TO_ONE : REL_MANY_TO_ONE;
	else
		r->kind = relorm_columns_unique(fk->from, fk->from_cols, fk->nkeys) ? REL_ONE_TO_ONE : REL_ONE_TO_MANY;
	r->many = r->kind == REL_ONE_TO_MANY;
	r->kind_name = relorm_kind_name(r->kind);
	return r;
}

/* The relationship through a junction: to_source references relid, to_target the target. */
static RelormRelationship *
junction_relationship(const char *name, Oid relid, const ForeignKey *to_source, const ForeignKey *to_target)
{
	RelormRelationship *r = palloc0(sizeof(RelormRelationship));

	r->source = relid;
	r->name = pstrdup(name);
	r->target = to_target->to;
	r->kind = REL_MANY_TO_MANY;
	r->kind_name = relorm_kind_name(r->kind);
	r->many = true;
	r->lazy = "select";
	r->secondary = to_source->from;
	r->nkeys = to_source->nkeys;
	r->nremote = to_target->nkeys;
	r->local_attnums = copy_attnums(to_source->to_cols, to_source->nkeys);
	r->local_names = column_names(relid, r->local_attnums, r->nkeys);
	r->remote_attnums = copy_attnums(to_target->to_cols, to_target->nkeys);
	r->remote_names = column_names(r->target, r->remote_attnums, r->nremote);
	r->secondary_local_names = column_names(r->secondary, to_source->from_cols, to_source->nkeys);
	r->secondary_remote_names = column_names(r->secondary, to_target->from_cols, to_target->nkeys);
	return r;
}

/* Whether every column of fk (on its referencing table) is in that table's primary key. */
static bool
in_primary_key(const ForeignKey *fk)
{
	List	   *pk = relorm_primary_key(fk->from);

	for (int k = 0; k < fk->nkeys; k++)
		if (!relorm_name_in(pk, get_attname(fk->from, fk->from_cols[k], false)))
			return false;
	return pk != NIL;
}

/*
 * Whether hint names the foreign key: its constraint, or one of its columns.
 * A self-referencing foreign key gives two directions: its columns name the
 * row it points to (outgoing), its constraint the rows pointing here.
 */
static bool
hint_names_fk(const char *hint, const ForeignKey *fk, bool outgoing)
{
	bool		self = fk->from == fk->to;

	if (hint == NULL)
		return true;
	if (strcmp(hint, fk->name) == 0 && !(self && outgoing))
		return true;
	for (int k = 0; k < fk->nkeys && !(self && !outgoing); k++)
		if (strcmp(hint, get_attname(fk->from, fk->from_cols[k], false)) == 0)
			return true;
	return false;
}

/* The hint that picks a foreign key's direction: its column when it has one, else its constraint. */
static const char *
fk_hint_of(const ForeignKey *fk, bool outgoing)
{
	if (outgoing && fk->nkeys == 1)
		return get_attname(fk->from, fk->from_cols[0], false);
	return fk->name;
}

static Candidate *
candidate(RelormRelationship *r, const char *hint, const char *how)
{
	Candidate  *c = palloc(sizeof(Candidate));

	c->r = r;
	c->hint = hint;
	c->how = how;
	return c;
}

static char *
column_list(Oid relid, const AttrNumber *cols, int n)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int k = 0; k < n; k++)
		appendStringInfo(&buf, "%s%s", k ? ", " : "", quote_identifier(get_attname(relid, cols[k], false)));
	return buf.data;
}

/*
 * The foreign keys of table from to table to that hint (NULL: any) picks,
 * each a candidate from relid: outgoing when from is relid.
 */
static List *
fk_candidates(List *found, const char *name, Oid relid, Oid from, Oid to, bool outgoing, const char *hint)
{
	ListCell   *lc;

	foreach(lc, foreign_keys(is_on, from))
	{
		ForeignKey *fk = lfirst(lc);

		if (fk->to == to && hint_names_fk(hint, fk, outgoing))
			found = lappend(found, candidate(fk_relationship(name, relid, fk, outgoing), fk_hint_of(fk, outgoing),
											 psprintf("%s (%s) references %s", relorm_table_label(from),
													  column_list(from, fk->from_cols, fk->nkeys),
													  relorm_table_label(to))));
	}
	return found;
}

/* Every way to embed target from relid that hint (NULL: any) picks. */
static List *
candidates(const char *name, Oid relid, Oid target, const char *hint)
{
	List	   *found = NIL;
	ListCell   *lc;

	/* a foreign key of relid to the target: to-one; of the target to relid: to-many, or to-one when unique */
	found = fk_candidates(found, name, relid, relid, target, true, hint);
	found = fk_candidates(found, name, relid, target, relid, false, hint);
	/* a junction: its primary key holds a foreign key to each */
	foreach(lc, foreign_keys(references, relid))
	{
		ForeignKey *to_source = lfirst(lc);
		ListCell   *lc2;
		const char *junction = get_rel_name(to_source->from);

		if (to_source->from == relid || to_source->from == target || !in_primary_key(to_source))
			continue;
		foreach(lc2, foreign_keys(is_on, to_source->from))
		{
			ForeignKey *to_target = lfirst(lc2);

			if (to_target->to != target || to_target->oid == to_source->oid || !in_primary_key(to_target))
				continue;
			if (hint && strcmp(hint, junction) != 0 && strcmp(hint, to_source->name) != 0 &&
				strcmp(hint, to_target->name) != 0)
				continue;
			found = lappend(found, candidate(junction_relationship(name, relid, to_source, to_target), junction,
											 psprintf("many-to-many through %s", relorm_table_label(to_source->from))));
		}
	}
	return found;
}

/* The words a hint may be besides a foreign key's. */
static List *
hint_words(void)
{
	return list_make5("inner", "none", "left", "selectin", "joined");
}

static int
compare_candidates(const ListCell *a, const ListCell *b)
{
	return strcmp(((Candidate *) lfirst(a))->hint, ((Candidate *) lfirst(b))->hint);
}

/* A hint that is no hint word and names no foreign key. */
static void
unknown_hint(ResolveState *rs, const ShapeItem *item)
{
	const char *near = relorm_nearest_name(item->fk_hint, hint_words());

	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("unknown hint \"!%s\" at position %d of the shape", item->fk_hint,
					relorm_resolve_position(rs, item->fk_hint_location)),
			 errdetail("Shape: %s", rs->shape->text),
			 near ? errhint("Perhaps you meant !%s.", near) :
			 errhint("The hints are !inner, !none and !left, the strategies !selectin, !joined and !select, and, after a table's name, a foreign key (its constraint or column) or a junction table.")));
}

/* The table an embedding names: in the source's schema, else on the search_path. */
static Oid
embedded_table(Oid relid, const char *name)
{
	Oid			target = get_relname_relid(name, get_rel_namespace(relid));

	return OidIsValid(target) ? target : RelnameGetRelid(name);
}

/*
 * The relationship an item embeds from relid by a table's name.  NULL when
 * the name is no table and the item has no hint.
 */
const RelormRelationship *
relorm_resolve_embedding(ResolveState *rs, Oid relid, const ShapeItem *item)
{
	Oid			target = embedded_table(relid, item->name);
	List	   *found;
	StringInfoData list;
	ListCell   *lc;

	if (!OidIsValid(target))
	{
		if (item->fk_hint == NULL)
			return NULL;
		unknown_hint(rs, item);
	}
	rs->plan->embeds = true;
	found = candidates(item->name, relid, target, item->fk_hint);
	if (list_length(found) == 1)
		return ((Candidate *) linitial(found))->r;
	list_sort(found, compare_candidates);	/* the errors list them in one order */

	initStringInfo(&list);
	foreach(lc, found)
	{
		Candidate  *c = lfirst(lc);

		appendStringInfo(&list, "%s%s!%s: %s (%s)", foreach_current_index(lc) ? "; " : "", item->name,
						 quote_identifier(c->hint), c->how, c->r->kind_name);
	}
	if (found == NIL)
	{
		List	   *all = candidates(item->name, relid, target, NULL);

		list_sort(all, compare_candidates);
		foreach(lc, all)
		{
			Candidate  *c = lfirst(lc);

			appendStringInfo(&list, "%s%s!%s", foreach_current_index(lc) ? ", " : "", item->name,
							 quote_identifier(c->hint));
		}
		if (item->fk_hint && relorm_nearest_name(item->fk_hint, hint_words()) != NULL)
			unknown_hint(rs, item);	/* a misspelt hint, more likely than a foreign key */
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 item->fk_hint ?
				 errmsg("no foreign key between %s and %s is named \"%s\" or has a column \"%s\", at position %d of the shape",
						relorm_table_label(relid), relorm_table_label(target), item->fk_hint, item->fk_hint,
						relorm_resolve_position(rs, item->fk_hint_location)) :
				 errmsg("no relationship \"%s\" on table %s, and no foreign key joins it to table %s, at position %d of the shape",
						item->name, relorm_table_label(relid), relorm_table_label(target),
						relorm_resolve_position(rs, item->location)),
				 errdetail("Shape: %s", rs->shape->text),
				 all ? errhint("The foreign keys that join them: %s.", list.data)
				 : errhint("Declare the relationship: relorm.one_to_many() or relorm.many_to_one() add its foreign key, relorm.viewonly() joins on a condition.")));
	}
	ereport(ERROR,
			(errcode(ERRCODE_AMBIGUOUS_COLUMN),
			 errmsg("more than one relationship joins %s and %s, at position %d of the shape",
					relorm_table_label(relid), relorm_table_label(target), relorm_resolve_position(rs, item->location)),
			 errdetail("They are: %s.", list.data),
			 errhint("Name one after '!', as in %s!%s(...), or declare the relationship.", item->name,
					 quote_identifier(((Candidate *) linitial(found))->hint))));
	return NULL;				/* keep compiler quiet */
}
