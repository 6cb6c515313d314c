/*
 * hook_status.c - "status" and "watch": who is active, since when, how
 * old the heartbeat is, how many takeovers.
 *
 * Reads Slurm's heartbeat file, active.json and events.jsonl; never asks
 * the controller (it may be the thing that is down).  The verdict follows
 * monitoring-plugin conventions: 0 ok, 1 warning, 2 critical, 3 unknown.
 * Heartbeat age thresholds default to SlurmctldTimeout/2 (warning) and
 * SlurmctldTimeout (critical): Slurm rewrites the file every
 * min(SlurmctldTimeout/4, 30) s, and a backup takes over after
 * SlurmctldTimeout without it.
 *
 * "watch" also writes the metrics file: the status, and on the active head
 * node the job counters of jobcomp/fsched's counters.json.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsched_active.h"
#include "fsched_confcheck.h"
#include "fsched_counters.h"
#include "fsched_events.h"
#include "fsched_file.h"
#include "fsched_guard.h"
#include "fsched_heartbeat.h"
#include "fsched_manifest.h"
#include "fsched_json.h"
#include "fsched_log.h"
#include "fsched_metrics.h"
#include "hook.h"

#define STATUS_VERSION 1
#define STATUS_EVENTS 10

struct verdict {
	int code;
	struct json_object *reasons;	/* array of strings */
};

/* Worst first: critical, unknown, warning, ok. */
static int severity(int code)
{
	static const int rank[] = { 0, 1, 3, 2 };

	return (code >= 0 && code <= 3) ? rank[code] : 2;
}

