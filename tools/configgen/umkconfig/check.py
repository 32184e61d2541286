"""Did every requested value take? If not, say why, from the real model.

kconfig-conf silently drops unknown symbols, values whose dependencies are
unmet, values for promptless symbols and out-of-range numbers. This module
compares each Request with the resolved Model and turns every difference
into one line: where it was asked, what was asked, what came out, and the
unmet dependency, e.g.
    profiles/x.config:3: SMP=y requested, got n: depends on SCHED (=n)
"""
import difflib
import re

_INT = re.compile(r"^-?[0-9]+$")
_HEX = re.compile(r"^(0[xX])?[0-9a-fA-F]+$")


def _number(sym_type, value):
    try:
        return int(value, 16) if sym_type == "hex" else int(value, 10)
    except ValueError:
        return None


def _syntax_error(sym, value):
    """A value the symbol's type cannot hold, or None."""
    if sym.is_bool:
        if value == "m":
            return f"{sym.name}=m: umk has no modules; use y or n"
        if value not in ("y", "n"):
            return f"{sym.name}={value}: not a valid bool value (use y or n)"
    elif sym.type == "integer" and not _INT.match(value):
        return f"{sym.name}={value}: not a valid int"
    elif sym.type == "hex" and not _HEX.match(value):
        return f"{sym.name}={value}: not a valid hex value"
    return None


def _range_error(sym, value):
    if sym.type not in ("integer", "hex") or not sym.range:
        return None
    lo, hi = (_number(sym.type, b) for b in sym.range)
    v = _number(sym.type, value)
    if None in (lo, hi, v) or lo <= v <= hi:
        return None
    return f"{sym.name}={value} out of range [{sym.range[0]}..{sym.range[1]}]"


def got_value(sym):
    """The resolved value as .config shows it ('n' for an unset bool)."""
    if sym.is_bool:
        return sym.value if sym.value in ("y", "m") else "n"
    return sym.value if sym.written else None


def same(sym, want, got):
    if got is None:
        return False
    if sym.type in ("integer", "hex"):
        return _number(sym.type, want) == _number(sym.type, got)
    return want == got


def unknown(name, model):
    close = difflib.get_close_matches(name, list(model.symbols), n=1, cutoff=0.8)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown symbol {name}{hint}"


def _only_choice(text, choice):
    """A choice member's condition that is just its choice (explained apart)."""
    return choice is not None and text == f'choice "{choice.prompt}"'


def reason(sym, want, model):
    """Why sym did not take the value want, in terms of the model."""
    choice = model.choice_of(sym)
    if sym.prompt is None:
        sel = sym.expr("selected_by")
        why = f"selected by {sel[0]}" if sel else "its value comes from its default"
        return f"{sym.name} has no prompt, so it cannot be set directly; {why}"
    if want != "n":
        if choice is not None and not choice.visible:
            cond = choice.raw.get("prompt_if") or choice.raw.get("depends")
            dep = f" depends on {cond['with_values']}" if cond else " is not visible"
            return f'choice "{choice.prompt}"{dep}'
        dep = sym.expr("depends")
        if dep and dep[1] == "n" and not _only_choice(dep[0], choice):
            return f"depends on {dep[0]}"
        vis = sym.expr("prompt_if")
        if vis and vis[1] == "n" and not _only_choice(vis[0], choice):
            return f"its prompt is only visible if {vis[0]}"
        if choice is not None and choice.selected and choice.selected != sym.name:
            return f'choice "{choice.prompt}" chose {choice.selected}'
    else:
        sel = sym.expr("selected_by")
        if sel and sel[1] != "n":
            return f"selected by {sel[0]}"
        if choice is not None and not choice.optional:
            others = [m for m in choice.members if m != sym.name]
            return (f'choice "{choice.prompt}" needs one member set; '
                    f"set another ({', '.join(others)}) to y instead")
    return "kconfig-conf dropped it"


def _overridden_choice(req, sym, model, requests):
    """A choice member asked y and then superseded by a later y in the same choice."""
    choice = model.choice_of(sym)
    if choice is None or req.value != "y":
        return False
    winner = requests.get(choice.selected)
    return winner is not None and winner.value == "y" and winner.seq > req.seq


def check(reqs, model):
    """Return one message per request that did not take (in request order)."""
    requests = {r.sym: r for r in reqs}
    errors = []
    for req in sorted(reqs, key=lambda r: r.seq):
        msg = check_one(req, model, requests)
        if msg:
            errors.append(f"{req.where}: {msg}")
    return errors


def check_one(req, model, requests=None):
    sym = model.get(req.sym)
    if sym is None:
        return unknown(req.sym, model)
    bad = _syntax_error(sym, req.value) or _range_error(sym, req.value)
    if bad:
        return bad
    got = got_value(sym)
    if same(sym, req.value, got):
        return None
    if requests and _overridden_choice(req, sym, model, requests):
        return None
    shown_got = "no value" if got is None else got
    return f"{req.sym}={req.value} requested, got {shown_got}: {reason(sym, req.value, model)}"
