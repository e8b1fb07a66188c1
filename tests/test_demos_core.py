"""The first two demos: each --quick run must prove its claim (demos/_common.py: test_demos_common.py).

Oracles: the numbers printed in the notes, plain-numpy recomputations written here, a loop over all
tag paths written here, and central differences (tr.gradcheck) for the hand-derived BPTT sums.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import tinygrad_rnn as tr
from helpers import load_demo, run_quick

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
