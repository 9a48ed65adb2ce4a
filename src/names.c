/*
 * names.c
 *		Tables, columns and identifiers for the declaration code: opening a
 *		table with the checks a declaration needs (kind, ownership), parsing
 *		user column lists with SQL identifier rules, and naming conventions.
 */
#include "relorm.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/namespace.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"
#include "utils/varlena.h"
#include "parser/scansup.h"

#include "names.h"

static void open_relation(Oid relid, const char *argname, bool owned, bool views, RelormTable *table);

/*
 * Looks up a table argument.  Declarations change tables, so by default the
 * caller must own them; the DDL itself then runs with the caller's rights.
 */
void
relorm_table_open(Oid relid, const char *argname, bool owned, RelormTable *table)
{
	open_relation(relid, argname, owned, false, table);
}

/*
 * Looks up the source of a relationship to drop: a table, or a view whose
 * relationships relorm.reflect inferred.  The caller must own it.
 */
void
relorm_source_open(Oid relid, const char *argname, RelormTable *table)
{
	open_relation(relid, argname, true, true, table);
}

static void
open_relation(Oid relid, const char *argname, bool owned, bool views, RelormTable *table)
{
	HeapTuple	tuple;
	Form_pg_class form;

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"%s\" must not be null", argname)));

	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tuple))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	form = (Form_pg_class) GETSTRUCT(tuple);
	table->relid = relid;
	table->relkind = form->relkind;
	table->relname = pstrdup(NameStr(form->relname));
	table->nspname = get_namespace_name(form->relnamespace);
	ReleaseSysCache(tuple);
	table->qualname = quote_qualified_identifier(table->nspname, table->relname);

	if (table->relkind != RELKIND_RELATION && table->relkind != RELKIND_PARTITIONED_TABLE &&
		!(views && table->relkind == RELKIND_VIEW))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", table->qualname),
				 errdetail("Argument \"%s\" of a relationship must be an ordinary or partitioned table.", argname),
				 errhint("Use relorm.viewonly to relate a table to a view.")));

	relorm_refuse_temporary(relid, argname);

	if (owned && !pg_class_ownercheck(relid, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s to change its relationships", table->qualname),
				 errhint("Run it as the table's owner (or a member of the owning role).")));
}

/*
 * Relationships live in relorm's catalog, for every session, but a temporary
 * table ends with its session without any event trigger firing: the catalog
 * would keep a relationship to a table that is gone, or whose OID another
 * table gets next.
 */
void
relorm_refuse_temporary(Oid relid, const char *argname)
{
	if (get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("relation %s is temporary", get_rel_name(relid)),
				 errdetail("Argument \"%s\" names a temporary relation; relationships are kept for every session, and a temporary relation ends with its own.", argname),
				 errhint("Relate permanent or unlogged tables; fetch a temporary one as a root, with a filter.")));
}

/*
 * Parses "a, b" or "\"Mixed Case\", c" into a list of column names, with the
 * same quoting and case-folding rules as SQL identifiers.
 */
List *
relorm_parse_columns(const char *text, const char *argname)
{
	List	   *names = NIL;
	char	   *copy = pstrdup(text);

	if (!SplitIdentifierString(copy, ',', &names) || names == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid column list in argument \"%s\": \"%s\"", argname, text),
				 errhint("Give one column name, or several separated by commas, e.g. 'org_id, user_id'.")));
	return names;
}

/* The primary key's column names in key order, or NIL when there is none. */
List *
relorm_primary_key(Oid relid)
{
	List	   *result = NIL;
	Relation	rel = relation_open(relid, AccessShareLock);
	Oid			pkindex = RelationGetPrimaryKeyIndex(rel);
	HeapTuple	tup;
	Form_pg_index index;

	relation_close(rel, NoLock);
	if (!OidIsValid(pkindex))
		return NIL;
	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(pkindex));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for index %u", pkindex);
	index = (Form_pg_index) GETSTRUCT(tup);
	for (int i = 0; i < index->indnkeyatts; i++)
		result = lappend(result, get_attname(relid, index->indkey.values[i], false));
	ReleaseSysCache(tup);
	return result;
}

bool
relorm_column_exists(Oid relid, const char *column)
{
	return get_attnum(relid, column) != InvalidAttrNumber;
}

