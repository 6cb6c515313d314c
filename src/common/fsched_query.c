/*
 * fsched_query.c - sacct -c filters over journal records.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fsched_journal.h"
#include "fsched_query.h"

static bool in_ints(const int64_t *v, size_t n, int64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static bool in_strs(char *const *v, size_t n, const char *s, bool nocase)
{
	if (!s)
		return false;
	for (size_t i = 0; i < n; i++)
		if (nocase ? !strcasecmp(v[i], s) : !strcmp(v[i], s))
			return true;
	return false;
}

/* A partition field may list several partitions: "a,b". */
static bool partition_match(const fsched_query_t *q, const char *part)
{
	char buf[1024], *tok, *save = NULL;

	if (!part)
		return false;
	snprintf(buf, sizeof(buf), "%s", part);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (in_strs(q->partitions, q->npartitions, tok, true))
			return true;
	return false;
}

static bool job_match(const fsched_query_t *q, const fsched_jobrec_t *r)
{
	for (size_t i = 0; i < q->njobs; i++) {
		const fsched_query_job_t *j = &q->jobs[i];

		/* A job id names the job itself or its whole array. */
		if (r->job_id != j->job_id &&
		    !(r->array_task_id != FSCHED_NO_TASK &&
		      r->array_job_id == j->job_id) &&
		    !(r->het_job_id && r->het_job_id == j->job_id))
			continue;
		if (j->array_task_id >= 0 &&
		    (r->array_task_id != j->array_task_id ||
		     r->array_job_id != j->job_id))
			continue;
		if (j->het_offset >= 0 &&
		    (!r->het_job_id || r->het_job_offset != j->het_offset))
			continue;
		return true;
	}
	return false;
}

bool fsched_query_match(const fsched_query_t *q, const fsched_jobrec_t *r)
{
	if (q->njobs && !job_match(q, r))
		return false;
	if (q->nuids && !in_ints(q->uids, q->nuids, r->user_id))
		return false;
	if (q->ngids && !in_ints(q->gids, q->ngids, r->group_id))
		return false;
	if (q->npartitions && !partition_match(q, r->partition))
		return false;
	if (q->nstates && !in_ints(q->states, q->nstates, r->state_code))
		return false;
	if (q->nclusters && !in_strs(q->clusters, q->nclusters, r->cluster,
				     false))
		return false;
	if (q->start && r->end_time < q->start)
		return false;
	if (q->end && r->end_time > q->end)
		return false;
	return true;
}

void fsched_query_days(const fsched_query_t *q, int64_t now, uint32_t *from,
		       uint32_t *to)
{
	(void)now;
	/* Records live in the file of the UTC day of their end time. */
	*from = q->start ? fsched_day_of(q->start) : 0;
	*to = q->end ? fsched_day_of(q->end) : UINT32_MAX;
}

bool fsched_query_prefilter(const fsched_query_t *q, const char *line,
			    size_t len)
{
	char needle[48];

	/* Only a short list of plain job ids is worth checking. */
	if (!q->njobs || q->njobs > 64)
		return true;
	for (size_t i = 0; i < q->njobs; i++) {
		int n = snprintf(needle, sizeof(needle), "%lld",
				 (long long)q->jobs[i].job_id);

		if (n > 0 && memmem(line, len, needle, (size_t)n))
			return true;
	}
	return false;
}
