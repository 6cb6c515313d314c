/*
 * fsched_manifest.c - manifest.json, the host-local marker and the
 * one-shot guard override.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsched_file.h"
#include "fsched_json.h"
#include "fsched_manifest.h"
#include "fsched_state.h"

const char *const fsched_state_file_names[] = {
	"job_state", "node_state", "part_state", "resv_state",
	"trigger_state", "last_config_lite", "assoc_mgr_state",
	"assoc_usage", "qos_usage", "front_end_state", NULL
};

void fsched_manifest_stat_files(const char *state_save_location,
				fsched_manifest_t *m)
{
	m->nfiles = 0;
	for (int i = 0; fsched_state_file_names[i] &&
			m->nfiles < FSCHED_MAX_STATE_FILES; i++) {
		fsched_statefile_t *f = &m->files[m->nfiles++];
		char path[4096];
		struct stat st;

		memset(f, 0, sizeof(*f));
		f->name = fsched_state_file_names[i];
		snprintf(path, sizeof(path), "%s/%s", state_save_location,
			 f->name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			f->present = true;
			f->size = (int64_t)st.st_size;
			f->mtime = (int64_t)st.st_mtim.tv_sec;
			f->mtime_ns = (int64_t)st.st_mtim.tv_nsec;
		}
	}
}

const fsched_statefile_t *fsched_manifest_file(const fsched_manifest_t *m,
					       const char *name)
{
	for (int i = 0; i < m->nfiles; i++)
		if (!strcmp(m->files[i].name, name))
			return &m->files[i];
	return NULL;
}

int fsched_cluster_id_new(char *out, fsched_err_t *err)
{
	unsigned char raw[FSCHED_CLUSTER_ID_LEN / 2];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fsched_err_sys(err, errno, "getrandom");
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

static bool valid_cluster_id(const char *s)
{
	if (strlen(s) != FSCHED_CLUSTER_ID_LEN)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* Copy a bounded string field; error if too long. */
static int copy_str(char *dst, size_t size, const char *src,
		    const char *what, const char *key, fsched_err_t *err)
{
	size_t n = strlen(src);

	if (n >= size)
		return fsched_err_set(err, EINVAL, "%s: field \"%s\" is too long",
				      what, key);
	memcpy(dst, src, n + 1);
	return 0;
}

static int get_cluster_id(struct json_object *o, const char *what,
			  char *out, fsched_err_t *err)
{
	const char *s;

	if (fsched_json_get_string(o, what, "cluster_id", &s, err) < 0)
		return -1;
	if (!valid_cluster_id(s))
		return fsched_err_set(err, EINVAL, "%s: field \"cluster_id\" is not %d lowercase hex digits",
				      what, FSCHED_CLUSTER_ID_LEN);
	memcpy(out, s, FSCHED_CLUSTER_ID_LEN + 1);
	return 0;
}

struct json_object *fsched_manifest_to_json(const fsched_manifest_t *m)
{
	struct json_object *o = json_object_new_object();
	struct json_object *files = json_object_new_object();

	if (!o || !files) {
		json_object_put(o);
		json_object_put(files);
		return NULL;
	}
	fsched_json_add_int64(o, "version", FSCHED_MANIFEST_VERSION);
	fsched_json_add_string(o, "cluster_id", m->cluster_id);
	fsched_json_add_string(o, "cluster", m->cluster);
	fsched_json_add_string(o, "host", m->host);
	fsched_json_add_int64(o, "index", m->index);
	fsched_json_add_int64(o, "epoch", m->epoch);
	fsched_json_add_int64(o, "time", m->time);
	fsched_json_add_string(o, "reason", m->reason);
	fsched_json_add_int64(o, "jobs", m->jobs);
	fsched_json_add_int64(o, "last_job_id", m->last_job_id);
	for (int i = 0; i < m->nfiles; i++) {
		const fsched_statefile_t *f = &m->files[i];
		struct json_object *fo;

		if (!f->present)
			continue;
		fo = json_object_new_object();
		fsched_json_add_int64(fo, "size", f->size);
		fsched_json_add_int64(fo, "mtime", f->mtime);
		fsched_json_add_int64(fo, "mtime_ns", f->mtime_ns);
		json_object_object_add(files, f->name, fo);
	}
	json_object_object_add(o, "files", files);
	return o;
}

