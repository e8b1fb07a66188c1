"""The checks of single ops (powers, logarithms, permutations, indices, products, joins, conversions):
each op in tensor.py, scalar.py, shape_ops.py, matmul.py and join.py opens with one call to its
checker here and then reads as maths. Like checks.py, this module imports nothing from the package.
"""
from numbers import Real

import numpy as np

from .checks import as_array, as_float_array, check_flag, is_int, is_node, is_number, normalize_axes

_BASIC = frozenset((int, slice, type(Ellipsis), type(None)))    # index parts that select a view


def exponent(k, kind: str = "Tensor"):
    """The number k of `x ** k` (a numpy scalar becomes the Python number, so float32 stays float32)."""
    if not is_number(k):
        raise TypeError(f"{kind} ** k needs a number exponent k, got {type(k).__name__}")
    return k.item() if isinstance(k, np.generic) else k


def power_exponent(a: np.ndarray, k):
    """Tensor ** k's exponent, checked: a number, and an integer when some entry of `a` is negative (a
    negative base to a fractional power is not real); returned as a Python number."""
    k = exponent(k)
    if not float(k).is_integer() and (a < 0).any():
        raise ValueError(f"Tensor ** k: negative entries to the non-integer power {k} are not real numbers "
                         f"(min entry {a.min()})")
    return k


def check_positive_base(base, kind: str = "Tensor") -> None:
    """number ** x is composed as exp(x ln base), so the base must be a positive number."""
    if not is_number(base) or not base > 0:
        raise ValueError(f"number ** {kind} needs a positive number base, got {base!r}")


def check_log_domain(a: np.ndarray) -> None:
    """The logarithm of an array needs a >= 0 (ln 0 = -inf is allowed)."""
    if (a < 0).any():
        raise ValueError("Tensor.log() of negative entries: the logarithm is defined for a >= 0")


def check_permutation(axes: tuple, ndim: int, shape: tuple) -> None:
    """transpose's axes must name each of the ndim axes exactly once (negatives count from the end)."""
    for a in axes:
        if not is_int(a):
            raise TypeError(f"transpose: axes must be ints, got {type(a).__name__} {a!r} in {axes}")
    in_range = all(-ndim <= a < ndim for a in axes)
    if not (len(axes) == ndim and in_range and sorted(int(a) % ndim for a in axes) == list(range(ndim))):
        raise ValueError(f"transpose: axes {axes} are not a permutation of the {ndim} axes of {shape}")


def float_dtype(dtype, expected: str) -> np.dtype:
    """np.dtype(dtype), which must be float32 or float64."""
    try:
        dt = np.dtype(dtype) if dtype is not None else None      # (np.dtype(None) would be float64)
    except TypeError:
        raise TypeError(f"{expected}, got {dtype!r}") from None
    if dt not in (np.float32, np.float64):
        raise TypeError(f"{expected}, got {dt}")
    return dt


def plain_index(index):
    """An index with Tensors replaced by their (whole-number) data as integers, lists as arrays; float
    arrays are refused."""
    parts = index if isinstance(index, tuple) else (index,)
    plain = []
    for part in parts:
        if is_node(part):
            part = np.asarray(part._data)
            if not np.all(np.isfinite(part) & (part == np.round(part))):
                raise IndexError("Tensor index: a Tensor used as an index must hold whole numbers")
            part = part.astype(np.intp)
        if isinstance(part, list):
            part = as_array(part, "Tensor index") if part else np.zeros(0, np.intp)     # x[[]]: nothing
        if isinstance(part, np.ndarray) and part.dtype.kind == "f":
            raise IndexError(f"Tensor index: arrays used as indices must be integer or bool, got {part.dtype}")
        plain.append(part)
    return tuple(plain) if isinstance(index, tuple) else plain[0]


def check_matmul(a: np.ndarray, b: np.ndarray) -> None:
    """a @ b needs operands of at least one axis whose inner sizes agree."""
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: operands must be at least 1-D, got shapes {a.shape} and {b.shape}")
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not align: inner sizes "
                         f"{a.shape[-1]} != {b.shape[-2 if b.ndim > 1 else 0]}")


