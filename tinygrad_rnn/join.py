"""Ops that join several Tensors into one: concatenate, stack, and the elementwise choice where.
Each input gets back its own part of the gradient.
"""
import numpy as np

from .broadcast import unbroadcast
from .op_checks import check_joinable, check_sequence, condition
from .tensor import Tensor


def _joinable(tensors, axis, op: str) -> tuple:
    """(the inputs as Tensors, the joined axis as a non-negative int), all checked; arrays and numbers
    become constants."""
    check_sequence(tensors, op)
    ts = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    return ts, check_joinable(ts, axis, op)


def concatenate(tensors, axis: int = 0) -> Tensor:
    """Join Tensors along an existing axis; each input gets back its own slice of the gradient."""
    ts, axis = _joinable(tensors, axis, "concatenate")
    return concatenate_checked(ts, axis)


def concatenate_checked(ts: list, axis: int) -> Tensor:
    """concatenate of Tensors the caller checked. One with fewer dims than the most (PyTorch's cat lets a (0,)
    tensor join any others) stays out of the join but in the graph, and gets back an empty gradient."""
    ndim = max(t._data.ndim for t in ts)
    bounds = np.cumsum([t._data.shape[axis] if t._data.ndim == ndim else 0 for t in ts])[:-1]
    out = np.concatenate([t._data for t in ts if t._data.ndim == ndim], axis=axis)
    return ts[0]._child(out, tuple(ts), lambda g: tuple(      # a left-out input's slice has size 0: given its shape
        part.reshape(t._data.shape) for part, t in zip(np.split(g, bounds, axis=axis), ts)), "concat")


def stack(tensors, axis: int = 0) -> Tensor:
    """Join same-shape Tensors along a new axis; each input gets back its own slice of the gradient."""
    ts, axis = _joinable(tensors, axis, "stack")
    out = np.stack([t._data for t in ts], axis=axis)
    return ts[0]._child(out, tuple(ts), lambda g: tuple(np.moveaxis(g, axis, 0)), "stack")   # one slice each


def where(cond, a, b) -> Tensor:
    """Elementwise choice: a where cond is true, b elsewhere; the gradient follows the choice."""
    cond = condition(cond)
    a = a if isinstance(a, Tensor) else (b._lift(a) if isinstance(b, Tensor) else Tensor(a))
    b = a._lift(b)
    try:
        out = np.where(cond, a._data, b._data)
    except ValueError:
        raise ValueError(f"where: cannot broadcast cond {cond.shape}, a {a._data.shape} and b {b._data.shape}") \
            from None
    sa, sb, zero = a._data.shape, b._data.shape, np.zeros((), dtype=out.dtype)
    return a._child(out, (a, b), lambda g: (unbroadcast(np.where(cond, g, zero), sa),
                                            unbroadcast(np.where(cond, zero, g), sb)), "where")
