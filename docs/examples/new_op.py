"""A new Tensor op written from scratch: softplus(a) = ln(1 + e^a), a smooth relu.

An op is a forward computed with numpy and a local backward: a closure that maps the gradient g of
the output to the gradient of each input. `Node._child` records both; the graph machinery needs
nothing else, so the op works with backward(), no_grad(), scopes, anomaly mode and the drawing
(which labels the node with the op name given to _child). Inside the library this would be a method
of Tensor in tensor.py, written the same way; here it is a function so that no library file changes.
"""
from __future__ import annotations

import numpy as np

from tinygrad_rnn import Tensor


def softplus(x: Tensor) -> Tensor:
    """out = ln(1 + e^a); keeps s = sigmoid(a); da = g * s (the derivative of softplus is the sigmoid)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"softplus(x) expects a Tensor, got {type(x).__name__}")
    a = x.data
    out = np.logaddexp(0, a)                         # ln(e^0 + e^a): no overflow for large a
    s = np.exp(a - out)                              # e^a / (1 + e^a) = sigmoid(a), from the kept out
    return x._child(out, (x,), lambda g: (g * s,), "softplus")
