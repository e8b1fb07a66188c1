"""Stacked (multi-layer) RNNs: is 2 to 4 layers best? A drawing of a 2-layer bidirectional stack, and
why an 8-layer stack needs skip connections.

The notes ("Multi-layer RNNs in practice"): the hidden states of layer i are the inputs of layer i+1;
Britz et al. (2017) found 2 to 4 layers best for translation, and skip connections are needed to train
deeper RNNs (e.g. 8 layers). Three parts:
1. LSTM stacks of 1 to 4 layers (tr.nn.LSTM(num_layers=k), H = 3 units per layer) over several seeds, on
   two tasks made of bit strings of length 1..10 with a target at every step:
     order 1  parity.py's running parity p_t = x_1 + ... + x_t mod 2: one operation, no composition;
     order 3  the running parity applied three times: p'_t = p_1 + ... + p_t mod 2, then p''_t the same
              of p'. Each level is one running parity of the level below, so a stack can give each
              layer one level; a single layer has to hold all three bits (8 states) and update them
              together in one step.
   Measured: per-step accuracy on fresh strings of length 10 after a fixed budget of Adam steps (all
   depths see the same batches), parameters and CPU time per step. "2 to 4 layers is best" counts as
   holding on a task when the best depth is 2, 3 or 4 and it beats one layer on every seed.
   What to look for: on order 1 a single layer is already perfect and deeper stacks fail on some
   seeds; on order 3 every stack beats one layer on average, three layers (one per level) most.
2. A drawing of a 2-layer bidirectional LSTM, one box per layer, direction and time step
   (tr.viz.render(..., detail='cell')): layer 1 reads both directions of layer 0 at every step.
3. An 8-layer stack built from 8 single-layer LSTMs, with and without residual connections
       plain:     x_{k+1} = LSTM_k(x_k)            residual:  x_{k+1} = x_k + LSTM_k(x_k)
   (x_0 a linear projection of the bits, the read-out on x_8), same initial weights, same batches.
   Going down through a plain stack the gradient is multiplied by every layer's Jacobian, each
   well below 1 here (h = o * tanh(c) with o ~ 1/2 and small weights), so it shrinks layer after
   layer, the lowest layers get almost nothing and the stack does not learn; the skip adds an
   identity to each of those factors. Shown: the loss curves and, at initialisation,
   ||dL/d params of layer k|| and ||dL/d output of layer k||, with the mean shrink per layer.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")     # timed below: before numpy is first imported

import functools  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable, Sequence  # noqa: E402

import numpy as np  # noqa: E402

import _claims  # noqa: E402
import _common  # noqa: E402
import tinygrad_rnn as tr  # noqa: E402
from parity import IGNORE, SequenceClassifier, parity_batch, sequence_loss, train  # noqa: E402
from tinygrad_rnn.analysis import grad_norms  # noqa: E402


DEPTHS = (1, 2, 3, 4)
ORDERS = (1, 3)


# ---------------------------------------------------------------- 1. depth on a composed task
def iterated_parity_batch(rng: np.random.Generator, batch: int, min_len: int, max_len: int,
                          order: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bit strings of lengths in [min_len, max_len], padded: x (T, B, 2) one-hot bits, y (T, B) the
    running parity applied `order` times (IGNORE past each string's end), lengths (B,)."""
    lengths = rng.integers(min_len, max_len + 1, size=batch)
    T = int(lengths.max())
    bits = rng.integers(0, 2, size=(T, batch))
    y = bits
    for _ in range(order):
        y = np.cumsum(y, axis=0) % 2                                       # one level of running parity
    y = np.where(np.arange(T)[:, None] < lengths, y, IGNORE)
    return np.eye(2)[bits], y, lengths


def depth_run(seed: int, order: int, layers: int, hidden: int, steps: int) -> np.ndarray:
    """Train a `layers`-deep LSTM stack on `order`; return [per-step accuracy on 500 fresh strings of
    length 10, final loss, parameters, CPU ms per step]. Every depth of a seed sees the same batches."""
    rng = _common.seed(seed)
    model = SequenceClassifier(tr.nn.LSTM(2, hidden, num_layers=layers, fused=True), hidden, 2)
    start = time.process_time()
    losses = train(model, lambda: iterated_parity_batch(rng, 32, 1, 10, order), steps, 0.03)
    ms = (time.process_time() - start) / steps * 1000
    x, y, _ = iterated_parity_batch(rng, 500, 10, 10, order)
    with tr.no_grad():
        accuracy = float((model(tr.Tensor(x)).data.argmax(axis=-1) == y).mean())
    return np.array([accuracy, np.mean(losses[-20:]), tr.nn.count_parameters(model), ms])


