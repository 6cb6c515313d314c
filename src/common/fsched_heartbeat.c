/*
 * fsched_heartbeat.c - reader of Slurm's heartbeat file.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fsched_file.h"
#include "fsched_heartbeat.h"
#include "fsched_state.h"

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

int fsched_heartbeat_parse(const void *buf, size_t len, const char *path,
			   time_t max_time, int max_index,
			   fsched_heartbeat_t *hb, fsched_err_t *err)
{
	uint64_t t, inx;

	if (len != FSCHED_HEARTBEAT_SIZE)
		return fsched_err_set(err, EINVAL, "%s: %zu bytes, expected %d",
				      path, len, FSCHED_HEARTBEAT_SIZE);
	t = be64(buf);
	inx = be64((const unsigned char *)buf + 8);
	if (t == 0 || t > (uint64_t)max_time)
		return fsched_err_set(err, EINVAL, "%s: implausible time %llu",
				      path, (unsigned long long)t);
	if (inx >= (uint64_t)max_index)
		return fsched_err_set(err, EINVAL, "%s: controller index %llu, but only %d SlurmctldHost configured",
				      path, (unsigned long long)inx,
				      max_index);
	hb->time = (time_t)t;
	hb->index = (int)inx;
	return 0;
}

int fsched_heartbeat_read(const char *state_save_location, int max_index,
			  fsched_heartbeat_t *hb, fsched_err_t *err)
{
	char *path = fsched_path(state_save_location, FSCHED_HEARTBEAT_FILE);
	char *buf = NULL;
	size_t len;
	int rc = -1;

	if (!path)
		return fsched_err_sys(err, ENOMEM, "heartbeat");
	for (int attempt = 0; attempt < 6; attempt++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		rc = fsched_read_file(path, 4096, &buf, &len, err);
		if (rc == 0 || errno != ENOENT)
			break;
		/* Slurm unlinks before it links the new file: retry. */
		nanosleep(&ts, NULL);
	}
	if (rc == 0) {
		/* A file from the future by more than a day is garbage. */
		rc = fsched_heartbeat_parse(buf, len, path,
					    time(NULL) + 86400, max_index,
					    hb, err);
	}
	free(buf);
	free(path);
	return rc;
}
