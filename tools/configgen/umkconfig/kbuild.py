"""Kbuild files: which sources a configuration compiles.

Grammar (a subset of Linux's, one assignment per line, '\\' continues):
    obj-y += a.c            obj-$(CONFIG_X) += b.c      freestanding core code
    host-y += c.c           host-$(CONFIG_X) += d.S     hosted (arch/um only)
    subdir-y += dir         subdir-$(CONFIG_X) += dir   recurse
$(SRCARCH) expands to the host CPU name.
"""
import os
import re

from .errors import ConfigError

_ASSIGN = re.compile(r"^(obj|host|subdir)-(y|n|\$\(CONFIG_([A-Za-z0-9_]+)\))\s*(\+=|:=|=)\s*(.*)$")


def _logical_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            raw = f.read().split("\n")
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from None
    buf, start = "", 0
    for n, line in enumerate(raw, 1):
        if not buf:
            start = n
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        yield start, buf + line
        buf = ""


def sources(srctree, config, srcarch, kbuild="Kbuild"):
    """Return [(relative path, 'obj'|'host')] selected by config, in order."""
    out = []
    _walk(srctree, "", kbuild, config, srcarch, out, set())
    return out


def _walk(srctree, reldir, name, config, srcarch, out, seen):
    path = os.path.join(srctree, reldir, name)
    if path in seen:
        raise ConfigError(f"{path}: included twice")
    seen.add(path)
    for n, line in _logical_lines(path):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        m = _ASSIGN.match(text)
        if not m:
            raise ConfigError(f"{path}:{n}: cannot parse Kbuild line: {text!r}")
        kind, cond, sym, _, rest = m.groups()
        if cond == "n" or (sym and config.get(sym, "n") != "y"):
            continue
        for item in rest.split():
            item = item.replace("$(SRCARCH)", srcarch)
            if "$(" in item:
                raise ConfigError(f"{path}:{n}: unknown variable in {item!r}")
            rel = os.path.normpath(os.path.join(reldir, item))
            if kind == "subdir":
                _walk(srctree, rel, "Kbuild", config, srcarch, out, seen)
                continue
            if not os.path.isfile(os.path.join(srctree, rel)):
                raise ConfigError(f"{path}:{n}: source file {item} does not exist")
            out.append((rel, kind))
