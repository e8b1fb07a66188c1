"""torch.Tensor's in-place methods (`add_`, `zero_`, `uniform_`, `t[i] = v`, `t += 1`, ...), and the
in-place shape methods (`unsqueeze_`, `squeeze_`, `transpose_`, `t_`: the same memory in a new shape).

They write into the tensor's own array, so views see the change (`x[i][0][k] = 1` fills x), as in
PyTorch. Arithmetic in place keeps the tensor's dtype and refuses a result of a higher kind (float into
an integer tensor), while fill_, copy_ and `t[i] = v` convert, as PyTorch does. Writing into a tensor that
requires grad is allowed only under `no_grad()` (how optimizers and `nn.init` change parameters);
otherwise it raises, as PyTorch does for leaves. On a non-leaf, or a constant written with a value that
requires grad, PyTorch records the write: the methods marked `@recorded` and `t[i] = v` do so too
(_rebind.py; not on a view, and not the random fills). `t += v` under grad mode, when t is a non-leaf that
requires grad or v requires grad, re-binds t to t + v.
"""
import numpy as np

from .. import tensor as core
from ..modes import _local
from . import _dtype
from .inplace_checks import check_inplace
from ._grad_mode import no_grad
from ._math import as_operand, result_dtype
from ._random import numpy_rng
from ._rebind import rebind, rebindable, recorded
from ._writes import overwritten, slice_written
from ._shape import _index
from .checks import (alpha_and_other, check_expand, check_float_op, check_floating, check_inplace_shape, check_mask,
                     clamp_bounds, index_error)


def _random(t, generator, fn: str, kernel: str) -> np.random.Generator:
    """The generator for a random fill of t (which must hold floats, as in PyTorch)."""
    check_floating(t, f'"{kernel}" not implemented for \'…\'', NotImplementedError)
    return numpy_rng(generator, fn)


