"""torch.distributions.Distribution: what every distribution shares. Shapes (a sample has shape
sample_shape + batch_shape + event_shape), argument validation with PyTorch's messages (on by default, as in
PyTorch; `Distribution.set_default_validate_args(False)` or validate_args=False turns it off), sample() as rsample()
without gradients, and PyTorch's repr."""
import numpy as np

from .._grad_mode import no_grad
from .._math import as_operand
from .._tensor import Size, Tensor


class Distribution:
    """The base class: subclasses set arg_constraints and support and define log_prob, entropy, mean, ..."""

    has_rsample = False
    has_enumerate_support = False
    arg_constraints: dict = {}
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for every distribution made afterwards without validate_args=."""
        if value not in [True, False]:
            raise ValueError(f"set_default_validate_args(value) expects True or False, got {value!r}")
        Distribution._validate_args = value

    def __init__(self, batch_shape=Size(), event_shape=Size(), validate_args=None):
        self._batch_shape, self._event_shape = Size(batch_shape), Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            for param, constraint in self.arg_constraints.items():
                if param in self.__dict__:            # a lazily computed parameter is valid by construction
                    value = self.__dict__[param]
                    if not _all_true(constraint.check(value)):
                        raise ValueError(f"Expected parameter {param} ({type(value).__name__} of shape "
                                         f"{tuple(value.shape)}) of distribution {self!r} to satisfy the constraint "
                                         f"{constraint!r}, but found invalid values:\n{value}")

    @property
    def batch_shape(self) -> Size:
        """The shape over which the parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        """The shape of one sample, without batching."""
        return self._event_shape

    @property
    def stddev(self) -> Tensor:
        """The standard deviation, sqrt(variance)."""
        return self.variance.sqrt()

    def sample(self, sample_shape=Size()) -> Tensor:
        """A sample of shape sample_shape + batch_shape + event_shape, cut from the graph."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=Size()) -> Tensor:
        """A reparameterised sample, through which gradients reach the parameters (only if has_rsample)."""
        raise NotImplementedError(f"{type(self).__name__} has no rsample(): its samples are not a differentiable "
                                  "function of its parameters; use sample() and log_prob() (REINFORCE) instead")

    def perplexity(self) -> Tensor:
        """exp(entropy)."""
        return self.entropy().exp()

    def _extended_shape(self, sample_shape=Size()) -> Size:
        """sample_shape + batch_shape + event_shape."""
        return Size(sample_shape) + self._batch_shape + self._event_shape

    def _expanded(self, batch_shape, **attributes) -> "Distribution":
        """A new distribution of this type with `attributes` (parameters expanded to batch_shape), not validated
        again, as PyTorch's expand() makes it."""
        new = object.__new__(type(self))
        new.__dict__.update(attributes)
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _validate_sample(self, value) -> None:
        """log_prob's value: a tensor whose shape broadcasts with batch_shape + event_shape, inside the support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dim_start = len(value.shape) - len(self._event_shape)
        if value.shape[event_dim_start:] != self._event_shape:
            raise ValueError(f"The right-most size of value must match event_shape: {value.shape} vs "
                             f"{self._event_shape}.")
        expected = self._batch_shape + self._event_shape
        for i, j in zip(reversed(value.shape), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: {value.shape} vs "
                                 f"{expected}.")
        if not _all_true(self.support.check(value)):
            raise ValueError(f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) to be "
                             f"within the support ({self.support!r}) of the distribution {self!r}, but found invalid "
                             f"values:\n{value}")

    def __repr__(self) -> str:
        params = [p for p in self.arg_constraints if p in self.__dict__]
        shown = (f"{p}: {v if v.numel() == 1 else v.size()}" for p, v in ((p, self.__dict__[p]) for p in params))
        return f"{type(self).__name__}({', '.join(shown)})"


def _all_true(valid) -> bool:
    return bool(np.all(as_operand(valid)))
