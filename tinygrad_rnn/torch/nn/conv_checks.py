"""Checks of the arguments of conv1d / Conv1d and of the 1-D pools (conv.py, pooling.py), with PyTorch's
messages (PyTorch 2.14). Each check returns the arguments as plain ints once they pass."""
from ...checks import is_int
from ...tensor import Tensor as CoreTensor
from .. import _dtype
from .checks import typename

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def single(value) -> tuple:
    """PyTorch's _single: an int as (int,), a sequence as a tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


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


def _int_list(value, fn: str, name: str, position: int) -> tuple:
    """An int or a sequence of ints, as a tuple."""
    items = single(value)
    if not all(is_int(v) for v in items):
        bad = next(v for v in items if not is_int(v))
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be tuple of ints, not "
                        f"{type(bad).__name__}")
    return tuple(int(v) for v in items)


# ---------------------------------------------------------------- convolution
def check_conv_module(in_channels: int, out_channels: int, groups: int, padding, stride: tuple, mode: str) -> None:
    """Conv1d's constructor: groups divides both channel counts, a padding string is 'same' (unstrided) or
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


def check_conv1d(input, weight, bias, stride, padding, dilation, groups) -> tuple:
    """conv1d's arguments; returns (stride, (left, right) padding, dilation)."""
    for position, (name, value) in enumerate((("input", input), ("weight", weight), ("bias", bias)), 1):
        if not isinstance(value, CoreTensor) and (value is not None or name != "bias"):
            raise TypeError(f"conv1d(): argument '{name}' (position {position}) must be Tensor, not {typename(value)}")
    if not is_int(groups) or groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    given = {"stride": (stride, 4), "padding": (padding, 5), "dilation": (dilation, 6)}
    sizes = {name: _int_list(v, "conv1d", name, position) for name, (v, position) in given.items()
             if not (name == "padding" and isinstance(padding, str))}
    for name, value in sizes.items():
        if len(value) != 1:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of 1 values to match the "
                               f"convolution dimensions, but got {name}={list(value)}")
    for name, least, words in (("stride", 1, "non-positive stride"), ("padding", 0, "negative padding"),
                               ("dilation", 1, "non-positive dilation")):
        if sizes.get(name, (least,))[0] < least:
            raise RuntimeError(f"{words} is not supported")
    (s,), (d,) = sizes["stride"], sizes["dilation"]
    if padding == "same" and s != 1:
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    if isinstance(padding, str) and padding not in ("same", "valid"):
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    _check_conv_shapes(input, weight, bias, int(groups))
    k = weight.shape[2]
    pads = same_padding(k, d) if padding == "same" else (0, 0) if padding == "valid" else sizes["padding"] * 2
    if input.shape[-1] + sum(pads) < d * (k - 1) + 1:
        raise RuntimeError(f"Calculated padded input size per channel: ({input.shape[-1] + sum(pads)}). Kernel size: "
                           f"({d * (k - 1) + 1}). Kernel size can't be greater than actual input size")
    _check_conv_dtypes(input, weight, bias)
    return s, pads, d


def _check_conv_shapes(input, weight, bias, groups: int) -> None:
    """A 2-D or 3-D input, a 3-D weight whose out channels groups divides and whose in channels times groups
    are the input's, and a bias of one entry per out channel."""
    if input.dim() not in (2, 3):
        raise RuntimeError("Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: "
                           f"{list(input.shape)}")
    shape = list(input.shape) if input.dim() == 3 else [1] + list(input.shape)
    if weight.dim() < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if weight.dim() != 3:
        raise RuntimeError(f"Expected {weight.dim()}-dimensional input for {weight.dim()}-dimensional weight "
                           f"{list(weight.shape)}, but got 3-dimensional input of size {shape} instead")
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
    """Padding by reflection stays within the input, circular padding wraps around at most once."""
    if mode == "reflect" and max(pads) >= shape[-1]:
        raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, but "
                           f"got: padding {tuple(pads)} at dimension {len(shape) - 1} of input {list(shape)}")
    if mode == "circular" and max(pads) > shape[-1]:
        raise RuntimeError("Padding value causes wrapping around more than once.")


# ---------------------------------------------------------------- pooling
def check_float_input(input, kernel: str) -> None:
    """The pools take floats (PyTorch names the kernel that has no integer version)."""
    if input._data.dtype.kind != "f":
        name = _dtype.scalar_name(_dtype.as_dtype(input.dtype))
        raise NotImplementedError(f'"{kernel}" not implemented for \'{name}\'')


def _check_pool_dims(input, fn: str) -> None:
    """avg_pool1d and the adaptive pools take (C, L) or (N, C, L)."""
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for {fn})")


