"""The Kconfig symbol model, as the real parser (kconfig-dump) sees it.

Model.load() runs the C helper on the tree's Kconfig and, optionally, a
.config; every symbol then carries its type, resolved value, prompt, menu
path, dependencies (text and with each symbol's value), select/imply
relations and the active range of an int or hex.
"""
import json
import os
import subprocess
import tempfile

from . import helper, paths
from .errors import ConfigError


class Symbol:
    def __init__(self, raw):
        self.raw = raw
        self.name = raw["name"]
        self.type = raw["type"]
        self.value = raw["value"]
        self.prompt = raw["prompt"]
        self.menu_path = raw["menu_path"]
        self.choice = raw["choice"]
        self.range = raw["range"]

    def expr(self, key):
        """(text with values, tristate) of depends/selected_by/prompt_if, or None."""
        e = self.raw.get(key)
        return (e["with_values"], e["value"]) if e else None

    @property
    def is_bool(self):
        return self.type in ("boolean", "tristate")

    @property
    def written(self):
        return self.raw["written"]


class Choice:
    def __init__(self, raw):
        self.raw = raw
        self.prompt = raw["prompt"]
        self.selected = raw["selected"]
        self.members = raw["members"]
        self.optional = raw["optional"]
        self.visible = raw["visible"]


class Model:
    def __init__(self, data):
        self.mainmenu = data["mainmenu"]
        self.symbols = {s["name"]: Symbol(s) for s in data["symbols"]}
        self.choices = {c["prompt"]: Choice(c) for c in data["choices"]}

    def get(self, name):
        return self.symbols.get(name)

    def choice_of(self, sym):
        return self.choices.get(sym.choice) if sym.choice else None

    def types(self):
        return {n: s.type for n, s in self.symbols.items()}

    def ordered(self):
        """Symbols in menu order (kconfig-dump prints them so)."""
        return list(self.symbols.values())

    @classmethod
    def load(cls, config_text=None, build_dir=None, tx=None):
        """Run kconfig-dump on Kconfig (+ config_text as the .config)."""
        binary = helper.locate(build_dir, tx)
        src = paths.srctree()
        with tempfile.TemporaryDirectory(prefix="configgen.model.") as work:
            args = [binary, paths.kconfig()]
            if config_text is not None:
                cfg = os.path.join(work, ".config")
                with open(cfg, "w", encoding="utf-8") as f:
                    f.write(config_text)
                args.append(cfg)
            env = dict(os.environ, srctree=src)
            try:
                p = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True)
            except OSError as e:
                raise ConfigError(f"cannot run {binary}: {e.strerror}") from None
        if p.returncode != 0:
            raise ConfigError(["kconfig-dump failed on " + paths.display(paths.kconfig()) + ":"]
                              + (p.stderr or p.stdout).strip().splitlines()[:20])
        try:
            return cls(json.loads(p.stdout))
        except (ValueError, KeyError) as e:
            raise ConfigError(f"kconfig-dump printed unreadable JSON: {e}") from None
