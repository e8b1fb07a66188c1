"""Run the real PyTorch RNN programs in tests/programs/ twice - original/ with real torch, ported/ with
tinygrad_rnn.torch - from the same float64 weights and randomness, and compare what they computed.

    python tools/compare_with_pytorch.py                   # every run, both sides, compare
    python tools/compare_with_pytorch.py --only char_rnn   # runs whose name contains the text
    python tools/compare_with_pytorch.py --side torch      # only the real-torch side (no comparison)
    python tools/compare_with_pytorch.py --list            # list the runs
    python tools/compare_with_pytorch.py --json out.json   # also write a machine-readable report
    python tools/compare_with_pytorch.py --record tests/programs/expected   # store torch's values (needs torch)
    python tools/compare_with_pytorch.py --against tests/programs/expected  # dialect vs stored values (no torch)

Real PyTorch is not a dependency of this project: it is looked for at $TORCH_PYTHON, else
/tmp/torchenv/bin/python (a Python with `torch`, `numpy` and `matplotlib`). The dialect side runs with
$DIALECT_PYTHON, else .venv/bin/python. tests/programs/README.md explains the harness (the bootstrap in
tests/programs/_harness/bootstrap.py) and what it may and may not change.

What is compared, per run (a run may have several steps, e.g. train then generate):
  * both sides finish without an exception (else the dialect's failure is reported: type, message,
    the program line and the library line it failed on, the missing attribute);
  * every captured number: program globals (losses, perplexities, confusion matrices), the arrays the
    program plotted, every module's final parameters and gradients, files the program wrote
    (generated text, .npz dumps) - to rtol/atol (round-off in float64);
  * stdout, line by line after blanking timings; numbers to their printed precision;
  * min_char_rnn also against Karpathy's numpy min-char-rnn.py (its hand-written lossFun), run here from
    the same initial weights.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "tests" / "programs"
BOOTSTRAP = PROGRAMS / "_harness" / "bootstrap.py"
TORCH_PYTHON = os.environ.get("TORCH_PYTHON", "/tmp/torchenv/bin/python")
DIALECT_PYTHON = os.environ.get("DIALECT_PYTHON", str(ROOT / ".venv" / "bin" / "python"))
SIDES = {
    "torch": {"python": TORCH_PYTHON, "dir": "original", "module": "torch", "mode": "record"},
    "dialect": {"python": DIALECT_PYTHON, "dir": "ported", "module": "tinygrad_rnn.torch", "mode": "load"},
    # --sensitivity: real torch again, from torch's weights times (1 + 1e-15 * noise): how far round-off-sized
    # differences in the starting point carry by the end of each run (a floor for any tolerance)
    "perturbed": {"python": TORCH_PYTHON, "dir": "original", "module": "torch", "mode": "load",
                  "env": {"HARNESS_PERTURB": "1e-15"}},
    # --record: real torch from the (float32-rounded) weights its own record run made; what is stored
    "torch-rounded": {"python": TORCH_PYTHON, "dir": "original", "module": "torch", "mode": "load"},
}


@dataclass
class Step:
    script: str
    args: list[str]
    globals: str = ""                                   # program globals to capture at the end
    files: list[str] = field(default_factory=list)      # files the step writes, compared afterwards
    timeout: int = 600


@dataclass
class Run:
    name: str
    program: str                                        # directory under tests/programs
    steps: list[Step]
    links: dict[str, str] = field(default_factory=dict)  # workdir name -> path under tests/programs
    reference: str | None = None                        # extra reference check (min_char_rnn)
    direct: bool = True     # compare torch and dialect value by value (False: each only against the reference)


RTOL, ATOL = 1e-7, 1e-9   # float64 round-off, accumulated over tens to hundreds of updates (see README.md)
WLM_DATA = str(PROGRAMS / "word_language_model" / "data")


def wlm(name: str, *model_args: str) -> Run:
    common = ["--data", WLM_DATA, "--epochs", "2", "--bptt", "5", "--batch_size", "4", "--dropout", "0",
              "--log-interval", "1", "--save", "model.pt"]
    return Run(f"word_language_model/{name}", "word_language_model", [
        Step("main.py", common + list(model_args), globals="best_val_loss,test_loss,lr,val_loss"),
        Step("generate.py", ["--data", WLM_DATA, "--checkpoint", "model.pt", "--words", "60",
                             "--outf", "generated.txt", "--log-interval", "20"], files=["generated.txt"]),
    ])


D2L_ARGS = ["--text", "input.txt", "--batch_size", "32", "--num_steps", "16", "--num_train", "128", "--num_val", "32",
            "--num_hiddens", "6", "--rnn_epochs", "3", "--gated_epochs", "3"]

RUNS = [
    wlm("LSTM", "--model", "LSTM", "--emsize", "16", "--nhid", "16", "--nlayers", "2"),
    wlm("GRU-tied", "--model", "GRU", "--emsize", "16", "--nhid", "16", "--nlayers", "1", "--tied", "--lr", "2"),
    wlm("RNN_TANH", "--model", "RNN_TANH", "--emsize", "16", "--nhid", "12", "--nlayers", "2", "--lr", "2"),
    wlm("RNN_RELU", "--model", "RNN_RELU", "--emsize", "12", "--nhid", "16", "--nlayers", "1", "--lr", "5"),
    Run("char_rnn_classification", "char_rnn_classification",
        [Step("char_rnn_classification_tutorial.py", [], globals="all_losses,n_letters")],
        links={"data": "data"}),
    Run("char_rnn_classification_handbuilt", "char_rnn_classification_handbuilt",
        [Step("char_rnn_classification_tutorial.py", [], globals="all_losses,confusion,current_loss")],
        links={"data": "data"}),
    # the current seq2seq tutorial on a tiny made-up corpus (data/eng-fra.txt): GRU encoder, Bahdanau attention
    # decoder, TensorDataset + RandomSampler + DataLoader, Adam, NLLLoss, greedy decoding and attention plots
    Run("seq2seq_translation", "seq2seq_translation",
        [Step("seq2seq_translation_tutorial.py", [])],
        links={"data": "seq2seq_translation/data"}),
    # d2l.ai's RNN chapters (RNN/LSTM/GRU from scratch and with nn.RNN/LSTM/GRU), small sizes via the flags
    Run("d2l_rnn", "d2l_rnn",
        [Step("d2l_rnn.py", D2L_ARGS, globals="train_ppl,val_ppl")],
        links={"input.txt": "min_char_rnn/data/input.txt"}),
    # min-char-rnn's Adagrad (lr 0.1, tiny early `mem`) multiplies round-off ~10x per iteration at first, so two
    # correct implementations part ways after ~15 updates (see --sensitivity). Hence two runs: a short one
    # compared value by value, and a long one where each side's gradients, at every 25th iteration, are
    # checked against Karpathy's hand-written lossFun evaluated at that side's own parameters.
    Run("min_char_rnn/short", "min_char_rnn",
        [Step("min_char_rnn.py", ["input.txt", "--iters", "6", "--dump", "dump.npz", "--dump_every", "1",
                                  "--sample_every", "3", "--sample_length", "40"],
              globals="smooth_loss,n,p", files=["dump.npz"])],
        links={"input.txt": "min_char_rnn/data/input.txt"}, reference="min_char_rnn"),
    Run("min_char_rnn/long", "min_char_rnn",
        [Step("min_char_rnn.py", ["input.txt", "--iters", "150", "--dump", "dump.npz", "--dump_every", "25"],
              files=["dump.npz"])],
        links={"input.txt": "min_char_rnn/data/input.txt"}, reference="min_char_rnn", direct=False),
]

# ------------------------------------------------------------------------------------------ running


def run_side(run: Run, side: str, workdir: Path, verbose: bool, python: str | None = None) -> dict:
    conf = dict(SIDES[side], **({"python": python} if python else {}))
    wd = workdir / side
    wd.mkdir(parents=True, exist_ok=True)
    for link, target in run.links.items():
        (wd / link).symlink_to(PROGRAMS / target)
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg", OMP_NUM_THREADS="1",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               # torch >= 2.6 defaults torch.load to weights_only=True, which refuses the whole-model
               # pickles that main.py saves and loads; this documented switch restores the old default.
               TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD="1", PYTHONWARNINGS="ignore", **conf.get("env", {}))
    results = []
    for k, step in enumerate(run.steps):
        program = PROGRAMS / run.program / conf["dir"] / step.script
        cmd = [conf["python"], str(BOOTSTRAP), "--torch", conf["module"], "--mode", conf["mode"],
               "--params", str(workdir / f"params.step{k}.npz"), "--capture", str(wd / f"capture.step{k}"),
               "--globals", step.globals, str(program), "--", *step.args]
        t0 = time.time()
        try:
            proc = subprocess.run(cmd, cwd=wd, env=env, capture_output=True, text=True, timeout=step.timeout)
            stdout, stderr, code = proc.stdout, proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as e:
            stdout, stderr, code = e.stdout or "", (e.stderr or "") + f"\nTIMEOUT after {step.timeout}s", -9
        elapsed = time.time() - t0
        meta_path = wd / f"capture.step{k}.json"
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {"error": {
            "type": "HarnessCrash", "message": stderr.strip().splitlines()[-1] if stderr.strip() else "no output"}}
        npz_path = wd / f"capture.step{k}.npz"
        capture = dict(np.load(npz_path, allow_pickle=False)) if npz_path.exists() else {}
        for name in step.files:
            path = wd / name
            if path.suffix == ".npz" and path.exists():
                for key, value in np.load(path).items():
                    capture[f"file.{name}.{key}"] = value
        texts = {name: (wd / name).read_text() for name in step.files
                 if (wd / name).exists() and not name.endswith(".npz")}
        (wd / f"stdout.step{k}.txt").write_text(stdout)
        (wd / f"stderr.step{k}.txt").write_text(stderr)
        if verbose:
            print(f"    [{side}] {step.script}: exit {code} in {elapsed:.1f}s")
        results.append({"script": step.script, "code": code, "seconds": elapsed, "stdout": stdout,
                        "stderr": stderr, "meta": meta, "capture": capture, "texts": texts})
        if code != 0:
            break  # later steps depend on this one
    return {"steps": results}


# ------------------------------------------------------------------------------------------ comparing

TIMINGS = [
    (re.compile(r"ms/batch\s+[\d.]+"), "ms/batch <t>"),
    (re.compile(r"time:\s+[\d.]+s"), "time: <t>s"),
    (re.compile(r"\(\d+m \d+s\)"), "(<t>)"),
    (re.compile(r"^\d+m \d+s \(- \d+m \d+s\)"), "<t> (- <t>)"),   # seq2seq's timeSince(): elapsed (- remaining)
    (re.compile(r"training took [\d.e+-]+s"), "training took <t>s"),
]
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def normalise(line: str) -> str:
    for pattern, repl in TIMINGS:
        line = pattern.sub(repl, line)
    return line.rstrip()


def numbers_match(a: str, b: str, rtol: float) -> bool:
    if "." not in a and "e" not in a.lower() and "." not in b and "e" not in b.lower():
        return a.lstrip("+") == b.lstrip("+")
    decimals = len(a.split(".")[1].split("e")[0].split("E")[0]) if "." in a else 0
    x, y = float(a), float(b)
    return abs(x - y) <= max(1.01 * 10.0 ** -decimals, rtol * max(abs(x), abs(y))) or (np.isnan(x) and np.isnan(y))


def compare_stdout(a: str, b: str, rtol: float, limit: int = 8) -> list[str]:
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


def compare_arrays(ref: dict, got: dict, rtol: float, atol: float, names=("torch", "dialect")
                   ) -> tuple[list[str], list[str]]:
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


def describe_error(meta: dict) -> str:
    err = meta.get("error") or {}
    lines = [f"{err.get('type')}: {err.get('message')}"]
    if err.get("missing_attribute"):
        lines.append(f"missing attribute {err['missing_attribute']!r} on {err.get('on')}")
    for label in ("program_frame", "library_frame"):
        f = err.get(label)
        if f:
            lines.append(f"{label.replace('_', ' ')}: {f['file']}:{f['line']} in {f['function']}: {f['code']}")
    return "\n      ".join(lines)


# ------------------------------------------------------------------------------------------ min-char-rnn


def py2_prints(source: str) -> str:
    """The gist is Python 2: turn its `print x` statements into print(x) calls (nothing else changes)."""
    out = []
    for line in source.splitlines(keepends=True):
        m = re.match(r"^(\s*(?:if [^\n]*?:\s*)?)print (.*?)(\s*#[^'\"]*)?(\n?)$", line)
        out.append(f"{m.group(1)}print({m.group(2)}){m.group(3) or ''}{m.group(4)}" if m else line)
    return "".join(out)


def run_min_char_rnn_reference(workdir: Path, iters: int, dump_every: int, side_dumps: dict[str, Path]) -> dict:
    """Run Karpathy's numpy min-char-rnn.py (its own lossFun, sampling and Adagrad loop) for `iters`
    iterations from the initial weights the torch transcription started from; and, for each side's dump,
    evaluate the hand-written lossFun at every dumped point (that side's parameters, hidden state and data
    position). Returns {"trajectory": {...}, side: {...}} with keys named like the dump's."""
    gist = PROGRAMS / "min_char_rnn" / "reference" / "min-char-rnn.py"
    source = py2_prints(gist.read_text())
    top, loop = source.split("\nn, p = 0, 0\n")
    assert "while True:" in loop
    loop = "n, p = 0, 0\n" + loop.replace("while True:", f"while n < {iters}:")
    ns: dict = {"__name__": "min_char_rnn_reference", "xrange": range}
    old = os.getcwd()
    try:
        os.chdir(workdir / "torch")
        exec(compile(top, str(gist), "exec"), ns)
        start = np.load(workdir / "params.step0.npz")
        for name in ["Wxh", "Whh", "Why", "bh", "by"]:
            ns[name][...] = start[f"m0.{name}"]   # in place: lossFun and the update loop use these arrays
        record: dict = {"loss": []}
        hand_written = ns["lossFun"]

        def lossFun(inputs, targets, hprev):
            out = hand_written(inputs, targets, hprev)
            k = len(record["loss"])
            record["loss"].append(out[0])
            if k % dump_every == 0:
                for name, g in zip(["dWxh", "dWhh", "dWhy", "dbh", "dby"], out[1:6]):
                    record[f"{name}@{k}"] = g.copy()
            return out

        ns["lossFun"] = lossFun
        np.random.seed(0)
        exec(compile(loop, str(gist), "exec"), ns)
        for name in ["Wxh", "Whh", "Why", "bh", "by"]:
            record[name] = ns[name].copy()
        record["hprev"] = ns["hprev"].copy()
        record["loss"] = np.array(record["loss"])
        out = {"trajectory": {f"file.dump.npz.{k}": np.asarray(v) for k, v in record.items()}}
        for side, path in side_dumps.items():
            dump = np.load(path)
            forced = {}
            for key in dump.files:
                if not key.startswith("Wxh@"):
                    continue
                k = int(key.split("@")[1])
                for name in ["Wxh", "Whh", "Why", "bh", "by"]:
                    ns[name][...] = dump[f"{name}@{k}"]
                p = int(dump[f"p@{k}"])
                inputs = [ns["char_to_ix"][ch] for ch in ns["data"][p:p + ns["seq_length"]]]
                targets = [ns["char_to_ix"][ch] for ch in ns["data"][p + 1:p + ns["seq_length"] + 1]]
                loss, *grads, _ = hand_written(inputs, targets, dump[f"hprev@{k}"])
                forced[f"file.dump.npz.loss@{k}"] = np.asarray(loss)
                for name, g in zip(["dWxh", "dWhh", "dWhy", "dbh", "dby"], grads):
                    forced[f"file.dump.npz.{name}@{k}"] = g.copy()
            out[side] = forced
        return out
    finally:
        os.chdir(old)


