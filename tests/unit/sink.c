/* A memory stream collecting what is written (sink.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "sink.h"

static char *text;
static size_t text_len;

FILE *sink(void)
{
    free(text);
    text = NULL;
    return open_memstream(&text, &text_len);
}

const char *said(FILE *f)
{
    fclose(f);
    return text;
}
