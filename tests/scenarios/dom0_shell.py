"""dom0's shell: the prompt, scripts given with --run (commands echoed,
stopping at the first failure, '-' lines going on), files added with
--file, the guest kernels in the ramdisk, poweroff's status, unknown
commands, time, and a malformed ramdisk that is reported rather than
fatal."""

import os
import tempfile

from xltest import scenario

PROMPT = r"^xen-lite# "
EXIT = r"^exit status {}$"


def run_script(t, commands, status, **opts):
    """Boot with a --run script; the runner must end with status."""
    r = t.boot(run=commands, **opts)
    t.expect_status(r, status)
    return r


@scenario("dom0_shell_prompt_waits_for_input")
def prompt_waits_for_input(t):
    """Without a script dom0 greets and waits at the prompt (the boot
    times out there: headless runs type nothing; the limit leaves a
    loaded machine time to reach the prompt)."""
    r = t.boot(timeout=20)
    t.expect_status(r, 124)
    t.expect(r, r"^xen-lite dom0: \d+ MiB, \d+ entries in the ramdisk\.$")
    t.expect(r, r"^Type 'help' for the commands")
    t.check(r.lines and r.lines[-1][1] == "xen-lite# ",
            "the last thing dom0 printed is not the prompt 'xen-lite# '")


@scenario("dom0_script_echoes_commands_and_powers_off_with_0")
def script_echoes_and_exits_0(t):
    r = run_script(t, "echo one; echo 'two  words'", 0)
    t.expect(r, PROMPT + r"echo one$")
    t.expect(r, r"^one$")
    t.expect(r, PROMPT + r"echo 'two  words'$")
    t.expect(r, r"^two  words$")
    t.expect(r, EXIT.format(0))
    t.expect(r, r"\(XEN\) Powering off")
    t.note(f"QEMU start -> first 'xen-lite# ' prompt: "
           f"{r.time_of(PROMPT):.2f} s")


@scenario("dom0_script_stops_at_first_failing_command")
def script_stops_at_first_failure(t):
    r = run_script(t, "echo before; ls /no/such/dir; echo after", 2)
    t.expect(r, r"^before$")
    t.expect(r, r"^ls: cannot access '/no/such/dir': No such file")
    t.expect(r, r"^run: /run/script:2: status 2, stopping$")
    t.expect(r, EXIT.format(2))
    t.expect_not(r, r"^after$")


@scenario("dom0_script_dash_lines_go_on_after_failure")
def script_dash_lines_continue(t):
    r = run_script(t, "-cat /no/such/file; -ls /nope; echo reached", 0)
    t.expect(r, PROMPT + r"-cat /no/such/file$")
    t.expect(r, r"^cat: /no/such/file: No such file or directory$")
    t.expect(r, r"^reached$")
    t.expect(r, EXIT.format(0))


@scenario("dom0_cat_shows_files_added_with_file")
def cat_shows_added_files(t):
    with tempfile.TemporaryDirectory() as tmp:
        host = os.path.join(tmp, "guest-notes.txt")
        with open(host, "w") as f:
            f.write("first line of the host file\nsecond line\n")
        r = run_script(t, "cat /guest-notes.txt; cat /etc/xen/notes.cfg", 0,
                       files=[host, f"{host}:/etc/xen/notes.cfg"])
    t.expect_count(r, r"^first line of the host file$", 2)
    t.expect_count(r, r"^second line$", 2)


@scenario("dom0_ls_boot_lists_the_guest_kernels")
def ls_boot_lists_guests(t):
    guests = os.path.join(t.build, "guests")
    names = sorted(n for n in os.listdir(guests)
                   if os.path.isfile(os.path.join(guests, n))
                   and os.access(os.path.join(guests, n), os.X_OK))
    t.check(names, f"no guest kernels in {guests}")
    r = run_script(t, "ls /boot; ls /etc/xen", 0)
    for name in names:
        t.expect(r, rf"^{name}$")
    t.expect(r, r"^hello\.cfg$")


