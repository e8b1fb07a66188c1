"""Exploding gradients: when the product of step Jacobians blows up, when it does not although the
bound allows it, and the remedy the notes give (clip the gradient before the SGD step).

The bound (the notes, after Pascanu et al., 2013): for h_t = g(W_ih x_t + W_hh h_{t-1} + b) one step
back multiplies the gradient by dh_t/dh_{t-1} = diag(g'(a_t)) W_hh, and |g'| <= gamma (1 for tanh and
for ReLU), so ||dh_T/dh_k|| <= (gamma lambda_1)^(T-k) with lambda_1 the largest singular value of
W_hh. Below lambda_1 = 1/gamma the gradient has to vanish; above it, it only *may* explode: the real
slopes g'(a_t) can sit far below gamma, so lambda_1 > 1/gamma is necessary, not sufficient.

1. Where it explodes, at initialisation, over several seeds. W_hh = lambda_1 Q with Q a random
   orthogonal matrix (all singular values equal lambda_1), x_t ~ U(-1, 1) times an input gain, the
   loss L = u . h_T with a fixed unit vector u, so ||dL/dh_k|| is the share of the last step's
   gradient that reaches back T - k steps. Nets (NETS): a tanh RNN with lambda_1 = 0.9 (below the
   bound); tanh with lambda_1 = 3 and quiet inputs (a random tanh net with gain above 1 is chaotic:
   about a third of tanh's slope survives, and some direction is stretched at every step); the same
   weights with inputs 100 times louder (the units sit in the flat tails, tanh' ~ 0); a ReLU RNN with
   lambda_1 = 3 (nothing saturates on the positive side: the state explodes along with the gradient).
2. The cure. The task: read T numbers x_t ~ U(-1, 1) and output sum(x_t) / sqrt(T) (mean squared
   error; answering 0 scores 1/3, the target's variance). Two nets: a ReLU RNN whose W_hh starts as
   1.05 I (Le, Jaitly and Hinton's identity start, made slightly expansive) and a tanh RNN with
   lambda_1 = 3 as in part 1. Each trains with plain SGD three times from the same start on the same
   batches: unclipped, with clip_grad_norm_(max_norm=1) (Algorithm 1 of the notes: keep the
   direction, cap the length) and with clip_grad_value_(0.01) (clamp each entry). A run "explodes"
   when its loss becomes non-finite or exceeds EXPLODED times its first value.
Printed: the gradient reaching back per net (mean ± sd over seeds), the bound, one verdict line per
claim. Pictures: the gradient against steps back, and the training losses, spread shaded.
What to look for: with lambda_1 = 3 the quiet tanh net passes back 1e5 times the gradient or more
after 49 steps, the loud one less than 1e-2: lambda_1 > 1/gamma is not enough. Unclipped, the ReLU
net's loss blows up on every seed, and both clippings train it. The tanh net's gradient
explodes too, but its loss cannot (the read-out only sees |h| <= 1), and clipping does not make that
chaotic net learn: clipping caps the step, it does not repair a bad starting point.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

import _claims
import _common
import tinygrad_rnn as tr
from tinygrad_rnn.analysis import grad_norms
from tinygrad_rnn.nn.functional import mse_loss
from tinygrad_rnn.nn.utils import clip_grad_norm_, clip_grad_value_

LR, MAX_NORM, CLIP_VALUE = 0.01, 1.0, 0.01
BASELINE = 1 / 3               # the loss of always answering 0: the variance of the target
EXPLODED = 1e6                 # a loss this many times the first one counts as exploded
NETS = {                       # label -> (nonlinearity, lambda_1, input gain) for part 1
    "tanh, lambda_1 = 0.9": ("tanh", 0.9, 1.0),
    "tanh, lambda_1 = 3": ("tanh", 3.0, 1.0),
    "tanh, lambda_1 = 3, inputs x100": ("tanh", 3.0, 100.0),
    "ReLU, lambda_1 = 3": ("relu", 3.0, 1.0),
}
TRAINED = {"ReLU": ("relu", 1.05), "tanh": ("tanh", 3.0)}     # part 2: nonlinearity, lambda_1 at start
RUNS = {"none": "no clipping", "norm": f"norm clipping (max_norm={MAX_NORM:g})",
        "value": f"value clipping (clip_value={CLIP_VALUE:g})"}


def scaled_orthogonal(rng: np.random.Generator, size: int, top: float) -> np.ndarray:
    """top * Q with Q a random orthogonal matrix: every singular value equals `top`."""
    q, r = np.linalg.qr(rng.normal(size=(size, size)))
    return top * q * np.sign(np.diag(r))


# ---------------------------------------------------------------- 1. the gradient reaching back
def unroll(seed: int, nonlinearity: str, lambda_1: float, gain: float, T: int, hidden: int) -> dict:
    """One RNN of part 1 run over T inputs and backpropagated from L = u . h_T. Returns norms[k] =
    ||dL/dh_(T-k)|| (norms[0] = 1), the mean slope g'(a_t) over units and steps, and (for checking)
    the states h (T, H), W_hh and u."""
    rng = _common.seed(seed)
    cell = tr.nn.RNNCell(1, hidden, nonlinearity=nonlinearity)
    cell.weight_hh.data[...] = scaled_orthogonal(rng, hidden, lambda_1)
    xs = gain * rng.uniform(-1.0, 1.0, size=(T, 1))
    u = rng.normal(size=hidden)
    u /= np.linalg.norm(u)
    h, hs = cell.init_state(), []
    for x in xs:
        h = cell(tr.Tensor(x), h)
        hs.append(h)
    (hs[-1] * tr.Tensor(u)).sum().backward()
    states = np.array([h.data for h in hs])                                  # (T, H)
    slope = 1 - states ** 2 if nonlinearity == "tanh" else (states > 0).astype(float)
    return {"norms": grad_norms(hs)[::-1], "slope": float(slope.mean()), "h": states,
            "W_hh": cell.weight_hh.data.copy(), "u": u}


def reach_back(seed: int, nonlinearity: str, lambda_1: float, gain: float, T: int, hidden: int) -> np.ndarray:
    """unroll()'s norms with its mean slope appended as a last entry: one row for _claims.over_seeds."""
    net = unroll(seed, nonlinearity, lambda_1, gain, T, hidden)
    return np.append(net["norms"], net["slope"])


