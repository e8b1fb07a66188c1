"""Tensor: a numpy array on the shared graph machinery.

Each op is its numpy forward and its derivative. Elementwise ops are rows of a derivative table, as in
docs/equations.md: `_binary` and `_unary` turn a row into an op and do the rest once (lifting numbers
to constants, skipping parents that need no gradient, undoing broadcasting). Reductions follow; shape
ops and indexing are in shape_ops.py, the matrix products (`@`, `linear`) in matmul.py, joining
(concatenate, stack, where) in join.py, and softmax and the losses, composed from these, in
nn/functional.py.

Primitives (a backward of their own): + - * / neg, ** by a number, exp, log, tanh, sigmoid, relu, sum,
max, @, linear, reshape, transpose, indexing, astype, concatenate, stack, where. Composed from them:
mean (sum times 1/n), number ** Tensor (exp(t ln base)), the reflected forms, .T.
"""
import numpy as np

from . import shape_ops
from .array_like import ArrayLike, read_only
from .autograd import Node
from .broadcast import expand_reduced, unbroadcast
from .checks import as_float_array, is_number, reduction_axes
from .op_checks import (check_log_domain, check_positive_base, check_scalar_root,
                        check_tensor_operand, power_exponent, tensor_data, tensor_seed)
from .matmul import matmul


def _binary(name: str, forward, da, db):
    """An elementwise op from its derivative-table row: out = forward(a, b), and the gradients
    da(g, a, b, out), db(g, a, b, out) before broadcasting is undone. Numbers and arrays are lifted to
    constants of this Tensor's dtype; a parent that needs no gradient gets None."""
    def backward(a, b, out, need_a: bool, need_b: bool, g) -> tuple:
        ga = da(g, a, b, out) if need_a else None
        gb = db(g, a, b, out) if need_b else None
        return (ga if ga is None or ga.shape == a.shape else unbroadcast(ga, a.shape),   # fast path: the same
                gb if gb is None or gb.shape == b.shape else unbroadcast(gb, b.shape))   # shape needs no sum

    def op(self, other):
        other = other if isinstance(other, Tensor) else self._lift(other)
        a, b = self._data, other._data
        try:
            out = np.asarray(forward(a, b))          # (numpy gives a scalar for two 0-d inputs)
        except ValueError:
            raise ValueError(f"{name}: cannot broadcast shapes {a.shape} and {b.shape}") from None
        return self._child(out, (self, other), backward, name, (a, b, out, self.requires_grad, other.requires_grad))
    op.__doc__ = f"Elementwise {name}, broadcasting as numpy does."
    return op


def _unary(name: str, forward, da):
    """An elementwise function from its derivative-table row: out = forward(a), gradient da(g, a, out)."""
    def backward(a, out, g) -> tuple:
        return (da(g, a, out),)

    def op(self):
        a = self._data
        out = np.asarray(forward(a))
        return self._child(out, (self,), backward, name, (a, out))
    op.__doc__ = f"Elementwise {name}."
    return op


# What each op's backward needs goes into the node's `saved` tuple, not into a closure or a partial:
# Python's collector walks every closure and partial a long graph holds on each full collection, but
# stops tracking a tuple of arrays and flags (one tracked object per node fewer: the node and its
# parents tuple remain).


# np.errstate as a decorator: numpy's warnings off per call at half a with-block's cost (no object per call).

