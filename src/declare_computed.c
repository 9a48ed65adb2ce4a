/*
 * declare_computed.c
 *		relorm.computed(source, name, function, lazy, order_by): a
 *		relationship whose rows a function returns.  The function takes the
 *		source's row type and returns the target's rows (SETOF target: a
 *		to-many relationship) or one of them (target: a to-one); it is nested
 *		like any relationship and loaded with one query per batch that calls
 *		it LATERAL for each parent row.  Nothing in the schema changes: the
 *		function is stored by OID, so a CREATE OR REPLACE keeps the
 *		relationship (and makes the plans calling it again), a DROP FUNCTION
 *		removes it (event_triggers.c).  Hasura's computed fields returning
 *		rows, PostgREST's computed relationships.
 */
#include "relorm.h"

#include "access/htup_details.h"
#include "catalog/pg_class.h"
#include "catalog/pg_proc.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "parser/parse_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "declare.h"
#include "names.h"

PG_FUNCTION_INFO_V1(relorm_computed);

/*
 * The relation whose rows function returns, for rows of source: it takes
 * exactly the source's row type and returns a table's (or a view's) row
 * type, one row or a set (*many).
 */
static Oid
computed_target(Oid function, const RelormTable *source, bool *many)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(function));
	Form_pg_proc proc;
	Oid			target;
	char		relkind;
	char	   *signature = format_procedure(function);

	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("function with OID %u does not exist", function)));
	proc = (Form_pg_proc) GETSTRUCT(tup);
	if (proc->prokind != PROKIND_FUNCTION || proc->pronargs != 1 ||
		proc->proargtypes.values[0] != get_rel_type_id(source->relid))
	{
		ReleaseSysCache(tup);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
				 errmsg("function %s does not take a row of %s", signature, source->qualname),
				 errdetail("A computed relationship's function takes one argument, the source's row type."),
				 errhint("Declare it as CREATE FUNCTION f(r %s) RETURNS SETOF target ...", source->qualname)));
	}
	*many = proc->proretset;
	target = typeidTypeRelid(proc->prorettype);
	ReleaseSysCache(tup);
	relkind = OidIsValid(target) ? get_rel_relkind(target) : '\0';
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE && relkind != RELKIND_VIEW &&
		relkind != RELKIND_MATVIEW && relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
				 errmsg("function %s does not return rows of a table or a view", signature),
				 errdetail("It returns %s.", format_type_be(get_func_rettype(function))),
				 errhint("Return SETOF target (a to-many relationship) or target (a to-one), target a table or view.")));
	relorm_refuse_temporary(target, "function's result");
	return target;
}

/*
 * Declaring a computed relationship again is idempotent (its lazy and
 * order_by may change); another function under the name is another
 * relationship, refused as any name already taken.
 */
static void
check_redeclaration(const RelormDirection *dir)
{
	Oid			types[2] = {REGCLASSOID, TEXTOID};
	Datum		values[2] = {ObjectIdGetDatum(dir->source), CStringGetTextDatum(dir->name)};
	bool		isnull;
	Datum		stored;

	if (SPI_execute_with_args("SELECT r.function::pg_catalog.oid FROM relorm.relationship r"
							  " WHERE r.source OPERATOR(pg_catalog.=) $1 AND r.name OPERATOR(pg_catalog.=) $2"
							  "   AND r.kind OPERATOR(pg_catalog.=) 'computed'",
							  2, types, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read relorm.relationship");
	if (SPI_processed == 0)
		return;					/* new, or not computed: relorm_check_direction says */
	stored = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull && DatumGetObjectId(stored) != dir->function)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("relationship \"%s\" of %s already exists", dir->name, relorm_table_label(dir->source)),
				 errdetail("It is computed by %s.", format_procedure(DatumGetObjectId(stored))),
				 errhint("Choose another name, or drop it first with relorm.drop_relationship(%s, %s).",
						 quote_literal_cstr(relorm_table_label(dir->source)), quote_literal_cstr(dir->name))));
}

/*
 * relorm.computed(source, name, function, lazy, order_by): declares the
 * relationship, its key the source's primary key.
 */
Datum
relorm_computed(PG_FUNCTION_ARGS)
{
	RelormTable source;
	RelormDirection dir;
	RelormDdl	ddl = {NIL};
	Oid			function;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	relorm_require_arg(fcinfo, 1, "name");
	relorm_require_arg(fcinfo, 2, "function");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	relorm_table_open(PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0), "source", true, &source);
	function = PG_GETARG_OID(2);

	memset(&dir, 0, sizeof(dir));
	dir.source = source.relid;
	dir.name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	dir.target = computed_target(function, &source, &dir.many);
	dir.kind = "computed";
	relorm_lock_declaration(source.relid, dir.target);
	dir.local_columns = relorm_primary_key(source.relid);
	if (dir.local_columns == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("table %s has no primary key", source.qualname),
				 errdetail("A fetch groups the function's rows by the source's primary key."),
				 errhint("Add a primary key to %s.", source.qualname)));
	dir.lazy = relorm_check_lazy(relorm_text_arg(fcinfo, 3), dir.many, "lazy");
	dir.order_by = relorm_order_by_arg(fcinfo, 4, dir.target, get_rel_name(dir.target));
	dir.function = function;
	check_redeclaration(&dir);
	relorm_save_direction(&dir);
	return relorm_finish_declaration(fcinfo, &ddl);
}