def check_linear(parents: tuple) -> None:
    """linear(x, weight, bias): Tensors x (..., in), weight (out, in) and bias None or broadcasting to (..., out)."""
    for arg, value in zip(("x", "weight", "bias"), parents):
        if not (is_node(value) and isinstance(value._data, np.ndarray)):
            raise TypeError(f"linear: {arg} must be a Tensor, got {type(value).__name__}")
    a, w = parents[0]._data, parents[1]._data
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got shape {w.shape}")
    n_out, n_in = w.shape
    if a.ndim == 0 or a.shape[-1] != n_in:
        raise ValueError(f"linear: x must have shape (..., {n_in}) to match weight {w.shape} "
                         f"(out_features, in_features), got {a.shape}")
    if len(parents) == 2:
        return
    out, bias = a.shape[:-1] + (n_out,), parents[2]._data.shape
    if bias not in (out, (n_out,)) and not broadcasts_to(bias, out):      # fast path: the two common shapes
        raise ValueError(f"linear: bias must have shape {(n_out,)} (out_features,) or another shape that "
                         f"broadcasts to the output's {out}, got {bias}")


def broadcasts_to(shape: tuple, target: tuple) -> bool:
    """Whether numpy broadcasts an array of `shape` to `target` without growing `target`."""
    return len(shape) <= len(target) and all(n in (1, m) for n, m in zip(shape[::-1], target[::-1]))


def check_joinable(tensors: list, axis, op: str) -> int:
    """concatenate/stack inputs: an int axis, equal shapes outside the joined axis (stack: equal
    shapes); returns the joined axis as a non-negative int."""
    if not is_int(axis):
        raise TypeError(f"{op}(axis=...) expects an int, got {type(axis).__name__} {axis!r}")
    first = tensors[0]._data.shape
    if op == "stack":
        for i, t in enumerate(tensors):
            if t._data.shape != first:
                raise ValueError(f"stack: Tensor {i} has shape {t._data.shape}, but Tensor 0 has {first}")
        return normalize_axes(axis, len(first) + 1, "stack")[0]
    if not first:
        raise ValueError("concatenate: 0-d Tensors cannot be concatenated; use stack")
    axis = normalize_axes(axis, len(first), "concatenate")[0]
    for i, t in enumerate(tensors):
        others = t._data.shape[:axis] + t._data.shape[axis + 1:]                 # every axis but the joined one
        if t._data.ndim != len(first) or others != first[:axis] + first[axis + 1:]:
            raise ValueError(f"concatenate(axis={axis}): Tensor {i} has shape {t._data.shape}, which does not "
                             f"match Tensor 0's shape {first} outside the joined axis")
    return axis


