"""Checks of ctc_loss's arguments (ctc.py), with PyTorch's errors and messages (PyTorch 2.14), in its order."""
import numpy as np

from .._math import as_operand
from .conv_checks import check_float_input
from .loss_checks import legacy_reduction

_WHERE = "(while checking arguments for ctc_loss_allocate_outputs)"


def _lengths(value, name: str) -> np.ndarray:
    """input_lengths or target_lengths: an integral tensor (of any shape) or a sequence of ints, flat."""
    values = np.asarray(as_operand(value))
    if values.dtype.kind not in "iub":
        raise RuntimeError(f"{name} must be integral")
    return values.reshape(-1).astype(np.int64)


def _check_targets(t: np.ndarray, target_lengths: np.ndarray, batch: int) -> None:
    """targets (N, S) padded (S at least the longest target) or 1-D, the targets one after another."""
    if t.ndim not in (1, 2):
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {t.ndim}-dimensional tensor for argument #2 "
                           f"'targets' {_WHERE}")
    size, dim = (int(target_lengths.clip(0).sum()), 0) if t.ndim == 1 else (batch, 0)
    if t.shape[dim] != size:
        raise RuntimeError(f"Expected tensor to have size {size} at dimension {dim}, but got size {t.shape[dim]} "
                           f"for argument #2 'targets' {_WHERE}")
    if t.ndim == 2 and t.shape[1] < target_lengths.max(initial=0):
        raise RuntimeError(f"Expected tensor to have size at least {target_lengths.max()} at dimension 1, but got "
                           f"size {t.shape[1]} for argument #2 'targets' {_WHERE}")


def _check_values(name: str, values: np.ndarray, most: int) -> None:
    """Each length at least 0 (and the input lengths at most T)."""
    if (values < 0).any():
        raise RuntimeError(f"Expected {name} to have value at least 0, but got value {values[values < 0][0]} {_WHERE}")
    if most is not None and (values > most).any():
        raise RuntimeError(f"Expected {name} to have value at most {most}, but got value {values[values > most][0]} "
                           f"{_WHERE}")


def check_ctc(log_probs, targets, input_lengths, target_lengths, blank: int, reduction: str) -> tuple:
    """ctc_loss's arguments: log_probs (T, N, C) or (T, C) of floats, targets (N, S) or 1-D, N lengths of each
    kind, blank in [0, C). Returns (reduction, targets (int64), input lengths, target lengths)."""
    reduction = legacy_reduction(None, None, reduction)
    check_float_input(log_probs, "ctc_loss_cpu")
    il, tl = _lengths(input_lengths, "input_lengths"), _lengths(target_lengths, "target_lengths")
    if log_probs.dim() not in (2, 3):         # PyTorch adds the batch dim to any but a 3-D one, then counts
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.dim() + 1}-dimensional tensor for "
                           f"argument #1 'log_probs' {_WHERE}")
    batch = log_probs.shape[1] if log_probs.dim() == 3 else 1
    for name, values in (("input_lengths", il), ("target_lengths", tl)):
        if len(values) != batch:
            raise RuntimeError(f"{name} must be of size batch_size")
    if not 0 <= blank < log_probs.shape[-1]:
        raise RuntimeError("blank must be in label range")
    t = np.asarray(as_operand(targets)).astype(np.int64)
    _check_values("target_lengths", tl, None)
    _check_targets(t, tl, batch)
    _check_values("input_lengths", il, log_probs.shape[0])
    _check_labels(t, tl, log_probs.shape[-1])
    return reduction, t, il, tl


def _check_labels(t: np.ndarray, target_lengths: np.ndarray, classes: int) -> None:
    """The labels the lengths take are classes: in [0, C) (PyTorch reads memory out of range instead)."""
    used = t if t.ndim == 1 else t[np.arange(t.shape[1]) < target_lengths[:, None]]
    bad = used[(used < 0) | (used >= classes)]
    if bad.size:
        raise IndexError(f"ctc_loss(targets=...): labels are classes in [0, {classes}), got {int(bad[0])}")