# ------------------------------------------------------------------------------------------ stored expectations
# `--record DIR` (needs real torch) stores, for each run compared value by value, the weights real torch
# started from and what it computed; `--against DIR` (no torch needed) runs the dialect from the stored
# weights and compares with the stored values, to the same tolerances. tests/test_programs_run.py does the
# latter in the test suite, from tests/programs/expected/. Per run, DIR/<run name, / -> __>/ holds:
#   params.step<k>.npz  the initial weights, float32: real torch's own initialisation rounded to float32, which
#                       is what both the recorded torch run and the dialect start from (as float64 values);
#                       an array that repeats (a sub-module saved again under its parent) is stored once,
#                       expected.json's param_keys maps every parameter name to the stored one;
#   expected.npz        the captured arrays: whole when small (<= FULL_LIMIT entries) or not float; else SAMPLE
#                       entries (most of them among the nonzero ones, plus the largest) and, in expected.json,
#                       the sum and a fixed +-1-weighted sum of all entries, checked against the dialect's
#                       sums within sum(atol + rtol*|x|) - a consequence of elementwise closeness. Arrays
#                       equal to one stored before are stored once (alias);
#   expected.json       per step: script and arguments, stdout, the text files written, and what each captured
#                       array is; also the tolerances, torch's version, the sensitivity margin reached, and
#                       sha256 prefixes of the program's original/ sources and data (so that editing them
#                       makes the stored values stale, reported as such).
# The harness's random draws (random_split / multinomial / randint / RandomSampler) are not inputs to store: they come from
# fixed numpy seeds in the bootstrap, identical on both sides; the draws handed out are captured
# (draws.<name>) and so compared like any other value.

