"""The checks of the Transformer layers (transformer.py), with PyTorch's messages, and the reason PyTorch gives when
a TransformerEncoder cannot use nested tensors (it warns with it)."""


def check_activation_name(activation: str) -> str:
    """An activation named by a string is "relu" or "gelu"."""
    if activation not in ("relu", "gelu"):
        raise RuntimeError(f"activation should be relu/gelu, not {activation}")
    return activation


def check_src_tgt(src, tgt, batch_first: bool, d_model: int) -> None:
    """Transformer's src and tgt have one batch size and d_model features."""
    if src.dim() == 3 and src.size(0 if batch_first else 1) != tgt.size(0 if batch_first else 1):
        raise RuntimeError("the batch number of src and tgt must be equal")
    if src.size(-1) != d_model or tgt.size(-1) != d_model:
        raise RuntimeError("the feature number of src and tgt must be equal to d_model")


def nested_tensor_reason(layer, layer_class) -> str:
    """Why PyTorch's fast path could not turn the inputs of an encoder of copies of `layer` into nested tensors
    ('' when it could; the dialect has none, the numbers are the same)."""
    name = "encoder_layer"
    if not isinstance(layer, layer_class):
        return f"{name} was not TransformerEncoderLayer"
    attn = layer.self_attn
    reasons = ((layer.norm_first, "norm_first was True"),
               (not attn.batch_first, "self_attn.batch_first was not True(use batch_first for better inference "
                                      "performance)"),
               (not attn._qkv_same_embed_dim, "self_attn._qkv_same_embed_dim was not True"),
               (attn.in_proj_bias is None, "self_attn was passed bias=False"),
               (not layer.activation_relu_or_gelu, "activation_relu_or_gelu was not True"),
               (layer.norm1.eps != layer.norm2.eps, f"norm1.eps was not equal to {name}.norm2.eps"),
               (attn.num_heads % 2 == 1, "self_attn.num_heads is odd"))
    return next((f"{name}.{why}" for failed, why in reasons if failed), "")
