"""Reading object files and archives through binutils (readelf, size).

The choice (docs/reports.md): binutils is in the build dependency group,
so it is there wherever umk builds; `size` is the reference every total is
checked against, and `readelf -S -s -W` gives what attribution needs: each
section's type, flags and size, and each symbol's section, offset and size.
No ELF is parsed by hand here, only readelf's wide text output.
"""
import re
import subprocess
from dataclasses import dataclass, field

from .errors import ConfigError

_FILE = re.compile(r"^File: (.*)$")
_SECTION = re.compile(
    r"^\s*\[\s*(\d+)\]\s+(\S*)\s+(\S+)\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+"
    r"([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+([A-Za-z]*)\s*(\d+)\s+(\d+)\s+(\d+)\s*$")
_SYMBOL = re.compile(
    r"^\s*\d+:\s+([0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+|\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+"
    r"(?:\[[^\]]*\]\s+)?(\S+)\s*(.*)$")


@dataclass
class Section:
    index: int
    name: str
    type: str     # PROGBITS, NOBITS, ...
    flags: str    # readelf letters: A alloc, W write, X exec, ...
    size: int
    align: int

    @property
    def kind(self):
        """text, data or bss the way `size` (Berkeley format) counts it; None if not counted.

        binutils size.c: not SEC_ALLOC -> skipped; SEC_CODE or SEC_READONLY ->
        text; SEC_HAS_CONTENTS -> data; else bss.
        """
        if "A" not in self.flags:
            return None
        if "X" in self.flags or "W" not in self.flags:
            return "text"
        if self.type != "NOBITS":
            return "data"
        return "bss"


@dataclass
class Symbol:
    name: str
    value: int
    size: int
    type: str     # FUNC, OBJECT, NOTYPE, SECTION, FILE, TLS, ...
    bind: str     # LOCAL, GLOBAL, WEAK
    ndx: str      # section index as text, or UND/ABS/COM


@dataclass
class ObjectFile:
    name: str                 # member name for archives, else the path
    sections: dict = field(default_factory=dict)  # index -> Section
    symbols: list = field(default_factory=list)

    def totals(self):
        t = {"text": 0, "data": 0, "bss": 0}
        for s in self.sections.values():
            if s.kind:
                t[s.kind] += s.size
        return t


def _run(tool, args):
    try:
        p = subprocess.run([tool] + args, capture_output=True, text=True,
                           errors="replace")
    except FileNotFoundError:
        raise ConfigError(f"{tool} not found: install it with 'apt-get install binutils'") from None
    if p.returncode != 0:
        raise ConfigError(f"{tool} {' '.join(args)} failed: {p.stderr.strip()}")
    return p.stdout


def _member_name(header, path):
    """'libumk.a(task.c.o)' -> 'task.c.o'; a plain object keeps its path."""
    if header.startswith(path + "(") and header.endswith(")"):
        return header[len(path) + 1:-1]
    return header


def read_objects(path):
    """All objects in PATH (an archive or one object), in archive order."""
    out = _run("readelf", ["-S", "-s", "-W", path])
    objects = []
    cur = None
    for line in out.splitlines():
        m = _FILE.match(line)
        if m:
            cur = ObjectFile(_member_name(m.group(1), path))
            objects.append(cur)
            continue
        if cur is None:
            cur = ObjectFile(path)
            objects.append(cur)
        m = _SECTION.match(line)
        if m:
            idx, name, typ, _addr, _off, size, _es, flags, _lk, _inf, al = m.groups()
            cur.sections[int(idx)] = Section(int(idx), name, typ, flags,
                                             int(size, 16), int(al))
            continue
        m = _SYMBOL.match(line)
        if m:
            value, size, typ, bind, _vis, ndx, name = m.groups()
            size = int(size, 16) if size.startswith("0x") else int(size)
            cur.symbols.append(Symbol(name.strip(), int(value, 16), size, typ, bind, ndx))
    return objects


def size_berkeley(path):
    """`size -t PATH`: ([(text, data, bss, filename)], (text, data, bss) totals)."""
    rows = []
    for line in _run("size", ["-t", "--format=berkeley", path]).splitlines()[1:]:
        parts = line.split(None, 5)
        if len(parts) < 6 or not parts[0].isdigit():
            continue
        rows.append((int(parts[0]), int(parts[1]), int(parts[2]), parts[5].strip()))
    if len(rows) > 1 and rows[-1][3] == "(TOTALS)":
        total = rows.pop()
    else:
        total = (sum(r[0] for r in rows), sum(r[1] for r in rows),
                 sum(r[2] for r in rows), "(TOTALS)")
    return rows, {"text": total[0], "data": total[1], "bss": total[2]}


def size_sections(path):
    """Section totals of a linked ELF (a reference kernel): `size` Berkeley format."""
    _rows, total = size_berkeley(path)
    return total
