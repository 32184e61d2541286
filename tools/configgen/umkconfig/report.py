"""configgen report: what one build's tailored core costs and what it has.

The report is first built as a JSON-able document (schema umk-report/1,
docs/reports.md); the text, Markdown, JSON and HTML outputs all render
that one document, so they cannot disagree.
"""
import json
import os
import sys

from . import paths, report_budget, report_features, report_model
from .errors import ConfigError
from .report_model import KINDS, grand

SCHEMA = "umk-report/1"
READER = "binutils: readelf -S -s -W (sections, symbols), size -t (totals)"


class Build:
    """One measured build directory (or set of objects) and its report document."""

    def __init__(self, name, doc, core, amalg=None):
        self.name = name
        self.doc = doc
        self.core = core      # report_model.Measurement of libumk.a
        self.amalg = amalg    # Measurement of the amalgamation object, or None


def _sizes(t):
    return {k: t[k] for k in KINDS}


def _measurement_doc(m):
    return {
        "total": _sizes(m.totals),
        "size_check": dict(_sizes(m.size_totals), ok=m.reconciled),
        "subsystems": [dict(name=g["name"], variant=g["variant"], files=g["count"],
                            unnamed=g["unnamed"], **_sizes(g["size"]))
                       for g in m.by("subsystem")],
    }


def build_name(build, cache):
    if cache.get("UMK_PROFILE") and not cache.get("UMK_CONFIG"):
        return cache["UMK_PROFILE"]
    return os.path.basename(os.path.normpath(build))


def profile_of(cache):
    return cache.get("UMK_PROFILE") if cache.get("UMK_PROFILE") and not cache.get("UMK_CONFIG") else None


def load_build(build, name=None, budgets=None, profile=None, with_symbols=False):
    """Measure BUILD (a configured and built directory) into a Build."""
    build = os.path.abspath(build)
    archive = os.path.join(build, "libumk.a")
    if not os.path.exists(archive):
        raise ConfigError(f"{paths.display(archive)}: no such file (build it first: "
                          f"cmake --build {paths.display(build)})")
    cache = report_model.read_cmake_cache(build)
    sources = report_model.build_sources(build)
    core = report_model.measure_archive(archive, sources)
    amalg_obj, stale = report_model.find_amalgamation_object(build)
    if stale:
        core.warnings.append(stale)
    amalg = report_model.measure_amalgamation(amalg_obj, core) if amalg_obj else None
    features = report_features.load(build)
    arch = _arch(build)
    profile = profile or profile_of(cache)
    doc = _doc(name or build_name(build, cache), profile, build, core, amalg, features,
               with_symbols)
    doc["arch"] = arch
    doc["build_type"] = cache.get("CMAKE_BUILD_TYPE", "")
    doc["budget"] = report_budget.check(budgets or report_budget.default_path(),
                                        profile, cache, arch, core.totals,
                                        doc["without_selftests"])
    return Build(doc["profile"], doc, core, amalg)


def load_objects(paths_, name="objects", with_symbols=False):
    """Measure bare object files or archives (no build directory, no features)."""
    core = report_model.measure_objects(paths_, name)
    doc = _doc(name, None, None, core, None, [], with_symbols)
    doc["measured"] = " ".join(os.path.basename(p) for p in paths_)
    return Build(name, doc, core)


def _arch(build):
    try:
        with open(os.path.join(build, "sources.cmake"), encoding="utf-8") as f:
            for line in f:
                if line.startswith("set(UMK_SRCARCH"):
                    return line.split('"')[1]
    except (OSError, IndexError):
        pass
    return ""


def _doc(name, profile, build, core, amalg, features, with_symbols):
    doc = {"schema": SCHEMA, "profile": name, "config_profile": profile,
           "build_dir": build, "measured": core.label, "reader": READER}
    doc.update(_measurement_doc(core))
    tests = [s for s in doc["subsystems"] if s["name"] == "selftests"]
    doc["without_selftests"] = {k: doc["total"][k] - sum(s[k] for s in tests) for k in KINDS}
    doc["unnamed"] = {"total": sum(core.unnamed_by_kind().values()),
                      "by_kind": core.unnamed_by_kind()}
    doc["files"] = [dict(name=g["name"], subsystem=g["subsystem"], unnamed=g["unnamed"],
                         **_sizes(g["size"])) for g in core.by("file")]
    if with_symbols:
        doc["symbols"] = [dict(name=g["name"], file=g["file"], subsystem=g["subsystem"],
                               named=g["named"], **_sizes(g["size"]))
                          for g in core.by("symbol")]
    if amalg:
        a = _measurement_doc(amalg)
        a["object"] = amalg.label
        doc["amalgamation"] = a
    else:
        doc["amalgamation"] = None
    doc["features"] = {f.symbol: f.value for f in features}
    doc["feature_list"] = [{"symbol": f.symbol, "value": f.value, "type": f.type,
                            "prompt": f.prompt, "menu": f.menu, "index": f.index}
                           for f in features]
    doc["budget"] = None
    doc["warnings"] = list(core.warnings)
    return doc