def check_sequence(tensors, op: str) -> None:
    """concatenate/stack take a non-empty list or tuple of Tensors or arrays; a node of another kind (a
    Value) would silently become a constant, cut from its graph."""
    if is_node(tensors) or not isinstance(tensors, (list, tuple)) or not tensors:
        raise TypeError(f"{op} expects a non-empty list or tuple of Tensors, got {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if is_node(t) and not isinstance(t._data, (np.ndarray, np.generic)):
            raise TypeError(f"{op}: element {i} is a {type(t).__name__}; Values and Tensors are separate graphs")


def condition(cond) -> np.ndarray:
    """where's cond as a boolean array."""
    cond = as_array(cond._data if is_node(cond) else cond, "where(cond)")
    if cond.dtype != bool:
        raise TypeError(f"where(cond, a, b) expects a boolean cond, got dtype {cond.dtype}")
    return cond


def tensor_data(data, requires_grad) -> np.ndarray:
    """Tensor(data)'s array: float32/float64 kept, integers become float64; booleans are refused, since a
    float Tensor of 0s and 1s used as an index would select by position, never as a mask. A numpy array
    is copied (as torch.tensor does), so changing it later cannot change what a graph recorded.
    requires_grad must be True or False."""
    check_flag(requires_grad, "Tensor(requires_grad=...)")
    arr = as_array(data, "Tensor(data)")
    if arr.dtype.kind == "b":
        raise TypeError("Tensor(data) expects numbers, got booleans: to select with a mask, index with the "
                        "boolean numpy array itself (x[mask]); for 0/1 numbers, cast it first (mask.astype(float))")
    out = as_float_array(arr)
    return out.copy() if np.may_share_memory(out, arr) and arr is data else out    # the user's array: a copy


def check_rows(ndim: int, what: str) -> None:
    """len() and iteration need a first axis: a 0-d Tensor has no rows."""
    if ndim == 0:
        raise TypeError(f"{what} a 0-d Tensor")


def check_item(size: int, shape: tuple, what: str) -> None:
    """item(), float(), int() and bool() need a Tensor with exactly one element."""
    if size != 1:
        raise ValueError(f"{what} needs a 1-element Tensor, got shape {shape}")


def is_basic_index(index) -> bool:
    """Whether `index` uses only ints, slices, Ellipsis and None (a view of the data, no repeats)."""
    return _BASIC.issuperset(map(type, index if type(index) is tuple else (index,)))


def tensor_seed(grad, data: np.ndarray) -> np.ndarray:
    """A user-given backward(grad) for a Tensor: an array of the Tensor's shape, in its dtype."""
    g = as_float_array(grad, "backward(grad)")
    if g.shape != data.shape:
        raise ValueError(f"backward(grad) expects shape {data.shape} (the Tensor's), got {g.shape}")
    return np.array(g, dtype=data.dtype)            # a copy: the user's array may change later


def check_scalar_root(data: np.ndarray) -> None:
    """backward() without grad= is seeded with 1, which needs a 1-element root."""
    if data.size != 1:
        raise RuntimeError(
            f"backward() without grad= needs a scalar (1-element) Tensor; this one has shape "
            f"{data.shape}: pass grad= an array of that shape, or reduce it first (e.g. .sum())")


def check_tensor_operand(other) -> None:
    """A Tensor op's other operand may be a number or an array, not a node of another kind."""
    if is_node(other):
        raise TypeError(f"cannot combine a Tensor with a {type(other).__name__}")


def value_number(data, requires_grad) -> float:
    """Value(data)'s number: a real number, or the number of a Value, as a float; requires_grad a bool."""
    check_flag(requires_grad, "Value(requires_grad=...)")
    data = data._data if is_node(data) else data
    if not isinstance(data, Real) or isinstance(data, bool):
        raise TypeError(f"Value(data) expects a real number, got {type(data).__name__}")
    return float(data)


def value_operand(other) -> float:
    """A Value op's other operand: a real number (Values are handled before this check)."""
    if not isinstance(other, Real) or isinstance(other, bool):
        raise TypeError(f"Value op expects a Value or a real number, got {type(other).__name__}")
    return other


def value_exponent(a: float, k):
    """Value ** k's exponent, checked: a number for which a ** k is a real number (no negative base to a
    fractional power, no 0 to a negative one); returned as a Python number."""
    k = exponent(k, "Value")
    if a < 0 and not float(k).is_integer():
        raise ValueError(f"Value ** k: a negative base {a} to the non-integer power {k} is not a real number")
    if a == 0 and k < 0:
        raise ZeroDivisionError(f"Value ** k: 0 to the negative power {k} divides by zero "
                                "(a / b is computed as a * b ** -1, so this is also Value / 0)")
    return k


def check_value_log(a: float) -> None:
    """The logarithm needs a >= 0 (ln 0 = -inf is allowed; nan passes through)."""
    if a < 0:
        raise ValueError(f"Value.log() of a negative number {a}")


def value_seed(grad) -> float:
    """A user-given backward(grad) for a Value: a real number."""
    if not isinstance(grad, Real) or isinstance(grad, bool):
        raise TypeError(f"Value.backward(grad) expects a real number, got {type(grad).__name__}")
    return float(grad)
