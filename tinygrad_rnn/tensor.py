"""Tensor: a numpy array on the shared graph machinery.

Each op is its numpy forward followed by its local backward (a closure from the output gradient g to
the input gradients). Elementwise ops broadcast as numpy does; their backward hands g to
`unbroadcast`, the one helper that undoes broadcasting. Shape ops, indexing and joining live in
shape_ops.py; the matrix products (`@` and `linear`) in matmul.py; softmax and the losses, composed
from these, in nn/functional.py.
"""
from __future__ import annotations

from numbers import Real

import numpy as np

from .autograd import Node


def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum `g` back to `shape`: the adjoint of broadcasting is a sum over the broadcast axes."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    return g.sum(axis=axes, keepdims=False).reshape(shape) if axes else g.reshape(shape)


def as_float_array(data, what: str = "Tensor(data)", integers=np.float64) -> np.ndarray:
    """numpy array of a float dtype: float32/float64 kept, ints and bools cast to `integers`, others float64."""
    if isinstance(data, Node):
        data = data.data
    arr = as_array(data, what)
    if arr.dtype == np.float64 or arr.dtype == np.float32:
        return arr
    if arr.dtype.kind in "biuf":
        return arr.astype(np.float64 if arr.dtype.kind == "f" else integers)
    raise TypeError(f"{what} expects real numbers (a number, list or numpy array), got dtype {arr.dtype}")