RECORDED = [r.name for r in RUNS if r.direct]
FULL_LIMIT = 256      # float arrays with at most this many entries are stored whole
SAMPLE = 192          # of larger float arrays, this many entries (plus the largest in magnitude) and two sums
MARGIN = 10           # --record keeps an initialisation only if a 1e-15 nudge of it moves no value by more
ATTEMPTS = 6          # than tolerance/MARGIN; else it retries from a new one (programs that do not seed torch)


def run_dirname(name: str) -> str:
    return name.replace("/", "__")


def source_digest(run: Run) -> dict[str, str]:
    """sha256 prefixes of what a stored expectation depends on: the program's original/ sources and its data."""
    paths = sorted((PROGRAMS / run.program / "original").rglob("*.py"))
    for root in [PROGRAMS / run.program / "data"] + [PROGRAMS / t for t in run.links.values()]:
        paths += sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root] if root.is_file() else []
    return {str(p.relative_to(PROGRAMS)): hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in dict.fromkeys(paths)}


def signs(n: int) -> np.ndarray:
    """The fixed +-1 weights of the stored `signed_sum` of an n-entry array."""
    return np.where(np.random.RandomState(n).random_sample(n) < 0.5, -1.0, 1.0)


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


def torch_version() -> str:
    proc = subprocess.run([TORCH_PYTHON, "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True)
    return proc.stdout.strip() or "unknown"


def record_run(run: Run, outdir: Path, workdir: Path, verbose: bool, rtol: float, atol: float) -> dict:
    """Store what real torch computes for `run` in outdir (see the comment above). Returns a report."""
    report = {"name": run.name, "status": "RECORDED", "problems": [], "notes": []}
    if not run.direct:
        report.update(status="NOT-RECORDED", notes=["compared with the numpy reference only: nothing to store"])
        return report
    previous = None
    for attempt in range(ATTEMPTS):
        wd = workdir / f"attempt{attempt}"
        wd.mkdir(parents=True)
        first = run_side(run, "torch", wd, verbose)  # torch's own initialisation -> wd/params.step<k>.npz
        params = {}
        for path in sorted(wd.glob("params.step*.npz")):
            rounded = {k: v.astype(np.float32) if v.dtype.kind == "f" else v for k, v in np.load(path).items()}
            params[path.name] = rounded
            np.savez(path, **{k: v.astype(np.float64) for k, v in rounded.items()})
        result = run_side(run, "torch-rounded", wd, verbose)
        nudged = run_side(run, "perturbed", wd, verbose)
        for res in (first, result, nudged):
            failed = [s for s in res["steps"] if s["code"] != 0]
            if failed:
                report.update(status="TORCH-FAILED", problems=[f"{failed[0]['script']}: {describe_error(failed[0]['meta'])}"
                                                               f"\n{failed[0]['stderr'][-2000:]}"])
                return report
        # conditioning: the values stored must not move by more than tolerance/MARGIN under a 1e-15 nudge
        problems, worst = [], (0.0, "")
        for ts, ps in zip(result["steps"], nudged["steps"]):
            p, _ = compare_arrays(ts["capture"], ps["capture"], rtol / MARGIN, atol / MARGIN, names=("torch", "nudged torch"))
            problems += [f"{ts['script']}: {x}" for x in p]
            problems += [f"{ts['script']}: {name}: text differs" for name in ts["texts"] if ps["texts"].get(name) != ts["texts"][name]]
            problems += [f"{ts['script']}: {x}" for x in compare_stdout(ts["stdout"], ps["stdout"], rtol / MARGIN)]
            worst = max(worst, worst_ratio(ts["capture"], ps["capture"], rtol, atol))
        if not problems:
            write_expected(run, outdir, params, result, rtol, atol,
                           {"margin": MARGIN, "worst_ratio": worst[0], "at": worst[1], "attempts": attempt + 1})
            report["notes"].append(f"a 1e-15 nudge of the initial weights moves the stored values by at most "
                                   f"{worst[0]:.2g} of the tolerance ({worst[1]}); attempt {attempt + 1}")
            return report
        report["notes"].append(f"attempt {attempt + 1}: ill-conditioned from this initialisation: {problems[0]}")
        same = previous is not None and all(np.array_equal(previous[n][k], v) for n in params for k, v in params[n].items())
        if same:
            break  # the program seeds torch: another attempt starts from the same weights
        previous = params
    report.update(status="ILL-CONDITIONED", problems=problems[:10])
    return report


def write_expected(run: Run, outdir: Path, params: dict, result: dict, rtol: float, atol: float,
                   sensitivity: dict) -> None:
    d = outdir / run_dirname(run.name)
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    param_keys = {}   # {file: [every parameter name, in order]}; a repeated array is stored once (the
    for name, arrays in params.items():   # harness saves a module's sub-modules again under their parent)
        param_keys[name], unique, firsts = {}, {}, {}
        for key, a in arrays.items():
            digest = (a.dtype.str, a.shape, hashlib.sha256(a.tobytes()).hexdigest())
            param_keys[name][key] = firsts.setdefault(digest, key)
            if firsts[digest] == key:
                unique[key] = a
        np.savez_compressed(d / name, **unique)
    stored, seen, steps = {}, {}, []
    for k, (step, res) in enumerate(zip(run.steps, result["steps"])):
        metas = {}
        for key in sorted(res["capture"]):
            a = np.asarray(res["capture"][key])
            sk = f"step{k}/{key}"
            meta = {"shape": list(a.shape), "dtype": a.dtype.str}
            digest = (a.dtype.str, a.shape, hashlib.sha256(a.tobytes()).hexdigest())
            if digest in seen:
                metas[key] = dict(meta, stored="alias", of=seen[digest])
                continue
            seen[digest] = sk
            if a.dtype.kind in "fc" and a.size > FULL_LIMIT:
                flat = a.ravel().astype(np.float64)
                idx = sample_indices(sk, flat)
                stored[sk + "#idx"] = idx.astype(np.uint16 if a.size <= 65536 else np.int64)
                stored[sk + "#val"] = flat[idx]
                metas[key] = dict(meta, stored="sample", sum=float(flat.sum()), signed_sum=float(flat @ signs(flat.size)))
            else:
                stored[sk] = a
                metas[key] = dict(meta, stored="full")
        steps.append({"script": step.script, "args": portable(step.args), "globals": step.globals, "files": step.files,
                      "stdout": res["stdout"], "texts": res["texts"], "arrays": metas})
    np.savez_compressed(d / "expected.npz", **stored)
    meta = {"run": run.name, "recorded_by": "python tools/compare_with_pytorch.py --record DIR", "torch": torch_version(),
            "rtol": rtol, "atol": atol, "full_limit": FULL_LIMIT, "sample": SAMPLE, "sensitivity": sensitivity,
            "sources": source_digest(run), "param_keys": param_keys, "steps": steps}
    (d / "expected.json").write_text(json.dumps(meta, indent=1) + "\n")


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


def portable(args: list) -> list:
    """A step's arguments with this checkout's path written as {ROOT}, so stored values hold in any clone."""
    return [a.replace(str(ROOT), "{ROOT}") for a in args]


def compare_with_expected(run: Run, expected: dict, result: dict) -> dict[str, list[str]]:
    """Compare a dialect run (run_dialect_from_expected) with the stored torch values, as compare_run compares
    the two sides. Returns lists of problems by kind ("stale", "run", "arrays", "texts", "stdout") and "matched"."""
    rtol, atol = expected["rtol"], expected["atol"]
    out: dict[str, list[str]] = {"stale": [], "run": [], "arrays": [], "texts": [], "stdout": [], "matched": []}
    recorded = [(s["script"], s["args"], s["globals"], s["files"]) for s in expected["steps"]]
    if recorded != [(s.script, portable(s.args), s.globals, s.files) for s in run.steps]:
        out["stale"].append(f"stored for other steps: {recorded}")
    digest = source_digest(run)
    changed = sorted(set(digest.items()) ^ set(expected["sources"].items()))
    if changed:
        out["stale"].append("changed since the values were recorded: " + ", ".join(dict(changed)))
    stored = expected["stored"]
    for k, step in enumerate(expected["steps"]):
        script = step["script"]
        if k >= len(result["steps"]):
            out["run"].append(f"{script}: not run (an earlier step failed)")
            continue
        res = result["steps"][k]
        got = res["capture"]
        if res["code"] != 0:
            out["run"].append(f"{script}: {describe_error(res['meta'])}\n{res['stderr'][-2000:]}")
        for key, meta in step["arrays"].items():
            if meta["stored"] == "alias":
                j, other = meta["of"].split("/", 1)
                meta, sk = expected["steps"][int(j[4:])]["arrays"][other], meta["of"]
            else:
                sk = f"step{k}/{key}"
            if key not in got:
                out["arrays"].append(f"{script}: {key}: not produced by the dialect")
                continue
            if meta["stored"] == "full":
                problems, ok = compare_arrays({key: stored[sk]}, {key: got[key]}, rtol, atol)
            else:
                problems, ok = compare_sampled(key, meta, stored[sk + "#idx"], stored[sk + "#val"], got[key], rtol, atol)
            out["arrays"] += [f"{script}: {p}" for p in problems]
            out["matched"] += [f"{script}: {p}" for p in ok]
        for name, text in step["texts"].items():
            if res["texts"].get(name) != text:
                out["texts"].append(f"{script}: {name}: text differs (torch {text[:80]!r}, "
                                    f"dialect {res['texts'].get(name, '')[:80]!r})")
            else:
                out["matched"].append(f"{script}: {name}: identical")
        out["stdout"] += [f"{script}: {p}" for p in compare_stdout(step["stdout"], res["stdout"], rtol)]
    return out


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
        i = int(np.nanargmax(np.where(np.isnan(values) & np.isnan(flat[idx]), 0.0, np.nan_to_num(diff, nan=np.inf))))
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



# ------------------------------------------------------------------------------------------ main


def compare_run(run: Run, sides: dict, rtol: float, atol: float) -> dict:
    report = {"name": run.name, "status": "PASS", "problems": [], "notes": [], "matched": []}
    t, d = sides.get("torch"), sides.get("dialect")
    for k, ts in enumerate(t["steps"]):
        if ts["code"] != 0:
            report["status"] = "TORCH-FAILED"
            report["problems"].append(f"torch side failed in {ts['script']}: {describe_error(ts['meta'])}\n"
                                      + ts["stderr"][-2000:])
            return report
    if d is None:
        report["status"] = "TORCH-ONLY"
        return report
    for k, ts in enumerate(t["steps"]):
        if k >= len(d["steps"]):
            break
        ds = d["steps"][k]
        report["notes"] += [f"{ds['script']}: {n}" for n in ds["meta"].get("notes", [])]
        if ds["code"] != 0:
            report["status"] = "DIALECT-FAILED"
            report["problems"].append(f"{ds['script']}: {describe_error(ds['meta'])}")
            report["error"] = ds["meta"].get("error")
            report["stderr_tail"] = ds["stderr"][-3000:]
            # what the dialect computed before it failed (e.g. the trained weights) is still compared
            if run.direct:
                common = {k: v for k, v in ts["capture"].items() if k in ds["capture"]}
                problems, ok = compare_arrays(common, ds["capture"], rtol, atol)
                report["matched"] += [f"{ds['script']} (before the failure): {x}" for x in ok]
                report["problems"] += [f"{ds['script']} (before the failure): {p}" for p in problems]
                n_lines = len(ds["stdout"].splitlines())
                head = "\n".join(ts["stdout"].splitlines()[:n_lines])
                report["problems"] += [f"{ds['script']} (before the failure): {p}"
                                       for p in compare_stdout(head, ds["stdout"], rtol)]
            return report
        if not run.direct:
            report["notes"].append("not compared value by value (chaotic run): checked against the reference only")
            continue
        problems, ok = compare_arrays(ts["capture"], ds["capture"], rtol, atol)
        report["matched"] += [f"{ds['script']}: {x}" for x in ok]
        for name, text in ts["texts"].items():
            if ds["texts"].get(name) != text:
                problems.append(f"{name}: text differs (torch {text[:80]!r}, dialect {ds['texts'].get(name, '')[:80]!r})")
            else:
                report["matched"].append(f"{ds['script']}: {name}: identical")
        stdout_problems = compare_stdout(ts["stdout"], ds["stdout"], rtol)
        if problems:
            report["status"] = "MISMATCH"
            report["problems"] += [f"{ds['script']}: {p}" for p in problems]
        if stdout_problems:
            if report["status"] == "PASS":
                report["status"] = "STDOUT-DIFFERS"
            report["problems"] += [f"{ds['script']}: {p}" for p in stdout_problems]
    return report


def reference_check(run: Run, workdir: Path, sides: dict, rtol: float, atol: float) -> dict:
    """min_char_rnn: compare each side with Karpathy's numpy code (see run_min_char_rnn_reference)."""
    step = run.steps[0]
    iters = int(step.args[step.args.index("--iters") + 1])
    every = int(step.args[step.args.index("--dump_every") + 1])
    dumps = {side: workdir / side / "dump.npz" for side, res in sides.items()
             if res is not None and res["steps"][0]["code"] == 0 and (workdir / side / "dump.npz").exists()}
    # in a subprocess: the gist's vocabulary order is list(set(data)), so it needs PYTHONHASHSEED=0 like the
    # programs had
    ref_path = workdir / "reference.npz"
    cmd = [sys.executable, __file__, "--reference-run", str(workdir), str(iters), str(every), str(ref_path)]
    cmd += [f"{side}={path}" for side, path in dumps.items()]
    proc = subprocess.run(cmd, env=dict(os.environ, PYTHONHASHSEED="0"), capture_output=True, text=True)
    (workdir / "reference.stdout.txt").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        return {"reference": {"problems": [f"the numpy reference failed: {proc.stderr[-1500:]}"], "matched": []}}
    ref = dict(np.load(ref_path))
    out = {}
    for side in dumps:
        got = sides[side]["steps"][0]["capture"]
        # hand-written gradients at this side's own parameters, all along its trajectory
        forced = {k.split("/", 1)[1]: v for k, v in ref.items() if k.startswith(side + "/")}
        got_forced = dict(got)
        for k in list(forced):
            if k.startswith("file.dump.npz.loss@"):
                got_forced[k] = got["file.dump.npz.loss"][int(k.split("@")[1])]
        problems, ok = compare_arrays(forced, got_forced, rtol, atol, names=("numpy lossFun", side))
        if run.direct:  # short run: the whole numpy trajectory (loss, updates, final weights) too
            traj = {k.split("/", 1)[1]: v for k, v in ref.items() if k.startswith("trajectory/")}
            traj = {k: v for k, v in traj.items() if k in got}
            p2, ok2 = compare_arrays(traj, got, rtol, atol, names=("numpy min-char-rnn", side))
            problems, ok = problems + p2, ok + ok2
        out[side] = {"problems": problems, "matched": ok}
    return out


def record_main(runs: list[Run], outdir: Path, base: Path, args) -> int:
    reports = []
    for run in runs:
        print(f"== {run.name}: recording into {outdir / run_dirname(run.name)}")
        workdir = base / run_dirname(run.name)
        if workdir.exists():
            shutil.rmtree(workdir)
        report = record_run(run, outdir, workdir, args.verbose, args.rtol, args.atol)
        print(f"    {report['status']}")
        for line in report["problems"] + [f"note: {n}" for n in report["notes"]]:
            print(f"      {line}")
        reports.append(report)
    total = sum(p.stat().st_size for p in outdir.rglob("*") if p.is_file()) if outdir.exists() else 0
    print(f"\n{outdir}: {total / 1024:.0f} KiB in all; run directories: {base}")
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=2, default=str))
    return 0 if all(r["status"] in ("RECORDED", "NOT-RECORDED") for r in reports) else 1


