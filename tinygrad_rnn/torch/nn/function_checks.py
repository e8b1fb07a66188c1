"""Checks of the arguments of the activations, normalizations and padding of torch.nn (activations.py,
normalization.py), with PyTorch's messages."""
import numpy as np

from ..checks import check_floating


def check_activation_input(input, kernel: str):
    """An activation's input holds floats (PyTorch names the kernel that has no integer version)."""
    return check_floating(input, f'"{kernel}" not implemented for \'…\'', NotImplementedError)


def check_gelu_approximate(approximate: str) -> str:
    """gelu's approximate is 'none' or 'tanh'."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return approximate


def normalized_dims(normalized_shape) -> tuple:
    """layer_norm's normalized_shape (an int or a sequence of them) as a tuple."""
    return (int(normalized_shape),) if isinstance(normalized_shape, int) else tuple(int(n) for n in normalized_shape)


def check_layer_norm(input, shape: tuple, weight, bias) -> tuple:
    """The input ends in `shape`, and weight and bias (if given) have that shape; returns the dims to normalize."""
    if tuple(input.shape[len(input.shape) - len(shape):]) != shape or len(shape) > input.dim():
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [*, "
                           f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t.shape)} and normalized_shape = {list(shape)}")
    return tuple(range(-len(shape), 0))


def check_pad(pad, ndim: int, mode: str) -> list:
    """F.pad's pad (before, after) pairs from the last dimension backwards, in constant mode; returns one
    (before, after) pair per dimension, first to last."""
    if mode != "constant":
        raise NotImplementedError(f"F.pad(mode={mode!r}): only mode='constant' is supported here")
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {ndim}")
    pairs = [(pad[i], pad[i + 1]) for i in range(0, len(pad), 2)][::-1]
    return [(0, 0)] * (ndim - len(pairs)) + pairs


def check_batch_norm_dim(input, dims: tuple = (2, 3)) -> None:
    """BatchNorm1d takes (N, C) or (N, C, L); BatchNorm2d (N, C, H, W): the input has one of `dims` dims."""
    if input.dim() not in dims:
        expected = " or ".join(f"{d}D" for d in dims)
        raise ValueError(f"expected {expected} input (got {input.dim()}D input)")


def check_batch_norm(input, running_mean, running_var, weight, bias, training: bool) -> tuple:
    """batch_norm's arguments: more than one value per channel in training, the running statistics given in
    evaluation, and every (C,) tensor of C entries; returns the dims the statistics are taken over."""
    shape = tuple(input.shape)
    if training and int(np.prod(shape[:1] + shape[2:])) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.size()!r}")
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        if not training and t is None:
            raise RuntimeError(f"{name} must be defined in evaluation mode")
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != shape[1]:
            raise RuntimeError(f"{name} should contain {shape[1]} elements not {t.numel()}")
    return (0,) + tuple(range(2, len(shape)))


def check_feature_dropout(input) -> None:
    """Channel dropout needs a channel dimension."""
    if input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")


def check_glu(input, dim: int):
    """glu halves its input along dim: not a scalar, and an even size there (PyTorch's messages); returns it."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    size = input.shape[dim]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim % input.dim()} is size {size}")
    return input


def check_hardtanh_bounds(min_val, max_val) -> None:
    """hardtanh's bounds are in order."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")


def check_prelu_weight(input, weight):
    """prelu's slopes: one, or one per channel (dim 1 of the input); returned shaped to broadcast against it."""
    n = weight.numel()
    channels = input.shape[1] if input.dim() >= 2 else 1
    if n != 1 and n != channels:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = {n} and "
                           f"channel size = {channels}.")
    return weight.reshape(()) if n == 1 else weight.reshape((1, n) + (1,) * (input.dim() - 2))


def check_embedding_bag(input, offsets, mode: str, per_sample_weights, include_last_offset: bool) -> tuple:
    """embedding_bag's bags: a 2-D input is one bag per row (no offsets); a 1-D one is cut at offsets (starting at
    0; with include_last_offset the last offset closes the last bag). Returns (indices (N,), starts (B,), ends
    (B,)), in PyTorch's order of checks and with its messages."""
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")
    ids = np.asarray(input._data if hasattr(input, "_data") else input)
    if ids.ndim == 2:
        if offsets is not None:
            kind = "torch.Tensor" if hasattr(offsets, "_data") else type(offsets).__qualname__
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type <class '{kind}'>")
        starts = np.arange(ids.shape[0]) * ids.shape[1]
        return ids.reshape(-1), starts, starts + ids.shape[1]
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    at = np.asarray(offsets._data if hasattr(offsets, "_data") else offsets).astype(np.int64).reshape(-1)
    if at.size and at[0] != 0:
        raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {at[0]}")
    ends = np.append(at[1:], ids.size) if not include_last_offset else at[1:]
    return ids, (at if not include_last_offset else at[:-1]), ends
