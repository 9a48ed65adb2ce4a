/*
 * reflect.c
 *		relorm.reflect(schema): registers every foreign key not yet behind a
 *		relationship, both directions, under conventional names.  The event
 *		trigger calls the same code for relorm.auto_reflect.  Nothing in the
 *		schema changes: the directions are written straight to the catalog,
 *		as a declaration adopting the constraint would write them (calling
 *		the declarations would not do: they add an index where the FK
 *		columns have none, and NOT NULL to an association table's columns;
 *		every FK constraint's actions are kept as they are).
 *
 * Naming rules.  Every foreign key is registered.  Its names depend on the
 * schema and on the relationships already registered, nothing else: the
 * tables are taken in the order of their names, a table's many-to-manys
 * first, then its foreign keys, each in the order of their constraints'
 * names; where a name cannot be had, a NOTICE says which was taken instead.
 *	- to-one side (on the table holding the FK), one column: the column
 *	  without "_id" (author_id -> author); a column not ending in "_id" keeps
 *	  its name (sender -> sender: a to-one relationship may be named after
 *	  its own FK column), unless it is named like the key it references
 *	  (profiles.id -> users.id), which gives the referenced table's name,
 *	  singular (user).  Several columns: the referenced table's name, singular
 *	  (region); when the table has several FKs to that table, the columns,
 *	  each without "_id", joined by "_" (fst_country_fst_code).  So two FKs
 *	  of a table to one table get two names (sender, recipient).
 *	- to-many side (on the referenced table): the child table's name (posts);
 *	  when the child has several FKs to that table, or references itself,
 *	  "<child>_by_<to-one name>" (posts_by_author, messages_by_sender,
 *	  employees_by_manager).
 *	- one-to-one (the FK columns are unique): the referenced side is named
 *	  after the child table, singular (profile), disambiguated the same way.
 *	- many-to-many (a junction: its primary key holds the columns of two of
 *	  its FKs, and maybe others: jobs (site_id, project_id, role)): each side
 *	  is named after the other table (posts.tags, tags.posts); a junction
 *	  whose two FKs reference one table names each side after the other FK's
 *	  to-one name plus "s" (follows (follower_id, followed_id): followeds,
 *	  followers; subscriptions (subscriber, subscribed): subscribeds,
 *	  subscribers) -- crude, but deterministic; redeclare to rename.  With
 *	  several junctions between the same tables, "_via_<junction>" follows.
 *	- a name with the shapes' punctuation has it turned into "_"; a name that
 *	  is a column of its table (other than the direction's own FK column),
 *	  another relationship of it, or its partner's on the same table, is
 *	  followed by "_2", "_3"... up to the first that is free, with a NOTICE.
 *	  Names are cut to an identifier's length at a character boundary.
 */
#include "relorm.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "access/xact.h"
#include "catalog/pg_constraint.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "names.h"
#include "reflect.h"

PG_FUNCTION_INFO_V1(relorm_reflect);
PG_FUNCTION_INFO_V1(relorm_singular_sql);

/* One row of relorm_internal._reflect_candidates. */
typedef struct Candidate
{
	char	   *unit;			/* many_to_one, one_to_one or many_to_many */
	Oid			child;			/* table holding the FK, or the junction */
	char	   *conname;
	char	   *conname2;		/* many_to_many: the FK to parent2 */
	Oid			parent;
	List	   *fk_columns;
	List	   *ref_columns;
	Oid			parent2;		/* many_to_many: the other side */
	List	   *fk2_columns;
	List	   *ref2_columns;
	char	   *on_delete;
	char	   *on_update;
	char	   *on_delete2;		/* many_to_many: the FK to parent2 */
	char	   *on_update2;
	int64		siblings;
	Oid			via_view;		/* inferred from this view: child or parent is it */
} Candidate;

