"""Ops that move numbers around without doing arithmetic: reshape, transpose, indexing, casting,
concatenate, stack, where. Each backward routes the gradient back to where the numbers came from.
"""
from __future__ import annotations

import numpy as np

from .autograd import IndexedGrad
from .tensor import Tensor, as_array, unbroadcast


_BASIC = frozenset((int, slice, type(Ellipsis), type(None)))    # index parts that select a view (no repeats)


def normalize_axes(axis, ndim: int, op: str) -> tuple:
    """`axis` (None, int or tuple of ints, negatives allowed) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for ax in axes:
        if not isinstance(ax, (int, np.integer)) or isinstance(ax, bool):
            raise TypeError(f"{op}(axis=...) expects ints, got {type(ax).__name__}")
        if not -ndim <= ax < ndim:
            raise ValueError(f"{op}(axis={axis}) is out of range for a Tensor with {ndim} dimensions")
        out.append(int(ax) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}(axis={axis}) repeats an axis")
    return tuple(sorted(out))


def expand_reduced(g: np.ndarray, shape: tuple, axes: tuple, keepdims: bool) -> np.ndarray:
    """Broadcast the gradient of a reduction back over the axes it reduced."""
    if not keepdims:
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, shape)


def reshape(x: Tensor, shape) -> Tensor:
    """The same numbers in a new shape; the gradient is reshaped back."""
    old = x.data.shape
    try:
        out = x.data.reshape(shape)
    except (ValueError, TypeError):
        raise ValueError(f"reshape: cannot reshape a Tensor of shape {old} ({x.data.size} elements) "
                         f"into {tuple(shape)}") from None
    return x._child(out, (x,), lambda g: (g.reshape(old),), "reshape")


def transpose(x: Tensor, axes) -> Tensor:
    """Permute the axes (reverse them when `axes` is empty); the gradient is permuted back."""
    if not axes and x.data.ndim == 2:                    # the matrix transpose W.T: its own inverse
        return x._child(x.data.T, (x,), lambda g: (g.T,), "transpose")
    axes = tuple(axes) if axes else tuple(reversed(range(x.data.ndim)))
    if not _is_permutation(axes, x.data.ndim):
        raise ValueError(f"transpose: axes {axes} are not a permutation of the {x.data.ndim} axes of {x.data.shape}")
    inverse = tuple(np.argsort([a % x.data.ndim for a in axes]))
    return x._child(x.data.transpose(axes), (x,), lambda g: (g.transpose(inverse),), "transpose")


def _plain_index(index) -> object:
    """Replace Tensors inside an index by their (integer) data; reject float and bool-Tensor indices."""
    parts = index if isinstance(index, tuple) else (index,)
    plain = []
    for part in parts:
        if isinstance(part, Tensor):
            part = part.data
            if not np.all(part == np.round(part)):
                raise IndexError("Tensor index: a Tensor used as an index must hold whole numbers")
            part = part.astype(np.intp)
        if isinstance(part, list):
            part = as_array(part, "Tensor index")
        if isinstance(part, np.ndarray) and part.dtype.kind == "f":
            raise IndexError(f"Tensor index: arrays used as indices must be integer or bool, got {part.dtype}")
        plain.append(part)
    return tuple(plain) if isinstance(index, tuple) else plain[0]


def getitem(x: Tensor, index) -> Tensor:
    """x[index] with numpy semantics; the gradient is scattered back, repeated indices adding up."""
    basic = _BASIC.issuperset(map(type, index if type(index) is tuple else (index,)))
    if not basic:                       # ints and slices (x_proj[t], gate blocks) skip the array checks
        index = _plain_index(index)
    try:
        out = x.data[index]
    except IndexError as err:
        raise IndexError(f"Tensor index {index!r} is invalid for shape {x.data.shape}: {err}") from None
    parts = index if isinstance(index, tuple) else (index,)
    advanced = not basic and any(isinstance(p, np.ndarray) and p.dtype.kind != "b" for p in parts)
    return x._child(np.asarray(out), (x,), lambda g: (IndexedGrad(index, g, repeats=advanced),), "index")


def astype(x: Tensor, dtype) -> Tensor:
    """Cast to float32 or float64; the gradient is cast back to the input's dtype."""
    dtype = _dtype(dtype, "astype: Tensors hold float32 or float64")
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"astype: Tensors hold float32 or float64, got {dtype}")
    source = x.data.dtype
    return x._child(x.data.astype(dtype), (x,), lambda g: (g.astype(source),), "astype")


