/*
 * result_value.c
 *		The JSON type of a PostgreSQL value as to_json renders it (the type
 *		categories of json_out.c): integers with their type's range, numbers
 *		with NaN and the infinities as strings, enum labels, formats, arrays,
 *		composites; and whether a column or a type can hold NULL.  What
 *		result_type.c types each result column with.
 */
#include "relorm.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "json_out.h"
#include "miscadmin.h"
#include "result_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

ResultType *
relorm_result_new(ResultKind kind)
{
	ResultType *t = palloc0(sizeof(ResultType));

	t->kind = kind;
	t->min_items = -1;
	t->max_items = -1;
	return t;
}

ResultType *
relorm_result_integer(int64 minimum, int64 maximum)
{
	ResultType *t = relorm_result_new(RESULT_INTEGER);

	t->bounded = true;
	t->minimum = minimum;
	t->maximum = maximum;
	return t;
}

/* Whether a value of this type can never be null: a domain (over domains) NOT NULL. */
static bool
type_not_null(Oid typid)
{
	for (;;)
	{
		HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
		Form_pg_type typ;
		bool		notnull;
		Oid			base;

		if (!HeapTupleIsValid(tup))
			return false;
		typ = (Form_pg_type) GETSTRUCT(tup);
		notnull = typ->typnotnull;
		base = typ->typtype == TYPTYPE_DOMAIN ? typ->typbasetype : InvalidOid;
		ReleaseSysCache(tup);
		if (notnull)
			return true;
		if (!OidIsValid(base))
			return false;
		typid = base;
	}
}

/* Whether a column of a table can never be null: NOT NULL, or of a domain NOT NULL. */
bool
relorm_result_column_not_null(Oid relid, AttrNumber attnum)
{
	HeapTuple	tup;
	bool		notnull;

	if (attnum <= 0)
		return attnum < 0;		/* system columns are never null */
	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
	if (!HeapTupleIsValid(tup))
		return false;
	notnull = ((Form_pg_attribute) GETSTRUCT(tup))->attnotnull ||
		type_not_null(((Form_pg_attribute) GETSTRUCT(tup))->atttypid);
	ReleaseSysCache(tup);
	return notnull;
}

/* An enum's labels, in their order. */
static List *
enum_labels(Oid typid)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		args[1] = {ObjectIdGetDatum(typid)};
	List	   *labels = NIL;

	if (SPI_execute_with_args("SELECT e.enumlabel::pg_catalog.text FROM pg_catalog.pg_enum e"
							  " WHERE e.enumtypid OPERATOR(pg_catalog.=) $1 ORDER BY e.enumsortorder",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the labels of enum type %u", typid);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		char	   *label = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);

		labels = lappend(labels, label);
	}
	return labels;
}

/* A composite's object: every attribute, by name, as row_to_json writes it. */
static ResultType *
composite_type(Oid typid)
{
	Oid			relid = get_typ_typrelid(typid);
	ResultType *t;
	Relation	rel;
	TupleDesc	desc;

	if (!OidIsValid(relid))
		return relorm_result_new(RESULT_ANY);	/* record: any object */
	t = relorm_result_new(RESULT_OBJECT);
	rel = relation_open(relid, AccessShareLock);
	desc = RelationGetDescr(rel);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		ResultProp *p;
		StringInfoData key;

		if (att->attisdropped)
			continue;
		p = palloc0(sizeof(ResultProp));
		initStringInfo(&key);
		relorm_json_out_string(&key, NameStr(att->attname), strlen(NameStr(att->attname)));
		p->key_json = key.data;
		p->type = relorm_result_value_type(att->atttypid);
		p->type->nullable = !type_not_null(att->atttypid);
		p->required = true;
		t->props = lappend(t->props, p);
	}
	relation_close(rel, AccessShareLock);
	return t;
}

/*
 * The JSON type of a value of this type, as to_json renders it (json_out.c
 * decides the same way), not null.
 */
ResultType *
relorm_result_value_type(Oid typid)
{
	Oid			castfunc;
	Oid			base = getBaseType(typid);
	ResultType *t;

	check_stack_depth();		/* composites and arrays nest */
	switch (relorm_json_out_category(base, &castfunc))
	{
		case JO_BOOL:
			return relorm_result_new(RESULT_BOOLEAN);
		case JO_INT2:
			return relorm_result_integer(PG_INT16_MIN, PG_INT16_MAX);
		case JO_INT4:
			return relorm_result_integer(PG_INT32_MIN, PG_INT32_MAX);
		case JO_INT8:
			return relorm_result_integer(PG_INT64_MIN, PG_INT64_MAX);
		case JO_NUMERIC:
			return relorm_result_new(RESULT_NUMBER);
		case JO_DATE:
			t = relorm_result_new(RESULT_STRING);
			t->format = "date";
			return t;
		case JO_TIMESTAMPTZ:
			t = relorm_result_new(RESULT_STRING);
			t->format = "date-time";
			return t;
		case JO_TIMESTAMP:
		case JO_TEXT:
			return relorm_result_new(RESULT_STRING);
		case JO_JSON:
		case JO_CAST:
			return relorm_result_new(RESULT_ANY);
		case JO_ARRAY:
			{
				Oid			elem = get_element_type(base);

				t = relorm_result_new(RESULT_ARRAY);
				t->items = OidIsValid(elem) ? relorm_result_value_type(elem) : relorm_result_new(RESULT_ANY);
				t->items->nullable = !OidIsValid(elem) || !type_not_null(elem);
				return t;
			}
		case JO_COMPOSITE:
			return composite_type(base);
		case JO_OTHER:
			t = relorm_result_new(RESULT_STRING);
			if (type_is_enum(base))
				t->labels = enum_labels(base);
			else if (base == UUIDOID)
				t->format = "uuid";
			return t;
	}
	return relorm_result_new(RESULT_ANY);
}
