"""The helpers every demo shares (demos/_common.py): command line, seeding, one BLAS thread, the out/
folder, progress with rate and time left, plots and drawings that say where they went."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

import tinygrad_rnn as tr
from helpers import DEMOS, load_demo


@pytest.fixture(scope="module")
def common():
    return load_demo("_common")


def test_parse_args(common):
    args = common.parse_args("doc", [])
    assert (args.quick, args.seed, args.out) == (False, 0, "out")
    args = common.parse_args("doc", ["--quick", "--seed", "3", "--steps", "7"],
                             lambda parser: parser.add_argument("--steps", type=int, default=1))
    assert (args.quick, args.seed, args.steps) == (True, 3, 7)


def test_seed_fixes_the_library_generator(common):
    first = common.seed(5).normal(size=3)
    assert common.seed(5) is tr.rng.default_generator()
    np.testing.assert_array_equal(tr.rng.default_generator().normal(size=3), first)


def test_out_dir(common, tmp_path):
    target = tmp_path / "a" / "b"
    assert common.out_dir(target) == target and target.is_dir()
    assert common.out_dir("out") == common.REPO_ROOT / "out"


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_plain_lines_are_throttled(common):
    stream, clock = io.StringIO(), FakeClock()
    progress = common.Progress(10, stream=stream, min_interval=1.0, clock=clock)
    for step in range(1, 11):
        clock.now = step * 0.3
        progress.update(step, 1.0 / step)
    progress.close()
    lines = stream.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == ["1/10", "5/10", "9/10", "10/10"]
    assert lines[0] == "step  1/10  loss 1.0000     0.3s  3.33 steps/s  2.7s left"
    assert lines[-1].endswith("3.0s  3.33 steps/s  0.0s left")


def test_progress_rate_and_time_left_follow_the_mean_speed(common):
    stream, clock = io.StringIO(), FakeClock()
    progress = common.Progress(100, stream=stream, min_interval=0.0, clock=clock, bar=False)
    for step, now in ((20, 4.0), (50, 100.0), (99, 990.0)):
        clock.now = now
        progress.update(step, 0.5)
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith("5 steps/s  16s left")                 # 80 steps at 20 / 4 s
    assert lines[1].endswith("0.5 steps/s  1m40s left")             # 50 steps at 50 / 100 s
    assert lines[2].endswith("0.1 steps/s  10s left")


def test_progress_rewrites_one_line_on_a_terminal(common):
    stream, clock = Terminal(), FakeClock()
    with common.Progress(100, stream=stream, min_interval=0.0, clock=clock, bar=False) as progress:
        clock.now = 1.0
        progress.update(1, 12345.0)
        progress.update(2, 1.0)
    text = stream.getvalue()
    first, second = text.split("\r")[1:]
    assert text.count("\n") == 1 and text.endswith("\n")
    assert len(second.rstrip("\n")) == len(first)            # the shorter line blanks the longer one
    assert second.startswith("step   2/100  loss 1.0000")


def test_progress_is_a_tqdm_bar_on_a_terminal(common):
    pytest.importorskip("tqdm")
    stream = Terminal()
    with common.Progress(10, stream=stream) as progress:
        for step in range(1, 11):
            progress.update(step, 1.0 / step)
    text = stream.getvalue()
    assert "10/10" in text and "100%" in text and "loss 0.1000" in text and "step/s" in text


def test_progress_without_tqdm_keeps_the_plain_line(common, monkeypatch):
    monkeypatch.setattr(common, "_tqdm", lambda: None)
    stream = Terminal()
    with common.Progress(3, stream=stream, min_interval=0.0) as progress:
        for step in (1, 2, 3):
            progress.update(step, 2.0)
    assert stream.getvalue().count("\r") == 3 and "steps/s" in stream.getvalue()


def test_progress_rejects_a_bad_total(common):
    with pytest.raises(ValueError, match=r"Progress\(total\) expects a positive int .* got 0"):
        common.Progress(0)


def test_text_chart(common):
    chart = common.text_chart({"up": [1, 2, 3], "bad": [np.inf, np.nan, 2]}, width=10, height=5)
    rows = chart.splitlines()
    assert rows[0] == "3 |         *" and rows[-1] == "* up  o bad"
    assert chart.count("o") == 2                             # only the finite value of "bad" (and the legend)
    logged = common.text_chart({"g": [1e-3, 1e-1, 10.0, 0.0]}, logy=True)
    assert logged.splitlines()[0].startswith("   10 |") and logged.count("*") == 4   # 0 dropped; 3 + legend
    assert common.text_chart({"x": [np.nan]}) == "(nothing finite to plot)"


def test_plot_errors(common, tmp_path):
    with pytest.raises(ValueError, match="plot: series expects at least one named curve"):
        common.plot({}, tmp_path / "p.png", "t")
    with pytest.raises(ValueError, match=r"plot: series 'a' has 3 values but x has 2"):
        common.plot({"a": [1, 2, 3]}, tmp_path / "p.png", "t", x=[0, 1])


def test_plot_falls_back_to_text(common, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(common, "_pyplot", lambda: None)
    path = common.plot({"loss": [3, 2, 1]}, tmp_path / "curve.png", "Training")
    assert path == tmp_path / "curve.txt"
    assert "Training  (loss against step)" in path.read_text()
    printed = capsys.readouterr().out
    assert "* loss" in printed and f"wrote {path} (a text chart" in printed


def test_plot_uses_matplotlib_when_present(common, tmp_path, monkeypatch, capsys):
    saved, calls = [], []
    ax = SimpleNamespace(plot=lambda *a, **k: calls.append(a), set=lambda **k: calls.append(k),
                         legend=lambda: None, xaxis=SimpleNamespace(set_major_locator=calls.append))
    fig = SimpleNamespace(tight_layout=lambda: None, savefig=lambda path, dpi: saved.append(path))
    plt = SimpleNamespace(subplots=lambda figsize: (fig, ax), close=lambda f: None,
                          MaxNLocator=lambda integer: f"integer ticks: {integer}")
    monkeypatch.setattr(common, "_pyplot", lambda: plt)
    path = common.plot({"a": [1, 2], "b": [2, 1]}, tmp_path / "c.png", "T", logy=True)
    assert path == tmp_path / "c.png" and saved == [path]
    monkeypatch.chdir(tmp_path)
    common.plot({"a": [1, 2]}, tmp_path / "d.png", "T")
    assert capsys.readouterr().out.splitlines() == [f"wrote {path}", "wrote d.png"]   # relative inside the cwd
    assert calls[2]["yscale"] == "log" and calls[3] == "integer ticks: True" and len(calls) == 7


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_render_says_where_the_drawing_went(common, tmp_path, capsys):
    v = tr.Value(2.0) * tr.Value(3.0)
    path = common.render(v, tmp_path / "v.svg")
    assert path == tmp_path / "v.svg" and path.read_text().lstrip().startswith("<?xml")
    assert capsys.readouterr().out == f"wrote {path}\n"


def test_render_without_dot_skips_with_one_line(common, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))                      # no dot on it
    assert common.render(tr.Value(2.0).tanh(), tmp_path / "v.svg") is None
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1 and printed.startswith(f"skipped {tmp_path / 'v.svg'}: Graphviz's `dot`")
    assert not (tmp_path / "v.svg").exists()


BLAS_PROBE = """
import json, sys
sys.path.insert(0, {demos!r})
{before}
import _common
{after}
from threadpoolctl import threadpool_info
print(json.dumps([_common.BLAS_PINNING, [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]]))
"""


def blas_threads(before: str = "", after: str = "") -> list:
    """[how _common pinned BLAS, BLAS thread counts] in a fresh python without the BLAS variables."""
    code = BLAS_PROBE.format(demos=str(DEMOS), before=before, after=after)
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                            "MKL_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_common_pins_blas_even_after_numpy():
    pytest.importorskip("threadpoolctl")
    how, threads = blas_threads(before="import numpy")
    assert how == "threadpoolctl" and threads and set(threads) == {1}


def test_without_threadpoolctl_common_pins_by_environment_or_runs_unpinned():
    pytest.importorskip("threadpoolctl")                            # to read the thread counts back
    hide, show = "sys.modules['threadpoolctl'] = None", "del sys.modules['threadpoolctl']"
    how, threads = blas_threads(before=hide, after=show)
    assert how == "environment" and set(threads) == {1}              # set before numpy loaded its BLAS
    how, _ = blas_threads(before=hide + "\nimport numpy", after=show)
    assert how == "unpinned"                                         # too late, and no error
