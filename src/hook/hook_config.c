/*
 * hook_config.c - "check-config": check the high-availability settings of
 * slurm.conf and fsched.conf and say what to change.
 *
 * The checks are fsched_confcheck(); this file gives them the facts of
 * this machine (statfs, statx, stat, the user database) and prints one
 * finding per line, or JSON with --json.  Reads only: the configuration
 * (already loaded by hook_main.c), file system metadata.  Exit 0 without
 * errors or warnings, 1 warnings only, 2 errors (3: the configuration
 * cannot be read, reported by hook_main.c).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fsched_confcheck.h"
#include "fsched_json.h"
#include "fsched_log.h"
#include "fsched_storage.h"
#include "hook.h"

#ifndef FSCHED_SLURM_PLUGINDIR
#define FSCHED_SLURM_PLUGINDIR "/usr/lib/slurm"
#endif
#ifndef FSCHED_SBINDIR
#define FSCHED_SBINDIR "/usr/sbin"
#endif

#define CONFIG_VERSION 1

static int real_fs_type(void *arg, const char *path, char *name, size_t len,
			bool *network, fsched_err_t *err)
{
	if (fsched_fs_type(path, name, len, network) < 0)
		return fsched_err_sys(err, errno, "%s", path);
	return 0;
}

static int real_is_mount_point(void *arg, const char *path, bool *out,
			       fsched_err_t *err)
{
	return fsched_is_mount_point(path, out, err);
}

static int real_can_exec(void *arg, const char *path, const char *user,
			 fsched_err_t *err)
{
	fsched_cred_t cred;

	if (fsched_cred_lookup(user, &cred, err) < 0)
		return -1;
	return fsched_cred_can_exec(&cred, path, err);
}

static int real_stat(void *arg, const char *path, struct stat *st,
		     fsched_err_t *err)
{
	if (stat(path, st) < 0)
		return fsched_err_sys(err, errno, "%s", path);
	return 0;
}

static void print_json(const hook_ctx_t *ctx, const fsched_findings_t *f,
		       int code)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array();

	fsched_json_add_int64(o, "version", CONFIG_VERSION);
	fsched_json_add_string(o, "slurm_conf", ctx->sc.path);
	fsched_json_add_string(o, "fsched_conf", ctx->conf.path);
	for (size_t i = 0; i < f->n; i++) {
		const fsched_finding_t *x = &f->v[i];
		struct json_object *e = json_object_new_object();

		fsched_json_add_string(e, "severity",
				       fsched_severity_str(x->severity));
		fsched_json_add_string(e, "file", x->file);
		if (x->line > 0)
			fsched_json_add_int64(e, "line", x->line);
		fsched_json_add_string(e, "setting", x->setting);
		fsched_json_add_string(e, "message", x->message);
		fsched_json_add_string(e, "fix", x->fix);
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "findings", arr);
	fsched_json_add_int64(o, "errors", (int64_t)
			      fsched_findings_count(f, FSCHED_SEV_ERROR));
	fsched_json_add_int64(o, "warnings", (int64_t)
			      fsched_findings_count(f, FSCHED_SEV_WARNING));
	fsched_json_add_int64(o, "infos", (int64_t)
			      fsched_findings_count(f, FSCHED_SEV_INFO));
	fsched_json_add_int64(o, "status", code);
	printf("%s\n", json_object_to_json_string_ext(o,
				FSCHED_JSON_PRETTY));
	json_object_put(o);
}

static void print_text(const hook_ctx_t *ctx, const fsched_findings_t *f)
{
	size_t nerr = fsched_findings_count(f, FSCHED_SEV_ERROR);
	size_t nwarn = fsched_findings_count(f, FSCHED_SEV_WARNING);
	char line[4096];

	printf("check-config: %s, %s\n", ctx->sc.path, ctx->conf.path);
	for (size_t i = 0; i < f->n; i++)
		printf("%s\n", fsched_finding_format(&f->v[i], line,
						     sizeof(line)));
	if (!nerr && !nwarn)
		printf("check-config: no problems found\n");
	else
		printf("check-config: %zu error%s, %zu warning%s\n", nerr,
		       nerr == 1 ? "" : "s", nwarn, nwarn == 1 ? "" : "s");
}

int hook_check_config_cmd(hook_ctx_t *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const fsched_confcheck_facts_t facts = {
		.fs_type = real_fs_type,
		.is_mount_point = real_is_mount_point,
		.can_exec = real_can_exec,
		.stat = real_stat,
		.default_plugindir = FSCHED_SLURM_PLUGINDIR,
		.sbindir = FSCHED_SBINDIR,
	};
	fsched_findings_t f = { 0 };
	fsched_err_t err;
	bool json = false;
	int opt, code;

	while ((opt = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		default:
			return HOOK_UNKNOWN;
		}
	}
	if (optind < argc) {
		hook_err("check-config: unexpected argument \"%s\" (use -f SLURM_CONF before the command)",
			 argv[optind]);
		return HOOK_UNKNOWN;
	}
	if (ctx->load_error) {
		hook_err("check-config: %s", ctx->load_error);
		return HOOK_UNKNOWN;
	}
	if (fsched_confcheck(&ctx->sc, &ctx->conf, &facts, &f, &err) < 0) {
		hook_err("%s", err.msg);
		fsched_findings_free(&f);
		return HOOK_UNKNOWN;
	}
	if (fsched_findings_count(&f, FSCHED_SEV_ERROR))
		code = HOOK_CRITICAL;
	else if (fsched_findings_count(&f, FSCHED_SEV_WARNING))
		code = HOOK_WARNING;
	else
		code = HOOK_OK;
	if (json)
		print_json(ctx, &f, code);
	else
		print_text(ctx, &f);
	fsched_findings_free(&f);
	return code;
}
