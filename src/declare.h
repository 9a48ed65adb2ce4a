/*
 * declare.h
 *		What the files of the declaration entry points (declare.c,
 *		declare_computed.c, polymorphic.c) share.
 */
#ifndef RELORM_DECLARE_H
#define RELORM_DECLARE_H

#include "fmgr.h"
#include "ddl.h"

extern void relorm_require_arg(FunctionCallInfo fcinfo, int n, const char *argname);
extern void relorm_lock_declaration(Oid a, Oid b);
extern Datum relorm_finish_declaration(FunctionCallInfo fcinfo, RelormDdl *ddl);
extern const char *relorm_check_lazy(const char *value, bool many, const char *argname);
extern const char *relorm_order_by_arg(FunctionCallInfo fcinfo, int n, Oid target, const char *alias);

#endif							/* RELORM_DECLARE_H */
