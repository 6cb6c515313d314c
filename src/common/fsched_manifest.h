/*
 * fsched_manifest.h - manifest.json, the description of Slurm's saved
 * state that select/fsched_cons_tres writes and its state guard checks.
 *
 * Written by the active controller at each state save and on a timer:
 * cluster identity (a random id made on the first start), writer host,
 * SlurmctldHost index and epoch, time, job count, highest job id, and the
 * size and mtime of each Slurm state file.  Cheap: stat() calls, no
 * hashing.  Also the host-local marker (this host has run this cluster)
 * and the one-shot override of the guard live here.
 */
#ifndef FSCHED_MANIFEST_H
#define FSCHED_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <json.h>

#include "fsched_err.h"

#define FSCHED_MANIFEST_VERSION 1
#define FSCHED_MARKER_VERSION 1
#define FSCHED_ALLOW_ONCE_VERSION 1
#define FSCHED_CLUSTER_ID_LEN 32		/* hex digits */
#define FSCHED_MAX_STATE_FILES 16

/* Slurm 22.05's state files in StateSaveLocation, job_state first. */
extern const char *const fsched_state_file_names[];

typedef struct fsched_statefile {
	const char *name;	/* borrowed: one of fsched_state_file_names */
	bool present;
	int64_t size;
	int64_t mtime;		/* seconds */
	int64_t mtime_ns;	/* nanoseconds part */
} fsched_statefile_t;

typedef struct fsched_manifest {
	char cluster_id[FSCHED_CLUSTER_ID_LEN + 1];
	char cluster[128];		/* ClusterName, may be "" */
	char host[256];			/* writer */
	int index;			/* writer's SlurmctldHost index */
	int64_t epoch;			/* active.json epoch, 0 if unknown */
	int64_t time;			/* when written */
	char reason[16];		/* "save" (state save) or "timer" */
	int64_t jobs;			/* records in the job list */
	int64_t last_job_id;		/* highest job id in the list */
	int nfiles;
	fsched_statefile_t files[FSCHED_MAX_STATE_FILES];
} fsched_manifest_t;

/* stat() every state file of state_save_location into m->files. */
void fsched_manifest_stat_files(const char *state_save_location,
				fsched_manifest_t *m);

/* The entry of m->files for name, or NULL. */
const fsched_statefile_t *fsched_manifest_file(const fsched_manifest_t *m,
					       const char *name);

/* New random cluster id (FSCHED_CLUSTER_ID_LEN hex digits + NUL). */
int fsched_cluster_id_new(char *out, fsched_err_t *err);

struct json_object *fsched_manifest_to_json(const fsched_manifest_t *m);
int fsched_manifest_from_json(struct json_object *o, const char *what,
			      fsched_manifest_t *m, fsched_err_t *err);
/* dir/manifest.json; read fails with ENOENT when there is none. */
int fsched_manifest_read(const char *dir, fsched_manifest_t *m,
			 fsched_err_t *err);
int fsched_manifest_write(const char *dir, const fsched_manifest_t *m,
			  fsched_err_t *err);

/*
 * The host-local marker <local_dir>/cluster-<name>.json: this host has
 * run (or watched) the cluster with this id, whose state lives in
 * state_dir.  name is the ClusterName ("default" if empty).
 */
typedef struct fsched_marker {
	char cluster_id[FSCHED_CLUSTER_ID_LEN + 1];
	char state_dir[1024];
	int64_t time;
} fsched_marker_t;

int fsched_marker_read(const char *local_dir, const char *cluster,
		       fsched_marker_t *mk, fsched_err_t *err);
int fsched_marker_write(const char *local_dir, const char *cluster,
			const fsched_marker_t *mk, fsched_err_t *err);

/*
 * The one-shot override <local_dir>/allow-once.json, written by
 * "fsched-hook guard --allow-once" and consumed by the guard.  Valid
 * until expires.
 */
typedef struct fsched_allow_once {
	int64_t created;
	int64_t expires;
	char by[64];		/* user who asked */
	char reason[256];
} fsched_allow_once_t;

int fsched_allow_once_read(const char *local_dir, fsched_allow_once_t *ao,
			   fsched_err_t *err);
int fsched_allow_once_write(const char *local_dir,
			    const fsched_allow_once_t *ao, fsched_err_t *err);
/* Remove it (ENOENT is success). */
int fsched_allow_once_consume(const char *local_dir, fsched_err_t *err);

#endif /* FSCHED_MANIFEST_H */
