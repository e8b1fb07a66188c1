"""torch.nn.MultiheadAttention: the layer over multi_head_attention_forward (attention.py, where the equations
are), with PyTorch's parameters, names, initialisation and attributes. It sits in a file of its own because its
out_proj is a Linear (layers.py, which imports functional.py, which imports attention.py)."""
from .. import _dtype
from .._device import check_device
from .._factories import empty
from . import init
from .attention import multi_head_attention_forward
from .attention_checks import check_mha_module
from .layers import Linear
from .module import Module, Parameter


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear under another name, as PyTorch names MultiheadAttention's out_proj (for its quantization tools)."""


class MultiheadAttention(Module):
    """Attention with num_heads heads of embed_dim / num_heads entries each (see attention.py).

    Parameters, as PyTorch names them: in_proj_weight (3 E, E) when kdim == vdim == embed_dim, else
    q_proj_weight (E, E), k_proj_weight (E, kdim), v_proj_weight (E, vdim); in_proj_bias (3 E,) when bias;
    out_proj (a Linear E -> E); bias_k, bias_v (1, 1, E) with add_bias_kv, one more key and value for every
    sequence (add_zero_attn adds a zero one). Drawn as PyTorch draws them: the projection weights by
    xavier_uniform_, in_proj_bias and out_proj.bias zero, out_proj.weight as Linear's, bias_k and bias_v by
    xavier_normal_. Inputs are (L, N, E), or (N, L, E) with batch_first, or unbatched (L, E)."""

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim=None, vdim=None,
                 batch_first: bool = False, device=None, dtype=None):
        check_mha_module(embed_dim, num_heads)
        check_device(device)
        super().__init__()
        d = _dtype.get_default_dtype() if dtype is None else dtype
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads, self.dropout, self.batch_first = num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim), dtype=d))
            self.q_proj_weight = self.k_proj_weight = self.v_proj_weight = None
        else:
            self.q_proj_weight = Parameter(empty((embed_dim, embed_dim), dtype=d))
            self.k_proj_weight = Parameter(empty((embed_dim, self.kdim), dtype=d))
            self.v_proj_weight = Parameter(empty((embed_dim, self.vdim), dtype=d))
            self.in_proj_weight = None
        self.in_proj_bias = Parameter(empty(3 * embed_dim, dtype=d)) if bias else None
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=d)
        if add_bias_kv:
            self.bias_k = Parameter(empty((1, 1, embed_dim), dtype=d))
            self.bias_v = Parameter(empty((1, 1, embed_dim), dtype=d))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """Draw the parameters again (see the class docstring); out_proj.weight keeps its draw."""
        for w in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
            if w is not None:
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        for b in (self.bias_k, self.bias_v):
            if b is not None:
                init.xavier_normal_(b)

    def forward(self, query, key, value, key_padding_mask=None, need_weights: bool = True, attn_mask=None,
                average_attn_weights: bool = True, is_causal: bool = False):
        """(attn_output, attn_weights or None): see multi_head_attention_forward; with batch_first the batched
        inputs and the output are (N, L, E)."""
        batched = query.dim() == 3
        if self.batch_first and batched:
            query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        separate = {} if self._qkv_same_embed_dim else {
            "use_separate_proj_weight": True, "q_proj_weight": self.q_proj_weight,
            "k_proj_weight": self.k_proj_weight, "v_proj_weight": self.v_proj_weight}
        out, weights = multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias, self.bias_k,
            self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, average_attn_weights=average_attn_weights, is_causal=is_causal, **separate)
        return (out.transpose(1, 0) if self.batch_first and batched else out), weights
