/* cache.c — a byte-bounded LRU of answers, hashed by their key. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cache.h"

#define NBUCKETS	4096
#define OVERHEAD	(sizeof(struct cache_entry) + 64)

struct cache {
	struct cache_entry *buckets[NBUCKETS];
	struct cache_entry *head, *tail;	/* most, least recent */
	size_t		bytes, max, count;
};

static unsigned
bucket(const uint8_t *key)
{
	unsigned b;

	/* The key is already a uniform hash. */
	memcpy(&b, key, sizeof(b));
	return (b % NBUCKETS);
}

struct cache *
cache_new(size_t max_bytes)
{
	struct cache *c = calloc(1, sizeof(*c));

	if (c)
		c->max = max_bytes;
	return (c);
}

static void
unlink_lru(struct cache *c, struct cache_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void
push_front(struct cache *c, struct cache_entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (c->tail == NULL)
		c->tail = e;
}

static void
evict(struct cache *c, struct cache_entry *e)
{
	struct cache_entry **pp = &c->buckets[bucket(e->key)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	unlink_lru(c, e);
	c->bytes -= e->len + OVERHEAD;
	c->count--;
	free(e->body);
	free(e);
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	while (c->tail)
		evict(c, c->tail);
	free(c);
}

const struct cache_entry *
cache_get(struct cache *c, const uint8_t key[CACHE_KEYLEN])
{
	struct cache_entry *e;

	if (c == NULL)
		return (NULL);
	for (e = c->buckets[bucket(key)]; e; e = e->hnext)
		if (memcmp(e->key, key, CACHE_KEYLEN) == 0) {
			unlink_lru(c, e);
			push_front(c, e);
			return (e);
		}
	return (NULL);
}

void
cache_put(struct cache *c, const uint8_t key[CACHE_KEYLEN],
    const char *body, size_t len, const char *ctype, uint64_t rows,
    uint64_t suppressed)
{
	struct cache_entry *e;
	unsigned b;

	if (c == NULL || len + OVERHEAD > c->max / 8)
		return;
	b = bucket(key);
	for (e = c->buckets[b]; e; e = e->hnext)
		if (memcmp(e->key, key, CACHE_KEYLEN) == 0)
			return;
	if ((e = calloc(1, sizeof(*e))) == NULL ||
	    (e->body = malloc(len ? len : 1)) == NULL) {
		free(e);
		return;
	}
	memcpy(e->key, key, CACHE_KEYLEN);
	memcpy(e->body, body, len);
	e->len = len;
	e->ctype = ctype;
	e->rows = rows;
	e->suppressed = suppressed;
	while (c->tail && c->bytes + len + OVERHEAD > c->max)
		evict(c, c->tail);
	e->hnext = c->buckets[b];
	c->buckets[b] = e;
	push_front(c, e);
	c->bytes += len + OVERHEAD;
	c->count++;
}

size_t
cache_bytes(const struct cache *c)
{
	return (c ? c->bytes : 0);
}

size_t
cache_count(const struct cache *c)
{
	return (c ? c->count : 0);
}
