"""The tour (what `make demo` runs): the whole library in about two minutes, pictures in out/index.html.

1. A scalar graph: one tanh neuron written with Values, its gradients, and its drawing.
2. The same machinery on arrays: a 3-step RNN layer, every op drawn, one box per time step.
3. BPTT by hand: backward() equals the notes' explicit BPTT sums, term by term (demos/bptt_by_hand.py).
4. A character LSTM trained with truncated BPTT completes words (demos/autocomplete.py).
5. Vanishing gradients: how much gradient reaches back k steps in a vanilla RNN and in an LSTM
   (demos/vanishing_gradients.py), with the gradient-coloured drawings.
Each part prints the numbers behind its claim; out/index.html shows every picture with a caption.
"""
from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Sequence

import numpy as np

import _common
import autocomplete
import bptt_by_hand
import tinygrad_rnn as tr
import vanishing_gradients

CAPTIONS = {                   # file name -> one line under the picture in index.html
    "tour_neuron.svg": "A tanh neuron on scalars: every value with its data and gradient, ops between them.",
    "tour_rnn_ops.svg": "A 3-step RNN layer at op level: one box per time step, W_ih and W_hh drawn once.",
    "tour_rnn_grad.svg": "The same RNN after backward(): each op coloured by its gradient norm.",
    "vanishing_gradients_rnn.svg": "A tanh RNN with small recurrent weights: the gradient fades going back in time.",
    "vanishing_gradients_lstm.svg": "An LSTM with its forget gates open: the gradient reaches the first steps.",
    "vanishing_gradients.png": "||dL_T/dh_k|| against T - k for vanilla RNNs, LSTMs and the identity carousel.",
    "vanishing_gradients.txt": "||dL_T/dh_k|| against T - k (text chart: install the plots extra for a PNG).",
    "bptt_by_hand.png": "Size of the notes' BPTT terms by lag.",
    "bptt_by_hand.txt": "Size of the notes' BPTT terms by lag (text chart).",
    "autocomplete.png": "The character LSTM's loss while training with truncated BPTT.",
    "autocomplete.txt": "The character LSTM's loss while training with truncated BPTT (text chart).",
}


def scalar_neuron(out: Path) -> dict:
    """o = tanh(x1 w1 + x2 w2 + b) with Values; gradients by backward() and by hand."""
    x1, x2 = tr.Value(2.0, name="x1"), tr.Value(0.0, name="x2")
    w1, w2, b = tr.Value(-3.0, name="w1"), tr.Value(1.0, name="w2"), tr.Value(6.8813735870195432, name="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    by_hand = (1 - o.data ** 2) * x1.data                      # do/dw1 = (1 - o^2) x1
    print(f"1. o = tanh(x1 w1 + x2 w2 + b) = {o.data:.4f}; do/dw1 = {w1.grad:.4f} (by hand (1 - o^2) x1 = "
          f"{by_hand:.4f}), do/dx1 = {x1.grad:.4f}, do/db = {b.grad:.4f}")
    tr.viz.render(o, out / "tour_neuron.svg")
    return {"o": o.data, "dw1": w1.grad, "dw1_by_hand": by_hand}


def rnn_pictures(out: Path) -> dict:
    """A 3-step RNN layer drawn at op level, before and after backward()."""
    rnn = tr.nn.RNN(input_size=2, hidden_size=3)
    x = tr.Tensor(_common.seed(1).normal(size=(3, 1, 2)))          # (T, B, I)
    output, h_n = rnn(x)
    loss = (output * output).sum()
    tr.viz.render(loss, out / "tour_rnn_ops.svg", detail="op")
    loss.backward()
    tr.viz.render(loss, out / "tour_rnn_grad.svg", detail="op", show_grad=True)
    print(f"2. RNN(2, 3) over 3 steps: loss = {loss.item():.4f}; the recurrent weight is used at every step "
          f"and drawn once; ||dL/dW_hh|| = {np.linalg.norm(rnn.weight_hh_l0.grad):.4f}")
    return {"loss": loss.item()}


def write_index(out: Path, started: float) -> Path:
    """out/index.html: every picture this tour wrote, each with its caption (text charts as <pre>)."""
    items = []
    for name, caption in CAPTIONS.items():
        path = out / name
        if not path.exists() or path.stat().st_mtime < started:
            continue
        body = (f"<pre>{html.escape(path.read_text())}</pre>" if path.suffix == ".txt"
                else f'<img src="{html.escape(name)}" alt="{html.escape(caption)}">')
        items.append(f"<figure>{body}<figcaption>{html.escape(caption)}</figcaption></figure>")
    page = ("<!doctype html>\n<html><head><meta charset='utf-8'><title>tinygrad_rnn tour</title>"
            "<style>body{font-family:sans-serif;max-width:1100px;margin:auto} img{max-width:100%}"
            "figure{margin:2em 0} figcaption{color:#444}</style></head><body>\n<h1>tinygrad_rnn: the tour</h1>\n"
            + "\n".join(items) + "\n</body></html>\n")
    index = out / "index.html"
    index.write_text(page)
    return index


def main(argv: Sequence[str] | None = None) -> dict:
    """Run the five parts; return their key numbers and the path of out/index.html."""
    args = _common.parse_args(__doc__, argv)
    _common.seed(args.seed)
    out = _common.out_dir(args.out)
    started = time.time() - 1.0
    quick = ["--quick"] if args.quick else []
    results = {"neuron": scalar_neuron(out), "rnn": rnn_pictures(out)}

    print("\n3. BPTT by hand")
    results["bptt"] = bptt_by_hand.main(quick + ["--out", str(out)])

    print("\n4. A character LSTM, trained with truncated BPTT, completes words")
    model, info = autocomplete.train_model(quick=args.quick, seed=args.seed)
    completions = {prefix: autocomplete.complete(model, prefix, k=3) for prefix in ("re", "fun", "imp")}
    for prefix, options in completions.items():
        print(f"  {prefix!r:7s} -> " + ", ".join(f"{word} {p:.2f}" for word, p in options))
    results["autocomplete"] = {"info": info, "completions": completions}

    print("\n5. Vanishing gradients")
    results["vanishing"] = vanishing_gradients.main(quick + ["--out", str(out)])

    results["index"] = write_index(out, started)
    print(f"\nEvery picture, with a caption: {results['index']}")
    return results


if __name__ == "__main__":
    main()
