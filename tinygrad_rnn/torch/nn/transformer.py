"""torch.nn's Transformer layers, composed as PyTorch's Python path composes them from MultiheadAttention, Linear,
LayerNorm and Dropout (so their gradients are those modules'); the masks go to the attention they name:
    SA(x)    = dropout1(self_attn(x, x, x))                       self-attention
    CA(x, m) = dropout2(multihead_attn(x, m, m))                  attention to memory (decoder layer)
    FF(x)    = dropout_last(linear2(dropout(act(linear1(x)))))    dropout2 (encoder layer), dropout3 (decoder layer)
    encoder layer:             x = norm1(x + SA(x));   x = norm2(x + FF(x))
    encoder layer, norm_first: x = x + SA(norm1(x));   x = x + FF(norm2(x))
    decoder layer:             x = norm1(x + SA(x));   x = norm2(x + CA(x, memory));   x = norm3(x + FF(x))
    decoder layer, norm_first: x = x + SA(norm1(x));   x = x + CA(norm2(x), memory);   x = x + FF(norm3(x))
    encoder / decoder:         x = layer_N(... layer_1(x)), then norm(x) if a norm is given
    Transformer:               out = decoder(tgt, encoder(src))
PyTorch's fast path (eval mode without gradients, nested tensors) is not here: it gives the same numbers."""
import copy
import warnings

import numpy as np

from .. import _dtype
from .._device import check_device
from .._factories import tensor
from . import functional as F
from . import init
from .activations import GELU
from .attention import _as_float_mask, _blocked
from .container import ModuleList
from .layers import Dropout, Linear
from .module import Module
from .modules import ReLU
from .multihead_attention import MultiheadAttention
from .normalization import LayerNorm
from .transformer_checks import check_activation_name, check_src_tgt, nested_tensor_reason


def _square_subsequent_mask(sz: int, dtype=None):
    """(sz, sz): -inf above the diagonal, 0 on and below it (True above it for dtype bool)."""
    above = tensor(np.triu(np.ones((sz, sz), dtype=bool), 1))
    return above if dtype == _dtype.bool else _blocked(above, _dtype.get_default_dtype() if dtype is None else dtype)


def _is_causal(mask, is_causal, seq_len: int) -> bool:
    """PyTorch's _detect_is_causal_mask: the is_causal given, or (when None) whether mask is the causal mask."""
    if is_causal is not None or mask is None:
        return is_causal is True
    causal = _square_subsequent_mask(seq_len, mask.dtype)
    return tuple(mask.shape) == tuple(causal.shape) and bool((mask == causal).all())


def _seq_len(x, batch_first: bool) -> int:
    """The sequence length of (L, E), (L, N, E), or (N, L, E) with batch_first."""
    return x.size(1 if batch_first and x.dim() == 3 else 0)


def _canonical_masks(mask, key_padding_mask, names: tuple, dtype) -> tuple:
    """(mask, key_padding_mask) as float masks (-inf where a bool one is True), as PyTorch's encoders take them."""
    key_padding_mask = _as_float_mask(key_padding_mask, names[1], mask, names[0], dtype)
    return _as_float_mask(mask, names[0], None, "", dtype), key_padding_mask


class _Layer(Module):
    """What the encoder and decoder layers share: their activation, feed-forward block and norms."""

    def _feed_forward(self, d_model: int, dim_feedforward: int, dropout: float, activation, eps: float, bias: bool,
                      norms: int, kw: dict) -> None:
        """linear1, dropout, linear2, norm1.., dropout1.. in PyTorch's order, and the activation."""
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        for i in range(1, norms + 1):
            setattr(self, f"norm{i}", LayerNorm(d_model, eps=eps, bias=bias, **kw))
        for i in range(1, norms + 1):
            setattr(self, f"dropout{i}", Dropout(dropout))
        if isinstance(activation, str):
            activation = F.relu if check_activation_name(activation) == "relu" else F.gelu
        self.activation = activation

    def _ff_block(self, x):
        """The feed-forward block FF(x), with the layer's last dropout."""
        last = self.dropout3 if isinstance(self, TransformerDecoderLayer) else self.dropout2
        return last(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal: bool = False):
        """The self-attention block SA(x)."""
        return self.dropout1(self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                            need_weights=False, is_causal=is_causal)[0])


class TransformerEncoderLayer(_Layer):
    """Self-attention and a feed-forward block, each with a residual connection and a LayerNorm (see the module
    docstring). Parameters, as PyTorch names them: self_attn (a MultiheadAttention), linear1, linear2, norm1,
    norm2; activation is "relu", "gelu" or a callable. Inputs (L, N, E), (N, L, E) with batch_first, or (L, E)."""

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation=F.relu, layer_norm_eps: float = 1e-5, batch_first: bool = False, norm_first: bool = False,
                 bias: bool = True, device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, **kw)
        self.norm_first = norm_first
        self._feed_forward(d_model, dim_feedforward, dropout, activation, layer_norm_eps, bias, 2, kw)
        act = self.activation
        self.activation_relu_or_gelu = (1 if act is F.relu or isinstance(act, ReLU) else
                                        2 if act is F.gelu or isinstance(act, GELU) else 0)

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal: bool = False):
        """The layer's output, of src's shape; masks as MultiheadAttention takes them (bool: True is blocked),
        is_causal a hint that src_mask is the causal mask."""
        src_mask, src_key_padding_mask = _canonical_masks(src_mask, src_key_padding_mask,
                                                          ("src_mask", "src_key_padding_mask"), src.dtype)
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal=is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal=is_causal))
        return self.norm2(x + self._ff_block(x))


