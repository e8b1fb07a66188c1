"""Invisible scaffolding that keeps time steps left to right and each layer above the one it reads.

The drawing flows upwards (rankdir=BT), as the textbook's unrolled picture does: inputs enter from
below, outputs leave above, the next layer sits on top. dot has no "this box left of that box"
constraint; it orders the contents of a box by a walk over the arrows declared in that box and then
by crossing reduction, and it keeps arrows between nodes of one box on one rank left to right (with
`remincross=false`, which stops a last global pass from undoing that). So each group box (one layer
and direction) gets:
- a row of invisible *columns* (op detail) or its collapsed cells (cell detail) on one rank, chained
  by invisible arrows in time order; at op detail each column points at an invisible anchor in its
  step's box, which holds the box over it; at cell detail the initial states (h0, c0) join the row
  beside the step they start, and the group's weights sit on the rank of its input part;
- a *hub* under the row and under every node of the group that has no input inside the group
  (a bias sum, a transposed weight), with everything that feeds the group from outside (the layer
  below; for a reverse group, its forward twin) under the hub: so the group's box starts above
  its inputs;
- at op detail, bend points that carry the hidden state from one step box to the next along the
  bottom of the boxes (_relays), as the textbook draws h.
dot's crossing reduction can still swap boxes, so there are VARIANTS (with and without `newrank`, a
global ranking); render() checks the layout dot made and tries them in turn (check.py).
"""
from __future__ import annotations

from . import style

VARIANTS = ({"newrank": True}, {"newrank": False})


def add_scaffold(layout) -> None:
    """Queue the helper nodes, arrows and rank constraints on `layout` (a Layout)."""
    if layout.detail == "rolled":
        return
    groups = {}
    for k, unit in enumerate(layout.units):
        if unit.t is not None:
            groups.setdefault(layout.paths[k][:len(unit.group or ("",))], set()).add(unit.t)
    for group, times in groups.items():
        _row(layout, group, sorted(times))
    for group in groups:
        _hub(layout, group, groups)


def _row(layout, group: tuple, times: list) -> None:
    """The group's time-ordered row: cells (cell detail) or columns pointing at step anchors (op)."""
    if layout.detail == "cell":
        cell = {layout.units[k].t: f"u{k}" for k in layout.members[group] if layout.units[k].kind in ("step", "skip")}
        row = [cell[t] for t in times]
        first, last = row[0], row[-1]
        for k in layout.members[group]:       # an initial state (h0, c0) beside the step it starts
            fed = {f"u{e.head}" for e in layout.edges if e.tail == k}
            if layout.units[k].kind == "node" and not layout.rec.parents[layout.units[k].members[0]] \
                    and len(fed) == 1 and fed <= {first, last}:
                row = [f"u{k}"] + row if fed == {first} else row + [f"u{k}"]
                if fed != {first}:
                    layout.flipped.add(k)      # right of the step it feeds: its arrow runs right to left
    else:
        row, relays = [], _relays(layout, group)
        for t in times:
            step, column = group + (t,), f"c{layout.number[group + (t,)]}"
            layout.invisible(column, group)
            layout.invisible(f"a{layout.number[step]}", step)
            layout.arrow(column, f"a{layout.number[step]}", weight="10", **style.HIDDEN)
            row.append(column)
            if relays.get(t):
                layout.beside[step] = [f"a{layout.number[step]}"] + relays[t]
        for (tail, head), (out, into) in layout.relays.items():   # the bottom leg: flat, left to right
            if layout.paths[head][:-1] == group:
                left, right = (out, into) if layout.units[tail].t < layout.units[head].t else (into, out)
                layout.arrow(left, right, dir="none", minlen="0",
                             **{k: v for k, v in style.ARROW["state"].items() if k != "constraint"})
    layout.rows[group] = row
    if layout.detail == "cell":      # the group's weights beside its input part, not a rank under it
        part = [k for k in layout.members[group] if layout.units[k].kind == "in"]
        weights = [k for k in layout.members[group] if layout.units[k].kind == "node"
                   and layout.rec.param[layout.units[k].members[0]]]
        if part and weights:
            layout.beside[group] = [f"u{k}" for k in part + weights]
    for a, b in zip(row, row[1:]):
        layout.arrow(a, b, **style.HIDDEN)


def _relays(layout, group: tuple) -> dict:
    """Op detail: {t: bend points on the bottom rank of step t}. dot routes a state arrow between two
    step boxes around the whole group, so each one is drawn through two invisible bend points, one in
    each box, as the textbook draws h: down inside its own step, across the bottom rank of the two
    boxes (a flat arrow), up into the op that reads it. The hidden state h (named by the layers, or
    a Value's), any state read by a matmul (h_{t-1} W_hh, at the bottom of its box) and the arrows of a '⋯' box
    go this way; the cell state c runs straight across from one step to the next."""
    relays = {}
    for e in layout.edges:
        tail, head = layout.units[e.tail], layout.units[e.head]
        if e.kind != "state" or layout.paths[e.head][:-1] != group or layout.paths[e.tail][:-1] != group:
            continue
        node = layout.rec.nodes[head.members[0]] if head.kind == "node" else None
        hidden = tail.kind == "node" and (layout.rec.nodes[tail.members[0]].name == "h" or layout.is_value(e.tail))
        if node is not None and node.op not in ("matmul", "linear") and not hidden:
            continue
        out, into = f"ro{e.tail}_{e.head}", f"ri{e.tail}_{e.head}"
        layout.invisible(out, layout.paths[e.tail])
        layout.invisible(into, layout.paths[e.head])
        layout.relays[(e.tail, e.head)] = (out, into)
        relays.setdefault(tail.t, []).append(out)
        relays.setdefault(head.t, []).append(into)
    return relays


def _hub(layout, group: tuple, groups: dict) -> None:
    """The group's hub: under what feeds the group, over its row and over its entry nodes."""
    hub = f"hub{layout.number[group]}"
    layout.invisible(hub, group)
    inside = {k for k, path in enumerate(layout.paths) if path[:len(group)] == group}
    has_inner_parent = {e.head for e in layout.edges
                        if e.tail in inside and e.head in inside and e.kind not in ("state", "param")}
    feeds = sorted({e.tail for e in layout.edges
                    if e.head in inside and e.tail not in inside and e.kind == "data"})
    forward = group[:-1] + ("forward",)
    if group[-1:] == ("reverse",) and forward in groups:
        twin = {k for k, path in enumerate(layout.paths) if path[:len(forward)] == forward}
        feeds += sorted(twin - {e.tail for e in layout.edges if e.head in twin})
    for k in feeds:
        layout.arrow(f"u{k}", hub, **style.HIDDEN)
    for name in layout.rows[group]:
        layout.arrow(hub, name, weight="10", **style.HIDDEN)
    for k in sorted(inside - has_inner_parent):       # entry nodes (fed only from outside, or by the
        # previous step's state, e.g. a step's linear of h_prev): under the hub, or the step's anchor
        step = layout.paths[k]
        top = f"a{layout.number[step]}" if step and isinstance(step[-1], int) else hub
        if layout.units[k].kind == "node" and not layout.rec.param[layout.units[k].members[0]]:
            layout.arrow(top, layout.head(k), **style.HIDDEN)
