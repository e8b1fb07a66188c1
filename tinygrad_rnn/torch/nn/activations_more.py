"""The piecewise and self-gated activations of torch.nn and torch.nn.functional: logsigmoid, hardtanh, relu6,
hardsigmoid, hardswish, softsign, tanhshrink, threshold, glu, prelu, mish, selu and celu.

Each is composed from the Tensor's ops, so its derivative is theirs. At a kink the gradient is PyTorch's:
a clipped branch is a constant, so hardtanh, relu6 and hardsigmoid pass no gradient at their bounds, and
hardswish none at -3 and all of it at 3; prelu and the exponential units take their negative piece at 0. An
exp that would overflow on the branch `where` discards sees a safe input.
"""
from .._dtype import get_default_dtype
from .._factories import full, where
from .activations import elu, softplus
from .function_checks import check_activation_input, check_glu, check_hardtanh_bounds, check_prelu_weight
from .module import Module, Parameter

SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def logsigmoid(input):
    """log sigmoid(x) = x - log(1 + e^x) for x < 0, -log(1 + e^-x) otherwise (no overflow either way)."""
    x = check_activation_input(input, "log_sigmoid_forward")
    negative, positive = where(x < 0, x, 0.0), where(x < 0, 0.0, x)
    return where(x < 0, negative - negative.exp().log1p(), -(-positive).exp().log1p())


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
    """min_val below min_val, max_val above max_val, x between (the bounds are constants: no gradient there)."""
    x = check_activation_input(input, "hardtanh_cpu")
    check_hardtanh_bounds(min_val, max_val)
    return where(x <= min_val, float(min_val), where(x >= max_val, float(max_val), x))


def relu6(input, inplace: bool = False):
    """min(max(x, 0), 6)."""
    return hardtanh(input, 0.0, 6.0)


def hardsigmoid(input, inplace: bool = False):
    """0 for x <= -3, 1 for x >= 3, x / 6 + 1/2 between."""
    x = check_activation_input(input, "hardsigmoid_cpu")
    return where(x <= -3, 0.0, where(x >= 3, 1.0, x / 6 + 0.5))


def hardswish(input, inplace: bool = False):
    """0 for x <= -3, x for x >= 3, x (x + 3) / 6 between."""
    x = check_activation_input(input, "hardswish_cpu")
    return where(x <= -3, 0.0, where(x >= 3, x, x * (x + 3) / 6))


def softsign(input):
    """x / (1 + |x|)."""
    return input / (input.abs() + 1)


def tanhshrink(input):
    """x - tanh(x)."""
    return input - input.tanh()


def threshold(input, threshold: float, value: float, inplace: bool = False):
    """x where x > threshold, else value."""
    return where(input > threshold, input, float(value))


def glu(input, dim: int = -1):
    """a * sigmoid(b), a and b the two halves of the input along dim."""
    a, b = check_glu(input, dim).chunk(2, dim)
    return a * b.sigmoid()


def prelu(input, weight):
    """x for x > 0, weight * x otherwise; weight has one slope, or one per channel (dim 1)."""
    slopes = check_prelu_weight(input, weight)
    return where(input > 0, input, input * slopes)


def mish(input, inplace: bool = False):
    """x * tanh(softplus(x))."""
    return input * softplus(input).tanh()


def celu(input, alpha: float = 1.0, inplace: bool = False):
    """x for x > 0, alpha (exp(x / alpha) - 1) otherwise."""
    x = check_activation_input(input, "elu_cpu")
    negative = where(x > 0, 0.0, x)
    return where(x > 0, x, (negative / alpha).expm1() * alpha)


def selu(input, inplace: bool = False):
    """scale * elu(x, alpha), with the self-normalising alpha and scale."""
    return elu(input, SELU_ALPHA) * SELU_SCALE


class _Elementwise(Module):
    """A parameter-free activation module: forward is `fn` (set by each subclass)."""

    fn = None

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return type(self).fn(input)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LogSigmoid(_Elementwise):
    """logsigmoid(x)."""
    fn = staticmethod(logsigmoid)


class ReLU6(_Elementwise):
    """relu6(x)."""
    fn = staticmethod(relu6)


class Hardsigmoid(_Elementwise):
    """hardsigmoid(x)."""
    fn = staticmethod(hardsigmoid)


class Hardswish(_Elementwise):
    """hardswish(x)."""
    fn = staticmethod(hardswish)


class Softsign(_Elementwise):
    """softsign(x)."""
    fn = staticmethod(softsign)


class Tanhshrink(_Elementwise):
    """tanhshrink(x)."""
    fn = staticmethod(tanhshrink)


class Mish(_Elementwise):
    """mish(x)."""
    fn = staticmethod(mish)


class SELU(_Elementwise):
    """selu(x)."""
    fn = staticmethod(selu)


class Hardtanh(Module):
    """hardtanh(x, min_val, max_val)."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
        super().__init__()
        check_hardtanh_bounds(min_val, max_val)
        self.min_val, self.max_val, self.inplace = float(min_val), float(max_val), inplace

    def forward(self, input):
        return hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + (", inplace=True" if self.inplace else "")


class Threshold(Module):
    """threshold(x, threshold, value)."""

    def __init__(self, threshold: float, value: float, inplace: bool = False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input):
        return threshold(input, self.threshold, self.value)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + (", inplace=True" if self.inplace else "")


class GLU(Module):
    """glu(x, dim)."""

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class CELU(Module):
    """celu(x, alpha)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return celu(input, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    """prelu(x, weight), the slopes learnt: num_parameters of them (1, or one per channel), all `init` at first."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters = num_parameters
        self.weight = Parameter(full((num_parameters,), init, dtype=dtype or get_default_dtype()))

    def forward(self, input):
        return prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"
