"""LSTM training step: the engine's LSTM layer, composed (the default) and fused (opt-in), against a
hand-written numpy LSTM, float32.

One step is what a training loop does: forward through tr.nn.LSTM and a tr.nn.Linear head over every
step's hidden state, softmax cross-entropy over all T*B outputs, backward, and an SGD update. The
reference (benchmarks/_numpy_refs.py) is the same model with the same weights, copied from the
engine's state_dict, written by hand in numpy. Two engine contenders, timed in the same process and
the same interleaved rounds as the reference:

- "engine, composed": tr.nn.LSTM as it comes, each time step built from Tensor ops (15 nodes),
  the drawable layer. The goals are judged on it.
- "engine, fused": tr.nn.LSTM(..., fused=True), each time step one graph node with a hand-written
  backward (tinygrad_rnn/nn/fused.py): the opt-in fast path, printed next to the goal for comparison.

A table shows the reference's time, each engine's time and each engine's time divided by the
reference's. Before timing, each engine model's loss and gradients are checked against the reference:
in float64 to 1e-10 relative, then in float32 (the timed dtype) to 1e-6. Goals (issue 6), on the
composed layer: composed / numpy <= 3.0 at B=1 and <= 1.5 at the two larger sizes. gru_step.py runs
the same harness with GRU; memory.py reuses the model and its checks.

Two tables: the first with the C library's allocator as it comes (what users get); the second after
telling glibc's malloc to keep freed memory. At the larger sizes the difference between them is page
faults: each step frees its graph, glibc hands the memory back to the OS, and the next step faults it
in again, about 2 µs per 4 KiB page (the minor page faults per step of each contender are printed under
each table; whether they happen depends on the heap's history, so the first table can vary between
runs). The second table leaves out B=1, whose small graph it is not about. The goals are judged on the
first table.

    .venv/bin/python benchmarks/lstm_step.py [--quick] [--profile]
"""
from __future__ import annotations

import _common as bench  # first: pins BLAS to one thread before numpy loads

import argparse
import ctypes
import resource
from typing import Callable

import numpy as np

import _numpy_refs as ref
import tinygrad_rnn as tr

# (B, H, T, I) with I input features and as many output classes (a character-level language model),
# the interleaved rounds to time, and the goal for composed engine / numpy
SIZES = [((1, 100, 25, 65), 15, 3.0), ((32, 128, 50, 64), 11, 1.5), ((64, 256, 100, 128), 7, 1.5)]
QUICK_SIZES = [((1, 8, 5, 6), 2, 3.0), ((3, 8, 5, 6), 2, 1.5)]
RTOL = {np.float64: 1e-10, np.float32: 1e-6}
LR = 0.01
# engine parameter name -> reference key
KEYS = {"rnn.weight_ih_l0": "W_ih", "rnn.weight_hh_l0": "W_hh", "rnn.bias_ih_l0": "b_ih",
        "rnn.bias_hh_l0": "b_hh", "head.weight": "W_y", "head.bias": "b_y"}


class SequenceModel(tr.nn.Module):
    """A one-layer recurrent net and a linear head on every step: x (T, B, I) -> logits (T*B, C).
    `layer_options` go to the layer's constructor as they are (e.g. fused=True)."""

    def __init__(self, layer: type, input_size: int, hidden_size: int, classes: int, **layer_options):
        self.rnn = layer(input_size, hidden_size, **layer_options)
        self.head = tr.nn.Linear(hidden_size, classes)

    def forward(self, x: tr.Tensor) -> tr.Tensor:
        out, _ = self.rnn(x)                                   # (T, B, H)
        T, B, H = out.shape
        return self.head(out.reshape(T * B, H))                # (T*B, C), time-major rows


class Case:
    """One size and one engine configuration: the engine model and optimizer, the reference's copy of
    the weights, the data. The same seed gives the same weights and data whatever the configuration.

    fused builds the layer with fused=True; keep_grads=False calls loss.backward(keep_grads=False),
    so the intermediate nodes drop their gradients once passed on (the parameters keep theirs)."""

    def __init__(self, layer: type, ref_grads: Callable, size: tuple, seed: int = 0, fused: bool = False,
                 keep_grads: bool = True):
        B, H, T, I = size
        tr.manual_seed(seed)
        rng = np.random.default_rng(seed)
        self.layer, self.ref_grads, self.size, self.keep_grads = layer, ref_grads, size, keep_grads
        self.kind = ("fused" if fused else "composed") + ("" if keep_grads else ", keep_grads=False")
        self.name = f"engine, {self.kind}"                    # a table column's name
        self.model = SequenceModel(layer, I, H, I, fused=fused)
        self.x = rng.standard_normal((T, B, I))
        self.targets = rng.integers(0, I, size=T * B)
        self.to(np.float64)

    def to(self, dtype) -> None:
        """Cast the model and the data; copy the engine's weights into the reference."""
        self.model.to(dtype)
        self.x = self.x.astype(dtype)
        self.x_tensor = tr.Tensor(self.x)
        self.params = {KEYS[k]: v for k, v in self.model.state_dict().items()}
        self.optimizer = tr.optim.SGD(self.model.parameters(), lr=LR)

    def engine_loss(self) -> tr.Tensor:
        """Forward and backward through the engine; the gradients land in the parameters."""
        self.optimizer.zero_grad()
        loss = tr.nn.functional.cross_entropy(self.model(self.x_tensor), self.targets)
        loss.backward(keep_grads=self.keep_grads)
        return loss

    def engine_step(self) -> None:
        """One engine training step: forward, loss, backward, SGD."""
        self.engine_loss()
        self.optimizer.step()

    def numpy_step(self) -> None:
        """One reference training step on the reference's own copy of the weights."""
        _, grads = self.ref_grads(self.params, self.x, self.targets)
        ref.sgd(self.params, grads, LR)

    def check(self) -> None:
        """Raise unless the reference's loss and every gradient agree with the engine's."""
        dtype = self.x.dtype.type
        label = f"{self.layer.__name__} ({self.name}) {self.label()} {np.dtype(dtype).name}"
        loss = self.engine_loss()
        want_loss, want = self.ref_grads(self.params, self.x, self.targets)
        bench.assert_close(f"{label}: loss", loss.data, want_loss, RTOL[dtype])
        for name, p in self.model.named_parameters():
            if p.data.dtype != dtype or p.grad.dtype != dtype:
                raise AssertionError(f"{label}: {name} is {p.data.dtype} with a {p.grad.dtype} grad")
            bench.assert_close(f"{label}: grad of {name}", p.grad, want[KEYS[name]], RTOL[dtype])

    def label(self) -> str:
        """The size as a table row's name."""
        B, H, T, I = self.size
        return f"B={B}, H={H}, T={T}, I={I}"


