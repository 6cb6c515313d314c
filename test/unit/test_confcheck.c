/*
 * test_confcheck.c - the check-config findings (fsched_confcheck) on
 * slurm.conf/fsched.conf files written to a temp directory, with the
 * machine's facts faked; the locations the slurm.conf reader records;
 * and the permission helpers on real files with a fake user.
 */
#include "config.h"

#include <limits.h>

#include "fsched_confcheck.h"
#include "fsched_slurmconf.h"
#include "fsched_test.h"

static char *dir;

static void setup(void)
{
	dir = test_mkdtemp();
	unsetenv("FSCHED_CONF");
}

static void teardown(void)
{
	test_rmdir(dir);
}

/*
 * tmpl with every '@' replaced by the test directory and every '$' by
 * "uid:gid" of this process; caller frees.
 */
static char *subst(const char *tmpl)
{
	char owner[32];
	size_t n = 1;
	char *s, *p;

	snprintf(owner, sizeof(owner), "%u:%u", (unsigned)geteuid(),
		 (unsigned)getegid());
	for (const char *t = tmpl; *t; t++)
		n += *t == '@' ? strlen(dir) : *t == '$' ? strlen(owner) : 1;
	ck_assert_ptr_nonnull(s = malloc(n));
	for (p = s; *tmpl; tmpl++) {
		if (*tmpl == '@')
			p = stpcpy(p, dir);
		else if (*tmpl == '$')
			p = stpcpy(p, owner);
		else
			*p++ = *tmpl;
	}
	*p = '\0';
	return s;
}

/*
 * The fake machine: every path is on NFS, except local (ext2/3/4, not a
 * mount point), mounted (xfs mount point) and missing (ENOENT).  Regular
 * files: the paths in files; directories: hook_dir with hook_mode.
 */
struct fake {
	const char *local;
	const char *mounted;
	const char *missing;
	const char *noexec;	/* can_exec fails with EACCES */
	bool no_user;		/* can_exec fails with ESRCH */
	const char *files[4];
	const char *hook_dir;
	mode_t hook_mode;
};

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static int fake_fs_type(void *arg, const char *path, char *name, size_t len,
			bool *network, fsched_err_t *err)
{
	const struct fake *f = arg;

	if (same(path, f->missing))
		return fsched_err_sys(err, ENOENT, "%s", path);
	*network = !same(path, f->local) && !same(path, f->mounted);
	snprintf(name, len, "%s", same(path, f->local) ? "ext2/3/4" :
				  same(path, f->mounted) ? "xfs" : "nfs");
	return 0;
}

static int fake_is_mount_point(void *arg, const char *path, bool *out,
			       fsched_err_t *err)
{
	const struct fake *f = arg;

	*out = !same(path, f->local);
	return 0;
}

static int fake_can_exec(void *arg, const char *path, const char *user,
			 fsched_err_t *err)
{
	const struct fake *f = arg;

	if (f->no_user)
		return fsched_err_set(err, ESRCH, "no user %s on this host",
				      user);
	if (same(path, f->noexec))
		return fsched_err_set(err, EACCES, "%s is not executable by %s (mode 0744, owner 0:0)",
				      path, user);
	return 0;
}

static int fake_stat(void *arg, const char *path, struct stat *st,
		     fsched_err_t *err)
{
	const struct fake *f = arg;

	memset(st, 0, sizeof(*st));
	for (int i = 0; i < 4; i++) {
		if (same(path, f->files[i])) {
			st->st_mode = S_IFREG | 0755;
			return 0;
		}
	}
	if (same(path, f->hook_dir)) {
		st->st_mode = S_IFDIR | f->hook_mode;
		return 0;
	}
	return fsched_err_sys(err, ENOENT, "%s", path);
}

/* A good configuration, one setting per line (lines 1 to 10). */
#define HOSTS	"SlurmctldHost=alpha\nSlurmctldHost=beta(10.0.0.2)\n"
#define SSL	"StateSaveLocation=/shared/state\n"
#define TMO	"SlurmctldTimeout=30\n"
#define USR	"SlurmUser=slurm\n"
#define ON	"SlurmctldPrimaryOnProg=/usr/sbin/fsched-primary-on\n"
#define OFF	"SlurmctldPrimaryOffProg=/usr/sbin/fsched-primary-off\n"
#define SEL	"SelectType=select/fsched_cons_tres\n"
#define JC	"JobCompType=jobcomp/fsched\n"
#define PD	"PluginDir=/plug/a:/plug/b\n"
#define GOOD	HOSTS SSL TMO USR ON OFF SEL JC PD
#define NOLINE	"#\n"

