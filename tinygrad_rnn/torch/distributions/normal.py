"""Normal: the Gaussian N(loc, scale^2), batched over the broadcast shape of loc and scale. rsample() is
reparameterised (loc + eps * scale with eps ~ N(0, 1) from the dialect's generator), so gradients reach loc and
scale through a sample as well as through log_prob."""
import math

from .._factories import randn
from .._tensor import Size, Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all


class Normal(Distribution):
    """N(loc, scale^2); two numbers give batch_shape (), tensors their broadcast shape."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        """loc."""
        return self.loc

    mode = mean

    @property
    def stddev(self) -> Tensor:
        """scale."""
        return self.scale

    @property
    def variance(self) -> Tensor:
        """scale^2."""
        return self.stddev.pow(2)

    def expand(self, batch_shape) -> "Normal":
        """The same distribution repeated over a larger batch_shape (the parameters expanded, not copied)."""
        batch_shape = Size(batch_shape)
        return self._expanded(batch_shape, loc=self.loc.expand(batch_shape), scale=self.scale.expand(batch_shape))

    def rsample(self, sample_shape=Size()) -> Tensor:
        """loc + eps * scale, eps ~ N(0, 1) of shape sample_shape + batch_shape (differentiable in loc, scale)."""
        eps = randn(*self._extended_shape(sample_shape), dtype=self.loc.dtype)
        return self.loc + eps * self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        """-(value - loc)^2 / (2 scale^2) - log scale - log sqrt(2 pi)."""
        if self._validate_args:
            self._validate_sample(value)
        return -((value - self.loc) ** 2) / (2 * self.scale ** 2) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value: Tensor) -> Tensor:
        """P(X <= value) = (1 + erf((value - loc) / (scale sqrt 2))) / 2."""
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * (1 + ((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)).erf())

    def entropy(self) -> Tensor:
        """1/2 + log(2 pi) / 2 + log scale."""
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()
