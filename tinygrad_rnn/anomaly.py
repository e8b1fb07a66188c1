"""Anomaly mode: stop at the first op whose forward value or backward gradient is nan or inf.

Off by default; ops then pay only one flag check. When on, each new node also remembers the line of
user code that made it, so the error can point there.
"""
from __future__ import annotations

import contextlib
import os
import traceback

import numpy as np

from .autograd import STATE

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _user_frame() -> str:
    """'file:line in function' of the innermost stack frame outside this package."""
    for frame in reversed(traceback.extract_stack()):
        if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR) and "contextlib" not in frame.filename:
            return f"{frame.filename}:{frame.lineno} in {frame.name}"
    return "<unknown>"


def _where(node) -> str:
    scope = "/".join(node.scope) if node.scope else "no scope"
    origin = node.origin or "an unknown line: run the forward pass inside detect_anomaly() too"
    return f"op '{node.op}' (scope: {scope}; created at {origin})"


def _finite(x) -> bool:
    return bool(np.all(np.isfinite(x)))


def check_forward(node) -> None:
    """Record where `node` was made and raise if its value is not finite."""
    node.origin = _user_frame()
    if not _finite(node.data):
        raise FloatingPointError(f"detect_anomaly: forward of {_where(node)} produced nan or inf")


def check_backward(node, grads) -> None:
    """Raise if the local backward of `node` produced a nan or inf gradient for any parent."""
    for i, g in enumerate(grads):
        if g is not None and not _finite(getattr(g, "value", g)):    # IndexedGrad, ProductGrad: .value
            raise FloatingPointError(
                f"detect_anomaly: backward of {_where(node)} produced nan or inf in the gradient of input {i}")


@contextlib.contextmanager
def detect_anomaly():
    """Inside this block, forward and backward raise FloatingPointError at the first nan or inf."""
    previous = STATE.anomaly
    STATE.anomaly = True
    try:
        yield
    finally:
        STATE.anomaly = previous
