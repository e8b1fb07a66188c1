"""Comparing captured values: arrays to rtol/atol (round-off in float64), integer arrays and written texts
exactly; and how close to the tolerance two sets of arrays come."""
from __future__ import annotations

import numpy as np


def compare_arrays(ref: dict, got: dict, rtol: float, atol: float, names=("torch", "dialect")
                   ) -> tuple[list[str], list[str]]:
    """(problems, matched): every array of `ref` against the same-named one of `got`; `names` name the two
    sides in the messages."""
    problems, ok = [], []
    A, B = names
    for key in sorted(ref):
        a = np.asarray(ref[key])
        if key not in got:
            problems.append(f"{key}: not produced by the {B}")
            continue
        b = np.asarray(got[key])
        if a.shape != b.shape:
            problems.append(f"{key}: shape {b.shape} in the {B}, {a.shape} in {A}")
            continue
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            a64, b64 = a.astype(np.float64), b.astype(np.float64)
            if not np.allclose(a64, b64, rtol=rtol, atol=atol, equal_nan=True):
                diff = np.abs(a64 - b64)
                i = np.unravel_index(np.nanargmax(diff), diff.shape) if diff.size else ()
                problems.append(f"{key}: max |diff| {np.nanmax(diff):.3e} at {tuple(int(v) for v in i)} "
                                f"({A} {a64[i]!r}, {B} {b64[i]!r})")
            else:
                err = float(np.max(np.abs(a64 - b64))) if a.size else 0.0
                ok.append(f"{key}: max |diff| {err:.1e}")
        elif not np.array_equal(a, b):
            problems.append(f"{key}: values differ ({A} {a.ravel()[:6]}, {B} {b.ravel()[:6]})")
        else:
            ok.append(f"{key}: equal")
    return problems, ok


def compare_texts(ref: dict[str, str], got: dict[str, str]) -> tuple[list[str], list[str]]:
    """(problems, matched): every text file torch wrote (`ref`) against the dialect's, exactly."""
    problems, ok = [], []
    for name, text in ref.items():
        if got.get(name) != text:
            problems.append(f"{name}: text differs (torch {text[:80]!r}, dialect {got.get(name, '')[:80]!r})")
        else:
            ok.append(f"{name}: identical")
    return problems, ok


def worst_ratio(ref: dict, got: dict, rtol: float, atol: float) -> tuple[float, str]:
    """max |a - b| / (atol + rtol |b|) over the float arrays both have: <= 1 is what compare_arrays accepts."""
    worst, where = 0.0, ""
    for key, a in ref.items():
        a, b = np.asarray(a), np.asarray(got.get(key, np.nan))
        if a.dtype.kind not in "fc" or a.shape != b.shape or a.size == 0:
            continue
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        both_nan = np.isnan(a64) & np.isnan(b64)
        r = np.where(both_nan, 0.0, np.abs(a64 - b64) / (atol + rtol * np.abs(b64)))
        m = float(np.max(np.nan_to_num(r, nan=np.inf)))
        if m > worst:
            worst, where = m, key
    return worst, where
