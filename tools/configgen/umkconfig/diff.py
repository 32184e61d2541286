"""configgen diff A B: what differs between two configs, grouped by menu.

A and B may be .config files, build directories (their .config) or
profile names (resolved as defconfig would). A bool that is absent is n,
so "not set" and "not visible" do not show up as differences.
"""
import os

from . import dotconfig, paths
from .model import Model

ABSENT = "-"


def load(arg):
    """(label, {sym: value}) for a file, a build dir or a profile name."""
    if os.path.isdir(arg):
        cfg = os.path.join(arg, ".config")
        return paths.display(cfg), dotconfig.values(cfg, paths.display(cfg))
    if paths.looks_like_path(arg):
        return paths.display(arg), dotconfig.values(arg, paths.display(arg))
    from .savedefconfig import resolve_profile
    path = paths.profile_path(arg)
    return f"{arg} ({paths.display(path)}, resolved)", dotconfig.values_of_text(resolve_profile(arg))


def differences(a, b, model):
    """[(menu path, symbol, value in a, value in b)] in Kconfig order."""
    order = {s.name: i for i, s in enumerate(model.ordered())}
    out = []
    for name in sorted(set(a) | set(b), key=lambda n: (order.get(n, len(order)), n)):
        sym = model.get(name)
        absent = "n" if sym is not None and sym.is_bool else ABSENT
        va, vb = a.get(name, absent), b.get(name, absent)
        if va == vb:
            continue
        menu = " > ".join(sym.menu_path) if sym else "(not in Kconfig)"
        out.append((menu or "(top level)", name, va, vb))
    return out


def format_diff(label_a, label_b, diffs):
    if not diffs:
        return f"A: {label_a}\nB: {label_b}\nno differences\n"
    width = max([len(n) for _, n, _, _ in diffs] + [6]) + 2
    vwidth = max([len(a) for _, _, a, _ in diffs] + [1]) + 2
    lines = [f"A: {label_a}", f"B: {label_b}", "",
             f"  {'symbol'.ljust(width)}{'A'.ljust(vwidth)}B"]
    groups = {}  # menu -> rows, menus in order of first appearance
    for m, name, va, vb in diffs:
        groups.setdefault(m, []).append(f"  {name.ljust(width)}{va.ljust(vwidth)}{vb}")
    for m, rows in groups.items():
        lines.append(m)
        lines += rows
    n = len(diffs)
    lines.append(f"{n} symbol{'s' if n != 1 else ''} differ{'' if n != 1 else 's'}")
    return "\n".join(lines) + "\n"


def run(a, b):
    label_a, va = load(a)
    label_b, vb = load(b)
    print(format_diff(label_a, label_b, differences(va, vb, Model.load())), end="")
    return 0
