/*
 * polymorphic.c
 *		SQL entry points of single-table polymorphism: relorm.polymorphic
 *		records a base table's discriminator column and the identity of its
 *		own rows, relorm.subtype the columns each subtype adds.  Fetches
 *		render a row's subtype columns on that subtype's rows only, and a
 *		relationship may target one subtype (target_type).
 */
#include "relorm.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"

#include "catalog.h"
#include "declare.h"
#include "names.h"

PG_FUNCTION_INFO_V1(relorm_polymorphic);
PG_FUNCTION_INFO_V1(relorm_subtype);

/*
 * The base table of both declarations (argument 0, which the caller must
 * own) once arguments 1 and 2, named argnames, are checked to be given;
 * connects to SPI and takes the declaration lock on the table.
 */
static void
open_base(FunctionCallInfo fcinfo, const char *argname1, const char *argname2, RelormTable *base)
{
	relorm_require_arg(fcinfo, 1, argname1);
	relorm_require_arg(fcinfo, 2, argname2);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	relorm_table_open(PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0), "base", true, base);
	relorm_declaration_lock(1, &base->relid);
}

/*
 * Single-table polymorphism: the discriminator column of a base table and
 * the identity of its own rows.  Subtypes add the columns only their rows use.
 */
Datum
relorm_polymorphic(PG_FUNCTION_ARGS)
{
	RelormTable base;
	char	   *discriminator;
	Oid			types[3] = {REGCLASSOID, NAMEOID, TEXTOID};
	Datum		values[3];

	open_base(fcinfo, "discriminator", "identity", &base);
	discriminator = NameStr(*PG_GETARG_NAME(1));
	relorm_require_columns(&base, list_make1(discriminator), "discriminator");

	values[0] = ObjectIdGetDatum(base.relid);
	values[1] = PG_GETARG_DATUM(1);
	values[2] = PG_GETARG_DATUM(2);
	relorm_exec_as_owner("INSERT INTO relorm.polymorphic_base (base, discriminator, identity)"
						 " VALUES ($1, $2, $3) ON CONFLICT (base) DO UPDATE"
						 " SET discriminator = EXCLUDED.discriminator, identity = EXCLUDED.identity",
						 3, types, values, NULL);
	SPI_finish();
	PG_RETURN_VOID();
}

Datum
relorm_subtype(PG_FUNCTION_ARGS)
{
	RelormTable base;
	Oid			types[3] = {REGCLASSOID, TEXTOID, NAMEARRAYOID};
	Datum		values[3];
	List	   *columns;

	open_base(fcinfo, "identity", "columns", &base);
	values[0] = ObjectIdGetDatum(base.relid);
	if (SPI_execute_with_args("SELECT 1 FROM relorm.polymorphic_base b WHERE b.base OPERATOR(pg_catalog.=) $1",
							  1, types, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read relorm.polymorphic_base");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("%s is not declared polymorphic", base.qualname),
				 errhint("Declare its discriminator first: SELECT relorm.polymorphic(%s, 'type', 'base identity').",
						 quote_literal_cstr(base.qualname))));
	columns = relorm_name_list_arg(PG_GETARG_DATUM(2), "columns");
	relorm_require_columns(&base, columns, "columns");

	values[1] = PG_GETARG_DATUM(1);
	values[2] = relorm_name_array(columns);
	relorm_exec_as_owner("INSERT INTO relorm.subtype (base, identity, columns) VALUES ($1, $2, $3)"
						 " ON CONFLICT (base, identity) DO UPDATE SET columns = EXCLUDED.columns",
						 3, types, values, NULL);
	SPI_finish();
	PG_RETURN_VOID();
}