#define SO_SEL	"/plug/b/select_fsched_cons_tres.so"
#define SO_JC	"/plug/a/jobcomp_fsched.so"
#define GOOD_FILES { SO_SEL, SO_JC }

/* The findings of the good configuration. */
#define INFO_SSL "info: @/slurm.conf:3: StateSaveLocation: /shared/state is on a network file system (nfs)"
#define INFO_TMO "info: @/slurm.conf:4: SlurmctldTimeout: 30 s: the primary rewrites its heartbeat every 7 s, a backup pings the primary every 10 s and takes over after 30 s without an answer or a newer heartbeat"
#define FIX_ON	" -> set SlurmctldPrimaryOnProg=/usr/sbin/fsched-primary-on"
#define FIX_OFF	" -> set SlurmctldPrimaryOffProg=/usr/sbin/fsched-primary-off"
#define WHY_ON	"takeovers are not recorded in the fsched state directory and site hooks do not run on takeover"
#define WHY_SEL	"fsched's state guard is not enabled: a controller that starts without its saved state cancels every job -> set SelectType=select/fsched_cons_tres (it schedules as select/cons_tres, with the same SelectTypeParameters)"
#define WHY_JC	"fsched's job completion journal is not enabled: completion records can be lost or doubled by a failover -> set JobCompType=jobcomp/fsched (JobCompLoc: the journal directory, default <StateDir>/jobcomp)"

