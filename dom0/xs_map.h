/*
 * A hash map from C strings to pointers, for xenstored's node table and
 * each transaction's view of it.  Keys are copied; values are the
 * caller's.  Host-testable: plain C library only.
 */
#ifndef DOM0_XS_MAP_H
#define DOM0_XS_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_map_ent {
    struct xs_map_ent *next;
    uint32_t hash;
    void *val;
    char key[];
};

struct xs_map {
    struct xs_map_ent **buckets;
    size_t nbuckets;
    size_t count;
};

void xs_map_init(struct xs_map *m);
/* Frees the entries (not the values). */
void xs_map_clear(struct xs_map *m);

void *xs_map_get(const struct xs_map *m, const char *key);
bool xs_map_has(const struct xs_map *m, const char *key);
/* Insert or replace; the old value (or NULL) goes to *old if old is not
 * NULL.  0, or -1 when out of memory (nothing changed). */
int xs_map_put(struct xs_map *m, const char *key, void *val, void **old);
/* Remove; returns the value, or NULL if the key was absent. */
void *xs_map_del(struct xs_map *m, const char *key);

/* Iteration: start with *pos = NULL; returns the next entry or NULL.
 * The map must not change during a walk. */
struct xs_map_ent *xs_map_next(const struct xs_map *m, struct xs_map_ent *pos);

#endif /* DOM0_XS_MAP_H */
