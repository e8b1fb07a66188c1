"""backward(inputs=...) and autograd.grad: passes that reach only the given tensors, as PyTorch's do. Such a
pass sweeps the paths from the root down to the inputs and stops at them (`toward`): no backward and no hook
runs beyond what the inputs need. Every node outside those paths is left as it was (its .grad is put aside
before the pass and put back after). A non-leaf input keeps its gradient (PyTorch calls retain_grad() on it)."""
import contextlib

from ..autograd import topological_order


def checked_inputs(inputs) -> list:
    """`inputs` as a list of tensors: one tensor or a sequence of them, not empty, each requiring grad."""
    inputs = [inputs] if hasattr(inputs, "_data") else list(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    for x in inputs:
        if not hasattr(x, "_data"):
            raise TypeError(f"backward(inputs=...) expects tensors, got {type(x).__name__}")
        if not x.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    return inputs


def toward(root, inputs) -> tuple:
    """The part of root's graph such a pass sweeps: the nodes on a path from one of `inputs` up to root, in
    topological order, and the serials of the inputs below which no other input lies (there it stops)."""
    reach, order, ends = {x.serial for x in inputs}, [], set()
    for node in topological_order(root):
        above = any(p.serial in reach for p in node.parents)
        if node.serial in reach or above:
            reach.add(node.serial)
            order.append(node)
            if not above:
                ends.add(node.serial)
    return order, ends


@contextlib.contextmanager
def only_into(root, inputs):
    """Inside this block a backward pass from `root` reaches `inputs` only (everything if None): yields the
    (order, ends) to sweep, or (None, frozenset()) for the whole graph; the nodes outside keep their .grad."""
    if inputs is None:
        yield None, frozenset()
        return
    order, ends = toward(root, inputs)
    swept = {node.serial for node in order}
    apart = [(n, n._grad) for n in topological_order(root) if n.serial not in swept]
    try:
        yield order, ends
    finally:
        for node, grad in apart:
            node._grad = grad
