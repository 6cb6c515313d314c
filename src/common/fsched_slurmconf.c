/*
 * fsched_slurmconf.c - reader of the slurm.conf settings fsched-hook needs.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fsched_kv.h"
#include "fsched_slurmconf.h"
#include "fsched_state.h"

#ifndef FSCHED_DEFAULT_SLURM_CONF
#define FSCHED_DEFAULT_SLURM_CONF "/etc/slurm/slurm.conf"
#endif

const char *fsched_slurmconf_default_path(void)
{
	const char *env = getenv("SLURM_CONF");

	return (env && env[0]) ? env : FSCHED_DEFAULT_SLURM_CONF;
}

void fsched_slurmconf_free(fsched_slurmconf_t *sc)
{
	free(sc->path);
	free(sc->cluster_name);
	for (int i = 0; i < FSCHED_MAX_CTLD; i++) {
		free(sc->ctld_host[i]);
		free(sc->ctld_addr[i]);
		free(sc->ctld_file[i]);
	}
	for (int i = 0; i < FSCHED_SC_NKEYS; i++)
		free(sc->loc[i].file);
	free(sc->state_save_location);
	free(sc->slurm_user);
	free(sc->primary_on_prog);
	free(sc->primary_off_prog);
	free(sc->select_type);
	free(sc->jobcomp_type);
	free(sc->jobcomp_loc);
	free(sc->plugin_dir);
	memset(sc, 0, sizeof(*sc));
}

struct load {
	fsched_slurmconf_t *sc;
	/* Legacy ControlMachine/ControlAddr/BackupController/BackupAddr. */
	char *legacy[4];
	char *legacy_file[4];
	int legacy_line[4];
};

/* Keys that take the rest of their line (node, partition... records). */
static int is_record_key(const char *key)
{
	static const char *const rec[] = {
		"NodeName", "PartitionName", "FrontendName", "DownNodes",
		"NodeSet",
	};

	for (size_t i = 0; i < sizeof(rec) / sizeof(rec[0]); i++)
		if (!strcasecmp(key, rec[i]))
			return 1;
	return 0;
}

static int set_str(char **field, const char *value, fsched_err_t *err)
{
	free(*field);
	if (!(*field = strdup(value)))
		return fsched_err_sys(err, ENOMEM, "slurm.conf");
	return 0;
}

/* Record where key was set. */
static int set_loc(fsched_slurmconf_t *sc, enum fsched_slurmconf_key key,
		   const fsched_kv_pair_t *pr, fsched_err_t *err)
{
	sc->loc[key].line = pr->line;
	return set_str(&sc->loc[key].file, pr->file, err);
}

/* A string setting and its location. */
static int set_str_at(fsched_slurmconf_t *sc, enum fsched_slurmconf_key key,
		      char **field, const fsched_kv_pair_t *pr,
		      fsched_err_t *err)
{
	if (set_loc(sc, key, pr, err) < 0)
		return -1;
	return set_str(field, pr->value, err);
}

/* "name" or "name(addr)" */
/* The first of the controllers [0, n) other than i named as i, or -1. */
static int ctld_dup(const fsched_slurmconf_t *sc, int i, int n)
{
	for (int j = 0; j < n; j++)
		if (j != i && !strcmp(sc->ctld_host[j], sc->ctld_host[i]))
			return j;
	return -1;
}

static int add_ctld(fsched_slurmconf_t *sc, const fsched_kv_pair_t *pr,
		    fsched_err_t *err)
{
	const char *v = pr->value, *open = strchr(v, '(');
	char q[FSCHED_ERR_QUOTE_MAX];
	int i = sc->ctld_cnt, j;

	if (i >= FSCHED_MAX_CTLD)
		return fsched_err_set(err, E2BIG, "%s:%d: more than %d SlurmctldHost entries",
				      pr->file, pr->line, FSCHED_MAX_CTLD);
	if (!v[0] || open == v)
		return fsched_err_set(err, EINVAL, "%s:%d: empty SlurmctldHost",
				      pr->file, pr->line);
	if (open) {
		size_t alen = strlen(open + 1);

		if (alen < 2 || open[alen] != ')')
			return fsched_err_set(err, EINVAL, "%s:%d: bad SlurmctldHost %s (expected name or name(address))",
					      pr->file, pr->line,
					      fsched_err_quote(v, q, sizeof(q)));
		sc->ctld_host[i] = strndup(v, (size_t)(open - v));
		sc->ctld_addr[i] = strndup(open + 1, alen - 1);
	} else {
		sc->ctld_host[i] = strdup(v);
		sc->ctld_addr[i] = strdup(v);
	}
	sc->ctld_file[i] = strdup(pr->file);
	if (!sc->ctld_host[i] || !sc->ctld_addr[i] || !sc->ctld_file[i])
		return fsched_err_sys(err, ENOMEM, "slurm.conf");
	if ((j = ctld_dup(sc, i, i)) >= 0)
		return fsched_err_set(err, EINVAL, "%s:%d: duplicate SlurmctldHost %s (also line %d)",
				      pr->file, pr->line,
				      fsched_err_quote(sc->ctld_host[i], q,
						       sizeof(q)),
				      sc->ctld_line[j]);
	sc->ctld_line[i] = pr->line;
	sc->ctld_cnt++;
	return 0;
}