def depth_claim(runs: dict, n: int) -> str:
    """The verdict on "2 to 4 layers is best" from runs[order] = (seeds, depths, 4) of depth_run rows."""
    effects, holds = [], []
    for order, values in runs.items():
        accuracy = values[:, :, 0]                                         # (seeds, depths)
        best = int(np.argmax(accuracy.mean(axis=0)))
        beats = best > 0 and bool(np.all(accuracy[:, best] > accuracy[:, 0] + 0.02))
        effects.append(f"order {order}: accuracy by depth 1..{len(DEPTHS)} " +
                       " / ".join(_claims.describe(a, ".2f") for a in accuracy.T) +
                       f", best {DEPTHS[best]} layer{'s' if best else ''}" +
                       (", ahead of 1 layer on every seed" if beats else ""))
        holds.append(beats)
    word = (all(holds) or any(holds) and "holds only on order " + ", ".join(
        str(o) for o, h in zip(runs, holds) if h) + " (the task built by composition)")
    return _claims.verdict("2 to 4 layers is best (Britz et al.)", "; ".join(effects), n, word)


# ---------------------------------------------------------------- 2. the drawing
def draw_bidirectional(path: Path) -> str | None:
    """Render a 2-layer bidirectional LSTM on a 3-bit string, one box per (layer, direction, step),
    coloured by gradient norm. Returns the file written, or None without Graphviz's `dot`."""
    lstm = tr.nn.LSTM(2, 3, num_layers=2, bidirectional=True)
    x = tr.Tensor(np.eye(2)[[1, 0, 1]][:, None, :])                           # (T=3, B=1, 2)
    output, _ = lstm(x)                                                      # (3, 1, 2*3)
    loss = (output * output).sum()
    loss.backward()
    written = _common.render(loss, path, detail="cell", show_grad=True)
    return None if written is None else str(written)


# ---------------------------------------------------------------- 3. the deep stack
class DeepStack(tr.nn.Module):
    """`depth` single-layer sequence modules of width H between an input projection and a read-out.

    forward(x (T, B, I), lengths=None) -> logits (T, B, classes). With residual=True each layer adds
    its output to its input. The layers' outputs (T, B, H) of the last call stay in `layer_outputs`,
    so their gradients can be read after backward().
    """

    def __init__(self, layer_type: Callable, input_size: int, hidden_size: int, classes: int, depth: int,
                 residual: bool):
        self.embed = tr.nn.Linear(input_size, hidden_size)
        self.layers = [layer_type(hidden_size, hidden_size) for _ in range(depth)]
        self.head = tr.nn.Linear(hidden_size, classes)
        self.residual = residual
        self.layer_outputs: list = []

    def forward(self, x: tr.Tensor, lengths=None) -> tr.Tensor:
        """Logits (T, B, classes); x_0 = embed(x), x_{k+1} = [x_k +] layer_k(x_k), read-out on the last."""
        h = self.embed(x)                                                   # (T, B, H)
        self.layer_outputs = []
        for layer in self.layers:
            out, _ = layer(h, lengths=lengths)
            self.layer_outputs.append(out)
            h = h + out if self.residual else out
        return self.head(h)


