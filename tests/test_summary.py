"""Tests for tinygrad_rnn/nn/summary.py (count_parameters, summary) and for PACKAGE.md, the package page.

Oracles: parameter counts worked out by hand from the layers' documented shapes (PyTorch's formula
for an LSTM: 4H(I + H) weights and 8H biases per layer and direction), and the table's own rows.
"""
import re
from pathlib import Path

import pytest

import tinygrad_rnn as tr
from tinygrad_rnn import nn

ROOT = Path(__file__).resolve().parent.parent


class Tied(nn.Module):
    """An embedding whose table is reused as the read-out's weight (weight tying), plus dropout."""

    def __init__(self):
        self.embed = nn.Embedding(5, 3)
        self.head = nn.Linear(3, 5)
        self.head.weight = self.embed.weight
        self.drop = nn.Dropout(0.1)


def table_rows(text: str) -> dict:
    """{name: (shape, parameters)} from the rows between the two rules of a summary."""
    lines = text.splitlines()
    rules = [i for i, line in enumerate(lines) if set(line) == {"-"}]
    rows = {}
    for line in lines[rules[0] + 1:rules[1]]:
        name, rest = line.strip().split("  ", 1) if "  " in line.strip() else (line.strip(), "")
        parts = [p for p in re.split(r"\s{2,}", rest.strip()) if p]
        rows[name] = (parts[0] if len(parts) == 2 else "", parts[-1] if parts else "")
    return rows


@pytest.mark.parametrize("make, expected", [
    (lambda: nn.Linear(3, 4), 3 * 4 + 4),
    (lambda: nn.Linear(3, 4, bias=False), 12),
    (lambda: nn.Embedding(7, 2), 14),
    (lambda: nn.Dropout(0.5), 0),
    (lambda: nn.RNN(3, 5), 5 * 3 + 5 * 5 + 5 + 5),
    (lambda: nn.GRU(3, 5), 3 * (5 * 3 + 5 * 5 + 5 + 5)),
    (lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True),
     2 * (4 * 4 * (3 + 4) + 8 * 4) + 2 * (4 * 4 * (8 + 4) + 8 * 4)),     # 4H(I + H) + 8H per layer, direction
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.1), nn.Linear(3, 1)), 9 + 4),
    (Tied, 15 + 5),                                      # the tied table counts once
])
def test_count_parameters_matches_the_hand_count(make, expected):
    module = make()
    assert nn.count_parameters(module) == expected == sum(p.data.size for p in module.parameters())


def test_summary_lists_every_parameter_with_its_shape_and_count():
    model = nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.1), nn.Linear(3, 1))
    text = nn.summary(model)
    rows = table_rows(text)
    assert text.splitlines()[0] == "Sequential"
    assert rows["0.weight"] == ("(3, 2)", "6") and rows["0.bias"] == ("(3,)", "3")
    assert rows["2.weight"] == ("(1, 3)", "3") and rows["2.bias"] == ("(1,)", "1")
    assert rows["0 (Linear)"] == ("", "9") and rows["1 (Dropout)"] == ("", "0") and rows["2 (Linear)"] == ("", "4")
    assert text.splitlines()[-1] == "total: 13 parameters in 4 tensors, 104 bytes"     # 13 float64s


def test_summary_of_an_lstm_counts_its_cells_once_and_reports_kilobytes():
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    text = nn.summary(lstm)
    rows = table_rows(text)
    assert rows["weight_ih_l1_reverse"] == ("(16, 8)", "128")
    assert [rows[f"cells.{i} (LSTMCell)"] for i in range(4)] == [("", "all shared")] * 4
    total = nn.count_parameters(lstm)
    assert text.splitlines()[-1] == f"total: {total:,} parameters in 16 tensors, {total * 8 / 1024:.1f} KB"


def test_summary_marks_a_tied_weight_as_shared_and_adds_nothing_for_it():
    rows = table_rows(nn.summary(Tied()))
    assert rows["embed (Embedding)"] == ("", "15") and rows["embed.weight"] == ("(5, 3)", "15")
    assert rows["head.weight"] == ("(5, 3)", "shared with embed.weight")
    assert rows["head (Linear)"] == ("", "5")                                       # its bias only


def test_nested_modules_are_indented_under_their_parent_with_their_totals():
    class Net(nn.Module):
        def __init__(self):
            self.encoder = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
            self.scale = nn.Parameter([1.0])

    lines = nn.summary(Net()).splitlines()
    assert lines[3].startswith("scale ") and lines[4].split() == ["encoder", "(Sequential)", "12"]
    assert lines[5].split() == ["encoder.0", "(Linear)", "6"] and lines[6].startswith("    encoder.0.weight")
    assert lines[-1].startswith("total: 13 parameters in 5 tensors")


@pytest.mark.parametrize("func", [nn.count_parameters, nn.summary])
def test_a_non_module_is_refused(func):
    with pytest.raises(TypeError, match=rf"^{func.__name__}: expected a Module, got Tensor$"):
        func(tr.Tensor([1.0]))


def test_package_page_has_no_relative_links_or_images():
    text = (ROOT / "PACKAGE.md").read_text(encoding="utf-8")
    targets = re.findall(r"!?\[[^\]]*\]\(([^)]*)\)", text)                 # [text](target), ![alt](target)
    targets += re.findall(r"^\s*\[[^\]]+\]:\s*(\S+)", text, flags=re.M)     # [ref]: target
    targets += re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", text)     # HTML
    assert [t for t in targets if not t.startswith("https://")] == []
    assert "![" not in text and "<img" not in text.lower()
    assert "pip install" in text and "make demo" in text and "make test" in text


def test_a_recurrent_layer_repr_says_which_layer_and_direction_each_cell_is():
    text = repr(nn.LSTM(3, 4, num_layers=2, bidirectional=True))
    assert "(cells.1: layer 0 reverse, *_l0_reverse): LSTMCell(3, 4)" in text
    assert "(cells.2: layer 1 forward, *_l1): LSTMCell(8, 4)" in text
    assert repr(nn.Sequential(nn.Linear(2, 3))) == "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n)"
