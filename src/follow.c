/*
 * follow.c
 *		Keeps the SQL fragments stored with relationships valid when what they
 *		name changes: a viewonly's join_on names its two tables (by their
 *		names, as the fetch aliases them) and their columns; any order_by
 *		names the target's columns.  Renames are followed by rewriting the
 *		identifiers, token by token with PostgreSQL's own scanner (so strings,
 *		comments and function names are left alone); a dropped column that a
 *		fragment names removes the viewonly relationship, or the order_by,
 *		with a NOTICE.  Either way no fetch fails later on a stale fragment.
 */
#include "relorm.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "catalog.h"
#include "follow.h"
#include "fragment.h"
#include "names.h"

typedef RelormToken Token;

static bool
token_is(List *tokens, int i, int ch)
{
	return i >= 0 && i < list_length(tokens) && ((Token *) list_nth(tokens, i))->tok == ch;
}

static bool
in_names(List *names, const char *name)
{
	ListCell   *lc;

	foreach(lc, names)
		if (strcmp(lfirst(lc), name) == 0)
			return true;
	return false;
}

/*
 * The column references to oldname in text: qualified by one of qualifiers
 * (x.old), or unqualified when unqualified is true (old, not a function
 * name old(...) nor a qualifier old.x).  Returns the token indexes.
 */
static List *
column_refs(List *tokens, const char *oldname, List *qualifiers, bool unqualified)
{
	List	   *refs = NIL;

	for (int i = 0; i < list_length(tokens); i++)
	{
		Token	   *t = list_nth(tokens, i);

		if (t->name == NULL || strcmp(t->name, oldname) != 0)
			continue;
		if (token_is(tokens, i - 1, '.'))
		{
			Token	   *q = i >= 2 ? list_nth(tokens, i - 2) : NULL;

			if (q != NULL && q->name != NULL && in_names(qualifiers, q->name))
				refs = lappend_int(refs, i);
		}
		else if (unqualified && !token_is(tokens, i + 1, '(') && !token_is(tokens, i + 1, '.'))
			refs = lappend_int(refs, i);
	}
	return refs;
}

/* Table qualifiers old.x (the table's name as the fetch aliases it). */
static List *
qualifier_refs(List *tokens, const char *oldname)
{
	List	   *refs = NIL;

	for (int i = 0; i < list_length(tokens); i++)
	{
		Token	   *t = list_nth(tokens, i);

		if (t->name != NULL && strcmp(t->name, oldname) == 0 && token_is(tokens, i + 1, '.'))
			refs = lappend_int(refs, i);
	}
	return refs;
}

/* text with the tokens at refs replaced by newname, quoted as needed. */
static char *
replace_tokens(const char *text, List *tokens, List *refs, const char *newname)
{
	StringInfoData buf;
	int			pos = 0;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, refs)
	{
		Token	   *t = list_nth(tokens, lfirst_int(lc));

		appendBinaryStringInfo(&buf, text + pos, t->start - pos);
		appendStringInfoString(&buf, quote_identifier(newname));
		pos = t->start + t->len;
	}
	appendStringInfoString(&buf, text + pos);
	return buf.data;
}

/* A stored direction with fragments, copied out of SPI's memory. */
typedef struct Stored
{
	Oid			source;
	Oid			target;
	char	   *name;
	char	   *label;			/* schema.table of the source, for messages */
	bool		viewonly;
	char	   *join_on;
	char	   *order_by;
} Stored;

