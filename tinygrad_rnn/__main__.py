"""Command line: `python -m tinygrad_rnn render ...` (also installed as `tinygrad-rnn`).

Builds a small recurrent model on random data, runs one forward and backward pass, and draws the
unrolled graph with tinygrad_rnn.viz.render. The read-out is many-to-one: a linear map of the last
step's output, regressed onto a random target, so the only loss gradient enters at the last step
and `--grad` shows how much of it survives the way back to t = 1.

    python -m tinygrad_rnn render --model lstm --steps 8 --detail cell --grad -o out/lstm.svg
"""
from __future__ import annotations

import argparse
import math
import sys

import numpy as np

import tinygrad_rnn as tr
from tinygrad_rnn.nn import Module, Parameter
from tinygrad_rnn.nn.functional import mse_loss
from tinygrad_rnn.rng import default_generator

MODELS = ("rnn", "lstm", "gru", "scalar-rnn")


class Readout(Module):
    """A sequence layer and a linear read-out of its last output, written in Tensor ops."""

    def __init__(self, kind: str, input_size: int, hidden: int, layers: int, bidirectional: bool):
        layer = {"rnn": tr.nn.RNN, "lstm": tr.nn.LSTM, "gru": tr.nn.GRU}[kind]
        setattr(self, kind, layer(input_size, hidden, num_layers=layers, bidirectional=bidirectional))
        self.kind, width = kind, hidden * (2 if bidirectional else 1)
        self.w_out = Parameter(default_generator().uniform(-1, 1, (1, width)) / math.sqrt(width))
        self.b_out = Parameter(np.zeros(1))

    def forward(self, x: tr.Tensor) -> tr.Tensor:
        out, _ = getattr(self, self.kind)(x)                      # (T, B, D*H)
        return out[-1] @ self.w_out.T + self.b_out                # (B, 1): the last step only


def tensor_loss(args: argparse.Namespace) -> tr.Tensor:
    """Forward and backward through a random Readout model; returns the loss (the graph's root)."""
    model = Readout(args.model, args.input_size, args.hidden, args.layers, args.bidirectional)
    layer = getattr(model, args.model)
    for name, p in layer.named_parameters():
        if name.startswith("weight_hh"):
            p.data *= args.recurrent_scale
        if args.model == "lstm" and name.startswith("bias_ih"):
            p.data[args.hidden:2 * args.hidden] += args.forget_bias      # gate order (i, f, g, o)
    data = np.random.default_rng(args.seed)
    x = tr.Tensor(data.normal(size=(args.steps, args.batch, args.input_size)))
    loss = mse_loss(model(x), data.normal(size=(args.batch, 1)))
    loss.backward()
    return loss


def scalar_loss(args: argparse.Namespace) -> tr.Value:
    """A one-unit RNN on Values, h_t = tanh(w_x x_t + w_h h_{t-1} + b), in a plain `t=` loop."""
    data = np.random.default_rng(args.seed)
    w_x, b = tr.Value(data.uniform(-1, 1), name="w_x"), tr.Value(0.0, name="b")
    w_h = tr.Value(args.recurrent_scale * data.uniform(-1, 1), name="w_h")
    h = tr.Value(0.0, requires_grad=False, name="h0")
    for t in range(1, args.steps + 1):
        with tr.scope(f"t={t}"):
            x = tr.Value(float(data.normal()), requires_grad=False, name=f"x{t}")
            h = (w_x * x + w_h * h + b).tanh()
    loss = (h - float(data.normal())) ** 2
    loss.backward()
    return loss


def parser() -> argparse.ArgumentParser:
    """The argument parser: one sub-command, `render`."""
    top = argparse.ArgumentParser(prog="tinygrad-rnn", description="Draw unrolled recurrent graphs.")
    commands = top.add_subparsers(dest="command", required=True)
    p = commands.add_parser("render", help="build a small model on random data, backpropagate, draw it")
    p.add_argument("--model", choices=MODELS, default="lstm")
    p.add_argument("--steps", type=int, default=4, help="sequence length T (default 4)")
    p.add_argument("--layers", type=int, default=1, help="stacked layers (default 1)")
    p.add_argument("--bidirectional", action="store_true")
    p.add_argument("--hidden", type=int, default=8, help="hidden size H (default 8)")
    p.add_argument("--input-size", type=int, default=3, help="input size I (default 3)")
    p.add_argument("--batch", type=int, default=2, help="batch size B (default 2)")
    p.add_argument("--detail", choices=("auto", "op", "cell", "rolled"), default="auto")
    p.add_argument("--grad", action="store_true", help="colour nodes by gradient norm")
    p.add_argument("--seed", type=int, default=0, help="seed for weights and data (default 0)")
    p.add_argument("--recurrent-scale", type=float, default=1.0,
                   help="multiply the recurrent weights W_hh by this (small: gradients vanish faster)")
    p.add_argument("--forget-bias", type=float, default=0.0,
                   help="LSTM only: add this to the forget gate's bias (1 is the usual remedy for forgetting)")
    p.add_argument("-o", "--output", required=True, help="output file: .svg, .png or .pdf")
    return top


def check(args: argparse.Namespace, top: argparse.ArgumentParser) -> None:
    """Reject impossible combinations with a usage error (exit status 2)."""
    for name in ("steps", "layers", "hidden", "input_size", "batch"):
        if getattr(args, name) < 1:
            top.error(f"--{name.replace('_', '-')} must be a positive integer, got {getattr(args, name)}")
    if args.model == "scalar-rnn" and (args.layers != 1 or args.bidirectional):
        top.error("--model scalar-rnn is a single one-unit layer: use --layers 1 without --bidirectional")
    if args.forget_bias and args.model != "lstm":
        top.error(f"--forget-bias applies to --model lstm only, got --model {args.model}")
    if not args.output.lower().endswith((".svg", ".png", ".pdf")):
        top.error(f"-o/--output must end in .svg, .png or .pdf, got {args.output!r}")


def main(argv: list | None = None) -> int:
    """Run the command line; returns the exit status (0 on success, 1 if Graphviz is missing)."""
    top = parser()
    args = top.parse_args(argv)
    check(args, top)
    tr.manual_seed(args.seed)
    loss = scalar_loss(args) if args.model == "scalar-rnn" else tensor_loss(args)
    try:
        path = tr.viz.render(loss, args.output, detail=args.detail, show_grad=args.grad)
    except tr.viz.GraphvizNotFoundError as err:
        print(f"tinygrad-rnn: {err}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
