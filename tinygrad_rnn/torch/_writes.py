"""Writes into part of a tensor as ops of the graph, as PyTorch records them: `t[index] = v` (its grad_fn is
CopySlices, or IndexPutBackward0 for a mask or index arrays) and `t.scatter(dim, index, src)` (ScatterBackward0).

The written tensor's gradient is the output's with the written places zeroed (what was there is gone), and
the value's is the output's at those places, summed back to the value's shape. Neither needs a saved array,
so a slice write may go into t's own array when nothing recorded reads it: t is a constant, or itself the
result of such a write (`outputs = torch.zeros(T, B, V)`, then `outputs[t] = out` at every step, the idiom
of many seq2seq programs, which would otherwise copy the whole buffer at every step).
"""
import numpy as np

from ..autograd import Node
from ..broadcast import unbroadcast
from ._math import as_operand

COPY_SLICES, INDEX_PUT = "copy_slices", "index_put"


def slice_written(t, index, value):
    """t with t[index] = value, a node whose parents are t and value (when value is a tensor). The array is
    t's own when nothing recorded reads it (see the module's docstring), else a copy."""
    in_place = not t.parents or t.op in (COPY_SLICES, INDEX_PUT)
    data = t._data if in_place else t._data.copy()
    data[index] = as_operand(value)
    op = _write_name(index)
    if not isinstance(value, Node):
        return t._child(data, (t,), _slice_backward, op, (index, None, None))
    return t._child(data, (t, value), _slice_backward, op, (index, value._data.shape, value._data.dtype))


def _write_name(index) -> str:
    """PyTorch's name for the write: index_put (IndexPutBackward0) for a mask or integer arrays with no plain int
    beside them, else copy_slices (CopySlices: a view of t is written, as for `t[0, idx] = v`)."""
    items = index if isinstance(index, tuple) else (index,)
    advanced = any(isinstance(i, (np.ndarray, list)) for i in items)
    return INDEX_PUT if advanced and not any(isinstance(i, (int, np.integer)) for i in items) else COPY_SLICES


def _slice_backward(index, shape, dtype, g) -> tuple:
    """t[index] = value's local backward: g with the slice zeroed for t; g[index] summed back to value's shape
    and cast to its dtype for value (when it is a tensor)."""
    base = g.copy()
    base[index] = 0
    return (base,) if shape is None else (base, unbroadcast(np.asarray(g[index]), shape).astype(dtype, copy=False))


def scattered(t, dim: int, index: np.ndarray, src):
    """A copy of t with t[index[i][j]][j] = src[i][j] (for dim=0, and so on), src a tensor cut to index's
    shape or a number: a node whose parents are t and src (when src is a tensor)."""
    values = as_operand(src)
    values = values[tuple(slice(0, n) for n in index.shape)] if values.ndim else values
    data = t._data.copy()
    np.put_along_axis(data, index, values, axis=dim)
    if not isinstance(src, Node):
        return t._child(data, (t,), _scatter_backward, "scatter", (dim, index, None))
    return t._child(data, (t, src), _scatter_backward, "scatter", (dim, index, src._data))


def _scatter_backward(dim: int, index: np.ndarray, src, g) -> tuple:
    """scatter's local backward: g with the written places zeroed for t; g at those places for src, zero in
    src's entries past index's shape (when src is a tensor)."""
    base = g.copy()
    np.put_along_axis(base, index, 0, axis=dim)
    if src is None:
        return (base,)
    grad_src = np.zeros_like(src)
    grad_src[tuple(slice(0, n) for n in index.shape)] = np.take_along_axis(g, index, axis=dim)
    return base, grad_src


def index_added(t, dim: int, index: np.ndarray, source, alpha):
    """A copy of t with alpha * source[..., i, ...] added to t[..., index[i], ...] along dim (repeated indices
    add up): a node whose parents are t and source."""
    data = t._data.copy()
    np.add.at(np.moveaxis(data, dim, 0), index, np.moveaxis(alpha * source._data, dim, 0).astype(data.dtype))
    return t._child(data, (t, source), _index_add_backward, "index_add", (dim, index, alpha))


def _index_add_backward(dim: int, index: np.ndarray, alpha, g) -> tuple:
    """index_add's local backward: g itself for t; alpha times g's entries at index along dim for source."""
    return g, alpha * np.take(g, index, axis=dim)


def overwritten(t, value, op: str):
    """t with every entry replaced by value (a number, or a tensor broadcast to t's shape), in t's dtype: a node
    whose parents are t and value (when value is a tensor). t's gradient is zero (nothing of it is left);
    value's is the output's, summed back to value's shape (zero_, fill_ and copy_ as PyTorch records them)."""
    data = np.empty_like(t._data)
    data[...] = as_operand(value)
    if not isinstance(value, Node):
        return t._child(data, (t,), _overwrite_backward, op, (None, None))
    return t._child(data, (t, value), _overwrite_backward, op, (value._data.shape, value._data.dtype))


def _overwrite_backward(shape, dtype, g) -> tuple:
    """overwritten's local backward: zeros for t; g summed back to value's shape and dtype for value."""
    zeros = np.zeros_like(g)
    return (zeros,) if shape is None else (zeros, unbroadcast(g, shape).astype(dtype, copy=False))
