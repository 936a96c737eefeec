/* strmap.c — open addressing, linear probing, FNV-1a. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

struct strmap_slot {
	uint64_t	hash;		/* 0 marks an empty slot */
	size_t		off;		/* key offset in the arena */
	uint32_t	len;
	uint32_t	val;
};

static uint64_t
fnv1a(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (h ? h : 1);
}

void
strmap_init(strmap_t *m)
{
	memset(m, 0, sizeof(*m));
}

void
strmap_free(strmap_t *m)
{
	free(m->slots);
	free(m->arena);
	strmap_init(m);
}

void
strmap_clear(strmap_t *m)
{
	if (m->slots)
		memset(m->slots, 0, m->cap * sizeof(*m->slots));
	m->len = 0;
	m->arena_len = 0;
}

size_t
strmap_len(const strmap_t *m)
{
	return (m->len);
}

static struct strmap_slot *
find(const strmap_t *m, const char *s, size_t n, uint64_t h)
{
	size_t i = h & (m->cap - 1);

	for (;;) {
		struct strmap_slot *sl = &m->slots[i];

		if (sl->hash == 0)
			return (sl);
		if (sl->hash == h && sl->len == n &&
		    (n == 0 || memcmp(m->arena + sl->off, s, n) == 0))
			return (sl);
		i = (i + 1) & (m->cap - 1);
	}
}

int
strmap_get(const strmap_t *m, const char *s, size_t n, uint32_t *v)
{
	struct strmap_slot *sl;

	if (m->cap == 0)
		return (0);
	sl = find(m, s, n, fnv1a(s, n));
	if (sl->hash == 0)
		return (0);
	*v = sl->val;
	return (1);
}

static int
grow(strmap_t *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 1024;
	struct strmap_slot *old = m->slots, *ns;
	size_t ocap = m->cap;

	if ((ns = calloc(ncap, sizeof(*ns))) == NULL)
		return (-ENOMEM);
	m->slots = ns;
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (old[i].hash == 0)
			continue;
		size_t j = old[i].hash & (ncap - 1);
		while (ns[j].hash != 0)
			j = (j + 1) & (ncap - 1);
		ns[j] = old[i];
	}
	free(old);
	return (0);
}

int
strmap_put(strmap_t *m, const char *s, size_t n, uint32_t v)
{
	struct strmap_slot *sl;
	uint64_t h = fnv1a(s, n);

	if ((m->len + 1) * 4 > m->cap * 3 && grow(m) != 0)
		return (-ENOMEM);
	sl = find(m, s, n, h);
	if (sl->hash != 0) {
		sl->val = v;
		return (0);
	}
	if (m->arena_len + n > m->arena_cap) {
		size_t nc = m->arena_cap ? m->arena_cap * 2 : 65536;
		char *na;

		while (nc < m->arena_len + n)
			nc *= 2;
		if ((na = realloc(m->arena, nc)) == NULL)
			return (-ENOMEM);
		m->arena = na;
		m->arena_cap = nc;
	}
	if (n > 0)	/* an empty key may come with no pointer at all */
		memcpy(m->arena + m->arena_len, s, n);
	sl->hash = h;
	sl->off = m->arena_len;
	sl->len = (uint32_t)n;
	sl->val = v;
	m->arena_len += n;
	m->len++;
	return (0);
}

int
strmap_each(const strmap_t *m, int (*fn)(void *arg, const char *s, size_t n,
    uint32_t v), void *arg)
{
	int rc;

	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].hash != 0 && (rc = fn(arg,
		    m->arena + m->slots[i].off, m->slots[i].len,
		    m->slots[i].val)) != 0)
			return (rc);
	return (0);
}
