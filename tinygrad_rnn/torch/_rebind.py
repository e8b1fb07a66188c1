"""In-place ops on a tensor in a recorded graph, recorded as PyTorch records them.

PyTorch lets `h.relu_()`, `F.relu(h, inplace=True)`, `h.mul_(2)` or `outputs[t] = out` change a tensor of
the graph in place and records the write: `h` becomes the op's result, and the ops that read `h` before still
see its old value (version counters make backward raise where one of them saved it). Here the op is run out
of place, and `h` is *made* its result (`rebind`): `h`'s former node moves to a new object, which the op's new
nodes take as their parent instead of `h`, and `h`'s old array is left as it was (only `t[i] = v` writes into
a buffer's own array, where the buffer is a constant or such a write's result). An op that used `h` before
the write still has the object `h` as its parent, now a node newer than itself: the engine's
backward refuses such a graph (autograd.topological_order), with PyTorch's "modified by an inplace operation"
(PyTorch raises it only where the op saved `h`). The functional `inplace=True` flags are stricter, as they
can return their result out of place instead: they rebind only while no op has used `h` (`newest`).
"""
import functools
import inspect

from ..autograd import Node, _serials, last_recorded
from ..modes import _local
from ._autograd import _VIEWS, retained
from .inplace_checks import check_result_type
from .checks import check_inplace_shape

_SLOTS = tuple(s for s in Node.__slots__ if s != "__weakref__")


def rebindable(t, operands: tuple = (), view_ok: bool = False):
    """When an in-place op on t can be recorded by rebinding: a probe serial (every node the op makes will
    have a larger one), else None. That is under grad mode, for t a non-leaf, or a constant written with an
    operand that requires grad, that is not a view (PyTorch's write would change its base too; a new shape,
    `view_ok`, would not)."""
    if not _local.mode.grad_enabled or (t.op in _VIEWS and not view_ok):
        return None
    if not (t.parents or (not t.requires_grad and any(getattr(o, "requires_grad", False) for o in operands))):
        return None
    return next(_serials)


def newest(t):
    """rebindable, and only while no op has used t: no node joined a graph after it."""
    probe = rebindable(t)
    return probe if probe is not None and last_recorded[0] <= t.serial else None


def rebind(t, out, probe: int, reshaped: bool = False):
    """Make t the node `out`, which an op computed out of place from t after `probe`: t's former node becomes
    a new object, the parent of the op's nodes in t's place. out keeps t's shape (unless `reshaped`: the
    in-place shape methods) and dtype, as a write would."""
    if out is t:
        return t
    if not reshaped:
        check_inplace_shape(t._data.shape, out._data.shape)
    if out._data.dtype != t._data.dtype:
        check_result_type(t, out.dtype)
        out = out.to(t.dtype)
    kept = t in retained                               # retain_grad() follows the tensor, as in PyTorch
    old = object.__new__(type(t))
    for slot in _SLOTS:
        setattr(old, slot, getattr(t, slot))
    todo = [out]
    while todo:
        node = todo.pop()
        node.parents = tuple(old if p is t else p for p in node.parents)
        todo.extend(p for p in node.parents if p.serial > probe)
    for slot in _SLOTS:
        setattr(t, slot, getattr(out, slot))
    if kept:
        retained.add(t)
    return t


def recorded(twin: str, reshaped: bool = False):
    """An in-place method that, where `rebindable` allows, runs its out-of-place `twin` (same arguments) and
    makes self that result; elsewhere the method itself (which writes, or raises for a graph's tensor).
    `reshaped`: a shape method (unsqueeze_, ...), whose result has another shape."""
    def decorate(method):
        @functools.wraps(method)
        def in_place(self, *args, **kwargs):
            probe = rebindable(self, args + tuple(kwargs.values()), view_ok=reshaped)
            if probe is None:
                return method(self, *args, **kwargs)
            rebind(self, getattr(self, twin)(*args, **kwargs), probe, reshaped)
            if reshaped:                                   # named as PyTorch names the in-place form
                self.op = self.op.replace(twin, twin + "_", 1)
            return self
        return in_place
    return decorate


def inplace_option(op):
    """A function of torch.nn.functional with PyTorch's `inplace` flag (a parameter of `op`, which computes
    out of place): with inplace=True its result is `written` into `input`."""
    at = list(inspect.signature(op).parameters).index("inplace")

    @functools.wraps(op)
    def run(*args, **kwargs):
        if not (kwargs["inplace"] if "inplace" in kwargs else len(args) > at and args[at]):
            return op(*args, **kwargs)
        if len(args) > at:
            args = args[:at] + (False,) + args[at + 1:]
        else:
            kwargs = {**kwargs, "inplace": False}
        return written(args[0] if args else kwargs["input"], f"{op.__name__}_", lambda: op(*args, **kwargs))
    return run


def written(input, fn: str, compute):
    """What `F.<fn>(input, inplace=True)` returns, `compute()` being the out-of-place result: input itself,
    rebound to it or (outside a graph) with it written into its array; where neither can be done (an op
    already used input in the graph), the result out of place, which the caller's `x = F.fn(x, ...)` takes."""
    probe = newest(input)
    if probe is not None:
        return rebind(input, compute(), probe)
    out = compute()
    if out is input or (_local.mode.grad_enabled and (input.requires_grad or out.requires_grad)):
        return out
    return input._write(fn, out._data)
