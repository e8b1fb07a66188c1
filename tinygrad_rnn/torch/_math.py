"""Arithmetic with PyTorch's type promotion, comparisons and bitwise operators.

The arithmetic itself is the core's derivative table (tensor.py); this file only decides the dtype of
the result first, by PyTorch's rule: the highest category (bool < integer < floating) wins, and within
it, dimensioned tensors decide before 0-d tensors, which decide before Python numbers (float32 * 2.5 stays
float32, int * 0.5 is the default float dtype, int / int divides truly). inf and nan come quietly.
"""
import numpy as np

from .. import shape_ops
from .. import tensor as core
from ..autograd import Node
from . import _dtype
from ._autograd import named
from .checks import alpha_and_other, broadcast_shape, check_float_op
from .product_checks import check_matmul


def as_operand(x):
    """The array behind a Tensor, or x as an array (numbers, lists, numpy arrays, other libraries' tensors)."""
    if isinstance(x, Node):
        return x._data
    return np.asarray(x.detach().cpu().numpy() if hasattr(x, "detach") and hasattr(x, "cpu") else x)


def leaf_like(t, array):
    """A new leaf of t's result class (the dialect's Tensor) around `array`, not copied."""
    out = object.__new__(t.result_type)
    out._init_leaf(np.asarray(array), False, None)
    return out


def _group_top(dtypes: list) -> _dtype.dtype:
    """The promoted dtype of the operands of the highest category in one group."""
    top = max(_dtype.category(d) for d in dtypes)
    found = [d.dtype for d in dtypes if _dtype.category(d) == top]
    return _dtype.as_dtype(np.result_type(*found))


def result_dtype(*operands) -> _dtype.dtype:
    """PyTorch's result dtype for an op on these operands (Tensors, arrays, Python numbers)."""
    dimensioned, zero_dim, numbers = [], [], []
    for x in operands:
        if isinstance(x, (bool, np.bool_)):
            numbers.append(_dtype.bool)
        elif isinstance(x, (int, np.integer)):
            numbers.append(_dtype.int64)
        elif isinstance(x, (float, np.floating)):
            numbers.append(_dtype.get_default_dtype())
        else:
            a = as_operand(x)
            (dimensioned if a.ndim else zero_dim).append(_dtype.of_array(a))
    best = None
    for group in (dimensioned, zero_dim, numbers):
        if group:
            top = _group_top(group)     # (float numbers are all the default dtype already)
            if best is None or _dtype.category(top) > _dtype.category(best):
                best = top
    return best


def cast(t, d: _dtype.dtype):
    """t as dtype d: differentiable between float dtypes, a plain new leaf otherwise; t itself if equal."""
    if t._data.dtype == d.dtype:
        return t
    if t.requires_grad and d.is_floating_point:
        return shape_ops.astype(t, d.dtype)
    return leaf_like(t, t._data.astype(d.dtype))


def lifted(x, d: _dtype.dtype, like):
    """An operand as a dialect Tensor of dtype d (numbers and arrays become constants like `like`)."""
    return cast(x, d) if isinstance(x, Node) else leaf_like(like, np.asarray(as_operand(x), dtype=d.dtype))


def quiet(fn):
    """fn with numpy's floating-point warnings off: PyTorch gives inf and nan without a word."""
    return np.errstate(all="ignore")(fn)


_div = core._binary("div", quiet(np.divide), quiet(lambda g, a, b, out: g / b),
                    quiet(lambda g, a, b, out: -g * out / b))
_pow = core._binary("pow", quiet(np.power), quiet(lambda g, a, b, out: np.where(b == 0, 0, g * b * a ** (b - 1))),
                    quiet(lambda g, a, b, out: g * out * np.log(np.where(out == 0, 1, a))))
_remainder = core._binary("remainder", quiet(np.remainder), lambda g, a, b, out: g,
                          quiet(lambda g, a, b, out: -g * np.floor(a / b)))


def _broadcasting(fn, a, b):
    """fn(a, b), with a broadcasting failure reported in PyTorch's words."""
    try:
        return fn(a, b)
    except ValueError:
        broadcast_shape(np.shape(as_operand(a)), np.shape(as_operand(b)))
        raise


def _promoted(fn, reflected: bool = False, true_division: bool = False, integers=None):
    """A binary operator applied after PyTorch's promotion (fn gets two Tensors of the result dtype);
    `integers`, if given, is the numpy function for non-floating results, which have no gradient."""
    def op(self, other):
        if self._data.dtype.kind == "f" and (other.__class__ in (float, int) or (  # fast path: the code below
                isinstance(other, core.Tensor) and other._data.dtype == self._data.dtype)):  # when d is self's dtype
            other = self._lift(other)
            return _broadcasting(fn, other, self) if reflected else _broadcasting(fn, self, other)
        d = result_dtype(self, other)
        if true_division and not d.is_floating_point:
            d = _dtype.get_default_dtype()
        a, b = lifted(self, d, self), lifted(other, d, self)
        a, b = (b, a) if reflected else (a, b)
        if integers is not None and not d.is_floating_point:
            return leaf_like(self, _broadcasting(integers, a._data, b._data))
        return _broadcasting(fn, a, b)
    op.__doc__ = "A binary operator with PyTorch's type promotion."
    return op


def _comparison(ufunc):
    def op(self, other):
        return leaf_like(self, _broadcasting(ufunc, self._data, as_operand(other)))
    op.__doc__ = f"Elementwise {ufunc.__name__}: a bool tensor."
    return op


