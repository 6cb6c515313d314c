/*
 * hook_primary.c - the SlurmctldPrimaryOnProg / SlurmctldPrimaryOffProg
 * roles of fsched-hook.
 *
 * primary-on: read active.json, apply the epoch rule (fsched_active.h),
 * rewrite active.json atomically, append a primary-on event, run the site
 * hooks.  primary-off: append a primary-off event, run the site hooks.
 * Both report through syslog and the events file; slurmctld does not wait
 * for them (22.05 runs them asynchronously).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsched_active.h"
#include "fsched_events.h"
#include "fsched_json.h"
#include "fsched_log.h"
#include "hook.h"

/*
 * active.json exists but cannot be read: recover the epoch from the
 * primary-on events so that the count of takeovers is not reset.
 */
static int64_t epoch_from_events(const char *dir)
{
	struct json_object *arr, *ev, *detail;
	fsched_err_t err;
	int64_t max = 0, e;
	size_t i;

	if (fsched_events_tail(dir, 10000, &arr, NULL, &err) < 0)
		return 0;
	for (i = 0; i < json_object_array_length(arr); i++) {
		ev = json_object_array_get_idx(arr, i);
		if (json_object_object_get_ex(ev, "detail", &detail) &&
		    json_object_is_type(detail, json_type_object) &&
		    fsched_json_get_int64(detail, "event", "epoch", 1,
					  INT64_MAX / 2, &e, &err) == 0 &&
		    e > max)
			max = e;
	}
	json_object_put(arr);
	return max;
}

/* Append "K=V" to env (room is the caller's); false on ENOMEM. */
static bool env_add(char **env, int *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool env_add(char **env, int *n, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&env[*n], fmt, ap);
	va_end(ap);
	if (rc < 0) {
		env[*n] = NULL;
		return false;
	}
	(*n)++;
	return true;
}

/*
 * Was this host the active controller until now?  Its own last
 * primary-on/primary-off event says so: hooks of one host alternate.
 * (active.json cannot: the new controller's primary-on may already have
 * rewritten it when our primary-off runs.)  fsched_events_tail() returns
 * only events whose "event" and "host" are strings; the getters check
 * again, and an event that fails is reported and skipped.
 */
static bool was_active(const char *dir, const char *host)
{
	struct json_object *arr, *ev;
	fsched_err_t err;
	bool active = false, reported = false;
	char what[PATH_MAX];

	if (fsched_events_tail(dir, 1000, &arr, NULL, &err) < 0) {
		hook_err("primary-off: %s", err.msg);
		return false;
	}
	snprintf(what, sizeof(what), "%s/%s", dir, FSCHED_EVENTS_FILE);
	for (size_t i = json_object_array_length(arr); i-- > 0;) {
		const char *name, *h;

		ev = json_object_array_get_idx(arr, i);
		if (fsched_json_get_string(ev, what, "host", &h, &err) < 0 ||
		    fsched_json_get_string(ev, what, "event", &name,
					   &err) < 0) {
			if (!reported)
				hook_err("primary-off: %s (event skipped)",
					 err.msg);
			reported = true;
			continue;
		}
		if (strcmp(h, host))
			continue;
		if (!strcmp(name, "primary-on") || !strcmp(name, "primary-off")) {
			active = !strcmp(name, "primary-on");
			break;
		}
	}
	json_object_put(arr);
	return active;
}

static void add_event(hook_ctx_t *ctx, const char *host, const char *event,
		      struct json_object *detail)
{
	fsched_err_t err;

	if (fsched_event_append(ctx->state_dir, ctx->conf.events_max_bytes,
				time(NULL), host, event, detail, &err) < 0)
		hook_err("cannot record %s event: %s", event, err.msg);
}

