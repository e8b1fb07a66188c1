"""The tour (make demo): a quick run proves each part's claim and writes out/index.html with captions."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from helpers import load_demo, run_quick


@pytest.fixture(scope="module")
def tour_run(out):
    return run_quick(load_demo("tour"), out), out


def test_the_neuron_gradient_equals_the_hand_derivative(tour_run):
    results, _ = tour_run
    assert results["neuron"]["dw1"] == pytest.approx(results["neuron"]["dw1_by_hand"], abs=1e-15)


def test_each_part_keeps_its_claim(tour_run):
    results, _ = tour_run
    assert results["bptt"]["total_diff"] < 1e-10 and results["bptt"]["term_diff"] < 1e-10
    assert results["autocomplete"]["completions"]["re"]                # some completion is found
    nets = results["vanishing"]["nets"]
    small = nets["tanh RNN, lambda_1 = 0.5"]["norms"]
    lstm = nets["LSTM, forget bias +3"]["norms"]
    assert small[-1] < 1e-3 * small[0] and lstm[-1] > 100 * small[-1]


def test_index_shows_every_picture_with_its_caption(tour_run):
    results, out = tour_run
    page = results["index"].read_text()
    images = re.findall(r'<img src="([^"]+)"', page)
    assert {"tour_neuron.svg", "tour_rnn_ops.svg", "tour_rnn_grad.svg", "vanishing_gradients_rnn.svg",
            "vanishing_gradients_lstm.svg"} <= set(images)
    for name in images:
        if name.endswith(".svg"):
            ET.parse(out / name)                                      # each SVG is well-formed XML
        else:
            assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"   # plots, when matplotlib is there
    assert page.count("<figcaption>") >= len(images)