# ---- tables ---------------------------------------------------------------

def table(headers, rows, fmt, right=None):
    """An aligned text table or a Markdown one. right: column indexes aligned right."""
    right = set(range(1, len(headers))) if right is None else set(right)
    cells = [[str(c) for c in headers]] + [[str(c) for c in r] for r in rows]
    if fmt == "md":
        esc = [[c.replace("|", "\\|") for c in r] for r in cells]
        sep = ["---:" if i in right else "---" for i in range(len(headers))]
        return "\n".join("| " + " | ".join(r) + " |" for r in [esc[0], sep] + esc[1:])
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for r in cells:
        lines.append("  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i])
                               for i, c in enumerate(r)).rstrip())
    return "\n".join(lines)


def label(name, variant):
    return f"{name} ({variant})" if variant else name


def size_cells(t):
    return [t["text"], t["data"], t["bss"], grand(t)]


def _heading(text, fmt, level=2):
    return ("#" * level + " " + text) if fmt == "md" else text


def _by_rows(b, by):
    if by == "subsystem":
        rows = [[label(s["name"], s["variant"])] + size_cells(s) + [s["unnamed"], s["files"]]
                for s in b.doc["subsystems"]]
        a = b.doc.get("amalgamation")
        if not a:
            return ["subsystem", "text", "data", "bss", "total", "unnamed", "files"], rows
        amalg = {s["name"]: grand(s) for s in a["subsystems"]}
        for r, s in zip(rows, b.doc["subsystems"]):
            r.append(amalg.pop(s["name"], 0))
        rows += [[name, "", "", "", "", "", "", v] for name, v in amalg.items()]
        return ["subsystem", "text", "data", "bss", "total", "unnamed", "files", "amalg"], rows
    if by == "file":
        return (["file", "subsystem", "text", "data", "bss", "total", "unnamed"],
                [[f["name"], f["subsystem"]] + size_cells(f) + [f["unnamed"]]
                 for f in b.doc["files"]])
    syms = sorted(b.doc["symbols"], key=lambda s: (-grand(s), s["file"], s["name"]))
    return (["symbol", "file", "text", "data", "bss", "total"],
            [[s["name"], s["file"]] + size_cells(s) for s in syms])


def render_text(b, by, fmt="text"):
    d = b.doc
    out = []
    where = f" in {paths.display(d['build_dir'])}" if d.get("build_dir") else ""
    out.append(_heading(f"umk size report: {d['profile']} ({d['measured']}{where})", fmt, 1))
    headers, rows = _by_rows(b, by)
    lead = [""] * (1 if by == "subsystem" else 2)
    tail = [""] * (len(headers) - len(lead) - 4)
    if "unnamed" in headers:
        tail[headers.index("unnamed") - len(lead) - 4] = d["unnamed"]["total"]
    if "amalg" in headers:
        tail[-1] = grand(d["amalgamation"]["total"])
    rows.append(["total"] + lead[1:] + size_cells(d["total"]) + tail)
    sc = d["size_check"]
    blank = [""] * len(tail)
    rows.append([f"size -t {d['measured']}"] + lead[1:] + size_cells(sc) + blank)
    if d.get("amalgamation"):
        a = d["amalgamation"]
        rows.append([f"amalgamation {a['object']}"] + lead[1:] + size_cells(a["total"]) + blank)
    if fmt == "md":
        out.append("")
    out.append(table(headers, rows, fmt, range(len(lead), len(headers))))
    out.append("")
    verdict = ("reconciled to the byte with `size`" if sc["ok"] else
               "NOT RECONCILED with `size`: the rows or the section table disagree")
    out.append(f"rows sum to the total: {verdict}.")
    un = d["unnamed"]
    if un["total"]:
        parts = "; ".join(f"{k} {v}" for k, v in un["by_kind"].items())
        out.append(f"not in a named symbol ({un['total']} bytes, rows in --by symbol): {parts}.")
    wt = d["without_selftests"]
    if wt != d["total"]:
        out.append(f"without the in-kernel self tests (selftests row): text {wt['text']}, "
                   f"data {wt['data']}, bss {wt['bss']}, total {grand(wt)}.")
    if d.get("amalgamation"):
        a = d["amalgamation"]
        core, am = grand(d["total"]), grand(a["total"])
        if core:
            out.append(f"amalgamation (one translation unit, same flags): {am} bytes, "
                       f"{100.0 * (am - core) / core:+.1f}% against libumk.a.")
    out += _budget_lines(d.get("budget"))
    out += [f"warning: {w}" for w in d.get("warnings", [])]
    out.append("")
    out += render_features(d, fmt)
    return "\n".join(out) + "\n"


