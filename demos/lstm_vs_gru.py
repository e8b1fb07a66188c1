"""LSTM against GRU (and the vanilla RNN, and the LSTM variants of the notes): size, speed, memory.

What it shows: for one hidden size H, how many parameters each cell has (RNN 1 block of weights,
GRU 3, LSTM 4, the coupled and no-forget LSTMs 3, peephole 4 plus 3 vectors), how long one training
step takes in this engine, and whether the cell can carry one symbol across a long delay.

The task (many-to-one): a symbol s in {0..K-1}, then N distractors drawn from the same K symbols,
then a query marker; the answer at the query step is s. Chance is 1/K. Because the distractors use
the same input units as s, nothing but the recurrent state can carry s to the end; the gradient that
teaches the net to keep s must cross N steps (the notes' vanishing-gradient story).

The cells: RNN; LSTM with variant 'standard', 'peephole' (gates look at the cell state), 'coupled'
(input gate = 1 - forget gate) and 'no_forget' (the 1997 cell: c_t = c_{t-1} + i * g, the constant
error carousel); GRU with reset_after=True (PyTorch's) and False (the notes' and Cho et al.'s).
Initialisation: every layer's own default (uniform(-1/sqrt(H), 1/sqrt(H)), as PyTorch), except that
the bias of the gate that keeps the old state (LSTM's forget gate f, GRU's update gate z) starts
--keep-bias higher (default 2; 0 is the plain default). With f ~ sigmoid(0) = 1/2 the cell state
halves every step, and after N = 20 steps 1/2^20 of it is left; sigmoid(2) ~ 0.88 leaves 0.88^20 ~ 8%.
Timing: the CPU time of the training run divided by its steps (forward, backward and Adam update;
single-threaded BLAS, so other programs on the machine do not count); with cells this small it
measures this engine's per-node Python overhead as much as the arithmetic.
What to look for (N = 20, three seeds): both GRUs and the coupled and no-forget LSTMs recall s on
every seed; the vanilla RNN fails on some seeds and succeeds on others; the standard LSTM (and
sometimes the peephole one) stalls near accuracy 1/2, having kept one of the two bits of s (loss
~0.83); trained for 1200 steps it ends at accuracy 0.24, 0.53, 0.49 on seeds 0, 1, 2 (seed 0
climbs to loss 0.46, then falls back to chance). Small models on one task from a handful of
seeds: a sketch of the trade-offs, not a ranking.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")     # timed below: before numpy is first imported

import functools  # noqa: E402
import time  # noqa: E402
from typing import Sequence  # noqa: E402

import numpy as np  # noqa: E402

import _common  # noqa: E402
import tinygrad_rnn as tr  # noqa: E402
from parity import IGNORE, SequenceClassifier, count_parameters, train  # noqa: E402
from parity import add_arguments as add_runs_argument  # noqa: E402  (--runs)

CELLS = {
    "RNN": tr.nn.RNN,
    "LSTM": tr.nn.LSTM,
    "LSTM peephole": functools.partial(tr.nn.LSTM, variant="peephole"),
    "LSTM coupled": functools.partial(tr.nn.LSTM, variant="coupled"),
    "LSTM no_forget": functools.partial(tr.nn.LSTM, variant="no_forget"),
    "GRU": tr.nn.GRU,
    "GRU reset_after=False": functools.partial(tr.nn.GRU, reset_after=False),
}


# ---------------------------------------------------------------- the data
def recall_batch(rng: np.random.Generator, batch: int, delay: int, symbols: int) -> tuple:
    """x (delay+2, B, symbols+1) one-hot: the symbol to recall, `delay` distractors from the same
    symbols, then the query marker (the last input unit); y (delay+2, B) is IGNORE except at the
    query step, where it is the first symbol. The third item (lengths) is None: all equal."""
    first = rng.integers(0, symbols, size=batch)
    sequence = np.concatenate([first[None], rng.integers(0, symbols, size=(delay, batch)),
                               np.full((1, batch), symbols)])                  # (T, B) codes
    y = np.full(sequence.shape, IGNORE)
    y[-1] = first
    return np.eye(symbols + 1)[sequence], y, None


# ---------------------------------------------------------------- the models
def open_keep_gate(layer: tr.nn.RecurrentLayer, bias: float) -> str | None:
    """Add `bias` to the bias of the gate that keeps the old state (in b_ih, every layer and direction);
    return the gate's name.

    LSTM: the forget gate f, block 1 of (i, f, g, o), block 0 of the coupled cell's (f, g, o).
    GRU: z, block 1 of (r, z, n); h = (1 - z) * n + z * h_prev. The RNN and the no-forget LSTM have
    no such gate (None).
    """
    if isinstance(layer, tr.nn.GRU):
        gate, block = "z", 1
    elif isinstance(layer, tr.nn.LSTM) and layer.variant != "no_forget":
        gate, block = "f", 0 if layer.variant == "coupled" else 1
    else:
        return None
    H = layer.hidden_size
    for name, p in layer.named_parameters():
        if name.startswith("bias_ih_l"):                                       # PyTorch's names
            p.data[block * H:(block + 1) * H] += bias
    return gate


def build(name: str, symbols: int, hidden: int, keep_bias: float) -> SequenceClassifier:
    """The cell `name` of CELLS as a one-layer sequence model with a K-way read-out."""
    layer = CELLS[name](symbols + 1, hidden)
    open_keep_gate(layer, keep_bias)
    return SequenceClassifier(layer, hidden, symbols)


def recall_accuracy(model: SequenceClassifier, rng: np.random.Generator, n: int, delay: int,
                    symbols: int) -> float:
    """The fraction of n fresh sequences whose first symbol is recalled at the query step."""
    x, y, _ = recall_batch(rng, n, delay, symbols)
    with tr.no_grad():
        logits = model(tr.Tensor(x)).data[-1]                                  # (B, K) at the query
    return float((logits.argmax(axis=-1) == y[-1]).mean())


def run(name: str, seed: int, delay: int, symbols: int, hidden: int, steps: int, lr: float,
        keep_bias: float) -> dict:
    """Train cell `name` from `seed` (so every cell with the same seed sees the same batches);
    return its size, CPU milliseconds per step, test accuracy, final loss and loss curve."""
    rng = _common.seed(seed)
    model = build(name, symbols, hidden, keep_bias)
    start = time.process_time()
    losses = train(model, lambda: recall_batch(rng, 32, delay, symbols), steps, lr)
    return {"parameters": count_parameters(model), "ms_per_step": (time.process_time() - start) / steps * 1000,
            "accuracy": recall_accuracy(model, rng, 1000, delay, symbols),
            "final_loss": float(np.mean(losses[-20:])),
            "curve": [float(np.mean(losses[i:i + 10])) for i in range(0, steps, 10)]}


def add_arguments(parser) -> None:
    """This demo's options: the delay, the keep-gate bias, and parity.py's number of seeds (--runs)."""
    add_runs_argument(parser)
    parser.add_argument("--delay", type=int, default=20, help="the number N of distractors (default 20)")
    parser.add_argument("--keep-bias", type=float, default=2.0,
                        help="added to the forget (LSTM) / update (GRU) gate's bias at start (default 2)")


def main(argv: Sequence[str] | None = None) -> dict:
    """Train every cell on the recall task from a few seeds; return each cell's size, ms per step and
    accuracy (mean over the seeds, and per seed)."""
    args = _common.parse_args(__doc__, argv, add_arguments)
    symbols, hidden, lr, delay = 4, 16, 0.01, args.delay
    steps = 200 if args.quick else 400
    names = ["RNN", "GRU"] if args.quick else list(CELLS)
    seeds = [args.seed] if args.quick else list(range(args.seed, args.seed + args.runs))
    print(f"Recall the first of {delay + 1} symbols (K = {symbols}, chance {1 / symbols:.2f}) at the query "
          f"step {delay + 2}.\nHidden size {hidden}, {steps} Adam steps (lr {lr}) on batches of 32, keep-gate "
          f"bias +{args.keep_bias:g}, seeds {seeds}.")
    runs = {}
    for name in names:
        for seed in seeds:
            print(f"  {name}, seed {seed}")
            runs[name, seed] = run(name, seed, delay, symbols, hidden, steps, lr, args.keep_bias)
    results = {}
    for name in names:
        mine = [runs[name, seed] for seed in seeds]
        results[name] = {"parameters": mine[0]["parameters"], "accuracies": [r["accuracy"] for r in mine],
                         **{key: float(np.mean([r[key] for r in mine]))
                            for key in ("ms_per_step", "accuracy", "final_loss")}}

    print(f"\n{'cell':22s} {'parameters':>10s} {'ms/step':>8s}  {'accuracy per seed':>{6 * len(seeds)}s}  "
          f"{'mean':>5s} {'final loss':>11s}")
    for name, r in results.items():
        print(f"{name:22s} {r['parameters']:10d} {r['ms_per_step']:8.1f}  "
              f"{' '.join(f'{a:5.2f}' for a in r['accuracies']):>{6 * len(seeds)}s}  {r['accuracy']:5.2f} "
              f"{r['final_loss']:11.3f}")
    print(f"(chance accuracy {1 / symbols:.2f}, chance loss ln {symbols} = {np.log(symbols):.3f}; parameters "
          f"include the {hidden}x{symbols} read-out; ms/step is CPU time, mean over seeds)")
    _common.plot({name: runs[name, seeds[0]]["curve"] for name in names},
                 _common.out_dir(args.out) / "lstm_vs_gru.png",
                 f"Recall after {delay} distractors: training loss (seed {seeds[0]})", xlabel="step",
                 x=np.arange(0, steps, 10))
    return {"delay": delay, "symbols": symbols, "chance": 1 / symbols, "hidden": hidden, "steps": steps,
            "seeds": seeds, "results": results}


if __name__ == "__main__":
    main()
