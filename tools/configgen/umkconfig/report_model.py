"""What a build costs: sizes attributed to subsystems, files and symbols.

Every byte `size` counts is in exactly one row. Sections are classified
as text, data or bss the way `size` does (report_elf.Section.kind); inside
a section the bytes covered by sized symbols go to those symbols, and the
rest (merged strings, jump tables, unwind tables, alignment gaps between
functions) to an unnamed row "[SECTION]" of the same file. Sums of rows
are therefore the totals, and the totals are checked against `size`.
"""
import fnmatch
import os
import re
from dataclasses import dataclass

from . import report_elf
from .errors import ConfigError

KINDS = ("text", "data", "bss")
_NUMBER = re.compile(r"\.[0-9]+")

# Source path -> subsystem, first match wins. A core file not listed gets
# "core/<name>", so code added later is shown, never lost.
SUBSYSTEMS = [
    ("arch/um/*", "arch/um"),
    ("core/task.c", "core/sched-interface"),
    ("core/cpu.c", "core/sched-interface"),
    ("core/sched*.c", "core/sched-interface"),
    ("core/page_alloc.c", "core/memory"),
    ("core/slab.c", "core/memory"),
    ("core/kmalloc.c", "core/memory"),
    ("core/shrinker.c", "core/memory"),
    ("core/arena*.c", "core/memory"),
    ("core/mm*.c", "core/memory"),
    ("core/time.c", "core/time"),
    ("core/timer*.c", "core/time"),
    ("core/clock*.c", "core/time"),
    ("core/wait*.c", "core/sync"),
    ("core/mutex.c", "core/sync"),
    ("core/semaphore.c", "core/sync"),
    ("core/completion.c", "core/sync"),
    ("core/spinlock*.c", "core/sync"),
    ("core/rw*.c", "core/sync"),
    ("core/irq.c", "core/irq"),
    ("core/softirq*.c", "core/irq"),
    ("core/io*.c", "core/io"),
    ("core/poll*.c", "core/io"),
    ("core/fd*.c", "core/io"),
    ("core/file*.c", "core/io"),
    ("core/pipe*.c", "core/io"),
    ("core/printk.c", "core/printk"),
    ("core/panic.c", "core/printk"),
    ("core/init*.c", "core/init"),
    ("core/ikconfig.c", "core/init"),
    ("core/string.c", "core/lib"),
    ("core/ktest.c", "core/ktest"),
    ("optional/vm/*", "optional/vm"),
    ("optional/sched/*", "optional/sched"),
    ("tests/kernel/*", "selftests"),
]

# The order subsystems are listed in: from the host up, tests last.
ORDER = ["arch/um", "core/init", "core/lib", "core/printk", "core/irq", "core/sched-interface",
         "core/sync", "core/time", "core/memory", "core/io", "core/ktest", "optional/sched",
         "optional/vm", "selftests"]


def order_key(subsystem):
    """Sort key: the ORDER above, then other subsystems by name, unmapped rows last."""
    if subsystem in ORDER:
        return (0, ORDER.index(subsystem), subsystem)
    return (2 if subsystem.startswith("(") else 1, 0, subsystem)


# Files that are the small replacement of an optional subsystem.
STUBS = {"optional/sched/stub.c": "stub", "optional/vm/nommu.c": "nommu"}

UNMAPPED = "(archive members without a source)"
AMALG_UNMAPPED = "(amalgamation: unmatched)"


def subsystem_of(path):
    for pattern, name in SUBSYSTEMS:
        if fnmatch.fnmatchcase(path, pattern):
            return name
    parts = path.split("/")
    if len(parts) >= 2 and parts[0] in ("core", "optional"):
        stem = parts[1].split(".")[0] if parts[0] == "core" else parts[1]
        return f"{parts[0]}/{stem}"
    return parts[0] if len(parts) > 1 else path


def variant_of(path):
    """stub / nommu / full for optional subsystems; '' elsewhere."""
    if path in STUBS:
        return STUBS[path]
    return "full" if path.startswith("optional/") else ""


