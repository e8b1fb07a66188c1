"""The text inside each drawn node, as Graphviz HTML-like labels (bold title, small detail lines).

A Tensor op reads `matmul / (4, 8)`, a named one `i / sigmoid (2, 4)` (a gate, a state); a parameter
reads its module path and shape; a Value is a micrograd-style record `name | data 0.5000 | grad
-0.2500`; a collapsed step reads `LSTM · 15 ops / t = 3`, the collapsed loss `loss · 10 ops / 1.65`.
Gradient norms are added when the drawing shows gradients. key_legend() is the caption: a key to
the node and arrow styles, and the gradient scale.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np

from ..scalar import Value


@dataclass(frozen=True)
class Options:
    """What the labels show (see draw())."""

    show_grad: bool = False
    show_data: bool | None = None
    show_shapes: bool = True
    legend: bool = True


def number(x: float) -> str:
    """A number in at most four significant digits."""
    return f"{x:.4g}"


def shape_text(node) -> str:
    """'(3, 4)' for a Tensor, '()' for a 0-d one, '' for a Value (which has no shape)."""
    return "" if isinstance(node, Value) else str(tuple(node._data.shape))


def data_text(node, opts: Options) -> str:
    """The node's numbers when asked for: single numbers by default, small arrays with show_data=True."""
    if opts.show_data is False:
        return ""
    data = np.asarray(node._data)
    if data.size == 1:
        return number(float(data.reshape(())))
    if not opts.show_data or data.size == 0:
        return ""
    if data.size <= 6:
        return "[" + ", ".join(number(float(x)) for x in data.ravel()) + "]"
    return f"[{number(float(data.min()))} … {number(float(data.max()))}]"


def title(node, is_param: bool, name: str | None = None) -> list:
    """A node's headline and the op under it: a named op reads [name, op] (a gate: ['i', 'sigmoid']),
    else [op], [its name], [name] (e.g. 'target'), ['parameter'] or ['constant']."""
    named = node.name or name
    if node.op:
        return [named, node.op] if named else [node.op]
    return [named or ("parameter" if is_param else "constant")]


def html(lines: list, font: str = "#000000") -> str:
    """An HTML-like label: the first line bold, the others smaller; empty lines are dropped."""
    head, *rest = [escape(line, quote=False) for line in lines if line]
    body = "".join(f'<BR/><FONT POINT-SIZE="9">{line}</FONT>' for line in rest)
    return f'<<FONT COLOR="{font}"><B>{head}</B>{body}</FONT>>'


def grad_text(norm: float | None) -> str:
    """'‖g‖ 3.2e-02', or '' when there is no gradient."""
    return "" if norm is None else f"‖g‖ {norm:.2g}"


def tensor_label(node, is_param: bool, opts: Options, norm: float | None, font: str, name: str | None = None) -> str:
    """Label of one Tensor node (op, parameter or leaf); `name` stands in for a missing node.name."""
    head = title(node, is_param, name)
    lines = [head[0], " ".join(head[1:] + ([shape_text(node)] if opts.show_shapes else []))]
    if not node.op or np.size(node._data) == 1:
        lines.append(data_text(node, opts))
    lines.append(grad_text(norm) if opts.show_grad else "")
    return html(lines, font)


def value_record(node, fill: str, font: str) -> str:
    """Label of one Value, micrograd style: a strip of cells `name | data | grad`."""
    grad = "–" if node._grad is None else f"{node._grad:.4f}"
    cells = ([escape(node.name, quote=False)] if node.name else []) + [f"data {node._data:.4f}", f"grad {grad}"]
    row = "".join(f'<TD><FONT COLOR="{font}">{c}</FONT></TD>' for c in cells)
    return (f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" BGCOLOR="{fill}">'
            f'<TR>{row}</TR></TABLE>>')


