"""xenstored in dom0 (xen-lite only: on Xen 4.17 xenstored would come from
a Linux dom0): the xenstore-* shell commands; each domain's nodes, owned
by it and removed when it dies; xs-attack as an unprivileged domain that
tries to read, write, remove, re-permit and watch another domain's nodes,
floods its own subtree until EQUOTA and sends malformed messages -- each
refused with Xen's error while the other domain and dom0 keep working;
and xl shutdown / xl reboot asking the guest through control/shutdown
before the hypervisor.

Scripts mark their steps with `echo @@STEP`; section() returns what a
step printed."""

import os
import re
import sys
import tempfile

from xltest import scenario

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _xlscript import section, steps  # noqa: E402

VICTIM = 1                      # idle.cfg, created first
ATTACKER = 2


def boot(t, script, status=0, files=(), **opts):
    opts.setdefault("smp", 2)
    r = t.boot(run=script, files=list(files), **opts)
    t.expect_status(r, status)
    t.expect(r, rf"^exit status {status}$")
    t.expect_not(r, r"\(XEN\) .*(Panic|FATAL|crashed)")
    return r


def cfg_file(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return f"{path}:/etc/xen/{name}"


# ---- dom0's shell commands ---------------------------------------------

@scenario("xenstore_shell_commands_write_read_list_chmod_remove")
def shell_commands(t):
    script = steps(
        ("empty", ["xenstore-ls"]),
        ("write", ["xenstore-write /tool/a 1 /tool/b/c 'two words'",
                   "xenstore-read /tool/a /tool/b/c"]),
        ("ls", ["xenstore-ls /tool"]),
        ("full", ["xenstore-ls -f /tool"]),
        ("chmod", ["xenstore-chmod /tool/a r0 w1", "xenstore-ls -p /tool"]),
        ("errors", ["-xenstore-read /tool/a /nope", "-xenstore-rm /",
                    "-xenstore-write /bad//path x", "-xenstore-ls /nope",
                    "-xenstore-chmod /tool/a x1"]),
        ("rm", ["xenstore-rm /tool/b /tool/b", "xenstore-ls /tool",
                "xenstore-rm /tool", "xenstore-ls"]),
        ("usage", ["xenstore-write odd"]))
    r = boot(t, script, status=2, smp=1)
    dom0_tree = ('local = ""\n domain = ""\n  0 = ""\n   name = "Domain-0"\n'
                 '   domid = "0"')
    t.check(section(t, r, "empty").strip() == dom0_tree,
            f"xenstore-ls at boot:\n{section(t, r, 'empty')}")
    t.check(section(t, r, "write").split("\n")[:2] == ["1", "two words"],
            "xenstore-read did not print the values written")
    t.check(section(t, r, "ls").strip() ==
            'a = "1"\nb = ""\n c = "two words"',
            f"xenstore-ls /tool:\n{section(t, r, 'ls')}")
    t.check(section(t, r, "full").strip() ==
            '/tool/a = "1"\n/tool/b = ""\n/tool/b/c = "two words"',
            f"xenstore-ls -f /tool:\n{section(t, r, 'full')}")
    chmod = section(t, r, "chmod")
    t.expect(chmod, r'^a = "1"  \(r0,w1\)$')
    t.expect(chmod, r'^b = ""  \(n0\)$')
    errors = section(t, r, "errors")
    t.expect(errors, r"^1$")
    t.expect(errors, r"^xenstore-read: couldn't read path /nope \(ENOENT\)$")
    t.expect(errors, r"^xenstore-rm: could not remove path / \(EINVAL\)$")
    t.expect(errors, r"^xenstore-write: could not write path /bad//path "
                     r"\(EINVAL\)$")
    t.expect(errors, r"^xenstore-ls: /nope: ENOENT$")
    t.expect(errors, r"^xenstore-chmod: could not set permissions of "
                     r"/tool/a \(EINVAL\)$")
    t.check(section(t, r, "rm").strip() == 'a = "1"\n' + dom0_tree,
            f"after xenstore-rm:\n{section(t, r, 'rm')}")
    t.expect(r, r"^usage: xenstore-write path value \[path value\]\.\.\.$")
    t.expect(r, r"^run: /run/script:\d+: status 2, stopping$")
    r = boot(t, "xenstore-read /nope", status=1, smp=1)
    t.expect(r, r"^run: /run/script:1: status 1, stopping$")


# ---- a domain's nodes --------------------------------------------------

@scenario("xenstore_domain_nodes_are_written_owned_and_removed")
def domain_nodes(t):
    script = steps(
        ("created", ["xl create -p /etc/xen/hello.cfg",
                     "xenstore-ls -p /local/domain/1"]),
        ("renamed", ["xl rename hello hi", "xenstore-read /local/domain/1/name"]),
        ("destroyed", ["xl destroy hi", "xenstore-ls /local/domain"]))
    r = boot(t, script)
    created = section(t, r, "created")
    for line in (r'name = "hello"  \(n1\)', r'domid = "1"  \(n1\)',
                 r'memory = ""  \(n1\)', r' static-max = "65536"  \(n1\)',
                 r' target = "65536"  \(n1\)', r'control = ""  \(n1\)',
                 r' shutdown = ""  \(n1\)', r'store = ""  \(n1\)',
                 r' ring-ref = "\d+"  \(n1\)', r' port = "\d+"  \(n1\)',
                 r'console = ""  \(n1\)'):
        t.expect(created, rf"^{line}$")
    t.check(section(t, r, "renamed").strip() == "hi",
            "xl rename did not rename the name node")
    gone = section(t, r, "destroyed")
    t.expect(gone, r'^0 = ""$')
    t.expect_not(gone, r'^1 = ')
    t.expect_not(gone, r'"(hello|hi)"')


# ---- xs-attack as an unprivileged domain -------------------------------

def attack(t, part, after, timeout=120):
    """The idle victim (domain 1), then xs-attack (domain 2) with
    only=<part> attached to its console, then `after` as step "after"."""
    script = steps(
        ("victim", ["xl create /etc/xen/idle.cfg", "sleep 0.5"]),
        ("attack", [f"xl create -c /etc/xen/xs-attack.cfg "
                    f"'extra=\"only={part}\"'"]),
        ("after", after))
    r = boot(t, script, timeout=timeout)
    t.expect(r, rf"^xs-attack: domain {ATTACKER} attacking domain {VICTIM}'s"
                r" nodes$")
    t.expect_not(r, r"^xs-attack \S+: (SUCCEEDED|FAILED)")
    t.expect_not(r, r"^xs-attack: FAILED")
    m = t.expect(r, r"^xs-attack: (\d+) refused, (\d+) succeeded, "
                    r"(\d+) failed$")
    t.check(m.group(2) == "0" and m.group(3) == "0",
            f"xs-attack: {m.group(0)}")
    return r, int(m.group(1))


# Each attack and the refusal it must get.
PERMS_REFUSALS = {
    "read_other_domains_name": "EACCES",
    "read_other_domains_missing_node": "EACCES",
    "read_dom0s_name": "EACCES",
    "list_other_domain": "EACCES",
    "list_all_domains": "EACCES",
    "list_root": "EACCES",
    "get_perms_of_other_domains_node": "EACCES",
    "relative_path_escape": "EINVAL",
    "write_other_domains_name": "EACCES",
    "write_other_domains_control_shutdown": "EACCES",
    "write_other_domains_memory_target": "EACCES",
    "create_node_under_other_domain": "EACCES",
    "mkdir_under_other_domain": "EACCES",
    "write_dom0s_name": "EACCES",
    "write_at_the_root": "EACCES",
    "make_a_domain_directory": "EACCES",
    "rm_other_domains_node": "EACCES",
    "rm_other_domains_directory": "EACCES",
    "rm_other_domains_missing_node": "EACCES",
    "rm_local": "EACCES",
    "set_perms_to_take_other_domains_node": "EACCES",
    "set_perms_to_open_other_domains_dir": "EACCES",
    "give_own_node_away": "EPERM",
    "watch_other_domains_node": "EACCES",
    "watch_other_domains_directory": "EACCES",
    "watch_the_root": "EACCES",
    "introduce_a_domain": "EACCES",
    "release_a_domain": "EACCES",
    "ask_if_introduced": "EACCES",
    "write_other_domain_in_transaction": "EACCES",
    "rm_other_domain_in_transaction": "EACCES",
}


@scenario("xenstore_domu_cannot_touch_another_domains_nodes")
def domu_cannot_touch_others(t):
    r, refused = attack(t, "perms", [
        "xenstore-read /local/domain/1/name /local/domain/1/memory/target "
        "/local/domain/1/control/shutdown",
        "xenstore-ls -p /local/domain/1", "xl shutdown -w idle"])
    for name, err in PERMS_REFUSALS.items():
        t.expect(r, rf"^xs-attack {name}: refused \({err}\)$")
    t.check(refused == len(PERMS_REFUSALS),
            f"{refused} attacks refused, {len(PERMS_REFUSALS)} expected")
    after = section(t, r, "after")
    name, target, shutdown = after.split("\n")[:3]
    t.check(name == "idle" and target != "1" and shutdown == "",
            f"the victim's nodes changed:\n{after}")
    t.expect_not(after, r"evil|pwned|\(.*b2")
    # The victim still hears dom0: it takes its shutdown from xenstore.
    t.expect(after, rf"^Domain {VICTIM} has been shut down, reason code 0$")
    t.expect_not(after, r"did not take the request")


@scenario("xenstore_flood_hits_quota_and_nothing_else_breaks")
def flood_hits_quota(t):
    r, _ = attack(t, "flood", [
        "xenstore-write /local/domain/1/data/by-dom0 fine",
        "xenstore-read /local/domain/1/data/by-dom0 /local/domain/1/name",
        "xenstore-ls /local/domain", "xl shutdown -w idle"])
    m = t.expect(r, r"^xs-attack: flood: (\d+) nodes written, then EQUOTA$")
    t.check(900 < int(m.group(1)) < 1000,
            f"{m.group(1)} nodes before EQUOTA (quota 1000 a domain)")
    for name in ("flood_nodes", "value_over_quota", "flood_watches",
                 "flood_transactions"):
        t.expect(r, rf"^xs-attack {name}: refused \(EQUOTA\)$")
    t.expect(r, r"^xs-attack: flood: 128 watches set, then EQUOTA$")
    t.expect(r, r"^xs-attack: flood: 10 transactions open, then EQUOTA$")
    t.expect(r, r"^xs-attack: flood: cleaned up, writing works again$")
    after = section(t, r, "after")
    t.check(after.split("\n")[:2] == ["fine", "idle"],
            f"dom0 cannot use the victim's nodes after the flood:\n{after}")
    # The attacker's nodes went with it.
    t.expect(after, rf'^{VICTIM} = ""$')
    t.expect_not(after, rf'^{ATTACKER} = ')
    t.expect(after, rf"^Domain {VICTIM} has been shut down, reason code 0$")
    t.expect_not(after, r"did not take the request")


MALFORMED = {
    "length_beyond_payload_max": "E2BIG",
    "length_far_beyond_payload_max": "E2BIG",
    "read_without_nul": "EINVAL",
    "read_with_empty_payload": "EINVAL",
    "write_without_nul": "EINVAL",
    "read_with_two_paths": "EINVAL",
    "watch_without_token": "EINVAL",
    "set_perms_without_perms": "EINVAL",
    "path_too_long": "EINVAL",
    "watch_bad_special_path": "EINVAL",
    "watch_bad_path": "EINVAL",
    "bad_permission": "EINVAL",
    "bad_domain_id": "EINVAL",
    "unknown_type_99": "EINVAL",
    "unknown_type_max": "EINVAL",
    "server_only_watch_event": "EINVAL",
    "server_only_error": "EINVAL",
    "control_message": "ENOSYS",
    "huge_transaction_id": "ENOENT",
    "end_no_transaction": "ENOENT",
    "watch_in_transaction": "EINVAL",
    "end_transaction_with_bad_argument": "EINVAL",
}


@scenario("xenstore_malformed_messages_get_xs_error")
def malformed_messages(t):
    r, refused = attack(t, "malformed", [
        "xenstore-read /local/domain/1/name", "xenstore-ls /local/domain",
        "xl destroy idle"])
    for name, err in MALFORMED.items():
        t.expect(r, rf"^xs-attack {name}: refused \({err}\)$")
    t.expect_count(r, r"^xs-attack bad_path_\d+: refused \(EINVAL\)$", 7)
    t.check(refused == len(MALFORMED) + 7,
            f"{refused} malformed messages refused, {len(MALFORMED) + 7} sent")
    t.expect(r, r"^xs-attack: malformed: the connection is still in step$")
    after = section(t, r, "after")
    t.check(after.split("\n")[0] == "idle",
            f"dom0 cannot read the victim's name afterwards:\n{after}")
    t.expect_not(after, rf'^{ATTACKER} = ')


# ---- xl shutdown / reboot through control/shutdown ---------------------

@scenario("xenstore_xl_shutdown_and_reboot_ask_the_guest_first")
def xl_shutdown_through_xenstore(t):
    with tempfile.TemporaryDirectory() as tmp:
        files = [cfg_file(tmp, "kept.cfg",
                          'name = "kept"\nkernel = "/boot/hello"\n'
                          'memory = 32\nextra = "idle"\n'
                          'on_poweroff = "preserve"\n'
                          'on_reboot = "restart"\n'),
                 cfg_file(tmp, "deaf.cfg",
                          'name = "deaf"\nkernel = "/boot/hello"\n'
                          'memory = 32\nextra = "idle"\n')]
        script = steps(
            ("reboot", ["xl create /etc/xen/kept.cfg", "sleep 0.5",
                        "xenstore-ls /local/domain/1/control",
                        "xl reboot -w kept", "sleep 0.5", "xl list"]),
            ("shutdown", ["xl shutdown -w kept", "xl list",
                          "xl console kept", "xl destroy kept"]),
            ("paused", ["xl create /etc/xen/deaf.cfg", "xl console deaf",
                        "xl pause deaf", "xl shutdown -w deaf"]),
            ("unlistening", ["xl create -p /etc/xen/hello.cfg",
                             "xl shutdown -w hello", "xl list"]))
        # deaf must listen on control/shutdown before it is paused: its
        # console says when it does, and the runner detaches then.
        r = boot(t, script, files=files, timeout=120,
                 type=[r"^@@paused$=>",
                       r"^idle: waiting for control/shutdown=>\x1d"])
    reboot = section(t, r, "reboot")
    t.expect(reboot, r'^feature-poweroff = "1"$')
    t.expect(reboot, r'^feature-reboot = "1"$')
    t.expect(reboot, r"^Domain 1 restarted as domain 2$")
    t.expect(reboot, r"^Domain 1 has been shut down, reason code 1$")
    t.expect(reboot, r"^kept +2 ")
    down = section(t, r, "shutdown")
    t.expect(down, r"^Domain 2 has been shut down, reason code 0$")
    t.expect(down, r"^kept +2 +\d+ +\d+ +---s-- ")
    t.expect(down, r"^idle: waiting for control/shutdown$")
    t.expect(down, r"^control: shutdown requested: poweroff$")
    t.expect_not(reboot + down, r"did not take the request")
    paused = section(t, r, "paused")
    t.expect(paused, r"^xl: domain 3 did not take the request in 5 s: "
                     r"shutting it down through the hypervisor$")
    t.expect(paused, r"^Domain 3 has been shut down, reason code 0$")
    deaf = section(t, r, "unlistening")
    t.expect(deaf, r"^Domain 4 has been shut down, reason code 0$")
    t.expect_not(deaf, r"did not take the request")
    t.expect_not(deaf, r"^hello ")
