"""Exploding gradients, and the remedy the notes give: clip the gradient before the SGD step.

The notes: a product of step Jacobians can grow without bound only if the recurrent weight's largest
singular value lambda_1 exceeds 1/gamma (Pascanu et al., 2013); when it does, the SGD step
theta <- theta - lr * grad is far too big, lands on a bad configuration and, at worst, gives Inf or
NaN. Norm clipping (their Algorithm 1: if ||g|| >= threshold, g <- threshold g / ||g||) keeps the
step's direction and caps its length; element-wise clipping clamps each entry to [-v, v].

The task: read T numbers x_t ~ U(-1, 1) and output their sum divided by sqrt(T) (mean squared
error). Every input counts equally however far back, so the net must carry its state across all T
steps; always answering 0 scores 1/3 (the target's variance). A ReLU RNN solves it exactly: two units
h+ = relu(s), h- = relu(-s) of the running sum s_t = s_{t-1} + x_t. The recurrent weight starts as
W_hh = 1.05 I with zero biases (the identity initialisation of Le, Jaitly and Hinton, 2015, for ReLU
RNNs, made slightly expansive): lambda_1 = 1.05 > 1/gamma (gamma = 1 for ReLU, as for tanh), and as ReLU does not
saturate, both the state and the gradient can grow like lambda_1^T. Three runs start from the same
weights and see the same batches, with plain SGD: no clipping, clip_grad_norm_(max_norm=1) and
clip_grad_value_(0.01). Printed: each run's first, final and largest loss and its largest gradient
norm (measured before clipping). The unclipped run "explodes": its loss becomes non-finite, or
exceeds EXPLODED times its first value. Pictures: the loss curves and the gradient norms, log scale.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

import _common
import tinygrad_rnn as tr
from tinygrad_rnn.nn.functional import mse_loss
from tinygrad_rnn.nn.utils import clip_grad_norm_, clip_grad_value_

LAMBDA_1, LR, MAX_NORM, CLIP_VALUE = 1.05, 0.01, 1.0, 0.01
BASELINE = 1 / 3               # the loss of always answering 0: the variance of the target
EXPLODED = 1e6                 # a loss this many times the first one counts as exploded
RUNS = {"none": "no clipping", "norm": f"norm clipping (max_norm={MAX_NORM:g})",
        "value": f"value clipping (clip_value={CLIP_VALUE:g})"}


# ---------------------------------------------------------------- the data and the model
def batches(rng: np.random.Generator, steps: int, T: int, B: int) -> list:
    """`steps` batches (x (T, B, 1) uniform on [-1, 1), y (B, 1) each sequence's sum / sqrt(T))."""
    data = []
    for _ in range(steps):
        x = rng.uniform(-1.0, 1.0, size=(T, B, 1))
        data.append((x, x.sum(axis=0) / np.sqrt(T)))
    return data


class SumReader(tr.nn.Module):
    """A one-layer ReLU RNN and a linear head on its last hidden state: (T, B, 1) -> (B, 1)."""

    def __init__(self, hidden: int):
        self.rnn = tr.nn.RNN(1, hidden, nonlinearity="relu")
        self.head = tr.nn.Linear(hidden, 1)
        self.rnn.weight_hh_l0.data[...] = LAMBDA_1 * np.eye(hidden)     # every singular value is 1.05
        self.rnn.bias_ih_l0.data[...] = 0.0
        self.rnn.bias_hh_l0.data[...] = 0.0

    def forward(self, x: tr.Tensor) -> tr.Tensor:
        _, h_n = self.rnn(x)                                    # h_n (1, B, H)
        return self.head(h_n[0])


# ---------------------------------------------------------------- training
def train(model: SumReader, data: list, clipping: str) -> tuple[list, list]:
    """Plain SGD over `data` with `clipping` one of RUNS' keys; returns the loss and the gradient norm
    (before clipping) of each step.

    A run stops at its first non-finite loss: every step after it would be NaN too.
    """
    params = list(model.parameters())
    opt = tr.optim.SGD(params, lr=LR)
    losses, norms = [], []
    # the unclipped run overflows on purpose: numpy's overflow warnings would only repeat the table
    with _common.Progress(len(data)) as progress, np.errstate(over="ignore", invalid="ignore"):
        for step, (x, y) in enumerate(data, 1):
            loss = mse_loss(model(tr.Tensor(x)), tr.Tensor(y))
            opt.zero_grad()
            loss.backward()
            if clipping == "norm":
                norm = clip_grad_norm_(params, MAX_NORM)
            else:
                norm = clip_grad_norm_(params, math.inf)    # max_norm = inf only measures the norm
                if clipping == "value":
                    clip_grad_value_(params, CLIP_VALUE)
            opt.step()
            losses.append(loss.item())
            norms.append(norm)
            progress.update(step, losses[-1])
            if not math.isfinite(losses[-1]):
                break
    return losses, norms


def exploded(losses: Sequence[float]) -> bool:
    """The criterion: some loss is non-finite, or larger than EXPLODED times the first one."""
    return any(not math.isfinite(v) or v > EXPLODED * losses[0] for v in losses)


def main(argv: Sequence[str] | None = None) -> dict:
    """Train the three runs; return each run's losses and gradient norms and the summary numbers."""
    args = _common.parse_args(__doc__, argv)
    rng = _common.seed(args.seed)
    T, B, hidden, steps = 50, 16, 16, (60 if args.quick else 250)
    data = batches(rng, steps, T, B)
    model = SumReader(hidden)
    start = model.state_dict()
    print(f"Predict sum(x_t) / sqrt(T) of T = {T} numbers from U(-1, 1) with a ReLU RNN (hidden {hidden}); "
          f"W_hh starts as {LAMBDA_1} I,\nso lambda_1 = {LAMBDA_1} > 1/gamma = 1. SGD, lr {LR}, batch {B}, "
          f"{steps} steps, the same start and batches for every run.")

    runs = {}
    for clipping, label in RUNS.items():
        print(f"\n{label}")
        model.load_state_dict(start)
        losses, norms = train(model, data, clipping)
        last = losses[-10:]
        runs[clipping] = {"label": label, "losses": losses, "norms": norms, "exploded": exploded(losses),
                          "first": losses[0], "final": float(np.mean(last)), "max_loss": max(losses),
                          "max_norm": max(norms), "steps": len(losses)}

    print(f"\n{'run':36s} {'steps':>5s} {'first loss':>10s} {'final loss':>10s} {'max loss':>10s} "
          f"{'max ||g||':>10s}  exploded")
    for r in runs.values():
        print(f"{r['label']:36s} {r['steps']:5d} {r['first']:10.3g} {r['final']:10.3g} {r['max_loss']:10.3g} "
              f"{r['max_norm']:10.3g}  {'yes' if r['exploded'] else 'no'}")
    print(f"(final loss: the mean of the run's last 10 losses; always answering 0 scores {BASELINE:.3f}; "
          f"exploded: a non-finite loss or one above {EXPLODED:g} x the first)")
    print(f"Clipped, an SGD step is at most lr x max_norm = {LR * MAX_NORM:g} long (norm clipping) or "
          f"lr x clip_value = {LR * CLIP_VALUE:g} per entry (value clipping).")

    out = _common.out_dir(args.out)
    for key, title, ylabel in (("losses", "Training loss with and without clipping", "loss (MSE)"),
                               ("norms", "Gradient norm before clipping", "||g||")):
        padded = {r["label"]: r[key] + [math.nan] * (steps - r["steps"]) for r in runs.values()}  # stopped runs
        _common.plot(padded, out / f"exploding_gradients_{key}.png", title, ylabel=ylabel,
                     x=np.arange(1, steps + 1), logy=True)
    return runs


if __name__ == "__main__":
    main()
