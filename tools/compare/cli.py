"""The command line of tools/compare_with_pytorch.py: its flags, and the three ways it runs (both sides and
compare; --record; --against), each printing what it found and returning the exit code."""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from . import __doc__ as DOC
from .expected import compare_with_expected, load_expected, run_dialect_from_expected
from .record import record_run
from .reference import reference_check, reference_main
from .report import GOOD, add_reference, compare_run, print_report, print_summary, write_json
from .runs import ATOL, RTOL, RUNS, TORCH_PYTHON, Run, run_dirname
from .side import run_side


def parser() -> argparse.ArgumentParser:
    """The flags (see the package docstring and tests/programs/README.md)."""
    ap = argparse.ArgumentParser(description=DOC.split("\n")[0])
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
    return ap


def base_dir(workdir: str | None, prefix: str) -> Path:
    """Where the run directories go: --workdir, else a new temporary directory."""
    return Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix=prefix))


def fresh_workdir(base: Path, run: Run) -> Path:
    """The run's directory under base, emptied."""
    workdir = base / run_dirname(run.name)
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    return workdir


def compare_main(runs: list[Run], base: Path, args) -> int:
    """Run each run on real torch, then on the dialect (or perturbed torch, --sensitivity; nothing, --side
    torch), and report how they compare; 0 if every run passed."""
    reports = []
    for run in runs:
        print(f"== {run.name}")
        workdir = fresh_workdir(base, run)
        sides = {"torch": run_side(run, "torch", workdir, args.verbose)}
        other = "perturbed" if args.sensitivity else "dialect"
        sides["dialect"] = run_side(run, other, workdir, args.verbose) if args.side != "torch" else None
        report = compare_run(run, sides, args.rtol, args.atol)
        if run.reference and sides["torch"]["steps"][0]["code"] == 0:
            add_reference(report, reference_check(run, workdir, sides, args.rtol, args.atol))
        print_report(report)
        report["workdir"] = str(workdir)
        reports.append(report)
    print_summary(reports, base)
    write_json(args.json, reports)
    return 0 if all(r["status"] in GOOD for r in reports) else 1


def record_main(runs: list[Run], outdir: Path, base: Path, args) -> int:
    """--record: store real torch's values of each run in outdir; 0 if every run was recorded."""
    reports = []
    for run in runs:
        print(f"== {run.name}: recording into {outdir / run_dirname(run.name)}")
        report = record_run(run, outdir, fresh_workdir(base, run), args.verbose, args.rtol, args.atol)
        print(f"    {report['status']}")
        for line in report["problems"] + [f"note: {n}" for n in report["notes"]]:
            print(f"      {line}")
        reports.append(report)
    total = sum(p.stat().st_size for p in outdir.rglob("*") if p.is_file()) if outdir.exists() else 0
    print(f"\n{outdir}: {total / 1024:.0f} KiB in all; run directories: {base}")
    write_json(args.json, reports)
    return 0 if all(r["status"] in ("RECORDED", "NOT-RECORDED") for r in reports) else 1


def against_main(runs: list[Run], directory: Path, args) -> int:
    """--against: run the dialect from the weights stored in directory and compare with the values stored
    there; 0 if every run agrees, 2 if nothing is stored for the runs."""
    runs = [r for r in runs if (directory / run_dirname(r.name) / "expected.json").exists()]
    if not runs:
        print(f"nothing stored in {directory} for these runs", file=sys.stderr)
        return 2
    base = base_dir(args.workdir, "compare_with_stored_")
    bad = 0
    for run in runs:
        workdir = fresh_workdir(base, run)
        expected = load_expected(directory, run.name)
        out = compare_with_expected(run, expected, run_dialect_from_expected(run, expected, workdir,
                                                                              verbose=args.verbose))
        problems = [p for kind in ("stale", "run", "arrays", "texts", "stdout") for p in out[kind]]
        bad += bool(problems)
        print(f"{'PASS' if not problems else 'DIFFERS':<8} {run.name}  ({len(out['matched'])} stored values agree)")
        for p in problems:
            print(f"      {p}")
    print(f"run directories: {base}")
    return 1 if bad else 0


def main(argv=None) -> int:
    """Parse the flags and run; returns the exit code (2: real torch or stored values missing)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--reference-run"]:
        return reference_main(argv[1:])
    args = parser().parse_args(argv)
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
    base = base_dir(args.workdir, "compare_with_pytorch_")
    if args.record:
        return record_main([r for r in runs if r.direct], Path(args.record), base, args)
    return compare_main(runs, base, args)