static const struct {
	const char *name;
	const char *slurm_conf;	/* "@": the test directory */
	const char *inc_conf;	/* inc.conf, or NULL */
	const char *fsched_conf;	/* or NULL: no file */
	struct fake fake;
	int nerr, nwarn, ninfo;
	const char *want[3];	/* formatted findings that must be there */
} cases[] = {
	{ "good", GOOD, NULL, NULL, { .files = GOOD_FILES }, 0, 0, 2,
	  { INFO_SSL, INFO_TMO } },
	{ "one controller", "SlurmctldHost=alpha\n" NOLINE SSL TMO USR ON OFF
	  SEL JC PD, NULL, NULL, { .files = GOOD_FILES }, 1, 0, 0,
	  { "error: @/slurm.conf:1: SlurmctldHost: only one controller (alpha): no standby, no failover -> add a second SlurmctldHost line, for the standby head node" } },
	{ "legacy one controller", "ControlMachine=alpha\n" NOLINE SSL TMO USR
	  ON OFF SEL JC PD, NULL, NULL, { .files = GOOD_FILES }, 1, 0, 0,
	  { "error: @/slurm.conf:1: SlurmctldHost: only one controller (alpha): no standby, no failover -> add a second SlurmctldHost line, for the standby head node" } },
	{ "legacy two controllers", "ControlMachine=alpha\n"
	  "BackupController=beta\n" SSL TMO USR ON OFF SEL JC PD, NULL, NULL,
	  { .files = GOOD_FILES }, 0, 0, 2, { INFO_SSL, INFO_TMO } },
	{ "order", "SlurmctldHost=beta\nSlurmctldHost=alpha\n" SSL TMO USR ON
	  OFF SEL JC PD, NULL, NULL, { .files = GOOD_FILES }, 0, 0, 3,
	  { "info: @/slurm.conf:1: SlurmctldHost: controllers in slurm.conf order: beta, alpha; sorted by host name, as the product manual orders head nodes (the first is the primary): alpha, beta -> if the primary should be the first by host name, reorder the SlurmctldHost lines (Slurm's primary is the first line)" } },
	{ "local state", GOOD, NULL, NULL,
	  { .local = "/shared/state", .files = GOOD_FILES }, 1, 0, 1,
	  { "error: @/slurm.conf:3: StateSaveLocation: /shared/state is on a local ext2/3/4 file system and not a mount point, but 2 controllers are configured: a controller taking over would not see the state of the previous one -> put it on storage every controller mounts (NFS or a cluster file system; see fsched-hook check-storage)",
	    INFO_TMO } },
	{ "local state, one controller", "SlurmctldHost=alpha\n" NOLINE SSL TMO
	  USR ON OFF SEL JC PD, NULL, NULL,
	  { .local = "/shared/state", .files = GOOD_FILES }, 1, 0, 0, { NULL } },
	{ "mounted state", GOOD, NULL, NULL,
	  { .mounted = "/shared/state", .files = GOOD_FILES }, 0, 0, 2,
	  { "info: @/slurm.conf:3: StateSaveLocation: /shared/state is a mount point (xfs), not a known network file system: every controller must mount the same storage there" } },
	{ "state missing", GOOD, NULL, NULL,
	  { .missing = "/shared/state", .files = GOOD_FILES }, 0, 1, 1,
	  { "warning: @/slurm.conf:3: StateSaveLocation: cannot check whether /shared/state is shared: /shared/state: No such file or directory -> run check-config on a head node, where it is mounted" } },
	{ "default state", HOSTS NOLINE TMO USR ON OFF SEL JC PD, NULL, NULL,
	  { .files = GOOD_FILES }, 0, 0, 2,
	  { "info: @/slurm.conf: StateSaveLocation: /var/spool is on a network file system (nfs)" } },
	{ "local StateDir", GOOD, NULL, "StateDir=/var/lib/fsched\n",
	  { .local = "/var/lib/fsched", .files = GOOD_FILES }, 1, 0, 2,
	  { "error: @/fsched.conf: StateDir: /var/lib/fsched is on a local ext2/3/4 file system and not a mount point, but 2 controllers are configured: a controller taking over would not see the state of the previous one -> put it on storage every controller mounts (NFS or a cluster file system; see fsched-hook check-storage)" } },
	{ "shared StateDir", GOOD, NULL, "StateDir=/shared/fsched\n",
	  { .files = GOOD_FILES }, 0, 0, 3,
	  { "info: @/fsched.conf: StateDir: /shared/fsched is on a network file system (nfs)" } },
	{ "timeout 9", GOOD "SlurmctldTimeout=9\n", NULL, NULL,
	  { .files = GOOD_FILES }, 0, 1, 2,
	  { "warning: @/slurm.conf:11: SlurmctldTimeout: 9 s is below 10 s: a primary that stalls for a few seconds (a long state save, slow shared storage, a busy RPC queue) is taken over while it still runs -> set SlurmctldTimeout to 10 or more (the product manual uses about 30 s, Slurm's default is 120)",
	    "info: @/slurm.conf:11: SlurmctldTimeout: 9 s: the primary rewrites its heartbeat every 2 s, a backup pings the primary every 3 s and takes over after 9 s without an answer or a newer heartbeat" } },
	{ "timeout 10", GOOD "SlurmctldTimeout=10\n", NULL, NULL,
	  { .files = GOOD_FILES }, 0, 0, 2,
	  { "info: @/slurm.conf:11: SlurmctldTimeout: 10 s: the primary rewrites its heartbeat every 2 s, a backup pings the primary every 3 s and takes over after 10 s without an answer or a newer heartbeat" } },
	{ "timeout 3", GOOD "SlurmctldTimeout=3\n", NULL, NULL,
	  { .files = GOOD_FILES }, 0, 1, 2,
	  { "warning: @/slurm.conf:11: SlurmctldTimeout: 3 s is below 10 s: a primary that stalls for a few seconds (a long state save, slow shared storage, a busy RPC queue) is taken over while it still runs, and the heartbeat file is rewritten continuously (SlurmctldTimeout/4 is 0) -> set SlurmctldTimeout to 10 or more (the product manual uses about 30 s, Slurm's default is 120)",
	    "info: @/slurm.conf:11: SlurmctldTimeout: 3 s: the primary rewrites its heartbeat continuously, a backup pings the primary every 1 s and takes over after 3 s without an answer or a newer heartbeat" } },
	{ "timeout 300", GOOD "SlurmctldTimeout=300\n", NULL, NULL,
	  { .files = GOOD_FILES }, 0, 0, 2,
	  { "info: @/slurm.conf:11: SlurmctldTimeout: 300 s: the primary rewrites its heartbeat every 30 s, a backup pings the primary every 100 s and takes over after 300 s without an answer or a newer heartbeat" } },
	{ "timeout default", HOSTS SSL NOLINE USR ON OFF SEL JC PD, NULL, NULL,
	  { .files = GOOD_FILES }, 0, 0, 2,
	  { "info: @/slurm.conf: SlurmctldTimeout: 120 s: the primary rewrites its heartbeat every 30 s, a backup pings the primary every 40 s and takes over after 120 s without an answer or a newer heartbeat" } },
	{ "timeout in include", GOOD "include inc.conf\n",
	  "# included\nSlurmctldTimeout=5\n", NULL, { .files = GOOD_FILES },
	  0, 1, 2,
	  { "warning: @/inc.conf:2: SlurmctldTimeout: 5 s is below 10 s: a primary that stalls for a few seconds (a long state save, slow shared storage, a busy RPC queue) is taken over while it still runs -> set SlurmctldTimeout to 10 or more (the product manual uses about 30 s, Slurm's default is 120)" } },
	{ "on prog unset", HOSTS SSL TMO USR NOLINE OFF SEL JC PD, NULL, NULL,
	  { .files = GOOD_FILES }, 0, 1, 2,
	  { "warning: @/slurm.conf: SlurmctldPrimaryOnProg: not set: " WHY_ON
	    FIX_ON } },
	{ "off prog unset", HOSTS SSL TMO USR ON NOLINE SEL JC PD, NULL, NULL,
	  { .files = GOOD_FILES }, 0, 1, 2,
	  { "warning: @/slurm.conf: SlurmctldPrimaryOffProg: not set: step-downs are not recorded in the fsched state directory and site hooks do not run on step-down"
	    FIX_OFF } },
	{ "on prog foreign", GOOD "SlurmctldPrimaryOnProg=/opt/site/vip-up\n",
	  NULL, NULL, { .files = GOOD_FILES }, 0, 1, 2,
	  { "warning: @/slurm.conf:11: SlurmctldPrimaryOnProg: /opt/site/vip-up is not fsched-primary-on: "
	    WHY_ON " (run your program from a site hook in HookDir instead)"
	    FIX_ON } },
	{ "progs swapped", HOSTS SSL TMO USR
	  "SlurmctldPrimaryOnProg=/usr/sbin/fsched-primary-off\n"
	  "SlurmctldPrimaryOffProg=/usr/sbin/fsched-primary-on\n" SEL JC PD,
	  NULL, NULL, { .files = GOOD_FILES }, 2, 0, 2,
	  { "error: @/slurm.conf:6: SlurmctldPrimaryOnProg: /usr/sbin/fsched-primary-off runs fsched-primary-off: the two programs are swapped"
	    FIX_ON,
	    "error: @/slurm.conf:7: SlurmctldPrimaryOffProg: /usr/sbin/fsched-primary-on runs fsched-primary-on: the two programs are swapped"
	    FIX_OFF } },
	{ "on prog not executable", GOOD, NULL, NULL,
	  { .noexec = "/usr/sbin/fsched-primary-on", .files = GOOD_FILES },
	  1, 0, 2,
	  { "error: @/slurm.conf:6: SlurmctldPrimaryOnProg: slurmctld cannot run it as SlurmUser slurm: /usr/sbin/fsched-primary-on is not executable by slurm (mode 0744, owner 0:0) -> make sure /usr/sbin/fsched-primary-on exists and SlurmUser slurm can search every directory on the way and execute it" } },
	{ "no SlurmUser here", GOOD, NULL, NULL,
	  { .no_user = true, .files = GOOD_FILES }, 0, 2, 2,
	  { "warning: @/slurm.conf:6: SlurmctldPrimaryOnProg: cannot check whether SlurmUser slurm can run /usr/sbin/fsched-primary-on: no user slurm on this host -> run check-config on a head node, where SlurmUser exists" } },
	{ "select other", GOOD "SelectType=select/cons_tres\n", NULL, NULL,
	  { .files = GOOD_FILES }, 0, 1, 2,
	  { "warning: @/slurm.conf:11: SelectType: select/cons_tres: " WHY_SEL } },
	{ "select unset", HOSTS SSL TMO USR ON OFF NOLINE JC PD, NULL, NULL,
	  { .files = GOOD_FILES }, 0, 1, 2,
	  { "warning: @/slurm.conf: SelectType: not set (Slurm's default is select/linear): "
	    WHY_SEL } },
	{ "select not installed", GOOD, NULL, NULL, { .files = { SO_JC } },
	  1, 0, 2,
	  { "error: @/slurm.conf:8: SelectType: select_fsched_cons_tres.so is not in PluginDir /plug/a:/plug/b: slurmctld cannot load select/fsched_cons_tres -> install fsched's plugins into /plug/a (make install), or set PluginDir to where they are" } },
	{ "plugins in default dir", HOSTS SSL TMO USR ON OFF SEL JC NOLINE,
	  NULL, NULL,
	  { .files = { "/usr/lib/slurm/select_fsched_cons_tres.so",
		       "/usr/lib/slurm/jobcomp_fsched.so" } }, 0, 0, 2,
	  { INFO_SSL, INFO_TMO } },
	{ "plugins not in default dir", HOSTS SSL TMO USR ON OFF SEL JC NOLINE,
	  NULL, NULL, { .files = GOOD_FILES }, 2, 0, 2,
	  { "error: @/slurm.conf:9: JobCompType: jobcomp_fsched.so is not in PluginDir /usr/lib/slurm: slurmctld cannot load jobcomp/fsched -> install fsched's plugins into /usr/lib/slurm (make install), or set PluginDir to where they are" } },
	{ "jobcomp other", GOOD "JobCompType=jobcomp/filetxt\n", NULL, NULL,
	  { .files = GOOD_FILES }, 0, 0, 3,
	  { "info: @/slurm.conf:11: JobCompType: jobcomp/filetxt: " WHY_JC } },
	{ "jobcomp unset", HOSTS SSL TMO USR ON OFF SEL NOLINE PD, NULL, NULL,
	  { .files = GOOD_FILES }, 0, 0, 3,
	  { "info: @/slurm.conf: JobCompType: not set (Slurm's default is jobcomp/none): "
	    WHY_JC } },
	{ "hook dir writable", GOOD, NULL, "HookDir=/etc/fsched-hooks\n",
	  { .files = GOOD_FILES, .hook_dir = "/etc/fsched-hooks",
	    .hook_mode = 0775 }, 0, 1, 2,
	  { "warning: @/fsched.conf: HookDir: /etc/fsched-hooks is writable by group or others (mode 0775): fsched-hook refuses to run its site hooks, which would let others run programs as SlurmUser -> chmod go-w /etc/fsched-hooks" } },
	{ "hook dir world-writable, sticky", GOOD, NULL,
	  "HookDir=/etc/fsched-hooks\n",
	  { .files = GOOD_FILES, .hook_dir = "/etc/fsched-hooks",
	    .hook_mode = 01777 }, 0, 1, 2,
	  { "warning: @/fsched.conf: HookDir: /etc/fsched-hooks is writable by group or others (mode 1777): fsched-hook refuses to run its site hooks, which would let others run programs as SlurmUser -> chmod go-w /etc/fsched-hooks" } },
	{ "hook dir fine", GOOD, NULL, "HookDir=/etc/fsched-hooks\n",
	  { .files = GOOD_FILES, .hook_dir = "/etc/fsched-hooks",
	    .hook_mode = 0755 }, 0, 0, 2, { INFO_SSL, INFO_TMO } },
	{ "hook dir missing", GOOD, NULL, "HookDir=/etc/fsched-hooks\n",
	  { .files = GOOD_FILES }, 0, 1, 2,
	  { "warning: @/fsched.conf: HookDir: /etc/fsched-hooks: No such file or directory: no site hooks run -> create the directory, or remove HookDir" } },
	{ "hook dir a file", GOOD, NULL, "HookDir=" SO_SEL "\n",
	  { .files = GOOD_FILES }, 0, 1, 2,
	  { "warning: @/fsched.conf: HookDir: " SO_SEL " is not a directory: no site hooks run -> point HookDir at a directory" } },
};

