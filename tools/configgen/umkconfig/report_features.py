"""What a build has: its enabled symbols with their prompts, grouped by menu.

Values come from BUILD/.config (what was built); prompts, menu paths and
Kconfig order from BUILD/config.json (written by genconfig from the real
Kconfig parser). Without config.json the symbols are still listed, in
.config order, under "(menu unknown)".
"""
import json
import os
from dataclasses import dataclass

from . import dotconfig
from .errors import ConfigError

NO_MENU = "(menu unknown: no config.json)"


@dataclass
class Feature:
    symbol: str
    value: str
    type: str
    prompt: str      # None for invisible symbols (HAVE_* capability flags)
    menu: str        # "A > B", "" for the top level
    index: int = -1  # position in Kconfig order (config.json), -1 if unknown


def enabled(value):
    return value not in ("n", "")


def load(build):
    cfg = os.path.join(build, ".config")
    if not os.path.exists(cfg):
        raise ConfigError(f"{cfg}: no such file (not a configured build directory)")
    values = dotconfig.values(cfg)
    model = _load_model(os.path.join(build, "config.json"))
    features = []
    if model is not None:
        for i, s in enumerate(model):
            v = values.get(s.get("name"))
            if v is not None and enabled(v):
                features.append(Feature(s["name"], v, s.get("type") or "", s.get("prompt"),
                                        " > ".join(s.get("menu_path") or []), i))
    known = {f.symbol for f in features}
    for sym, v in values.items():
        if enabled(v) and sym not in known:
            features.append(Feature(sym, v, "", None, NO_MENU if model is None else ""))
    return features


def _load_model(path):
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: unreadable: {e}") from None
    syms = data.get("symbols") if isinstance(data, dict) else data
    if isinstance(syms, dict):
        syms = [dict(v, name=k) for k, v in syms.items()]
    if not isinstance(syms, list):
        raise ConfigError(f"{path}: no 'symbols' list")
    return [s for s in syms if isinstance(s, dict) and s.get("name")]


def grouped(features):
    """[(menu, [Feature])] in first-seen (Kconfig) order."""
    groups = {}
    for f in features:
        groups.setdefault(f.menu, []).append(f)
    return list(groups.items())
