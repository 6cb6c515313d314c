/*
 * fuzz_journal.c - fsched_journal_scan() and fsched_journal_repair() on a
 * journal file holding the input; fsched_journal_parse_name().
 *
 * Input: 6 control bytes, then the file content.
 *   [0] flags: 1 = the first line of the content is padded with spaces to
 *       about SCAN_CHUNK (1 MiB) bytes, +-128 by [3], so that lines around
 *       the chunk size and chunk boundaries are exercised;
 *       2 = a prefilter is used (rejects lines whose length is a multiple
 *       of [4] + 2); 4 = the callback stops after [4] records; 8 = a
 *       second scan without the optional outputs (each scan allocates its
 *       1 MiB buffer: slow under ASan, so not on every input);
 *   [1..2] scan start offset (modulo the file size + 2);
 *   [3] padding delta; [4] prefilter modulus / stop count; [5] unused.
 * The scan is checked against a plain re-implementation: which lines are
 * delivered (with their offsets), how many are corrupt, where it ends.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsched_journal.h"
#include "fsched_json.h"
#include "fuzz_common.h"

#define SCAN_CHUNK (1u << 20)	/* fsched_journal.c */

struct scan {
	const char *file;	/* the file content */
	size_t size;
	unsigned modulus;	/* prefilter: 0 none */
	unsigned stop_after;	/* 0: never stop */
	unsigned delivered;
	off_t offsets[4096];
	size_t noffsets;
};

static bool prefilter(void *arg, const char *line, size_t len)
{
	struct scan *s = arg;

	FUZZ_CHECK(line != NULL && len > 0, "prefilter line");
	return len % (s->modulus + 2) != 0;
}

static int on_record(void *arg, struct json_object *o,
		     const fsched_jobrec_t *rec, off_t offset)
{
	struct scan *s = arg;

	FUZZ_CHECK(o && rec && rec->state, "callback arguments");
	FUZZ_CHECK(offset >= 0 && (size_t)offset < s->size,
		   "offset %lld out of file (%zu)", (long long)offset, s->size);
	FUZZ_CHECK(rec->job_id >= 1, "job_id");
	if (s->noffsets < sizeof(s->offsets) / sizeof(s->offsets[0]))
		s->offsets[s->noffsets++] = offset;
	s->delivered++;
	return (s->stop_after && s->delivered >= s->stop_after) ? 1 : 0;
}

/* What the scan must report, computed line by line. */
static void expect(const struct scan *s, off_t from, bool use_prefilter,
		   struct scan *want, size_t *corrupt, off_t *end)
{
	size_t i = (size_t)from;

	*corrupt = 0;
	*end = from;
	if ((size_t)from >= s->size)
		return;
	while (i < s->size) {
		const char *nl = memchr(s->file + i, '\n', s->size - i);
		size_t len;

		if (!nl)
			break;	/* unterminated last line: ignored */
		len = (size_t)(nl - (s->file + i));
		*end = (off_t)(i + len + 1);
		if (len == 0) {
			/* empty line: skipped */
		} else if (len >= SCAN_CHUNK) {
			(*corrupt)++;
		} else if (use_prefilter && !prefilter((void *)s, s->file + i, len)) {
			/* rejected unparsed */
		} else {
			struct json_object *o;
			fsched_jobrec_t rec;
			fsched_err_t err;

			if (fsched_json_parse(s->file + i, len, "x", &o, &err) < 0) {
				(*corrupt)++;
			} else {
				if (fsched_jobrec_from_json(o, "x", &rec, &err) < 0) {
					(*corrupt)++;
				} else {
					if (want->noffsets < sizeof(want->offsets) /
							     sizeof(want->offsets[0]))
						want->offsets[want->noffsets++] = (off_t)i;
					want->delivered++;
				}
				json_object_put(o);
				if (want->stop_after &&
				    want->delivered >= want->stop_after)
					return;
			}
		}
		i += len + 1;
	}
}

