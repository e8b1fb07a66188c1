"""The library's default random number generator, so every initialisation and dropout mask is seedable."""
from __future__ import annotations

import numpy as np

_generator = np.random.default_rng(0)


def manual_seed(seed: int) -> np.random.Generator:
    """Reset the default generator to `seed`; returns it. Same seed, same weights and masks."""
    global _generator
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"manual_seed(seed) expects a non-negative int, got {seed!r}")
    _generator = np.random.default_rng(int(seed))
    return _generator


def default_generator() -> np.random.Generator:
    """The generator used when a function is not given one explicitly."""
    return _generator


def generator_for(generator, owner: str) -> np.random.Generator:
    """The generator a function draws from: `generator` when given (a numpy Generator), else the default."""
    if generator is not None and not isinstance(generator, np.random.Generator):
        raise TypeError(f"{owner}: generator must be a numpy Generator (np.random.default_rng(seed)) or None, "
                        f"got {type(generator).__name__}")
    return generator or _generator