@scenario("dom0_poweroff_7_gives_status_7")
def poweroff_status(t):
    r = run_script(t, "echo going; poweroff 7; echo not reached", 7)
    t.expect(r, EXIT.format(7))
    t.expect_not(r, r"^not reached$")


@scenario("dom0_unknown_command_gives_127")
def unknown_command(t):
    # The hypervisor caps statuses it reports to the runner at 111.
    r = run_script(t, "no-such-command --flag", 111)
    t.expect(r, r"^no-such-command: command not found")
    t.expect(r, r"^run: /run/script:1: status 127, stopping$")
    t.expect(r, EXIT.format(127))


REAL = r"^real\t(\d+)m(\d+\.\d{6})s$"


@scenario("dom0_time_prints_a_commands_wall_time_and_keeps_its_status")
def time_prints_wall_time(t):
    r = run_script(t, "time sleep 0.2; echo @@echo; time echo hi; "
                   "time ls /no/such/dir", 2)
    sleep, echo, ls = t.expect_all(r, REAL)
    t.expect(r, r"^@@echo\nxen-lite# time echo hi\nhi\nreal\t")
    slept = int(sleep.group(1)) * 60 + float(sleep.group(2))
    t.check(slept >= 0.2, f"time sleep 0.2 reported {slept} s")
    t.expect(r, r"^ls: cannot access '/no/such/dir'.*\nreal\t")
    t.expect(r, r"^run: /run/script:4: status 2, stopping$")
    t.note(f"time sleep 0.2: {slept:.6f} s; time echo hi: "
           f"{echo.group(2)} s")


@scenario("dom0_make_run_ends_normally_on_ctrl_a_x")
def make_run_quit(t):
    """make run boots with tools/boot --interactive; quitting QEMU with
    Ctrl-A X at the prompt, as the README says, is a normal end (status
    0), not a failure."""
    status, out = t.boot_typed(b"\x01x")
    t.expect(out, r"xen-lite# ")
    t.expect(out, r"QEMU: Terminated")
    t.expect_not(out, r"^boot: (?!serial console)")
    t.check(status == 0, f"tools/boot --interactive ended with {status} "
            f"after Ctrl-A X")


# ---- A malformed ramdisk -------------------------------------------------

def newc_entry(name, data=b"", mode=0o100644, namesize=None, filesize=None):
    """One cpio newc entry; namesize/filesize may lie."""
    name_b = name.encode() + b"\0"
    fields = [0, mode, 0, 0, 1, 0,
              len(data) if filesize is None else filesize, 0, 0, 0, 0,
              len(name_b) if namesize is None else namesize, 0]
    head = b"070701" + b"".join(b"%08X" % v for v in fields)
    out = head + name_b
    out += b"\0" * (-len(out) % 4) + data
    return out + b"\0" * (-len(out) % 4)


BROKEN = {
    "bad_hex": (b"070701" + b"zz" * 52, "bad hex digit in header"),
    "short_header": (b"0707010000", "truncated header"),
    "name_too_long": (newc_entry("x", namesize=0x7fffffff),
                      "name size runs past the end"),
    "data_too_long": (newc_entry("big", b"abc", filesize=0x10000000),
                      "file data runs past the end"),
    "bad_magic": (b"070707" + b"0" * 104, "bad magic"),
}


@scenario("dom0_malformed_ramdisk_is_reported_{case}", case=list(BROKEN))
def malformed_ramdisk(t, case):
    """A good entry, then a broken one: dom0 names the problem and its
    offset, keeps what came before, and runs its script from there."""
    tail, why = BROKEN[case]
    good = newc_entry("t.sh", b"echo still alive\nls /\n")
    with tempfile.TemporaryDirectory() as tmp:
        ramdisk = os.path.join(tmp, "broken.cpio")
        with open(ramdisk, "wb") as f:
            f.write(good + tail)
        r = t.boot(ramdisk=ramdisk, dom0_cmdline="run=/t.sh")
    t.expect_status(r, 0)
    t.expect(r, rf"^ramfs: malformed archive at offset {len(good)}: {why}")
    t.expect(r, r"^still alive$")
    t.expect(r, r"^t\.sh$")
