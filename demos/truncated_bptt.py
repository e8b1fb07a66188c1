"""Truncated BPTT(k1, k2) on one long sequence: what the window k2 costs (memory, time) and what it buys.

The notes' pseudo-code (Sharif "Recurrent Neural Networks", TBPTT for k1 = k2 = 4; CS231n's truncated
BPTT in the IIT Hyderabad lecture 12): run the RNN one step at a time; every k1 steps, backpropagate
the losses of the last k1 steps through the last k2 steps, and update. Full BPTT (k1 = k2 = T) keeps
the graph of all T steps alive and updates once per pass over the sequence.

The task is a delay line with a known dependency length: random bits x_t stream in, the target is
y_t = x_{t-d}. To learn to remember x_{t-d}, the gradient of the loss at step t must reach step t - d,
d + 1 steps back, so TBPTT with k2 <= d learns nothing (the loss stays at chance, ln 2) however long
it trains, while k2 > d (k2 >= d + k1 for every loss of a window) solves it. The lesson, measured:
1. the loss reached, the wall time, and the kept graph (Tensors alive at the end of a window) against
   k2, and full BPTT on the same sequence;
2. peak memory (tracemalloc) grows with k2 and not with the sequence length; full BPTT's grows with T;
3. the drawing of one truncated window: k2 steps from a detached state (no arrow comes from before it).
"""
from __future__ import annotations

import gc
import math
import time
import tracemalloc
from typing import Sequence

import numpy as np

import _common
import tinygrad_rnn as tr
from tinygrad_rnn.nn.functional import cross_entropy
from tinygrad_rnn.train import tbptt

DELAY, BATCH, HIDDEN, K1, LR = 4, 8, 16, 2, 0.02
FIXED_K2 = 8                                    # the window of the memory-against-length table


# ---------------------------------------------------------------- the data and the model
def delay_task(rng: np.random.Generator, length: int, batch: int = BATCH, delay: int = DELAY) -> list:
    """`length` steps of (x_t (B, 1) floats, y_t (B,) ints) with y_t = x_{t-delay}: B streams of bits."""
    bits = rng.integers(0, 2, (length + delay, batch))
    return list(zip(bits[delay:, :, None].astype(float), bits[:-delay]))


class DelayNet(tr.nn.Module):
    """An LSTM cell reading one bit per step and a linear read-out of its two-class logits."""

    def __init__(self, hidden: int = HIDDEN):
        super().__init__()
        self.cell = tr.nn.LSTMCell(1, hidden)
        self.head = tr.nn.Linear(hidden, 2)

    def step(self, item: tuple, state: tuple) -> tuple:
        """tbptt's step: (loss_t, (h_t, c_t)) from item = (x_t, y_t) and (h_{t-1}, c_{t-1})."""
        x, y = item
        h, c = self.cell(tr.Tensor(x), state)
        return cross_entropy(self.head(h), y), (h, c)


def evaluate(net: DelayNet, data: list, delay: int = DELAY) -> float:
    """Mean loss per step on `data`, carrying the state; the first `delay` targets were never seen."""
    state, losses = net.cell.init_state(len(data[0][1])), []
    with tr.no_grad():
        for t, item in enumerate(data):
            loss, state = net.step(item, state)
            if t >= delay:
                losses.append(loss.item())
    return float(np.mean(losses))


def live_tensors() -> int:
    """How many Tensors are alive now: the graph tbptt keeps, plus a constant (parameters, ...)."""
    return sum(isinstance(o, tr.Tensor) for o in gc.get_objects())


# ---------------------------------------------------------------- 1. training against k2
def train(k1: int, k2: int, data: list, test: list, seed: int) -> dict:
    """One pass of TBPTT(k1, k2) with Adam over `data` from the seed's initial weights.

    Returns the loss per step of every window, the held-out loss reached, the wall and CPU seconds,
    the number of updates, and the Tensors kept alive at the end of the first window whose graph is full.
    """
    _common.seed(seed)
    net = DelayNet()
    opt = tr.optim.Adam(net.parameters(), lr=LR)
    gc.collect()
    baseline, kept, curve = live_tensors(), [], []
    progress = _common.Progress(math.ceil(len(data) / k1))

    def on_window(window_loss: float) -> None:
        done = min((len(curve) + 1) * k1, len(data))                # steps run so far
        curve.append(window_loss / (done - len(curve) * k1))       # mean loss per fresh step
        if done >= k2 and not kept:
            kept.append(live_tensors() - baseline)
        opt.step()
        opt.zero_grad()
        progress.update(len(curve), curve[-1])

    wall, cpu = time.perf_counter(), time.process_time()
    with progress:
        tbptt(net.step, data, net.cell.init_state(BATCH), k1, k2, on_window)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"curve": curve, "loss": evaluate(net, test), "wall": wall, "cpu": cpu, "updates": len(curve),
            "kept": kept[0]}


# ---------------------------------------------------------------- 2. peak memory
def peak_memory(k1: int, k2: int, length: int, seed: int = 0) -> int:
    """Peak bytes allocated (tracemalloc) while TBPTT(k1, k2) runs over `length` steps (no updates).

    After each window a full collection empties the interpreter's free lists (freed tuples and floats
    kept for reuse, which tracemalloc counts as allocated and which fill up over a long run), so the
    peak is what TBPTT itself keeps."""
    rng = _common.seed(seed)
    net, data = DelayNet(), delay_task(rng, length)
    state = net.cell.init_state(BATCH)

    def after_window(_):
        net.zero_grad()
        gc.collect()
    gc.collect()
    tracemalloc.start()
    try:
        tbptt(net.step, data, state, k1, k2, on_window=after_window)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ---------------------------------------------------------------- 3. one window, drawn
