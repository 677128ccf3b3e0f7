"""What scripts written for Xen 4.17's xl depend on, checked against what
xl does (its source, tools/xl and tools/libs/light of 4.17.7): dry runs
(-N), help and exit statuses, JSON (list -l, create -n), all-digit
arguments, builder=, keys xl knows that xen-lite does not use, values
that do not fit, the schedulers, the list commands, vcpu-set, xenstore's
tools, memory (mem-set, mem-max, dom0, the balloon manager's opt-in), and
dom0's shell pipes.  Where xen-lite deliberately differs the check says
so."""

import json
import os
import re
import sys

from xltest import scenario

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _xlscript import Files, boot, list_row, listed, section, steps  # noqa: E402

HELLO = "/boot/hello"
WORKER = "/boot/balloon-worker"


def json_of(t, text):
    """The JSON document in text (what follows the first '[' or '{')."""
    starts = [i for i in (text.find("["), text.find("{")) if i >= 0]
    t.check(starts, f"no JSON in:\n{text}")
    try:
        return json.loads(text[min(starts):])
    except ValueError as e:
        t.fail(f"not JSON ({e}):\n{text}")


def statuses(text):
    """The values of the script's `echo status $?` lines, in order."""
    return [int(s) for s in re.findall(r"^status (\d+)$", text, re.M)]


# ---- xl's behaviours scripts depend on -------------------------------------

def compat_files():
    files = Files()
    files.cfg("web", memory=64, extra="idle", cpus="1",
              uuid="11111111-2222-4333-8444-555555555555")
    with open(os.path.join(files.tmp.name, "web.cfg"), "a") as f:
        f.write("vif = [ 'bridge=xenbr0' ]\ndisk = [ 'file:/x,xvda,w' ]\n"
                "memroy = 1\n")
    files.cfg("dup", memory=32)
    with open(os.path.join(files.tmp.name, "dup.cfg"), "w") as f:
        f.write(f'name = "web"\nkernel = "{HELLO}"\nmemory = 32\n')
    files.cfg("123", memory=32)
    files.add("/etc/xen/long.cfg", f'name = "{"x" * 70}"\nkernel = "{HELLO}"\n')
    files.cfg("hvmold", builder="hvm")
    files.cfg("generic", builder="generic")
    files.cfg("huge", memory=18014398509481983)
    files.cfg("many", vcpus=33)
    files.cfg("pinned", cpus="0-3")
    return files


COMPAT_SCRIPT = steps(
    ("dryrun", ["xl -N create /etc/xen/web.cfg", "xl list",
                "-xl -N list", "echo status $?"]),
    ("help", ["xl create -h", "echo status $?", "xl help vcpu-set"]),
    ("create", ["xl create -p /etc/xen/web.cfg", "xl list -v web",
                "xl vcpu-pin web 0 - 0", "xl vcpu-list web"]),
    ("json", ["xl list -l"]),
    ("lists", ["xl vm-list", "xl cpupool-list", "xl cpupool-list -c",
               "xl network-list web", "xl block-list web"]),
    ("codes", ["-xl create /etc/xen/nosuch.cfg", "echo status $?",
               "-xl create /etc/xen/dup.cfg", "echo status $?",
               "-xl create /etc/xen/123.cfg", "echo status $?",
               "-xl create /etc/xen/long.cfg", "echo status $?",
               "-xl create /etc/xen/hvmold.cfg", "echo status $?",
               "-xl create /etc/xen/huge.cfg", "echo status $?",
               "-xl -N create /etc/xen/many.cfg", "echo status $?",
               "-xl create /etc/xen/pinned.cfg", "echo status $?",
               "xl -N create /etc/xen/generic.cfg"]),
    ("digits", ["-xl list 123", "echo status $?", "xl list 1"]),
    ("dom0", ["-xl destroy 0", "echo status $?", "-xl destroy -f 0",
              "echo status $?"]),
    ("sched", ["xl sched-credit", "xl sched-credit -s -t 10 -r 500",
               "xl sched-credit -s", "-xl sched-credit -s -r 50",
               "echo status $?", "xl sched-credit2", "echo status $?",
               "xl sched-credit2 -s", "-xl sched-credit2 -d web",
               "echo status $?", "xl info xen_scheduler"]),
    ("rough", ["xl top -b -i 1", "xl info build_id",
               "-xl dmesg | grep -c 'xen-lite# '",
               "xl dmesg | grep -c 'Domain 1 created'"]),
    ("end", ["xl destroy web", "xl list"]))


