/*
 * deparse.h
 *		The SQL writing pass of the planner: the query of every level of a
 *		resolved plan.
 */
#ifndef RELORM_DEPARSE_H
#define RELORM_DEPARSE_H

#include "load_plan.h"

extern void relorm_deparse(LoadPlan *plan);

#endif							/* RELORM_DEPARSE_H */
