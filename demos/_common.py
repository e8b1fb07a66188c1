"""What every demo shares: command line (--quick, --seed, --out), seeding, one BLAS thread, the out/
directory, a progress line with rate and time left, drawings and plots that say where they went (a
plot falls back to a text chart without matplotlib, a drawing is skipped with one line without dot).

A demo script imports this as `import _common`: running `python demos/NAME.py` puts demos/ first
on sys.path. Importing it pins BLAS to one thread: the demos multiply small matrices, where extra
BLAS threads only spin and, on a shared machine, make a run many times slower.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import Callable, Mapping, Sequence, TextIO

BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
if "numpy" not in sys.modules:              # read once, when numpy loads its BLAS; too late after that
    for _var in BLAS_VARS:
        os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402  (after the variables above)

import tinygrad_rnn as tr  # noqa: E402


def pin_blas() -> str:
    """Limit BLAS to one thread in this process; returns how: 'threadpoolctl' (the plots extra),
    'environment' (the variables were set before numpy loaded) or 'unpinned' (neither was possible)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return "environment" if all(os.environ.get(v) == "1" for v in BLAS_VARS) else "unpinned"
    threadpool_limits(limits=1, user_api="blas")
    return "threadpoolctl"


BLAS_PINNING = pin_blas()
REPO_ROOT = Path(__file__).resolve().parent.parent
MARKERS = "*o+x#@%&"