START_TEST(test_findings)
{
	fsched_confcheck_facts_t facts = {
		.arg = (void *)&cases[_i].fake,
		.fs_type = fake_fs_type,
		.is_mount_point = fake_is_mount_point,
		.can_exec = fake_can_exec,
		.stat = fake_stat,
		.default_plugindir = "/usr/lib/slurm",
		.sbindir = "/usr/sbin",
	};
	char *text = subst(cases[_i].slurm_conf), *path, *cpath, line[4096];
	char all[16384] = "";
	fsched_findings_t f = { 0 };
	fsched_slurmconf_t sc;
	fsched_conf_t conf;
	fsched_err_t err;

	path = test_write(dir, "slurm.conf", text);
	free(text);
	if (cases[_i].inc_conf)
		free(test_write(dir, "inc.conf", cases[_i].inc_conf));
	if (cases[_i].fsched_conf)
		free(test_write(dir, "fsched.conf", cases[_i].fsched_conf));
	ck_assert_msg(fsched_slurmconf_load(&sc, path, &err) == 0, "%s",
		      err.msg);
	cpath = fsched_conf_path(path);
	ck_assert_msg(fsched_conf_load(&conf, cpath, &err) == 0, "%s",
		      err.msg);

	ck_assert_int_eq(fsched_confcheck(&sc, &conf, &facts, &f, &err), 0);
	for (size_t i = 0; i < f.n; i++) {
		size_t n = strlen(all);

		snprintf(all + n, sizeof(all) - n, "%s\n",
			 fsched_finding_format(&f.v[i], line, sizeof(line)));
	}
	for (int i = 0; i < 3 && cases[_i].want[i]; i++) {
		char *want = subst(cases[_i].want[i]);
		bool found = false;

		for (size_t k = 0; k < f.n; k++)
			if (!strcmp(fsched_finding_format(&f.v[k], line,
							  sizeof(line)), want))
				found = true;
		ck_assert_msg(found, "%s: missing\n  %s\nin\n%s",
			      cases[_i].name, want, all);
		free(want);
	}
	ck_assert_msg(fsched_findings_count(&f, FSCHED_SEV_ERROR) ==
		      (size_t)cases[_i].nerr &&
		      fsched_findings_count(&f, FSCHED_SEV_WARNING) ==
		      (size_t)cases[_i].nwarn &&
		      fsched_findings_count(&f, FSCHED_SEV_INFO) ==
		      (size_t)cases[_i].ninfo,
		      "%s: want %d errors, %d warnings, %d infos, got\n%s",
		      cases[_i].name, cases[_i].nerr, cases[_i].nwarn,
		      cases[_i].ninfo, all);
	fsched_findings_free(&f);
	ck_assert_ptr_null(f.v);
	fsched_conf_free(&conf);
	fsched_slurmconf_free(&sc);
	free(cpath);
	free(path);
}
END_TEST