int hook_primary(hook_ctx_t *ctx, bool on)
{
	const char *role = on ? "primary-on" : "primary-off";
	fsched_active_t prev, next;
	bool have_prev = false;
	struct json_object *detail = json_object_new_object();
	const char *host, *kind;
	char *env[11] = { NULL };
	bool recorded = true;
	int64_t epoch = 0;
	fsched_err_t err;
	time_t now = time(NULL);
	int rc = 0, n = 0;

	if (ctx->index < 0) {
		hook_err("%s: this host (%s) is not a SlurmctldHost in %s; nothing recorded",
			 role, ctx->host_short, ctx->sc.path);
		json_object_put(detail);
		return 1;
	}
	/* The name as slurm.conf spells it, like the heartbeat's index. */
	host = ctx->sc.ctld_host[ctx->index];

	if (fsched_state_dir_prepare(ctx->state_dir, &err) < 0) {
		hook_err("%s: %s", role, err.msg);
		json_object_put(detail);
		return 1;
	}
	if (fsched_active_read(ctx->state_dir, &prev, &err) == 0) {
		have_prev = true;
	} else if (err.errnum != ENOENT) {
		hook_err("%s: %s", role, err.msg);
		json_object_object_add(detail, "active_error",
				       json_object_new_string(err.msg));
		/* Keep counting: a host that is nobody takes the old slot. */
		memset(&prev, 0, sizeof(prev));
		prev.epoch = epoch_from_events(ctx->state_dir);
		prev.prev_index = -1;
		have_prev = prev.epoch > 0;
	}

	if (on) {
		enum fsched_primary_kind k;

		k = fsched_active_next(have_prev ? &prev : NULL, host,
				       ctx->index, now, &next);
		kind = fsched_primary_kind_str(k);
		epoch = next.epoch;
		if (fsched_active_write(ctx->state_dir, &next, &err) < 0) {
			/*
			 * The one report of the failure: slurmctld only logs
			 * our exit status.  The takeover itself goes on
			 * (slurmctld does not wait for us); the site hooks
			 * still run, told by FSCHED_RECORDED=0.
			 */
			hook_err("primary-on: %s (SlurmctldHost index %d) is the active controller, but NOT recorded as such (epoch %lld, %s): %s",
				 host, ctx->index, (long long)next.epoch, kind,
				 err.msg);
			json_object_object_add(detail, "write_error",
					       json_object_new_string(err.msg));
			recorded = false;
			rc = 1;
		}
		fsched_json_add_string(detail, "kind", kind);
		fsched_json_add_int64(detail, "epoch", next.epoch);
		fsched_json_add_int64(detail, "index", ctx->index);
		if (k == FSCHED_PRIMARY_TAKEOVER) {
			fsched_json_add_string(detail, "previous_host",
					       prev.host[0] ? prev.host : NULL);
			json_object_object_add(detail, "failback",
				json_object_new_boolean(prev.host[0] &&
							ctx->index < prev.index));
		}
		add_event(ctx, host, "primary-on", detail);
		if (recorded)
			fsched_info("primary-on: %s (SlurmctldHost index %d) is the active controller, epoch %lld (%s%s%s)",
				    host, ctx->index, (long long)next.epoch,
				    kind,
				    k == FSCHED_PRIMARY_TAKEOVER && prev.host[0] ?
					" from " : "",
				    k == FSCHED_PRIMARY_TAKEOVER ?
					prev.host : "");
	} else {
		kind = ((have_prev && !strcmp(prev.host, host)) ||
			was_active(ctx->state_dir, host)) ? "step-down" :
							    "standby";
		epoch = have_prev ? prev.epoch : 0;
		fsched_json_add_string(detail, "kind", kind);
		fsched_json_add_int64(detail, "index", ctx->index);
		if (have_prev && prev.host[0])
			fsched_json_add_string(detail, "active_host", prev.host);
		add_event(ctx, host, "primary-off", detail);
		fsched_info("primary-off: %s (SlurmctldHost index %d) is in standby (%s)",
			    host, ctx->index, kind);
	}
	json_object_put(detail);

	if (ctx->conf.hook_dir) {
		const char *prev_host = on ? next.prev_host :
					(have_prev ? prev.host : "");
		bool ok = env_add(env, &n, "FSCHED_ROLE=%s", role) &&
			  env_add(env, &n, "FSCHED_KIND=%s", kind) &&
			  env_add(env, &n, "FSCHED_HOST=%s", host) &&
			  env_add(env, &n, "FSCHED_INDEX=%d", ctx->index) &&
			  env_add(env, &n, "FSCHED_EPOCH=%lld",
				  (long long)epoch) &&
			  env_add(env, &n, "FSCHED_PREV_HOST=%s", prev_host) &&
			  env_add(env, &n, "FSCHED_STATE_DIR=%s",
				  ctx->state_dir) &&
			  env_add(env, &n, "FSCHED_CLUSTER=%s",
				  ctx->sc.cluster_name ?
					ctx->sc.cluster_name : "") &&
			  env_add(env, &n, "FSCHED_RECORDED=%d", recorded);

		if (!ok) {
			hook_err("%s: out of memory", role);
			rc = 1;
		} else if (hook_run_site_hooks(ctx->conf.hook_dir, role, env,
					       ctx->conf.hook_timeout) > 0) {
			rc = 1;
		}
		for (int i = 0; i < n; i++)
			free(env[i]);
	}
	return rc;
}
