"""The engine: the graph machinery shared by Value (scalar.py) and Tensor (tensor.py). It knows no op.

Every number the user computes with is a node. A node made by an op remembers its parents (an ordered
tuple, so `a * a` keeps both edges), the op's name, the scope it was made in, and its local backward:
how the gradient of the node becomes the gradients of its parents. That is all reverse mode needs.
`backward()` reads like the lecture:

    1. put the nodes in topological order (every node after its parents),
    2. reset the intermediates' gradients and seed the root with d root/d root = 1,
    3. for each node in reverse order: take its gradient, run its local backward, and add each
       parent's share into that parent's `.grad`.

Adding an op never touches this file: ops live with the value kinds they work on.
"""
import functools
import itertools
import operator
import threading

from .checks import check_backward_call, check_hook, check_hook_result, check_rewired
from .hooks import RemovableHandle
from .modes import _local

_serials = itertools.count()              # creation order of nodes: parents are always made first
_leaf_lock = threading.Lock()  # gradients added into nodes that graphs in other threads may share
last_recorded = [-1]           # serial of the newest node that joined a graph: no op used a node made after it


class Deferred:
    """The protocol for a gradient contribution that is not a plain array.

    An op's backward may hand a parent such an object instead of an array when summing them one by one
    would waste work (a slice written into a zero buffer; a shared weight's per-step products). The
    engine keeps them aside until every contribution to that parent has arrived, then asks their class
    for the sum: `total(parts, like)` returns a new array shaped and typed like `like` (the parent's
    data) that the parent may own (a kind made for one op may return what that op's backward takes
    instead: the dialect's module backward hooks gather several tensors' gradients in a list). `value` is an array that is finite exactly when the contribution is
    (anomaly mode checks it). Each kind is defined beside the op that makes it, never here.
    """

    __slots__ = ()

    @classmethod
    def total(cls, parts: list, like):
        """The sum of `parts` (all of this class) as one array like `like`."""
        raise NotImplementedError


class Node:
    """A value in the recorded graph: data, grad, parents, op name, scope, and a local backward.

    `backward_fn(g)` receives the gradient of this node and returns one gradient per parent: an array
    (or number), a Deferred, or None for a parent that needs none. A scalar op may instead give a tuple
    of numbers, its local derivatives d out/d parent: the engine then hands parent i the product g * d_i
    (the chain rule). An op may keep what its backward needs in `saved`, a tuple of arrays and flags:
    the engine then calls `backward_fn(*saved, g)`. (Python's collector stops walking a tuple that holds
    no containers, but it walks every closure and partial of a long graph on each full collection.)
    What an op keeps is its parents' data, never its own output node, so a graph holds no reference
    cycles and is freed by reference counting as soon as it is dropped. Sets and dicts of nodes compare
    them by identity (Node keeps object's hash, and the engine keys by `serial`).

    `data` and `grad` are properties over the slots `_data` and `_grad`, which the engine and the ops use
    (the PyTorch dialect, tinygrad_rnn.torch, gives the public names PyTorch's meaning). Each value kind
    (Value, Tensor) supplies four small methods: `_seed()`, the gradient of a scalar root with respect to
    itself; `_check_seed(grad)`, a user-given seed validated; `_own_grad(g)`, a leaf's first gradient as
    a private copy the user may change in place (clipping does); and `_hook_view(g)`, what a hook is shown
    (a read-only view of an array, which other nodes may share).
    """

    __slots__ = ("_data", "_grad", "requires_grad", "parents", "backward_fn", "saved", "op", "scope", "name",
                 "origin", "serial", "hooks", "__weakref__")
    data = property(operator.attrgetter("_data"), lambda n, v: setattr(n, "_data", v), doc="A float or an array.")
    grad = property(operator.attrgetter("_grad"), lambda n, v: setattr(n, "_grad", v), doc="d root/d node, or None.")
    result_type: type          # the class of op results (a Parameter's results are plain Tensors)
    __hash__ = object.__hash__

    def _child(self, data, parents: tuple, backward_fn, op: str, saved: tuple | None = None):
        """Make the output node of an op; it joins the graph only if some parent needs a gradient."""
        m = _local.mode
        out = object.__new__(self.result_type)
        out._data, out._grad, out.op, out.scope, out.serial = data, None, op, m.scope, next(_serials)
        out.requires_grad, out.parents, out.backward_fn, out.saved = False, (), None, None
        out.name = out.origin = out.hooks = None
        if m.grad_enabled:
            for p in parents:
                if p.requires_grad:
                    out.requires_grad, out.parents, out.backward_fn, out.saved = True, parents, backward_fn, saved
                    last_recorded[0] = out.serial
                    break
        if m.observer is not None:
            m.observer.forward(out)
        return out

    def _init_leaf(self, data, requires_grad: bool, name):
        """Fill the slots of a leaf: a node with no parents (an input, a parameter or a constant)."""
        self._data, self._grad, self.requires_grad, self.name = data, None, bool(requires_grad), name
        self.parents, self.backward_fn, self.saved, self.op, self.origin = (), None, None, "", None
        self.scope, self.serial, self.hooks = _local.mode.scope, next(_serials), None

    def backward(self, grad=None, keep_grads: bool = True) -> None:
        """Backpropagate from this node: fill `.grad` of every node on a path to a leaf that needs it.

        A scalar root is seeded with 1; any other root needs `grad` of its own shape. Intermediate
        gradients are reset first, so a second call through the same graph gives the same answer,
        while leaves accumulate across calls (call `zero_grad()` between steps). With
        keep_grads=False each intermediate drops its gradient once it has passed it on (PyTorch's
        default): less memory in training, but nothing for drawings or analysis to show.
        """
        check_backward_call(self, keep_grads)
        run_backward(self, self._seed() if grad is None else self._check_seed(grad), keep_grads)

    def zero_grad(self) -> None:
        """Forget the gradient (sets `.grad` to None)."""
        self._grad = None

    def register_hook(self, hook) -> RemovableHandle:
        """Show `hook(grad)` this node's whole gradient of each backward pass before it flows on (for a leaf:
        before it is added to `.grad`); a value the hook returns replaces that gradient. Hooks run in the
        order they were registered; `remove()` on the handle returned takes this one off again."""
        check_hook(self, hook)
        if self.hooks is None:
            self.hooks = {}
        return RemovableHandle(self.hooks, hook)


