"""Checks of the loss functions' arguments (torch.nn.functional's losses), with PyTorch's errors, messages
and warnings."""
import warnings

import numpy as np

from .._math import as_operand
from .._tensor import Size
from .checks import scalar_name


def legacy_reduction(size_average, reduce, reduction: str) -> str:
    """The reduction, from the deprecated size_average / reduce flags when either is given (with
    PyTorch's warning), checked to be 'none', 'mean' or 'sum'."""
    if size_average is not None or reduce is not None:
        keep_mean = True if size_average is None else size_average
        reduction = "none" if reduce is False else "mean" if keep_mean else "sum"
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' "
                      "instead.", stacklevel=4)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def check_nll(input, target, weight, ignore_index: int) -> np.ndarray:
    """nll_loss's input (N, C), (C,) or (N, C, d1, ...), target (N,), () or (N, d1, ...) of class indices in
    [0, C) (or ignore_index), and weight (C,); returns the target's array."""
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    t = np.asarray(as_operand(target))
    if input.dim() != 1 and t.shape[:1] != input.shape[:1]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({t.shape[0] if t.ndim else 0}).")
    if input.dim() <= 2 and t.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.dim() == 1 and t.size != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {t.size}")
    if input.dim() > 2 and t.shape != input.shape[:1] + input.shape[2:]:
        raise RuntimeError(f"Expected target size {list(input.shape[:1] + input.shape[2:])}, got {list(t.shape)}")
    n_classes = input.shape[0 if input.dim() == 1 else 1]
    if weight is not None and tuple(weight.shape) != (n_classes,):
        raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes or no classes but "
                           f"got weight tensor of shape: {list(weight.shape)}")
    if weight is not None and weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {scalar_name(input)} but found {scalar_name(weight)}")
    if t.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {scalar_name(t)}")
    bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(t[bad].flat[0])} is out of bounds.")
    return t


def check_label_smoothing(label_smoothing: float) -> float:
    """cross_entropy's label_smoothing: at most 1 (PyTorch smooths nothing for one <= 0, and so do we)."""
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    return max(float(label_smoothing), 0.0)


def check_probability_target(ignore_index: int) -> None:
    """Class-probability targets cannot ignore a class."""
    if ignore_index != -100:
        raise RuntimeError("ignore_index is not supported for floating point target")


def warn_size(input, target) -> None:
    """mse_loss and l1_loss broadcast a target of another shape, with PyTorch's warning."""
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({Size(target.shape)}) that is different to the input size "
                      f"({Size(input.shape)}). This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)


def check_binary(input, y: np.ndarray, logits: bool) -> None:
    """binary_cross_entropy(_with_logits): a target of the input's shape (and probabilities in [0, 1])."""
    if y.shape != tuple(input.shape):
        raise ValueError(f"Target size ({Size(y.shape)}) must be the same as input size ({input.shape})" if logits
                         else f"Using a target size ({Size(y.shape)}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    if not logits and y.dtype != input._data.dtype:
        raise RuntimeError(f"Found dtype {scalar_name(y)} but expected {scalar_name(input)}")
    for name, values in (() if logits else (("input", input._data), ("target", y))):
        if not ((values >= 0) & (values <= 1)).all():
            raise RuntimeError(f"all elements of {name} should be between 0 and 1")


def check_kl_reduction(reduction: str) -> str:
    """kl_div's reduction: also 'batchmean'; 'mean' warns, as in PyTorch, that it is not the KL divergence."""
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=3)
    return reduction


def check_beta(beta: float) -> float:
    """smooth_l1_loss's beta is not negative."""
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return beta


def check_delta(delta: float, weight, input) -> None:
    """huber_loss's delta is positive and its weight (if any) has the input's shape."""
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None and tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
