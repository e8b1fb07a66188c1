"""render(): write a drawing to SVG, PNG or PDF with Graphviz's `dot`, and say how to get `dot`."""
from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import graphviz

from ..autograd import Node
from .check import stacked, steps_in_order
from .display import INSTALL
from .drawing import prepare
from .layout import Layout
from .scaffold import VARIANTS

FORMATS = ("svg", "png", "pdf")


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's `dot` program is not on PATH, so the drawing could not be rendered."""


def render(root: Node, path, format: str | None = None, **draw_kwargs) -> str:
    """Draw `root` as draw(root, **draw_kwargs) does and write it to `path`; returns the path.

    The format is the path's suffix (.svg, .png, .pdf) unless `format` is given. At op detail the
    layout dot makes is checked, and other arrangements are tried until the steps come out in time
    order. Without `dot` on PATH the dot source is written next to `path` (suffix .gv) and
    GraphvizNotFoundError says where it is and how to install Graphviz. If dot fails on the readable
    layout (some dot 2.4x builds abort on some cluster layouts), it is retried once with the plain
    preset, with a warning.
    """
    path, fmt = _target(path, format)
    layout, attrs, preset = prepare(root, **draw_kwargs)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OSError(f"render: cannot create the folder {os.fspath(path.parent)!r}: {err.strerror or err}") from None
    try:
        data = run_dot(pick_arrangement(layout, attrs, preset), fmt)
    except graphviz.ExecutableNotFound:
        source = path.with_suffix(".gv")
        source.write_text(layout.digraph(attrs, VARIANTS[0] if preset == "readable" else None).source,
                          encoding="utf-8")
        raise GraphvizNotFoundError(
            f"render: Graphviz's `dot` program is not on PATH, so {os.fspath(path)!r} was not written. The "
            f"drawing's source is in {os.fspath(source)!r} (render it later with `dot -T{fmt} {source} -o "
            f"{path}`). Install Graphviz:\n{INSTALL}") from None
    except graphviz.CalledProcessError as err:
        warnings.warn(f"render: dot failed on the readable layout ({_reason(err)}); retrying with the "
                      "plain preset", stacklevel=2)
        data = run_dot(layout.digraph(attrs, None), fmt)
    _write(path, data)
    return os.fspath(path)


def _write(path: Path, data: bytes) -> None:
    """Write the picture, an unwritable place (no permission, a read-only file system) named clearly."""
    try:
        path.write_bytes(data)
    except OSError as err:
        raise OSError(f"render: cannot write {os.fspath(path)!r}: {err.strerror or err}") from None


def _target(path, format) -> tuple:
    """render's path as a Path and its format, checked: a str or path-like, and svg, png or pdf."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"render(path=...) expects a file name such as 'out/graph.svg', got {type(path).__name__}")
    if format is not None and not isinstance(format, str):
        raise TypeError(f"render(format=...) expects one of {FORMATS} or None, got {type(format).__name__} {format!r}")
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"render(path={os.fspath(path)!r}, format={format!r}): cannot write format "
                         f"{fmt!r}; use a path ending in .svg, .png or .pdf, or pass format= one of {FORMATS}")
    blocked = next((p for p in [path, *path.parents] if p.exists() and not p.is_dir()), None)
    if path.is_dir() or (blocked is not None and blocked != path):
        reason = "it is a directory" if path.is_dir() else f"{os.fspath(blocked)!r} is a file, not a directory"
        raise ValueError(f"render(path={os.fspath(path)!r}): cannot write there: {reason}")
    return path, fmt


def pick_arrangement(layout: Layout, attrs: dict, preset: str) -> graphviz.Digraph:
    """The Digraph to render: at op detail, the first scaffolding variant whose layout keeps every
    group's steps in time order (and the layers stacked, if one does); else the default one."""
    if preset == "plain":
        return layout.digraph(attrs, None)
    if layout.detail != "op" or not layout.steps():
        return layout.digraph(attrs, VARIANTS[0])
    ordered, laid_out = None, False
    for variant in VARIANTS:
        graph = layout.digraph(attrs, variant)
        try:
            placed = json.loads(run_dot(graph, "json"))
        except graphviz.CalledProcessError:
            continue            # this arrangement crashes dot: try the next one
        laid_out = True
        if steps_in_order(placed):
            if stacked(placed):
                return graph
            ordered = ordered or graph
    if laid_out and ordered is None:
        warnings.warn("render: dot did not keep every time step in order in any arrangement tried (the "
                      "boxes are still labelled t = ...); detail='cell' keeps the order", stacklevel=3)
    return ordered or layout.digraph(attrs, VARIANTS[0])


def run_dot(graph: graphviz.Digraph, fmt: str) -> bytes:
    """Run dot on the graph and return the rendered file's bytes."""
    return graph.pipe(format=fmt, quiet=True)


def _reason(err: graphviz.CalledProcessError) -> str:
    """The last line dot wrote to stderr."""
    lines = (err.stderr or b"").decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"exit status {err.returncode}"
