"""The loss functions of torch.nn.functional with PyTorch's values, gradients, reductions and checks:
nll_loss, cross_entropy (class indices or probabilities, weights, ignore_index, label smoothing),
mse_loss, l1_loss, binary_cross_entropy and binary_cross_entropy_with_logits, kl_div, smooth_l1_loss and
huber_loss. Each is composed from the Tensor's ops (its last node named as PyTorch names the loss's grad_fn,
NllLossBackward0, ...), except binary_cross_entropy: PyTorch gives it a gradient of its own, (p - y) /
max(p (1 - p), 1e-12), which stays finite where the clamped logs of the loss are flat, so it is one node here
too."""
import numpy as np

from .._autograd import named
from .._factories import where
from .._math import as_operand
from .._tensor import as_tensor_node
from .loss_checks import (check_beta, check_binary, check_delta, check_kl_reduction, check_label_smoothing, check_nll,
                          check_probability_target, legacy_reduction, warn_size)


def _mean(total, weight_sum: float):
    """total / weight_sum; with nothing to average, nan (and zero gradients), as in PyTorch."""
    return total / weight_sum if weight_sum else total * 0.0 + float("nan")


def _reduce(losses, reduction: str):
    """Per-element losses, their sum or their mean."""
    return losses if reduction == "none" else losses.sum() if reduction == "sum" else losses.mean()


def _classes_last(x, dim: int):
    """(N, C, d1, ...) -> (N * d1 * ..., C); (N, C) and (C,) as (N, C) and (1, C)."""
    if dim == 0:
        return x.unsqueeze(0)
    return x if x.dim() == 2 else x.permute(0, *range(2, x.dim()), 1).reshape(-1, x.shape[1])


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
             reduction: str = "mean"):
    """-w[t] input[n, t] for each target t = target[n] (w: the class weights, 0 for ignore_index), summed,
    per entry, or averaged over the weights of the targets."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    t = check_nll(input, target, weight, ignore_index)
    logp = _classes_last(input, 0 if input.dim() == 1 else 1)
    flat = t.reshape(-1).astype(np.int64)
    keep = flat != ignore_index
    safe = np.where(keep, flat, 0)
    w = ((np.ones(logp.shape[1]) if weight is None else as_operand(weight))[safe] * keep).astype(logp._data.dtype)
    losses = -logp[np.arange(len(flat)), safe] * w
    op = "nll_loss" if input.dim() <= 2 else "nll_loss2d"          # PyTorch's NllLossBackward0, NllLoss2DBackward0
    if reduction == "none":
        out = losses.reshape(t.shape if input.dim() != 1 else ())
        return named(out, op) if input.dim() in (1, 2, 4) else out     # (N, C, d) and 5-D: a view, as in PyTorch
    return named(losses.sum() if reduction == "sum" else _mean(losses.sum(), float(w.sum())), op)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                  reduction: str = "mean", label_smoothing: float = 0.0):
    """nll_loss(log_softmax(input, 1), target), smoothed: (1 - s) of it plus s / C of the loss against the
    uniform distribution; a float target of the input's shape gives the probabilities of each class."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    smoothing = check_label_smoothing(label_smoothing)
    dim = 0 if input.dim() == 1 else 1
    logp, n_classes = input.log_softmax(dim), input.shape[dim]
    w = None if weight is None else as_operand(weight).reshape((-1,) + (1,) * (input.dim() - 1 - dim))
    weighted = logp if w is None else logp * w
    t = np.asarray(as_operand(target))
    if t.shape == tuple(input.shape) and t.dtype.kind == "f":          # class probabilities
        check_probability_target(ignore_index)
        losses = -(weighted * (t * (1 - smoothing) + smoothing / n_classes)).sum(dim)
        return _mean(losses.sum(), input.numel() / n_classes) if reduction == "mean" else _reduce(losses, reduction)
    loss = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if not smoothing:
        return loss
    keep = t != ignore_index
    smooth = -weighted.sum(dim) * keep.astype(logp._data.dtype)
    if reduction == "mean":
        counted = keep.sum() if weight is None else as_operand(weight)[t[keep].astype(np.int64)].sum()
        smooth = _mean(smooth.sum(), float(counted))
    elif reduction == "sum":
        smooth = smooth.sum()
    return loss * (1 - smoothing) + smooth * (smoothing / n_classes)


