/*
 * citus.h
 *		Whether a table is one of Citus's (citus.c).
 */
#ifndef RELORM_CITUS_H
#define RELORM_CITUS_H

typedef enum RelormCitusKind
{
	RELORM_CITUS_NONE,			/* not Citus's, or no Citus */
	RELORM_CITUS_DISTRIBUTED,	/* distributed by a column */
	RELORM_CITUS_OTHER			/* a reference table, or local in Citus's metadata */
} RelormCitusKind;

extern RelormCitusKind relorm_citus_kind(Oid relid);
extern bool relorm_citus_apart(Oid a, Oid b);
extern char *relorm_citus_distribution_column(Oid relid);
extern bool relorm_citus_hold_dropped(void);
extern void relorm_citus_restore_held(void);
extern void relorm_citus_hold_renamed(Oid relid, const char *oldname, const char *newname);

#endif							/* RELORM_CITUS_H */
