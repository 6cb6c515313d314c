/*
 * fsched_conf.c - fsched.conf reader.
 *
 * Table-driven: each key has a type, bounds and a field.  Reads the file
 * with fsched_kv (Slurm's Key=Value syntax, no Include).
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fsched_conf.h"
#include "fsched_kv.h"

#ifndef FSCHED_LOCALSTATEDIR
#define FSCHED_LOCALSTATEDIR "/var/lib/fsched"
#endif
#ifndef FSCHED_RUNSTATEDIR
#define FSCHED_RUNSTATEDIR "/run/fsched"
#endif

enum key_type { K_PATH, K_LONG, K_BOOL, K_GUARD, K_TRI, K_MODE };

struct key {
	const char *name;
	enum key_type type;
	size_t off;
	long min, max;
};

#define F(field) offsetof(fsched_conf_t, field)

static const struct key keys[] = {
	{ "StateDir",		K_PATH,  F(state_dir),		0, 0 },
	{ "LocalStateDir",	K_PATH,  F(local_dir),		0, 0 },
	{ "StateGuard",		K_GUARD, F(state_guard),	0, 0 },
	{ "RequireSharedState",	K_TRI,   F(require_shared_state), 0, 0 },
	{ "JournalFlushMs",	K_LONG,  F(journal_flush_ms),	1, 60000 },
	{ "JournalMaxQueue",	K_LONG,  F(journal_max_queue),	16, 10000000 },
	{ "JournalIndexDays",	K_LONG,  F(journal_index_days),	1, 3660 },
	{ "JournalFileMode",	K_MODE,  F(journal_file_mode),	0, 0 },
	{ "MetricsFile",	K_PATH,  F(metrics_file),	0, 0 },
	{ "HookDir",		K_PATH,  F(hook_dir),		0, 0 },
	{ "HookTimeout",	K_LONG,  F(hook_timeout),	1, 3600 },
	{ "EventsMaxBytes",	K_LONG,  F(events_max_bytes),	4096, 1L << 30 },
	{ "ManifestInterval",	K_LONG,  F(manifest_interval),	1, 3600 },
	{ "StatusFile",		K_PATH,  F(status_file),	0, 0 },
	{ "WatchInterval",	K_LONG,  F(watch_interval),	1, 3600 },
	{ "MitigateBug17032",	K_BOOL,  F(mitigate_bug_17032),	0, 0 },
	{ "ReexecStandby",	K_BOOL,  F(reexec_standby),	0, 0 },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

const char *fsched_guard_mode_str(enum fsched_guard_mode mode)
{
	switch (mode) {
	case FSCHED_GUARD_ENFORCE:
		return "enforce";
	case FSCHED_GUARD_WARN:
		return "warn";
	case FSCHED_GUARD_OFF:
		return "off";
	}
	return "?";
}

void fsched_conf_init(fsched_conf_t *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->state_guard = FSCHED_GUARD_ENFORCE;
	conf->require_shared_state = FSCHED_AUTO;
	conf->journal_flush_ms = 100;
	conf->journal_max_queue = 100000;
	conf->journal_index_days = 3;
	conf->journal_file_mode = 0640;
	conf->hook_timeout = 30;
	conf->events_max_bytes = 1L << 20;
	conf->manifest_interval = 30;
	conf->watch_interval = 10;
	conf->mitigate_bug_17032 = true;
	conf->reexec_standby = true;
}

void fsched_conf_free(fsched_conf_t *conf)
{
	free(conf->path);
	free(conf->state_dir);
	free(conf->local_dir);
	free(conf->metrics_file);
	free(conf->hook_dir);
	free(conf->status_file);
	fsched_conf_init(conf);
}

char *fsched_conf_path(const char *slurm_conf)
{
	const char *env = getenv("FSCHED_CONF");
	const char *slash;
	char *path;

	if (env && env[0])
		return strdup(env);
	slash = slurm_conf ? strrchr(slurm_conf, '/') : NULL;
	if (!slash)
		return strdup("fsched.conf");
	if (asprintf(&path, "%.*s/fsched.conf", (int)(slash - slurm_conf),
		     slurm_conf) < 0)
		return NULL;
	return path;
}

struct load {
	fsched_conf_t *conf;
	int seen[NKEYS];	/* line where each key was set, 0: not set */
};

