/*
 * declare.h
 *		What the files of the declaration entry points (declare.c,
 *		polymorphic.c) share.
 */
#ifndef RELORM_DECLARE_H
#define RELORM_DECLARE_H

#include "fmgr.h"

extern void relorm_require_arg(FunctionCallInfo fcinfo, int n, const char *argname);

#endif							/* RELORM_DECLARE_H */
