"""Regenerate the pictures of docs/drawing.md (and the README) with the command line: `make images`.

Each picture is one `python -m tinygrad_rnn render ...` call, listed below with the docs' file name.
Usage: python scripts/make_images.py [output directory, default docs/img]
"""
import sys
from pathlib import Path

from tinygrad_rnn.__main__ import main

PICTURES = {
    "rnn_op.svg": "--model rnn --steps 3 --hidden 4 --detail op",
    "scalar_rnn.svg": "--model scalar-rnn --steps 3",
    "rnn_cell_grad.svg": "--model rnn --steps 8 --detail cell --grad --recurrent-scale 0.5",
    "lstm_cell_grad.svg": "--model lstm --steps 8 --detail cell --grad --forget-bias 1",
    "lstm_rolled.svg": "--model lstm --steps 8 --layers 2 --detail rolled",
}


def make_images(directory: Path) -> None:
    """Render every picture into `directory`; stop at the first failure."""
    for name, options in PICTURES.items():
        status = main(["render", *options.split(), "-o", str(directory / name)])
        if status:
            sys.exit(status)


if __name__ == "__main__":
    make_images(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))
