"""Drawings of the recorded graph: time steps as boxes, shared weights drawn once, gradients as colour.

`draw(root)` returns a graphviz.Digraph (shown inline by Jupyter) and needs no `dot`; `render(root,
path)` writes SVG, PNG or PDF with Graphviz's `dot`. See docs/drawing.md for the pictures.

    drawing.py    draw(): checks the arguments, picks the detail level
    rendering.py  render(): runs dot, checks the layout it made, explains a missing dot
    graph.py      walks the graph, sorts nodes into (layer, direction, step) boxes and drawn units
    layout.py     units and arrows to nested clusters
    scaffold.py   the invisible nodes and arrows that keep steps in time order and layers stacked
    check.py      reads dot's layout back: steps in order? layers stacked?
    labels.py, colour.py, style.py   the text in each node, the gradient colour scale, the look
"""
from .drawing import draw
from .rendering import GraphvizNotFoundError, render

__all__ = ["draw", "render", "GraphvizNotFoundError"]