def _budget_lines(bud):
    if not bud:
        return []
    if bud["status"] == "skipped":
        return [f"budget: not checked ({bud['reason']}).".replace("no budget file)",
                                                                  f"no budget file {bud['file']})")]
    parts = []
    for k, limit in bud["limits"].items():
        over, used = bud["over"].get(k), bud["used"][k]
        parts.append(f"{k} {used} of {limit} ({100.0 * used / max(limit, 1):.0f}%)"
                     + (f" OVER by {over}" if over else ""))
    head = "OVER BUDGET" if bud["status"] == "over" else "within budget"
    return [f"budget ({bud['file']}): {head}: " + ", ".join(parts) + "."]


def render_features(d, fmt):
    feats = [report_features.Feature(**f) for f in d["feature_list"]]
    out = [_heading(f"features ({len(feats)} enabled)", fmt)]
    if not feats:
        return out + ["(none: not a configured build)"]
    for menu, items in report_features.grouped(feats):
        rows = [[f"{f.symbol}={f.value}", f.prompt or "(no prompt: selected capability)"]
                for f in items]
        if fmt == "md":
            out += ["", f"**{menu or 'main menu'}**", "", table(["symbol", "prompt"], rows, fmt, [])]
        else:
            out.append(f"  {menu or 'main menu'}")
            out += ["    " + line for line in table(["", ""], rows, fmt, []).splitlines()[1:]]
    return out


def write_output(text, out):
    if out in (None, "-"):
        sys.stdout.write(text)
        return
    if os.path.exists(out) and not os.path.isfile(out):
        # /dev/null, a fifo...: write into it; renaming over it would
        # replace the device node with a regular file.
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
        return
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, out)


def run(a):
    if a.schema:
        from . import report_schema
        write_output(json.dumps(report_schema.SCHEMA, indent=1) + "\n", a.o)
        return 0
    with_symbols = a.by == "symbol"
    if a.object:
        b = load_objects(a.object, with_symbols=with_symbols)
    else:
        b = load_build(a.O, budgets=a.budgets, profile=a.profile, with_symbols=with_symbols)
    if a.format == "json":
        text = json.dumps(b.doc, indent=1) + "\n"
    elif a.format == "html":
        from . import compare, html
        text = html.render_compare(compare.compare_doc([b]))
    else:
        text = render_text(b, a.by, a.format)
    write_output(text, a.o)
    for what, m in (("libumk.a", b.doc), ("the amalgamation", b.doc.get("amalgamation"))):
        if m and not m["size_check"]["ok"]:
            print(f"configgen report: error: rows of {what} do not reconcile with `size` "
                  f"(sections {m['total']}, size {m['size_check']})", file=sys.stderr)
            return 1
    if a.check_budget:
        bud = b.doc["budget"] or {"status": "skipped", "reason": "no build directory"}
        if bud["status"] == "over":
            print(f"configgen report: error: {b.name} is over its budget: "
                  + ", ".join(f"{k} by {v} bytes" for k, v in bud["over"].items()), file=sys.stderr)
            return 1
        if bud["status"] == "skipped":
            print(f"configgen report: budget not checked: {bud['reason']}", file=sys.stderr)
            return 77
    return 0


def add_parser(sub):
    r = sub.add_parser(
        "report", help="size (text/data/bss per subsystem, file, symbol) and features of one build",
        description="Measure BUILD_DIR/libumk.a (and the amalgamation object when it was built) "
        "with binutils, attribute every byte to a subsystem, file and symbol, and list the enabled "
        "features by menu. Totals are checked against `size`; bytes outside named symbols are "
        "rows of their own. Exit 1 when the totals do not reconcile.")
    r.add_argument("-O", default="build", metavar="BUILD_DIR", help="build directory (default: build)")
    r.add_argument("--by", choices=("subsystem", "file", "symbol"), default="subsystem",
                   help="rows per subsystem (default), source file or symbol")
    r.add_argument("--format", choices=("text", "md", "json", "html"), default="text",
                   help="aligned text (default), Markdown, JSON (schema umk-report/1) or self-contained HTML")
    r.add_argument("-o", metavar="FILE", default=None, help="write to FILE instead of stdout")
    r.add_argument("--object", action="append", metavar="FILE",
                   help="measure these objects/archives instead of a build directory (repeatable)")
    r.add_argument("--budgets", metavar="FILE", default=None,
                   help="budget file (default: profiles/budgets.json)")
    r.add_argument("--profile", metavar="NAME", default=None,
                   help="whose budget applies (default: UMK_PROFILE of the build)")
    r.add_argument("--check-budget", action="store_true",
                   help="exit 1 when over budget, 77 when no budget applies (ctest skip)")
    r.add_argument("--schema", action="store_true", help="print the JSON schema of --format json and exit")
    r.set_defaults(fn=run)
    return r
