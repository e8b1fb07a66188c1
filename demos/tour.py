"""The tour (what `make demo` runs): the library in five parts, in about 15 s of CPU, on one page.

Part 1. A scalar graph: one tanh neuron written with Values, its gradients, and its drawing.
Part 2. The same machinery on arrays: a 3-step RNN layer, every op drawn, one box per time step.
Part 3. BPTT by hand: backward() equals the notes' explicit BPTT sums, term by term (demos/bptt_by_hand.py).
Part 4. A character LSTM trained with truncated BPTT beats the bigram baseline and completes words
        (the model of demos/autocomplete.py, trained for half as many steps).
Part 5. Vanishing gradients: how much gradient reaches back k steps in a vanilla RNN and in an LSTM
        (demos/vanishing_gradients.py), with gradient-coloured drawings of 8 steps of each.
Each part prints the numbers behind its claim; out/index.html shows them with every picture (the
sub-demos' full output is folded away under each part).
"""
from __future__ import annotations

import _common  # noqa: I001  (first: it pins BLAS to one thread before numpy loads)

import contextlib
import io
import math
import shutil
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np

import _page
import autocomplete
import bptt_by_hand
import tinygrad_rnn as tr
import vanishing_gradients as vg
from tinygrad_rnn.analysis import grad_norms

TOTAL = 5
LSTM_STEPS = 10000                 # autocomplete.py trains for 20000; half keeps the tour quick
DRAWN_STEPS = 8                    # at cell detail, and at least 0.3 high per unit of width:
SHAPE = {"ratio": "0.3"}           # no thin strip, legible at page width


def heading(number: int, title: str) -> None:
    """Print the part's heading on the terminal."""
    print(f"\n== Part {number} of {TOTAL}: {title}")


def quietly(run, argv: list, scratch: str | None = None, out: Path | None = None) -> tuple:
    """(result, printed text) of run(argv) with its printing captured, the `scratch` folder written as
    `out` (where the tour moves what it keeps). Its 'wrote' lines are echoed, except for a run in a
    scratch folder: the caller says what it kept."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        result = run(argv)
    text = buffer.getvalue()
    for folder in sorted({scratch, str(Path(scratch).resolve())}, key=len, reverse=True) if scratch else ():
        text = text.replace(folder, _common.shown(out))
    for line in text.splitlines() if scratch is None else ():
        if line.startswith(("wrote ", "skipped ")):
            print(line)
    return result, text


def show(part: dict) -> dict:
    """Print the part's numbers under its heading; returns the part."""
    for line in part["numbers"]:
        print("  " + line)
    return part


