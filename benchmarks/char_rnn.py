"""Vanilla char-RNN training step: the engine against a faithful min-char-rnn style numpy step, float64.

The model is min-char-rnn's: vocabulary V = 65, hidden size H = 100, chunks of T = 25 characters, one
sequence (B = 1), one-hot inputs, h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h), softmax outputs, the log
loss summed over the chunk, gradients clipped element-wise to [-5, 5], Adagrad, and the last hidden
state carried into the next chunk. One step, three ways in the engine:

- "RNN layer", the natural user code and the row the goal is judged on: tr.nn.RNN(65, 100) over the
  unbatched one-hot chunk (T, V), a tr.nn.Linear head, tr.nn.functional.cross_entropy(...,
  reduction="sum"), backward, tr.nn.utils.clip_grad_value_(params, 5), tr.optim.Adagrad.
- "RNN layer fused", the same with tr.nn.RNN(65, 100, fused=True): each time step one graph node with
  a hand-written backward (tinygrad_rnn/nn/fused.py), the opt-in fast path, printed beside the goal.
- "RNNCell loop", the same step written as a user's own loop of tr.nn.RNNCell and the head, one
  tr.scope per time step (for comparison: every step then also pays for its own input matmul).

The reference is benchmarks/_numpy_refs.py: char_rnn_loss and adagrad. The engine keeps PyTorch's two
biases b_ih and b_hh where min-char-rnn has one b_h = b_ih + b_hh (each gets b_h's gradient, so the
engine updates one extra H-vector), and its Adagrad is PyTorch's, g / (sqrt(s) + 1e-10), where
min-char-rnn divides by sqrt(s + 1e-8): the same work, slightly different numbers, so the check
compares losses, clipped gradients and final states (to 1e-10 relative), not the updated weights;
every engine version is checked. All start from the same weights and are timed in interleaved rounds.
Goal (issue 6): the default layer no slower than the reference, engine (RNN layer) / numpy <= 1.0.

    .venv/bin/python benchmarks/char_rnn.py [--quick] [--profile]
"""
from __future__ import annotations

import _common as bench  # first: pins BLAS to one thread before numpy loads

import argparse

import numpy as np

import _numpy_refs as ref
import tinygrad_rnn as tr

VOCAB, LR, CLIP, RTOL = 65, 0.1, 5.0, 1e-10


class CharRNN(tr.nn.Module):
    """tr.nn.RNN over a one-hot chunk and a linear head: (T, V) and h (1, H) -> logits (T, V), h (1, H).
    fused=True builds the layer's opt-in fused form (one node per time step)."""

    def __init__(self, hidden_size: int, fused: bool = False):
        self.rnn = tr.nn.RNN(VOCAB, hidden_size, fused=fused)
        self.head = tr.nn.Linear(hidden_size, VOCAB)

    def forward(self, x: tr.Tensor, h: tr.Tensor) -> tuple:
        out, h = self.rnn(x, h)                                # (T, H), (1, H)
        return self.head(out), h


class CharRNNCellLoop(tr.nn.Module):
    """The same model as a loop of tr.nn.RNNCell steps: (T, V) and h (H,) -> logits (T, V), h (H,)."""

    def __init__(self, hidden_size: int):
        self.cell = tr.nn.RNNCell(VOCAB, hidden_size)
        self.head = tr.nn.Linear(hidden_size, VOCAB)

    def forward(self, x: tr.Tensor, h: tr.Tensor) -> tuple:
        hs = []
        for t in range(x.shape[0]):
            with tr.scope(f"t={t + 1}"):
                h = self.cell(x[t], h)                         # (H,)
                hs.append(h)
        return self.head(tr.stack(hs)), h


class EngineTrainer:
    """min-char-rnn's loop in the engine: forward, summed log loss, backward, clip, Adagrad, carry h."""

    def __init__(self, model: tr.nn.Module, h0: np.ndarray, inputs: list, targets: list):
        self.model, self.inputs, self.targets = model, inputs, targets
        self.h = tr.Tensor(h0)
        self.optimizer = tr.optim.Adagrad(model.parameters(), lr=LR)

    def grads(self) -> tuple:
        """Loss and the new state; the clipped gradients land in the parameters."""
        self.optimizer.zero_grad()
        x = tr.Tensor(np.eye(VOCAB)[self.inputs])              # (T, V) one-hot rows
        logits, h = self.model(x, self.h)
        loss = tr.nn.functional.cross_entropy(logits, self.targets, reduction="sum")
        loss.backward()
        tr.nn.utils.clip_grad_value_(self.model.parameters(), CLIP)
        return loss, h

    def step(self) -> None:
        _, h = self.grads()
        self.optimizer.step()
        self.h = h.detach()                                    # the next chunk starts from here


