"""The argument checks of the nn layer (sizes, dtypes, probabilities, the losses' targets, embedding
indices), kept out of the maths as in tinygrad_rnn/checks.py: a function opens with one call here."""
import warnings
from numbers import Real

import numpy as np

from ..op_checks import as_array, as_float_array, check_flag, float_dtype, is_int, normalize_axes
from ..tensor import Tensor
from .module import Parameter

REDUCTIONS = ("mean", "sum", "none")


def check_positive_int(owner: str, **sizes) -> None:
    """Raise ValueError naming `owner` and the argument unless every size is a positive int."""
    for name, value in sizes.items():
        if not is_int(value) or value <= 0:
            raise ValueError(f"{owner}: {name} must be a positive int, got {value!r}")


def check_dtype(owner: str, what: str, x: Tensor, parameter: Tensor) -> None:
    """A layer computes in its parameters' dtype: an input of another dtype is refused (as PyTorch
    does), rather than silently promoting the whole computation."""
    if x.dtype != parameter.dtype:
        raise TypeError(f"{owner}: {what} is {x.dtype} but the parameters are {parameter.dtype}; cast the "
                        f"{what} (x.astype(np.{parameter.dtype})) or the model (model.to(np.{x.dtype}))")


def check_layer_arguments(name: str, input_size, hidden_size, num_layers, dropout, fused) -> None:
    """A sequence layer's sizes, its dropout probability (with PyTorch's warning when there is no second
    layer for it to act between) and the fused flag."""
    check_positive_int(name, input_size=input_size, hidden_size=hidden_size, num_layers=num_layers)
    if not isinstance(dropout, Real) or isinstance(dropout, bool) or not 0.0 <= dropout <= 1.0:
        raise ValueError(f"{name}: dropout must be a probability in [0, 1], got {dropout!r}")
    if not isinstance(fused, bool):
        raise TypeError(f"{name}: fused must be True or False, got {fused!r}")
    if dropout > 0 and num_layers == 1:
        warnings.warn(f"{name}: dropout={dropout} acts between layers, so with num_layers=1 it does nothing",
                      stacklevel=4)


def check_batch(owner: str, batch) -> None:
    """A state's batch size: an int >= 0 (0: an empty batch, as PyTorch's cells allow), or None for unbatched."""
    if batch is not None and (not is_int(batch) or batch < 0):
        raise ValueError(f"{owner}.init_state(batch=...) expects an int >= 0 or None, got {batch!r}")


def check_parameter(owner: str, name: str, value) -> None:
    """A layer's parameter can only be replaced by a Parameter (PyTorch refuses anything else too)."""
    if not isinstance(value, Parameter):
        raise TypeError(f"{owner}: cannot assign a {type(value).__name__} as parameter '{name}' (a Parameter is "
                        "expected: wrap it, nn.Parameter(array))")


def check_probability(p, owner: str) -> float:
    """p as a float, if it is a number in [0, 1]; otherwise an error naming `owner`."""
    if not isinstance(p, (int, float, np.integer, np.floating)) or isinstance(p, bool):
        raise TypeError(f"{owner}: p must be a number in [0, 1], got {type(p).__name__} {p!r}")
    if not 0.0 <= p <= 1.0:                                 # also rejects nan
        raise ValueError(f"{owner}: p must be a probability in [0, 1], got {p}")
    return float(p)


def dropout_probability(x, p, training) -> float:
    """dropout's arguments checked: a Tensor x, a probability p and a bool training; returns p as a float
    (the generator is checked where it is used, by rng.generator_for)."""
    check_tensor(x, "dropout", "x")
    check_flag(training, "dropout(training=...)")
    return check_probability(p, "dropout")


def check_tensor(x, fn: str, arg: str) -> Tensor:
    """x, which must be a Tensor."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}: {arg} must be a Tensor, got {type(x).__name__}")
    return x


def check_along_axis(x, axis, fn: str) -> Tensor:
    """x, checked to be a Tensor with a non-empty `axis` (softmax over nothing is undefined)."""
    check_tensor(x, fn, "x")
    if any(x.shape[a] == 0 for a in normalize_axes(axis, x.ndim, fn)):
        raise ValueError(f"{fn}(axis={axis}): the axis is empty in shape {x.shape}; there is nothing to normalize")
    return x


def check_reduction(reduction: str, fn: str) -> None:
    """A loss's reduction is one of REDUCTIONS."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def class_indices(values, what: str, fn: str) -> np.ndarray:
    """Integer class or row indices (whole-number floats within int64's range are accepted and cast)."""
    idx = as_array(values._data if isinstance(values, Tensor) else values, f"{fn}: {what}")
    if idx.dtype.kind not in "iu":
        if idx.dtype.kind != "f" or not np.all((np.abs(idx) < 2.0 ** 63) & (idx == np.round(idx))):  # nan, inf fail
            kind = "integer class indices" if what == "targets" else "integers"
            raise TypeError(f"{fn}: {what} must be {kind}, got dtype {idx.dtype}")
        idx = idx.astype(np.int64)
    return idx


