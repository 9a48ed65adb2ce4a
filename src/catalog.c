/*
 * catalog.c
 *		Change notification for relorm's catalog tables: any write to them
 *		invalidates the per-backend relationship cache in every backend.
 */
#include "relorm.h"

#include "commands/trigger.h"
#include "fmgr.h"
#include "utils/inval.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(relorm_catalog_changed);

/*
 * Statement trigger on the catalogs.  A relcache invalidation of the catalog
 * table itself is sent to all backends at commit; the fetch cache listens for
 * it with a relcache callback, so declarations need no version counter.
 */
Datum
relorm_catalog_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("relorm._catalog_changed() must be called as a trigger")));

	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));

	return PointerGetDatum(NULL);
}
