/*
 * The hypervisor's small C library: strings, formatting, logging, assertions.
 * Pure-logic files shared with the host unit tests include only this header
 * (and types.h); under UNIT_TEST it maps onto the host's libc.
 */
#ifndef XEN_LIB_H
#define XEN_LIB_H

#include <stdarg.h>
#include "xen/types.h"

#ifdef UNIT_TEST
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strcspn(const char *s, const char *reject);
size_t strlcpy(char *dst, const char *src, size_t size);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
#endif

/* Parse an unsigned number (decimal, 0x hex, 0 octal); *end past it. */
unsigned long long simple_strtoull(const char *s, const char **end, int base);
/* Parse a size with an optional K/M/G/T suffix (default unit: bytes). */
unsigned long long parse_size(const char *s, const char **end);

/*
 * Log levels, as Xen's XENLOG_*: a message is printed when its level is at
 * or below the console threshold (`loglvl=`).  Every line gets "(XEN) ".
 */
#define XENLOG_ERR      "<0>"
#define XENLOG_WARNING  "<1>"
#define XENLOG_INFO     "<2>"
#define XENLOG_DEBUG    "<3>"

#ifdef UNIT_TEST
#define printk(...)     ((void)0)
#define panic(...)      (fprintf(stderr, __VA_ARGS__), abort())
#else
void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);
__noreturn void panic(const char *fmt, ...) __printf(1, 2);
#endif

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c) do { if (unlikely(c)) panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); } while (0)
#define ASSERT(c) do { if (unlikely(!(c))) panic("Assertion '%s' failed at %s:%d", #c, __FILE__, __LINE__); } while (0)

#endif
