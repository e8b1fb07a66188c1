"""torch.Tensor's further elementwise functions (erf, the inverse and hyperbolic trigonometric functions,
log10, log2, expm1, atan2), cumprod, median, unique, tile and repeat_interleave.

Each elementwise one is a row of the core's derivative table (tensor.py's `_unary` / `_binary`):
d erf(a) = 2 / sqrt(pi) exp(-a^2), d asin(a) = 1 / sqrt(1 - a^2), d atan2(a, b) = (b, -a) / (a^2 + b^2), ...
Integer inputs become the default float dtype first, as in PyTorch. The rest are composed from existing
selections, except cumprod, whose gradient is computed without dividing by the input (see _cumprod_grad).
"""
import math

import numpy as np

from .. import tensor as core
from ._autograd import named
from ._elementwise import _floating
from ._math import _promoted, leaf_like, quiet
from ._reduce import RETURN_TYPES, _return_type, _take
from .checks import check_dim, numpy_names, shape_of
from .special_checks import check_median, check_repeats

_erf_numbers = np.vectorize(math.erf, otypes=[np.float64])      # numpy has no erf; math.erf is exact to 1 ulp


def _erf(a: np.ndarray) -> np.ndarray:
    return _erf_numbers(a).astype(a.dtype, copy=False)


_TWO_OVER_ROOT_PI = 2 / math.sqrt(math.pi)
_erf_op = core._unary("erf", _erf, lambda g, a, out: g * _TWO_OVER_ROOT_PI * np.exp(-a * a))
_log10 = core._unary("log10", quiet(np.log10), quiet(lambda g, a, out: g / (a * math.log(10))))
_log2 = core._unary("log2", quiet(np.log2), quiet(lambda g, a, out: g / (a * math.log(2))))
_expm1 = core._unary("expm1", quiet(np.expm1), lambda g, a, out: g * (out + 1))
_sinh = core._unary("sinh", quiet(np.sinh), quiet(lambda g, a, out: g * np.cosh(a)))
_cosh = core._unary("cosh", quiet(np.cosh), quiet(lambda g, a, out: g * np.sinh(a)))
_asin = core._unary("asin", quiet(np.arcsin), quiet(lambda g, a, out: g / np.sqrt(1 - a * a)))
_acos = core._unary("acos", quiet(np.arccos), quiet(lambda g, a, out: -g / np.sqrt(1 - a * a)))
_atan = core._unary("atan", np.arctan, lambda g, a, out: g / (1 + a * a))
_atan2 = core._binary("atan2", np.arctan2, quiet(lambda g, a, b, out: g * b / (a * a + b * b)),
                      quiet(lambda g, a, b, out: -g * a / (a * a + b * b)))
RETURN_TYPES["median"] = _return_type("median")


def pick_shape(shape: tuple, d: int) -> tuple:
    """shape with dimension d reduced to 1."""
    return shape[:d] + (1,) + shape[d + 1:]


def _cumprod_grad(g: np.ndarray, a: np.ndarray, out: np.ndarray, d: int) -> np.ndarray:
    """d a_k = (a_0 ... a_(k-1)) * s_k, with s_k = g_k + a_(k+1) s_(k+1) (sum over i >= k of g_i times the
    product a_(k+1) ... a_i): no division by a, so zeros in the input are no special case."""
    g, a, out = (np.moveaxis(x, d, 0) for x in (g, a, out))
    before = np.concatenate([np.ones_like(a[:1]), out[:-1]])         # the exclusive running product
    s = np.empty_like(g)
    if len(g):
        s[-1] = g[-1]
    for k in range(len(g) - 2, -1, -1):                               # one step per entry along dim
        s[k] = g[k] + a[k + 1] * s[k + 1]
    return np.moveaxis(before * s, 0, d)


