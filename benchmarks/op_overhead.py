"""Per-op overhead of the Tensor engine: add, matmul and tanh against the bare numpy calls.

Each row times one op two ways, in one process, interleaved (benchmarks/_common.py):
- fwd: the engine op on Tensors that require grad (so the graph is recorded) against the numpy call.
- fwd+bwd: the engine as in a training step (grads set to None, op, `backward(g)` with a given
  upstream gradient g) against the numpy forward plus the numpy calls of the backward formula written
  by hand. The reference is the strict minimum: where a gradient is g itself (add) it costs nothing,
  so the engine's private copy of each leaf's first gradient shows up as overhead. The matmul
  backward uses np.dot: with a batch of one, a.T @ g has inner size 1, where np.matmul is about ten
  times slower than np.dot (numpy 2.4, OpenBLAS), and a hand-written step would not pay that.
Before timing, the engine's gradients are checked against the hand-written ones.

    .venv/bin/python benchmarks/op_overhead.py [--dtype float32|float64|both] [--rounds N]
"""
from __future__ import annotations

import _common as bench  # first: pins BLAS to one thread before numpy loads

import argparse

import numpy as np

import tinygrad_rnn as tr

# name -> (numpy forward, numpy backward by hand, engine op); backward(g, inputs, out) -> input grads
OPS = {
    "add": (np.add, lambda g, a, b, out: (g, g), lambda x, y: x + y),
    "matmul": (np.matmul, lambda g, a, b, out: (np.dot(g, b.T), np.dot(a.T, g)), lambda x, y: x @ y),
    "tanh": (np.tanh, lambda g, a, t: (g * (1 - t * t),), lambda x: x.tanh()),   # tanh' = 1 - t^2
}

# op -> the input shapes at the small (one sequence, one step) and the large (a batch) size
SHAPES = {
    "add": [((1, 100), (1, 100)), ((64, 256), (64, 256))],
    "matmul": [((1, 100), (100, 100)), ((64, 256), (256, 256))],
    "tanh": [((1, 100),), ((64, 256),)],
}

RTOL = {np.float32: 1e-6, np.float64: 1e-10}


def make_case(op: str, shapes: tuple, dtype, rng: np.random.Generator) -> dict:
    """The four timed callables of one (op, shapes, dtype) case, after checking the engine's gradients."""
    forward, backward, engine_op = OPS[op]
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    tensors = [tr.Tensor(a, requires_grad=True) for a in arrays]
    g = rng.standard_normal(forward(*arrays).shape).astype(dtype)

    def numpy_step():
        return backward(g, *arrays, forward(*arrays))

    def engine_step():
        for t in tensors:
            t.grad = None                     # zero_grad(), as at the start of a training step
        engine_op(*tensors).backward(g)

    engine_step()
    for i, (t, want) in enumerate(zip(tensors, numpy_step())):
        bench.assert_close(f"{op} {shapes} grad of input {i}", t.grad, want, RTOL[dtype])
    return {"fwd": {"numpy": lambda: forward(*arrays), "engine": lambda: engine_op(*tensors)},
            "fwd+bwd": {"numpy": numpy_step, "engine": engine_step}}


def main() -> None:
    """Time every op, size and mode; print one table per dtype."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dtype", choices=["float32", "float64", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds per row (median)")
    args = parser.parse_args()
    bench.print_header()
    rng = np.random.default_rng(0)
    dtypes = [np.float32, np.float64] if args.dtype == "both" else [getattr(np, args.dtype)]
    for dtype in dtypes:
        rows = []
        for op, sizes in SHAPES.items():
            for shapes in sizes:
                case = make_case(op, shapes, dtype, rng)
                label = f"{op} {' @ '.join(map(str, shapes)) if op == 'matmul' else shapes[0]}"
                for mode, fns in case.items():
                    rows.append((f"{label} {mode}", bench.compare(fns, rounds=args.rounds)))
        title = f"Tensor op overhead, {np.dtype(dtype).name} (median CPU time per call)"
        bench.print_table(title, rows, baseline="numpy")


if __name__ == "__main__":
    main()