START_TEST(test_format)
{
	fsched_finding_t f = {
		.severity = FSCHED_SEV_WARNING, .file = "/etc/slurm/slurm.conf",
		.line = 3, .setting = "SlurmctldHost", .message = "m",
		.fix = "do x",
	};
	char buf[256];

	ck_assert_str_eq(fsched_finding_format(&f, buf, sizeof(buf)),
			 "warning: /etc/slurm/slurm.conf:3: SlurmctldHost: m -> do x");
	f.line = 0;
	f.fix = NULL;
	f.severity = FSCHED_SEV_ERROR;
	ck_assert_str_eq(fsched_finding_format(&f, buf, sizeof(buf)),
			 "error: /etc/slurm/slurm.conf: SlurmctldHost: m");
	f.file = NULL;
	f.severity = FSCHED_SEV_INFO;
	ck_assert_str_eq(fsched_finding_format(&f, buf, sizeof(buf)),
			 "info: SlurmctldHost: m");
	ck_assert_str_eq(fsched_finding_format(&f, buf, 8), "info: S");
}
END_TEST

/* Where each setting was read, across an Include. */
START_TEST(test_locations)
{
	fsched_slurmconf_t sc;
	fsched_err_t err;
	char *inc = test_write(dir, "ha.conf",
		"SlurmctldHost=beta\nSlurmctldTimeout=60\n");
	char *path = test_write(dir, "slurm.conf",
		"SlurmctldHost=alpha\n"
		"NodeName=n1 SelectType=select/ignored\n"
		"include ha.conf\n"
		"SelectType=select/a\n"
		"selecttype=select/fsched_cons_tres\n");

	ck_assert_msg(fsched_slurmconf_load(&sc, path, &err) == 0, "%s",
		      err.msg);
	ck_assert_str_eq(sc.ctld_file[0], path);
	ck_assert_int_eq(sc.ctld_line[0], 1);
	ck_assert_str_eq(sc.ctld_file[1], inc);
	ck_assert_int_eq(sc.ctld_line[1], 1);
	ck_assert_str_eq(sc.loc[FSCHED_SC_SLURMCTLD_TIMEOUT].file, inc);
	ck_assert_int_eq(sc.loc[FSCHED_SC_SLURMCTLD_TIMEOUT].line, 2);
	/* The last one wins, as in Slurm. */
	ck_assert_str_eq(sc.select_type, "select/fsched_cons_tres");
	ck_assert_str_eq(sc.loc[FSCHED_SC_SELECT_TYPE].file, path);
	ck_assert_int_eq(sc.loc[FSCHED_SC_SELECT_TYPE].line, 5);
	/* Not set: no location. */
	ck_assert_ptr_null(sc.loc[FSCHED_SC_STATE_SAVE_LOCATION].file);
	ck_assert_int_eq(sc.loc[FSCHED_SC_STATE_SAVE_LOCATION].line, 0);
	ck_assert_ptr_null(sc.loc[FSCHED_SC_PLUGIN_DIR].file);
	fsched_slurmconf_free(&sc);
	ck_assert_ptr_null(sc.ctld_file[0]);
	free(inc);
	free(path);
}
END_TEST

