"""Two parts of a recorded graph that a slide draws small: the loss, and the middle time steps.

The loss part is found from the root backwards: the ops made outside every scope that use no
parameter (cross-entropy's 10 ops, a squared error's 3), stopping at the read-out that does, plus
the constants only they use. No loss function needs to tag itself. The elided steps are, in every
(layer, direction) group, the steps between the first few and the last few, drawn as one '…' unit.
"""
from __future__ import annotations

from ..scalar import Value


def loss_part(rec) -> set:
    """Positions of the loss part of `rec` (a graph.Recorded); empty unless it has two ops or more, the
    graph has time steps and the root is a Tensor (a Value graph is drawn op by op, micrograd style)."""
    root = len(rec.nodes) - 1
    if not rec.has_steps or isinstance(rec.nodes[root], Value):
        return set()
    part, todo = set(), [root]
    while todo:
        i = todo.pop()
        if i in part or rec.nodes[i].scope or not rec.parents[i] or any(rec.param[p] for p in rec.parents[i]):
            continue
        part.add(i)
        todo.extend(rec.parents[i])
    consumers = {}
    for v, parents in enumerate(rec.parents):
        for p in parents:
            consumers.setdefault(p, set()).add(v)
    part |= {i for i, users in consumers.items()
             if not rec.parents[i] and not rec.param[i] and users <= part}       # targets, 1/N
    return part if sum(1 for i in part if rec.nodes[i].op) >= 2 else set()


def target_leaves(rec, part: set) -> set:
    """The constants of the loss part that are targets: subtracted from a prediction of their shape."""
    out = set()
    for v in part:
        parents = rec.parents[v]
        if rec.nodes[v].op != "sub" or len(parents) != 2:
            continue
        for mine, other in (parents, parents[::-1]):
            leaf = not rec.parents[mine] and not rec.param[mine]
            if leaf and other not in part and rec.nodes[mine]._data.shape == rec.nodes[other]._data.shape:
                out.add(mine)
    return out


def elided(rec, keep: tuple | None) -> set:
    """The (group, t) steps to draw as one '…' unit per group: all but the first keep[0] and the last
    keep[1] steps of each group, in time order; none when a group has no more than one step to drop."""
    if keep is None:
        return set()
    times = {}
    for group, t in rec.step:
        if t is not None:
            times.setdefault(group, set()).add(t)
    out = set()
    for group, ts in times.items():
        ts = sorted(ts)
        middle = ts[keep[0]:len(ts) - keep[1]]
        if len(middle) >= 2:
            out |= {(group, t) for t in middle}
    return out


_ACTIVATIONS = ("sigmoid", "tanh", "relu")
_THROUGH = ("add", "sub", "mul", "neg")        # elementwise ops a gate's pre-activation is summed by


def gate_names(rec) -> dict:
    """{position: gate}: each activation inside a step whose pre-activation is made from the row
    block of exactly one gate (split_gates names the blocks '[i]', '[f]', ...) is named after it:
    LSTM i, f, g, o; GRU r, z, n. The walk back stops at other activations, matmuls and other steps."""
    out = {}
    for v, node in enumerate(rec.nodes):
        if node.op not in _ACTIVATIONS or rec.step[v][1] is None:
            continue
        gates, todo, seen = set(), list(rec.parents[v]), set()
        while todo:
            i = todo.pop()
            if i in seen or rec.step[i] != rec.step[v]:
                continue
            seen.add(i)
            name = rec.nodes[i].name or ""
            if name.startswith("[") and name.endswith("]"):
                gates.add(name[1:-1])
            elif rec.nodes[i].op in _THROUGH:
                todo.extend(rec.parents[i])
        if len(gates) == 1:
            out[v] = gates.pop()
    return out
