"""The switches every op reads, one set per thread: grad mode, the current scope, and an observer
(anomaly mode). `no_grad()`, `scope()` and `detect_anomaly()` are one mechanism, `switch`: a with-block
that sets a field of this thread's Mode and restores it on exit, so another thread's `no_grad()` never
changes this thread's graph. The engine (autograd.py) reads `_local.mode` once per op.
"""
import contextlib
import threading

from .checks import check_scope_name


class Mode:
    """The switches every op reads: grad mode, the current scope, and an observer of each new node and
    each local backward (anomaly mode is one), or None; `restore` is the stack of the values the open
    with-blocks will restore."""

    __slots__ = ("grad_enabled", "scope", "observer", "restore")

    def __init__(self):
        self.grad_enabled, self.scope, self.observer, self.restore = True, (), None, []


class _PerThread(threading.local):
    """One Mode per thread (as in PyTorch): another thread's no_grad() or scope() never reaches this one.
    (A slotted Mode inside: one thread-local lookup per op, not one per switch read.)"""

    def __init__(self):
        self.mode = Mode()


_local = _PerThread()          # `_local.mode`: this thread's switches


class switch(contextlib.ContextDecorator):
    """A with-block (or decorator) that sets one field of this thread's Mode and restores it on exit.

    no_grad(), scope() and anomaly mode are all this one mechanism. Blocks nest, and the values to
    restore are kept on the thread's own stack (`Mode.restore`), never on the switch: one switch object
    may be used in several threads at once.
    """

    def __init__(self, field: str, value):
        self.field, self.value = field, value

    def new_value(self, old):
        """The field's value inside the block, given its value outside."""
        return self.value

    def __enter__(self) -> None:
        m = _local.mode
        m.restore.append(getattr(m, self.field))
        setattr(m, self.field, self.new_value(m.restore[-1]))

    def __exit__(self, *exc) -> None:
        m = _local.mode
        setattr(m, self.field, m.restore.pop())


def no_grad() -> switch:
    """Inside this block ops record no graph: results have requires_grad=False and no parents."""
    return switch("grad_enabled", False)


class scope(switch):
    """Tag every node made inside this block with `name` (nestable: tags form a path, outer first).

    The recurrent layers open one scope per layer, direction and time step; the drawing turns scopes
    into boxes. A user's own loop can do the same: `with tr.scope(f"t={t}"): h = cell(x[t], h)`.
    """

    def __init__(self, name: str):
        check_scope_name(name)
        super().__init__("scope", name)

    def new_value(self, old: tuple) -> tuple:
        """The path inside the block: the outer path with this name added."""
        return old + (self.value,)
