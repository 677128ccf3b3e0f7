/* Heap copies and collected warnings for fake firmware callbacks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copies.h"

#define MAX_COPIES  1024

static void *copies[MAX_COPIES];
static unsigned int nr_copies;
char warnings[4096];

const void *copy_keep(const void *src, size_t len)
{
    void *p;

    if (nr_copies == MAX_COPIES)
        return NULL;
    p = malloc(len ? len : 1);
    memcpy(p, src, len);
    return copies[nr_copies++] = p;
}

void copies_free(void)
{
    while (nr_copies)
        free(copies[--nr_copies]);
}

void warn_collect(const char *fmt, ...)
{
    size_t n = strlen(warnings);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(warnings + n, sizeof(warnings) - n, fmt, ap);
    va_end(ap);
}
