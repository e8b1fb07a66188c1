"""torch.Tensor's conversions: dtypes (`float()`, `long()`, `to()`, `type()`), devices (CPU only),
numbers and lists (`item()`, `tolist()`, `numpy()`), copies (`clone()`) and `new_*` factories."""
import warnings

import numpy as np

from .. import tensor as core
from ..autograd import Node
from . import _dtype
from ._device import check_device
from ._device import device as torch_device
from ._math import as_operand, cast, leaf_like
from .checks import check_float_op, shape_of

_clone = core._unary("clone", np.copy, lambda g, a, out: g)


def _legacy_type(x) -> bool:
    """Whether x is torch.LongTensor or another of the legacy tensor types (_legacy.py)."""
    return isinstance(x, type) and isinstance(getattr(x, "dtype", None), _dtype.dtype)


def _as(d):
    """The method `t.<name>()` of PyTorch: t cast to dtype d."""
    def cast(self):
        return self.to(d)
    cast.__doc__ = f"As {d.name}."
    return cast


class ConvertMethods:
    """Conversions of torch.Tensor."""

    __slots__ = ()

    def to(self, *args, dtype=None, device=None, non_blocking: bool = False, copy: bool = False, memory_format=None):
        """This tensor in another dtype (and on the CPU): to(dtype), to(device), to(device, dtype), to(other)."""
        for a in args:
            if _legacy_type(a):
                raise TypeError("to() received an invalid combination of arguments - got (torch.tensortype), but "
                                "expected one of:")
            if isinstance(a, Node):
                dtype = a.dtype
            elif isinstance(a, (_dtype.dtype, type, np.dtype)):
                dtype = a
            else:
                check_device(a)
        check_device(device)
        out = self if dtype is None else cast(self, _dtype.as_dtype(dtype, "Tensor.to(dtype)"))
        return out.clone() if copy and out is self else out

    def type(self, dtype=None, non_blocking: bool = False):
        """'torch.FloatTensor' and the like, or this tensor cast to `dtype` (a dtype, such a name, or the type
        itself: t.type(torch.LongTensor))."""
        if dtype is None:
            return _dtype.legacy_name(self.dtype)
        if _legacy_type(dtype):
            dtype = dtype.dtype
        elif isinstance(dtype, type) and isinstance(self, dtype):       # t.type(torch.Tensor): the default dtype
            dtype = _dtype.get_default_dtype()
        return self.to(_dtype.as_dtype(dtype, "Tensor.type(dtype)"))

    def type_as(self, other):
        """This tensor in other's dtype."""
        return self.to(other.dtype)

    # t.float(), t.long(), ...: the casts PyTorch names after their C types
    float, double, half = _as(_dtype.float32), _as(_dtype.float64), _as(_dtype.float16)
    long, int, short, char, byte = _as(_dtype.int64), _as(_dtype.int32), _as(_dtype.int16), _as(_dtype.int8), \
        _as(_dtype.uint8)
    bool = _as(_dtype.bool)

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def cpu(self):
        """self: everything lives on the CPU."""
        return self

    def cuda(self, device=None, non_blocking: bool = False):
        """Raises: there is no GPU backend."""
        return self.to(torch_device("cuda"))

    def get_device(self) -> int:
        """-1 (the CPU), as PyTorch."""
        return -1

    def is_pinned(self, device=None) -> bool:
        """False: no memory is page-locked for a GPU here."""
        return False

    def pin_memory(self, device=None):
        """self (PyTorch copies into page-locked memory for faster GPU transfers; there is no GPU here)."""
        return self

    def numpy(self, force: bool = False) -> np.ndarray:
        """The numbers as a numpy array sharing memory (detach() first if it requires grad)."""
        check_float_op(force or not self.requires_grad, "Can't call numpy() on Tensor that requires grad. "
                                                        "Use tensor.detach().numpy() instead.")
        return self._data

    def item(self):
        """The one number of a one-element tensor, as a Python float, int or bool."""
        check_float_op(self._data.size == 1, f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def _number(self, kind):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return kind(self._data.reshape(()))

    def __int__(self) -> int:
        return self._number(int)

    def __float__(self) -> float:
        if self.requires_grad:                   # PyTorch 2.14's warning (float() only, not int(), item() or bool())
            warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
                          "behavior.\nConsider using tensor.detach() first.", stacklevel=2)
        return self._number(float)

    def __bool__(self) -> bool:
        check_float_op(self._data.size == 1, "Boolean value of Tensor with "
                       f"{'no values' if self._data.size == 0 else 'more than one value'} is ambiguous")
        return bool(self._data.reshape(()))

    def tolist(self):
        """The numbers as (nested) Python lists."""
        return self._data.tolist()

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def clone(self, memory_format=None):
        """A copy that stays in the graph (its gradient flows back to self)."""
        return _clone(self) if self.requires_grad else leaf_like(self, self._data.copy())

    def new_tensor(self, data, dtype=None, device=None, requires_grad: bool = False):
        """A new tensor from data, of this tensor's dtype unless told."""
        check_device(device)
        out = leaf_like(self, np.array(as_operand(data), dtype=np.dtype(dtype or self.dtype)))
        return out.requires_grad_(requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad: bool = False):
        """A tensor of `size` filled with fill_value, of this tensor's dtype unless told."""
        check_device(device)
        return leaf_like(self, np.full(shape_of((size,), "new_full"), fill_value,
                             dtype=np.dtype(dtype or self.dtype))).requires_grad_(requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad: bool = False):
        """Zeros of `size`, of this tensor's dtype unless told."""
        return self.new_full(shape_of(size, "new_zeros"), 0, dtype, device, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad: bool = False):
        """Ones of `size`, of this tensor's dtype unless told."""
        return self.new_full(shape_of(size, "new_ones"), 1, dtype, device, requires_grad)

    new_empty = new_zeros


