"""The graph machinery shared by Value (scalar.py) and Tensor (tensor.py).

Every number the user computes with is a node. A node made by an op remembers its parents (an ordered
tuple, so `a * a` keeps both edges), the op's name, the scope it was made in, and a small closure that
maps the gradient of the node to the gradients of its parents. That is all reverse mode needs:
`backward()` puts the nodes in topological order and runs each closure once, from the root back to the
leaves, adding every contribution into the parent's `.grad`.

Nothing here knows about ops: adding an op never touches this file.
"""
from __future__ import annotations

import contextlib
import itertools
import operator

import numpy as np


class _State:
    """Process-wide switches read by every op: grad mode, the current scope, anomaly checking."""

    grad_enabled = True
    scope: tuple = ()
    anomaly = False


STATE = _State()
_serials = itertools.count()              # creation order of nodes: parents are always made first
_by_serial = operator.attrgetter("serial")


class Node:
    """A value in the recorded graph: data, grad, parents, op name, scope, and a local backward.

    `backward_fn(g)` receives the gradient of this node and returns one gradient per parent (None for a
    parent that needs none). A scalar op may instead give a tuple of numbers, its local derivatives
    d out/d parent: the engine then hands parent i the product g * d_i (the chain rule). Closures
    capture the parents' data, never their own output, so a graph holds no reference cycles and is
    freed by reference counting as soon as it is dropped.
    """

    __slots__ = ("data", "grad", "requires_grad", "parents", "backward_fn", "op", "scope", "name",
                 "origin", "serial", "__weakref__")
    result_type: type          # the class of op results (a Parameter's results are plain Tensors)

    def _child(self, data, parents: tuple, backward_fn, op: str):
        """Make the output node of an op; it joins the graph only if some parent needs a gradient."""
        state = STATE
        out = object.__new__(self.result_type)
        out.data = data
        out.grad = None
        out.op = op
        out.scope = state.scope
        out.name = None
        out.origin = None
        out.requires_grad = False
        out.parents = ()
        out.backward_fn = None
        out.serial = next(_serials)
        if state.grad_enabled:
            for p in parents:
                if p.requires_grad:
                    out.requires_grad = True
                    out.parents = parents
                    out.backward_fn = backward_fn
                    break
        if state.anomaly:
            from .anomaly import check_forward
            check_forward(out)
        return out

    def _init_leaf(self, data, requires_grad: bool, name):
        """Fill the slots of a leaf: a node with no parents (an input, a parameter or a constant)."""
        self.data = data
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.parents = ()
        self.backward_fn = None
        self.op = ""
        self.scope = STATE.scope
        self.name = name
        self.serial = next(_serials)
        self.origin = None

    def _own_grad(self, g):
        """A leaf's first gradient: a private copy the user may modify in place (clipping does)."""
        raise NotImplementedError

    def _seed(self):
        """The gradient of a scalar root with respect to itself."""
        raise NotImplementedError

    def backward(self, grad=None, keep_grads: bool = True) -> None:
        """Backpropagate from this node: fill `.grad` of every node on a path to a leaf that needs it.

        A scalar root is seeded with 1; any other root needs `grad` of its own shape. Intermediate
        gradients are reset first, so a second call through the same graph gives the same answer,
        while leaves accumulate across calls (call `zero_grad()` between steps). With
        keep_grads=False each intermediate drops its gradient once it has passed it on (PyTorch's
        default): less memory in training, but nothing for drawings or analysis to show.
        """
        if not isinstance(keep_grads, bool):
            raise TypeError(f"backward(keep_grads=...) expects True or False, got {keep_grads!r}")
        if not self.requires_grad:
            raise RuntimeError(
                f"backward() called on a {type(self).__name__} that does not require grad: none of the "
                "inputs it was computed from has requires_grad=True, or it was made under no_grad()")
        grad = self._seed() if grad is None else self._check_seed(grad)
        run_backward(self, grad, keep_grads)

    def _check_seed(self, grad):
        """Validate a user-given seed gradient (shape and type); subclasses override."""
        return grad

    def zero_grad(self) -> None:
        """Forget the gradient (sets `.grad` to None)."""
        self.grad = None


def topological_order(root: Node, only_grad: bool = True) -> list:
    """Every node `root` depends on, each after all of its parents.

    Why an order at all: a node used twice (a hidden state feeding the next step *and* the output)
    must have collected the gradient from all its consumers before it passes its own gradient on.
    Reverse topological order guarantees that. Finding one is easy here: an op can only be applied to
    nodes that already exist, so the order in which nodes were made (their `serial`) is topological.
    The search for what `root` depends on uses an explicit stack, not recursion, so a 10^6-node chain
    (a long unrolled sequence) is fine. With `only_grad`, nodes that need no gradient are skipped
    (backward); without it, every recorded node is listed (drawing).
    """
    found, stack = {root}, [root]
    while stack:
        for p in stack.pop().parents:
            if p not in found and (p.requires_grad or not only_grad):
                found.add(p)
                stack.append(p)
    return sorted(found, key=_by_serial)


