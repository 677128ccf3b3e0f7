/*
 * What a self-test guest prints about its checks: the reason a check
 * failed (formatted into one static buffer, valid until the next call) and
 * extra facts, "<who>: info: ...".
 */
#ifndef GUEST_CHECKLOG_H
#define GUEST_CHECKLOG_H

#include <guest/guest.h>

const char *g_check_why(const char *fmt, ...) G_PRINTF(1, 2);
void g_check_info(const char *who, const char *fmt, ...) G_PRINTF(2, 3);

#endif
