"""The smooth and leaky activations of torch.nn and torch.nn.functional: GELU (exact, with erf, or its tanh
approximation), SiLU, LeakyReLU, ELU and Softplus.

Each is composed from the Tensor's ops, so its derivative is theirs. Where a branch would overflow for
the inputs the other branch takes (exp of a large x in ELU and Softplus), that branch is evaluated at a
safe input there, so no inf * 0 turns the gradient into nan. At the kink PyTorch's choices hold: leaky_relu
has slope negative_slope at 0 and ELU slope alpha.
"""
import math

from .._factories import where
from .._rebind import inplace_option
from .function_checks import check_activation_input, check_gelu_approximate
from .module import Module


def gelu(input, approximate: str = "none"):
    """x * Phi(x) = x/2 (1 + erf(x / sqrt 2)); approximate='tanh': x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    x = check_activation_input(input, "GeluKernelImpl")
    if check_gelu_approximate(approximate) == "tanh":
        return x * 0.5 * ((x + x * x * x * 0.044715) * math.sqrt(2 / math.pi)).tanh().add(1)
    return x * 0.5 * (x * (1 / math.sqrt(2))).erf().add(1)


@inplace_option
def silu(input, inplace: bool = False):
    """x * sigmoid(x) (the swish)."""
    x = check_activation_input(input, "silu_cpu")
    return x * x.sigmoid()


@inplace_option
def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False):
    """x for x > 0, negative_slope * x otherwise."""
    x = check_activation_input(input, "leaky_relu_cpu")
    return where(x > 0, x, x * negative_slope)


@inplace_option
def elu(input, alpha: float = 1.0, inplace: bool = False):
    """x for x > 0, alpha (exp(x) - 1) otherwise."""
    x = check_activation_input(input, "elu_cpu")
    negative = where(x > 0, 0.0, x)                        # expm1 only ever sees x <= 0
    return where(x > 0, x, negative.expm1() * alpha)


def softplus(input, beta: float = 1.0, threshold: float = 20.0):
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (where the two agree to round-off)."""
    x = check_activation_input(input, "softplus_cpu")
    linear = x * beta > threshold
    safe = where(linear, 0.0, x)
    return where(linear, x, (safe * beta).exp().log1p() / beta)


class GELU(Module):
    """gelu(x), exact or approximate='tanh'."""

    def __init__(self, approximate: str = "none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return gelu(input, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x * sigmoid(x)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return silu(input, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """x for x > 0, negative_slope * x otherwise."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        return leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    """x for x > 0, alpha (exp(x) - 1) otherwise."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Softplus(Module):
    """log(1 + exp(beta x)) / beta (linear above threshold)."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"
