/*
 * fetch_call.h
 *		What a call of relorm.fetch gives besides its plan request, read from
 *		its arguments by fetch.c, run a batch at a time by fetch_stream.c.
 */
#ifndef RELORM_FETCH_CALL_H
#define RELORM_FETCH_CALL_H

#include "fmgr.h"
#include "load_plan.h"
#include "utils/jsonb.h"

/*
 * params (the values of $n), and for fetch_one the key, whose members follow
 * them.
 */
typedef struct FetchCall
{
	PlanRequest req;
	JsonbValue **params;
	int			nparams;
	Jsonb	   *key;			/* fetch_one */
	Datum		limit;
	bool		limit_null;
	Datum		offset;
	bool		offset_null;
} FetchCall;

/* The arguments every fetch-like call shares: root (0), shape (1), key_case. */
extern Oid	relorm_fetch_root_arg(FunctionCallInfo fcinfo);
extern char *relorm_fetch_shape_arg(FunctionCallInfo fcinfo);
extern bool relorm_fetch_key_case_arg(FunctionCallInfo fcinfo, int n);
extern void relorm_fetch_args(FunctionCallInfo fcinfo, FetchCall *call);
extern void relorm_fetch_bind(FetchCall *call, LoadPlan *plan, Datum **values, char **nulls);

#endif							/* RELORM_FETCH_CALL_H */
