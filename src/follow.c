/*
 * follow.c
 *		Keeping the SQL fragments stored with relationships valid after renames
 *		and drops (stub).
 */
#include "relorm.h"

#include "follow.h"

void
relorm_follow_drop(void)
{
}

void
relorm_follow_column_rename(List *relids, const char *oldname, const char *newname)
{
}

void
relorm_follow_table_rename(Oid relid, const char *oldname, const char *newname)
{
}
