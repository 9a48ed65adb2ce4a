/*
 * prepare.h
 *		The last passes of the planner: parameter types, then the prepared
 *		statement and the renderers of every level.
 */
#ifndef RELORM_PREPARE_H
#define RELORM_PREPARE_H

#include "load_plan.h"

extern void relorm_prepare_params(LoadPlan *plan);
extern void relorm_choose_plans(LoadPlan *plan);
extern void relorm_prepare(LoadPlan *plan);
extern SPIPlanPtr relorm_prepare_unsorted(PlanLevel *lvl);

#endif							/* RELORM_PREPARE_H */
