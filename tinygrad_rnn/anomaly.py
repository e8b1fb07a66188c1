"""Anomaly mode: stop at the first op whose forward value or backward gradient is nan or inf.

Off by default; ops then pay only one check of the mode's observer. When on, the engine shows every
new node and every local backward to the observer below, which also remembers the line of user code
that made each node, so the error can point there.
"""
from __future__ import annotations

import os
import traceback

import numpy as np

from .modes import switch

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


class AnomalyChecker:
    """The observer anomaly mode installs: it checks each new node and each local backward."""

    @staticmethod
    def forward(node) -> None:
        """Record where `node` was made and raise if its value is not finite."""
        node.origin = _user_frame()
        if not _finite(node._data):
            raise FloatingPointError(f"detect_anomaly: forward of {_where(node)} produced nan or inf")

    @staticmethod
    def backward(node, grads) -> None:
        """Raise if the local backward of `node` produced a nan or inf gradient for any parent."""
        for i, g in enumerate(grads):
            if g is not None and not _finite(getattr(g, "value", g)):      # a Deferred: its .value
                raise FloatingPointError(f"detect_anomaly: backward of {_where(node)} produced nan or inf "
                                         f"in the gradient of input {i}")


def detect_anomaly() -> switch:
    """Inside this block, forward and backward raise FloatingPointError at the first nan or inf."""
    return switch("observer", AnomalyChecker())
