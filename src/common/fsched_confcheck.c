/*
 * fsched_confcheck.c - the checks of "fsched-hook check-config".
 *
 * fsched_confcheck() reads nothing itself: the parsed slurm.conf and
 * fsched.conf come from the caller, the machine's facts from callbacks.
 * The credential helpers at the end read the user and group databases
 * and stat() the directories of a path.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsched_confcheck.h"

void fsched_findings_free(fsched_findings_t *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].file);
		free(f->v[i].setting);
		free(f->v[i].message);
		free(f->v[i].fix);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

size_t fsched_findings_count(const fsched_findings_t *f,
			     enum fsched_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].severity == sev)
			n++;
	return n;
}

const char *fsched_severity_str(enum fsched_severity sev)
{
	static const char *const s[] = { "info", "warning", "error" };

	return (sev >= FSCHED_SEV_INFO && sev <= FSCHED_SEV_ERROR) ? s[sev] :
								       "?";
}

char *fsched_finding_format(const fsched_finding_t *f, char *buf, size_t len)
{
	char where[PATH_MAX + 32] = "";

	if (f->file && f->line > 0)
		snprintf(where, sizeof(where), "%s:%d: ", f->file, f->line);
	else if (f->file)
		snprintf(where, sizeof(where), "%s: ", f->file);
	snprintf(buf, len, "%s: %s%s: %s%s%s", fsched_severity_str(f->severity),
		 where, f->setting, f->message, f->fix ? " -> " : "",
		 f->fix ? f->fix : "");
	return buf;
}

/* The state of one fsched_confcheck() call. */
struct check {
	const fsched_slurmconf_t *sc;
	const fsched_conf_t *conf;
	const fsched_confcheck_facts_t *facts;
	fsched_findings_t *out;
	int failed;		/* errno of an allocation failure, or 0 */
};

static char *dup_or_null(const char *s, int *failed)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strdup(s)))
		*failed = ENOMEM;
	return d;
}

