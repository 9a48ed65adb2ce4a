/*
 * result_type.h
 *		The type of one tree a fetch returns, read off its load plan by
 *		result_type.c: every key, its JSON type as relorm renders it, whether
 *		it can be null or absent.  relorm.json_schema (json_schema.c) and
 *		relorm.typescript (typescript.c) render it.
 */
#ifndef RELORM_RESULT_TYPE_H
#define RELORM_RESULT_TYPE_H

#include "postgres.h"
#include "access/attnum.h"
#include "nodes/pg_list.h"

typedef enum ResultKind
{
	RESULT_ANY,					/* any JSON value: json, jsonb, a type with a cast to json */
	RESULT_BOOLEAN,
	RESULT_INTEGER,
	RESULT_NUMBER,				/* float, numeric: NaN and +-Infinity are strings */
	RESULT_STRING,
	RESULT_ARRAY,
	RESULT_OBJECT,
	RESULT_REF,					/* a recursion's level: the object of a definition */
	RESULT_ONE_OF				/* polymorphic rows: one object per subtype */
} ResultKind;

typedef struct ResultType
{
	ResultKind	kind;
	bool		nullable;
	const char *description;	/* the COMMENT of its column, table or function, or NULL */

	/* strings */
	const char *format;			/* date, date-time, uuid, or NULL */
	List	   *labels;			/* an enum's labels (char *), in order */
	const char *constant;		/* a polymorphic variant's discriminator value */
	List	   *excluded;		/* ... the other variant's: none of these (char *) */

	/* integers */
	bool		bounded;
	int64		minimum;
	int64		maximum;

	/* arrays */
	struct ResultType *items;
	int64		min_items;		/* -1 when not bounded */
	int64		max_items;

	/* objects */
	List	   *props;			/* ResultProp *, in the keys' order */

	/* references: the definition's name */
	const char *ref;

	/* one of */
	List	   *variants;		/* ResultType * (objects) */
} ResultType;

typedef struct ResultProp
{
	const char *key_json;		/* the key as a JSON string, quotes included */
	ResultType *type;
	bool		required;		/* false: absent on some trees (a recursion's last level) */
} ResultProp;

/* A recursive level's type, referred to by name. */
typedef struct ResultDef
{
	const char *name;			/* letters and digits only */
	ResultType *type;
} ResultDef;

typedef struct ResultSchema
{
	const char *root_name;		/* the root relation, as regclass prints it */
	const char *shape;
	ResultType *root;			/* the tree: an object, or one of objects */
	List	   *defs;			/* ResultDef * */
} ResultSchema;

/* result_value.c */
extern ResultType *relorm_result_new(ResultKind kind);
extern ResultType *relorm_result_integer(int64 minimum, int64 maximum);
extern ResultType *relorm_result_value_type(Oid typid);
extern bool relorm_result_column_not_null(Oid relid, AttrNumber attnum);

/*
 * The type of one tree of a fetch of root in this shape (key_case camel or
 * not), with the caller's rights; the caller is connected to SPI.
 */
extern ResultSchema *relorm_result_schema(Oid root, const char *shape, bool camel);

#endif							/* RELORM_RESULT_TYPE_H */
