"""Command-line entry: one subcommand per module; see configgen --help."""
import argparse
import sys

from . import errors
from .errors import ConfigError

EPILOG = "Run 'configgen COMMAND --help' for a command's options. Docs: docs/configuring.md"


def _defconfig(a):
    from . import defconfig
    return defconfig.run(a.profile, a.fragment, a.set, a.O, a.discard_edits)


def _genconfig(a):
    from . import genconfig
    return genconfig.run(a.O)


def _savedefconfig(a):
    from . import savedefconfig
    return savedefconfig.run(a.O, a.o, a.profile)


def _randconfig(a):
    from . import randconfig
    return randconfig.run(a.seed, a.probability, a.fragment, a.set, a.O)


def _menuconfig(a):
    from . import menuconfig
    return menuconfig.run(a.O)


def _diff(a):
    from . import diff
    return diff.run(a.a, a.b)


def _emit(a):
    from . import emit
    return emit.run(a.O, a.o)


def _show_config(a):
    from . import ikconfig
    return ikconfig.run(a.binary)


def _add_build_dir(p):
    p.add_argument("-O", default="build", metavar="BUILD_DIR",
                   help="build directory holding .config (default: build)")


def _add_inputs(p):
    p.add_argument("--fragment", action="append", metavar="F", default=[],
                   help="a .config fragment merged after the profile (repeatable, in order)")
    p.add_argument("--set", action="append", metavar="SYM=VAL", default=[],
                   help="one assignment, applied last (repeatable; CONFIG_ prefix optional)")


def build_parser():
    p = argparse.ArgumentParser(
        prog="configgen", description="Tailor the umk core: resolve, check and generate its configuration.",
        epilog=EPILOG)
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    d = sub.add_parser("defconfig", help="resolve a profile (+fragments, overrides) into BUILD_DIR/.config",
                       description="Merge PROFILE (a name in profiles/ or a file), the fragments in order and "
                       "the --set overrides (later wins); resolve with kconfig-conf; fail, changing nothing, "
                       "if any requested value did not take. Menuconfig edits in an existing BUILD_DIR/.config "
                       "are kept on top of the inputs.")
    d.add_argument("profile", metavar="PROFILE|FILE")
    _add_inputs(d)
    d.add_argument("--discard-edits", action="store_true",
                   help="drop menuconfig edits in BUILD_DIR/.config instead of re-applying them")
    _add_build_dir(d)
    d.set_defaults(fn=_defconfig)

    g = sub.add_parser("genconfig", help="write autoconf.h, ikconfig.h, config.cmake, sources.cmake, config.json",
                       description="Generate the build's inputs from BUILD_DIR/.config (files are rewritten "
                       "only when their content changes).")
    _add_build_dir(g)
    g.set_defaults(fn=_genconfig)

    m = sub.add_parser("menuconfig", help="edit BUILD_DIR/.config with kconfig-mconf",
                       description="Run kconfig-mconf on BUILD_DIR/.config. Edits survive later defconfig runs.")
    _add_build_dir(m)
    m.set_defaults(fn=_menuconfig)

    s = sub.add_parser("savedefconfig", help="write the minimal (canonical) form of a config",
                       description="Write the minimal config that resolves to BUILD_DIR/.config "
                       "(or to --profile's resolution), in Kconfig order: the form profiles are kept in.")
    _add_build_dir(s)
    s.add_argument("-o", metavar="FILE", default=None,
                   help="output file (default: BUILD_DIR/defconfig; '-' for stdout)")
    s.add_argument("--profile", metavar="PROFILE|FILE", default=None,
                   help="resolve this profile instead of reading BUILD_DIR/.config")
    s.set_defaults(fn=_savedefconfig)

    r = sub.add_parser("randconfig", help="a random config, reproducible from --seed",
                       description="Write a random BUILD_DIR/.config; the same seed (and Kconfig) always "
                       "gives the same config. --fragment/--set pin symbols.")
    r.add_argument("--seed", required=True, metavar="N", help="random seed (decimal or 0x hex)")
    r.add_argument("--probability", metavar="P", default=None,
                   help="percent chance a bool is y (0-100; default 50)")
    _add_inputs(r)
    _add_build_dir(r)
    r.set_defaults(fn=_randconfig)

    df = sub.add_parser("diff", help="what differs between two configs, grouped by menu",
                        description="Compare two configs. A and B are .config files, build directories "
                        "(their .config) or profile names (resolved). Exit status is 0 either way.")
    df.add_argument("a", metavar="A")
    df.add_argument("b", metavar="B")
    df.set_defaults(fn=_diff)

    e = sub.add_parser("emit", help="write the amalgamation umk.h + umk.c for BUILD_DIR/.config",
                       description="Write the tailored core as one self-contained umk.h + umk.c "
                       "(config folded in, unselected code absent, internal symbols static).")
    _add_build_dir(e)
    e.add_argument("-o", metavar="OUTDIR", default=None, help="output directory (default: BUILD_DIR/amalgamation)")
    e.set_defaults(fn=_emit)

    sc = sub.add_parser("show-config", help="print the .config embedded in a built core",
                        description="Print the .config stored in libumk.a, umk-boot or umk.o "
                        "(needs CONFIG_IKCONFIG=y).")
    sc.add_argument("binary", metavar="BINARY")
    sc.set_defaults(fn=_show_config)

    from . import compare, report  # size and feature reports (docs/reports.md)
    report.add_parser(sub)
    compare.add_parser(sub)
    return p


def main(argv):
    a = build_parser().parse_args(argv)
    errors.set_command(a.cmd)
    try:
        return a.fn(a)
    except ConfigError as e:
        for msg in e.messages:
            print(f"configgen {a.cmd}: error: {msg}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as e:  # an unexpected I/O failure: still one line, no traceback
        where = f"{e.filename}: " if e.filename else ""
        print(f"configgen {a.cmd}: error: {where}{e.strerror or e}", file=sys.stderr)
        return 1
