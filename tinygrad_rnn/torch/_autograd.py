"""What PyTorch's autograd shows on a tensor, over the engine's graph: `grad_fn` objects named as PyTorch
names them (MulBackward0, with next_functions), the register of non-leaves that called retain_grad(),
backward() with PyTorch's checks and its freeing of saved values (so a second backward() through the
same graph fails as it does there, the classic sign of a hidden state that was not detached), and the
rules for assigning .data, .grad and requires_grad and for writing in place."""
import re
import weakref

import numpy as np

from ..autograd import Node, run_backward
from ..modes import _local
from . import _dtype
from ._backward_inputs import checked_inputs, only_into
from ._grad_names import backward_name

# Ops whose result is a view of their input (it shares the memory).
_VIEWS = {"index", "select", "slice", "reshape", "transpose", "t", "permute", "squeeze", "unsqueeze", "expand",
          "split", "unbind", "squeeze_", "unsqueeze_", "transpose_", "t_"}
# Ops whose backward needs no saved values (a module's backward hooks too): PyTorch frees nothing there.
_KEEP_NOTHING = _VIEWS | {"add", "sub", "neg", "sum", "mean", "concat", "stack", "astype", "clone", "repeat", "flip",
                          "backward_hook_function", "copy_slices", "index_put"}
_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
          "have already been freed). Saved intermediate values of the graph are freed when you call "
          ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph "
          "a second time or if you need to access saved tensors after calling backward.")


def _base(op: str) -> str:
    """The op's name without its variant ('sum(dim)' is a sum) or the exponent of a power ('pow2')."""
    base = op.split("(")[0]
    return "pow" if re.fullmatch(r"pow[-+.\deinfa]+", base) else base


def named(t, op: str):
    """t with its op renamed (when it has one), so grad_fn and drawings show the method PyTorch names."""
    if t.parents:
        t.op = op
    return t


class GradFn:
    """`t.grad_fn`: the op that made t; `type(t.grad_fn).__name__` is PyTorch's name, e.g. MulBackward0."""

    __slots__ = ("_node",)

    def __init__(self, node):
        self._node = node

    def name(self) -> str:
        return type(self).__name__

    @property
    def next_functions(self) -> tuple:
        """((grad_fn of each input, 0), ...): AccumulateGrad for a leaf that requires grad, None for a constant."""
        return tuple((grad_fn_of(p), 0) for p in self._node.parents)

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other._node is self._node

    def __hash__(self) -> int:
        return id(self._node)

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"


class AccumulateGrad(GradFn):
    """Where a leaf's gradient is added up; `.variable` is the leaf."""

    __slots__ = ()

    @property
    def variable(self):
        return self._node

    @property
    def next_functions(self) -> tuple:
        return ()


_classes = {}


def grad_fn_of(node):
    """node's grad_fn (a leaf's is AccumulateGrad, reached through next_functions; a constant's None)."""
    if not node.parents:
        return AccumulateGrad(node) if node.requires_grad else None
    base = _base(node.op)
    name = backward_name(node, base)
    if name not in _classes:
        _classes[name] = type(name, (GradFn,), {"__slots__": (), "__doc__": f"The backward of {base}."})
    return _classes[name](node)


class _Retained:
    """The non-leaves whose .grad should be kept, by serial, without keeping them alive."""

    def __init__(self):
        self._refs = {}

    def add(self, t) -> None:
        """Retain `t` from now on; its .grad starts from None, as the user saw it (not from what a pass kept)."""
        if t not in self:
            t._grad = None if t.parents else t._grad
            self._refs[t.serial] = weakref.ref(t, lambda _, serial=t.serial: self._refs.pop(serial, None))

    def __contains__(self, t) -> bool:
        ref = self._refs.get(t.serial)
        return ref is not None and ref() is t

    def sweep(self, root, seed, part=None, ends=frozenset()) -> list:
        """run_backward from root (over `part` only, stopping at `ends`, when given); a retained non-leaf adds
        to the .grad it had (as a leaf does), the others keep theirs only while some non-leaf is retained.
        Returns the order."""
        alive = (ref() for ref in list(self._refs.values()))
        kept = [(t, t._grad) for t in alive if t is not None and t.parents and t._grad is not None]
        order = run_backward(root, seed, bool(self._refs), part, ends)
        swept = {node.serial for node in order} if kept else ()
        for t, old in kept:
            if t.serial in swept:
                t._grad = old if t._grad is None else old + t._grad
        return order


retained = _Retained()


def _graph_freed(g):
    """The backward of a node whose saved values a backward() without retain_graph has released."""
    raise RuntimeError(_FREED)


