/*
 * names.h
 *		Tables, columns and identifiers as the declaration code sees them:
 *		opening a table for DDL, parsing column lists, quoting, conventions.
 */
#ifndef RELORM_NAMES_H
#define RELORM_NAMES_H

#include "access/attnum.h"
#include "fmgr.h"
#include "nodes/pg_list.h"

/* A table named in a declaration, with what the DDL needs to know of it. */
typedef struct RelormTable
{
	Oid			relid;
	char		relkind;
	char	   *relname;		/* unquoted */
	char	   *nspname;		/* unquoted */
	char	   *qualname;		/* quoted schema.table, ready for SQL */
} RelormTable;

extern void relorm_refuse_temporary(Oid relid, const char *argname);
extern void relorm_table_open(Oid relid, const char *argname, bool owned, RelormTable *table);
extern void relorm_source_open(Oid relid, const char *argname, RelormTable *table);
extern List *relorm_parse_columns(const char *text, const char *argname);
extern List *relorm_primary_key(Oid relid);
extern List *relorm_view_key(Oid view);	/* view_columns.c */
extern void relorm_require_columns(const RelormTable *table, List *columns, const char *argname);
extern bool relorm_column_exists(Oid relid, const char *column);
extern char *relorm_column_type(Oid relid, const char *column);
extern char *relorm_quote_columns(List *columns, const char *prefix);
extern char *relorm_singular(const char *word);
extern char *relorm_make_identifier(char *name);
extern List *relorm_prefixed_columns(const char *prefix, List *columns);
extern bool relorm_columns_equal(List *a, List *b);
extern Datum relorm_name_array(List *names);
extern List *relorm_name_list(Datum array);
extern List *relorm_name_list_arg(Datum array, const char *argname);
extern const char *relorm_lower_option(const char *value);
extern char *relorm_table_label(Oid relid);
extern char *relorm_qualified_table(Oid relid);
extern List *relorm_column_names(Oid relid);
extern bool relorm_name_in(List *names, const char *name);
extern char *relorm_join_names(List *names);
extern const char *relorm_nearest_name(const char *name, List *candidates);
extern char *relorm_camel_case(const char *name);
extern char *relorm_equality_operator(Oid type);
extern Datum relorm_oid_array(List *oids);
extern Datum relorm_text_array(List *strings);
extern char *relorm_text_arg(FunctionCallInfo fcinfo, int n);
extern Oid	relorm_column_collation(Oid relid, AttrNumber attnum);

#endif							/* RELORM_NAMES_H */
