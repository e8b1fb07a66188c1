"""torch.Tensor's reductions and selections with `dim=`/`keepdim=`: sum, mean, max(dim) with indices, topk,
sort, norm, softmax, gather. Values that come with indices are gathered at those indices, so their
gradient goes to exactly the entries PyTorch's does."""
from collections import namedtuple

import numpy as np

from .. import shape_ops
from .. import tensor as core
from ..broadcast import expand_reduced
from ..nn import functional as F
from ..join import where
from . import _dtype
from ._autograd import named
from ._math import as_operand, leaf_like
from .checks import check_dim, check_float_op, check_floating, check_mask, numpy_names, reduce_dims


def _return_type(name: str):
    """torch.return_types.<name>: a (values, indices) named tuple that prints as PyTorch's."""
    cls = namedtuple(name, ["values", "indices"], module="torch.return_types")
    cls.__repr__ = lambda self: f"torch.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"
    return cls


RETURN_TYPES = {name: _return_type(name) for name in ("max", "min", "sort", "topk")}
_MEAN = "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: …"
_NORM = "linalg.vector_norm: Expected a floating point or complex tensor as input. Got …"


def _take(t, indices: np.ndarray, d: int):
    """t's entries at `indices` along dimension d (np.take_along_axis), as a differentiable selection."""
    grid = list(np.indices(indices.shape, sparse=True))
    grid[d] = indices
    return shape_ops.getitem(t, tuple(grid))


def _norm2(x, axes, keepdims: bool):
    """sqrt(sum x^2); its derivative x / ||x|| is taken as 0 where ||x|| = 0 (as in PyTorch)."""
    def backward(g, a, out):
        n = expand_reduced(out, a.shape, axes, keepdims)
        with np.errstate(invalid="ignore", divide="ignore"):
            return expand_reduced(g, a.shape, axes, keepdims) * np.where(n == 0, 0, a / n)
    return core._unary("norm", lambda a: np.sqrt((a * a).sum(axis=axes, keepdims=keepdims)), backward)(x)


