"""Text every Python installation has: the docstrings of standard-library modules, as characters.

The docstrings are read from the modules' source files with `ast` (nothing is imported or executed,
and `python -OO`, which strips docstrings from imported modules, changes nothing), doctest lines are
dropped, and the prose is cleaned to a small alphabet: lowercase letters, space, '.' and ','. The
text is the same on every run of the same Python version (and close to it across versions).
"""
from __future__ import annotations

import ast
import re
import sysconfig
from pathlib import Path
from typing import Sequence

import numpy as np

ALPHABET = " ,.abcdefghijklmnopqrstuvwxyz"           # index 0 is the space: the end of a word
MODULES = ("argparse", "textwrap", "random", "string", "copy", "subprocess", "functools", "heapq",
           "statistics", "difflib", "shutil", "tempfile", "contextlib", "fractions", "calendar",
           "inspect", "typing", "dataclasses", "enum", "csv")
DOCTEST = re.compile(r"^\s*(>>>|\.\.\.)")            # interactive examples: code, not prose


def docstrings(module: str) -> list:
    """Every docstring in the stdlib module's source file (module, classes, functions), in walk order."""
    path = Path(sysconfig.get_paths()["stdlib"]) / f"{module}.py"
    if not path.is_file():
        raise FileNotFoundError(f"docstrings: no source file for standard-library module {module!r} "
                                f"(looked for {path})")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return [doc for node in ast.walk(tree) if isinstance(node, kinds) and (doc := ast.get_docstring(node))]


def clean(text: str) -> str:
    """Lowercase prose over ALPHABET: doctest lines dropped, other characters become spaces, words
    without a letter (stray punctuation) dropped, runs of '.' or ',' cut to one."""
    prose = "\n".join(line for line in text.splitlines() if not DOCTEST.match(line)).lower()
    prose = re.sub(f"[^{re.escape(ALPHABET[1:])}]+", " ", prose)
    prose = re.sub(r"([.,])[.,]+", r"\1", prose)
    return " ".join(word for word in prose.split() if re.search("[a-z]", word))


def load(modules: Sequence[str] = MODULES, holdout_every: int = 10) -> tuple[str, str]:
    """(training text, held-out text) from the modules' docstrings, cleaned.

    Every `holdout_every`-th docstring goes to the held-out text, so both halves cover every module.
    Modules missing from this installation are skipped; finding none is an error.
    """
    docs = []
    for module in modules:
        try:
            docs += [d for d in map(clean, docstrings(module)) if d]
        except FileNotFoundError:
            continue
    if not docs:
        raise FileNotFoundError(f"load: none of the modules {list(modules)} has a source file under "
                                f"{sysconfig.get_paths()['stdlib']}")
    train = " ".join(d for i, d in enumerate(docs) if i % holdout_every != holdout_every - 1)
    held_out = " ".join(d for i, d in enumerate(docs) if i % holdout_every == holdout_every - 1)
    return train + " ", held_out + " "


def encode(text: str) -> np.ndarray:
    """Character codes (indices into ALPHABET), shape (len(text),)."""
    bad = set(text) - set(ALPHABET)
    if bad:
        raise ValueError(f"encode: characters {''.join(sorted(bad))!r} are not in ALPHABET {ALPHABET!r}")
    lookup = {c: i for i, c in enumerate(ALPHABET)}
    return np.array([lookup[c] for c in text], dtype=np.int64)


def decode(codes) -> str:
    """The text of a sequence of character codes."""
    return "".join(ALPHABET[int(i)] for i in codes)


def streams(codes: np.ndarray, batch: int) -> np.ndarray:
    """The text cut into `batch` equal contiguous streams, side by side: (T, batch), T = len // batch.

    Row t holds character t of every stream, so one pass over the rows reads all streams in parallel
    and the recurrent state carries each stream's context from one row to the next.
    """
    T = len(codes) // batch
    if T < 2:
        raise ValueError(f"streams: {len(codes)} characters cannot fill {batch} streams of length >= 2")
    return codes[:T * batch].reshape(batch, T).T
