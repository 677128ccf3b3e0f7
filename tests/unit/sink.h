/* A memory stream that collects what a function writes, for the unit
 * tests of dom0's printers and parsers (tests/unit/sink.c). */
#ifndef UNIT_SINK_H
#define UNIT_SINK_H

#include <stdio.h>

/* A fresh stream (the text of the previous one is freed); said() closes
 * it and returns what was written, valid until the next sink(). */
FILE *sink(void);
const char *said(FILE *f);

#endif