static const struct {
	mode_t mode;
	uid_t owner;
	gid_t group;
	uid_t uid;		/* of the credentials */
	gid_t gid;		/* their only group */
	int want;
	bool allowed;
} mode_cases[] = {
	{ S_IFREG | 0755, 0, 0, 1000, 1000, X_OK, true },
	{ S_IFREG | 0754, 0, 0, 1000, 1000, X_OK, false },
	{ S_IFREG | 0750, 0, 1000, 1000, 1000, X_OK, true },
	{ S_IFREG | 0740, 0, 1000, 1000, 1000, X_OK, false },
	{ S_IFREG | 0700, 1000, 0, 1000, 1000, X_OK, true },
	/* The owner class applies even when others may. */
	{ S_IFREG | 0077, 1000, 0, 1000, 1000, X_OK, false },
	{ S_IFREG | 0707, 0, 1000, 1000, 1000, X_OK, false },
	{ S_IFREG | 0644, 0, 0, 1000, 1000, R_OK, true },
	{ S_IFREG | 0644, 0, 0, 1000, 1000, R_OK | W_OK, false },
	{ S_IFDIR | 0711, 0, 0, 1000, 1000, X_OK, true },
	{ S_IFDIR | 0700, 0, 0, 1000, 1000, X_OK, false },
	/* Root: everything, except executing a file with no x bit. */
	{ S_IFREG | 0644, 1000, 1000, 0, 0, X_OK, false },
	{ S_IFREG | 0001, 1000, 1000, 0, 0, X_OK, true },
	{ S_IFREG | 0000, 1000, 1000, 0, 0, R_OK | W_OK, true },
	{ S_IFDIR | 0000, 1000, 1000, 0, 0, X_OK, true },
};

