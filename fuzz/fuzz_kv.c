/*
 * fuzz_kv.c - the Key=Value tokenizer: fsched_kv_parse_buf() on the input,
 * and the value parsers fsched_kv_bool() / fsched_kv_long() on every value.
 *
 * Input: the buffer.  Its first byte also makes the callback stop with an
 * error after that many pairs (0: never), which must end the parse with
 * exactly that error.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fsched_kv.h"
#include "fuzz_common.h"

#define NAME "fuzz.conf"

struct state {
	unsigned stop_after;
	unsigned pairs;
	int last_line;
	int last_pos;
	const char *first_key;
};

static int on_pair(void *arg, const fsched_kv_pair_t *pr, fsched_err_t *err)
{
	struct state *st = arg;
	fsched_err_t verr;
	long l;
	bool b;

	FUZZ_CHECK(pr->file && !strcmp(pr->file, NAME), "pair file");
	FUZZ_CHECK(pr->key && pr->key[0], "empty key");
	FUZZ_CHECK(!strpbrk(pr->key, "= \t\r\n"), "bad key \"%s\"", pr->key);
	FUZZ_CHECK(pr->value && !strchr(pr->value, '\n'), "bad value");
	FUZZ_CHECK(pr->line >= 1 && pr->line >= st->last_line, "line %d after %d",
		   pr->line, st->last_line);
	if (pr->line == st->last_line && pr->pos > 0) {
		FUZZ_CHECK(pr->pos == st->last_pos + 1, "pos %d after %d",
			   pr->pos, st->last_pos);
		FUZZ_CHECK(pr->first_key == st->first_key, "first_key changed");
	}
	if (pr->pos == 0) {
		FUZZ_CHECK(pr->first_key == pr->key, "first_key of pos 0");
		st->first_key = pr->first_key;
	}
	FUZZ_CHECK(pr->first_key && pr->first_key[0], "first_key");
	st->last_line = pr->line;
	st->last_pos = pr->pos;

	/* Value parsers: agree with strtol / the documented words. */
	fuzz_err_poison(&verr);
	if (fsched_kv_long(pr->value, LONG_MIN, LONG_MAX, &l, &verr) == 0) {
		char *end;

		FUZZ_CHECK(l == strtol(pr->value, &end, 10) && !*end,
			   "kv_long(%s)", pr->value);
	} else {
		fuzz_check_err(-1, &verr, "fsched_kv_long");
	}
	if (fsched_kv_long(pr->value, -5, 5, &l, &verr) == 0)
		FUZZ_CHECK(l >= -5 && l <= 5, "kv_long bounds");
	fuzz_err_poison(&verr);
	if (fsched_kv_bool(pr->value, &b, &verr) == 0)
		FUZZ_CHECK(strlen(pr->value) <= 5, "kv_bool(%s)", pr->value);
	else
		fuzz_check_err(-1, &verr, "fsched_kv_bool");

	if (st->stop_after && ++st->pairs >= st->stop_after)
		return fsched_err_set(err, EDOM, "stop at pair %u", st->pairs);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state st;
	fsched_err_t err;
	int rc;

	memset(&st, 0, sizeof(st));
	st.stop_after = size ? data[0] % 8 : 0;
	fuzz_err_poison(&err);
	rc = fsched_kv_parse_buf(NAME, (const char *)data, size, on_pair, &st,
				 &err);
	fuzz_check_err(rc, &err, "fsched_kv_parse_buf");
	if (st.stop_after && st.pairs >= st.stop_after)
		FUZZ_CHECK(rc < 0 && err.errnum == EDOM, "callback error lost");
	else if (rc < 0)
		FUZZ_CHECK(!strncmp(err.msg, NAME ":", strlen(NAME) + 1),
			   "error does not name the buffer: %s", err.msg);
	return 0;
}
