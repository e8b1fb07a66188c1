"""Pooling of torch.nn: over the last dim of (N, C, L) or (C, L) max_pool1d / MaxPool1d, avg_pool1d /
AvgPool1d, adaptive_avg_pool1d / AdaptiveAvgPool1d and adaptive_max_pool1d / AdaptiveMaxPool1d; over the last
two of (N, C, H, W) or (C, H, W) max_pool2d / MaxPool2d and avg_pool2d / AvgPool2d.

Each is composed from the Tensor's ops, so its gradient is theirs. A max picks one position per window
(numpy finds which, as PyTorch picks it: the first maximum, or the last NaN) and one integer index takes
those entries, so the whole gradient of a window goes to that entry, as in PyTorch (a 2-D pool takes them from
the input with H and W as one dim, at PyTorch's indices h * W + w). An average is one product with an (L, L_out)
matrix of 1 / divisor inside each window, one per dim in 2-D. As PyTorch does, each 1-D pool works on the input
with a dim of 1 added before L, as its 2-D pool, and removes it after: the output's grad_fn is SqueezeBackward1,
over MaxPool2DWithIndicesBackward0, AvgPool2DBackward0, ... (a 2-D pool's own)."""
import numpy as np

from .._autograd import named
from .._factories import tensor
from .conv import window_grid, window_positions
from .conv_checks import ntuple
from .pool_checks import check_adaptive, check_avg_pool1d, check_max_pool1d, check_pool2d
from .module import Module


def _as_2d_pool(input, pool, op: str):
    """pool(input with a dim of 1 before L), its result named `op`, and that dim taken away again."""
    return named(pool(input.unsqueeze(-2)), op).squeeze(-2)


def _argmax_at(data: np.ndarray, positions: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """The position of the maximum over each window of data's last dim: window l is positions[l] (count, K), of
    which only the entries where `valid` count (the others are padding). numpy picks as PyTorch does: the first
    of tied maxima, or the last NaN. Returns (..., count) positions."""
    first = positions[np.arange(len(positions)), valid.argmax(1)]
    positions = np.where(valid, positions, first[:, None])        # padding: the window's first entry again
    values = data[..., positions]                                   # (..., count, K)
    nan = np.isnan(values) & valid
    last_nan = positions.shape[1] - 1 - nan[..., ::-1].argmax(-1)
    pick = np.where(nan.any(-1), last_nan, values.argmax(-1))        # argmax: the first of tied maxima
    return np.take_along_axis(np.broadcast_to(positions, values.shape), pick[..., None], -1)[..., 0]


def _max_at(flat, positions: np.ndarray, valid: np.ndarray, shape: tuple, op: str, return_indices: bool):
    """The maxima of _argmax_at's windows over flat (..., 1, L) (a 1-D pool's input with a dim of 1 added, a
    2-D pool's with H and W as one), taken by one index and reshaped to `shape`, its op named `op`; with
    return_indices also the positions taken (int64), in that shape."""
    taken = _argmax_at(flat._data, positions, valid)                # (..., 1, count)
    out = named(flat[np.indices(taken.shape, sparse=True)[:-1] + (taken,)].reshape(shape), op)
    return (out, tensor(taken.reshape(shape))) if return_indices else out


def _max_pool_last_dim(input, positions: np.ndarray, valid: np.ndarray, op: str, return_indices: bool):
    """_max_at over input's last dim, as its 2-D pool with a dim of 1 before L, which is taken away again."""
    out = _max_at(input.unsqueeze(-2), positions, valid, input.shape[:-1] + (1, len(positions)), op, True)
    out, taken = out[0].squeeze(-2), out[1].squeeze(-2)
    return (out, taken) if return_indices else out


def max_pool1d(input, kernel_size, stride=None, padding: int = 0, dilation: int = 1, ceil_mode: bool = False,
               return_indices: bool = False):
    """out[..., l] = max_k x[..., l * stride + k * dilation - padding], over the k whose position is inside
    the input (the padding counts as -inf); stride defaults to kernel_size; with ceil_mode a last, partial
    window counts if it starts inside the input or its left padding. With return_indices also the positions
    of the maxima in the input."""
    k, s, p, d, count = check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)
    positions = window_positions(count, k, s, d, -p)
    valid = (positions >= 0) & (positions < input.shape[-1])
    return _max_pool_last_dim(input, positions, valid, "max_pool2d_with_indices", return_indices)


def _averaged(input, weights: np.ndarray, op: str):
    """input's last dim times weights (L, L_out): out[..., l] = sum_j x[..., j] * weights[j, l]."""
    return _as_2d_pool(input, lambda x: x @ tensor(weights, dtype=input.dtype), op)


def _averaging(length: int, k: int, s: int, p: int, count: int, count_include_pad: bool) -> tuple:
    """(in window (L, L_out) of 0 / 1, divisor (L_out,)) of an average pool along one dim: window l holds the
    positions l * s - p + i, i < k; its divisor counts them up to the end of the right padding when
    count_include_pad, else only those inside the input."""
    starts = s * np.arange(count) - p
    ends = np.minimum(starts + k, length + p)                       # a ceil_mode window stops at the padding's end
    divisor = ends - starts if count_include_pad else np.minimum(ends, length) - np.maximum(starts, 0)
    j = np.arange(length)[:, None]
    return (j >= starts) & (j < ends), divisor


