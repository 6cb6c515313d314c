/*
 * fsched_kv.c - tokenizer for Slurm-style "Key=Value" configuration files.
 */
#include "config.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fsched_file.h"
#include "fsched_kv.h"

#define KV_MAX_FILE	(4u << 20)	/* largest config file read */
#define KV_MAX_DEPTH	8		/* Include nesting */

struct parser {
	bool allow_include;
	int depth;
	fsched_kv_fn fn;
	void *arg;
};

static int parse_buf(struct parser *p, const char *name, const char *buf,
		     size_t len, fsched_err_t *err);

static int parse_file(struct parser *p, const char *path, fsched_err_t *err)
{
	char *buf;
	size_t len;
	int rc;

	if (fsched_read_file(path, KV_MAX_FILE, &buf, &len, err) < 0)
		return -1;
	rc = parse_buf(p, path, buf, len, err);
	free(buf);
	return rc;
}

/* "Include PATH": PATH relative to the directory of the including file. */
static int include(struct parser *p, const char *from, int line,
		   const char *arg, fsched_err_t *err)
{
	char path[PATH_MAX];
	glob_t g;
	size_t i;
	int rc = 0, grc;

	if (!p->allow_include)
		return fsched_err_set(err, EINVAL, "%s:%d: Include is not allowed in this file",
				      from, line);
	if (p->depth >= KV_MAX_DEPTH)
		return fsched_err_set(err, ELOOP, "%s:%d: Include nested too deeply",
				      from, line);
	if (arg[0] == '/') {
		snprintf(path, sizeof(path), "%s", arg);
	} else {
		const char *slash = strrchr(from, '/');
		int dlen = slash ? (int)(slash - from) : 1;

		snprintf(path, sizeof(path), "%.*s/%s", dlen,
			 slash ? from : ".", arg);
	}
	grc = glob(path, GLOB_ERR | GLOB_NOCHECK, NULL, &g);
	if (grc != 0) {
		globfree(&g);
		return fsched_err_set(err, ENOENT, "%s:%d: cannot expand Include %s",
				      from, line, path);
	}
	p->depth++;
	for (i = 0; i < g.gl_pathc && rc == 0; i++) {
		fsched_err_t ferr;
		char *buf;
		size_t len;

		if (fsched_read_file(g.gl_pathv[i], KV_MAX_FILE, &buf, &len,
				     &ferr) < 0) {
			rc = fsched_err_set(err, ferr.errnum, "%s:%d: Include: %s",
					    from, line, ferr.msg);
			break;
		}
		rc = parse_buf(p, g.gl_pathv[i], buf, len, err);
		free(buf);
	}
	p->depth--;
	globfree(&g);
	return rc;
}

/*
 * Split one logical line (continuations already joined, comment removed)
 * into pairs.  Modifies line in place.
 */
static int parse_line(struct parser *p, const char *name, int lineno,
		      char *line, fsched_err_t *err)
{
	char *s = line, *first_key = NULL, q[FSCHED_ERR_QUOTE_MAX];
	int pos = 0;

	for (;;) {
		char *key, *val, *w;
		fsched_kv_pair_t pair;

		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s)
			break;
		key = s;
		while (*s && *s != '=' && *s != ' ' && *s != '\t' &&
		       *s != '\r')
			s++;
		if (*s != '=') {
			/* A bare word: only "Include PATH" is allowed. */
			char *end = s;

			while (*s == ' ' || *s == '\t')
				s++;
			if (pos == 0 && (size_t)(end - key) == 7 &&
			    !strncasecmp(key, "include", 7) && *s) {
				char *e = s + strlen(s);

				while (e > s && strchr(" \t\r", e[-1]))
					*--e = '\0';
				return include(p, name, lineno, s, err);
			}
			*end = '\0';
			return fsched_err_set(err, EINVAL, "%s:%d: expected Key=Value, found %s",
					      name, lineno,
					      fsched_err_quote(key, q,
							       sizeof(q)));
		}
		*s++ = '\0';
		if (!*key)
			return fsched_err_set(err, EINVAL, "%s:%d: missing key before '='",
					      name, lineno);
		/* Value: quoted string or up to white space. */
		val = w = s;
		if (*s == '"') {
			s++;
			while (*s && *s != '"')
				*w++ = *s++;
			if (*s != '"')
				return fsched_err_set(err, EINVAL, "%s:%d: unterminated quote in value of %s",
						      name, lineno,
						      fsched_err_quote(key, q,
								       sizeof(q)));
			s++;
			if (*s && !strchr(" \t\r", *s))
				return fsched_err_set(err, EINVAL, "%s:%d: junk after closing quote in value of %s",
						      name, lineno,
						      fsched_err_quote(key, q,
								       sizeof(q)));
		} else {
			while (*s && !strchr(" \t\r", *s))
				*w++ = *s++;
		}
		if (*s)
			s++;
		*w = '\0';
		if (pos == 0)
			first_key = key;

		pair.file = name;
		pair.line = lineno;
		pair.pos = pos++;
		pair.first_key = first_key;
		pair.key = key;
		pair.value = val;
		if (p->fn(p->arg, &pair, err) < 0)
			return -1;
	}
	return 0;
}

