"""The agreement demo: its grammar's labels, its model's handling of padding, and its --quick claim.

Oracles: the verb number read back off the generated words (the subject is word 2; each phrase is
preposition, 'the', noun), counts of the drawn attractors, and unpadded one-sentence runs.
"""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_rnn as tr
from helpers import load_demo, run_quick


@pytest.fixture(scope="module")
def demo():
    return load_demo("agreement")


@pytest.fixture(scope="module")
def quick(demo, out):
    return run_quick(demo, out)


def words_of(demo, ids, lengths):
    return [[demo.WORDS[i] for i in row[:n]] for row, n in zip(ids, lengths)]


def plural(noun: str) -> int:
    return int(noun.endswith("s"))


@pytest.mark.parametrize("condition", ["natural", "same", "other"])
def test_agreement_labels_follow_the_subject_not_the_attractors(demo, condition):
    ids, lengths, labels = demo.batch(np.random.default_rng(4), 300, 10, condition)
    agree = []
    for words, label in zip(words_of(demo, ids, lengths), labels):
        assert words[0] == "the" and (len(words) - 2) % 3 == 0
        assert label == plural(words[1])                         # the verb agrees with the subject
        phrases = [words[i:i + 3] for i in range(2, len(words), 3)]
        for preposition, the, noun in phrases:
            assert preposition in demo.PREPOSITIONS and the == "the" and noun.rstrip("s") in demo.NOUNS
            agree.append(plural(noun) == label)
    if condition == "same":
        assert all(agree)
    elif condition == "other":
        assert not any(agree)
    else:
        assert 0.9 < np.mean(agree) < 0.99                       # P_SAME = 0.95
    padding = lengths[:, None] <= np.arange(ids.shape[1])
    assert (ids[np.arange(300), lengths - 1] != 0).all() and (ids[padding] == 0).all()


def test_agreement_training_sentences_have_few_attractors(demo):
    _, lengths, _ = demo.batch(np.random.default_rng(5), 2000, 10)
    k = (lengths - 2) // 3
    counts = np.bincount(k, minlength=11)
    assert k.max() <= 10 and counts[0] > counts[1] > counts[3] > counts[6]
    assert abs(counts[1] / counts[0] - demo.SHORTER) < 0.1
    _, fixed, _ = demo.batch(np.random.default_rng(5), 20, 10, "other", k=7)
    assert (fixed == 2 + 3 * 7).all()


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
def test_agreement_model_reads_each_sentence_up_to_its_own_end(demo, cell):
    tr.manual_seed(2)
    model = demo.NumberPredictor(cell, embed=4, hidden=5)
    ids, lengths, _ = demo.batch(np.random.default_rng(6), 5, 4)
    logits = model(ids, lengths).data
    assert logits.shape == (5, 2)
    for row, n in enumerate(lengths):
        np.testing.assert_allclose(logits[row], model(ids[row:row + 1, :n], np.array([n])).data[0], atol=1e-12)


def test_agreement_quick_run_rnn_follows_the_nearest_noun_far_from_the_subject(quick, out):
    acc, max_k = quick["accuracy"], quick["max_k"]
    assert set(acc) == {"RNN", "LSTM", "GRU"} and acc["RNN"].shape == (3, 2, max_k + 1)
    for cell, a in acc.items():
        assert (a[:, :, 0] >= 0.95).all(), cell                  # no attractor: every cell is right
        assert (a[:, 0, -1] >= 0.9).all(), cell                  # attractors of the subject's number: too
    rnn_far, lstm_far = acc["RNN"][:, 1, -1], acc["LSTM"][:, 1, -1]
    assert rnn_far.mean() < 0.6 and (rnn_far < acc["RNN"][:, 1, 0] - 0.2).all()
    assert lstm_far.mean() > rnn_far.mean() + 0.3
    assert len(quick["verdicts"]) == 3
    for cell, line in quick["verdicts"].items():
        assert line.startswith("CLAIM 'RNNs learn sequential recency more easily than syntactic recency': " + cell)
        assert " over 3 seeds -> " in line
    assert "-> holds from k=" in quick["verdicts"]["RNN"]
    assert list(out.glob("agreement.*"))
