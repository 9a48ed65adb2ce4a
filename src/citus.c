/*
 * citus.c
 *		What relorm needs to know of Citus, when it is installed: whether a
 *		table is one of Citus's, and of which kind.  Citus keeps that in its
 *		own catalog, pg_catalog.pg_dist_partition; without Citus there is no
 *		such table and every answer is "not Citus's".
 */
#include "relorm.h"

#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "citus.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/*
 * The Citus kind of a table: RELORM_CITUS_DISTRIBUTED (hash-distributed),
 * RELORM_CITUS_OTHER (a reference table, or a local table in Citus's
 * metadata), or RELORM_CITUS_NONE.  The caller is connected to SPI; the
 * current memory context is kept (SPI returns in its procedure's).
 */
static RelormCitusKind
citus_table(Oid relid, int *colocation)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1];
	MemoryContext cxt = CurrentMemoryContext;
	RelormCitusKind kind = RELORM_CITUS_NONE;

	*colocation = -1;
	if (!OidIsValid(get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE)))
		return RELORM_CITUS_NONE;
	values[0] = ObjectIdGetDatum(relid);
	if (SPI_execute_with_args("SELECT partmethod::pg_catalog.text, colocationid FROM pg_catalog.pg_dist_partition"
							  " WHERE logicalrelid OPERATOR(pg_catalog.=) $1",
							  1, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "relorm: reading pg_dist_partition failed");
	if (SPI_processed > 0)
	{
		char	   *method = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		char	   *group = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);

		kind = method && strcmp(method, "n") != 0 ? RELORM_CITUS_DISTRIBUTED : RELORM_CITUS_OTHER;
		*colocation = group ? atoi(group) : -1;
	}
	SPI_freetuptable(SPI_tuptable);
	MemoryContextSwitchTo(cxt);
	return kind;
}

RelormCitusKind
relorm_citus_kind(Oid relid)
{
	int			colocation;

	return citus_table(relid, &colocation);
}

/*
 * Whether a query joining the two tables is one Citus cannot plan: both
 * distributed, and not co-located (a join of co-located tables on the
 * distribution column, or with a reference table, it runs).
 */
bool
relorm_citus_apart(Oid a, Oid b)
{
	int			ca,
				cb;

	return citus_table(a, &ca) == RELORM_CITUS_DISTRIBUTED &&
		citus_table(b, &cb) == RELORM_CITUS_DISTRIBUTED && ca != cb;
}
