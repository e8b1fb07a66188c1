"""Ops that move numbers around without doing arithmetic: reshape, transpose, indexing and casting.
Each backward routes the gradient back to where the numbers came from. (Joining several Tensors,
concatenate, stack and where, is in join.py.) Last, spare_buffer: the backward's big buffers, reused.
"""
import sys

import numpy as np

from .autograd import Deferred
from .op_checks import check_permutation, float_dtype, is_basic_index, plain_index


def reshape(x, shape):
    """The same numbers in a new shape; the gradient is reshaped back."""
    old = x._data.shape
    try:
        out = x._data.reshape(shape)
    except (ValueError, TypeError):
        raise ValueError(f"reshape: cannot reshape a Tensor of shape {old} ({x._data.size} elements) "
                         f"into {tuple(shape)}") from None
    return x._child(out, (x,), lambda g: (g.reshape(old),), "reshape")


def transpose(x, axes):
    """Permute the axes (reverse them when `axes` is empty); the gradient is permuted back."""
    if not axes and x._data.ndim == 2:           # fast path for W.T, which is its own inverse: the plain
        return x._child(x._data.T, (x,), lambda g: (g.T,), "transpose")   # code below with axes (1, 0)
    axes = tuple(axes) if axes else tuple(reversed(range(x._data.ndim)))
    check_permutation(axes, x._data.ndim, x._data.shape)
    inverse = tuple(np.argsort([a % x._data.ndim for a in axes]))
    return x._child(x._data.transpose(axes), (x,), lambda g: (g.transpose(inverse),), "transpose")


class IndexedGrad(Deferred):
    """A gradient that is zero except for `value` at `index`: what the backward of `x[index]` returns.

    The plain backward would hand back np.zeros(x.shape) with g written at `index`. In a T-step loop
    each `x[t]` would then make a full zero array with one slice filled, and summing those costs O(T)
    per step, O(T^2) per sequence. Left as an IndexedGrad, all of a node's slices are written into one
    zero buffer when the engine totals them. `repeats` marks integer-array indices, whose repeated
    entries must add up (np.add.at) rather than overwrite.
    """

    __slots__ = ("index", "value", "repeats")

    def __init__(self, index, value, repeats: bool):
        self.index, self.value, self.repeats = index, value, repeats

    @classmethod
    def total(cls, parts: list, like) -> np.ndarray:
        """One zero buffer like `like` with every part's value added at its index. Fast path for a
        buffer of a page or more that the parts tile exactly (x_proj[t] for every t, a packed
        pre-activation's gate blocks): each value is copied into place, with no zero fill and no reading
        back (the plain code below; on smaller buffers it costs less than checking the indices)."""
        if like.nbytes >= TILE_BYTES and tiles(parts, like.shape):
            buffer = spare_buffer(like.shape, like.dtype)
            for part in parts:
                buffer[part.index] = part.value
            return buffer
        buffer = spare_buffer(like.shape, like.dtype, fill=0)     # plain: np.zeros(like.shape, like.dtype)
        for part in parts:
            if part.repeats:
                np.add.at(buffer, part.index, part.value)
            else:
                buffer[part.index] += part.value
        return buffer


TILE_BYTES = 4096       # IndexedGrad.total checks for an exact tiling from this size up (a page)


def tiles(parts: list, shape: tuple) -> bool:
    """Whether the parts' indices cut `shape` into disjoint bands along one axis that cover all of it."""
    bands = [band(part.index, shape) for part in parts]
    if None in bands or len({axis for axis, _, _ in bands}) != 1:
        return False
    bands.sort()
    covered = 0
    for _, start, stop in bands:
        if start != covered:
            return False                # a gap or an overlap
        covered = stop
    return covered == shape[bands[0][0]]


_BAND_ITEMS = {int, slice, type(Ellipsis)}


def band(index, shape: tuple):
    """(axis, start, stop) when `index` selects rows start..stop-1 of one axis and all of every other
    axis (an int, a step-1 slice, either after an Ellipsis); None for any other index."""
    if type(index) is int:                      # fast path for x_proj[t]: what the code below finds
        start = index % shape[0]
        return 0, start, start + 1
    if type(index) is tuple and len(index) == 2 and index[0] is Ellipsis and type(index[1]) is slice:
        start, stop, step = index[1].indices(shape[-1])     # and for a gate block a[..., k*H:(k+1)*H]
        return (len(shape) - 1, start, stop) if step == 1 else None
    items = index if type(index) is tuple else (index,)
    if not _BAND_ITEMS.issuperset(map(type, items)):
        return None
    if Ellipsis in items:
        at = items.index(Ellipsis)
        items = items[:at] + (slice(None),) * (len(shape) - len(items) + 1) + items[at + 1:]
    if len(items) > len(shape) or Ellipsis in items:
        return None
    cut = [(axis, item) for axis, item in enumerate(items) if item != slice(None)]
    if len(cut) != 1:
        return None
    axis, item = cut[0]
    if type(item) is int:
        start = item % shape[axis]
        return axis, start, start + 1
    start, stop, step = item.indices(shape[axis])
    return (axis, start, stop) if step == 1 else None