def draw_window(k2: int, path, seed: int = 0) -> str | None:
    """Draw the graph of one truncated window: k2 steps from a detached state, after its backward.
    Returns the file written, or None when Graphviz's `dot` is missing (_common.render says so)."""
    rng = _common.seed(seed)
    net, data = DelayNet(), delay_task(rng, 2 * k2)
    state = net.cell.init_state(BATCH)
    for item in data[:k2]:                                          # the steps before the window
        _, state = net.step(item, state)
    state = tuple(s.detach() for s in state)                        # the cut: no gradient flows back past here
    losses = []
    for t, (x, y) in enumerate(data[k2:], start=k2 + 1):           # one box per step and per part
        with tr.scope("LSTMCell.l0"), tr.scope(f"t={t}"):
            state = net.cell(tr.Tensor(x), state)
        with tr.scope("loss.l0"), tr.scope(f"t={t}"):
            losses.append(cross_entropy(net.head(state[0]), y))
    total = tr.stack(losses).sum()
    total.backward()
    written = _common.render(total, path, detail="cell", show_grad=True)
    return None if written is None else str(written)


def main(argv: Sequence[str] | None = None) -> dict:
    """Run the lesson; return the training table, the memory tables and the drawing's path."""
    args = _common.parse_args(__doc__, argv)
    rng = _common.seed(args.seed)
    length = 600 if args.quick else 2000
    windows = (2, 8) if args.quick else (2, 4, 8, 16)
    data, test = delay_task(rng, length), delay_task(rng, 200)
    print(f"Delay line: y_t = x_(t-{DELAY}) on {BATCH} streams of {length} random bits; "
          f"LSTM({HIDDEN}), Adam lr {LR}, k1 = {K1}. Chance loss ln 2 = {math.log(2):.3f}.")

    print("\n1. One pass of TBPTT(k1, k2) over the sequence, then the held-out loss per step:")
    runs = {}
    for k2 in windows:
        runs[k2] = train(K1, k2, data, test, args.seed)
    runs["full"] = train(length, length, data, test, args.seed)
    print(f"   {'k2':>6}  {'updates':>7}  {'kept Tensors':>12}  {'wall s':>6}  {'CPU s':>6}  {'loss reached':>12}")
    for k2, run in runs.items():
        print(f"   {k2:>6}  {run['updates']:>7}  {run['kept']:>12}  {run['wall']:6.2f}  {run['cpu']:6.2f}  "
              f"{run['loss']:12.4f}")
    print(f"   k2 <= {DELAY} cannot see the dependency: the loss stays at chance. The kept graph grows in "
          f"proportion to k2,\n   and so does the time (each step is backpropagated about k2 / k1 times). "
          f"Full BPTT keeps all {length} steps\n   and updates once: same data, one step of Adam.")

    print("\n2. Peak memory (tracemalloc, KB) of TBPTT with no updates:")
    short = (24, 48) if args.quick else (48, 96, 192)
    memory = {"k2": {k2: peak_memory(K1, k2, short[-1], args.seed) for k2 in windows},
              "length": {n: peak_memory(K1, FIXED_K2, n, args.seed) for n in short},
              "full": {n: peak_memory(n, n, n, args.seed) for n in short}}
    print("   against k2 (T = " + f"{short[-1]}):  " +
          "  ".join(f"k2={k}: {b / 1024:.0f}" for k, b in memory["k2"].items()))
    print(f"   against T (k2 = {FIXED_K2}):    " + "  ".join(f"T={n}: {b / 1024:.0f}" for n, b in memory["length"].items()))
    print("   full BPTT (k2 = T):     " + "  ".join(f"T={n}: {b / 1024:.0f}" for n, b in memory["full"].items()))
    slope = {name: (memory[name][short[-1]] - memory[name][short[0]]) / (short[-1] - short[0]) / 1024
             for name in ("length", "full")}
    print(f"   Each extra step of sequence adds {slope['full']:.0f} KB to full BPTT (its graph: about "
          f"{slope['full'] * length / 1024:.0f} MB for the {length}-step\n   sequence above) and "
          f"{slope['length']:.1f} KB to TBPTT({K1}, {FIXED_K2}) (bookkeeping such as one float per window; "
          f"its graph stays {FIXED_K2} steps).")

    out = _common.out_dir(args.out)
    print("\n3. One window of k2 = 4 steps from a detached state, coloured by gradient norm:")
    picture = draw_window(4, out / "truncated_bptt_window.svg", args.seed)
    smooth = max(1, length // K1 // 50)
    _common.plot({f"k2={k}": np.convolve(runs[k]["curve"], np.ones(smooth) / smooth, "valid") for k in windows},
                 out / "truncated_bptt.png", "TBPTT on the delay line", xlabel="window", ylabel="loss per step",
                 logy=True)
    return {"length": length, "runs": runs, "memory": memory, "picture": picture}


if __name__ == "__main__":
    main()
