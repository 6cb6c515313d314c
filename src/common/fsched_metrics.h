/*
 * fsched_metrics.h - Prometheus text exposition (format 0.0.4) of
 * fsched's job counters (counters.json), for "fsched-hook watch".
 *
 * The caller decides whether to export them at all: only the active head
 * node does, so that no two hosts report the same job runs.
 */
#ifndef FSCHED_METRICS_H
#define FSCHED_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "fsched_counters.h"

/*
 * Write s to f as the inside of a label value: backslash, double quote
 * and newline escaped as \\, \" and \n, everything else as is.
 */
void fsched_prom_label_value(FILE *f, const char *s);

/*
 * Write one metric family of a single unlabelled sample: its HELP and
 * TYPE ("gauge" or "counter") lines, then "name value".
 */
void fsched_prom_single(FILE *f, const char *name, const char *type,
			const char *help, int64_t value);

/*
 * Write the job counter families of c to f: fsched_counters_readable 1,
 * fsched_jobs_finished_total{partition,state} (one sample per partition
 * and state, none if no run is counted), the journal totals, the queue
 * depth and the time of the update.  c NULL (counters.json unreadable):
 * only fsched_counters_readable 0.  Returns 0, or -1 if the error
 * indicator of f is set (an open_memstream() out of memory).
 */
int fsched_counters_prom(FILE *f, const fsched_counters_t *c);

#endif /* FSCHED_METRICS_H */
