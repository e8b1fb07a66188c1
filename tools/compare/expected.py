"""The stored expectations (what `--record DIR` wrote, see record.py): reading them, running the dialect from
the stored initial weights, and comparing what it computed with the stored torch values to the same tolerances.
This is `--against DIR`, and what tests/test_programs_run.py does from tests/programs/expected/."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .arrays import compare_arrays, compare_texts
from .capture import describe_failure
from .runs import PROGRAMS, ROOT, Run, run_dirname
from .side import run_side
from .stdout import compare_stdout


def source_digest(run: Run) -> dict[str, str]:
    """sha256 prefixes of what a stored expectation depends on: the program's original/ sources and its data."""
    paths = sorted((PROGRAMS / run.program / "original").rglob("*.py"))
    for root in [PROGRAMS / run.program / "data"] + [PROGRAMS / t for t in run.links.values()]:
        if root.is_dir():
            paths += sorted(p for p in root.rglob("*") if p.is_file())
        elif root.is_file():
            paths.append(root)
    return {str(p.relative_to(PROGRAMS)): hashlib.sha256(p.read_bytes()).hexdigest()[:16]
            for p in dict.fromkeys(paths)}


def signs(n: int) -> np.ndarray:
    """The fixed +-1 weights of the stored `signed_sum` of an n-entry array."""
    return np.where(np.random.RandomState(n).random_sample(n) < 0.5, -1.0, 1.0)


def portable(args: list) -> list:
    """A step's arguments with this checkout's path written as {ROOT}, so stored values hold in any clone."""
    return [a.replace(str(ROOT), "{ROOT}") for a in args]


def load_expected(directory: Path, name: str) -> dict:
    """What --record stored for run `name` in `directory`: expected.json's contents, plus "stored" (the arrays
    of expected.npz) and "params" ({file name: {parameter: float32 array}})."""
    d = Path(directory) / run_dirname(name)
    expected = json.loads((d / "expected.json").read_text())
    expected["stored"] = dict(np.load(d / "expected.npz"))
    expected["params"] = {p.name: dict(np.load(p)) for p in sorted(d.glob("params.step*.npz"))}
    for name, keys in expected.get("param_keys", {}).items():   # {name: stored name}: repeats stored once
        stored = expected["params"][name]
        expected["params"][name] = {key: stored[first] for key, first in keys.items()}
    return expected


def run_dialect_from_expected(run: Run, expected: dict, workdir: Path, python: str | None = None,
                              verbose: bool = False) -> dict:
    """Run the ported program with the dialect from the stored initial weights (as float64), in workdir."""
    workdir.mkdir(parents=True, exist_ok=True)
    for name, arrays in expected["params"].items():
        np.savez(workdir / name, **{k: v.astype(np.float64) if v.dtype.kind == "f" else v for k, v in arrays.items()})
    return run_side(run, "dialect", workdir, verbose, python=python)


def compare_sampled(key: str, meta: dict, idx: np.ndarray, values: np.ndarray, got, rtol: float, atol: float
                    ) -> tuple[list[str], list[str]]:
    """A large array stored as a sample: its stored entries to rtol/atol (like compare_arrays), and its two
    whole-array sums within sum(atol + rtol |x|) (which elementwise closeness implies)."""
    d = np.asarray(got)
    if list(d.shape) != meta["shape"]:
        return [f"{key}: shape {d.shape} in the dialect, {tuple(meta['shape'])} in torch"], []
    flat = d.ravel().astype(np.float64)
    idx = idx.astype(np.int64)
    label = f"{key}[{len(idx)} of {flat.size} entries]"
    problems, ok = compare_arrays({label: values}, {label: flat[idx]}, rtol, atol)
    if problems:  # name the worst entry by its index in the whole array
        diff = np.abs(values - flat[idx])
        both_nan = np.isnan(values) & np.isnan(flat[idx])
        i = int(np.nanargmax(np.where(both_nan, 0.0, np.nan_to_num(diff, nan=np.inf))))
        at = tuple(int(v) for v in np.unravel_index(idx[i], d.shape))
        problems = [f"{label}: max |diff| {diff[i]:.3e} at {at} (torch {values[i]!r}, dialect {flat[idx[i]]!r})"]
    slack = flat.size * atol + rtol * float(np.abs(flat).sum())
    for name, value in (("sum", float(flat.sum())), ("signed_sum", float(flat @ signs(flat.size)))):
        if not abs(value - meta[name]) <= slack:
            problems.append(f"{key}: {name} of all {flat.size} entries {value!r} in the dialect, {meta[name]!r} "
                            f"in torch (allowed {slack:.2e})")
        else:
            ok.append(f"{key}: {name}: |diff| {abs(value - meta[name]):.1e}")
    return problems, ok


