/*
 * relorm-bench.c
 *		The benchmark client: runs every contender of every workload over libpq,
 *		checks that they return the same JSON (compared as jsonb), then times them
 *		side by side, round-robin after a warm-up, and samples backend memory.
 *
 * This file holds main(): the command-line options and the run of the selected
 * workloads.  relorm-bench.h describes the contenders and lists the other files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relorm-bench.h"

static void
usage(void)
{
	fprintf(stderr,
			"usage: relorm-bench [--quick] [--rounds-factor F] [--tsv FILE] [--sql] [WORKLOAD...]\n"
			"  connects with the PG* environment; runs every workload unless some are named\n"
			"  --quick          one warm-up and one round per workload (smoke test)\n"
			"  --rounds-factor  multiplies the warm-up and round counts\n"
			"  --tsv FILE       also writes the results there, tab-separated\n"
			"  --sql            prints each contender's statements and exits\n");
	exit(2);
}

/*
 * --rounds-factor's value: a number, all of it, above 0 and at most 1000 (so that
 * the round counts it multiplies stay within an int).
 */
static double
parse_factor(const char *s)
{
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(v > 0 && v <= 1000))
		die("--rounds-factor takes a number above 0 and at most 1000, not \"%s\"", s);
	return v;
}

int
main(int argc, char **argv)
{
	int			i,
				j;
	bool		selected[NWORKLOADS] = {false};
	bool		any = false,
				ok = true,
				print_sql = false;
	const char *tsv_path = "/dev/null";
	Conn	   *check;
	PGresult   *res;

	for (i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "--quick") == 0)
			quick = true;
		else if (strcmp(argv[i], "--sql") == 0)
			print_sql = true;
		else if (strcmp(argv[i], "--rounds-factor") == 0 && i + 1 < argc)
			rounds_factor = parse_factor(argv[++i]);
		else if (strcmp(argv[i], "--tsv") == 0 && i + 1 < argc)
			tsv_path = argv[++i];
		else if (argv[i][0] == '-')
			usage();
		else
		{
			bool		found = false;

			for (j = 0; j < NWORKLOADS; j++)
				if (strcmp(argv[i], workloads[j].name) == 0)
					selected[j] = any = found = true;
			if (!found)
				die("no workload named %s", argv[i]);
		}
	}
	for (i = 0; i < NWORKLOADS; i++)
	{
		if (workloads[i].write)
			continue;			/* no tree */
		number_rels(workloads[i].root);
		(void) workload_aggregate(&workloads[i]);	/* dies on what the statements cannot do */
	}

	if (print_sql)
	{
		for (i = 0; i < NWORKLOADS; i++)
			if (!any || selected[i])
				print_statements(&workloads[i]);
		return 0;
	}
	if (!(tsv = fopen(tsv_path, "w")))
		die("cannot write %s: %s", tsv_path, strerror(errno));
	report_begin();

	check = conn_open();
	res = PQexec(check->pg, "SELECT max(id) FROM users");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQgetisnull(res, 0, 0))
		die("no users: %s", PQresultErrorMessage(res));
	nusers = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	print_round_trip(check);

	for (i = 0; i < NWORKLOADS; i++)
		if (!any || selected[i])
			ok &= run_workload(&workloads[i], check);
	print_targets();
	conn_close(check);
	if (fclose(tsv) != 0)
		die("cannot write %s: %s", tsv_path, strerror(errno));
	if (!ok)
	{
		fprintf(stderr, "relorm-bench: some contender failed or returned different JSON\n");
		return 1;
	}
	return 0;
}