static void raise_to(struct verdict *v, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void raise_to(struct verdict *v, int code, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_array_add(v->reasons, json_object_new_string(buf));
	if (severity(code) > severity(v->code))
		v->code = code;
}

static const char *verdict_str(int code)
{
	static const char *const s[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

	return (code >= 0 && code <= 3) ? s[code] : "UNKNOWN";
}

struct json_object *hook_status_build(hook_ctx_t *ctx, long warn, long crit,
				      int *verdict_out)
{
	struct json_object *o = json_object_new_object(), *ctlds, *hb, *act;
	struct verdict v = { HOOK_OK, json_object_new_array() };
	fsched_heartbeat_t beat;
	fsched_active_t a;
	fsched_err_t err;
	time_t now = time(NULL);
	long timeout = ctx->sc.slurmctld_timeout;
	int hb_index = -1;

	if (warn <= 0)
		warn = timeout / 2 > 0 ? timeout / 2 : 1;
	if (crit <= 0)
		crit = timeout > warn ? timeout : warn + 1;

	fsched_json_add_int64(o, "version", STATUS_VERSION);
	fsched_json_add_int64(o, "time", (int64_t)now);
	fsched_json_add_string(o, "cluster", ctx->sc.cluster_name);
	fsched_json_add_string(o, "host", ctx->host_short);
	fsched_json_add_string(o, "state_dir", ctx->state_dir);
	fsched_json_add_int64(o, "slurmctld_timeout", timeout);

	ctlds = json_object_new_array();
	for (int i = 0; i < ctx->sc.ctld_cnt; i++) {
		struct json_object *c = json_object_new_object();

		fsched_json_add_int64(c, "index", i);
		fsched_json_add_string(c, "host", ctx->sc.ctld_host[i]);
		fsched_json_add_string(c, "addr", ctx->sc.ctld_addr[i]);
		json_object_array_add(ctlds, c);
	}
	json_object_object_add(o, "controllers", ctlds);

	/* Heartbeat: Slurm writes it only with two or more controllers. */
	hb = json_object_new_object();
	if (fsched_heartbeat_read(ctx->sc.state_save_location,
				  ctx->sc.ctld_cnt, &beat, &err) == 0) {
		long age = (long)(now - beat.time);

		hb_index = beat.index;
		json_object_object_add(hb, "present", json_object_new_boolean(1));
		fsched_json_add_int64(hb, "time", (int64_t)beat.time);
		fsched_json_add_int64(hb, "age", age);
		fsched_json_add_int64(hb, "index", beat.index);
		fsched_json_add_string(hb, "host", ctx->sc.ctld_host[beat.index]);
		if (age > crit)
			raise_to(&v, HOOK_CRITICAL, "heartbeat from %s is %ld s old (critical above %ld s): no controller is active",
				 ctx->sc.ctld_host[beat.index], age, crit);
		else if (age > warn)
			raise_to(&v, HOOK_WARNING, "heartbeat from %s is %ld s old (warning above %ld s)",
				 ctx->sc.ctld_host[beat.index], age, warn);
	} else {
		json_object_object_add(hb, "present", json_object_new_boolean(0));
		fsched_json_add_string(hb, "error", err.msg);
		if (ctx->sc.ctld_cnt < 2)
			raise_to(&v, HOOK_WARNING, "only one SlurmctldHost: Slurm writes no heartbeat, there is no failover");
		else if (err.errnum == ENOENT)
			raise_to(&v, HOOK_CRITICAL, "no heartbeat file in %s: no controller has been active",
				 ctx->sc.state_save_location);
		else if (err.errnum == EACCES)
			raise_to(&v, HOOK_UNKNOWN, "%s (run as SlurmUser %s or root)",
				 err.msg, ctx->sc.slurm_user);
		else
			raise_to(&v, HOOK_UNKNOWN, "%s", err.msg);
	}
	json_object_object_add(o, "heartbeat", hb);

	if (fsched_active_read(ctx->state_dir, &a, &err) == 0) {
		act = fsched_active_to_json(&a);
		fsched_json_add_int64(act, "takeovers", a.epoch - 1);
		fsched_json_add_int64(act, "age", (int64_t)(now - a.since));
		json_object_object_add(o, "active", act);
		if (hb_index >= 0 && a.index != hb_index)
			raise_to(&v, HOOK_WARNING, "active.json names %s but the heartbeat is written by %s (takeover in progress, or a hook that did not run)",
				 a.host, ctx->sc.ctld_host[hb_index]);
	} else {
		act = json_object_new_object();
		fsched_json_add_string(act, "error", err.msg);
		json_object_object_add(o, "active", act);
		if (err.errnum == ENOENT)
			raise_to(&v, HOOK_WARNING, "no takeover recorded yet in %s (is SlurmctldPrimaryOnProg set to fsched-primary-on?)",
				 ctx->state_dir);
		else
			raise_to(&v, HOOK_WARNING, "%s", err.msg);
	}

	{
		fsched_manifest_t m;
		struct json_object *mo, *g;

		if (fsched_manifest_read(ctx->state_dir, &m, &err) == 0) {
			mo = json_object_new_object();
			fsched_json_add_string(mo, "host", m.host);
			fsched_json_add_int64(mo, "time", m.time);
			fsched_json_add_int64(mo, "age", (int64_t)now - m.time);
			fsched_json_add_int64(mo, "jobs", m.jobs);
			fsched_json_add_int64(mo, "last_job_id", m.last_job_id);
			fsched_json_add_string(mo, "cluster_id", m.cluster_id);
			fsched_json_add_string(mo, "reason", m.reason);
			json_object_object_add(o, "manifest", mo);
			/* The active controller refreshes it every interval. */
			if (hb_index >= 0 && now - m.time >
			    3 * ctx->conf.manifest_interval + timeout)
				raise_to(&v, HOOK_WARNING, "manifest.json is %lld s old: is select/fsched_cons_tres loaded by the active controller?",
					 (long long)(now - m.time));
		} else {
			mo = json_object_new_object();
			fsched_json_add_string(mo, "error", err.msg);
			json_object_object_add(o, "manifest", mo);
		}
		if (fsched_guard_read_record(ctx->state_dir, &g, &err) == 0)
			json_object_object_add(o, "guard", g);
	}

	{
		struct json_object *events;
		size_t corrupt = 0;

		if (fsched_events_tail(ctx->state_dir, STATUS_EVENTS, &events,
				       &corrupt, &err) == 0) {
			json_object_object_add(o, "events", events);
			if (corrupt)
				fsched_json_add_int64(o, "events_corrupt",
						      (int64_t)corrupt);
		}
	}

	fsched_json_add_int64(o, "status", v.code);
	fsched_json_add_string(o, "status_text", verdict_str(v.code));
	json_object_object_add(o, "reasons", v.reasons);
	fsched_json_add_int64(o, "warn_after", warn);
	fsched_json_add_int64(o, "crit_after", crit);
	*verdict_out = v.code;
	return o;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}

/* For printing: a missing or non-string field prints as "-". */
static const char *jtxt(struct json_object *o, const char *key)
{
	const char *s = jstr(o, key);

	return s ? s : "-";
}

static int64_t jint(struct json_object *o, const char *key, int64_t dflt)
{
	struct json_object *v;

	if (o && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_int))
		return json_object_get_int64(v);
	return dflt;
}

static void print_text(struct json_object *o)
{
	struct json_object *ctlds, *hb, *act, *reasons, *events;
	char iso[32];
	int64_t hb_index = -1;

	json_object_object_get_ex(o, "heartbeat", &hb);
	json_object_object_get_ex(o, "active", &act);
	if (hb)
		hb_index = jint(hb, "index", -1);

	printf("fsched status: %s\n", jtxt(o, "status_text"));
	if (jstr(o, "cluster"))
		printf("cluster:       %s\n", jtxt(o, "cluster"));
	printf("controllers (SlurmctldHost order):\n");
	if (json_object_object_get_ex(o, "controllers", &ctlds)) {
		for (size_t i = 0; i < json_object_array_length(ctlds); i++) {
			struct json_object *c = json_object_array_get_idx(ctlds, i);
			int64_t inx = jint(c, "index", -1);

			printf("  %lld  %-20s %-16s %s\n", (long long)inx,
			       jtxt(c, "host"), jtxt(c, "addr"),
			       inx == hb_index ? "active (heartbeat)" : "");
		}
	}
	if (hb && jint(hb, "age", -1) >= 0)
		printf("heartbeat:     %s, %lld s old\n", jtxt(hb, "host"),
		       (long long)jint(hb, "age", 0));
	else if (hb)
		printf("heartbeat:     none (%s)\n", jtxt(hb, "error"));
	if (act && jstr(act, "host")) {
		fsched_time_iso((time_t)jint(act, "since", 0), iso, sizeof(iso));
		printf("active.json:   %s since %s, epoch %lld (%lld takeovers)\n",
		       jtxt(act, "host"), iso, (long long)jint(act, "epoch", 0),
		       (long long)jint(act, "takeovers", 0));
	} else if (act) {
		printf("active.json:   %s\n", jtxt(act, "error"));
	}
	{
		struct json_object *m = NULL, *g = NULL;

		json_object_object_get_ex(o, "manifest", &m);
		json_object_object_get_ex(o, "guard", &g);
		if (m && jstr(m, "host"))
			printf("manifest:      by %s, %lld s old, %lld jobs\n",
			       jtxt(m, "host"), (long long)jint(m, "age", 0),
			       (long long)jint(m, "jobs", 0));
		else if (m)
			printf("manifest:      %s\n", jtxt(m, "error"));
		if (g)
			printf("state guard:   %s %s on %s at %s: %s\n",
			       jtxt(g, "decision"), jtxt(g, "code"),
			       jtxt(g, "host"), jtxt(g, "time_iso"),
			       jtxt(g, "reason"));
	}
	if (json_object_object_get_ex(o, "reasons", &reasons) &&
	    json_object_array_length(reasons)) {
		printf("findings:\n");
		for (size_t i = 0; i < json_object_array_length(reasons); i++)
			printf("  - %s\n", json_object_get_string(
				       json_object_array_get_idx(reasons, i)));
	}
	if (json_object_object_get_ex(o, "events", &events) &&
	    json_object_array_length(events)) {
		printf("last events:\n");
		for (size_t i = 0; i < json_object_array_length(events); i++) {
			struct json_object *e = json_object_array_get_idx(events, i);
			struct json_object *d = NULL;

			json_object_object_get_ex(e, "detail", &d);
			printf("  %s  %-10s %-22s %s\n", jtxt(e, "time_iso"),
			       jtxt(e, "host"), jtxt(e, "event"),
			       d ? json_object_to_json_string_ext(d,
					FSCHED_JSON_PLAIN) : "");
		}
	}
}

/* Seconds option value in 1..86400; -1 (after a message) if invalid. */
static long parse_seconds(const char *opt, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v <= 0 || v > 86400) {
		fprintf(stderr, "fsched-hook: %s needs a number of seconds (1-86400), not \"%s\"\n",
			opt, s);
		return -1;
	}
	return v;
}

