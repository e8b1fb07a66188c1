"""torch.nn.utils: gradient clipping (returning the total norm as a tensor, as PyTorch) and the
sequence-packing utilities in torch.nn.utils.rnn."""
import numpy as np

from ....nn import utils as core_utils
from ... import _dtype
from ..._factories import cat
from ..._tensor import wrap
from . import rnn


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None):
    """Scale all gradients so their joint norm is at most max_norm; returns the norm before clipping."""
    params = [parameters] if hasattr(parameters, "_data") else list(parameters)
    total = core_utils.clip_grad_norm_(params, max_norm, norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {float(norm_type)} for gradients from `parameters` is "
                           "non-finite, so it cannot be clipped. To disable this error and scale the gradients "
                           "by the non-finite norm anyway, set `error_if_nonfinite=False`")
    dtype = next((p._grad.dtype for p in params if p._grad is not None), _dtype.get_default_dtype().dtype)
    return wrap(np.asarray(total, dtype=dtype))


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient entry to [-clip_value, clip_value] in place."""
    core_utils.clip_grad_value_([parameters] if hasattr(parameters, "_data") else list(parameters), clip_value)


def parameters_to_vector(parameters):
    """All parameters joined into one 1-D tensor."""
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters) -> None:
    """Copy consecutive pieces of vec into the parameters (in place)."""
    start = 0
    for p in parameters:
        n = p.numel()
        p._data[...] = vec._data[start:start + n].reshape(p.shape)
        start += n


__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters", "rnn"]