def avg_pool1d(input, kernel_size, stride=None, padding: int = 0, ceil_mode: bool = False,
               count_include_pad: bool = True):
    """out[..., l] = sum of the input over window l (positions l * stride - padding + k, k < kernel_size)
    / divisor, where divisor counts the window's positions up to the end of the right padding when
    count_include_pad, else only those inside the input."""
    k, s, p, count = check_avg_pool1d(input, kernel_size, stride, padding, ceil_mode)
    inside, divisor = _averaging(input.shape[-1], k, s, p, count, count_include_pad)
    return _averaged(input, inside / divisor, "avg_pool2d")


def _adaptive_windows(length: int, size: int) -> tuple:
    """Window i of `size` covering [floor(i * L / size), ceil((i + 1) * L / size)): (starts, ends)."""
    i = np.arange(size)
    return i * length // size, -(-(i + 1) * length // size)


def adaptive_avg_pool1d(input, output_size):
    """The mean of each of output_size windows that cover the length as evenly as they can (they may
    overlap by one)."""
    starts, ends = _adaptive_windows(input.shape[-1], check_adaptive(input, output_size, "adaptive_avg_pool1d"))
    j = np.arange(input.shape[-1])[:, None]
    return _averaged(input, ((j >= starts) & (j < ends)) / (ends - starts), "adaptive_avg_pool2d")


def adaptive_max_pool1d(input, output_size, return_indices: bool = False):
    """The maximum of each of adaptive_avg_pool1d's windows; with return_indices also its positions."""
    starts, ends = _adaptive_windows(input.shape[-1], check_adaptive(input, output_size, "adaptive_max_pool1d"))
    widest = int((ends - starts).max(initial=1))
    positions = np.minimum(starts[:, None] + np.arange(widest), ends[:, None] - 1)   # short windows: last again
    return _max_pool_last_dim(input, positions, np.ones(positions.shape, bool), "adaptive_max_pool2d",
                              return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """max_pool1d over the last two dims, each size an int or a (height, width) pair: out[..., h, w] is the
    maximum over the window's entries inside the input (the padding counts as -inf). With return_indices also
    the positions of the maxima, as PyTorch gives them: h * W + w in the input."""
    k, s, p, d, counts = check_pool2d(input, "max_pool2d", kernel_size, stride, padding, dilation, ceil_mode)
    rows, cols = window_grid(counts, k, s, d, [-q for q in p])    # (OH, 1, KH, 1) and (1, OW, 1, KW)
    height, width = input.shape[-2:]
    valid = ((rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)).reshape(counts[0] * counts[1], -1)
    positions = np.broadcast_to(rows * width + cols, counts + k).reshape(valid.shape)
    flat = input.reshape(*input.shape[:-2], 1, height * width)
    return _max_at(flat, positions, valid, input.shape[:-2] + counts, "max_pool2d_with_indices", return_indices)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override=None):
    """avg_pool1d over the last two dims, each size an int or a (height, width) pair: the window's sum over
    the product of its height and width divisors, or over divisor_override when given."""
    k, s, p, _, counts = check_pool2d(input, "avg_pool2d", kernel_size, stride, padding, 1, ceil_mode,
                                      divisor_override)
    (rows, row_divisor), (cols, col_divisor) = (_averaging(*sizes, count_include_pad) for sizes in
                                                zip(input.shape[-2:], k, s, p, counts))
    if divisor_override is not None:
        row_divisor, col_divisor = 1, divisor_override
    down, across = (tensor(m, dtype=input.dtype) for m in ((rows / row_divisor).T, cols / col_divisor))
    return named(down @ input @ across, "avg_pool2d")


class _MaxPoolNd(Module):
    """A max pool with the given sizes (stride None: kernel_size), kept as given, as PyTorch keeps them."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False,
                 ceil_mode: bool = False):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """max_pool1d with the given sizes (stride None: kernel_size)."""

    def forward(self, input):
        return max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                          self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """max_pool2d with the given sizes (stride None: kernel_size), each an int or a (height, width) pair."""

    def forward(self, input):
        return max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                          self.return_indices)


class AvgPool1d(Module):
    """avg_pool1d with the given sizes (stride None: kernel_size), kept as 1-tuples as PyTorch keeps them."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True):
        super().__init__()
        self.kernel_size = ntuple(kernel_size)
        self.stride = ntuple(stride if stride is not None else kernel_size)
        self.padding, self.ceil_mode, self.count_include_pad = ntuple(padding), ceil_mode, count_include_pad

    def forward(self, input):
        return avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    """avg_pool2d with the given sizes (stride None: kernel_size), each an int or a (height, width) pair, kept
    as given, as PyTorch keeps them."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.ceil_mode, self.count_include_pad = padding, ceil_mode, count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                          self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool1d(Module):
    """adaptive_avg_pool1d to output_size."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return adaptive_avg_pool1d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(Module):
    """adaptive_max_pool1d to output_size (and the positions of the maxima, with return_indices)."""

    def __init__(self, output_size, return_indices: bool = False):
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input):
        return adaptive_max_pool1d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
