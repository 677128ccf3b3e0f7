/*
 * The xl command table, shared by the dispatcher (xl.c) and the command
 * files (cmd_<area>.c), which get their main_<fn> prototypes from it.
 */
#ifndef DOM0_XL_CMDS_H
#define DOM0_XL_CMDS_H

/* What a command accepts of xl's global options (xl.h): -N, -f. */
#define XL_DRYRUN       1u      /* -N: parse and print, change nothing */
#define XL_MODIFIES     2u      /* changes something: takes -f */

/*
 * ==========================================================================
 * THE XL COMMAND TABLE -- one line per command:
 *
 *     X("name", fn, flags, "usage", "help")
 *
 * declares `int main_<fn>(int argc, char **argv)` (defined in some
 * dom0/cmd_<area>.c) and lists it under "name"; flags are XL_DRYRUN and
 * XL_MODIFIES, as in xl's table.  'xl help' prints the commands in this
 * order.  The help's first line is the summary; further lines (after
 * "\n") are the options 'xl help name' and 'xl name -h' show.
 * ==========================================================================
 */
#define XL_COMMANDS(X)                                                      \
    X("create", create, XL_DRYRUN | XL_MODIFIES, \
      "<ConfigFile> [options] [vars]", \
      "Create a domain from config file <filename>\n" \
      "-c                      Connect to the console after the domain is created.\n" \
      "-h                      Print this help.\n" \
      "-n, --dryrun            Dry run - prints the resulting configuration\n" \
      "                         (deprecated in favour of global -N option).\n" \
      "-p                      Leave the domain paused after it is created.\n" \
      "-q, --quiet             Quiet.\n" \
      "-f FILE, --defconfig=FILE\n" \
      "                        Use the given configuration file.") \
    X("list", list, 0, "[options] [Domain]\n", \
      "List information about all/some domains\n" \
      "-l, --long              Output all VM details\n" \
      "-v, --verbose           Prints out UUIDs and security context") \
    X("destroy", destroy, XL_MODIFIES, "[options] <Domain>\n", \
      "Terminate a domain immediately\n" \
      "-f                      Permit destroying domain 0, which will only succeed\n" \
      "                        when run from disaggregated toolstack domain with a\n" \
      "                        hardware domain distinct from domain 0.") \
    X("shutdown", shutdown, XL_MODIFIES, "[options] <-a|Domain>", \
      "Issue a shutdown signal to a domain\n" \
      "-a, --all               Shutdown all guest domains.\n" \
      "-h                      Print this help.\n" \
      "-F                      Accepted: there are no HVM guests to signal\n" \
      "                        through ACPI.\n" \
      "-w, --wait              Wait for guest(s) to shutdown.\n") \
    X("reboot", reboot, XL_MODIFIES, "[options] <-a|Domain>", \
      "Issue a reboot signal to a domain\n" \
      "-a, --all               Shutdown all guest domains.\n" \
      "-h                      Print this help.\n" \
      "-F                      Accepted: there are no HVM guests to signal\n" \
      "                        through ACPI.\n" \
      "-w, --wait              Wait for guest(s) to reboot.\n") \
    X("pause", pause, XL_MODIFIES, "<Domain>", "Pause execution of a domain") \
    X("unpause", unpause, XL_MODIFIES, "<Domain>", "Unpause a paused domain") \
    X("console", console, 0, \
      "[options] <Domain>\n" \
      "-t <type>       console type, pv\n" \
      "-n <number>     console number", \
      "Attach to domain's console (Ctrl-] returns)") \
    X("mem-max", mem_max, XL_MODIFIES, \
      "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>", \
      "Set the maximum amount reservation for a domain") \
    X("mem-set", mem_set, XL_MODIFIES, \
      "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]|auto>", \
      "Set the current memory usage for a domain\n" \
      "auto                    Hand the domain back to the balloon manager\n" \
      "                        (xen-lite), if its xl.cfg gives it a range.") \
    X("vcpu-list", vcpu_list, 0, "[Domain, ...]", \
      "List the VCPUs for all/some domains") \
    X("vcpu-pin", vcpu_pin, XL_DRYRUN | XL_MODIFIES, \
      "[option] <Domain> <VCPU|all> <Hard affinity|-|all> <Soft affinity|-|all>", \
      "Set which CPUs a VCPU can use\n" \
      "-f, --force        accepted (no pinning overrides to undo)") \
    X("vcpu-set", vcpu_set, XL_MODIFIES, "[option] <Domain> <vCPUs>", \
      "Set the number of active VCPUs allowed for the domain\n" \
      "-i, --ignore-host  Don't limit the vCPU based on the host CPU count") \
    X("vm-list", vm_list, 0, "", \
      "List guest domains, excluding dom0, stubdoms, etc.") \
    X("info", info, 0, "", \
      "Get information about Xen host\n" \
      "-n, --numa         List host NUMA topology information") \
    X("sched-credit", sched_credit, XL_MODIFIES, \
      "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-t TSLICE] [-r RATELIMIT]] [-p CPUPOOL]", \
      "Get/set credit scheduler parameters\n" \
      "-d DOMAIN, --domain=DOMAIN        Domain to modify\n" \
      "-w WEIGHT, --weight=WEIGHT        Weight (int)\n" \
      "-c CAP, --cap=CAP                 Cap (int)\n" \
      "-s         --schedparam           Query / modify scheduler parameters\n" \
      "-t TSLICE, --tslice_ms=TSLICE     Set the timeslice, in milliseconds\n" \
      "-r RLIMIT, --ratelimit_us=RLIMIT  Set the scheduling rate limit, in microseconds\n" \
      "-m DLY, --migration_delay_us=DLY  Set the migration delay, in microseconds\n" \
      "-p CPUPOOL, --cpupool=CPUPOOL     Restrict output to CPUPOOL") \
    X("sched-credit2", sched_credit2, XL_MODIFIES, \
      "[-d <Domain> [-w[=WEIGHT]]] [-p CPUPOOL]", \
      "Get/set credit2 scheduler parameters\n" \
      "-d DOMAIN, --domain=DOMAIN     Domain to modify\n" \
      "-w WEIGHT, --weight=WEIGHT     Weight (int)\n" \
      "-c CAP,    --cap=CAP           Cap (int)\n" \
      "-s         --schedparam        Query / modify scheduler parameters\n" \
      "-r RLIMIT, --ratelimit_us=RLIMIT Set the scheduling rate limit, in microseconds\n" \
      "-p CPUPOOL, --cpupool=CPUPOOL  Restrict output to CPUPOOL") \
    X("domid", domid, 0, "<DomainName>", "Convert a domain name to domain id") \
    X("domname", domname, 0, "<DomainId>", "Convert a domain id to domain name") \
    X("rename", rename, XL_MODIFIES, "<Domain> <NewDomainName>", \
      "Rename a domain") \
    X("dmesg", dmesg, 0, "[-c]", \
      "Read and/or clear dmesg buffer\n" \
      "  -c                        Clear dmesg buffer as well as printing it") \
    X("top", top, 0, "[-b] [-i N] [-d SECONDS]", \
      "Monitor a host and the domains in real time\n" \
      "-b, --batch             print rounds one after the other\n" \
      "-i N, --iterations=N    stop after N rounds\n" \
      "-d S, --delay=S         seconds between rounds (default 3)\n" \
      "                        Without -b, any key ends it.") \
    X("network-list", network_list, 0, "<Domain(s)>", \
      "List virtual network interfaces for a domain") \
    X("block-list", block_list, 0, "<Domain(s)>", \
      "List virtual block devices for a domain") \
    X("uptime", uptime, 0, "[-s] [Domain]", "Print uptime for all/some domains") \
    X("cpupool-list", cpupool_list, 0, "[-c|--cpus] [<CPU Pool>]", \
      "List CPU pools on host\n" \
      "-c, --cpus                     Output list of CPUs used by a pool") \
    X("balloon-policy", balloon_policy, XL_MODIFIES, \
      "[-r SIZE] [-s on|off] [-H SIZE] [-a on|off]", \
      "Show or set how dom0 shares memory between domains (xen-lite)\n" \
      "-r SIZE, --reserve=SIZE     host memory kept free (default 64m)\n" \
      "-s on|off, --shift-idle=on|off\n" \
      "                            move memory from guests with more than the\n" \
      "                            headroom free to guests with less (off)\n" \
      "-H SIZE, --headroom=SIZE    free memory a guest should keep (32m)\n" \
      "-a on|off, --all=on|off     manage every domain, also those whose\n" \
      "                            xl.cfg gives no range (off)") \
    X("balloon-status", balloon_status, 0, \
      "[-w] [-t SECONDS] [-u WHAT[,WHAT...]]", \
      "Show each domain's memory target, holding and ballooning state (xen-lite)\n" \
      "-w, --wait                  rebalance now and wait until every domain\n" \
      "                            holds its target; fail naming those that\n" \
      "                            do not\n" \
      "-t S, --timeout=S           wait at most S seconds (30)\n" \
      "-u W, --until=W             wait (as -w) counting domains in the states\n" \
      "                            W names (stuck, uncooperative, host-short)\n" \
      "                            as holding their target; with shifted, also\n" \
      "                            for a round that moves idle memory to a\n" \
      "                            busy guest") \
    X("hypercall-stats", hypercall_stats, 0, "<Domain>", \
      "Show a domain's hypercalls and page-table writes (xen-lite)\n" \
      "Hypercalls are counted by name, direct and in multicalls, and the\n" \
      "page-table writes the hypervisor emulated, since the domain was created.") \
    X("p2m-info", p2m_info, 0, "<Domain>", \
      "Show a PVH domain's p2m by entry size and memory type (xen-lite)\n" \
      "Its entries by size (1 GiB, 2 MiB, 4 KiB), its memory by type and the\n" \
      "tables holding them.") \
    X("--version", version, 0, "", "Print the versions of xl and the hypervisor") \
    /* add new commands above this line */

#define XL_DECLARE(name, fn, flags, usage, help) \
    int main_##fn(int argc, char **argv);
XL_COMMANDS(XL_DECLARE)
int main_help(int argc, char **argv);

#endif
