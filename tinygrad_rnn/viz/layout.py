"""Units and edges to a Graphviz Digraph: nested boxes per (layer, direction, step), in time order.

Boxes nest as the scopes do (layer, then direction, then step). Steps of one group are kept left to
right in time order by rank constraints: at op detail each step box holds an invisible anchor above
its first ops, the anchors of a group share one rank and are chained by invisible arrows (dot lays
arrows within a rank left to right); at cell detail the collapsed cells themselves are chained. The
reverse direction is stacked under the forward one, step under step.
"""
from __future__ import annotations

import math

import graphviz

from . import style
from .colour import GradScale, grad_norm
from .graph import Recorded, box_title, cell_type
from .labels import Options, cell_label, html, tensor_label, value_record
from ..scalar import Value


class Layout:
    """Builds the Digraph for one detail level; `plain` drops every layout constraint but the boxes."""

    def __init__(self, rec: Recorded, detail: str, opts: Options, plain: bool = False):
        self.rec, self.detail, self.opts, self.plain = rec, detail, opts, plain
        self.units, self.unit_of = rec.units(detail)
        self.edges = rec.edges(self.unit_of, detail)
        self.states = rec.step_states(self.units, self.unit_of) if detail == "cell" else {}
        self.norms = [self._norm(k) for k in range(len(self.units))] if opts.show_grad else []
        self.scale = GradScale(self.norms)
        self._box_tree()

    # ---------------------------------------------------------------- what each unit is
    def _norm(self, k: int) -> float | None:
        """A unit's gradient norm: its node's, or for a collapsed step the norm of dL/dh_t."""
        unit = self.units[k]
        if unit.kind == "node":
            return grad_norm(self.rec.nodes[unit.members[0]])
        norms = [grad_norm(self.rec.nodes[i]) for i in self.states.get(k, [])]
        norms = [n for n in norms if n is not None]
        return math.sqrt(sum(n * n for n in norms)) if norms else None

    def _is_value(self, k: int) -> bool:
        unit = self.units[k]
        return unit.kind == "node" and isinstance(self.rec.nodes[unit.members[0]], Value)

    def head_id(self, k: int) -> str:
        """Where arrows into unit k point: a Value's op bubble when it has one, else the unit itself."""
        node = self.rec.nodes[self.units[k].members[0]]
        return f"u{k}op" if self._is_value(k) and node.op else f"u{k}"

    def box_path(self, k: int) -> tuple:
        """The nested boxes unit k sits in: scope components, then its step (an int) at op detail."""
        unit = self.units[k]
        if self.detail == "rolled" or self.rec.param[unit.members[0]] and unit.kind == "node":
            return ()
        if unit.t is None:
            return unit.group
        group = unit.group or ("",)        # steps of a bare `t=` loop still get a (borderless) box
        return group + ((unit.t,) if unit.kind == "node" else ())

    # ---------------------------------------------------------------- the Digraph
    def digraph(self, graph_attrs: dict) -> graphviz.Digraph:
        """The complete drawing, user graph attributes applied last."""
        steps_drawn = any(u.t is not None or u.kind == "rolled" for u in self.units)
        attrs = dict(style.PLAIN if self.plain else style.READABLE)
        if not steps_drawn and all(self._is_value(k) for k in range(len(self.units))):
            attrs.update(style.SCALAR)
        attrs.update({k: str(v) for k, v in graph_attrs.items()})
        g = graphviz.Digraph("tinygrad_rnn", graph_attr=attrs, node_attr=style.NODE, edge_attr=style.EDGE)
        self._boxes(g)
        self._arrows(g)
        if not self.plain:
            self._ranks(g)
        if self.opts.show_grad and any(n is not None for n in self.norms):
            g.attr(label=self.scale.legend(), labelloc="b", labeljust="l")
        return g

    def _box_tree(self) -> None:
        """Which units sit directly in each box (`members`), its sub-boxes, and a number per box."""
        self.members, self.children, self.order = {(): []}, {(): []}, {}
        for k in range(len(self.units)):
            path = self.box_path(k)
            for i in range(len(path)):
                if path[:i + 1] not in self.children:
                    self.children[path[:i + 1]], self.members[path[:i + 1]] = [], []
                    self.children[path[:i]].append(path[:i + 1])
                    self.order[path[:i + 1]] = len(self.order)
            self.members[path].append(k)
        for kids in self.children.values():     # steps in time order, other boxes as first met
            kids.sort(key=lambda c: (0, c[-1]) if isinstance(c[-1], int) else (1, self.order[c]))

    def _boxes(self, g: graphviz.Digraph, path: tuple = ()) -> None:
        """Declare the units of box `path` and, nested, its sub-boxes (recursion depth = scope depth)."""
        for k in self.members[path]:
            self._node(g, k)
        import os
        if os.environ.get("ANCHOR_IN_GROUP") and not self.plain:
            for child in self.children[path]:
                if isinstance(child[-1], int):
                    g.node(f"a{self.order[child]}", **style.ANCHOR)
        rev = not os.environ.get("NATURAL")
        # dot 2.4x places the boxes inside a box right to left in the order they are declared (at the
        # top level the arrows decide), so declaring them last-first puts t = 1 on the left.
        for child in reversed(self.children[path]) if path and rev else self.children[path]:
            with g.subgraph(name=f"cluster_{self.order[child]}") as box:
                is_step = isinstance(child[-1], int)
                box.attr(label=f"t = {child[-1]}" if is_step else box_title(child[-1]),
                         **(style.STEP_BOX if is_step else style.GROUP_BOX if child[-1] else style.BARE_BOX))
                if is_step and not self.plain and not os.environ.get("ANCHOR_IN_GROUP"):
                    box.node(f"a{self.order[child]}", **style.ANCHOR)
                self._boxes(box, child)

    def _node(self, g: graphviz.Digraph, k: int) -> None:
        """Declare unit k with its label, shape and fill."""
        unit, opts = self.units[k], self.opts
        fill, font = self.scale.fill(self.norms[k]) if opts.show_grad else ("#ffffff", "#000000")
        colour = {"fillcolor": fill} if opts.show_grad and self.norms[k] is not None else {}
        if unit.kind != "node":
            ops = sum(1 for i in unit.members if self.rec.nodes[i].op) // max(len(unit.steps), 1)
            if unit.kind == "step":
                g.node(f"u{k}", cell_label(cell_type(unit.group), unit.t, ops, self.norms[k] if opts.show_grad
                                           else None, opts, font), **style.CELL, **colour)
            else:
                title = " · ".join(box_title(c) for c in unit.group) or cell_type(unit.group)
                g.node(f"u{k}", html([title, f"{ops} ops per step"]), **style.CELL)
            return
        i = unit.members[0]
        node, is_param = self.rec.nodes[i], self.rec.param[i]
        if isinstance(node, Value):
            g.node(f"u{k}", value_record(node, fill, font), **style.VALUE)
            if node.op:
                g.node(f"u{k}op", html([node.op]), **style.VALUE_OP)
                g.edge(f"u{k}op", f"u{k}")
            return
        extra = style.PARAM if is_param else style.LEAF if not node.op else {}
        g.node(f"u{k}", tensor_label(node, is_param, opts, self.norms[k] if opts.show_grad else None, font),
               **{**extra, **colour})

    def _arrows(self, g: graphviz.Digraph) -> None:
        """One arrow per edge; arrows back in time are written forwards with dir=back, so that, laid
        within one rank, they never reverse the time order of the cells."""
        for e in self.edges:
            if e.tail == e.head:
                steps = len(self.units[e.tail].steps)
                g.edge(f"u{e.tail}", f"u{e.tail}", label=f" {steps} steps", **style.SELF_LOOP)
                continue
            attrs = dict(style.ARROW[e.kind])
            if self.plain:
                attrs.pop("constraint", None)
            tail, head = f"u{e.tail}", self.head_id(e.head)
            if e.kind == "state" and self.units[e.tail].t > self.units[e.head].t:
                tail, head, attrs["dir"] = head, tail, "back"
            g.edge(tail, head, **attrs)

    def _ranks(self, g: graphviz.Digraph) -> None:
        """Parameters alone on the top rank; each group's steps on one rank, chained in time order;
        the reverse direction under the forward one."""
        params = [k for k, u in enumerate(self.units) if u.kind == "node" and self.rec.param[u.members[0]]]
        if params:      # an invisible ceiling on the parameters' rank keeps every other source below it
            g.node("ceiling", **style.ANCHOR)
            self._same_rank(g, ["ceiling"] + [f"u{k}" for k in params], "min")
            fed = {e.head for e in self.edges} | set(params)
            for k in range(len(self.units)):
                if k not in fed:
                    g.edge("ceiling", self.head_id(k), **style.HIDDEN)
            for path in self.order:
                if isinstance(path[-1], int):
                    g.edge("ceiling", f"a{self.order[path]}", **style.HIDDEN)
        rows = {}       # {group: [(t, name that carries the step's rank, names at the step's bottom)]}
        if self.detail == "cell":
            for k, u in enumerate(self.units):
                if u.kind == "step":
                    rows.setdefault(u.group, []).append((u.t, f"u{k}", [f"u{k}"]))
        elif self.detail == "op":
            for path in (p for p in self.order if isinstance(p[-1], int)):
                rows.setdefault(path[:-1], []).append((path[-1], f"a{self.order[path]}", self._tie_step(g, path)))
        for row in rows.values():
            row.sort(key=lambda item: item[0])
            self._same_rank(g, [name for _, name, _ in row], "same")
            for (_, a, _), (_, b, _) in zip(row, row[1:]):
                g.edge(a, b, **style.HIDDEN)
        for group, row in rows.items():
            forward = dict((t, bottom) for t, _, bottom in rows.get(group[:-1] + ("forward",), []))
            if group[-1:] == ("reverse",):
                for t, top, _ in row:
                    for tail in forward.get(t, []):
                        g.edge(tail, top, **style.HIDDEN)

    @staticmethod
    def _same_rank(g: graphviz.Digraph, names: list, rank: str) -> None:
        if names:
            with g.subgraph() as sub:
                sub.attr(rank=rank)
                for name in names:
                    sub.node(name)

    def _tie_step(self, g: graphviz.Digraph, path: tuple) -> list:
        """Hang a step's first ops under its anchor and the anchor under the step's inputs (the layer
        below); return the names of the step's last ops."""
        inside = set(self.members[path])
        has_parent, has_child, feeds = set(), set(), set()
        for e in self.edges:
            if e.head in inside:
                if e.tail in inside:
                    has_parent.add(e.head)
                    has_child.add(e.tail)
                elif e.kind == "data":
                    feeds.add(e.tail)
        anchor = f"a{self.order[path]}"
        for k in sorted(inside - has_parent):
            g.edge(anchor, self.head_id(k), **style.HIDDEN)
        for k in sorted(feeds):
            g.edge(f"u{k}", anchor, **style.HIDDEN)
        return [f"u{k}" for k in sorted(inside - has_child)]
