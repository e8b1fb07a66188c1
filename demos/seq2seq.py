"""Teacher forcing: when does feeding the true previous output train a decoder faster?

The notes ("Teacher Forcing") train a decoder by feeding it the true previous output y_{t-1}
instead of its own guess, and claim that the model then trains faster. Whether it does depends on
how much each output leans on the previous one, and on how many outputs there are for a wrong guess
to spoil, so the demo measures it on one task at several output lengths, over several seeds.

The task, running sums: digits x_1..x_L from 0 to 4, and the output y_t = (x_1 + ... + x_t) mod 5, so
"3 4 1 0" -> "3 2 3 3". The model is a decoder that reads, at each step, the input digit and the
previous output (Cho et al. 2014's GRU decoder, with the input aligned instead of encoded):
    h_t = GRUCell([embed(x_t); embed(y_{t-1})], h_{t-1}),   p(y_t | ...) = softmax(W h_t + b)
Fed the true y_{t-1}, each step is a small table to learn: y_t = (y_{t-1} + x_t) mod 5. Fed its own
guess, a wrong guess puts every later sum off, so the targets after it cannot be reached from what
the decoder was given, and the late outputs only start to teach once the early ones come out right.
During training the decoder is fed the truth with probability `ratio` at each step (one coin per
step for the whole batch, tinygrad_rnn.train.teacher_forcing); 1.0 is teacher forcing, 0.0 free running. Every model is
scored as it is used, feeding back its own greedy predictions (tinygrad_rnn.train.sample), by exact
match of the whole output on held-out sequences. The measure: training steps until that reaches 90%.

What it finds: the gap grows with the output length. With two outputs every ratio needs the same
number of steps (about 30); with five, free running needs 1.7 times as many as teacher forcing, with
twenty or thirty 4 to 5 times as many, on every seed, while ratio 0.5 stays close to teacher forcing.
The price shows at inference (exposure bias): a model trained only on true inputs, then fed its own
guesses, makes one slip and carries it to the end, so its accuracy falls along the output (from 0.84
at the first position to about 0.3 at the twentieth) while the same model fed the truth stays flat.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

import _claims
import _common
import tinygrad_rnn as tr
from tinygrad_rnn.nn.functional import cross_entropy
from tinygrad_rnn.nn.fused import fused_step
from tinygrad_rnn.train import sample, teacher_forcing

BASE = 5                                            # digits 0..4, sums mod 5
START = BASE                                        # the first step's "previous output"
RATIOS = (1.0, 0.5, 0.0)
TARGET = 0.9                                        # held-out exact match that counts as "trained"


# ---------------------------------------------------------------- the data
def running_sums(rng: np.random.Generator, n: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    """n random digit sequences x (length, n) and their running sums mod BASE y (length, n)."""
    x = rng.integers(0, BASE, (length, n))
    return x, np.cumsum(x, axis=0) % BASE


# ---------------------------------------------------------------- the model
class Summer(tr.nn.Module):
    """GRUCell decoder over [embed(x_t); embed(y_{t-1})], then Linear(H, BASE)."""

    def __init__(self, embed: int = 8, hidden: int = 32):
        super().__init__()
        self.digit = tr.nn.Embedding(BASE, embed)
        self.previous = tr.nn.Embedding(BASE + 1, embed)            # + START
        self.cell = tr.nn.GRUCell(2 * embed, hidden)
        self.out = tr.nn.Linear(hidden, BASE)

    def stepper(self, x: np.ndarray):
        """step(previous outputs (B,), h) -> (logits (B, BASE), h) over x (L, B), one column per call,
        in the form teacher_forcing and sample expect."""
        columns = iter(x)

        def step(previous, h):
            e = tr.concatenate([self.digit(next(columns)), self.previous(np.asarray(previous))], axis=1)
            h = fused_step(self.cell, self.cell.project(e), h)     # one node per step, same maths
            return self.out(h), h
        return step

    def start(self, batch: int) -> tuple:
        """(h_0 of zeros, the START tokens) for a batch."""
        return tr.Tensor(np.zeros((batch, self.cell.hidden_size))), np.full(batch, START)

    def loss(self, x: np.ndarray, y: np.ndarray, ratio: float, rng: np.random.Generator) -> tr.Tensor:
        """Mean cross-entropy of every output, the truth fed back with probability `ratio`."""
        h, start = self.start(x.shape[1])
        logits, _ = teacher_forcing(self.stepper(x), h, y, start, ratio=ratio, generator=rng)   # (L, B, BASE)
        return cross_entropy(logits.reshape(-1, BASE), y.reshape(-1))

    def free_running(self, x: np.ndarray) -> np.ndarray:
        """Greedy outputs (L, B), each prediction fed back in: how the model is used."""
        h, start = self.start(x.shape[1])
        return np.array(sample(self.stepper(x), h, start, len(x), greedy=True))

    def teacher_fed(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Greedy outputs (L, B) when every previous output fed in is the true one."""
        h, start = self.start(x.shape[1])
        with tr.no_grad():
            logits, _ = teacher_forcing(self.stepper(x), h, y, start, ratio=1.0)
        return logits.data.argmax(axis=-1)