def getitem(x, index):
    """x[index] with numpy semantics; the gradient is scattered back, repeated indices adding up."""
    basic = is_basic_index(index)
    if not basic:                       # fast path: ints and slices (x_proj[t], gate blocks) need no checks
        index = plain_index(index)
    try:
        out = x._data[index]
    except IndexError as err:
        raise IndexError(f"Tensor index {index!r} is invalid for shape {x._data.shape}: {err}") from None
    if basic and type(index) is tuple:
        # fast path for a tuple of ints and slices, such as a gate block (..., k*H:(k+1)*H) that every step shares:
        # the index is itself the saved tuple, so the node adds no tuple for Python's collector to walk (a slice
        # is a tracked object, and so is every tuple holding one); the plain code is the general case below
        return x._child(np.asarray(out), (x,), _tuple_index_backward, "index", index)
    parts = index if isinstance(index, tuple) else (index,)
    repeats = not basic and any(isinstance(p, np.ndarray) and p.dtype.kind != "b" for p in parts)
    return x._child(np.asarray(out), (x,), _index_backward, "index", (index, repeats))


def _index_backward(index, repeats: bool, g) -> tuple:
    """x[index]'s local backward: g scattered back to `index` (kept in `saved`, not a closure: see Node)."""
    return (IndexedGrad(index, g, repeats),)


def _tuple_index_backward(*index_and_g) -> tuple:
    """_index_backward for a basic tuple index saved as itself: the items of the index, then g."""
    return (IndexedGrad(index_and_g[:-1], index_and_g[-1], False),)


def astype(x, dtype):
    """Cast to float32 or float64; the gradient is cast back to the input's dtype."""
    dtype = float_dtype(dtype, "astype: Tensors hold float32 or float64")
    source = x._data.dtype
    return x._child(x._data.astype(dtype), (x,), lambda g: (g.astype(source),), "astype")


def unheld(array) -> bool:
    """Whether nothing holds `array` but the one name (or slot) it was passed from: no graph, gradient
    or view of it is alive, so it may be written in place or handed out again without anyone seeing.
    The rule of spare_buffer below and of the optimizers' in-place update (optim/optimizer.py)."""
    return sys.getrefcount(array) <= _UNHELD


def _refs(array) -> int:
    """sys.getrefcount(array) seen from inside a function, as unheld() sees it."""
    return sys.getrefcount(array)


def _unheld_count() -> int:
    """What unheld() sees for an array one name holds (3 on CPython 3.11: the name, the argument and
    getrefcount's own), measured rather than assumed, as interpreters count differently."""
    probe = np.empty(0)
    return _refs(probe)


_UNHELD = _unheld_count()
_spares = {}            # (shape, dtype) -> the last big buffer of that kind handed out, newest kind last
SPARES = 8              # the most buffers kept between backward passes
SPARE_BYTES = 2**18     # smaller buffers are plain np.empty: malloc keeps small blocks mapped anyway


def spare_buffer(shape: tuple, dtype, fill=None) -> np.ndarray:
    """np.empty(shape, dtype) (np.full(shape, fill, dtype) with `fill`), but for a big buffer the last one
    of that shape and dtype again, if nothing else holds it.

    A training step's backward makes the same big short-lived arrays every step: IndexedGrad's zero
    buffer and ProductGrad's stacked factors. Freed, their memory may go back to the OS, and the next step
    pays a page fault per 4 KiB page to get it again. So the last one of each kind is kept here, and is
    handed out again only when nothing but the local name holds it (`unheld`): no gradient, graph or view
    of it is alive, so no caller can see it change. Each dict operation below is atomic, so threads
    running backward at once are safe too.
    """
    key = (tuple(shape), np.dtype(dtype))
    buffer = _spares.pop(key, None)
    if buffer is None or not unheld(buffer):
        buffer = np.empty(key[0], key[1])
    if buffer.nbytes >= SPARE_BYTES:
        _spares[key] = buffer                           # the newest kind last
        for stale in list(_spares)[:-SPARES]:
            _spares.pop(stale, None)                    # forget the oldest kinds
    if fill is not None:
        buffer.fill(fill)
    return buffer
