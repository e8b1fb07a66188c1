"""The demo helpers (demos/_common.py) and the first two demos: each --quick run must prove its claim.

Oracles: the numbers printed in the notes, plain-numpy recomputations written here, a loop over all
tag paths written here, and central differences (tr.gradcheck) for the hand-derived BPTT sums.
"""
from __future__ import annotations

import io
import itertools
from types import SimpleNamespace

import numpy as np
import pytest

import tinygrad_rnn as tr
from helpers import load_demo, run_quick

@pytest.fixture(scope="module")
def common():
    return load_demo("_common")


@pytest.fixture(scope="module")
def hmm():
    return load_demo("hmm_as_rnn")


@pytest.fixture(scope="module")
def hmm_run(hmm, out):
    return run_quick(hmm, out)


@pytest.fixture(scope="module")
def bptt():
    return load_demo("bptt_by_hand")


@pytest.fixture(scope="module")
def bptt_run(bptt, out):
    return run_quick(bptt, out)


# ---------------------------------------------------------------- hmm_as_rnn
U = np.array([[0.1, 0.1, 0.8], [0.8, 0.1, 0.1], [0.1, 0.8, 0.1]])
W = np.array([[0.01, 0.01, 0.01, 0.97], [0.49, 0.01, 0.49, 0.01], [0.01, 0.97, 0.01, 0.01]])
JOHN_HIT_THE_BALL = [2, 1, 3, 0]                             # word indices in the notes' (ball, hit, John, the)


def test_hmm_table_matches_the_notes(hmm_run):
    h = hmm_run["h"]
    notes = np.array([[0.28, 0.44, 0.28], [0.20, 0.20, 0.60], [0.63, 0.18, 0.18]])
    assert np.abs(h[:3] - notes).max() < 0.01                # within one unit of the printed last digit
    agrees = np.round(h[:3], 2) == notes
    assert agrees.sum() == 8 and not agrees[0, 1]            # only h_1's Noun entry: 0.4469 printed as 0.44
    assert [int(np.argmax(r)) for r in h] == [1, 2, 0, 1]    # Noun, Verb, Det, Noun


def test_hmm_corrected_h4(hmm_run):
    np.testing.assert_array_equal(np.round(hmm_run["h4"], 2), [0.24, 0.53, 0.24])
    np.testing.assert_allclose(hmm_run["h4"], [0.23741862, 0.52516275, 0.23741862], atol=1e-8)


def test_hmm_rnn_equals_plain_numpy(hmm_run):
    h, rows = np.zeros(3), []
    for k in JOHN_HIT_THE_BALL:
        e = np.exp(U @ h + W[:, k] - 1)
        h = e / e.sum()
        rows.append(h)
    np.testing.assert_allclose(hmm_run["h"], rows, atol=1e-14)


def test_hmm_forward_equals_enumerating_every_path(hmm_run):
    total = sum(np.prod([(1 / 3 if t == 0 else U[y[t], y[t - 1]]) * W[y[t], k]
                         for t, k in enumerate(JOHN_HIT_THE_BALL)])
                for y in itertools.product(range(3), repeat=4))
    assert abs(hmm_run["notes"]["log_px"] - np.log(total)) < 1e-10
    for key in ("notes", "sampled"):
        assert hmm_run[key]["forward_error"] < 1e-10
    assert hmm_run["sampled"]["n_paths"] == 3 ** 6 == 3 ** len(hmm_run["sampled_x"])


def test_hmm_viterbi_is_the_brute_force_best_path(hmm_run):
    assert hmm_run["notes"]["viterbi_path"] == hmm_run["notes"]["brute_path"] == [1, 2, 0, 1]
    assert hmm_run["sampled"]["viterbi_path"] == hmm_run["sampled"]["brute_path"]
    for key in ("notes", "sampled"):
        assert hmm_run[key]["viterbi_score_error"] < 1e-10


