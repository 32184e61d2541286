"""Where things are: the source tree, profiles, and paths as shown to users."""
import os

from .errors import ConfigError


def srctree():
    """The umk tree this configgen belongs to (tools/configgen/umkconfig/../../..)."""
    env = os.environ.get("UMK_SRCTREE")
    if env:
        return os.path.realpath(env)
    here = os.path.dirname(os.path.realpath(__file__))
    return os.path.realpath(os.path.join(here, "..", "..", ".."))


def kconfig():
    return os.path.join(srctree(), "Kconfig")


def display(path):
    """A path as error messages show it: relative to the cwd when below it."""
    if not path or path.startswith("--"):
        return path
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute)
    return absolute if rel.startswith("..") else rel


def profiles_dir():
    return os.path.join(srctree(), "profiles")


def available_profiles():
    try:
        names = os.listdir(profiles_dir())
    except OSError:
        return []
    return sorted(n[: -len(".config")] for n in names if n.endswith(".config"))


def looks_like_path(name):
    return os.path.sep in name or name.endswith(".config") or os.path.isfile(name)


def profile_path(name):
    """PROFILE (a name under profiles/) or FILE (a path) -> file path."""
    if looks_like_path(name):
        return name
    path = os.path.join(profiles_dir(), name + ".config")
    if not os.path.exists(path):
        avail = ", ".join(available_profiles()) or "none"
        raise ConfigError(f"unknown profile '{name}' (available: {avail})")
    return path
