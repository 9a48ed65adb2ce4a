/*
 * declare.c
 *		SQL entry points that declare relationships (work in progress).
 */
#include "relorm.h"

#include "fmgr.h"

#define RELORM_PENDING(fn) \
	extern Datum fn(PG_FUNCTION_ARGS); \
	PG_FUNCTION_INFO_V1(fn); \
	Datum fn(PG_FUNCTION_ARGS) \
	{ \
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), \
						errmsg("%s is not implemented yet", #fn))); \
		PG_RETURN_NULL(); \
	}

RELORM_PENDING(relorm_one_to_many)
RELORM_PENDING(relorm_many_to_one)
RELORM_PENDING(relorm_one_to_one)
RELORM_PENDING(relorm_many_to_many)
RELORM_PENDING(relorm_viewonly)
RELORM_PENDING(relorm_drop_relationship)
RELORM_PENDING(relorm_polymorphic)
RELORM_PENDING(relorm_subtype)
