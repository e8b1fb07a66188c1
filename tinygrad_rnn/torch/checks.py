"""The dialect's argument checks, with PyTorch's messages where PyTorch has one (kept out of the maths)."""
import functools
import inspect
import re
import warnings

import numpy as np

from ..checks import is_int
from . import _dtype


def check_float_op(ok: bool, message: str) -> None:
    """Raise RuntimeError(message) unless ok (PyTorch reports misuse of an op as a RuntimeError)."""
    if not ok:
        raise RuntimeError(message)


def check_dim(dim, ndim: int, fn: str) -> int:
    """A dimension index in [-ndim, ndim) as a non-negative int (a 0-d tensor accepts 0 and -1)."""
    if not is_int(dim):
        raise TypeError(f"{fn}(): argument 'dim' must be int, not {type(dim).__name__}")
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return int(dim) % n if ndim else 0


def dims_of(dims, ndim: int, fn: str, permutation: bool = True) -> tuple:
    """Dimensions given as ints or one tuple/list, each checked and named once; a permutation names all."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    if permutation and len(dims) != ndim:
        raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           "length of the desired ordering of dimensions i.e. input.dim() = "
                           f"{ndim} is not equal to len(dims) = {len(dims)}")
    out = tuple(check_dim(d, ndim, fn) for d in dims)
    if len(set(out)) != len(out):
        raise RuntimeError("permute(): duplicate dims are not allowed." if permutation else
                           f"dim {next(d for d in out if out.count(d) > 1)} appears multiple times in the list of dims")
    return out


def shape_of(sizes, fn: str) -> tuple:
    """A shape given as ints (a 0-d integer tensor counts as one) or one tuple/list/torch.Size."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    for s in sizes:
        if not (is_int(s) or (hasattr(s, "_data") and s._data.ndim == 0 and s._data.dtype.kind in "iu")):
            raise TypeError(f"{fn}(): sizes must be ints, got {s!r} in {tuple(sizes)}")
    return tuple(int(s) for s in sizes)


def legacy_shape(sizes) -> tuple:
    """torch.Tensor(2, 3)'s shape."""
    return shape_of(sizes, "Tensor")


def check_view_shape(shape: tuple, size: int) -> tuple:
    """A view/reshape target: at most one -1, and as many elements as the tensor has."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = int(np.prod([n for n in shape if n != -1], dtype=np.int64))
    if (size != known if -1 not in shape else known == 0 or size % known) or any(n < -1 for n in shape):
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size}")
    return shape


def numpy_names(method):
    """`method` also taking numpy's names axis= (dim=) and keepdims= (keepdim=), as PyTorch's parser does
    (t.sum(axis=1, keepdims=True)); a name given twice (dim and axis=) or unknown is a TypeError naming it."""
    params = tuple(inspect.signature(method).parameters)

    @functools.wraps(method)
    def with_numpy_names(*args, **kwargs):
        given = list(kwargs)
        for numpy_name, torch_name in (("axis", "dim"), ("keepdims", "keepdim")):
            if numpy_name in kwargs and torch_name in params[len(args):] and torch_name not in kwargs:
                kwargs[torch_name] = kwargs.pop(numpy_name)
        if any(name not in params for name in kwargs):      # PyTorch names the first keyword not in the signature
            name = next(name for name in given if name not in params)
            raise TypeError(f"{method.__name__}() got an unexpected keyword argument '{name}'")
        return method(*args, **kwargs)
    return with_numpy_names


def reduce_dims(t, dim, keepdim, fn: str):
    """(axes, keepdim) of a reduction over `dim` (an int, a tuple of them, or None for all)."""
    keepdim = bool(keepdim)
    ndim = t._data.ndim
    if dim is None:
        return tuple(range(ndim)), keepdim
    axes = tuple(sorted(dims_of((dim,), ndim, fn, permutation=False)))
    return axes if ndim else (), keepdim


def check_floating(t, message: str, error=RuntimeError):
    """t itself if it holds floats; otherwise PyTorch's complaint (`…` in message is its dtype's name)."""
    if t._data.dtype.kind != "f":
        raise error(message.replace("…", _dtype.scalar_name(_dtype.of_array(t._data))))
    return t


def broadcast_shape(a: tuple, b: tuple) -> tuple:
    """The shape a and b broadcast to, or PyTorch's complaint naming the first mismatch from the right."""
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    for i in reversed(range(n)):
        if a[i] != b[i] and 1 not in (a[i], b[i]):
            raise RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) at "
                               f"non-singleton dimension {i}")
    return tuple(y if x == 1 else x for x, y in zip(a, b))


def size_items(sizes) -> tuple:
    """torch.Size's items as ints (a bool, a numpy integer or an integer 0-d tensor counts as one)."""
    items = tuple(sizes)
    for i, s in enumerate(items):
        if not isinstance(s, (int, np.integer)) and not (hasattr(s, "_data") and s._data.dtype.kind in "iub"):
            raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is '{type(s).__name__}')")
    return tuple(int(s) for s in items)


