"""The legacy tensor types, as PyTorch still has them: torch.FloatTensor, torch.DoubleTensor,
torch.LongTensor, torch.IntTensor, torch.BoolTensor, torch.ByteTensor (and Half, Short, Char).

    torch.LongTensor([1, 2])          # data -> an int64 tensor (floats truncated toward zero)
    torch.LongTensor(np_int32_array)  # converted (an int64 array is shared, as in PyTorch)
    torch.LongTensor(int64_tensor)    # an alias of it (same memory, in the graph); another dtype is refused
    torch.FloatTensor(2, 3)           # sizes -> a float32 tensor of that shape (zeros here; PyTorch leaves
                                      #          the memory uninitialised)
    torch.LongTensor()                # an empty int64 tensor
    isinstance(t, torch.LongTensor)   # True exactly when t is an int64 tensor
    t.type(torch.LongTensor)          # t as int64; t.type() names its type: 'torch.LongTensor'
    torch.FloatTensor(data=[1.5])     # the keyword forms data= and size= (a list or tuple of ints) too
    weight.new(2, 3)                  # Tensor.new: the same constructor, of weight's own dtype

They are not Tensor subclasses (`type(torch.LongTensor([1]))` is torch.Tensor, as in PyTorch): each is a
class of the metaclass `tensortype`, which builds tensors when called and checks dtypes for isinstance.
"""
import numpy as np

from ..checks import is_int
from . import _dtype
from ._autograd import named
from ._factories import tensor
from ._tensor import Size, Tensor, wrap


def _options(d: _dtype.dtype) -> str:
    """How PyTorch's message names a tensor of dtype d."""
    return (f"TensorOptions(dtype={_dtype.c_name(d)}, device=cpu, layout=Strided, requires_grad=false (default), "
            "pinned_memory=false (default), memory_format=(nullopt))")


def _check_device(d) -> None:
    """The legacy constructors accept the CPU only, with PyTorch's complaint for another device."""
    if d is not None:
        name = str(d).partition(":")[0]         # (a torch.device prints as 'cpu' or 'cpu:0')
        if name != "cpu":
            raise RuntimeError(f"legacy constructor expects device type: cpu but device type: {name} was passed")


def _invalid(args: tuple, kwargs: dict) -> TypeError:
    """PyTorch's complaint when the arguments fit none of new()'s signatures (its first line)."""
    def name(v):
        """An argument's type as PyTorch prints it (torch.dtype for a dtype)."""
        return f"torch.{type(v).__name__}" if type(v).__module__.startswith("tinygrad_rnn") else type(v).__name__
    got = ", ".join([name(a) for a in args] + [f"{k}={name(v)}" for k, v in kwargs.items()])
    got += ", " if kwargs and not args else ""             # PyTorch's own spelling: "got (dtype=torch.dtype, )"
    return TypeError(f"new() received an invalid combination of arguments - got ({got}), but expected one of:")


def _sizes(args: tuple) -> tuple:
    """new(*sizes): ints (or one torch.Size), none negative."""
    if len(args) == 1 and isinstance(args[0], Size):
        args = tuple(args[0])
    if args and not _is_size(args[0]):
        raise _invalid(args, {})
    for pos, n in enumerate(args, start=1):
        if not is_int(n):
            raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {pos} with error "
                            f"\"type must be tuple of ints,but got {type(n).__name__}\"")
    shape = tuple(int(n) for n in args)
    for n in shape:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {list(shape)}")
    return shape


def _is_size(obj) -> bool:
    """A single argument read as a size: an int (not a bool), a numpy integer or 0-d integer array, a Size."""
    if isinstance(obj, Size):
        return True
    if isinstance(obj, np.ndarray):
        return obj.ndim == 0 and obj.dtype.kind in "iu"
    return is_int(obj)


def _keyword_form(kwargs: dict):
    """The positional arguments new(data=d) and new(size=s) stand for, (d,) and s (ints), or None."""
    keys = set(kwargs) - {"device"}
    if keys == {"data"}:
        return (kwargs["data"],)
    size = kwargs.get("size")
    if keys == {"size"} and isinstance(size, (tuple, list)) and all(is_int(n) for n in size):
        return tuple(size) or (Size(),)
    return None


def _new(d: _dtype.dtype, args: tuple, kwargs: dict) -> Tensor:
    """What calling a legacy type does (PyTorch's legacy `new` constructor)."""
    keyword = not args and _keyword_form(kwargs) is not None
    if keyword:
        args, kwargs = _keyword_form(kwargs), {k: v for k, v in kwargs.items() if k == "device"}
    if set(kwargs) - {"device"}:
        raise _invalid(args, kwargs)
    _check_device(kwargs.get("device"))
    if not args:
        return wrap(np.zeros(0, dtype=d.dtype))
    if len(args) > 1 or _is_size(args[0]):
        return wrap(np.zeros(_sizes(tuple(a.item() if isinstance(a, np.ndarray) else a for a in args)), dtype=d.dtype))
    data = args[0]
    if isinstance(data, Tensor) and not keyword:             # (new(data=t) refuses a tensor, as in PyTorch)
        if data.dtype is not d:
            raise TypeError(f"expected {_options(d)} (got {_options(data.dtype)})")
        return named(data.view(data.shape), "alias")      # a new tensor on the same memory (in the graph)
    if isinstance(data, np.ndarray):
        return wrap(data) if data.dtype == d.dtype else tensor(data, dtype=d)
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    if not isinstance(data, (list, tuple, range)):
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    return tensor(data, dtype=d)


class tensortype(type):
    """The metaclass of torch.FloatTensor and the other legacy types."""

    def __call__(cls, *args, **kwargs):
        """torch.LongTensor(data), torch.LongTensor(*sizes) or torch.LongTensor(), each with an optional
        device='cpu' (see the module docstring)."""
        return _new(cls.dtype, args, kwargs)

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


def _legacy_type(name: str):
    """The class torch.<name> (a tensortype)."""
    d = _dtype.as_dtype(f"torch.{name}")
    return tensortype(name, (), {"dtype": d, "is_cuda": False, "is_sparse": False, "__module__": "torch",
                                 "__doc__": f"torch.{name}: builds {d} tensors; isinstance(t, torch.{name}) "
                                            f"is True for a {d} tensor."})


FloatTensor, DoubleTensor, HalfTensor = (_legacy_type(n) for n in ("FloatTensor", "DoubleTensor", "HalfTensor"))
LongTensor, IntTensor, ShortTensor = (_legacy_type(n) for n in ("LongTensor", "IntTensor", "ShortTensor"))
CharTensor, ByteTensor, BoolTensor = (_legacy_type(n) for n in ("CharTensor", "ByteTensor", "BoolTensor"))


def new(self: Tensor, *args, **kwargs) -> Tensor:
    """Tensor.new(...): the legacy constructor of self's own type, so `weight.new(2, 3)` is a (2, 3) tensor of
    weight's dtype (zeros here) and `weight.new(data)` converts data to it."""
    return _new(self.dtype, args, kwargs)


Tensor.new = new            # a Tensor method, kept here beside the constructor it calls
