"""torch.nn.functional: activations, embedding, embedding_bag and one_hot with PyTorch's signatures and checks, each
composed from the core's ops (tinygrad_rnn.nn.functional and the Tensor's methods); linear and dropout are in
linear_ops.py, the losses in losses.py, gelu, silu, leaky_relu, elu and softplus in activations.py (the piecewise
ones in activations_more.py), layer_norm, normalize, cosine_similarity and pad in normalization.py, conv1d and
conv2d in conv.py, max_pool1d, avg_pool1d, adaptive_avg_pool1d, adaptive_max_pool1d, max_pool2d and avg_pool2d in
pooling.py, scaled_dot_product_attention and multi_head_attention_forward in attention.py, ctc_loss in ctc.py,
adaptive_avg_pool2d and adaptive_max_pool2d in adaptive_pool2d.py."""
import warnings

import numpy as np

from ...shape_ops import IndexedGrad
from .._factories import stack
from .._autograd import named
from .._math import as_operand
from .._rebind import inplace_option
from .._tensor import as_tensor_node, wrap
from .checks import check_indices, check_one_hot, check_padding_idx
from .function_checks import check_embedding_bag
from .linear_ops import dropout, linear  # noqa: F401
from .activations import elu, gelu, leaky_relu, silu, softplus  # noqa: F401
from .activations_more import (celu, glu, hardsigmoid, hardswish, hardtanh, logsigmoid, mish, prelu,  # noqa: F401
                               relu6, selu, softsign, tanhshrink, threshold)
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss,  # noqa: F401
                     kl_div, l1_loss, mse_loss, nll_loss, smooth_l1_loss)
from .batchnorm import batch_norm, dropout2d  # noqa: F401
from .normalization import cosine_similarity, layer_norm, normalize, pad  # noqa: F401
from .conv import conv1d, conv2d  # noqa: F401
from .pooling import (adaptive_avg_pool1d, adaptive_max_pool1d, avg_pool1d, avg_pool2d, max_pool1d,  # noqa: F401
                      max_pool2d)
from .attention import multi_head_attention_forward, scaled_dot_product_attention  # noqa: F401
from .ctc import ctc_loss  # noqa: F401
from .adaptive_pool2d import adaptive_avg_pool2d, adaptive_max_pool2d  # noqa: F401


def _implicit_dim(x, fn: str, stacklevel: int) -> int:
    """PyTorch's dim when none is given: 0 for 0-, 1- and 3-D inputs, else 1 (it warns, and so do we)."""
    warnings.warn(f"Implicit dimension choice for {fn} has been deprecated. Change the call to include dim=X "
                  "as an argument.", stacklevel=stacklevel)
    return 0 if x.dim() in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel: int = 3, dtype=None):
    """exp(x) / sum exp(x) along dim."""
    return input.softmax(_implicit_dim(input, "softmax", _stacklevel) if dim is None else dim, dtype)


def softmin(input, dim=None, _stacklevel: int = 3, dtype=None):
    """softmax(-x) along dim."""
    return (-input).softmax(_implicit_dim(input, "softmin", _stacklevel) if dim is None else dim, dtype)


def log_softmax(input, dim=None, _stacklevel: int = 3, dtype=None):
    """x - logsumexp(x) along dim."""
    return input.log_softmax(_implicit_dim(input, "log_softmax", _stacklevel) if dim is None else dim, dtype)


def tanh(input):
    """Elementwise tanh."""
    return input.tanh()


def sigmoid(input):
    """Elementwise logistic sigmoid."""
    return input.sigmoid()


@inplace_option
def relu(input, inplace: bool = False):
    """max(x, 0)."""
    return input.relu()


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False):
    """The rows of weight at the integer indices in input (one gather, op 'embedding'). With max_norm, each
    row looked up whose norm_type-norm exceeds max_norm is first rescaled to that norm, and weight keeps
    the rescaled rows, as in PyTorch; they are written into a copy that weight then holds (PyTorch writes
    into weight's own memory), so a graph recorded before keeps the values it used. Backward: g scattered
    back to the rows (repeats add up), none to padding_idx's row, each divided by how often its index
    occurs in input when scale_grad_by_freq."""
    indices = check_indices(input, weight.shape[0])
    padding_row = check_padding_idx(padding_idx, weight.shape[0])
    if max_norm is not None:
        weight._data = _renormed(weight._data, np.unique(indices), max_norm, norm_type)
    scale = np.ones(indices.shape, weight._data.dtype)
    if padding_row is not None:
        scale[indices == padding_row] = 0
    if scale_grad_by_freq:
        counts = np.bincount(indices.ravel(), minlength=weight.shape[0])
        scale = scale / counts[indices]
    saved = (indices, None if padding_row is None and not scale_grad_by_freq else scale[..., None])
    return as_tensor_node(weight._child(weight._data[indices], (weight,), _embedding_backward, "embedding", saved))


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                  mode: str = "mean", sparse: bool = False, per_sample_weights=None, include_last_offset: bool = False,
                  padding_idx=None):
    """Each bag's rows of weight reduced to one: out[b] = sum, mean or max of weight[i] over the indices i of bag b
    (padding_idx's excluded; an empty bag gives zeros). Bags are the rows of a 2-D input, or the runs of a 1-D
    input starting at `offsets`. per_sample_weights (mode='sum') scale each row first. Sum and mean are one
    product of a (B, N) bag matrix with the looked-up rows; max takes each bag's rows' max."""
    ids, starts, ends = check_embedding_bag(input, offsets, mode, per_sample_weights, include_last_offset)
    rows = embedding(wrap(ids), weight, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse)
    at = np.arange(ids.size)
    member = (at >= starts[:, None]) & (at < ends[:, None])                  # (B, N): index i is in bag b
    if padding_idx is not None:
        member &= ids != padding_idx % weight.shape[0]
    if mode == "max":
        out = [rows[np.flatnonzero(m)].max(0)[0] if m.any() else wrap(np.zeros(rows.shape[1:], rows._data.dtype))
               for m in member]
        return named(stack(out), "embedding_bag")
    bags = member.astype(rows._data.dtype)
    if mode == "mean":
        bags = bags / np.maximum(bags.sum(1, keepdims=True), 1)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1, 1)
    return named(wrap(bags) @ rows, "embedding_bag")


def _embedding_backward(indices, scale, g) -> tuple:
    """d weight: g (times each lookup's scale) added into the rows it came from."""
    return (IndexedGrad(indices, g if scale is None else g * scale, True),)


def _renormed(table: np.ndarray, rows: np.ndarray, max_norm: float, norm_type: float) -> np.ndarray:
    """PyTorch's embedding_renorm_ out of place: table, or a copy of it whose `rows` with a norm above max_norm
    are scaled by max_norm / (norm + 1e-7)."""
    norms = np.linalg.norm(table[rows], ord=norm_type, axis=-1)
    big = norms > max_norm
    if not big.any():
        return table
    table = table.copy()
    table[rows[big]] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(table.dtype)
    return table


def one_hot(tensor, num_classes: int = -1):
    """(…,) integer classes -> (…, num_classes) int64 one-hot rows."""
    idx = as_operand(tensor)
    n = check_one_hot(idx, num_classes)
    return wrap((idx[..., None] == np.arange(n)).astype(np.int64))
