"""The two adjoints every array op needs: undoing numpy's broadcasting, and undoing a reduction.

Broadcasting copies a value along new or size-1 axes, so in the backward pass the copies' gradients
add up: the adjoint of broadcasting is a sum over those axes. A reduction (sum, max) removes axes, so
its gradient is broadcast back over them.
"""
import numpy as np


def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum `g` back to `shape`: the adjoint of broadcasting is a sum over the broadcast axes."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    return g.sum(axis=axes, keepdims=False).reshape(shape) if axes else g.reshape(shape)


def expand_reduced(g: np.ndarray, shape: tuple, axes: tuple, keepdims: bool) -> np.ndarray:
    """Broadcast the gradient of a reduction back over the axes it reduced."""
    if not keepdims:
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, shape)
