"""Normalizing and padding in torch.nn: layer_norm / LayerNorm, normalize, cosine_similarity /
CosineSimilarity, and pad (constant mode). All but pad are composed from the Tensor's ops, so their
gradients are theirs; pad is one node whose gradient is the slice of g where the input went."""
import numpy as np

from ... import tensor as core
from .. import _dtype
from .._autograd import named
from .._device import check_device
from .._factories import ones, zeros
from ..checks import broadcast_shape, check_dim
from .function_checks import check_layer_norm, check_pad, normalized_dims
from .module import Module, Parameter


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5):
    """(x - mean) / sqrt(var + eps) over the last len(normalized_shape) dims (var without Bessel's
    correction), then * weight + bias."""
    dims = check_layer_norm(input, normalized_dims(normalized_shape), weight, bias)
    centred = input - input.mean(dims, keepdim=True)
    out = centred * ((centred * centred).mean(dims, keepdim=True) + eps).rsqrt()
    out = out if weight is None else out * weight
    return named(out if bias is None else out + bias, "native_layer_norm")


class LayerNorm(Module):
    """layer_norm with a learnt weight (ones) and bias (zeros) of normalized_shape."""

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True,
                 device=None, dtype=None):
        super().__init__()
        check_device(device)
        self.normalized_shape, self.eps = normalized_dims(normalized_shape), eps
        self.elementwise_affine = elementwise_affine
        d = _dtype.get_default_dtype() if dtype is None else dtype
        self.weight = Parameter(ones(self.normalized_shape, dtype=d)) if elementwise_affine else None
        self.bias = Parameter(zeros(self.normalized_shape, dtype=d)) if elementwise_affine and bias else None

    def forward(self, input):
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


def normalize(input, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None):
    """x / max(||x||_p, eps) along dim."""
    return input / input.norm(p, dim, keepdim=True).clamp_min(eps)


def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8):
    """sum((x1 / max(||x1||, eps)) * (x2 / max(||x2||, eps))) along dim, the two broadcast together. The norms
    are clamped as values only (their gradient is the unclamped norm's, as in PyTorch)."""
    shape = broadcast_shape(tuple(x1.shape), tuple(x2.shape))
    d = check_dim(dim, len(shape), "cosine_similarity")
    x1, x2 = x1.expand(shape), x2.expand(shape)
    n1, n2 = x1.norm(2, d, keepdim=True), x2.norm(2, d, keepdim=True)
    n1, n2 = (n + (n.clamp_min(eps) - n).detach() for n in (n1, n2))
    return named(((x1 / n1) * (x2 / n2)).sum(d), "cosine_similarity")


class CosineSimilarity(Module):
    """cosine_similarity(x1, x2, dim, eps)."""

    def __init__(self, dim: int = 1, eps: float = 1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return cosine_similarity(x1, x2, self.dim, self.eps)


def pad(input, pad, mode: str = "constant", value=None):
    """Pad with `value` (0 by default): pad = (left, right) for the last dim, then (top, bottom) for the one
    before, ...; a negative amount crops. Backward: g at the input's place."""
    pairs = check_pad(pad, input.dim(), mode)
    for d, (before, after) in enumerate(pairs):             # cropping first: narrow (a differentiable slice)
        if before < 0 or after < 0:
            start, size = max(-before, 0), input.shape[d]
            input = input.narrow(d, start, size - start - max(-after, 0))
    widths = [(max(b, 0), max(a, 0)) for b, a in pairs]
    fill = 0 if value is None else value
    place = tuple(slice(b, b + n) for (b, _), n in zip(widths, input.shape))
    return core._unary("constant_pad_nd", lambda a: np.pad(a, widths, constant_values=fill),
                       lambda g, a, out: g[place])(input)