static Oid
owner_of(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/* A column's name without its "_id" suffix (author_id -> author). */
static char *
without_id(const char *col)
{
	size_t		len = strlen(col);

	if (len > 3 && strcmp(col + len - 3, "_id") == 0)
		return pnstrdup(col, len - 3);
	return pstrdup(col);
}

/*
 * The name a foreign key's table gives the row the key references (the
 * naming rules at the top).  several: the table has other foreign keys to
 * the same table.
 */
static char *
to_one_name(List *fk_columns, List *ref_columns, Oid parent, bool several)
{
	if (list_length(fk_columns) == 1)
	{
		const char *col = linitial(fk_columns);

		/* profiles.id -> users.id is the user, not the "id" */
		if (strcmp(without_id(col), col) != 0 || strcmp(col, linitial(ref_columns)) != 0)
			return without_id(col);
	}
	else if (several)
	{
		StringInfoData buf;
		ListCell   *lc;

		initStringInfo(&buf);
		foreach(lc, fk_columns)
			appendStringInfo(&buf, "%s%s", buf.len ? "_" : "", without_id(lfirst(lc)));
		return relorm_make_identifier(buf.data);
	}
	return relorm_singular(get_rel_name(parent));
}

/*
 * Why a direction cannot take its name, as a detail for a NOTICE, or NULL
 * when it can (relorm_name_problem, the declarations' rules).
 */
static char *
name_problem(const RelormDirection *dir)
{
	char	   *what = NULL;

	switch (relorm_name_problem(dir, &what))
	{
		case RELORM_NAME_FREE:
			return NULL;
		case RELORM_NAME_EMPTY:
		case RELORM_NAME_TOO_LONG:
			return psprintf("The name \"%s\" is empty or longer than %d bytes.", dir->name, NAMEDATALEN - 1);
		case RELORM_NAME_RESERVED:
			return psprintf("The name \"%s\" has characters that fetch shapes reserve.", dir->name);
		case RELORM_NAME_COLUMN:
			return psprintf("The name \"%s\" is a column of %s.", dir->name, relorm_qualified_table(dir->source));
		case RELORM_NAME_TAKEN:
			break;
	}
	return psprintf("%s already has a relationship named \"%s\".", relorm_qualified_table(dir->source), dir->name);
}

/* The foreign key a candidate comes from, for messages. */
static char *
origin_of(const Candidate *c)
{
	if (OidIsValid(c->via_view))
		return psprintf("foreign key \"%s\" through view %s", c->conname, relorm_qualified_table(c->via_view));
	return psprintf("foreign key \"%s\" of %s", c->conname, relorm_qualified_table(c->child));
}

static void
skip(const Candidate *c, const char *why)
{
	ereport(NOTICE,
			(errmsg("%s not registered", origin_of(c)),
			 errdetail_internal("%s", why),
			 OidIsValid(c->via_view) ?
			 errhint("Run relorm.reflect as the owner of the view and the table, or relate them with relorm.viewonly.") :
			 errhint("Declare it with relorm.many_to_one, relorm.one_to_one or relorm.many_to_many and names of your choice.")));
}

static void
emit(const RelormDirection *dir, Tuplestorestate *out, TupleDesc outdesc, bool notify, const Candidate *c)
{
	if (out != NULL)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = ObjectIdGetDatum(dir->source);
		values[1] = CStringGetTextDatum(dir->name);
		values[2] = ObjectIdGetDatum(dir->target);
		values[3] = CStringGetTextDatum(dir->kind);
		tuplestore_putvalues(out, outdesc, values, nulls);
	}
	if (notify)
		ereport(NOTICE,
				(errmsg("relationship \"%s\" of %s registered", dir->name, relorm_qualified_table(dir->source)),
				 OidIsValid(c->via_view) ?
				 errdetail("View %s was created or replaced while relorm.auto_reflect is on.",
						   relorm_qualified_table(c->via_view)) :
				 errdetail("Foreign key \"%s\" of %s was added while relorm.auto_reflect is on.",
						   c->conname, relorm_qualified_table(c->child))));
}

/*
 * The conventional names of a candidate's two directions (the naming rules
 * at the top), before any clash is looked at.
 */
