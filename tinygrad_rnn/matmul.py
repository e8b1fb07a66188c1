"""Matrix products: `a @ b` with numpy's rules, and `linear(x, W, b) = x W^T + b`, the product every
layer makes.

Both are single ops with their own local backward. `linear` could be composed as `x @ W.T + b`
(three nodes); as one node it is what PyTorch's F.linear is: the weight's gradient goes straight into
the weight (no transposed copy per use, which matters when a recurrent weight is used at every step),
and one node per use keeps the unrolled graph small.
"""
from __future__ import annotations

import numpy as np

from .autograd import ProductGrad
from .tensor import Tensor, unbroadcast


def matmul(x: Tensor, y: Tensor) -> Tensor:
    """Matrix product with numpy's rules. A 1-D operand is treated as a row (left) or column (right)
    matrix so that one rule serves every case: da = g @ b^T and db = a^T @ g, each summed back over
    broadcast batch axes."""
    a, b = x.data, y.data
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: operands must be at least 1-D, got shapes {a.shape} and {b.shape}")
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not align: inner sizes "
                         f"{a.shape[-1]} != {b.shape[-2 if b.ndim > 1 else 0]}")
    try:
        out = np.matmul(a, b)
    except ValueError:
        raise ValueError(f"matmul: cannot broadcast the batch axes of {a.shape} and {b.shape}") from None
    need_a, need_b = x.requires_grad, y.requires_grad
    if a.ndim == 2 and b.ndim == 2:
        # np.dot, not @, in the backward: with a batch of one, a^T @ g has inner size 1, where numpy's
        # matmul is about ten times slower than np.dot (numpy 2.4, OpenBLAS); for 2-D they agree
        return x._child(out, (x, y), lambda g: (np.dot(g, b.T) if need_a else None,
                                                np.dot(a.T, g) if need_b else None), "matmul")
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b

    def backward(g):
        g2 = g.reshape(np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1]))
        ga = unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape) if need_a else None
        gb = unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape) if need_b else None
        return ga, gb
    return x._child(out, (x, y), backward, "matmul")


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """out = x W^T + b for x (..., in), weight W (out, in), bias b (out,) or None; out is (..., out).

    One node. With the leading axes of x and g (the gradient of out) flattened into rows:
    dx = g W, dW = g^T x (the sum over rows of each row's outer product), db = g summed over rows.
    dW is handed back as a ProductGrad, so that the engine can sum a shared weight's T products as one.
    """
    parents = (x, weight) if bias is None else (x, weight, bias)
    for arg, value in zip(("x", "weight", "bias"), parents):
        if not isinstance(value, Tensor):
            raise TypeError(f"linear: {arg} must be a Tensor, got {type(value).__name__}")
    a, w = x.data, weight.data
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got shape {w.shape}")
    n_out, n_in = w.shape
    if a.ndim == 0 or a.shape[-1] != n_in:
        raise ValueError(f"linear: x must have shape (..., {n_in}) to match weight {w.shape} "
                         f"(out_features, in_features), got {a.shape}")
    if bias is not None and bias.data.shape != (n_out,):
        raise ValueError(f"linear: bias must have shape {(n_out,)} (out_features,), got {bias.data.shape}")
    rows_x = a if a.ndim == 2 else a.reshape(-1, n_in)      # (N, in): the leading axes as rows
    out = np.dot(rows_x, w.T)                                # a 2-D product: BLAS
    if bias is not None:
        b = bias.data
        out = np.add(out, b, out=out if out.dtype == b.dtype else None)       # numpy's dtype promotion
    if a.ndim != 2:
        out = out.reshape(a.shape[:-1] + (n_out,))
    need_x, need_w = x.requires_grad, weight.requires_grad
    need_b = bias is not None and bias.requires_grad

    def backward(g):
        rows = g if g.ndim == 2 else g.reshape(-1, n_out)
        grads = (np.dot(rows, w).reshape(a.shape) if need_x else None,
                 ProductGrad(rows, rows_x) if need_w else None)
        return grads if bias is None else grads + (rows.sum(axis=0) if need_b else None,)
    return x._child(out, parents, backward, "linear")
