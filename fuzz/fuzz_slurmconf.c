/*
 * fuzz_slurmconf.c - the slurm.conf reader: fsched_slurmconf_load() on a
 * file holding the input.
 *
 * The scratch directory also holds inc.conf and inc.d/a.conf, inc.d/b.conf,
 * so that "Include inc.conf" and a glob of inc.d (the seeds use both)
 * follow real includes.  Includes outside the scratch directory match
 * nothing (see __wrap_glob in fuzz_common.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsched_slurmconf.h"
#include "fuzz_common.h"

static void setup(void)
{
	static bool done;
	char d[4200];
	static const char inc[] =
		"SlurmctldHost=inc1(10.0.0.1)\nStateSaveLocation=/srv/inc\n";
	static const char a[] = "ClusterName=fromglob\n";
	static const char b[] = "NodeName=n[1-4] CPUs=4 SlurmctldHost=x\n"
				"SlurmctldTimeout=60\n";

	if (done)
		return;
	done = true;
	fuzz_write(fuzz_path(1, "inc.conf"), inc, sizeof(inc) - 1);
	snprintf(d, sizeof(d), "%s/inc.d", fuzz_dir());
	FUZZ_CHECK(mkdir(d, 0755) == 0, "mkdir %s", d);
	fuzz_write(fuzz_path(2, "inc.d/a.conf"), a, sizeof(a) - 1);
	fuzz_write(fuzz_path(3, "inc.d/b.conf"), b, sizeof(b) - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path(0, "slurm.conf");
	fsched_slurmconf_t sc, zero;
	fsched_err_t err;
	int rc;

	setup();
	fuzz_write(path, data, size);
	fuzz_err_poison(&err);
	rc = fsched_slurmconf_load(&sc, path, &err);
	fuzz_check_err(rc, &err, "fsched_slurmconf_load");
	if (rc < 0) {
		memset(&zero, 0, sizeof(zero));
		FUZZ_CHECK(!memcmp(&sc, &zero, sizeof(sc)),
			   "configuration not freed after an error");
		return 0;
	}
	FUZZ_CHECK(sc.path && !strcmp(sc.path, path), "path");
	FUZZ_CHECK(sc.ctld_cnt >= 1 && sc.ctld_cnt <= FSCHED_MAX_CTLD,
		   "ctld_cnt %d", sc.ctld_cnt);
	for (int i = 0; i < sc.ctld_cnt; i++) {
		FUZZ_CHECK(sc.ctld_host[i] && sc.ctld_addr[i] && sc.ctld_file[i],
			   "controller %d incomplete", i);
		FUZZ_CHECK(sc.ctld_line[i] >= 1, "controller %d line", i);
		/*
		 * Names are unique (a duplicate SlurmctldHost is refused),
		 * so each finds its own index.
		 */
		if (!fuzz_known("slurmconf-legacy-dup"))
			FUZZ_CHECK(fsched_slurmconf_ctld_index(&sc,
					sc.ctld_host[i], NULL) == i,
				   "index of %s: the name is also controller %d",
				   sc.ctld_host[i],
				   fsched_slurmconf_ctld_index(&sc,
					sc.ctld_host[i], NULL));
	}
	for (int i = sc.ctld_cnt; i < FSCHED_MAX_CTLD; i++)
		FUZZ_CHECK(!sc.ctld_host[i] && !sc.ctld_addr[i] &&
			   !sc.ctld_file[i], "controller %d beyond the count", i);
	FUZZ_CHECK(fsched_slurmconf_ctld_index(&sc, NULL, NULL) == -1,
		   "index of no name");
	FUZZ_CHECK(sc.state_save_location && sc.slurm_user, "defaults");
	FUZZ_CHECK(sc.slurmctld_timeout >= 0 && sc.slurmctld_timeout <= 65533,
		   "SlurmctldTimeout %ld", sc.slurmctld_timeout);
	for (int k = 0; k < FSCHED_SC_NKEYS; k++)
		FUZZ_CHECK(!sc.loc[k].file || sc.loc[k].line >= 1,
			   "location of key %d", k);
	fsched_slurmconf_free(&sc);
	memset(&zero, 0, sizeof(zero));
	FUZZ_CHECK(!memcmp(&sc, &zero, sizeof(sc)), "free does not zero");
	return 0;
}