class NumpyTrainer:
    """min-char-rnn's loop in plain numpy, on a copy of the engine's weights."""

    def __init__(self, model: CharRNN, h0: np.ndarray, inputs: list, targets: list):
        sd = model.state_dict()
        self.params = {"W_xh": sd["rnn.weight_ih_l0"], "W_hh": sd["rnn.weight_hh_l0"],
                       "W_hy": sd["head.weight"], "b_y": sd["head.bias"][:, None],
                       "b_h": (sd["rnn.bias_ih_l0"] + sd["rnn.bias_hh_l0"])[:, None]}      # columns
        self.memory = {key: np.zeros_like(value) for key, value in self.params.items()}
        self.inputs, self.targets, self.h = inputs, targets, h0.reshape(-1, 1).copy()

    def step(self) -> None:
        _, grads, self.h = ref.char_rnn_loss(self.params, self.inputs, self.targets, self.h, CLIP)
        ref.adagrad(self.params, grads, self.memory, LR)


def check(engine: EngineTrainer, numpy: NumpyTrainer, label: str) -> None:
    """Raise unless loss, clipped gradients and final state agree (before either has stepped)."""
    loss, h = engine.grads()
    want_loss, want, want_h = ref.char_rnn_loss(numpy.params, numpy.inputs, numpy.targets, numpy.h, CLIP)
    bench.assert_close(f"{label}: loss", loss.data, want_loss, RTOL)
    bench.assert_close(f"{label}: final h", h.data.reshape(-1), want_h.reshape(-1), RTOL)
    layer = engine.model.rnn.cells[0] if isinstance(engine.model, CharRNN) else engine.model.cell
    pairs = [(layer.weight_ih, "W_xh"), (layer.weight_hh, "W_hh"), (layer.bias_ih, "b_h"),
             (layer.bias_hh, "b_h"), (engine.model.head.weight, "W_hy"), (engine.model.head.bias, "b_y")]
    for p, key in pairs:
        bench.assert_close(f"{label}: grad of {p.name} vs d{key}", p.grad, want[key].reshape(p.shape), RTOL)


def main() -> None:
    """Check the three engine versions against the reference, then time the four steps."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short chunk, small H, 2 rounds (smoke run)")
    parser.add_argument("--profile", action="store_true", help="cProfile one step of each engine version")
    args = parser.parse_args()
    hidden, length, rounds = (8, 5, 2) if args.quick else (100, 25, 21)
    bench.print_header()
    tr.manual_seed(0)
    rng = np.random.default_rng(0)
    chars = rng.integers(0, VOCAB, size=length + 1).tolist()
    inputs, targets = chars[:-1], chars[1:]
    h0 = np.tanh(rng.standard_normal(hidden))                  # a state carried over from a previous chunk
    layer_model = CharRNN(hidden)
    fused_model = CharRNN(hidden, fused=True)
    fused_model.load_state_dict(layer_model.state_dict())
    loop_model = CharRNNCellLoop(hidden)
    loop_model.load_state_dict({key.replace("rnn.", "cell.").replace("_l0", ""): value
                                for key, value in layer_model.state_dict().items()})
    trainers = {"numpy": NumpyTrainer(layer_model, h0, inputs, targets),
                "engine, RNN layer": EngineTrainer(layer_model, h0[None, :], inputs, targets),
                "engine, RNN layer fused": EngineTrainer(fused_model, h0[None, :], inputs, targets),
                "engine, RNNCell loop": EngineTrainer(loop_model, h0, inputs, targets)}
    for name in list(trainers)[1:]:
        check(trainers[name], trainers["numpy"], name)
        if args.profile:
            print(f"cProfile of one step, {name}:")
            bench.profile(trainers[name].step, limit=25)
    times = bench.compare({name: trainer.step for name, trainer in trainers.items()}, rounds=rounds)
    label = f"V={VOCAB}, H={hidden}, T={length}, B=1"
    bench.print_table("Vanilla char-RNN step, float64 (median CPU time per step)", [(label, times)],
                      baseline="numpy")
    ratio, fused_ratio = (times[f"engine, RNN layer{kind}"] / times["numpy"] for kind in ("", " fused"))
    print(f"- {label}: engine (RNN layer) / numpy = {ratio:.2f}, goal <= 1.0: "
          f"{'met' if ratio <= 1.0 else 'NOT met'}; engine (RNN layer fused) / numpy = {fused_ratio:.2f} "
          "(the opt-in fast path, fused=True; not what the goal judges)")


if __name__ == "__main__":
    main()
