"""benchmarks/plain_loop.py runs end to end in its --quick mode and prints every table and goal row.

Only the structure of the output is checked, never a timing: the numbers of a quick run on a shared
machine mean nothing.
"""
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "plain_loop.py"


def run(*args: str) -> str:
    """Run the benchmark script with `args` and return its standard output (it must succeed)."""
    done = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def quick_output():
    """The whole --quick run, shared by the tests below."""
    return run("--quick")


def test_quick_run_prints_every_section(quick_output):
    for layer in ("LSTM", "GRU"):
        assert f"### {layer} training step, float32, each contender in its own process" in quick_output
        assert f"### {layer}: minor page faults per step" in quick_output
        assert f"### {layer}: extra peak RSS" in quick_output
    for heading in ("### One forward + backward over T=200 steps", "### Value chain, 20,000 op nodes",
                    "with 180,000 other tracked objects", "### Goals (issue 14)"):
        assert heading in quick_output


def test_training_tables_have_a_row_per_size_and_a_column_per_contender(quick_output):
    table = quick_output.split("### LSTM training step")[1].split("###")[0]
    header = next(line for line in table.splitlines() if line.startswith("| case"))
    for column in ("numpy", "engine, composed", "engine, fused", "engine, fused, keep_grads=False",
                   "engine, composed / numpy"):
        assert f"| {column} |" in header
    rows = [line for line in table.splitlines() if re.match(r"\| [SML]: B=", line)]
    assert [row[2] for row in rows] == ["S", "M", "L"]
    assert all(row.count("|") == header.count("|") for row in rows)


def test_goals_table_gives_a_verdict_and_a_figure_for_every_goal(quick_output):
    goals = quick_output.split("### Goals (issue 14)")[1]
    rows = [line for line in goals.splitlines() if line.startswith("| ") and not line.startswith("| goal")]
    per_layer = 6 if importlib.util.find_spec("torch") else 5      # speed bars (3, or 4 with torch) + faults 2
    assert len(rows) == 2 * per_layer + 2 + 2 + 2 + 1                # + memory, long, chain, crowd
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[-1] in ("met", "not met"), row
        float(cells[-2])                      # the measured figure is a number (inf included)


def test_a_child_prints_one_json_line_with_the_measurements():
    out = run("--child", "train", "--layer", "GRU", "--contender", "fused", "--size", "2,4,3,5", "--steps", "2")
    result = json.loads(out.strip().splitlines()[-1])
    for key in ("wall", "cpu", "faults", "sys", "rss_before", "peak_rss", "extra_peak", "checked"):
        assert key in result
    assert result["checked"] is True and result["wall"] > 0 and result["peak_rss"] >= result["rss_before"]


def test_runs_in_several_processes_are_combined_by_their_medians():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        spec = importlib.util.spec_from_file_location("plain_loop_under_test", SCRIPT)
        plain_loop = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(plain_loop)
    finally:
        sys.path.remove(str(SCRIPT.parent))
    runs = [{"wall": 0.030, "faults": 5.0, "tracked_objects": 900, "checked": True, "collections": [1, 2, 3]},
            {"wall": 0.010, "faults": 9.0, "tracked_objects": 700, "checked": False, "collections": [4, 5, 6]},
            {"wall": 0.020, "faults": 1.0, "tracked_objects": 800, "checked": True, "collections": [7, 8, 9]}]
    assert plain_loop.combine(runs) == {"wall": 0.020, "faults": 5.0, "tracked_objects": 800, "checked": True,
                                        "collections": [1, 2, 3]}
    assert plain_loop.combine(runs[:2])["wall"] == 0.010          # an even count: the lower middle, a measured value
