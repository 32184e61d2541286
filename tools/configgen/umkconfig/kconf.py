"""Driving Debian's kconfig-frontends (kconfig-conf) safely.

kconfig-conf 4.11 drops what it does not like and exits 0, so every run
here is followed by a comparison of what was asked with what came out.
"""
import os
import shutil
import subprocess
import tempfile

from .errors import ConfigError

CONF = "kconfig-conf"


def srctree():
    here = os.path.dirname(os.path.realpath(__file__))
    return os.path.realpath(os.path.join(here, "..", "..", ".."))


def require(tool):
    if shutil.which(tool) is None:
        raise ConfigError(f"{tool} not found: install it with "
                          "'apt-get install kconfig-frontends'")


def run_conf(mode, config_text, extra_env=None, kconfig="Kconfig"):
    """Run kconfig-conf MODE on config_text in a scratch dir; return the new .config text."""
    require(CONF)
    src = srctree()
    with tempfile.TemporaryDirectory(prefix="configgen.") as work:
        os.makedirs(os.path.join(work, "include", "config"))
        cfg = os.path.join(work, ".config")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write(config_text)
        env = dict(os.environ, srctree=src, KCONFIG_CONFIG=cfg)
        env.update(extra_env or {})
        args = [CONF, mode if mode != "--defconfig" else f"--defconfig={cfg}",
                os.path.join(src, kconfig)]
        p = subprocess.run(args, cwd=work, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True)
        if p.returncode != 0:
            msg = (p.stderr or p.stdout).strip()
            raise ConfigError(f"kconfig-conf {mode} failed: {msg}")
        with open(cfg, encoding="utf-8") as f:
            return f.read()