def check_dryrun_and_help(t, r):
    text = section(t, r, "dryrun")
    cfg = json_of(t, text[:text.find("Name ")])
    t.check(cfg["c_info"]["name"] == "web" and
            cfg["c_info"]["uuid"] == "11111111-2222-4333-8444-555555555555"
            and cfg["b_info"]["target_memkb"] == 65536 and
            cfg["b_info"]["type.pv"] == {} and
            cfg["b_info"]["vcpu_hard_affinity"] == [[1]],
            f"xl -N create's JSON: {cfg}")
    t.check(listed(t, text) == ["Domain-0"], "xl -N create created a domain")
    t.expect(text, r"^command does not implement -N \(dryrun\) option$")
    t.check(statuses(text) == [1], "xl -N list did not exit 1")
    text = section(t, r, "help")
    t.expect(text, r"^Usage: xl \[-vtTfN\] create <ConfigFile> \[options\] "
                   r"\[vars\]$")
    t.expect(text, r"^-n, --dryrun +Dry run - prints the resulting "
                   r"configuration$")
    t.check(statuses(text) == [0], "xl create -h did not exit 0")
    t.expect(text, r"^Usage: xl \[-vtTf\] vcpu-set \[option\] <Domain> "
                   r"<vCPUs>$")


def check_create_and_json(t, r):
    text = section(t, r, "create")
    t.expect(text, r"^/etc/xen/web\.cfg:\d+: 'vif' is not supported by "
                   r"xen-lite \(ignored\)$")
    t.expect(text, r"^/etc/xen/web\.cfg:\d+: 'disk' is not supported by "
                   r"xen-lite \(ignored\)$")
    t.expect(text, r"^/etc/xen/web\.cfg:\d+: unknown key 'memroy' \(did "
                   r"you mean 'memory'\?\)$")
    t.expect(text, r"^web +1 +64 +1 +--p--- +\d+\.\d "
                   r"11111111-2222-4333-8444-555555555555 ")
    # cpus="1" pins vCPU 0 to CPU 1; the soft affinity vcpu-pin set shows.
    t.expect(text, r"^web +1 +0 +\S+ +\S+ +\d+\.\d  1 / 0$")
    doms = json_of(t, section(t, r, "json"))
    t.check(len(doms) == 1 and doms[0]["domid"] == 1 and
            doms[0]["config"]["c_info"]["name"] == "web" and
            doms[0]["config"]["b_info"]["sched_params"]["weight"] == 256,
            f"xl list -l (Domain-0 has no stored configuration, as in "
            f"xl): {doms}")


def check_lists(t, r):
    text = section(t, r, "lists")
    t.expect(text, r"^UUID                                  ID    name$")
    t.expect(text, r"^00000000-0000-0000-0000-000000000000  0    Domain-0 +$")
    t.expect(text, r"^11111111-2222-4333-8444-555555555555  1    web +$")
    t.expect(text, r"^Name               CPUs   Sched     Active   Domain "
                   r"count$")
    t.expect(text, r"^Pool-0               2    credit       y          2$")
    t.expect(text, r"^Pool-0             0,1$")
    t.expect(text, r"^Idx BE Mac Addr\.         handle state evt-ch   "
                   r"tx-/rx-ring-ref BE-path +$")
    t.expect(text, r"^Vdev  BE  handle state evt-ch ring-ref BE-path +$")


def check_codes(t, r):
    text = section(t, r, "codes")
    # xl: 3 (ERROR_FAIL) for an unreadable file or a domain that cannot be
    # built, 1 for a configuration it cannot use.  xl takes an all-digit
    # name and can never address it; xen-lite refuses it.
    t.check(statuses(text) == [3, 3, 1, 1, 1, 1, 1, 1],
            f"exit statuses {statuses(text)}")
    # As xl: a file that cannot be read is reported before any parsing.
    t.expect(text, r"^Failed to read config file: /etc/xen/nosuch\.cfg: No "
                   r"such file or directory$")
    t.expect_not(text, r"^Parsing config from /etc/xen/nosuch\.cfg$")
    t.expect(text, r'^Domain with name "web" already exists\.$')
    t.expect(text, r'^/etc/xen/123\.cfg:1: name "123" is all digits: xl '
                   r"takes such an argument for a domain id$")
    t.expect(text, r"^/etc/xen/long\.cfg:1: name \"x{70}\" is too long: at "
                   r"most 63 characters$")
    t.expect(text, r"^/etc/xen/hvmold\.cfg:3: type 'hvm' is not supported by "
                   r'xen-lite: hardware-virtualized guests run as type = '
                   r'"pvh"$')
    t.expect(text, r"^/etc/xen/huge\.cfg:3: memory = 18014398509481983 MiB "
                   r"does not fit: at most 4294967296 MiB \(the x86-64 "
                   r"physical address space\)$")
    t.expect(text, r"^/etc/xen/many\.cfg:3: vcpus = 33: a domain has at most "
                   r"32 vCPUs$")
    t.expect_count(text, r"^Invalid pcpu range: 0-3\.$", 1)
    t.check(json_of(t, text[text.rfind("Parsing config from /etc/xen/generic"):])
            ["c_info"]["type"] == "pv", "builder = \"generic\" is not pv")


