/*
 * fsched_active.h - active.json: which controller is active, since when,
 * and how many times control has changed hands.
 *
 * Written by fsched-hook as SlurmctldPrimaryOnProg on the host that became
 * primary.  The rule for epoch: it counts real changes of the active
 * controller.  A primary-on by a host other than the recorded one is a
 * takeover (epoch + 1, since = now); a primary-on by the recorded host is a
 * restart of the same controller (epoch and since unchanged, starts + 1);
 * the first primary-on ever starts at epoch 1.  Takeovers so far are
 * epoch - 1.
 */
#ifndef FSCHED_ACTIVE_H
#define FSCHED_ACTIVE_H

#include <stdint.h>
#include <time.h>

#include <json.h>

#include "fsched_err.h"

#define FSCHED_ACTIVE_VERSION 1
#define FSCHED_HOST_MAX 256

typedef struct fsched_active {
	char host[FSCHED_HOST_MAX];	/* active controller */
	int index;			/* its SlurmctldHost index */
	int64_t epoch;			/* changes of controller, from 1 */
	time_t since;			/* when it became active */
	time_t last_start;		/* its latest primary-on */
	int64_t starts;			/* primary-on count since `since` */
	char prev_host[FSCHED_HOST_MAX];	/* "" if none */
	int prev_index;			/* -1 if none */
	time_t prev_since;
} fsched_active_t;

enum fsched_primary_kind {
	FSCHED_PRIMARY_FIRST,		/* no earlier record */
	FSCHED_PRIMARY_TAKEOVER,	/* another host was active */
	FSCHED_PRIMARY_RESTART,		/* the same host again */
};

/*
 * The record after host (SlurmctldHost index) runs primary-on at now.
 * prev is the current record, or NULL if there is none.
 */
enum fsched_primary_kind fsched_active_next(const fsched_active_t *prev,
					    const char *host, int index,
					    time_t now, fsched_active_t *next);

/* "first", "takeover", "restart" */
const char *fsched_primary_kind_str(enum fsched_primary_kind kind);

/* Encode / decode.  to_json returns a new object (caller puts). */
struct json_object *fsched_active_to_json(const fsched_active_t *a);
int fsched_active_from_json(struct json_object *o, const char *what,
			    fsched_active_t *a, fsched_err_t *err);

/* dir/active.json; read fails with ENOENT when there is no record. */
int fsched_active_read(const char *dir, fsched_active_t *a,
		       fsched_err_t *err);
int fsched_active_write(const char *dir, const fsched_active_t *a,
			fsched_err_t *err);

#endif /* FSCHED_ACTIVE_H */