class InPlaceMethods:
    """Methods that change a tensor's numbers in place."""

    __slots__ = ()

    def _write(self, fn: str, values, *operands, true_division: bool = False):
        """Write `values` (an array, or a function of self's array) into self's array, broadcast and kept in
        its dtype; returns self. For arithmetic, `operands` are the other sides, whose promoted dtype must fit."""
        result = None
        if operands:
            result = result_dtype(self, *operands)
            result = _dtype.get_default_dtype() if true_division and not result.is_floating_point else result
            for operand in operands:
                check_inplace_shape(self._data.shape, np.shape(as_operand(operand)))
        check_inplace(self, fn, next((o for o in operands if getattr(o, "requires_grad", False)), None), result)
        with np.errstate(all="ignore"):
            values = values(self._data) if callable(values) else values
        check_inplace_shape(self._data.shape, np.shape(values))
        self._data[...] = values
        return self

    def __setitem__(self, index, value) -> None:
        """t[index] = value; recorded (PyTorch's CopySlices, _writes.py) where _rebind.rebindable allows: t a
        non-leaf, or a constant written with a value that requires grad (outputs[t] = out), not a view."""
        index, probe = _index(index), rebindable(self, (value,))
        if probe is None:
            check_inplace(self, "__setitem__", value)
        try:
            if probe is None:
                self._data[index] = as_operand(value)
            else:
                rebind(self, slice_written(self, index, value), probe)
        except IndexError as err:
            raise index_error(err, self._data.shape, index) from None
        except ValueError:
            check_expand(np.shape(as_operand(value)), self._data[index].shape)
            raise

    @recorded("add")
    def add_(self, other, *args, alpha=None):
        """self += alpha * other (alpha keyword-only; the deprecated add_(alpha, other) warns, as in PyTorch)."""
        other, alpha = alpha_and_other("add_", other, args, alpha)
        check_float_op(self._data.dtype.kind == "f" or not isinstance(alpha, float), "For integral input tensors, "
                       "argument alpha must not be a floating point number.")
        return self._write("add_", lambda a: a + alpha * as_operand(other), other)

    @recorded("sub")
    def sub_(self, other, *args, alpha=None):
        """self -= alpha * other (alpha keyword-only; the deprecated sub_(alpha, other) warns)."""
        other, alpha = alpha_and_other("sub_", other, args, alpha)
        return self._write("sub_", lambda a: a - alpha * as_operand(other), other)

    @recorded("mul")
    def mul_(self, other):
        """self *= other."""
        return self._write("mul_", lambda a: a * as_operand(other), other)

    @recorded("div")
    def div_(self, other):
        """self /= other."""
        return self._write("div_", lambda a: a / as_operand(other), other, true_division=True)

    @recorded("pow")
    def pow_(self, exponent):
        """self **= exponent."""
        return self._write("pow_", lambda a: a ** as_operand(exponent), exponent)

    @recorded("neg")
    def neg_(self):
        """self = -self."""
        return self._write("neg_", np.negative)

    @recorded("abs")
    def abs_(self):
        """self = |self|."""
        return self._write("abs_", np.abs)

    @recorded("clamp")
    def clamp_(self, min=None, max=None):
        """Limit to [min, max] in place (max wherever min > max, as in PyTorch): numbers, or tensors that
        broadcast to self's shape, whose result type self's dtype holds (no float bound for an int tensor)."""
        check_inplace_shape(self._data.shape, clamp_bounds("clamp_", self._data.shape, min, max))
        lo, hi = (None if b is None else as_operand(b) for b in (min, max))
        return self._write("clamp_", lambda a: np.clip(a, lo, hi), *(b for b in (min, max) if b is not None))

    clip_ = clamp_

    @recorded("exp")
    def exp_(self):
        """self = exp(self)."""
        return self._write("exp_", np.exp, 0.0)

    @recorded("tanh")
    def tanh_(self):
        """self = tanh(self)."""
        return self._write("tanh_", np.tanh, 0.0)

    @recorded("sigmoid")
    def sigmoid_(self):
        """self = sigmoid(self)."""
        return self._write("sigmoid_", core.sigmoid, 0.0)

    @recorded("relu")
    def relu_(self):
        """self = max(self, 0)."""
        return self._write("relu_", lambda a: np.maximum(a, 0))

    @recorded("_zeroed")
    def zero_(self):
        """Fill with zeros."""
        return self._write("zero_", 0)

    @recorded("_filled")
    def fill_(self, value):
        """Fill with one number (converted to self's dtype)."""
        check_inplace(self, "fill_", value)
        return self._write("fill_", as_operand(value))

    @recorded("_copied")
    def copy_(self, src, non_blocking: bool = False):
        """Copy src's numbers (broadcast, converted to self's dtype) into self."""
        check_inplace(self, "copy_", src)
        return self._write("copy_", as_operand(src))

    def _zeroed(self):
        return overwritten(self, 0, "zero")

    def _filled(self, value):
        return overwritten(self, value, "fill(tensor)" if isinstance(value, core.Tensor) else "fill")

    def _copied(self, src, non_blocking: bool = False):
        return overwritten(self, src, "copy_")

    @recorded("masked_fill")
    def masked_fill_(self, mask, value):
        """`value` where mask is True."""
        check_inplace(self, "masked_fill_", value)
        mask = check_mask(as_operand(mask), "masked_fill_")
        np.copyto(self._data, as_operand(value), casting="unsafe", where=mask)
        return self

    def uniform_(self, a: float = 0.0, b: float = 1.0, generator=None):
        """Fill with draws from U(a, b) (from the generator torch.manual_seed sets)."""
        rng = _random(self, generator, "uniform_", "check_uniform_bounds")
        check_float_op(a <= b, f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
        return self._write("uniform_", rng.uniform(a, b, self._data.shape))

    def normal_(self, mean: float = 0.0, std: float = 1.0, generator=None):
        """Fill with draws from N(mean, std^2)."""
        rng = _random(self, generator, "normal_", "normal_kernel_cpu")
        return self._write("normal_", rng.normal(mean, std, self._data.shape))

    def bernoulli_(self, p: float = 0.5, generator=None):
        """Fill with 1 with probability p, else 0."""
        rng = numpy_rng(generator, "bernoulli_")
        return self._write("bernoulli_", rng.random(self._data.shape) < as_operand(p))

    def _restride(self, fn: str, method: str, *args):
        """Give self the shape `method` (a view op) would give it, over the same memory; returns self."""
        check_inplace(self, fn)
        if fn == "t_":
            check_float_op(self._data.ndim <= 2, f"t_() expects a tensor with <= 2 dimensions, but self is "
                           f"{self._data.ndim}D")
        with no_grad():
            self._data = getattr(self, method)(*args)._data
        return self

    @recorded("unsqueeze", reshaped=True)
    def unsqueeze_(self, dim: int):
        """unsqueeze in place: a new dimension of length 1 at `dim`."""
        return self._restride("unsqueeze_", "unsqueeze", dim)

    @recorded("squeeze", reshaped=True)
    def squeeze_(self, dim=None):
        """squeeze in place: drop the dimensions of length 1 (all, or those named by `dim`)."""
        return self._restride("squeeze_", "squeeze", dim)

    @recorded("transpose", reshaped=True)
    def transpose_(self, dim0: int, dim1: int):
        """transpose in place: swap two dimensions."""
        return self._restride("transpose_", "transpose", dim0, dim1)

    swapaxes_ = swapdims_ = transpose_

    @recorded("t", reshaped=True)
    def t_(self):
        """t in place: transpose a matrix."""
        return self._restride("t_", "t")

    def _augmented(self, other, op: str, fn: str):
        """t op= v: in place, or re-bound to the out-of-place result when grad mode records it (t is a
        non-leaf that requires grad, or v requires grad)."""
        recorded = (self.requires_grad and self.parents) or getattr(other, "requires_grad", False)
        if _local.mode.grad_enabled and recorded:
            return getattr(self, op)(other)
        return getattr(self, fn)(other)

    def __iadd__(self, other):
        return self._augmented(other, "__add__", "add_")

    def __isub__(self, other):
        return self._augmented(other, "__sub__", "sub_")

    def __imul__(self, other):
        return self._augmented(other, "__mul__", "mul_")

    def __itruediv__(self, other):
        return self._augmented(other, "__truediv__", "div_")
