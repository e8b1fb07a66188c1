"""Making tensors: torch.tensor, zeros, ones, full, arange, from_numpy, the *_like forms, random draws
(from the generator torch.manual_seed sets), and joining (cat, stack) with PyTorch's promotion."""
import numpy as np

from .. import join
from . import _dtype
from ._autograd import checked_requires_grad
from ._device import check_device
from ._math import as_operand, cast, result_dtype
from ._out import written_out
from ._random import numpy_rng
from ._tensor import Tensor, wrap
from .checks import check_condition, check_float_op, numpy_names, shape_of
from .join_checks import check_cat, check_stack


def _infer(data, dtype=None) -> np.ndarray:
    """data as an array of `dtype` or else PyTorch's choice: Python floats the default float, ints int64,
    bools bool; numpy arrays and tensors keep theirs."""
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
        data = [as_operand(x) for x in data]
    a = np.asarray(as_operand(data))
    plain = not isinstance(data, (np.ndarray, np.generic)) and not hasattr(data, "_data")
    if dtype is not None:
        a = a.astype(_dtype.as_dtype(dtype).dtype, copy=False)
    elif a.dtype.kind == "f" and plain:
        a = a.astype(_dtype.get_default_dtype().dtype)
    elif a.dtype.kind in "iu" and plain:
        a = a.astype(np.int64)
    check_float_op(a.dtype in _dtype._BY_NUMPY, f"tensor(): can't convert data of type {a.dtype} to a tensor")
    return a


def _dtype_or_default(dtype) -> _dtype.dtype:
    """The dtype asked for, or the default float dtype when none is."""
    return _dtype.as_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()


def _of_dtype(x, d: _dtype.dtype) -> Tensor:
    """x as a Tensor of dtype d: a Tensor cast (differentiably), anything else a new constant."""
    return cast(x, d) if isinstance(x, Tensor) else wrap(np.asarray(as_operand(x), dtype=d.dtype))


def _made(array: np.ndarray, dtype, device, requires_grad: bool) -> Tensor:
    """The common tail of every factory: dtype, device check and requires_grad."""
    check_device(device)
    if dtype is not None:
        array = array.astype(_dtype.as_dtype(dtype).dtype, copy=False)
    t = wrap(array)
    t.requires_grad = checked_requires_grad(t, requires_grad, "Only Tensors of floating point and complex dtype "
                                                              "can require gradients")
    return t