static int set_key(void *arg, const fsched_kv_pair_t *pr, fsched_err_t *err)
{
	struct load *ld = arg;
	const struct key *k = NULL;
	fsched_err_t verr;
	char *field, q[FSCHED_ERR_QUOTE_MAX];
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		if (!strcasecmp(pr->key, keys[i].name)) {
			k = &keys[i];
			break;
		}
	}
	if (!k)
		return fsched_err_set(err, EINVAL, "%s:%d: unknown key %s",
				      pr->file, pr->line,
				      fsched_err_quote(pr->key, q, sizeof(q)));
	if (ld->seen[i])
		return fsched_err_set(err, EINVAL, "%s:%d: %s set twice (first at line %d)",
				      pr->file, pr->line, k->name,
				      ld->seen[i]);
	ld->seen[i] = pr->line;
	field = (char *)ld->conf + k->off;

	switch (k->type) {
	case K_PATH:
		if (pr->value[0] != '/')
			return fsched_err_set(err, EINVAL, "%s:%d: %s must be an absolute path, not %s",
					      pr->file, pr->line, k->name,
					      fsched_err_quote(pr->value, q,
							       sizeof(q)));
		if (strstr(pr->value, "/../") ||
		    (strlen(pr->value) >= 3 &&
		     !strcmp(pr->value + strlen(pr->value) - 3, "/..")))
			return fsched_err_set(err, EINVAL, "%s:%d: %s must not contain \"..\": %s",
					      pr->file, pr->line, k->name,
					      fsched_err_quote(pr->value, q,
							       sizeof(q)));
		free(*(char **)field);
		if (!(*(char **)field = strdup(pr->value)))
			return fsched_err_sys(err, ENOMEM, "%s", pr->file);
		return 0;
	case K_LONG:
		if (fsched_kv_long(pr->value, k->min, k->max, (long *)field,
				   &verr) == 0)
			return 0;
		break;
	case K_BOOL:
		if (fsched_kv_bool(pr->value, (bool *)field, &verr) == 0)
			return 0;
		break;
	case K_GUARD:
		if (!strcasecmp(pr->value, "enforce")) {
			*(enum fsched_guard_mode *)field = FSCHED_GUARD_ENFORCE;
			return 0;
		} else if (!strcasecmp(pr->value, "warn")) {
			*(enum fsched_guard_mode *)field = FSCHED_GUARD_WARN;
			return 0;
		} else if (!strcasecmp(pr->value, "off")) {
			*(enum fsched_guard_mode *)field = FSCHED_GUARD_OFF;
			return 0;
		}
		fsched_err_set(&verr, EINVAL, "%s is not one of enforce, warn, off",
			       fsched_err_quote(pr->value, q, sizeof(q)));
		break;
	case K_MODE: {
		char *end;
		long m = strtol(pr->value, &end, 8);

		/* Owner reads and writes; nobody else writes or executes. */
		if (!pr->value[0] || *end || m < 0 || m > 0777 ||
		    (m & 0600) != 0600 || (m & 0133)) {
			fsched_err_set(&verr, EINVAL, "%s is not an octal mode with owner read-write and no write or execute for others (e.g. 0640, 0644, 0600)",
				       fsched_err_quote(pr->value, q,
							sizeof(q)));
			break;
		}
		*(long *)field = m;
		return 0;
	}
	case K_TRI:
		if (!strcasecmp(pr->value, "auto")) {
			*(enum fsched_tristate *)field = FSCHED_AUTO;
			return 0;
		} else {
			bool b;

			if (fsched_kv_bool(pr->value, &b, &verr) == 0) {
				*(enum fsched_tristate *)field =
					b ? FSCHED_YES : FSCHED_NO;
				return 0;
			}
			fsched_err_set(&verr, EINVAL, "%s is not one of yes, no, auto",
				       fsched_err_quote(pr->value, q,
							sizeof(q)));
		}
		break;
	}
	return fsched_err_set(err, verr.errnum, "%s:%d: bad value for %s: %s",
			      pr->file, pr->line, k->name, verr.msg);
}

/* Defaults that need memory: set after reading, for unset keys. */
static int dynamic_defaults(fsched_conf_t *conf, fsched_err_t *err)
{
	if (!conf->local_dir &&
	    !(conf->local_dir = strdup(FSCHED_LOCALSTATEDIR)))
		return fsched_err_sys(err, ENOMEM, "fsched.conf");
	if (!conf->status_file &&
	    !(conf->status_file = strdup(FSCHED_RUNSTATEDIR "/status.json")))
		return fsched_err_sys(err, ENOMEM, "fsched.conf");
	return 0;
}

int fsched_conf_load(fsched_conf_t *conf, const char *path,
		     fsched_err_t *err)
{
	struct load ld = { .conf = conf };
	fsched_err_t perr;
	char *p;
	int rc = 0;

	fsched_conf_init(conf);
	if (!(p = strdup(path)))
		return fsched_err_sys(err, ENOMEM, "%s", path);
	/* ENOENT: no fsched.conf, every default applies. */
	if (fsched_kv_parse_file(path, false, set_key, &ld, &perr) < 0 &&
	    perr.errnum != ENOENT) {
		fsched_conf_free(conf);
		rc = fsched_err_set(err, perr.errnum, "%s", perr.msg);
	}
	conf->path = p;
	if (dynamic_defaults(conf, err) < 0)
		return -1;
	return rc;
}