def layer_gradient_norms(model: DeepStack, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One backward pass on (x, y): per layer k, ||dL/d params of layer k|| and ||dL/d output of layer k||."""
    model.zero_grad()
    sequence_loss(model(tr.Tensor(x)), y).backward()
    params = np.array([np.sqrt(sum(float((p.grad ** 2).sum()) for p in layer.parameters()))
                       for layer in model.layers])
    outputs = grad_norms(model.layer_outputs)
    model.zero_grad()
    return params, outputs


def deep_stacks(seed: int, depth: int, hidden: int, steps: int, length: int, batch: int, lr: float) -> dict:
    """Train the plain and the residual `depth`-layer LSTM stacks on fixed-length parity strings."""
    runs = {}
    for name, residual in (("plain", False), ("residual", True)):
        rng = _common.seed(seed)                          # the same weights and batches for both
        model = DeepStack(functools.partial(tr.nn.LSTM, fused=True), 2, hidden, 2, depth, residual)
        x, y, _ = parity_batch(rng, batch, length, length)
        param_norms, output_norms = layer_gradient_norms(model, x, y)
        print(f"  {name}")
        losses = train(model, lambda: parity_batch(rng, batch, length, length), steps, lr)
        runs[name] = {"losses": losses, "param_grad": param_norms, "output_grad": output_norms,
                      "final_loss": float(np.mean(losses[-10:]))}
    return runs


def main(argv: Sequence[str] | None = None) -> dict:
    """Run the three parts; return the depth runs and verdict, the drawing's path and the deep-stack runs."""
    args = _common.parse_args(__doc__, argv, lambda p: p.add_argument(
        "--runs", type=int, default=5, help="seeds for part 1, from --seed up (default 5; --quick 3)"))
    out = _common.out_dir(args.out)
    seeds = list(range(args.seed, args.seed + (3 if args.quick else args.runs)))
    hidden, plan = 3, ({1: 60} if args.quick else {1: 150, 3: 300})      # order -> Adam steps

    runs = {}
    for order, steps in plan.items():
        print(f"1. Running parity applied {order} time{'s' if order > 1 else ''}: LSTM stacks of 1 to {DEPTHS[-1]} "
              f"layers, H = {hidden} each, {steps} Adam steps (lr 0.03), seeds {seeds}")
        runs[order] = np.stack([_claims.over_seeds(lambda s: depth_run(s, order, k, hidden, steps), seeds)
                                for k in DEPTHS], axis=1)                  # (seeds, depths, 4)
        print(f"{'layers':>6s} {'parameters':>10s} {'ms/step':>8s} {'accuracy per seed':>{6 * len(seeds)}s} "
              f"{'mean ± sd':>12s} {'final loss':>15s}")
        for d, k in enumerate(DEPTHS):
            v = runs[order][:, d]
            per_seed = " ".join(f"{a:5.2f}" for a in v[:, 0])
            print(f"{k:6d} {int(v[0, 2]):10d} {v[:, 3].mean():8.1f} {per_seed:>{6 * len(seeds)}s} "
                  f"{_claims.describe(v[:, 0], '.2f'):>12s} {_claims.describe(v[:, 1], '.2f'):>15s}")
    claim = depth_claim(runs, len(seeds))
    _claims.band_plot({f"running parity x{order}": values[:, :, 0] for order, values in runs.items()},
                      out / "stacked_rnn_depth.png",
                      f"Accuracy by depth over {len(seeds)} seeds (H = {hidden} per layer)",
                      xlabel="layers", ylabel="per-step accuracy", x=DEPTHS)

    drawing = draw_bidirectional(out / "stacked_rnn_bidirectional.png")
    print(f"\n2. The 2-layer bidirectional LSTM, drawn cell by cell: {drawing}")

    depth, deep_hidden = 8, 16
    deep_steps, length, batch, deep_lr = (60, 6, 16, 0.02) if args.quick else (150, 10, 32, 0.01)
    print(f"\n3. {depth}-layer LSTM stacks, hidden size {deep_hidden}, parity strings of length {length}, "
          f"{deep_steps} Adam steps (lr {deep_lr})")
    deep = deep_stacks(args.seed, depth, deep_hidden, deep_steps, length, batch, deep_lr)
    print("\nGradient norms at initialisation, layer 1 (bottom) to layer 8 (top):")
    for key, label in (("param_grad", "||dL/d params||"), ("output_grad", "||dL/d output||")):
        for name, run in deep.items():
            print(f"  {label:16s} {name:9s} " + " ".join(f"{v:8.1e}" for v in run[key]))
    for name, run in deep.items():
        ratio = run["param_grad"][0] / run["param_grad"][-1]
        print(f"  {name}: bottom/top ||dL/d params|| = {ratio:.1e}, a factor {ratio ** (-1 / (depth - 1)):.2f} "
              f"lost per layer going down")
    print("Final loss (mean of the last 10 steps; ln 2 = 0.693 is guessing): " +
          "  ".join(f"{n} {r['final_loss']:.4f}" for n, r in deep.items()))
    _common.plot({n: r["losses"] for n, r in deep.items()}, out / "stacked_rnn_loss.png",
                 f"{depth}-layer LSTM stack on parity: training loss", xlabel="step")
    _common.plot({n: r["param_grad"] for n, r in deep.items()}, out / "stacked_rnn_grad_norms.png",
                 "||dL/d params of layer k|| at initialisation", xlabel="layer k", ylabel="gradient norm",
                 x=np.arange(1, depth + 1), logy=True)
    return {"seeds": seeds, "hidden": hidden, "depth_runs": runs, "claims": [claim], "drawing": drawing,
            "depth": depth, "deep": deep}


if __name__ == "__main__":
    main()