static void check_repair(const char *dir, const char *name, const char *path,
			 const char *file, size_t size)
{
	const char *last = size ? memrchr(file, '\n', size) : NULL;
	size_t keep = last ? (size_t)(last - file) + 1 : 0;
	fsched_err_t err;
	struct stat st;
	char *torn = NULL;
	ssize_t n;

	fuzz_err_poison(&err);
	n = fsched_journal_repair(dir, name, &torn, &err);
	fuzz_check_err(n < 0 ? -1 : 0, &err, "fsched_journal_repair");
	FUZZ_CHECK(n >= 0, "repair failed: %s", err.msg);
	FUZZ_CHECK((size_t)n == size - keep, "repair cut %zd bytes, expected %zu",
		   n, size - keep);
	FUZZ_CHECK(stat(path, &st) == 0 && (size_t)st.st_size == keep,
		   "size after repair");
	if (n == 0) {
		FUZZ_CHECK(torn == NULL, "torn text for a whole file");
	} else if (torn) {
		size_t m = (size_t)n > 256 ? 256 : (size_t)n;

		FUZZ_CHECK(!memcmp(torn, file + keep, strnlen(torn, m)),
			   "torn text differs");
	}
	free(torn);
	/* Idempotent. */
	n = fsched_journal_repair(dir, name, NULL, &err);
	FUZZ_CHECK(n == 0, "second repair cut %zd", n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char name[] = "jobcomp-20240101.jsonl";
	const char *path = fuzz_path(0, name);
	struct scan got, want;
	uint8_t flags;
	char *file = NULL;
	size_t fsize, corrupt = 0, want_corrupt;
	off_t from, end = -1, want_end;
	fsched_err_t err;
	uint32_t day;
	int rc;

	if (size < 6)
		return 0;
	flags = data[0];

	/* Name parsing: only canonical names are accepted. */
	{
		char nm[40], back[FSCHED_JOURNAL_NAME_LEN];
		size_t n = size - 6 < sizeof(nm) - 1 ? size - 6 : sizeof(nm) - 1;

		memcpy(nm, data + 6, n);
		nm[n] = '\0';
		if (fsched_journal_parse_name(nm, &day) == 0) {
			fsched_journal_name(day, back, sizeof(back));
			FUZZ_CHECK(!strcmp(nm, back), "name %s parsed as %s",
				   nm, back);
		}
	}

	if (flags & 1) {
		/* First line padded to around the scan chunk size. */
		const uint8_t *body = data + 6;
		size_t blen = size - 6;
		const uint8_t *nl = memchr(body, '\n', blen);
		size_t first = nl ? (size_t)(nl - body) : blen;
		size_t pad = SCAN_CHUNK - 128 + data[3];

		if (pad < first)
			pad = first;
		fsize = pad + (blen - first);
		file = malloc(fsize);
		FUZZ_CHECK(file != NULL, "malloc");
		memcpy(file, body, first);
		memset(file + first, ' ', pad - first);
		memcpy(file + pad, body + first, blen - first);
	} else {
		fsize = size - 6;
		file = malloc(fsize + 1);
		FUZZ_CHECK(file != NULL, "malloc");
		memcpy(file, data + 6, fsize);
	}
	fuzz_write(path, file, fsize);
	from = (off_t)(((size_t)data[1] << 8 | data[2]) % (fsize + 2));

	memset(&got, 0, sizeof(got));
	got.file = file;
	got.size = fsize;
	got.modulus = (flags & 2) ? data[4] : 0;
	got.stop_after = (flags & 4) ? data[4] : 0;
	want = got;

	fuzz_err_poison(&err);
	rc = fsched_journal_scan(path, from, (flags & 2) ? prefilter : NULL,
				 on_record, &got, &corrupt, &end, &err);
	fuzz_check_err(rc, &err, "fsched_journal_scan");
	FUZZ_CHECK(rc == 0, "scan failed: %s", err.msg);

	expect(&want, from, flags & 2, &want, &want_corrupt, &want_end);
	FUZZ_CHECK(got.delivered == want.delivered, "delivered %u, expected %u",
		   got.delivered, want.delivered);
	FUZZ_CHECK(got.noffsets == want.noffsets &&
		   !memcmp(got.offsets, want.offsets,
			   got.noffsets * sizeof(off_t)), "record offsets");
	if (!want.stop_after || want.delivered < want.stop_after) {
		FUZZ_CHECK(corrupt == want_corrupt, "corrupt %zu, expected %zu",
			   corrupt, want_corrupt);
		FUZZ_CHECK(end == want_end, "end %lld, expected %lld",
			   (long long)end, (long long)want_end);
	} else {
		/* Stopped: the end is right after the last record's line. */
		const char *nl = memchr(file + want.offsets[want.noffsets - 1],
					'\n', fsize - (size_t)want.offsets[want.noffsets - 1]);

		FUZZ_CHECK(nl && end == (off_t)(nl - file) + 1,
			   "end after stop %lld", (long long)end);
	}

	/* A scan without the optional outputs behaves the same. */
	if (flags & 8) {
		unsigned delivered = got.delivered;

		memset(&got, 0, sizeof(got));
		got.file = file;
		got.size = fsize;
		got.modulus = want.modulus;
		got.stop_after = want.stop_after;
		rc = fsched_journal_scan(path, from,
					 (flags & 2) ? prefilter : NULL,
					 on_record, &got, NULL, NULL, &err);
		FUZZ_CHECK(rc == 0, "scan 2 failed: %s", err.msg);
		FUZZ_CHECK(got.delivered == delivered, "scan 2 delivered %u, not %u",
			   got.delivered, delivered);
	}

	check_repair(fuzz_dir(), name, path, file, fsize);
	fuzz_unlink(path);
	free(file);
	return 0;
}