class SpecialMethods:
    """More elementwise functions, cumprod, median, tile and repeat_interleave of torch.Tensor."""

    __slots__ = ()

    erf, log10, log2, expm1 = _floating("erf", _erf_op), _floating("log10", _log10), _floating("log2", _log2), \
        _floating("expm1", _expm1)
    sinh, cosh = _floating("sinh", _sinh), _floating("cosh", _cosh)
    asin, acos, atan = _floating("asin", _asin), _floating("acos", _acos), _floating("atan", _atan)
    arcsin, arccos, arctan = asin, acos, atan
    atan2 = arctan2 = _promoted(_atan2, true_division=True)

    @numpy_names
    def cumprod(self, dim: int, dtype=None):
        """Running products along `dim` (integers stay int64, without gradient)."""
        d = check_dim(dim, self._data.ndim, "cumprod")
        if dtype is not None:
            return self.to(dtype).cumprod(d)
        if self._data.dtype.kind != "f":
            return leaf_like(self, np.cumprod(self._data, axis=d, dtype=np.int64))
        if not self._data.ndim:
            return named(self * 1, "cumprod")
        return core._unary("cumprod", lambda a: np.cumprod(a, axis=d),
                           lambda g, a, out: _cumprod_grad(g, a, out, d))(self)

    @numpy_names
    def median(self, dim=None, keepdim: bool = False):
        """The lower median (the smaller middle entry of an even count; nan if any entry is nan), over
        everything, or (values, indices) along `dim`; the gradient goes to the chosen entry."""
        if dim is None:
            if not self._data.size and self._data.dtype.kind == "f":
                return leaf_like(self, np.array(np.nan, self._data.dtype))
            return named(self.reshape(-1).median(0).values, "median")
        d = check_dim(dim, self._data.ndim, "median")
        x = self if self._data.ndim else self.reshape(1)
        check_median(x, d)
        order = np.argsort(x._data, axis=d, kind="stable")          # nan sorts last, as the largest
        nans = np.isnan(x._data).sum(axis=d, keepdims=True) if x._data.dtype.kind == "f" else 0
        middle = np.where(nans > 0, x._data.shape[d] - nans, (x._data.shape[d] - 1) // 2)   # or the first nan
        pick = np.take_along_axis(order, np.broadcast_to(middle, pick_shape(x._data.shape, d)), d)
        values = _take(x, pick, d)
        if not keepdim or not self._data.ndim:
            values, pick = values.squeeze(d), pick.squeeze(d)
        return RETURN_TYPES["median"](named(values, "median(dim)"), leaf_like(self, pick.astype(np.int64)))

    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False, dim=None):
        """The distinct entries (or slices along `dim`), in ascending order, and optionally where each entry
        went (inverse) and how often each occurs (counts). The values carry no gradient here."""
        d = None if dim is None else check_dim(dim, self._data.ndim, "unique")
        values, inverse, counts = np.unique(self._data, return_inverse=True, return_counts=True, axis=d)
        inverse = inverse.reshape(self._data.shape if d is None else -1).astype(np.int64)
        extra = [leaf_like(self, inverse)] * bool(return_inverse) + [leaf_like(self, counts.astype(np.int64))] * \
            bool(return_counts)
        return tuple([leaf_like(self, values)] + extra) if extra else leaf_like(self, values)

    def tile(self, *dims):
        """repeat, with 1s put in front of `dims` when it names fewer dimensions than the tensor has."""
        dims = shape_of(dims, "tile")
        return named(self.repeat((1,) * (self._data.ndim - len(dims)) + dims), "tile")

    @numpy_names
    def repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
        """Each entry (or each slice along `dim`) repeated `repeats` times in place, an int or one count per
        entry; without dim the tensor is flattened first. torch.repeat_interleave(counts) alone repeats
        0, 1, 2, ... by counts."""
        if repeats is None:
            counts = check_repeats(self, self._data.shape[0] if self._data.ndim else 1)
            return leaf_like(self, np.repeat(np.arange(len(counts), dtype=np.int64), counts))
        x = self.reshape(-1) if dim is None else self
        d = 0 if dim is None else check_dim(dim, x._data.ndim, "repeat_interleave")
        counts = check_repeats(repeats, x._data.shape[d] if x._data.ndim else 1)
        index = np.repeat(np.arange(x._data.shape[d] if x._data.ndim else 1), counts)
        if not x._data.ndim:
            return named(x.reshape(1)[index], "repeat_interleave")
        return named(x[(slice(None),) * d + (index,)], "repeat_interleave")