def tensor(data, dtype=None, device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A new leaf tensor holding a copy of data (a number, nested lists, an array or a tensor)."""
    return _made(np.array(_infer(data, dtype)), None, device, requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """data as a tensor, sharing memory with a numpy array or tensor when the dtype allows."""
    if isinstance(data, Tensor) and (dtype is None or _dtype.as_dtype(dtype) is data.dtype):
        return data
    return _made(_infer(data, dtype), None, device, False)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing the numpy array's memory and dtype."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return _made(array, None, None, False)


def _filled(size, value, dtype, fn: str, device, requires_grad) -> Tensor:
    d = _dtype.as_dtype(dtype) if dtype is not None else result_dtype(value) if isinstance(value, (bool, int, float)) \
        else _dtype.get_default_dtype()
    return _made(np.full(shape_of(size, fn), value, dtype=d.dtype), None, device, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    """A tensor of zeros (the default float dtype unless told; out's with out=)."""
    made = _filled(size, 0.0 if dtype is None else 0, dtype, "zeros", device, requires_grad)
    return written_out(out, made, "zeros", dtype)


def ones(*size, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    """A tensor of ones (the default float dtype unless told; out's with out=)."""
    made = _filled(size, 1.0 if dtype is None else 1, dtype, "ones", device, requires_grad)
    return written_out(out, made, "ones", dtype)


empty = zeros


def full(size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with fill_value (its dtype follows the value, as in PyTorch)."""
    return _filled((size,) if isinstance(size, (int, np.integer)) else tuple(size), fill_value, dtype, "full",
                   device, requires_grad)


def zeros_like(input, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Zeros of input's shape and dtype."""
    return full(input.shape, 0, dtype or input.dtype, device, requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Ones of input's shape and dtype."""
    return full(input.shape, 1, dtype or input.dtype, device, requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """fill_value in input's shape and dtype."""
    return full(input.shape, fill_value, dtype or input.dtype, device, requires_grad)


empty_like = zeros_like


def arange(start, end=None, step=1, *, out=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """start, start + step, ... below end (int64 when all are integers, else the default float; out's dtype
    with out=)."""
    start, end = (0, start) if end is None else (start, end)
    check_float_op(step != 0, "arange(): step must be nonzero")
    d = dtype if dtype is not None else result_dtype(start, end, step)
    made = _made(np.arange(start, end, step, dtype=_dtype.as_dtype(d).dtype), None, device, requires_grad)
    return written_out(out, made, "arange", dtype)


def linspace(start, end, steps: int, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """`steps` evenly spaced numbers from start to end."""
    d = _dtype_or_default(dtype)
    return _made(np.linspace(start, end, int(steps), dtype=d.dtype), None, device, requires_grad)


def eye(n: int, m=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """The identity matrix (n x m)."""
    d = _dtype_or_default(dtype)
    return _made(np.eye(n, m, dtype=d.dtype), None, device, requires_grad)


def _float(dtype) -> np.dtype:
    d = _dtype_or_default(dtype)
    check_float_op(d.is_floating_point, f"random draws need a floating dtype, got {d}")
    return d.dtype


def randn(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Draws from N(0, 1)."""
    draws = numpy_rng(generator, "randn").standard_normal(shape_of(size, "randn"))
    return _made(draws.astype(_float(dtype)), None, device, requires_grad)


def rand(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Draws from U(0, 1)."""
    draws = numpy_rng(generator, "rand").random(shape_of(size, "rand"))
    return _made(draws.astype(_float(dtype)), None, device, requires_grad)


def randn_like(input, dtype=None, requires_grad: bool = False) -> Tensor:
    """Draws from N(0, 1) in input's shape and dtype."""
    return randn(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def rand_like(input, dtype=None, requires_grad: bool = False) -> Tensor:
    """Draws from U(0, 1) in input's shape and dtype."""
    return rand(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randint(*args, size=None, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Integers drawn uniformly from [low, high): randint(high, size) or randint(low, high, size)."""
    if size is None:
        *bounds, size = args
    else:
        bounds = list(args)
    low, high = (0, bounds[0]) if len(bounds) == 1 else bounds
    draws = numpy_rng(generator, "randint").integers(low, high, shape_of((size,), "randint"))
    return _made(draws.astype(np.int64), dtype, device, requires_grad)


def randperm(n: int, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A random permutation of 0..n-1 (int64)."""
    return _made(numpy_rng(generator, "randperm").permutation(int(n)).astype(np.int64), dtype, device, requires_grad)


def multinomial(input, num_samples: int, replacement: bool = False, generator=None) -> Tensor:
    """Indices drawn with probability proportional to input's (non-negative) weights, per row."""
    p = np.asarray(as_operand(input), dtype=np.float64)
    rows = p.reshape(-1, p.shape[-1])
    check_float_op(np.all(rows >= 0) and np.all(rows.sum(axis=1) > 0),
                   "multinomial(): invalid probability distribution (sum of probabilities <= 0 or a negative entry)")
    rng = numpy_rng(generator, "multinomial")
    picks = [rng.choice(len(r), int(num_samples), replace=replacement, p=r / r.sum()) for r in rows]
    return wrap(np.array(picks, dtype=np.int64).reshape(p.shape[:-1] + (int(num_samples),)))


def normal(mean, std, size=None, generator=None) -> Tensor:
    """Draws from N(mean, std^2): numbers with a size, or tensors of means / standard deviations."""
    m, s = as_operand(mean), as_operand(std)
    shape = shape_of((size,), "normal") if size is not None else np.broadcast(m, s).shape
    d = _dtype.get_default_dtype().dtype if m.dtype.kind != "f" else m.dtype
    return wrap((m + s * numpy_rng(generator, "normal").standard_normal(shape)).astype(d))


def _joined(tensors, dim, fn, join_fn) -> Tensor:
    """cat/stack: the inputs promoted to one dtype, then joined (differentiably when any needs it)."""
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors") if fn == "cat" else \
            RuntimeError("stack expects a non-empty TensorList")
    d = result_dtype(*tensors)
    parts = [_of_dtype(t, d) for t in tensors]
    kept, dim = check_cat(parts, dim) if fn == "cat" else (parts, check_stack(parts, dim))
    if not any(p.requires_grad for p in parts):       # no graph: numpy's join (the checks above hold for it)
        numpy_join = np.concatenate if fn == "cat" else np.stack
        return wrap(numpy_join([p._data for p in kept], axis=dim))
    return join_fn(parts, dim)              # cat: the (0,) tensors it skips stay in the graph, as in PyTorch


@numpy_names
def cat(tensors, dim: int = 0, out=None) -> Tensor:
    """Join along an existing dimension (into `out`, when given)."""
    return written_out(out, _joined(tensors, dim, "cat", join.concatenate_checked), "cat", join=True)


concat = concatenate = cat


@numpy_names
def stack(tensors, dim: int = 0, out=None) -> Tensor:
    """Join same-shape tensors along a new dimension (into `out`, when given)."""
    return written_out(out, _joined(tensors, dim, "stack", join.stack), "stack", join=True)


def where(condition, input=None, other=None) -> Tensor:
    """input where condition holds, other elsewhere (with one argument: the indices of the nonzeros)."""
    if input is None and other is None:
        return tuple(wrap(i.astype(np.int64)) for i in np.nonzero(as_operand(condition)))
    cond = check_condition(condition)
    d = result_dtype(input, other)
    a, b = _of_dtype(input, d), _of_dtype(other, d)
    return join.where(cond, a, b) if a.requires_grad or b.requires_grad else wrap(np.where(cond, a._data, b._data))

