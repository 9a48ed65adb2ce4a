/*
 * reflect.h
 *		Registering existing foreign keys as relationships under conventional
 *		names: relorm.reflect() and relorm.auto_reflect.
 */
#ifndef RELORM_REFLECT_H
#define RELORM_REFLECT_H

#include "nodes/pg_list.h"
#include "utils/tuplestore.h"

/*
 * Registers the unregistered foreign keys of one schema (tables == NIL) or of
 * the given tables (a List of Oids).  Needs an open SPI connection.  Each
 * registered direction is put into out (when not NULL) and, with notify, also
 * reported with a NOTICE.  as_user is the role that must own the tables, or
 * InvalidOid for "the owner of the table holding the foreign key".
 */
extern void relorm_reflect_foreign_keys(const char *schema, List *tables, Oid as_user,
										Tuplestorestate *out, TupleDesc outdesc, bool notify);

#endif							/* RELORM_REFLECT_H */
