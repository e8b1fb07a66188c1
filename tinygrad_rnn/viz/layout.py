"""Units and edges to a Graphviz Digraph: nested boxes per (layer, direction, step).

Boxes nest as the scopes do (layer, then direction, then step). Every arrow is declared in the
innermost box holding both of its ends, because dot orders the contents of a box by the arrows
declared in that box (see scaffold.py for how time order is kept). A constant made outside every
box that feeds one step only (an initial state h0) is drawn inside that step's box.
"""
from __future__ import annotations

import math

import graphviz

from . import style
from .colour import GradScale, grad_norm
from .graph import Recorded, box_title, cell_type
from .labels import Options, cell_label, html, tensor_label, value_record
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

    def __init__(self, rec: Recorded, detail: str, opts: Options):
        self.rec, self.detail, self.opts = rec, detail, opts
        self.units, self.unit_of = rec.units(detail)
        self.edges = rec.edges(self.unit_of, detail)
        states = rec.step_states(self.units, self.unit_of) if detail == "cell" else {}
        self.norms = [self._norm(k, states) for k in range(len(self.units))] if opts.show_grad else []
        self.scale = GradScale(self.norms)
        self.paths = [self._box_path(k) for k in range(len(self.units))]
        self._adopt_leaves()
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
        if unit.kind == "node":
            return grad_norm(self.rec.nodes[unit.members[0]])
        norms = [n for n in (grad_norm(self.rec.nodes[i]) for i in states.get(k, [])) if n is not None]
        return math.sqrt(sum(n * n for n in norms)) if norms else None

    def _box_path(self, k: int) -> tuple:
        """The nested boxes unit k sits in: scope components, then its step (an int) at op detail."""
        unit = self.units[k]
        if self.detail == "rolled" or unit.kind == "node" and self.rec.param[unit.members[0]]:
            return ()
        if unit.t is None:
            return unit.group
        group = unit.group or ("",)        # the steps of a bare `t=` loop still share a (borderless) box
        return group + ((unit.t,) if unit.kind == "node" else ())

    def _adopt_leaves(self) -> None:
        """Move a constant made outside every box into the box of the one step it feeds, if any."""
        targets = {}            # where each unit's arrows go: a step's box, or None for anywhere else
        for e in self.edges:
            box = self.paths[e.head] if self.units[e.head].t is not None else None
            targets.setdefault(e.tail, set()).add(box)
        for k, unit in enumerate(self.units):
            i = unit.members[0]
            if self.paths[k] or unit.kind != "node" or self.rec.parents[i] or self.rec.param[i]:
                continue
            if len(targets.get(k, ())) == 1 and None not in targets[k]:
                (self.paths[k],) = targets[k]

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
        g = graphviz.Digraph("tinygrad_rnn", graph_attr=attrs, node_attr=style.NODE, edge_attr=style.EDGE)
        self.where = {f"u{k}": p for k, p in enumerate(self.paths)}
        self.where.update({f"u{k}op": p for k, p in enumerate(self.paths)})
        self.arrows, self.extra, self.rows = {}, {}, {}   # per box path: arrows, helper nodes, one-rank row
        if variant is not None:
            add_scaffold(self, g)
        self._queue_edges(plain=variant is None)
        self._boxes(g, ())
        if self.opts.show_grad and any(n is not None for n in self.norms):
            g.attr(label=self.scale.legend(), labelloc="b", labeljust="l")
        return g

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
            self._node(g, k)
        for name in self.extra.get(path, []):
            g.node(name, **style.ANCHOR)
        if path in self.rows:
            with g.subgraph() as same:
                same.attr(rank="same")
                for name in self.rows[path]:
                    same.node(name)
        for child in self.children[path]:
            with g.subgraph(name=f"cluster_{self.number[child]}") as box:
                is_step = isinstance(child[-1], int)
                box.attr(label=f"t = {child[-1]}" if is_step else box_title(child[-1]),
                         **(style.STEP_BOX if is_step else style.GROUP_BOX if child[-1] else style.BARE_BOX))
                self._boxes(box, child)
        for tail, head, attrs in self.arrows.get(path, []):
            g.edge(tail, head, **attrs)

    def _node(self, g: graphviz.Digraph, k: int) -> None:
        """Declare unit k with its label, shape and fill."""
        unit, opts = self.units[k], self.opts
        norm = self.norms[k] if opts.show_grad else None
        fill, font = self.scale.fill(norm)
        colour = {"fillcolor": fill} if norm is not None else {}
        if unit.kind != "node":
            ops = sum(1 for i in unit.members if self.rec.nodes[i].op and self.rec.step[i][1] is not None)
            ops //= max(len(unit.steps), 1)
            if unit.kind == "step":
                g.node(f"u{k}", cell_label(cell_type(unit.group), unit.t, ops, norm, opts, font),
                       **style.CELL, **colour)
            else:
                title = " · ".join(box_title(c) for c in unit.group) or cell_type(unit.group)
                g.node(f"u{k}", cell_label(title, None, ops, None, opts, "#000000"), **style.CELL)
            return
        node, is_param = self.rec.nodes[unit.members[0]], self.rec.param[unit.members[0]]
        if isinstance(node, Value):
            if is_param and norm is None:
                fill = style.PARAM["fillcolor"]
            g.node(f"u{k}", value_record(node, fill, font), **style.VALUE)
            if node.op:
                g.node(f"u{k}op", html([node.op]), **style.VALUE_OP)
                g.edge(f"u{k}op", f"u{k}")
            return
        shape = style.PARAM if is_param else style.LEAF if not node.parents else {}
        g.node(f"u{k}", tensor_label(node, is_param, opts, norm, font), **{**shape, **colour})

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
            tail, head = f"u{e.tail}", self.head(e.head)
            if e.kind == "state" and self.units[e.tail].t > self.units[e.head].t:
                tail, head, attrs["dir"] = head, tail, "back"
            self.arrow(tail, head, **attrs)
