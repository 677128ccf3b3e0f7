/*
 * printk: every line goes to the serial port and the screen (as console=
 * says: com1, vga or both) and into an in-memory ring that dom0 reads later
 * (`xl dmesg`).  Each line starts with "(XEN) " as in Xen.  A message may start with a level marker
 * (XENLOG_ERR ... XENLOG_DEBUG); it is printed when the level is enabled by
 * loglvl= (default: info and above).
 */
#include "xen/console.h"
#include "xen/lib.h"
#include "xen/param.h"
#include "xen/screen.h"
#include "xen/spinlock.h"

#define CONRING_SIZE    (64 * 1024)

static char conring[CONRING_SIZE];
static size_t conring_prod;             /* total bytes ever written */
static size_t conring_cons;             /* oldest byte still readable (xl dmesg -c) */
static DEFINE_SPINLOCK(console_lock);

static char opt_console[32] = "com1";
static char opt_com1[64] = "";
static char opt_loglvl[16] = "info";
string_param("console", opt_console);
string_param("com1", opt_com1);
string_param("loglvl", opt_loglvl);

static int loglvl = LOG_INFO;
static bool serial_on = true;
static bool vga_wanted, screen_later;

static int parse_level(const char *s)
{
    static const char *const names[] = { "error", "warning", "info", "debug" };

    if (!strcmp(s, "none"))
        return -1;
    if (!strcmp(s, "all"))
        return LOG_DEBUG;
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (!strncmp(s, names[i], strlen(names[i])))
            return i;
    return -2;
}

/* Is word one of the comma-separated items of list? */
static bool list_has(const char *list, const char *word)
{
    size_t wl = strlen(word);

    for (const char *p = list; *p; ) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == wl && !strncmp(p, word, wl))
            return true;
        p += len + (c != NULL);
    }
    return false;
}

/* Show what was logged before a console was set up. */
static void replay_ring(void (*put)(char c))
{
    for (size_t i = conring_cons; i < conring_prod; i++)
        put(conring[i % CONRING_SIZE]);
}

static void serial_put_line_char(char c)
{
    if (c == '\n')
        serial_putc('\r');
    serial_putc(c);
}

/* The screen and the keyboard come with console=vga. */
static void screen_start(bool can_map)
{
    char desc[128];
    unsigned long f;
    int rc = video_init(can_map, desc, sizeof(desc));

    screen_later = rc > 0;
    if (rc)
        return;
    f = spin_lock_irqsave(&console_lock);
    replay_ring(screen_putc);
    screen_flush();
    spin_unlock_irqrestore(&console_lock, f);
    printk("Console: %s\n", desc);
}

/* Called once the command line has been parsed. */
void console_init_preirq(void)
{
    struct serial_cfg cfg;
    int lvl = parse_level(opt_loglvl);
    bool bad_com1 = serial_parse_cfg(opt_com1, &cfg) < 0;

    if (bad_com1)
        serial_parse_cfg("", &cfg);
    serial_on = list_has(opt_console, "com1");
    if (serial_on) {
        serial_init(&cfg);
        replay_ring(serial_put_line_char);
    }
    vga_wanted = list_has(opt_console, "vga");
    if (vga_wanted) {
        screen_start(false);
        i8042_init();
    }
    if (lvl >= -1)
        loglvl = lvl;
    if (bad_com1)
        printk(XENLOG_WARNING "com1=%s: malformed, using 115200,8n1\n", opt_com1);
    if (lvl < -1)
        printk(XENLOG_WARNING "loglvl=%s: unknown level\n", opt_loglvl);
}

/* Once all RAM is mapped: a framebuffer above 4 GiB can be mapped too. */
void console_init_postmm(void)
{
    if (screen_later)
        screen_start(true);
}

bool console_loglvl_enabled(int lvl)
{
    return lvl <= loglvl;
}

static void ring_put(char c)
{
    conring[conring_prod % CONRING_SIZE] = c;
    conring_prod++;
    if (conring_prod - conring_cons > CONRING_SIZE)
        conring_cons = conring_prod - CONRING_SIZE;
}

/*
 * Output a character to the serial line and the screen and, unless it is
 * dom0's, to the ring (xl dmesg): as in Xen, the ring holds the
 * hypervisor's messages and other guests' console_io, not dom0's own
 * console (which may be an interactive session).  Each side keeps its
 * own line start.
 */
