"""Looking inside BPTT: how big the gradient is at each time step, and why.

After `loss.backward()` (with the default keep_grads=True) every intermediate keeps its gradient, so
||dL/dh_t|| can simply be read off the hidden states a loop kept; `backward(keep_grads=False)` drops
them, and then there is nothing to read. The reason it shrinks or grows is the product of step Jacobians
dh_t/dh_k = prod_{j=k+1..t} dh_j/dh_{j-1}; `jacobian` computes it with one backward pass per
output entry, and its singular values show whether it contracts (vanishing) or expands (exploding).
"""
from __future__ import annotations

import numpy as np

from .autograd import run_backward, topological_order
from .gradcheck import grads_kept
from .tensor import Tensor


def grad_norms(states, ord=None) -> np.ndarray:
    """||dL/dh_t|| for each Tensor in `states` (read from .grad after backward; 0 where none arrived)."""
    norms = []
    for t, h in enumerate(_state_list(states)):
        if not isinstance(h, Tensor):
            raise TypeError(f"grad_norms: states[{t}] must be a Tensor, got {type(h).__name__}")
        norms.append(0.0 if h._grad is None else float(np.linalg.norm(h._grad.ravel(), ord=ord)))
    return np.array(norms)


def jacobian(later: Tensor, earlier: Tensor) -> np.ndarray:
    """d later / d earlier as a (later.size, earlier.size) matrix, row i from a backward pass seeded
    with the i-th unit vector. `earlier` must be in the graph of `later` and require grad. Every
    `.grad` in the graph is left as it was found.
    """
    order = _check_jacobian(later, earlier)
    rows = np.zeros((later.size, earlier.size), dtype=later.dtype)
    with grads_kept(later):
        for i in range(later.size):
            seed = np.zeros(later.shape, dtype=later.dtype)
            seed.flat[i] = 1.0
            for node in order:
                node._grad = None
            run_backward(later, seed)
            if earlier._grad is not None:
                rows[i] = earlier._grad.ravel()
    return rows


def jacobian_singular_values(later: Tensor, earlier: Tensor) -> np.ndarray:
    """Singular values of d later / d earlier, largest first: below 1 the map shrinks every direction."""
    return np.linalg.svd(jacobian(later, earlier), compute_uv=False)


def _state_list(states) -> list:
    """grad_norms' states as a list; a single Tensor is refused, since its rows (new nodes) never get a grad."""
    if isinstance(states, Tensor):
        raise TypeError(f"grad_norms: states must be a list of the Tensors whose gradients you want (the h_t a "
                        f"loop kept), got a single Tensor of shape {states.shape}: slicing it makes new nodes, "
                        "which backward() never reached")
    try:
        return list(states)
    except TypeError:
        raise TypeError(f"grad_norms: states must be a list of Tensors, got {type(states).__name__}") from None


def _check_jacobian(later, earlier) -> list:
    """Both Tensors requiring grad, `later` computed from `earlier`; returns later's topological order."""
    for name, x in (("later", later), ("earlier", earlier)):
        if not isinstance(x, Tensor):
            raise TypeError(f"jacobian: {name} must be a Tensor, got {type(x).__name__}")
    order = topological_order(later) if later.requires_grad and earlier.requires_grad else []
    if not any(node is earlier for node in order):
        raise ValueError("jacobian: both Tensors must require grad, and later must be computed from earlier")
    return order