/* The directions with a fragment that may name a column of these tables. */
static List *
stored_fragments(Datum relids)
{
	Oid			types[1] = {OIDARRAYOID};
	Datum		values[1] = {relids};
	List	   *result = NIL;

	if (SPI_execute_with_args("SELECT r.source, r.target, r.name, r.source::pg_catalog.text,"
							  " r.kind OPERATOR(pg_catalog.=) 'viewonly', r.join_on, r.order_by"
							  "  FROM relorm.relationship r"
							  " WHERE (r.order_by IS NOT NULL AND r.target OPERATOR(pg_catalog.=) ANY ($1))"
							  "    OR (r.kind OPERATOR(pg_catalog.=) 'viewonly'"
							  "        AND (r.source OPERATOR(pg_catalog.=) ANY ($1) OR r.target OPERATOR(pg_catalog.=) ANY ($1)))"
							  " ORDER BY 4, 3",
							  1, types, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read relorm.relationship");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		Stored	   *s = palloc0(sizeof(Stored));
		bool		isnull;

		s->source = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		s->target = DatumGetObjectId(SPI_getbinval(tup, desc, 2, &isnull));
		s->name = SPI_getvalue(tup, desc, 3);
		s->label = SPI_getvalue(tup, desc, 4);
		s->viewonly = DatumGetBool(SPI_getbinval(tup, desc, 5, &isnull));
		s->join_on = SPI_getvalue(tup, desc, 6);
		s->order_by = SPI_getvalue(tup, desc, 7);
		result = lappend(result, s);
	}
	return result;
}

/* How a viewonly's join_on calls a table: by name, or source/target when both are one. */
static char *
alias_of(const Stored *s, bool source)
{
	if (s->source == s->target)
		return source ? "source" : "target";
	return get_rel_name(source ? s->source : s->target);
}

/* The qualifiers and unqualified-ness under which a column of relid is named. */
static List *
qualifiers_for(const Stored *s, Oid relid, bool in_join_on, const char *colname, bool *unqualified)
{
	List	   *q = NIL;

	if (in_join_on)
	{
		if (s->source == relid)
			q = lappend(q, alias_of(s, true));
		if (s->target == relid)
			q = lappend(q, alias_of(s, false));
		/* unqualified only when the other table has no column of that name */
		*unqualified = s->source == s->target ? false :
			get_attnum(s->source == relid ? s->target : s->source, colname) == InvalidAttrNumber;
	}
	else
	{
		q = lappend(q, get_rel_name(relid));
		if (s->viewonly)
			q = lappend(q, alias_of(s, false));
		*unqualified = true;
	}
	return q;
}

static void
save_fragments(const Stored *s, const char *join_on, const char *order_by)
{
	Oid			types[4] = {REGCLASSOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};

	values[0] = ObjectIdGetDatum(s->source);
	values[1] = CStringGetTextDatum(s->name);
	if (join_on)
		values[2] = CStringGetTextDatum(join_on);
	else
		nulls[2] = 'n';
	if (order_by)
		values[3] = CStringGetTextDatum(order_by);
	else
		nulls[3] = 'n';
	relorm_exec_as_owner("UPDATE relorm.relationship r SET join_on = $3, order_by = $4"
						 " WHERE r.source OPERATOR(pg_catalog.=) $1 AND r.name OPERATOR(pg_catalog.=) $2",
						 4, types, values, nulls);
}

static char *
rewrite_column(const Stored *s, const char *text, List *relids, bool in_join_on,
			   const char *oldname, const char *newname)
{
	ListCell   *lc;

	if (text == NULL)
		return NULL;
	foreach(lc, relids)
	{
		Oid			relid = lfirst_oid(lc);
		bool		unqualified;
		List	   *tokens;
		List	   *quals;

		if (in_join_on ? (s->source != relid && s->target != relid) : s->target != relid)
			continue;
		tokens = relorm_fragment_tokens(text);
		quals = qualifiers_for(s, relid, in_join_on, oldname, &unqualified);
		text = replace_tokens(text, tokens, column_refs(tokens, oldname, quals, unqualified), newname);
	}
	return (char *) text;
}

void
relorm_follow_column_rename(List *relids, const char *oldname, const char *newname)
{
	ListCell   *lc;

	foreach(lc, stored_fragments(relorm_oid_array(relids)))
	{
		Stored	   *s = lfirst(lc);
		char	   *join_on = rewrite_column(s, s->join_on, relids, true, oldname, newname);
		char	   *order_by = rewrite_column(s, s->order_by, relids, false, oldname, newname);

		if ((join_on && strcmp(join_on, s->join_on) != 0) || (order_by && strcmp(order_by, s->order_by) != 0))
			save_fragments(s, join_on, order_by);
	}
}

/*
 * A table rename: a viewonly's join_on names both its tables, an order_by
 * may qualify the target's columns with its name (source/target instead when
 * a viewonly joins a table to itself; those need nothing).
 */
void
relorm_follow_table_rename(Oid relid, const char *oldname, const char *newname)
{
	ListCell   *lc;

	if (!OidIsValid(relid))
		return;
	foreach(lc, stored_fragments(relorm_oid_array(list_make1_oid(relid))))
	{
		Stored	   *s = lfirst(lc);
		bool		aliased = s->viewonly && s->source == s->target;
		char	   *join_on = s->join_on;
		char	   *order_by = s->order_by;
		List	   *tokens;

		if (join_on != NULL && s->viewonly && !aliased)
		{
			tokens = relorm_fragment_tokens(join_on);
			join_on = replace_tokens(join_on, tokens, qualifier_refs(tokens, oldname), newname);
		}
		if (order_by != NULL && s->target == relid && !aliased)
		{
			tokens = relorm_fragment_tokens(order_by);
			order_by = replace_tokens(order_by, tokens, qualifier_refs(tokens, oldname), newname);
		}
		if ((join_on && strcmp(join_on, s->join_on) != 0) || (order_by && strcmp(order_by, s->order_by) != 0))
			save_fragments(s, join_on, order_by);
	}
}

/*
 * After a DROP COLUMN (the relationships using the column as a key are gone
 * already): a viewonly whose join_on names the column goes, an order_by that
 * names it is cleared.
 */
void
relorm_follow_drop(void)
{
	List	   *relids = NIL;
	List	   *cols = NIL;
	List	   *idents = NIL;
	ListCell   *lc,
			   *c,
			   *r,
			   *d;

	if (SPI_execute("SELECT o.objid, o.address_names[3], o.object_identity"
					"  FROM pg_catalog.pg_event_trigger_dropped_objects() o"
					" WHERE o.object_type OPERATOR(pg_catalog.=) ANY ('{\"table column\",\"foreign table column\"}'::pg_catalog.text[])"
					"   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger_dropped_objects() t"
					"                    WHERE t.object_type OPERATOR(pg_catalog.=) ANY ('{table,\"foreign table\"}'::pg_catalog.text[])"
					"                      AND t.objid OPERATOR(pg_catalog.=) o.objid)"
					" ORDER BY 3", false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_event_trigger_dropped_objects()");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;

		relids = lappend_oid(relids, DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull)));
		cols = lappend(cols, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2));
		idents = lappend(idents, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3));
	}
	if (relids == NIL)
		return;

	foreach(lc, stored_fragments(relorm_oid_array(relids)))
	{
		Stored	   *s = lfirst(lc);
		char	   *order_by = s->order_by;
		bool		removed = false;

		forthree(r, relids, c, cols, d, idents)
		{
			Oid			relid = lfirst_oid(r);
			bool		unqualified;
			List	   *quals;

			if (!removed && s->viewonly && (s->source == relid || s->target == relid))
			{
				List	   *tokens = relorm_fragment_tokens(s->join_on);

				quals = qualifiers_for(s, relid, true, lfirst(c), &unqualified);
				if (column_refs(tokens, lfirst(c), quals, unqualified) != NIL)
				{
					Oid			types[2] = {REGCLASSOID, TEXTOID};
					Datum		values[2] = {ObjectIdGetDatum(s->source), CStringGetTextDatum(s->name)};

					relorm_exec_as_owner("DELETE FROM relorm.relationship r"
										 " WHERE r.source OPERATOR(pg_catalog.=) $1 AND r.name OPERATOR(pg_catalog.=) $2",
										 2, types, values, NULL);
					ereport(NOTICE,
							(errmsg("relationship \"%s\" of %s removed", s->name, s->label),
							 errdetail("Its join_on names column %s, which was dropped.", (char *) lfirst(d))));
					removed = true;
				}
			}
			if (!removed && order_by != NULL && s->target == relid)
			{
				List	   *tokens = relorm_fragment_tokens(order_by);

				quals = qualifiers_for(s, relid, false, lfirst(c), &unqualified);
				if (column_refs(tokens, lfirst(c), quals, unqualified) != NIL)
				{
					ereport(NOTICE,
							(errmsg("order_by of relationship \"%s\" of %s removed", s->name, s->label),
							 errdetail("It named column %s, which was dropped.", (char *) lfirst(d)),
							 errhint("Declare the relationship again with another order_by.")));
					order_by = NULL;
				}
			}
		}
		if (!removed && order_by != s->order_by)
			save_fragments(s, s->join_on, NULL);
	}
}
