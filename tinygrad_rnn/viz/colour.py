"""Gradient magnitude as colour: log10 of a gradient's norm on a pale-to-dark sequential scale.

Pale means a small gradient, dark a large one, so a gradient that vanishes as it flows back through
time shows as steps fading to the left. The scale always spans DECADES powers of ten below the
largest norm in the drawing (smaller norms get the palest colour), so two drawings can be compared
by eye: a picture whose gradients all lie within one decade stays dark, one that loses four decades
fades out. Every RGB channel of the ramp decreases along it, so darker always means larger.
"""
from __future__ import annotations

import math

import numpy as np

# (R, G, B) anchors, pale cream to dark wine; each channel is non-increasing from one to the next.
_RAMP = ((255, 247, 214), (250, 206, 110), (240, 134, 60), (200, 50, 40), (110, 10, 40))
NONFINITE_FILL = "#c040c0"     # inf or nan gradients stand out in a colour off the scale
DECADES = 5                    # the ramp covers [largest norm / 10^DECADES, largest norm]


def grad_norm(node) -> float | None:
    """The gradient's norm (|g| for a Value, Frobenius for a Tensor), None before backward."""
    g = node._grad
    if g is None:
        return None
    return abs(float(g)) if np.ndim(g) == 0 else float(np.linalg.norm(g))


def luminance(colour: str) -> float:
    """Relative luminance (0 black .. 1 white) of a '#rrggbb' colour, sRGB channels linearised."""
    linear = [(c / 255) ** 2.2 for c in bytes.fromhex(colour[1:])]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ramp(x: float) -> str:
    """The colour at position x in [0, 1] along the ramp (piecewise-linear in RGB)."""
    x = min(max(x, 0.0), 1.0) * (len(_RAMP) - 1)
    k = min(int(x), len(_RAMP) - 2)
    frac = x - k
    rgb = [round(a + (b - a) * frac) for a, b in zip(_RAMP[k], _RAMP[k + 1])]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


class GradScale:
    """Maps gradient norms to fill colours: log10 of the norm, over DECADES below the largest one."""

    def __init__(self, norms):
        logs = [math.log10(n) for n in norms if n is not None and 0 < n < math.inf]
        self.hi = max(logs) if logs else 0.0
        self.lo = self.hi - DECADES

    def position(self, norm: float) -> float:
        """Where log10(norm) sits on the ramp: 1 for the largest norm, 0 for DECADES below or less."""
        if norm <= 0:
            return 0.0
        return min(max((math.log10(norm) - self.lo) / DECADES, 0.0), 1.0)

    def fill(self, norm: float | None) -> tuple:
        """(fill colour, font colour) for a node whose gradient has this norm (None: no fill)."""
        if norm is None:
            return "#ffffff", "#000000"
        colour = ramp(self.position(norm)) if math.isfinite(norm) else NONFINITE_FILL
        return colour, "#ffffff" if luminance(colour) < 0.25 else "#000000"   # keep text legible

    def legend(self) -> str:
        """An HTML-like Graphviz label: one swatch per decade with the gradient norm it stands for."""
        cells = []
        for k in range(DECADES + 1):
            value = 10 ** (self.lo + k)
            colour, font = self.fill(value)
            text = f"{'≤ ' if k == 0 else ''}{value:.1e}"      # everything smaller is palest too
            cells.append(f'<TD BGCOLOR="{colour}"><FONT COLOR="{font}">{text}</FONT></TD>')
        return ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
                f'<TR><TD BORDER="0">gradient norm ‖g‖</TD>{"".join(cells)}</TR></TABLE>>')