class IndexedGrad:
    """A gradient that is zero except for `value` at `index`: what the backward of `x[index]` returns.

    Without it, each `x[t]` of a T-step loop would hand back a full zero array with one slice filled,
    and summing those would cost O(T) per step, O(T^2) per sequence. The engine instead writes the
    slice straight into the parent's gradient buffer. `repeats` marks integer-array indices, whose
    repeated entries must add up (np.add.at) rather than overwrite.
    """

    __slots__ = ("index", "value", "repeats")

    def __init__(self, index, value, repeats: bool):
        self.index, self.value, self.repeats = index, value, repeats

    def add_into(self, buffer) -> None:
        """buffer[index] += value, counting repeated indices once per occurrence."""
        if self.repeats:
            np.add.at(buffer, self.index, self.value)
        else:
            buffer[self.index] += self.value


class ProductGrad:
    """A gradient left as the product `left^T @ right`: what `linear` hands its weight (g^T x).

    A recurrent weight is used at every time step, so it receives T of these. Adding T products one
    by one costs T weight-sized products and T weight-sized additions; the engine instead keeps the
    factors and, when the weight's gradient is needed, stacks them and makes one product:
    sum_t g_t^T x_t = [g_1; ...; g_T]^T [x_1; ...; x_T]. The same sum, one BLAS call.
    """

    __slots__ = ("left", "right")

    def __init__(self, left, right):
        self.left, self.right = left, right

    @property
    def value(self):
        """The product itself (anomaly mode checks it)."""
        return np.dot(self.left.T, self.right)


STACK_BYTES = 4 * 2**20     # the most factor bytes stacked for one product: bounds the extra memory


def sum_products(parts: list):
    """sum_k left_k^T right_k over a list of ProductGrads, as a product of the stacked factors (one
    product per STACK_BYTES of factors, so stacking never needs much more memory than that)."""
    total, start, size = None, 0, 0
    for end, part in enumerate(parts, 1):
        size += part.left.nbytes + part.right.nbytes
        if size >= STACK_BYTES or end == len(parts):
            group = parts[start:end]
            product = group[0].value if len(group) == 1 else np.dot(
                np.concatenate([p.left for p in group]).T, np.concatenate([p.right for p in group]))
            total = product if total is None else np.add(total, product, out=total)
            start, size = end, 0
    return total


def run_backward(root: Node, seed, keep_grads: bool = True) -> None:
    """Reverse-mode sweep: reset intermediate grads, seed the root, run each local backward once.

    A parent's first gradient contribution is stored as it is (it may be a read-only broadcast view,
    or shared with a sibling); a second one makes a private buffer (`owned`), and from then on
    contributions are added in place. ProductGrads wait in `products` until the node's gradient is
    needed: just before its own backward runs, or at the end for leaves. Without `keep_grads`, an
    intermediate's gradient is dropped as soon as its backward has run.
    """
    order = topological_order(root)
    for node in order:
        if node.parents:
            node.grad = None
    owned, products = set(), {}
    _accumulate(root, seed, owned, products)
    check = STATE.anomaly
    for node in reversed(order):
        if node in products:
            _accumulate(node, sum_products(products.pop(node)), owned, products)
        g = node.grad
        if node.backward_fn is None or g is None:
            continue
        fn = node.backward_fn
        grads = [g * d for d in fn] if type(fn) is tuple else fn(g)
        if not keep_grads:
            node.grad = None
        if check:
            from .anomaly import check_backward
            check_backward(node, grads)
        for parent, pg in zip(node.parents, grads):
            if pg is not None and parent.requires_grad:
                _accumulate(parent, pg, owned, products)
    for node, parts in products.items():
        _accumulate(node, sum_products(parts), owned, products)


def _accumulate(node: Node, g, owned: set, products: dict) -> None:
    """Add one gradient contribution to `node.grad`; leaves always own their buffer (the user may
    change it in place), intermediates get one only once a second contribution arrives. A
    ProductGrad is only set aside in `products`."""
    if type(g) is ProductGrad:
        products.setdefault(node, []).append(g)
    elif isinstance(g, IndexedGrad):
        if node.grad is None:
            node.grad = np.zeros(node.data.shape, node.data.dtype)
        elif node.parents and node not in owned:
            node.grad = np.array(node.grad)
        owned.add(node)
        g.add_into(node.grad)
    elif node.grad is None:
        node.grad = node._own_grad(g) if not node.parents else g
    elif not node.parents or node in owned:
        node.grad += g
    else:
        node.grad = node.grad + g
        owned.add(node)


@contextlib.contextmanager
def no_grad():
    """Inside this block ops record no graph: results have requires_grad=False and no parents."""
    previous = STATE.grad_enabled
    STATE.grad_enabled = False
    try:
        yield
    finally:
        STATE.grad_enabled = previous


class scope:
    """Tag every node made inside this block with `name` (nestable: tags form a path, outer first).

    The recurrent layers open one scope per layer, direction and time step; the drawing turns scopes
    into boxes. A user's own loop can do the same: `with tr.scope(f"t={t}"): h = cell(x[t], h)`.
    (A small class rather than a generator-based context manager: it is entered at every time step.)
    """

    __slots__ = ("name", "previous")

    def __init__(self, name: str):
        if not isinstance(name, str):
            raise TypeError(f"scope(name) expects a str, got {type(name).__name__}")
        self.name = name

    def __enter__(self) -> None:
        self.previous = STATE.scope
        STATE.scope = self.previous + (self.name,)

    def __exit__(self, *exc) -> None:
        STATE.scope = self.previous
