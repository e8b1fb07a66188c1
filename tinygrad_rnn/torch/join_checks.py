"""torch.cat's and torch.stack's checks, with PyTorch's rules and messages (kept out of the joins).

One rule is PyTorch's legacy, and programs rely on it: a 1-D tensor with no elements, `torch.tensor([])`,
joins with anything under cat (it is skipped), so `out = torch.cat([out, x])` can start from it.
"""
from .checks import check_dim


def _skipped(t) -> bool:
    """A tensor of shape (0,): torch.cat leaves it out, whatever the others' shapes."""
    return t._data.shape == (0,)


def check_cat(tensors: list, dim) -> tuple:
    """(the tensors cat joins, dim as a non-negative int): no 0-d tensor, one number of dimensions, and
    equal sizes outside `dim` (the shape-(0,) tensors skipped)."""
    for i, t in enumerate(tensors):
        if not t._data.ndim:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    kept = [(i, t) for i, t in enumerate(tensors) if not _skipped(t)] or [(0, tensors[0])]
    first = kept[0][1]._data.shape
    axis = check_dim(dim, len(first), "cat")
    for i, t in kept:
        shape = t._data.shape
        if len(shape) != len(first):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(first)} and {len(shape)}")
        for k, (n, m) in enumerate(zip(first, shape)):
            if k != axis and n != m:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {axis}. Expected size {n} but "
                                   f"got size {m} for tensor number {i} in the list.")
    return [t for _, t in kept], axis


def check_stack(tensors: list, dim) -> int:
    """stack's dim as a non-negative int (a new dimension: up to the tensors' ndim), all shapes equal."""
    first = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != first:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 and "
                               f"{list(t._data.shape)} at entry {i}")
    return check_dim(dim, len(first) + 1, "stack")
