"""Batch normalization (batch_norm, BatchNorm1d, BatchNorm2d) and channel dropout (dropout2d, Dropout2d) of
torch.nn, as pytorch/examples' mnist_rnn uses them after its LSTM (and CRNN-style models after a Conv2d).
batch_norm is composed from the Tensor's ops, so its gradient is theirs; the running statistics are updated
outside the graph, with PyTorch's rounding (`momentum * batch + (1 - momentum) * running`, the variance
unbiased: sum of squares / (n - 1))."""
import warnings

import numpy as np

from .. import _dtype
from .._autograd import named
from .._device import check_device
from .._factories import ones, tensor, zeros
from .._random import numpy_rng
from .._rebind import inplace_option
from .function_checks import check_batch_norm, check_batch_norm_dim, check_feature_dropout
from .checks import check_probability
from .module import Module, Parameter


def _channels(t, ndim: int):
    """A (C,) tensor shaped to broadcast against (N, C), (N, C, L) or (N, C, H, W)."""
    return t if ndim == 2 else t.view(1, -1, *(1,) * (ndim - 2))


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5):
    """(x - mean) / sqrt(var + eps) * weight + bias per channel (dim 1). In training (or without running
    statistics) mean and biased var are the batch's, over every dim but 1, and running_mean / running_var,
    when given, move towards the batch's (unbiased) statistics by `momentum`; otherwise they are used."""
    dims = check_batch_norm(input, running_mean, running_var, weight, bias, training)
    if training:
        mean = input.mean(dims, keepdim=True)
        centred = input - mean
        squares = (centred * centred).sum(dims, keepdim=True)
        n = int(np.prod([input.shape[d] for d in dims]))
        var = squares / n
        if running_mean is not None:
            batch_mean, batch_var = mean.detach().numpy().reshape(-1), squares.detach().numpy().reshape(-1) / (n - 1)
            running_mean._data = (momentum * batch_mean + (1 - momentum) * running_mean._data).astype(
                running_mean._data.dtype)
            running_var._data = (momentum * batch_var + (1 - momentum) * running_var._data).astype(
                running_var._data.dtype)
    else:
        centred = input - _channels(running_mean, input.dim())
        var = _channels(running_var, input.dim())
    out = centred * (var + eps).rsqrt()
    out = out if weight is None else out * _channels(weight, input.dim())
    return named(out if bias is None else out + _channels(bias, input.dim()), "native_batch_norm")


class BatchNorm1d(Module):
    """batch_norm over (N, C) or (N, C, L) with a learnt weight (ones) and bias (zeros) of (C,), and running
    statistics (buffers running_mean, running_var, num_batches_tracked) used in eval mode."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum=0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True):
        super().__init__()
        check_device(device)
        d = _dtype.get_default_dtype() if dtype is None else dtype
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = Parameter(ones(num_features, dtype=d)) if affine else None
        self.bias = Parameter(zeros(num_features, dtype=d)) if affine and bias else None
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=d))
            self.register_buffer("running_var", ones(num_features, dtype=d))
            self.register_buffer("num_batches_tracked", tensor(0))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    dims = (2, 3)           # the input dims it takes

    def forward(self, input):
        check_batch_norm_dim(input, self.dims)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked._data = self.num_batches_tracked._data + 1
            if self.momentum is None:                       # a cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked._data)
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        tracked = not self.training or self.track_running_stats
        return batch_norm(input, self.running_mean if tracked else None, self.running_var if tracked else None,
                          self.weight, self.bias, use_batch, factor, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm2d(BatchNorm1d):
    """batch_norm over (N, C, H, W), per channel (the statistics over N, H and W)."""

    dims = (4,)


@inplace_option
def dropout2d(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels (input[i, j], over every dim after 1) with probability p and scale the rest by
    1 / (1 - p), in training. Like PyTorch, warns for an input that is not 3-D or 4-D (a 2-D (N, C) input
    then loses single entries, as dropout) and for a 3-D one (taken as (N, C, L))."""
    p = check_probability(p)
    if input.dim() not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.dim()}-D input to dropout2d, which is deprecated and will result "
                      "in an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      "inputs).", stacklevel=2)
    if input.dim() == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
                      "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
                      "will change in a future release to interpret the input as one without a batch dimension, i.e. "
                      "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using "
                      "dropout1d instead.", stacklevel=2)
    if not training or p == 0:
        return input
    check_feature_dropout(input)
    if p == 1:
        return input * 0.0
    shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    keep = numpy_rng(None, "dropout2d").random(shape) >= p
    return input * tensor(keep / (1.0 - p), dtype=input.dtype)


class Dropout2d(Module):
    """dropout2d(input, p, self.training)."""

    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        self.p, self.inplace = check_probability(p), inplace

    def forward(self, input):
        return dropout2d(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