/* Append a finding; fix may be NULL.  Allocation failures set c->failed. */
static void add(struct check *c, enum fsched_severity sev, const char *file,
		int line, const char *setting, const char *fix,
		const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
static void add(struct check *c, enum fsched_severity sev, const char *file,
		int line, const char *setting, const char *fix,
		const char *fmt, ...)
{
	fsched_findings_t *out = c->out;
	fsched_finding_t *f;
	va_list ap;

	if (c->failed)
		return;
	if (out->n == out->cap) {
		size_t cap = out->cap ? 2 * out->cap : 16;
		fsched_finding_t *v = realloc(out->v, cap * sizeof(*v));

		if (!v) {
			c->failed = ENOMEM;
			return;
		}
		out->v = v;
		out->cap = cap;
	}
	f = &out->v[out->n];
	memset(f, 0, sizeof(*f));
	f->severity = sev;
	f->line = line;
	f->file = dup_or_null(file, &c->failed);
	f->setting = dup_or_null(setting, &c->failed);
	f->fix = dup_or_null(fix, &c->failed);
	va_start(ap, fmt);
	if (vasprintf(&f->message, fmt, ap) < 0) {
		f->message = NULL;
		c->failed = ENOMEM;
	}
	va_end(ap);
	out->n++;	/* freed by fsched_findings_free() even if partial */
}

/* Where key was set, or the main slurm.conf (line 0) for a default. */
static const char *key_file(const struct check *c,
			    enum fsched_slurmconf_key key, int *line)
{
	*line = c->sc->loc[key].line;
	return c->sc->loc[key].file ? c->sc->loc[key].file : c->sc->path;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "a, b, c" of n names into buf. */
static void join(char *const *names, int n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? ", " : "", names[i]);
}

static void check_controllers(struct check *c)
{
	const fsched_slurmconf_t *sc = c->sc;
	char *sorted[FSCHED_MAX_CTLD];
	char listed[1024], want[1024];

	if (sc->ctld_cnt < 1)
		return;		/* fsched_slurmconf_load() refuses it */
	if (sc->ctld_cnt < 2) {
		add(c, FSCHED_SEV_ERROR, sc->ctld_file[0], sc->ctld_line[0],
		    "SlurmctldHost",
		    "add a second SlurmctldHost line, for the standby head node",
		    "only one controller (%s): no standby, no failover",
		    sc->ctld_host[0]);
		return;
	}
	memcpy(sorted, sc->ctld_host, sizeof(sorted[0]) * sc->ctld_cnt);
	qsort(sorted, (size_t)sc->ctld_cnt, sizeof(sorted[0]), cmp_str);
	for (int i = 0; i < sc->ctld_cnt; i++) {
		if (strcmp(sorted[i], sc->ctld_host[i])) {
			join(sc->ctld_host, sc->ctld_cnt, listed,
			     sizeof(listed));
			join(sorted, sc->ctld_cnt, want, sizeof(want));
			add(c, FSCHED_SEV_INFO, sc->ctld_file[0],
			    sc->ctld_line[0], "SlurmctldHost",
			    "if the primary should be the first by host name, reorder the SlurmctldHost lines (Slurm's primary is the first line)",
			    "controllers in slurm.conf order: %s; sorted by host name, as the product manual orders head nodes (the first is the primary): %s",
			    listed, want);
			return;
		}
	}
}

/* A directory every controller must share (StateSaveLocation, StateDir). */
static void check_shared(struct check *c, const char *setting,
			 const char *path, const char *file, int line)
{
	const fsched_confcheck_facts_t *fx = c->facts;
	fsched_err_t err;
	char type[64];
	bool network = false, mp = false;

	if (fx->fs_type(fx->arg, path, type, sizeof(type), &network,
			&err) < 0 ||
	    (!network && fx->is_mount_point(fx->arg, path, &mp, &err) < 0)) {
		add(c, FSCHED_SEV_WARNING, file, line, setting,
		    "run check-config on a head node, where it is mounted",
		    "cannot check whether %s is shared: %s", path, err.msg);
		return;
	}
	if (network)
		add(c, FSCHED_SEV_INFO, file, line, setting, NULL,
		    "%s is on a network file system (%s)", path, type);
	else if (mp)
		add(c, FSCHED_SEV_INFO, file, line, setting, NULL,
		    "%s is a mount point (%s), not a known network file system: every controller must mount the same storage there",
		    path, type);
	else
		add(c, FSCHED_SEV_ERROR, file, line, setting,
		    "put it on storage every controller mounts (NFS or a cluster file system; see fsched-hook check-storage)",
		    "%s is on a local %s file system and not a mount point, but %d controllers are configured: a controller taking over would not see the state of the previous one",
		    path, type, c->sc->ctld_cnt);
}

static void check_timeout(struct check *c)
{
	long t = c->sc->slurmctld_timeout;
	long beat = t / 4 < 30 ? t / 4 : 30;
	long ping = t / 3 > 1 ? t / 3 : 1;
	char beat_s[32];
	const char *file;
	char fix[128];
	int line;

	file = key_file(c, FSCHED_SC_SLURMCTLD_TIMEOUT, &line);
	snprintf(fix, sizeof(fix), "set SlurmctldTimeout to %d or more (the product manual uses about 30 s, Slurm's default is 120)",
		 FSCHED_MIN_SLURMCTLD_TIMEOUT);
	/* Slurm's heartbeat thread waits min(timeout/4, 30) s between beats. */
	if (beat > 0)
		snprintf(beat_s, sizeof(beat_s), "every %ld s", beat);
	else
		snprintf(beat_s, sizeof(beat_s), "continuously");
	if (t < FSCHED_MIN_SLURMCTLD_TIMEOUT)
		add(c, FSCHED_SEV_WARNING, file, line, "SlurmctldTimeout", fix,
		    "%ld s is below %d s: a primary that stalls for a few seconds (a long state save, slow shared storage, a busy RPC queue) is taken over while it still runs%s",
		    t, FSCHED_MIN_SLURMCTLD_TIMEOUT,
		    beat > 0 ? "" : ", and the heartbeat file is rewritten continuously (SlurmctldTimeout/4 is 0)");
	add(c, FSCHED_SEV_INFO, file, line, "SlurmctldTimeout", NULL,
	    "%ld s: the primary rewrites its heartbeat %s, a backup pings the primary every %ld s and takes over after %ld s without an answer or a newer heartbeat",
	    t, beat_s, ping, t);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* SlurmctldPrimaryOnProg / SlurmctldPrimaryOffProg. */
static void check_prog(struct check *c, enum fsched_slurmconf_key key,
		       const char *setting, const char *prog,
		       const char *name, const char *other, const char *why)
{
	const fsched_confcheck_facts_t *fx = c->facts;
	const char *file, *base;
	char fix[PATH_MAX + 128];
	fsched_err_t err;
	int line;

	file = key_file(c, key, &line);
	snprintf(fix, sizeof(fix), "set %s=%s/%s", setting,
		 fx->sbindir ? fx->sbindir : "SBINDIR", name);
	if (!prog) {
		add(c, FSCHED_SEV_WARNING, file, line, setting, fix,
		    "not set: %s", why);
		return;
	}
	base = base_name(prog);
	if (!strcmp(base, other))
		add(c, FSCHED_SEV_ERROR, file, line, setting, fix,
		    "%s runs %s: the two programs are swapped", prog, other);
	else if (strcmp(base, name))
		add(c, FSCHED_SEV_WARNING, file, line, setting, fix,
		    "%s is not %s: %s (run your program from a site hook in HookDir instead)",
		    prog, name, why);

	if (fx->can_exec(fx->arg, prog, c->sc->slurm_user, &err) == 0)
		return;
	if (err.errnum == ESRCH) {
		add(c, FSCHED_SEV_WARNING, file, line, setting,
		    "run check-config on a head node, where SlurmUser exists",
		    "cannot check whether SlurmUser %s can run %s: %s",
		    c->sc->slurm_user, prog, err.msg);
		return;
	}
	snprintf(fix, sizeof(fix), "make sure %s exists and SlurmUser %s can search every directory on the way and execute it",
		 prog, c->sc->slurm_user);
	add(c, FSCHED_SEV_ERROR, file, line, setting, fix,
	    "slurmctld cannot run it as SlurmUser %s: %s", c->sc->slurm_user,
	    err.msg);
}

/* Whether so is a regular file in one of the dirs of a PluginDir list. */
static bool plugin_found(struct check *c, const char *dirs, const char *so)
{
	const fsched_confcheck_facts_t *fx = c->facts;
	const char *p = dirs, *end;

	while (p && *p) {
		char path[PATH_MAX];
		fsched_err_t err;
		struct stat st;
		size_t n;

		end = strchr(p, ':');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n > 0 &&
		    snprintf(path, sizeof(path), "%.*s/%s", (int)n, p, so) <
		    (int)sizeof(path) &&
		    fx->stat(fx->arg, path, &st, &err) == 0 &&
		    S_ISREG(st.st_mode))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* SelectType or JobCompType: fsched's plugin configured and installed. */
static void check_plugin(struct check *c, enum fsched_slurmconf_key key,
			 const char *setting, const char *value,
			 const char *want, const char *so,
			 enum fsched_severity sev, const char *dflt,
			 const char *why, const char *fix)
{
	const char *dirs = c->sc->plugin_dir ? c->sc->plugin_dir :
					       c->facts->default_plugindir;
	char first[PATH_MAX], fix2[PATH_MAX + 160];
	const char *file;
	int line;

	file = key_file(c, key, &line);
	if (!value) {
		add(c, sev, file, line, setting, fix,
		    "not set (Slurm's default is %s): %s", dflt, why);
		return;
	}
	if (strcmp(value, want)) {
		add(c, sev, file, line, setting, fix, "%s: %s", value, why);
		return;
	}
	if (plugin_found(c, dirs, so))
		return;
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(dirs, ":"), dirs);
	snprintf(fix2, sizeof(fix2), "install fsched's plugins into %s (make install), or set PluginDir to where they are",
		 first);
	add(c, FSCHED_SEV_ERROR, file, line, setting, fix2,
	    "%s is not in PluginDir %s: slurmctld cannot load %s", so, dirs,
	    want);
}

static void check_hook_dir(struct check *c)
{
	const fsched_confcheck_facts_t *fx = c->facts;
	const char *dir = c->conf->hook_dir;
	char fix[PATH_MAX + 32];
	fsched_err_t err;
	struct stat st;

	if (!dir)
		return;
	if (fx->stat(fx->arg, dir, &st, &err) < 0) {
		add(c, FSCHED_SEV_WARNING, c->conf->path, 0, "HookDir",
		    "create the directory, or remove HookDir",
		    "%s: no site hooks run", err.msg);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		add(c, FSCHED_SEV_WARNING, c->conf->path, 0, "HookDir",
		    "point HookDir at a directory",
		    "%s is not a directory: no site hooks run", dir);
		return;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(fix, sizeof(fix), "chmod go-w %s", dir);
		add(c, FSCHED_SEV_WARNING, c->conf->path, 0, "HookDir", fix,
		    "%s is writable by group or others (mode %04o): fsched-hook refuses to run its site hooks, which would let others run programs as SlurmUser",
		    dir, (unsigned)(st.st_mode & 07777));
	}
}

int fsched_confcheck(const fsched_slurmconf_t *sc, const fsched_conf_t *conf,
		     const fsched_confcheck_facts_t *facts,
		     fsched_findings_t *out, fsched_err_t *err)
{
	struct check c = {
		.sc = sc, .conf = conf, .facts = facts, .out = out,
	};
	const char *file;
	int line;

	check_controllers(&c);
	if (sc->ctld_cnt >= 2) {
		file = key_file(&c, FSCHED_SC_STATE_SAVE_LOCATION, &line);
		check_shared(&c, "StateSaveLocation", sc->state_save_location,
			     file, line);
		if (conf->state_dir)
			check_shared(&c, "StateDir", conf->state_dir,
				     conf->path, 0);
		check_timeout(&c);
	}
	check_prog(&c, FSCHED_SC_PRIMARY_ON_PROG, "SlurmctldPrimaryOnProg",
		   sc->primary_on_prog, FSCHED_PRIMARY_ON_NAME,
		   FSCHED_PRIMARY_OFF_NAME,
		   "takeovers are not recorded in the fsched state directory and site hooks do not run on takeover");
	check_prog(&c, FSCHED_SC_PRIMARY_OFF_PROG, "SlurmctldPrimaryOffProg",
		   sc->primary_off_prog, FSCHED_PRIMARY_OFF_NAME,
		   FSCHED_PRIMARY_ON_NAME,
		   "step-downs are not recorded in the fsched state directory and site hooks do not run on step-down");
	check_plugin(&c, FSCHED_SC_SELECT_TYPE, "SelectType", sc->select_type,
		     FSCHED_SELECT_TYPE, FSCHED_SELECT_SO, FSCHED_SEV_WARNING,
		     "select/linear",
		     "fsched's state guard is not enabled: a controller that starts without its saved state cancels every job",
		     "set SelectType=select/fsched_cons_tres (it schedules as select/cons_tres, with the same SelectTypeParameters)");
	check_plugin(&c, FSCHED_SC_JOBCOMP_TYPE, "JobCompType",
		     sc->jobcomp_type, FSCHED_JOBCOMP_TYPE, FSCHED_JOBCOMP_SO,
		     FSCHED_SEV_INFO, "jobcomp/none",
		     "fsched's job completion journal is not enabled: completion records can be lost or doubled by a failover",
		     "set JobCompType=jobcomp/fsched (JobCompLoc: the journal directory, default <StateDir>/jobcomp)");
	check_hook_dir(&c);
	if (c.failed)
		return fsched_err_sys(err, c.failed, "check-config");
	return 0;
}

int fsched_cred_lookup(const char *user, fsched_cred_t *cred,
		       fsched_err_t *err)
{
	struct passwd pw, *res = NULL;
	char buf[16384];
	int n, rc;

	memset(cred, 0, sizeof(*cred));
	rc = getpwnam_r(user, &pw, buf, sizeof(buf), &res);
	if (rc)
		return fsched_err_sys(err, rc, "cannot look up user %s", user);
	if (!res)
		return fsched_err_set(err, ESRCH, "no user %s on this host",
				      user);
	snprintf(cred->name, sizeof(cred->name), "%s", user);
	cred->uid = pw.pw_uid;
	n = (int)(sizeof(cred->groups) / sizeof(cred->groups[0]));
	/* Too many groups: the first ones are kept (n is then the total). */
	if (getgrouplist(user, pw.pw_gid, cred->groups, &n) < 0)
		n = (int)(sizeof(cred->groups) / sizeof(cred->groups[0]));
	cred->ngroups = n;
	return 0;
}

bool fsched_mode_allows(const struct stat *st, const fsched_cred_t *cred,
			int want)
{
	mode_t m = st->st_mode, bits;
	bool in_group = false;

	if (cred->uid == 0)
		return !(want & X_OK) || S_ISDIR(m) || (m & 0111);
	for (int i = 0; i < cred->ngroups; i++)
		if (cred->groups[i] == st->st_gid)
			in_group = true;
	if (st->st_uid == cred->uid)
		bits = (m >> 6) & 7;
	else if (in_group)
		bits = (m >> 3) & 7;
	else
		bits = m & 7;
	/* R_OK, W_OK and X_OK are the rwx bits 4, 2, 1. */
	return (bits & (mode_t)want) == (mode_t)want;
}

/* Every directory above the absolute path must be searchable by cred. */
static int check_dirs(const fsched_cred_t *cred, const char *path,
		      fsched_err_t *err)
{
	char dir[PATH_MAX];
	const char *slash = path;
	struct stat st;

	for (; slash; slash = strchr(slash + 1, '/')) {
		size_t n = (size_t)(slash - path);

		if (slash[1] == '\0' || (n > 0 && slash[-1] == '/'))
			continue;	/* trailing or doubled '/' */
		snprintf(dir, sizeof(dir), "%.*s", (int)(n ? n : 1), path);
		if (stat(dir, &st) < 0)
			return fsched_err_sys(err, errno, "%s", dir);
		if (!S_ISDIR(st.st_mode))
			return fsched_err_sys(err, ENOTDIR, "%s", dir);
		if (!fsched_mode_allows(&st, cred, X_OK))
			return fsched_err_set(err, EACCES, "directory %s is not searchable by %s (mode %04o, owner %u:%u)",
					      dir, cred->name,
					      (unsigned)(st.st_mode & 07777),
					      (unsigned)st.st_uid,
					      (unsigned)st.st_gid);
	}
	return 0;
}

int fsched_cred_can_exec(const fsched_cred_t *cred, const char *path,
			 fsched_err_t *err)
{
	char real[PATH_MAX], shown[2 * PATH_MAX + 8];
	struct stat st;

	if (path[0] != '/')
		return fsched_err_set(err, EINVAL, "%s is not an absolute path",
				      path);
	if (strlen(path) >= PATH_MAX)
		return fsched_err_set(err, ENAMETOOLONG, "%s: path too long",
				      path);
	if (check_dirs(cred, path, err) < 0)
		return -1;
	if (!realpath(path, real))
		return fsched_err_sys(err, errno, "%s", path);
	if (strcmp(real, path)) {
		snprintf(shown, sizeof(shown), "%s (-> %s)", path, real);
		if (check_dirs(cred, real, err) < 0)
			return -1;
	} else {
		snprintf(shown, sizeof(shown), "%s", path);
	}
	if (stat(real, &st) < 0)
		return fsched_err_sys(err, errno, "%s", shown);
	if (!S_ISREG(st.st_mode))
		return fsched_err_set(err, EACCES, "%s is not a regular file",
				      shown);
	if (!fsched_mode_allows(&st, cred, X_OK))
		return fsched_err_set(err, EACCES, "%s is not executable by %s (mode %04o, owner %u:%u)",
				      shown, cred->name,
				      (unsigned)(st.st_mode & 07777),
				      (unsigned)st.st_uid,
				      (unsigned)st.st_gid);
	return 0;
}
