"""Parity: "output YES if the number of 1s is even" -- the slides' reason for wanting recurrence at all.

The "RNN & LSTM" slides (Motivation) give this as the simplest problem with no fixed context window:
1000010101 -> YES, 100011 -> NO, and a longer string than any seen in training can always come. An
RNN carries one bit of state, h_t = tanh(W (x_t, h_{t-1})) in the slides' notation, and can flip it
at every 1 whatever the length. This demo trains a vanilla RNN, an LSTM and a GRU on strings of
length 1..10 and tests them on strings up to length 50.

The data: random bit strings, each bit one-hot (x_t in R^2). A training batch mixes lengths 1..10, is
padded to its longest string and passed with the layers' `lengths=` argument (padded steps give zero
output and leave the state alone); padded targets are IGNORE, which cross_entropy skips.
The targets, two ways:
  'step'   (many-to-many, the one --quick uses) y_t = YES if x_1..x_t has an even number of 1s: the
           answer for every prefix, a dense signal;
  'final'  (many-to-one, the slides' exact task) one YES/NO at the end of each string: the gradient
           must cross the whole string.
What to look for: with either target the gated cells get the loss below 0.1 in a third to a half of
the steps the vanilla RNN needs (the "loss < 0.1 at step" column, several seeds), and a cell that has
learned the flip-flop keeps it far past the longest training string.
The test: the layers are causal, so the output at step t of a length-50 string is the answer for its
length-t prefix; one batch of length-50 strings measures accuracy at every length 1..50 at once.
The pieces (batches with IGNORE padding, SequenceClassifier, train, accuracy_by_length) are reused
by lstm_vs_gru.py and stacked_rnn.py.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

import _common
import tinygrad_rnn as tr
from tinygrad_rnn.nn.functional import cross_entropy

IGNORE = -1                                   # target of a padded (or unsupervised) step
NO, YES = 0, 1                                # class indices: odd / even number of 1s
LAYERS = {"RNN": tr.nn.RNN, "LSTM": tr.nn.LSTM, "GRU": tr.nn.GRU}
SHOWN_LENGTHS = (1, 2, 5, 10, 11, 15, 20, 30, 40, 50)


# ---------------------------------------------------------------- the data
def parity_batch(rng: np.random.Generator, batch: int, min_len: int, max_len: int,
                 target: str = "step") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random bit strings of lengths in [min_len, max_len], padded to the longest.

    Returns x (T, B, 2) one-hot bits, y (T, B) class per step (YES if the prefix has an even number
    of 1s; only the last valid step with target='final'; IGNORE where there is no target), lengths (B,).
    """
    if target not in ("step", "final"):
        raise ValueError(f"parity_batch: target must be 'step' or 'final', got {target!r}")
    lengths = rng.integers(min_len, max_len + 1, size=batch)
    T = int(lengths.max())
    bits = rng.integers(0, 2, size=(T, batch))
    y = np.where(np.cumsum(bits, axis=0) % 2 == 0, YES, NO)              # (T, B) running parity
    t = np.arange(T)[:, None]
    unsupervised = t >= lengths if target == "step" else t != lengths - 1
    y[unsupervised] = IGNORE
    return np.eye(2)[bits], y, lengths


# ---------------------------------------------------------------- the model
class SequenceClassifier(tr.nn.Module):
    """A sequence layer (RNN, LSTM, GRU, any depth) and a linear read-out at every step.

    forward(x (T, B, I), lengths=None) -> logits (T, B, classes).
    """

    def __init__(self, layer: tr.nn.Module, hidden_size: int, classes: int):
        self.layer = layer
        self.head = tr.nn.Linear(hidden_size, classes)

    def forward(self, x: tr.Tensor, lengths=None) -> tr.Tensor:
        output, _ = self.layer(x, lengths=lengths)                        # (T, B, H)
        return self.head(output)


# ---------------------------------------------------------------- training and testing
def sequence_loss(logits: tr.Tensor, y: np.ndarray) -> tr.Tensor:
    """Mean cross-entropy over the steps that have a target: logits (T, B, C), y (T, B)."""
    return cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), ignore_index=IGNORE)


