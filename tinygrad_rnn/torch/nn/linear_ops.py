"""F.linear and F.dropout, in a module of their own: torch.nn.functional re-exports them, and so do the modules
whose functions it re-exports (attention.py), which may not import torch.nn.functional itself."""
from ...matmul import linear as _linear
from ...nn import functional as core_F
from .._rebind import inplace_option
from .._tensor import as_tensor_node
from .checks import check_linear, check_probability


def linear(input, weight, bias=None):
    """input @ weight^T + bias, for input (..., in_features) and weight (out_features, in_features); a
    weight (in_features,) gives input @ weight, of shape (...). The bias is (out_features,), () or any
    shape that broadcasts to the output's."""
    check_linear(input, weight, bias)
    if weight.dim() == 1:
        out = input @ weight
        return out if bias is None else out + bias
    return as_tensor_node(_linear(input, weight, bias))


@inplace_option
def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero each entry with probability p and scale the rest by 1 / (1 - p), in training; `input` itself when
    not training or p is 0 (inplace=True: see _rebind.inplace_option)."""
    return as_tensor_node(core_F.dropout(input, check_probability(p), training))