START_TEST(test_mode_allows)
{
	fsched_cred_t cred = { .name = "u", .uid = mode_cases[_i].uid,
			       .ngroups = 1, .groups = { mode_cases[_i].gid } };
	struct stat st = { .st_mode = mode_cases[_i].mode,
			   .st_uid = mode_cases[_i].owner,
			   .st_gid = mode_cases[_i].group };

	ck_assert_int_eq(fsched_mode_allows(&st, &cred, mode_cases[_i].want),
			 mode_cases[_i].allowed);
}
END_TEST

/* Files under the test directory, made by this process (owner: euid). */
static const struct {
	const char *path;	/* "@": the test directory */
	const char *msg;	/* NULL: allowed; "$": owner uid:gid */
} exec_cases[] = {
	{ "@/bin/prog", NULL },
	{ "@/bin/link", NULL },
	{ "@/bin/noexec", "@/bin/noexec is not executable by tester (mode 0744, owner $)" },
	{ "@/bin/groupexec", "@/bin/groupexec is not executable by tester (mode 0750, owner $)" },
	{ "@/bin/hiddenlink", "directory @/hidden is not searchable by tester (mode 0700, owner $)" },
	{ "@/hidden/prog", "directory @/hidden is not searchable by tester (mode 0700, owner $)" },
	{ "@/bin/missing", "@/bin/missing: No such file or directory" },
	{ "@/bin/prog/x", "@/bin/prog: Not a directory" },
	{ "@/bin", "@/bin is not a regular file" },
	{ "bin/prog", "bin/prog is not an absolute path" },
};

