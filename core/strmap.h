/*
 * strmap.h — a string → uint32 hash map with its own string arena.
 *
 * The loader's cache in front of the LMDB dictionary: most values repeat,
 * so most rows never touch the B-tree.  Keys are copied in; the map owns
 * them until strmap_clear() or strmap_free().
 */
#ifndef PLACED_STRMAP_H
#define PLACED_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct strmap {
	struct strmap_slot *slots;
	size_t		cap;		/* power of two */
	size_t		len;
	char		*arena;
	size_t		arena_len, arena_cap;
} strmap_t;

void strmap_init(strmap_t *m);
void strmap_free(strmap_t *m);
void strmap_clear(strmap_t *m);
/* 1 and *v when found, 0 when not. */
int strmap_get(const strmap_t *m, const char *s, size_t n, uint32_t *v);
/* Insert or overwrite; -ENOMEM on failure. */
int strmap_put(strmap_t *m, const char *s, size_t n, uint32_t v);
size_t strmap_len(const strmap_t *m);
/* Call fn for every key; stops at and returns fn's first non-zero. */
int strmap_each(const strmap_t *m, int (*fn)(void *arg, const char *s,
    size_t n, uint32_t v), void *arg);

#endif
