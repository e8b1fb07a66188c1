"""backward(inputs=...): a pass that accumulates gradients only into the given tensors, as PyTorch's does.
The pass runs as usual; the .grad of every other leaf it reaches is put aside before it and put back after,
so those leaves end as they were. A non-leaf input keeps its gradient (PyTorch calls retain_grad() on it)."""
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


@contextlib.contextmanager
def only_into(root, inputs):
    """Inside this block a backward pass from `root` adds to the .grad of `inputs` only (all leaves if None)."""
    if inputs is None:
        yield
        return
    wanted = {id(x) for x in inputs}
    apart = [(n, n._grad) for n in topological_order(root) if not n.parents and id(n) not in wanted]
    for node, _ in apart:
        node._grad = None
    try:
        yield
    finally:
        for node, grad in apart:
            node._grad = grad
