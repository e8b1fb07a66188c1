"""The dialect's Tensor: the engine's Tensor node, with PyTorch's names and rules on top.

It is the same node the core records (a subclass that adds no state, so the core's results can be
re-classed into it at no cost), which is why `tr.viz` draws a dialect program's graph like any other.
What differs from the core Tensor is the surface: dtypes of every kind (integer tensors hold indices and
targets and never need gradients), `dim=`/`keepdim=`, `size()`, `view`, in-place methods ending in `_`,
and `.data` / `.grad` as Tensors (the engine keeps the arrays in the slots `_data` / `_grad`).
The methods live in mixins by theme: _math.py (arithmetic, promotion, comparisons), _elementwise.py,
_special.py (more elementwise functions, cumprod, median, unique, ...), _shape.py, _reduce.py, _select.py,
_convert.py and _inplace.py; _autograd.py has grad_fn, backward() and the rules for .data, .grad and in-place
writes; _format.py prints as PyTorch does. Four methods that are first torch functions are added where those
are defined (allclose, isclose, equal, addmm in _functions.py), and the legacy `new` beside the legacy
constructor it calls (_legacy.py).
"""
import functools

import numpy as np

from .. import tensor as core
from . import _dtype
from ..checks import check_hook
from ._autograd import (backward_all, checked_data, checked_grad, checked_requires_grad, grad_fn_of, hook_output,
                        retained)
from ._convert import ConvertMethods
from ._device import device as torch_device
from ._elementwise import ElementwiseMethods
from ._format import tensor_repr
from ._grad_mode import no_grad
from ._inplace import InPlaceMethods
from ._math import MathMethods, as_operand
from ._reduce import ReduceMethods
from ._select import SelectMethods
from ._shape import ShapeMethods
from ._special import SpecialMethods
from .checks import legacy_shape, size_items


class Size(tuple):
    """A shape, as PyTorch prints it: `torch.Size([2, 3])`; its slices, sums and repeats are Sizes too."""

    def __new__(cls, sizes=()):
        return super().__new__(cls, size_items(sizes))

    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return tuple.__new__(Size, item) if isinstance(index, slice) else item

    def __add__(self, other):
        return tuple.__new__(Size, tuple.__add__(self, other))

    def __radd__(self, other):
        return tuple.__new__(Size, tuple.__add__(other, self)) if isinstance(other, tuple) else NotImplemented

    def __mul__(self, n):
        return tuple.__new__(Size, tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        """The number of elements of a tensor of this shape."""
        return int(np.prod(self, dtype=np.int64))


class Tensor(InPlaceMethods, SelectMethods, ReduceMethods, ShapeMethods, ConvertMethods, SpecialMethods,
             ElementwiseMethods, MathMethods, core.Tensor):
    """torch.Tensor: a node of the shared engine with PyTorch's methods (float tensors may require grad)."""

    __slots__ = ()

    def __init__(self, *data):
        """`torch.Tensor(data)` copies data as the default float dtype; `torch.Tensor(2, 3)` is zeros, and
        `torch.Tensor()` empty, of shape (0,)."""
        if len(data) == 1 and not isinstance(data[0], (int, np.integer)):
            array = np.array(as_operand(data[0]), dtype=_dtype.get_default_dtype().dtype)
        else:
            array = np.zeros(legacy_shape(data) if data else (0,), dtype=_dtype.get_default_dtype().dtype)
        self._init_leaf(array, False, None)

    # ---------------------------------------------------------------- .data, .grad and flags
    @property
    def data(self) -> "Tensor":
        """The same numbers as a Tensor that is cut from the graph (shares memory; changes are not recorded)."""
        return wrap(self._data)

    @data.setter
    def data(self, value) -> None:
        self._data = checked_data(self, value)

    @property
    def grad(self):
        """The gradient as a Tensor sharing its array (None before backward, and for non-leaves that did
        not call retain_grad(), as in PyTorch)."""
        if self._grad is None or (self.parents and self not in retained):
            return None
        return wrap(self._grad)

    @grad.setter
    def grad(self, value) -> None:
        self._grad = checked_grad(self, value)

    @property
    def dtype(self) -> _dtype.dtype:
        """torch.float32, torch.int64, ... (works as a numpy dtype too)."""
        return _dtype.of_array(self._data)

    @property
    def shape(self) -> Size:
        return tuple.__new__(Size, self._data.shape)

    @property
    def device(self):
        """Always the CPU."""
        return torch_device("cpu")

    is_cuda = False
    is_sparse = False

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (and for every tensor that requires no grad)."""
        return not self.parents

    @property
    def grad_fn(self):
        """The op that made this tensor, or None for a leaf."""
        return grad_fn_of(self) if self.parents else None

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Set requires_grad in place (floating tensors only); returns self."""
        self.requires_grad = checked_requires_grad(self, requires_grad)
        return self

    def retain_grad(self) -> None:
        """Keep this non-leaf's .grad after backward()."""
        retained.add(self)

    @property
    def retains_grad(self) -> bool:
        return self in retained

    def register_hook(self, hook):
        """In each backward pass, hook(grad) sees this tensor's gradient (a copy it may change in place) and may
        return a Tensor to use instead; for a leaf, before it is added to .grad. Returns a RemovableHandle."""
        check_hook(self, hook)

        @functools.wraps(hook)
        def on_grad(g):
            given = wrap(np.array(g))
            with no_grad():
                return hook_output(hook(given), given, hook)
        return super().register_hook(on_grad)

    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False, inputs=None) -> None:
        """Backpropagate from this tensor (a scalar, or give `gradient`); leaves' .grad accumulate, and the
        graph's saved values are released unless retain_graph=True."""
        backward_all([(self, gradient)], retain_graph, create_graph, inputs)

    def detach(self) -> "Tensor":
        """A new leaf sharing this data, cut from the graph."""
        return wrap(self._data)

    def detach_(self) -> "Tensor":
        """Cut this tensor from the graph in place; returns self."""
        self.parents, self.backward_fn, self.saved, self.requires_grad, self.op = (), None, None, False, ""
        return self

    def __repr__(self) -> str:
        return tensor_repr(self)

    def __format__(self, spec: str) -> str:
        """A 0-d tensor formats as its number ('{:5.2f}'.format(loss)); others only with an empty spec."""
        if self._data.ndim == 0 and type(self) is Tensor:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        from ._serialization import reduce_tensor
        return reduce_tensor(self)


Tensor.result_type = Tensor


def wrap(array: np.ndarray, requires_grad: bool = False) -> Tensor:
    """A leaf Tensor around `array` itself (no copy, no checks): the dialect's own results."""
    t = object.__new__(Tensor)
    t._init_leaf(array, requires_grad, None)
    return t


def as_tensor_node(x):
    """A core node seen as a dialect Tensor (the same object, re-classed), or x unchanged."""
    if type(x) is core.Tensor:
        x.__class__ = Tensor
    return x
