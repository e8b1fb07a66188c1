"""draw(): the recorded graph below a Value or Tensor as a graphviz.Digraph (no `dot` needed)."""
from __future__ import annotations

import warnings

import graphviz

from ..autograd import Node
from .graph import Recorded
from .labels import Options
from .layout import Layout
from .scaffold import VARIANTS

DETAILS = ("auto", "op", "cell", "rolled")
PRESETS = ("readable", "plain")
AUTO_OP_LIMIT = 150     # 'auto' draws every op up to this many nodes, collapsed steps above it
MAX_NODES = 600         # above this, op detail collapses steps and cell detail folds time


def draw(root: Node, detail: str = "auto", show_grad: bool = False, show_data: bool | None = None,
         show_shapes: bool = True, max_nodes: int | None = MAX_NODES, preset: str = "readable",
         **graph_attrs) -> graphviz.Digraph:
    """Draw the graph that computed `root`, one box per time step, shared weights drawn once.

    detail: 'op' draws every primitive (op name and output shape); 'cell' collapses each (layer,
    direction, step) box into one node (cell type, step, op count); 'rolled' folds time away, one node
    per cell with a self-loop labelled with the number of steps; 'auto' picks 'op' for graphs of up
    to AUTO_OP_LIMIT nodes and 'cell' above. A graph of `Value`s is drawn micrograd-style, a record
    with data and grad per value and the ops as bubbles between them.
    show_grad: after backward(), fill nodes by log10 of their gradient norm (cell detail: the norm of
    dL/dh_t, the step's output state) and add a legend. show_data: print the numbers (None: single
    numbers only, True: small arrays too, False: never). show_shapes: print Tensor shapes.
    max_nodes: past this many nodes op detail switches to cell and cell detail to rolled, with a
    warning (None: never). preset: 'readable' (steps in time order, parameters on top) or 'plain'
    (boxes only: the fallback for a dot that fails on the readable one). graph_attrs: extra Graphviz
    graph attributes, e.g. rankdir='LR', dpi=150.
    Returns the Digraph: Jupyter shows it inline, `.source` is its dot text, render() writes files.
    """
    layout, attrs, preset = prepare(root, detail, show_grad, show_data, show_shapes, max_nodes, preset,
                                    **graph_attrs)
    return layout.digraph(attrs, VARIANTS[0] if preset == "readable" else None)


def prepare(root: Node, detail: str = "auto", show_grad: bool = False, show_data: bool | None = None,
            show_shapes: bool = True, max_nodes: int | None = MAX_NODES, preset: str = "readable",
            **graph_attrs) -> tuple:
    """Check draw()'s arguments, walk the graph, pick the detail: (Layout, graph_attrs, preset)."""
    if not isinstance(root, Node):
        raise TypeError(f"draw(root) expects a Value or Tensor, got {type(root).__name__}")
    if detail not in DETAILS:
        raise ValueError(f"draw(detail={detail!r}): expected one of {', '.join(map(repr, DETAILS))}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or isinstance(max_nodes, bool) or max_nodes < 1):
        raise ValueError(f"draw(max_nodes={max_nodes!r}): expected a positive int or None")
    if preset not in PRESETS:
        raise ValueError(f"draw(preset={preset!r}): expected one of {', '.join(map(repr, PRESETS))}")
    rec = Recorded(root)
    if show_grad and all(n.grad is None for n in rec.nodes):
        warnings.warn("draw(show_grad=True): no node has a gradient yet; call backward() first", stacklevel=3)
    layout = Layout(rec, choose_detail(rec, detail, max_nodes), Options(show_grad, show_data, show_shapes))
    return layout, graph_attrs, preset


def choose_detail(rec: Recorded, detail: str, max_nodes: int | None) -> str:
    """Resolve 'auto', then step down a level (with a warning) while the drawing exceeds max_nodes."""
    size = len(rec.nodes)
    if detail == "auto":
        detail = "op" if size <= AUTO_OP_LIMIT or not rec.has_steps else "cell"
    if max_nodes is None:
        return detail
    if detail == "op" and size > max_nodes:
        if not rec.has_steps:
            warnings.warn(f"draw: {size} nodes exceed max_nodes={max_nodes} and the graph has no time-step "
                          "scopes to collapse; drawing every op (dot may be slow)", stacklevel=3)
            return detail
        warnings.warn(f"draw: {size} nodes exceed max_nodes={max_nodes}; drawing at detail='cell' "
                      "(one node per time step) instead", stacklevel=3)
        detail = "cell"
    if detail == "cell":
        size = len(rec.units("cell")[0])
        if size > max_nodes:
            warnings.warn(f"draw: {size} nodes at detail='cell' still exceed max_nodes={max_nodes}; drawing "
                          "at detail='rolled' (time folded into one node per cell) instead", stacklevel=3)
            detail = "rolled"
    return detail
