"""torch.Tensor's less common selections and products: prod, amin, outer, where, masked_select, scatter,
roll, tril/triu, diag, lerp, ravel, stride, and mm, bmm, mv, dot (matmul without its broadcasting). Each
is composed from the core's ops (indexing, products, where), so its derivative is theirs, except prod,
whose backward is written out for zeros."""
import numpy as np

from .. import tensor as core
from ..broadcast import expand_reduced
from ..join import where as core_where
from ._autograd import named
from ._rebind import recorded
from ._writes import index_added, scattered
from .inplace_checks import check_inplace
from ._math import as_operand, leaf_like, lifted
from .checks import (broadcast_shape, check_condition, check_dim, check_float_op, check_tensor, numpy_names,
                     reduce_dims)
from .product_checks import check_product
from .write_checks import check_index_vector


def _prod_backward(axes: tuple, keepdim: bool, a, out, g):
    """d prod / d a_i is the product of the other entries: prefix times suffix products along the
    reduced entries (exact when some entries are 0, where out / a_i would divide by zero)."""
    moved = np.moveaxis(a, axes, tuple(range(a.ndim - len(axes), a.ndim)))
    flat = moved.reshape(moved.shape[:moved.ndim - len(axes)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=a.dtype)
    before = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    after = np.flip(np.cumprod(np.concatenate([ones, np.flip(flat[..., 1:], -1)], axis=-1), axis=-1), -1)
    others = np.moveaxis((before * after).reshape(moved.shape), tuple(range(a.ndim - len(axes), a.ndim)), axes)
    return (others * expand_reduced(g, a.shape, axes, keepdim),)


class SelectMethods:
    """prod, amin, outer, where, masked_select, scatter, roll, tril/triu, diag, lerp, ravel, stride, mm, bmm,
    mv, dot."""

    __slots__ = ()

    @numpy_names
    def prod(self, dim=None, keepdim: bool = False, dtype=None):
        """The product over `dim` (all entries when None); integer tensors multiply in int64."""
        axes, keepdim = reduce_dims(self, dim, keepdim, "prod")
        if dtype is not None:
            return self.to(dtype).prod(dim, keepdim)
        if self._data.dtype.kind != "f":
            return leaf_like(self, self._data.prod(axis=axes, keepdims=keepdim, dtype=np.int64))
        out = np.asarray(self._data.prod(axis=axes, keepdims=keepdim))
        op = "prod" if dim is None else "prod(dim)"
        return self._child(out, (self,), _prod_backward, op, (axes, keepdim, self._data, out))

    @numpy_names
    def amin(self, dim=None, keepdim: bool = False):
        """The minimum over `dim` (ties share the gradient): the maximum of the entries in reversed order, -x
        for floats and ~x for integers and bools (which, unlike -x, neither wraps around nor overflows)."""
        axes, keepdim = reduce_dims(self, dim, keepdim, "amin")
        if self._data.dtype.kind != "f":
            return ~core.Tensor.max(~self, axes, keepdim)
        return named(-core.Tensor.max(-self, axes, keepdim), "amin")

    def outer(self, vec2):
        """The outer product of two 1-D tensors: out[i, j] = self[i] * vec2[j]."""
        check_float_op(self.dim() == 1 and vec2.dim() == 1, "outer: both arguments must be 1-D tensors")
        return self.unsqueeze(1) * vec2.unsqueeze(0)

    ger = outer

    def where(self, condition, other):
        """self where condition holds, other elsewhere (torch.where(condition, self, other))."""
        return core_where(check_condition(condition), self, lifted(other, self.dtype, self))

    def masked_select(self, mask):
        """The entries where mask (a bool tensor) is True, as a 1-D tensor; mask and self broadcast together
        (self's entries repeat along the mask's extra dimensions, and their gradients add up)."""
        check_float_op(check_tensor(mask, "masked_select", "mask")._data.dtype == np.bool_,
                       "masked_select: expected BoolTensor for mask")
        shape = broadcast_shape(mask._data.shape, self._data.shape)        # PyTorch names the mask first
        return named(self.expand(shape)[np.broadcast_to(mask._data, shape)], "masked_select")

    @recorded("scatter")
    def scatter_(self, dim: int, index, src=None, value=None, reduce=None):
        """self[index[i][j]][j] = src[i][j] (for dim=0), and so on; src may be a number (or value=)."""
        written = self.scatter(dim, index, src, value, reduce, fn="scatter_")
        check_inplace(self, "scatter_", src if src is not None else value)
        self._data[...] = written._data
        return self

    def scatter(self, dim: int, index, src=None, value=None, reduce=None, *, fn: str = "scatter"):
        """A copy of self with self[index[i][j]][j] = src[i][j] (for dim=0), and so on, recorded in the graph when
        self or src requires grad; src may be a number (or value=)."""
        d = check_dim(dim, self._data.ndim, fn)
        check_float_op(reduce is None, f"{fn}(reduce=...) is not supported here; use index_add_-style code")
        return scattered(self, d, np.asarray(as_operand(index)), src if src is not None else value)

    def index_add(self, dim: int, index, source, *, alpha=1):
        """A copy of self with alpha * source's slices along dim added at `index` (repeats add up)."""
        d = check_dim(dim, self._data.ndim, "index_add")
        return index_added(self, d, check_index_vector(index, source, d, "index_add"), lifted(source, self.dtype, self),
                           alpha)

    @recorded("index_add")
    def index_add_(self, dim: int, index, source, *, alpha=1):
        """self[..., index[i], ...] += alpha * source[..., i, ...] along dim (repeats add up)."""
        added = self.index_add(dim, index, source, alpha=alpha)
        check_inplace(self, "index_add_", source)
        self._data[...] = added._data
        return self

    def roll(self, shifts, dims=None):
        """Shift the entries cyclically along `dims` (the flattened tensor when None)."""
        if dims is None:
            return self.reshape(-1).roll(shifts, 0).reshape(self.shape)
        shifts, dims = (shifts, dims) if isinstance(shifts, (tuple, list)) else ((shifts,), (dims,))
        out = self
        for shift, dim in zip(shifts, dims):
            d = check_dim(dim, self._data.ndim, "roll")
            order = np.roll(np.arange(self._data.shape[d]), int(shift))
            out = out[(slice(None),) * d + (order,)]
        return out

    def tril(self, diagonal: int = 0):
        """The lower triangle (entries with column - row <= diagonal), zeros above (also where self is inf or nan:
        a where, not a product with a 0/1 mask)."""
        keep = np.tril(np.ones(self._data.shape[-2:], dtype=bool), diagonal)
        return named(core_where(keep, self, lifted(0, self.dtype, self)), "tril")

    def triu(self, diagonal: int = 0):
        """The upper triangle (entries with column - row >= diagonal), zeros below (as tril)."""
        keep = np.triu(np.ones(self._data.shape[-2:], dtype=bool), diagonal)
        return named(core_where(keep, self, lifted(0, self.dtype, self)), "triu")

    def diag(self, diagonal: int = 0):
        """A 1-D tensor's diagonal matrix, or a 2-D tensor's diagonal as a 1-D tensor."""
        check_float_op(self.dim() in (1, 2), f"diag(): Supports 1D or 2D tensors. Got {self.dim()}D")
        if self.dim() == 1:
            n = self._data.shape[0] + abs(diagonal)
            rows = np.arange(self._data.shape[0]) + max(-diagonal, 0)
            cols = np.arange(self._data.shape[0]) + max(diagonal, 0)
            picks = np.zeros((n, n, self._data.shape[0]), dtype=self._data.dtype)
            picks[rows, cols, np.arange(self._data.shape[0])] = 1
            return core.Tensor.__matmul__(leaf_like(self, picks), self)
        i = np.arange(max(min(self._data.shape[0] + min(diagonal, 0), self._data.shape[1] - max(diagonal, 0)), 0))
        return self[(i + max(-diagonal, 0), i + max(diagonal, 0))]

    def lerp(self, end, weight):
        """self + weight * (end - self)."""
        return self + (end - self) * weight

    def ravel(self):
        """The entries as a 1-D tensor."""
        return self.reshape(-1)

    def stride(self, dim=None):
        """Steps in elements between neighbours along each dimension (or one)."""
        steps = tuple(s // self._data.itemsize for s in self._data.strides)
        return steps if dim is None else steps[check_dim(dim, self._data.ndim, "stride")]

    def _product(self, other, fn: str, arg: str):
        """self @ other for mm, bmm, mv, dot: a Tensor `other`, both of the dims fn multiplies (no broadcasting)."""
        check_product(fn, self._data, check_tensor(other, fn, arg)._data)
        return named(self @ other, fn)                  # MmBackward0, BmmBackward0, ... as PyTorch names them

    def mm(self, mat2):
        """The product of two matrices, (n, k) @ (k, m)."""
        return self._product(mat2, "mm", "mat2")

    def bmm(self, mat2):
        """A batch of matrix products, (b, n, k) @ (b, k, m)."""
        return self._product(mat2, "bmm", "mat2")

    def mv(self, vec):
        """A matrix times a vector, (n, k) @ (k,)."""
        return self._product(vec, "mv", "vec")

    def dot(self, tensor):
        """The dot product of two vectors."""
        return self._product(tensor, "dot", "tensor")
