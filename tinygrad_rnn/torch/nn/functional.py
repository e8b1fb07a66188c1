"""torch.nn.functional: activations, linear, embedding, dropout and one_hot with PyTorch's signatures and
checks, each composed from the core's ops (tinygrad_rnn.nn.functional and the Tensor's methods); the
losses are in losses.py."""
import warnings

import numpy as np

from ...matmul import linear as _linear
from ...nn import functional as core_F
from .._factories import where
from .._math import as_operand
from .._tensor import as_tensor_node, wrap
from .checks import check_indices, check_linear, check_one_hot, check_padding_idx, check_probability
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, l1_loss,  # noqa: F401
                     mse_loss, nll_loss)


def _implicit_dim(x, fn: str, stacklevel: int) -> int:
    """PyTorch's dim when none is given: 0 for 0-, 1- and 3-D inputs, else 1 (it warns, and so do we)."""
    warnings.warn(f"Implicit dimension choice for {fn} has been deprecated. Change the call to include dim=X "
                  "as an argument.", stacklevel=stacklevel)
    return 0 if x.dim() in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel: int = 3, dtype=None):
    """exp(x) / sum exp(x) along dim."""
    return input.softmax(_implicit_dim(input, "softmax", _stacklevel) if dim is None else dim, dtype)


def log_softmax(input, dim=None, _stacklevel: int = 3, dtype=None):
    """x - logsumexp(x) along dim."""
    return input.log_softmax(_implicit_dim(input, "log_softmax", _stacklevel) if dim is None else dim, dtype)


def tanh(input):
    """Elementwise tanh."""
    return input.tanh()


def sigmoid(input):
    """Elementwise logistic sigmoid."""
    return input.sigmoid()


def relu(input, inplace: bool = False):
    """max(x, 0)."""
    return input.relu_() if inplace else input.relu()


def linear(input, weight, bias=None):
    """input @ weight^T + bias, for input (..., in_features) and weight (out_features, in_features); a
    weight (in_features,) gives input @ weight, of shape (...). The bias is (out_features,), () or any
    shape that broadcasts to the output's."""
    check_linear(input, weight, bias)
    if weight.dim() == 1:
        out = input @ weight
        return out if bias is None else out + bias
    return as_tensor_node(_linear(input, weight, bias))


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False):
    """The rows of weight at the integer indices in input; the padding_idx row gets no gradient."""
    if max_norm is not None or scale_grad_by_freq:
        raise NotImplementedError("embedding(max_norm=..., scale_grad_by_freq=True) is not supported here")
    indices = check_indices(input, weight.shape[0])
    pad = check_padding_idx(padding_idx, weight.shape[0])
    out = as_tensor_node(core_F.embedding(weight, indices))
    if pad is None or not out.requires_grad:
        return out
    keep = np.expand_dims(indices != pad, -1)
    return where(keep, out, out.detach())          # the same numbers; no gradient reaches the padding row


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero each entry with probability p and scale the rest by 1 / (1 - p), in training, into a new tensor
    (inplace=True does not write into `input`); `input` itself when not training or p is 0."""
    return as_tensor_node(core_F.dropout(input, check_probability(p), training))


def one_hot(tensor, num_classes: int = -1):
    """(…,) integer classes -> (…, num_classes) int64 one-hot rows."""
    idx = as_operand(tensor)
    n = check_one_hot(idx, num_classes)
    return wrap((idx[..., None] == np.arange(n)).astype(np.int64))
