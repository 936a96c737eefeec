/*
 * cache.h — answers kept in memory for dashboards that poll, keyed by a
 * hash of (data version, normalised query, parameters, format, role),
 * bounded in bytes, least recently used first out.
 *
 * The cache owns its entries; a pointer from cache_get() stays valid
 * until the next cache_put() or cache_free().  Loop thread only.
 */
#ifndef PLACED_CACHE_H
#define PLACED_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define CACHE_KEYLEN	16

struct cache_entry {
	uint8_t		key[CACHE_KEYLEN];
	char		*body;
	size_t		len;
	const char	*ctype;		/* static text */
	uint64_t	rows, suppressed;
	struct cache_entry *prev, *next, *hnext;
};

struct cache;

struct cache *cache_new(size_t max_bytes);
void cache_free(struct cache *c);
const struct cache_entry *cache_get(struct cache *c,
    const uint8_t key[CACHE_KEYLEN]);
/* Keep a copy of body; an answer larger than an eighth of the bound is
 * not kept (it would push out many small ones). */
void cache_put(struct cache *c, const uint8_t key[CACHE_KEYLEN],
    const char *body, size_t len, const char *ctype, uint64_t rows,
    uint64_t suppressed);
size_t cache_bytes(const struct cache *c);
size_t cache_count(const struct cache *c);

#endif
