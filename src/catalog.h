/*
 * catalog.h
 *		Writing relorm's catalogs: one row per relationship direction.
 */
#ifndef RELORM_CATALOG_H
#define RELORM_CATALOG_H

#include "nodes/pg_list.h"

/* One named direction of a relationship, as stored in relorm.relationship. */
typedef struct RelormDirection
{
	Oid			source;
	const char *name;
	Oid			target;
	const char *kind;
	bool		many;
	List	   *local_columns;
	List	   *remote_columns;
	const char *fk_side;		/* "source", "target", "secondary" or NULL */
	Oid			secondary;
	List	   *secondary_local_columns;
	List	   *secondary_remote_columns;
	const char *join_on;
	const char *back_populates;
	const char *on_delete;
	const char *on_update;
	const char *orphans;
	const char *lazy;			/* NULL: keep the stored one ('select' when new) */
	const char *order_by;		/* NULL: keep the stored one */
	const char *target_type;	/* the subtype of a polymorphic target, or NULL */
	Oid			function;		/* computed: the function returning the rows */
	bool		inferred;		/* inferred from a view by relorm.reflect (0.3) */
} RelormDirection;

/* The characters fetch shapes give a meaning to: no relationship name has one. */
#define RELORM_SHAPE_PUNCTUATION "(),:!*.\"' \t\n"

/* What keeps a direction from taking its name (relorm_name_problem). */
typedef enum RelormNameProblem
{
	RELORM_NAME_FREE,
	RELORM_NAME_EMPTY,
	RELORM_NAME_TOO_LONG,
	RELORM_NAME_RESERVED,		/* it has characters of RELORM_SHAPE_PUNCTUATION */
	RELORM_NAME_COLUMN,			/* a column of the source, other than its own FK column */
	RELORM_NAME_TAKEN			/* another relationship of the source */
} RelormNameProblem;

extern RelormNameProblem relorm_name_problem(const RelormDirection *dir, char **what);
extern void relorm_check_direction(const RelormDirection *dir);
extern void relorm_save_direction(const RelormDirection *dir);
extern void relorm_declaration_lock(int n, const Oid *relids);
extern void relorm_refuse_on_standby(const char *what);
extern bool relorm_catalog_has_column(const char *column);
extern const char *relorm_internal_schema(void);
extern void relorm_exec_as_owner(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls);

#endif							/* RELORM_CATALOG_H */
