"""Units and edges to a Graphviz Digraph: nested boxes per (layer, direction, step).

Boxes nest as the scopes do (layer, then direction, then step). Every arrow is declared in the
innermost box holding both of its ends, because dot orders the contents of a box by the arrows
declared in that box (see scaffold.py for how time order is kept). A constant that feeds one step
only (an initial state h0) is drawn inside that step's box, and a weight used by one (layer,
direction) only inside that group's box. The caption under the picture is the key.
"""
from __future__ import annotations

import math

import graphviz

from . import style
from .colour import GradScale, grad_norm
from .display import Drawing
from .graph import Recorded, box_title
from .labels import Options, key_legend, skip_label
from .nodes import declare
from .parts import elided, gate_names, loss_part, target_leaves
from .scaffold import add_scaffold
from ..scalar import Value


def common(a: tuple, b: tuple) -> tuple:
    """The longest common prefix of two box paths: the innermost box holding both."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


class Layout:
    """The drawing of one recorded graph at one detail level, ready to become a Digraph."""

    def __init__(self, rec: Recorded, detail: str, opts: Options, collapse_loss: bool = False,
                 keep: tuple | None = None):
        self.rec, self.detail, self.opts = rec, detail, opts
        loss = loss_part(rec) if collapse_loss or detail != "op" else set()
        self.targets = target_leaves(rec, loss_part(rec))
        self.gates = gate_names(rec) if detail == "op" else {}
        self.units, self.unit_of = rec.units(detail, loss, elided(rec, keep) if detail != "rolled" else set())
        self.edges = rec.edges(self.units, self.unit_of, detail)
        states = rec.step_states(self.units, self.unit_of) if detail == "cell" else {}
        self.norms = [self._norm(k, states) for k in range(len(self.units))] if opts.show_grad else []
        self.scale = GradScale(self.norms)
        self.paths = [self._box_path(k) for k in range(len(self.units))]
        self._adopt_leaves()
        self._group_params()
        self.skipped = {self.paths[k]: u.steps for k, u in enumerate(self.units) if u.kind == "skip" and detail == "op"}
        self.members, self.children, self.number = {(): []}, {(): []}, {(): 0}
        for k, path in enumerate(self.paths):
            for i in range(len(path)):
                if path[:i + 1] not in self.children:
                    self.children[path[:i + 1]], self.members[path[:i + 1]] = [], []
                    self.children[path[:i]].append(path[:i + 1])
                    self.number[path[:i + 1]] = len(self.number)
            self.members[path].append(k)
        for kids in self.children.values():     # steps in time order, other boxes as first met
            kids.sort(key=lambda c: (0, c[-1]) if isinstance(c[-1], int) else (1, self.number[c]))

    def _norm(self, k: int, states: dict) -> float | None:
        """A unit's gradient norm: its node's, or for a collapsed step the norm of dL/dh_t."""
        unit = self.units[k]
        if unit.kind in ("node", "loss", "in", "out"):
            return grad_norm(self.rec.nodes[max(unit.members)])       # the unit's result
        norms = [n for n in (grad_norm(self.rec.nodes[i]) for i in states.get(k, [])) if n is not None]
        return math.sqrt(sum(n * n for n in norms)) if norms else None

    def _box_path(self, k: int) -> tuple:
        """The nested boxes unit k sits in: scope components, then its step (an int) at op detail."""
        unit = self.units[k]
        if self.detail == "rolled" or unit.kind == "loss" or unit.kind == "node" and self.rec.param[unit.members[0]]:
            return ()
        if unit.t is None:
            return unit.group
        group = unit.group or ("",)        # the steps of a bare `t=` loop still share a (borderless) box
        return group + ((unit.t,) if unit.kind == "node" or unit.kind == "skip" and self.detail == "op" else ())

    def _adopt_leaves(self) -> None:
        """Move a constant into the box of the one step it feeds, if that box is inside its own (h0,
        made outside the steps, goes into t = 1)."""
        targets = {}            # where each unit's arrows go: a step's box, or None for anywhere else
        for e in self.edges:
            box = self.paths[e.head] if self.units[e.head].t is not None else None
            targets.setdefault(e.tail, set()).add(box)
        for k, unit in enumerate(self.units):
            i = unit.members[0]
            if unit.kind != "node" or self.rec.parents[i] or self.rec.param[i]:
                continue
            if len(targets.get(k, ())) == 1 and None not in targets[k]:
                (box,) = targets[k]
                if box[:len(self.paths[k])] == self.paths[k]:
                    self.paths[k] = box

    def _group_params(self) -> None:
        """Draw each weight inside the box of the one (layer, direction) group it feeds, if only one."""
        boxes = {}
        for e in self.edges:
            unit = self.units[e.head]
            boxes.setdefault(e.tail, set()).add(self.paths[e.head][:len(unit.group)] if unit.group else ())
        for k, unit in enumerate(self.units):
            if unit.kind == "node" and self.rec.param[unit.members[0]] and len(boxes.get(k, ())) == 1:
                (self.paths[k],) = boxes[k]

    def is_value(self, k: int) -> bool:
        """Is unit k a single Value (drawn as a micrograd record)?"""
        unit = self.units[k]
        return unit.kind == "node" and isinstance(self.rec.nodes[unit.members[0]], Value)

    def head(self, k: int) -> str:
        """Where arrows into unit k point: a Value's op bubble when it has one, else the unit itself."""
        return f"u{k}op" if self.is_value(k) and self.rec.nodes[self.units[k].members[0]].op else f"u{k}"

    def steps(self) -> list:
        """The step boxes (op detail), in time order."""
        return sorted((p for p in self.number if p and isinstance(p[-1], int)), key=lambda p: p[-1])

    # ---------------------------------------------------------------- the Digraph
    def digraph(self, graph_attrs: dict, variant: dict | None) -> graphviz.Digraph:
        """The Digraph; `variant` picks the time-order scaffolding (None: the plain fallback, boxes
        only). User graph attributes are applied last."""
        attrs = dict(style.PLAIN if variant is None else style.READABLE)
        if not self.children[()] and all(self.is_value(k) for k in range(len(self.units))):
            attrs.update(style.SCALAR)
        if variant and variant.get("newrank"):
            attrs["newrank"] = "true"
        attrs.update({k: str(v) for k, v in graph_attrs.items()})
        g = Drawing("tinygrad_rnn", graph_attr=attrs, node_attr=style.NODE, edge_attr=style.EDGE)
        self.where = {f"u{k}": p for k, p in enumerate(self.paths)}
        self.where.update({f"u{k}op": p for k, p in enumerate(self.paths)})
        self.arrows, self.extra, self.rows = {}, {}, {}   # per box path: arrows, helper nodes, one-rank row
        self.beside = {}                                  # per box path: weights on the rank of the input part
        self.flipped = set()                              # units whose arrows are written head to tail
        self.relays = {}                                  # (tail, head): the point a state arrow bends at
        if variant is not None:
            add_scaffold(self)
        self._queue_edges(plain=variant is None)
        self._boxes(g, ())
        grads = self.opts.show_grad and any(n is not None for n in self.norms)
        if self.opts.legend or grads:
            kinds = {"arrow:" + e.kind for e in self.edges} | {self._kind(k) for k in range(len(self.units))}
            g.attr(label=key_legend(kinds, self.scale if grads else None, self.opts.legend),
                   labelloc="b", labeljust="l")
        return g

    def _kind(self, k: int) -> str:
        """Unit k's entry in the key: weight, op, leaf, step, skip, loss or rolled."""
        unit = self.units[k]
        if unit.kind != "node":
            return "op" if unit.kind in ("in", "out") else unit.kind
        i = unit.members[0]
        return "weight" if self.rec.param[i] else "op" if self.rec.parents[i] else "leaf"

    def arrow(self, tail: str, head: str, **attrs) -> None:
        """Queue an arrow for declaration in the innermost box holding both of its ends."""
        self.arrows.setdefault(common(self.where[tail], self.where[head]), []).append((tail, head, attrs))

    def invisible(self, name: str, path: tuple) -> None:
        """Queue an invisible helper node for declaration in box `path`."""
        self.where[name] = path
        self.extra.setdefault(path, []).append(name)

    def _boxes(self, g: graphviz.Digraph, path: tuple) -> None:
        """Declare box `path`: its units and helpers, its sub-boxes, then its arrows (recursion depth
        is the scope depth, a handful)."""
        for k in self.members[path]:
            declare(self, g, k)
        for name in self.extra.get(path, []):
            g.node(name, **style.ANCHOR)
        for names in (self.rows.get(path), self.beside.get(path)):
            if names:
                with g.subgraph() as same:
                    same.attr(rank="same", label="")          # not the box's caption again
                    for name in names:
                        same.node(name)
        for child in self.children[path]:
            with g.subgraph(name=f"cluster_{self.number[child]}") as box:
                is_step = isinstance(child[-1], int)
                caption = box_title(child[-1]) if not is_step else \
                    skip_label(self.skipped[child]) if child in self.skipped else f"t = {child[-1]}"
                box.attr(label=caption,
                         **(style.STEP_BOX if is_step else style.GROUP_BOX if child[-1] else style.BARE_BOX))
                self._boxes(box, child)
        for tail, head, attrs in self.arrows.get(path, []):
            g.edge(tail, head, **attrs)

    def _queue_edges(self, plain: bool) -> None:
        """One arrow per edge, written in the time order of the steps they touch (dot meets boxes in
        the order a node's arrows were written). An arrow back in time (the reverse direction's
        state) is written forward with dir=back, so it never leads dot from a step to an earlier one."""
        def when(e):
            return max(t for t in (self.units[e.head].t, self.units[e.tail].t, -1) if t is not None)
        for e in sorted(self.edges, key=when):
            if e.tail == e.head:
                label = f" {len(self.units[e.tail].steps)} steps"
                self.arrow(f"u{e.tail}", f"u{e.tail}", label=label, **style.SELF_LOOP)
                continue
            attrs = {k: v for k, v in style.ARROW[e.kind].items() if not (plain and k == "constraint")}
            if e.kind == "param" and self.paths[e.tail] and self.detail == "cell" and not plain:
                attrs["constraint"] = "false"             # a weight sits beside the input part (scaffold.py)
            tail, head = f"u{e.tail}", self.head(e.head)
            if (e.tail, e.head) in self.relays:      # down, (across: scaffold.py), up: written upwards
                out, into = self.relays[(e.tail, e.head)]
                self.arrow(out, tail, **attrs, dir="none")
                self.arrow(into, head, **attrs)
                continue
            if e.kind == "state" and self.units[e.tail].t > self.units[e.head].t or e.tail in self.flipped:
                tail, head, attrs["dir"] = head, tail, "back"
            if e.kind == "state" and not plain:
                attrs.update(tailport="e", headport="w")            # out of a step's right, into the next's left
            self.arrow(tail, head, **attrs)