@dataclass
class Row:
    subsystem: str
    file: str
    symbol: str
    kind: str       # text, data, bss
    size: int
    named: bool     # False: bytes of a section not covered by any symbol
    section: str = ""

    def key(self):
        """The name deltas match rows by across builds (bloat-o-meter: the symbol).

        As bloat-o-meter does, '.NUMBER' suffixes are dropped: GCC numbers
        function-local statics and clones (slots.5, foo.constprop.0) in an
        order that shifts with unrelated edits.
        """
        return _NUMBER.sub("", self.symbol) if self.named else f"{self.file}:{self.symbol}"


def _section_rows(sec, symbols, subsystem, file):
    """Rows of one counted section: its symbols, then what no symbol covers."""
    syms = sorted(symbols, key=lambda s: (s.value, -s.size, s.name))
    rows = []
    covered_to = 0
    attributed = 0
    for s in syms:
        start = max(s.value, covered_to)
        end = min(s.value + s.size, sec.size)
        if end <= start:
            continue  # an alias of bytes already counted
        rows.append(Row(subsystem, file, s.name, sec.kind, end - start, True, sec.name))
        attributed += end - start
        covered_to = end
    rest = sec.size - attributed
    if rest:
        label = f"[{sec.name}]" if not rows else f"[rest of {sec.name}]"
        rows.append(Row(subsystem, file, label, sec.kind, rest, False, sec.name))
    return rows


def object_rows(obj, file, subsystem):
    in_section = {}
    for s in obj.symbols:
        # .L* are assembler temporaries (clang sizes its string literals
        # .L.str.N): unstable names, so their bytes stay with the section.
        if s.size > 0 and s.type not in ("SECTION", "FILE") and not s.name.startswith(".L"):
            in_section.setdefault(s.ndx, []).append(s)
    rows = []
    for idx in sorted(obj.sections):
        sec = obj.sections[idx]
        if sec.kind and sec.size:
            rows += _section_rows(sec, in_section.get(str(idx), []), subsystem, file)
    return rows


def sum_rows(rows):
    t = dict.fromkeys(KINDS, 0)
    for r in rows:
        t[r.kind] += r.size
    return t


def add(a, b):
    return {k: a[k] + b[k] for k in KINDS}


def grand(t):
    return t["text"] + t["data"] + t["bss"]


class Measurement:
    """The rows of one measured set of objects, with the `size` cross-check."""

    def __init__(self, label, rows, totals, size_totals, files, variants=None):
        self.label = label
        self.rows = rows
        self.totals = totals            # from the section tables
        self.size_totals = size_totals  # from `size` of the same objects
        self.files = files              # [(file, subsystem)] in build order
        self.variants = variants or {}
        self.warnings = []

    @property
    def reconciled(self):
        return sum_rows(self.rows) == self.totals == self.size_totals

    def by(self, what):
        """Rows grouped by subsystem, file or symbol: [{name, variant, subsystem, file,
        size{text,data,bss}, unnamed, count, named}] (subsystems in ORDER, else build order)."""
        groups = {}
        order = []
        for r in self.rows:
            if what == "subsystem":
                key = r.subsystem
            elif what == "file":
                key = r.file
            else:
                key = (r.file, r.symbol)
            g = groups.get(key)
            if g is None:
                g = groups[key] = {"rows": [], "subsystem": r.subsystem, "file": r.file}
                order.append(key)
            g["rows"].append(r)
        if what == "subsystem":
            order.sort(key=order_key)
        out = []
        for key in order:
            g = groups[key]
            rows = g["rows"]
            sizes = sum_rows(rows)
            unnamed = sum(r.size for r in rows if not r.named)
            if what == "subsystem":
                name, count = key, len({r.file for r in rows})
                variant = self.variants.get(key, "")
            elif what == "file":
                name, count, variant = key, len(rows), variant_of(key)
            else:
                name, count, variant = key[1], 1, ""
            out.append({"name": name, "variant": variant, "subsystem": g["subsystem"],
                        "file": g["file"], "size": sizes, "unnamed": unnamed,
                        "count": count, "named": all(r.named for r in rows)})
        return out

    def unnamed_by_kind(self):
        """Bytes outside named symbols, by what they are (strings, unwind, ...)."""
        out = {}
        for r in self.rows:
            if r.named:
                continue
            k = _unnamed_kind(r.section, r.symbol)
            out[k] = out.get(k, 0) + r.size
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _unnamed_kind(section, label):
    if label.startswith("[rest of"):
        return "bytes between symbols (alignment, jump tables)"
    if section.startswith(".eh_frame"):
        return "unwind tables (.eh_frame)"
    if ".str" in section:
        return "merged string literals (.rodata.str*)"
    if ".cst" in section:
        return "merged constants (.rodata.cst*)"
    if section.startswith(".rodata"):
        return "unnamed read-only data (jump tables, literals)"
    if section.startswith(".note"):
        return "notes"
    return "unnamed " + section.split(".")[1] if section.count(".") else section


