"""Checks of the arguments of scaled_dot_product_attention, multi_head_attention_forward (attention.py) and
MultiheadAttention (multihead_attention.py), with PyTorch's messages and error types (PyTorch 2.14): the
functional checks raise RuntimeError, the multi-head ones mostly AssertionError, as PyTorch's own asserts do."""
import warnings

from ...tensor import Tensor as CoreTensor
from .. import _dtype
from ..checks import broadcast_shape
from .checks import typename


def _c_name(t) -> str:
    """The C++ name of t's dtype, as PyTorch's kernels print it ('double', 'long int')."""
    return _dtype.c_name(_dtype.as_dtype(t.dtype))


def _raise_first(kind, problems) -> None:
    """Raise `kind` with the message of the first (ok, message) pair that is not ok."""
    for ok, message in problems:
        if not ok:
            raise kind(message)


# ---------------------------------------------------------------- scaled_dot_product_attention
def check_sdpa(query, key, value, attn_mask, dropout_p, is_causal: bool, enable_gqa: bool) -> None:
    """Tensors of one float dtype and at least 2 dims; a bool or float mask (float32 or the query's dtype),
    not given with is_causal; dropout_p at most 1; with enable_gqa, key and value heads dividing query's."""
    for position, (name, x) in enumerate((("query", query), ("key", key), ("value", value)), 1):
        if not isinstance(x, CoreTensor):
            raise TypeError(f"scaled_dot_product_attention(): argument '{name}' (position {position}) must be Tensor, "
                            f"not {typename(x)}")
    q, k, v = query, key, value
    mask_ok = attn_mask is None or attn_mask.dtype in (_dtype.bool, _dtype.float32, q.dtype)
    default = _dtype.scalar_name(_dtype.get_default_dtype())
    _raise_first(RuntimeError, (
        (q.dtype == k.dtype == v.dtype, "Expected query, key, and value to have the same dtype, but got query.dtype: "
         f"{_c_name(q)} key.dtype: {_c_name(k)} and value.dtype: {_c_name(v)} instead."),
        (q._data.dtype.kind == "f", f"expected scalar type {default} but found {_dtype.scalar_name(q.dtype)}"),
        (min(q.dim(), k.dim(), v.dim()) >= 2,
         "Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
         f"{q.dim()} key.dim: {k.dim()} and value.dim: {v.dim()} instead."),
        (mask_ok, "Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: "
                  f"{'' if mask_ok else _c_name(attn_mask)} and  query.dtype: {_c_name(q)} instead."),
        (attn_mask is None or not is_causal,
         "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True"),
        (dropout_p <= 1, f"dropout probability has to be between 0 and 1, but got {dropout_p}"),
        (not enable_gqa or (q.size(-3) % k.size(-3) == 0 and q.size(-3) % v.size(-3) == 0),
         "Number of heads in key and value must divide the number of heads in ")))       # (PyTorch's, cut short)


def check_mask_fits(mask, scores_shape: tuple) -> None:
    """The mask broadcasts to the scores' shape (..., L, S) without enlarging it (PyTorch adds it in place, and
    shows a 3-D batch as the 4-D one its kernel runs)."""
    shape = tuple(broadcast_shape(tuple(mask.shape), scores_shape))
    if shape != scores_shape:
        shown = (1,) + scores_shape if len(scores_shape) == 3 else scores_shape
        raise RuntimeError(f"output with shape {list(shown)} doesn't match the broadcast shape {list(shape)}")


# ---------------------------------------------------------------- MultiheadAttention and its forward
def check_mha_module(embed_dim, num_heads) -> None:
    """Both sizes positive, and embed_dim split evenly among the heads."""
    if embed_dim <= 0 or num_heads <= 0:
        raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                         f"num_heads={num_heads} instead")
    if embed_dim // num_heads * num_heads != embed_dim:
        raise AssertionError("embed_dim must be divisible by num_heads")


def check_mha_shapes(query, key, value, key_padding_mask, attn_mask, num_heads: int) -> bool:
    """PyTorch's _mha_shape_check: a 3-D (batched) or 2-D query, key and value of its dims, a key_padding_mask
    of one dim less, a 2-D or 3-D attn_mask (a 3-D one of an unbatched query is (num_heads, L, S)); returns
    whether the query is batched."""
    d = query.dim()
    if d not in (2, 3):
        raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {d}-D query tensor")
    kind = "batched (3-D)" if d == 3 else "unbatched (2-D)"
    problems = [(key.dim() == d and value.dim() == d, f"For {kind} `query`, expected `key` and `value` to be {d}-D but "
                                                      f"found {key.dim()}-D and {value.dim()}-D tensors respectively")]
    if key_padding_mask is not None:
        problems.append((key_padding_mask.dim() == d - 1, f"For {kind} `query`, expected `key_padding_mask` to be "
                                                          f"`None` or {d - 1}-D but found {key_padding_mask.dim()}-D "
                                                          "tensor instead"))
    if attn_mask is not None:
        expected = (num_heads, query.shape[0], key.shape[0])
        problems += [(attn_mask.dim() in (2, 3), f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                                                 f"but found {attn_mask.dim()}-D tensor instead"),
                     (d == 3 or attn_mask.dim() == 2 or tuple(attn_mask.shape) == expected,
                      f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}")]
    _raise_first(AssertionError, problems)
    return d == 3


def check_mask_type(mask, mask_name: str, other, other_name: str) -> None:
    """A mask holds bools or floats; PyTorch warns when the other mask has another dtype."""
    if mask.dtype != _dtype.bool and mask._data.dtype.kind != "f":
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if other is not None and other.dtype != mask.dtype:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type for both "
                      "instead.", stacklevel=4)


