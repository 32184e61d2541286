"""Fold a set of C files and the headers they include into one text.

The way SQLite builds sqlite3.c: each tree header is inlined once, where
it is first included, and later #include lines of it become comments. A
header first included inside #if/#ifdef is inlined there but not marked
done (the branch may be off), so a later include inlines it again; include
guards make the repeat harmless. Conditions the configuration decides
(#ifdef CONFIG_X, #if UMK_IS_ENABLED(CONFIG_X), ...) and include guards are
evaluated, so a header behind a branch that is off is left out and one
behind a branch that is on counts as included. Headers that are not in the
tree (host or compiler headers) stay as #include lines. #line directives
make compiler messages name the original file and line.
"""
import os
import re

from .errors import ConfigError

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
DIRECTIVE = re.compile(r"^\s*#\s*(ifdef|ifndef|if|elif|else|endif|define)\b\s*(.*?)\s*(/[*/].*)?$")
_DEFINED = re.compile(r"^(!?)\s*defined\s*\(?\s*(CONFIG_[A-Za-z0-9_]+)\s*\)?$")
_ENABLED = re.compile(r"^(!?)\s*(?:UMK_)?IS_ENABLED\s*\(\s*(CONFIG_[A-Za-z0-9_]+)\s*\)$")


class Conditions:
    """The #if nesting of one file: each level True, False or None (unknown)."""

    def __init__(self, config, lines):
        self.config = config
        self.lines = lines
        self.stack = []

    def _defined(self, macro):
        v = self.config.get(macro[len("CONFIG_"):])
        return v is not None and v != "n"

    def _evaluate(self, kind, arg, n):
        if kind in ("ifdef", "ifndef"):
            if arg.startswith("CONFIG_"):
                return self._defined(arg) == (kind == "ifdef")
            if kind == "ifndef" and self._is_guard(arg, n):
                return True
            return None
        m = _DEFINED.match(arg) or _ENABLED.match(arg)
        if m:
            on = self._defined(m.group(2)) if m.re is _DEFINED else \
                self.config.get(m.group(2)[len("CONFIG_"):]) == "y"
            return on != (m.group(1) == "!")
        return None

    def _is_guard(self, name, n):
        """#ifndef NAME directly followed by #define NAME: an include guard."""
        for line in self.lines[n:n + 3]:
            if line.strip():
                m = DIRECTIVE.match(line)
                return bool(m and m.group(1) == "define" and m.group(2).split()[:1] == [name])
        return False

    def feed(self, line, n):
        """Track line n (1-based) if it is a conditional directive."""
        m = DIRECTIVE.match(line)
        if not m:
            return
        kind, arg = m.group(1), m.group(2)
        if kind in ("if", "ifdef", "ifndef"):
            self.stack.append(self._evaluate(kind, arg, n))
        elif kind == "elif" and self.stack:
            self.stack[-1] = False if self.stack[-1] is True else None
        elif kind == "else" and self.stack:
            v = self.stack[-1]
            self.stack[-1] = None if v is None else not v
        elif kind == "endif" and self.stack:
            self.stack.pop()

    @property
    def dead(self):
        return False in self.stack

    @property
    def uncertain(self):
        return None in self.stack


class Amalgamator:
    def __init__(self, srctree, generated, config=None, search=("include", ".")):
        self.srctree = srctree
        self.config = config or {}
        self.generated = dict(generated)  # "generated/autoconf.h" -> text
        self.search = search
        self.done = set()                 # inlined unconditionally
        self.active = []                  # inclusion stack, against cycles
        self.out = []

    def resolve(self, target, angle, current):
        """Tree-relative name of an #include target, or None for a system header."""
        if target in self.generated:
            return target
        candidates = [] if angle else [os.path.join(os.path.dirname(current), target)]
        candidates += [os.path.join(d, target) for d in self.search]
        for c in candidates:
            rel = os.path.normpath(c)
            if not rel.startswith("..") and os.path.isfile(os.path.join(self.srctree, rel)):
                return rel
        return None

    def text_of(self, name):
        if name in self.generated:
            return self.generated[name]
        path = os.path.join(self.srctree, name)
        try:
            with open(path, encoding="utf-8") as f:
                return f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None

    def add(self, text):
        self.out.append(text if text.endswith("\n") else text + "\n")

    def inline(self, name, conditional=False):
        """Append file `name` with its tree includes folded in."""
        if not conditional:
            self.done.add(name)
        self.active.append(name)
        self.add(f'#line 1 "{name}"')
        lines = self.text_of(name).split("\n")
        cond = Conditions(self.config, lines)
        for n, line in enumerate(lines, 1):
            cond.feed(line, n)
            m = INCLUDE.match(line)
            target = m and self.resolve(m.group(2), m.group(1) == "<", name)
            if not target:
                self.out.append(line + "\n")
                continue
            if cond.dead:
                self.out.append(f"/* {line.strip()}: not in this configuration */\n")
                continue
            if target in self.done or target in self.active:
                self.out.append(f"/* {line.strip()}: folded in above */\n")
                continue
            self.inline(target, conditional or cond.uncertain)
            self.add(f'#line {n + 1} "{name}"')
        self.active.pop()
        if self.out and not self.out[-1].endswith("\n"):
            self.out.append("\n")

    def take(self):
        text, self.out = "".join(self.out), []
        return text