def _as_tensors(tensors, op: str) -> list:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)) or not tensors:
        raise TypeError(f"{op} expects a non-empty list or tuple of Tensors, got {type(tensors).__name__}")
    return [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]


def concatenate(tensors, axis: int = 0) -> Tensor:
    """Join Tensors along an existing axis; each input gets back its own slice of the gradient."""
    ts = _as_tensors(tensors, "concatenate")
    ndim = ts[0].data.ndim
    if ndim == 0:
        raise ValueError("concatenate: 0-d Tensors cannot be concatenated; use stack")
    axis = normalize_axes(axis, ndim, "concatenate")[0]
    for i, t in enumerate(ts):
        others = t.data.shape[:axis] + t.data.shape[axis + 1:]                 # every axis but the joined one
        if t.data.ndim != ndim or others != ts[0].data.shape[:axis] + ts[0].data.shape[axis + 1:]:
            raise ValueError(f"concatenate(axis={axis}): Tensor {i} has shape {t.data.shape}, which does not "
                             f"match Tensor 0's shape {ts[0].data.shape} outside the joined axis")
    bounds = np.cumsum([t.data.shape[axis] for t in ts])[:-1]
    out = np.concatenate([t.data for t in ts], axis=axis)
    return ts[0]._child(out, tuple(ts), lambda g: tuple(np.split(g, bounds, axis=axis)), "concat")


def stack(tensors, axis: int = 0) -> Tensor:
    """Join same-shape Tensors along a new axis; each input gets back its own slice of the gradient."""
    ts = _as_tensors(tensors, "stack")
    for i, t in enumerate(ts):
        if t.data.shape != ts[0].data.shape:
            raise ValueError(f"stack: Tensor {i} has shape {t.data.shape}, but Tensor 0 has {ts[0].data.shape}")
    axis = normalize_axes(axis, ts[0].data.ndim + 1, "stack")[0]
    out = np.stack([t.data for t in ts], axis=axis)
    return ts[0]._child(out, tuple(ts), lambda g: tuple(np.moveaxis(g, axis, 0)), "stack")   # one slice each


def where(cond, a, b) -> Tensor:
    """Elementwise choice: a where cond is true, b elsewhere; the gradient follows the choice."""
    cond = as_array(cond.data if isinstance(cond, Tensor) else cond, "where(cond)")
    if cond.dtype != bool:
        raise TypeError(f"where(cond, a, b) expects a boolean cond, got dtype {cond.dtype}")
    a = a if isinstance(a, Tensor) else (b._lift(a) if isinstance(b, Tensor) else Tensor(a))
    b = a._lift(b)
    try:
        out = np.where(cond, a.data, b.data)
    except ValueError:
        raise ValueError(f"where: cannot broadcast cond {cond.shape}, a {a.data.shape} and b {b.data.shape}") from None
    sa, sb, zero = a.data.shape, b.data.shape, np.zeros((), dtype=out.dtype)
    return a._child(out, (a, b), lambda g: (unbroadcast(np.where(cond, g, zero), sa),
                                            unbroadcast(np.where(cond, zero, g), sb)), "where")


def _is_permutation(axes: tuple, ndim: int) -> bool:
    """Whether `axes` names each of the ndim axes exactly once (negatives count from the end)."""
    for a in axes:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"transpose: axes must be ints, got {type(a).__name__} {a!r} in {axes}")
    in_range = all(-ndim <= a < ndim for a in axes)
    return len(axes) == ndim and in_range and sorted(int(a) % ndim for a in axes) == list(range(ndim))


def _dtype(dtype, expected: str) -> np.dtype:
    """np.dtype(dtype), or a TypeError saying what was `expected` when numpy does not know the name."""
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{expected}, got {dtype!r}") from None
