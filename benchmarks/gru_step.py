"""GRU training step: the engine's GRU layer (PyTorch's reset_after=True), composed (the default) and
fused (opt-in), against a hand-written numpy GRU, float32.

The harness is lstm_step.py's (same model shape: the layer, a tr.nn.Linear head on every step,
softmax cross-entropy over all T*B outputs, backward, SGD; same sizes, checks, goals and tables): the
columns are numpy, "engine, composed" (tr.nn.GRU as it comes, which the goals judge) and "engine,
fused" (tr.nn.GRU(..., fused=True), one graph node per time step, the opt-in fast path), each engine
checked against the reference before it is timed. Only the layer and the reference
(benchmarks/_numpy_refs.py: gru_grads) change.

    .venv/bin/python benchmarks/gru_step.py [--quick] [--profile]
"""
from __future__ import annotations

import _common  # noqa: F401  (first: pins BLAS to one thread before numpy loads)

import _numpy_refs as ref
import tinygrad_rnn as tr
from lstm_step import run

if __name__ == "__main__":
    run(tr.nn.GRU, ref.gru_grads)
