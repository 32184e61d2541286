"""Driving Debian's kconfig-frontends (kconfig-conf) safely.

kconfig-conf 4.11 drops what it does not like and exits 0, so every run
here is followed by a comparison of what was asked with what came out
(check.py). It also needs ./include/config in its working directory, so
each run happens in a scratch directory with srctree pointing at the tree.
"""
import os
import re
import shutil
import subprocess
import tempfile

from . import paths
from .errors import ConfigError

CONF = "kconfig-conf"
MCONF = "kconfig-mconf"
APT_HINT = "install it with 'apt-get install kconfig-frontends'"


def require(tool):
    if shutil.which(tool) is None:
        raise ConfigError(f"{tool} not found: {APT_HINT}")


def conf_env(config_path, extra=None):
    env = dict(os.environ, srctree=paths.srctree(), KCONFIG_CONFIG=config_path)
    for k in ("KCONFIG_ALLCONFIG", "KCONFIG_SEED", "KCONFIG_PROBABILITY"):
        env.pop(k, None)
    env.update(extra or {})
    return env


def run_conf(mode, config_text, extra_env=None, files=None):
    """Run kconfig-conf MODE in a scratch dir on config_text.

    files: {name: text} written next to .config first (e.g. the defconfig
    input). Returns (new .config text, {name: text after the run}).
    """
    require(CONF)
    with tempfile.TemporaryDirectory(prefix="configgen.conf.") as work:
        os.makedirs(os.path.join(work, "include", "config"))
        cfg = os.path.join(work, ".config")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write(config_text)
        for name, text in (files or {}).items():
            with open(os.path.join(work, name), "w", encoding="utf-8") as f:
                f.write(text)
        args = [CONF, "-s"] + [a.replace("@WORK@", work) for a in mode] + [paths.kconfig()]
        extra = {k: v.replace("@WORK@", work) for k, v in (extra_env or {}).items()}
        p = subprocess.run(args, cwd=work, env=conf_env(cfg, extra),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if p.returncode != 0:
            raise ConfigError(failure(mode[0].split("=")[0], p.stderr or p.stdout))
        with open(cfg, encoding="utf-8") as f:
            out = f.read()
        after = {}
        for name in os.listdir(work):
            full = os.path.join(work, name)
            if os.path.isfile(full) and name != ".config":
                with open(full, encoding="utf-8") as f:
                    after[name] = f.read()
        return out, after


_LOCATION = re.compile(r"^([^:\s]+):\d+:")


def failure(what, output):
    """kconfig-conf's complaint as messages, with the 4.11 newline trap named."""
    lines = [l for l in output.strip().splitlines() if l.strip()] or ["(no message)"]
    msgs = [f"kconfig-conf {what} failed on {paths.display(paths.kconfig())}:"]
    for line in lines[:20]:
        m = _LOCATION.match(line)
        if m:  # kconfig names files relative to srctree; show them from here
            line = paths.display(os.path.join(paths.srctree(), m.group(1))) + line[len(m.group(1)):]
        msgs.append(line)
    seen = set()
    for line in lines:
        m = _LOCATION.match(line)
        if not m or m.group(1) in seen:
            continue
        seen.add(m.group(1))
        path = os.path.join(paths.srctree(), m.group(1))
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            continue
        if data and not data.endswith(b"\n"):
            msgs.append(f"{paths.display(path)}: no newline at end of file "
                        "(kconfig-frontends 4.11 cannot parse that): add one")
    return msgs


def defconfig(requested_text):
    """Resolve a (possibly minimal) config: everything unset takes its default."""
    text, _ = run_conf(["--defconfig=@WORK@/requested.config"], "",
                       files={"requested.config": requested_text})
    return text


def savedefconfig(config_text):
    """The minimal config that resolves to config_text (Kconfig menu order)."""
    _, after = run_conf(["--savedefconfig=@WORK@/defconfig"], config_text)
    return after["defconfig"]


def randconfig(seed, probability=None, allconfig_text=None):
    """A random config, reproducible from seed; allconfig_text pins symbols."""
    env = {"KCONFIG_SEED": str(seed)}
    if probability is not None:
        env["KCONFIG_PROBABILITY"] = str(probability)
    files = {}
    if allconfig_text is not None:
        files["allconfig"] = allconfig_text
        env["KCONFIG_ALLCONFIG"] = "@WORK@/allconfig"
    text, _ = run_conf(["--randconfig"], "", extra_env=env, files=files)
    return text
