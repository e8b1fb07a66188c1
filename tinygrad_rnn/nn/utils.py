"""Gradient clipping, the standard remedy for exploding gradients in recurrent nets.

Norm clipping (Pascanu et al., 2013, the lectures' Algorithm 1) rescales all gradients together when
their joint norm is too large, so the direction of the step is kept. Element-wise (value) clipping
clamps every entry on its own. Both change `.grad` in place, between `backward()` and `step()`.
"""
from __future__ import annotations

from numbers import Real
from typing import Iterable, Union

import numpy as np

from ..tensor import Tensor

Params = Union[Tensor, Iterable[Tensor]]


def _grads(parameters: Params, fn: str) -> list:
    """The gradient arrays of a Tensor or an iterable of Tensors; Tensors without a grad are skipped."""
    params = _param_list(parameters, fn)
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"{fn}: parameters must be Tensors, got {type(p).__name__} at position {i}")
    check_grads(params, fn)
    return [private_grad(p) for p in params if p._grad is not None]


def _threshold(value, fn: str, arg: str) -> float:
    """A clipping threshold: a number >= 0 (inf allowed, which means no clipping)."""
    if not isinstance(value, Real) or isinstance(value, bool):
        raise TypeError(f"{fn}: {arg} must be a non-negative number, got {type(value).__name__} {value!r}")
    if not value >= 0:                                     # also rejects nan
        raise ValueError(f"{fn}: {arg} must be a non-negative number, got {value}")
    return float(value)


def clip_grad_norm_(parameters: Params, max_norm: float, norm_type: float = 2.0) -> float:
    """Scale all gradients by min(1, max_norm / (total_norm + 1e-6)) in place; returns total_norm.

    total_norm is the p-norm (p = norm_type, which may be float('inf')) of all gradients viewed as
    one long vector, i.e. the p-norm of the per-parameter p-norms. The 1e-6 and the cap at 1 are
    PyTorch's: below the threshold the gradients are multiplied by exactly 1. With no gradients the
    total norm is 0.0. max_norm=inf only measures the norm.
    """
    fn = "clip_grad_norm_"
    max_norm = _threshold(max_norm, fn, "max_norm")
    if not isinstance(norm_type, Real) or isinstance(norm_type, bool) or not norm_type > 0:
        raise ValueError(f"{fn}: norm_type must be a positive number or float('inf'), got {norm_type!r}")
    grads = _grads(parameters, fn)
    total = total_norm(grads, norm_type)
    coefficient = clip_coefficient(max_norm, total)
    for g in grads:
        g *= coefficient                                     # in place: the caller's .grad arrays
    return total


def total_norm(arrays: list, norm_type: float) -> float:
    """The p-norm of the arrays seen as one long vector: the p-norm of their p-norms (0.0 for none)."""
    p = float(norm_type)
    per_array = [np.linalg.norm(a.ravel(), ord=p) for a in arrays]
    return float(np.linalg.norm(np.asarray(per_array, dtype=np.float64), ord=p)) if per_array else 0.0


def clip_coefficient(max_norm: float, total: float) -> float:
    """What clipping to max_norm multiplies every gradient by: min(1, max_norm / (total + 1e-6)), PyTorch's
    (max_norm = inf gives exactly 1)."""
    return min(max_norm / (total + 1e-6), 1.0)


def clip_grad_value_(parameters: Params, clip_value: float) -> None:
    """Clamp every gradient entry to [-clip_value, clip_value] in place (element-wise clipping)."""
    fn = "clip_grad_value_"
    v = _threshold(clip_value, fn, "clip_value")
    for g in _grads(parameters, fn):
        np.clip(g, -v, v, out=g)


def _param_list(parameters, fn: str) -> list:
    """A Tensor or an iterable of them as a list; a Module is refused with the call to use instead."""
    if isinstance(parameters, Tensor):
        return [parameters]
    if hasattr(parameters, "parameters") and callable(parameters.parameters):
        raise TypeError(f"{fn}: parameters must be Tensors, got a {type(parameters).__name__} "
                        "(pass module.parameters())")
    try:
        return list(parameters)
    except TypeError:
        raise TypeError(f"{fn}: parameters must be a Tensor or an iterable of Tensors, "
                        f"got {type(parameters).__name__}") from None


def check_grads(params: list, owner: str) -> None:
    """Each parameter's .grad is None or a float numpy array of the parameter's shape."""
    for i, p in enumerate(params):
        g = p._grad
        if g is None:
            continue
        if not isinstance(g, np.ndarray) or g.dtype.kind != "f":
            got = f"dtype {g.dtype}" if isinstance(g, np.ndarray) else type(g).__name__
            raise TypeError(f"{owner}: parameter {i}'s .grad must be a numpy array of floats, got {got} "
                            "(was .grad assigned by hand?)")
        if g.shape != p._data.shape:
            raise ValueError(f"{owner}: parameter {i} has shape {p._data.shape}, but its "
                             f".grad has shape {g.shape} (was .grad assigned by hand?)")


def private_grad(p: Tensor) -> np.ndarray:
    """p's .grad as an array that p alone holds, so clipping it in place changes nothing else. A leaf's
    is (the engine gives each leaf its own); an intermediate's may be a read-only broadcast view, or the
    very array its neighbours in the graph hold as their .grad, so it is copied first."""
    if p.parents or not p._grad.flags.writeable:
        p._grad = np.array(p._grad)
    return p._grad
