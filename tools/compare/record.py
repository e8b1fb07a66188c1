"""Recording the expectations (`--record DIR`, needs real torch): for each run compared value by value, the
weights real torch started from and what it computed, kept only from an initialisation where round-off cannot
move the stored values. `--against DIR` and tests/test_programs_run.py compare the dialect with them
(expected.py). Per run, DIR/<run name, / -> __>/ holds:

  params.step<k>.npz  the initial weights, float32: real torch's own initialisation rounded to float32, which
                      is what both the recorded torch run and the dialect start from (as float64 values);
                      an array that repeats (a sub-module saved again under its parent) is stored once,
                      expected.json's param_keys maps every parameter name to the stored one;
  expected.npz        the captured arrays: whole when small (<= FULL_LIMIT entries) or not float; else SAMPLE
                      entries (most of them among the nonzero ones, plus the largest) and, in expected.json,
                      the sum and a fixed +-1-weighted sum of all entries, checked against the dialect's
                      sums within sum(atol + rtol*|x|) - a consequence of elementwise closeness. Arrays
                      equal to one stored before are stored once (alias);
  expected.json       per step: script and arguments, stdout, the text files written, and what each captured
                      array is; also the tolerances, torch's version, the sensitivity margin reached, and
                      sha256 prefixes of the program's original/ sources and data (so that editing them
                      makes the stored values stale, reported as such).

The harness's random draws (random_split / multinomial / randint / RandomSampler) are not inputs to store: they
come from fixed numpy seeds in the bootstrap, identical on both sides; the draws handed out are captured
(draws.<name>) and so compared like any other value."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zlib
from pathlib import Path

import numpy as np

from .arrays import compare_arrays, worst_ratio
from .capture import describe_failure
from .expected import portable, signs, source_digest
from .runs import TORCH_PYTHON, Run, run_dirname
from .side import run_side
from .stdout import compare_stdout

FULL_LIMIT = 256      # float arrays with at most this many entries are stored whole
SAMPLE = 192          # of larger float arrays, this many entries (plus the largest in magnitude) and two sums
MARGIN = 10           # --record keeps an initialisation only if a 1e-15 nudge of it moves no value by more
ATTEMPTS = 6          # than tolerance/MARGIN; else it retries from a new one (programs that do not seed torch)


def digest(a: np.ndarray) -> tuple:
    """What makes two arrays the same array: dtype, shape and contents."""
    return a.dtype.str, a.shape, hashlib.sha256(a.tobytes()).hexdigest()


def sample_indices(key: str, flat: np.ndarray) -> np.ndarray:
    """Which entries of a large array are stored: up to SAMPLE, at most a quarter of them zeros (a gradient
    that only touched a few rows is mostly zeros), chosen by a generator seeded from the key, plus the largest."""
    rng = np.random.RandomState(zlib.crc32(key.encode()))
    nonzero, zero = np.flatnonzero(flat != 0), np.flatnonzero(flat == 0)
    n_nonzero = min(len(nonzero), SAMPLE - min(len(zero), SAMPLE // 4))
    n_zero = min(len(zero), SAMPLE - n_nonzero)
    picks = [rng.choice(nonzero, n_nonzero, replace=False) if n_nonzero else np.zeros(0, np.int64),
             rng.choice(zero, n_zero, replace=False) if n_zero else np.zeros(0, np.int64),
             [int(np.nanargmax(np.abs(flat)))] if not np.isnan(flat).all() else []]
    return np.unique(np.concatenate(picks).astype(np.int64))


def torch_version() -> str:
    """The version of the real torch at TORCH_PYTHON ("unknown" if it does not say)."""
    proc = subprocess.run([TORCH_PYTHON, "-c", "import torch; print(torch.__version__)"], capture_output=True,
                          text=True)
    return proc.stdout.strip() or "unknown"


def round_params(wd: Path) -> dict:
    """Round the initial weights torch saved in wd to float32 (saved back as float64 for the next runs);
    returns them, rounded, by file name."""
    params = {}
    for path in sorted(wd.glob("params.step*.npz")):
        rounded = {k: v.astype(np.float32) if v.dtype.kind == "f" else v for k, v in np.load(path).items()}
        params[path.name] = rounded
        np.savez(path, **{k: v.astype(np.float64) for k, v in rounded.items()})
    return params


def nudge_problems(result: dict, nudged: dict, rtol: float, atol: float) -> tuple[list[str], tuple[float, str]]:
    """What a 1e-15 nudge of the initial weights moved by more than tolerance/MARGIN, and the worst ratio of a
    change to the tolerance (with where it is)."""
    problems, worst = [], (0.0, "")
    for ts, ps in zip(result["steps"], nudged["steps"]):
        p, _ = compare_arrays(ts["capture"], ps["capture"], rtol / MARGIN, atol / MARGIN,
                              names=("torch", "nudged torch"))
        problems += [f"{ts['script']}: {x}" for x in p]
        problems += [f"{ts['script']}: {name}: text differs" for name in ts["texts"]
                     if ps["texts"].get(name) != ts["texts"][name]]
        problems += [f"{ts['script']}: {x}" for x in compare_stdout(ts["stdout"], ps["stdout"], rtol / MARGIN)]
        worst = max(worst, worst_ratio(ts["capture"], ps["capture"], rtol, atol))
    return problems, worst


def record_run(run: Run, outdir: Path, workdir: Path, verbose: bool, rtol: float, atol: float) -> dict:
    """Store what real torch computes for `run` in outdir (see the module docstring). Returns a report."""
    report = {"name": run.name, "status": "RECORDED", "problems": [], "notes": []}
    if not run.direct:
        report.update(status="NOT-RECORDED", notes=["compared with the numpy reference only: nothing to store"])
        return report
    previous = None
    for attempt in range(ATTEMPTS):
        wd = workdir / f"attempt{attempt}"
        wd.mkdir(parents=True)
        first = run_side(run, "torch", wd, verbose)  # torch's own initialisation -> wd/params.step<k>.npz
        params = round_params(wd)
        result = run_side(run, "torch-rounded", wd, verbose)
        nudged = run_side(run, "perturbed", wd, verbose)
        for res in (first, result, nudged):
            failed = [s for s in res["steps"] if s["code"] != 0]
            if failed:
                report.update(status="TORCH-FAILED", problems=[f"{failed[0]['script']}: "
                                                               f"{describe_failure(failed[0])}"])
                return report
        # conditioning: the values stored must not move by more than tolerance/MARGIN under a 1e-15 nudge
        problems, worst = nudge_problems(result, nudged, rtol, atol)
        if not problems:
            write_expected(run, outdir, params, result, rtol, atol,
                           {"margin": MARGIN, "worst_ratio": worst[0], "at": worst[1], "attempts": attempt + 1})
            report["notes"].append(f"a 1e-15 nudge of the initial weights moves the stored values by at most "
                                   f"{worst[0]:.2g} of the tolerance ({worst[1]}); attempt {attempt + 1}")
            return report
        report["notes"].append(f"attempt {attempt + 1}: ill-conditioned from this initialisation: {problems[0]}")
        same = previous is not None and all(np.array_equal(previous[n][k], v)
                                            for n in params for k, v in params[n].items())
        if same:
            break  # the program seeds torch: another attempt starts from the same weights
        previous = params
    report.update(status="ILL-CONDITIONED", problems=problems[:10])
    return report


def store_params(d: Path, params: dict) -> dict:
    """Save the initial weights in d, an array that repeats (the harness saves a module's sub-modules again
    under their parent) once; returns {file: {every parameter name, in order: the name it is stored under}}."""
    param_keys = {}
    for name, arrays in params.items():
        param_keys[name], unique, firsts = {}, {}, {}
        for key, a in arrays.items():
            param_keys[name][key] = firsts.setdefault(digest(a), key)
            if param_keys[name][key] == key:
                unique[key] = a
        np.savez_compressed(d / name, **unique)
    return param_keys


def store_arrays(k: int, capture: dict, stored: dict, seen: dict) -> dict:
    """Add step k's captured arrays to `stored` (whole, as a sample, or as an alias of one in `seen`); returns
    what each is, for expected.json."""
    metas = {}
    for key in sorted(capture):
        a = np.asarray(capture[key])
        sk = f"step{k}/{key}"
        meta, fingerprint = {"shape": list(a.shape), "dtype": a.dtype.str}, digest(a)
        if fingerprint in seen:
            metas[key] = dict(meta, stored="alias", of=seen[fingerprint])
            continue
        seen[fingerprint] = sk
        if a.dtype.kind in "fc" and a.size > FULL_LIMIT:
            flat = a.ravel().astype(np.float64)
            idx = sample_indices(sk, flat)
            stored[sk + "#idx"] = idx.astype(np.uint16 if a.size <= 65536 else np.int64)
            stored[sk + "#val"] = flat[idx]
            metas[key] = dict(meta, stored="sample", sum=float(flat.sum()), signed_sum=float(flat @ signs(flat.size)))
        else:
            stored[sk] = a
            metas[key] = dict(meta, stored="full")
    return metas


def write_expected(run: Run, outdir: Path, params: dict, result: dict, rtol: float, atol: float,
                   sensitivity: dict) -> None:
    """Write outdir/<run>/: the initial weights, expected.npz and expected.json (see the module docstring)."""
    d = outdir / run_dirname(run.name)
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    param_keys = store_params(d, params)
    stored, seen, steps = {}, {}, []
    for k, (step, res) in enumerate(zip(run.steps, result["steps"])):
        arrays = store_arrays(k, res["capture"], stored, seen)
        steps.append({"script": step.script, "args": portable(step.args), "globals": step.globals,
                      "files": step.files, "stdout": res["stdout"], "texts": res["texts"], "arrays": arrays})
    np.savez_compressed(d / "expected.npz", **stored)
    meta = {"run": run.name, "recorded_by": "python tools/compare_with_pytorch.py --record DIR",
            "torch": torch_version(), "rtol": rtol, "atol": atol, "full_limit": FULL_LIMIT, "sample": SAMPLE,
            "sensitivity": sensitivity, "sources": source_digest(run), "param_keys": param_keys, "steps": steps}
    (d / "expected.json").write_text(json.dumps(meta, indent=1) + "\n")
