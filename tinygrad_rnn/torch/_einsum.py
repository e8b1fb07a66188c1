"""torch.einsum: a sum of products over named subscripts ("ij,jk->ik" is a matrix product), with '...',
implicit outputs, diagonals ("ii->i") and broadcasting of size-1 dimensions.

Forward is numpy's einsum. Backward, for each operand: the output's gradient contracted with the other
operands onto this operand's subscripts, one more einsum. A subscript that only this operand has is summed
away in the forward, so its gradient is broadcast back along it; a repeated subscript (a diagonal) takes
its gradient on the diagonal only, zero elsewhere.
"""
import numpy as np

from ._autograd import named
from ._math import leaf_like
from ._tensor import as_tensor_node
from .einsum_checks import check_einsum


def einsum(equation: str, *operands):
    """torch.einsum(equation, *operands) (or the operands as one list): see the module docstring."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    terms, out, sizes = check_einsum(equation, operands)
    operands = [_broadcast(x, term, sizes) for x, term in zip(operands, terms)]
    arrays = [x._data for x in operands]
    spec = ",".join(terms) + "->" + out
    value = np.asarray(np.einsum(spec, *arrays, optimize=len(arrays) > 2))
    if value.dtype.kind != "f":
        return leaf_like(operands[0], value)
    needs = tuple(x.requires_grad for x in operands)
    node = operands[0]._child(value, tuple(operands), _backward, "einsum", (tuple(terms), out, tuple(arrays), needs))
    return named(as_tensor_node(node), "einsum")


def _broadcast(x, term: str, sizes: dict):
    """x expanded along its size-1 dimensions whose subscript is larger elsewhere (the gradient sums back)."""
    shape = tuple(sizes[c] for c in term)
    return x if shape == x._data.shape else x.expand(shape)


def _backward(terms: tuple, out: str, arrays: tuple, needs: tuple, g) -> tuple:
    """Each operand's gradient, for those that need one."""
    return tuple(_operand_grad(k, terms, out, arrays, g) if need else None for k, need in enumerate(needs))


def _operand_grad(k: int, terms: tuple, out: str, arrays: tuple, g) -> np.ndarray:
    """d operand k: einsum of g with the other operands onto operand k's subscripts."""
    term, a = terms[k], arrays[k]
    others = [t for i, t in enumerate(terms) if i != k]
    unique = "".join(dict.fromkeys(term))                       # the subscripts, each once, in order
    seen = set(out).union(*others)
    kept = "".join(c for c in unique if c in seen)
    size = dict(zip(term, a.shape))
    spec = ",".join([out] + others) + "->" + kept
    part = np.einsum(spec, g, *[x for i, x in enumerate(arrays) if i != k], optimize=len(arrays) > 2)
    part = np.broadcast_to(np.reshape(part, [size[c] if c in kept else 1 for c in unique]),
                           [size[c] for c in unique])          # summed-away subscripts: broadcast back
    if unique == term:
        return part.astype(a.dtype, copy=False)
    grad = np.zeros_like(a)
    np.einsum(term + "->" + unique, grad)[...] = part           # (a writable view of the diagonal)
    return grad
