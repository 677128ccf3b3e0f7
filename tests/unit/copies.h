/*
 * For fake map() and warn() callbacks of the firmware parsers' tests:
 * heap copies of exactly the bytes asked for (AddressSanitizer catches a
 * read past what was mapped), freed together, and warnings collected in
 * one buffer.
 */
#ifndef UNIT_COPIES_H
#define UNIT_COPIES_H

#include <stddef.h>

/* A heap copy of len bytes of src, kept until copies_free(); NULL when
 * too many are out. */
const void *copy_keep(const void *src, size_t len);
void copies_free(void);

/* printf-like; appends to warnings (cleared by the test). */
extern char warnings[4096];
void warn_collect(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
