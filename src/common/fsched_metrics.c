/*
 * fsched_metrics.c - Prometheus text exposition of counters.json.
 *
 * Which counts are cumulative across failovers (see fsched_writer.c):
 * records, by_partition and reconciled are counted from the journal
 * itself, so they equal it whatever happened to the writer.  duplicates,
 * dropped and write_errors are the writers' own counts, added to the file
 * at each update: they survive a failover too, but what the last writer
 * counted after its last update is lost with it (kill -9), and they start
 * again from 0 if counters.json had to be rebuilt.  Both kinds are
 * counters (a reset is what rate() expects); queue_depth is a gauge.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>

#include "fsched_metrics.h"

void fsched_prom_label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			fputs("\\\\", f);
			break;
		case '"':
			fputs("\\\"", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void fsched_prom_single(FILE *f, const char *name, const char *type,
			const char *help, int64_t value)
{
	family(f, name, type, help);
	fprintf(f, "%s %lld\n", name, (long long)value);
}

static void by_partition(FILE *f, struct json_object *bp)
{
	const char *name = "fsched_jobs_finished_total";
	bool any = false;

	json_object_object_foreach(bp, part, states) {
		if (!json_object_is_type(states, json_type_object))
			continue;
		json_object_object_foreach(states, state, n) {
			if (!json_object_is_type(n, json_type_int))
				continue;
			if (!any)
				family(f, name, "counter",
				       "Job runs in jobcomp/fsched's journal, by partition (\"(none)\" without one) and final state; never reset by a failover.");
			any = true;
			fprintf(f, "%s{partition=\"", name);
			fsched_prom_label_value(f, part);
			fputs("\",state=\"", f);
			fsched_prom_label_value(f, state);
			fprintf(f, "\"} %lld\n",
				(long long)json_object_get_int64(n));
		}
	}
}

int fsched_counters_prom(FILE *f, const fsched_counters_t *c)
{
	fsched_prom_single(f, "fsched_counters_readable", "gauge",
			   "1 if counters.json (jobcomp/fsched's job counters) could be read, else 0.",
			   c != NULL);
	if (!c)
		return ferror(f) ? -1 : 0;
	if (c->by_partition)
		by_partition(f, c->by_partition);
	fsched_prom_single(f, "fsched_jobs_journalled_total", "counter",
			   "Job runs in jobcomp/fsched's journal, all partitions and states; never reset by a failover.",
			   c->records);
	fsched_prom_single(f, "fsched_jobs_reconciled_total", "counter",
			   "Job runs journalled by reconciliation after a takeover (included in fsched_jobs_journalled_total); never reset by a failover.",
			   c->reconciled);
	fsched_prom_single(f, "fsched_journal_duplicates_skipped_total", "counter",
			   "Records not journalled because their run already was; summed over the journal writers (what a writer counted in its last second before a crash is lost).",
			   c->duplicates);
	fsched_prom_single(f, "fsched_journal_records_dropped_total", "counter",
			   "Job completion records dropped because the journal queue was full (JournalMaxQueue); summed over the journal writers (what a writer counted in its last second before a crash is lost).",
			   c->dropped);
	fsched_prom_single(f, "fsched_journal_write_errors_total", "counter",
			   "Failed journal batch writes (retried); summed over the journal writers (what a writer counted in its last second before a crash is lost).",
			   c->write_errors);
	fsched_prom_single(f, "fsched_journal_queue_depth", "gauge",
			   "Records queued or being written by the journal writer when it last updated counters.json.",
			   c->queue_depth);
	fsched_prom_single(f, "fsched_counters_updated_seconds", "gauge",
			   "Unix time the journal writer last updated counters.json (only when something changed).",
			   c->updated);
	return ferror(f) ? -1 : 0;
}
