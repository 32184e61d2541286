"""Reading and writing .config files (CONFIG_FOO=value lines)."""
import re

from .errors import ConfigError

_SET = re.compile(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$")
_UNSET = re.compile(r"^# CONFIG_([A-Za-z0-9_]+) is not set$")


def parse_line(line, where):
    """Return (symbol, value) for an assignment line, None for blank/comment."""
    line = line.rstrip("\n")
    stripped = line.strip()
    if not stripped:
        return None
    m = _UNSET.match(stripped)
    if m:
        return m.group(1), "n"
    if stripped.startswith("#"):
        return None
    m = _SET.match(stripped)
    if not m:
        raise ConfigError(f"{where}: malformed line: {stripped!r} "
                          "(expected CONFIG_NAME=value or '# CONFIG_NAME is not set')")
    return m.group(1), unquote(m.group(2), where)


def unquote(value, where):
    if value.startswith('"'):
        if len(value) < 2 or not value.endswith('"'):
            raise ConfigError(f"{where}: unterminated string value: {value}")
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def read(path):
    """Read a .config-style file into an ordered dict {SYM: (value, 'file:line')}."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text: {e.reason}") from None
    out = {}
    for n, line in enumerate(lines, 1):
        kv = parse_line(line, f"{path}:{n}")
        if kv:
            out[kv[0]] = (kv[1], f"{path}:{n}")
    return out


def values(path):
    """Just {SYM: value}."""
    return {k: v for k, (v, _) in read(path).items()}