def test_hmm_gradient_of_log_likelihood_is_expected_counts(hmm_run):
    for key in ("notes", "sampled"):
        assert hmm_run[key]["emission_grad_error"] < 1e-10
        assert hmm_run[key]["transition_grad_error"] < 1e-10
    counts = hmm_run["notes"]["emission_grad"]
    assert abs(counts.sum() - 4) < 1e-12                     # one emission per word
    np.testing.assert_allclose(counts.sum(axis=0), [1, 1, 1, 1], atol=1e-12)   # each word used once


def test_hmm_writes_its_picture(hmm, tmp_path):
    result = run_quick(hmm, tmp_path)
    assert list(tmp_path.glob("hmm_as_rnn.*"))
    assert result["sampled_x"] == run_quick(hmm, tmp_path)["sampled_x"]   # seeded


# ---------------------------------------------------------------- bptt_by_hand
def test_bptt_backward_equals_hand_sums(bptt_run):
    assert bptt_run["total_diff"] < 1e-10
    assert bptt_run["term_diff"] < 1e-10
    for name, grad in bptt_run["grads"].items():
        np.testing.assert_allclose(grad, bptt_run["hand"][name], atol=1e-10, rtol=0)


def test_bptt_per_step_norms(bptt_run):
    norms, per_t = bptt_run["term_norms"], bptt_run["norm_per_t"]
    assert norms.shape == (4, 4) and per_t.shape == (4,)
    assert np.all(norms[:, 0] == 0)                          # the k = 1 terms vanish: h_0 = 0
    assert np.all(np.triu(norms, 1) == 0) and np.all(per_t[1:] > 0)


def test_bptt_hand_sums_match_finite_differences(bptt):
    """The oracle itself is right: the hand sums agree with central differences of L."""
    x, y, vocab = bptt.one_hot_text("hello")
    p = bptt.init_weights(np.random.default_rng(1), len(vocab), 3)
    names = list(p)
    assert tr.gradcheck(lambda *ws: bptt.forward(dict(zip(names, ws)), x, y)[0].sum(), *p.values())
    for q in p.values():
        q.zero_grad()
    bptt.forward(p, x, y)[0].sum().backward()               # gradcheck vouched for this backward
    hand, _ = bptt.hand_bptt(p, x, y)
    for name in names:
        np.testing.assert_allclose(hand[name], p[name].grad, atol=1e-12)


def test_bptt_writes_its_picture(bptt_run, out):
    assert list(out.glob("bptt_by_hand.*"))


# ---------------------------------------------------------------- _common
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
    assert lines[0] == "step  1/10  loss 1.0000     0.3s"


def test_progress_rewrites_one_line_on_a_terminal(common):
    stream, clock = Terminal(), FakeClock()
    with common.Progress(100, stream=stream, min_interval=0.0, clock=clock) as progress:
        progress.update(1, 12345.0)
        progress.update(2, 1.0)
    text = stream.getvalue()
    first, second = text.split("\r")[1:]
    assert text.count("\n") == 1 and text.endswith("\n")
    assert len(second.rstrip("\n")) == len(first)            # the shorter line blanks the longer one
    assert second.startswith("step   2/100  loss 1.0000")


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
    assert "* loss" in capsys.readouterr().out


def test_plot_uses_matplotlib_when_present(common, tmp_path, monkeypatch):
    saved, calls = [], []
    ax = SimpleNamespace(plot=lambda *a, **k: calls.append(a), set=lambda **k: calls.append(k),
                         legend=lambda: None, xaxis=SimpleNamespace(set_major_locator=calls.append))
    fig = SimpleNamespace(tight_layout=lambda: None, savefig=lambda path, dpi: saved.append(path))
    plt = SimpleNamespace(subplots=lambda figsize: (fig, ax), close=lambda f: None,
                          MaxNLocator=lambda integer: f"integer ticks: {integer}")
    monkeypatch.setattr(common, "_pyplot", lambda: plt)
    path = common.plot({"a": [1, 2], "b": [2, 1]}, tmp_path / "c.png", "T", logy=True)
    assert path == tmp_path / "c.png" and saved == [path]
    assert calls[-2]["yscale"] == "log" and calls[-1] == "integer ticks: True" and len(calls) == 4
