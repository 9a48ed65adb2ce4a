/*
 * follow.h
 *		Keeping the SQL fragments stored with relationships (a viewonly's
 *		join_on, any order_by) valid when columns or tables they name are
 *		renamed or dropped.
 */
#ifndef RELORM_FOLLOW_H
#define RELORM_FOLLOW_H

#include "nodes/pg_list.h"

extern void relorm_follow_drop(void);
extern void relorm_follow_column_rename(List *relids, const char *oldname, const char *newname);
extern void relorm_follow_table_rename(Oid relid, const char *oldname, const char *newname);

#endif							/* RELORM_FOLLOW_H */