def check_digits_and_dom0(t, r):
    text = section(t, r, "digits")
    t.expect(text, r"^Error: Domain '123' does not exist\.$")
    t.check(statuses(text) == [1], "xl list 123 did not fail")
    list_row(t, text, "web")
    text = section(t, r, "dom0")
    t.expect(text, r"^Not destroying domain 0; use -f to force\.$")
    t.expect(text, r"^destroy failed \(rc=-3\)$")
    t.check(statuses(text) == [1, 1], f"xl destroy 0: {statuses(text)}")


def check_sched(t, r):
    text = section(t, r, "sched")
    t.expect(text, r"^Cpupool Pool-0: tslice=30ms ratelimit=1000us "
                   r"migration-delay=0us$")
    t.expect(text, r"^Cpupool Pool-0: tslice=10ms ratelimit=500us "
                   r"migration-delay=0us$")
    t.expect(text, r"^xl: Ratelimit out of range, valid range is from 100 to "
                   r"500000$")
    t.expect(text, r"^libxl_sched_credit2_params_get failed\.$")
    t.expect(text, r"^Cpupool Pool-0: \[sched params unavailable\]$")
    t.expect(text, r"^libxl_domain_sched_params_get returned credit not "
                   r"credit2\.$")
    # -r 50 fails; sched-credit2 lists nothing and succeeds; -d fails.
    t.check(statuses(text) == [1, 0, 1], f"statuses {statuses(text)}")
    t.expect(text, r"^credit$")


def check_rough_edges(t, r):
    text = section(t, r, "rough")
    # Xen's libxl gives a domain maxmem + 1 MiB (LIBXL_MAXMEM_CONSTANT).
    t.expect(text, r"^ +web ----p- +\d+ +\d+\.\d +65536 +\d+\.\d +66560 ")
    t.expect(text, r"^[0-9a-f]{40}$")
    counts = re.findall(r"^(\d+)$", text, re.M)
    t.check(counts[0] == "0" and int(counts[1]) >= 1,
            f"xl dmesg holds dom0's session or misses the hypervisor's "
            f"lines: {counts}")


@scenario("xl_scripts_see_xls_behaviour")
def scripts_see_xls_behaviour(t):
    r = boot(t, compat_files(), COMPAT_SCRIPT, smp=2)
    check_dryrun_and_help(t, r)
    check_create_and_json(t, r)
    check_lists(t, r)
    check_codes(t, r)
    check_digits_and_dom0(t, r)
    check_sched(t, r)
    check_rough_edges(t, r)
    t.check(listed(t, section(t, r, "end")) == ["Domain-0"], "web is left")


# ---- Memory: xl's mem-set and mem-max, dom0, the manager's opt-in -----------

def memory_files():
    files = Files()
    files.cfg("plain", kernel=WORKER, memory=128, maxmem=256, extra="ws=4")
    files.cfg("mule", kernel=WORKER, memory=128, maxmem=256,
              extra="ws=4 uncooperative")
    files.cfg("big", kernel=WORKER, memory=64, maxmem=1024, extra="ws=4")
    return files


# Until every target is held (-u: or the domain ignores it, or the host
# has not the memory for it): the manager's verdict, not seconds.
SETTLE = "xl balloon-status -w -t 120"

MEMORY_SCRIPT = steps(
    ("dom0", ["xl mem-set 0 200m", "xl mem-max 0 240m", "xl balloon-status",
              "xl mem-max 0 256m", "-xl mem-max 0 300m", "echo status $?",
              "xl mem-set 0 auto", "xl balloon-status -w"]),
    ("free0", ["xl info free_memory"]),
    ("plain", ["xl create /etc/xen/plain.cfg", "sleep 2", "xl list plain",
               "xl info free_memory", "xl balloon-status"]),
    ("set", ["xl mem-set plain 64m", SETTLE, "xl list plain"]),
    ("all", ["xl balloon-policy -a on", "xl mem-set plain auto", SETTLE,
             "xl list plain",
             "xl balloon-policy -a off", "xl mem-set plain 128"]),
    ("stuck", ["xl create /etc/xen/mule.cfg", "xl mem-set mule 64",
               "-xl balloon-status -w -t 2", "echo status $?"]),
    ("short", ["xl create /etc/xen/big.cfg", "xl mem-set big 1000",
               "xl balloon-status -u stuck,uncooperative,host-short -t 120",
               "-xl balloon-status -w -t 1", "echo status $?", "xl list"]),
    ("waits", ["sleep 6", "xl balloon-status"]))


