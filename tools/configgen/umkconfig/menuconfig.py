"""configgen menuconfig: kconfig-mconf on BUILD_DIR/.config.

mconf runs in BUILD_DIR (it needs ./include/config there) with srctree
set. What the user changes is kept by later defconfig runs (edits.py).
"""
import os
import subprocess

from . import kconf, paths
from .errors import ConfigError


def run(build_dir):
    kconf.require(kconf.MCONF)
    cfg = os.path.join(build_dir, ".config")
    if not os.path.exists(cfg):
        raise ConfigError(f"{paths.display(cfg)}: no such file (run configgen defconfig first)")
    # Without a terminal kconfig-mconf does not fail: it spins at full CPU
    # on end of input, forever (make menuconfig from a script or CI).
    if not (os.isatty(0) and os.isatty(1)):
        raise ConfigError(f"menuconfig needs a terminal: standard input and output are not a tty "
                          f"(edit {os.path.abspath(cfg)} directly, or give values with "
                          f"configgen defconfig --set SYM=VAL)")
    os.makedirs(os.path.join(build_dir, "include", "config"), exist_ok=True)
    env = kconf.conf_env(os.path.abspath(cfg))
    p = subprocess.run([kconf.MCONF, paths.kconfig()], cwd=build_dir, env=env)
    return p.returncode
