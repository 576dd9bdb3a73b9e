/*
 * A map from strings to pointers: open addressing with linear probing,
 * kept at most three quarters full, deletion by backward shift (no
 * tombstones).  Keys are not copied: each must live as long as its entry,
 * which suits keys that are a member of the value they map to.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"

struct slot {
	const char	*key;		/* NULL: empty */
	void		*val;
	uint32_t	 hash;
};

struct strmap {
	struct slot	*slots;
	size_t		 size;		/* a power of two */
	size_t		 count;
};

/* FNV-1a over len bytes. */
uint32_t
strmap_hash(const char *s, size_t len)
{
	uint32_t	 h = 2166136261u;

	while (len-- > 0)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

struct strmap *
strmap_new(void)
{
	struct strmap	*m = xcalloc(1, sizeof(*m));

	m->size = 16;
	m->slots = xcalloc(m->size, sizeof(*m->slots));
	return m;
}

void
strmap_free(struct strmap *m)
{
	if (m == NULL)
		return;
	free(m->slots);
	free(m);
}

size_t
strmap_count(const struct strmap *m)
{
	return m->count;
}

/* The slot of key, or the empty slot where it would go. */
static struct slot *
find(const struct strmap *m, const char *key, size_t len, uint32_t h)
{
	size_t		 mask = m->size - 1, i = h & mask;
	struct slot	*s;

	for (;; i = (i + 1) & mask) {
		s = &m->slots[i];
		if (s->key == NULL || (s->hash == h &&
		    strncmp(s->key, key, len) == 0 && s->key[len] == '\0'))
			return s;
	}
}

static void
grow(struct strmap *m)
{
	struct slot	*old = m->slots;
	size_t		 osize = m->size, i;

	m->size *= 2;
	m->slots = xcalloc(m->size, sizeof(*m->slots));
	for (i = 0; i < osize; i++)
		if (old[i].key != NULL)
			*find(m, old[i].key, strlen(old[i].key), old[i].hash) =
			    old[i];
	free(old);
}

/* The value of the len bytes at key (no NUL needed), or NULL. */
void *
strmap_getn(const struct strmap *m, const char *key, size_t len)
{
	return find(m, key, len, strmap_hash(key, len))->val;
}

/* The same, when the caller has the key's strmap_hash() at hand. */
void *
strmap_getnh(const struct strmap *m, const char *key, size_t len,
    uint32_t hash)
{
	return find(m, key, len, hash)->val;
}

void *
strmap_get(const struct strmap *m, const char *key)
{
	return strmap_getn(m, key, strlen(key));
}

/* Map key to val (not NULL), replacing what it mapped to. */
void
strmap_put(struct strmap *m, const char *key, void *val)
{
	size_t		 len = strlen(key);
	uint32_t	 h = strmap_hash(key, len);
	struct slot	*s;

	if ((m->count + 1) * 4 > m->size * 3)
		grow(m);
	s = find(m, key, len, h);
	if (s->key == NULL)
		m->count++;
	s->key = key;
	s->val = val;
	s->hash = h;
}

/* Forget key; the entries after it move back to where a probe finds them. */
void
strmap_del(struct strmap *m, const char *key)
{
	size_t		 mask = m->size - 1, len = strlen(key), i, j, home;
	struct slot	*s = find(m, key, len, strmap_hash(key, len));

	if (s->key == NULL)
		return;
	m->count--;
	i = (size_t)(s - m->slots);
	for (j = (i + 1) & mask; m->slots[j].key != NULL; j = (j + 1) & mask) {
		home = m->slots[j].hash & mask;
		/* may j's entry move to i?  Only if i lies on its probe path. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].key = NULL;
	m->slots[i].val = NULL;
}
