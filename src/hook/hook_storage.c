/*
 * hook_storage.c - "check-storage": measure a directory (default: the
 * StateSaveLocation of slurm.conf) against the shared storage minimums of
 * the product manual, per cluster: reads > 10/s and > 300 KB/s, writes >
 * 100/s and > 10000 KB/s, capacity > 10 GB.
 *
 * Writes only in a temporary subdirectory of DIR, removed at the end, also
 * after SIGINT, SIGTERM or SIGHUP (see fsched_storage.h).  Prints a table,
 * or JSON with --json.  Exit 0 all pass, 1 a minimum is not met, 3 error.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsched_json.h"
#include "fsched_log.h"
#include "fsched_storage.h"
#include "hook.h"

#define STORAGE_VERSION 1
#define MAX_SECONDS 300

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* SIGINT/SIGTERM/SIGHUP only set the flag: the measurement stops, cleans up. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* What the directory is: file system, network or not, mount point. */
struct where {
	const char *dir;	/* borrowed */
	char fs[64];
	bool network;
	bool mount_point;
};

static const char *const labels[FSCHED_STORAGE_NMETRICS] = {
	[FSCHED_STORAGE_READ_OPS] = "small reads (4 KiB)",
	[FSCHED_STORAGE_READ_KIBS] = "read throughput (1 MiB)",
	[FSCHED_STORAGE_WRITE_OPS] = "small writes (4 KiB+fsync)",
	[FSCHED_STORAGE_WRITE_KIBS] = "write throughput (+fsync)",
	[FSCHED_STORAGE_CAPACITY] = "free capacity",
};

/* value of metric m in the table's unit, into buf. */
static void fmt_value(enum fsched_storage_metric m, double v, char *buf,
		      size_t len)
{
	switch (m) {
	case FSCHED_STORAGE_READ_OPS:
	case FSCHED_STORAGE_WRITE_OPS:
		snprintf(buf, len, "%.1f /s", v);
		break;
	case FSCHED_STORAGE_CAPACITY:
		snprintf(buf, len, "%.1f GiB", v / (1ULL << 30));
		break;
	default:
		snprintf(buf, len, "%.0f KiB/s", v);
		break;
	}
}

static void print_text(const struct where *w, const fsched_storage_opts_t *o,
		       const fsched_storage_result_t *r,
		       const fsched_storage_verdict_t *v)
{
	char meas[48], req[48];

	printf("check-storage: %s\n", w->dir);
	printf("  file system: %s (%s), %s\n", w->fs,
	       w->network ? "network" : "local",
	       w->mount_point ? "a mount point" : "not a mount point");
	printf("  measured:    %.1f s of %.0f s, %.1f MiB written, %.1f MiB read, %ld small files\n",
	       r->elapsed, o->seconds, (double)r->bytes_written / (1 << 20),
	       (double)r->bytes_read / (1 << 20), r->small_files);
	printf("\n%-28s %16s  %-16s %s\n", "metric", "measured", "required",
	       "result");
	for (int m = 0; m < FSCHED_STORAGE_NMETRICS; m++) {
		fmt_value(m, v->measured[m], meas, sizeof(meas));
		fmt_value(m, v->required[m], req + 2, sizeof(req) - 2);
		req[0] = '>';
		req[1] = ' ';
		printf("%-28s %16s  %-16s %s\n", labels[m], meas, req,
		       v->pass[m] ? "PASS" : "FAIL");
	}
	snprintf(meas, sizeof(meas), "%.0f KiB/s", r->write_small_kibs);
	printf("%-28s %16s  -\n", "  (small writes)", meas);
	snprintf(meas, sizeof(meas), "%.0f KiB/s", r->read_small_kibs);
	printf("%-28s %16s  -\n", "  (small reads)", meas);
	fmt_value(FSCHED_STORAGE_CAPACITY, (double)r->total_bytes, meas,
		  sizeof(meas));
	printf("%-28s %16s  -\n", "total capacity", meas);

	printf("\nresult: %s", v->failed ? "FAIL" : "PASS");
	if (v->failed)
		printf(" (%d of %d minimums not met)", v->failed,
		       FSCHED_STORAGE_NMETRICS);
	printf("; minimums of the product manual for the shared storage, per cluster using it\n");
	if (!strcmp(w->fs, "tmpfs") || !strcmp(w->fs, "ramfs"))
		printf("note: %s keeps files in memory: these are RAM figures, and nothing survives a reboot\n",
		       w->fs);
	if (!w->network && !w->mount_point)
		printf("note: %s is a local directory: StateSaveLocation must be on storage that every controller mounts\n",
		       w->dir);
}

/* A double rounded to one decimal in the JSON text. */
static void add_double(struct json_object *o, const char *key, double v)
{
	char s[64];

	snprintf(s, sizeof(s), "%.1f", v);
	json_object_object_add(o, key, json_object_new_double_s(v, s));
}