@np.errstate(over="ignore")
def sigmoid(a: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-a), accurate for every a: for a << 0, e^-a overflows to inf and s is exactly 0, and no
    subtraction ever cancels. Fast path: computed in place after the exp, saving two temporaries."""
    s = np.asarray(np.exp(-a))                              # (a 0-d input gives a numpy scalar)
    s += 1
    return np.reciprocal(s, out=s)


@np.errstate(over="ignore")
def _exp(a):
    return np.exp(a)


@np.errstate(divide="ignore")
def _log(a):
    return np.log(a)


@np.errstate(divide="ignore", invalid="ignore")
def _quiet_divide(g, a):
    """g / a, where a = 0 gives an infinite gradient (of g's sign) instead of a warning."""
    return g / a


class Tensor(Node, ArrayLike):
    """An n-dimensional array that records how it was computed, so `backward()` can give its gradients.

    `data` is a float32 or float64 numpy array (Python numbers and lists become float64); `grad` is
    None until a backward pass reaches it, then an array of the same shape and dtype.
    """

    __slots__ = ()
    __array_ufunc__ = None      # `ndarray + Tensor` defers to Tensor.__radd__ instead of making an object array
    __hash__ = Node.__hash__    # == is elementwise, but sets and dicts of Tensors still compare identity

    def __init__(self, data, requires_grad: bool = False, name: str | None = None):
        self._init_leaf(tensor_data(data._data if isinstance(data, Node) else data, requires_grad), requires_grad, name)

    # ---------------------------------------------------------------- the engine's hooks
    def _own_grad(self, g):
        return np.array(g, dtype=self._data.dtype)

    def _seed(self):
        check_scalar_root(self._data)
        return np.ones_like(self._data)

    def _check_seed(self, grad):
        return tensor_seed(grad, self._data)

    def _hook_view(self, g):
        return read_only(np.asarray(g))             # (a 0-d gradient may be a numpy scalar)

    def _lift(self, other) -> "Tensor":
        """Python numbers and arrays become constant leaves of this Tensor's dtype."""
        if isinstance(other, Tensor):
            return other
        check_tensor_operand(other)
        const = object.__new__(self.result_type)   # fast path: a constant needs no checks
        if type(other) in (float, int) or is_number(other):
            const._init_leaf(np.array(other, dtype=self._data.dtype), False, None)
        else:
            const._init_leaf(as_float_array(other, "Tensor op operand", integers=self._data.dtype), False, None)
        return const

    # ---------------------------------------------------------------- the derivative table
    __add__ = _binary("add", np.add, lambda g, a, b, out: g, lambda g, a, b, out: g)
    __sub__ = _binary("sub", np.subtract, lambda g, a, b, out: g, lambda g, a, b, out: -g)
    __mul__ = _binary("mul", np.multiply, lambda g, a, b, out: g * b, lambda g, a, b, out: g * a)
    __truediv__ = _binary("div", np.divide, lambda g, a, b, out: g / b, lambda g, a, b, out: -g * out / b)

    exp = _unary("exp", _exp, lambda g, a, out: g * out)
    tanh = _unary("tanh", np.tanh, lambda g, a, out: g * (1 - out * out))
    sigmoid = _unary("sigmoid", sigmoid, lambda g, a, out: g * (out * (1 - out)))
    relu = _unary("relu", lambda a: np.maximum(a, 0), lambda g, a, out: np.where(a > 0, g, 0.0))
    __neg__ = _unary("neg", np.negative, lambda g, a, out: -g)

    _log_op = _unary("log", _log, lambda g, a, out: _quiet_divide(g, a))

    def log(self):
        """out = ln a; da = g / a (a = 0 gives -inf and an infinite gradient)."""
        check_log_domain(self._data)
        return self._log_op()

    def __pow__(self, k):
        """out = a ** k for a number k; da = g * k * a ** (k - 1)."""
        k = power_exponent(self._data, k)
        return _unary(f"pow{float(k):g}", lambda a: _quiet_power(a, k),
                      lambda g, a, out: g * (k * _quiet_power(a, k - 1) if k else 0.0))(self)

    # ---------------------------------------------------------------- composed from the table
    def __radd__(self, other):
        return self._lift(other) + self

    def __rsub__(self, other):
        return self._lift(other) - self

    def __rmul__(self, other):
        return self._lift(other) * self

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __rpow__(self, base):
        """base ** t for a positive number base, composed as exp(t * ln base)."""
        check_positive_base(base)
        return (self * float(np.log(base))).exp()

    def __matmul__(self, other):
        """out = a @ b (numpy rules: 1-D, 2-D, batched); da = g @ b^T, db = a^T @ g (matmul.py)."""
        return matmul(self, self._lift(other))

    def __rmatmul__(self, other):
        return matmul(self._lift(other), self)

    # ---------------------------------------------------------------- reductions
    def sum(self, axis=None, keepdims: bool = False):
        """Sum over `axis` (int, tuple or None for all); da = g broadcast back to a's shape."""
        axes = reduction_axes(self._data, axis, keepdims, "sum")
        shape = self._data.shape
        out = np.asarray(self._data.sum(axis=axes, keepdims=keepdims))
        return self._child(out, (self,), lambda g: (expand_reduced(g, shape, axes, keepdims),), "sum")

    def mean(self, axis=None, keepdims: bool = False):
        """Mean over `axis`: the sum divided by the number of elements reduced (nan over none, as numpy)."""
        axes = reduction_axes(self._data, axis, keepdims, "mean")
        count = int(np.prod([self._data.shape[i] for i in axes])) if axes else 1
        return self.sum(axis, keepdims) * (1.0 / count if count else float("nan"))

    def max(self, axis=None, keepdims: bool = False):
        """Maximum over `axis`; the gradient goes to the maximal entries, split evenly among ties."""
        axes = reduction_axes(self._data, axis, keepdims, "max")
        a, shape = self._data, self._data.shape
        top = a.max(axis=axes, keepdims=True)
        out = np.asarray(top if keepdims else top.reshape([n for i, n in enumerate(shape) if i not in axes]))

        def backward(g):
            winners = ((a == top) | (np.isnan(a) & np.isnan(top))).astype(a.dtype)     # a nan maximum wins
            return (expand_reduced(g, shape, axes, keepdims) * (winners / winners.sum(axis=axes, keepdims=True)),)
        return self._child(out, (self,), backward, "max")

    # ---------------------------------------------------------------- shape and indexing (shape_ops.py)
    def reshape(self, *shape):
        """The same data in a new shape (one entry may be -1); da = g reshaped back."""
        return shape_ops.reshape(self, shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape)

    def transpose(self, *axes):
        """Permute axes (reversed when none are given); da = g permuted back."""
        return shape_ops.transpose(self, axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes)

    @property
    def T(self):
        """All axes reversed (the matrix transpose for 2-D)."""
        return shape_ops.transpose(self, ())

    def __getitem__(self, index):
        """numpy indexing (ints, slices, steps, negatives, integer arrays, boolean arrays); repeated
        indices add up."""
        return shape_ops.getitem(self, index)

    def astype(self, dtype):
        """The same values in float32 or float64; the gradient is cast back."""
        return shape_ops.astype(self, dtype)

    def detach(self) -> "Tensor":
        """A new leaf sharing this data but cut from the graph: no gradient flows back through it."""
        leaf = object.__new__(self.result_type)
        leaf._init_leaf(self._data, False, None)
        return leaf


@np.errstate(divide="ignore", invalid="ignore")
def _quiet_power(a: np.ndarray, k) -> np.ndarray:
    """a ** k where 0 ** (k < 0) is inf, quietly (the derivative of pow at 0 may be inf, as log's is)."""
    return a ** k


Tensor.result_type = Tensor       # op results are plain Tensors, also for subclasses such as Parameter
