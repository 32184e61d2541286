"""configgen show-config: the .config a built core carries (like Linux's IKCONFIG).

core/ikconfig.c stores UMK_IKCONFIG_BLOB, i.e. the .config's assignments
between the lines UMK_IKCONFIG_BEGIN and UMK_IKCONFIG_END. Static archives
keep object files uncompressed, so the block is found by a byte search in
libumk.a, umk-boot and umk.o alike.
"""
import sys

from . import paths
from .errors import ConfigError, warn
from .generate import IKCONFIG_BEGIN, IKCONFIG_END

BEGIN, END = IKCONFIG_BEGIN.encode(), IKCONFIG_END.encode()


def blocks(data):
    """Every complete marker block's text, in file order."""
    out, pos = [], 0
    while True:
        start = data.find(BEGIN, pos)
        if start < 0:
            return out
        end = data.find(END, start + len(BEGIN))
        if end < 0:
            return out
        out.append(data[start + len(BEGIN):end].decode("utf-8", "replace"))
        pos = end + len(END)


def extract(path):
    shown = paths.display(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{shown}: cannot read: is a directory") from None
    except OSError as e:
        raise ConfigError(f"{shown}: cannot read: {e.strerror}") from None
    found = blocks(data)
    if not found:
        raise ConfigError(f"{shown}: no embedded config (built with CONFIG_IKCONFIG=n?)")
    if len(set(found)) > 1:
        warn(f"{shown} holds {len(set(found))} different embedded configs; showing the first")
    return found[0]


def run(binary):
    sys.stdout.write(extract(binary))
    return 0
