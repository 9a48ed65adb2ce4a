/*
 * resolve.h
 *		The resolution pass of the planner: a parsed shape and the catalog
 *		cache become the levels of a load plan, without any SQL text.
 */
#ifndef RELORM_RESOLVE_H
#define RELORM_RESOLVE_H

#include "load_plan.h"

extern void relorm_resolve(LoadPlan *plan, const PlanRequest *req);

#endif							/* RELORM_RESOLVE_H */
