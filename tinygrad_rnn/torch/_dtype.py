"""PyTorch's dtypes (`torch.float32`, `torch.long`, ...) as thin names for numpy dtypes, and the default
floating dtype (float32, as in PyTorch; `set_default_dtype(torch.float64)` for exact comparisons).

A `dtype` works wherever numpy expects one (`np.zeros(3, dtype=torch.float64)`, `np.dtype(t.dtype)`),
because numpy reads its `.dtype` attribute.
"""
import builtins

import numpy as np


class dtype:
    """A PyTorch dtype: its name (`torch.float32`) and the numpy dtype behind it."""

    __slots__ = ("name", "dtype", "is_floating_point", "is_signed", "itemsize")

    def __init__(self, name: str, numpy_dtype):
        self.name, self.dtype = name, np.dtype(numpy_dtype)
        self.is_floating_point = self.dtype.kind == "f"
        self.is_signed = self.dtype.kind in "fi"
        self.itemsize = self.dtype.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __eq__(self, other) -> bool:
        if isinstance(other, dtype):
            return self is other
        try:
            return isinstance(other, (np.dtype, type)) and self.dtype == np.dtype(other)
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self.name)

    def __reduce__(self):
        return self.name     # pickled by name: loads as the same singleton


float16 = half = dtype("float16", np.float16)
float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
int8 = dtype("int8", np.int8)
uint8 = dtype("uint8", np.uint8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)
int64 = long = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)

_BY_NUMPY = {d.dtype: d for d in (float16, float32, float64, int8, uint8, int16, int32, int64, bool)}
_LEGACY = {"torch.FloatTensor": float32, "torch.DoubleTensor": float64, "torch.HalfTensor": float16,
           "torch.LongTensor": int64, "torch.IntTensor": int32, "torch.ShortTensor": int16,
           "torch.CharTensor": int8, "torch.ByteTensor": uint8, "torch.BoolTensor": bool}
_default = [float32]
_NAMES = {float16: ("Half", "c10::Half"), float32: ("Float", "float"), float64: ("Double", "double"),
          int8: ("Char", "signed char"), uint8: ("Byte", "unsigned char"), int16: ("Short", "short int"),
          int32: ("Int", "int"), int64: ("Long", "long int"), bool: ("Bool", "bool")}


def get_default_dtype() -> dtype:
    """The dtype of new floating tensors and of layers' parameters (float32 unless changed)."""
    return _default[0]


def set_default_dtype(d) -> None:
    """Make `d` (torch.float32 or torch.float64) the dtype of new floating tensors and parameters."""
    d = as_dtype(d, "set_default_dtype(d)")
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    if d is float16:
        raise TypeError("set_default_dtype(torch.float16): tinygrad_rnn's layers compute in float32 or float64; "
                        "choose one of those")
    _default[0] = d


def as_dtype(d, what: str = "dtype") -> dtype:
    """A torch dtype from a torch dtype, a numpy dtype or type, a legacy name ('torch.LongTensor') or one of
    Python's float, int and bool (float64, int64 and bool, as in PyTorch)."""
    if isinstance(d, dtype):
        return d
    if d is builtins.float:
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool
    if isinstance(d, str) and d in _LEGACY:
        return _LEGACY[d]
    try:
        return _BY_NUMPY[np.dtype(d)]
    except (TypeError, KeyError, ValueError):
        raise TypeError(f"{what}: expected a torch dtype such as torch.float32 or torch.long, got {d!r}") from None


def of_array(a: np.ndarray) -> dtype:
    """The torch dtype of a numpy array."""
    return _BY_NUMPY[a.dtype]


def legacy_name(d: dtype) -> str:
    """'torch.FloatTensor' and the like: what `Tensor.type()` returns."""
    return next(name for name, value in _LEGACY.items() if value is d)


def category(d: dtype) -> builtins.int:
    """0 for bool, 1 for integers, 2 for floats: PyTorch's promotion compares categories first."""
    return 2 if d.is_floating_point else 0 if d is bool else 1


def scalar_name(d: dtype) -> str:
    """PyTorch's name of the dtype in its messages: 'Float', 'Long', ..."""
    return _NAMES[d][0]


def c_name(d: dtype) -> str:
    """The C++ type name PyTorch's kernels print: 'float', 'long int', ..."""
    return _NAMES[d][1]