static void
conventional_names(const Candidate *c, char **fwd, char **back)
{
	char	   *child = get_rel_name(c->child);

	if (strcmp(c->unit, "many_to_many") == 0)
	{
		if (c->parent == c->parent2)
		{
			/* from a row, the rows its foreign key's partner reaches: followeds, followers */
			*fwd = psprintf("%ss", to_one_name(c->fk2_columns, c->ref2_columns, c->parent2, true));
			*back = psprintf("%ss", to_one_name(c->fk_columns, c->ref_columns, c->parent, true));
		}
		else
		{
			*fwd = get_rel_name(c->parent2);
			*back = get_rel_name(c->parent);
		}
		if (c->siblings > 1)
		{
			*fwd = psprintf("%s_via_%s", *fwd, child);
			*back = psprintf("%s_via_%s", *back, child);
		}
	}
	else
	{
		char	   *plain = strcmp(c->unit, "one_to_one") == 0 ? relorm_singular(child) : child;
		char	   *to_one = to_one_name(c->fk_columns, c->ref_columns, c->parent, c->siblings > 1);
		bool		several = c->siblings > 1 || (c->child == c->parent && !OidIsValid(c->via_view));

		/*
		 * A table to a view exposing the key its foreign key references: the
		 * to-one side is named after the view, as the table's own to-one
		 * side already has the foreign key's name.
		 */
		if (c->via_view == c->parent)
			*fwd = c->siblings > 1 ? psprintf("%s_by_%s", relorm_singular(get_rel_name(c->parent)), to_one)
				: relorm_singular(get_rel_name(c->parent));
		else
			*fwd = to_one;
		*back = several ? psprintf("%s_by_%s", plain, to_one) : plain;
	}
	*fwd = relorm_make_identifier(*fwd);
	*back = relorm_make_identifier(*back);
}

/* base with "_n" after it, base cut at a character boundary so that the whole is an identifier. */
static char *
numbered(const char *base, int n)
{
	char	   *suffix = psprintf("_%d", n);

	return psprintf("%.*s%s", pg_mbcliplen(base, strlen(base), NAMEDATALEN - 1 - strlen(suffix)), base, suffix);
}

/*
 * Gives dir a name: the conventional one when nothing stands against it,
 * else the first that nothing stands against of that name with the shapes'
 * punctuation turned into "_", then of it followed by "_2", "_3"...  What
 * stands against a name: relorm_name_problem (a column of the table other
 * than the direction's own foreign key column, another relationship of the
 * table) and the partner direction's name when it is on the same table.
 * Nothing is ever left out; a NOTICE says which name was taken instead of
 * which, and why.
 */
static void
choose_name(RelormDirection *dir, const char *conventional, const RelormDirection *partner, const Candidate *c)
{
	char	   *base = pstrdup(conventional);
	char	   *why = NULL;
	char	   *problem;
	int			n = 1;

	for (char *p = base; *p; p++)
		if (strchr(RELORM_SHAPE_PUNCTUATION, *p) != NULL)
			*p = '_';
	if (strcmp(base, conventional) != 0)
		why = psprintf("The name \"%s\" has characters that fetch shapes reserve.", conventional);
	dir->name = base;
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		if (partner && partner->source == dir->source && strcmp(partner->name, dir->name) == 0)
			problem = psprintf("Both directions would be named \"%s\" on %s.", dir->name,
							   relorm_qualified_table(dir->source));
		else
			problem = name_problem(dir);
		if (problem == NULL)
			break;
		if (why == NULL)
			why = problem;
		dir->name = numbered(base, ++n);
	}
	if (why != NULL)
		ereport(NOTICE,
				(errmsg("relationship of %s named \"%s\" instead of \"%s\"", relorm_qualified_table(dir->source),
						dir->name, conventional),
				 errdetail("%s It comes from %s.", why, origin_of(c)),
				 dir->inferred ?
				 errhint("A relationship inferred from a view takes no other name; drop it with relorm.drop_relationship if this one does not suit.") :
				 errhint("To choose its name, drop it with relorm.drop_relationship and declare it with relorm.%s.",
						 dir->kind)));
}

