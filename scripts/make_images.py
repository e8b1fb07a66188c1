"""Regenerate the pictures of docs/drawing.md and the README with the command line: `make images`.

Each drawing is one `python -m tinygrad_rnn render ...` call, listed below with the docs' file name;
the drawings the command line cannot make (a long sequence with its middle left out, a classifier's
cross-entropy loss, a PyTorch-dialect program) are built with tinygrad_rnn.viz in slide_pictures() and
dialect_picture().
Then every demo runs in full and its README picture goes to the output directory's demos/ folder
(scripts/demo_pictures.py: about two minutes; it installs matplotlib if it is missing).
Usage: python scripts/make_images.py [output directory, default docs/img] [--drawings-only]
"""
import argparse
import sys
from pathlib import Path

import numpy as np

import tinygrad_rnn as tr
from demo_pictures import make_demo_pictures
from tinygrad_rnn.__main__ import main
from tinygrad_rnn.nn.functional import cross_entropy

PICTURES = {
    "rnn_op.svg": "--model rnn --steps 3 --hidden 4 --detail op",
    "scalar_rnn.svg": "--model scalar-rnn --steps 3",
    "rnn_cell_grad.svg": "--model rnn --steps 8 --detail cell --grad --recurrent-scale 0.5",
    "lstm_cell_grad.svg": "--model lstm --steps 8 --detail cell --grad --forget-bias 1",
    "lstm_rolled.svg": "--model lstm --steps 8 --layers 2 --detail rolled",
}


def classifier_loss(kind: str, steps: int, layers: int = 1, bidirectional: bool = False) -> tr.Tensor:
    """A sequence layer (input 3, hidden 4), a Linear read-out of every step into 5 classes and the
    cross-entropy of random targets, after backward(): the loss of a sequence tagger."""
    tr.manual_seed(0)
    layer = getattr(tr.nn, kind)(3, 4, num_layers=layers, bidirectional=bidirectional)
    head = tr.nn.Linear(4 * (2 if bidirectional else 1), 5)
    data = np.random.default_rng(0)
    out, _ = layer(tr.Tensor(data.normal(size=(steps, 2, 3))))
    loss = cross_entropy(head(out.reshape(steps * 2, -1)), data.integers(0, 5, steps * 2))
    loss.backward()
    return loss


SLIDES = {      # file name: (classifier_loss arguments, draw() options)
    "lstm_op.svg": (("LSTM", 2), dict(detail="op")),
    "gru_stack.svg": (("GRU", 4, 2, True), dict(detail="cell")),
    "lstm_long.svg": (("LSTM", 100, 2), dict(steps=3, show_grad=True)),
}


def slide_pictures(directory: Path) -> None:
    """Render the SLIDES drawings into `directory` with tinygrad_rnn.viz.render."""
    for name, (model, options) in SLIDES.items():
        tr.viz.render(classifier_loss(*model), directory / name, **options)


def dialect_picture(directory: Path) -> None:
    """docs/pytorch.md's picture: a char-RNN written with the PyTorch dialect (nn.RNN, a Linear on the last
    hidden state, LogSoftmax, NLLLoss), its loss for the three letters of "Bea"."""
    import string

    import tinygrad_rnn.torch as torch
    letters = string.ascii_letters + " .,;'"
    torch.manual_seed(0)
    rnn, h2o = torch.nn.RNN(len(letters), 16), torch.nn.Linear(16, 2)
    line = torch.zeros(3, 1, len(letters))
    for t, letter in enumerate("Bea"):
        line[t][0][letters.find(letter)] = 1
    _, hidden = rnn(line)
    loss = torch.nn.NLLLoss()(torch.nn.LogSoftmax(dim=1)(h2o(hidden[0])), torch.tensor([1]))
    loss.backward()
    tr.viz.render(loss, directory / "pytorch_char_rnn.svg", detail="cell")


def make_images(directory: Path) -> None:
    """Render every drawing into `directory`; stop at the first failure."""
    for name, options in PICTURES.items():
        status = main(["render", *options.split(), "-o", str(directory / name)])
        if status:
            sys.exit(status)
    slide_pictures(directory)
    dialect_picture(directory)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", nargs="?", default="docs/img", help="where the drawings go")
    parser.add_argument("--drawings-only", action="store_true",
                        help="skip the demo pictures (seconds instead of minutes)")
    args = parser.parse_args()
    make_images(Path(args.directory))
    if not args.drawings_only:
        make_demo_pictures(Path(args.directory) / "demos")
