"""Invisible scaffolding that keeps time steps left to right and layers top to bottom.

dot has no "this box left of that box" constraint; it orders the contents of a box by a walk over
the arrows declared in that box and then by crossing reduction, and it keeps arrows between nodes of
one box on one rank left to right (with `remincross=false`, which stops a last global pass from
undoing that). So each group box (one layer and direction) gets:
- a row of invisible *columns* (op detail) or its collapsed cells (cell detail) on one rank, chained
  by invisible arrows in time order; at op detail each column points at an invisible anchor in its
  step's box, which holds the box under it;
- a *hub* above the row and above every node of the group that has no input inside the group
  (a bias sum, a transposed weight), with everything that feeds the group from outside (the layer
  below; for a reverse group, its forward twin) above the hub: so the group's box starts below
  its inputs instead of floating up to the parameters.
The parameters sit alone on the top rank, held by an invisible ceiling that every other source hangs
from. dot's crossing reduction can still swap boxes, so there are VARIANTS (with and without
`newrank`, a global ranking); render() checks the layout dot made and tries them in turn (check.py).
"""
from __future__ import annotations

from . import style

VARIANTS = ({"newrank": True}, {"newrank": False})


def add_scaffold(layout, g) -> None:
    """Queue the helper nodes, arrows and rank constraints on `layout` (a Layout) and `g`."""
    _top_rank(layout, g)
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


def _top_rank(layout, g) -> None:
    """Parameters on the minimum rank with the ceiling; every other source outside the boxes below it."""
    params = [k for k, u in enumerate(layout.units) if u.kind == "node" and layout.rec.param[u.members[0]]]
    if not params:
        return
    layout.where["ceiling"] = ()
    with g.subgraph() as top:
        top.attr(rank="min")
        top.node("ceiling", **style.ANCHOR)
        for k in params:
            top.node(f"u{k}")
    fed = {e.head for e in layout.edges if e.tail != e.head}
    for k, path in enumerate(layout.paths):
        if k not in fed and k not in params and not path:
            layout.arrow("ceiling", layout.head(k), **style.HIDDEN)


def _row(layout, group: tuple, times: list) -> None:
    """The group's time-ordered row: cells (cell detail) or columns pointing at step anchors (op)."""
    if layout.detail == "cell":
        cell = {layout.units[k].t: f"u{k}" for k in layout.members[group] if layout.units[k].kind == "step"}
        row = [cell[t] for t in times]
    else:
        row = []
        for t in times:
            step, column = group + (t,), f"c{layout.number[group + (t,)]}"
            layout.invisible(column, group)
            layout.invisible(f"a{layout.number[step]}", step)
            layout.arrow(column, f"a{layout.number[step]}", weight="10", **style.HIDDEN)
            row.append(column)
    layout.rows[group] = row
    for a, b in zip(row, row[1:]):
        layout.arrow(a, b, **style.HIDDEN)


def _hub(layout, group: tuple, groups: dict) -> None:
    """The group's hub: under what feeds the group, over its row and over its entry nodes."""
    hub = f"hub{layout.number[group]}"
    layout.invisible(hub, group)
    inside = {k for k, path in enumerate(layout.paths) if path[:len(group)] == group}
    has_inner_parent = {e.head for e in layout.edges if e.tail in inside and e.head in inside and e.kind != "state"}
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
        if layout.units[k].kind == "node":
            layout.arrow(top, layout.head(k), **style.HIDDEN)