/* Fills and names the two directions of one candidate. */
static void
directions_of(const Candidate *c, RelormDirection *fwd, RelormDirection *back)
{
	char	   *fwd_name;
	char	   *back_name;

	memset(fwd, 0, sizeof(*fwd));
	memset(back, 0, sizeof(*back));
	if (strcmp(c->unit, "many_to_many") == 0)
	{
		fwd->source = back->target = c->parent;
		fwd->target = back->source = c->parent2;
		fwd->kind = back->kind = "many_to_many";
		fwd->many = back->many = true;
		fwd->fk_side = back->fk_side = "secondary";
		fwd->secondary = back->secondary = c->child;
		fwd->local_columns = back->remote_columns = c->ref_columns;
		fwd->remote_columns = back->local_columns = c->ref2_columns;
		fwd->secondary_local_columns = back->secondary_remote_columns = c->fk_columns;
		fwd->secondary_remote_columns = back->secondary_local_columns = c->fk2_columns;
		/* a direction's ON DELETE is that of the junction's FK to its source */
		fwd->on_delete = c->on_delete;
		fwd->on_update = c->on_update;
		back->on_delete = c->on_delete2;
		back->on_update = c->on_update2;
	}
	else
	{
		bool		one = strcmp(c->unit, "one_to_one") == 0;

		fwd->source = back->target = c->child;
		fwd->target = back->source = c->parent;
		fwd->kind = one ? "one_to_one" : "many_to_one";
		back->kind = one ? "one_to_one" : "one_to_many";
		fwd->many = false;
		back->many = !one;
		fwd->fk_side = "source";
		back->fk_side = "target";
		fwd->local_columns = back->remote_columns = c->fk_columns;
		fwd->remote_columns = back->local_columns = c->ref_columns;
		fwd->on_delete = back->on_delete = c->on_delete;
		fwd->on_update = back->on_update = c->on_update;
		fwd->inferred = back->inferred = OidIsValid(c->via_view);
	}
	conventional_names(c, &fwd_name, &back_name);
	choose_name(fwd, fwd_name, NULL, c);
	choose_name(back, back_name, fwd, c);
	fwd->back_populates = back->name;
	back->back_populates = fwd->name;
}

/* Reads the candidates into memory: saving directions runs other SPI queries. */
static List *
read_candidates(const char *schema, List *tables)
{
	Oid			types[2] = {NAMEOID, OIDARRAYOID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	List	   *result = NIL;
	const char *via_view;

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(schema ? schema : ""));
	via_view = relorm_catalog_has_column("inferred") ? "c.via_view" : "NULL::pg_catalog.oid";
	if (tables == NIL)
		nulls[1] = 'n';
	else
		values[1] = relorm_oid_array(tables);
	/*
	 * Names are given first come, first named, so the order is the naming
	 * rules' (at the top), and collation-proof: the tables' foreign keys
	 * before what views infer (0.3's candidates, which an older catalog does
	 * not have yet), tables by name, a table's many-to-manys before its
	 * foreign keys, each by constraint name.
	 */
	if (SPI_execute_with_args(psprintf("SELECT c.unit, c.child, c.conname, c.parent, c.fk_columns, c.ref_columns,"
									   " c.parent2, c.fk2_columns, c.ref2_columns, c.on_delete, c.on_update,"
									   " c.on_delete2, c.on_update2, c.siblings, c.conname2, %s"
									   "  FROM %s._reflect_candidates($1, $2) c"
									   " ORDER BY %s IS NOT NULL, c.child::pg_catalog.text COLLATE \"C\","
									   "          c.unit OPERATOR(pg_catalog.<>) 'many_to_many', c.conname COLLATE \"C\","
									   "          c.conname2 COLLATE \"C\", c.parent::pg_catalog.text COLLATE \"C\"",
									   via_view, relorm_internal_schema(), via_view),
							  2, types, values, nulls, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the foreign keys to reflect");

	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		Candidate  *c = palloc0(sizeof(Candidate));
		bool		isnull;
		Datum		d;

		c->unit = SPI_getvalue(tup, desc, 1);
		c->child = DatumGetObjectId(SPI_getbinval(tup, desc, 2, &isnull));
		c->conname = SPI_getvalue(tup, desc, 3);
		c->parent = DatumGetObjectId(SPI_getbinval(tup, desc, 4, &isnull));
		c->fk_columns = relorm_name_list(SPI_getbinval(tup, desc, 5, &isnull));
		c->ref_columns = relorm_name_list(SPI_getbinval(tup, desc, 6, &isnull));
		d = SPI_getbinval(tup, desc, 7, &isnull);
		if (!isnull)
		{
			c->parent2 = DatumGetObjectId(d);
			c->fk2_columns = relorm_name_list(SPI_getbinval(tup, desc, 8, &isnull));
			c->ref2_columns = relorm_name_list(SPI_getbinval(tup, desc, 9, &isnull));
		}
		c->on_delete = SPI_getvalue(tup, desc, 10);
		c->on_update = SPI_getvalue(tup, desc, 11);
		c->on_delete2 = SPI_getvalue(tup, desc, 12);
		c->on_update2 = SPI_getvalue(tup, desc, 13);
		c->siblings = DatumGetInt64(SPI_getbinval(tup, desc, 14, &isnull));
		c->conname2 = SPI_getvalue(tup, desc, 15);
		d = SPI_getbinval(tup, desc, 16, &isnull);
		c->via_view = isnull ? InvalidOid : DatumGetObjectId(d);
		result = lappend(result, c);
	}
	return result;
}

/* Was this FK constraint created by the current transaction? */
static bool
created_now(Oid relid, const char *conname)
{
	Oid			conoid = get_relation_constraint_oid(relid, conname, true);
	HeapTuple	tup;
	bool		result;

	if (!OidIsValid(conoid))
		return false;
	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conoid));
	if (!HeapTupleIsValid(tup))
		return false;
	result = TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tup->t_data));
	ReleaseSysCache(tup);
	return result;
}

