"""torch.distributions.constraints: the sets a distribution's parameters and samples must lie in, with PyTorch's
names and reprs (they appear in the validation errors). `check(value)` gives a bool tensor, one entry per event."""
import numpy as np

from .._math import as_operand
from .._tensor import wrap


class Constraint:
    """A set of valid values; event_dim is the number of rightmost dimensions that make one event."""

    is_discrete = False
    event_dim = 0

    def check(self, value):
        """A bool tensor: whether each event of value lies in the set."""
        return wrap(np.asarray(self._holds(np.asarray(as_operand(value)))))

    def __repr__(self) -> str:
        return type(self).__name__[1:] + "()"


class _Real(Constraint):
    """The extended real line (anything but nan)."""

    def _holds(self, a):
        return a == a


class _GreaterThan(Constraint):
    """The half line (lower_bound, inf]."""

    def __init__(self, lower_bound):
        self.lower_bound = lower_bound

    def _holds(self, a):
        return self.lower_bound < a

    def __repr__(self) -> str:
        return f"GreaterThan(lower_bound={self.lower_bound})"


class _Interval(Constraint):
    """The closed interval [lower_bound, upper_bound]."""

    def __init__(self, lower_bound, upper_bound):
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def _holds(self, a):
        return (self.lower_bound <= a) & (a <= self.upper_bound)

    def __repr__(self) -> str:
        return f"{type(self).__name__[1:]}(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _IntegerInterval(_Interval):
    """The integers of [lower_bound, upper_bound]."""

    is_discrete = True

    def _holds(self, a):
        return (a % 1 == 0) & super()._holds(a)


class _Boolean(Constraint):
    """The two values {0, 1}."""

    is_discrete = True

    def _holds(self, a):
        return (a == 0) | (a == 1)


class _OneHot(Constraint):
    """One-hot vectors along the last dimension."""

    is_discrete = True
    event_dim = 1

    def _holds(self, a):
        return ((a == 0) | (a == 1)).all(-1) & (a.sum(-1) == 1)


class _Simplex(Constraint):
    """Non-negative vectors along the last dimension that sum to 1 (to within 1e-6)."""

    event_dim = 1

    def _holds(self, a):
        return (a >= 0).all(-1) & (np.abs(a.sum(-1) - 1) < 1e-6)


class _IndependentConstraint(Constraint):
    """base_constraint on every entry of the rightmost reinterpreted_batch_ndims dimensions at once."""

    def __init__(self, base_constraint: Constraint, reinterpreted_batch_ndims: int):
        self.base_constraint, self.reinterpreted_batch_ndims = base_constraint, reinterpreted_batch_ndims
        self.event_dim = base_constraint.event_dim + reinterpreted_batch_ndims

    def _holds(self, a):
        held = np.asarray(self.base_constraint._holds(a))
        return held.reshape(held.shape[:held.ndim - self.reinterpreted_batch_ndims] + (-1,)).all(-1)

    def __repr__(self) -> str:
        return f"IndependentConstraint({self.base_constraint!r}, {self.reinterpreted_batch_ndims})"


real = _Real()
real_vector = _IndependentConstraint(real, 1)
positive = _GreaterThan(0.0)
unit_interval = _Interval(0.0, 1.0)
integer_interval = _IntegerInterval
boolean = _Boolean()
one_hot = _OneHot()
simplex = _Simplex()
independent = _IndependentConstraint
greater_than = _GreaterThan
interval = _Interval
