/*
 * fsched_keyindex.c - open-addressing set of run key fingerprints.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fsched_keyindex.h"

struct entry {
	uint64_t h;		/* 0: empty */
	uint32_t day;
};

struct fsched_keyindex {
	struct entry *slots;
	size_t cap;		/* power of two */
	size_t count;
};

uint64_t fsched_key_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a ... */

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	/* ... then the splitmix64 finalizer for well-spread bits. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h ? h : 1;
}

fsched_keyindex_t *fsched_keyindex_new(void)
{
	fsched_keyindex_t *ix = calloc(1, sizeof(*ix));

	if (!ix)
		return NULL;
	ix->cap = 1024;
	if (!(ix->slots = calloc(ix->cap, sizeof(*ix->slots)))) {
		free(ix);
		return NULL;
	}
	return ix;
}

void fsched_keyindex_free(fsched_keyindex_t *ix)
{
	if (!ix)
		return;
	free(ix->slots);
	free(ix);
}

static size_t find(const struct entry *slots, size_t cap, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);

	while (slots[i].h && slots[i].h != h)
		i = (i + 1) & (cap - 1);
	return i;
}

bool fsched_keyindex_has(const fsched_keyindex_t *ix, uint64_t h)
{
	return ix->slots[find(ix->slots, ix->cap, h)].h == h;
}

/* Move every entry with day >= min_day into a table of new_cap slots. */
static int rehash(fsched_keyindex_t *ix, size_t new_cap, uint32_t min_day)
{
	struct entry *ns = calloc(new_cap, sizeof(*ns));
	size_t n = 0;

	if (!ns)
		return -1;
	for (size_t i = 0; i < ix->cap; i++) {
		const struct entry *e = &ix->slots[i];

		if (!e->h || e->day < min_day)
			continue;
		ns[find(ns, new_cap, e->h)] = *e;
		n++;
	}
	free(ix->slots);
	ix->slots = ns;
	ix->cap = new_cap;
	ix->count = n;
	return 0;
}

int fsched_keyindex_add(fsched_keyindex_t *ix, uint64_t h, uint32_t day)
{
	size_t i;

	if (h == 0)
		h = 1;
	i = find(ix->slots, ix->cap, h);
	if (ix->slots[i].h == h) {
		if (day > ix->slots[i].day)
			ix->slots[i].day = day;
		return 0;
	}
	/* Keep the load factor under 1/2. */
	if ((ix->count + 1) * 2 > ix->cap) {
		if (rehash(ix, ix->cap * 2, 0) < 0) {
			errno = ENOMEM;
			return -1;
		}
		i = find(ix->slots, ix->cap, h);
	}
	ix->slots[i].h = h;
	ix->slots[i].day = day;
	ix->count++;
	return 1;
}

size_t fsched_keyindex_count(const fsched_keyindex_t *ix)
{
	return ix->count;
}

int fsched_keyindex_prune(fsched_keyindex_t *ix, uint32_t min_day)
{
	size_t cap = ix->cap;

	/* Shrink when mostly empty, but never below the initial size. */
	while (cap > 1024 && ix->count * 8 < cap)
		cap /= 2;
	if (rehash(ix, cap, min_day) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}