# ---------------------------------------------------------------- 2. training with and without clipping
def batches(rng: np.random.Generator, steps: int, T: int, B: int) -> list:
    """`steps` batches (x (T, B, 1) uniform on [-1, 1), y (B, 1) each sequence's sum / sqrt(T))."""
    data = []
    for _ in range(steps):
        x = rng.uniform(-1.0, 1.0, size=(T, B, 1))
        data.append((x, x.sum(axis=0) / np.sqrt(T)))
    return data


class SumReader(tr.nn.Module):
    """A one-layer RNN and a linear head on its last hidden state: (T, B, 1) -> (B, 1).

    ReLU starts from W_hh = lambda_1 I, tanh from lambda_1 Q (Q random orthogonal); zero biases.
    """

    def __init__(self, hidden: int, nonlinearity: str = "relu", lambda_1: float = 1.05,
                 rng: np.random.Generator | None = None):
        self.rnn = tr.nn.RNN(1, hidden, nonlinearity=nonlinearity)
        self.head = tr.nn.Linear(hidden, 1)
        self.rnn.weight_hh_l0.data[...] = (lambda_1 * np.eye(hidden) if nonlinearity == "relu" else
                                           scaled_orthogonal(rng or np.random.default_rng(0), hidden, lambda_1))
        self.rnn.bias_ih_l0.data[...] = 0.0
        self.rnn.bias_hh_l0.data[...] = 0.0

    def forward(self, x: tr.Tensor) -> tr.Tensor:
        _, h_n = self.rnn(x)                                    # h_n (1, B, H)
        return self.head(h_n[0])


def train(model: SumReader, data: list, clipping: str) -> tuple[list, list]:
    """Plain SGD over `data` with `clipping` one of RUNS' keys; returns the loss and the gradient norm
    (before clipping) of each step. A run stops at its first non-finite loss (all later ones are NaN)."""
    params = list(model.parameters())
    opt = tr.optim.SGD(params, lr=LR)
    losses, norms = [], []
    # the unclipped run overflows on purpose: numpy's overflow warnings would only repeat the table
    with np.errstate(over="ignore", invalid="ignore"):
        for x, y in data:
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
            if not math.isfinite(losses[-1]):
                break
    return losses, norms


