"""torch.testing.assert_close: PyTorch's comparison of tensors (and of numbers) in tests, with its default
tolerances per dtype and its messages (torch/testing/_comparison.py).

Two dtypes (check_dtype=False) are compared as PyTorch compares them: in their promoted dtype (an int64
and a float32 tensor in float32), with the looser of the two dtypes' default tolerances (float32 against
float64: float32's 1.3e-6 and 1e-5). Python numbers are compared as numbers: an int and a float differ
in type unless check_dtype=False, and then have float64's tolerances."""
import math

import numpy as np

from . import _dtype
from ._math import as_operand, result_dtype

_TOLERANCES = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
               np.dtype(np.float64): (1e-7, 1e-7)}     # (rtol, atol); integers and bools compare exactly


def _tolerances(rtol, atol, *dtypes) -> tuple:
    """(rtol, atol): as given, or the loosest of the dtypes' defaults (PyTorch's default_tolerances)."""
    if rtol is not None:
        return rtol, atol
    rtols, atols = zip(*(_TOLERANCES.get(np.dtype(d), (0.0, 0.0)) for d in dtypes))
    return max(rtols), max(atols)


def _report(kind: str, rtol, atol, extra: str, diffs: tuple, where: tuple = (None, None)) -> str:
    """PyTorch's mismatch report: a header, `extra`, then the greatest absolute and relative differences
    (with the allowed ones, unless the comparison was for equality)."""
    equality = rtol == 0 and atol == 0
    lines = [f"{kind} are not {'equal' if equality else 'close'}!", "", extra]
    for name, diff, at, tol in zip(("absolute", "relative"), diffs, where, (atol, rtol)):
        line = f"{name.title()} difference: {diff}"
        line = line if at is None else f"Greatest {name} difference: {diff} at index {at}"
        lines.append(line + ("" if equality else f" (up to {tol} allowed)"))
    return "\n".join(lines)


def _scalar_report(a, e, rtol, atol) -> str:
    """The report for two numbers (also the entries of two 0-d tensors)."""
    diff = abs(a - e)
    return _report("Scalars", rtol, atol, f"Expected {e} but got {a}.", (diff, math.inf if e == 0 else diff / abs(e)))


def _compare_numbers(a, e, rtol, atol, equal_nan: bool, check_dtype: bool):
    """The message for two Python (or numpy) numbers that differ, or None."""
    a, e = (x.item() if isinstance(x, np.generic) else x for x in (a, e))
    if check_dtype and type(a) is not type(e):
        return f"The (d)types do not match: {type(a)} != {type(e)}."
    rtol, atol = _tolerances(rtol, atol, *(np.float64 if isinstance(x, float) else np.int64 for x in (a, e)))
    if a == e or equal_nan and math.isnan(a) and math.isnan(e):
        return None
    if math.isfinite(abs(a - e)) and abs(a - e) <= atol + rtol * abs(e):
        return None
    return _scalar_report(a, e, rtol, atol)


def _compare_arrays(a: np.ndarray, e: np.ndarray, rtol, atol, equal_nan: bool, tensors: bool,
                    check_dtype: bool):
    """The message for two arrays that differ, or None; tensors' shapes (and dtypes, if asked) must match first."""
    if tensors and a.shape != e.shape:
        return (f"The values for attribute 'shape' do not match: torch.Size({list(a.shape)}) != "
                f"torch.Size({list(e.shape)}).")
    if tensors and check_dtype and a.dtype != e.dtype:
        return f"The values for attribute 'dtype' do not match: {_dtype.of_array(a)} != {_dtype.of_array(e)}."
    rtol, atol = _tolerances(rtol, atol, a.dtype, e.dtype)
    common = result_dtype(a, e).dtype
    a, e = a.astype(common), e.astype(common)
    with np.errstate(all="ignore"):
        close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if np.all(close):
        return None
    if not a.shape:
        return _scalar_report(a.item(), e.item(), rtol, atol)
    bad, flat_a, flat_e, ratio_dtype = ~close.reshape(-1), a.reshape(-1), e.reshape(-1), common
    if common.kind != "f":                              # integers subtract in int64, divide in the default dtype
        flat_a, flat_e = flat_a.astype(np.int64), flat_e.astype(np.int64)
        ratio_dtype = _dtype.get_default_dtype().dtype
    with np.errstate(all="ignore"):
        diff = np.where(bad, np.abs(flat_a - flat_e), 0)
        ratio = np.where(bad, diff.astype(ratio_dtype) / np.abs(flat_e).astype(ratio_dtype), 0).astype(ratio_dtype)
    at = tuple(tuple(int(i) for i in np.unravel_index(np.argmax(d), a.shape)) for d in (diff, ratio))
    counts = f"Mismatched elements: {int(bad.sum())} / {bad.size} ({bad.mean():.1%})"
    worst = (diff.max().item(), ratio.max().item())
    return _report("Tensor-likes" if tensors else "Scalars", rtol, atol, counts, worst, at)


def _kind(x) -> str:
    """Which of PyTorch's comparisons takes x: tensors, numpy arrays, bools, numbers or sequences (each only
    with its own kind; sequences and the rest compare as arrays here)."""
    if hasattr(x, "_data") or isinstance(x, np.ndarray):
        return "tensor" if hasattr(x, "_data") else "array"
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, (int, float, np.integer, np.floating)):
        return "number"
    return "sequence" if isinstance(x, (list, tuple)) else type(x).__name__


def assert_close(actual, expected, *, rtol=None, atol=None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False, msg=None) -> None:
    """Raise AssertionError unless |actual - expected| <= atol + rtol * |expected| everywhere, with the same
    shape (and dtype, unless check_dtype=False); the tolerances default to the looser of the two dtypes'.
    Both sides are tensors, numpy arrays, numbers or sequences alike (TypeError otherwise, as in PyTorch)."""
    if (rtol is None) != (atol is None):
        missing = "rtol" if rtol is None else "atol"
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}.")
    kind = _kind(actual)
    if _kind(expected) != kind:
        raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.")
    if kind == "bool":
        actual, expected = bool(actual), bool(expected)
        problem = None if actual is expected else f"Booleans mismatch: {actual} is not {expected}"
    elif kind == "number":
        problem = _compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype)
    else:
        problem = _compare_arrays(np.asarray(as_operand(actual)), np.asarray(as_operand(expected)), rtol, atol,
                                  equal_nan, kind in ("tensor", "array"), check_dtype)
    if problem is not None:
        raise AssertionError(msg or problem)
