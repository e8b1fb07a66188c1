"""The tour's page, out/index.html: one section per part, in tour order, each with its claim, the
numbers that back it, its pictures and links to the demo and the docs it comes from.

A part is a dict: title, claim, numbers (lines of text), pictures ((path or None, caption) pairs; a
.txt picture is a text chart, None a drawing skipped without `dot`), links (repository paths) and
optionally log (a sub-demo's full printed output, folded away under the part).
"""
from __future__ import annotations

import ast
import html
import os
from pathlib import Path

import _common

DOCS = {"docs/tour.md": "a guided reading of the source", "docs/drawing.md": "how to read the drawings",
        "docs/equations.md": "the notes' equations next to the lines of code",
        "docs/extending.md": "adding an op or a recurrent cell",
        "docs/pytorch.md": "moving weights to and from PyTorch"}
STYLE = """body{font-family:sans-serif;max-width:1000px;margin:0 auto;padding:0 1em;line-height:1.45}
img{max-width:100%;height:auto;display:block;margin:auto}
figure{margin:1.5em 0} figcaption{color:#444;text-align:center;font-size:.95em}
pre{overflow-x:auto;background:#f6f6f6;padding:.6em;font-size:.85em}
ul.numbers li{font-family:monospace;overflow-wrap:anywhere} h2{border-bottom:1px solid #ccc;margin-top:2em}"""


def link(out: Path, repo_path: str) -> str:
    """An <a> to a file of the repository, relative to the page so it works from a clone."""
    href = Path(os.path.relpath(_common.REPO_ROOT / repo_path, out)).as_posix()
    return f'<a href="{html.escape(href)}">{html.escape(repo_path)}</a>'


def figure(out: Path, path: Path | None, caption: str) -> str:
    """A picture with its caption: <img> for a file, <pre> for a text chart, a note for a skipped one."""
    if path is None:
        body = "<p><em>(drawing skipped: Graphviz's dot is not installed)</em></p>"
    elif Path(path).suffix == ".txt":
        body = f"<pre>{html.escape(Path(path).read_text())}</pre>"
    else:
        name = Path(os.path.relpath(path, out)).as_posix()
        body = f'<img src="{html.escape(name)}" alt="{html.escape(caption)}">'
    return f"<figure>{body}<figcaption>{html.escape(caption)}</figcaption></figure>"


def section(out: Path, number: int, part: dict) -> str:
    """One part of the tour as an HTML section."""
    rows = [f'<section id="part-{number}">', f"<h2>{number}. {html.escape(part['title'])}</h2>",
            f"<p><strong>Claim.</strong> {html.escape(part['claim'])}</p>", '<ul class="numbers">',
            *(f"<li>{html.escape(line)}</li>" for line in part["numbers"]), "</ul>",
            *(figure(out, path, caption) for path, caption in part["pictures"]),
            "<p>More: " + ", ".join(link(out, p) for p in part["links"]) + ".</p>"]
    if part.get("log"):
        rows.append(f"<details><summary>Full output of {html.escape(part['links'][0])}</summary>"
                    f"<pre>{html.escape(part['log'])}</pre></details>")
    return "\n".join(rows + ["</section>"])


def demos(out: Path) -> str:
    """A list of every runnable demo in demos/ with the first line of its docstring."""
    items = []
    for path in sorted((_common.REPO_ROOT / "demos").glob("*.py")):
        source = path.read_text()
        if path.name.startswith("_") or "def main(" not in source:
            continue
        summary = " ".join((ast.get_docstring(ast.parse(source)) or "").split("\n\n")[0].split())
        items.append(f"<li>{link(out, f'demos/{path.name}')}: {html.escape(summary)}</li>")
    return "<ul>\n" + "\n".join(items) + "\n</ul>"


def write(out: Path, parts: list) -> Path:
    """Write out/index.html for the parts, in order; returns its path."""
    contents = "".join(f'<li><a href="#part-{i}">{html.escape(p["title"])}</a></li>'
                       for i, p in enumerate(parts, 1))
    docs = "".join(f"<li>{link(out, path)}: {html.escape(what)}</li>" for path, what in DOCS.items())
    page = "\n".join([
        "<!doctype html>", "<html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>tinygrad_rnn: the tour</title><style>{STYLE}</style></head><body>",
        "<h1>tinygrad_rnn: the tour</h1>",
        "<p>What <code>make demo</code> just ran (<code>demos/tour.py</code>), part by part: each claim, the "
        "numbers measured on this run, and the pictures. The drawings are the graphs the library recorded, "
        "one box per time step.</p>", f"<ol>{contents}</ol>",
        *(section(out, i, part) for i, part in enumerate(parts, 1)),
        "<h2>Read on</h2>", f"<ul>{docs}</ul>",
        "<h2>Every demo</h2>", "<p>Run one with <code>make demo DEMO=NAME</code> (add <code>ARGS=--quick</code> "
        "for a run of a few seconds).</p>", demos(out), "</body></html>", ""])
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
