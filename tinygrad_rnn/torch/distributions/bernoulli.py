"""Bernoulli: 1 with probability p (or sigmoid(logits)), else 0, batched over every dimension. log_prob and entropy
are binary cross-entropies computed from the logits, so they stay finite and differentiable."""
from .._functions import bernoulli
from .._grad_mode import no_grad
from .._tensor import Size, Tensor
from ..nn.functional import binary_cross_entropy_with_logits
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, check_probs_or_logits, lazy_property, logits_to_probs, probs_to_logits


class Bernoulli(Distribution):
    """0/1 draws (in the parameters' dtype) with P(1) = probs, or sigmoid(logits); a number gives batch_shape ()."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        check_probs_or_logits(probs, logits)
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
        else:
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        super().__init__(self._param.shape, validate_args=validate_args)

    @lazy_property
    def logits(self) -> Tensor:
        """The log-odds log p - log(1 - p) (p clamped to [eps, 1 - eps] first)."""
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self) -> Tensor:
        """sigmoid(logits)."""
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self) -> Size:
        """The parameters' shape (the batch_shape)."""
        return self._param.shape

    @property
    def mean(self) -> Tensor:
        """p."""
        return self.probs

    @property
    def variance(self) -> Tensor:
        """p (1 - p)."""
        return self.probs * (1 - self.probs)

    @property
    def mode(self) -> Tensor:
        """1 where p > 1/2, 0 where p < 1/2, nan where p = 1/2."""
        return (self.probs >= 0.5).to(self.probs.dtype).masked_fill(self.probs == 0.5, float("nan"))

    def expand(self, batch_shape) -> "Bernoulli":
        """The same distribution repeated over a larger batch_shape (the parameters expanded, not copied)."""
        params = {p: self.__dict__[p].expand(Size(batch_shape)) for p in ("probs", "logits") if p in self.__dict__}
        return self._expanded(batch_shape, **params, _param=params.get("logits", params.get("probs")))

    def sample(self, sample_shape=Size()) -> Tensor:
        """0/1 draws of shape sample_shape + batch_shape, with torch.bernoulli."""
        with no_grad():
            return bernoulli(self.probs.expand(self._extended_shape(sample_shape)))

    def log_prob(self, value: Tensor) -> Tensor:
        """value log p + (1 - value) log(1 - p), i.e. minus the binary cross-entropy with the logits."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self) -> Tensor:
        """-(p log p + (1 - p) log(1 - p))."""
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")
