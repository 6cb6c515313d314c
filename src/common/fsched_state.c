/*
 * fsched_state.c - the fsched state directory and host names.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsched_file.h"
#include "fsched_state.h"

char *fsched_path(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return p;
}

char *fsched_state_dir(const fsched_conf_t *conf,
		       const char *state_save_location)
{
	if (conf && conf->state_dir)
		return strdup(conf->state_dir);
	return fsched_path(state_save_location, "fsched");
}

int fsched_state_dir_prepare(const char *dir, fsched_err_t *err)
{
	return fsched_mkdir_p(dir, FSCHED_STATE_DIR_MODE, err);
}

int fsched_hostnames(char *short_name, size_t short_len, char *long_name,
		     size_t long_len)
{
	const char *env = getenv("FSCHED_HOSTNAME");
	char buf[256];
	char *dot;

	if (env && env[0]) {
		snprintf(buf, sizeof(buf), "%s", env);
	} else if (gethostname(buf, sizeof(buf)) < 0) {
		return -1;
	}
	buf[sizeof(buf) - 1] = '\0';
	snprintf(long_name, long_len, "%s", buf);
	if ((dot = strchr(buf, '.')))
		*dot = '\0';
	snprintf(short_name, short_len, "%s", buf);
	return 0;
}
