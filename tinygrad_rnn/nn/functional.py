"""Softmax, losses, dropout and embedding lookup, each composed from Tensor ops (no backward of its own),
and `linear` (x W^T + b, one op with its own backward; it lives in tinygrad_rnn/matmul.py).
Each function opens with one check (nn/checks.py) and then reads as its maths."""
from __future__ import annotations

import numpy as np

from ..matmul import linear  # noqa: F401  (re-exported: tr.nn.functional.linear, as in PyTorch)
from ..rng import generator_for
from ..join import concatenate
from ..tensor import Tensor
from .checks import check_along_axis, cross_entropy_targets, dropout_probability, embedding_indices, mse_target


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along `axis`; the max is subtracted first (it cancels) so exp never overflows."""
    check_along_axis(x, axis, "softmax")
    e = (x - x._data.max(axis=axis, keepdims=True)).exp()
    return e / e.sum(axis=axis, keepdims=True)


def logsumexp(x: Tensor, axis: int = -1, keepdims: bool = False) -> Tensor:
    """ln sum(exp(x)) along `axis`; the max m is taken out first and added back (ln sum e^x = m +
    ln sum e^(x - m)), so it stays finite for huge inputs. Its gradient is softmax(x)."""
    check_along_axis(x, axis, "logsumexp")
    m = x._data.max(axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0).astype(x.dtype)     # a row of -inf (or +inf) keeps its -inf (+inf)
    return (x - m).exp().sum(axis=axis, keepdims=keepdims).log() + (m if keepdims else np.squeeze(m, axis))


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """x - logsumexp(x) along `axis`: finite for huge logits."""
    check_along_axis(x, axis, "log_softmax")
    return x - logsumexp(x, axis, keepdims=True)


def cross_entropy(logits: Tensor, targets, reduction: str = "mean", ignore_index: int | None = None) -> Tensor:
    """Negative log-likelihood of integer class `targets` (N,) under softmax(`logits`) (N, C).

    The gradient with respect to the logits is softmax(logits) - onehot(targets), the lectures'
    (yhat_t - y_t). Rows whose target equals `ignore_index` contribute nothing; 'mean' divides by the
    number of rows that count.
    """
    t = cross_entropy_targets(logits, targets, reduction, ignore_index)
    keep = t != ignore_index                                  # the rows that count (all, without ignore_index)
    kept = logits if keep.all() else logits[keep]             # ignored rows never enter, so never give nan
    losses = -log_softmax(kept, axis=1)[np.arange(int(keep.sum())), t[keep]]   # -log yhat of the true class
    if reduction == "none":                                   # ignored rows: 0, in their places
        return losses if keep.all() else concatenate([losses, Tensor(np.zeros(int((~keep).sum()), logits.dtype))])[
            np.argsort(np.r_[np.flatnonzero(keep), np.flatnonzero(~keep)])]
    total = losses.sum()
    return total if reduction == "sum" else total * (1.0 / max(int(keep.sum()), 1))


def mse_loss(prediction: Tensor, target, reduction: str = "mean") -> Tensor:
    """Mean (or sum, or elementwise) squared error; shapes must match exactly, nothing is broadcast."""
    target = mse_target(prediction, target, reduction)
    squared = (prediction - target) ** 2
    return squared if reduction == "none" else squared.sum() if reduction == "sum" else squared.mean()


def dropout(x: Tensor, p: float = 0.5, training: bool = True, generator: np.random.Generator | None = None) -> Tensor:
    """Zero each entry with probability p and scale the rest by 1 / (1 - p) (identity when not training)."""
    p = dropout_probability(x, p, training)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    keep = generator_for(generator, "dropout").random(x.shape) >= p
    return x * (keep / (1.0 - p)).astype(x.dtype)


def embedding(weight: Tensor, indices) -> Tensor:
    """Rows of `weight` (num_embeddings, dim) picked by integer `indices` of any shape."""
    return weight[embedding_indices(weight, indices)]
