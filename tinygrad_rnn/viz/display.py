"""The drawing object draw() returns: a graphviz.Digraph whose notebook display survives a missing `dot`.

Jupyter shows a Digraph by asking it for SVG, which runs Graphviz's `dot`. Without `dot` graphviz
raises ExecutableNotFound deep inside IPython's display code, and the notebook shows a long traceback.
Drawing shows instead what to install and the drawing's DOT source (which renders anywhere later).
"""
from __future__ import annotations

from html import escape

import graphviz

INSTALL = ("    Debian/Ubuntu:  sudo apt-get install graphviz\n"
           "    Fedora:         sudo dnf install graphviz\n"
           "    macOS:          brew install graphviz\n"
           "    conda:          conda install -c conda-forge graphviz")


def missing_dot_text(source: str) -> str:
    """What a notebook shows in place of the picture when `dot` is missing: install help, then the source."""
    return ("Graphviz's `dot` program is not on PATH, so this drawing cannot be shown as a picture.\n"
            f"Install Graphviz, then re-run the cell (`pip install graphviz` installs only the Python\n"
            f"package, not `dot`):\n{INSTALL}\nMeanwhile, here is the drawing's DOT source\n"
            "(paste it into any Graphviz viewer, or run `dot -Tsvg drawing.gv -o drawing.svg`):\n\n" + source)


class Drawing(graphviz.Digraph):
    """A graphviz.Digraph (same API: .source, .pipe, .render) whose rich display, without `dot`,
    is the install help and the DOT source instead of an ExecutableNotFound traceback."""

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs) -> dict:
        """The picture as Jupyter wants it; without `dot`, plain text and HTML with the install help."""
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except graphviz.ExecutableNotFound:
            text = missing_dot_text(self.source)
            return {"text/plain": text, "text/html": f"<pre>{escape(text)}</pre>"}
