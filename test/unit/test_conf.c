/*
 * test_conf.c - fsched_kv tokenizer, fsched.conf and the slurm.conf reader.
 */
#include "config.h"

#include "fsched_conf.h"
#include "fsched_kv.h"
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

/* Collects pairs as "line:pos:first:key=value;" */
static int collect(void *arg, const fsched_kv_pair_t *p, fsched_err_t *err)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 4096 - n, "%d:%d:%s:%s=%s;", p->line, p->pos,
		 p->first_key, p->key, p->value);
	return 0;
}

static const struct {
	const char *in;
	const char *pairs;	/* expected collect() output */
	const char *msg;	/* or expected error */
} kv_cases[] = {
	{ "", "", NULL },
	{ "# only a comment\n\n", "", NULL },
	{ "A=1\nb=two # comment\n", "1:0:A:A=1;2:0:b:b=two;", NULL },
	{ "NodeName=n1 CPUs=4 Gres=x:1\n",
	  "1:0:NodeName:NodeName=n1;1:1:NodeName:CPUs=4;1:2:NodeName:Gres=x:1;",
	  NULL },
	{ "K=\"a b # c\"\n", "1:0:K:K=a b # c;", NULL },
	{ "K=a\\#b\n", "1:0:K:K=a#b;", NULL },
	{ "K=a \\\n  L=b\nM=c", "1:0:K:K=a;1:1:K:L=b;3:0:M:M=c;", NULL },
	{ "K=\r\n", "1:0:K:K=;", NULL },
	{ "\tK = v\n", NULL, "in:1: expected Key=Value, found \"K\"" },
	{ "=v\n", NULL, "in:1: missing key before '='" },
	{ "A=1\nbare\n", NULL, "in:2: expected Key=Value, found \"bare\"" },
	{ "K=\"open\n", NULL, "in:1: unterminated quote in value of \"K\"" },
	{ "K=\"a\"b\n", NULL, "in:1: junk after closing quote in value of \"K\"" },
	{ "Include other.conf\n", NULL,
	  "in:1: Include is not allowed in this file" },
};

START_TEST(test_kv)
{
	char out[4096] = "";
	fsched_err_t err;
	int rc = fsched_kv_parse_buf("in", kv_cases[_i].in,
				     strlen(kv_cases[_i].in), collect, out,
				     &err);

	if (kv_cases[_i].pairs) {
		ck_assert_msg(rc == 0, "error: %s", err.msg);
		ck_assert_str_eq(out, kv_cases[_i].pairs);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err.msg, kv_cases[_i].msg);
	}
}
END_TEST

START_TEST(test_kv_values)
{
	fsched_err_t err;
	bool b;
	long l;

	ck_assert_int_eq(fsched_kv_bool("YES", &b, &err), 0);
	ck_assert(b);
	ck_assert_int_eq(fsched_kv_bool("off", &b, &err), 0);
	ck_assert(!b);
	ck_assert_int_eq(fsched_kv_bool("maybe", &b, &err), -1);
	ck_assert_str_eq(err.msg, "\"maybe\" is not a boolean (use yes or no)");
	ck_assert_int_eq(fsched_kv_long("12", 0, 20, &l, &err), 0);
	ck_assert_int_eq(l, 12);
	ck_assert_int_eq(fsched_kv_long("12x", 0, 20, &l, &err), -1);
	ck_assert_str_eq(err.msg, "\"12x\" is not an integer");
	ck_assert_int_eq(fsched_kv_long("", 0, 20, &l, &err), -1);
	ck_assert_int_eq(fsched_kv_long("21", 0, 20, &l, &err), -1);
	ck_assert_str_eq(err.msg, "21 is out of range [0, 20]");
	ck_assert_int_eq(fsched_kv_long("99999999999999999999", 0, 20, &l,
					&err), -1);
}
END_TEST

