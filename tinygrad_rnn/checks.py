"""Argument checks shared by every layer, kept out of the maths: each public function opens with at
most one call to a checker (here, or in op_checks.py for the checks of one op), and then reads as its
equations. A checker raises the library's own clear error (naming the argument, what was expected
and what was given; docs/errors.md lists them all) and changes nothing. This module imports nothing
from the package, so every layer may use it.
"""
from numbers import Real

import numpy as np

def is_int(x) -> bool:
    """A Python or numpy integer, not a bool."""
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def is_number(x) -> bool:
    """A real Python or numpy number, not a bool."""
    return isinstance(x, (Real, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def check_flag(value, what: str) -> None:
    """`value` must be True or False."""
    if not isinstance(value, bool):
        raise TypeError(f"{what} expects True or False, got {value!r}")


def check_backward_call(root, keep_grads) -> None:
    """backward() needs a root that requires grad and a bool keep_grads."""
    check_flag(keep_grads, "backward(keep_grads=...)")
    if not root.requires_grad:
        raise RuntimeError(
            f"backward() called on a {type(root).__name__} that does not require grad: none of the "
            "inputs it was computed from has requires_grad=True, or it was made under no_grad()")


def check_rewired(node, parent) -> None:
    """A node's parent was made before it, unless the parent was rebound later (an in-place write in the PyTorch
    dialect made the tensor a newer node): then the node's gradient would reach the write, not what it used."""
    raise RuntimeError(
        f"one of the variables needed for gradient computation has been modified by an inplace operation: the "
        f"input of a {node.op!r} node was written in place (as {parent.op!r}) after that op used it; write it "
        "out of place (x = x + y, or torch.stack/torch.cat of the pieces), or before its first use")


def check_scope_name(name) -> None:
    """A scope's name is a str."""
    if not isinstance(name, str):
        raise TypeError(f"scope(name) expects a str, got {type(name).__name__}")


def check_hook(node, hook) -> None:
    """A hook is a callable, and goes on a node that gets a gradient."""
    if not callable(hook):
        raise TypeError(f"register_hook(hook) expects a callable, got {type(hook).__name__}")
    if not node.requires_grad:
        raise RuntimeError(f"cannot register a hook on a {type(node).__name__.lower()} that doesn't require gradient "
                           "(requires_grad=False)")


def check_hook_result(hook, out, g):
    """What a hook returned, as the gradient it replaces: a number for a number, else an array of g's shape
    and dtype."""
    name = getattr(hook, "__name__", repr(hook))
    if not isinstance(g, (np.ndarray, np.generic)):            # a Value's gradient: a float
        if not is_number(out):
            raise TypeError(f"hook '{name}' must return a number or None, got {type(out).__name__}")
        return float(out)
    if isinstance(out, (float, int)) and not isinstance(out, bool):
        out = np.asarray(out, dtype=g.dtype)          # a 0-d gradient's hook may give a plain number
    if not isinstance(out, (np.ndarray, np.generic)):
        raise TypeError(f"hook '{name}' must return a numpy array or None, got {type(out).__name__}")
    out = np.asarray(out)
    if out.shape != g.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value (was {g.shape}, got {out.shape})")
    if out.dtype != g.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {g.dtype} got {out.dtype})")
    return out


def as_array(data, what: str) -> np.ndarray:
    """np.asarray(data), with numpy's complaint about ragged nested lists turned into one naming `what`."""
    try:
        return np.asarray(data)
    except ValueError as err:
        raise ValueError(f"{what}: the nested lists have rows of different lengths, so they do not form an "
                         f"array ({err})") from None


def as_float_array(data, what: str = "Tensor(data)", integers=np.float64) -> np.ndarray:
    """numpy array of a float dtype: float32/float64 kept, ints and bools cast to `integers`, others float64."""
    arr = as_array(data._data if is_node(data) else data, what)
    if arr.dtype == np.float64 or arr.dtype == np.float32:
        return arr
    if arr.dtype.kind in "biuf":
        return arr.astype(np.float64 if arr.dtype.kind == "f" else integers)
    raise TypeError(f"{what} expects real numbers (a number, list or numpy array), got dtype {arr.dtype}")


def is_node(x) -> bool:
    """A graph node of any kind (duck-typed: this module imports nothing from the package)."""
    return hasattr(x, "backward_fn") and hasattr(x, "parents")


def normalize_axes(axis, ndim: int, op: str) -> tuple:
    """`axis` (None, int or tuple of ints, negatives allowed) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for ax in axes:
        if not is_int(ax):
            raise TypeError(f"{op}(axis=...) expects ints, got {type(ax).__name__}")
        if not -ndim <= ax < ndim:
            raise ValueError(f"{op}(axis={axis}) is out of range for a Tensor with {ndim} dimensions")
        out.append(int(ax) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}(axis={axis}) repeats an axis")
    return tuple(sorted(out))


def reduction_axes(x: np.ndarray, axis, keepdims, op: str) -> tuple:
    """A reduction's axes as normalize_axes gives them, after checking keepdims (and, for max, that no
    reduced axis is empty)."""
    check_flag(keepdims, f"{op}(keepdims=...)")
    axes = normalize_axes(axis, x.ndim, op)
    if op == "max" and any(x.shape[i] == 0 for i in axes):
        raise ValueError(f"max(axis={axis}) reduces over an empty axis of shape {x.shape}")
    return axes