def checked_case(layer: type, ref_grads: Callable, size: tuple, fused: bool = False,
                 keep_grads: bool = True) -> Case:
    """A Case whose engine agrees with the reference in float64 (the maths), then cast to float32
    (the timed dtype) and checked again (the timed models agree)."""
    case = Case(layer, ref_grads, size, fused=fused, keep_grads=keep_grads)
    case.check()
    case.to(np.float32)
    case.check()
    return case


def keep_freed_memory() -> bool:
    """Tell glibc's malloc to keep freed memory instead of returning it to the OS; False if not glibc.

    By default glibc trims the top of its heap once more than a few MiB there are free, and a training
    step frees its whole graph at the end, so the next step touches fresh pages and pays a page fault
    per 4 KiB. This turns trimming off and serves blocks up to 32 MiB from the heap (the same effect as
    MALLOC_TRIM_THRESHOLD_ and MALLOC_MMAP_THRESHOLD_ in the environment), for the rest of the process.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3                 # glibc's <malloc.h> constants
    return bool(mallopt(M_TRIM_THRESHOLD, 2 ** 31 - 1) and mallopt(M_MMAP_THRESHOLD, 32 * 2 ** 20))


def page_faults(step: Callable[[], None], calls: int) -> float:
    """Minor page faults per call of `step` (first touches of memory new to the process)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        step()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


def time_cases(cases: list, title: str) -> None:
    """Time the numpy, composed and fused steps of each size, interleaved; print the table, the page
    faults of each contender and the goals (judged on the composed layer; the fused ratio beside it)."""
    rows, notes = [], []
    for composed, fused, rounds, goal in cases:
        engines = (composed, fused)
        times = bench.compare({"numpy": composed.numpy_step, **{e.name: e.engine_step for e in engines}},
                              rounds=rounds, round_time=0.02 if composed.size[0] == 1 else 0.1)
        rows.append((composed.label(), times))
        ratio, fused_ratio = (times[e.name] / times["numpy"] for e in engines)
        calls = max(2, rounds // 3)
        steps = [("numpy", composed.numpy_step)] + [(e.kind, e.engine_step) for e in engines]
        faults = ", ".join(f"{name} {page_faults(step, calls):.0f}" for name, step in steps)
        notes.append(f"- {composed.label()}: composed / numpy = {ratio:.2f}, goal <= {goal}: "
                     f"{'met' if ratio <= goal else 'NOT met'}; fused / numpy = {fused_ratio:.2f} (the "
                     f"opt-in fast path, fused=True; not what the goal judges). Page faults per step: "
                     f"{faults}")
    bench.print_table(title, rows, baseline="numpy")
    print("\n".join(notes) + "\n")


def run(layer: type, ref_grads: Callable, argv: list | None = None) -> None:
    """Check, time and (optionally) profile the layer's training step, composed and fused, at every
    size; print the tables.

    The first table is taken with the C library's default allocator settings, as users run; the second
    after keep_freed_memory(), which shows how much of the difference is page faults, not arithmetic.
    """
    parser = argparse.ArgumentParser(description=f"{layer.__name__} training step, engine vs numpy")
    parser.add_argument("--quick", action="store_true", help="tiny sizes and 2 rounds (a smoke run)")
    parser.add_argument("--profile", action="store_true", help="cProfile one step of each engine per size")
    args = parser.parse_args(argv)
    bench.print_header()
    cases = []
    for size, rounds, goal in QUICK_SIZES if args.quick else SIZES:
        pair = [checked_case(layer, ref_grads, size, fused=fused) for fused in (False, True)]
        cases.append((*pair, rounds, goal))
        if args.profile:
            for case in pair:
                print(f"cProfile of one step, {case.name}, {case.label()}:")
                bench.profile(case.engine_step, limit=25)
    name = layer.__name__
    time_cases(cases, f"{name} training step, float32 (median CPU time per step)")
    batched = [c for c in cases if c[0].size[0] > 1]           # trimming matters where graphs are big
    if keep_freed_memory():
        time_cases(batched, f"{name} training step, float32, malloc keeping freed memory (no heap trimming)")
    else:
        print("(not glibc: the table without heap trimming is skipped)")


if __name__ == "__main__":
    run(tr.nn.LSTM, ref.lstm_grads)
