"""Checks of the arguments of conv1d / conv2d and Conv1d / Conv2d (conv.py), with PyTorch's messages (PyTorch
2.14), and the size helpers the pools share (pool_checks.py). Each check returns the arguments as plain ints once
they pass."""
from ...checks import is_int
from ...tensor import Tensor as CoreTensor
from .. import _dtype
from .checks import typename

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def ntuple(value, n: int = 1) -> tuple:
    """PyTorch's _single / _pair: an int as (int,) * n, a sequence as a tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


def same_padding(kernel: int, dilation: int) -> tuple:
    """padding='same': (left, right) adding dilation * (kernel - 1) in all, the odd one on the right."""
    total = dilation * (kernel - 1)
    return total // 2, total - total // 2


def pooled_length(length: int, kernel: int, stride: int, padding: int, dilation: int, ceil_mode: bool) -> int:
    """How many windows fit (PyTorch's pooling_output_shape): with ceil_mode a last partial window counts
    if it starts inside the input or its left padding."""
    span = length + 2 * padding - dilation * (kernel - 1) - 1
    count = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    return count - 1 if ceil_mode and (count - 1) * stride >= length + padding else count


def int_list(value, fn: str, name: str, position: int, n: int = 1) -> tuple:
    """An int (as n of it) or a sequence of ints, as a tuple."""
    items = ntuple(value, n)
    if not all(is_int(v) for v in items):
        bad = next(v for v in items if not is_int(v))
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be tuple of ints, not "
                        f"{type(bad).__name__}")
    return tuple(int(v) for v in items)


# ---------------------------------------------------------------- convolution
def check_conv_module(in_channels: int, out_channels: int, groups: int, padding, stride: tuple, mode: str) -> None:
    """Conv1d's and Conv2d's constructor: groups divides both channel counts, a padding string is 'same' (unstrided) or
    'valid', and padding_mode is one of PADDING_MODES."""
    for ok, message in ((groups > 0, "groups must be a positive integer"),
                        (in_channels % max(groups, 1) == 0, "in_channels must be divisible by groups"),
                        (out_channels % max(groups, 1) == 0, "out_channels must be divisible by groups")):
        if not ok:
            raise ValueError(message)
    if isinstance(padding, str) and padding not in ("same", "valid"):
        raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'same', 'valid'}}")
    if padding == "same" and any(s != 1 for s in stride):
        raise ValueError("padding='same' is not supported for strided convolutions")
    if mode not in PADDING_MODES:
        modes = ", ".join(repr(m) for m in PADDING_MODES)
        raise ValueError(f"padding_mode must be one of {{{modes}}}, but got padding_mode='{mode}'")


def check_conv(input, weight, bias, stride, padding, dilation, groups, dims: int) -> tuple:
    """conv1d's (dims 1) or conv2d's (dims 2) arguments; returns (stride, padding as F.pad takes it: (left, right)
    of the last dim first, dilation), one entry per dim of stride and dilation."""
    fn = f"conv{dims}d"
    for position, (name, value) in enumerate((("input", input), ("weight", weight), ("bias", bias)), 1):
        if not isinstance(value, CoreTensor) and (value is not None or name != "bias"):
            raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {typename(value)}")
    if not is_int(groups) or groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    given = {"stride": (stride, 4), "padding": (padding, 5), "dilation": (dilation, 6)}
    sizes = {name: int_list(v, fn, name, position, dims) for name, (v, position) in given.items()
             if not (name == "padding" and isinstance(padding, str))}
    spatial = max(weight.dim() - 2, 0)
    for name, value in sizes.items():
        if len(value) not in (1, spatial):
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {spatial} values to match "
                               f"the convolution dimensions, but got {name}={list(value)}")
        sizes[name] = value * spatial if len(value) == 1 else value
    for name, least, words in (("stride", 1, "non-positive stride"), ("padding", 0, "negative padding"),
                               ("dilation", 1, "non-positive dilation")):
        if min(sizes.get(name, (least,)) or (least,)) < least:
            raise RuntimeError(f"{words} is not supported")
    if padding == "same" and any(s != 1 for s in sizes["stride"]):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    if isinstance(padding, str) and padding not in ("same", "valid"):
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    _check_conv_shapes(input, weight, bias, int(groups), dims)
    kernel, dilation = weight.shape[2:], sizes["dilation"]
    pairs = [same_padding(k, d) if padding == "same" else (0, 0) if padding == "valid" else (p, p)
             for k, d, p in zip(kernel, dilation, sizes.get("padding", (0,) * len(kernel)))]
    padded = [n + sum(pair) for n, pair in zip(input.shape[-dims:], pairs)]
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(n < span for n, span in zip(padded, spans)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, spans))}). Kernel size can't be greater than actual input size")
    _check_conv_dtypes(input, weight, bias)
    return sizes["stride"], tuple(p for pair in reversed(pairs) for p in pair), dilation


def _check_conv_shapes(input, weight, bias, groups: int, dims: int) -> None:
    """An input of dims + 1 or dims + 2 dims, a weight of dims + 2 whose out channels groups divides and whose in
    channels times groups are the input's, and a bias of one entry per out channel."""
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to conv{dims}d, but got "
                           f"input of size: {list(input.shape)}")
    shape = list(input.shape) if input.dim() == dims + 2 else [1] + list(input.shape)
    if weight.dim() < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if weight.dim() != len(shape):
        raise RuntimeError(f"Expected {weight.dim()}-dimensional input for {weight.dim()}-dimensional weight "
                           f"{list(weight.shape)}, but got {len(shape)}-dimensional input of size {shape} instead")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{list(weight.shape)}] instead")
    if shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input{shape} to "
                           f"have {weight.shape[1] * groups} channels, but got {shape[1]} channels instead")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{weight.shape[0]} elements, but got bias of size {list(bias.shape)} instead")