def cross_entropy_targets(logits, targets, reduction: str, ignore_index) -> np.ndarray:
    """cross_entropy's arguments checked; returns the targets as int64 class indices (N,)."""
    check_tensor(logits, "cross_entropy", "logits")
    check_reduction(reduction, "cross_entropy")
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy: logits must have shape (N, C), got {logits.shape}")
    if ignore_index is not None and not is_int(ignore_index):
        raise TypeError(f"cross_entropy: ignore_index must be an int or None, got {type(ignore_index).__name__} "
                        f"{ignore_index!r}")
    (n, c), t = logits.shape, as_array(targets._data if isinstance(targets, Tensor) else targets,
                                       "cross_entropy: targets")
    if t.shape != (n,):
        raise ValueError(f"cross_entropy: targets must have shape ({n},) to match logits {logits.shape}, got {t.shape}")
    t = class_indices(t, "targets", "cross_entropy")
    counted = t if ignore_index is None else t[t != ignore_index]
    if np.any((counted < 0) | (counted >= c)):
        bad = counted[(counted < 0) | (counted >= c)][0]
        raise ValueError(f"cross_entropy: target {int(bad)} is out of range for {c} classes (0..{c - 1})")
    return t


def embedding_indices(weight, indices) -> np.ndarray:
    """embedding's arguments checked; returns the indices as integers within the table."""
    check_tensor(weight, "embedding", "weight")
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must have shape (num_embeddings, embedding_dim), got {weight.shape}")
    idx = class_indices(indices, "indices", "embedding")
    n = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ValueError(f"embedding: index {int(idx.min() if idx.min() < 0 else idx.max())} is out of range "
                         f"for {n} embeddings (0..{n - 1})")
    return idx


def mse_target(prediction, target, reduction: str) -> Tensor:
    """mse_loss's arguments checked; returns the target as a Tensor of the prediction's dtype and shape."""
    check_tensor(prediction, "mse_loss", "prediction")
    check_reduction(reduction, "mse_loss")
    if not isinstance(target, Tensor):                    # a number or an array: in the prediction's dtype
        target = Tensor(as_float_array(target, "mse_loss: target").astype(prediction.dtype))
    if target.shape != prediction.shape:
        raise ValueError(f"mse_loss: target shape {target.shape} must equal prediction shape {prediction.shape}")
    return target


def check_sequence_input(name: str, x: Tensor, I: int, batch_first: bool, weight: Tensor) -> bool:
    """A sequence layer's input: (T, B, I) / (B, T, I), or unbatched (T, I), in the weights' dtype;
    returns True if batched."""
    shape = x.shape
    if x.ndim == 2:
        expected = f"{name} expected input of shape (T, {I}) (unbatched)"
    else:
        layout = f"(B, T, {I})" if batch_first else f"(T, B, {I})"
        expected = f"{name} expected input of shape {layout} with batch_first={batch_first}"
    if x.ndim not in (2, 3):
        raise ValueError(f"{expected}, got {shape}: {x.ndim} dimensions, need 3 (or 2 if unbatched)")
    if shape[-1] != I:
        raise ValueError(f"{expected}, got {shape}: feature size {shape[-1]} != input_size {I}")
    if 0 in shape:
        raise ValueError(f"{expected}, got {shape}: the sequence length and batch size must be positive")
    check_dtype(name, "input", x, weight)
    return x.ndim == 3


def valid_steps(name: str, lengths, T: int, B: int) -> np.ndarray:
    """(T, B, 1) bool: is step t inside sequence b? Checks lengths: B positive integers <= T."""
    arr = as_array(lengths._data if isinstance(lengths, Tensor) else lengths, f"{name}: lengths")
    if arr.ndim != 1 or arr.shape[0] != B:
        raise ValueError(f"{name} expected lengths of shape ({B},) (one per sequence in the batch), "
                         f"got shape {arr.shape}")
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind != "f" or not np.all(np.isfinite(arr) & (arr == np.round(arr))):
            raise TypeError(f"{name} expected integer lengths, got {arr.tolist()} (dtype {arr.dtype})")
        arr = arr.astype(np.int64)
    if (arr <= 0).any():
        raise ValueError(f"{name} expected positive lengths, got {arr.tolist()}")
    if (arr > T).any():
        raise ValueError(f"{name} expected lengths <= T = {T} (the padded sequence length), got {arr.tolist()}")
    return (np.arange(T)[:, None] < arr[None, :])[:, :, None]


def check_proj_size(owner: str, proj_size, hidden_size, smallest: int = 0, fused=False) -> None:
    """An LSTM's proj_size: an int with smallest <= proj_size < hidden_size (0: no projection, for a layer),
    and no projection with fused=True (the fused step is the standard cell's only)."""
    check_positive_int(owner, hidden_size=hidden_size)
    if not is_int(proj_size) or not smallest <= proj_size < hidden_size:
        raise ValueError(f"{owner}: proj_size must be an int with {smallest} <= proj_size < hidden_size = "
                         f"{hidden_size}, got {proj_size!r}")
    if proj_size and fused is True:
        raise ValueError(f"{owner}: fused=True supports only the standard cell, without projection, got "
                         f"proj_size={proj_size}; drop fused=True (the composed layer projects)")