def compare_stored_array(expected: dict, k: int, key: str, got, rtol: float, atol: float
                         ) -> tuple[list[str], list[str]]:
    """(problems, matched): the dialect's array `got` against the one stored as `key` of step k (whole, as a
    sample, or as an alias of one stored before)."""
    meta, sk = expected["steps"][k]["arrays"][key], f"step{k}/{key}"
    if meta["stored"] == "alias":
        j, other = meta["of"].split("/", 1)
        meta, sk = expected["steps"][int(j[4:])]["arrays"][other], meta["of"]
    stored = expected["stored"]
    if meta["stored"] == "full":
        return compare_arrays({key: stored[sk]}, {key: got}, rtol, atol)
    return compare_sampled(key, meta, stored[sk + "#idx"], stored[sk + "#val"], got, rtol, atol)


def stale(run: Run, expected: dict) -> list[str]:
    """Why the stored values no longer describe `run`: other steps, or edited sources or data."""
    out = []
    recorded = [(s["script"], s["args"], s["globals"], s["files"]) for s in expected["steps"]]
    if recorded != [(s.script, portable(s.args), s.globals, s.files) for s in run.steps]:
        out.append(f"stored for other steps: {recorded}")
    digest = source_digest(run)
    changed = sorted(set(digest.items()) ^ set(expected["sources"].items()))
    if changed:
        out.append("changed since the values were recorded: " + ", ".join(dict(changed)))
    return out


def compare_with_expected(run: Run, expected: dict, result: dict) -> dict[str, list[str]]:
    """Compare a dialect run (run_dialect_from_expected) with the stored torch values, as compare_run compares
    the two sides. Returns lists of problems by kind ("stale", "run", "arrays", "texts", "stdout") and "matched"."""
    rtol, atol = expected["rtol"], expected["atol"]
    out: dict[str, list[str]] = {"stale": stale(run, expected), "run": [], "arrays": [], "texts": [], "stdout": [],
                                 "matched": []}
    for k, step in enumerate(expected["steps"]):
        script = step["script"]
        if k >= len(result["steps"]):
            out["run"].append(f"{script}: not run (an earlier step failed)")
            continue
        res = result["steps"][k]
        got = res["capture"]
        if res["code"] != 0:
            out["run"].append(f"{script}: {describe_failure(res)}")
        for key in step["arrays"]:
            if key not in got:
                out["arrays"].append(f"{script}: {key}: not produced by the dialect")
                continue
            problems, ok = compare_stored_array(expected, k, key, got[key], rtol, atol)
            out["arrays"] += [f"{script}: {p}" for p in problems]
            out["matched"] += [f"{script}: {p}" for p in ok]
        problems, ok = compare_texts(step["texts"], res["texts"])
        out["texts"] += [f"{script}: {p}" for p in problems]
        out["matched"] += [f"{script}: {p}" for p in ok]
        out["stdout"] += [f"{script}: {p}" for p in compare_stdout(step["stdout"], res["stdout"], rtol)]
    return out
