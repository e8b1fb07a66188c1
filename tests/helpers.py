"""Shared test helpers: one-line op checks against independent oracles, and hypothesis shape strategies.

An op under test is an `Op`: a function that works on Tensors (and, when no separate reference is
given, on numpy arrays too, since `a + b`, `a.sum(axis=1)` and `a[idx]` read the same for both).
`check_op` asserts that the forward equals numpy's and that backward agrees with central differences
(tr.gradcheck, float64); `check_float32` asserts that float32 stays float32 on every node, data and
gradient. `check_value_op` does the same for Values against plain `math`.
"""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
from hypothesis import settings, strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_rnn as tr
from tinygrad_rnn.autograd import topological_order

# Property tests stay fast: few examples each; no per-example deadline, since timings vary with the
# drawn shapes and with machine load.
FAST = settings(max_examples=30, deadline=None)

seeds = st.integers(0, 2**32 - 1)


class Op:
    """An op to check: `fn` on Tensors, `ref` on numpy arrays (None: `fn` itself works on arrays).

    `domains` gives each input's range ("any", "positive" or "nonzero"; missing entries mean "any");
    inputs listed in `const` are handed to `fn` as plain arrays, which checks the reflected forms.
    """

    def __init__(self, fn: Callable, ref: Callable | None = None, domains: tuple = (), const: tuple = ()):
        self.fn, self.ref, self.domains, self.const = fn, ref or fn, domains, const

    def domain(self, i: int) -> str:
        """The range input i is drawn from."""
        return self.domains[i] if i < len(self.domains) else "any"


def sample(shape: tuple, seed: int, domain: str = "any") -> np.ndarray:
    """Random float64 entries: 'any' in [-2, 2], 'positive' in [0.5, 2], 'nonzero' in +-[0.5, 2]."""
    rng = np.random.default_rng(seed)
    if domain == "any":
        return rng.uniform(-2.0, 2.0, shape)
    magnitude = rng.uniform(0.5, 2.0, shape)
    return magnitude if domain == "positive" else magnitude * rng.choice([-1.0, 1.0], shape)


def _arrays(op: Op, shapes, seed: int) -> list:
    return [sample(s, seed + i, op.domain(i)) for i, s in enumerate(shapes)]


def _split(op: Op, arrays: list, dtype) -> tuple:
    """Tensors for the differentiable inputs, and `call(*tensors)` that slots the constants back in."""
    tensors = [tr.Tensor(a.astype(dtype), requires_grad=True) for i, a in enumerate(arrays) if i not in op.const]

    def call(*ts):
        it = iter(ts)
        return op.fn(*[a.astype(dtype) if i in op.const else next(it) for i, a in enumerate(arrays)])
    return tensors, call


def check_op(op: Op, shapes, seed: int) -> None:
    """The forward equals numpy to round-off and every input's gradient passes central differences."""
    arrays = _arrays(op, shapes, seed)
    tensors, call = _split(op, arrays, np.float64)
    out = call(*tensors)
    expected = np.asarray(op.ref(*[a.copy() for a in arrays]))
    assert isinstance(out, tr.Tensor) and out.shape == expected.shape
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)
    assert tr.gradcheck(call, *tensors)


def check_float32(op: Op, shapes, seed: int) -> None:
    """On float32 inputs every node of the graph holds float32 data and a float32 gradient."""
    tensors, call = _split(op, _arrays(op, shapes, seed), np.float32)
    out = call(*tensors)
    out.backward(np.ones(out.shape, dtype=np.float32))
    for node in topological_order(out):
        assert node.data.dtype == np.float32, f"op {node.op!r} made {node.data.dtype} data"
        assert node.grad.dtype == np.float32, f"op {node.op!r} got a {node.grad.dtype} gradient"


def check_value_op(fn: Callable, ref: Callable, xs: list, h: float = 1e-6) -> None:
    """Value forward equals `ref` on floats; each input's grad equals ref's central difference."""
    values = [tr.Value(x) for x in xs]
    out = fn(*values)
    assert isinstance(out, tr.Value)
    assert math.isclose(out.data, ref(*xs), rel_tol=1e-12, abs_tol=1e-12)
    out.backward()
    for i, v in enumerate(values):
        up = ref(*[x + h if j == i else x for j, x in enumerate(xs)])
        down = ref(*[x - h if j == i else x for j, x in enumerate(xs)])
        assert math.isclose(v.grad, (up - down) / (2 * h), rel_tol=1e-6, abs_tol=1e-6), f"input {i}"