def against_main(runs: list[Run], directory: Path, args) -> int:
    runs = [r for r in runs if (directory / run_dirname(r.name) / "expected.json").exists()]
    if not runs:
        print(f"nothing stored in {directory} for these runs", file=sys.stderr)
        return 2
    base = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="compare_with_stored_"))
    bad = 0
    for run in runs:
        workdir = base / run_dirname(run.name)
        if workdir.exists():
            shutil.rmtree(workdir)
        expected = load_expected(directory, run.name)
        out = compare_with_expected(run, expected, run_dialect_from_expected(run, expected, workdir, verbose=args.verbose))
        problems = [p for kind in ("stale", "run", "arrays", "texts", "stdout") for p in out[kind]]
        bad += bool(problems)
        print(f"{'PASS' if not problems else 'DIFFERS':<8} {run.name}  ({len(out['matched'])} stored values agree)")
        for p in problems:
            print(f"      {p}")
    print(f"run directories: {base}")
    return 1 if bad else 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--reference-run"]:
        workdir, iters, every, out = argv[1:5]
        dumps = dict(a.split("=", 1) for a in argv[5:])
        ref = run_min_char_rnn_reference(Path(workdir), int(iters), int(every), {k: Path(v) for k, v in dumps.items()})
        np.savez(out, **{f"{group}/{k}": v for group, values in ref.items() for k, v in values.items()})
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", action="append", help="run only runs whose name contains this (repeatable)")
    ap.add_argument("--side", choices=["both", "torch"], default="both", help="torch: run only the real-torch side")
    ap.add_argument("--sensitivity", action="store_true",
                    help="instead of the dialect, rerun real torch from slightly perturbed weights (1e-15 relative) "
                         "and compare: shows which captured values round-off alone can move")
    ap.add_argument("--rtol", type=float, default=RTOL)
    ap.add_argument("--atol", type=float, default=ATOL)
    ap.add_argument("--workdir", help="keep the run directories here (default: a temporary directory)")
    ap.add_argument("--json", help="write the report here")
    ap.add_argument("--record", metavar="DIR",
                    help="store real torch's initial weights and values for the runs compared value by value in "
                         "DIR/<run>/ (what tests/test_programs_run.py checks the dialect against); needs torch")
    ap.add_argument("--against", metavar="DIR",
                    help="no torch needed: run the dialect from the weights stored in DIR by --record and compare "
                         "with the values stored there")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    runs = [r for r in RUNS if not args.only or any(o in r.name for o in args.only)]
    if args.against:
        return against_main(runs, Path(args.against), args)
    if args.list:
        for r in runs:
            print(r.name)
            for s in r.steps:
                print(f"    {s.script} {' '.join(s.args)}")
        return 0
    if not Path(TORCH_PYTHON).exists():
        print(f"real torch not found at {TORCH_PYTHON} (set TORCH_PYTHON)", file=sys.stderr)
        return 2
    base = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="compare_with_pytorch_"))
    if args.record:
        return record_main([r for r in runs if r.direct], Path(args.record), base, args)
    reports = []
    for run in runs:
        print(f"== {run.name}")
        workdir = base / run.name.replace("/", "__")
        if workdir.exists():
            shutil.rmtree(workdir)
        workdir.mkdir(parents=True)
        sides = {"torch": run_side(run, "torch", workdir, args.verbose)}
        other = "perturbed" if args.sensitivity else "dialect"
        sides["dialect"] = run_side(run, other, workdir, args.verbose) if args.side != "torch" else None
        report = compare_run(run, sides, args.rtol, args.atol)
        if run.reference and sides["torch"]["steps"][0]["code"] == 0:
            report["reference"] = reference_check(run, workdir, sides, args.rtol, args.atol)
            for side, r in report["reference"].items():
                verdict = "matches" if not r["problems"] else "DIFFERS from"
                print(f"    {side}: {verdict} Karpathy's numpy lossFun ({len(r['matched'])} arrays agree)")
                for p in r["problems"][:10]:
                    print(f"      {p}")
                if r["problems"] and report["status"] in ("PASS", "TORCH-ONLY", "STDOUT-DIFFERS"):
                    report["status"] = "REFERENCE-MISMATCH"
        print(f"    {report['status']}  ({len(report['matched'])} captured values agree)")
        for p in report["problems"]:
            print(f"      {p}")
        for n in report["notes"]:
            print(f"      note: {n}")
        report["workdir"] = str(workdir)
        reports.append(report)
    print()
    print("summary:")
    for r in reports:
        print(f"  {r['status']:<20} {r['name']}")
    print(f"run directories: {base}")
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=2, default=str))
    good = {"PASS", "TORCH-ONLY"}
    return 0 if all(r["status"] in good for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
