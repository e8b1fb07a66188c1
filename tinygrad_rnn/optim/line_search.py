"""The strong-Wolfe line search of PyTorch's L-BFGS (minFunc's lswolfe; Nocedal & Wright, Numerical
Optimization, algorithms 3.5 and 3.6): bracket a step that meets the strong Wolfe conditions, then zoom in
on it by cubic interpolation.

A trial is a Point along a direction d from theta: the step t, the loss f at theta + t d, its gradient g, and
the slope f'(t) = g.d.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Callable

import numpy as np

Point = namedtuple("Point", "t f g gtd")    # a trial step t along d: the loss f there, its gradient g, g.d


def cubic_minimum(a: Point, b: Point, bounds: tuple | None = None):
    """The minimiser of the cubic through (a.t, a.f) and (b.t, b.f) with slopes a.gtd and b.gtd, clamped to
    `bounds` (default: between a.t and b.t); the bounds' midpoint when the cubic has no minimum.

        d1 = gtd_a + gtd_b - 3 (f_a - f_b) / (t_a - t_b),    d2 = sqrt(d1^2 - gtd_a gtd_b)
        t = t_far - (t_far - t_near) (gtd_far + d2 - d1) / (gtd_far - gtd_near + 2 d2)    (far: larger t)
    """
    lo, hi = bounds if bounds is not None else (min(a.t, b.t), max(a.t, b.t))
    d1 = a.gtd + b.gtd - 3 * (a.f - b.f) / (a.t - b.t)
    d2_square = d1 * d1 - a.gtd * b.gtd
    if not d2_square >= 0:                                   # no real minimum (or nan): bisect
        return (lo + hi) / 2.0
    d2 = np.sqrt(d2_square)
    near, far = (a, b) if a.t <= b.t else (b, a)
    t = far.t - (far.t - near.t) * ((far.gtd + d2 - d1) / (far.gtd - near.gtd + 2 * d2))
    return min(max(t, lo), hi)


def strong_wolfe(evaluate: Callable, t, d: np.ndarray, start: Point, max_ls: int, c1: float = 1e-4,
                 c2: float = 0.9, tolerance_change: float = 1e-9) -> tuple:
    """A step t along d meeting the strong Wolfe conditions, f(t) <= f(0) + c1 t f'(0) (enough decrease) and
    |f'(t)| <= -c2 f'(0) (slope flat enough), where f'(t) = g(t).d. First brackets such a t (stepping out by
    cubic extrapolation), then zooms in on it (cubic interpolation, kept a tenth of the bracket away from its
    ends); at most max_ls evaluations after the first, at t. `evaluate(t)` gives (loss, gradient) at t.
    `start` is t = 0. Returns (loss, gradient, t, number of evaluations) of the best point found.
    """
    def probe(t) -> Point:
        f, g = evaluate(t)
        return Point(t, f, g, g.dot(d))

    def too_high(p: Point) -> bool:                          # sufficient decrease (Armijo) fails
        return p.f > start.f + c1 * p.t * start.gtd

    def flat_enough(p: Point) -> bool:                       # the strong curvature condition holds
        return abs(p.gtd) <= -c2 * start.gtd

    d_norm, prev, new, ls_iter, done = np.abs(d).max(), start, probe(t), 0, False
    while ls_iter < max_ls:                                  # bracketing
        rising = too_high(new) or (ls_iter > 1 and new.f >= prev.f)
        if not rising and flat_enough(new):
            bracket, done = [new], True
            break
        if rising or new.gtd >= 0:                           # a minimum lies between prev and new
            bracket = [prev, new]
            break
        t = cubic_minimum(prev, new, bounds=(new.t + 0.01 * (new.t - prev.t), new.t * 10))
        prev, new, ls_iter = new, probe(t), ls_iter + 1
    else:
        bracket = [start, new]                               # out of evaluations: between 0 and the last trial

    low, high = (0, 1) if bracket[0].f <= bracket[-1].f else (1, 0)
    insufficient = False                                     # the last trial was close to an end as well
    while not done and ls_iter < max_ls:                     # zoom
        a, b = bracket
        if abs(b.t - a.t) * d_norm < tolerance_change:
            break
        t, lo, hi = cubic_minimum(a, b), min(a.t, b.t), max(a.t, b.t)
        eps = 0.1 * (hi - lo)
        if min(hi - t, t - lo) < eps:
            if insufficient or t >= hi or t <= lo:           # move a tenth of the bracket in from the nearer end
                t = hi - eps if abs(t - hi) < abs(t - lo) else lo + eps
                insufficient = False
            else:
                insufficient = True
        else:
            insufficient = False
        new, ls_iter = probe(t), ls_iter + 1
        if too_high(new) or new.f >= bracket[low].f:
            bracket[high] = new
            low, high = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
        else:
            if flat_enough(new):
                done = True
            elif new.gtd * (bracket[high].t - bracket[low].t) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = new
    best = bracket[low]
    return best.f, best.g, best.t, ls_iter + 1
