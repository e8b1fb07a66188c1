"""The 2-D adaptive pools of torch.nn: adaptive_avg_pool2d / AdaptiveAvgPool2d and adaptive_max_pool2d /
AdaptiveMaxPool2d over the last two dims of (N, C, H, W) or (C, H, W), built as the 1-D ones in pooling.py are,
with its helpers: output window i along a dim of length L covers [floor(i L / out), ceil((i + 1) L / out)). The
average is down @ x @ across with one (out, L) matrix of 1 / width inside each window per dim; the maximum takes one
position per window (PyTorch's: the first maximum, or the last NaN) from the input with H and W as one dim, at
PyTorch's indices h * W + w."""
import numpy as np

from .._autograd import named
from .._factories import tensor
from .adaptive_pool2d_checks import check_adaptive2d
from .module import Module
from .pooling import _adaptive_windows, _max_at


def _windows(length: int, size: int) -> np.ndarray:
    """The (size, widest) positions of each window along a dim; a shorter window repeats its last position."""
    starts, ends = _adaptive_windows(length, size)
    widest = int((ends - starts).max(initial=1))
    return np.minimum(starts[:, None] + np.arange(widest), ends[:, None] - 1)


def adaptive_avg_pool2d(input, output_size):
    """The mean of each of the (out_h, out_w) windows that cover H and W as evenly as they can (neighbours may
    share a row or column); output_size an int, or a pair whose None entries keep the input's size."""
    sizes = check_adaptive2d(input, output_size, "adaptive_avg_pool2d")
    down, across = [], []
    for length, size, matrices in zip(input.shape[-2:], sizes, (down, across)):
        starts, ends = _adaptive_windows(length, size)
        j = np.arange(length)[:, None]
        matrices.append(tensor(((j >= starts) & (j < ends)) / np.maximum(ends - starts, 1), dtype=input.dtype))
    return named(down[0].T @ input @ across[0], "adaptive_avg_pool2d")


def adaptive_max_pool2d(input, output_size, return_indices: bool = False):
    """The maximum of each of adaptive_avg_pool2d's windows; with return_indices also its positions h * W + w."""
    sizes = check_adaptive2d(input, output_size, "adaptive_max_pool2d")
    height, width = input.shape[-2:]
    rows, cols = (_windows(length, size) for length, size in zip((height, width), sizes))
    positions = (rows[:, None, :, None] * width + cols[None, :, None, :]).reshape(sizes[0] * sizes[1],
                                                                                  rows.shape[1] * cols.shape[1])
    flat = input.reshape(*input.shape[:-2], 1, height * width)
    return _max_at(flat, positions, np.ones(positions.shape, bool), input.shape[:-2] + sizes, "adaptive_max_pool2d",
                   return_indices)


class AdaptiveAvgPool2d(Module):
    """adaptive_avg_pool2d to output_size (an int, or a pair with None for the input's size)."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(AdaptiveAvgPool2d):
    """adaptive_max_pool2d to output_size (and the positions of the maxima, with return_indices)."""

    def __init__(self, output_size, return_indices: bool = False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):
        return adaptive_max_pool2d(input, self.output_size, self.return_indices)
