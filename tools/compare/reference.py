"""min-char-rnn against Karpathy's numpy min-char-rnn.py (tests/programs/min_char_rnn/reference/): the gist's own
lossFun, sampling and Adagrad loop, run here from the weights the torch transcription started from, and its
hand-written gradients evaluated at the points each side dumped."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

from .arrays import compare_arrays
from .runs import PROGRAMS, ROOT, Run

ENTRY = ROOT / "tools" / "compare_with_pytorch.py"   # run with --reference-run in a subprocess (reference_main)
WEIGHTS = ["Wxh", "Whh", "Why", "bh", "by"]
GRADIENTS = ["dWxh", "dWhh", "dWhy", "dbh", "dby"]


def py2_prints(source: str) -> str:
    """The gist is Python 2: turn its `print x` statements into print(x) calls (nothing else changes)."""
    out = []
    for line in source.splitlines(keepends=True):
        m = re.match(r"^(\s*(?:if [^\n]*?:\s*)?)print (.*?)(\s*#[^'\"]*)?(\n?)$", line)
        out.append(f"{m.group(1)}print({m.group(2)}){m.group(3) or ''}{m.group(4)}" if m else line)
    return "".join(out)


def hand_written_at(ns: dict, hand_written, dump) -> dict:
    """The gist's loss and gradients at every point a side dumped (its parameters, hidden state and data
    position), keyed like the dump's."""
    forced = {}
    for key in dump.files:
        if not key.startswith("Wxh@"):
            continue
        k = int(key.split("@")[1])
        for name in WEIGHTS:
            ns[name][...] = dump[f"{name}@{k}"]
        p = int(dump[f"p@{k}"])
        inputs = [ns["char_to_ix"][ch] for ch in ns["data"][p:p + ns["seq_length"]]]
        targets = [ns["char_to_ix"][ch] for ch in ns["data"][p + 1:p + ns["seq_length"] + 1]]
        loss, *grads, _ = hand_written(inputs, targets, dump[f"hprev@{k}"])
        forced[f"file.dump.npz.loss@{k}"] = np.asarray(loss)
        for name, g in zip(GRADIENTS, grads):
            forced[f"file.dump.npz.{name}@{k}"] = g.copy()
    return forced


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
        for name in WEIGHTS:
            ns[name][...] = start[f"m0.{name}"]   # in place: lossFun and the update loop use these arrays
        record: dict = {"loss": []}
        hand_written = ns["lossFun"]

        def lossFun(inputs, targets, hprev):
            out = hand_written(inputs, targets, hprev)
            k = len(record["loss"])
            record["loss"].append(out[0])
            if k % dump_every == 0:
                for name, g in zip(GRADIENTS, out[1:6]):
                    record[f"{name}@{k}"] = g.copy()
            return out

        ns["lossFun"] = lossFun
        np.random.seed(0)
        exec(compile(loop, str(gist), "exec"), ns)
        for name in WEIGHTS:
            record[name] = ns[name].copy()
        record["hprev"] = ns["hprev"].copy()
        record["loss"] = np.array(record["loss"])
        out = {"trajectory": {f"file.dump.npz.{k}": np.asarray(v) for k, v in record.items()}}
        for side, path in side_dumps.items():
            out[side] = hand_written_at(ns, hand_written, np.load(path))
        return out
    finally:
        os.chdir(old)


def reference_main(argv: list[str]) -> int:
    """`--reference-run WORKDIR ITERS EVERY OUT SIDE=DUMP...`: run_min_char_rnn_reference, saved to OUT."""
    workdir, iters, every, out = argv[:4]
    dumps = dict(a.split("=", 1) for a in argv[4:])
    ref = run_min_char_rnn_reference(Path(workdir), int(iters), int(every), {k: Path(v) for k, v in dumps.items()})
    np.savez(out, **{f"{group}/{k}": v for group, values in ref.items() for k, v in values.items()})
    return 0


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
    cmd = [sys.executable, str(ENTRY), "--reference-run", str(workdir), str(iters), str(every), str(ref_path)]
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
