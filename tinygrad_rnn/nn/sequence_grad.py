"""One gradient array for a whole sequence of fused steps: each step writes its rows, nobody copies them.

A sequence layer computes the input part of every step at once, x_proj (T, B, G*H). Each fused step t
then computes da_t, the gradient of its packed pre-activation, and hands it to two parents: to x_proj,
at row t, and to the recurrent weight W_hh, as the product da_t^T h_{t-1}. The plain way holds da
three times at the end of the backward pass: the T per-step arrays, x_proj's gradient with each of
them copied into its row, and their stack for W_hh's one product (matmul.ProductGrad). The
hand-written numpy step holds it once: one (T, B, G*H) array, written row by row.

`SequenceGrad` is that array. The steps of one layer and direction share it; step t writes da_t into
`row(t)` and hands its parents two Deferred parts that point at the row:
- `SequenceRows` for x_proj: when all T rows were written in this pass, their total is the array
  itself (the plain total: a zero array with each part added at its row, which stays the path for a
  backward pass that reached only some of the steps);
- `SequenceProduct` for W_hh: sum_t da_t^T h_{t-1}, as products of the array's rows with the h_{t-1}
  stacked a block of steps at a time (the plain sum: ProductGrad.total of the same factors, which also
  stays the path for a partial pass).
x_proj takes the array when it settles, so the next backward pass writes into a new one (an earlier
pass's x_proj.grad is never overwritten). W_hh settles after x_proj (it was made first) and its parts
still read the array then; nothing writes into it in between, since the steps are x_proj's only
consumers in a sequence layer, so no other gradient is added into x_proj's.
"""
from __future__ import annotations

import numpy as np

from ..autograd import Deferred
from ..matmul import ProductGrad
from ..shape_ops import SPARE_BYTES, spare_buffer


class SequenceGrad:
    """The (T, B, G*H) gradient of one sequence's x_proj, shared by its T fused steps."""

    __slots__ = ("shape", "dtype", "array")

    def __init__(self, x_proj):
        self.shape, self.dtype, self.array = x_proj.shape, x_proj.dtype, None

    def row(self, t: int) -> np.ndarray:
        """Step t's (B, G*H) row of this pass's array, to be written (the array is made on first use)."""
        if self.array is None:
            self.array = spare_buffer(self.shape, self.dtype)
        return self.array[t]

    def take(self) -> np.ndarray:
        """This pass's array, now x_proj's gradient; the next pass writes into a new one."""
        array, self.array = self.array, None
        return array


class SequenceRows(Deferred):
    """x_proj's gradient at row t: the row step t wrote into `grad`'s current array."""

    __slots__ = ("grad", "array", "t")

    def __init__(self, grad: SequenceGrad, t: int):
        self.grad, self.array, self.t = grad, grad.array, t

    @property
    def value(self) -> np.ndarray:
        """The row itself."""
        return self.array[self.t]

    @classmethod
    def total(cls, parts: list, like) -> np.ndarray:
        """The shared array, when every one of its T rows was written in this pass; else the plain total."""
        grad = parts[0].grad
        if len(parts) == like.shape[0] and all(p.grad is grad and p.array is grad.array for p in parts):
            return grad.take()
        total = np.zeros_like(like)
        for part in parts:
            total[part.t] += part.value
        return total


class SequenceProduct(Deferred):
    """W_hh's gradient from step t, da_t^T h_{t-1}: row t of `array` times `right` (h_{t-1}, (B, H))."""

    __slots__ = ("array", "t", "right")

    def __init__(self, grad: SequenceGrad, t: int, right: np.ndarray):
        self.array, self.t, self.right = grad.array, t, right

    @property
    def value(self) -> np.ndarray:
        """The product itself."""
        return np.dot(self.array[self.t].T, self.right)

    @classmethod
    def total(cls, parts: list, like) -> np.ndarray:
        """sum_t da_t^T h_{t-1}. With every row of the array present: the array's rows times the h_{t-1}
        stacked in the order of t, one product per block of steps whose stack fills a spare buffer of
        SPARE_BYTES (so no copy of all T h_{t-1} is made). Otherwise the plain sum of the same factors,
        ProductGrad.total."""
        array = parts[0].array
        if len(parts) != array.shape[0] or any(p.array is not array for p in parts):
            return ProductGrad.total([ProductGrad(p.array[p.t], p.right) for p in parts], like)
        rights = [p.right for p in sorted(parts, key=lambda p: p.t)]
        B, H = rights[0].shape
        steps = min(len(rights), max(1, SPARE_BYTES // rights[0].nbytes))
        stack = spare_buffer((steps * B, H), rights[0].dtype)
        total = np.zeros(like.shape, np.result_type(array, stack))
        for t in range(0, len(rights), steps):
            block = rights[t:t + steps]
            np.concatenate(block, out=stack[:len(block) * B])
            total += np.dot(array[t:t + len(block)].reshape(-1, array.shape[-1]).T, stack[:len(block) * B])
        return total.astype(like.dtype, copy=False)