def cell_label(kind: str, t: int | None, ops: int, norm: float | None, opts: Options, font: str) -> str:
    """Label of a collapsed step (cell detail, t given: 'LSTM · 15 ops / t = 3') or of a folded group
    (rolled detail, t None: 'LSTM layer 0 / 15 ops per step')."""
    if t is None:
        return html([kind, f"{ops} ops per step"], font)
    label = html([kind, f"t = {t}", grad_text(norm) if opts.show_grad else ""], font)
    return label.replace("</B>", f'</B><FONT POINT-SIZE="9"> · {ops} ops</FONT>', 1)   # one line less


def skip_label(steps: set) -> str:
    """The caption of the elided steps: 't = 4 … 97'."""
    return f"t = {min(steps)} … {max(steps)}"


def loss_label(rec, members: list, norm: float | None, opts: Options, font: str) -> str:
    """Label of the collapsed loss part: 'loss', how many ops it has, its value."""
    ops = sum(1 for i in members if rec.nodes[i].op)
    root = rec.nodes[max(members)]
    value = number(float(root._data.reshape(()))) if root._data.size == 1 and opts.show_data is not False else ""
    label = html(["loss", value, grad_text(norm) if opts.show_grad else ""], font)
    return label.replace("</B>", f'</B><FONT POINT-SIZE="9"> · {ops} ops</FONT>', 1)


_KEY = {   # what each kind looks like in the key: (cell attributes, text)
    "weight": ('BGCOLOR="#dde8f6" COLOR="#3f6fb0"', "weight"),
    "op": ('STYLE="rounded"', "op"),
    "leaf": ('STYLE="dashed"', "input, h0"),
    "step": ('STYLE="rounded"', "<B>time step</B>"),
    "skip": ('STYLE="dashed" BGCOLOR="#f4f4f4"', "⋯ steps left out"),
    "loss": ('STYLE="rounded" BGCOLOR="#fde7e0"', "<B>loss</B>"),
    "rolled": ('STYLE="rounded"', "<B>all steps, folded</B>"),
}
_ARROWS = {"state": ('#222222', "<B>━━▶</B>", "state h, c"),
           "param": ('#7d9ccb', "──▶", "weight use"),
           "data": ('#555555', "──▶", "value")}


def key_legend(kinds: set, scale, show_key: bool) -> str:
    """The drawing's caption as an HTML-like label: a key to the node and arrow styles present in
    `kinds` (when show_key) and, when `scale` is a GradScale, the gradient colour scale beside it."""
    cells = []
    if show_key:
        entries = [f'<TD {attrs}><FONT POINT-SIZE="10">{text}</FONT></TD>'
                 for kind, (attrs, text) in _KEY.items() if kind in kinds]
        entries += [f'<TD BORDER="0"><FONT COLOR="{colour}">{arrow}</FONT> <FONT POINT-SIZE="10">{text}</FONT></TD>'
                    for kind, (colour, arrow, text) in _ARROWS.items() if "arrow:" + kind in kinds]
        cells = ['<TD><TABLE BORDER="0" CELLBORDER="1" CELLSPACING="4" CELLPADDING="3"><TR>'
                 f'<TD BORDER="0"><B>key</B></TD>{"".join(entries)}</TR></TABLE></TD>']
    if scale is not None:
        cells.append(f"<TD>{scale.legend()[1:-1]}</TD>")               # beside the key: one row, not two
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0"><TR>{"".join(cells)}</TR></TABLE>>'


def part_label(rec, unit, norm: float | None, opts: Options, font: str) -> str:
    """Label of a group's ops before its steps (the input part of every step at once) or after them
    (the outputs of all steps stacked), at cell detail: what it is, its op count and result shape."""
    ops = sum(1 for i in unit.members if rec.nodes[i].op)
    what = "input part, all t" if unit.kind == "in" else "outputs, all t"
    shape = shape_text(rec.nodes[max(unit.members)]) if opts.show_shapes else ""
    return html([what, " ".join(filter(None, [f"{ops} ops" if ops > 1 else rec.nodes[max(unit.members)].op, shape])),
                 grad_text(norm) if opts.show_grad else ""], font)
