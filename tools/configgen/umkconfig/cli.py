"""Command-line entry: one subcommand per function below."""
import argparse
import os
import sys

from . import dotconfig, generate, kconf
from .atomic import Transaction
from .errors import ConfigError


def _profile_path(name):
    if os.path.sep in name or name.endswith(".config") or os.path.exists(name):
        return name
    path = os.path.join(kconf.srctree(), "profiles", name + ".config")
    if not os.path.exists(path):
        avail = sorted(f[:-7] for f in os.listdir(os.path.dirname(path))
                       if f.endswith(".config"))
        raise ConfigError(f"unknown profile '{name}' (available: {', '.join(avail)})")
    return path


def _format(config):
    out = []
    for sym, v in config.items():
        if v == "n":
            out.append(f"# CONFIG_{sym} is not set")
        elif v == "y" or v.startswith("0x") or v.lstrip("-").isdigit():
            out.append(f"CONFIG_{sym}={v}")
        else:
            out.append(f'CONFIG_{sym}="{v}"')
    return "\n".join(out) + "\n"


def cmd_defconfig(a):
    requested = {}
    for name in [_profile_path(a.profile)] + (a.fragment or []):
        requested.update(dotconfig.read(name))
    for n, item in enumerate(a.set or [], 1):
        where = f"--set #{n}"
        if "=" not in item:
            raise ConfigError(f"{where}: expected SYM=VALUE, got {item!r}")
        sym, val = item.split("=", 1)
        sym = sym[7:] if sym.startswith("CONFIG_") else sym
        requested[sym] = (dotconfig.unquote(val, where), where)
    text = kconf.run_conf("--defconfig", _format({k: v for k, (v, _) in requested.items()}))
    resolved = {}
    for n, line in enumerate(text.splitlines(), 1):
        kv = dotconfig.parse_line(line, f".config:{n}")
        if kv:
            resolved[kv[0]] = kv[1]
    errors = []
    for sym, (want, where) in requested.items():
        got = resolved.get(sym)
        if got is None:
            errors.append(f"{where}: unknown symbol {sym}")
        elif got != want:
            errors.append(f"{where}: {sym}={want} requested, got {got}")
    if errors:
        raise ConfigError("\n".join(errors))
    os.makedirs(a.O, exist_ok=True)
    with Transaction() as tx:
        tx.write_if_changed(os.path.join(a.O, ".config"), text)
    return 0


def cmd_genconfig(a):
    cfg_path = os.path.join(a.O, ".config")
    text = open(cfg_path, encoding="utf-8").read() if os.path.exists(cfg_path) else None
    if text is None:
        raise ConfigError(f"{cfg_path}: no such file (run configgen defconfig first)")
    config = dotconfig.values(cfg_path)
    arch = generate.srcarch()
    srcs, _ = generate.sources_cmake(config, arch)
    gen = os.path.join(a.O, "include", "generated")
    with Transaction() as tx:
        tx.write_if_changed(os.path.join(gen, "autoconf.h"), generate.autoconf_h(config))
        tx.write_if_changed(os.path.join(gen, "ikconfig.h"), generate.ikconfig_h(text))
        tx.write_if_changed(os.path.join(a.O, "config.cmake"), generate.config_cmake(config))
        tx.write_if_changed(os.path.join(a.O, "sources.cmake"), srcs)
    return 0


def build_parser():
    p = argparse.ArgumentParser(prog="configgen", description="Tailor the umk core.")
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    d = sub.add_parser("defconfig", help="resolve a profile (+fragments, overrides) into BUILD_DIR/.config")
    d.add_argument("profile", metavar="PROFILE|FILE")
    d.add_argument("--fragment", action="append", metavar="F")
    d.add_argument("--set", action="append", metavar="SYM=VAL")
    d.add_argument("-O", default="build", metavar="BUILD_DIR")
    d.set_defaults(fn=cmd_defconfig)
    g = sub.add_parser("genconfig", help="write autoconf.h, config.cmake, sources.cmake from BUILD_DIR/.config")
    g.add_argument("-O", default="build", metavar="BUILD_DIR")
    g.set_defaults(fn=cmd_genconfig)
    return p


def main(argv):
    a = build_parser().parse_args(argv)
    try:
        return a.fn(a)
    except ConfigError as e:
        print(f"configgen {a.cmd}: error: {e}", file=sys.stderr)
        return 1