def _check_conv_dtypes(input, weight, bias) -> None:
    """The input, weight and bias have one dtype (PyTorch words it by which pair differs)."""
    name = _dtype.as_dtype
    if bias is not None and bias.dtype != input.dtype:
        raise RuntimeError(f"Input type ({_dtype.c_name(name(input.dtype))}) and bias type "
                           f"({_dtype.c_name(name(bias.dtype))}) should be the same")
    if weight.dtype != input.dtype and input.dtype == _dtype.float32:
        raise RuntimeError(f"Input type ({typename(input)}) and weight type ({typename(weight)}) should be the same "
                           "or input should be a MKLDNN tensor and weight is a dense tensor")
    if weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {_dtype.scalar_name(name(input.dtype))} but found "
                           f"{_dtype.scalar_name(name(weight.dtype))}")


def check_mode_padding(mode: str, pads: tuple, shape: tuple) -> None:
    """Padding by reflection stays within the input, circular padding wraps around at most once (pads as F.pad
    takes them: (left, right) of the last dim first)."""
    for j in range(len(pads) // 2):
        pair, dim = tuple(pads[2 * j:2 * j + 2]), len(shape) - 1 - j
        if mode == "reflect" and max(pair) >= shape[dim]:
            raise RuntimeError(f"Argument #{4 + 2 * j}: Padding size should be less than the corresponding input "
                               f"dimension, but got: padding {pair} at dimension {dim} of input {list(shape)}")
        if mode == "circular" and max(pair) > shape[dim]:
            raise RuntimeError("Padding value causes wrapping around more than once.")


def check_float_input(input, kernel: str) -> None:
    """The pools take floats (PyTorch names the kernel that has no integer version)."""
    if input._data.dtype.kind != "f":
        name = _dtype.scalar_name(_dtype.as_dtype(input.dtype))
        raise NotImplementedError(f'"{kernel}" not implemented for \'{name}\'')
