/*
 * Line matching for grep: POSIX basic regular expressions -- . * ^ $
 * [...] [^...] (ranges, ']' first) and \ escapes -- and with extended
 * also + ?, groups (...) with * + ?, and | between alternatives; or a
 * plain string (fixed); either ignoring case (icase).  Matched by
 * backtracking over the pattern text itself, no compiled form.
 *
 * Pure: no I/O, no allocation (unit-tested on the host).
 */
#ifndef DOM0_TEXTMATCH_H
#define DOM0_TEXTMATCH_H

#include <stdbool.h>

struct textmatch {
    const char *re;
    bool icase, extended, fixed;
    const char *line;                   /* private: the line being matched */
};

/* Whether the pattern matches somewhere in text. */
bool textmatch(struct textmatch *p, const char *text);

#endif /* DOM0_TEXTMATCH_H */
