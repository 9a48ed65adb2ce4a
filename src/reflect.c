/*
 * reflect.c
 *		relorm.reflect(schema): registers every foreign key not yet behind a
 *		relationship, both directions, under conventional names.  The event
 *		trigger calls the same code for relorm.auto_reflect.  Nothing in the
 *		schema changes: the directions are written straight to the catalog,
 *		as a declaration adopting the constraint would write them (calling
 *		the declarations would not do: relorm.many_to_many insists on ON
 *		DELETE CASCADE and adds an index, and every FK constraint's actions
 *		are kept as they are).
 *
 * Naming rules (each direction is skipped, with its partner, with a NOTICE
 * when its name is invalid, clashes with a column or is already taken):
 *	- to-one side (on the table holding the FK): the FK column without "_id"
 *	  (author_id -> author, editor_id -> editor); a composite FK or a column
 *	  not ending in "_id" gives the referenced table's name, singular.
 *	- to-many side (on the referenced table): the child table's name (posts);
 *	  when the child has several FKs to that table, or references itself,
 *	  "<child>_by_<to-one name>" (posts_by_author, posts_by_editor,
 *	  employees_by_manager).
 *	- one-to-one (the FK columns are unique): the referenced side is named
 *	  after the child table, singular (profile), disambiguated the same way.
 *	- many-to-many (a junction: its primary key is exactly two FKs): each
 *	  side is named after the other table (posts.tags, tags.posts); with
 *	  several junctions between the same tables, "<other>_via_<junction>";
 *	  a self-referential junction (follows: follower_id, followed_id) names
 *	  each side after the other FK's to-one name plus "s" (followers,
 *	  followeds) -- crude, but deterministic; redeclare to rename.
 */
#include "relorm.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
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

/* One row of relorm._reflect_candidates. */
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

/* author_id -> author; anything else -> the referenced table, singular */
static char *
to_one_name(List *fk_columns, Oid parent)
{
	if (list_length(fk_columns) == 1)
	{
		const char *col = linitial(fk_columns);
		size_t		len = strlen(col);

		if (len > 3 && strcmp(col + len - 3, "_id") == 0)
			return pnstrdup(col, len - 3);
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

static void
skip(const Candidate *c, const char *why)
{
	ereport(NOTICE,
			(errmsg("foreign key \"%s\" of %s not registered", c->conname, relorm_qualified_table(c->child)),
			 errdetail_internal("%s", why),
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
				 errdetail("Foreign key \"%s\" of %s was added while relorm.auto_reflect is on.",
						   c->conname, relorm_qualified_table(c->child))));
}

/* Fills the two directions of one candidate; returns false (after a NOTICE) to skip it. */
static bool
directions_of(const Candidate *c, RelormDirection *fwd, RelormDirection *back)
{
	char	   *child = get_rel_name(c->child);
	char	   *why;

	memset(fwd, 0, sizeof(*fwd));
	memset(back, 0, sizeof(*back));
	if (strcmp(c->unit, "many_to_many") == 0)
	{
		bool		self = c->parent == c->parent2;

		fwd->source = back->target = c->parent;
		fwd->target = back->source = c->parent2;
		if (self)
		{
			fwd->name = relorm_make_identifier(psprintf("%ss", to_one_name(c->fk2_columns, c->parent2)));
			back->name = relorm_make_identifier(psprintf("%ss", to_one_name(c->fk_columns, c->parent)));
		}
		else if (c->siblings > 1)
		{
			fwd->name = relorm_make_identifier(psprintf("%s_via_%s", get_rel_name(c->parent2), child));
			back->name = relorm_make_identifier(psprintf("%s_via_%s", get_rel_name(c->parent), child));
		}
		else
		{
			fwd->name = get_rel_name(c->parent2);
			back->name = get_rel_name(c->parent);
		}
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
		char	   *to_one = to_one_name(c->fk_columns, c->parent);
		char	   *plain = one ? relorm_singular(child) : child;

		fwd->source = back->target = c->child;
		fwd->target = back->source = c->parent;
		fwd->name = to_one;
		back->name = (c->siblings > 1 || c->child == c->parent)
			? relorm_make_identifier(psprintf("%s_by_%s", plain, to_one)) : pstrdup(plain);
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
	}
	fwd->back_populates = back->name;
	back->back_populates = fwd->name;

	if (strcmp(fwd->name, back->name) == 0 && fwd->source == back->source)
	{
		skip(c, psprintf("Both directions would be named \"%s\".", fwd->name));
		return false;
	}
	if ((why = name_problem(fwd)) != NULL || (why = name_problem(back)) != NULL)
	{
		skip(c, why);
		return false;
	}
	return true;
}

/* Reads the candidates into memory: saving directions runs other SPI queries. */
static List *
read_candidates(const char *schema, List *tables)
{
	Oid			types[2] = {NAMEOID, OIDARRAYOID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	List	   *result = NIL;

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(schema ? schema : ""));
	if (tables == NIL)
		nulls[1] = 'n';
	else
		values[1] = relorm_oid_array(tables);
	if (SPI_execute_with_args("SELECT c.unit, c.child, c.conname, c.parent, c.fk_columns, c.ref_columns,"
							  " c.parent2, c.fk2_columns, c.ref2_columns, c.on_delete, c.on_update,"
							  " c.on_delete2, c.on_update2, c.siblings, c.conname2"
							  "  FROM relorm._reflect_candidates($1, $2) c",
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
		 * an unrelated ALTER TABLE happens to find on the table.
		 */
		if (notify && !created_now(c->child, c->conname) &&
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
		if (!directions_of(c, &fwd, &back))
			continue;
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

/* relorm._singular(text): the naming rule, for relorm.check's suggestions */
Datum
relorm_singular_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(relorm_singular(text_to_cstring(PG_GETARG_TEXT_PP(0)))));
}