def _bitwise(ufunc, name: str):
    """&, |, ^: logical on bool tensors, bitwise on integer ones (PyTorch refuses floats)."""
    def op(self, other):
        d = result_dtype(self, other)
        if d.is_floating_point:
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_dtype.scalar_name(d)}\'')
        a, b = lifted(self, d, self)._data, lifted(other, d, self)._data
        return leaf_like(self, _broadcasting(ufunc, a, b))
    op.__doc__ = f"Elementwise {name}: logical for bool tensors, bitwise for integer ones."
    return op


@quiet
def _floored(a, b):
    """a // b of two Tensors of one dtype: a new leaf (floor division has no gradient)."""
    return leaf_like(a, np.floor_divide(a._data, b._data))


class MathMethods:
    """Operators of torch.Tensor: arithmetic, comparisons, bitwise, matrix products."""

    __slots__ = ()

    __add__, __radd__ = _promoted(core.Tensor.__add__), _promoted(core.Tensor.__add__, reflected=True)
    __sub__ = _promoted(core.Tensor.__sub__)
    __rsub__ = _promoted(lambda a, b: named(core.Tensor.__sub__(a, b), "rsub"), reflected=True)   # 1 - x
    __mul__, __rmul__ = _promoted(core.Tensor.__mul__), _promoted(core.Tensor.__mul__, reflected=True)
    __truediv__ = _promoted(_div, true_division=True)
    __rtruediv__ = _promoted(_div, reflected=True, true_division=True)
    __mod__ = remainder = _promoted(_remainder, integers=np.remainder)
    __rmod__ = _promoted(_remainder, reflected=True, integers=np.remainder)
    __floordiv__ = floor_divide = _promoted(_floored)
    __rfloordiv__ = _promoted(_floored, reflected=True)

    __lt__, __le__ = _comparison(np.less), _comparison(np.less_equal)
    __gt__, __ge__ = _comparison(np.greater), _comparison(np.greater_equal)
    __eq__, __ne__ = _comparison(np.equal), _comparison(np.not_equal)
    lt, le, gt, ge, eq, ne = __lt__, __le__, __gt__, __ge__, __eq__, __ne__
    greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne
    logical_and, logical_or = _comparison(np.logical_and), _comparison(np.logical_or)
    logical_xor = _comparison(np.logical_xor)
    __and__ = __rand__ = bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
    __or__ = __ror__ = bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
    __xor__ = __rxor__ = bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")
    __hash__ = Node.__hash__

    def __invert__(self):
        """~t: logical not of a bool tensor, bitwise not of an integer one."""
        if self._data.dtype.kind not in "biu":
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return leaf_like(self, np.invert(self._data))

    bitwise_not = __invert__

    def __neg__(self):
        if self._data.dtype == np.bool_:
            raise NotImplementedError("Negation, the `-` operator, on a bool tensor is not supported. If you are "
                                      "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        return core.Tensor.__neg__(self)

    neg = negative = __neg__

    def __pow__(self, exponent):
        """self ** exponent: a number or a tensor; a negative base to a fractional power gives nan."""
        d = result_dtype(self, exponent)
        if not d.is_floating_point:
            check_float_op(not np.any(as_operand(exponent) < 0), "Integers to negative integer powers are not allowed.")
            return leaf_like(self, _broadcasting(np.power, self._data.astype(d.dtype), as_operand(exponent)))
        if isinstance(exponent, (int, float, np.number)) and not isinstance(exponent, bool):
            k = float(exponent)
            return core._unary(f"pow{k:g}", quiet(lambda a: a ** k), quiet(
                lambda g, a, out: g * (k * a ** (k - 1)) if k else np.zeros_like(g)))(cast(self, d))
        return named(_broadcasting(_pow, lifted(self, d, self), lifted(exponent, d, self)), "pow")

    def __rpow__(self, base):
        return named(lifted(base, result_dtype(self, base), self) ** self, "rpow")

    pow = __pow__

    def add(self, other, *args, alpha=None):
        """self + alpha * other (alpha keyword-only; the deprecated add(alpha, other) warns, as in PyTorch)."""
        other, alpha = alpha_and_other("add", other, args, alpha)
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other, *args, alpha=None):
        """self - alpha * other (alpha keyword-only; the deprecated sub(alpha, other) warns, as in PyTorch)."""
        other, alpha = alpha_and_other("sub", other, args, alpha)
        return self - (other if alpha == 1 else other * alpha)

    def mul(self, other):
        """self * other."""
        return self * other

    multiply, subtract = mul, sub

    def div(self, other, rounding_mode=None):
        """self / other; rounding_mode 'floor' or 'trunc' rounds the quotient (integers stay integers, and
        the gradient of a rounded quotient is zero)."""
        if rounding_mode is None:
            return self / other
        check_float_op(rounding_mode in ("floor", "trunc"), "div expected rounding_mode to be one of None, "
                       f"'trunc', or 'floor' but found {rounding_mode!r}")
        d, q = result_dtype(self, other), self / other
        if not d.is_floating_point:
            rounded = np.floor(q._data) if rounding_mode == "floor" else np.trunc(q._data)
            return leaf_like(self, rounded.astype(d.dtype))
        return named(q.floor() if rounding_mode == "floor" else q.trunc(), f"div({rounding_mode})")

    divide = true_divide = div

    def __matmul__(self, other):
        """Matrix product with numpy's (and PyTorch's) broadcasting rules; both sides of one dtype."""
        if not isinstance(other, Node):
            return NotImplemented
        check_matmul(self._data, other._data)
        return core.Tensor.__matmul__(self, other)

    def __rmatmul__(self, other):
        return NotImplemented if not isinstance(other, Node) else MathMethods.__matmul__(other, self)

    def matmul(self, other):
        """self @ other."""
        if not isinstance(other, Node):
            raise TypeError(f"matmul(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}")
        return self @ other
