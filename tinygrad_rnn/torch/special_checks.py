"""Checks of the arguments of repeat_interleave and median (torch/_special.py), with PyTorch's messages."""
import numpy as np

from ..checks import is_int
from . import _dtype


def check_repeats(repeats, size: int) -> np.ndarray:
    """repeat_interleave's repeats: a non-negative int, or an integer tensor of one count or one per entry
    (`size` entries); returns the counts."""
    if is_int(repeats):
        if repeats < 0:
            raise RuntimeError("Repeats must be non-negative")
        return np.asarray(int(repeats))
    counts = np.asarray(getattr(repeats, "_data", repeats))
    if counts.dtype.kind not in "iu":
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for "
                                  f"'{_dtype.scalar_name(_dtype.as_dtype(counts.dtype))}'")
    if counts.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    if (counts < 0).any():
        raise RuntimeError("repeats can not be negative")
    if counts.size != 1 and counts.size != size:
        raise RuntimeError("repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{counts.size} and input.size(0) = {size}")
    return counts.reshape(-1) if counts.size != 1 else counts.reshape(())


def check_median(x, d: int) -> None:
    """median along an empty dimension has no value."""
    if not x._data.shape[d]:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
