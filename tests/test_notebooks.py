"""Every notebook in the repository runs from top to bottom in this environment's python3 kernel and
shows its drawings inline as SVG; the stored copy keeps its outputs, so it reads on a repository host.

`python tests/test_notebooks.py` re-runs every notebook and stores it with its fresh outputs.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "out", "build", ".ipynb_checkpoints", ".git"}
NOTEBOOKS = sorted(p for p in ROOT.rglob("*.ipynb") if not SKIP & set(p.relative_to(ROOT).parts))


def execute(path: Path):
    """The notebook at `path`, run in the python3 kernel with its own folder as working directory."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)                    # no timestamps in the stored copy
    NotebookClient(notebook, timeout=120, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


def outputs(notebook, kind: str) -> list:
    """Every output of the code cells that carries `kind` (a mime type, or 'error')."""
    found = []
    for cell in notebook.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.output_type == kind or kind in out.get("data", {}):
                found.append(out)
    return found


def drawings(notebook) -> list:
    """The SVG outputs that Graphviz drew (a graph group inside), parsed."""
    svgs = [ET.fromstring(out.data["image/svg+xml"]) for out in outputs(notebook, "image/svg+xml")]
    return [svg for svg in svgs if svg.find(".//{http://www.w3.org/2000/svg}g[@class='graph']") is not None]


def test_there_is_a_tour_notebook():
    assert ROOT / "notebooks" / "tour.ipynb" in NOTEBOOKS


def test_the_python3_kernel_is_this_python():
    from jupyter_client import KernelManager
    command = KernelManager(kernel_name="python3").format_kernel_cmd()
    assert os.path.realpath(shutil.which(command[0]) or command[0]) == os.path.realpath(sys.executable)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_the_stored_notebook_shows_its_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))   # run once, in order
    assert not outputs(notebook, "error") and drawings(notebook)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (make test installs it)")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_the_notebook_runs_and_draws(path):
    notebook = execute(path)                                    # raises CellExecutionError on any error
    assert not outputs(notebook, "error")
    assert len(drawings(notebook)) >= 3
    if path.name == "tour.ipynb":
        printed = "".join(out.text for out in outputs(notebook, "stream"))
        by_hand = re.search(r"max \|backward - by hand\| for dL/dW_hh: (\S+)", printed)
        assert by_hand and float(by_hand.group(1)) < 1e-12 and outputs(notebook, "image/png")


if __name__ == "__main__":
    for path in NOTEBOOKS:
        nbformat.write(execute(path), path)
        print(f"ran and stored {path.relative_to(ROOT)}")
