"""1-D convolution of torch.nn: conv1d and Conv1d, as CNN+RNN programs put them in front of an LSTM.

conv1d is composed from the Tensor's ops, so its gradients are theirs: the input is padded (F.pad, or an
index for the reflect / replicate / circular modes of Conv1d), every window of every channel is gathered
by one integer index (an (L_out, K) array of positions), and the products with the weight are summed by
one einsum per group. Its output's grad_fn is PyTorch's, ConvolutionBackward0."""
import math

import numpy as np

from .. import _dtype
from .._autograd import named
from .._device import check_device
from .._einsum import einsum
from .._factories import empty
from . import init
from .conv_checks import check_conv1d, check_conv_module, check_mode_padding, same_padding, single
from .module import Module, Parameter
from .normalization import pad


def window_positions(count: int, kernel: int, stride: int, dilation: int, start: int = 0) -> np.ndarray:
    """(count, kernel) positions along the length: window l holds start + l * stride + k * dilation."""
    return start + stride * np.arange(count)[:, None] + dilation * np.arange(kernel)[None, :]


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """out[n, o, l] = bias[o] + sum_{c, k} weight[o, c, k] * x[n, g * C_g + c, l * stride + k * dilation]
    for input (N, C_in, L) or (C_in, L), weight (C_out, C_g = C_in / groups, K) and bias (C_out,) or None,
    where x is the input padded with zeros (padding: an int, 'valid' = 0, or 'same' = the output as long as
    the input) and g the group of out channel o (C_out / groups out channels per group)."""
    stride, (left, right), dilation = check_conv1d(input, weight, bias, stride, padding, dilation, groups)
    batched = input.dim() == 3
    x = input if batched else input.unsqueeze(0)
    x = pad(x, (left, right)) if left or right else x
    n, (out_channels, c_g, k) = x.shape[0], weight.shape
    count = (x.shape[2] - dilation * (k - 1) - 1) // stride + 1
    channels = np.arange(x.shape[1]).reshape(groups, c_g, 1, 1)
    windows = x[:, channels, window_positions(count, k, stride, dilation)]           # (N, G, C_g, L_out, K)
    w = weight.reshape(groups, out_channels // groups, c_g, k)                        # (G, O, C_g, K)
    out = einsum("ngclk,gock->ngol", windows, w).reshape(n, out_channels, count)      # (N, C_out, L_out)
    out = named(out if bias is None else out + bias.reshape(-1, 1), "convolution")
    return out if batched else out.squeeze(0)


_PAD_NAMES = {"reflect": "reflection_pad1d", "replicate": "replication_pad1d", "circular": "copy_slices"}


def pad_by_mode(input, pads: tuple, mode: str):
    """input's last dim padded by (left, right) entries taken from the input itself: mirrored about the end
    entries ('reflect'), the end entries repeated ('replicate') or wrapped around ('circular'). One index;
    its gradient adds up at each entry every place it was copied to."""
    check_mode_padding(mode, pads, tuple(input.shape))
    length, (left, right) = input.shape[-1], pads
    at = np.arange(-left, length + right)
    if mode == "reflect":
        at = (length - 1) - np.abs((length - 1) - np.abs(at))
    elif mode == "replicate":
        at = np.clip(at, 0, length - 1)
    else:
        at = at % length
    return named(input[..., at], _PAD_NAMES[mode])


class Conv1d(Module):
    """conv1d with a learnt weight (out_channels, in_channels / groups, kernel_size) and bias (out_channels,),
    both drawn as PyTorch draws them: weight by kaiming_uniform_ with a = sqrt(5), i.e. U(-1/sqrt(fan_in),
    1/sqrt(fan_in)) with fan_in = in_channels / groups * kernel_size, and bias from the same range.
    padding_mode 'reflect', 'replicate' or 'circular' pads the input with its own entries first."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None):
        super().__init__()
        check_device(device)
        self.kernel_size, self.stride, self.dilation = single(kernel_size), single(stride), single(dilation)
        self.padding = padding if isinstance(padding, str) else single(padding)
        check_conv_module(in_channels, out_channels, groups, self.padding, self.stride, padding_mode)
        self.in_channels, self.out_channels, self.groups, self.padding_mode = in_channels, out_channels, groups, \
            padding_mode
        self.transposed, self.output_padding = False, (0,)
        if self.padding == "same":
            self._reversed_padding_repeated_twice = list(same_padding(self.kernel_size[0], self.dilation[0]))
        else:
            self._reversed_padding_repeated_twice = [0, 0] if self.padding == "valid" else list(self.padding) * 2
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
        if self.padding_mode != "zeros":
            return conv1d(pad_by_mode(input, self._reversed_padding_repeated_twice, self.padding_mode), self.weight,
                          self.bias, self.stride, 0, self.dilation, self.groups)
        return conv1d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

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
