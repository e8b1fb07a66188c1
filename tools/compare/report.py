"""The report of a run started on both sides: its status (PASS, TORCH-ONLY, TORCH-FAILED, DIALECT-FAILED,
MISMATCH, STDOUT-DIFFERS, REFERENCE-MISMATCH), problems, notes and matched values; and how reports are printed
and written as JSON."""
from __future__ import annotations

import json
from pathlib import Path

from .arrays import compare_arrays, compare_texts
from .capture import describe_error, describe_failure
from .runs import Run
from .stdout import compare_stdout

GOOD = {"PASS", "TORCH-ONLY"}   # the statuses the command line exits 0 with


def dialect_failed(report: dict, run: Run, ts: dict, ds: dict, rtol: float, atol: float) -> None:
    """Report a dialect step that failed, and compare what it computed before it failed (e.g. the trained
    weights, the lines printed) with torch's step `ts`."""
    report["status"] = "DIALECT-FAILED"
    report["problems"].append(f"{ds['script']}: {describe_error(ds['meta'])}")
    report["error"] = ds["meta"].get("error")
    report["stderr_tail"] = ds["stderr"][-3000:]
    if run.direct:
        common = {k: v for k, v in ts["capture"].items() if k in ds["capture"]}
        problems, ok = compare_arrays(common, ds["capture"], rtol, atol)
        report["matched"] += [f"{ds['script']} (before the failure): {x}" for x in ok]
        report["problems"] += [f"{ds['script']} (before the failure): {p}" for p in problems]
        n_lines = len(ds["stdout"].splitlines())
        head = "\n".join(ts["stdout"].splitlines()[:n_lines])
        report["problems"] += [f"{ds['script']} (before the failure): {p}"
                               for p in compare_stdout(head, ds["stdout"], rtol)]


def compare_run(run: Run, sides: dict, rtol: float, atol: float) -> dict:
    """The report of a run from its sides ({"torch": run_side(...), "dialect": run_side(...) or None}):
    captured arrays, written texts and stdout of each step, the dialect's against torch's."""
    report = {"name": run.name, "status": "PASS", "problems": [], "notes": [], "matched": []}
    t, d = sides.get("torch"), sides.get("dialect")
    for ts in t["steps"]:
        if ts["code"] != 0:
            report["status"] = "TORCH-FAILED"
            report["problems"].append(f"torch side failed in {ts['script']}: {describe_failure(ts)}")
            return report
    if d is None:
        report["status"] = "TORCH-ONLY"
        return report
    for ts, ds in zip(t["steps"], d["steps"]):
        report["notes"] += [f"{ds['script']}: {n}" for n in ds["meta"].get("notes", [])]
        if ds["code"] != 0:
            dialect_failed(report, run, ts, ds, rtol, atol)
            return report
        if not run.direct:
            report["notes"].append("not compared value by value (chaotic run): checked against the reference only")
            continue
        problems, ok = compare_arrays(ts["capture"], ds["capture"], rtol, atol)
        text_problems, text_ok = compare_texts(ts["texts"], ds["texts"])
        problems += text_problems
        report["matched"] += [f"{ds['script']}: {x}" for x in ok + text_ok]
        stdout_problems = compare_stdout(ts["stdout"], ds["stdout"], rtol)
        if problems:
            report["status"] = "MISMATCH"
            report["problems"] += [f"{ds['script']}: {p}" for p in problems]
        if stdout_problems:
            if report["status"] == "PASS":
                report["status"] = "STDOUT-DIFFERS"
            report["problems"] += [f"{ds['script']}: {p}" for p in stdout_problems]
    return report


def add_reference(report: dict, reference: dict) -> None:
    """Add the numpy reference check of each side (reference_check) to a run's report and print it; a side
    that differs from the reference fails a run that had not failed otherwise."""
    report["reference"] = reference
    for side, r in reference.items():
        verdict = "matches" if not r["problems"] else "DIFFERS from"
        print(f"    {side}: {verdict} Karpathy's numpy lossFun ({len(r['matched'])} arrays agree)")
        for p in r["problems"][:10]:
            print(f"      {p}")
        if r["problems"] and report["status"] in ("PASS", "TORCH-ONLY", "STDOUT-DIFFERS"):
            report["status"] = "REFERENCE-MISMATCH"


def print_report(report: dict) -> None:
    """Print a run's status, how many captured values agree, its problems and notes."""
    print(f"    {report['status']}  ({len(report['matched'])} captured values agree)")
    for p in report["problems"]:
        print(f"      {p}")
    for n in report["notes"]:
        print(f"      note: {n}")


def print_summary(reports: list[dict], base: Path) -> None:
    """Print every run's status, then where the run directories are."""
    print()
    print("summary:")
    for r in reports:
        print(f"  {r['status']:<20} {r['name']}")
    print(f"run directories: {base}")


def write_json(path: str | None, reports: list[dict]) -> None:
    """Write the reports as JSON to `path` (the --json flag), if one is given."""
    if path:
        Path(path).write_text(json.dumps(reports, indent=2, default=str))
