"""Checks of the arguments of the activations, normalizations and padding of torch.nn (activations.py,
normalization.py), with PyTorch's messages."""
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
