"""configgen randconfig: a random config, the same one for the same seed.

kconfig-conf --randconfig draws from KCONFIG_SEED; each run is done twice
and compared, so a config that cannot be reproduced from its seed is an
error rather than a surprise in a sweep. --fragment/--set pin symbols
(through KCONFIG_ALLCONFIG) and are checked like defconfig's inputs.
"""
import os

from . import check, edits, kconf
from .atomic import Transaction
from .errors import ConfigError
from .model import Model
from .requests import gather


def parse_seed(seed):
    try:
        return int(seed, 0)
    except ValueError:
        raise ConfigError(f"--seed: not a number: {seed!r}") from None


def parse_probability(p):
    if p is None:
        return None
    try:
        value = int(p, 10)
    except ValueError:
        value = -1
    if not 0 <= value <= 100:
        raise ConfigError(f"--probability: expected a percentage 0-100, got {p!r}")
    return value


def generate(seed, probability=None, fragments=(), sets=(), build_dir=None, tx=None):
    """Return the random .config text for seed (checked, reproducible)."""
    seed_n, prob = parse_seed(seed), parse_probability(probability)
    reqs, set_reqs = gather(list(fragments or []), sets)
    reqs.extend(set_reqs)
    pinned = reqs.text() if reqs.by_sym else None
    text = kconf.randconfig(seed_n, prob, pinned)
    if kconf.randconfig(seed_n, prob, pinned) != text:
        raise ConfigError(f"kconfig-conf --randconfig gave two different configs for seed {seed}")
    if pinned:
        errors = check.check(reqs.ordered(), Model.load(text, build_dir, tx))
        if errors:
            raise ConfigError(errors)
    return text


def run(seed, probability, fragments, sets, build_dir):
    tx = Transaction()
    text = generate(seed, probability, fragments, sets, build_dir, tx)
    tx.write_if_changed(os.path.join(build_dir, ".config"), text)
    tx.write_if_changed(os.path.join(build_dir, edits.BASE), text)
    tx.commit()
    return 0
