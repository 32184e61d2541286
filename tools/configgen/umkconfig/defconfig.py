"""configgen defconfig: inputs -> resolved, checked BUILD_DIR/.config.

  1. merge profile, fragments (in order) and --set (later wins);
  2. resolve with kconfig-conf --defconfig in a scratch directory;
  3. check every requested value took (check.py), else fail naming why;
  4. re-apply menuconfig edits (edits.py) on top, --set still winning;
  5. write .config and .config.base, only if changed, all or nothing.
"""
import os

from . import check, dotconfig, edits, kconf, paths
from .atomic import Transaction
from .errors import ConfigError, note, warn
from .model import Model
from .requests import gather


def resolve(reqs, build_dir=None, tx=None):
    """Resolve Requests; return (.config text, Model of it, [errors])."""
    text = kconf.defconfig(reqs.text())
    model = Model.load(text, build_dir, tx)
    return text, model, check.check(reqs.ordered(), model)


def _edits(build_dir, tx):
    cfg = os.path.join(build_dir, ".config")
    if not os.path.exists(cfg):
        return []
    shown = paths.display(cfg)
    text = dotconfig.read_text(cfg, shown)
    if not os.path.exists(os.path.join(build_dir, edits.BASE)):
        return None  # cannot tell edits apart
    return edits.detect(build_dir, Model.load(text, build_dir, tx))


def run(profile, fragments, sets, build_dir, discard_edits=False):
    files = [paths.profile_path(profile)] + list(fragments or [])
    reqs, set_reqs = gather(files, sets)
    reqs.extend(set_reqs)
    tx = Transaction()
    base_text, model, errors = resolve(reqs, build_dir, tx)
    if errors:
        raise ConfigError(errors)
    final_text = base_text
    user_edits = [] if discard_edits else _edits(build_dir, tx)
    cfg_path = os.path.join(build_dir, ".config")
    if user_edits is None:
        if dotconfig.read_text(cfg_path) != base_text:
            warn(f"{paths.display(cfg_path)} has no {edits.BASE} beside it (written by hand "
                 "or an older configgen): replaced; changes made in it are not kept")
        user_edits = []
    if user_edits:
        final_text = _apply_edits(reqs, set_reqs, user_edits, build_dir, tx)
    tx.write_if_changed(os.path.join(build_dir, edits.BASE), base_text)
    tx.write_if_changed(cfg_path, final_text)
    tx.commit()
    return 0


def _apply_edits(reqs, set_reqs, user_edits, build_dir, tx):
    merged = reqs.copy()
    merged.extend(user_edits)
    for r in set_reqs:  # an explicit --set beats an edit
        merged.add(r)
    text, model, _ = resolve(merged, build_dir, tx)
    kept = []
    for e in user_edits:
        winner = merged.by_sym.get(e.sym)
        if winner is not e:
            if winner.value != e.value:
                warn(f"{e.where} {e.sym}={e.value} overridden by {winner.where} {e.sym}={winner.value}")
            continue
        msg = check.check_one(e, model, merged.by_sym)
        if msg:
            warn(f"{e.where} dropped: {msg}")
        else:
            kept.append(f"{e.sym}={e.value}")
    errors = [f"{r.where}: {m}" for r in set_reqs
              if (m := check.check_one(r, model, merged.by_sym))]
    if errors:
        raise ConfigError(errors)
    if kept:
        note(f"kept {len(kept)} menuconfig edit(s) on top of the inputs: {' '.join(kept)} "
             "(configgen defconfig --discard-edits drops them)")
    return text
