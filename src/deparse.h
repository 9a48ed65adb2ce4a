/*
 * deparse.h
 *		The SQL writing pass of the planner: the query of every level of a
 *		resolved plan.
 */
#ifndef RELORM_DEPARSE_H
#define RELORM_DEPARSE_H

#include "load_plan.h"

extern void relorm_deparse(LoadPlan *plan);

/* deparse_value.c */
extern char *relorm_deparse_row_call(Oid func, const char *row);
extern char *relorm_deparse_value(const ValueExpr *e, const char *base);
extern char *relorm_deparse_array(const ValueExpr *e, const char *value, const char *ordinal);

#endif							/* RELORM_DEPARSE_H */
