/*
 * relorm.c
 *		Module entry point: the library magic block and relorm's settings.
 */
#include "relorm.h"

#include <limits.h>

#include "fmgr.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

int			relorm_batch_size = 500;
bool		relorm_auto_reflect = false;
int			relorm_max_depth = 100;
int			relorm_default_depth = 3;
int			relorm_plan_cache_memory = 32 * 1024;
int			relorm_key_case = RELORM_KEY_CASE_NONE;
int			relorm_max_rows = 0;
int			relorm_level_plans = RELORM_LEVEL_PLANS_AUTO;
int			relorm_log_min_duration = -1;

static const struct config_enum_entry key_case_options[] = {
	{"none", RELORM_KEY_CASE_NONE, false},
	{"camel", RELORM_KEY_CASE_CAMEL, false},
	{NULL, 0, false}
};

static const struct config_enum_entry level_plans_options[] = {
	{"auto", RELORM_LEVEL_PLANS_AUTO, false},
	{"generic", RELORM_LEVEL_PLANS_GENERIC, false},
	{"custom", RELORM_LEVEL_PLANS_CUSTOM, false},
	{NULL, 0, false}
};

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("relorm.batch_size",
							"Number of root rows a fetch loads and emits together.",
							"Each relationship level is loaded with one query per batch of parent keys.",
							&relorm_batch_size,
							500, 1, 1000000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("relorm.auto_reflect",
							 "Registers foreign keys added by hand as relationships.",
							 "When on, a foreign key created by CREATE TABLE or ALTER TABLE is registered as relorm.reflect would.",
							 &relorm_auto_reflect,
							 false,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("relorm.max_depth",
							"Deepest level a recursion to the leaves (name*(...)) may reach.",
							"Deeper rows mean the data has a cycle: the fetch stops with an error.",
							&relorm_max_depth,
							100, 1, 100000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("relorm.default_depth",
							"Levels of relationships the default tree (**) follows.",
							NULL,
							&relorm_default_depth,
							3, 1, 100,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("relorm.plan_cache_memory",
							"Memory the kept fetch plans of one session may hold, with the output buffers each keeps for its next run.",
							"Past it, the least recently used plans are dropped; the plan of the running fetch is always kept.",
							&relorm_plan_cache_memory,
							32 * 1024, 0, MAX_KILOBYTES,
							PGC_USERSET, GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomEnumVariable("relorm.key_case",
							 "How a fetch writes the output keys that come from names: none (as named) or camel (createdAt).",
							 "Aliases are always written as given. The key_case argument of relorm.fetch and relorm.fetch_one overrides it.",
							 &relorm_key_case,
							 RELORM_KEY_CASE_NONE, key_case_options,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("relorm.max_rows",
							"Most rows a fetch may load for one level (the root, or one relationship); 0 for no limit.",
							"A fetch that would load more stops with an error naming the level, instead of truncating the tree or exhausting memory.",
							&relorm_max_rows,
							0, 0, INT_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomEnumVariable("relorm.level_plans",
							 "How a fetch plans its queries: generic (planned once, kept), custom (planned for each batch's keys), or auto.",
							 "auto plans custom where the fetch reads a Citus table, which Citus can route to the shards holding the keys only in a custom plan, and generic elsewhere.",
							 &relorm_level_plans,
							 RELORM_LEVEL_PLANS_AUTO, level_plans_options,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("relorm.log_min_duration",
							"Logs every fetch that takes at least this long, with its levels' rows, queries, times and SQL; -1 logs none.",
							"In the manner of auto_explain: the message names the root, its detail lists the levels.",
							&relorm_log_min_duration,
							-1, -1, INT_MAX,
							PGC_SUSET, GUC_UNIT_MS,
							NULL, NULL, NULL);

	MarkGUCPrefixReserved("relorm");
}