static bool visible_line_start = true, ring_line_start = true;

static void emit(char c, bool to_ring)
{
    if (serial_on)
        serial_put_line_char(c);
    screen_putc(c);
    if (to_ring)
        ring_put(c);
}

/* The prefix of a new line, where each output is at one. */
static void emit_prefix(const char *prefix, bool to_ring)
{
    for (const char *p = prefix; *p; p++) {
        if (visible_line_start)
            emit(*p, false);
        if (to_ring && ring_line_start)
            ring_put(*p);
    }
}

/* Output text, inserting prefix at each line start. */
static void put_text(const char *s, size_t len, const char *prefix,
                     bool to_ring)
{
    for (size_t i = 0; i < len; i++) {
        emit_prefix(prefix, to_ring);
        visible_line_start = false;
        if (to_ring)
            ring_line_start = false;
        emit(s[i], to_ring);
        if (s[i] == '\n') {
            visible_line_start = true;
            if (to_ring)
                ring_line_start = true;
        }
    }
}

void console_puts_raw(const char *s, size_t len)
{
    unsigned long f = spin_lock_irqsave(&console_lock);
    put_text(s, len, "(XEN) ", true);
    screen_flush();
    spin_unlock_irqrestore(&console_lock, f);
}

/* A guest's console_io output: dom0's as it is and on the serial line
 * only, others' marked "(dN) " and kept in the ring too. */
void console_puts_guest(unsigned int domid, const char *s, size_t len)
{
    char prefix[16] = "";
    unsigned long f;

    if (domid)
        snprintf(prefix, sizeof(prefix), "(d%u) ", domid);
    f = spin_lock_irqsave(&console_lock);
    put_text(s, len, prefix, domid != 0);
    screen_flush();
    spin_unlock_irqrestore(&console_lock, f);
}

/* ---- input: typed on the serial line or the keyboard, for dom0 ---- */

#define CONIN_SIZE  1024
static char conin[CONIN_SIZE];
static size_t conin_prod, conin_cons;

static void conin_put(char c)
{
    if (conin_prod - conin_cons < CONIN_SIZE)
        conin[conin_prod++ % CONIN_SIZE] = c;
}

/* Poll the UART and the keyboard; returns true if new input arrived. */
bool console_poll_input(void)
{
    unsigned long f = spin_lock_irqsave(&console_lock);
    size_t before = conin_prod;
    bool got = false;
    int c;

    while ((c = serial_getc()) >= 0) {
        conin_put(c);
        got = true;
    }
    if (vga_wanted)
        i8042_poll(conin_put);
    spin_unlock_irqrestore(&console_lock, f);
    return got || conin_prod != before;
}

size_t console_read_input(char *buf, size_t len)
{
    unsigned long f = spin_lock_irqsave(&console_lock);
    size_t n = 0;

    while (n < len && conin_cons < conin_prod)
        buf[n++] = conin[conin_cons++ % CONIN_SIZE];
    spin_unlock_irqrestore(&console_lock, f);
    return n;
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    int lvl = LOG_INFO;
    size_t n;

    if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '3' && fmt[2] == '>') {
        lvl = fmt[1] - '0';
        fmt += 3;
    }
    if (!console_loglvl_enabled(lvl))
        return;
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    console_puts_raw(buf, MIN(n, sizeof(buf) - 1));
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

size_t console_ring_read(char *buf, size_t len, size_t *pos)
{
    unsigned long f = spin_lock_irqsave(&console_lock);
    size_t n = 0;

    if (*pos < conring_cons)
        *pos = conring_cons;
    while (n < len && *pos < conring_prod)
        buf[n++] = conring[(*pos)++ % CONRING_SIZE];
    spin_unlock_irqrestore(&console_lock, f);
    return n;
}

size_t console_ring_size(void)
{
    return conring_prod - conring_cons;
}

void console_clear_ring(void)
{
    unsigned long f = spin_lock_irqsave(&console_lock);
    conring_cons = conring_prod;
    spin_unlock_irqrestore(&console_lock, f);
}

void console_force_unlock(void)
{
    spin_lock_init(&console_lock);
}