/* The column's type as SQL text, with its typmod (varchar(20), numeric(10,2)). */
char *
relorm_column_type(Oid relid, const char *column)
{
	AttrNumber	attnum = get_attnum(relid, column);
	Oid			typid;
	int32		typmod;
	Oid			collid;

	if (attnum == InvalidAttrNumber)
		elog(ERROR, "column \"%s\" of relation %u does not exist", column, relid);
	get_atttypetypmodcoll(relid, attnum, &typid, &typmod, &collid);
	return format_type_with_typemod(typid, typmod);
}

void
relorm_require_columns(const RelormTable *table, List *columns, const char *argname)
{
	ListCell   *lc;

	foreach(lc, columns)
	{
		const char *col = lfirst(lc);

		if (!relorm_column_exists(table->relid, col))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of table %s does not exist", col, table->qualname),
					 errdetail("It was named by argument \"%s\".", argname),
					 errhint("Check the spelling; column names follow SQL identifier rules (quote mixed case).")));
	}
}

/* "a", "b" quoted and comma-separated, each prefixed with "prefix." when given. */
char *
relorm_quote_columns(List *columns, const char *prefix)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, columns)
	{
		if (buf.len > 0)
			appendStringInfoString(&buf, ", ");
		if (prefix)
			appendStringInfo(&buf, "%s.", prefix);
		appendStringInfoString(&buf, quote_identifier(lfirst(lc)));
	}
	return buf.data;
}

/*
 * English singular of a table name, for conventional column names
 * (posts -> post, categories -> category, addresses -> address).
 */
char *
relorm_singular(const char *word)
{
	size_t		len = strlen(word);

	if (len > 3 && strcmp(word + len - 3, "ies") == 0)
		return psprintf("%.*sy", (int) (len - 3), word);
	if (len > 4 && (strcmp(word + len - 4, "sses") == 0 || strcmp(word + len - 4, "shes") == 0 ||
					strcmp(word + len - 4, "ches") == 0 || strcmp(word + len - 4, "xes") == 0))
		return pnstrdup(word, len - 2);
	if (len > 1 && word[len - 1] == 's' && word[len - 2] != 's')
		return pnstrdup(word, len - 1);
	return pstrdup(word);
}

/*
 * A name relorm makes up (an FK column, an association table, a reflected
 * relationship), cut as PostgreSQL cuts an identifier that is too long: at
 * a character boundary, with the same NOTICE.
 */
char *
relorm_make_identifier(char *name)
{
	truncate_identifier(name, strlen(name), true);
	return name;
}

/* prefix_col for every col: the conventional FK column names (author_id). */
List *
relorm_prefixed_columns(const char *prefix, List *columns)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, columns)
		result = lappend(result, relorm_make_identifier(psprintf("%s_%s", prefix, (char *) lfirst(lc))));
	return result;
}

bool
relorm_columns_equal(List *a, List *b)
{
	ListCell   *la,
			   *lb;

	if (list_length(a) != list_length(b))
		return false;
	forboth(la, a, lb, b)
	{
		if (strcmp(lfirst(la), lfirst(lb)) != 0)
			return false;
	}
	return true;
}

/* A name[] datum from a list of C strings. */
Datum
relorm_name_array(List *names)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(names), 1));
	int			i = 0;
	ListCell   *lc;

	foreach(lc, names)
	{
		Name		n = palloc0(NAMEDATALEN);
		char	   *s = pstrdup(lfirst(lc));

		/* at a character boundary, never in the middle of one */
		truncate_identifier(s, strlen(s), false);
		namestrcpy(n, s);
		elems[i++] = NameGetDatum(n);
	}
	return PointerGetDatum(construct_array(elems, i, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR));
}

/*
 * A name[] argument as a list: one dimension, no NULL element (a NULL cannot
 * name a column).
 */
List *
relorm_name_list_arg(Datum array, const char *argname)
{
	ArrayType  *arr = DatumGetArrayTypeP(array);

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("argument \"%s\" must be a one-dimensional array", argname)));
	if (array_contains_nulls(arr))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"%s\" must not contain NULL elements", argname),
				 errhint("List column names only, as in '{wheels,doors}'.")));
	return relorm_name_list(array);
}