def _subsystem_variants(files):
    by_sub = {}
    for f, sub in files:
        v = variant_of(f)
        if v:
            by_sub.setdefault(sub, [])
            if v not in by_sub[sub]:
                by_sub[sub].append(v)
    return {k: "+".join(v) for k, v in by_sub.items()}


def measure_archive(archive, sources):
    """Measure ARCHIVE whose members were compiled from SOURCES (in order).

    Archive members carry only base names (core/irq.c and arch/um/irq.c are
    both irq.c.o), so a member takes the first unused source of its name,
    in order: CMake archives objects in source order.
    """
    objects = report_elf.read_objects(archive)
    unused = list(sources)
    rows, files, totals = [], [], dict.fromkeys(KINDS, 0)
    for obj in objects:
        src = next((s for s in unused if os.path.basename(s) + ".o" == obj.name
                    or os.path.basename(s) + ".obj" == obj.name), None)
        if src is not None:
            unused.remove(src)
            file, sub = src, subsystem_of(src)
        else:
            file, sub = f"{os.path.basename(archive)}({obj.name})", UNMAPPED
        files.append((file, sub))
        rows += object_rows(obj, file, sub)
        totals = add(totals, obj.totals())
    _, size_totals = report_elf.size_berkeley(archive)
    m = Measurement(os.path.basename(archive), rows, totals, size_totals, files,
                    _subsystem_variants(files))
    if unused:
        m.warnings.append(f"{len(unused)} selected source(s) not in {os.path.basename(archive)} "
                          f"(stale build? rebuild it): {', '.join(unused[:8])}"
                          + (" ..." if len(unused) > 8 else ""))
    return m


def measure_objects(paths, label="objects", names=None):
    """Measure plain object files (or archives) given by path: synthetic tests, --object."""
    rows, files, totals = [], [], dict.fromkeys(KINDS, 0)
    size_totals = dict.fromkeys(KINDS, 0)
    for i, path in enumerate(paths):
        for obj in report_elf.read_objects(path):
            file = names[i] if names else os.path.basename(obj.name)
            sub = subsystem_of(file)
            files.append((file, sub))
            rows += object_rows(obj, file, sub)
            totals = add(totals, obj.totals())
        size_totals = add(size_totals, report_elf.size_berkeley(path)[1])
    return Measurement(label, rows, totals, size_totals, files, _subsystem_variants(files))


def _base_name(sym):
    """foo.constprop.0, foo.isra.0, foo.part.1, foo.cold -> foo."""
    return sym.split(".", 1)[0] if not sym.startswith(".") else sym


_PER_SYMBOL_SECTION = re.compile(r"^\.(?:text|rodata|data|bss)\.(.+?)(?:\.str\d+\.\d+|\.cst\d+)?$")


