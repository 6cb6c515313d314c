/*
 * hook_guard.c - "guard": the administrator's side of the state guard.
 *
 *   guard --allow-once [--reason TEXT] [--minutes N]
 *       allow the next start or takeover on THIS host even if the guard
 *       would refuse it (a deliberate clean start, new storage...).  Writes
 *       <LocalStateDir>/allow-once.json; the guard consumes it when used
 *       and logs it; it expires after N minutes (default 60).
 *   guard --cancel   remove a pending override
 *   guard [--show]   print this host's last decision and any override
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsched_events.h"
#include "fsched_file.h"
#include "fsched_guard.h"
#include "fsched_json.h"
#include "fsched_manifest.h"
#include "hook.h"

static void who(char *buf, size_t len)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw = getpwuid(getuid());

	if (sudo && sudo[0])
		snprintf(buf, len, "%s (via sudo)", sudo);
	else if (pw)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "uid %u", (unsigned)getuid());
}

/*
 * LocalStateDir belongs to SlurmUser: slurmctld writes its marker and
 * guard.json there and removes the override.  When root makes it (or
 * finds it root's), hand it over.
 */
static int own_local_dir(hook_ctx_t *ctx, fsched_err_t *err)
{
	struct passwd *pw;
	struct stat st;

	if (fsched_mkdir_p(ctx->conf.local_dir, 0755, err) < 0)
		return -1;
	if (geteuid() != 0 || !(pw = getpwnam(ctx->sc.slurm_user)) ||
	    pw->pw_uid == 0)
		return 0;
	if (stat(ctx->conf.local_dir, &st) == 0 && st.st_uid == 0 &&
	    chown(ctx->conf.local_dir, pw->pw_uid, pw->pw_gid) < 0)
		return fsched_err_sys(err, errno, "cannot give %s to SlurmUser %s",
				      ctx->conf.local_dir, ctx->sc.slurm_user);
	return 0;
}

static int show(hook_ctx_t *ctx)
{
	struct json_object *rec;
	fsched_allow_once_t ao;
	fsched_err_t err;
	char iso[32];

	if (fsched_guard_read_record(ctx->conf.local_dir, &rec, &err) == 0) {
		printf("last decision on this host:\n%s\n",
		       json_object_to_json_string_ext(rec,
				FSCHED_JSON_PRETTY));
		json_object_put(rec);
	} else {
		printf("last decision on this host: none (%s)\n", err.msg);
	}
	if (fsched_allow_once_read(ctx->conf.local_dir, &ao, &err) == 0) {
		fsched_time_iso((time_t)ao.expires, iso, sizeof(iso));
		printf("override: pending, by %s, expires %s%s: %s\n", ao.by,
		       iso, ao.expires <= time(NULL) ? " (EXPIRED)" : "",
		       ao.reason);
	} else {
		printf("override: none\n");
	}
	return 0;
}

int hook_guard_cmd(hook_ctx_t *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "allow-once", no_argument, NULL, 'a' },
		{ "cancel", no_argument, NULL, 'c' },
		{ "show", no_argument, NULL, 's' },
		{ "reason", required_argument, NULL, 'r' },
		{ "minutes", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = "";
	fsched_allow_once_t ao;
	fsched_err_t err;
	long minutes = 60;
	int opt, action = 's';
	char iso[32], *end;

	while ((opt = getopt_long(argc, argv, "acsr:m:", opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
		case 'c':
		case 's':
			action = opt;
			break;
		case 'r':
			reason = optarg;
			break;
		case 'm':
			minutes = strtol(optarg, &end, 10);
			if (!*optarg || *end || minutes < 1 || minutes > 10080) {
				fprintf(stderr, "fsched-hook: --minutes needs 1-10080, not \"%s\"\n",
					optarg);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (action == 's')
		return show(ctx);
	if (action == 'c') {
		if (fsched_allow_once_consume(ctx->conf.local_dir, &err) < 0) {
			fprintf(stderr, "fsched-hook: %s\n", err.msg);
			return 1;
		}
		printf("override cancelled\n");
		return 0;
	}

	memset(&ao, 0, sizeof(ao));
	ao.created = time(NULL);
	ao.expires = ao.created + minutes * 60;
	who(ao.by, sizeof(ao.by));
	snprintf(ao.reason, sizeof(ao.reason), "%s", reason);
	if (own_local_dir(ctx, &err) < 0 ||
	    fsched_allow_once_write(ctx->conf.local_dir, &ao, &err) < 0) {
		fprintf(stderr, "fsched-hook: cannot write the override: %s\n",
			err.msg);
		return 1;
	}
	fsched_time_iso((time_t)ao.expires, iso, sizeof(iso));
	printf("The next start or takeover of slurmctld on this host (%s) is allowed once, even if the state guard would refuse it, until %s.\n"
	       "Jobs that are running on the compute nodes but missing from the state slurmctld loads will be killed.\n",
	       ctx->host_short, iso);
	return 0;
}
