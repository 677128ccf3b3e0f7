/*
 * What a self-test guest prints about its checks: the reason a check
 * failed (formatted into one static buffer, valid until the next call),
 * extra facts, "<who>: info: ...", and the verdict of a run in rounds.
 */
#ifndef GUEST_CHECKLOG_H
#define GUEST_CHECKLOG_H

#include <guest/guest.h>

const char *g_check_why(const char *fmt, ...) G_PRINTF(1, 2);
void g_check_info(const char *who, const char *fmt, ...) G_PRINTF(2, 3);
/*
 * The end of a run of rounds whose workers had `failed` failures between
 * them (each already printed): with none, the free pages must be back at
 * free_before ("<who>: FAILED: N pages not given back" otherwise) and
 * "<who>: <rounds> rounds ok" is printed.  Returns the exit status, 0 or 1.
 */
int g_rounds_verdict(const char *who, unsigned int rounds, unsigned int failed,
                     uint64_t free_before);

#endif
