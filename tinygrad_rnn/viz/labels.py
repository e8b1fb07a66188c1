"""The text inside each drawn node, as Graphviz HTML-like labels (bold title, small detail lines).

A Tensor op reads `matmul / (4, 8)`; a parameter reads its module path and shape; a Value is a
micrograd-style record `name | data 0.5000 | grad -0.2500`; a collapsed step reads `LSTM / t = 3 /
27 ops`. Gradient norms are added when the drawing shows gradients.
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


def number(x: float) -> str:
    """A number in at most four significant digits."""
    return f"{x:.4g}"


def shape_text(node) -> str:
    """'(3, 4)' for a Tensor, '()' for a 0-d one, '' for a Value (which has no shape)."""
    return "" if isinstance(node, Value) else str(tuple(node.data.shape))


def data_text(node, opts: Options) -> str:
    """The node's numbers when asked for: single numbers by default, small arrays with show_data=True."""
    if opts.show_data is False:
        return ""
    data = np.asarray(node.data)
    if data.size == 1:
        return number(float(data.reshape(())))
    if not opts.show_data or data.size == 0:
        return ""
    if data.size <= 6:
        return "[" + ", ".join(number(float(x)) for x in data.ravel()) + "]"
    return f"[{number(float(data.min()))} … {number(float(data.max()))}]"


def title(node, is_param: bool) -> str:
    """A node's headline: the op, else its name, else 'parameter' or 'constant'."""
    if node.op:
        return node.op
    if node.name:
        return node.name
    if is_param:
        return "parameter"
    return "constant"


def html(lines: list, font: str = "#000000") -> str:
    """An HTML-like label: the first line bold, the others smaller; empty lines are dropped."""
    head, *rest = [escape(line, quote=False) for line in lines if line]
    body = "".join(f'<BR/><FONT POINT-SIZE="9">{line}</FONT>' for line in rest)
    return f'<<FONT COLOR="{font}"><B>{head}</B>{body}</FONT>>'


def grad_text(norm: float | None) -> str:
    """'‖g‖ 3.2e-02', or '' when there is no gradient."""
    return "" if norm is None else f"‖g‖ {norm:.2g}"


def tensor_label(node, is_param: bool, opts: Options, norm: float | None, font: str) -> str:
    """Label of one Tensor node (op, parameter or leaf)."""
    lines = [title(node, is_param), shape_text(node) if opts.show_shapes else ""]
    if not node.op or np.size(node.data) == 1:
        lines.append(data_text(node, opts))
    lines.append(grad_text(norm) if opts.show_grad else "")
    return html(lines, font)


def value_record(node, fill: str, font: str) -> str:
    """Label of one Value, micrograd style: a strip of cells `name | data | grad`."""
    grad = "–" if node.grad is None else f"{node.grad:.4f}"
    cells = ([escape(node.name, quote=False)] if node.name else []) + [f"data {node.data:.4f}", f"grad {grad}"]
    row = "".join(f'<TD><FONT COLOR="{font}">{c}</FONT></TD>' for c in cells)
    return (f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" BGCOLOR="{fill}">'
            f'<TR>{row}</TR></TABLE>>')


def cell_label(kind: str, t: int | None, ops: int, norm: float | None, opts: Options, font: str) -> str:
    """Label of a collapsed step (cell detail, t given) or of a folded group (rolled detail, t None)."""
    when = f"t = {t}" if t is not None else ""
    count = f"{ops} ops" if t is not None else f"{ops} ops per step"
    return html([kind, when, count, grad_text(norm) if opts.show_grad else ""], font)