static int set_key(void *arg, const fsched_kv_pair_t *pr, fsched_err_t *err)
{
	static const char *const legacy_keys[] = {
		"ControlMachine", "ControlAddr", "BackupController",
		"BackupAddr",
	};
	struct load *ld = arg;
	fsched_slurmconf_t *sc = ld->sc;
	const char *k = pr->key;

	if (pr->pos > 0 && is_record_key(pr->first_key))
		return 0;
	if (!strcasecmp(k, "SlurmctldHost"))
		return add_ctld(sc, pr, err);
	for (int i = 0; i < 4; i++) {
		if (!strcasecmp(k, legacy_keys[i])) {
			ld->legacy_line[i] = pr->line;
			if (set_str(&ld->legacy_file[i], pr->file, err) < 0)
				return -1;
			return set_str(&ld->legacy[i], pr->value, err);
		}
	}
	if (!strcasecmp(k, "ClusterName"))
		return set_str(&sc->cluster_name, pr->value, err);
	if (!strcasecmp(k, "StateSaveLocation"))
		return set_str_at(sc, FSCHED_SC_STATE_SAVE_LOCATION,
				  &sc->state_save_location, pr, err);
	if (!strcasecmp(k, "SlurmUser"))
		return set_str_at(sc, FSCHED_SC_SLURM_USER, &sc->slurm_user,
				  pr, err);
	if (!strcasecmp(k, "SlurmctldPrimaryOnProg"))
		return set_str_at(sc, FSCHED_SC_PRIMARY_ON_PROG,
				  &sc->primary_on_prog, pr, err);
	if (!strcasecmp(k, "SlurmctldPrimaryOffProg"))
		return set_str_at(sc, FSCHED_SC_PRIMARY_OFF_PROG,
				  &sc->primary_off_prog, pr, err);
	if (!strcasecmp(k, "SelectType"))
		return set_str_at(sc, FSCHED_SC_SELECT_TYPE, &sc->select_type,
				  pr, err);
	if (!strcasecmp(k, "JobCompType"))
		return set_str_at(sc, FSCHED_SC_JOBCOMP_TYPE,
				  &sc->jobcomp_type, pr, err);
	if (!strcasecmp(k, "JobCompLoc"))
		return set_str(&sc->jobcomp_loc, pr->value, err);
	if (!strcasecmp(k, "PluginDir"))
		return set_str_at(sc, FSCHED_SC_PLUGIN_DIR, &sc->plugin_dir,
				  pr, err);
	if (!strcasecmp(k, "SlurmctldTimeout")) {
		fsched_err_t verr;

		if (set_loc(sc, FSCHED_SC_SLURMCTLD_TIMEOUT, pr, err) < 0)
			return -1;

		if (fsched_kv_long(pr->value, 0, 65533,
				   &sc->slurmctld_timeout, &verr) < 0)
			return fsched_err_set(err, verr.errnum, "%s:%d: bad SlurmctldTimeout: %s",
					      pr->file, pr->line, verr.msg);
	}
	return 0;
}

enum { L_CM, L_CA, L_BC, L_BA };	/* struct load's legacy[] */

/*
 * Old-style controller keys, as Slurm 22.05 reads them
 * (_load_slurmctld_host() in src/common/read_config.c):
 *  - with any SlurmctldHost they are ignored (slurmctld logs "Ignoring
 *    ControlMachine since SlurmctldHost is set");
 *  - a key given twice takes its last value (slurmctld logs "specified
 *    more than once, latest value used"), which set_key() did;
 *  - BackupAddr without BackupController is an error, so is a
 *    ControlMachine holding several names (a comma) without ControlAddr;
 *  - BackupController naming the ControlMachine host is an error
 *    ("Duplicate SlurmctldHost records"), as two equal SlurmctldHost.
 * Errors name the file and line of the offending key.
 */
