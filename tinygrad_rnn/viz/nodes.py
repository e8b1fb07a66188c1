"""One drawn node: the label, shape and fill of each kind of unit (an op, a weight, a collapsed step,
the '⋯' of elided steps, the loss, a group's input part and outputs, a Value's record)."""
from __future__ import annotations

import graphviz

from . import style
from .graph import box_title, cell_type
from .labels import cell_label, html, loss_label, part_label, skip_label, tensor_label, value_record
from ..scalar import Value


def declare(layout, g: graphviz.Digraph, k: int) -> None:
    """Declare unit k of `layout` (a Layout) in `g` with its label, shape and fill."""
    unit, opts = layout.units[k], layout.opts
    norm = layout.norms[k] if opts.show_grad else None
    fill, font = layout.scale.fill(norm)
    colour = {"fillcolor": fill} if norm is not None else {}
    if unit.kind == "loss":
        g.node(f"u{k}", loss_label(layout.rec, unit.members, norm, opts, font), **{**style.LOSS, **colour})
        return
    if unit.kind in ("in", "out"):
        g.node(f"u{k}", part_label(layout.rec, unit, norm, opts, font), **colour)
        return
    if unit.kind == "skip" and layout.detail == "op":
        g.node(f"u{k}", html(["⋯", f"{len(unit.steps)} steps"]), **style.SKIP)
        return
    if unit.kind == "skip":
        g.node(f"u{k}", html(["⋯", skip_label(unit.steps)]), **style.SKIP)
        return
    if unit.kind != "node":
        ops = sum(1 for i in unit.members if layout.rec.nodes[i].op and layout.rec.step[i][1] is not None)
        ops //= max(len(unit.steps), 1)
        if unit.kind == "step":
            g.node(f"u{k}", cell_label(cell_type(unit.group), unit.t, ops, norm, opts, font),
                   **style.CELL, **colour)
        else:
            title = " · ".join(box_title(c) for c in unit.group) or cell_type(unit.group)
            g.node(f"u{k}", cell_label(title, None, ops, None, opts, "#000000"), **style.CELL)
        return
    node, is_param = layout.rec.nodes[unit.members[0]], layout.rec.param[unit.members[0]]
    if isinstance(node, Value):
        if is_param and norm is None:
            fill = style.PARAM["fillcolor"]
        g.node(f"u{k}", value_record(node, fill, font), **style.VALUE)
        if node.op:
            g.node(f"u{k}op", html([node.op]), **style.VALUE_OP)
            g.edge(f"u{k}op", f"u{k}")
        return
    shape = style.PARAM if is_param else style.LEAF if not node.parents else {}
    name = "target" if unit.members[0] in layout.targets else layout.gates.get(unit.members[0])
    g.node(f"u{k}", tensor_label(node, is_param, opts, norm, font, name), **{**shape, **colour})