/* The inverse of relorm_name_array. */
List *
relorm_name_list(Datum array)
{
	ArrayType  *arr = DatumGetArrayTypeP(array);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	List	   *result = NIL;

	deconstruct_array(arr, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR, &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
		result = lappend(result, pstrdup(NameStr(*DatumGetName(elems[i]))));
	return result;
}

/* Option values are case-insensitive: 'CASCADE' and 'cascade' are one. */
const char *
relorm_lower_option(const char *value)
{
	char	   *result = pstrdup(value);

	for (char *p = result; *p; p++)
		*p = pg_tolower((unsigned char) *p);
	return result;
}

/* A table as messages name it: schema-qualified when it is not visible. */
char *
relorm_table_label(Oid relid)
{
	return DatumGetCString(DirectFunctionCall1(regclassout, ObjectIdGetDatum(relid)));
}

/* A table as SQL names it: always schema-qualified, so that no search_path matters. */
char *
relorm_qualified_table(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid));
}

/* The names of a table's columns, in column order. */
List *
relorm_column_names(Oid relid)
{
	List	   *names = NIL;
	Relation	rel = relation_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);

	for (int i = 0; i < desc->natts; i++)
		if (!TupleDescAttr(desc, i)->attisdropped)
			names = lappend(names, pstrdup(NameStr(TupleDescAttr(desc, i)->attname)));
	relation_close(rel, NoLock);
	return names;
}

bool
relorm_name_in(List *names, const char *name)
{
	ListCell   *lc;

	foreach(lc, names)
		if (strcmp(lfirst(lc), name) == 0)
			return true;
	return false;
}

/* "a, b, c", for messages. */
char *
relorm_join_names(List *names)
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

/* The candidate nearest to name, for "did you mean"; NULL when none is close. */
const char *
relorm_nearest_name(const char *name, List *candidates)
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

/* An oid[] datum from a list of OIDs. */
Datum
relorm_oid_array(List *oids)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(oids), 1));
	ListCell   *lc;

	foreach(lc, oids)
		elems[foreach_current_index(lc)] = ObjectIdGetDatum(lfirst_oid(lc));
	return PointerGetDatum(construct_array(elems, list_length(oids), OIDOID, sizeof(Oid), true, TYPALIGN_INT));
}

/* A text[] datum from a list of C strings. */
Datum
relorm_text_array(List *strings)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(strings), 1));
	ListCell   *lc;

	foreach(lc, strings)
		elems[foreach_current_index(lc)] = CStringGetTextDatum(lfirst(lc));
	return PointerGetDatum(construct_array(elems, list_length(strings), TEXTOID, -1, false, TYPALIGN_INT));
}

/* A text argument as a C string, NULL when the argument is NULL. */
char *
relorm_text_arg(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/* The collation of a table's column (InvalidOid for a type without one). */
Oid
relorm_column_collation(Oid relid, AttrNumber attnum)
{
	Oid			typid;
	int32		typmod;
	Oid			collid;

	get_atttypetypmodcoll(relid, attnum, &typid, &typmod, &collid);
	return collid;
}

PG_FUNCTION_INFO_V1(relorm_names_arg);

/* relorm_internal._names_arg(names, argname): names, refused when it has a NULL element (22004). */
Datum
relorm_names_arg(PG_FUNCTION_ARGS)
{
	(void) relorm_name_list_arg(PG_GETARG_DATUM(0), text_to_cstring(PG_GETARG_TEXT_PP(1)));
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}

/*
 * A name in camelCase, as GraphQL clients expect: each '_' between two
 * characters goes, and the character after it is upper-cased (created_at:
 * createdAt, order_items: orderItems); leading and trailing underscores stay
 * (_private), and only ASCII letters change case.
 */
char *
relorm_camel_case(const char *name)
{
	StringInfoData buf;
	int			len = strlen(name);
	int			start = 0;
	int			end = len;

	while (start < len && name[start] == '_')
		start++;
	while (end > start && name[end - 1] == '_')
		end--;
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, name, start);
	for (int i = start; i < end; i++)
	{
		if (name[i] == '_')
		{
			while (i + 1 < end && name[i + 1] == '_')
				i++;
			if (i + 1 < end)
				appendStringInfoChar(&buf, pg_ascii_toupper((unsigned char) name[++i]));
			continue;
		}
		appendStringInfoChar(&buf, name[i]);
	}
	appendStringInfoString(&buf, name + end);
	return buf.data;
}

/*
 * "OPERATOR(schema.=)": the equality operator of a type, schema-qualified so
 * that neither search_path nor a type outside pg_catalog (citext, ...) matters.
 */
char *
relorm_equality_operator(Oid type)
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
