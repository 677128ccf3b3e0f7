/* The framebuffer console (common/fbcon.c). */
#ifndef XEN_FBCON_H
#define XEN_FBCON_H

#include "xen/bootinfo.h"

/* NULL if the console can draw on f, else why not. */
const char *fbcon_check(const struct boot_framebuffer *f);
/* Draw the screen's cells on f, mapped at base (f checked first). */
void fbcon_attach(const struct boot_framebuffer *f, void *base);
/* Pixels per font pixel, chosen so that 80x25 cells fit. */
unsigned int fbcon_scale(void);

#endif
