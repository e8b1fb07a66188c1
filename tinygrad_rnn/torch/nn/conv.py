"""1-D and 2-D convolution of torch.nn: conv1d / Conv1d and conv2d / Conv2d, as CNN+RNN programs put them in front
of an LSTM or a GRU.

Both are one function composed from the Tensor's ops, so their gradients are theirs: the input is padded (F.pad,
or an index for the reflect / replicate / circular padding modes), every window of every channel is gathered by
one integer index (per dim an array of positions, window l holding l * stride + k * dilation), and the products
with the weight are summed by one einsum per group. The output's grad_fn is PyTorch's, ConvolutionBackward0."""
import math

import numpy as np

from .. import _dtype
from .._autograd import named
from .._device import check_device
from .._einsum import einsum
from .._factories import empty
from . import init
from .conv_checks import check_conv, check_conv_module, check_mode_padding, ntuple, same_padding
from .module import Module, Parameter
from .normalization import pad


def window_positions(count: int, kernel: int, stride: int, dilation: int, start: int = 0) -> np.ndarray:
    """(count, kernel) positions along the length: window l holds start + l * stride + k * dilation."""
    return start + stride * np.arange(count)[:, None] + dilation * np.arange(kernel)[None, :]


def window_grid(counts, kernels, strides, dilations, starts) -> tuple:
    """window_positions of each dim, shaped to index windows (*counts, *kernels): dim i's positions have its
    count at axis i and its kernel at axis len(counts) + i, and size 1 elsewhere."""
    dims, grid = len(counts), []
    for i, sizes in enumerate(zip(counts, kernels, strides, dilations, starts)):
        shape = [1] * 2 * dims
        shape[i], shape[dims + i] = sizes[:2]
        grid.append(window_positions(*sizes).reshape(shape))
    return tuple(grid)