def parse_args(doc: str, argv: Sequence[str] | None = None,
               add_arguments: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    """Parse the demo's command line; `--help` prints the demo's docstring `doc`.

    Every demo gets --quick (a tiny run, used by the tests), --seed (default 0) and --out (where
    pictures go, default out/ at the repo root). `add_arguments(parser)` adds a demo's own options.
    """
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tiny run that finishes in about a second")
    parser.add_argument("--seed", type=int, default=0, help="seed for data and weights (default 0)")
    parser.add_argument("--out", default="out", help="directory for pictures, relative to the repo root")
    if add_arguments is not None:
        add_arguments(parser)
    return parser.parse_args(argv)


def seed(n: int) -> np.random.Generator:
    """Seed the library (weights, dropout) and return its generator, which the demo also uses for
    data, so one number fixes the whole run."""
    return tr.manual_seed(n)


def out_dir(path: str | Path = "out") -> Path:
    """The output directory (a relative path counts from the repo root), created if missing."""
    directory = Path(path)
    if not directory.is_absolute():
        directory = REPO_ROOT / directory
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def descend(optimizer, loss) -> float:
    """One training step: clear the old gradients, backpropagate `loss`, update; returns the loss value."""
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def shown(path: str | Path) -> str:
    """`path` as a reader would type it: relative to the working directory when inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def render(root, path: str | Path, **draw_kwargs) -> Path | None:
    """tr.viz.render(root, path, **draw_kwargs) that prints "wrote PATH". Without Graphviz's `dot`
    it prints one line saying which drawing it skipped and returns None, so the demo carries on."""
    import tinygrad_rnn.viz  # noqa: F401  (tr.viz)
    try:
        written = Path(tr.viz.render(root, path, **draw_kwargs))
    except tr.viz.GraphvizNotFoundError:
        print(f"skipped {shown(path)}: Graphviz's `dot` is not installed (Debian: apt-get install graphviz)")
        return None
    print(f"wrote {shown(written)}")
    return written


def _duration(seconds: float) -> str:
    """3.2s, 45s, 2m05s."""
    if seconds < 10:
        return f"{seconds:.1f}s"
    if seconds < 60:
        return f"{seconds:.0f}s"
    return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


def _tqdm():
    """tqdm's progress bar class, or None when the `plots` extra is not installed."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm


class Progress:
    """A status line for a training loop: step, loss, elapsed time, steps per second, time left.

    On a terminal with tqdm installed it is a tqdm bar (`bar=None` picks that; False forces the plain
    line). Otherwise, on a terminal the plain line is rewritten in place ("\\r"); in a log or a pipe each
    report is its own line. Reports are throttled to one per `min_interval` seconds (0.1 on a
    terminal, 2 otherwise), except that the first and the last step are always shown.
    """

    def __init__(self, total: int, stream: TextIO | None = None, min_interval: float | None = None,
                 clock: Callable[[], float] = time.perf_counter, bar: bool | None = None):
        if not isinstance(total, int) or total < 1:
            raise ValueError(f"Progress(total) expects a positive int (the number of steps), got {total!r}")
        self.total, self.stream, self.clock = total, stream or sys.stdout, clock
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.min_interval = (0.1 if self.tty else 2.0) if min_interval is None else min_interval
        self.start = clock()
        self.last_shown: float | None = None
        self.width = 0                       # length of the previous line, to blank it on a terminal
        tqdm = _tqdm() if (self.tty if bar is None else bar) else None
        self.bar = None if tqdm is None else tqdm(total=total, file=self.stream, unit="step",
                                                  mininterval=self.min_interval, dynamic_ncols=True)

    def line(self, step: int, loss: float, elapsed: float) -> str:
        """The plain report: step, loss, elapsed time, and from the mean rate so far, the time left."""
        speed = f"{step / elapsed:.3g} steps/s  {_duration((self.total - step) * elapsed / step)} left" \
            if elapsed > 0 else "? steps/s"
        return f"step {step:>{len(str(self.total))}}/{self.total}  loss {loss:.4f}  {elapsed:6.1f}s  {speed}"

    def update(self, step: int, loss: float) -> None:
        """Report `loss` at `step` (1-based) if the last report is old enough."""
        if self.bar is not None:
            self.bar.set_postfix_str(f"loss {loss:.4f}", refresh=False)
            self.bar.update(step - self.bar.n)
            return
        now = self.clock()
        due = self.last_shown is None or step >= self.total or now - self.last_shown >= self.min_interval
        if not due:
            return
        self.last_shown = now
        line = self.line(step, loss, now - self.start)
        if self.tty:
            self.stream.write("\r" + line.ljust(self.width))
            self.width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the line on a terminal so the next print starts on a fresh one."""
        if self.bar is not None:
            self.bar.close()
        elif self.tty and self.width:
            self.stream.write("\n")
            self.stream.flush()
            self.width = 0

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _points(series: Mapping[str, Sequence[float]], x: Sequence[float] | None, logy: bool) -> list:
    """(marker, x, y) of every drawable value (y as log10 y with `logy`), after checking the lengths."""
    if not series:
        raise ValueError("plot: series expects at least one named curve, got none")
    xs = np.arange(len(next(iter(series.values()))), dtype=float) if x is None else np.asarray(x, dtype=float)
    points = []
    for marker, (label, ys) in zip(MARKERS * len(series), series.items()):
        if len(ys) != len(xs):
            raise ValueError(f"plot: series {label!r} has {len(ys)} values but x has {len(xs)}")
        for xi, yi in zip(xs, np.asarray(ys, dtype=float)):
            if math.isfinite(yi) and (yi > 0 or not logy):
                points.append((marker, xi, math.log10(yi) if logy else yi))
    return points


def text_chart(series: Mapping[str, Sequence[float]], x: Sequence[float] | None = None, width: int = 60,
               height: int = 12, logy: bool = False) -> str:
    """The curves drawn with characters, one marker per series, y range on the left, legend below.

    Non-finite values (and non-positive ones with `logy`) are left out, so a diverging loss still plots.
    """
    points = _points(series, x, logy)
    if not points:
        return "(nothing finite to plot)"
    lo_x, hi_x = min(p[1] for p in points), max(p[1] for p in points)
    lo_y, hi_y = min(p[2] for p in points), max(p[2] for p in points)
    grid = [[" "] * width for _ in range(height)]
    for marker, xi, yi in points:
        col = round((xi - lo_x) / ((hi_x - lo_x) or 1) * (width - 1))
        row = round((hi_y - yi) / ((hi_y - lo_y) or 1) * (height - 1))
        grid[row][col] = marker
    label = (lambda v: f"{10 ** v:.3g}") if logy else (lambda v: f"{v:.3g}")
    top, bottom = label(hi_y), label(lo_y)
    pad = max(len(top), len(bottom))
    rows = [(top if i == 0 else bottom if i == height - 1 else "").rjust(pad) + " |" + "".join(r)
            for i, r in enumerate(grid)]
    rows.append(" " * pad + " +" + "-" * width)
    rows.append(" " * pad + f"  {lo_x:g}" + f"{hi_x:g}".rjust(width - len(f"{lo_x:g}")))
    rows.append("  ".join(f"{m} {name}" for m, name in zip(MARKERS * len(series), series)))
    return "\n".join(rows)


def _pyplot():
    """matplotlib.pyplot with a file-only backend, or None when the `plots` extra is not installed."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def plot(series: Mapping[str, Sequence[float]], path: str | Path, title: str, xlabel: str = "step",
         ylabel: str = "loss", x: Sequence[float] | None = None, logy: bool = False) -> Path:
    """Draw named curves to `path` (a .png) with matplotlib; without it, print a text chart and save
    it next to `path` as .txt. Prints and returns the file written."""
    path = Path(path)
    _points(series, x, logy)                            # the same length checks on both paths
    plt = _pyplot()
    if plt is None:
        chart = f"{title}  ({ylabel} against {xlabel}{', log scale' if logy else ''})\n" + \
            text_chart(series, x=x, logy=logy)
        print("\n" + chart)
        path = path.with_suffix(".txt")
        path.write_text(chart + "\n")
        print(f"wrote {shown(path)} (a text chart: `pip install -e '.[plots]'` draws a PNG instead)")
        return path
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, ys in series.items():
        ax.plot(np.arange(len(ys)) if x is None else x, ys, marker="." if len(ys) <= 60 else None, label=label)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel, yscale="log" if logy else "linear")
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"wrote {shown(path)}")
    return path
