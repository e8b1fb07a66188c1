"""torch.<fn>(input, ...) for the Tensor methods of the same name (torch.tanh(x) is x.tanh()), plus the
few functions that are not methods or take other arguments (is_tensor, is_floating_point, allclose, isclose,
equal, addmm, bernoulli)."""
import numpy as np

from ._math import as_operand
from ._tensor import Tensor, wrap

_METHODS = ("exp log tanh sigmoid relu abs sqrt rsqrt square neg clamp clip sign floor ceil round pow add sub mul "
            "div matmul mm bmm mv dot sum mean max min amax argmax argmin topk sort argsort norm var std softmax "
            "log_softmax logsumexp all any cumsum gather index_select masked_fill maximum minimum reshape flatten "
            "squeeze unsqueeze transpose permute t narrow chunk split unbind flip isnan isinf isfinite "
            "logical_not logical_and logical_or eq ne lt le gt ge clone detach numel count_nonzero nonzero log1p "
            "sin cos reciprocal trunc remainder floor_divide logical_xor bitwise_and bitwise_or bitwise_xor "
            "bitwise_not clamp_min clamp_max swapaxes swapdims prod amin outer ger masked_select scatter roll tril "
            "triu diag lerp ravel erf log10 log2 expm1 sinh cosh asin acos atan arcsin arccos arctan atan2 arctan2 "
            "cumprod median unique tile repeat_interleave multiply subtract divide true_divide negative greater "
            "greater_equal less less_equal not_equal absolute").split()


def _function(name: str):
    def function(input, *args, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"torch.{name}(input, ...) is input.{name}(...)."
    return function


FUNCTIONS = {name: _function(name) for name in _METHODS}


def is_tensor(obj) -> bool:
    """Whether obj is a Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input) -> bool:
    """Whether input holds floats."""
    return input.is_floating_point()


def allclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """|input - other| <= atol + rtol * |other| everywhere."""
    return bool(np.allclose(as_operand(input), as_operand(other), rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
    """Elementwise allclose, as a bool tensor."""
    return wrap(np.isclose(as_operand(input), as_operand(other), rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(input, other) -> bool:
    """Same shape and the same numbers."""
    a, b = as_operand(input), as_operand(other)
    return a.shape == b.shape and bool(np.array_equal(a, b))


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2)."""
    return input * beta + (mat1 @ mat2) * alpha


for _function_and_method in (allclose, isclose, equal, addmm):     # also Tensor methods, self as `input`
    setattr(Tensor, _function_and_method.__name__, _function_and_method)


def bernoulli(input, p=None, *, generator=None):
    """1 with probability input (or p) per entry, else 0, in input's dtype (no gradient)."""
    return input.detach().clone().bernoulli_(input if p is None else p, generator=generator)