class Tensor(Node):
    """An n-dimensional array that records how it was computed, so `backward()` can give its gradients.

    `data` is a float32 or float64 numpy array (Python numbers and lists become float64); `grad` is
    None until a backward pass reaches it, then an array of the same shape and dtype.
    """

    __slots__ = ()
    __array_ufunc__ = None      # `ndarray + Tensor` defers to Tensor.__radd__ instead of making an object array

    def __init__(self, data, requires_grad: bool = False, name: str | None = None):
        self._init_leaf(as_float_array(data), requires_grad, name)

    # ---------------------------------------------------------------- plumbing
    def _own_grad(self, g):
        return np.array(g, dtype=self.data.dtype)

    def _seed(self):
        if self.data.size != 1:
            raise RuntimeError(
                f"backward() without grad= needs a scalar (1-element) Tensor; this one has shape "
                f"{self.data.shape}: pass grad= an array of that shape, or reduce it first (e.g. .sum())")
        return np.ones_like(self.data)

    def _check_seed(self, grad):
        g = as_float_array(grad, "backward(grad)")
        if g.shape != self.data.shape:
            raise ValueError(f"backward(grad) expects shape {self.data.shape} (the Tensor's), got {g.shape}")
        return g.astype(self.data.dtype, copy=False)

    def _lift(self, other) -> "Tensor":
        """Python numbers and arrays become constant leaves of this Tensor's dtype."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, Node):
            raise TypeError(f"cannot combine a Tensor with a {type(other).__name__}")
        if type(other) in (float, int) or isinstance(other, (Real, np.generic)):
            const = object.__new__(Tensor)          # a 0-d array of our dtype needs none of Tensor()'s checks
            const._init_leaf(np.array(other, dtype=self.data.dtype), False, None)
            return const
        return Tensor(as_float_array(other, "Tensor op operand", integers=self.data.dtype))

    def _binary(self, other, fwd, bwd, op: str) -> "Tensor":
        """An elementwise op with numpy broadcasting; bwd(g, a, b, out) -> (ga, gb) before unbroadcast."""
        other = other if isinstance(other, Tensor) else self._lift(other)
        a, b = self.data, other.data
        try:
            out = fwd(a, b)
        except ValueError:
            raise ValueError(f"{op}: cannot broadcast shapes {a.shape} and {b.shape}") from None
        sa, sb, need_a, need_b = a.shape, b.shape, self.requires_grad, other.requires_grad

        def backward(g):
            ga, gb = bwd(g, a, b, out, need_a, need_b)
            return (None if not need_a else ga if ga.shape == sa else unbroadcast(ga, sa),
                    None if not need_b else gb if gb.shape == sb else unbroadcast(gb, sb))
        return self._child(out, (self, other), backward, op)

    def _unary(self, out: np.ndarray, local, op: str) -> "Tensor":
        """An elementwise op whose backward is g * local(), local computed lazily from kept values."""
        return self._child(out, (self,), lambda g: (g * local(),), op)

    # ---------------------------------------------------------------- elementwise arithmetic
    def __add__(self, other):
        """out = a + b; da = g, db = g (each summed back to its own shape)."""
        return self._binary(other, np.add, lambda g, a, b, o, na, nb: (g, g), "add")

    def __sub__(self, other):
        """out = a - b; da = g, db = -g."""
        return self._binary(other, np.subtract, lambda g, a, b, o, na, nb: (g, -g if nb else None), "sub")

    def __mul__(self, other):
        """out = a * b; da = g * b, db = g * a."""
        return self._binary(other, np.multiply,
                            lambda g, a, b, o, na, nb: (g * b if na else None, g * a if nb else None), "mul")

    def __truediv__(self, other):
        """out = a / b; da = g / b, db = -g * out / b."""
        return self._binary(other, np.divide,
                            lambda g, a, b, o, na, nb: (g / b if na else None, -g * o / b if nb else None), "div")

    def __radd__(self, other):
        return self._lift(other) + self

    def __rsub__(self, other):
        return self._lift(other) - self

    def __rmul__(self, other):
        return self._lift(other) * self

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __neg__(self):
        """out = -a; da = -g."""
        return self._child(-self.data, (self,), lambda g: (-g,), "neg")

    def __pow__(self, k):
        """out = a ** k for a number k; da = g * k * a ** (k - 1)."""
        if not isinstance(k, (Real, np.generic)) or isinstance(k, bool):
            raise TypeError(f"Tensor ** k needs a number exponent k, got {type(k).__name__}")
        k = k.item() if isinstance(k, np.generic) else k    # a Python number keeps float32 float32
        a = self.data
        return self._unary(_power(a, k), _quiet(lambda: k * a ** (k - 1) if k else 0.0), f"pow{k:g}")

    def __rpow__(self, base):
        """base ** t for a positive number base, composed as exp(t * ln base)."""
        if not isinstance(base, (Real, np.generic)) or base <= 0:
            raise ValueError(f"number ** Tensor needs a positive number base, got {base!r}")
        return (self * float(np.log(base))).exp()

    def __matmul__(self, other):
        """out = a @ b (numpy rules: 1-D, 2-D, batched); da = g @ b^T, db = a^T @ g, summed over batch."""
        return _matmul(self, self._lift(other))

    def __rmatmul__(self, other):
        return _matmul(self._lift(other), self)

    # ---------------------------------------------------------------- elementwise functions
    def exp(self):
        """out = e^a; keeps out; da = g * out."""
        with np.errstate(over="ignore"):
            out = np.exp(self.data)
        return self._unary(out, lambda: out, "exp")

    def log(self):
        """out = ln a; keeps a; da = g / a (a = 0 gives -inf and an infinite gradient)."""
        a = self.data
        if (a < 0).any():
            raise ValueError("Tensor.log() of negative entries: the logarithm is defined for a >= 0")
        with np.errstate(divide="ignore"):
            out = np.log(a)
        return self._child(out, (self,), lambda g: (_div_allow_zero(g, a),), "log")

    def tanh(self):
        """out = tanh a; keeps t = out; da = g * (1 - t*t)."""
        t = np.tanh(self.data)
        return self._unary(t, lambda: 1 - t * t, "tanh")

    def sigmoid(self):
        """out = 1 / (1 + e^-a); keeps s = out; da = g * s * (1 - s).

        Accurate for every a: for a << 0, e^-a overflows to inf and s becomes exactly 0, and no
        subtraction ever cancels (unlike the tanh-based form, which loses the tail's relative precision).
        """
        s = sigmoid(self.data)
        return self._unary(s, lambda: s * (1 - s), "sigmoid")

    def relu(self):
        """out = max(a, 0); da = g where a > 0, else 0."""
        a = self.data
        return self._unary(np.maximum(a, 0), lambda: a > 0, "relu")

    # ---------------------------------------------------------------- reductions
    def sum(self, axis=None, keepdims: bool = False):
        """Sum over `axis` (int, tuple or None for all); da = g broadcast back to a's shape."""
        axes = shape_ops.normalize_axes(axis, self.data.ndim, "sum")
        shape = self.data.shape
        out = np.asarray(self.data.sum(axis=axes, keepdims=keepdims))
        return self._child(out, (self,), lambda g: (shape_ops.expand_reduced(g, shape, axes, keepdims),), "sum")

    def mean(self, axis=None, keepdims: bool = False):
        """Mean over `axis`: the sum divided by the number of elements reduced (nan over none, as numpy)."""
        axes = shape_ops.normalize_axes(axis, self.data.ndim, "mean")
        count = int(np.prod([self.data.shape[i] for i in axes])) if axes else 1
        return self.sum(axis, keepdims) * (1.0 / count if count else float("nan"))

    def max(self, axis=None, keepdims: bool = False):
        """Maximum over `axis`; the gradient goes to the maximal entries, split evenly among ties."""
        axes = shape_ops.normalize_axes(axis, self.data.ndim, "max")
        a, shape = self.data, self.data.shape
        if any(shape[i] == 0 for i in axes):
            raise ValueError(f"max(axis={axis}) reduces over an empty axis of shape {shape}")
        top = a.max(axis=axes, keepdims=True)
        out = np.asarray(top if keepdims else top.reshape([n for i, n in enumerate(shape) if i not in axes]))

        def backward(g):
            winners = a == top
            share = winners / winners.sum(axis=axes, keepdims=True)
            return (shape_ops.expand_reduced(g, shape, axes, keepdims) * share,)
        return self._child(out, (self,), backward, "max")

    # ---------------------------------------------------------------- shape, indexing (shape_ops.py)
    def reshape(self, *shape):
        """The same data in a new shape (one entry may be -1); da = g reshaped back."""
        return shape_ops.reshape(self, shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape)

    def transpose(self, *axes):
        """Permute axes (reversed when none are given); da = g permuted back."""
        return shape_ops.transpose(self, axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes)

    @property
    def T(self):
        """All axes reversed (the matrix transpose for 2-D)."""
        return self.transpose()

    def __getitem__(self, index):
        """numpy indexing (ints, slices, steps, negatives, integer arrays); repeated indices add up."""
        return shape_ops.getitem(self, index)

    def astype(self, dtype):
        """The same values in float32 or float64; the gradient is cast back."""
        return shape_ops.astype(self, dtype)

    # ---------------------------------------------------------------- comparisons: plain boolean arrays
    def __lt__(self, other):
        return self.data < _raw(other)

    def __le__(self, other):
        return self.data <= _raw(other)

    def __gt__(self, other):
        return self.data > _raw(other)

    def __ge__(self, other):
        return self.data >= _raw(other)

    # ---------------------------------------------------------------- conveniences
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d Tensor")
        return len(self.data)

    def numpy(self) -> np.ndarray:
        """The data as a numpy array (shared, not copied)."""
        return self.data

    def item(self) -> float:
        """The single number held by a 1-element Tensor."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a 1-element Tensor, got shape {self.data.shape}")
        return float(self.data.reshape(()))

    def detach(self) -> "Tensor":
        """A new leaf sharing this data but cut from the graph: no gradient flows back through it."""
        return Tensor(self.data)

    def __repr__(self) -> str:
        extra = "".join([f", name={self.name!r}" if self.name else "",
                         f", op={self.op!r}" if self.op else "",
                         ", requires_grad=True" if self.requires_grad else ""])
        body = np.array2string(self.data, precision=4, threshold=20, prefix="Tensor(")
        return f"Tensor({body}, dtype={self.data.dtype}{extra})"


def sigmoid(a: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-a) of an array, in place after the exp (e^-a may overflow to inf: then s = 0)."""
    with np.errstate(over="ignore"):
        s = np.asarray(np.exp(-a))                          # (a 0-d input gives a numpy scalar)
    s += 1
    return np.reciprocal(s, out=s)


def _raw(x):
    return x.data if isinstance(x, Node) else x


def _div_allow_zero(g, a):
    """g / a, where a = 0 gives an infinite gradient (of g's sign) instead of a warning."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return g / a


def as_array(data, what: str) -> np.ndarray:
    """np.asarray(data), with numpy's complaint about ragged nested lists turned into one naming `what`."""
    try:
        return np.asarray(data)
    except ValueError as err:
        raise ValueError(f"{what}: the nested lists have rows of different lengths, so they do not form an "
                         f"array ({err})") from None


def _power(a: np.ndarray, k) -> np.ndarray:
    """a ** k for the forward of pow: a negative base needs an integer k; 0 ** (k < 0) is inf, quietly."""
    if not float(k).is_integer() and (a < 0).any():
        raise ValueError(f"Tensor ** k: negative entries to the non-integer power {k} are not real numbers "
                         f"(min entry {a.min()})")
    with np.errstate(divide="ignore"):
        return a ** k


def _quiet(local):
    """`local` (a derivative of pow) evaluated without warnings: at a = 0 it may be inf, as log's is."""
    def evaluate():
        with np.errstate(divide="ignore", invalid="ignore"):
            return local()
    return evaluate


Tensor.result_type = Tensor       # op results are plain Tensors, also for subclasses such as Parameter

from . import shape_ops  # noqa: E402  (shape_ops and matmul build on Tensor, so they are imported last)
from .matmul import matmul as _matmul  # noqa: E402
