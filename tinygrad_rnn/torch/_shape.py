"""torch.Tensor's shape methods, each composed from the core's reshape, transpose, indexing and joins,
so their derivatives are the core's."""
import warnings

import numpy as np

from .. import shape_ops
from .. import tensor as core
from ..autograd import Node
from ..broadcast import unbroadcast
from ._autograd import named
from .checks import (check_dim, check_expand, check_float_op, check_index_tensor, check_narrow, check_view_shape,
                     dims_of, index_error, numpy_names, shape_of)

_contiguous = core._unary("clone", np.ascontiguousarray, lambda g, a, out: g)


def _index(index):
    """A PyTorch index with dialect Tensors replaced by what numpy reads the same way: bool (and byte)
    tensors mask, integer ones gather, and a 0-d integer tensor selects like an int (giving a view)."""
    if isinstance(index, tuple):
        return tuple(_index(i) for i in index)
    if not isinstance(index, Node):
        return index
    a = check_index_tensor(index._data)
    if a.dtype == np.uint8:
        warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
                      stacklevel=3)
        return a.astype(bool)
    return int(a) if a.ndim == 0 and a.dtype.kind in "iu" else a


def _viewed(x, shape: tuple):
    """x's data in `shape` without copying, or PyTorch's complaint when the strides do not allow it."""
    out = shape_ops.reshape(x, check_view_shape(shape, x._data.size))
    check_float_op(not x._data.size or np.may_share_memory(out._data, x._data), "view size is not compatible "
                   "with input tensor's size and stride (at least one dimension spans across two contiguous "
                   "subspaces). Use .reshape(...) instead.")
    return out


