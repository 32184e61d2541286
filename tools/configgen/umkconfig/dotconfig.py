"""Reading and writing .config files (CONFIG_FOO=value lines)."""
import re

from .errors import ConfigError

_SET = re.compile(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$")
_UNSET = re.compile(r"^# CONFIG_([A-Za-z0-9_]+) is not set$")
_NUMBER = re.compile(r"^(-?[0-9]+|0[xX][0-9a-fA-F]+)$")


def parse_line(line, where):
    """Return (symbol, value) for an assignment line, None for blank/comment."""
    stripped = line.rstrip("\n").strip()
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


def read_text(path, shown=None):
    """A file's text, or a ConfigError saying why it cannot be read."""
    shown = shown or path
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{shown}: cannot read: is a directory") from None
    except PermissionError:
        raise ConfigError(f"{shown}: cannot read: permission denied") from None
    except OSError as e:
        raise ConfigError(f"{shown}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{shown}: cannot read: not UTF-8 text "
                          f"(byte {e.start}: {e.reason})") from None


def parse(text, shown):
    """Parse .config text into [(symbol, value, 'file:line')]; all malformed lines are errors."""
    out, errors = [], []
    for n, line in enumerate(text.split("\n"), 1):
        try:
            kv = parse_line(line, f"{shown}:{n}")
        except ConfigError as e:
            errors += e.messages
            continue
        if kv:
            out.append((kv[0], kv[1], f"{shown}:{n}"))
    if errors:
        raise ConfigError(errors)
    return out


def read(path, shown=None):
    """Read a .config-style file into {SYM: (value, 'file:line')} (later lines win)."""
    shown = shown or path
    return {s: (v, w) for s, v, w in parse(read_text(path, shown), shown)}


def values(path, shown=None):
    """Just {SYM: value}."""
    return {k: v for k, (v, _) in read(path, shown).items()}


def values_of_text(text, shown=".config"):
    return {s: v for s, v, _ in parse(text, shown)}


def format_value(sym, value, type_=None):
    """One .config line. type_ (from the model) decides quoting when known."""
    if value == "n" and type_ in (None, "boolean", "tristate"):
        return f"# CONFIG_{sym} is not set"
    if type_ == "string" or (type_ is None and value not in ("y", "m") and not _NUMBER.match(value)):
        return 'CONFIG_%s="%s"' % (sym, value.replace("\\", "\\\\").replace('"', '\\"'))
    return f"CONFIG_{sym}={value}"


def format(assignments, types=None):
    """[(sym, value)] -> .config text, in the given order."""
    types = types or {}
    return "".join(format_value(s, v, types.get(s)) + "\n" for s, v in assignments)
