"""What the user asked for: profile, fragments and --set overrides, merged.

Each assignment becomes a Request that remembers where it came from
(file:line, or --set), so that a value that does not take can be traced
back to the line that asked for it. Later requests win; the merged text
lists assignments in the order they were made, so that kconfig's own
"last y wins" rule for choices agrees with ours.
"""
import re

from . import dotconfig, paths
from .errors import ConfigError

_NAME = re.compile(r"^[A-Za-z0-9_]+$")


class Request:
    def __init__(self, sym, value, where, kind="input"):
        self.sym, self.value, self.where, self.kind = sym, value, where, kind
        self.seq = 0

    def __repr__(self):
        return f"Request({self.sym}={self.value} at {self.where})"


class Requests:
    """An ordered set of Requests, one per symbol, latest wins."""

    def __init__(self):
        self.by_sym = {}
        self.counter = 0

    def add(self, req):
        self.counter += 1
        req.seq = self.counter
        self.by_sym[req.sym] = req

    def extend(self, reqs):
        for r in reqs:
            self.add(r)

    def ordered(self):
        return sorted(self.by_sym.values(), key=lambda r: r.seq)

    def text(self, types=None):
        return dotconfig.format([(r.sym, r.value) for r in self.ordered()], types)

    def copy(self):
        c = Requests()
        c.by_sym = dict(self.by_sym)
        c.counter = self.counter
        return c


def from_file(path):
    shown = paths.display(path)
    return [Request(s, v, w) for s, v, w in dotconfig.parse(dotconfig.read_text(path, shown), shown)]


def from_sets(items):
    """--set SYM=VAL (CONFIG_ prefix optional; "quoted" strings allowed)."""
    out, errors = [], []
    for item in items or []:
        sym, eq, val = item.partition("=")
        if sym.startswith("CONFIG_"):
            sym = sym[len("CONFIG_"):]
        if not eq or not _NAME.match(sym):
            errors.append(f"--set: expected SYM=VALUE, got {item!r}")
            continue
        try:
            out.append(Request(sym, dotconfig.unquote(val, f"--set {sym}"), "--set", "set"))
        except ConfigError as e:
            errors += e.messages
    if errors:
        raise ConfigError(errors)
    return out


def gather(files, sets):
    """Merge files (in order) then --set items; every parse error is reported."""
    reqs, errors = Requests(), []
    for path in files:
        try:
            reqs.extend(from_file(path))
        except ConfigError as e:
            errors += e.messages
    try:
        set_reqs = from_sets(sets)
    except ConfigError as e:
        errors += e.messages
        set_reqs = []
    if errors:
        raise ConfigError(errors)
    return reqs, set_reqs
