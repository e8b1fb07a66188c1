"""The `out=` argument of the factories and joins (torch.zeros(..., out=t), torch.arange(..., out=t),
torch.cat(..., out=t)): the result is written into `out`, which takes the result's shape and keeps its own
dtype, and `out` itself is returned, as in PyTorch. Such a write is not recorded (PyTorch refuses out= where
a gradient is involved, and so does the dialect)."""
from ..modes import _local
from . import _dtype


def written_out(out, result, fn: str, dtype=None, join: bool = False):
    """`result` written into `out` (resized, cast to out's dtype) and out returned; result itself without out.
    `fn` is the name PyTorch's messages give the function; `dtype`, the dtype a factory was asked for, if any;
    `join`, whether fn joins tensors (cat, stack) rather than makes one."""
    if out is None:
        return result
    check_out(out, result, fn, dtype, join)
    out._data = result._data.astype(out._data.dtype)
    return out


def check_out(out, result, fn: str, dtype, join: bool) -> None:
    """out= takes a tensor that no gradient is involved with, whose dtype holds the result's (PyTorch's checks
    and messages: a factory's dtype= must be out's; a join's inputs must be castable to it)."""
    if not hasattr(out, "_data"):
        raise TypeError(f"{fn}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if _local.mode.grad_enabled and (out.requires_grad or result.requires_grad):
        raise RuntimeError(f"{'' if join else 'aten::'}{fn}(): functions with out=... arguments don't support "
                           "automatic differentiation, but one of the arguments requires grad.")
    kind = _dtype.of_array(out._data)
    if dtype is not None and _dtype.as_dtype(dtype) is not kind:
        raise RuntimeError(f"dtype {_dtype.scalar_name(_dtype.as_dtype(dtype))} does not match dtype of out "
                           f"parameter ({_dtype.scalar_name(kind)})")
    if join and _dtype.category(_dtype.of_array(result._data)) > _dtype.category(kind):
        raise TypeError(f"torch.{fn}(): input types can't be cast to the desired output type "
                        f"{_dtype.scalar_name(kind)}")
