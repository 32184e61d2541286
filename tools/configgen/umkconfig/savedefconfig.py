"""configgen savedefconfig: the minimal, canonical form of a config.

The minimal form lists only what differs from the defaults, in Kconfig
order (kconfig-conf --savedefconfig). Profiles are kept in this form, so
`savedefconfig --profile X -o -` printing anything but profiles/X.config
means the profile is not canonical (tests/configgen checks all of them).
"""
import os
import sys

from . import defconfig, dotconfig, kconf, paths
from .atomic import Transaction
from .errors import ConfigError
from .requests import gather


def resolve_profile(profile):
    """Resolve a profile or file (checked like defconfig) to .config text."""
    reqs, _ = gather([paths.profile_path(profile)], [])
    text, _, errors = defconfig.resolve(reqs)
    if errors:
        raise ConfigError(errors)
    return text


def minimal(config_text):
    return kconf.savedefconfig(config_text)


def run(build_dir, out, profile=None):
    if profile:
        text = resolve_profile(profile)
        out = out or "-"
    else:
        cfg = os.path.join(build_dir, ".config")
        if not os.path.exists(cfg):
            raise ConfigError(f"{paths.display(cfg)}: no such file (run configgen defconfig first)")
        text = dotconfig.read_text(cfg, paths.display(cfg))
        out = out or os.path.join(build_dir, "defconfig")
    result = minimal(text)
    if out == "-":
        sys.stdout.write(result)
        return 0
    tx = Transaction()
    tx.write_if_changed(out, result)
    tx.commit()
    return 0
