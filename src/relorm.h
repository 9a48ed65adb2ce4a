/*
 * relorm.h
 *		Declarations shared by every part of relorm: GUC variables and the
 *		names of relorm's own schema and catalogs.
 */
#ifndef RELORM_H
#define RELORM_H

#include "postgres.h"

#define RELORM_SCHEMA "relorm"
#define RELORM_INTERNAL_SCHEMA "relorm_internal"	/* the helpers, from 0.3 */

/* GUCs (src/relorm.c) */
extern int	relorm_batch_size;
extern bool relorm_auto_reflect;
extern int	relorm_max_depth;
extern int	relorm_default_depth;
extern int	relorm_plan_cache_memory;
extern int	relorm_key_case;
extern int	relorm_max_rows;
extern int	relorm_level_plans;
extern int	relorm_log_min_duration;

/* relorm.key_case */
typedef enum RelormKeyCase
{
	RELORM_KEY_CASE_NONE,		/* keys as the names are */
	RELORM_KEY_CASE_CAMEL		/* created_at: createdAt */
} RelormKeyCase;

/* relorm.level_plans */
typedef enum RelormLevelPlans
{
	RELORM_LEVEL_PLANS_AUTO,	/* custom where a Citus table is read, else generic */
	RELORM_LEVEL_PLANS_GENERIC,
	RELORM_LEVEL_PLANS_CUSTOM
} RelormLevelPlans;

#endif							/* RELORM_H */