int hook_status_cmd(hook_ctx_t *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "warn", required_argument, NULL, 'w' },
		{ "crit", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	long warn = 0, crit = 0;
	bool json = false;
	struct json_object *o;
	int opt, verdict;

	while ((opt = getopt_long(argc, argv, "jw:c:", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'w':
			if ((warn = parse_seconds("--warn", optarg)) < 0)
				return HOOK_UNKNOWN;
			break;
		case 'c':
			if ((crit = parse_seconds("--crit", optarg)) < 0)
				return HOOK_UNKNOWN;
			break;
		default:
			return HOOK_UNKNOWN;
		}
	}
	o = hook_status_build(ctx, warn, crit, &verdict);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(o,
					FSCHED_JSON_PRETTY));
	else
		print_text(o);
	json_object_put(o);
	return verdict;
}

/*
 * The job counters of counters.json, on the active head node only (the
 * standby's would be the same runs again), and only with jobcomp/fsched
 * (nobody else writes the file).  An unreadable file gives
 * fsched_counters_readable 0 and is logged once, until it reads again.
 */
static void metrics_counters(FILE *f, hook_ctx_t *ctx)
{
	static char last_err[FSCHED_ERR_MAX];	/* logged already */
	fsched_counters_t c;
	fsched_err_t err;
	int rc;

	if (!ctx->sc.jobcomp_type ||
	    strcmp(ctx->sc.jobcomp_type, FSCHED_JOBCOMP_TYPE))
		return;
	if (fsched_counters_init(&c) < 0) {
		fsched_err_sys(&err, errno, "counters.json");
		rc = -1;
	} else {
		rc = fsched_counters_read(ctx->state_dir, &c, &err);
	}
	if (rc == 0) {
		if (last_err[0])
			hook_info("watch: %s/counters.json can be read again",
				  ctx->state_dir);
		last_err[0] = '\0';
		(void)fsched_counters_prom(f, &c);
	} else {
		if (strcmp(err.msg, last_err))
			hook_err("watch: job counters not exported (fsched_counters_readable 0): %s",
				 err.msg);
		snprintf(last_err, sizeof(last_err), "%s", err.msg);
		(void)fsched_counters_prom(f, NULL);
	}
	fsched_counters_free(&c);
}