int fsched_manifest_from_json(struct json_object *o, const char *what,
			      fsched_manifest_t *m, fsched_err_t *err)
{
	struct json_object *files;
	const char *s;
	int64_t v;

	memset(m, 0, sizeof(*m));
	if (fsched_json_check_version(o, what, FSCHED_MANIFEST_VERSION, err) < 0 ||
	    get_cluster_id(o, what, m->cluster_id, err) < 0)
		return -1;
	s = "";
	if (fsched_json_get_string_opt(o, what, "cluster", &s, err) < 0 ||
	    copy_str(m->cluster, sizeof(m->cluster), s, what, "cluster",
		     err) < 0)
		return -1;
	if (fsched_json_get_string(o, what, "host", &s, err) < 0 ||
	    copy_str(m->host, sizeof(m->host), s, what, "host", err) < 0)
		return -1;
	if (fsched_json_get_int64(o, what, "index", 0, 1000, &v, err) < 0)
		return -1;
	m->index = (int)v;
	if (fsched_json_get_int64(o, what, "epoch", 0, INT64_MAX / 2,
				  &m->epoch, err) < 0 ||
	    fsched_json_get_int64(o, what, "time", 1, INT64_MAX / 2,
				  &m->time, err) < 0)
		return -1;
	s = "";
	if (fsched_json_get_string_opt(o, what, "reason", &s, err) < 0 ||
	    copy_str(m->reason, sizeof(m->reason), s, what, "reason",
		     err) < 0)
		return -1;
	if (fsched_json_get_int64(o, what, "jobs", 0, INT64_MAX / 2,
				  &m->jobs, err) < 0 ||
	    fsched_json_get_int64(o, what, "last_job_id", 0, UINT32_MAX,
				  &m->last_job_id, err) < 0)
		return -1;
	if (!json_object_object_get_ex(o, "files", &files) ||
	    !json_object_is_type(files, json_type_object))
		return fsched_err_set(err, EINVAL, "%s: missing field \"files\" (object)",
				      what);
	for (int i = 0; fsched_state_file_names[i] &&
			m->nfiles < FSCHED_MAX_STATE_FILES; i++) {
		fsched_statefile_t *f = &m->files[m->nfiles++];
		struct json_object *fo;
		char fwhat[512];

		f->name = fsched_state_file_names[i];
		if (!json_object_object_get_ex(files, f->name, &fo))
			continue;
		snprintf(fwhat, sizeof(fwhat), "%s: files.%s", what, f->name);
		if (!json_object_is_type(fo, json_type_object))
			return fsched_err_set(err, EINVAL, "%s must be object",
					      fwhat);
		if (fsched_json_get_int64(fo, fwhat, "size", 0, INT64_MAX / 2,
					  &f->size, err) < 0 ||
		    fsched_json_get_int64(fo, fwhat, "mtime", 0, INT64_MAX / 2,
					  &f->mtime, err) < 0 ||
		    fsched_json_get_int64_opt(fo, fwhat, "mtime_ns", 0,
					      999999999, &f->mtime_ns,
					      err) < 0)
			return -1;
		f->present = true;
	}
	return 0;
}

static int decode_manifest(struct json_object *o, const char *what,
			   void *out, fsched_err_t *err)
{
	return fsched_manifest_from_json(o, what, out, err);
}

int fsched_manifest_read(const char *dir, fsched_manifest_t *m,
			 fsched_err_t *err)
{
	return fsched_json_load(dir, FSCHED_MANIFEST_FILE, decode_manifest, m,
				err);
}

int fsched_manifest_write(const char *dir, const fsched_manifest_t *m,
			  fsched_err_t *err)
{
	struct json_object *o = fsched_manifest_to_json(m);
	int rc;

	if (!o)
		return fsched_err_sys(err, ENOMEM, "manifest");
	rc = fsched_json_write_file(dir, FSCHED_MANIFEST_FILE, o,
				    FSCHED_STATE_FILE_MODE, err);
	json_object_put(o);
	return rc;
}

/* cluster-<name>.json, name limited to safe characters (caller frees). */
static char *marker_name(const char *cluster)
{
	char name[160], *p;
	const char *c = (cluster && cluster[0]) ? cluster : "default";
	size_t i;

	for (i = 0; c[i] && i < 100; i++)
		name[i] = (strchr("/\\ \t\n", c[i])) ? '_' : c[i];
	name[i] = '\0';
	if (asprintf(&p, "cluster-%s.json", name) < 0)
		return NULL;
	return p;
}