@scenario("xl_memory_as_xl_with_dom0_ballooned_by_opt_in")
def memory_as_xl(t):
    """A guest with memory < maxmem and no range stays at memory, as with
    xl (the balloon manager leaves it alone) until xl mem-set or the
    manage-every-domain policy; balloon-status -w fails naming the
    domains that do not reach their targets (one that ignores it, one
    the host cannot feed, which stays host-short, not stuck, however
    long it waits); dom0_mem=min:,max: opts Domain-0 in, and it gives
    memory back when a guest needs it; xl mem-set 0 and mem-max 0 act
    on Domain-0."""
    r = boot(t, memory_files(), MEMORY_SCRIPT, mem=1024, smp=2,
             xen_append="dom0_mem=min:128M,max:256M", timeout=300)
    text = section(t, r, "dom0")
    # xl mem-set 0 and mem-max 0 act on Domain-0; a lowered limit can be
    # raised back to what it booted with, not beyond (it has no physmap
    # to grow into: a xen-lite difference).
    t.expect(text, r"^Domain-0 +0 +200 +\d+ +128 +240 +240  ok +mem-set$")
    t.expect(text, r"^xl mem-max: Domain-0 cannot grow beyond the 256 MiB it "
                   r"booted with$")
    t.check(statuses(text) == [1], f"xl mem-max 0 300m: {statuses(text)}")
    t.expect(text, r"^Domain-0 +0 +256 +256 +128 +256 +256  ok +policy$")
    t.expect(text, r"^Targets reached in ")
    free0 = int(section(t, r, "free0"))
    text = section(t, r, "plain")
    t.check(list_row(t, text, "plain")[1] == 128,
            "a guest without a range grew on its own")
    free1 = int(re.findall(r"^(\d+)$", text, re.M)[0])
    t.check(120 <= free0 - free1 <= 140, f"free memory {free0} -> {free1} "
            f"MiB for a 128 MiB guest")
    t.expect(text, r"^Domain-0 +0 +256 +256 +128 +256 +256  ok +policy$")
    t.expect(text, r"^plain +1 +128 +128 +128 +256 +256  ok +xl\.cfg$")
    t.check(list_row(t, section(t, r, "set"), "plain")[1] == 64,
            "xl mem-set below memory was not followed")
    t.check(list_row(t, section(t, r, "all"), "plain")[1] == 256,
            "balloon-policy -a on did not manage the guest")
    text = section(t, r, "stuck")
    t.expect(text, r"^Targets not reached after 2 s:$")
    t.expect(text, r"^  mule \(2\): holds 128 MiB, target 64 MiB \(\S+\)$")
    t.check(statuses(text) == [1], "balloon-status -w did not fail")
    text = section(t, r, "short")
    t.expect(text, r"^  big \(3\): holds \d+ MiB, target 1000 MiB "
                   r"\(host-short\)$")
    t.check(statuses(text) == [1], "balloon-status -w did not fail")
    dom0 = list_row(t, text, "Domain-0")[1]
    t.check(128 <= dom0 < 256, f"Domain-0 holds {dom0} MiB: it did not give "
            f"memory to a guest that needed it (min 128)")
    t.note(f"Domain-0 gave {256 - dom0} MiB back to a hungry guest")
    # Longer than a guest may go without progress before it counts as
    # stuck (5 s): waiting for memory the host does not have is not that.
    t.expect(section(t, r, "waits"), r"^big +3 +1000 +\d+ +64 +1024 +1024  "
                                     r"host-short +mem-set$")


# ---- vcpu-set, xenstore's tools, dom0's shell -------------------------------