def _section_owner_name(section):
    """'.rodata.FN.str1.1' / '.rodata.FN' (a function's strings, jump tables) -> 'FN'."""
    m = _PER_SYMBOL_SECTION.match(section)
    if not m or re.match(r"^(str|cst)[0-9]+", m.group(1)):
        return None  # .rodata.str1.1, .rodata.cst16: shared by the whole object
    return _base_name(m.group(1))


def _owner(candidates, row):
    """The libumk.a row a symbol of the amalgamation came from, if that is clear.

    One defining file is clear; several (function-local statics such as
    `slots` in two test files) are told apart by size when only one matches.
    """
    files = {c.file for c in candidates}
    if len(files) == 1:
        return candidates[0]
    same_size = {c.file: c for c in candidates if c.size == row.size}
    return next(iter(same_size.values())) if len(same_size) == 1 else None


def measure_amalgamation(obj_path, core):
    """Measure the amalgamation object, mapping its symbols to the files of CORE.

    The amalgamation is one translation unit, so its symbols are matched by
    name to the libumk.a row that defines them (static names are unique in
    the tree by rule); what matches nothing is its own row.
    """
    owners = {}
    for r in core.rows:
        if r.named:
            owners.setdefault(_base_name(r.symbol), []).append(r)
    rows, totals = [], dict.fromkeys(KINDS, 0)
    for obj in report_elf.read_objects(obj_path):
        for r in object_rows(obj, "amalgamation/umk.c", AMALG_UNMAPPED):
            name = _base_name(r.symbol) if r.named else _section_owner_name(r.section)
            hit = _owner(owners.get(name, []), r) if name else None
            if hit:
                r.file, r.subsystem = hit.file, hit.subsystem
            rows.append(r)
        totals = add(totals, obj.totals())
    _, size_totals = report_elf.size_berkeley(obj_path)
    files = []
    for r in rows:
        if (r.file, r.subsystem) not in files:
            files.append((r.file, r.subsystem))
    return Measurement(os.path.basename(obj_path), rows, totals, size_totals, files,
                       core.variants)


# ---- build directories ----------------------------------------------------

def read_cmake_list(path, var):
    """The entries of `set(VAR ...)` in a generated sources.cmake."""
    out, inside = [], False
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if s == f"set({var}":
                inside = True
            elif inside and s == ")":
                inside = False
            elif inside and s:
                out.append(s)
    return out


def read_cmake_cache(build):
    """{NAME: value} from BUILD/CMakeCache.txt (empty if it is not a CMake build)."""
    out = {}
    try:
        with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
            for line in f:
                if line[:1] in "#/\n" or "=" not in line or ":" not in line.split("=", 1)[0]:
                    continue
                key, value = line.rstrip("\n").split("=", 1)
                out[key.split(":", 1)[0]] = value
    except OSError:
        pass
    return out


def build_sources(build):
    path = os.path.join(build, "sources.cmake")
    if not os.path.exists(path):
        raise ConfigError(f"{path}: no such file (configure the build directory first)")
    return read_cmake_list(path, "UMK_OBJ_SOURCES") + read_cmake_list(path, "UMK_HOST_SOURCES")


def find_amalgamation_object(build):
    """(object, None) for the amalgamation compiled with the profile's flags,
    or (None, why not) when it was not built or is older than the build's
    configuration (then it is not the same core as libumk.a)."""
    candidates = [os.path.join(build, "CMakeFiles", d, "amalgamation", "umk.c.o")
                  for d in ("umk_report_amalg.dir", "umk-amalg.dir")]
    found = [c for c in candidates if os.path.exists(c)]
    if not found:
        return None, None
    obj = max(found, key=os.path.getmtime)
    umk_c = os.path.join(build, "amalgamation", "umk.c")
    inputs = [umk_c, os.path.join(build, ".config"), os.path.join(build, "sources.cmake")]
    newest = max((os.path.getmtime(p) for p in inputs if os.path.exists(p)), default=0)
    if os.path.getmtime(obj) < newest:
        return None, ("the amalgamation object is older than the configuration: not measured "
                      "(cmake --build BUILD --target report refreshes it)")
    return obj, None