void
relorm_reflect_foreign_keys(const char *schema, List *tables, Oid as_user,
							Tuplestorestate *out, TupleDesc outdesc, bool notify)
{
	List	   *candidates = read_candidates(schema, tables);
	ListCell   *lc;

	foreach(lc, candidates)
	{
		Candidate  *c = lfirst(lc);
		Oid			role = OidIsValid(as_user) ? as_user : owner_of(c->child);
		Oid			rels[3] = {c->child, c->parent, c->parent2};
		RelormDirection fwd,
					back;
		bool		owned = true;

		CHECK_FOR_INTERRUPTS();

		/*
		 * auto_reflect (notify) registers the FKs the command added, not those
		 * an unrelated ALTER TABLE happens to find on the table; what a view
		 * infers, when the view is created or replaced.
		 */
		if (notify && !OidIsValid(c->via_view) && !created_now(c->child, c->conname) &&
			(c->conname2 == NULL || !created_now(c->child, c->conname2)))
			continue;
		/* a declaration refuses temporary tables; so does reflect */
		if (get_rel_persistence(c->child) == RELPERSISTENCE_TEMP ||
			get_rel_persistence(c->parent) == RELPERSISTENCE_TEMP ||
			(OidIsValid(c->parent2) && get_rel_persistence(c->parent2) == RELPERSISTENCE_TEMP))
		{
			skip(c, "A temporary table is involved; relationships are kept for every session.");
			continue;
		}
		/* a declaration needs to own every table involved; so does reflect */
		for (int i = 0; i < 3; i++)
		{
			if (OidIsValid(rels[i]) && !pg_class_ownercheck(rels[i], role))
			{
				skip(c, psprintf("Role \"%s\" does not own %s.", GetUserNameFromId(role, false),
								 relorm_qualified_table(rels[i])));
				owned = false;
				break;
			}
		}
		if (!owned)
			continue;
		/* as a declaration would: one at a time on these tables, then the names are checked */
		relorm_declaration_lock(3, rels);
		directions_of(c, &fwd, &back);
		relorm_save_direction(&fwd);
		relorm_save_direction(&back);
		emit(&fwd, out, outdesc, notify, c);
		emit(&back, out, outdesc, notify, c);
	}
}

/*
 * relorm.reflect(schema name DEFAULT 'public')
 *		RETURNS TABLE (source regclass, name text, target regclass, kind text)
 */
Datum
relorm_reflect(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *schema;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"schema\" must not be null"),
				 errhint("Name the schema whose foreign keys to register, e.g. relorm.reflect('public').")));
	schema = NameStr(*PG_GETARG_NAME(0));
	if (!OidIsValid(get_namespace_oid(schema, true)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("schema \"%s\" does not exist", schema),
				 errhint("SELECT nspname FROM pg_namespace lists the schemas.")));

	InitMaterializedSRF(fcinfo, 0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	relorm_reflect_foreign_keys(schema, NIL, GetUserId(), rsinfo->setResult, rsinfo->setDesc, false);
	SPI_finish();
	return (Datum) 0;
}

/* relorm_internal._singular(text): the naming rule, for relorm.check's suggestions */
Datum
relorm_singular_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(relorm_singular(text_to_cstring(PG_GETARG_TEXT_PP(0)))));
}
