"""Debian's own guests for the scenarios that boot them: Linux 6.1
(linux-image-amd64's bzImage, and the vmlinux inside it) with a busybox
initramfs.  Packages come from tools/debian.sh (apt-get, cached under
$BUILD/debian once per machine); what is made from them here is cached
beside them, keyed by the inputs."""

import gzip
import hashlib
import lzma
import os
import shutil
import struct
import subprocess
import tempfile
import threading

XZ_MAGIC = b"\xfd7zXZ\x00"


class DebianError(Exception):
    """A package could not be fetched or unpacked; the message says why."""


def _fetch(build, what):
    env = dict(os.environ, BUILD=build)
    p = subprocess.run(["tools/debian.sh", what], env=env, text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise DebianError(f"tools/debian.sh {what}: {p.stderr.strip()[-300:]}")
    return p.stdout.strip().splitlines()[-1]


def bzimage(build):
    """Debian's vmlinuz (a bzImage whose payload is an XZ stream)."""
    return _fetch(build, "linux")


def vmlinux(build):
    """The ELF vmlinux inside Debian's bzImage, decompressed on the host
    (Python's lzma) from the payload the boot header points at."""
    src = bzimage(build)
    out = os.path.join(os.path.dirname(src), "vmlinux")
    if os.path.isfile(out) and os.path.getmtime(out) >= os.path.getmtime(src):
        return out
    with open(src, "rb") as f:
        data = f.read()
    start = (data[0x1f1] + 1) * 512 + struct.unpack_from("<I", data, 0x248)[0]
    if data[start:start + 6] != XZ_MAGIC:
        raise DebianError(f"{src}: payload is not XZ")
    elf = lzma.LZMADecompressor().decompress(data[start:])
    tmp = f"{out}.{os.getpid()}.{threading.get_ident()}.tmp"
    with open(tmp, "wb") as f:
        f.write(elf)
    os.replace(tmp, out)
    return out


def initramfs(build, files):
    """A gzip'ed newc cpio with busybox-static, /init a link to it (busybox
    init) and files ({path: text}, executable), cached by their digest."""
    busybox = _fetch(build, "busybox")
    key = hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest()[:12]
    out = os.path.join(build, "debian", f"initramfs-{key}.cpio.gz")
    if os.path.isfile(out):
        return out
    with tempfile.TemporaryDirectory(prefix="xen-lite-initrd.") as tmp:
        root = os.path.join(tmp, "root")
        for d in ("bin", "dev", "etc", "proc", "sys", "tmp"):
            os.makedirs(os.path.join(root, d))
        shutil.copy(busybox, os.path.join(root, "bin", "busybox"))
        os.symlink("bin/busybox", os.path.join(root, "init"))
        for path, text in files.items():
            host = os.path.join(root, path.lstrip("/"))
            os.makedirs(os.path.dirname(host), exist_ok=True)
            with open(host, "w") as f:
                f.write(text)
            os.chmod(host, 0o755)
        names = sorted(os.path.relpath(os.path.join(d, n), root)
                       for d, ds, fs in os.walk(root) for n in ds + fs)
        p = subprocess.run(["cpio", "-o", "-H", "newc", "-R", "0:0",
                            "--reproducible", "--quiet"], cwd=root,
                           input="".join(n + "\n" for n in names).encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise DebianError("cpio: " + p.stderr.decode().strip())
        tmp_out = f"{out}.{os.getpid()}.{threading.get_ident()}.tmp"
        with open(tmp_out, "wb") as f:
            f.write(gzip.compress(p.stdout, 9, mtime=0))
    os.replace(tmp_out, out)
    return out


def _digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def pvgrub(build, grub_cfg, files=None):
    """Debian's PV GRUB (grub-xen-bin's x86_64-xen modules, assembled with
    grub-mkimage as Debian's grub-xen-host does) with a memdisk holding
    /boot/grub/grub.cfg and files ({path in the memdisk: host file}),
    cached by their digests."""
    files = files or {}
    modules = os.path.join(_fetch(build, "grub-xen"), "x86_64-xen")
    key = hashlib.sha256((grub_cfg + "".join(
        f"{k}={_digest(v)}" for k, v in sorted(files.items()))).encode()).hexdigest()[:12]
    out = os.path.join(build, "debian", f"pvgrub-{key}.elf")
    if os.path.isfile(out):
        return out
    if shutil.which("grub-mkimage") is None:
        raise DebianError("grub-mkimage not found (run make deps)")
    with tempfile.TemporaryDirectory(prefix="xen-lite-pvgrub.") as tmp:
        os.makedirs(os.path.join(tmp, "boot", "grub"))
        with open(os.path.join(tmp, "boot", "grub", "grub.cfg"), "w") as f:
            f.write(grub_cfg)
        for path, host in files.items():
            dest = os.path.join(tmp, path.lstrip("/"))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy(host, dest)
        tar = os.path.join(tmp, "memdisk.tar")
        subprocess.run(["tar", "-cf", tar, "-C", tmp, "boot"], check=True)
        tmp_out = f"{out}.{os.getpid()}.{threading.get_ident()}.tmp"
        p = subprocess.run(["grub-mkimage", "-d", modules, "-O", "x86_64-xen",
                            "-p", "(memdisk)/boot/grub", "-m", tar, "-o", tmp_out,
                            "normal", "echo", "ls", "cat", "configfile", "memdisk",
                            "tar", "minicmd", "halt", "reboot", "sleep", "test",
                            "linux", "xzio", "gzio"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            raise DebianError("grub-mkimage: " + p.stdout.strip()[-300:])
    os.replace(tmp_out, out)
    return out
