"""torch.distributions.utils: broadcasting parameters together, converting between probabilities and logits, and
the lazy property that computes one from the other on first use."""
import functools
from numbers import Number

import numpy as np

from .. import _dtype
from .._factories import tensor
from .._grad_mode import enable_grad
from .._tensor import Tensor
from ..checks import broadcast_shape
from ..nn.functional import softmax


def broadcast_all(*values) -> tuple:
    """The values as tensors of one broadcast shape; numbers become tensors of the first tensor's dtype (the
    default dtype if all are numbers)."""
    if not all(isinstance(v, (Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of Number, torch.Tensor or objects implementing "
                         "__torch_function__.")
    dtype = next((v.dtype for v in values if isinstance(v, Tensor)), _dtype.get_default_dtype())
    tensors = [v if isinstance(v, Tensor) else tensor(v, dtype=dtype) for v in values]
    shape = functools.reduce(broadcast_shape, (tuple(t.shape) for t in tensors))
    return tuple(t if t.shape == shape else t.expand(shape) for t in tensors)


def check_probs_or_logits(probs, logits) -> None:
    """Exactly one of the two parametrisations is given."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")


def clamp_probs(probs: Tensor) -> Tensor:
    """probs clamped to [eps, 1 - eps] (eps of its dtype), so their logits stay finite."""
    eps = float(np.finfo(probs.dtype.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """log p (the log-odds log p - log(1 - p) when is_binary), from clamped probabilities."""
    p = clamp_probs(probs)
    return p.log() - (-p).log1p() if is_binary else p.log()


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """softmax along the last dimension (sigmoid when is_binary)."""
    return logits.sigmoid() if is_binary else softmax(logits, dim=-1)


class lazy_property:
    """A property computed on first use (recording gradients, as PyTorch's does) and then kept in the instance's
    __dict__, where repr() and validation find it, as PyTorch's probs and logits are."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        functools.update_wrapper(self, wrapped)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value
