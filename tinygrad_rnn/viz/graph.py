"""What a drawing is made of: the recorded graph walked once and sorted into time-step boxes.

A scope component `t=<int>` marks a time step; the components before it name the boxes around the
step (a layer `LSTM.l0`, a direction `forward`). A *unit* is whatever becomes one drawn node: a
single graph node at op detail, a whole (layer, direction, step) box at cell detail, all the steps of
one (layer, direction) at rolled detail. Parameters are always units of their own, drawn once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..autograd import Node, topological_order
from ..nn.module import Parameter

_STEP = re.compile(r"t\s*=\s*(-?\d+)")
_LAYER = re.compile(r"(.+)\.l(\d+)")


def split_scope(scope: tuple) -> tuple:
    """(group, t): the components before the first `t=<int>` and that step; (scope, None) if none."""
    for i, name in enumerate(scope):
        match = _STEP.fullmatch(name)
        if match:
            return tuple(scope[:i]), int(match.group(1))
    return tuple(scope), None


def cell_type(group: tuple) -> str:
    """The cell's name for a group path: `Name` of the innermost `Name.l{k}` component, else 'cell'."""
    for name in reversed(group):
        match = _LAYER.fullmatch(name)
        if match:
            return match.group(1)
    return "cell"


def box_title(name: str) -> str:
    """A cluster's caption: `LSTM.l1` reads 'LSTM layer 1'; other scope names are kept as they are."""
    match = _LAYER.fullmatch(name)
    return f"{match.group(1)} layer {match.group(2)}" if match else name


def is_parameter(node: Node) -> bool:
    """A shared weight: an nn.Parameter, or a named leaf that requires grad (a scalar-RNN weight)."""
    return not node.parents and node.requires_grad and (isinstance(node, Parameter) or node.name is not None)


@dataclass
class Unit:
    """One drawn node: `members` are positions in the walk; `group`/`t` say which step box it is."""

    members: list
    kind: str = "node"          # 'node' (one graph node), 'step' (cell detail) or 'rolled'
    group: tuple = ()
    t: int | None = None
    steps: set = field(default_factory=set)   # the time steps folded into a rolled unit


@dataclass(frozen=True)
class Edge:
    """An arrow between units; `source` is the graph node it carries (its tensor, shape, gradient).

    kind: 'state' (a step's output into another step of the same group: the hidden/cell state),
    'param' (from a shared weight), or 'data' (everything else).
    """

    source: int
    tail: int
    head: int
    kind: str


class Recorded:
    """The graph below `root`, walked iteratively (parents before children), with each node's step."""

    def __init__(self, root: Node):
        self.nodes = topological_order(root, only_grad=False)
        position = {node: i for i, node in enumerate(self.nodes)}
        self.parents = [[position[p] for p in n.parents] for n in self.nodes]
        self.param = [is_parameter(n) for n in self.nodes]
        self.step = [((), None) if p else split_scope(n.scope) for n, p in zip(self.nodes, self.param)]
        self.has_steps = any(t is not None for _, t in self.step)

    def units(self, detail: str) -> tuple:
        """(units, unit_of): the drawn nodes for `detail` and, per graph node, the unit holding it."""
        units, unit_of, by_key = [], [], {}
        for i, (group, t) in enumerate(self.step):
            if detail == "op" or t is None:
                key, unit = ("node", i), Unit([], "node", group, t)
            elif detail == "cell":
                key, unit = ("step", group, t), Unit([], "step", group, t)
            else:
                key, unit = ("rolled", group), Unit([], "rolled", group)
            if key not in by_key:
                by_key[key] = len(units)
                units.append(unit)
            unit = units[by_key[key]]
            unit.members.append(i)
            if t is not None:
                unit.steps.add(t)
            unit_of.append(by_key[key])
        return units, unit_of

    def edge_kind(self, p: int, v: int) -> str:
        """'state' between different steps of one group, 'param' out of a weight, else 'data'."""
        (gp, tp), (gv, tv) = self.step[p], self.step[v]
        if tp is not None and tv is not None and gp == gv and tp != tv:
            return "state"
        return "param" if self.param[p] else "data"

    def edges(self, unit_of: list, detail: str) -> list:
        """The arrows to draw. Op detail keeps every parent slot (`a * a` has two); cell detail keeps
        one arrow per (tensor, receiving unit); rolled keeps one per unit pair, plus one self-loop per
        rolled unit that feeds its own later steps."""
        out, seen = [], set()
        for v, parents in enumerate(self.parents):
            for p in parents:
                tail, head, kind = unit_of[p], unit_of[v], self.edge_kind(p, v)
                if tail == head and kind != "state":
                    continue
                if detail != "op":
                    key = (p, head) if detail == "cell" else (tail, head)
                    if key in seen:
                        continue
                    seen.add(key)
                out.append(Edge(p, tail, head, kind))
        return out

    def step_states(self, units: list, unit_of: list) -> dict:
        """{unit: the positions of its output state h_t} for every step unit, in one pass.

        h_t is a tensor the step hands to a later step that also leaves the group as output (an
        LSTM's h, not its c); a step with no such tensor (the last one) is represented by its outputs.
        """
        carried, exposed = {}, {}
        for v, parents in enumerate(self.parents):
            for p in parents:
                tail = unit_of[p]
                if units[tail].kind == "step" and tail != unit_of[v]:
                    bucket = carried if self.edge_kind(p, v) == "state" else exposed
                    bucket.setdefault(tail, set()).add(p)
        root = len(self.nodes) - 1
        if units[unit_of[root]].kind == "step":
            exposed.setdefault(unit_of[root], set()).add(root)
        states = {}
        for k, unit in enumerate(units):
            if unit.kind == "step":
                c, e = carried.get(k, set()), exposed.get(k, set())
                states[k] = sorted((c & e) or e or c)
        return states
