"""torch.nn.functional.ctc_loss and nn.CTCLoss: the connectionist temporal classification loss of log-probabilities
(T, N, C) (or (T, C)) for targets of labels, composed from the Tensor's ops (gather, cat, stack, logsumexp, where),
so its gradient is the engine's. The target l (length L) extended with blanks is l' = (b, l_1, b, l_2, ..., l_L, b),
S = 2L + 1 states; alpha_t(s) is the log-probability of the paths through the first t + 1 frames that end in s:

    alpha_0(0) = y_0(b),  alpha_0(1) = y_0(l_1),  alpha_0(s) = -inf for s > 1
    alpha_t(s) = logsumexp(alpha_{t-1}(s), alpha_{t-1}(s - 1), [alpha_{t-1}(s - 2)]) + y_t(l'_s)
    [the skip from s - 2 only into a label (s odd) that differs from the one before, l'_s != l'_{s-2}: repeated
     labels need a blank between them; a label equal to the blank index counts as a label, as in PyTorch]
    loss = -logsumexp(alpha_{T'-1}(S - 1), alpha_{T'-1}(S - 2))   (T' the input length; S - 2 only when L > 0)

with y_t(k) = log_probs[t, n, k]. The batch runs as one (N, 2 max L + 1) recursion; an unreachable state holds
-1e30 in place of -inf, so that no 0 * inf reaches a gradient, and a loss from there is inf (0 with zero_infinity,
its gradient 0 either way). 'mean' divides each loss by its target length (at least 1) and averages the batch.

PyTorch's own gradient w.r.t. log_probs assumes they came from log_softmax: it adds exp(log_probs) to the true one
(over the first T' frames), which cancels through a log_softmax; the engine gives the true gradient."""
import numpy as np

from .._autograd import named
from .._factories import cat, stack, tensor, where
from .ctc_checks import check_ctc

_UNREACHABLE = -1e30


def _padded(t: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The targets as (N, max L), from (N, S) padded or 1-D one after another."""
    if t.ndim == 2:
        return t[:, :lengths.max(initial=0)]
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    out = np.zeros((len(lengths), lengths.max(initial=0)), np.int64)
    for n, (start, length) in enumerate(zip(starts, lengths)):
        out[n, :length] = t[start:start + length]
    return out


def _extended(targets: np.ndarray, lengths: np.ndarray, blank: int) -> tuple:
    """(l' (N, S) with S = 2 max L + 1, padding as blank; the penalty (N, S) of the skip from s - 2: 0 where it is
    allowed (s odd, l'_s != l'_{s-2}), -1e30 where not)."""
    n, longest = targets.shape
    ext = np.full((n, 2 * longest + 1), blank, np.int64)
    ext[:, 1::2] = np.where(np.arange(longest) < lengths[:, None], targets, blank)
    skip = np.zeros(ext.shape, bool)
    skip[:, 3::2] = ext[:, 3::2] != ext[:, 1:-2:2]                # a label state after a different label
    return ext, np.where(skip, 0.0, _UNREACHABLE)


def _log_likelihoods(log_probs, ext: np.ndarray, penalty: np.ndarray, input_lengths: np.ndarray,
                     target_lengths: np.ndarray):
    """log p(l | x) of each sequence (N,): the alpha recursion over all T frames, its final states read at each
    sequence's own length (alpha_{-1} = (0, -1e30, ...) for an input of length 0)."""
    n, width = ext.shape
    const = lambda a: tensor(a, dtype=log_probs.dtype)                     # noqa: E731
    y = log_probs.clamp_min(_UNREACHABLE).gather(2, np.broadcast_to(ext, (log_probs.shape[0], n, width)))
    first = np.where(np.arange(width) < 2, 0.0, _UNREACHABLE) + np.zeros((n, 1))
    before, skips = const(np.full((n, 2), _UNREACHABLE)), const(penalty)
    alphas = [const(np.where(np.arange(width) == 0, 0.0, _UNREACHABLE) + np.zeros((n, 1))), y[0] + const(first)]
    for t in range(1, log_probs.shape[0]):
        shifted = cat([before, alphas[-1]], 1)                                 # shifted[:, s + 2] = alpha(s)
        options = stack([alphas[-1], shifted[:, 1:-1], shifted[:, :-2] + skips], 2)
        alphas.append(options.logsumexp(2) + y[t])
    final = stack(alphas)[input_lengths, np.arange(n)]                         # (N, S): alpha_{T' - 1}
    ends = final.gather(1, np.stack([2 * target_lengths, np.maximum(2 * target_lengths - 1, 0)], 1))
    return (ends + const(np.where(target_lengths[:, None] > 0, 0.0, [[0.0, _UNREACHABLE]]))).logsumexp(1)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank: int = 0, reduction: str = "mean",
             zero_infinity: bool = False):
    """The CTC loss -log p(target | log_probs) of each sequence (the module docstring's recursion): log_probs
    (T, N, C) or (T, C); targets (N, S) padded or 1-D, one after another; the lengths as tensors or sequences of
    ints. 'mean' divides each loss by its target length (at least 1), then averages; zero_infinity makes an
    infinite loss (no alignment fits in the input) 0."""
    reduction, t, il, tl = check_ctc(log_probs, targets, input_lengths, target_lengths, blank, reduction)
    batched = log_probs.dim() == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    ext, penalty = _extended(_padded(t, tl), tl, blank)
    ll = _log_likelihoods(lp, ext, penalty, il, tl)
    impossible = ll._data < _UNREACHABLE / 2
    losses = named(where(impossible, float("inf"), -ll), "ctc_loss")
    if zero_infinity:
        losses = where(impossible, 0.0, losses)
    if reduction == "mean":
        return (losses / tensor(np.maximum(tl, 1), dtype=lp.dtype)).mean()
    return losses.sum() if reduction == "sum" else losses if batched else losses.squeeze(0)