static int decode_marker(struct json_object *o, const char *what, void *out,
			 fsched_err_t *err)
{
	fsched_marker_t *mk = out;
	const char *s = "";

	if (fsched_json_check_version(o, what, FSCHED_MARKER_VERSION, err) < 0 ||
	    get_cluster_id(o, what, mk->cluster_id, err) < 0 ||
	    fsched_json_get_string_opt(o, what, "state_dir", &s, err) < 0 ||
	    copy_str(mk->state_dir, sizeof(mk->state_dir), s, what,
		     "state_dir", err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "time", 0, INT64_MAX / 2,
				      &mk->time, err) < 0)
		return -1;
	return 0;
}

int fsched_marker_read(const char *local_dir, const char *cluster,
		       fsched_marker_t *mk, fsched_err_t *err)
{
	char *name = marker_name(cluster);
	int rc;

	memset(mk, 0, sizeof(*mk));
	if (!name)
		return fsched_err_sys(err, ENOMEM, "marker");
	rc = fsched_json_load(local_dir, name, decode_marker, mk, err);
	free(name);
	return rc;
}

int fsched_marker_write(const char *local_dir, const char *cluster,
			const fsched_marker_t *mk, fsched_err_t *err)
{
	char *name = marker_name(cluster);
	struct json_object *o = json_object_new_object();
	int rc = -1;

	if (!name || !o) {
		fsched_err_sys(err, ENOMEM, "marker");
		goto out;
	}
	fsched_json_add_int64(o, "version", FSCHED_MARKER_VERSION);
	fsched_json_add_string(o, "cluster_id", mk->cluster_id);
	fsched_json_add_string(o, "state_dir", mk->state_dir);
	fsched_json_add_int64(o, "time", mk->time);
	rc = fsched_json_write_file(local_dir, name, o, FSCHED_STATE_FILE_MODE,
				    err);
out:
	json_object_put(o);
	free(name);
	return rc;
}

static int decode_allow_once(struct json_object *o, const char *what,
			     void *out, fsched_err_t *err)
{
	fsched_allow_once_t *ao = out;
	const char *by = "", *reason = "";

	if (fsched_json_check_version(o, what, FSCHED_ALLOW_ONCE_VERSION,
				      err) < 0 ||
	    fsched_json_get_int64(o, what, "created", 0, INT64_MAX / 2,
				  &ao->created, err) < 0 ||
	    fsched_json_get_int64(o, what, "expires", 0, INT64_MAX / 2,
				  &ao->expires, err) < 0 ||
	    fsched_json_get_string_opt(o, what, "by", &by, err) < 0 ||
	    copy_str(ao->by, sizeof(ao->by), by, what, "by", err) < 0 ||
	    fsched_json_get_string_opt(o, what, "reason", &reason, err) < 0 ||
	    copy_str(ao->reason, sizeof(ao->reason), reason, what, "reason",
		     err) < 0)
		return -1;
	return 0;
}

int fsched_allow_once_read(const char *local_dir, fsched_allow_once_t *ao,
			   fsched_err_t *err)
{
	memset(ao, 0, sizeof(*ao));
	return fsched_json_load(local_dir, FSCHED_ALLOW_ONCE_FILE,
				decode_allow_once, ao, err);
}

int fsched_allow_once_write(const char *local_dir,
			    const fsched_allow_once_t *ao, fsched_err_t *err)
{
	struct json_object *o = json_object_new_object();
	int rc;

	if (!o)
		return fsched_err_sys(err, ENOMEM, "allow-once");
	fsched_json_add_int64(o, "version", FSCHED_ALLOW_ONCE_VERSION);
	fsched_json_add_int64(o, "created", ao->created);
	fsched_json_add_int64(o, "expires", ao->expires);
	fsched_json_add_string(o, "by", ao->by);
	fsched_json_add_string(o, "reason", ao->reason);
	rc = fsched_json_write_file(local_dir, FSCHED_ALLOW_ONCE_FILE, o,
				    FSCHED_STATE_FILE_MODE, err);
	json_object_put(o);
	return rc;
}

int fsched_allow_once_consume(const char *local_dir, fsched_err_t *err)
{
	char *path = fsched_path(local_dir, FSCHED_ALLOW_ONCE_FILE);
	int rc = 0;

	if (!path)
		return fsched_err_sys(err, ENOMEM, "allow-once");
	if (unlink(path) < 0 && errno != ENOENT)
		rc = fsched_err_sys(err, errno, "cannot remove %s", path);
	else
		(void)fsched_fsync_dir(local_dir, NULL);
	free(path);
	return rc;
}