def check_causal_hint(is_causal: bool, attn_mask) -> None:
    """MultiheadAttention's is_causal is a hint about attn_mask, which must be given."""
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module method "
                           "`generate_square_subsequent_mask` to create this mask.")


def check_mha_sizes(query, key, value, embed_dim_to_check: int, num_heads: int, separate: bool, weights: tuple) -> int:
    """The query's embedding size, split evenly among the heads; key and value of one shape (of one length and
    batch, with separate projections); the projection weights given (in_proj_weight, or q_, k_, v_proj_weight).
    Returns the head size."""
    embed_dim = query.shape[-1]
    head_dim = embed_dim // num_heads
    names = ("q_proj_weight", "k_proj_weight", "v_proj_weight") if separate else ("in_proj_weight",)
    missing = [name for name, w in zip(names, weights) if w is None]
    _raise_first(AssertionError, (
        (embed_dim == embed_dim_to_check, f"was expecting embedding dimension of {embed_dim_to_check}, but got "
                                          f"{embed_dim}"),
        (head_dim * num_heads == embed_dim, f"embed_dim {embed_dim} not divisible by num_heads {num_heads}"),
        (key.shape[:2] == value.shape[:2] if separate else key.shape == value.shape,
         f"key's sequence and batch dims {key.shape[:2]} do not match value's {value.shape[:2]}" if separate else
         f"key shape {key.shape} does not match value shape {value.shape}"),
        (not missing, f"use_separate_proj_weight is {separate} but {(missing or [''])[0]} is None")))
    return head_dim


def check_in_projection(sizes: tuple, weights: tuple, biases: tuple) -> None:
    """PyTorch's _in_projection: w_q (E, E), w_k (E, E_k), w_v (E, E_v) for inputs of last dims (E, E_k, E_v),
    and biases (E,) or None."""
    e = sizes[0]
    problems = [(tuple(w.shape) == (e, size), f"expecting {name} weights shape of {(e, size)}, but got {w.shape}")
                for name, w, size in zip(("query", "key", "value"), weights, sizes)]
    problems += [(b is None or tuple(b.shape) == (e,), f"expecting {name} bias shape of {(e,)}, but got "
                                                       f"{getattr(b, 'shape', None)}")
                 for name, b in zip(("query", "key", "value"), biases)]
    _raise_first(AssertionError, problems)


def check_attn_mask_shape(attn_mask, tgt_len: int, src_len: int, batch_heads: int) -> None:
    """A 2-D attn_mask is (L, S), a 3-D one (N * num_heads, L, S)."""
    expected = (tgt_len, src_len) if attn_mask.dim() == 2 else (batch_heads, tgt_len, src_len)
    if tuple(attn_mask.shape) != expected:
        raise RuntimeError(f"The shape of the {attn_mask.dim()}D attn_mask is {attn_mask.shape}, but should be "
                           f"{expected}.")


def check_bias_kv(bias_k, bias_v, static_k, static_v) -> None:
    """bias_k and bias_v come together, and are not added to a given (static) key or value."""
    both = bias_k is not None and bias_v is not None
    _raise_first(AssertionError, ((not both or static_k is None, "bias cannot be added to static key."),
                                  (not both or static_v is None, "bias cannot be added to static value."),
                                  (bias_k is None or bias_v is not None, "bias_k is set but bias_v is None"),
                                  (bias_v is None or bias_k is not None, "bias_v is set but bias_k is None")))


def check_static(static, name: str, batch_heads: int, head_dim: int) -> None:
    """A static key or value is (N * num_heads, S, head_dim)."""
    _raise_first(AssertionError, ((static.size(0) == batch_heads, f"expecting {name}.size(0) of {batch_heads}, but "
                                                                   f"got {static.size(0)}"),
                                  (static.size(2) == head_dim, f"expecting {name}.size(2) of {head_dim}, but got "
                                                               f"{static.size(2)}")))


def check_key_padding_mask(key_padding_mask, src_len: int, bsz: int) -> None:
    """key_padding_mask is (N, S), S counting an added bias_k and zero key."""
    shape = key_padding_mask.shape
    _raise_first(AssertionError, (
        (shape[0] == bsz, f"Expected key_padded_mask.shape[0] to be {bsz}, but got {shape[0]}"),
        (shape[1] == src_len, f"Expected key_padded_mask.shape[1] to be {src_len}, but got {shape[1]}")))