# ---------------------------------------------------------------- training and measuring
def steps_to_target(seed: int, length: int, ratio: float, budget: int, every: int) -> int:
    """Adam on batches of 32 until greedy exact match on 200 held-out sequences reaches TARGET;
    the number of steps taken (checked every `every` steps), or `budget` if it never does."""
    tr.manual_seed(seed)                                 # weights and batches fixed by the seed alone,
    rng = np.random.default_rng(seed)                    # the same for every ratio
    held_x, held_y = running_sums(np.random.default_rng(10_000 + seed), 200, length)
    model = Summer()
    opt = tr.optim.Adam(model.parameters(), lr=0.02)
    for step in range(1, budget + 1):
        _common.descend(opt, model.loss(*running_sums(rng, 32, length), ratio, rng))
        if step % every == 0 and (model.free_running(held_x) == held_y).all(axis=0).mean() >= TARGET:
            return step
    return budget


def exposure_bias(seed: int, length: int, good: float = 0.9) -> np.ndarray:
    """Train with teacher forcing only, until the model gets a fraction `good` of held-out outputs right
    when fed the truth; then per-position held-out accuracy, shape (2, length): row 0 fed the truth,
    row 1 fed its own guesses (as at inference)."""
    tr.manual_seed(seed)
    rng = np.random.default_rng(seed)
    x, y = running_sums(np.random.default_rng(10_000 + seed), 200, length)
    model = Summer()
    opt = tr.optim.Adam(model.parameters(), lr=0.02)
    for step in range(1, 401):                           # 400 steps at most; about 20 are needed
        _common.descend(opt, model.loss(*running_sums(rng, 32, length), 1.0, rng))
        if step % 2 == 0 and (model.teacher_fed(x, y) == y).mean() >= good:
            break
    return np.stack([(model.teacher_fed(x, y) == y).mean(axis=1), (model.free_running(x) == y).mean(axis=1)])


