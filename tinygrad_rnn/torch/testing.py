"""torch.testing.assert_close: PyTorch's comparison of tensors in tests, with its default tolerances
per dtype and its messages."""
import numpy as np

from . import _dtype
from ._math import as_operand

_TOLERANCES = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
               np.dtype(np.float64): (1e-7, 1e-7)}     # (rtol, atol); integers and bools compare exactly


def _fail(message: str) -> None:
    raise AssertionError(message)


def assert_close(actual, expected, *, rtol=None, atol=None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False, msg=None) -> None:
    """Raise AssertionError unless |actual - expected| <= atol + rtol * |expected| everywhere, with the same
    shape (and dtype, unless check_dtype=False); the tolerances default to the dtype's."""
    if (rtol is None) != (atol is None):
        missing = "rtol" if rtol is None else "atol"
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}.")
    tensors = hasattr(actual, "_data") or hasattr(expected, "_data")
    a, e = np.asarray(as_operand(actual)), np.asarray(as_operand(expected))
    if tensors and a.shape != e.shape:
        _fail(msg or f"The values for attribute 'shape' do not match: torch.Size({list(a.shape)}) != "
                     f"torch.Size({list(e.shape)}).")
    if tensors and check_dtype and a.dtype != e.dtype:
        _fail(msg or f"The values for attribute 'dtype' do not match: {_dtype.of_array(a)} != {_dtype.of_array(e)}.")
    rtol, atol = (rtol, atol) if rtol is not None else _TOLERANCES.get(np.promote_types(a.dtype, e.dtype), (0.0, 0.0))
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    close = np.isclose(a64, e64, rtol=rtol, atol=atol, equal_nan=equal_nan) | (a64 == e64)
    if np.all(close):
        return
    diff = np.abs(a64 - e64)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(close, 0.0, diff / np.abs(e64))
    worst_abs = np.unravel_index(np.argmax(np.where(close, 0.0, diff)), diff.shape)
    worst_rel = np.unravel_index(np.argmax(relative), diff.shape)
    kind = "Tensor-likes" if tensors else "Scalars"
    _fail(msg or f"{kind} are not close!\n\nMismatched elements: {int((~close).sum())} / {close.size} "
                 f"({100 * (~close).mean():.1f}%)\nGreatest absolute difference: {diff[worst_abs]} at index "
                 f"{tuple(int(i) for i in worst_abs)} (up to {atol} allowed)\nGreatest relative difference: "
                 f"{relative[worst_rel]} at index {tuple(int(i) for i in worst_rel)} (up to {rtol} allowed)")
