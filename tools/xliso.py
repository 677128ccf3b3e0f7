"""GRUB boot ISOs for xen-lite (and for Debian's Xen 4.17).

One ISO holds one Multiboot2 hypervisor and its modules in order (module 1 is
dom0's kernel, module 2 its ramdisk) and a grub.cfg that boots them at once.
A run may extend dom0's ramdisk (a newc cpio archive) with files of its own
(extend_ramdisk).
grub-mkrescue with both grub-pc-bin and grub-efi-amd64-bin installed makes a
hybrid ISO that boots under BIOS and UEFI.  GRUB decompresses a gzip'ed
hypervisor (Xen's xen.gz) itself.

Used by tools/mkiso (command line) and tools/xlboot.py (the boot runner).
"""

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

# xen-lite's command line unless told otherwise, for make's ISO and the boot
# runner alike (so that the runner's default boot is make's ISO).  dom0 gets
# 256 MiB, leaving the rest of the machine free for the guests it creates.
XEN_LITE_CMDLINE = "console=com1 com1=115200,8n1 loglvl=all dom0_mem=256M"
DEFAULT_XEN_CMDLINE = XEN_LITE_CMDLINE

# GRUB modules the ISO needs; grub-mkrescue adds their dependencies.  Keeping
# the list short keeps the ISO small (~4 MiB instead of ~20 MiB).
# EFI GRUB's built-in config asks for every part_* module.
GRUB_MODULES = ("multiboot2 normal configfile gzio serial terminal echo "
                "test halt all_video wrmsr part_acorn part_amiga part_apple part_bsd "
                "part_dfly part_dvh part_gpt part_msdos part_plan part_sun "
                "part_sunpc")

# multiboot2 asks for the framebuffer the hypervisor's header wants (for
# the screen console under UEFI); under a BIOS, VGA text mode instead.
GRUB_TEXT_MODE = ('if [ "$grub_platform" = pc ]; then set gfxpayload=text; fi',)

# Kept in the cache directory at most; the oldest are removed first.
CACHE_KEEP = 32


class IsoError(Exception):
    """The ISO could not be built; the message says why."""


@dataclass
class Module:
    path: str
    cmdline: str = ""


@dataclass
class IsoSpec:
    """What goes into an ISO: the hypervisor, its command line, modules,
    and GRUB commands run before the hypervisor is loaded (to leave the
    machine as some firmware would, e.g. 'wrmsr 0x1b 0xfee00d00')."""
    xen: str
    xen_cmdline: str = DEFAULT_XEN_CMDLINE
    modules: list = field(default_factory=list)
    grub_cmds: list = field(default_factory=list)

    def iso_files(self):
        """(path inside the ISO, host path) for every file to copy."""
        files = [("boot/xen", self.xen)]
        for i, mod in enumerate(self.modules, 1):
            files.append((f"boot/mod{i}", mod.path))
        return files


@dataclass
class RamdiskFile:
    """A file for dom0's ramdisk: at path, from a host file or data."""
    path: str
    host: str = None
    data: str = None


def parse_ramdisk_file(arg):
    """'HOST[:PATH]' -> RamdiskFile; PATH defaults to /<basename>."""
    host, sep, path = arg.rpartition(":")
    if not sep or not path.startswith("/"):
        host, path = arg, "/" + os.path.basename(arg)
    return RamdiskFile(path, host=host)


def _ramdisk_tree(files, root):
    """Lay the files out under root as they will be in the ramdisk."""
    for f in files:
        rel = os.path.normpath(f.path).lstrip("/")
        if not rel or rel == "." or rel.split("/")[0] == "..":
            raise IsoError(f"bad ramdisk path: {f.path}")
        dest = os.path.join(root, rel)
        if os.path.isdir(dest):
            raise IsoError(f"ramdisk path {f.path} is a directory")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if f.host is not None:
            if not os.path.isfile(f.host):
                raise IsoError(f"no such file: {f.host}")
            shutil.copyfile(f.host, dest)
        else:
            with open(dest, "w") as out:
                out.write(f.data)


