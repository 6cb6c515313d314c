/*
 * fsched_keyindex.h - the set of run keys already in the journal.
 *
 * 64-bit fingerprints of run keys (fsched_jobrec_key()) with the day (UTC,
 * days since the epoch) of the journal file they were found in, in an
 * open-addressing hash table.  12 bytes per entry plus slack: a million
 * runs take about 24 MB.  fsched_keyindex_prune() forgets days older than
 * the index window, so the set stays bounded on a long-running controller.
 * Two different keys sharing a fingerprint (probability about n^2 / 2^65)
 * would make the second look like a duplicate.  Not thread-safe: owned by
 * the journal writer thread.
 */
#ifndef FSCHED_KEYINDEX_H
#define FSCHED_KEYINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fsched_keyindex fsched_keyindex_t;

/* New empty index; NULL on ENOMEM.  Free with fsched_keyindex_free(). */
fsched_keyindex_t *fsched_keyindex_new(void);
void fsched_keyindex_free(fsched_keyindex_t *ix);

/* Fingerprint of a run key (never 0). */
uint64_t fsched_key_hash(const char *key);

bool fsched_keyindex_has(const fsched_keyindex_t *ix, uint64_t h);

/* 1 if added, 0 if already present, -1 on ENOMEM. */
int fsched_keyindex_add(fsched_keyindex_t *ix, uint64_t h, uint32_t day);

size_t fsched_keyindex_count(const fsched_keyindex_t *ix);

/* Drop entries whose day is before min_day.  -1 on ENOMEM (unchanged). */
int fsched_keyindex_prune(fsched_keyindex_t *ix, uint32_t min_day);

#endif /* FSCHED_KEYINDEX_H */
