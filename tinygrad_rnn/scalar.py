"""Value: one Python float on the shared graph machinery (micrograd's engine, made exact and iterative).

Each primitive is its forward followed by its local derivatives with respect to each input, a
plain tuple of numbers in place of a backward closure; the engine multiplies them by the output
gradient (the chain rule). A scalar op needs nothing more, and a tuple of floats is the cheapest
thing to keep: Python's garbage collector stops tracking it, which counts on million-node graphs. Primitives:
add, mul, pow by a number, exp, log, tanh, sigmoid, relu. Everything else (neg, sub, div and the
reflected forms) is composed from them in one line.
"""
from __future__ import annotations

import math

from .autograd import Node
from .op_checks import check_positive_base, check_value_log, value_exponent, value_number, value_operand, value_seed


class Value(Node):
    """A scalar that records how it was computed, so `backward()` can give d(root)/d(this)."""

    __slots__ = ()

    def __init__(self, data: float, requires_grad: bool = True, name: str | None = None):
        if type(data) is not float or type(requires_grad) is not bool:     # fast path: these need no check
            data = value_number(data, requires_grad)
        self._init_leaf(data, requires_grad, name)

    def _own_grad(self, g):
        return float(g)

    def _seed(self):
        return 1.0

    def _hook_view(self, g):
        return g

    @staticmethod
    def _lift(other) -> "Value":
        """Turn a Python number into a constant node; Values pass through."""
        if isinstance(other, Value):
            return other
        if type(other) in (float, int):          # fast path: the common constants need no check
            return Value(other, requires_grad=False)
        return Value(value_operand(other), requires_grad=False)

    def __add__(self, other) -> "Value":
        """out = a + b; da = g, db = g."""
        other = self._lift(other)
        return self._child(self._data + other._data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other) -> "Value":
        """out = a * b; d out/da = b, d out/db = a."""
        other = self._lift(other)
        a, b = self._data, other._data
        return self._child(a * b, (self, other), (b, a), "*")

    def __pow__(self, k) -> "Value":
        """out = a ** k for a number k; d out/da = k * a ** (k - 1)."""
        a = self._data
        k = value_exponent(a, k)
        if k == 0:
            local = 0.0
        elif a == 0 and k < 1:
            local = math.inf                      # a ** k with 0 < k < 1 is infinitely steep at 0
        else:
            local = k * _power(a, k - 1)
        return self._child(_power(a, k), (self,), (local,), f"**{float(k):g}")

    def exp(self) -> "Value":
        """out = e^a; d out/da = out."""
        e = math.inf if self._data > 709.78 else math.exp(self._data)      # nan stays nan
        return self._child(e, (self,), (e,), "exp")

    def log(self) -> "Value":
        """out = ln a; d out/da = 1 / a (a = 0 gives -inf and an infinite slope)."""
        a = self._data
        check_value_log(a)
        out = -math.inf if a == 0 else math.log(a)                        # nan stays nan
        return self._child(out, (self,), (1.0 / a if a else math.inf,), "log")

    def tanh(self) -> "Value":
        """out = tanh a; d out/da = 1 - out^2."""
        t = math.tanh(self._data)
        return self._child(t, (self,), (1.0 - t * t,), "tanh")

    def sigmoid(self) -> "Value":
        """out = 1 / (1 + e^-a) (stable for large |a|); d out/da = out * (1 - out)."""
        a = self._data
        s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
        return self._child(s, (self,), (s * (1.0 - s),), "sigmoid")

    def relu(self) -> "Value":
        """out = max(a, 0) (nan stays nan); the gradient is g where a > 0 and exactly 0 elsewhere, also for
        an infinite g (where the chain rule's g * 0 would give nan)."""
        a = self._data
        if a > 0:
            return self._child(a, (self,), (1.0,), "relu")
        return self._child(0.0 if a <= 0 else a, (self,), _no_gradient, "relu")

    def __neg__(self) -> "Value":
        return self * -1.0

    def __sub__(self, other) -> "Value":
        return self + (-self._lift(other))

    def __truediv__(self, other) -> "Value":
        return self * self._lift(other) ** -1

    def __radd__(self, other) -> "Value":
        return self._lift(other) + self

    def __rsub__(self, other) -> "Value":
        return self._lift(other) - self

    def __rmul__(self, other) -> "Value":
        return self._lift(other) * self

    def __rtruediv__(self, other) -> "Value":
        return self._lift(other) / self

    def __rpow__(self, base) -> "Value":
        """base ** v for a positive number base, composed as exp(v * ln base)."""
        check_positive_base(base, "Value")
        return (self * math.log(base)).exp()

    def _check_seed(self, grad) -> float:
        return value_seed(grad)

    __array_ufunc__ = None      # `ndarray + Value` calls Value.__radd__ (a clear error), not an object array

    def __float__(self) -> float:
        return self._data

    def __repr__(self) -> str:
        label = f", name={self.name!r}" if self.name else ""
        op = f", op={self.op!r}" if self.op else ""
        grad = "None" if self._grad is None else f"{self._grad:.6g}"
        return f"Value(data={self._data:.6g}, grad={grad}{op}{label})"


def _power(a: float, k) -> float:
    """a ** k, with an overflow giving an infinity of the right sign (Python raises OverflowError)."""
    try:
        return a ** k
    except OverflowError:
        return math.copysign(math.inf, a) if float(k).is_integer() and int(k) % 2 else math.inf


def _no_gradient(g) -> tuple:
    """relu's backward where a <= 0: nothing passes, whatever g is."""
    return (0.0,)


Value.result_type = Value         # op results are plain Values, also for subclasses
