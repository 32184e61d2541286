"""configgen compare: several builds side by side, with deltas against a baseline.

Sections: totals (plus foreign reference kernels by their `size` totals),
sizes per subsystem, the feature matrix, and per build a bloat-o-meter
style delta against the baseline (Linux scripts/bloat-o-meter):
    add/remove: A/R grow/shrink: G/S up/down: +U/-D (TOTAL)
    name  old  new  delta
One document (schema umk-compare/1) feeds every output format.
"""
import json
import os
import sys

from . import report, report_elf
from .errors import ConfigError
from .report import table
from .report_model import KINDS, grand, order_key

SCHEMA = "umk-compare/1"
METRICS = ("total", "text", "data", "bss")


def metric_of(t, metric):
    return grand(t) if metric == "total" else t[metric]


def symbol_sizes(build, core_only=False):
    """{key: bytes} of every row of a build (named symbols by name, the rest by file:[section])."""
    out = {}
    for r in build.core.rows:
        if core_only and r.subsystem == "selftests":
            continue
        k = r.key()
        out[k] = out.get(k, 0) + r.size
    return out


def delta(old, new, threshold=0, limit=0):
    """bloat-o-meter: counts, up/down sums and rows sorted by delta (largest growth first)."""
    rows = []
    add = remove = grow = shrink = up = down = 0
    for k in sorted(set(old) | set(new)):
        o, n = old.get(k), new.get(k)
        d = (n or 0) - (o or 0)
        if o is None:
            add += 1
        elif n is None:
            remove += 1
        elif d > 0:
            grow += 1
        elif d < 0:
            shrink += 1
        if d > 0:
            up += d
        else:
            down += d
        if d:
            rows.append({"name": k, "old": o, "new": n, "delta": d})
    rows.sort(key=lambda r: (-r["delta"], r["name"]))
    shown = [r for r in rows if abs(r["delta"]) >= threshold]
    hidden_threshold = len(rows) - len(shown)
    hidden_limit = 0
    if limit and len(shown) > limit:
        hidden_limit = len(shown) - limit
        shown = shown[:limit // 2] + shown[-(limit - limit // 2):] if limit > 1 else shown[:limit]
    before, after = sum(old.values()), sum(new.values())
    return {"add": add, "remove": remove, "grow": grow, "shrink": shrink,
            "up": up, "down": down, "total": up + down, "before": before, "after": after,
            "rows": shown, "hidden_below_threshold": hidden_threshold,
            "hidden_by_limit": hidden_limit}


def summary_line(d):
    return (f"add/remove: {d['add']}/{d['remove']} grow/shrink: {d['grow']}/{d['shrink']} "
            f"up/down: +{d['up']}/{d['down']} ({d['total']:+d})")


def parse_reference(spec):
    if "=" not in spec:
        raise ConfigError(f"--reference {spec}: expected NAME=ELF")
    name, path = spec.split("=", 1)
    if not os.path.isfile(path):
        raise ConfigError(f"--reference {spec}: {path}: no such file")
    t = report_elf.size_sections(path)
    return {"name": name, "file": path, **t}


def _unique_names(builds):
    seen = {}
    for b in builds:
        n = b.name
        if n in seen:
            seen[n] += 1
            b.name = f"{n}#{seen[n]}"
            b.doc["profile"] = b.name
        else:
            seen[n] = 1


def load(specs, budgets=None):
    """DIR or NAME=DIR -> [report.Build] (with symbol rows kept for deltas)."""
    builds = []
    for spec in specs:
        name, path = (spec.split("=", 1) if "=" in spec and not os.path.isdir(spec) else (None, spec))
        if not os.path.exists(path):
            raise ConfigError(f"{spec}: no such file or directory")
        if os.path.isfile(path):
            builds.append(report.load_objects([path], name or os.path.basename(path)))
        else:
            builds.append(report.load_build(path, name=name, budgets=budgets))
    _unique_names(builds)
    return builds


def compare_doc(builds, baseline=None, threshold=0, limit=0, references=(), metric="total",
                core_only=False):
    names = [b.name for b in builds]
    base = baseline or names[0]
    if base not in names:
        raise ConfigError(f"--baseline {base}: not one of the builds ({', '.join(names)})")
    base_build = builds[names.index(base)]
    doc = {"schema": SCHEMA, "baseline": base, "threshold": threshold, "metric": metric,
           "core_only": core_only,
           "profiles": names, "builds": [b.doc for b in builds],
           "references": list(references)}
    subs = []
    for b in builds:
        for s in b.doc["subsystems"]:
            if s["name"] not in subs:
                subs.append(s["name"])
    doc["subsystems"] = []
    for name in sorted(subs, key=order_key):
        cells = {}
        for b in builds:
            s = next((x for x in b.doc["subsystems"] if x["name"] == name), None)
            cells[b.name] = None if s is None else {k: s[k] for k in KINDS + ("variant",)}
        doc["subsystems"].append({"name": name, "sizes": cells})
    doc["features"] = _feature_matrix(builds)
    old = symbol_sizes(base_build, core_only)
    doc["deltas"] = [dict(profile=b.name, baseline=base,
                          **delta(old, symbol_sizes(b, core_only), threshold, limit))
                     for b in builds if b is not base_build]
    return doc


def _feature_matrix(builds):
    rows, index = [], {}
    for b in builds:
        for f in b.doc["feature_list"]:
            r = index.get(f["symbol"])
            if r is None:
                r = index[f["symbol"]] = {"symbol": f["symbol"], "prompt": f["prompt"],
                                          "menu": f["menu"], "values": {},
                                          "_at": f.get("index", -1)}
                rows.append(r)
            r["values"][b.name] = f["value"]
    for r in rows:
        r["values"] = {b.name: r["values"].get(b.name) for b in builds}
    # Kconfig order (all builds share one Kconfig), grouped by menu: a menu
    # sits where its first symbol does.
    rows.sort(key=lambda r: r["_at"])
    menu_at = {}
    for r in rows:
        menu_at.setdefault(r["menu"], len(menu_at))
    rows.sort(key=lambda r: (menu_at[r["menu"]], r["_at"]))
    for r in rows:
        del r["_at"]
    return rows


# ---- text and Markdown ----------------------------------------------------

def _pct(new, old):
    return f"{100.0 * (new - old) / old:+.1f}%" if old else "n/a"


def render_text(doc, fmt="text"):
    h = (lambda s: "## " + s) if fmt == "md" else (lambda s: s)
    gap = [""] if fmt == "md" else []
    out = [("# " if fmt == "md" else "") + "umk size and feature comparison "
           f"(baseline {doc['baseline']}, measured with binutils)", ""]
    base = next(b for b in doc["builds"] if b["profile"] == doc["baseline"])
    rows = []
    for b in doc["builds"]:
        t = b["total"]
        am = grand(b["amalgamation"]["total"]) if b.get("amalgamation") else "-"
        bud = b.get("budget") or {}
        bcell = {"ok": "ok", "over": "OVER", "skipped": "-"}.get(bud.get("status"), "-")
        rows.append([b["profile"], t["text"], t["data"], t["bss"], grand(t),
                     grand(b["without_selftests"]), am,
                     _pct(grand(t), grand(base["total"])), bcell,
                     "yes" if b["size_check"]["ok"] else "NO"])
    for r in doc["references"]:
        rows.append([f"{r['name']} (reference)", r["text"], r["data"], r["bss"], grand(r), "-", "-",
                     f"{grand(r) / max(grand(base['total']), 1):.1f}x", "-", "-"])
    out += [h("totals (libumk.a; amalgamation = umk.c as one object)")] + gap
    out.append(table(["profile", "text", "data", "bss", "total", "w/o selftests", "amalgamation",
                      f"vs {doc['baseline']}", "budget", "= size"], rows, fmt))
    out += ["", h(f"{doc['metric']} bytes per subsystem (variant in brackets)")] + gap
    rows = []
    for s in doc["subsystems"]:
        cells = []
        for p in doc["profiles"]:
            c = s["sizes"][p]
            cells.append("-" if c is None else
                         str(metric_of(c, doc["metric"])) + (f" ({c['variant']})" if c["variant"] else ""))
        rows.append([s["name"]] + cells)
    rows.append(["total"] + [metric_of(b["total"], doc["metric"]) for b in doc["builds"]])
    out.append(table(["subsystem"] + doc["profiles"], rows, fmt))
    out += ["", h("features (- = off)")] + gap
    out += _feature_lines(doc, fmt)
    for d in doc["deltas"]:
        what = ", selftests left out" if doc["core_only"] else ""
        out += ["", h(f"{d['profile']} against {d['baseline']} (bloat-o-meter{what})")] + gap
        out += _delta_lines(d, fmt)
    return "\n".join(out) + "\n"


def _feature_lines(doc, fmt):
    """The matrix as one table; menu names go on lines of their own (md: bold rows)."""
    rows, menus, menu = [], {}, None
    for f in doc["features"]:
        if f["menu"] != menu:
            menu = f["menu"]
            if fmt == "md":
                rows.append([f"**{menu or 'main menu'}**", ""] + [""] * len(doc["profiles"]))
            else:
                menus[len(rows)] = f"[{menu or 'main menu'}]"
        vals = [f["values"][p] or "-" for p in doc["profiles"]]
        rows.append([f["symbol"], (f["prompt"] or "(capability)")[:48]] + vals)
    if not rows:
        return ["(no features: bare objects)"]
    lines = table(["symbol", "prompt"] + doc["profiles"], rows, fmt,
                  range(2, 2 + len(doc["profiles"]))).split("\n")
    out = lines[:1]
    for i, line in enumerate(lines[1:]):
        if i in menus:
            out.append(menus[i])
        out.append(line)
    return ["\n".join(out)]


def _delta_lines(d, fmt):
    out = [summary_line(d)]
    if fmt == "md":
        out.append("")
    rows = [[r["name"], "-" if r["old"] is None else r["old"],
             "-" if r["new"] is None else r["new"], f"{r['delta']:+d}"] for r in d["rows"]]
    if rows:
        out.append(table(["function", "old", "new", "delta"], rows, fmt))
    notes = []
    if d["hidden_below_threshold"]:
        notes.append(f"{d['hidden_below_threshold']} rows under the threshold not shown")
    if d["hidden_by_limit"]:
        notes.append(f"{d['hidden_by_limit']} rows in the middle not shown (--limit 0 shows all)")
    if notes:
        out.append("(" + "; ".join(notes) + ")")
    out.append(f"Total: Before={d['before']}, After={d['after']}, chg {_pct(d['after'], d['before'])}")
    return out


def run(a):
    builds = load(a.dirs, a.budgets)
    refs = [parse_reference(r) for r in (a.reference or [])]
    limit = a.limit if a.limit is not None else (0 if a.format in ("json", "html") else 20)
    doc = compare_doc(builds, a.baseline, a.threshold, limit, refs, a.metric, a.core_only)
    if a.format == "json":
        text = json.dumps(doc, indent=1) + "\n"
    elif a.format == "html":
        from . import html
        text = html.render_compare(doc)
    else:
        text = render_text(doc, a.format)
    report.write_output(text, a.o)
    bad = [b["profile"] for b in doc["builds"] if not b["size_check"]["ok"]]
    if bad:
        print(f"configgen compare: error: sizes do not reconcile with `size` for {', '.join(bad)}",
              file=sys.stderr)
        return 1
    return 0


def add_parser(sub):
    c = sub.add_parser(
        "compare", help="several builds side by side: sizes, features, deltas against a baseline",
        description="Compare build directories: totals, sizes per subsystem, the feature matrix "
        "(profiles as columns) and bloat-o-meter style per-symbol deltas against --baseline. "
        "A DIR may be written NAME=DIR to name its column.")
    c.add_argument("dirs", nargs="+", metavar="DIR",
                   help="a built build directory (NAME=DIR names its column), or an object file "
                   "or archive to measure bare")
    c.add_argument("--baseline", metavar="NAME", default=None,
                   help="the build deltas are taken against (default: the first)")
    c.add_argument("--threshold", type=int, default=0, metavar="BYTES",
                   help="hide delta rows smaller than BYTES (the summary still counts them)")
    c.add_argument("--limit", type=int, default=None, metavar="N",
                   help="show at most N delta rows per build, largest growth and shrink "
                   "(default 20 for text/md, all for json/html; 0 = all)")
    c.add_argument("--core-only", action="store_true",
                   help="deltas over the core only, leaving out the selftests subsystem")
    c.add_argument("--metric", choices=METRICS, default="total",
                   help="what the per-subsystem table shows (default total = text+data+bss)")
    c.add_argument("--reference", action="append", metavar="NAME=ELF",
                   help="a foreign kernel as a reference row by its `size` totals, "
                   "e.g. linux.uml=/usr/bin/linux.uml (repeatable)")
    c.add_argument("--format", choices=("text", "md", "json", "html"), default="text",
                   help="aligned text (default), Markdown, JSON (schema umk-compare/1) or "
                   "self-contained HTML with SVG charts")
    c.add_argument("-o", metavar="FILE", default=None, help="write to FILE instead of stdout")
    c.add_argument("--budgets", metavar="FILE", default=None,
                   help="budget file (default: profiles/budgets.json)")
    c.set_defaults(fn=run)
    return c