# ---------------------------------------------------------------- the result
def main(argv: Sequence[str] | None = None) -> dict:
    """Steps to 90% held-out exact match per output length and ratio, over seeds; exposure bias."""
    args = _common.parse_args(__doc__, argv)
    _common.seed(args.seed)
    lengths, n_seeds, budget = ((3, 20), 3, 300) if args.quick else ((2, 5, 10, 20, 30), 5, 400)
    seeds = range(args.seed, args.seed + n_seeds)
    x, y = running_sums(np.random.default_rng(args.seed), 1, 8)
    print(f"running sums mod {BASE}, e.g. {' '.join(map(str, x[:, 0]))} -> {' '.join(map(str, y[:, 0]))}; "
          f"steps until {TARGET:.0%} of 200 held-out sequences come out exactly right when the model's "
          f"own predictions are fed back (budget {budget}), over {n_seeds} seeds")

    steps = {r: np.zeros((n_seeds, len(lengths))) for r in RATIOS}       # (seeds, lengths) per ratio
    for j, length in enumerate(lengths):
        for r in RATIOS:
            steps[r][:, j] = _claims.over_seeds(lambda s: steps_to_target(s, length, r, budget, 5), seeds)
        never = sum(int((steps[r][:, j] >= budget).sum()) for r in RATIOS)
        print(f"  length {length:2d}: " + "   ".join(f"ratio {r}: {_claims.describe(steps[r][:, j], '.0f')}"
                                                   for r in RATIOS)
              + (f"   ({never} runs never got there: counted as {budget})" if never else ""))

    slowdown = steps[0.0] / steps[1.0]                   # free running / teacher forcing, per seed
    verdicts = {}
    for j in (0, len(lengths) - 1):
        effect = (f"output length {lengths[j]}: steps to {TARGET:.0%} held-out exact match "
                  f"{_claims.describe(steps[1.0][:, j], '.0f')} with teacher forcing, "
                  f"{_claims.describe(steps[0.0][:, j], '.0f')} free running "
                  f"(ratio {_claims.describe(slowdown[:, j], '.2f')}, free running slower on "
                  f"{int((slowdown[:, j] > 1).sum())}/{n_seeds} seeds)")
        slower, times = (slowdown[:, j] > 1).all(), slowdown[:, j].mean()
        faster = False if not slower else True if times >= 1.5 else "holds only weakly (under 1.5 times)"
        verdicts[lengths[j]] = _claims.verdict("With teacher forcing the model will be trained faster",
                                               effect, n_seeds, faster)

    exposure = _claims.over_seeds(lambda s: exposure_bias(s, 20), seeds)       # (seeds, 2, 20)
    fed, own = exposure[:, 0], exposure[:, 1]
    print("\nexposure bias: teacher forcing only, stopped at 90% of held-out outputs right when fed the truth;"
          "\naccuracy per output position")
    print("  position       " + "".join(f"{t:7d}" for t in (1, 5, 10, 15, 20)))
    for name, acc in (("truth fed", fed), ("own guesses", own)):
        print(f"  {name:14s} " + "".join(f"{acc[:, t - 1].mean():7.2f}" for t in (1, 5, 10, 15, 20)))
    drop = fed[:, -1] - own[:, -1]
    verdicts["exposure"] = _claims.verdict(
        "At inference the model must feed back its own predictions (exposure bias)",
        f"teacher-forced model, accuracy at output 20: {_claims.describe(fed[:, -1], '.2f')} fed the truth, "
        f"{_claims.describe(own[:, -1], '.2f')} fed its own guesses (drop {_claims.describe(drop, '.2f')}, "
        f"at output 1: {_claims.describe(fed[:, 0] - own[:, 0], '.2f')})",
        n_seeds, bool(drop.mean() > 0.2 and (drop > 0).all()))

    out = _common.out_dir(args.out)
    _claims.band_plot({f"ratio {r}" + (" (teacher forcing)" if r == 1 else " (free running)" if r == 0 else ""):
                       steps[r] for r in RATIOS}, out / "seq2seq.png",
                      f"Running sums: steps to {TARGET:.0%} held-out exact match ({n_seeds} seeds)",
                      xlabel="output length", ylabel="training steps", x=lengths)
    _claims.band_plot({"previous output: the truth": fed, "previous output: its own guess": own},
                      out / "seq2seq_exposure.png", "Exposure bias: a teacher-forced model at inference",
                      xlabel="output position", ylabel="held-out accuracy", x=range(1, 21))
    return {"lengths": lengths, "steps": steps, "slowdown": slowdown, "exposure": exposure,
            "verdicts": verdicts, "budget": budget}


if __name__ == "__main__":
    main()
