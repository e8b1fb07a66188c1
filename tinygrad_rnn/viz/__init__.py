"""Drawings of the recorded graph: time steps as boxes, shared weights drawn once, gradients as colour.

`draw(root)` returns a graphviz.Digraph (shown inline by Jupyter) and needs no `dot`; `render(root,
path)` writes SVG, PNG or PDF with Graphviz's `dot`. See docs/drawing.md for the pictures.

    drawing.py    draw(): checks the arguments, picks the detail level
    display.py    the Digraph it returns: without dot, a notebook shows install help and the source
    rendering.py  render(): runs dot, checks the layout it made, explains a missing dot
    graph.py      walks the graph, sorts nodes into (layer, direction, step) boxes and drawn units
    parts.py      the loss part, the elided middle steps, the gate names
    layout.py     units and arrows to nested clusters; nodes.py declares each unit
    scaffold.py   the invisible nodes and arrows that keep steps in time order and layers stacked
    check.py      reads dot's layout back: steps in order? layers stacked?
    labels.py, colour.py, style.py   the text in each node and the key, the gradient colours, the look
"""
from .drawing import draw
from .rendering import GraphvizNotFoundError, render

__all__ = ["draw", "render", "GraphvizNotFoundError"]
