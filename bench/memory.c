/*
 * memory.c
 *		Backend memory: the peak RssAnon of a contender's backend during one call,
 *		sampled every millisecond from /proc/<pid>/status by a second thread, and
 *		the bytes the call wrote to temporary files (pg_stat_database).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "relorm-bench.h"

/* A field of /proc/<pid>/status in kB, or -1 when it cannot be read. */
static long
proc_status_kb(int pid, const char *field)
{
	char		path[64],
				line[256];
	FILE	   *fp;
	long		v = -1;
	size_t		fl = strlen(field);

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (!(fp = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (strncmp(line, field, fl) == 0 && line[fl] == ':')
		{
			v = strtol(line + fl + 1, NULL, 10);
			break;
		}
	fclose(fp);
	return v;
}

/*
 * Bytes written to temporary files in this database so far, once the backend's
 * pending statistics are flushed (pg_stat_force_next_flush: they are flushed as
 * it goes idle after that statement, and then read in a new snapshot); -1 when
 * they cannot be read.
 */
static long
temp_bytes(Conn *c)
{
	PGresult   *res;
	long		v = -1;

	res = PQexec(c->pg, "SELECT pg_catalog.pg_stat_force_next_flush()");
	PQclear(res);
	res = PQexec(c->pg, "SELECT pg_catalog.pg_stat_clear_snapshot(), temp_bytes"
				 " FROM pg_catalog.pg_stat_database WHERE datname = pg_catalog.current_database()");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		v = strtol(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	return v;
}

/* The sampling thread's state: the backend it watches and the peak it saw. */
typedef struct Sampler
{
	int			pid;
	volatile bool stop;
	long		peak_kb;
} Sampler;

static void *
sampler_main(void *arg)
{
	Sampler    *s = arg;
	struct timespec ts = {0, 1000000};	/* 1 ms */

	while (!s->stop)
	{
		long		kb = proc_status_kb(s->pid, "RssAnon");

		if (kb > s->peak_kb)
			s->peak_kb = kb;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/*
 * Backend memory: one more call on a fresh backend, whose private memory
 * (RssAnon: anonymous pages, so shared buffers are not counted) is sampled
 * every millisecond from /proc.  A fresh backend, because freed memory stays
 * with a backend's heap and would hide the peak of a later call.  Sets each
 * contender's base_anon_kb and peak_anon_kb; stops at the first backend whose
 * /proc is not readable.  A contender that fails here is marked failed, as in
 * the timed rounds; returns false when one did.  Each contender's temp_bytes is
 * what its call wrote to temporary files; other sessions of the benchmark's own
 * cluster are idle meanwhile, so the database's counter is the call's.
 */
bool
measure_memory(const Workload *w, const char *const *params)
{
	int			i;
	bool		ok = true;

	for (i = 0; i < NCONTENDERS; i++)
	{
		Contender  *ct = &contenders[i];
		Sampler		s = {0};
		pthread_t	th;
		Output		o;
		Conn	   *mc;
		long		temp_before;

		if (!ct->available || ct->failed || ct->mismatch)
			continue;
		mc = conn_open();
		s.pid = PQbackendPID(mc->pg);
		ct->base_anon_kb = proc_status_kb(s.pid, "RssAnon");
		if (ct->base_anon_kb < 0)
		{
			conn_close(mc);
			break;			/* /proc of the server not readable by us */
		}
		s.peak_kb = ct->base_anon_kb;
		temp_before = temp_bytes(mc);
		if (pthread_create(&th, NULL, sampler_main, &s) != 0)
			die("pthread_create: %s", strerror(errno));
		output_init(&o, false);
		if (!run_once(ct, mc, w, params, &o, &ct->failure))
		{
			fprintf(stderr, "  FAILED %s, in the memory run: %s\n", ct->name, ct->failure.message);
			ct->failed = true;
			ok = false;
		}
		s.stop = true;
		pthread_join(th, NULL);
		if (!ct->failed)
		{
			long		temp_after = temp_bytes(mc);

			ct->peak_anon_kb = s.peak_kb;
			ct->temp_bytes = temp_before < 0 || temp_after < 0 ? -1 : temp_after - temp_before;
		}
		conn_close(mc);
	}
	return ok;
}
