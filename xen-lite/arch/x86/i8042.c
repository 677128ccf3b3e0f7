/*
 * The PS/2 keyboard behind the i8042 controller, polled (no interrupt):
 * scan codes are read from the data port whenever the status register says
 * a byte from the keyboard waits, translated to set 1 by the controller,
 * and turned into terminal bytes by common/keymap.c.  Bytes from the mouse
 * port are thrown away.  (Intel 8042 / IBM PS/2 keyboard controller.)
 */
#include "asm/io.h"
#include "xen/console.h"
#include "xen/keymap.h"
#include "xen/lib.h"

#define I8042_DATA          0x60
#define I8042_STATUS        0x64        /* read */
#define I8042_COMMAND       0x64        /* write */
#define  STATUS_OBF         0x01        /* a byte waits in the data port */
#define  STATUS_IBF         0x02        /* the controller has not taken ours */
#define  STATUS_AUX         0x20        /* ... and it is from the mouse */
#define  STATUS_ABSENT      0xff        /* nothing answers on the bus */
#define CMD_READ_CONFIG     0x20
#define CMD_WRITE_CONFIG    0x60
#define CMD_ENABLE_KBD      0xae
#define  CONFIG_KBD_DISABLE 0x10
#define  CONFIG_TRANSLATE   0x40        /* set 2 -> set 1 */

#define SPIN_LIMIT          100000      /* status reads before giving up */
#define FLUSH_LIMIT         64          /* stale bytes drained at start */
#define POLL_LIMIT          32          /* bytes taken per poll */

static bool present;
static struct kbd_state kbd;

static bool wait_input_empty(void)
{
    for (int i = 0; i < SPIN_LIMIT; i++)
        if (!(inb(I8042_STATUS) & STATUS_IBF))
            return true;
    return false;
}

static int read_data(void)
{
    for (int i = 0; i < SPIN_LIMIT; i++)
        if (inb(I8042_STATUS) & STATUS_OBF)
            return inb(I8042_DATA);
    return -1;
}

static bool command(uint8_t cmd)
{
    if (!wait_input_empty())
        return false;
    outb(cmd, I8042_COMMAND);
    return true;
}

/* Translation on, the keyboard's clock running; interrupts left as they
 * are (nothing routes them here). */
static bool configure(void)
{
    int cfg;

    if (!command(CMD_READ_CONFIG) || (cfg = read_data()) < 0)
        return false;
    if ((cfg & (CONFIG_TRANSLATE | CONFIG_KBD_DISABLE)) != CONFIG_TRANSLATE) {
        cfg = (cfg | CONFIG_TRANSLATE) & ~CONFIG_KBD_DISABLE;
        if (!command(CMD_WRITE_CONFIG) || !wait_input_empty())
            return false;
        outb(cfg, I8042_DATA);
    }
    return command(CMD_ENABLE_KBD);
}

void i8042_init(void)
{
    if (inb(I8042_STATUS) == STATUS_ABSENT) {
        printk("Keyboard: no i8042 controller\n");
        return;
    }
    for (int i = 0; i < FLUSH_LIMIT && (inb(I8042_STATUS) & STATUS_OBF); i++)
        inb(I8042_DATA);
    if (!configure()) {
        printk(XENLOG_WARNING "Keyboard: the i8042 controller does not "
               "answer; no keyboard input\n");
        return;
    }
    present = true;
    printk("Keyboard: PS/2 (i8042), typed keys go to dom0's console\n");
}

void i8042_poll(void (*put)(char c))
{
    char out[KEYMAP_MAX_BYTES];

    if (!present)
        return;
    for (int i = 0; i < POLL_LIMIT; i++) {
        uint8_t status = inb(I8042_STATUS), code;

        if (!(status & STATUS_OBF))
            return;
        code = inb(I8042_DATA);
        if (status & STATUS_AUX)
            continue;
        for (unsigned int n = keymap_feed(&kbd, code, out), j = 0; j < n; j++)
            put(out[j]);
    }
}
