/*
 * String-keyed hash map with chaining (FNV-1a), doubling when the load
 * passes one entry per bucket.
 */
#include <stdlib.h>
#include <string.h>

#include "xs_map.h"

#define MIN_BUCKETS 64

static uint32_t hash_of(const char *s)
{
    uint32_t h = 2166136261u;

    while (*s)
        h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

void xs_map_init(struct xs_map *m)
{
    m->buckets = NULL;
    m->nbuckets = 0;
    m->count = 0;
}

void xs_map_clear(struct xs_map *m)
{
    for (size_t i = 0; i < m->nbuckets; i++) {
        struct xs_map_ent *e = m->buckets[i], *next;

        for (; e; e = next) {
            next = e->next;
            free(e);
        }
    }
    free(m->buckets);
    xs_map_init(m);
}

static struct xs_map_ent **slot_of(const struct xs_map *m, const char *key,
                                   uint32_t h)
{
    struct xs_map_ent **p;

    if (!m->nbuckets)
        return NULL;
    for (p = &m->buckets[h & (m->nbuckets - 1)]; *p; p = &(*p)->next)
        if ((*p)->hash == h && strcmp((*p)->key, key) == 0)
            return p;
    return p;
}

void *xs_map_get(const struct xs_map *m, const char *key)
{
    struct xs_map_ent **p = slot_of(m, key, hash_of(key));

    return p && *p ? (*p)->val : NULL;
}

bool xs_map_has(const struct xs_map *m, const char *key)
{
    struct xs_map_ent **p = slot_of(m, key, hash_of(key));

    return p && *p;
}

/* Rehash into twice the buckets; on failure keep the old table. */
static void grow(struct xs_map *m)
{
    size_t n = m->nbuckets ? m->nbuckets * 2 : MIN_BUCKETS;
    struct xs_map_ent **b = calloc(n, sizeof(*b));

    if (!b)
        return;
    for (size_t i = 0; i < m->nbuckets; i++) {
        struct xs_map_ent *e = m->buckets[i], *next;

        for (; e; e = next) {
            next = e->next;
            e->next = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    }
    free(m->buckets);
    m->buckets = b;
    m->nbuckets = n;
}

int xs_map_put(struct xs_map *m, const char *key, void *val, void **old)
{
    uint32_t h = hash_of(key);
    struct xs_map_ent **p, *e;
    size_t len = strlen(key);

    if (m->count >= m->nbuckets)
        grow(m);
    if (!(p = slot_of(m, key, h)))
        return -1;
    if (*p) {
        if (old)
            *old = (*p)->val;
        (*p)->val = val;
        return 0;
    }
    if (!(e = malloc(sizeof(*e) + len + 1)))
        return -1;
    e->next = NULL;
    e->hash = h;
    e->val = val;
    memcpy(e->key, key, len + 1);
    *p = e;
    m->count++;
    if (old)
        *old = NULL;
    return 0;
}

void *xs_map_del(struct xs_map *m, const char *key)
{
    struct xs_map_ent **p = slot_of(m, key, hash_of(key)), *e;
    void *val;

    if (!p || !*p)
        return NULL;
    e = *p;
    *p = e->next;
    val = e->val;
    free(e);
    m->count--;
    return val;
}

struct xs_map_ent *xs_map_next(const struct xs_map *m, struct xs_map_ent *pos)
{
    size_t i = 0;

    if (pos) {
        if (pos->next)
            return pos->next;
        i = (pos->hash & (m->nbuckets - 1)) + 1;
    }
    for (; i < m->nbuckets; i++)
        if (m->buckets[i])
            return m->buckets[i];
    return NULL;
}
