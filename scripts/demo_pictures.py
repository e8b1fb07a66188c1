"""The README's demo pictures: run every demo in full and keep its most telling picture.

Each demo runs on its own, in a fresh interpreter with single-threaded BLAS and `--out` pointed at a
scratch directory (its default sizes, not --quick, so the curves are the real ones); the picture
named in PICTURES is then copied to docs/img/demos/NAME.png (or .svg), a PNG as a palette image.
The tour is not rerun (it repeats three other demos): only its scalar-neuron drawing is made. The
plots need matplotlib (the `plots` extra), installed into this interpreter's environment first if
it is missing; without it the demos would write text charts instead. Takes about two minutes;
`make images` calls it. The demos are seeded, so a rerun writes byte-identical pictures.
Usage: python scripts/demo_pictures.py [output directory, default docs/img/demos]
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMOS = REPO_ROOT / "demos"

PICTURES = {                       # demo -> the file it writes into --out that the README shows
    "hmm_as_rnn": "hmm_as_rnn.png",
    "bptt_by_hand": "bptt_by_hand.png",
    "parity": "parity_final_loss.png",
    "autocomplete": "autocomplete.png",
    "sentiment": "sentiment.png",
    "pos_tagging": "pos_tagging.png",
    "vanishing_gradients": "vanishing_gradients.png",
    "exploding_gradients": "exploding_gradients_reach.png",
    "truncated_bptt": "truncated_bptt.png",
    "seq2seq": "seq2seq.png",
    "captioning": "captioning.png",
    "lstm_vs_gru": "lstm_vs_gru.png",
    "stacked_rnn": "stacked_rnn_depth.png",
    "agreement": "agreement.png",
    "tour": "tour_neuron.svg",
}
# The tour's main() would rerun bptt_by_hand, autocomplete and vanishing_gradients; its one picture
# of its own worth showing is the neuron, which scalar_neuron() draws in a fraction of a second.
TOUR_NEURON = "import pathlib, sys, tour; tour.scalar_neuron(pathlib.Path(sys.argv[1]))"
BUDGET = {".png": 80_000, ".svg": 150_000}    # bytes a README picture should stay under
SINGLE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def ensure_matplotlib() -> None:
    """Install the `plots` extra into this interpreter's environment unless matplotlib is there."""
    if importlib.util.find_spec("matplotlib") is not None:
        return
    print("demo_pictures: matplotlib is missing; installing the plots extra (pip install -e '.[plots]')")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", ".[plots]"], cwd=REPO_ROOT, check=True)
    importlib.invalidate_caches()
    if importlib.util.find_spec("matplotlib") is None:
        sys.exit("demo_pictures: matplotlib is still not importable after installing the plots extra")


def demo_command(name: str, out: Path) -> list[str]:
    """The command that runs demo `name` in full with its pictures going to `out`."""
    if name == "tour":
        return [sys.executable, "-c", TOUR_NEURON, str(out)]
    return [sys.executable, str(DEMOS / f"{name}.py"), "--out", str(out)]


def run_demo(name: str, scratch: Path) -> Path:
    """Run demo `name` into scratch/name/ (its output kept in scratch/name.log); return its picture.

    Exits with the log's tail if the demo fails or does not write the picture PICTURES names."""
    out, log = scratch / name, scratch / f"{name}.log"
    out.mkdir()
    env = {**os.environ, **SINGLE_THREAD, "PYTHONPATH": os.pathsep.join(
        p for p in (str(DEMOS), os.environ.get("PYTHONPATH", "")) if p)}
    with log.open("w") as stream:
        status = subprocess.run(demo_command(name, out), cwd=REPO_ROOT, env=env, stdout=stream,
                                stderr=subprocess.STDOUT).returncode
    picture = out / PICTURES[name]
    if status or not picture.exists():
        tail = "\n".join(log.read_text().splitlines()[-20:])
        problem = f"exited with status {status}" if status else f"did not write {PICTURES[name]!r}"
        sys.exit(f"demo_pictures: demo {name!r} {problem}; the end of its output:\n{tail}")
    return picture


def copy_picture(picture: Path, target: Path) -> None:
    """Copy `picture` to `target`; a PNG plot is stored with a 128-colour palette, which looks the same
    (a plot has a handful of colours and their anti-aliasing) at about a third of the bytes."""
    if picture.suffix != ".png":
        shutil.copyfile(picture, target)
        return
    from PIL import Image      # here, not at the top: Pillow comes with matplotlib, maybe installed just now
    with Image.open(picture) as image:
        image.convert("RGB").quantize(colors=128).save(target, optimize=True)


def make_demo_pictures(directory: Path) -> None:
    """Run the demos one at a time and copy each one's picture to directory/NAME.png|svg."""
    ensure_matplotlib()
    directory.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="demo_pictures_") as scratch:
        for name in PICTURES:
            began = time.perf_counter()
            picture = run_demo(name, Path(scratch))
            target = directory / f"{name}{picture.suffix}"
            copy_picture(picture, target)
            size = target.stat().st_size
            over = "  (over the README budget)" if size > BUDGET[picture.suffix] else ""
            print(f"{name:20s} {time.perf_counter() - began:6.1f}s  {target}  {size / 1000:.0f} KB{over}",
                  flush=True)
    print(f"demo pictures: {len(PICTURES)} in {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    make_demo_pictures(Path(sys.argv[1] if len(sys.argv) > 1 else REPO_ROOT / "docs/img/demos"))