class TransformerDecoderLayer(_Layer):
    """Self-attention over tgt, attention to memory, and a feed-forward block, each with a residual connection and
    a LayerNorm (see the module docstring). Parameters, as PyTorch names them: self_attn, multihead_attn (two
    MultiheadAttention), linear1, linear2, norm1, norm2, norm3."""

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation=F.relu, layer_norm_eps: float = 1e-5, batch_first: bool = False, norm_first: bool = False,
                 bias: bool = True, device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias, **kw)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias,
                                                 **kw)
        self.norm_first = norm_first
        self._feed_forward(d_model, dim_feedforward, dropout, activation, layer_norm_eps, bias, 3, kw)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal: bool = False, memory_is_causal: bool = False):
        """The layer's output, of tgt's shape; tgt_mask and tgt_key_padding_mask go to the self-attention,
        memory_mask and memory_key_padding_mask to the attention to memory."""
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            return x + self._ff_block(self.norm3(x))
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
        return self.norm3(x + self._ff_block(x))

    def _mha_block(self, x, mem, attn_mask, key_padding_mask, is_causal: bool = False):
        """The attention to memory CA(x, mem)."""
        return self.dropout2(self.multihead_attn(x, mem, mem, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                                 is_causal=is_causal, need_weights=False)[0])


class TransformerEncoder(Module):
    """num_layers deep copies of encoder_layer (layers.0, layers.1, ...), then norm if given. enable_nested_tensor
    and mask_check steer PyTorch's fast path, which is not here; PyTorch's warning that it cannot use nested tensors
    is given as PyTorch gives it."""

    def __init__(self, encoder_layer, num_layers: int, norm=None, enable_nested_tensor: bool = True,
                 mask_check: bool = True):
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers, self.norm = num_layers, norm
        self.enable_nested_tensor = self.use_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check
        why_not = nested_tensor_reason(encoder_layer, TransformerEncoderLayer)
        if enable_nested_tensor and why_not:
            warnings.warn(f"enable_nested_tensor is True, but self.use_nested_tensor is False because {why_not}",
                          stacklevel=2)
            self.use_nested_tensor = False

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        """The encoded src, of its shape; mask (L, L) or (N * nhead, L, L) and src_key_padding_mask (N, L) as
        MultiheadAttention takes them; is_causal None detects whether mask is the causal mask."""
        mask, src_key_padding_mask = _canonical_masks(mask, src_key_padding_mask, ("mask", "src_key_padding_mask"),
                                                      src.dtype)
        is_causal = _is_causal(mask, is_causal, _seq_len(src, self.layers[0].self_attn.batch_first))
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, is_causal=is_causal, src_key_padding_mask=src_key_padding_mask)
        return output if self.norm is None else self.norm(output)


class TransformerDecoder(Module):
    """num_layers deep copies of decoder_layer (layers.0, layers.1, ...), then norm if given."""

    def __init__(self, decoder_layer, num_layers: int, norm=None):
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(decoder_layer) for _ in range(num_layers)])
        self.num_layers, self.norm = num_layers, norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal: bool = False):
        """The decoded tgt, of its shape (see TransformerDecoderLayer); tgt_is_causal None detects whether tgt_mask
        is the causal mask."""
        tgt_is_causal = _is_causal(tgt_mask, tgt_is_causal, _seq_len(tgt, self.layers[0].self_attn.batch_first))
        output = tgt
        for layer in self.layers:
            output = layer(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                           tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                           tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
        return output if self.norm is None else self.norm(output)


class Transformer(Module):
    """An encoder (num_encoder_layers layers and a LayerNorm) and a decoder (num_decoder_layers layers and a
    LayerNorm), or the custom ones given; every parameter of two or more dims drawn by xavier_uniform_."""

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6, num_decoder_layers: int = 6,
                 dim_feedforward: int = 2048, dropout: float = 0.1, activation=F.relu, custom_encoder=None,
                 custom_decoder=None, layer_norm_eps: float = 1e-5, batch_first: bool = False, norm_first: bool = False,
                 bias: bool = True, device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias)
        self.encoder = custom_encoder if custom_encoder is not None else TransformerEncoder(
            TransformerEncoderLayer(*args, **kw), num_encoder_layers,
            LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        self.decoder = custom_decoder if custom_decoder is not None else TransformerDecoder(
            TransformerDecoderLayer(*args, **kw), num_decoder_layers,
            LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal: bool = False):
        """decoder(tgt, encoder(src)), the masks going to the encoder (src_...) and the decoder (the others)."""
        check_src_tgt(src, tgt, self.batch_first, self.d_model)
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device=None, dtype=None):
        """The causal mask (sz, sz): -inf above the diagonal (a query may not see later keys), 0 elsewhere."""
        check_device(device)
        return _square_subsequent_mask(sz, dtype)
