"""Command line: `python -m tinygrad_rnn render ...` (also installed as `tinygrad-rnn`).

Builds a small recurrent model on random data, runs one forward and backward pass, and draws the
unrolled graph with tinygrad_rnn.viz.render. The read-out is many-to-one: a linear map of the last
step's output, regressed onto a random target, so the only loss gradient enters at the last step
and `--grad` shows how much of it survives the way back to t = 1.

    python -m tinygrad_rnn render --model lstm --steps 8 --detail cell --grad -o out/lstm.svg
"""
from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import warnings
from pathlib import Path

import graphviz
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
            p._data *= args.recurrent_scale
        if args.model == "lstm" and name.startswith("bias_ih"):
            p._data[args.hidden:2 * args.hidden] += args.forget_bias      # gate order (i, f, g, o)
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


LIMITS = {"steps": 64, "layers": 4, "hidden": 256, "input_size": 256, "batch": 64}   # a drawing, not a benchmark
EXAMPLES = """examples:
  tinygrad-rnn render --model lstm --steps 8 --detail cell --grad -o out/lstm.svg
  tinygrad-rnn render --model rnn --steps 8 --recurrent-scale 0.5 --grad -o out/rnn.png

The output's missing parent directories are created, and each one is reported on stderr. The path of
the drawing is printed on stdout. Exit status: 0 written, 1 Graphviz's dot missing (its source is
written next to the output as .gv), 2 a bad argument or an output that cannot be written."""


