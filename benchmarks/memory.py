"""Peak memory: an LSTM training step against the hand-written numpy step, and truncated BPTT over
sequences of growing length.

Peaks are measured with tracemalloc, which sees every numpy array buffer (numpy reports its data
allocations to it) as well as the Python objects of the graph. Each measurement starts from a warm
state (one step already taken, garbage collected) and records the highest amount of memory allocated
inside the measured call, above what was allocated before it.

- LSTM step at the large size (B=64, H=256, T=100, I=128, float32), the model, reference and checks
  of lstm_step.py, in four engine configurations against the same numpy peak: the composed layer as it
  comes (the default, which the goal judges), the composed layer with loss.backward(keep_grads=False)
  (each intermediate drops its gradient once passed on), the fused layer (tr.nn.LSTM(..., fused=True),
  one node per time step) and the fused layer with keep_grads=False. One row each, with engine / numpy;
  the three opt-in rows show what they reach. Goal (issue 6): default engine peak <= 1.5 x numpy peak.
- tinygrad_rnn.train.tbptt with an LSTMCell and a linear head (B=32, H=128, I=64, float32) over total
  lengths 200, 400, 800 with fixed k1 = k2 = 25 and an overlapping k1 = 10, k2 = 25. Goal: the peak does
  not grow with the length (largest / smallest <= 1.1).

    .venv/bin/python benchmarks/memory.py [--quick]
"""
from __future__ import annotations

import _common as bench  # first: pins BLAS to one thread before numpy loads

import argparse
import gc
import tracemalloc
from typing import Callable

import numpy as np

import _numpy_refs as ref
import tinygrad_rnn as tr
from lstm_step import checked_case

MIB = 2.0 ** 20
# the engine configurations of the LSTM step table, (fused, keep_grads); the first is the default
ENGINES = ((False, True), (False, False), (True, True), (True, False))


def peak_bytes(fn: Callable[[], object]) -> int:
    """Highest tracemalloc total reached while fn() runs, above the total when it started."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def warm_peak_bytes(step: Callable[[], object]) -> int:
    """peak_bytes of step() after one call has warmed the optimizer, caches and the heap."""
    step()
    return peak_bytes(step)


def lstm_step_peaks(size: tuple) -> tuple:
    """Peak bytes of one numpy LSTM training step and of one engine step in each configuration of
    ENGINES (float32, each checked against the reference first): (numpy peak, {Case.kind: peak})."""
    cases = [checked_case(tr.nn.LSTM, ref.lstm_grads, size, fused=fused, keep_grads=keep_grads)
             for fused, keep_grads in ENGINES]
    engines = {case.kind: warm_peak_bytes(case.engine_step) for case in cases}
    return warm_peak_bytes(cases[0].numpy_step), engines


def tbptt_peak(length: int, k1: int, k2: int, size: tuple) -> int:
    """Peak bytes of tbptt over `length` steps of an LSTMCell + Linear language model (float32)."""
    B, H, I = size
    tr.manual_seed(0)
    rng = np.random.default_rng(0)
    cell, head = tr.nn.LSTMCell(I, H).to(np.float32), tr.nn.Linear(H, I).to(np.float32)
    optimizer = tr.optim.SGD(cell.parameters() + head.parameters(), lr=0.01)
    data = [(rng.standard_normal((B, I)).astype(np.float32), rng.integers(0, I, size=B))
            for _ in range(length)]                                    # (x_t, targets_t) per step
    state = (tr.Tensor(np.zeros((B, H), np.float32)), tr.Tensor(np.zeros((B, H), np.float32)))

    def step(item, state):
        x, y = item
        h, c = cell(tr.Tensor(x), state)
        return tr.nn.functional.cross_entropy(head(h), y), (h, c)

    def on_window(_loss):
        optimizer.step()
        optimizer.zero_grad()

    tr.train.tbptt(step, data[:k2], state, k1, k2, on_window)          # warm: optimizer and caches
    return peak_bytes(lambda: tr.train.tbptt(step, data, state, k1, k2, on_window))


def main() -> None:
    """Measure both; print the tables and whether each goal is met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke run)")
    args = parser.parse_args()
    step_size, tbptt_size = ((3, 8, 5, 6), (3, 8, 6)) if args.quick else ((64, 256, 100, 128), (32, 128, 64))
    lengths = (20, 40, 80) if args.quick else (200, 400, 800)
    windows = ((5, 5), (2, 5)) if args.quick else ((25, 25), (10, 25))
    bench.print_header()

    numpy_peak, engine_peaks = lstm_step_peaks(step_size)
    ratios = {kind: peak / numpy_peak for kind, peak in engine_peaks.items()}
    default, *opt_ins = ratios
    B, H, T, I = step_size
    print(f"### Peak memory of one LSTM training step, B={B}, H={H}, T={T}, I={I}, float32 (tracemalloc)\n")
    print("| engine configuration | numpy | engine | engine / numpy |\n|---|---:|---:|---:|")
    for kind, peak in engine_peaks.items():
        label = f"{kind} (default)" if kind == default else kind
        print(f"| {label} | {numpy_peak / MIB:.1f} MiB | {peak / MIB:.1f} MiB | {ratios[kind]:.2f} |")
    print(f"\n- {default} / numpy = {ratios[default]:.2f}, goal <= 1.5: "
          f"{'met' if ratios[default] <= 1.5 else 'NOT met'}")
    print("- what the opt-ins reach (not what the goal judges): "
          + "; ".join(f"{kind} / numpy = {ratios[kind]:.2f}" for kind in opt_ins) + "\n")

    B, H, I = tbptt_size
    print(f"### Peak memory of tr.train.tbptt, LSTMCell + Linear, B={B}, H={H}, I={I}, float32 "
          "(tracemalloc)\n")
    print("| k1, k2 | " + " | ".join(f"length {n}" for n in lengths) + " | largest / smallest |")
    print("|---|" + "---:|" * (len(lengths) + 1))
    verdicts = []
    for k1, k2 in windows:
        row = [tbptt_peak(n, k1, k2, tbptt_size) for n in lengths]
        growth = max(row) / min(row)
        print(f"| {k1}, {k2} | " + " | ".join(f"{b / MIB:.2f} MiB" for b in row) + f" | {growth:.2f} |")
        verdicts.append(f"- k1={k1}, k2={k2}: largest / smallest = {growth:.2f}, goal <= 1.1 (flat): "
                        f"{'met' if growth <= 1.1 else 'NOT met'}")
    print("\n" + "\n".join(verdicts))
    if args.quick:
        print("(quick run: the graphs are so small that the returned list of window losses shows as growth)")


if __name__ == "__main__":
    main()