def exploded(losses: Sequence[float]) -> bool:
    """The criterion: some loss is non-finite, or larger than EXPLODED times the first one."""
    return any(not math.isfinite(v) or v > EXPLODED * losses[0] for v in losses)


def clipping_runs(seed: int, nonlinearity: str, lambda_1: float, steps: int, T: int, hidden: int) -> dict:
    """The three runs of one net from one seed (same start, same batches); per run the losses padded
    with NaN after a stop, the largest gradient norm and whether it exploded."""
    rng = _common.seed(seed)
    data = batches(rng, steps, T, 16)
    model = SumReader(hidden, nonlinearity, lambda_1, rng)
    start, runs = model.state_dict(), {}
    for clipping in RUNS:
        model.load_state_dict(start)
        losses, norms = train(model, data, clipping)
        runs[clipping] = {"losses": np.array(losses + [math.nan] * (steps - len(losses))),
                          "max_norm": max(norms), "exploded": exploded(losses),
                          "final": float(np.mean(losses[-10:]))}
    return runs


def reach_claims(reach: dict, T: int, n: int) -> list:
    """Print part 1's table (reach[label] = (seeds, T + 1) rows of reach_back) and its three verdicts."""
    print(f"{'net':34s} {'mean slope':>11s} {f'left after {T // 2} steps':>22s} "
          f"{f'left after {T - 1} steps':>22s} {'bound':>8s}")
    for label, values in reach.items():
        print(f"{label:34s} {_claims.describe(values[:, -1], '.2f'):>11s} "
              f"{_claims.describe(values[:, T // 2], '.1e'):>22s} {_claims.describe(values[:, T - 1], '.1e'):>22s} "
              f"{NETS[label][1] ** (T - 1):8.1e}")
    print(f"(mean slope: g'(a_t) over units and steps; bound: (gamma lambda_1)^{T - 1}, gamma = 1)")
    left = {label: values[:, T - 1] for label, values in reach.items()}       # one entry per seed
    below, loud = left["tanh, lambda_1 = 0.9"], left["tanh, lambda_1 = 3, inputs x100"]
    quiet, relu = left["tanh, lambda_1 = 3"], left["ReLU, lambda_1 = 3"]
    within = all(np.all(v[:, :T] <= NETS[k][1] ** np.arange(T) * (1 + 1e-9)) for k, v in reach.items())
    return [
        _claims.verdict("lambda_1 < 1/gamma is sufficient for vanishing gradients",
                        f"tanh, lambda_1 = 0.9: {_claims.describe(below, '.1e')} of the gradient left after "
                        f"{T - 1} steps, under the bound 0.9^{T - 1} = {0.9 ** (T - 1):.1e} on every seed", n,
                        bool(within and np.all(below < 1e-2))),
        _claims.verdict("lambda_1 > 1/gamma lets the gradient explode",
                        f"lambda_1 = 3, quiet inputs: tanh {_claims.describe(quiet, '.1e')} (at least "
                        f"{quiet.min():.0e}), ReLU {_claims.describe(relu, '.1e')} after {T - 1} steps", n,
                        bool(np.all(quiet > 1e2) and np.all(relu > 1e2))),
        _claims.verdict("lambda_1 > 1/gamma is necessary, not sufficient, for exploding gradients",
                        f"the same tanh nets (lambda_1 = 3) with inputs x100, mean tanh' "
                        f"{_claims.describe(reach['tanh, lambda_1 = 3, inputs x100'][:, -1], '.2f')}: "
                        f"{_claims.describe(loud, '.1e')} left after {T - 1} steps (at most {loud.max():.0e})", n,
                        bool(np.all(loud < 1)))]