static void print_json(const struct where *w, const fsched_storage_opts_t *o,
		       const fsched_storage_result_t *r,
		       const fsched_storage_verdict_t *v, int code)
{
	struct json_object *j = json_object_new_object();
	struct json_object *ms = json_object_new_object();

	fsched_json_add_int64(j, "version", STORAGE_VERSION);
	fsched_json_add_string(j, "dir", w->dir);
	fsched_json_add_string(j, "fs_type", w->fs);
	json_object_object_add(j, "network",
			       json_object_new_boolean(w->network));
	json_object_object_add(j, "mount_point",
			       json_object_new_boolean(w->mount_point));
	add_double(j, "seconds", o->seconds);
	add_double(j, "elapsed", r->elapsed);
	fsched_json_add_int64(j, "bytes_written", (int64_t)r->bytes_written);
	fsched_json_add_int64(j, "bytes_read", (int64_t)r->bytes_read);
	fsched_json_add_int64(j, "small_files", r->small_files);
	fsched_json_add_int64(j, "small_reads", r->small_reads);
	add_double(j, "small_write_kibs", r->write_small_kibs);
	add_double(j, "small_read_kibs", r->read_small_kibs);
	fsched_json_add_int64(j, "total_bytes", (int64_t)r->total_bytes);
	for (int m = 0; m < FSCHED_STORAGE_NMETRICS; m++) {
		struct json_object *e = json_object_new_object();

		add_double(e, "measured", v->measured[m]);
		add_double(e, "required_above", v->required[m]);
		fsched_json_add_string(e, "unit",
				       fsched_storage_metric_unit(m));
		json_object_object_add(e, "pass",
				       json_object_new_boolean(v->pass[m]));
		json_object_object_add(ms, fsched_storage_metric_name(m), e);
	}
	json_object_object_add(j, "metrics", ms);
	fsched_json_add_int64(j, "failed", v->failed);
	json_object_object_add(j, "pass", json_object_new_boolean(!v->failed));
	fsched_json_add_int64(j, "status", code);
	printf("%s\n", json_object_to_json_string_ext(j,
				FSCHED_JSON_PRETTY));
	json_object_put(j);
}

static int parse_budget(const char *s, double *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 1 || v > MAX_SECONDS) {
		hook_err("check-storage: --seconds needs a number of seconds (1-%d), not \"%s\"",
			 MAX_SECONDS, s);
		return -1;
	}
	*out = (double)v;
	return 0;
}

int hook_check_storage_cmd(hook_ctx_t *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "seconds", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	fsched_storage_opts_t o = { .seconds = FSCHED_STORAGE_DEFAULT_SECONDS,
				    .stop = &stop };
	fsched_storage_limits_t lim;
	fsched_storage_result_t r;
	fsched_storage_verdict_t v;
	struct where w = { 0 };
	fsched_err_t err;
	bool json = false;
	int opt, code;

	while ((opt = getopt_long(argc, argv, "js:", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 's':
			if (parse_budget(optarg, &o.seconds) < 0)
				return HOOK_UNKNOWN;
			break;
		default:
			return HOOK_UNKNOWN;
		}
	}
	if (argc - optind > 1) {
		hook_err("check-storage: one directory at most (got \"%s\" and \"%s\")",
			 argv[optind], argv[optind + 1]);
		return HOOK_UNKNOWN;
	}
	if (optind < argc) {
		w.dir = argv[optind];
	} else if (ctx->load_error) {
		hook_err("check-storage: no DIR given and the configuration cannot be read: %s",
			 ctx->load_error);
		return HOOK_UNKNOWN;
	} else {
		w.dir = ctx->sc.state_save_location;
	}

	if (fsched_fs_type(w.dir, w.fs, sizeof(w.fs), &w.network) < 0) {
		hook_err("check-storage: cannot measure %s: %s", w.dir,
			 strerror(errno));
		return HOOK_UNKNOWN;
	}
	if (fsched_is_mount_point(w.dir, &w.mount_point, &err) < 0) {
		hook_err("check-storage: cannot measure %s: %s", w.dir,
			 strerror(err.errnum));
		return HOOK_UNKNOWN;
	}

	catch_signals();
	if (isatty(STDERR_FILENO))
		hook_info("check-storage: measuring %s (%s) for about %.0f s, writing at most %llu MiB...",
			  w.dir, w.fs, o.seconds,
			  (unsigned long long)(FSCHED_STORAGE_MAX_BYTES >> 20));
	if (fsched_storage_measure(w.dir, &o, &r, &err) < 0) {
		hook_err("check-storage: %s", err.msg);
		return HOOK_UNKNOWN;
	}
	if (r.interrupted) {
		hook_err("check-storage: interrupted after %.1f s; the temporary files in %s are removed",
			 r.elapsed, w.dir);
		return HOOK_UNKNOWN;
	}
	fsched_storage_limits_default(&lim);
	code = fsched_storage_check(&r, &lim, &v) ? HOOK_WARNING : HOOK_OK;
	if (json)
		print_json(&w, &o, &r, &v, code);
	else
		print_text(&w, &o, &r, &v);
	return code;
}
