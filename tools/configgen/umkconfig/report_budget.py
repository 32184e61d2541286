"""Size budgets: profiles/budgets.json caps what a profile's core may cost.

Limits: text, data, bss, total (= text+data+bss) of all of libumk.a, and
core_text ... core_total of it without the in-kernel self tests.

Budgets live beside the profiles, not in them (profiles stay in canonical
savedefconfig form). A budget applies to a build made from the profile
alone: a sanitizer build, a custom config, fragments or -DCONFIG_ overrides
and build types or architectures the file does not list are skipped, with
the reason said.
"""
import json
import os

from . import paths
from .errors import ConfigError

SCHEMA = "umk-budgets/1"
LIMIT_KEYS = ("text", "data", "bss", "total",
              "core_text", "core_data", "core_bss", "core_total")


def default_path():
    return os.path.join(paths.srctree(), "profiles", "budgets.json")


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: unreadable budget file: {e}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ConfigError(f"{path}: expected \"schema\": \"{SCHEMA}\"")
    for prof, limits in (data.get("budgets") or {}).items():
        if not isinstance(limits, dict):
            raise ConfigError(f"{path}: budget of {prof} must be an object")
        for k, v in limits.items():
            if k not in LIMIT_KEYS or not isinstance(v, int) or v < 0:
                raise ConfigError(f"{path}: {prof}.{k}: expected one of "
                                  f"{', '.join(LIMIT_KEYS)} with a byte count")
    return data


def skip_reason(data, profile, cache, arch):
    """Why the budget does not apply to this build, or None if it does."""
    if profile is None:
        return "not built from a profile (custom UMK_CONFIG or bare objects)"
    if profile not in (data.get("budgets") or {}):
        return f"no budget for profile {profile}"
    if cache.get("UMK_SANITIZE"):
        return f"sanitizer build (UMK_SANITIZE={cache['UMK_SANITIZE']})"
    if cache.get("UMK_FRAGMENTS"):
        return "fragments change the profile (UMK_FRAGMENTS)"
    overrides = sorted(k for k in cache if k.startswith("CONFIG_"))
    if overrides:
        return f"overrides change the profile ({', '.join(overrides)})"
    applies = data.get("applies_to") or {}
    bt = cache.get("CMAKE_BUILD_TYPE")
    if cache and applies.get("build_type") and bt not in applies["build_type"]:
        return f"build type {bt or '(none)'} not in {', '.join(applies['build_type'])}"
    if applies.get("arch") and arch and arch not in applies["arch"]:
        return f"architecture {arch} not in {', '.join(applies['arch'])}"
    return None


def check(path, profile, cache, arch, total, core=None):
    """The budget section of a report: status ok / over / skipped."""
    data = load(path)
    shown = paths.display(path)
    if data is None:
        return {"file": shown, "status": "skipped", "reason": "no budget file",
                "limits": {}, "over": {}}
    reason = skip_reason(data, profile, cache, arch)
    limits = (data.get("budgets") or {}).get(profile, {}) if profile else {}
    if reason:
        return {"file": shown, "status": "skipped", "reason": reason,
                "limits": limits, "over": {}}
    core = core or total
    used = dict(total, total=total["text"] + total["data"] + total["bss"],
                core_total=core["text"] + core["data"] + core["bss"],
                **{"core_" + k: core[k] for k in ("text", "data", "bss")})
    over = {k: used[k] - v for k, v in limits.items() if used[k] > v}
    return {"file": shown, "status": "over" if over else "ok", "reason": "",
            "limits": limits, "over": over, "used": {k: used[k] for k in limits}}
