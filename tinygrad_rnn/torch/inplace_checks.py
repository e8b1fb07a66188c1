"""The checks of an in-place write on the dialect's tensors (`add_`, `t[i] = v`, `unsqueeze_`, ...): the result
type fits, the memory is the tensor's own, and no recorded graph changes (_rebind.py records the writes it can)."""
from ..modes import _local
from . import _dtype
from ._autograd import _VIEWS


def _view_of_leaf(t) -> bool:
    """Whether t shares memory with a leaf that requires grad, through view ops (indexing, view, t(), ...)."""
    while t.parents and t.op in _VIEWS:
        t = t.parents[0]
    return not t.parents and t.requires_grad


def check_result_type(t, result) -> None:
    """What an in-place op computes (of dtype `result`) fits t's dtype: no float written into an integer tensor."""
    if _dtype.category(result) > _dtype.category(_dtype.of_array(t._data)):
        raise RuntimeError(f"result type {_dtype.scalar_name(result)} can't be cast to the desired output type "
                           f"{_dtype.scalar_name(_dtype.of_array(t._data))}")


def check_inplace(t, fn: str, value=None, result=None) -> None:
    """An in-place write: its result type fits t's dtype, t's memory is its own, and no recorded graph is
    changed (PyTorch's rule for leaves; a write into a non-leaf that _rebind.py does not record is refused)."""
    if result is not None:
        check_result_type(t, result)
    if not t._data.flags.writeable:
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.")
    if not _local.mode.grad_enabled or not (t.requires_grad or getattr(value, "requires_grad", False)):
        return
    if t.requires_grad and not t.parents and fn != "__setitem__":
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    if t.requires_grad and _view_of_leaf(t):
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    what = ("a view of a tensor of a recorded graph (PyTorch's write would change its base too)" if t.op in _VIEWS
            else f"a tensor of a recorded graph ({fn} is not recorded here)")
    raise RuntimeError(f"{fn}: an in-place write into {what} is refused, as tinygrad_rnn has no version counters; "
                       "write it out of place, e.g. x = x + y, or collect the pieces and use torch.stack / torch.cat")