class ReduceMethods:
    """Reductions and selections of torch.Tensor."""

    __slots__ = ()

    def sum(self, dim=None, keepdim: bool = False, dtype=None):
        """Sum over `dim` (int, tuple or None for all); bool and integer tensors sum to int64."""
        axes, keepdim = reduce_dims(self, dim, keepdim, "sum")
        if dtype is not None:
            return self.to(dtype).sum(dim, keepdim)
        if self._data.dtype.kind != "f":
            return leaf_like(self, self._data.sum(axis=axes, keepdims=keepdim, dtype=np.int64))
        return named(core.Tensor.sum(self, axes, keepdim), "sum" if dim is None else "sum(dim)")

    def mean(self, dim=None, keepdim: bool = False, dtype=None):
        """Mean over `dim` (floating tensors only, as in PyTorch)."""
        axes, keepdim = reduce_dims(self, dim, keepdim, "mean")
        if dtype is not None:
            d = _dtype.as_dtype(dtype)
            check_float_op(d.is_floating_point,
                           _MEAN.replace("Input", "Optional").replace("…", _dtype.scalar_name(d)))
            return self.to(d).mean(dim, keepdim)
        out = core.Tensor.mean(check_floating(self, _MEAN), axes, keepdim)
        return named(out, "mean" if dim is None else "mean(dim)")

    def _extreme(self, dim, keepdim, fn: str, largest: bool):
        if dim is None:
            check_float_op(self._data.size > 0, f"{fn}(): Expected reduction dim to be specified for input.numel() "
                           "== 0. Specify the reduction dim with the 'dim' argument.")
            if self._data.dtype.kind != "f":
                return leaf_like(self, self._data.max() if largest else self._data.min())
            return named(core.Tensor.max(self) if largest else -core.Tensor.max(-self), fn)
        d = check_dim(dim, self._data.ndim, fn)
        if not self._data.ndim:
            return RETURN_TYPES[fn](self.reshape(()), leaf_like(self, np.int64(0)))
        if not self._data.shape[d]:
            raise IndexError(f"{fn}(): Expected reduction dim {d} to have non-zero size.")
        pick = np.argmax if largest else np.argmin
        idx = np.expand_dims(pick(self._data, axis=d), d)
        values = _take(self, idx, d)
        if not keepdim:
            values, idx = values.squeeze(d), idx.squeeze(d)
        return RETURN_TYPES[fn](named(values, f"{fn}(dim)"), leaf_like(self, idx.astype(np.int64)))

    def max(self, dim=None, keepdim: bool = False):
        """The maximum (dim=None; ties share the gradient), or (values, indices) along `dim`, or the
        elementwise maximum with another tensor."""
        if hasattr(dim, "shape") and not isinstance(dim, (int, np.integer)):
            return self.maximum(dim)
        return self._extreme(dim, keepdim, "max", True)

    def min(self, dim=None, keepdim: bool = False):
        """The minimum, or (values, indices) along `dim`, or the elementwise minimum with a tensor."""
        if hasattr(dim, "shape") and not isinstance(dim, (int, np.integer)):
            return self.minimum(dim)
        return self._extreme(dim, keepdim, "min", False)

    def amax(self, dim=None, keepdim: bool = False):
        """The maximum over `dim` (ties share the gradient)."""
        axes, keepdim = reduce_dims(self, dim, keepdim, "amax")
        return named(core.Tensor.max(self, axes, keepdim), "amax")

    def _arg(self, dim, keepdim: bool, pick, fn: str):
        if dim is None:
            if not self._data.size:
                raise IndexError(f"{fn}(): Expected reduction dim to be specified for input.numel() == 0.")
            flat = np.int64(pick(self._data))                 # the index into the flattened tensor
            return leaf_like(self, np.reshape(flat, (1,) * self._data.ndim if keepdim else ()))
        d = check_dim(dim, self._data.ndim, fn)
        out = pick(self._data, axis=d)
        return leaf_like(self, (np.expand_dims(out, d) if keepdim else out).astype(np.int64))

    def argmax(self, dim=None, keepdim: bool = False):
        """The index of the (first) maximum, over everything (flattened) or along `dim`."""
        return self._arg(dim, keepdim, np.argmax, "argmax")

    def argmin(self, dim=None, keepdim: bool = False):
        """The index of the (first) minimum, over everything (flattened) or along `dim`."""
        return self._arg(dim, keepdim, np.argmin, "argmin")

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        """(values, indices) sorted along `dim`: equal entries keep their order and NaN counts as the largest,
        in every dtype (descending is the ascending order of the reversed entries read backwards, so no
        negation wraps unsigned or bool entries around)."""
        d = check_dim(dim, self._data.ndim, "sort")
        if self._data.ndim == 0:                    # a 0-d tensor sorts as its one entry: (itself, index 0)
            values, idx = self.reshape(1).sort(0, descending)
            return RETURN_TYPES["sort"](named(values.reshape(()), "sort"), leaf_like(self, idx._data.reshape(())))
        if descending:
            idx = self._data.shape[d] - 1 - np.flip(np.argsort(np.flip(self._data, d), axis=d, kind="stable"), d)
        else:
            idx = np.argsort(self._data, axis=d, kind="stable")
        return RETURN_TYPES["sort"](named(_take(self, idx, d), "sort"), leaf_like(self, idx.astype(np.int64)))

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        """The indices that sort along `dim`."""
        return self.sort(dim, descending).indices

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
        """(values, indices) of the k largest (or smallest) entries along `dim`."""
        d = check_dim(dim, self._data.ndim, "topk")
        check_float_op(0 <= int(k) <= (self._data.shape[d] if self._data.ndim else 1), "selected index k out of range")
        values, idx = self.sort(d, descending=largest)
        keep = (slice(None),) * d + (slice(0, int(k)),) if self._data.ndim else ()
        return RETURN_TYPES["topk"](named(values[keep], "topk"), leaf_like(self, idx._data[keep]))

    def gather(self, dim: int, index):
        """out[i][j] = self[index[i][j]][j] (for dim=0), and so on."""
        return named(_take(self, as_operand(index), check_dim(dim, self._data.ndim, "gather")),
                     "gather")

    def index_select(self, dim: int, index):
        """The entries at `index` (a 1-D integer tensor) along `dim`."""
        d = check_dim(dim, self._data.ndim, "index_select")
        return named(self[(slice(None),) * d + (as_operand(index).reshape(-1),)], "index_select")

    def masked_fill(self, mask, value):
        """`value` where mask is True, self elsewhere (the gradient reaches self only where mask is False)."""
        fill = np.asarray(as_operand(value), dtype=self._data.dtype)
        return named(where(check_mask(as_operand(mask), "masked_fill_"), fill, self), "masked_fill")

    def norm(self, p="fro", dim=None, keepdim: bool = False, dtype=None):
        """The p-norm (2 and 'fro' by default, any other p, inf and -inf) over everything or `dim`; p = 0
        counts the nonzero entries (with a zero gradient, as in PyTorch); computed in `dtype` when given."""
        axes, keepdim = reduce_dims(self, dim, keepdim, "norm")
        x = check_floating(self, _NORM).to(dtype)
        if p in ("fro", 2):
            return _norm2(x, axes, keepdim)
        if p in (np.inf, -np.inf):                  # the largest or the smallest |x|
            return x.abs().amax(dim, keepdim) if p > 0 else x.abs().amin(dim, keepdim)
        if p == 0:
            count = (x._data != 0).sum(axis=axes, keepdims=keepdim).astype(x._data.dtype)
            return (x * 0).sum(dim, keepdim) + leaf_like(x, count)
        return (x.abs() ** p).sum(dim, keepdim) ** (1.0 / p)

    def var(self, dim=None, unbiased=None, keepdim: bool = False, correction=None):
        """Variance with Bessel's correction (correction=1) unless told otherwise."""
        c = 1 if correction is None and unbiased in (None, True) else 0 if correction is None else correction
        axes, keepdim = reduce_dims(self, dim, keepdim, "var")
        check_floating(self, "std and var only support floating point and complex dtypes")
        n = int(np.prod([self._data.shape[a] for a in axes])) if axes else 1
        centred = self - self.mean(dim, keepdim=True)
        return named((centred * centred).sum(dim, keepdim) / max(n - c, 0), "var")

    def std(self, dim=None, unbiased=None, keepdim: bool = False, correction=None):
        """Standard deviation: sqrt(var)."""
        return named(self.var(dim, unbiased, keepdim, correction) ** 0.5, "std")

    def _normalized(self, dim: int, dtype, fn: str, core_fn):
        x = self if dtype is None else self.to(dtype)
        d = check_dim(dim, x._data.ndim, fn)
        kernel = f"{fn}_lastdim_kernel_impl" if d == x._data.ndim - 1 else f"{fn}_kernel_impl"
        check_floating(x, f'"{kernel}" not implemented for \'…\'', NotImplementedError)
        return named(core_fn(x, axis=d) if x._data.ndim else core_fn(x.reshape(1), axis=0).reshape(()), fn)

    def softmax(self, dim: int, dtype=None):
        """exp(x) / sum exp(x) along `dim`."""
        return self._normalized(dim, dtype, "softmax", F.softmax)

    def log_softmax(self, dim: int, dtype=None):
        """x - logsumexp(x) along `dim`."""
        return self._normalized(dim, dtype, "log_softmax", F.log_softmax)

    def logsumexp(self, dim, keepdim: bool = False):
        """log sum exp(x) along `dim`, computed stably (integers become the default float dtype first)."""
        axes, keepdim = reduce_dims(self, dim, keepdim, "logsumexp")
        return named(F.logsumexp(self.float_if_needed(), axis=axes, keepdims=keepdim), "logsumexp")

    def all(self, dim=None, keepdim: bool = False):
        """Whether every entry is nonzero (a bool tensor)."""
        axes, keepdim = reduce_dims(self, dim, keepdim, "all")
        return leaf_like(self, np.all(self._data, axis=axes, keepdims=keepdim))

    def any(self, dim=None, keepdim: bool = False):
        """Whether some entry is nonzero (a bool tensor)."""
        axes, keepdim = reduce_dims(self, dim, keepdim, "any")
        return leaf_like(self, np.any(self._data, axis=axes, keepdims=keepdim))

    def count_nonzero(self, dim=None):
        """The number of nonzero entries (int64)."""
        axes, _ = reduce_dims(self, dim, False, "count_nonzero")
        return leaf_like(self, np.asarray(np.count_nonzero(self._data, axis=axes), dtype=np.int64))

    def nonzero(self, as_tuple: bool = False):
        """The indices of the nonzero entries: one row per entry (or, as_tuple, one tensor per dimension)."""
        rows = np.argwhere(self._data).astype(np.int64)
        return tuple(leaf_like(self, column) for column in rows.T) if as_tuple else leaf_like(self, rows)

    def cumsum(self, dim: int, dtype=None):
        """Running sums along `dim` (cast to `dtype` first, if given); their gradient is g's reversed running sum."""
        d = check_dim(dim, self._data.ndim, "cumsum")
        if dtype is not None:
            return self.to(dtype).cumsum(d)
        if self._data.dtype.kind != "f":
            return leaf_like(self, np.cumsum(self._data, axis=d, dtype=np.int64))
        return core._unary("cumsum", lambda a: np.cumsum(a, axis=d),
                           lambda g, a, out: np.flip(np.cumsum(np.flip(g, d), axis=d), d))(self)


for _name in ("sum mean max min amax argmax argmin sort argsort topk gather index_select var std softmax log_softmax "
              "logsumexp all any count_nonzero cumsum").split():
    setattr(ReduceMethods, _name, numpy_names(getattr(ReduceMethods, _name)))
