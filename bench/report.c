/*
 * report.c
 *		The results: per workload the table of each contender's median, minimum
 *		and maximum and its ratio to relorm's, the same rows in the TSV file, and
 *		at the end the targets, met or missed.
 */
#include <stdio.h>

#include "relorm-bench.h"

FILE	   *tsv;				/* --tsv, else /dev/null */

/* Medians by workload and contender, for the targets; < 0 when not measured. */
static double medians[NWORKLOADS][NCONTENDERS];
static long peaks_kb[NWORKLOADS][NCONTENDERS];
static long temps[NWORKLOADS][NCONTENDERS];

/* The TSV file's header; nothing measured yet. */
void
report_begin(void)
{
	int			i,
				j;

	fprintf(tsv, "workload\tcontender\tmedian_ms\tmin_ms\tmax_ms\tx_relorm\tpeak_rss_anon_kb\tbase_rss_anon_kb\ttemp_bytes\n");
	for (i = 0; i < NWORKLOADS; i++)
		for (j = 0; j < NCONTENDERS; j++)
			medians[i][j] = peaks_kb[i][j] = temps[i][j] = -1;
}

/* One workload's table, and its rows in the TSV file. */
void
report_workload(const Workload *w, int warmup, int rounds)
{
	int			i;
	double		base = -1;

	if (contenders[0].available && !contenders[0].failed && !contenders[0].mismatch &&
		contenders[0].ntimes > 0)
		base = summarize(contenders[0].times, contenders[0].ntimes).median;
	printf("   %d warm-up, %d rounds%s\n", warmup, rounds,
		   w->mode == MODE_FIRST_CALL ? " (each call on a new connection; connect not timed)" :
		   w->write ? " (each call from the same state, restored before it and checked after, not timed)" : "");
	printf("   %-12s %12s %12s %12s %10s", "contender", "median", "min", "max", "x relorm");
	if (w->memory)
		printf(" %22s %10s", "backend RssAnon peak", "temp file");
	printf("\n");
	for (i = 0; i < NCONTENDERS; i++)
	{
		Contender  *ct = &contenders[i];
		Stats		st;

		if (!ct->applies)
			continue;
		printf("   %-12s ", ct->name);
		if (!ct->available)
		{
			printf("%12s\n", "unavailable");
			fprintf(tsv, "%s\t%s\tunavailable\n", w->name, ct->name);
			continue;
		}
		if (ct->failed || ct->mismatch || ct->ntimes == 0)
		{
			printf("%12s\n", ct->mismatch ? "MISMATCH" : "FAILED");
			fprintf(tsv, "%s\t%s\t%s\n", w->name, ct->name, ct->mismatch ? "mismatch" : "failed");
			continue;
		}
		st = summarize(ct->times, ct->ntimes);
		medians[w - workloads][i] = st.median;
		peaks_kb[w - workloads][i] = ct->peak_anon_kb;
		temps[w - workloads][i] = ct->temp_bytes;
		printf("%9.3f ms %9.3f ms %9.3f ms ", st.median, st.min, st.max);
		if (base > 0)
			printf("%9.2fx", st.median / base);
		else
			printf("%10s", "-");
		if (w->memory && ct->peak_anon_kb >= 0)
			printf(" %9.1f MB (+%.1f MB) %7.1f MB", ct->peak_anon_kb / 1024.0,
				   (ct->peak_anon_kb - ct->base_anon_kb) / 1024.0, ct->temp_bytes / 1048576.0);
		printf("\n");
		fprintf(tsv, "%s\t%s\t%.3f\t%.3f\t%.3f\t", w->name, ct->name, st.median, st.min, st.max);
		if (base > 0)
			fprintf(tsv, "%.3f", st.median / base);
		else
			fputc('-', tsv);	/* relorm not measured: no ratio, as in the table */
		fprintf(tsv, "\t%ld\t%ld\t%ld\n", ct->peak_anon_kb, ct->base_anon_kb, ct->temp_bytes);
	}
	fflush(tsv);
}

/* One target: relorm's median over a contender's must be <= limit (or >= for a speed-up). */
static void
target(const char *wname, int contender, double limit, bool speedup)
{
	int			wi = workload_index(wname);
	double		rel,
				other,
				ratio;
	char		label[96];

	rel = medians[wi][0];
	other = medians[wi][contender];
	snprintf(label, sizeof(label), speedup ? "relorm >= %gx faster than %s" : "relorm <= %gx %s",
			 limit, contenders[contender].name);
	printf("   %-11s %-40s ", wname, label);
	if (rel < 0 || other < 0)
	{
		printf("not measured\n");
		return;
	}
	ratio = speedup ? other / rel : rel / other;
	printf("%6.2fx  %s\n", ratio, (speedup ? ratio >= limit : ratio <= limit) ? "met" : "MISSED");
}

/* The targets of issues 4, 11 and 12 (README.md), from the medians of the workloads run. */
void
print_targets(void)
{
	long		kb = peaks_kb[workload_index("full")][0];
	long		temp = temps[workload_index("full")][0];

	printf("\n== targets (relorm's median against the contender's)\n");
	target("full", REFERENCE, 0.5, false);
	target("page", REFERENCE, 1.0, false);
	target("page", NPLUS1, 10.0, true);
	target("one", REFERENCE, 1.0, false);
	target("one", NPLUS1, 10.0, true);
	target("one_cold", REFERENCE, 1.0, false);
	target("one_cold", NPLUS1, 10.0, true);
	target("save", ROW_BY_ROW, 10.0, true);
	target("save", REFERENCE, 1.0, false);
	target("save_update", ROW_BY_ROW, 10.0, true);
	target("save_update", REFERENCE, 1.0, false);
	printf("   %-11s %-40s ", "full", "relorm backend RssAnon peak < 64 MB");
	if (kb < 0)
		printf("not measured\n");
	else
		printf("%6.1f MB %s\n", kb / 1024.0, kb < 64 * 1024 ? "met" : "MISSED");
	printf("   issue 12:\n");
	target("full", REFERENCE, 0.35, false);
	target("full", SELECTIN, 0.65, false);
	target("full", ROWS, 1.8, false);
	target("page", SELECTIN, 0.65, false);
	target("one", SELECTIN, 0.65, false);
	target("topn", SELECTIN, 0.65, false);
	target("tree", SELECTIN, 0.65, false);
	printf("   %-11s %-40s ", "full", "relorm writes no temporary file");
	if (temp < 0)
		printf("not measured\n");
	else
		printf("%6.1f MB %s\n", temp / 1048576.0, temp == 0 ? "met" : "MISSED");
}
