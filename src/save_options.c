/*
 * save_options.c
 *		What a save knows of a level besides its objects: the table's version
 *		column (relorm.version_column, SQLAlchemy's version_id_col: an update
 *		must give the version it read, and moves it on), and the natural key
 *		match => names for it (Prisma's upsert: a row without its primary key
 *		found by a unique set of columns).  Also relorm.version_column itself.
 *
 *		match => grammar: a comma-separated list of items, each a column of
 *		the root table, or table(column, ...) for the rows of that table at any
 *		level: 'email', 'email, tags(name)'.
 */
#include "relorm.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "catalog.h"
#include "declare.h"
#include "names.h"
#include "parser/scansup.h"
#include "resolve_int.h"
#include "save.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/varlena.h"

PG_FUNCTION_INFO_V1(relorm_version_column);

/* One item of match =>: the table (InvalidOid for the root) and its columns. */
typedef struct MatchItem
{
	Oid			relid;
	List	   *columns;
} MatchItem;

static void
match_error(const char *match, const char *msg)
{
	ereport(ERROR,
			(errcode(ERRCODE_SYNTAX_ERROR),
			 errmsg("invalid match => \"%s\": %s", match, msg),
			 errhint("Write columns of the root table, and table(column, ...) for the rows of other tables: 'email, tags(name)'.")));
}

/* The items of match =>. */
static List *
parse_match(const char *match)
{
	List	   *items = NIL;
	char	   *s = pstrdup(match);
	char	   *p = s;

	for (;;)
	{
		char	   *start;
		char	   *open;
		MatchItem  *item = palloc0(sizeof(MatchItem));

		while (scanner_isspace(*p))
			p++;
		start = p;
		while (*p && *p != ',' && *p != '(')
			p++;
		if (*p == '(')
		{
			char	   *close = strchr(p, ')');
			List	   *names;

			if (close == NULL)
				match_error(match, "a \"(\" is not closed");
			*p = '\0';
			open = p + 1;
			*close = '\0';
			if (!SplitIdentifierString(pstrdup(start), '.', &names) || names == NIL)
				match_error(match, "a table name is expected before \"(\"");
			item->relid = RangeVarGetRelid(makeRangeVarFromNameList(stringToQualifiedNameList(start)),
										   NoLock, false);
			if (!SplitIdentifierString(open, ',', &item->columns) || item->columns == NIL)
				match_error(match, "columns are expected in \"(...)\"");
			p = close + 1;
			while (scanner_isspace(*p))
				p++;
		}
		else
		{
			char		save = *p;
			List	   *cols;

			*p = '\0';
			if (!SplitIdentifierString(pstrdup(start), ',', &cols) || list_length(cols) != 1)
				match_error(match, "a column name is expected");
			*p = save;
			item->columns = cols;
			/* consecutive root columns make one natural key */
			if (items && !OidIsValid(((MatchItem *) llast(items))->relid))
			{
				((MatchItem *) llast(items))->columns = list_concat(((MatchItem *) llast(items))->columns, cols);
				item = NULL;
			}
		}
		if (item)
			items = lappend(items, item);
		if (*p == '\0')
			break;
		if (*p != ',')
			match_error(match, "a \",\" is expected between items");
		p++;
	}
	return items;
}

/* match's columns for lvl: a unique set of columns of its table. */
static void
level_match(SaveCall *call, SaveLevel *lvl)
{
	ListCell   *lc;

	foreach(lc, parse_match(call->match))
	{
		MatchItem  *item = lfirst(lc);
		AttrNumber *atts;
		ListCell   *c;

		if (item->relid != lvl->relid && !(item->relid == InvalidOid && lvl->parent == NULL))
			continue;
		atts = palloc(sizeof(AttrNumber) * list_length(item->columns));
		foreach(c, item->columns)
		{
			atts[foreach_current_index(c)] = get_attnum(lvl->relid, lfirst(c));
			if (atts[foreach_current_index(c)] <= 0)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("match => names column \"%s\", which table %s does not have", (char *) lfirst(c),
								relorm_table_label(lvl->relid))));
		}
		if (!relorm_columns_unique(lvl->relid, atts, list_length(item->columns)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
					 errmsg("match => (%s) is not a unique key of table %s", relorm_join_names(item->columns),
							relorm_table_label(lvl->relid)),
					 errhint("A natural key finds one row: match by columns a unique constraint or index covers.")));
		lvl->match = item->columns;
	}
}

/* A version column is a number (moved on by 1) or a timestamp (moved on to the clock's time). */
static void
check_version_type(Oid relid, const char *column, Oid type)
{
	type = getBaseType(type);
	if (type != INT2OID && type != INT4OID && type != INT8OID && type != NUMERICOID &&
		type != TIMESTAMPOID && type != TIMESTAMPTZOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of table %s is of type %s, which cannot tell versions", column,
						relorm_table_label(relid), format_type_be(type)),
				 errhint("A version column is an integer (each update adds 1) or a timestamp (each update sets the time).")));
}

/* A level's version column and natural key, as the catalog and the call give them. */
void
relorm_save_level_options(SaveCall *call, SaveLevel *lvl)
{
	const char *version = relorm_version_column_of(lvl->relid);

	if (version)
	{
		lvl->version_col = relorm_save_column(lvl, version);
		if (lvl->version_col < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("the version column \"%s\" of table %s is gone", version, relorm_table_label(lvl->relid)),
					 errhint("Declare it again with relorm.version_column().")));
		check_version_type(lvl->relid, version, lvl->cols[lvl->version_col].type);
	}
	if (call->match)
		level_match(call, lvl);
}

/*
 * relorm.version_column(table, column): the column that tells a row's
 * version; NULL column: none.  An integer (moved on by 1) or a timestamp
 * (moved on to the clock's time).
 */
Datum
relorm_version_column(PG_FUNCTION_ARGS)
{
	RelormTable table;
	Oid			types[2] = {REGCLASSOID, NAMEOID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	relorm_table_open(PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0), "table", true, &table);
	relorm_lock_declaration(table.relid, InvalidOid);
	values[0] = ObjectIdGetDatum(table.relid);
	if (PG_ARGISNULL(1))
		nulls[1] = 'n';
	else
	{
		char	   *column = NameStr(*PG_GETARG_NAME(1));
		AttrNumber	att = get_attnum(table.relid, column);
		Oid			type = att > 0 ? getBaseType(get_atttype(table.relid, att)) : InvalidOid;

		if (att <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of table %s does not exist", column, table.qualname)));
		check_version_type(table.relid, column, type);
		values[1] = PG_GETARG_DATUM(1);
	}
	relorm_exec_as_owner(nulls[1] == 'n' ?
						 "DELETE FROM relorm.version_column v WHERE v.table_name OPERATOR(pg_catalog.=) $1"
						 " AND $2 IS NULL" :
						 "INSERT INTO relorm.version_column (table_name, column_name) VALUES ($1, $2)"
						 " ON CONFLICT (table_name) DO UPDATE SET column_name = EXCLUDED.column_name",
						 2, types, values, nulls);
	SPI_finish();
	PG_RETURN_VOID();
}