static int apply_legacy(struct load *ld, fsched_err_t *err)
{
	fsched_slurmconf_t *sc = ld->sc;
	char q[FSCHED_ERR_QUOTE_MAX];

	if (sc->ctld_cnt > 0 || !ld->legacy[L_CM])
		return 0;
	if (strchr(ld->legacy[L_CM], ',') && !ld->legacy[L_CA])
		return fsched_err_set(err, EINVAL, "%s:%d: ControlMachine has multiple host names, so ControlAddr must be specified",
				      ld->legacy_file[L_CM],
				      ld->legacy_line[L_CM]);
	if (ld->legacy[L_BA] && !ld->legacy[L_BC])
		return fsched_err_set(err, EINVAL, "%s:%d: BackupAddr specified without BackupController",
				      ld->legacy_file[L_BA],
				      ld->legacy_line[L_BA]);
	if (ld->legacy[L_BC] && !strcmp(ld->legacy[L_BC], ld->legacy[L_CM]))
		return fsched_err_set(err, EINVAL, "%s:%d: duplicate controller: BackupController %s is the ControlMachine (%s:%d)",
				      ld->legacy_file[L_BC],
				      ld->legacy_line[L_BC],
				      fsched_err_quote(ld->legacy[L_BC], q,
						       sizeof(q)),
				      ld->legacy_file[L_CM],
				      ld->legacy_line[L_CM]);

	for (int i = 0; i < 2; i++) {
		int name = i ? L_BC : L_CM, addr = name + 1;

		if (!ld->legacy[name])
			break;
		sc->ctld_host[i] = ld->legacy[name];
		sc->ctld_addr[i] = ld->legacy[addr] ? ld->legacy[addr] :
				   strdup(ld->legacy[name]);
		sc->ctld_line[i] = ld->legacy_line[name];
		sc->ctld_file[i] = ld->legacy_file[name];
		ld->legacy[name] = ld->legacy[addr] = NULL;
		ld->legacy_file[name] = NULL;
		sc->ctld_cnt = i + 1;
		if (!sc->ctld_addr[i])
			return fsched_err_sys(err, ENOMEM, "slurm.conf");
	}
	return 0;
}

/*
 * As Slurm's _load_slurmctld_host(): a controller named "localhost" is this
 * host (short name), and no two controllers may then have the same name.
 */
static int fix_localhost(fsched_slurmconf_t *sc, fsched_err_t *err)
{
	char q[FSCHED_ERR_QUOTE_MAX];

	for (int i = 0; i < sc->ctld_cnt; i++) {
		char short_name[256], long_name[256];
		int j;

		if (strcasecmp(sc->ctld_host[i], "localhost"))
			continue;
		if (fsched_hostnames(short_name, sizeof(short_name),
				     long_name, sizeof(long_name)) < 0)
			return fsched_err_sys(err, errno, "%s:%d: SlurmctldHost localhost: cannot get this host's name",
					      sc->ctld_file[i],
					      sc->ctld_line[i]);
		free(sc->ctld_host[i]);
		if (!(sc->ctld_host[i] = strdup(short_name)))
			return fsched_err_sys(err, ENOMEM, "slurm.conf");
		if ((j = ctld_dup(sc, i, sc->ctld_cnt)) >= 0)
			return fsched_err_set(err, EINVAL, "%s:%d: duplicate SlurmctldHost %s (localhost is this host; also line %d)",
					      sc->ctld_file[i], sc->ctld_line[i],
					      fsched_err_quote(short_name, q,
							       sizeof(q)),
					      sc->ctld_line[j]);
	}
	return 0;
}

int fsched_slurmconf_load(fsched_slurmconf_t *sc, const char *path,
			  fsched_err_t *err)
{
	struct load ld = { .sc = sc };
	int rc = -1;

	memset(sc, 0, sizeof(*sc));
	sc->slurmctld_timeout = 120;
	if (!(sc->path = strdup(path))) {
		fsched_err_sys(err, ENOMEM, "%s", path);
		goto out;
	}
	if (fsched_kv_parse_file(path, true, set_key, &ld, err) < 0)
		goto out;
	if (apply_legacy(&ld, err) < 0)
		goto out;
	if (sc->ctld_cnt == 0) {
		fsched_err_set(err, EINVAL, "%s: no SlurmctldHost defined",
			       path);
		goto out;
	}
	if (fix_localhost(sc, err) < 0)
		goto out;
	if (!sc->state_save_location &&
	    !(sc->state_save_location = strdup("/var/spool"))) {
		fsched_err_sys(err, ENOMEM, "%s", path);
		goto out;
	}
	if (!sc->slurm_user && !(sc->slurm_user = strdup("root"))) {
		fsched_err_sys(err, ENOMEM, "%s", path);
		goto out;
	}
	rc = 0;
out:
	for (int i = 0; i < 4; i++) {
		free(ld.legacy[i]);
		free(ld.legacy_file[i]);
	}
	if (rc < 0)
		fsched_slurmconf_free(sc);
	return rc;
}

int fsched_slurmconf_ctld_index(const fsched_slurmconf_t *sc,
				const char *host_short, const char *host_long)
{
	for (int i = 0; i < sc->ctld_cnt; i++) {
		if ((host_short && !strcmp(sc->ctld_host[i], host_short)) ||
		    (host_long && !strcmp(sc->ctld_host[i], host_long)))
			return i;
	}
	return -1;
}
