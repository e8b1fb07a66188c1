"""Stacked (multi-layer) RNNs: 1, 2 and 3 layers, a drawing of a 2-layer bidirectional stack, and why
an 8-layer stack needs skip connections.

The notes ("Multi-layer RNNs", Recurrent Neural Networks Part II): the hidden states of layer i are
the inputs of layer i+1; high-performing RNNs have 2 to 4 layers, and "skip-connections are needed
to train deeper RNNs (e.g. 8 layers)". Three parts:
1. LSTM stacks of 1, 2 and 3 layers (tr.nn.LSTM(num_layers=k)) on the parity task of parity.py, with
   the per-step running-parity target: size, CPU time per step, steps to learn, accuracy on seen and
   longer strings. One layer already solves parity; the deeper stacks cost 2-3 times the time per
   step and learn no faster.
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

import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Sequence  # noqa: E402

import numpy as np  # noqa: E402

import _common  # noqa: E402
import tinygrad_rnn as tr  # noqa: E402
from parity import (SequenceClassifier, accuracy_by_length, count_parameters, learned_at,  # noqa: E402
                    parity_batch, sequence_loss, train)
from tinygrad_rnn.analysis import grad_norms  # noqa: E402


# ---------------------------------------------------------------- 2. the drawing
def draw_bidirectional(path: Path) -> str | None:
    """Render a 2-layer bidirectional LSTM on a 3-bit string, one box per (layer, direction, step),
    coloured by gradient norm. Returns the file written, or None without Graphviz's `dot`."""
    lstm = tr.nn.LSTM(2, 3, num_layers=2, bidirectional=True)
    x = tr.Tensor(np.eye(2)[[1, 0, 1]][:, None, :])                           # (T=3, B=1, 2)
    output, _ = lstm(x)                                                      # (3, 1, 2*3)
    loss = (output * output).sum()
    loss.backward()
    try:
        return tr.viz.render(loss, path, detail="cell", show_grad=True)
    except tr.viz.GraphvizNotFoundError as err:
        print(err)
        return None


# ---------------------------------------------------------------- 3. the deep stack
class DeepStack(tr.nn.Module):
    """`depth` single-layer sequence modules of width H between an input projection and a read-out.

    forward(x (T, B, I), lengths=None) -> logits (T, B, classes). With residual=True each layer adds
    its output to its input. The layers' outputs (T, B, H) of the last call stay in `layer_outputs`,
    so their gradients can be read after backward().
    """

    def __init__(self, layer_type: type, input_size: int, hidden_size: int, classes: int, depth: int,
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
        model = DeepStack(tr.nn.LSTM, 2, hidden, 2, depth, residual)
        x, y, _ = parity_batch(rng, batch, length, length)
        param_norms, output_norms = layer_gradient_norms(model, x, y)
        print(f"  {name}")
        losses = train(model, lambda: parity_batch(rng, batch, length, length), steps, lr)
        runs[name] = {"losses": losses, "param_grad": param_norms, "output_grad": output_norms,
                      "final_loss": float(np.mean(losses[-10:]))}
    return runs


def main(argv: Sequence[str] | None = None) -> dict:
    """Run the three parts; return the per-depth table, the drawing's path and the deep-stack runs."""
    args = _common.parse_args(__doc__, argv)
    out = _common.out_dir(args.out)
    hidden, lr = 8, 0.03
    steps = 40 if args.quick else 300

    print(f"1. LSTM stacks on parity (per-step target), hidden size {hidden}, {steps} Adam steps")
    stacks = {}
    for layers in (1, 2, 3):
        print(f"  {layers} layer{'s' if layers > 1 else ''}")
        rng = _common.seed(args.seed)                     # every depth sees the same batches
        model = SequenceClassifier(tr.nn.LSTM(2, hidden, num_layers=layers), hidden, 2)
        start = time.process_time()
        losses = train(model, lambda: parity_batch(rng, 32, 1, 10), steps, lr)
        ms_per_step = (time.process_time() - start) / steps * 1000
        accuracy = accuracy_by_length(model, rng, 50, 500)
        stacks[layers] = {"parameters": count_parameters(model), "ms_per_step": ms_per_step,
                          "final_loss": float(np.mean(losses[-20:])), "learned_at": learned_at(losses),
                          "accuracy_seen": float(accuracy[:10].mean()),
                          "accuracy_longer": float(accuracy[10:].mean())}
    print(f"\n{'layers':>6s} {'parameters':>10s} {'ms/step':>8s} {'loss < 0.1 at':>14s} {'final loss':>11s} "
          f"{'acc 1..10':>10s} {'acc 11..50':>11s}")
    for layers, r in stacks.items():
        when = "never" if r["learned_at"] is None else str(r["learned_at"])
        print(f"{layers:6d} {r['parameters']:10d} {r['ms_per_step']:8.1f} {when:>14s} {r['final_loss']:11.4f} "
              f"{r['accuracy_seen']:10.3f} {r['accuracy_longer']:11.3f}")

    drawing = draw_bidirectional(out / "stacked_rnn_bidirectional.png")
    print(f"\n2. The 2-layer bidirectional LSTM, drawn cell by cell: {drawing}")

    depth, deep_hidden = 8, 16
    deep_steps, length, batch, deep_lr = (60, 6, 16, 0.02) if args.quick else (200, 10, 32, 0.01)
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
    return {"stacks": stacks, "drawing": drawing, "depth": depth, "deep": deep}


if __name__ == "__main__":
    main()