SHELL_SCRIPT = steps(
    ("hotplug", ["xl create /etc/xen/hp.cfg", "sleep 1", "xl list hp"]),
    ("three", ["xl vcpu-set -i hp 3", "sleep 1", "xl list hp"]),
    ("two", ["xl vcpu-set hp 2", "sleep 1", "xl vcpu-list hp",
             "-xl vcpu-set hp 3", "echo status $?"]),
    ("dom0cpu", ["xl vcpu-set 0 2", "xl vcpu-list 0", "xl vcpu-set 0 1",
                 "xl list 0"]),
    ("store", ["xenstore-list /local/domain/1/cpu",
               "xenstore-exists /local/domain/1/name", "echo status $?",
               "-xenstore-exists /local/domain/1/nope", "echo status $?",
               "xenstore-write /local/domain/1/data/a/b x",
               "xenstore-chmod -r /local/domain/1/data n1 r0",
               "xenstore-ls -p /local/domain/1/data",
               "xenstore-watch -n 1 /local/domain/1/data"]),
    ("pipes", ["xl list | grep hp", "xl list | grep -c -E '^(hp|Domain-0) '",
               "-xl list | grep nosuch", "echo status $?",
               "xl info > /tmp/info", "xl list >> /tmp/info",
               "grep -c : /tmp/info", "tail -n 1 /tmp/info",
               "xl help | head -3 | tail -n 1", "xl list | wc -l",
               "ls /tmp", "rm /tmp/info",
               "xl list nosuch && echo yes || echo no $?",
               "xl list nosuch 2>/dev/null || echo missing $?",
               "xl list nosuch 2>&1 | grep -q rc=-6 && echo err-piped",
               "xl list nosuch 2>&1 >/dev/null | grep -q rc=-6 && "
               "echo in-order",
               "xl list >/dev/null && echo null-ok",
               "-xl list nosuch 2>/tmp/err",
               "grep -q rc=-6 /tmp/err && echo err-file",
               "xl list | tail -n +2 | head -1", "wc -c /dev/null",
               "-echo x > /etc/x", "echo status $?"]),
    ("end", ["xl destroy hp"]))


@scenario("xl_vcpu_set_xenstore_tools_and_shell_pipes")
def vcpu_set_store_and_pipes(t):
    files = Files()
    files.cfg("hp", memory=32, vcpus=1, maxvcpus=3, extra="idle")
    r = boot(t, files, SHELL_SCRIPT, smp=2)
    rows = [list_row(t, section(t, r, step), "hp")[2]
            for step in ("hotplug", "three")]
    t.check(rows == [1, 3], f"vCPUs online before and after vcpu-set: {rows}")
    text = section(t, r, "two")
    t.expect(text, r"^hp +1 +1 +\d+ +-b- .*$")
    t.expect(text, r"^hp +1 +2 +- +--p .*$")    # set offline: the guest did
    t.expect(text, r"^You are overcommmitting! You have 2 physical CPUs and "
                   r"want 3 vCPUs! Aborting, use --ignore-host to continue$")
    t.check(statuses(text) == [1], "vcpu-set beyond the host did not fail")
    text = section(t, r, "dom0cpu")
    t.expect(text, r"^vcpu-hotplug: vcpu1 up$")
    t.expect(text, r"^Domain-0 +0 +1 +\d +-b- ")
    t.expect(text, r"^vcpu-hotplug: vcpu1 down$")
    t.check(list_row(t, text, "Domain-0")[2] == 1, "dom0's vCPU 1 is up")
    text = section(t, r, "store")
    t.check(re.findall(r"^(\d)$", text, re.M) == ["0", "1", "2"],
            "xenstore-list of cpu/")
    t.check(statuses(text) == [0, 1], f"xenstore-exists: {statuses(text)}")
    t.expect(text, r'^a = ""  \(n1,r0\)$')
    t.expect(text, r'^ b = "x"  \(n1,r0\)$')
    t.expect(text, r"^/local/domain/1/data$")
    text = section(t, r, "pipes")
    t.expect_count(text, r"^hp +1 +32 ", 2)    # grep, and tail of >>
    t.expect(text, r"^2$")
    t.check(statuses(text) == [1, 1], f"statuses {statuses(text)}")
    t.expect(text, r"^3[0-9]$")                 # xl info's lines with ':'
    t.expect(text, r"^xl full list of subcommands:$")
    t.expect(text, r"^3$")                      # header, Domain-0, hp
    t.expect(text, r"^info$")
    t.expect(text, r"^nosuch is an invalid domain identifier \(rc=-6\)\n"
                   r"no 1$")
    t.expect(text, r"^shell: /etc/x: Read-only file system$")
    # 2>, 2>&1 (in order, as sh: `2>&1 >/dev/null` keeps errors in the
    # pipe), /dev/null, tail -n +N.
    t.expect_count(text, r"^nosuch is an invalid domain identifier", 1)
    for word in ("missing 1", "err-piped", "in-order", "null-ok",
                 "err-file"):
        t.expect(text, rf"^{word}$")
    t.expect_count(text, r"^Domain-0 +0 ", 1)
    t.expect(text, r"^ *0 /dev/null$")
