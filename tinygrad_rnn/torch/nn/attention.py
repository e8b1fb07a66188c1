"""Attention of torch.nn.functional: scaled_dot_product_attention and multi_head_attention_forward, as seq2seq
and RNN programs put them on top of their encoders (the layer, MultiheadAttention, is in multihead_attention.py).

Both are composed from the Tensor's ops (matmul, softmax, linear, view/transpose, cat, pad, dropout), so their
gradients are the engine's and tr.viz draws them. For queries q (..., L, E), keys k (..., S, E), values v (..., S, Ev):
    scores  = q k^T * scale + bias        scale = 1 / sqrt(E) unless given
    weights = softmax(scores, dim=-1)     bias: 0, -inf where a mask blocks a key, or a float mask (added)
    out     = dropout(weights) v          (..., L, Ev)
Multi-head attention projects, splits E into H heads of E / H, attends in each head, joins them, projects back:
    q, k, v = query W_q^T + b_q, key W_k^T + b_k, value W_v^T + b_v
    head_h  = attention(q_h, k_h, v_h)    x_h: the h-th slice of E / H entries
    out     = [head_1 ... head_H] W_o^T + b_o
The masks read differently: scaled_dot_product_attention's bool attn_mask is True where a key takes part;
multi-head attention's bool attn_mask and key_padding_mask are True where a key is blocked (padding)."""
import math

import numpy as np

from .. import _dtype
from .._autograd import named
from .._factories import cat, tensor, zeros
from .attention_checks import (check_attn_mask_shape, check_bias_kv, check_causal_hint, check_in_projection,
                               check_key_padding_mask, check_mask_fits, check_mask_type, check_mha_shapes,
                               check_mha_sizes, check_sdpa, check_static)
from .linear_ops import dropout, linear
from .normalization import pad


def _blocked(mask, dtype):
    """An additive mask: -inf where the bool tensor `mask` is True, 0 elsewhere."""
    return zeros(tuple(mask.shape), dtype=dtype).masked_fill(mask, float("-inf"))


