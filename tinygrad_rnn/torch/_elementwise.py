"""torch.Tensor's elementwise functions: exp, log, tanh, sigmoid, sqrt, abs, relu, clamp, maximum, the
rounding family and the tests for nan and infinity.

Each differentiable one is a row of the core's derivative table (tensor.py's `_unary` and `_binary`),
with PyTorch's conventions where a derivative is a choice: |x| and relu have slope 0 at 0, clamp passes
the gradient only strictly inside its bounds, maximum and minimum split it evenly between ties, and the
rounding functions have gradient zero (their results still require grad, as in PyTorch). Integer inputs
of the float functions are made the default float dtype first; a negative input to log or sqrt gives nan.
"""
import numpy as np

from .. import tensor as core
from . import _dtype
from ._autograd import named
from ._math import as_operand, cast, leaf_like, lifted, quiet, result_dtype
from .checks import clamp_bounds

_exp = core._unary("exp", quiet(np.exp), lambda g, a, out: g * out)
_log = core._unary("log", quiet(np.log), quiet(lambda g, a, out: g / a))
_sqrt = core._unary("sqrt", quiet(np.sqrt), quiet(lambda g, a, out: g * 0.5 / out))
_rsqrt = core._unary("rsqrt", quiet(lambda a: 1 / np.sqrt(a)), quiet(lambda g, a, out: g * -0.5 * out ** 3))
_abs = core._unary("abs", np.abs, lambda g, a, out: g * np.sign(a))
_log1p = core._unary("log1p", quiet(np.log1p), quiet(lambda g, a, out: g / (1 + a)))
_sin = core._unary("sin", np.sin, lambda g, a, out: g * np.cos(a))
_cos = core._unary("cos", np.cos, lambda g, a, out: -g * np.sin(a))
_reciprocal = core._unary("reciprocal", quiet(np.reciprocal), lambda g, a, out: -g * out * out)


def _tie_split(pick):
    """The gradient of maximum / minimum: to the chosen side, half to each on a tie (as PyTorch)."""
    return (lambda g, a, b, out: g * np.where(a == b, 0.5, pick(a, b)),
            lambda g, a, b, out: g * np.where(a == b, 0.5, pick(b, a)))


_maximum = core._binary("maximum", np.maximum, *_tie_split(np.greater))
_minimum = core._binary("minimum", np.minimum, *_tie_split(np.less))


def _floating(name: str, op):
    """A function of floats; integer and bool inputs become the default float dtype first."""
    def method(self):
        return op(self.float_if_needed())
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Elementwise {name} (integers become the default float dtype first)."
    return method


def _rounding(name: str, fn):
    """A rounding function (and sign): integer tensors give a new leaf of their dtype; floats a zero gradient."""
    op = core._unary(name, fn, lambda g, a, out: np.zeros_like(g))

    def method(self):
        return op(self) if self._data.dtype.kind == "f" else leaf_like(self, fn(self._data).astype(self._data.dtype))
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Elementwise {name} (zero gradient)."
    return method


def _test(ufunc):
    def method(self):
        return leaf_like(self, ufunc(self._data))
    method.__doc__ = f"Elementwise {ufunc.__name__}: a bool tensor."
    return method


class ElementwiseMethods:
    """Elementwise functions of torch.Tensor."""

    __slots__ = ()

    exp, log, sqrt, rsqrt = _floating("exp", _exp), _floating("log", _log), _floating("sqrt", _sqrt), \
        _floating("rsqrt", _rsqrt)
    tanh, sigmoid = _floating("tanh", core.Tensor.tanh), _floating("sigmoid", core.Tensor.sigmoid)
    log1p, sin, cos = _floating("log1p", _log1p), _floating("sin", _sin), _floating("cos", _cos)
    reciprocal = _floating("reciprocal", _reciprocal)
    floor, ceil, trunc = _rounding("floor", np.floor), _rounding("ceil", np.ceil), _rounding("trunc", np.trunc)
    sign = _rounding("sign", np.sign)
    isnan, isinf, isfinite, logical_not = _test(np.isnan), _test(np.isinf), _test(np.isfinite), _test(np.logical_not)

    def round(self, decimals: int = 0):
        """Round half to even, as PyTorch (zero gradient)."""
        return _rounding("round", lambda a: np.round(a, decimals))(self)

    def abs(self):
        """|x|; the derivative is sign(x) (0 at 0, as in PyTorch)."""
        return _abs(self) if self._data.dtype.kind == "f" else leaf_like(self, np.abs(self._data))

    __abs__ = absolute = abs

    def square(self):
        """x * x."""
        return named(self * self, "pow2")

    def relu(self):
        """max(x, 0) (slope 0 at 0)."""
        return core.Tensor.relu(self) if self._data.dtype.kind == "f" else leaf_like(self, np.maximum(self._data, 0))

    def float_if_needed(self):
        """self, or self as the default float dtype if it holds integers or booleans."""
        return self if self._data.dtype.kind == "f" else cast(self, _dtype.get_default_dtype())

    def maximum(self, other):
        """Elementwise maximum (a tie splits the gradient evenly)."""
        return self._paired(other, _maximum, np.maximum)

    def minimum(self, other):
        """Elementwise minimum (a tie splits the gradient evenly)."""
        return self._paired(other, _minimum, np.minimum)

    def _paired(self, other, op, ufunc):
        d = result_dtype(self, other)
        a, b = cast(self, d), lifted(other, d, self)
        return op(a, b) if d.is_floating_point else leaf_like(self, ufunc(a._data, b._data))

    def clamp(self, min=None, max=None):
        """Limit to [min, max]. With number bounds the gradient passes strictly inside them (as in PyTorch);
        tensor bounds act as maximum / minimum."""
        clamp_bounds("clamp", self._data.shape, min, max)
        bounds = [b for b in (min, max) if b is not None]
        x = cast(self, result_dtype(self, *bounds))
        if any(hasattr(b, "_data") for b in bounds):                # ClampBackward0, as PyTorch names it
            x = x if min is None else x.maximum(min)
            return named(x if max is None else x.minimum(max), "clamp(tensor)")
        lo = -np.inf if min is None else as_operand(min)
        hi = np.inf if max is None else as_operand(max)
        if x._data.dtype.kind != "f":
            return leaf_like(x, np.clip(x._data, lo, hi).astype(x._data.dtype))
        return core._unary("clamp", lambda a: np.clip(a, lo, hi).astype(a.dtype, copy=False),
                           lambda g, a, out: g * ((a > lo) & (a < hi)))(x)

    clip = clamp

    def clamp_min(self, min):
        """clamp(min=min)."""
        return self.clamp(min=min)

    def clamp_max(self, max):
        """clamp(max=max)."""
        return self.clamp(max=max)