class ShapeMethods:
    """view, permute, squeeze, expand, narrow, chunk and the other shape methods of torch.Tensor."""

    __slots__ = ()

    def size(self, dim=None):
        """The shape (a torch.Size), or the length of one dimension."""
        return self.shape if dim is None else self._data.shape[check_dim(dim, self._data.ndim, "size")]

    def dim(self) -> int:
        """The number of dimensions."""
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        """The number of elements."""
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        """Bytes per element."""
        return self._data.itemsize

    def view(self, *shape):
        """The same memory in another shape (one entry may be -1); the strides must allow it (else reshape)."""
        return _viewed(self, shape_of(shape, "view"))

    def reshape(self, *shape):
        """The same numbers in another shape (one entry may be -1): a view when possible, else a copy."""
        return shape_ops.reshape(self, check_view_shape(shape_of(shape, "reshape"), self._data.size))

    def view_as(self, other):
        """view(other.size())."""
        return self.view(other.shape)

    def reshape_as(self, other):
        """reshape(other.size()): a copy when the strides do not allow a view, as reshape."""
        return self.reshape(other.shape)

    def contiguous(self, memory_format=None):
        """self if its memory is laid out row by row, else such a copy (after t(), permute, expand, ...)."""
        return self if self._data.flags.c_contiguous else _contiguous(self)

    def is_contiguous(self, memory_format=None) -> bool:
        """Whether the memory is laid out row by row (a transpose or an expand is not)."""
        return bool(self._data.flags.c_contiguous)

    def permute(self, *dims):
        """Reorder the dimensions."""
        return named(shape_ops.transpose(self, dims_of(dims, self._data.ndim, "permute")), "permute")

    def transpose(self, dim0, dim1):
        """Swap two dimensions."""
        order = list(range(self._data.ndim))
        i, j = check_dim(dim0, self._data.ndim, "transpose"), check_dim(dim1, self._data.ndim, "transpose")
        order[i], order[j] = order[j], order[i]
        return shape_ops.transpose(self, tuple(order))

    swapaxes = swapdims = transpose

    def t(self):
        """The transpose of a matrix (a vector or scalar is returned as it is)."""
        if self._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D")
        return named(self.transpose(0, 1) if self._data.ndim == 2 else shape_ops.reshape(self, self._data.shape), "t")

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        """Merge dimensions start_dim..end_dim into one."""
        shape = self._data.shape
        if not shape:
            return self.reshape(1)
        s, e = check_dim(start_dim, len(shape), "flatten"), check_dim(end_dim, len(shape), "flatten")
        check_float_op(s <= e, "flatten() has invalid args: start_dim cannot come after end_dim")
        return self.reshape(shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:]) if s < e else self

    def unflatten(self, dim: int, sizes):
        """Split dimension `dim` into `sizes`."""
        d = check_dim(dim, self._data.ndim, "unflatten")
        sizes, n = tuple(sizes), self._data.shape[d]
        check_float_op(-1 in sizes or int(np.prod(sizes)) == n, f"unflatten: Provided sizes {list(sizes)} don't "
                       f"multiply up to the size of dim {d} ({n}) in the input tensor")
        return self.view(self._data.shape[:d] + sizes + self._data.shape[d + 1:])

    def squeeze(self, dim=None):
        """Drop dimensions of length 1 (all, or those named by `dim` that have length 1)."""
        shape = self._data.shape
        dims = range(len(shape)) if dim is None else dims_of((dim,), len(shape), "squeeze", permutation=False)
        drop = {d for d in dims if shape[d] == 1}
        return named(self.reshape(tuple(n for i, n in enumerate(shape) if i not in drop)),
                     "squeeze" if dim is None else "squeeze(dim)")

    def unsqueeze(self, dim: int):
        """Insert a dimension of length 1 at `dim`."""
        d = check_dim(dim, self._data.ndim + 1, "unsqueeze")
        return named(self.reshape(self._data.shape[:d] + (1,) + self._data.shape[d:]), "unsqueeze")

    def expand(self, *sizes):
        """A read-only view broadcast to `sizes` (-1 keeps a dimension); the gradient sums back."""
        shape = self._data.shape
        target = check_expand(shape, shape_of(sizes, "expand"))
        return self._child(np.broadcast_to(self._data, target), (self,), lambda g: (unbroadcast(g, shape),), "expand")

    def expand_as(self, other):
        """expand(other.size())."""
        return self.expand(other.shape)

    def repeat(self, *sizes):
        """Tile: repeat the tensor sizes[i] times along dimension i (a copy); the gradient sums the tiles."""
        sizes = shape_of(sizes, "repeat")
        check_float_op(len(sizes) >= self._data.ndim, "Number of dimensions of repeat dims can not be smaller than "
                       "number of dimensions of tensor")
        x = self.reshape((1,) * (len(sizes) - self._data.ndim) + self._data.shape)
        tiles = [n for pair in zip(sizes, x._data.shape) for n in pair]
        return core._unary("repeat", lambda a: np.tile(a, sizes), lambda g, a, out: g.reshape(tiles).sum(
            axis=tuple(range(0, len(tiles), 2))))(x)

    def narrow(self, dim: int, start: int, length: int):
        """The slice start:start+length along `dim` (a view)."""
        d = check_dim(dim, self._data.ndim, "narrow")
        start = check_narrow(int(start), int(length), self._data.shape[d])
        return self[(slice(None),) * d + (slice(start, start + int(length)),)]

    def split(self, split_size_or_sections, dim: int = 0):
        """Pieces of `split_size` along `dim` (the last may be shorter), or of the listed sizes."""
        d = check_dim(dim, self._data.ndim, "split")
        n = self._data.shape[d]
        if isinstance(split_size_or_sections, (int, np.integer)):
            step = int(split_size_or_sections)
            check_float_op(step > 0 or n == 0, "split_size can only be 0 if dimension size is 0, but got dimension "
                           f"size of {n}")
            bounds = [(i, min(i + step, n)) for i in range(0, n, step)] or [(0, 0)]
        else:
            sizes = [int(k) for k in split_size_or_sections]
            check_float_op(sum(sizes) == n, f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                           f"tensor's size at dimension {d}), but got split_sizes={sizes}")
            ends = np.cumsum(sizes)
            bounds = list(zip([0, *ends[:-1]], ends))
        return tuple(named(self[(slice(None),) * d + (slice(int(a), int(b)),)], "split") for a, b in bounds)

    def chunk(self, chunks: int, dim: int = 0):
        """At most `chunks` pieces of equal size (ceil(n / chunks)) along `dim`."""
        n = self._data.shape[check_dim(dim, self._data.ndim, "chunk")]
        check_float_op(int(chunks) > 0, f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        return self.split(max(-(-n // int(chunks)), 1), dim)

    def unbind(self, dim: int = 0):
        """The slices along `dim`, each without that dimension."""
        d = check_dim(dim, self._data.ndim, "unbind")
        return tuple(named(self[(slice(None),) * d + (i,)], "unbind") for i in range(self._data.shape[d]))

    def flip(self, *dims):
        """Reverse the order along each of `dims` (a copy, as in PyTorch)."""
        axes = dims_of(dims, self._data.ndim, "flip", permutation=False)
        return core._unary("flip", lambda a: np.flip(a, axes).copy(), lambda g, a, out: np.flip(g, axes))(self)

    def __getitem__(self, index):
        """PyTorch indexing: ints, slices, None, Ellipsis, bool masks and integer tensors (views for the
        basic ones, copies for masks and index tensors)."""
        index = _index(index)
        try:
            out = shape_ops.getitem(self, index)
        except IndexError as err:
            raise index_error(err, self._data.shape, index) from None
        parts = [p for p in (index if isinstance(index, tuple) else (index,))
                 if not (p is None or p is Ellipsis or isinstance(p, slice) and p == slice(None))]
        if not any(isinstance(p, (np.ndarray, list)) for p in parts):
            return named(out, "select" if parts and isinstance(parts[-1], (int, np.integer)) else "slice")
        return out

    def __len__(self) -> int:
        if not self._data.ndim:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        """The rows t[0], t[1], ... (views, each a node of the graph); a 0-d tensor has none."""
        if not self._data.ndim:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))


for _name in ("size", "squeeze", "unsqueeze", "narrow", "chunk", "unbind"):   # t.squeeze(axis=0), as PyTorch reads it
    setattr(ShapeMethods, _name, numpy_names(getattr(ShapeMethods, _name)))
