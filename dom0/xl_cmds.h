/*
 * The xl command table, shared by the dispatcher (xl.c) and the command
 * files (cmd_<area>.c), which get their main_<fn> prototypes from it.
 */
#ifndef DOM0_XL_CMDS_H
#define DOM0_XL_CMDS_H

/*
 * ==========================================================================
 * THE XL COMMAND TABLE -- one line per command:
 *
 *     X("name", fn, "usage", "help")
 *
 * declares `int main_<fn>(int argc, char **argv)` (defined in some
 * dom0/cmd_<area>.c) and lists it under "name".  'xl help' prints the
 * commands in this order.  The help's first line is the summary; further
 * lines (after "\n") are shown by 'xl help name'.
 * ==========================================================================
 */
#define XL_COMMANDS(X)                                                      \
    X("help", help, "[command]", "Print the list of commands, or help on one") \
    X("--version", version, "", "Print the versions of xl and the hypervisor") \
    X("create", create, "[-c] [-p] [-n] <ConfigFile> [key=value ...]", \
      "Create a domain from a config file\n" \
      "  -c  attach to its console after creating it\n" \
      "  -p  leave it paused\n" \
      "  -n  dry run: print the resulting configuration") \
    X("destroy", destroy, "<Domain>", "Terminate a domain immediately") \
    X("list", list, "[-v] [Domain ...]", \
      "List information about all/some domains\n" \
      "  -v, --verbose  also print UUIDs, reason codes and security labels") \
    X("shutdown", shutdown, "[-a] [-w] [-F] <-a|Domain>", \
      "Issue a shutdown signal to a domain\n" \
      "  -a, --all   shut down every domain but Domain-0\n" \
      "  -w, --wait  wait until it has shut down and its on_poweroff is done\n" \
      "  -F          accepted (no HVM guests to signal through ACPI)") \
    X("reboot", reboot, "[-a] [-w] [-F] <-a|Domain>", \
      "Issue a reboot signal to a domain\n" \
      "  -a, --all   reboot every domain but Domain-0\n" \
      "  -w, --wait  wait until it has shut down and its on_reboot is done\n" \
      "  -F          accepted (no HVM guests to signal through ACPI)") \
    X("pause", pause, "<Domain>", "Pause execution of a domain") \
    X("unpause", unpause, "<Domain>", "Unpause a paused domain") \
    X("console", console, "[-t pv] [-n 0] <Domain>", \
      "Attach to domain's console (Ctrl-] returns)\n" \
      "  -t <type>    console type: pv\n" \
      "  -n <number>  console number: 0") \
    X("vcpu-list", vcpu_list, "[Domain ...]", \
      "List the VCPUs for all/some domains") \
    X("vcpu-pin", vcpu_pin, \
      "[-f] <Domain> <VCPU|all> <Hard affinity|-|all> [Soft affinity|-|all]", \
      "Set which CPUs a VCPU can use\n" \
      "  -f, --force  accepted (no pinning overrides to undo)") \
    X("sched-credit", sched_credit, \
      "[-d <Domain> [-w WEIGHT] [-c CAP]] [-s] [-p CPUPOOL]", \
      "Get/set credit scheduler parameters\n" \
      "  -d DOMAIN, --domain=DOMAIN  domain to show or change\n" \
      "  -w WEIGHT, --weight=WEIGHT  weight (1..65535; default 256)\n" \
      "  -c CAP, --cap=CAP           cap in % of one CPU (0: none)\n" \
      "  -s, --schedparam            the pool's parameters\n" \
      "  -p CPUPOOL, --cpupool=CPUPOOL  the pool (Pool-0)") \
    X("domid", domid, "<DomainName>", "Convert a domain name to domain id") \
    X("domname", domname, "<DomainId>", "Convert a domain id to domain name") \
    X("rename", rename, "<Domain> <NewDomainName>", "Rename a domain") \
    X("top", top, "[-b] [-i N] [-d SECONDS]", \
      "Monitor a host and the domains in real time\n" \
      "  -b, --batch           print rounds one after the other\n" \
      "  -i N, --iterations=N  stop after N rounds\n" \
      "  -d S, --delay=S       seconds between rounds (default 3)\n" \
      "  Without -b, any key ends it.") \
    X("uptime", uptime, "[-s] [Domain ...]", \
      "Print uptime for all/some domains\n" \
      "  -s  short: one line per domain, as uptime(1)") \
    X("dmesg", dmesg, "[-c]", \
      "Read and/or clear dmesg buffer\n" \
      "  -c, --clear  clear the buffer after printing it") \
    X("info", info, "[-n] [Key]", \
      "Get information about Xen host\n" \
      "  -n   accepted (one NUMA node holds every CPU)\n" \
      "  Key  print just the values of the lines whose key starts with it") \
    X("mem-set", mem_set, "<Domain> <Size[bkmgt]>", \
      "Set the memory target of a domain (ballooning)\n" \
      "  Size  with a unit b, k, m, g or t (MiB without one); between the\n" \
      "        domain's memory_min and maxmem") \
    X("mem-max", mem_max, "<Domain> <Size[bkmgt]>", \
      "Set the maximum memory of a domain\n" \
      "  Size  with a unit b, k, m, g or t (MiB without one); at least the\n" \
      "        domain's memory_min") \
    X("balloon-policy", balloon_policy, "[-r SIZE] [-s on|off] [-H SIZE]", \
      "Show or set how dom0 shares memory between domains\n" \
      "  -r SIZE, --reserve=SIZE     host memory kept free (default 64m)\n" \
      "  -s on|off, --shift-idle=on|off\n" \
      "              move memory from guests with more than the headroom\n" \
      "              free to guests with less (default off)\n" \
      "  -H SIZE, --headroom=SIZE    free memory a guest should keep (32m)") \
    X("balloon-status", balloon_status, "[-w]", \
      "Show each domain's memory target, holding, range and ballooning state\n" \
      "  -w, --wait  rebalance now and wait (up to 30 s) until every domain\n" \
      "              not stuck holds its target") \
    X("hypercall-stats", hypercall_stats, "<Domain>", \
      "Show a domain's hypercalls by name (direct and in multicalls) and\n" \
      "its emulated page-table writes, since it was created (xen-lite)") \
    /* add new commands above this line */

#define XL_DECLARE(name, fn, usage, help) int main_##fn(int argc, char **argv);
XL_COMMANDS(XL_DECLARE)

#endif
