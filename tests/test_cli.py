"""Tests for the command line `python -m tinygrad_rnn render ...` (console script `tinygrad-rnn`)."""
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

import tinygrad_rnn as tr
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
    (["--steps", "0"], "--steps must be a positive integer, got 0"),
    (["--hidden", "-1"], "--hidden must be a positive integer, got -1"),
])
def test_impossible_options_are_usage_errors(argv, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["render", *argv, "-o", str(tmp_path / "x.svg")])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_the_output_must_be_a_format_dot_can_write(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["render", "-o", str(tmp_path / "x.jpg")])
    assert "-o/--output must end in .svg, .png or .pdf, got" in capsys.readouterr().err


def test_without_dot_it_says_how_to_install_it_and_keeps_the_source(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", "")
    assert main(["render", "--model", "rnn", "--steps", "2", "-o", str(tmp_path / "x.svg")]) == 1
    err = capsys.readouterr().err
    assert "not on PATH" in err and "sudo apt-get install graphviz" in err
    assert (tmp_path / "x.gv").read_text().startswith("digraph")


def test_python_dash_m_runs_the_command_line():
    done = subprocess.run([sys.executable, "-m", "tinygrad_rnn", "render", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--bidirectional" in done.stdout
