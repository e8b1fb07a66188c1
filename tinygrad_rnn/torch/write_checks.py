"""The checks of index_add and index_add_ (torch/_writes.py makes the op), in PyTorch's words."""
import numpy as np

from . import _dtype
from ._math import as_operand


def check_index_vector(index, source, dim: int, fn: str) -> np.ndarray:
    """index_add's index: a vector of int32/int64 as long as source's dim `dim`, each entry within
    the tensor's (the caller's numpy take or add.at raises IndexError otherwise); returned as an array."""
    a = np.asarray(as_operand(index))
    if a.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{fn}_(): Expected dtype int32/int64 for index but got: "
                           f"{_dtype.scalar_name(_dtype.of_array(a))}")
    if a.ndim > 1:
        raise IndexError(f"{fn}_(): Index is supposed to be a vector, but got dim: {a.ndim} with type: "
                         f"{_dtype.scalar_name(_dtype.of_array(a))} and size: {list(a.shape)}")
    n = np.shape(as_operand(source))[dim] if np.ndim(as_operand(source)) else 1
    if a.size != n:
        raise RuntimeError(f"{fn}_(): Number of indices ({a.size}) should be equal to source.size(dim): ({n}), "
                           f"for dim: {dim}")
    return a.reshape(-1)