def train(model: tr.nn.Module, make_batch: Callable[[], tuple], steps: int, lr: float) -> list:
    """Adam on sequence_loss for `steps` batches from make_batch() -> (x, y, lengths or None).

    `model(x, lengths)` returns logits (T, B, C). Returns the loss of every step.
    """
    optimizer = tr.optim.Adam(model.parameters(), lr=lr)
    losses = []
    with _common.Progress(steps) as progress:
        for step in range(1, steps + 1):
            x, y, lengths = make_batch()
            loss = sequence_loss(model(tr.Tensor(x), lengths), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            progress.update(step, loss.item())
    return losses


def accuracy_by_length(model: Callable, rng: np.random.Generator, max_len: int, n: int) -> np.ndarray:
    """Accuracy of the answer for strings of length 1..max_len, from n strings of length max_len:
    entry L-1 scores the output at step L, which has seen exactly the length-L prefix."""
    x, y, _ = parity_batch(rng, n, max_len, max_len)
    with tr.no_grad():
        predicted = model(tr.Tensor(x), None).data.argmax(axis=-1)        # (T, B)
    return (predicted == y).mean(axis=1)


def build(kind: str, hidden: int) -> SequenceClassifier:
    """A one-layer `kind` ('RNN', 'LSTM' or 'GRU') with `hidden` units and a YES/NO read-out."""
    return SequenceClassifier(LAYERS[kind](2, hidden), hidden, 2)


def table(accuracy: dict, train_len: int, lengths: Sequence[int] = SHOWN_LENGTHS) -> str:
    """Accuracy per test length, one column per model; the longest training length is marked."""
    rows = ["length  " + "".join(f"{name:>8s}" for name in accuracy)]
    for L in lengths:
        rows.append(f"{L:6d}  " + "".join(f"{acc[L - 1]:8.3f}" for acc in accuracy.values()) +
                    ("   <- longest training length" if L == train_len else ""))
    return "\n".join(rows)


def learned_at(losses: Sequence[float], threshold: float = 0.1, window: int = 20) -> int | None:
    """The first step at which the mean loss of the last `window` steps is below `threshold` (None: never)."""
    running = np.convolve(losses, np.ones(window) / window, mode="valid")
    below = np.flatnonzero(running < threshold)
    return int(below[0]) + window if len(below) else None


def add_arguments(parser) -> None:
    """This demo's option: how many seeds per cell."""
    parser.add_argument("--runs", type=int, default=3,
                        help="seeds per cell, from --seed up (default 3; --quick 1)")


def main(argv: Sequence[str] | None = None) -> dict:
    """Train RNN, LSTM and GRU on parity with both targets; return, per target and cell, the accuracy
    per length of the first seed's model and, for every seed, when it learned and how well it does."""
    args = _common.parse_args(__doc__, argv, add_arguments)
    hidden, lr, train_len, test_len = 8, 0.03, 10, 50
    plan = {"step": 120} if args.quick else {"step": 300, "final": 500}    # target kind -> training steps
    seeds = [args.seed] if args.quick else list(range(args.seed, args.seed + args.runs))
    results = {}
    for target, steps in plan.items():
        print(f"\nTarget '{target}': {steps} steps of Adam (lr {lr}), batches of 32 strings of length "
              f"1..{train_len}, hidden size {hidden}, seeds {seeds}")
        accuracy, runs, curves = {}, {}, {}
        for kind in LAYERS:
            runs[kind] = []
            for seed in seeds:
                print(f"  {kind}, seed {seed}")
                rng = _common.seed(seed)                  # every cell sees the same batches
                model = build(kind, hidden)
                losses = train(model, lambda: parity_batch(rng, 32, 1, train_len, target), steps, lr)
                by_length = accuracy_by_length(model, rng, test_len, 500)
                accuracy.setdefault(kind, by_length)
                curves.setdefault(kind, losses)
                runs[kind].append({"seed": seed, "learned_at": learned_at(losses),
                                   "final_loss": float(np.mean(losses[-20:])),
                                   "seen": float(by_length[:train_len].mean()),
                                   "longer": float(by_length[train_len:].mean())})
        print(f"\nAccuracy of the YES/NO answer by string length (500 test strings; chance 0.5), "
              f"target '{target}', seed {seeds[0]}:\n" + table(accuracy, train_len))
        print(f"\n{'cell':5s} {'seed':>4s} {'loss < 0.1 at step':>19s} {'acc 1..10':>10s} {'acc 11..50':>11s}")
        for kind, mine in runs.items():
            for r in mine:
                when = "never" if r["learned_at"] is None else str(r["learned_at"])
                print(f"{kind:5s} {r['seed']:4d} {when:>19s} {r['seen']:10.3f} {r['longer']:11.3f}")
        _common.plot(accuracy, _common.out_dir(args.out) / f"parity_{target}.png",
                     f"Parity, trained on lengths 1..{train_len} (target '{target}', seed {seeds[0]})",
                     xlabel="string length", ylabel="accuracy", x=np.arange(1, test_len + 1))
        _common.plot(curves, _common.out_dir(args.out) / f"parity_{target}_loss.png",
                     f"Parity: training loss (target '{target}', seed {seeds[0]})", ylabel="cross-entropy", logy=True)
        results[target] = {"accuracy": accuracy, "runs": runs, "steps": steps}
    return {"train_len": train_len, "test_len": test_len, "seeds": seeds, **results}


if __name__ == "__main__":
    main()