def extend_ramdisk(base, files, tmp):
    """A ramdisk for one run: base (a newc cpio archive, or None) followed
    by a cpio archive of files; dom0 reads concatenated archives, later
    entries hiding earlier ones.  Built in the directory tmp; returns its
    path."""
    if shutil.which("cpio") is None:
        raise IsoError("cpio not found (run make deps)")
    if base is not None and not os.path.isfile(base):
        raise IsoError(f"no such file: {base}")
    root = os.path.join(tmp, "ramdisk-root")
    os.makedirs(root)
    _ramdisk_tree(files, root)
    names = sorted(os.path.relpath(os.path.join(d, n), root)
                   for d, dirs, fs in os.walk(root) for n in dirs + fs)
    proc = subprocess.run(
        ["cpio", "-o", "-H", "newc", "-R", "0:0", "--reproducible",
         "--quiet"], cwd=root, input="".join(n + "\n" for n in names)
        .encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise IsoError("cpio failed: " + proc.stderr.decode().strip())
    out = os.path.join(tmp, "ramdisk.cpio")
    with open(out, "wb") as f:
        if base is not None:
            with open(base, "rb") as b:
                shutil.copyfileobj(b, f)
        f.write(proc.stdout)
    return out


def parse_module(arg):
    """'FILE[:CMDLINE]' -> Module."""
    path, sep, cmdline = arg.partition(":")
    return Module(path, cmdline if sep else "")


def grub_words(cmdline):
    """A command line as GRUB script words.  Each whitespace-separated word
    is single-quoted so that ; $ and the like reach the kernel unchanged;
    multiboot2 joins the words with single spaces.  GRUB itself escapes
    quotes and backslashes with a backslash, so command lines should not
    contain them."""
    return " ".join("'" + w.replace("'", "'\\''") + "'"
                    for w in cmdline.split())


def grub_cfg(spec):
    """The grub.cfg text for spec.  GRUB stays silent unless loading a file
    fails: then it says so on the serial port and halts, so a broken ISO ends
    the run at once instead of waiting at GRUB's prompt."""
    lines = [
        "set timeout=0",
        "set default=0",
        # Under UEFI the screen console (console=vga) needs a video mode.
        'if [ "$grub_platform" = efi ]; then insmod all_video; fi',
        "function fail {",
        "  serial --unit=0 --speed=115200",
        "  terminal_output serial",
        '  echo "grub: cannot load $1"',
        "  halt",
        "}",
        'menuentry "xen-lite" {',
    ]
    lines += [f"  {cmd}" for cmd in spec.grub_cmds]
    load = f"multiboot2 /boot/xen {grub_words(spec.xen_cmdline)}"
    lines.append(f"  if ! {load}; then fail /boot/xen; fi")
    for i, mod in enumerate(spec.modules, 1):
        load = f"module2 /boot/mod{i} {grub_words(mod.cmdline)}".rstrip()
        lines.append(f"  if ! {load}; then fail /boot/mod{i}; fi")
    lines += [f"  {line}" for line in GRUB_TEXT_MODE]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_files(spec):
    for _, path in spec.iso_files():
        if not os.path.isfile(path):
            raise IsoError(f"no such file: {path}")


def spec_key(spec):
    """A digest of everything that makes up the ISO's contents."""
    check_files(spec)
    h = hashlib.sha256((GRUB_MODULES + "\0" + grub_cfg(spec)).encode())
    for name, path in spec.iso_files():
        h.update(f"\0{name}\0{_file_digest(path)}".encode())
    return h.hexdigest()[:24]


def _key_file(iso):
    return iso + ".key"


def build_iso(spec, out):
    """Build the ISO for spec at out (atomically) and record its key."""
    key = spec_key(spec)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xen-lite-iso.") as tmp:
        root = os.path.join(tmp, "root")
        os.makedirs(os.path.join(root, "boot", "grub"))
        for name, path in spec.iso_files():
            _copy_loadable(path, os.path.join(root, name))
        with open(os.path.join(root, "boot", "grub", "grub.cfg"), "w") as f:
            f.write(grub_cfg(spec))
        part = os.path.join(tmp, "out.iso")
        grub_mkrescue(root, part)
        with open(part, "rb") as f:
            _write_atomic(out, f.read())
    _write_atomic(_key_file(out), (key + "\n").encode())
    return out


def _copy_loadable(src, dst):
    """Copy a module; an ELF file goes without its debugging sections
    (most of its size, and the boot loader reads every byte under an
    emulator: a second of boot for the ISO's few megabytes)."""
    with open(src, "rb") as f:
        elf = f.read(4) == b"\x7fELF"
    if elf and shutil.which("strip"):
        subprocess.run(["strip", "--strip-debug", "-o", dst, src], check=True)
    else:
        shutil.copyfile(src, dst)


def _write_atomic(path, data):
    """Write path so that readers see the old or the new file, never half
    of one (parallel runs may build the same ISO)."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                               suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def grub_mkrescue(root, out, modules=GRUB_MODULES):
    """A hybrid BIOS/UEFI image of the tree root (with its boot/grub/
    grub.cfg), holding only the GRUB modules named."""
    if shutil.which("grub-mkrescue") is None:
        raise IsoError("grub-mkrescue not found (run make deps)")
    cmd = ["grub-mkrescue", "-o", out, "--locales=", "--fonts=",
           "--themes=", f"--install-modules={modules}", root]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0 or not os.path.isfile(out):
        tail = proc.stdout.strip().splitlines()[-3:]
        raise IsoError("grub-mkrescue failed: " + " / ".join(tail))


def iso_key(iso):
    """The key recorded when iso was built, or None."""
    try:
        with open(_key_file(iso)) as f:
            key = f.read().strip()
    except OSError:
        return None
    if not os.path.isfile(iso):
        return None
    return key


def cached_iso(spec, cache_dir, prefer=None):
    """Path of an ISO for spec: prefer (e.g. build/xen-lite.iso) if it was
    built from exactly spec, else one from cache_dir, building it if
    needed.  Parallel callers may build the same ISO; the rename is atomic."""
    key = spec_key(spec)
    if prefer and iso_key(prefer) == key:
        return prefer
    path = os.path.join(cache_dir, key + ".iso")
    if iso_key(path) == key:
        os.utime(path)
        return path
    build_iso(spec, path)
    _prune(cache_dir)
    return path


def _prune(cache_dir):
    """Keep the CACHE_KEEP most recently used ISOs (another run may be
    pruning at the same time: files may vanish under us)."""
    isos = []
    for name in os.listdir(cache_dir):
        if name.endswith(".iso"):
            path = os.path.join(cache_dir, name)
            try:
                isos.append((os.path.getmtime(path), path))
            except OSError:
                pass
    isos.sort(reverse=True)
    for _, old in isos[CACHE_KEEP:]:
        for path in (old, _key_file(old)):
            try:
                os.remove(path)
            except OSError:
                pass
