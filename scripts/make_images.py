"""Regenerate the pictures of docs/drawing.md and the README with the command line: `make images`.

Each drawing is one `python -m tinygrad_rnn render ...` call, listed below with the docs' file name.
Then every demo runs in full and its README picture goes to the output directory's demos/ folder
(scripts/demo_pictures.py: about two minutes; it installs matplotlib if it is missing).
Usage: python scripts/make_images.py [output directory, default docs/img] [--drawings-only]
"""
import argparse
import sys
from pathlib import Path

from demo_pictures import make_demo_pictures
from tinygrad_rnn.__main__ import main

PICTURES = {
    "rnn_op.svg": "--model rnn --steps 3 --hidden 4 --detail op",
    "scalar_rnn.svg": "--model scalar-rnn --steps 3",
    "rnn_cell_grad.svg": "--model rnn --steps 8 --detail cell --grad --recurrent-scale 0.5",
    "lstm_cell_grad.svg": "--model lstm --steps 8 --detail cell --grad --forget-bias 1",
    "lstm_rolled.svg": "--model lstm --steps 8 --layers 2 --detail rolled",
}


def make_images(directory: Path) -> None:
    """Render every drawing into `directory`; stop at the first failure."""
    for name, options in PICTURES.items():
        status = main(["render", *options.split(), "-o", str(directory / name)])
        if status:
            sys.exit(status)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", nargs="?", default="docs/img", help="where the drawings go")
    parser.add_argument("--drawings-only", action="store_true",
                        help="skip the demo pictures (seconds instead of minutes)")
    args = parser.parse_args()
    make_images(Path(args.directory))
    if not args.drawings_only:
        make_demo_pictures(Path(args.directory) / "demos")
