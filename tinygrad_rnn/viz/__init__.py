"""Drawings of the recorded graph: time steps as boxes, shared weights drawn once, gradients as colour.

`draw(root)` returns a graphviz.Digraph (shown inline by Jupyter) and needs no `dot`; `render(root,
path)` writes SVG, PNG or PDF with Graphviz's `dot`. See docs/drawing.md for the pictures.

graph.py   walks the graph and sorts nodes into (layer, direction, step) boxes and drawn units
layout.py  turns units into nested clusters kept in time order
labels.py  the text in each node; colour.py the gradient colour scale; style.py the look
"""
from .draw import draw
from .render import GraphvizNotFoundError, render

__all__ = ["draw", "render", "GraphvizNotFoundError"]
