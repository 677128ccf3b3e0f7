/* The console backend: a domain's console ring, as dom0 serves it. */
#ifndef DOM0_CONSBACK_H
#define DOM0_CONSBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen.h"

struct dom_console;

/* Map the guest's ring (a frame of domid), bind its event channel. */
struct dom_console *console_connect(domid_t domid, uint64_t ring_mfn,
                                    uint32_t remote_port);
void console_disconnect(struct dom_console *c);
/* Move what the guest wrote into our history; returns the bytes moved. */
size_t console_drain(struct dom_console *c);
/* Give the guest input (what fits); returns the bytes taken. */
size_t console_input(struct dom_console *c, const char *buf, size_t len);
/* History from *pos on (pos counts all bytes ever written). */
size_t console_history(struct dom_console *c, char *buf, size_t len, uint64_t *pos);
uint64_t console_written(const struct dom_console *c);
uint32_t console_port(const struct dom_console *c);

#endif
