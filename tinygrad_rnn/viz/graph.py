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
    kind: str = "node"          # 'node' (one graph node), 'step' (cell detail), 'rolled', 'skip' (the
                                # elided middle steps of a group), 'loss' (the loss part, collapsed),
                                # 'in' / 'out' (cell detail: a group's ops before / after its steps)
    group: tuple = ()
    t: int | None = None
    steps: set = field(default_factory=set)   # the time steps it covers (a rolled unit: all of them)


@dataclass(frozen=True)
class Edge:
    """An arrow from unit `tail` to unit `head`. kind: 'state' (a step's output into another step of
    the same group: the hidden or cell state), 'param' (from a shared weight), or 'data'."""

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
        self.looped = {group for group, t in self.step if t is not None}     # groups that have steps
        self.has_steps = bool(self.looped)
        self.first = {}                                 # each group's first step node, in the walk
        for i, (group, t) in enumerate(self.step):
            if t is not None:
                self.first.setdefault(group, i)

    def units(self, detail: str, loss: set = frozenset(), skip: set = frozenset()) -> tuple:
        """(units, unit_of): the drawn nodes for `detail` and, per graph node, the unit holding it.
        `loss` (positions) becomes one unit, and so do the elided steps `skip` ((group, t) pairs) of a group."""
        keys = [("loss",) if i in loss else ("skip", self.step[i][0]) if self.step[i] in skip
                else self._key(i, detail) for i in range(len(self.nodes))]
        if detail == "rolled":      # an initial state made outside the loop folds into the loop too
            consumers = {}
            for v, parents in enumerate(self.parents):
                for p in parents:
                    consumers.setdefault(p, set()).add(keys[v])
            for i, key in enumerate(keys):
                targets = consumers.get(i, set())
                if key[0] == "node" and not self.parents[i] and not self.param[i] and len(targets) == 1:
                    (target,) = targets
                    keys[i] = target if target[0] == "rolled" else key
        units, unit_of, by_key = [], [], {}
        for i, key in enumerate(keys):
            if key not in by_key:
                by_key[key] = len(units)
                units.append(Unit([], key[0], *self._place(key, i)))
            unit = units[by_key[key]]
            unit.members.append(i)
            if self.step[i][1] is not None:
                unit.steps.add(self.step[i][1])
            unit_of.append(by_key[key])
        return units, unit_of

    def _place(self, key: tuple, i: int) -> tuple:
        """(group, t) of the unit `key` whose first member is node i (t None: not one step)."""
        if key[0] == "node":
            return self.step[i]
        if key[0] == "loss":
            return (), None
        return key[1], key[2] if key[0] == "step" else self.step[i][1] if key[0] == "skip" else None

    def _key(self, i: int, detail: str) -> tuple:
        """Which unit node i joins: ('node', i), ('step', group, t), ('rolled', group), or at cell
        detail ('in', group) / ('out', group) for a group's ops outside its steps (the input
        projection of all steps before them, the stacked outputs after them)."""
        group, t = self.step[i]
        if detail == "cell" and t is None and group in self.looped and self.parents[i]:
            return ("in" if i < self.first[group] else "out", group)     # a group's own ops, before / after
        if detail == "op" or self.param[i] or (detail == "cell" and t is None):
            return ("node", i)
        if detail == "cell":
            return ("step", group, t)
        if t is None:   # rolled: a group's own ops outside its steps (input projection, output stack) too
            outer = [group[:n] for n in range(len(group), 0, -1) if group[:n] in self.looped]
            if not outer:
                return ("node", i)
            group = outer[0]
        return ("rolled", group)

    def edge_kind(self, p: int, v: int) -> str:
        """'state' between different steps of one group, 'param' out of a weight, else 'data'."""
        (gp, tp), (gv, tv) = self.step[p], self.step[v]
        if tp is not None and tv is not None and gp == gv and tp != tv:
            return "state"
        return "param" if self.param[p] else "data"

    def edges(self, units: list, unit_of: list, detail: str) -> list:
        """The arrows to draw. Op detail keeps every parent slot (`a * a` has two); cell detail keeps
        one arrow per (tensor, receiving unit); rolled keeps one per unit pair, plus one self-loop per
        rolled unit that feeds its own later steps; arrows out of or into a '…' or loss unit, one per
        unit pair and kind."""
        out, seen = [], set()
        for v, parents in enumerate(self.parents):
            for p in parents:
                tail, head, kind = unit_of[p], unit_of[v], self.edge_kind(p, v)
                if tail == head and (kind != "state" or units[tail].kind != "rolled"):
                    continue
                whole = {units[tail].kind, units[head].kind} & {"skip", "loss"}
                if detail != "op" or whole:
                    key = (p, head) if detail == "cell" and not whole else (tail, head, kind)
                    if key in seen:
                        continue
                    seen.add(key)
                out.append(Edge(tail, head, kind))
        return out

    def step_states(self, units: list, unit_of: list) -> dict:
        """{unit: the positions of its output state h_t} for every step unit, in one pass.

        h_t is what the step hands to a later step and also outputs, or, failing that, what it hands
        on into a matmul or linear (h meets W_hh; an LSTM's c does not); a step that hands nothing on (the last
        one) is represented by its outputs.
        """
        carried, exposed, multiplied = {}, {}, set()
        for v, parents in enumerate(self.parents):
            for p in parents:
                tail = unit_of[p]
                if units[tail].kind == "step" and tail != unit_of[v]:
                    state = self.edge_kind(p, v) == "state"
                    (carried if state else exposed).setdefault(tail, set()).add(p)
                    if state and self.nodes[v].op in ("matmul", "linear"):
                        multiplied.add(p)
        root = len(self.nodes) - 1
        if units[unit_of[root]].kind == "step":
            exposed.setdefault(unit_of[root], set()).add(root)
        states = {}
        for k, unit in enumerate(units):
            if unit.kind == "step":
                c, e = carried.get(k, set()), exposed.get(k, set())
                states[k] = sorted((c & e) or (c & multiplied) or c or e)
        return states
