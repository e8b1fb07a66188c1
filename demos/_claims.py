"""What the claim-testing demos share: a measurement repeated over seeds, its mean and spread, one
printed verdict line per claim, and a curve plot with the spread shaded.

A claim from the notes is a statement about an effect ("teacher forcing trains faster"). One seed can
show an effect that is not there or hide one that is, so each demo measures over several seeds and
reports the mean with the sample standard deviation, and says in one line whether the claim holds.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

import _common


def over_seeds(measure: Callable[[int], object], seeds: Sequence[int]) -> np.ndarray:
    """`measure(seed)` for every seed, stacked: shape (len(seeds), ...) for scalar or array results."""
    if len(seeds) == 0:
        raise ValueError("over_seeds: seeds expects at least one seed, got none")
    return np.stack([np.asarray(measure(int(s)), dtype=float) for s in seeds])


def mean_spread(values) -> tuple:
    """Mean and sample standard deviation over the first axis (the seeds); spread 0 for one seed."""
    values = np.asarray(values, dtype=float)
    spread = values.std(axis=0, ddof=1) if len(values) > 1 else np.zeros_like(values[0])
    return values.mean(axis=0), spread


def describe(values, fmt: str = ".3g") -> str:
    """'mean ± sd' of scalar measurements over seeds, e.g. '0.912 ± 0.031'."""
    mean, spread = mean_spread(values)
    return f"{float(mean):{fmt}} ± {float(spread):{fmt}}"


def verdict(claim: str, effect: str, seeds: int, holds: bool | str) -> str:
    """Print and return the one line a claim gets: what was claimed, what was measured, over how many
    seeds, and 'holds' / 'does not hold' (or a qualified verdict such as 'holds only when ...')."""
    word = holds if isinstance(holds, str) else ("holds" if holds else "does not hold")
    line = f"CLAIM {claim!r}: {effect} over {seeds} seeds -> {word}"
    print(line)
    return line


def band_plot(runs: Mapping[str, np.ndarray], path: str | Path, title: str, xlabel: str = "step",
              ylabel: str = "loss", x: Sequence[float] | None = None, logy: bool = False) -> Path:
    """Curves over seeds: each series is an array (seeds, points); its mean is drawn as a line with
    mean ± one standard deviation shaded. Without matplotlib, the means go to `_common.plot`'s text
    chart. Returns the file written."""
    means = {}
    for label, values in runs.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 2:
            raise ValueError(f"band_plot: series {label!r} expects an array (seeds, points), got shape {values.shape}")
        means[label] = mean_spread(values)
    plt = _common._pyplot()
    if plt is None:
        return _common.plot({k: m for k, (m, _) in means.items()}, path, title, xlabel, ylabel, x, logy)
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, (mean, spread) in means.items():
        xs = np.arange(len(mean)) if x is None else np.asarray(x, dtype=float)
        line, = ax.plot(xs, mean, marker="." if len(mean) <= 30 else None, label=label)
        low = np.maximum(mean - spread, mean * 1e-3) if logy else mean - spread
        ax.fill_between(xs, low, mean + spread, color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel, yscale="log" if logy else "linear")
    if x is None or np.all(np.asarray(x, dtype=float) == np.round(np.asarray(x, dtype=float))):
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))      # steps, layers: no 1.5 ticks
    ax.legend()
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"wrote {_common.shown(path)}")
    return path
