"""Fold a set of C files and the headers they include into one text.

The way SQLite builds sqlite3.c: each tree header is inlined once, where
it is first included, and later #include lines of it become comments. A
header first included inside #if/#ifdef is inlined there but not marked
done (the branch may be off), so a later include inlines it again; include
guards make the repeat harmless. Headers that are not in the tree (host or
compiler headers) stay as #include lines. #line directives make compiler
messages name the original file and line.
"""
import os
import re

from .errors import ConfigError

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
OPEN_IF = re.compile(r"^\s*#\s*if(n?def)?\b")
END_IF = re.compile(r"^\s*#\s*endif\b")


class Amalgamator:
    def __init__(self, srctree, generated, search=("include", ".")):
        self.srctree = srctree
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
        depth = 0
        for n, line in enumerate(self.text_of(name).split("\n"), 1):
            if OPEN_IF.match(line):
                depth += 1
            elif END_IF.match(line):
                depth = max(0, depth - 1)
            m = INCLUDE.match(line)
            target = m and self.resolve(m.group(2), m.group(1) == "<", name)
            if not target:
                self.out.append(line + "\n")
                continue
            if target in self.done or target in self.active:
                self.out.append(f"/* {line.strip()}: folded in above */\n")
                continue
            self.inline(target, conditional or depth > 0)
            self.add(f'#line {n + 1} "{name}"')
        self.active.pop()
        if self.out and not self.out[-1].endswith("\n"):
            self.out.append("\n")

    def take(self):
        text, self.out = "".join(self.out), []
        return text
