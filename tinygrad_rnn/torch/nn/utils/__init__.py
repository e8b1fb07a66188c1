"""torch.nn.utils: gradient clipping (returning the total norm as a tensor, as PyTorch; also in its two
halves, get_total_norm and clip_grads_with_norm_) and the sequence-packing utilities in torch.nn.utils.rnn."""
import warnings

import numpy as np

from ....nn import utils as core_utils
from ... import _dtype
from ..._factories import cat
from ..._tensor import wrap
from . import rnn
from .weight_norm import remove_weight_norm, weight_norm  # noqa: F401


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None):
    """Scale all gradients so their joint norm is at most max_norm; returns the norm before clipping."""
    params = _listed(parameters)
    total = core_utils.clip_grad_norm_(params, max_norm, norm_type)
    return _norm_tensor(total, norm_type, error_if_nonfinite, [p._grad for p in params if p._grad is not None])


def clip_grad_norm(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach=None):
    """The deprecated name of clip_grad_norm_ (it warns, as in PyTorch)."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def get_total_norm(tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach=None):
    """The norm_type-norm of all the tensors (usually the gradients) seen as one vector: the norm of their
    norms; 0 for none."""
    arrays = [t._data for t in _listed(tensors)]
    return _norm_tensor(core_utils.total_norm(arrays, norm_type), norm_type, error_if_nonfinite, arrays)


def clip_grads_with_norm_(parameters, max_norm: float, total_norm, foreach=None) -> None:
    """Scale every gradient in place by min(1, max_norm / (total_norm + 1e-6)), total_norm given (e.g. by
    get_total_norm): clip_grad_norm_'s second half."""
    coefficient = core_utils.clip_coefficient(float(max_norm), float(total_norm))
    for p in _listed(parameters):
        if p._grad is not None:
            core_utils.private_grad(p)[...] *= coefficient       # an intermediate's grad may be shared


def _listed(tensors) -> list:
    """One tensor or an iterable of them, as a list."""
    return [tensors] if hasattr(tensors, "_data") else list(tensors)


def _norm_tensor(total: float, norm_type, error_if_nonfinite: bool, arrays: list):
    """A total norm as a 0-d tensor of the arrays' dtype; PyTorch's error for a non-finite one if asked."""
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {float(norm_type)} for gradients from `parameters` is "
                           "non-finite, so it cannot be clipped. To disable this error and scale the gradients "
                           "by the non-finite norm anyway, set `error_if_nonfinite=False`")
    dtype = arrays[0].dtype if arrays else _dtype.get_default_dtype().dtype
    return wrap(np.asarray(total, dtype=dtype))


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient entry to [-clip_value, clip_value] in place."""
    core_utils.clip_grad_value_(_listed(parameters), clip_value)


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


__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_",
           "parameters_to_vector", "vector_to_parameters", "rnn"]
