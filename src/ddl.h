/*
 * ddl.h
 *		The DDL a declaration generates: FK columns and constraints, their
 *		indexes, one-to-one uniqueness, association tables, orphan triggers.
 */
#ifndef RELORM_DDL_H
#define RELORM_DDL_H

#include "names.h"

/* The statements one declaration ran, returned to the caller. */
typedef struct RelormDdl
{
	List	   *statements;
} RelormDdl;

#define RELORM_NULLABLE_YES		'y'
#define RELORM_NULLABLE_NO		'n'
#define RELORM_NULLABLE_DEFAULT '?'	/* not null for new columns, existing ones kept */

/* One foreign-key edge: child.columns references parent.key. */
typedef struct RelormFk
{
	RelormTable *child;
	List	   *columns;
	RelormTable *parent;
	List	   *key;
	const char *on_delete;		/* canonical action, or NULL: keep / no action */
	const char *on_update;
	const char *on_delete_arg;	/* the argument naming on_delete when it is not
								 * "on_delete" (a many-to-many's two sides), or NULL */
	char		nullable;		/* RELORM_NULLABLE_* */
	bool		unique;			/* one-to-one */
	bool		index;
} RelormFk;

extern int	relorm_ddl_depth;

extern void relorm_ddl_exec(RelormDdl *ddl, const char *sql);
extern const char *relorm_fk_action(const char *value, const char *argname, bool on_delete);
extern void relorm_ensure_fk(RelormDdl *ddl, RelormFk *fk);
extern bool relorm_create_association(RelormDdl *ddl, const char *nspname, const char *relname,
									  RelormFk *to_source, RelormFk *to_target);
extern char *relorm_ensure_association_fk(RelormDdl *ddl, RelormFk *fk);
extern void relorm_notice_adopted_action(const RelormFk *fk, const char *conname);
extern void relorm_ensure_orphan_triggers(RelormDdl *ddl, const RelormTable *secondary);
extern void relorm_drop_orphan_triggers(RelormDdl *ddl, const RelormTable *secondary);
extern char *relorm_fk_constraint(const RelormFk *fk);
extern List *relorm_referenced_key(Oid child, List *columns, Oid parent);

#endif							/* RELORM_DDL_H */
