/*
 * fsched_heartbeat.h - Slurm's controller heartbeat file.
 *
 * slurmctld 22.05 (heartbeat.c) writes <StateSaveLocation>/heartbeat every
 * min(SlurmctldTimeout/4, 30) seconds when two or more SlurmctldHost are
 * configured: 16 bytes, big-endian uint64 time, big-endian uint64
 * SlurmctldHost index of the writer, mode 0600.  It replaces the file by
 * unlink() + link(), so the name briefly does not exist: readers retry on
 * ENOENT.
 */
#ifndef FSCHED_HEARTBEAT_H
#define FSCHED_HEARTBEAT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "fsched_err.h"

#define FSCHED_HEARTBEAT_SIZE 16

typedef struct fsched_heartbeat {
	time_t time;		/* when the active controller wrote it */
	int index;		/* its SlurmctldHost index */
} fsched_heartbeat_t;

/*
 * Decode the file content.  Errors: wrong size, time 0 or in the far
 * future (max_time), index >= max_index.  path names the input.
 */
int fsched_heartbeat_parse(const void *buf, size_t len, const char *path,
			   time_t max_time, int max_index,
			   fsched_heartbeat_t *hb, fsched_err_t *err);

/*
 * Read <state_save_location>/heartbeat, retrying while it is missing
 * (up to about half a second).  ENOENT after that means no heartbeat.
 */
int fsched_heartbeat_read(const char *state_save_location, int max_index,
			  fsched_heartbeat_t *hb, fsched_err_t *err);

#endif /* FSCHED_HEARTBEAT_H */