def scalar_neuron(out: Path) -> dict:
    """o = tanh(x1 w1 + x2 w2 + b) with Values; gradients by backward() and by hand."""
    heading(1, "a tanh neuron on scalars")
    x1, x2 = tr.Value(2.0, name="x1"), tr.Value(0.0, name="x2")
    w1, w2, b = tr.Value(-3.0, name="w1"), tr.Value(1.0, name="w2"), tr.Value(6.8813735870195432, name="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    by_hand = (1 - o.data ** 2) * x1.data                      # do/dw1 = (1 - o^2) x1
    picture = _common.render(o, out / "tour_neuron.svg", rankdir="TB")
    return show({"title": "A tanh neuron on scalars", "claim": "backward() applies the chain rule through the "
                 "recorded graph: its gradient equals the one derived by hand.",
                 "numbers": [f"o = tanh(x1 w1 + x2 w2 + b) = {o.data:.4f}",
                             f"do/dw1 by backward() = {w1.grad:.6f}; by hand (1 - o^2) x1 = {by_hand:.6f}",
                             f"do/dx1 = {x1.grad:.4f}, do/db = {b.grad:.4f}"],
                 "pictures": [(picture, "Every Value with its data and gradient; the ops between them.")],
                 "links": ["docs/tour.md", "docs/drawing.md"],
                 "result": {"o": o.data, "dw1": w1.grad, "dw1_by_hand": by_hand}})


def rnn_layer(out: Path) -> dict:
    """A 3-step RNN layer drawn at op level, before and after backward(); its gradient checked."""
    heading(2, "a 3-step RNN layer, every op drawn")
    rnn = tr.nn.RNN(input_size=2, hidden_size=3)
    x = tr.Tensor(_common.seed(1).normal(size=(3, 1, 2)))          # (T, B, I)
    output, _ = rnn(x)
    loss = (output * output).sum()
    ops = _common.render(loss, out / "tour_rnn_ops.svg", detail="op")
    loss.backward()
    grad = _common.render(loss, out / "tour_rnn_grad.svg", detail="op", show_grad=True)
    checked = tr.gradcheck(lambda w: (rnn(x)[0] ** 2).sum(), rnn.weight_hh_l0)
    return show({"title": "A 3-step RNN layer, every op drawn", "claim": "The layer is plain Tensor ops "
                 "unrolled over time: W_hh is one node used at every step, and backward() over the unrolled "
                 "graph is backpropagation through time.",
                 "numbers": [f"L = sum of h_t^2 over 3 steps = {loss.item():.4f}",
                             f"||dL/dW_hh|| = {np.linalg.norm(rnn.weight_hh_l0.grad):.4f}, the sum of "
                             "its uses at the 3 steps",
                             f"dL/dW_hh against central differences: {'agree' if checked else 'differ'}"],
                 "pictures": [(ops, "One box per time step; W_ih and W_hh drawn once, with an edge to each "
                               "step."), (grad, "The same graph after backward(), each op coloured by the "
                                          "norm of its gradient.")],
                 "links": ["docs/drawing.md", "docs/equations.md"], "result": {"loss": loss.item(),
                                                                                "gradcheck": checked}})


def bptt(out: Path, quick: bool) -> dict:
    """demos/bptt_by_hand.py: the notes' BPTT sums against backward()."""
    heading(3, "BPTT by hand")
    result, log = quietly(bptt_by_hand.main, (["--quick"] if quick else []) + ["--out", str(out)])
    T = len(result["norm_per_t"])
    return show({"title": "BPTT by hand", "claim": "backward() computes exactly the notes' explicit sums "
                 "over time steps, for every weight and for every single (t, k) term.",
                 "numbers": [f"an Elman RNN over T = {T} characters, L = {result['loss']:.6f}",
                             f"max |backward - hand| over the total gradients: {result['total_diff']:.1e}",
                             f"max |backward - hand| over all {T * (T + 1) // 2} (t, k) terms of dL/dW_hh, "
                             f"dL/dW_xh, dL/db_h: {result['term_diff']:.1e}"],
                 "pictures": [(out / f"bptt_by_hand.{'png' if _common._pyplot() else 'txt'}",
                               "How large the (t, k) terms are, by how far back they reach (lag t - k).")],
                 "links": ["demos/bptt_by_hand.py", "docs/equations.md"], "log": log, "result": result})


def char_lstm(out: Path, quick: bool, seed: int) -> dict:
    """Train autocomplete.py's character LSTM, measure its perplexity, complete words, draw its curve."""
    heading(4, "a character LSTM, trained with truncated BPTT, completes words")
    model, info = autocomplete.train_model(quick=quick, seed=seed, steps=None if quick else LSTM_STEPS)
    ppl, base = autocomplete.perplexity(model, info["held"]), autocomplete.baseline_perplexities(
        info["train"], info["held"])
    completions = {prefix: autocomplete.complete(model, prefix, k=3) for prefix in ("re", "fun", "imp", "deep")}
    sample = autocomplete.generate(model, "the ", 100, 0.5, np.random.default_rng(seed))
    curve = _common.plot({"LSTM, training windows": info["curve"],
                          **{f"{name} (held out)": [math.log(base[name])] * len(info["curve"]) for name in base}},
                         out / "tour_char_lstm.png", "Character LSTM: loss per character",
                         xlabel="window", ylabel="nats per character")
    return show({"title": "A character LSTM completes words", "claim": "Trained with truncated BPTT on "
                 "standard-library docstrings, the LSTM predicts held-out text far better than counting "
                 "characters does, and its best-first completions are real words.",
                 "numbers": [f"{len(info['curve'])} windows of TBPTT in {info['cpu']:.1f} CPU s",
                             f"held-out perplexity: LSTM {ppl:.2f}, bigram {base['bigram']:.2f}, unigram "
                             f"{base['unigram']:.2f} (of {len(autocomplete.text_data.ALPHABET)} characters)",
                             *(f"{prefix}| -> " + ", ".join(f"{w} {p:.2f}" for w, p in options)
                               for prefix, options in completions.items()),
                             f"a sample at temperature 0.5: the {sample}"],
                 "pictures": [(curve, "Loss per character while training, against the baselines' held-out "
                               "loss.")],
                 "links": ["demos/autocomplete.py", "docs/extending.md"],
                 "result": {"info": info, "perplexity": ppl, **base, "completions": completions}})


def short_drawing(kind: str, value: float, out: Path, name: str) -> tuple:
    """DRAWN_STEPS steps of one vanishing_gradients net, gradient-coloured: (path, ||dL/dh_1|| / ||dL/dh_T||)."""
    rng = _common.seed(0)
    cell, step, state = vg.build(kind, value, (3, 8), rng)
    states = vg.unroll("LSTM" if kind == "lstm" else "RNN", step, state, rng.normal(size=(DRAWN_STEPS, 3)))
    hs = [s[0] for s in states] if kind == "lstm" else states
    loss = (hs[-1] * tr.Tensor(rng.normal(size=8))).sum()
    loss.backward()
    norms = grad_norms(hs)
    return _common.render(loss, out / name, detail="cell", show_grad=True, **SHAPE), norms[0] / norms[-1]


def vanishing(out: Path, quick: bool) -> dict:
    """demos/vanishing_gradients.py for the numbers and the plot, and two short drawings for the page."""
    heading(5, "vanishing gradients")
    with tempfile.TemporaryDirectory() as scratch:      # keep its plot; its 50-step drawings are thin strips
        result, log = quietly(vg.main, (["--quick"] if quick else []) + ["--out", scratch], scratch, out)
        plot = next(p for p in Path(scratch).iterdir() if p.suffix in (".png", ".txt"))
        plot = Path(shutil.move(plot, out / plot.name))
    print(f"wrote {_common.shown(plot)}")
    rnn, rnn_kept = short_drawing("tanh", 0.5, out, "tour_vanishing_rnn.svg")
    lstm, lstm_kept = short_drawing("lstm", 3.0, out, "tour_vanishing_lstm.svg")
    T, nets = result["T"], result["nets"]
    left = {label: nets[label]["norms"][-1] for label in ("tanh RNN, lambda_1 = 0.5", "LSTM, PyTorch init",
                                                          "LSTM, forget bias +3")}
    return show({"title": "Vanishing gradients", "claim": "In a vanilla RNN the gradient that reaches back k "
                 "steps shrinks exponentially in k; the LSTM's cell state, with its forget gates open, keeps it.",
                 "numbers": [*(f"{label}: ||dL_T/dh_1|| = {v:.1e} of ||dL_T/dh_T|| = 1 after T = {T} steps"
                               for label, v in left.items()),
                             f"the identity path h_t = h_(t-1) + F(x_t) keeps all of it: min "
                             f"{result['identity']['norms'].min():.6f}",
                             f"in the {DRAWN_STEPS}-step drawings, ||dL/dh_1|| / ||dL/dh_{DRAWN_STEPS}||: "
                             f"tanh RNN {rnn_kept:.1e}, LSTM with forget bias +3 {lstm_kept:.1e}"],
                 "pictures": [(plot, "||dL_T/dh_k|| against T - k, log scale: "
                               "vanilla RNNs, LSTMs and the identity path."),
                              (rnn, f"A tanh RNN (lambda_1 = 0.5), {DRAWN_STEPS} steps, coloured by "
                               "||dL/dh_t||: pale at the first steps, little gradient arrives."),
                              (lstm, f"An LSTM with its forget bias raised by 3, {DRAWN_STEPS} steps: the "
                               "gradient reaches the first step.")],
                 "links": ["demos/vanishing_gradients.py", "docs/drawing.md"], "log": log,
                 "result": result, "kept": {"rnn": rnn_kept, "lstm": lstm_kept}})


def main(argv: Sequence[str] | None = None) -> dict:
    """Run the five parts; return their key numbers and the path of out/index.html."""
    args = _common.parse_args(__doc__, argv)
    _common.seed(args.seed)
    out = _common.out_dir(args.out)
    parts = [scalar_neuron(out), rnn_layer(out), bptt(out, args.quick), char_lstm(out, args.quick, args.seed),
             vanishing(out, args.quick)]
    index = _page.write(out, parts)
    print(f"\nThe tour on one page, every picture with its numbers: {_common.shown(index)}")
    return {"neuron": parts[0]["result"], "rnn": parts[1]["result"], "bptt": parts[2]["result"],
            "autocomplete": parts[3]["result"], "vanishing": parts[4]["result"], "kept": parts[4]["kept"],
            "parts": parts, "index": index}


if __name__ == "__main__":
    main()
