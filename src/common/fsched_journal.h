/*
 * fsched_journal.h - the jobcomp/fsched journal files.
 *
 * <dir>/jobcomp-YYYYMMDD.jsonl, one per UTC day of the records' end time,
 * one JSON object per line (fsched_record.h).  Written only by the
 * active controller's writer thread, appended in batches: one write() of
 * whole lines on an O_APPEND descriptor, then fsync.  If a batch fails the
 * file is cut back to its previous size (and if that fails too, before the
 * next append to it), so a retry never leaves half a line nor a record
 * twice; if the process dies mid-write, the torn last line is cut off the
 * next time a writer opens the file (fsched_journal_repair()).  Readers
 * skip corrupt lines and count them.
 */
#ifndef FSCHED_JOURNAL_H
#define FSCHED_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <json.h>

#include "fsched_err.h"
#include "fsched_record.h"

#define FSCHED_JOURNAL_NAME_LEN 32	/* "jobcomp-YYYYMMDD.jsonl" + NUL */
#define FSCHED_JOURNAL_LINE_MAX (1u << 20)	/* longer lines are corrupt */

/* Days since 1970-01-01 (UTC) of time t. */
uint32_t fsched_day_of(int64_t t);

/* File name of the journal for UTC day `day`. */
void fsched_journal_name(uint32_t day, char *buf, size_t len);

/* 0 and *day if name is a journal file name, else -1. */
int fsched_journal_parse_name(const char *name, uint32_t *day);

/*
 * Cut a torn last line (bytes after the last '\n') off dir/name.  Returns
 * the number of bytes removed (0: the file was whole or is missing) or -1
 * with err.  *torn (may be NULL, caller frees) receives up to 256 bytes of
 * what was removed, for the event that reports it.
 */
ssize_t fsched_journal_repair(const char *dir, const char *name,
			      char **torn, fsched_err_t *err);

/*
 * Append buf (whole lines) to dir/name and fsync.  Creates the file with
 * mode.  On any failure the file is cut back (ftruncate) to its size
 * before the call and -1 is returned with err.
 *
 * good_end (may be NULL) is the caller's memory of the size the file must
 * have, for when that cut-back fails too (the same failing storage often
 * fails both): in, -1 or the size the file must be cut back to before
 * anything is appended (a file longer than that still holds a failed
 * batch; if the cut fails, nothing is appended, -1); out, after success
 * the file's size (the new good end), after a failure the size the file
 * must be cut back to, or -1 if it holds nothing beyond its good end.
 */
int fsched_journal_append(const char *dir, const char *name,
			  const char *buf, size_t len, mode_t mode,
			  off_t *good_end, fsched_err_t *err);

/*
 * The journal files of dir whose day is in [from, to], sorted by day.
 * *names is a NULL-terminated array (caller frees each and the array).
 * A missing dir gives an empty list.
 */
int fsched_journal_list(const char *dir, uint32_t from, uint32_t to,
			char ***names, size_t *count, fsched_err_t *err);
void fsched_journal_list_free(char **names);

/*
 * Read path from byte offset `from`, calling fn for each valid record in
 * order, with the offset where its line starts (o and rec are valid
 * during the call only; rec's strings are
 * borrowed from o).  A line that prefilter (may be NULL) rejects is not
 * parsed.  Corrupt lines are skipped and counted in *corrupt; an
 * unterminated last line is neither processed nor counted.  *end (may be
 * NULL) receives the offset after the last complete line.  fn returns 0 to
 * continue, non-zero to stop.
 */
typedef bool (*fsched_journal_prefilter)(void *arg, const char *line,
					 size_t len);
typedef int (*fsched_journal_fn)(void *arg, struct json_object *o,
				 const fsched_jobrec_t *rec, off_t offset);
int fsched_journal_scan(const char *path, off_t from,
			fsched_journal_prefilter prefilter,
			fsched_journal_fn fn, void *arg, size_t *corrupt,
			off_t *end, fsched_err_t *err);

#endif /* FSCHED_JOURNAL_H */