/* Prometheus text exposition of the status (fsched_* names). */
static char *metrics_text(struct json_object *o, hook_ctx_t *ctx,
			  const char *host)
{
	struct json_object *hb = NULL, *act = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int64_t hb_index;
	bool active;

	if (!f)
		return NULL;
	json_object_object_get_ex(o, "heartbeat", &hb);
	json_object_object_get_ex(o, "active", &act);
	hb_index = jint(hb, "index", -1);

	fsched_prom_single(f, "fsched_status", "gauge",
			   "Verdict of fsched-hook status: 0 ok, 1 warning, 2 critical, 3 unknown.",
			   jint(o, "status", 3));
	fsched_prom_single(f, "fsched_state_dir_reachable", "gauge",
			   "1 if the fsched state directory could be read.",
			   access(jstr(o, "state_dir") ? jstr(o, "state_dir") :
				  "/nonexistent", R_OK | X_OK) == 0);
	if (hb_index >= 0) {
		fsched_prom_single(f, "fsched_heartbeat_age_seconds", "gauge",
				   "Age of Slurm's controller heartbeat file.",
				   jint(hb, "age", 0));
		fsched_prom_single(f, "fsched_active_controller_index", "gauge",
				   "SlurmctldHost index of the controller writing the heartbeat.",
				   hb_index);
	}
	if (jstr(act, "host")) {
		fsched_prom_single(f, "fsched_epoch", "gauge",
				   "Changes of active controller recorded by fsched-primary-on, from 1.",
				   jint(act, "epoch", 0));
		fsched_prom_single(f, "fsched_takeovers_total", "counter",
				   "Takeovers recorded by fsched-primary-on (epoch - 1).",
				   jint(act, "takeovers", 0));
		fsched_prom_single(f, "fsched_active_since_seconds", "gauge",
				   "Unix time the active controller took over.",
				   jint(act, "since", 0));
	}
	active = jstr(hb, "host") && !strcmp(jstr(hb, "host"), host);
	fsched_prom_single(f, "fsched_this_host_active", "gauge",
			   "1 if this head node writes the heartbeat.", active);
	if (active)
		metrics_counters(f, ctx);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* One refresh: status file and metrics file, each replaced atomically. */
static int watch_once(hook_ctx_t *ctx)
{
	struct json_object *o;
	const char *s;
	char *text, *dir, *slash;
	fsched_err_t err;
	int verdict, rc = 0;

	o = hook_status_build(ctx, 0, 0, &verdict);
	s = json_object_to_json_string_ext(o, FSCHED_JSON_PLAIN);
	dir = strdup(ctx->conf.status_file);
	if (dir && (slash = strrchr(dir, '/')) && slash != dir) {
		*slash = '\0';
		(void)fsched_mkdir_p(dir, 0755, &err);
	}
	free(dir);
	if (fsched_atomic_write_path(ctx->conf.status_file, s, strlen(s),
				     0644, &err) < 0) {
		hook_err("watch: %s", err.msg);
		rc = -1;
	}
	if (ctx->conf.metrics_file) {
		text = metrics_text(o, ctx, ctx->index >= 0 ?
				       ctx->sc.ctld_host[ctx->index] :
				       ctx->host_short);
		if (!text ||
		    fsched_atomic_write_path(ctx->conf.metrics_file, text,
					     strlen(text), 0644, &err) < 0) {
			hook_err("watch: %s", text ? err.msg : "out of memory");
			rc = -1;
		}
		free(text);
	}
	json_object_put(o);
	return rc;
}

int hook_watch_cmd(hook_ctx_t *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	long interval = ctx->conf.watch_interval;
	bool once = false;
	struct sigaction sa;
	int opt;

	while ((opt = getopt_long(argc, argv, "oi:", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			once = true;
			break;
		case 'i':
			if ((interval = parse_seconds("--interval", optarg)) < 0)
				return HOOK_UNKNOWN;
			break;
		default:
			return HOOK_UNKNOWN;
		}
	}
	if (once)
		return watch_once(ctx) < 0 ? 1 : 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fsched_info("watch: refreshing %s%s%s every %ld s", ctx->conf.status_file,
		    ctx->conf.metrics_file ? " and " : "",
		    ctx->conf.metrics_file ? ctx->conf.metrics_file : "",
		    interval);
	while (!stop) {
		struct timespec ts = { interval, 0 };

		(void)watch_once(ctx);
		while (!stop && nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	return 0;
}