def seed_of(root, gradient, i: int = 0):
    """The seed of a backward pass from output i: `gradient` (a tensor or array of its shape), or 1 for a
    scalar output; PyTorch's checks and messages."""
    if not root.requires_grad:
        raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    if gradient is None:
        if root._data.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        return root._seed()
    seed = np.asarray(getattr(gradient, "_data", gradient))
    if seed.shape != root._data.shape:
        raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of torch.Size({list(seed.shape)}) "
                           f"and output[{i}] has a shape of torch.Size({list(root._data.shape)}).")
    return root._check_seed(seed)


def backward_all(pairs, retain_graph, create_graph: bool, inputs) -> None:
    """PyTorch's backward() of (output, gradient) pairs: every seed is checked before any pass runs, the
    leaves accumulate the gradients of all outputs, and only then are the saved values released (so
    outputs that share a graph all get through it)."""
    if create_graph:
        raise NotImplementedError("backward(create_graph=True): tinygrad_rnn records no graph of the "
                                  "backward pass, so there are no higher-order gradients")
    root, seed = joint_root([(root, seed_of(root, gradient, i)) for i, (root, gradient) in enumerate(pairs)])
    if inputs is not None:
        inputs = checked_inputs(inputs)
        for x in inputs:
            if x.parents:
                retained.add(x)
    with only_into(root, inputs) as (part, ends):
        order = retained.sweep(root, seed, part, ends)
    if not retain_graph:
        release([order])


def joint_root(pairs: list) -> tuple:
    """(root, seed) of one backward pass for several (output, seed) pairs, as PyTorch makes one (a hook then
    sees its tensor's whole gradient once): a node whose parents are the outputs and whose backward hands each
    its seed. One output is its own root."""
    if len(pairs) == 1:
        return pairs[0]
    roots, seeds = tuple(r for r, _ in pairs), tuple(s for _, s in pairs)
    join = object.__new__(roots[0].result_type)
    join._init_leaf(np.ones(()), True, None)
    join.parents, join.backward_fn, join.op = roots, lambda g: seeds, "backward_roots"
    return join, np.ones(())


def release(orders) -> None:
    """Free the saved values of the swept graphs (backward or grad without retain_graph): a later pass
    through an op that needed them raises PyTorch's 'backward through the graph a second time'."""
    for order in orders:
        for node in order:
            if node.parents and _base(node.op) not in _KEEP_NOTHING:
                node.backward_fn, node.saved = _graph_freed, None


def checked_requires_grad(t, flag, message: str = "only Tensors of floating point dtype can require gradients"):
    """requires_grad_(flag): a bool; only floating tensors may require grad (else `message`, which PyTorch
    words differently for factories); only leaves may stop."""
    if not isinstance(flag, (bool, np.bool_)):
        raise TypeError("requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                        f"{type(flag).__name__}")
    if flag and t._data.dtype.kind != "f":
        raise RuntimeError(message)
    if not flag and t.parents:
        raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                           "computed variable in a subgraph that doesn't require differentiation use "
                           "var_no_grad = var.detach().")
    return bool(flag)


def checked_data(t, value) -> np.ndarray:
    """`t.data = value`: a Tensor, floating if t requires grad."""
    if not isinstance(value, Node):
        raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
    if t.requires_grad and value._data.dtype.kind != "f":
        raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex dtype")
    return value._data


def checked_grad(t, value):
    """`t.grad = value`: None, or a Tensor of t's shape and dtype (its array is shared, as in PyTorch)."""
    if value is None:
        return None
    if not isinstance(value, Node):
        raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
    g, data = value._data, t._data
    if g.shape != data.shape:
        raise RuntimeError(f"attempting to assign a gradient of size '{list(g.shape)}' to a tensor of size "
                           f"'{list(data.shape)}'. Please ensure that the gradient and the tensor are the same size")
    if g.dtype != data.dtype:
        raise RuntimeError(
            f"attempting to assign a gradient with dtype '{_dtype.c_name(_dtype.of_array(g))}' to a tensor with "
            f"grad_dtype '{_dtype.scalar_name(_dtype.of_array(data))}'. The gradient must match the tensor's "
            "grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype attribute with a "
            "specific dtype, or None to allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a "
            "tensor and its gradient may break downstream systems that assume they match.")
    return g


def hook_output(out, given, hook=None) -> np.ndarray:
    """What a tensor hook returned, as an array: None means the gradient it was `given` (perhaps changed in
    place), else it must be a Tensor of the same dtype and shape (PyTorch's checks and messages, type first)."""
    if out is None:
        return given._data
    if not isinstance(out, Node):
        raise TypeError(f"expected Variable, but hook returned '{type(out).__name__}'")
    name = getattr(hook, "__name__", "<unknown>")
    was, got = _dtype.of_array(given._data), _dtype.of_array(out._data)
    if was is not got:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {_dtype.legacy_name(was)} got "
                           f"{_dtype.legacy_name(got)})")
    if out._data.shape != given._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value (was {list(given._data.shape)}, got "
                           f"{list(out._data.shape)})")
    return out._data