static int parse_buf(struct parser *p, const char *name, const char *buf,
		     size_t len, fsched_err_t *err)
{
	char *line = NULL;
	size_t cap = 0, used = 0, i = 0;
	int lineno = 0, start = 0, rc = 0;

	if (memchr(buf, '\0', len))
		return fsched_err_set(err, EINVAL, "%s: contains a NUL byte",
				      name);
	while (i < len && rc == 0) {
		size_t end = i, n;
		bool cont = false, in_quote = false;

		while (end < len && buf[end] != '\n')
			end++;
		lineno++;
		if (!used)
			start = lineno;
		n = end - i;
		if (used + n + 2 > cap) {
			char *nl;

			cap = (used + n + 2) * 2;
			if (!(nl = realloc(line, cap))) {
				rc = fsched_err_sys(err, ENOMEM, "%s", name);
				break;
			}
			line = nl;
		}
		/* Copy, dropping comments; "\#" is a literal '#'. */
		for (size_t k = i; k < end; k++) {
			char c = buf[k];

			if (c == '"')
				in_quote = !in_quote;
			if (c == '\\' && k + 1 < end && buf[k + 1] == '#') {
				line[used++] = '#';
				k++;
				continue;
			}
			if (c == '#' && !in_quote)
				break;
			line[used++] = c;
		}
		/* Trailing backslash (before any comment): continuation. */
		while (used > 0 && strchr(" \t\r", line[used - 1]))
			used--;
		if (used > 0 && line[used - 1] == '\\') {
			used--;
			line[used++] = ' ';
			cont = true;
		}
		i = end + 1;
		if (cont && i < len)
			continue;
		line[used] = '\0';
		rc = parse_line(p, name, start, line, err);
		used = 0;
	}
	free(line);
	return rc;
}

int fsched_kv_parse_file(const char *path, bool allow_include,
			 fsched_kv_fn fn, void *arg, fsched_err_t *err)
{
	struct parser p = {
		.allow_include = allow_include, .fn = fn, .arg = arg
	};

	return parse_file(&p, path, err);
}

int fsched_kv_parse_buf(const char *name, const char *buf, size_t len,
			fsched_kv_fn fn, void *arg, fsched_err_t *err)
{
	struct parser p = { .allow_include = false, .fn = fn, .arg = arg };

	return parse_buf(&p, name, buf, len, err);
}

int fsched_kv_bool(const char *value, bool *out, fsched_err_t *err)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(value, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(value, no[i])) {
			*out = false;
			return 0;
		}
	}
	char q[FSCHED_ERR_QUOTE_MAX];

	return fsched_err_set(err, EINVAL, "%s is not a boolean (use yes or no)",
			      fsched_err_quote(value, q, sizeof(q)));
}

int fsched_kv_long(const char *value, long min, long max, long *out,
		   fsched_err_t *err)
{
	char *end, q[FSCHED_ERR_QUOTE_MAX];
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (!*value || *end || errno == ERANGE)
		return fsched_err_set(err, EINVAL, "%s is not an integer",
				      fsched_err_quote(value, q, sizeof(q)));
	if (v < min || v > max)
		return fsched_err_set(err, ERANGE, "%ld is out of range [%ld, %ld]",
				      v, min, max);
	*out = v;
	return 0;
}