def _one_int(value, fn: str, name: str, position: int) -> int:
    """An int, or a sequence of one int (avg_pool1d's and the adaptive pools' size arguments)."""
    items = _int_list(value, fn, name, position)
    if len(items) != 1:
        raise RuntimeError(f"{fn}() argument '{name}' should contain one int (got {len(items)})")
    return items[0]


_MAX_POOL_SIZES = {"kernel_size": "an int, list of ints or tuple of ints", "stride": "None, an int, list of ints, or "
                   "tuple of ints", "padding": "an int, list of ints, or tuple of ints",
                   "dilation": "an int, list of ints or tuple of ints"}


def check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode: bool) -> tuple:
    """max_pool1d's arguments (stride None or () means kernel_size); returns (kernel, stride, padding,
    dilation, output length)."""
    check_float_input(input, "max_pool1d_impl")
    if input.dim() not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(input.shape)}")
    stride = kernel_size if stride is None or stride == () or stride == [] else stride
    given = {"kernel_size": kernel_size, "stride": stride, "padding": padding, "dilation": dilation}
    sizes = {name: _int_list(v, "max_pool1d", name, position) for position, (name, v) in enumerate(given.items(), 2)}
    for name, value in sizes.items():
        if len(value) != 1:
            raise RuntimeError(f"max_pool1d() {name} must be {_MAX_POOL_SIZES[name]} of size 1 but got size "
                               f"{len(value)}")
    (k,), (s,), (p,), (d,) = sizes.values()
    for name, value, least in (("kernel_size", k, 1), ("stride", s, 1), ("padding", p, 0), ("dilation", d, 1)):
        if value < least:
            raise RuntimeError(f"max_pool1d() {name} must be {'greater than zero' if least else 'non-negative'}, "
                               f"but got {value}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} and "
                           f"kernel_size={k}")
    count = pooled_length(input.shape[-1], k, s, p, d, ceil_mode)
    if count < 1:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {count}")
    return k, s, p, d, count


def check_avg_pool1d(input, kernel_size, stride, padding, ceil_mode: bool) -> tuple:
    """avg_pool1d's arguments (stride None or () means kernel_size); returns (kernel, stride, padding, output
    length)."""
    check_float_input(input, "avg_pool1d")
    _check_pool_dims(input, "avg_pool1d")
    stride = kernel_size if stride is None or stride == () or stride == [] else stride
    k, s, p = (_one_int(v, "avg_pool1d", name, position) for position, (name, v) in
               enumerate((("kernel_size", kernel_size), ("stride", stride), ("padding", padding)), 2))
    shape = list(input.shape[:-1]) + [1, input.shape[-1]]         # as avg_pool2d sees it
    for ok, message in ((s != 0, "stride should not be zero"),
                        (k > 0, f"kernel size should be greater than zero, but got kH: 1 kW: {k}"),
                        (s > 0, f"stride should be greater than zero, but got dH: 1 dW: {s}"),
                        (0 not in input.shape[-2:], "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch "
                                                    f"size for input, but got:{shape}"),
                        (p >= 0, f"pad must be non-negative, but got pad: {p}"),
                        (p <= k // 2, f"pad should be at most half of effective kernel size, but got pad={p}, "
                                      f"kernel_size={k} and dilation=1")):
        if not ok:
            raise RuntimeError(message)
    count = pooled_length(input.shape[-1], k, s, p, 1, ceil_mode)
    if count < 1:
        raise RuntimeError(f"Given input size: ({input.shape[-2]}x1x{input.shape[-1]}). Calculated output size: "
                           f"({input.shape[-2]}x1x{count}). Output size is too small")
    return k, s, p, count


def check_adaptive(input, output_size, fn: str) -> int:
    """The adaptive pools' input and output size (an int, or a sequence of one int, at least 0); returns it.
    adaptive_max_pool1d also wants every channel non-empty, adaptive_avg_pool1d the length."""
    check_float_input(input, fn.replace("1d", "2d"))
    size = _one_int(output_size, fn, "output_size", 2)
    _check_pool_dims(input, fn)
    if size < 0:
        raise RuntimeError(f"adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but "
                           f"received {{1, {size}}}" if fn == "adaptive_avg_pool1d" else
                           f"Trying to create tensor with negative dimension {size}: "
                           f"{list(input.shape[:-1]) + [1, size]}")
    if fn == "adaptive_max_pool1d":                     # every non-batch dim, of the input as given
        kernel, shape, dims = fn, list(input.shape), range(input.dim() - 2, input.dim())
    else:                                               # the length only, of the input as a 2-D pool sees it
        kernel, shape, dims = "adaptive_avg_pool2d", list(input.shape[:-1]) + [1, input.shape[-1]], [input.dim()]
    empty = [d for d in dims if not shape[d]]
    if empty:
        raise RuntimeError(f"{kernel}(): Expected input to have non-zero size for non-batch dimensions, but input "
                           f"has sizes {shape} with dimension {empty[0]} being empty")
    return size
