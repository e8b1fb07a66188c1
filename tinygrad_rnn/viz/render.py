"""render(): write a drawing to SVG, PNG or PDF with Graphviz's `dot`, and say how to get `dot`."""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import graphviz

from ..autograd import Node
from .draw import draw

FORMATS = ("svg", "png", "pdf")
INSTALL = ("    Debian/Ubuntu:  sudo apt-get install graphviz\n"
           "    Fedora:         sudo dnf install graphviz\n"
           "    macOS:          brew install graphviz\n"
           "    conda:          conda install -c conda-forge graphviz")


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's `dot` program is not on PATH, so the drawing could not be rendered."""


def render(root: Node, path, format: str | None = None, **draw_kwargs) -> str:
    """Draw `root` with draw(root, **draw_kwargs) and write it to `path` (format: the path's suffix).

    Returns the path written. Without `dot` on PATH the dot source is written next to `path` (same
    name, suffix .gv) and GraphvizNotFoundError says where it is and how to install Graphviz. If dot
    fails on the readable layout (some dot 2.4x builds abort on clusters with newrank), the drawing is
    retried once with a plain layout, with a warning.
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"render(path={os.fspath(path)!r}, format={format!r}): cannot write format "
                         f"{fmt!r}; use a path ending in .svg, .png or .pdf, or pass format= one of {FORMATS}")
    graph = draw(root, **draw_kwargs)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = layout(graph, fmt)
    except graphviz.ExecutableNotFound:
        source = path.with_suffix(".gv")
        source.write_text(graph.source, encoding="utf-8")
        raise GraphvizNotFoundError(
            f"render: Graphviz's `dot` program is not on PATH, so {os.fspath(path)!r} was not written. The "
            f"drawing's source is in {os.fspath(source)!r} (render it later with `dot -T{fmt} {source} -o "
            f"{path}`). Install Graphviz:\n{INSTALL}") from None
    except graphviz.CalledProcessError as err:
        reason = (err.stderr or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        warnings.warn(f"render: dot failed on the readable layout ({reason[0]}); retrying with a plain one",
                      stacklevel=2)
        data = layout(draw(root, **{**draw_kwargs, "preset": "plain"}), fmt)
    path.write_bytes(data)
    return os.fspath(path)


def layout(graph: graphviz.Digraph, fmt: str) -> bytes:
    """Run dot on the graph and return the rendered file's bytes."""
    return graph.pipe(format=fmt, quiet=True)
