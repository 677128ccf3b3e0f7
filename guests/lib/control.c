/*
 * control/shutdown (guest/control.h).
 *
 * The watch callback only notes that the node changed; the idle loop then
 * reads it, acknowledges it and acts, so that nothing is done from inside
 * another xenstore request.
 */
#include <guest/balloon.h>
#include <guest/control.h>
#include <guest/guest.h>
#include <guest/vcpu_hotplug.h>
#include <guest/xs.h>

#define SHUTDOWN_NODE "control/shutdown"

static int control_state = 1;           /* 1: not set up yet */
static volatile bool shutdown_changed;

static const struct {
    const char *request;
    unsigned int reason;
} requests[] = {
    { "poweroff", SHUTDOWN_poweroff },
    { "halt", SHUTDOWN_poweroff },
    { "reboot", SHUTDOWN_reboot },
};

void g_shutdown(unsigned int reason)
{
    struct sched_shutdown s = { .reason = reason };

    for (;;) {
        hc_sched_op(SCHEDOP_shutdown, &s);
        g_irq_disable();                /* not reached on a working hypervisor */
        hc_sched_op(SCHEDOP_block, NULL);
    }
}

static void (*shutdown_hook)(unsigned int reason);

void g_set_shutdown_hook(void (*hook)(unsigned int reason))
{
    shutdown_hook = hook;
}

static void on_shutdown(const char *path, const char *token, void *data)
{
    shutdown_changed = true;
}

int g_control_init(void)
{
    int rc;

    if (control_state <= 0)
        return control_state;
    if ((rc = xs_init()) == 0 &&
        (rc = xs_write("control/feature-poweroff", "1")) >= 0 &&
        (rc = xs_write("control/feature-reboot", "1")) >= 0)
        rc = xs_watch(SHUTDOWN_NODE, SHUTDOWN_NODE, on_shutdown, NULL);
    if (rc < 0 && rc != -XEN_ENODEV)
        g_printf("control: cannot watch " SHUTDOWN_NODE ": %s\n",
                 xs_strerror(rc) ? xs_strerror(rc) : "error");
    control_state = rc < 0 ? rc : 0;
    return control_state;
}

/* Read the request; if there is one, acknowledge it and act. */
static void check_shutdown(void)
{
    char req[32];
    int n = xs_read(SHUTDOWN_NODE, req, sizeof(req));

    if (n <= 0)
        return;
    xs_write(SHUTDOWN_NODE, "");
    for (unsigned int i = 0; i < G_ARRAY_SIZE(requests); i++)
        if (strcmp(req, requests[i].request) == 0) {
            g_printf("control: shutdown requested: %s\n", req);
            if (shutdown_hook)
                shutdown_hook(requests[i].reason);
            g_shutdown(requests[i].reason);
        }
    g_printf("control: ignoring shutdown request '%s'\n", req);
}

void g_idle(uint64_t deadline_ns)
{
    bool serving = g_control_init() == 0;
    bool ballooning = serving && balloon_follow_start() == 0;
    bool hotplug = serving && g_vcpu_hotplug_start() == 0;

    for (;;) {
        uint64_t wake = deadline_ns, next;

        if (serving)
            xs_poll();
        if (shutdown_changed) {
            shutdown_changed = false;
            check_shutdown();
        }
        if (hotplug)
            g_vcpu_hotplug_poll();
        if (ballooning && (next = balloon_follow_poll()) &&
            (!wake || next < wake))
            wake = next;
        if (deadline_ns && g_now_ns() >= deadline_ns)
            return;
        if (wake)
            g_singleshot_set(wake, 0);
        g_irq_disable();
        if (!shutdown_changed && !(serving && xs_pending()) &&
            !(hotplug && g_vcpu_hotplug_pending()) &&
            !(wake && g_now_ns() >= wake))
            g_block();
        g_irq_enable();
    }
}

/* Each space-separated word of the command line, in turn, to fn until it says stop. */
static const char *cmdline_find(bool (*match)(const char *w, size_t n, const void *arg),
                                const void *arg, size_t *len)
{
    const char *p = (const char *)g_start_info->cmd_line;
    size_t max = sizeof(g_start_info->cmd_line);

    while (max && *p) {
        size_t n = 0;

        while (n < max && p[n] && p[n] != ' ')
            n++;
        if (match(p, n, arg)) {
            *len = n;
            return p;
        }
        p += n;
        max -= n;
        while (max && *p == ' ')
            p++, max--;
    }
    return NULL;
}

static bool is_word(const char *w, size_t n, const void *word)
{
    return n == strlen(word) && strncmp(w, word, n) == 0;
}

static bool has_key(const char *w, size_t n, const void *key)
{
    size_t k = strlen(key);

    return n > k && w[k] == '=' && strncmp(w, key, k) == 0;
}

bool g_cmdline_has(const char *word)
{
    size_t n;

    return cmdline_find(is_word, word, &n) != NULL;
}

const char *g_cmdline_value(const char *key, size_t *len)
{
    const char *w = cmdline_find(has_key, key, len);

    if (!w)
        return NULL;
    *len -= strlen(key) + 1;
    return w + strlen(key) + 1;
}
