"""Tests for the command line `python -m tinygrad_rnn render ...` (console script `tinygrad-rnn`)."""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import tinygrad_rnn as tr
import tinygrad_rnn.__main__ as cli
from tinygrad_rnn.__main__ import main, parser, tensor_loss
from tinygrad_rnn.viz.drawing import prepare


def cell_norms(argv: list) -> list:
    """The gradient norm shown on each collapsed step, in time order, for the CLI's model."""
    args = parser().parse_args(["render", "-o", "unused.svg"] + argv)
    tr.manual_seed(args.seed)
    layout, _, _ = prepare(tensor_loss(args), detail="cell", show_grad=True)
    return [norm for _, norm in sorted((u.t, layout.norms[k]) for k, u in enumerate(layout.units) if u.kind == "step")]


@pytest.mark.parametrize("model", ["rnn", "lstm", "gru", "scalar-rnn"])
def test_render_writes_the_drawing_and_prints_its_path(model, tmp_path, capsys):
    out = tmp_path / f"{model}.svg"
    assert main(["render", "--model", model, "--steps", "3", "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    svg = ET.parse(out).getroot()
    assert svg.tag.endswith("svg")
    text = out.read_text()
    assert "t = 3" in text and ("w_h" in text if model == "scalar-rnn" else f"{model}.weight_hh_l0" in text)


def test_a_stacked_bidirectional_layer_at_cell_detail_with_gradients(tmp_path, capsys):
    out = tmp_path / "gru.png"
    assert main(["render", "--model", "gru", "--steps", "4", "--layers", "2", "--bidirectional",
                 "--detail", "cell", "--grad", "-o", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_rolled_view(tmp_path):
    out = tmp_path / "lstm.svg"
    assert main(["render", "--model", "lstm", "--steps", "6", "--detail", "rolled", "-o", str(out)]) == 0
    assert " 6 steps" in out.read_text()


def test_small_recurrent_weights_make_an_rnn_forget_far_faster_than_an_lstm():
    rnn = cell_norms(["--model", "rnn", "--steps", "8", "--recurrent-scale", "0.5"])
    lstm = cell_norms(["--model", "lstm", "--steps", "8", "--forget-bias", "1"])
    assert rnn[0] / rnn[-1] < 1e-3                 # dL/dh_1 is a thousandth of dL/dh_8 or less
    assert lstm[0] / lstm[-1] > 1e-2
    assert all(a < b for a, b in zip(rnn, rnn[1:]))  # the RNN's fades step after step


@pytest.mark.parametrize("argv, message", [
    (["--model", "scalar-rnn", "--layers", "2"], "scalar-rnn is a single one-unit layer"),
    (["--model", "scalar-rnn", "--bidirectional"], "scalar-rnn is a single one-unit layer"),
    (["--model", "gru", "--forget-bias", "1"], "--forget-bias applies to --model lstm only, got --model gru"),
    (["--steps", "0"], "--steps must be an integer from 1 to 64, got 0"),
    (["--hidden", "-1"], "--hidden must be an integer from 1 to 256, got -1"),
    (["--hidden", "100000"], "--hidden must be an integer from 1 to 256, got 100000"),
    (["--layers", "5"], "--layers must be an integer from 1 to 4, got 5"),
    (["--seed", "-1"], "--seed must be an integer from 0 to 4294967295, got -1"),
    (["--recurrent-scale", "nan"], "--recurrent-scale must be a finite number, got nan"),
    (["--model", "lstm", "--forget-bias", "inf"], "--forget-bias must be a finite number, got inf"),
    (["--steps", "x"], "argument --steps: invalid int value: 'x'"),
])
def test_impossible_options_are_one_line_usage_errors(argv, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["render", *argv, "-o", str(tmp_path / "x.svg")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and err.startswith("tinygrad-rnn")
    assert list(tmp_path.iterdir()) == []


def unwritable_outputs(tmp: Path) -> dict:
    """{case: (output path, the message's tail)} for outputs the command line must refuse."""
    (tmp / "afile").write_text("not a directory")
    (tmp / "looks_like.svg").mkdir()
    return {
        "jpg": (tmp / "x.jpg", "-o/--output must end in .svg, .png or .pdf, got"),
        "only a suffix": (tmp / ".svg", "-o/--output must end in .svg, .png or .pdf, got"),    # a hidden file
        "under a file": (tmp / "afile" / "x.svg", f"{str(tmp / 'afile')!r} is a file, not a directory"),
        "deeper under a file": (tmp / "afile" / "sub" / "x.svg", f"{str(tmp / 'afile')!r} is a file, not a"),
        "a directory": (tmp, f"-o/--output {str(tmp)!r} is a directory; name a file in it, e.g. "),
        "a directory named .svg": (tmp / "looks_like.svg", "is a directory; name a file in it"),
        "/proc": (Path("/proc/x.svg"), "error: cannot write '/proc/x.svg': "),
    }


@pytest.mark.parametrize("case", ["jpg", "only a suffix", "under a file", "deeper under a file", "a directory",
                                  "a directory named .svg", "/proc"])
def test_an_output_that_cannot_be_written_is_one_line_and_exit_status_2(case, tmp_path, capsys):
    path, message = unwritable_outputs(tmp_path)[case]
    if case == "/proc" and not Path("/proc").is_dir():
        pytest.skip("no /proc on this system")
    with pytest.raises(SystemExit) as exit_info:
        main(["render", "--model", "rnn", "-o", str(path)])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and err.count("\n") == 1 and message in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "looks_like.svg"]     # nothing created


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes to read-only dirs")
def test_a_read_only_directory_is_refused(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    try:
        with pytest.raises(SystemExit) as exit_info:
            main(["render", "--model", "rnn", "-o", str(locked / "x.svg")])
    finally:
        locked.chmod(0o755)
    assert exit_info.value.code == 2
    assert f"cannot write {str(locked / 'x.svg')!r}: Permission denied" in capsys.readouterr().err


def test_a_write_that_fails_late_is_still_one_line(monkeypatch, tmp_path, capsys):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(tr.viz, "render", refuse)
    with pytest.raises(SystemExit) as exit_info:
        main(["render", "--model", "rnn", "--steps", "2", "-o", str(tmp_path / "x.svg")])
    assert exit_info.value.code == 2
    expected = f"tinygrad-rnn: error: cannot write {str(tmp_path / 'x.svg')!r}: Permission denied\n"
    assert capsys.readouterr().err == expected


def test_missing_directories_are_created_and_reported(tmp_path, capsys):
    out = tmp_path / "a" / "b" / "x.svg"
    assert main(["render", "--model", "rnn", "--steps", "2", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"tinygrad-rnn: created directory {str(tmp_path / 'a')!r}",
                                         f"tinygrad-rnn: created directory {str(tmp_path / 'a' / 'b')!r}"]
    assert captured.out.strip() == str(out) and out.read_text().lstrip().startswith("<?xml")


def test_an_existing_output_is_replaced(tmp_path, capsys):
    out = tmp_path / "x.svg"
    out.write_text("old")
    assert main(["render", "--model", "rnn", "--steps", "2", "-o", str(out)]) == 0
    assert "<svg" in out.read_text() and capsys.readouterr().err == ""


def test_a_warning_is_one_line_without_python_source(tmp_path, capsys):
    argv = ["render", "--model", "lstm", "--steps", "40", "--detail", "op", "-o", str(tmp_path / "x.svg")]
    assert main(argv) == 0
    assert re.fullmatch(r"tinygrad-rnn: warning: draw: \d+ nodes exceed max_nodes=600; drawing at detail='cell' "
                        r"\(one node per time step\) instead\n", capsys.readouterr().err)


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0 and capsys.readouterr().out == f"tinygrad-rnn {tr.__version__}\n"


def test_render_help_has_examples_and_every_default(capsys):
    with pytest.raises(SystemExit):
        main(["render", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "examples: tinygrad-rnn render --model lstm --steps 8 --detail cell --grad -o out/lstm.svg" in text
    assert "missing parent directories are created" in text
    render = parser()._subparsers._group_actions[0].choices["render"]
    for action in render._actions:
        if action.dest in ("help", "output"):
            continue
        shown = "off" if action.default is False else action.default
        assert f"(default: {shown})" in " ".join(action.help.split()), action.dest
    assert "(required; no default)" in text


def test_blas_runs_on_one_thread(monkeypatch, tmp_path):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    seen = []

    def spy(args):
        seen.extend(pool["num_threads"] for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas")
        return tensor_loss(args)
    monkeypatch.setattr(cli, "tensor_loss", spy)
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):        # as if BLAS had two threads
        before = {pool["num_threads"] for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas"}
        assert main(["render", "--model", "rnn", "--steps", "2", "-o", str(tmp_path / "x.svg")]) == 0
    assert seen and set(seen) == {1}, f"BLAS ran on {seen} threads; it was set to {before} before main()"


def test_it_runs_without_threadpoolctl(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)          # `import threadpoolctl` now fails
    assert main(["render", "--model", "rnn", "--steps", "2", "-o", str(tmp_path / "x.svg")]) == 0


def test_without_dot_it_says_how_to_install_it_and_keeps_the_source(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", "")
    assert main(["render", "--model", "rnn", "--steps", "2", "-o", str(tmp_path / "x.svg")]) == 1
    err = capsys.readouterr().err
    assert "not on PATH" in err and "sudo apt-get install graphviz" in err
    assert (tmp_path / "x.gv").read_text().startswith("digraph")


def test_python_dash_m_runs_the_command_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tinygrad_rnn", "render", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--bidirectional" in done.stdout
    (tmp_path / "afile").write_text("")
    done = subprocess.run([sys.executable, "-m", "tinygrad_rnn", "render", "-o", str(tmp_path / "afile" / "x.svg")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (f"tinygrad-rnn: error: cannot write {str(tmp_path / 'afile' / 'x.svg')!r}: "
                           f"{str(tmp_path / 'afile')!r} is a file, not a directory\n")
