"""Central finite differences against backward(): the independent oracle for every gradient."""
from __future__ import annotations

import numpy as np

import contextlib

from .autograd import Node, topological_order
from .tensor import Tensor


@contextlib.contextmanager
def grads_kept(root: Node):
    """Inside this block backward passes from `root` may run freely: on exit every node `root`
    depends on has the `.grad` it had on entry (helpers that backpropagate for their own purposes
    leave the user's gradients as they found them)."""
    saved = [(node, node._grad) for node in topological_order(root)]
    try:
        yield
    finally:
        for node, grad in saved:
            node._grad = grad


def gradcheck(fn, *inputs: Tensor, eps: float = 1e-6, atol: float = 1e-6, rtol: float = 1e-5,
              seed: int = 0) -> bool:
    """Check the gradients of `fn(*inputs)` with respect to every input that requires grad.

    The output is reduced along a random direction v, L = sum(v * fn(...)), so one backward pass
    checks every output at once. Each input element x is then nudged both ways and
    (L(x + eps) - L(x - eps)) / (2 eps) is compared with the backward gradient. Inputs must be float64
    (float32 round-off swamps a finite difference). `fn` may return a Tensor or a tuple whose first
    element is one. Returns True, or raises AssertionError naming the input, the worst element and
    both values.
    """
    _check_arguments(fn, inputs, eps, atol, rtol)
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input has requires_grad=True, so there is nothing to check")
    for i in checked:
        if inputs[i]._data.dtype != np.float64:
            raise TypeError(f"gradcheck: input {i} is {inputs[i]._data.dtype}; finite differences need float64")

    def output():
        out = fn(*inputs)
        out = out[0] if isinstance(out, (tuple, list)) and out else out
        if not isinstance(out, Tensor):
            raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
        return out

    v = np.random.default_rng(seed).standard_normal(output()._data.shape)
    loss = (output() * v).sum()
    with grads_kept(loss):
        for node in topological_order(loss):
            node._grad = None
        loss.backward()
        analytic_grads = {i: np.zeros_like(inputs[i]._data) if inputs[i]._grad is None else np.array(inputs[i]._grad)
                    for i in checked}
    for i in checked:
        numeric = _finite_differences(inputs[i], output, v, eps)
        analytic = analytic_grads[i]
        excess = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
        bad = ~(excess <= 0)                        # nan in either gradient is a mismatch too
        if bad.any():
            worst = np.unravel_index(np.argmax(np.where(np.isnan(excess), np.inf, excess)), numeric.shape)
            raise AssertionError(
                f"gradcheck: input {i} (shape {numeric.shape}) has {int(bad.sum())} wrong gradient entries; "
                f"worst at index {tuple(int(j) for j in worst)}: backward gives {analytic[worst]:.10g}, "
                f"finite differences give {numeric[worst]:.10g}")
    return True


def _finite_differences(x: Tensor, output, v: np.ndarray, eps: float) -> np.ndarray:
    """(L(x + eps) - L(x - eps)) / (2 eps) for each entry of x, L = sum(v * output()). The nudges go into a
    contiguous copy of x's data, and x gets its own array back whatever happens (an error in fn, an
    interrupt), so a parameter passed as an input is never left nudged."""
    original = x._data
    x._data = np.array(original, order="C")          # (0-d stays 0-d); the flat view below aliases it
    numeric = np.zeros_like(x._data)
    flat = x._data.reshape(-1)
    try:
        for k in range(flat.size):
            kept = flat[k]
            flat[k] = kept + eps
            up = float(np.sum(output()._data * v))
            flat[k] = kept - eps
            down = float(np.sum(output()._data * v))
            flat[k] = kept
            numeric.reshape(-1)[k] = (up - down) / (2 * eps)
    finally:
        x._data = original
    return numeric


def _check_arguments(fn, inputs: tuple, eps, atol, rtol) -> None:
    """A callable fn, Tensor inputs (a Value cannot be nudged as an array), a step eps > 0, tolerances >= 0."""
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be a function of the inputs, got {type(fn).__name__}")
    for i, x in enumerate(inputs):
        if isinstance(x, Node) and not isinstance(x, Tensor):
            raise TypeError(f"gradcheck: input {i} is a {type(x).__name__}; gradcheck checks Tensors "
                            "(wrap the number: Tensor(v.data, requires_grad=True))")
    for name, value, positive in (("eps", eps, True), ("atol", atol, False), ("rtol", rtol, False)):
        number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
        if not number or not np.isfinite(value) or not (value > 0 if positive else value >= 0):
            raise ValueError(f"gradcheck: {name} must be a number {'> 0' if positive else '>= 0'}, got {value!r}")
