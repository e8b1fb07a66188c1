"""Running one side of a run: each step of the program started through the harness's bootstrap in a subprocess,
in the side's own working directory, with the environment that makes both sides comparable."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from .capture import collect
from .runs import BOOTSTRAP, PROGRAMS, ROOT, SIDES, Run


def side_env(conf: dict) -> dict:
    """The environment of a side's subprocesses (the same on both sides, plus the side's own "env")."""
    return dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg", OMP_NUM_THREADS="1",
                PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
                # torch >= 2.6 defaults torch.load to weights_only=True, which refuses the whole-model
                # pickles that main.py saves and loads; this documented switch restores the old default.
                TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD="1", PYTHONWARNINGS="ignore", **conf.get("env", {}))


def execute(cmd: list[str], wd: Path, env: dict, timeout: int) -> tuple[str, str, int]:
    """(stdout, stderr, exit code) of cmd run in wd; a timeout gives exit code -9 and says so in stderr."""
    try:
        proc = subprocess.run(cmd, cwd=wd, env=env, capture_output=True, text=True, timeout=timeout)
        return proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as e:
        return e.stdout or "", (e.stderr or "") + f"\nTIMEOUT after {timeout}s", -9


def run_side(run: Run, side: str, workdir: Path, verbose: bool, python: str | None = None) -> dict:
    """Run the steps of `run` on `side` (a key of SIDES; `python` replaces its interpreter) in workdir/side,
    up to the first that fails. The initial weights go through workdir/params.step<k>.npz. Returns
    {"steps": [{"script", "code", "seconds", "stdout", "stderr", "meta", "capture", "texts"}, ...]}."""
    conf = dict(SIDES[side], **({"python": python} if python else {}))
    wd = workdir / side
    wd.mkdir(parents=True, exist_ok=True)
    for link, target in run.links.items():
        (wd / link).symlink_to(PROGRAMS / target)
    env = side_env(conf)
    results = []
    for k, step in enumerate(run.steps):
        program = PROGRAMS / run.program / conf["dir"] / step.script
        cmd = [conf["python"], str(BOOTSTRAP), "--torch", conf["module"], "--mode", conf["mode"],
               "--params", str(workdir / f"params.step{k}.npz"), "--capture", str(wd / f"capture.step{k}"),
               "--globals", step.globals, str(program), "--", *step.args]
        t0 = time.time()
        stdout, stderr, code = execute(cmd, wd, env, step.timeout)
        elapsed = time.time() - t0
        meta, capture, texts = collect(wd, k, step, stderr)
        (wd / f"stdout.step{k}.txt").write_text(stdout)
        (wd / f"stderr.step{k}.txt").write_text(stderr)
        if verbose:
            print(f"    [{side}] {step.script}: exit {code} in {elapsed:.1f}s")
        results.append({"script": step.script, "code": code, "seconds": elapsed, "stdout": stdout,
                        "stderr": stderr, "meta": meta, "capture": capture, "texts": texts})
        if code != 0:
            break  # later steps depend on this one
    return {"steps": results}
