"""Categorical and OneHotCategorical: K classes with probabilities p (or logits, log p up to a constant), batched
over all dimensions but the last. Samples come from torch.multinomial; log_prob and entropy are built from the
dialect's ops, so REINFORCE's `-(dist.log_prob(a) * reward).sum()` sends gradients to the logits."""
import numpy as np

from .._factories import arange, full, multinomial
from .._tensor import Size, Tensor
from ..checks import broadcast_shape
from ..nn.functional import one_hot
from . import constraints
from .distribution import Distribution
from .utils import check_probs_or_logits, lazy_property, logits_to_probs, probs_to_logits


class Categorical(Distribution):
    """Classes 0..K-1 drawn with probabilities `probs` (normalised to sum to 1 along the last dimension), or
    softmax(`logits`) (kept as normalised log-probabilities, logits - logsumexp(logits))."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        check_probs_or_logits(probs, logits)
        name, given = ("probs", probs) if probs is not None else ("logits", logits)
        if given.dim() < 1:
            raise ValueError(f"`{name}` parameter must be at least one-dimensional.")
        if probs is not None:
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        self._param = self.__dict__[name]
        self._num_events = self._param.shape[-1]
        super().__init__(self._param.shape[:-1], validate_args=validate_args)

    @lazy_property
    def logits(self) -> Tensor:
        """log p (probabilities clamped to [eps, 1 - eps] first)."""
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self) -> Tensor:
        """softmax(logits)."""
        return logits_to_probs(self.logits)

    @property
    def param_shape(self) -> Size:
        """batch_shape + (K,)."""
        return self._param.shape

    @property
    def support(self):
        """The integers 0..K-1."""
        return constraints.integer_interval(0, self._num_events - 1)

    @property
    def mean(self) -> Tensor:
        """nan: classes are labels, not numbers."""
        return full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    variance = mean

    @property
    def mode(self) -> Tensor:
        """The most probable class."""
        return self.probs.argmax(dim=-1)

    def expand(self, batch_shape) -> "Categorical":
        """The same distribution repeated over a larger batch_shape (the parameters expanded, not copied)."""
        batch_shape = Size(batch_shape)
        param_shape = batch_shape + Size((self._num_events,))
        params = {p: self.__dict__[p].expand(param_shape) for p in ("probs", "logits") if p in self.__dict__}
        return self._expanded(batch_shape, **params, _param=params.get("logits", params.get("probs")),
                              _num_events=self._num_events)

    def sample(self, sample_shape=Size()) -> Tensor:
        """int64 classes of shape sample_shape + batch_shape, drawn with torch.multinomial."""
        sample_shape = Size(sample_shape)
        probs_2d = self.probs.reshape(-1, self._num_events)
        samples_2d = multinomial(probs_2d, sample_shape.numel(), True).T
        return samples_2d.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value: Tensor) -> Tensor:
        """log p[value], broadcasting value against batch_shape."""
        if self._validate_args:
            self._validate_sample(value)
        value = value.long().unsqueeze(-1)
        shape = broadcast_shape(tuple(value.shape), tuple(self.logits.shape))
        index = value.expand(shape)[..., :1]
        return self.logits.expand(shape).gather(-1, index).squeeze(-1)

    def entropy(self) -> Tensor:
        """-sum p log p (a class of probability 0 adds 0)."""
        logits = self.logits.clamp(min=float(np.finfo(self.logits.dtype.dtype).min))
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The classes 0..K-1 along dimension 0, expanded over batch_shape unless expand=False."""
        values = arange(self._num_events).view((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + self._batch_shape) if expand else values


class OneHotCategorical(Distribution):
    """A Categorical whose samples are one-hot vectors of length K (in the parameters' dtype)."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:], validate_args)

    def expand(self, batch_shape) -> "OneHotCategorical":
        """The same distribution repeated over a larger batch_shape."""
        return self._expanded(batch_shape, _categorical=self._categorical.expand(batch_shape))

    @property
    def probs(self) -> Tensor:
        """The class probabilities."""
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        """The normalised log-probabilities."""
        return self._categorical.logits

    @property
    def param_shape(self) -> Size:
        """batch_shape + (K,)."""
        return self._categorical.param_shape

    mean = probs

    @property
    def variance(self) -> Tensor:
        """p (1 - p) per entry."""
        return self.probs * (1 - self.probs)

    @property
    def mode(self) -> Tensor:
        """The most probable class, one-hot."""
        return one_hot(self.probs.argmax(dim=-1), self.probs.shape[-1]).to(self.probs.dtype)

    def sample(self, sample_shape=Size()) -> Tensor:
        """One-hot rows of shape sample_shape + batch_shape + (K,)."""
        indices = self._categorical.sample(sample_shape)
        return one_hot(indices, self._categorical._num_events).to(self.probs.dtype)

    def log_prob(self, value: Tensor) -> Tensor:
        """log p of the class each one-hot row marks."""
        if self._validate_args:
            self._validate_sample(value)
        return self._categorical.log_prob(value.max(-1)[1])

    def entropy(self) -> Tensor:
        """-sum p log p."""
        return self._categorical.entropy()
