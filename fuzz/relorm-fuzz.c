/*
 * relorm-fuzz.c
 *		A fuzzer for relorm, run against a live server (scripts/fuzz starts a
 *		throwaway one).  It loads fuzz/model.sql (every relationship kind),
 *		reads the model back, then generates and mutates fetch shapes, filters,
 *		orderings, params, declaration arguments and the trees of nested
 *		writes, and runs them.  A case is a finding when:
 *		  - the backend crashes (the connection is lost);
 *		  - an error has no proper SQLSTATE (class XX, internal error, or none);
 *		  - a refused declaration changed the catalogs or the schema;
 *		  - the same shape gives different trees under !selectin and !select,
 *		    or with relorm.batch_size 1 and 500 (one succeeding where another
 *		    fails counts too);
 *		  - a failed save or any explain_save changed the tables, save_many
 *		    returned another number of trees than it was given, or a saved tree
 *		    is not what relorm.fetch_one reads (save_cases.c says how).
 *		Findings are printed with the SQL that reproduces them; the exit status
 *		is 1 when there was any.  This file is the driver: its options and the
 *		loop drawing the cases (fuzz.h lists the other files).
 *
 *		relorm-fuzz [--cases N] [--seed S] [--seconds T] [--model FILE]
 *		            [--findings FILE] [--quiet] [--stats] [--no-save]
 *		            [--only fetch|read|declare|save]
 *		--no-save draws the cases as before the save cases were added: a seed
 *		of then replays (on the model of then).  --only runs the cases of one
 *		kind only (other cases than without it).  Connection settings come
 *		from the PG* environment variables.
 */
#include <time.h>

#include "fuzz.h"

int
main(int argc, char **argv)
{
	long		ncases = 2000;
	long		seconds = 0;
	uint64_t	seed = (uint64_t) time(NULL);
	const char *model = "fuzz/model.sql";
	const char *findings_path = NULL;
	time_t		start = time(NULL);
	bool		saves = true;
	const char *only = NULL;
	static const char *const kind_names[] = {"fetch", "read", "declare", "save"};
	long		kinds[4] = {0};

	for (int i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
			ncases = atol(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atol(argv[++i]);
		else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
			model = argv[++i];
		else if (strcmp(argv[i], "--findings") == 0 && i + 1 < argc)
			findings_path = argv[++i];
		else if (strcmp(argv[i], "--quiet") == 0)
			quiet = true;
		else if (strcmp(argv[i], "--stats") == 0)
			show_stats = true;
		else if (strcmp(argv[i], "--no-save") == 0)
			saves = false;
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = argv[++i];
		else
		{
			fprintf(stderr, "usage: relorm-fuzz [--cases N] [--seconds T] [--seed S] [--model FILE] [--findings FILE]"
					" [--quiet] [--stats] [--no-save] [--only fetch|read|declare|save]\n");
			return 2;
		}
	}
	rng_state = seed ? seed : 1;
	if (findings_path)
		findings_file = fopen(findings_path, "a");
	connect_db();
	load_model(model);
	printf("relorm-fuzz: seed %llu, %d tables, model %s\n", (unsigned long long) seed, ntables, model);
	fflush(stdout);

	while (cases_run < ncases || (seconds > 0 && time(NULL) - start < seconds))
	{
		int			what = rnd(100);

		if (seconds > 0 && time(NULL) - start >= seconds && cases_run >= ncases)
			break;
		/* fetch; fetch_one, explain, json_schema and typescript; declarations; saves */
		int			kind = saves ? (what < 55 ? 0 : what < 67 ? 1 : what < 78 ? 2 : 3) :
			(what < 70 ? 0 : what < 85 ? 1 : 2);

		if (only && strcmp(only, kind_names[kind]) != 0)
			continue;
		kinds[kind]++;
		if (kind == 0)
			fetch_case(chance(60));
		else if (kind == 1)
			other_read_case();
		else if (kind == 2)
			declaration_case();
		else
			save_case();
		if (!quiet && cases_run % 1000 == 0)
		{
			printf("relorm-fuzz: %ld cases, %ld errors (refused input), %ld findings, %ld s\n",
				   cases_run, errors_seen, findings, (long) (time(NULL) - start));
			fflush(stdout);
		}
	}
	printf("relorm-fuzz: %ld cases in %ld s, seed %llu: %ld refused with a proper SQLSTATE, %ld findings\n",
		   cases_run, (long) (time(NULL) - start), (unsigned long long) seed, errors_seen, findings);
	printf("relorm-fuzz: by kind: %ld fetch, %ld fetch_one, explain or typed results, %ld declarations, %ld saves\n",
		   kinds[0], kinds[1], kinds[2], kinds[3]);
	if (kinds[3] > 0)
		save_summary();
	if (show_stats)
		print_states();
	PQfinish(conn);
	return findings > 0 ? 1 : 0;
}