class Parser(argparse.ArgumentParser):
    """argparse, but an error is one line on stderr (no usage block) and exit status 2."""

    def error(self, message: str):
        """Print `prog: error: message` and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {message}\n")


def parser() -> argparse.ArgumentParser:
    """The argument parser: --version and one sub-command, `render`; its --help shows every default."""
    top = Parser(prog="tinygrad-rnn", description="Draw unrolled recurrent graphs.")
    top.add_argument("--version", action="version", version=f"%(prog)s {tr.__version__}")
    commands = top.add_subparsers(dest="command", required=True, parser_class=Parser)
    p = commands.add_parser("render", help="build a small model on random data, backpropagate, draw it",
                            description="Build a small recurrent model on random data, run one forward and "
                                        "backward pass,\nand draw the unrolled graph with tinygrad_rnn.viz.render.",
                            epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=MODELS, default="lstm", help="the recurrent model (default: lstm)")
    p.add_argument("--steps", type=int, default=4, help=f"sequence length T, 1 to {LIMITS['steps']} (default: 4)")
    p.add_argument("--layers", type=int, default=1, help=f"stacked layers, 1 to {LIMITS['layers']} (default: 1)")
    p.add_argument("--bidirectional", action="store_true", help="run each layer both ways (default: off)")
    p.add_argument("--hidden", type=int, default=8, help=f"hidden size H, 1 to {LIMITS['hidden']} (default: 8)")
    p.add_argument("--input-size", type=int, default=3,
                   help=f"input size I, 1 to {LIMITS['input_size']} (default: 3)")
    p.add_argument("--batch", type=int, default=2, help=f"batch size B, 1 to {LIMITS['batch']} (default: 2)")
    p.add_argument("--detail", choices=("auto", "op", "cell", "rolled"), default="auto",
                   help="op: every primitive; cell: one box per step; rolled: time as a loop; auto: op for "
                        "small graphs, else cell (default: auto)")
    p.add_argument("--grad", action="store_true", help="colour nodes by gradient norm (default: off)")
    p.add_argument("--seed", type=int, default=0, help="seed for weights and data, 0 to 2**32 - 1 (default: 0)")
    p.add_argument("--recurrent-scale", type=float, default=1.0,
                   help="multiply the recurrent weights W_hh by this; small values make gradients vanish "
                        "faster (default: 1.0)")
    p.add_argument("--forget-bias", type=float, default=0.0,
                   help="LSTM only: add this to the forget gate's bias; 1 is the usual remedy for "
                        "forgetting (default: 0.0)")
    p.add_argument("-o", "--output", required=True,
                   help="the file to write, ending in .svg, .png or .pdf (required; no default)")
    return top


def check(args: argparse.Namespace, top: argparse.ArgumentParser) -> None:
    """Reject impossible combinations and out-of-range sizes with a one-line usage error (exit status 2)."""
    for name, most in LIMITS.items():
        if not 1 <= getattr(args, name) <= most:
            top.error(f"--{name.replace('_', '-')} must be an integer from 1 to {most}, got {getattr(args, name)}")
    if not 0 <= args.seed < 2 ** 32:
        top.error(f"--seed must be an integer from 0 to {2 ** 32 - 1}, got {args.seed}")
    for name in ("recurrent_scale", "forget_bias"):
        if not math.isfinite(getattr(args, name)):
            top.error(f"--{name.replace('_', '-')} must be a finite number, got {getattr(args, name)}")
    if args.model == "scalar-rnn" and (args.layers != 1 or args.bidirectional):
        top.error("--model scalar-rnn is a single one-unit layer: use --layers 1 without --bidirectional")
    if args.forget_bias and args.model != "lstm":
        top.error(f"--forget-bias applies to --model lstm only, got --model {args.model}")


def prepare_output(path: str, top: argparse.ArgumentParser) -> None:
    """Check that `path` can be written before any work: the suffix, no directory in the way, every
    missing parent created (and reported on stderr), and a trial open; any problem is a usage error."""
    out = Path(path)
    if os.path.isdir(out):
        top.error(f"-o/--output {path!r} is a directory; name a file in it, e.g. {os.fspath(out / 'graph.svg')!r}")
    if out.suffix.lower() not in (".svg", ".png", ".pdf"):          # (".svg" alone has no suffix: a hidden file)
        top.error(f"-o/--output must end in .svg, .png or .pdf, got {path!r}")
    try:
        missing = [d for d in out.parents if not d.exists()]
        blocked = next((d for d in out.parents if d.exists() and not d.is_dir()), None)
        if blocked is not None:
            top.error(f"cannot write {path!r}: {os.fspath(blocked)!r} is a file, not a directory")
        out.parent.mkdir(parents=True, exist_ok=True)
        for directory in reversed(missing):
            print(f"tinygrad-rnn: created directory {os.fspath(directory)!r}", file=sys.stderr)
        existed = out.exists()
        with open(out, "ab"):                       # appending changes nothing in an existing file
            pass
        if not existed:
            out.unlink()
    except OSError as err:
        top.error(f"cannot write {path!r}: {err.strerror or err}")


def one_blas_thread():
    """Limit BLAS to one thread while the model runs (threadpoolctl, from the plots extra), or do nothing
    when threadpoolctl is not installed. The matrices here are tiny: more threads only add overhead."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """warnings.showwarning for the command line: `tinygrad-rnn: warning: ...`, without the source line."""
    print(f"tinygrad-rnn: warning: {message}", file=sys.stderr)


def main(argv: list | None = None) -> int:
    """Run the command line; returns the exit status (0 on success, 1 if Graphviz's dot is missing or
    fails); a bad argument or an unwritable output exits with status 2 (SystemExit) instead."""
    top = parser()
    args = top.parse_args(argv)
    check(args, top)
    prepare_output(args.output, top)
    with one_blas_thread(), warnings.catch_warnings():
        warnings.showwarning = one_line_warning
        tr.manual_seed(args.seed)
        loss = scalar_loss(args) if args.model == "scalar-rnn" else tensor_loss(args)
        try:
            path = tr.viz.render(loss, args.output, detail=args.detail, show_grad=args.grad)
        except tr.viz.GraphvizNotFoundError as err:
            print(f"tinygrad-rnn: {err}", file=sys.stderr)
            return 1
        except graphviz.CalledProcessError as err:
            print(f"tinygrad-rnn: dot failed to draw the graph: {err}", file=sys.stderr)
            return 1
        except OSError as err:
            top.error(f"cannot write {args.output!r}: {err.strerror or err}")
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
