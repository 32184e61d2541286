"""Menuconfig edits survive a re-run of defconfig.

defconfig keeps BUILD_DIR/.config.base: what the inputs (profile,
fragments, --set) resolved to last time. A symbol whose value in .config
differs from .config.base was changed by the user (menuconfig, or an
editor), so it is re-applied on top of the new inputs. Symbols that only
moved as a consequence are not edits: promptless ones (selected or
derived), ones that vanished (their dependency went away) and ones that
appeared at their default value (their dependency came back).
"""
import os

from . import check, dotconfig, paths
from .requests import Request

BASE = ".config.base"


def detect(build_dir, model_of_config):
    """Requests for the user's edits in build_dir/.config, in file order."""
    cfg_path = os.path.join(build_dir, ".config")
    base_path = os.path.join(build_dir, BASE)
    if not (os.path.exists(cfg_path) and os.path.exists(base_path)):
        return []
    shown = paths.display(cfg_path)
    current = dotconfig.parse(dotconfig.read_text(cfg_path, shown), shown)
    base = dotconfig.values(base_path, paths.display(base_path))
    out = []
    for sym_name, value, where in current:
        if base.get(sym_name) == value:
            continue
        sym = model_of_config.get(sym_name)
        if sym is None or sym.prompt is None:
            continue
        if sym_name not in base and check.same(sym, value, sym.raw["default"] or None):
            continue
        if sym.is_bool and value == "n" and base.get(sym_name) is None:
            continue
        out.append(Request(sym_name, value, f"{where} (menuconfig edit)", "edit"))
    return out
