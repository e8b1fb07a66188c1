"""Softmax, losses, dropout and embedding lookup, each composed from Tensor ops (no backward of its own),
and `linear` (x W^T + b, one op with its own backward; it lives in tinygrad_rnn/matmul.py)."""
from __future__ import annotations

import numpy as np

from ..matmul import linear  # noqa: F401  (re-exported: tr.nn.functional.linear, as in PyTorch)
from ..rng import default_generator
from ..tensor import Tensor, as_array, as_float_array

_REDUCTIONS = ("mean", "sum", "none")


def _tensor(x, fn: str, arg: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}: {arg} must be a Tensor, got {type(x).__name__}")
    return x


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along `axis`; the max is subtracted first (it cancels) so exp never overflows."""
    x = _along_axis(x, axis, "softmax")
    e = (x - x.data.max(axis=axis, keepdims=True)).exp()
    return e / e.sum(axis=axis, keepdims=True)


def logsumexp(x: Tensor, axis: int = -1, keepdims: bool = False) -> Tensor:
    """ln sum(exp(x)) along `axis`; the max m is taken out first and added back (ln sum e^x = m +
    ln sum e^(x - m)), so it stays finite for huge inputs. Its gradient is softmax(x)."""
    x = _along_axis(x, axis, "logsumexp")
    m = x.data.max(axis=axis, keepdims=True)
    return (x - m).exp().sum(axis=axis, keepdims=keepdims).log() + (m if keepdims else np.squeeze(m, axis))


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """x - logsumexp(x) along `axis`: finite for huge logits."""
    x = _along_axis(x, axis, "log_softmax")
    return x - logsumexp(x, axis, keepdims=True)


def _check_reduction(reduction: str, fn: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def cross_entropy(logits: Tensor, targets, reduction: str = "mean", ignore_index: int | None = None) -> Tensor:
    """Negative log-likelihood of integer class `targets` (N,) under softmax(`logits`) (N, C).

    The gradient with respect to the logits is softmax(logits) - onehot(targets), the lectures'
    (yhat_t - y_t). Rows whose target equals `ignore_index` contribute nothing; 'mean' divides by the
    number of rows that count.
    """
    logits = _tensor(logits, "cross_entropy", "logits")
    _check_reduction(reduction, "cross_entropy")
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy: logits must have shape (N, C), got {logits.shape}")
    n, c = logits.shape
    t = _targets(targets, ignore_index)
    if t.shape != (n,):
        raise ValueError(f"cross_entropy: targets must have shape ({n},) to match logits {logits.shape}, got {t.shape}")
    if t.dtype.kind not in "iu":
        if t.dtype.kind != "f" or not np.all(t == np.round(t)):
            raise TypeError(f"cross_entropy: targets must be integer class indices, got dtype {t.dtype}")
        t = t.astype(np.int64)
    keep = np.ones(n, dtype=bool) if ignore_index is None else t != ignore_index
    if np.any((t[keep] < 0) | (t[keep] >= c)):
        bad = t[keep][(t[keep] < 0) | (t[keep] >= c)][0]
        raise ValueError(f"cross_entropy: target {int(bad)} is out of range for {c} classes (0..{c - 1})")
    picked = log_softmax(logits, axis=1)[np.arange(n), np.where(keep, t, 0)]   # log yhat of the true class
    if ignore_index is not None:
        picked = picked * keep.astype(logits.dtype)           # ignored rows count zero
    if reduction == "none":
        return -picked
    total = -picked.sum()
    return total if reduction == "sum" else total * (1.0 / max(int(keep.sum()), 1))


def mse_loss(prediction: Tensor, target, reduction: str = "mean") -> Tensor:
    """Mean (or sum, or elementwise) squared error; shapes must match exactly, nothing is broadcast."""
    prediction = _tensor(prediction, "mse_loss", "prediction")
    _check_reduction(reduction, "mse_loss")
    if not isinstance(target, Tensor):
        target = Tensor(as_float_array(target, "mse_loss: target", integers=prediction.dtype))
    if target.shape != prediction.shape:
        raise ValueError(f"mse_loss: target shape {target.shape} must equal prediction shape {prediction.shape}")
    squared = (prediction - target) ** 2
    return squared if reduction == "none" else squared.sum() if reduction == "sum" else squared.mean()


def dropout(x: Tensor, p: float = 0.5, training: bool = True, generator: np.random.Generator | None = None) -> Tensor:
    """Zero each entry with probability p and scale the rest by 1 / (1 - p) (identity when not training)."""
    x = _tensor(x, "dropout", "x")
    p = check_probability(p, "dropout")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    keep = (generator or default_generator()).random(x.shape) >= p
    return x * (keep / (1.0 - p)).astype(x.dtype)


def embedding(weight: Tensor, indices) -> Tensor:
    """Rows of `weight` (num_embeddings, dim) picked by integer `indices` of any shape."""
    weight = _tensor(weight, "embedding", "weight")
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must have shape (num_embeddings, embedding_dim), got {weight.shape}")
    idx = as_array(indices.data if isinstance(indices, Tensor) else indices, "embedding: indices")
    if idx.dtype.kind not in "iu":
        if idx.dtype.kind != "f" or not np.all(idx == np.round(idx)):
            raise TypeError(f"embedding: indices must be integers, got dtype {idx.dtype}")
        idx = idx.astype(np.int64)
    n = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ValueError(f"embedding: index {int(idx.min() if idx.min() < 0 else idx.max())} is out of range "
                         f"for {n} embeddings (0..{n - 1})")
    return weight[idx]


def check_probability(p, owner: str) -> float:
    """p as a float, if it is a number in [0, 1]; otherwise an error naming `owner`."""
    if not isinstance(p, (int, float, np.integer, np.floating)) or isinstance(p, bool):
        raise TypeError(f"{owner}: p must be a number in [0, 1], got {type(p).__name__} {p!r}")
    if not 0.0 <= p <= 1.0:                                 # also rejects nan
        raise ValueError(f"{owner}: p must be a probability in [0, 1], got {p}")
    return float(p)


def _along_axis(x, axis, fn: str) -> Tensor:
    """x, checked to be a Tensor with a non-empty `axis` (softmax over nothing is undefined)."""
    from ..shape_ops import normalize_axes
    x = _tensor(x, fn, "x")
    axes = normalize_axes(axis, x.ndim, fn)
    if any(x.shape[a] == 0 for a in axes):
        raise ValueError(f"{fn}(axis={axis}): the axis is empty in shape {x.shape}; there is nothing to normalize")
    return x


def _targets(targets, ignore_index) -> np.ndarray:
    """cross_entropy's targets as an array, after checking that ignore_index is an int or None."""
    if ignore_index is not None and (not isinstance(ignore_index, (int, np.integer)) or isinstance(ignore_index, bool)):
        raise TypeError(f"cross_entropy: ignore_index must be an int or None, got {type(ignore_index).__name__} "
                        f"{ignore_index!r}")
    return as_array(targets.data if isinstance(targets, Tensor) else targets, "cross_entropy: targets")