static void make_file(const char *rel, mode_t mode)
{
	char *p;

	ck_assert_int_ne(asprintf(&p, "%s/%s", dir, rel), -1);
	free(test_write(dir, rel, "#!/bin/sh\n"));
	ck_assert_int_eq(chmod(p, mode), 0);
	free(p);
}

START_TEST(test_can_exec)
{
	fsched_cred_t cred = { .name = "tester", .uid = 4242, .ngroups = 1,
			       .groups = { 4242 } };
	char *p, *q, *path, *want;
	fsched_err_t err;
	int rc;

	/* The test directory is 0700: let the fake user through. */
	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_int_ne(asprintf(&p, "%s/bin", dir), -1);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	free(p);
	ck_assert_int_ne(asprintf(&p, "%s/hidden", dir), -1);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	free(p);
	make_file("bin/prog", 0755);
	make_file("bin/noexec", 0744);
	make_file("bin/groupexec", 0750);
	make_file("hidden/prog", 0755);
	ck_assert_int_ne(asprintf(&p, "%s/bin/link", dir), -1);
	ck_assert_int_eq(symlink("prog", p), 0);
	free(p);
	ck_assert_int_ne(asprintf(&p, "%s/bin/hiddenlink", dir), -1);
	ck_assert_int_ne(asprintf(&q, "%s/hidden/prog", dir), -1);
	ck_assert_int_eq(symlink(q, p), 0);
	free(p);
	free(q);

	path = subst(exec_cases[_i].path);
	rc = fsched_cred_can_exec(&cred, path, &err);
	if (!exec_cases[_i].msg) {
		ck_assert_msg(rc == 0, "%s: %s", path, err.msg);
	} else {
		ck_assert_int_eq(rc, -1);
		want = subst(exec_cases[_i].msg);
		ck_assert_str_eq(err.msg, want);
		free(want);
	}
	free(path);
}
END_TEST

/* A symlink names its target in the messages about the final file. */
START_TEST(test_can_exec_link_target)
{
	fsched_cred_t cred = { .name = "tester", .uid = 4242, .ngroups = 1,
			       .groups = { 4242 } };
	fsched_err_t err;
	char *p, *want;

	ck_assert_int_eq(chmod(dir, 0755), 0);
	make_file("noexec", 0644);
	ck_assert_int_ne(asprintf(&p, "%s/link", dir), -1);
	ck_assert_int_eq(symlink("noexec", p), 0);
	ck_assert_int_eq(fsched_cred_can_exec(&cred, p, &err), -1);
	ck_assert_int_ne(asprintf(&want, "%s (-> %s/noexec) is not executable by tester (mode 0644, owner %u:%u)",
				  p, dir, (unsigned)geteuid(),
				  (unsigned)getegid()), -1);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(err.errnum, EACCES);
	free(want);
	free(p);
}
END_TEST

START_TEST(test_cred_lookup)
{
	fsched_cred_t cred;
	fsched_err_t err;

	ck_assert_int_eq(fsched_cred_lookup("root", &cred, &err), 0);
	ck_assert_int_eq(cred.uid, 0);
	ck_assert_int_ge(cred.ngroups, 1);
	ck_assert_int_eq(cred.groups[0], 0);
	ck_assert_str_eq(cred.name, "root");
	ck_assert_int_eq(fsched_cred_lookup("no-such-user-fsched", &cred,
					    &err), -1);
	ck_assert_int_eq(err.errnum, ESRCH);
	ck_assert_str_eq(err.msg, "no user no-such-user-fsched on this host");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("confcheck");
	TCase *tc = tcase_create("confcheck");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_findings, 0,
			    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_locations);
	tcase_add_loop_test(tc, test_mode_allows, 0,
			    sizeof(mode_cases) / sizeof(mode_cases[0]));
	tcase_add_loop_test(tc, test_can_exec, 0,
			    sizeof(exec_cases) / sizeof(exec_cases[0]));
	tcase_add_test(tc, test_can_exec_link_target);
	tcase_add_test(tc, test_cred_lookup);
	suite_add_tcase(s, tc);
	return test_run(s);
}
