/*
 * fsched_query.h - the filters of "sacct -c" over the journal.
 *
 * Filled by jobcomp/fsched's get_jobs() from sacct's job condition: job
 * ids (optionally an array task or a het job component), user ids, group
 * ids, partitions, final states, clusters and a time window.  A run
 * matches when every given filter matches; the window selects runs that
 * ENDED between start and end (inclusive), so only the journal files of
 * those UTC days are read.  Without a start (sacct -j), every file is read.
 */
#ifndef FSCHED_QUERY_H
#define FSCHED_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsched_record.h"

typedef struct fsched_query_job {
	int64_t job_id;
	int64_t array_task_id;	/* -1: any */
	int64_t het_offset;	/* -1: any */
} fsched_query_job_t;

typedef struct fsched_query {
	fsched_query_job_t *jobs;
	size_t njobs;
	int64_t *uids;
	size_t nuids;
	int64_t *gids;
	size_t ngids;
	char **partitions;	/* borrowed */
	size_t npartitions;
	int64_t *states;	/* base job states */
	size_t nstates;
	char **clusters;	/* borrowed */
	size_t nclusters;
	int64_t start;		/* 0: no lower bound */
	int64_t end;		/* 0: no upper bound */
} fsched_query_t;

/* Does rec match every filter of q? */
bool fsched_query_match(const fsched_query_t *q, const fsched_jobrec_t *rec);

/* UTC days of the journal files that can hold matches: [*from, *to]. */
void fsched_query_days(const fsched_query_t *q, int64_t now, uint32_t *from,
		       uint32_t *to);

/*
 * Cheap test on a raw line before it is parsed: false when the line
 * cannot match (today: the job id filter).  Never rejects a line that
 * would match.
 */
bool fsched_query_prefilter(const fsched_query_t *q, const char *line,
			    size_t len);

#endif /* FSCHED_QUERY_H */
