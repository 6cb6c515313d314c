/*
 * fuzz_conf.c - fsched.conf: fsched_conf_load() on a file holding the
 * input.  A loaded configuration satisfies every documented bound; a
 * refused one leaves the defaults and an error naming the file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsched_conf.h"
#include "fuzz_common.h"

static void check_path(const char *p, const char *key)
{
	if (!p)
		return;
	FUZZ_CHECK(p[0] == '/', "%s is not absolute: %s", key, p);
	FUZZ_CHECK(!strstr(p, "/../"), "%s contains /../: %s", key, p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path(0, "fsched.conf");
	fsched_conf_t conf, def;
	fsched_err_t err;
	int rc;

	fuzz_write(path, data, size);
	fuzz_err_poison(&err);
	rc = fsched_conf_load(&conf, path, &err);
	fuzz_check_err(rc, &err, "fsched_conf_load");
	FUZZ_CHECK(conf.path && !strcmp(conf.path, path), "conf.path");
	FUZZ_CHECK(conf.local_dir && conf.status_file, "dynamic defaults");
	if (rc < 0) {
		FUZZ_CHECK(strstr(err.msg, path) != NULL,
			   "error does not name the file: %s", err.msg);
		/* The defaults, untouched by the half-read file. */
		fsched_conf_init(&def);
		FUZZ_CHECK(!conf.state_dir && !conf.metrics_file &&
			   !conf.hook_dir, "paths set after an error");
		FUZZ_CHECK(conf.state_guard == def.state_guard &&
			   conf.require_shared_state == def.require_shared_state &&
			   conf.journal_flush_ms == def.journal_flush_ms &&
			   conf.journal_max_queue == def.journal_max_queue &&
			   conf.journal_index_days == def.journal_index_days &&
			   conf.journal_file_mode == def.journal_file_mode &&
			   conf.hook_timeout == def.hook_timeout &&
			   conf.events_max_bytes == def.events_max_bytes &&
			   conf.manifest_interval == def.manifest_interval &&
			   conf.watch_interval == def.watch_interval &&
			   conf.mitigate_bug_17032 == def.mitigate_bug_17032 &&
			   conf.reexec_standby == def.reexec_standby,
			   "values are not the defaults after an error");
	} else {
		check_path(conf.state_dir, "StateDir");
		check_path(conf.local_dir, "LocalStateDir");
		check_path(conf.metrics_file, "MetricsFile");
		check_path(conf.hook_dir, "HookDir");
		check_path(conf.status_file, "StatusFile");
		FUZZ_CHECK(strcmp(fsched_guard_mode_str(conf.state_guard), "?"),
			   "state_guard %d", conf.state_guard);
		FUZZ_CHECK(conf.require_shared_state >= FSCHED_AUTO &&
			   conf.require_shared_state <= FSCHED_YES,
			   "require_shared_state");
		FUZZ_CHECK(conf.journal_flush_ms >= 1 &&
			   conf.journal_flush_ms <= 60000, "JournalFlushMs");
		FUZZ_CHECK(conf.journal_max_queue >= 16 &&
			   conf.journal_max_queue <= 10000000, "JournalMaxQueue");
		FUZZ_CHECK(conf.journal_index_days >= 1 &&
			   conf.journal_index_days <= 3660, "JournalIndexDays");
		FUZZ_CHECK((conf.journal_file_mode & 0600) == 0600 &&
			   !(conf.journal_file_mode & ~0777L) &&
			   !(conf.journal_file_mode & 0133), "JournalFileMode %lo",
			   conf.journal_file_mode);
		FUZZ_CHECK(conf.hook_timeout >= 1 && conf.hook_timeout <= 3600,
			   "HookTimeout");
		FUZZ_CHECK(conf.events_max_bytes >= 4096 &&
			   conf.events_max_bytes <= (1L << 30), "EventsMaxBytes");
		FUZZ_CHECK(conf.manifest_interval >= 1 &&
			   conf.manifest_interval <= 3600, "ManifestInterval");
		FUZZ_CHECK(conf.watch_interval >= 1 &&
			   conf.watch_interval <= 3600, "WatchInterval");
	}
	fsched_conf_free(&conf);
	fuzz_unlink(path);
	return 0;
}