def topological_order(root: Node, only_grad: bool = True) -> list:
    """Every node `root` depends on, each after all of its parents.

    Why an order at all: a node used twice (a hidden state feeding the next step *and* the output)
    must have collected the gradient from all its consumers before it passes its own gradient on.
    Reverse topological order guarantees that. Finding one is easy here: an op can only be applied to
    nodes that already exist, so the order in which nodes were made (their `serial`) is topological.
    The search for what `root` depends on uses an explicit stack, not recursion, so a 10^6-node chain
    (a long unrolled sequence) is fine. With `only_grad`, nodes that need no gradient are skipped
    (backward); without it, every recorded node is listed (drawing). A parent newer than its child can only
    be a tensor the PyTorch dialect rebound after that child used it (an in-place write): that graph is refused.
    """
    found, todo = {root.serial: root}, [root]
    while todo:
        node = todo.pop()
        for p in node.parents:
            if p.serial > node.serial:
                check_rewired(node, p)
            if p.serial not in found and (p.requires_grad or not only_grad):
                found[p.serial] = p
                todo.append(p)
    return [found[s] for s in sorted(found)]


def run_backward(root: Node, seed, keep_grads: bool = True, order: list | None = None, ends=frozenset()) -> list:
    """The reverse sweep: reset intermediate grads, seed the root, run each local backward; returns the order.
    A caller may sweep a part of the graph only: `order`, in topological order, and `ends`, the serials of
    nodes in it that pass nothing on (torch.autograd.grad: the paths down to its inputs, stopping there)."""
    order = topological_order(root) if order is None else order
    for node in order:
        if node.parents:
            node._grad = None
    owned, waiting = set(), {}            # nodes with a private gradient buffer; Deferred parts by node
    _add(root, seed, owned, waiting)
    observer = _local.mode.observer
    for node in reversed(order):
        if node.serial in waiting:
            _settle(node, waiting.pop(node.serial), owned)
        if node.hooks and node.parents and node._grad is not None:
            node._grad = _hooked(node, node._grad)
        g = node._grad
        if g is None or node.backward_fn is None or (ends and node.serial in ends):
            continue
        fn = node.backward_fn
        grads = [g * d for d in fn] if type(fn) is tuple else fn(g) if node.saved is None else fn(*node.saved, g)
        if not keep_grads:
            node._grad = None
        if observer is not None:
            observer.backward(node, grads)
        for parent, pg in zip(node.parents, grads):
            if pg is not None and parent.requires_grad:
                _add(parent, pg, owned, waiting)
    return order


def _add(node: Node, g, owned: set, waiting: dict) -> None:
    """Add one contribution to `node.grad`, copying as little as possible. The first is stored as it
    is (it may be a read-only broadcast view, or shared with a sibling); a second one makes a private
    buffer (`owned`), and later ones are added in place. A Deferred contribution waits until the node's
    turn, and so does every contribution to a leaf: its `.grad` accumulates across passes, so this pass's
    sum is made first (for its hooks, even one registered during the pass) and added to it once."""
    if isinstance(g, Deferred) or not node.parents:
        waiting.setdefault(node.serial, []).append(g)
    elif node._grad is None:
        node._grad = g
    elif node.serial in owned:
        node._grad += g
    else:
        node._grad = node._grad + g
        owned.add(node.serial)


def _hooked(node: Node, g):
    """`g` passed through the node's hooks in turn (a hook that returns None leaves it as it is)."""
    for hook in list(node.hooks.values()):
        out = hook(node._hook_view(g))
        g = g if out is None else check_hook_result(hook, out, g)
    return g


def _settle(node: Node, parts: list, owned: set) -> None:
    """Add what waited for the node's turn: each Deferred kind's total. For a leaf, also its plain
    contributions of this pass: its hooks see the whole sum, which joins `.grad` as one private array."""
    deferred = [p for p in parts if isinstance(p, Deferred)]
    kinds = {type(p) for p in deferred}
    totals = [kind.total([p for p in deferred if type(p) is kind], node._data) for kind in kinds]
    if not node.parents:
        plain = [p for p in parts if not isinstance(p, Deferred)]
        total = functools.reduce(operator.add, totals + plain)
        if node.hooks:
            total = _hooked(node, total)
        totals = [node._own_grad(total) if node.hooks or plain else total]     # (Deferred totals are new)
    with _leaf_lock:
        for total in totals:
            node._grad = total if node._grad is None else operator.iadd(total, node._grad)
    owned.add(node.serial)
