"""The checks of matrix products (torch.matmul and @, and torch.mm, bmm, mv, dot), in PyTorch's words.

matmul dispatches by the operands' dims, and each case speaks with the words of the kernel it reaches: two
vectors are a dot, a matrix (or a stack folded into one) times a vector an mv, anything times a matrix an
mm after folding the leading dims into rows, anything times a stack a batched mm over the broadcast
leading dims. Sizes are checked first, then the dtypes (except for dot). mm, bmm, mv and dot take
exactly the dims they multiply and do not broadcast.
"""
import numpy as np

from . import _dtype
from .checks import broadcast_shape, check_float_op

# The dims of (self, other) that mm, bmm, mv and dot multiply, and PyTorch's words when they differ.
_PRODUCTS = {"mm": ((2, 2), lambda m, n: "self must be a matrix" if m != 2 else "mat2 must be a matrix"),
             "bmm": ((3, 3), lambda m, n: f"batch{1 if m != 3 else 2} must be a 3D tensor"),
             "mv": ((2, 1), lambda m, n: f"vector + matrix @ vector expected, got 1, {m}, {n}"),
             "dot": ((1, 1), lambda m, n: f"1D tensors expected, but got {m}D and {n}D tensors")}


def check_matmul(a: np.ndarray, b: np.ndarray) -> None:
    """a @ b: at least 1-D each, sizes that agree, one dtype on both sides."""
    check_float_op(a.ndim and b.ndim, f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D "
                                      f"and {b.ndim}D")
    da, db, k, rows = _dtype.of_array(a), _dtype.of_array(b), a.shape[-1], int(np.prod(a.shape[:-1]))
    if a.ndim == b.ndim == 1:                                                      # dot
        check_float_op(da is db, f"dot : expected both vectors to have same dtype, but found "
                                 f"{_dtype.scalar_name(da)} and {_dtype.scalar_name(db)}")
        check_float_op(k == b.size, f"inconsistent tensor size, expected tensor [{k}] and src [{b.size}] to have "
                                    f"the same number of elements, but got {k} and {b.size} elements respectively")
    elif b.ndim == 1:                                                              # mv
        check_float_op(k == b.size, f"size mismatch, got input ({rows}), mat ({rows}x{k}), vec ({b.size})")
        names = [_dtype.scalar_name(d) for d in (db, da, db)]
        check_float_op(da is db, "addmv input tensors must have the same dtype, but got {}, {}, and {}".format(*names))
    elif b.ndim == 2:                                                              # mm
        check_float_op(k == b.shape[0], f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and "
                                        f"{b.shape[0]}x{b.shape[1]})")
        check_float_op(da is db, f"expected m1 and m2 to have the same dtype, but got: {_dtype.c_name(da)} != "
                                 f"{_dtype.c_name(db)}")
    else:                                                                          # batched mm
        n = int(np.prod(broadcast_shape(a.shape[:-2], b.shape[:-2])))
        check_float_op(k == b.shape[-2], f"Expected size for first two dimensions of batch2 tensor to be: "
                                         f"[{n}, {k}] but got: [{n}, {b.shape[-2]}].")
        check_float_op(da is db, f"expected scalar type {_dtype.scalar_name(da)} but found {_dtype.scalar_name(db)}")


def check_product(fn: str, a: np.ndarray, b: np.ndarray) -> None:
    """fn(a, b) for fn in mm, bmm, mv, dot: the dims fn multiplies, and for bmm equal batches."""
    (m, n), (dims, message) = (a.ndim, b.ndim), _PRODUCTS[fn]
    check_float_op((m, n) == dims, message(m, n))
    got, want = b.shape[:2], a.shape[::2]
    check_float_op(fn != "bmm" or got == want, f"Expected size for first two dimensions of batch2 tensor to be: "
                                               f"{list(want)} but got: {list(got)}.")