def _safe_softmax(scores):
    """softmax along the last dim, zeros (and no gradient) in a row whose every entry is -inf, as PyTorch's
    _safe_softmax (a plain softmax gives nan there, and nan gradients to all the scores)."""
    dead = np.isneginf(scores._data).all(-1, keepdims=True)                         # (..., L, 1)
    if not dead.any():
        return scores.softmax(-1)
    return scores.masked_fill(dead, 0.0).softmax(-1).masked_fill(dead, 0.0)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p: float = 0.0, is_causal: bool = False,
                                 scale=None, enable_gqa: bool = False):
    """softmax(q k^T * scale + bias) v over the last two dims, for query (..., L, E), key (..., S, E) and value
    (..., S, Ev) with leading dims that broadcast; returns (..., L, Ev). attn_mask broadcasts to (..., L, S): a
    bool one is True where a key takes part, a float one is added; is_causal lets query i see keys 0..i only.
    dropout_p > 0 drops weights with the dialect's generator (other entries than PyTorch's). enable_gqa: key and
    value have fewer heads (dim -3), each shared by query's heads in turn."""
    check_sdpa(query, key, value, attn_mask, dropout_p, is_causal, enable_gqa)
    if enable_gqa:
        key = key.repeat_interleave(query.size(-3) // key.size(-3), -3)
        value = value.repeat_interleave(query.size(-3) // value.size(-3), -3)
    length, source = query.shape[-2], key.shape[-2]
    scores = query @ key.transpose(-2, -1) * (1 / math.sqrt(query.size(-1)) if scale is None else scale)
    if is_causal:
        attn_mask = tensor(np.tril(np.ones((length, source), dtype=bool)))          # (L, S): key j <= query i
    if attn_mask is not None:
        check_mask_fits(attn_mask, tuple(scores.shape))
        scores = scores + (_blocked(~attn_mask, scores.dtype) if attn_mask.dtype == _dtype.bool else attn_mask)
    weights = _safe_softmax(scores)
    out = (dropout(weights, dropout_p) if dropout_p > 0 else weights) @ value      # (..., L, Ev)
    three = query.dim() == key.dim() == value.dim() == 3                              # PyTorch runs these as 4-D
    return named(out, "squeeze(dim)") if three else out


def _as_float_mask(mask, name: str, other, other_name: str, dtype):
    """PyTorch's _canonical_mask: a bool mask as -inf where True, 0 elsewhere; a float mask as it is."""
    if mask is None:
        return None
    check_mask_type(mask, name, other, other_name)
    return _blocked(mask, dtype) if mask.dtype == _dtype.bool else mask


def _in_projection(query, key, value, separate: bool, weights: tuple, in_proj_bias):
    """q, k, v: the three inputs through their projections (rows E, 2E, 3E of in_proj_weight and in_proj_bias,
    or q_, k_, v_proj_weight with in_proj_bias's thirds)."""
    biases = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
    if separate:
        check_in_projection((query.shape[-1], key.shape[-1], value.shape[-1]), weights, biases)
    else:
        weights = weights[0].chunk(3)
    return tuple(linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))


def _heads(x, static, name: str, bsz: int, num_heads: int, head_dim: int):
    """(S, N, E) -> (N * num_heads, S, head_dim), or the static key / value given in that shape."""
    if static is None:
        return x.view(x.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    check_static(static, name, bsz * num_heads, head_dim)
    return static


def multi_head_attention_forward(query, key, value, embed_dim_to_check: int, num_heads: int, in_proj_weight,
                                 in_proj_bias, bias_k, bias_v, add_zero_attn: bool, dropout_p: float, out_proj_weight,
                                 out_proj_bias, training: bool = True, key_padding_mask=None, need_weights: bool = True,
                                 attn_mask=None, use_separate_proj_weight: bool = False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None, static_v=None,
                                 average_attn_weights: bool = True, is_causal: bool = False):
    """MultiheadAttention's forward (see the module docstring) for query (L, N, E), key (S, N, E_k) and value
    (S, N, E_v), or unbatched (L, E), (S, E_k), (S, E_v). Returns (out (L, N, E), weights) with weights (N, L, S)
    averaged over the heads, (N, num_heads, L, S) if not average_attn_weights, or None if not need_weights;
    masks: key_padding_mask (N, S), attn_mask (L, S) or (N * num_heads, L, S), bool (True: blocked) or float."""
    batched = check_mha_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    key_padding_mask = _as_float_mask(key_padding_mask, "key_padding_mask", attn_mask, "attn_mask", query.dtype)
    check_causal_hint(is_causal, attn_mask)
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None                                    # the causal mask is made by scaled_dot_product_attention
    else:
        attn_mask = _as_float_mask(attn_mask, "attn_mask", None, "", query.dtype)
        is_causal = is_causal and key_padding_mask is None
    separate = use_separate_proj_weight
    weights = (q_proj_weight, k_proj_weight, v_proj_weight) if separate else (in_proj_weight,)
    head_dim = check_mha_sizes(query, key, value, embed_dim_to_check, num_heads, separate, weights)
    q, k, v = _in_projection(query, key, value, separate, weights, in_proj_bias)      # (L, N, E), (S, N, E) twice
    if attn_mask is not None:
        check_attn_mask_shape(attn_mask, tgt_len, key.shape[0], bsz * num_heads)
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.dim() == 2 else attn_mask   # (1 or N H, L, S)
    check_bias_kv(bias_k, bias_v, static_k, static_v)
    if bias_k is not None:                                  # one more key and value, the same in every batch
        k, v = cat([k, bias_k.repeat(1, bsz, 1)]), cat([v, bias_v.repeat(1, bsz, 1)])
        attn_mask, key_padding_mask = (None if m is None else pad(m, (0, 1)) for m in (attn_mask, key_padding_mask))
    q = q.view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)                   # (N H, L, d)
    k, v = (_heads(x, s, n, bsz, num_heads, head_dim) for x, s, n in ((k, static_k, "static_k"),
                                                                      (v, static_v, "static_v")))
    if add_zero_attn:                                       # and one more zero key and value
        k, v = (cat([x, zeros((bsz * num_heads, 1, head_dim), dtype=x.dtype)], 1) for x in (k, v))
        attn_mask, key_padding_mask = (None if m is None else pad(m, (0, 1)) for m in (attn_mask, key_padding_mask))
    src_len = k.size(1)
    if key_padding_mask is not None:                        # merged into attn_mask, the same for every head
        check_key_padding_mask(key_padding_mask, src_len, bsz)
        key_padding_mask = key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1).reshape(
            bsz * num_heads, 1, src_len)
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask
    dropout_p = dropout_p if training else 0.0
    if need_weights:
        scores = (q * math.sqrt(1.0 / head_dim)).bmm(k.transpose(-2, -1))           # (N H, L, S)
        with np.errstate(invalid="ignore"):                 # a row of -inf only gives nan, as PyTorch's softmax
            weights = (scores if attn_mask is None else named(attn_mask + scores, "baddbmm")).softmax(-1)
        if dropout_p > 0.0:
            weights = dropout(weights, dropout_p)
        out = weights.bmm(v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        weights = weights.view(bsz, num_heads, tgt_len, src_len)
        weights = weights.mean(dim=1) if average_attn_weights else weights
    else:
        if attn_mask is not None:
            attn_mask = attn_mask.unsqueeze(0) if attn_mask.size(0) == 1 else attn_mask.view(bsz, num_heads, -1,
                                                                                              src_len)
        q, k, v = (x.view(bsz, num_heads, x.shape[1], head_dim) for x in (q, k, v))
        out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)  # (N, H, L, d)
        out, weights = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim), None
    out = linear(out, out_proj_weight, out_proj_bias).view(tgt_len, bsz, -1)
    if batched:
        return out, weights
    return out.squeeze(1), None if weights is None else weights.squeeze(0)
