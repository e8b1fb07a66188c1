"""What a step left behind in its working directory: the harness's capture (program globals, plotted arrays,
final parameters and gradients, random draws, any exception), the .npz and text files the program wrote; and
how a failed step is described."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .runs import Step


def collect(wd: Path, k: int, step: Step, stderr: str) -> tuple[dict, dict, dict]:
    """(meta, capture, texts) of step k run in wd: the harness's metadata (or a HarnessCrash error if it wrote
    none), the captured arrays plus the arrays of the .npz files the step wrote (as file.<name>.<key>), and
    the other files the step wrote, as text."""
    meta_path = wd / f"capture.step{k}.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {"error": {
        "type": "HarnessCrash", "message": stderr.strip().splitlines()[-1] if stderr.strip() else "no output"}}
    npz_path = wd / f"capture.step{k}.npz"
    capture = dict(np.load(npz_path, allow_pickle=False)) if npz_path.exists() else {}
    for name in step.files:
        path = wd / name
        if path.suffix == ".npz" and path.exists():
            for key, value in np.load(path).items():
                capture[f"file.{name}.{key}"] = value
    texts = {name: (wd / name).read_text() for name in step.files
             if (wd / name).exists() and not name.endswith(".npz")}
    return meta, capture, texts


def describe_error(meta: dict) -> str:
    """The exception a step ended with: type, message, missing attribute, the program and library lines."""
    err = meta.get("error") or {}
    lines = [f"{err.get('type')}: {err.get('message')}"]
    if err.get("missing_attribute"):
        lines.append(f"missing attribute {err['missing_attribute']!r} on {err.get('on')}")
    for label in ("program_frame", "library_frame"):
        f = err.get(label)
        if f:
            lines.append(f"{label.replace('_', ' ')}: {f['file']}:{f['line']} in {f['function']}: {f['code']}")
    return "\n      ".join(lines)


def describe_failure(res: dict) -> str:
    """A failed step's result (from run_side): its error, then the tail of its stderr."""
    return f"{describe_error(res['meta'])}\n{res['stderr'][-2000:]}"