def clipping_claims(trained: dict, n: int) -> list:
    """Print part 2's table (trained[net][run] = arrays over seeds) and one verdict per net."""
    print(f"{'net':6s} {'run':34s} {'exploded':>8s} {'largest ||g||':>18s} {'final loss':>17s}")
    for name, runs in trained.items():
        for c, r in runs.items():
            final = _claims.describe(r["final"]) if np.all(np.isfinite(r["final"])) else "not finite"
            largest = "10^(" + _claims.describe(np.log10(r["max_norm"]), ".1f") + ")"
            print(f"{name:6s} {RUNS[c]:34s} {str(r['exploded'].sum()) + '/' + str(n):>8s} {largest:>18s} {final:>17s}")
    print(f"(largest ||g||: over the run, before clipping; final loss: mean of the last 10; answering 0 scores "
          f"{BASELINE:.3f})")
    claims = []
    for name, runs in trained.items():
        cured = all(not runs[c]["exploded"].any() and np.all(runs[c]["final"] < BASELINE / 2)
                    for c in ("norm", "value"))
        holds = bool(cured and runs["none"]["max_norm"].min() > 1e3)
        if not holds and name == "tanh":
            holds = ("does not hold here: the gradient explodes but the loss, read from |h| <= 1, cannot; "
                     "clipping bounds each step, and the chaotic net learns no better for it")
        claims.append(_claims.verdict(
            f"gradient clipping cures exploding gradients ({name} RNN, lambda_1 = {TRAINED[name][1]:g} at start)",
            f"unclipped: loss exploded on {runs['none']['exploded'].sum()}/{n}, largest ||g|| "
            f"10^{np.log10(runs['none']['max_norm']).mean():.0f}; clipped: final loss "
            f"{_claims.describe(runs['norm']['final'])} (norm), {_claims.describe(runs['value']['final'])} (value), "
            f"answering 0 scores {BASELINE:.3f}", n, holds))
    return claims


def main(argv: Sequence[str] | None = None) -> dict:
    """Run both parts over the seeds; return the reach-back norms per net, the clipping runs and the
    verdict lines."""
    args = _common.parse_args(__doc__, argv, lambda p: p.add_argument(
        "--runs", type=int, default=5, help="seeds per measurement, from --seed up (default 5; --quick 3)"))
    seeds = list(range(args.seed, args.seed + (3 if args.quick else args.runs)))
    T, wide, hidden, steps = 50, 32, 16, (60 if args.quick else 150)
    out, n = _common.out_dir(args.out), len(seeds)

    print(f"1. Share of the last step's gradient reaching back k steps, ||dL/dh_(T-k)|| for L = u . h_T "
          f"(T = {T}, hidden {wide}, seeds {seeds}; mean ± sd)")
    reach = {label: _claims.over_seeds(lambda s: reach_back(s, *spec, T, wide), seeds) for label, spec in NETS.items()}
    claims = reach_claims(reach, T, n)
    _claims.band_plot({label: np.log10(values[:, :T]) for label, values in reach.items()},
                      out / "exploding_gradients_reach.png", "Gradient reaching back k steps, at initialisation",
                      xlabel="steps back k", ylabel="log10 ||dL/dh_(T-k)||")

    print(f"\n2. Sum of T = {T} numbers, hidden {hidden}, SGD lr {LR}, batch 16, {steps} steps, seeds {seeds}")
    trained = {}
    for name, (nonlinearity, lambda_1) in TRAINED.items():
        per_seed = [clipping_runs(s, nonlinearity, lambda_1, steps, T, hidden) for s in seeds]
        trained[name] = {c: {key: np.array([r[c][key] for r in per_seed])
                             for key in ("losses", "max_norm", "exploded", "final")} for c in RUNS}
    claims += clipping_claims(trained, n)
    capped = {f"{name}, {RUNS[c]}": np.log10(np.nan_to_num(r["losses"], nan=1e30, posinf=1e30).clip(max=1e30))
              for name, runs in trained.items() for c, r in runs.items()}          # a stopped run stays at the cap
    _claims.band_plot(capped, out / "exploding_gradients_losses.png",
                      "Training loss with and without clipping (capped at 1e30)", ylabel="log10 loss (MSE)")
    return {"T": T, "seeds": seeds, "reach": reach, "trained": trained, "claims": claims}


if __name__ == "__main__":
    main()
