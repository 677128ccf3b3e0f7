/*
 * vCPU hotplug (see guest/vcpu_hotplug.h).  The watch callback only notes
 * that something below cpu/ changed; g_vcpu_hotplug_poll(), from the idle
 * loop, reads the nodes and acts, outside any xenstore request.
 */
#include <guest/guest.h>
#include <guest/vcpu_hotplug.h>
#include <guest/xs.h>

static volatile bool changed;
static int started = 1;                 /* 1: not yet; then 0 or -XEN_E* */

static void on_cpu(const char *path, const char *token, void *data)
{
    changed = true;
}

int g_vcpu_hotplug_start(void)
{
    int rc;

    if (started <= 0)
        return started;
    rc = xs_init();
    if (rc == 0)
        rc = xs_watch("cpu", "vcpu-hotplug", on_cpu, NULL);
    started = rc < 0 ? rc : 0;
    return started;
}

bool g_vcpu_hotplug_pending(void)
{
    return changed;
}

void g_vcpu_hotplug_poll(void)
{
    char path[32], state[16];

    if (!changed)
        return;
    changed = false;
    for (unsigned int id = 1; id < g_nr_cpus() && id < G_MAX_CPUS; id++) {
        bool online;

        g_snprintf(path, sizeof(path), "cpu/%u/availability", id);
        if (xs_read(path, state, sizeof(state)) <= 0)
            continue;
        online = !strcmp(state, "online");
        if (!online && strcmp(state, "offline"))
            continue;                   /* neither: leave it as it is */
        if (online != g_cpus[id].online)
            g_vcpu_set_online(id, online);
    }
}
