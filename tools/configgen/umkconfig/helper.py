"""The C helper kconfig-dump: built on demand, cached under the build dir.

It links Debian's libkconfig-parser, so the symbol model is the real
parser's. The binary is cached as BUILD_DIR/.configgen/kconfig-dump-KEY
(KEY hashes the source and compiler flags). A command that fails must
leave BUILD_DIR untouched, so a fresh build goes to a private temporary
directory first and is installed by the command's Transaction on success.
UMK_KCONFIG_DUMP=/path/to/binary overrides all of this.
"""
import atexit
import glob
import hashlib
import os
import shutil
import subprocess
import tempfile

from .errors import ConfigError

SOURCE = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))),
                      "kconfig-dump.c")
APT_HINT = "install it with 'apt-get install kconfig-frontends'"
_built = {}  # key -> temporary binary built by this process


def _flags():
    pc = shutil.which("pkg-config")
    if pc:
        p = subprocess.run([pc, "--cflags", "--libs", "kconfig-parser"],
                           capture_output=True, text=True)
        if p.returncode == 0:
            return p.stdout.split()
    if os.path.exists("/usr/include/kconfig/lkc.h"):
        return ["-lkconfig-parser"]
    raise ConfigError("libkconfig-parser not found (no pkg-config file "
                      f"kconfig-parser, no /usr/include/kconfig/lkc.h): {APT_HINT}")


def _compiler():
    for cc in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if cc and shutil.which(cc.split()[0]):
            return cc.split()
    raise ConfigError("no C compiler found to build kconfig-dump "
                      "(install one with 'apt-get install gcc')")


def _key(cc, flags):
    h = hashlib.sha256()
    with open(SOURCE, "rb") as f:
        h.update(f.read())
    h.update(" ".join(cc + flags).encode())
    return h.hexdigest()[:12]


def cached_path(build_dir, key):
    return os.path.join(build_dir, ".configgen", f"kconfig-dump-{key}")


def _compile(cc, flags, key):
    if key in _built:
        return _built[key]
    tmp = tempfile.mkdtemp(prefix="configgen-helper.")
    atexit.register(shutil.rmtree, tmp, True)
    out = os.path.join(tmp, "kconfig-dump")
    p = subprocess.run(cc + ["-std=gnu11", "-O1", "-o", out, SOURCE] + flags,
                       capture_output=True, text=True)
    if p.returncode != 0:
        detail = (p.stderr or p.stdout).strip().splitlines()
        hint = APT_HINT if any("lkc.h" in l or "kconfig-parser" in l for l in detail) else ""
        raise ConfigError(["cannot build kconfig-dump: " + " ".join(cc) + " failed" +
                           (f" ({hint})" if hint else "")] + detail[:10])
    _built[key] = out
    return out


def locate(build_dir=None, tx=None):
    """Path of a working kconfig-dump; schedule caching it in build_dir via tx."""
    env = os.environ.get("UMK_KCONFIG_DUMP")
    if env:
        return os.path.abspath(env)
    cc, flags = _compiler(), _flags()
    key = _key(cc, flags)
    if build_dir:
        cached = os.path.abspath(cached_path(build_dir, key))
        if os.access(cached, os.X_OK):
            return cached
    binary = _compile(cc, flags, key)
    if build_dir and tx is not None:
        tx.copy_file(binary, cached_path(build_dir, key), mode=0o755)
        for stale in glob.glob(cached_path(build_dir, "*")):
            if stale != cached_path(build_dir, key):
                tx.remove(stale)
    return binary
