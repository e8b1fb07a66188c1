"""Comparing what two runs printed: line by line, timings blanked, each number to the precision it was printed
with (integers exactly)."""
from __future__ import annotations

import re

import numpy as np

TIMINGS = [
    (re.compile(r"ms/batch\s+[\d.]+"), "ms/batch <t>"),
    (re.compile(r"time:\s+[\d.]+s"), "time: <t>s"),
    (re.compile(r"\(\d+m \d+s\)"), "(<t>)"),
    (re.compile(r"^\d+m \d+s \(- \d+m \d+s\)"), "<t> (- <t>)"),   # seq2seq's timeSince(): elapsed (- remaining)
    (re.compile(r"training took [\d.e+-]+s"), "training took <t>s"),
]
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def normalise(line: str) -> str:
    """A printed line with its timings blanked and trailing whitespace dropped."""
    for pattern, repl in TIMINGS:
        line = pattern.sub(repl, line)
    return line.rstrip()


def numbers_match(a: str, b: str, rtol: float) -> bool:
    """Whether two printed numbers agree: integers exactly, others to a's printed decimals or to rtol."""
    if "." not in a and "e" not in a.lower() and "." not in b and "e" not in b.lower():
        return a.lstrip("+") == b.lstrip("+")
    decimals = len(a.split(".")[1].split("e")[0].split("E")[0]) if "." in a else 0
    x, y = float(a), float(b)
    return abs(x - y) <= max(1.01 * 10.0 ** -decimals, rtol * max(abs(x), abs(y))) or (np.isnan(x) and np.isnan(y))


def compare_stdout(a: str, b: str, rtol: float, limit: int = 8) -> list[str]:
    """The differences between torch's stdout `a` and the other side's `b` (at most `limit` lines shown)."""
    la = [normalise(x) for x in a.splitlines()]
    lb = [normalise(x) for x in b.splitlines()]
    problems = []
    if len(la) != len(lb):
        problems.append(f"stdout has {len(lb)} lines, torch's has {len(la)}")
    for i, (x, y) in enumerate(zip(la, lb)):
        if x == y:
            continue
        same_text = NUMBER.sub("#", x) == NUMBER.sub("#", y)
        nx, ny = NUMBER.findall(x), NUMBER.findall(y)
        if same_text and len(nx) == len(ny) and all(numbers_match(p, q, rtol) for p, q in zip(nx, ny)):
            continue
        problems.append(f"stdout line {i + 1}:\n        torch:   {x[:160]}\n        dialect: {y[:160]}")
        if len(problems) >= limit:
            problems.append("... (more stdout differences not shown)")
            break
    return problems