def _convolution(input, weight, bias, stride: tuple, pads: tuple, dilation: tuple, groups: int):
    """The convolution over the last len(stride) dims of the input, its arguments checked; pads as F.pad
    takes them."""
    dims = len(stride)
    batched = input.dim() == dims + 2
    x = input if batched else input.unsqueeze(0)
    x = pad(x, pads) if any(pads) else x
    n, (out_channels, c_g), kernel = x.shape[0], weight.shape[:2], tuple(weight.shape[2:])
    counts = [(size - d * (k - 1) - 1) // s + 1 for size, k, s, d in zip(x.shape[2:], kernel, stride, dilation)]
    channels = np.arange(x.shape[1]).reshape((groups, c_g) + (1,) * 2 * dims)
    windows = x[(slice(None), channels) + window_grid(counts, kernel, stride, dilation, [0] * dims)]
    w = weight.reshape(groups, out_channels // groups, c_g, *kernel)                  # (G, O, C_g, *K)
    at, k = "hw"[:dims], "ij"[:dims]                                                  # windows: (N, G, C_g, *L, *K)
    out = einsum(f"ngc{at}{k},goc{k}->ngo{at}", windows, w).reshape(n, out_channels, *counts)
    out = named(out if bias is None else out + bias.reshape(-1, *(1,) * dims), "convolution")
    return out if batched else out.squeeze(0)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """out[n, o, l] = bias[o] + sum_{c, k} weight[o, c, k] * x[n, g * C_g + c, l * stride + k * dilation]
    for input (N, C_in, L) or (C_in, L), weight (C_out, C_g = C_in / groups, K) and bias (C_out,) or None,
    where x is the input padded with zeros (padding: an int, 'valid' = 0, or 'same' = the output as long as
    the input) and g the group of out channel o (C_out / groups out channels per group)."""
    return _convolution(input, weight, bias, *check_conv(input, weight, bias, stride, padding, dilation, groups, 1),
                        int(groups))


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """out[n, o, h, w] = bias[o] + sum_{c, i, j} weight[o, c, i, j] * x[n, g * C_g + c, h * stride[0] + i *
    dilation[0], w * stride[1] + j * dilation[1]] for input (N, C_in, H, W) or (C_in, H, W), weight (C_out, C_g =
    C_in / groups, KH, KW) and bias (C_out,) or None; as conv1d per dim (stride, padding and dilation are an int
    or a pair, padding also 'valid' or 'same')."""
    return _convolution(input, weight, bias, *check_conv(input, weight, bias, stride, padding, dilation, groups, 2),
                        int(groups))


_PAD_NAMES = {"reflect": "reflection_pad{}d", "replicate": "replication_pad{}d", "circular": "copy_slices"}


def pad_by_mode(input, pads: tuple, mode: str):
    """input's last len(pads) / 2 dims padded by pads as F.pad takes them ((left, right) of the last dim first),
    with entries taken from the input itself: mirrored about the end entries ('reflect'), the end entries
    repeated ('replicate') or wrapped around ('circular'). One index; its gradient adds up at each entry every
    place it was copied to."""
    check_mode_padding(mode, pads, tuple(input.shape))
    dims, ats = len(pads) // 2, []
    for length, left, right in zip(input.shape[-dims:], pads[-2::-2], pads[::-2]):
        at = np.arange(-left, length + right)
        if mode == "reflect":
            at = (length - 1) - np.abs((length - 1) - np.abs(at))
        elif mode == "replicate":
            at = np.clip(at, 0, length - 1)
        else:
            at = at % length
        ats.append(at)
    return named(input[(Ellipsis,) + np.ix_(*ats)], _PAD_NAMES[mode].format(dims))


class _ConvNd(Module):
    """A convolution over `_dims` dims with a learnt weight (out_channels, in_channels / groups, *kernel_size)
    and bias (out_channels,), both drawn as PyTorch draws them: weight by kaiming_uniform_ with a = sqrt(5), i.e.
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = in_channels / groups * prod(kernel_size), and bias from the
    same range. padding_mode 'reflect', 'replicate' or 'circular' pads the input with its own entries first."""

    _dims = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None):
        super().__init__()
        check_device(device)
        n = self._dims
        self.kernel_size, self.stride, self.dilation = (ntuple(v, n) for v in (kernel_size, stride, dilation))
        self.padding = padding if isinstance(padding, str) else ntuple(padding, n)
        check_conv_module(in_channels, out_channels, groups, self.padding, self.stride, padding_mode)
        self.in_channels, self.out_channels, self.groups, self.padding_mode = in_channels, out_channels, groups, \
            padding_mode
        self.transposed, self.output_padding = False, (0,) * n
        if isinstance(self.padding, str):
            pairs = [same_padding(k, d) if self.padding == "same" else (0, 0)
                     for k, d in zip(self.kernel_size, self.dilation)]
        else:
            pairs = [(p, p) for p in self.padding]
        self._reversed_padding_repeated_twice = [p for pair in reversed(pairs) for p in pair]
        d = _dtype.get_default_dtype() if dtype is None else dtype
        self.weight = Parameter(empty((out_channels, in_channels // groups) + self.kernel_size, dtype=d))
        self.bias = Parameter(empty(out_channels, dtype=d)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw weight and bias again (see the class docstring)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = init._calculate_fan_in_and_fan_out(self.weight)[0]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        conv = conv1d if self._dims == 1 else conv2d
        if self.padding_mode != "zeros":
            return conv(pad_by_mode(input, self._reversed_padding_repeated_twice, self.padding_mode), self.weight,
                        self.bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s + (f", padding_mode={self.padding_mode}" if self.padding_mode != "zeros" else "")


class Conv1d(_ConvNd):
    """conv1d with a learnt weight (out_channels, in_channels / groups, kernel_size) and bias (out_channels,),
    drawn and padded as _ConvNd says."""

    _dims = 1


class Conv2d(_ConvNd):
    """conv2d with a learnt weight (out_channels, in_channels / groups, KH, KW) and bias (out_channels,), drawn
    and padded as _ConvNd says; kernel_size, stride, padding and dilation are an int or a pair."""

    _dims = 2