START_TEST(test_conf_defaults_when_missing)
{
	fsched_conf_t c;
	fsched_err_t err;
	char *path;

	ck_assert_int_ne(asprintf(&path, "%s/fsched.conf", dir), -1);
	ck_assert_int_eq(fsched_conf_load(&c, path, &err), 0);
	ck_assert_str_eq(c.path, path);
	ck_assert_ptr_null(c.state_dir);
	ck_assert_int_eq(c.state_guard, FSCHED_GUARD_ENFORCE);
	ck_assert_int_eq(c.require_shared_state, FSCHED_AUTO);
	ck_assert_int_eq(c.journal_flush_ms, 100);
	ck_assert_int_eq(c.hook_timeout, 30);
	ck_assert_int_eq(c.journal_file_mode, 0640);
	ck_assert_ptr_nonnull(c.local_dir);
	ck_assert(c.mitigate_bug_17032);
	ck_assert(c.reexec_standby);
	fsched_conf_free(&c);
	free(path);
}
END_TEST

START_TEST(test_conf_all_keys)
{
	fsched_conf_t c;
	fsched_err_t err;
	char *path = test_write(dir, "fsched.conf",
		"# fsched.conf\n"
		"StateDir=/shared/fsched\n"
		"localstatedir=/var/lib/x\n"
		"StateGuard=warn RequireSharedState=no\n"
		"JournalFlushMs=250\nJournalMaxQueue=5000\n"
		"JournalIndexDays=7\nJournalFileMode=0644\n"
		"MetricsFile=\"/var/lib/node_exporter/fsched.prom\"\n"
		"HookDir=/etc/slurm/fsched-hooks.d\nHookTimeout=5\n"
		"EventsMaxBytes=65536\nManifestInterval=15\n"
		"StatusFile=/run/x/status.json\nWatchInterval=2\n"
		"MitigateBug17032=no\nReexecStandby=false\n");

	ck_assert_msg(fsched_conf_load(&c, path, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(c.state_dir, "/shared/fsched");
	ck_assert_str_eq(c.local_dir, "/var/lib/x");
	ck_assert_int_eq(c.state_guard, FSCHED_GUARD_WARN);
	ck_assert_int_eq(c.require_shared_state, FSCHED_NO);
	ck_assert_int_eq(c.journal_flush_ms, 250);
	ck_assert_int_eq(c.journal_max_queue, 5000);
	ck_assert_int_eq(c.journal_index_days, 7);
	ck_assert_int_eq(c.journal_file_mode, 0644);
	ck_assert_str_eq(c.metrics_file, "/var/lib/node_exporter/fsched.prom");
	ck_assert_str_eq(c.hook_dir, "/etc/slurm/fsched-hooks.d");
	ck_assert_int_eq(c.hook_timeout, 5);
	ck_assert_int_eq(c.events_max_bytes, 65536);
	ck_assert_int_eq(c.manifest_interval, 15);
	ck_assert_str_eq(c.status_file, "/run/x/status.json");
	ck_assert_int_eq(c.watch_interval, 2);
	ck_assert(!c.mitigate_bug_17032);
	ck_assert(!c.reexec_standby);
	fsched_conf_free(&c);
	free(path);
}
END_TEST

static const struct {
	const char *text;
	const char *msg;	/* after "<path>:" */
} conf_bad[] = {
	{ "Foo=1\n", "1: unknown key \"Foo\"" },
	{ "\n\nStateGuard=maybe\n",
	  "3: bad value for StateGuard: \"maybe\" is not one of enforce, warn, off" },
	{ "RequireSharedState=perhaps\n",
	  "1: bad value for RequireSharedState: \"perhaps\" is not one of yes, no, auto" },
	{ "StateDir=relative/dir\n",
	  "1: StateDir must be an absolute path, not \"relative/dir\"" },
	{ "HookDir=/etc/../tmp\n",
	  "1: HookDir must not contain \"..\": \"/etc/../tmp\"" },
	{ "JournalFlushMs=0\n",
	  "1: bad value for JournalFlushMs: 0 is out of range [1, 60000]" },
	{ "HookTimeout=ten\n",
	  "1: bad value for HookTimeout: \"ten\" is not an integer" },
	{ "ReexecStandby=sometimes\n",
	  "1: bad value for ReexecStandby: \"sometimes\" is not a boolean (use yes or no)" },
	{ "HookTimeout=5\nhooktimeout=6\n",
	  "2: HookTimeout set twice (first at line 1)" },
	{ "JournalFileMode=0666\n",
	  "1: bad value for JournalFileMode: \"0666\" is not an octal mode with owner read-write and no write or execute for others (e.g. 0640, 0644, 0600)" },
	{ "JournalFileMode=640x\n",
	  "1: bad value for JournalFileMode: \"640x\" is not an octal mode with owner read-write and no write or execute for others (e.g. 0640, 0644, 0600)" },
	{ "StateGuard enforce\n",
	  "1: expected Key=Value, found \"StateGuard\"" },
};

START_TEST(test_conf_bad)
{
	fsched_conf_t c;
	fsched_err_t err;
	char *path = test_write(dir, "fsched.conf", conf_bad[_i].text);
	char *want;

	ck_assert_int_eq(fsched_conf_load(&c, path, &err), -1);
	ck_assert_int_ne(asprintf(&want, "%s:%s", path, conf_bad[_i].msg), -1);
	ck_assert_str_eq(err.msg, want);
	/* Nothing half-applied: the defaults stand. */
	ck_assert_int_eq(c.state_guard, FSCHED_GUARD_ENFORCE);
	ck_assert_int_eq(c.hook_timeout, 30);
	ck_assert_ptr_null(c.state_dir);
	fsched_conf_free(&c);
	free(want);
	free(path);
}
END_TEST

START_TEST(test_conf_path)
{
	char *p = fsched_conf_path("/etc/slurm/slurm.conf");

	ck_assert_str_eq(p, "/etc/slurm/fsched.conf");
	free(p);
	p = fsched_conf_path("slurm.conf");
	ck_assert_str_eq(p, "fsched.conf");
	free(p);
	setenv("FSCHED_CONF", "/x/y.conf", 1);
	p = fsched_conf_path("/etc/slurm/slurm.conf");
	ck_assert_str_eq(p, "/x/y.conf");
	free(p);
	unsetenv("FSCHED_CONF");
}
END_TEST

START_TEST(test_slurmconf)
{
	fsched_slurmconf_t sc;
	fsched_err_t err;
	char *inc = test_write(dir, "nodes.conf",
		"NodeName=n[1-2] CPUs=4 SlurmctldTimeout=1\n"
		"PartitionName=p Nodes=ALL StateSaveLocation=/wrong\n");
	char *path = test_write(dir, "slurm.conf",
		"ClusterName=alpha\n"
		"SlurmctldHost=ctl1(10.0.0.1)\n"
		"SlurmctldHost=ctl2\n"
		"StateSaveLocation=/shared/state  SlurmUser=slurm\n"
		"SlurmctldTimeout=20\n"
		"SlurmctldPrimaryOnProg=/usr/sbin/fsched-primary-on\n"
		"SlurmctldPrimaryOffProg=/usr/sbin/fsched-primary-off\n"
		"SelectType=select/fsched_cons_tres\n"
		"JobCompType=jobcomp/fsched JobCompLoc=/shared/journal\n"
		"PluginDir=/usr/lib/slurm\n"
		"include nodes.conf\n");

	ck_assert_msg(fsched_slurmconf_load(&sc, path, &err) == 0, "%s",
		      err.msg);
	ck_assert_str_eq(sc.cluster_name, "alpha");
	ck_assert_int_eq(sc.ctld_cnt, 2);
	ck_assert_str_eq(sc.ctld_host[0], "ctl1");
	ck_assert_str_eq(sc.ctld_addr[0], "10.0.0.1");
	ck_assert_str_eq(sc.ctld_host[1], "ctl2");
	ck_assert_str_eq(sc.ctld_addr[1], "ctl2");
	ck_assert_int_eq(sc.ctld_line[1], 3);
	/* Keys inside NodeName/PartitionName records are not global. */
	ck_assert_str_eq(sc.state_save_location, "/shared/state");
	ck_assert_int_eq(sc.slurmctld_timeout, 20);
	ck_assert_str_eq(sc.slurm_user, "slurm");
	ck_assert_str_eq(sc.primary_on_prog, "/usr/sbin/fsched-primary-on");
	ck_assert_str_eq(sc.primary_off_prog, "/usr/sbin/fsched-primary-off");
	ck_assert_str_eq(sc.select_type, "select/fsched_cons_tres");
	ck_assert_str_eq(sc.jobcomp_type, "jobcomp/fsched");
	ck_assert_str_eq(sc.jobcomp_loc, "/shared/journal");
	ck_assert_str_eq(sc.plugin_dir, "/usr/lib/slurm");
	ck_assert_int_eq(fsched_slurmconf_ctld_index(&sc, "ctl2", NULL), 1);
	ck_assert_int_eq(fsched_slurmconf_ctld_index(&sc, "x", "ctl1"), 0);
	ck_assert_int_eq(fsched_slurmconf_ctld_index(&sc, "n1", "n1.x"), -1);
	fsched_slurmconf_free(&sc);
	free(inc);
	free(path);
}
END_TEST

START_TEST(test_slurmconf_legacy_and_defaults)
{
	fsched_slurmconf_t sc;
	fsched_err_t err;
	char *path = test_write(dir, "slurm.conf",
		"ControlMachine=a\nControlAddr=1.2.3.4\nBackupController=b\n");

	ck_assert_int_eq(fsched_slurmconf_load(&sc, path, &err), 0);
	ck_assert_int_eq(sc.ctld_cnt, 2);
	ck_assert_str_eq(sc.ctld_host[0], "a");
	ck_assert_str_eq(sc.ctld_addr[0], "1.2.3.4");
	ck_assert_str_eq(sc.ctld_host[1], "b");
	ck_assert_str_eq(sc.ctld_addr[1], "b");
	ck_assert_str_eq(sc.state_save_location, "/var/spool");
	ck_assert_str_eq(sc.slurm_user, "root");
	ck_assert_int_eq(sc.slurmctld_timeout, 120);
	fsched_slurmconf_free(&sc);
	free(path);
}
END_TEST

/* "localhost" is this host, as in Slurm's _load_slurmctld_host(). */
START_TEST(test_slurmconf_localhost)
{
	fsched_slurmconf_t sc;
	fsched_err_t err;
	char *path = test_write(dir, "slurm.conf",
		"SlurmctldHost=LocalHost(127.0.0.1)\nSlurmctldHost=b\n");
	char *dup = test_write(dir, "dup.conf",
		"SlurmctldHost=me.example.org\nSlurmctldHost=localhost\n"
		"SlurmctldHost=me\n");

	setenv("FSCHED_HOSTNAME", "me.example.org", 1);
	ck_assert_int_eq(fsched_slurmconf_load(&sc, path, &err), 0);
	ck_assert_str_eq(sc.ctld_host[0], "me");
	ck_assert_str_eq(sc.ctld_addr[0], "127.0.0.1");
	ck_assert_int_eq(fsched_slurmconf_ctld_index(&sc, "me",
						     "me.example.org"), 0);
	fsched_slurmconf_free(&sc);
	ck_assert_int_eq(fsched_slurmconf_load(&sc, dup, &err), -1);
	ck_assert_msg(strstr(err.msg, "dup.conf:2: duplicate SlurmctldHost \"me\"") ||
		      strstr(err.msg, "dup.conf:2: duplicate SlurmctldHost me"),
		      "%s", err.msg);
	unsetenv("FSCHED_HOSTNAME");
	free(path);
	free(dup);
}
END_TEST

/*
 * Old-style keys as Slurm 22.05 takes them: the last of a key given twice
 * wins, and with any SlurmctldHost they are ignored.
 */
static const struct {
	const char *text;
	const char *hosts;	/* ctld_host[], comma-separated */
} slurmconf_legacy[] = {
	{ "ControlMachine=a\nControlMachine=b\n", "b" },
	{ "ControlMachine=a\nBackupController=a2\nBackupController=b\n",
	  "a,b" },
	{ "ControlMachine=old\nSlurmctldHost=new1\nBackupController=old2\n"
	  "SlurmctldHost=new2\n", "new1,new2" },
	{ "ControlMachine=a\nBackupController=b\nBackupAddr=10.0.0.2\n", "a,b" },
	{ "ControlMachine=a,b\nControlAddr=10.0.0.1\n", "a,b" },
};

START_TEST(test_slurmconf_legacy)
{
	fsched_slurmconf_t sc;
	fsched_err_t err;
	char *path = test_write(dir, "slurm.conf", slurmconf_legacy[_i].text);
	char got[256] = "";

	ck_assert_msg(fsched_slurmconf_load(&sc, path, &err) == 0, "%s",
		      err.msg);
	for (int i = 0; i < sc.ctld_cnt; i++) {
		if (i)
			strcat(got, ",");
		strcat(got, sc.ctld_host[i]);
		ck_assert_ptr_nonnull(sc.ctld_addr[i]);
		ck_assert_int_eq(fsched_slurmconf_ctld_index(&sc,
				 sc.ctld_host[i], NULL), i);
	}
	ck_assert_str_eq(got, slurmconf_legacy[_i].hosts);
	fsched_slurmconf_free(&sc);
	free(path);
}
END_TEST

static const struct {
	const char *text;
	const char *msg;	/* after "<path>:" */
} slurmconf_bad[] = {
	{ "ClusterName=x\n", " no SlurmctldHost defined" },
	{ "SlurmctldHost=a(\n",
	  "1: bad SlurmctldHost \"a(\" (expected name or name(address))" },
	{ "SlurmctldHost=(1.2.3.4)\n", "1: empty SlurmctldHost" },
	{ "SlurmctldHost=a\nSlurmctldHost=a\n",
	  "2: duplicate SlurmctldHost \"a\" (also line 1)" },
	{ "SlurmctldHost=a\nSlurmctldTimeout=-1\n",
	  "2: bad SlurmctldTimeout: -1 is out of range [0, 65533]" },
	{ "SlurmctldHost=a\ninclude missing.conf\n",
	  "2: Include: cannot open " },
	/* Old-style keys, refused where Slurm 22.05 refuses them. */
	{ "ControlMachine=old1\nBackupController=old1\n",
	  "2: duplicate controller: BackupController \"old1\" is the ControlMachine (" },
	{ "ControlMachine=a\nBackupAddr=10.0.0.2\n",
	  "2: BackupAddr specified without BackupController" },
	{ "ClusterName=x\nControlMachine=a,b\n",
	  "2: ControlMachine has multiple host names, so ControlAddr must be specified" },
	{ "SlurmctldHost=a\nSlurmctldHost=\"a\x1b\"\nSlurmctldHost=\"a\x1b\"\n",
	  "3: duplicate SlurmctldHost \"a\\x1b\" (also line 2)" },
};

START_TEST(test_slurmconf_bad)
{
	fsched_slurmconf_t sc;
	fsched_err_t err;
	char *path = test_write(dir, "slurm.conf", slurmconf_bad[_i].text);
	char *want;

	ck_assert_int_eq(fsched_slurmconf_load(&sc, path, &err), -1);
	ck_assert_int_ne(asprintf(&want, "%s:%s", path, slurmconf_bad[_i].msg),
			 -1);
	ck_assert_msg(!strncmp(err.msg, want, strlen(want)),
		      "got \"%s\", want \"%s\"", err.msg, want);
	ck_assert_int_eq(sc.ctld_cnt, 0);
	free(want);
	free(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_kv, 0,
			    sizeof(kv_cases) / sizeof(kv_cases[0]));
	tcase_add_test(tc, test_kv_values);
	tcase_add_test(tc, test_conf_defaults_when_missing);
	tcase_add_test(tc, test_conf_all_keys);
	tcase_add_loop_test(tc, test_conf_bad, 0,
			    sizeof(conf_bad) / sizeof(conf_bad[0]));
	tcase_add_test(tc, test_conf_path);
	tcase_add_test(tc, test_slurmconf);
	tcase_add_test(tc, test_slurmconf_legacy_and_defaults);
	tcase_add_test(tc, test_slurmconf_localhost);
	tcase_add_loop_test(tc, test_slurmconf_legacy, 0,
			    sizeof(slurmconf_legacy) /
			    sizeof(slurmconf_legacy[0]));
	tcase_add_loop_test(tc, test_slurmconf_bad, 0,
			    sizeof(slurmconf_bad) / sizeof(slurmconf_bad[0]));
	suite_add_tcase(s, tc);
	return test_run(s);
}
