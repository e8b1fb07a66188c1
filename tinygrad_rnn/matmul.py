"""Matrix products: `a @ b` with numpy's rules, and `linear(x, W, b) = x W^T + b`, the product every
layer makes.

Both are single ops with their own local backward. `linear` could be composed as `x @ W.T + b`
(three nodes); as one node it is what PyTorch's F.linear is: the weight's gradient goes straight into
the weight (no transposed copy per use, which matters when a recurrent weight is used at every step),
and one node per use keeps the unrolled graph small.
"""
import numpy as np

from .autograd import Deferred
from .broadcast import unbroadcast
from .op_checks import check_linear, check_matmul
from .shape_ops import spare_buffer


def matmul(x, y):
    """Matrix product with numpy's rules. A 1-D operand is treated as a row (left) or column (right)
    matrix so that one rule serves every case: da = g @ b^T and db = a^T @ g, each summed back over
    broadcast batch axes."""
    a, b = x._data, y._data
    check_matmul(a, b)
    try:
        out = np.asarray(np.matmul(a, b))          # (two 1-D operands give a numpy scalar)
    except ValueError:
        raise ValueError(f"matmul: cannot broadcast the batch axes of {a.shape} and {b.shape}") from None
    need_a, need_b = x.requires_grad, y.requires_grad
    if a.ndim == 2 and b.ndim == 2:
        # fast path for 2-D operands, the general code below without reshapes, and np.dot for @: with a
        # batch of one, a^T @ g has inner size 1, where matmul is ~10x slower than np.dot (numpy 2.4)
        return x._child(out, (x, y), lambda g: (np.dot(g, b.T) if need_a else None,
                                                np.dot(a.T, g) if need_b else None), "matmul")
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b

    def backward(g):
        g2 = g.reshape(np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1]))
        ga = unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape) if need_a else None
        gb = unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape) if need_b else None
        return ga, gb
    return x._child(out, (x, y), backward, "matmul")


class ProductGrad(Deferred):
    """A gradient left as the product `left^T @ right`: what `linear` hands its weight (g^T x).

    The plain backward would return np.dot(left.T, right) at once. A recurrent weight is used at every
    time step, so it would receive T such products and make T weight-sized additions. Left as
    ProductGrads, they are summed as one product of the stacked factors:
    sum_t g_t^T x_t = [g_1; ...; g_T]^T [x_1; ...; x_T]. The same sum, one BLAS call.
    """

    __slots__ = ("left", "right")
    STACK_BYTES = 4 * 2**20     # the most factor bytes stacked for one product: bounds the extra memory

    def __init__(self, left, right):
        self.left, self.right = left, right

    @property
    def value(self) -> np.ndarray:
        """The product itself (anomaly mode checks it)."""
        return np.dot(self.left.T, self.right)

    @classmethod
    def total(cls, parts: list, like) -> np.ndarray:
        """sum_k left_k^T right_k, one product per STACK_BYTES of stacked factors."""
        total, start, size = None, 0, 0
        for end, part in enumerate(parts, 1):
            size += part.left.nbytes + part.right.nbytes
            if size >= cls.STACK_BYTES or end == len(parts):
                group = parts[start:end]
                product = group[0].value if len(group) == 1 else _stacked_product(group)
                total = product if total is None else np.add(total, product, out=total)
                start, size = end, 0
        return total.astype(like.dtype, copy=False)


def linear(x, weight, bias=None):
    """out = x W^T + b for x (..., in), weight W (out, in), bias b (out,) or None; out is (..., out).
    A bias of any shape that broadcasts to out's is added as numpy adds it (PyTorch's linear does the
    same): a recurrent cell adds its input part that way, `linear(h, W_hh, x_proj)` = x_proj + h W_hh^T
    as one node.

    One node. With the leading axes of x and g (the gradient of out) flattened into rows:
    dx = g W, dW = g^T x (the sum over rows of each row's outer product), db = g summed back to b's
    shape (over the rows for b (out,); g itself for a bias of out's shape). dW is handed back as a
    ProductGrad, so that the engine can sum a shared weight's T products as one.
    """
    parents = (x, weight) if bias is None else (x, weight, bias)
    check_linear(parents)
    a, w = x._data, weight._data
    n_out, n_in = w.shape
    rows_x = a if a.ndim == 2 else a.reshape(-1, n_in)      # (N, in): the leading axes as rows
    out = np.dot(rows_x, w.T)                                # a 2-D product: BLAS
    if a.ndim != 2:
        out = out.reshape(a.shape[:-1] + (n_out,))
    bias_shape = None
    if bias is not None:
        b = bias._data
        bias_shape = b.shape
        out = np.add(out, b, out=out if out.dtype == b.dtype else None)       # numpy's dtype promotion
    needs = tuple(p.requires_grad for p in parents)
    return x._child(out, parents, _linear_backward, "linear", (w, rows_x, a.shape, bias_shape, needs))


def _linear_backward(w, rows_x, x_shape: tuple, bias_shape: tuple | None, needs: tuple, g) -> tuple:
    """linear's local backward, rows being g with its leading axes flattened: dx = g W, dW = g^T x (a
    ProductGrad), db = g summed back to the bias's shape. (Its inputs are kept in `saved`, not a
    closure: see Node.)"""
    rows = g if g.ndim == 2 else g.reshape(-1, w.shape[0])
    grads = (np.dot(rows, w).reshape(x_shape) if needs[0] else None,
             ProductGrad(rows, rows_x) if needs[1] else None)
    return grads if bias_shape is None else grads + (unbroadcast(g, bias_shape) if needs[2] else None,)


def _stacked_product(group: list) -> np.ndarray:
    """[left_1; ...; left_k]^T [right_1; ...; right_k] for a group of ProductGrads. Fast path for the plain
    `np.dot(np.concatenate([p.left for p in group]).T, np.concatenate([p.right for p in group]))`: each
    stack is written into a spare buffer (shape_ops.spare_buffer) instead of a new array, as the stacks
    are only read by this product and never leave this function."""
    return np.dot(_stacked([p.left for p in group]).T, _stacked([p.right for p in group]))


def _stacked(rows: list) -> np.ndarray:
    """np.concatenate(rows), written into a spare buffer."""
    shape = (sum(r.shape[0] for r in rows),) + rows[0].shape[1:]
    return np.concatenate(rows, out=spare_buffer(shape, np.result_type(*{r.dtype for r in rows})))
