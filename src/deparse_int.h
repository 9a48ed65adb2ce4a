/*
 * deparse_int.h
 *		What the files of the SQL writing pass share: deparse.c (the query of
 *		each level), deparse_form.c (the rows of a relationship, their
 *		conditions, the names every query uses), deparse_value.c (values that
 *		are not columns).
 */
#ifndef RELORM_DEPARSE_INT_H
#define RELORM_DEPARSE_INT_H

#include "load_plan.h"
#include "lib/stringinfo.h"

typedef struct Deparse
{
	const LoadPlan *plan;
	const char *ns;				/* the prefix of relorm's own names */
} Deparse;

/* How a form's key expressions are matched with the keys of the parents. */
typedef enum KeyMatch
{
	MATCH_ARRAYS,				/* key = ANY ($1): a batch's keys, one array per key column */
	MATCH_LATERAL,				/* key = keys.key1: one key of a LATERAL lookup */
	MATCH_NONE					/* matched outside the form (a condition) */
} KeyMatch;

/* deparse_form.c */
extern char *relorm_iname(Deparse *dp, const char *fmt,...) pg_attribute_printf(2, 3);
extern char *relorm_table_alias(Oid relid);
extern char *relorm_column_sql(Oid relid, AttrNumber attnum);
extern const char *relorm_collate_as(Oid a, Oid b, Oid want);
extern Oid	relorm_local_collation(const RelormRelationship *r, int k);
extern Oid	relorm_remote_collation(const RelormRelationship *r, int k);
extern Oid	relorm_fk_collation(const RelormRelationship *r, int k);
extern Oid	relorm_form_key_collation(const RelormRelationship *r, int k);
extern Oid	relorm_form_key_type(const RelormRelationship *r, int k);
extern void relorm_deparse_form(Deparse *dp, StringInfo buf, const RelormRelationship *r, const char *talias,
								const PlanLevel *lvl, KeyMatch match, List **conds, char ***keys);
extern List *relorm_row_conditions(Deparse *dp, List *conds, const RelormRelationship *r, const char *talias,
								   const Fragment *where, List *filters);
extern char *relorm_filter_condition(Deparse *dp, const FilterNode *f, const char *alias);
extern char *relorm_embed_where(const Fragment *f);
extern void relorm_deparse_conditions(Deparse *dp, StringInfo buf, List *conds);
extern void relorm_append_row_calls(Deparse *dp, StringInfo buf, const PlanLevel *lvl, int join, const char *row);

#endif							/* RELORM_DEPARSE_INT_H */