def shapes(min_dims: int = 0, min_side: int = 0) -> st.SearchStrategy:
    """One array shape of up to 3 axes of up to 3 entries (0-d, size-1 and size-0 axes included)."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=3, min_side=min_side, max_side=3)


def broadcast_shapes(n: int = 2, min_side: int = 0, max_dims: int = 3) -> st.SearchStrategy:
    """A tuple of `n` shapes that broadcast together: size-1 axes, rank differences, 0-d scalars."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=0, max_dims=max_dims, min_side=min_side, max_side=3).map(lambda b: b.input_shapes)


@st.composite
def axes(draw, ndim: int):
    """A reduction `axis` for `ndim` axes: None, an int (maybe negative) or a tuple of distinct axes."""
    if ndim == 0:
        return draw(st.sampled_from([None, ()]))
    one = st.integers(-ndim, ndim - 1)
    several = st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim).flatmap(
        lambda picked: st.tuples(*[st.sampled_from([a, a - ndim]) for a in picked]))
    return draw(st.one_of(st.none(), one, several))


@st.composite
def matmul_shapes(draw) -> tuple:
    """Operand shapes (a, b) for `a @ b`: each 1-D, or matrices behind broadcast batch axes."""
    batch_a, batch_b = draw(broadcast_shapes(2, min_side=1, max_dims=2))
    n, k, m = draw(st.tuples(*[st.integers(1, 3)] * 3))
    a = (k,) if draw(st.booleans()) else batch_a + (n, k)
    b = (k,) if draw(st.booleans()) else batch_b + (k, m)
    return a, b


DEMOS = Path(__file__).resolve().parent.parent / "demos"


def load_demo(name: str):
    """Import demos/NAME.py by path, with demos/ on sys.path as when it runs as a script."""
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(DEMOS))
        spec = importlib.util.spec_from_file_location(f"demo_{name}", DEMOS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def run_quick(demo, out: Path):
    """A demo's main() with its --quick settings, writing its pictures into `out`; returns its result."""
    return demo.main(["--quick", "--out", str(out)])


def rounded6(t):
    """A tensor's values rounded to 6 places, flat (as the PyTorch scripts behind the expected numbers printed
    them); None stays None."""
    return None if t is None else [round(float(v), 6) for v in np.asarray(t._data).reshape(-1)]


def set_sine_params(m):
    """Give every parameter of a dialect module deterministic values, sin(0.37 i + k) / 2 for its i-th entry
    (k counts the parameters), as the PyTorch scripts behind the expected numbers set them; returns m."""
    import tinygrad_rnn.torch as torch
    with torch.no_grad():
        for k, (_, p) in enumerate(m.named_parameters()):
            p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float64) * 0.37 + k).reshape(p.shape) * 0.5)
    return m


def det(*shape, phase: float = 0.0, grad: bool = False):
    """A deterministic float64 dialect tensor, 1.3 sin(0.37 i + phase) in row-major order (the PyTorch scripts
    behind the layer tests made their inputs the same way)."""
    import tinygrad_rnn.torch as torch
    return torch.tensor(np.sin(np.arange(int(np.prod(shape))) * 0.37 + phase).reshape(shape) * 1.3,
                        requires_grad=grad)


def project(t, phase: float) -> float:
    """sum(t * det(phase)): one number that checks every entry of t against PyTorch's."""
    return float((t.detach() * det(*t.shape, phase=phase)).sum())


def close(a: float, b: float) -> bool:
    """a equals PyTorch's b to 1e-10 (relative, absolute below 1)."""
    return abs(a - b) <= 1e-10 * max(1.0, abs(b))


def backward_projected(*outs) -> list:
    """backward() of sum(out_i * det(phase 3 + 2 i)) over the outputs that are not None; returns those sums."""
    values = [(o, det(*o.shape, phase=3.0 + 2 * i)) for i, o in enumerate(outs) if o is not None]
    sum((o * d).sum() for o, d in values).backward()
    return [project(o, 3.0 + 2 * i) for i, o in enumerate(outs) if o is not None]


def raises_as_written(call: str, error: str, namespace: dict) -> None:
    """`call` (evaluated in namespace) raises `error`, written "Type: message" as PyTorch prints it."""
    import re
    kind, message = error.split(": ", 1)
    with pytest.raises(eval(kind, namespace), match="^" + re.escape(message) + "$"):
        eval(call, namespace)