def index_error(err: IndexError, shape: tuple, index) -> IndexError:
    """numpy's complaint about an index, in PyTorch's words."""
    if not shape and isinstance(index, slice):
        return IndexError("slice() cannot be applied to a 0-dim tensor.")
    if not shape and is_int(index):                     # loss.data[0], from the days before 0-d tensors
        return IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                          "C++ to convert a 0-dim tensor to a number" if index == 0 else
                          f"index {index} is out of bounds for dimension 0 with size 0")
    text, parts = str(err), index if isinstance(index, tuple) else (index,)
    bounds = re.search(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)", text)
    masks = [p for p in parts if isinstance(p, np.ndarray) and p.dtype == np.bool_]
    if bounds:
        text = "index {} is out of bounds for dimension {} with size {}".format(*bounds.groups())
    elif "too many indices" in text:
        text = f"too many indices for tensor of dimension {len(shape)}"
    elif "boolean index did not match" in text and masks:
        at = parts.index(next(p for p in parts if p is masks[0]))
        text = (f"The shape of the mask {list(masks[0].shape)} at index {at} does not match the shape of the "
                f"indexed tensor {list(shape)} at index {at}")
    return IndexError(text)


def check_index_tensor(a: np.ndarray) -> np.ndarray:
    """A tensor used as an index holds integers or booleans."""
    if a.dtype.kind not in "iub":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return a


def check_expand(shape: tuple, sizes: tuple) -> tuple:
    """expand's target with -1 resolved: as many sizes as dims or more, each matching or growing a 1."""
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(sizes)}): the number of sizes "
                           f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({len(shape)})")
    lead, target = len(sizes) - len(shape), []
    for i, n in enumerate(sizes):
        old = shape[i - lead] if i >= lead else None
        if n == -1 and old is None:
            raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                               f"dimension {i}")
        n = old if n == -1 else n
        if old not in (None, 1, n):
            raise RuntimeError(f"The expanded size of the tensor ({n}) must match the existing size ({old}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(shape)}")
        target.append(n)
    return tuple(target)


def check_narrow(start: int, length: int, size: int) -> int:
    """narrow's start (negative counts from the end) with start + length inside the dimension."""
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    start += size if start < 0 else 0
    check_float_op(length >= 0, "narrow(): length must be non-negative.")
    check_float_op(start + length <= size, f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return start


def check_inplace_shape(shape: tuple, other: tuple) -> None:
    """An in-place op's operand broadcasts to the tensor's own shape, never beyond it."""
    full = broadcast_shape(shape, other)
    if full != tuple(shape):
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape {list(full)}")


def check_mask(mask, fn: str) -> np.ndarray:
    """A mask (masked_fill, torch.where's condition) holds booleans."""
    m = np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"{fn} only supports boolean masks, but got mask with dtype "
                           f"{_dtype.c_name(_dtype.as_dtype(m.dtype))}")
    return m


def check_tensor(x, fn: str, arg: str):
    """x itself if it is a Tensor (as PyTorch's argument parser wants for a Tensor argument)."""
    if not hasattr(x, "_data"):
        raise TypeError(f"{fn}(): argument '{arg}' (position 1) must be Tensor, not {_type_name(x)}")
    return x


def clamp_bounds(fn: str, shape: tuple, min, max) -> tuple:
    """The shape clamp's tensor bounds broadcast to with `shape`, after PyTorch's checks: at least one bound,
    all numbers (a 0-d tensor counts as one) or all tensors (its two overloads), and broadcastable."""
    bounds = [b for b in (min, max) if b is not None]
    check_float_op(bool(bounds), "torch.clamp: At least one of 'min' or 'max' must not be None")
    numbers = (bool, int, float, np.bool_, np.integer, np.floating)
    if not all(hasattr(b, "_data") for b in bounds) and \
            not all(isinstance(b, numbers) or hasattr(b, "_data") and not b._data.ndim for b in bounds):
        got = ", ".join(f"{k}={_type_name(b)}" for k, b in (("min", min), ("max", max)) if b is not None)
        raise TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                        " * (Tensor min = None, Tensor max = None)\n * (Number min = None, Number max = None)")
    return functools.reduce(broadcast_shape, [b._data.shape for b in bounds if hasattr(b, "_data")], tuple(shape))


def check_condition(condition) -> np.ndarray:
    """torch.where's (and Tensor.where's) condition as a bool array: a tensor must hold bools, as in PyTorch
    (an array or a list is converted)."""
    data = getattr(condition, "_data", None)
    if data is not None and data.dtype != np.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_dtype.scalar_name(_dtype.as_dtype(data.dtype))}")
    return np.asarray(condition if data is None else data, dtype=bool)


def alpha_and_other(fn: str, other, extra: tuple, alpha) -> tuple:
    """(other, alpha) of add/sub(other, *, alpha=1), or of the deprecated add(Number alpha, Tensor other),
    which PyTorch still runs with a warning; a second positional argument after a tensor is refused."""
    if extra:
        if len(extra) > 1 or alpha is not None or isinstance(other, str) or np.ndim(getattr(other, "_data", other)):
            raise TypeError(f"{fn}() takes 1 positional argument but {1 + len(extra)} were given")
        warnings.warn(f"This overload of {fn} is deprecated:\n\t{fn}(Number alpha, Tensor other)\nConsider using "
                      f"one of the following signatures instead:\n\t{fn}(Tensor other, *, Number alpha = 1)",
                      UserWarning, stacklevel=3)
        other, alpha = extra[0], other
    if hasattr(alpha, "_data") and alpha._data.ndim:
        raise TypeError(f"{fn}(): argument 'alpha' must be Number, not Tensor")
    return other, 1 if alpha is None else alpha


def _type_name(x) -> str:
    """x's type as PyTorch's argument parser names it: 'Tensor', 'int', 'numpy.ndarray'."""
    name = type(x).__qualname__ if type(x).__module__ == "builtins" else f"{type(x).__module__}.{type(x).__qualname__}"
    return "Tensor" if hasattr(x, "_data") else name