def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean"):
    """(input - target)^2, averaged (or summed, or per entry)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    warn_size(input, target)
    d = input - target
    return named(_reduce(d * d, reduction), "mse_loss")


def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean"):
    """|input - target|, averaged (or summed, or per entry)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    warn_size(input, target)
    return _reduce((input - target).abs(), reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction: str = "mean", pos_weight=None):
    """-(pos_weight y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))), computed stably from the logits."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_binary(input, np.asarray(as_operand(target)), logits=True)
    log_sig = -(((-input).relu()) + ((-(input.abs())).exp() + 1).log())      # log sigmoid(x), stably
    log_one_minus = log_sig - input                                          # log(1 - sigmoid(x))
    positive = target if pos_weight is None else target * as_operand(pos_weight)
    losses = -(log_sig * positive + log_one_minus * (1 - target))
    losses = losses if weight is None else losses * as_operand(weight)
    return named(_reduce(losses, reduction), "binary_cross_entropy_with_logits")


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction: str = "mean"):
    """-w (y log p + (1 - y) log(1 - p)) for probabilities p (logs clamped at -100), with PyTorch's gradients:
    w (p - y) / max(p (1 - p), eps) for p (eps: 1e-12 in float32, as PyTorch's), and -w logit(p) for a target
    that requires grad."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    y = np.asarray(as_operand(target))
    check_binary(input, y, logits=False)
    p = input._data
    w = np.ones_like(p) if weight is None else np.broadcast_to(as_operand(weight), p.shape).astype(p.dtype)
    with np.errstate(divide="ignore"):
        log_p, log_q = np.log(p), np.log1p(-p)
        values = -w * (y * np.maximum(log_p, -100) + (1 - y) * np.maximum(log_q, -100))
        grads = [(w * (p - y) / np.maximum(p * (1 - p), np.float32(1e-12))).astype(p.dtype)]
        if getattr(target, "requires_grad", False):
            grads.append(-w * (log_p - log_q))
    parents = (input, target)[:len(grads)]
    losses = as_tensor_node(input._child(values.astype(p.dtype), parents, tuple(grads), "binary_cross_entropy"))
    return named(_reduce(losses, reduction), "binary_cross_entropy")


def kl_div(input, target, size_average=None, reduce=None, reduction: str = "mean", log_target: bool = False):
    """target (log target - input) for log-probabilities `input` (0 where target is 0), or with log_target
    exp(target) (target - input); 'batchmean' divides the sum by the batch size (input.size(0)), 'mean' by
    the number of entries (with PyTorch's warning that this is not the KL divergence)."""
    reduction = check_kl_reduction(legacy_reduction(size_average, reduce, reduction) if reduction != "batchmean"
                                   else reduction)
    if log_target:
        losses = target.exp() * (target - input)
    else:                                       # target log target, taken as 0 at target = 0
        tiny = float(np.finfo(input._data.dtype).tiny)
        losses = target * target.clamp_min(tiny).log() - target * input
    if reduction == "batchmean":
        return named(losses.sum() / (input.shape[0] if input.dim() else 1), "kl_div")
    return named(_reduce(losses, reduction), "kl_div")


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0):
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (d = input - target); beta = 0 is l1_loss."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    warn_size(input, target)
    if check_beta(beta) == 0:
        return l1_loss(input, target, reduction=reduction)
    d = input - target
    small = d.abs() < beta
    return named(_reduce(where(small, d * d * (0.5 / beta), d.abs() - 0.5 * beta), reduction), "smooth_l1_loss")


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None):
    """0.5 d^2 where |d| <= delta, delta (|d| - 0.5 delta) elsewhere (d = input - target), times weight."""
    reduction = legacy_reduction(None, None, reduction)
    warn_size(input, target)
    check_delta(delta, weight, input)
    d = input - target
    losses = where(d.abs() <= delta, d * d * 0.5, (d.abs() - 0.5 * delta) * delta)
    return named(_reduce(losses if weight is None else losses * weight, reduction), "huber_loss")
