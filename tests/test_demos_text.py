"""The text demos: the stdlib text loader, autocomplete (character LSTM) and truncated_bptt.

Oracles: hand-counted baselines, an LSTM forward written here in plain numpy from the state_dict
(for the perplexity and for every completion's probability), the corpus' own words (the best-first
search must not miss a more probable one), and tracemalloc for memory.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import load_demo, run_quick

LN2 = math.log(2)


@pytest.fixture(scope="module")
def text_data():
    return load_demo("text_data")


@pytest.fixture(scope="module")
def corpus(text_data):
    return text_data.load()


@pytest.fixture(scope="module")
def autocomplete():
    return load_demo("autocomplete")


@pytest.fixture(scope="module")
def ac_run(autocomplete, out):
    return run_quick(autocomplete, out)


@pytest.fixture(scope="module")
def tbptt_demo():
    return load_demo("truncated_bptt")


@pytest.fixture(scope="module")
def tb_run(tbptt_demo, out):
    return run_quick(tbptt_demo, out)


# ---------------------------------------------------------------- text_data
def test_clean_keeps_prose_over_the_alphabet(text_data):
    doc = "Return the X-th item...\n    >>> f(1, 2)\n    ... more\n  3 + 4 = 7\nSee: Foo.bar(), a,, b"
    assert text_data.clean(doc) == "return the x th item. see foo.bar a, b"   # the lone "," is dropped


def test_load_is_deterministic_and_split(text_data, corpus):
    train, held = corpus
    assert (train, held) == text_data.load()
    assert set(train + held) <= set(text_data.ALPHABET)
    assert 0.05 < len(held) / (len(train) + len(held)) < 0.2
    assert "  " not in train and train.endswith(" ")


def test_encode_decode_and_streams(text_data):
    codes = text_data.encode("ab c.")
    np.testing.assert_array_equal(codes, [3, 4, 0, 5, 2])
    assert text_data.decode(codes) == "ab c."
    np.testing.assert_array_equal(text_data.streams(np.arange(10), 3), [[0, 3, 6], [1, 4, 7], [2, 5, 8]])


def test_text_data_errors(text_data):
    with pytest.raises(ValueError, match=r"encode: characters 'HX' are not in ALPHABET"):
        text_data.encode("Hi X")
    with pytest.raises(ValueError, match=r"streams: 5 characters cannot fill 3 streams of length >= 2"):
        text_data.streams(np.arange(5), 3)
    with pytest.raises(FileNotFoundError, match=r"docstrings: no source file for standard-library module 'nope_x'"):
        text_data.docstrings("nope_x")
    with pytest.raises(FileNotFoundError, match=r"load: none of the modules \['nope_x'\] has a source file"):
        text_data.load(["nope_x"])


# ---------------------------------------------------------------- autocomplete
def numpy_lstm(model):
    """The model's next-character log-probabilities, recomputed in numpy from its state_dict."""
    w = model.state_dict()
    H = w["cell.weight_hh"].shape[1]
    sigmoid = lambda a: 1 / (1 + np.exp(-a))                  # noqa: E731

    def log_probs(text: str) -> list:
        """log P(next | text[:i+1]) for every i, from a zero state."""
        h, c, rows = np.zeros(H), np.zeros(H), []
        for ch in text:
            a = (w["cell.weight_ih"] @ w["embed.weight"][" ,.abcdefghijklmnopqrstuvwxyz".index(ch)]
                 + w["cell.bias_ih"] + w["cell.weight_hh"] @ h + w["cell.bias_hh"])
            i, f, g, o = sigmoid(a[:H]), sigmoid(a[H:2 * H]), np.tanh(a[2 * H:3 * H]), sigmoid(a[3 * H:])
            c = f * c + i * g
            h = o * np.tanh(c)
            z = w["head.weight"] @ h + w["head.bias"]
            rows.append(z - np.logaddexp.reduce(z))
        return rows
    return log_probs


def word_probability(log_probs, prefix: str, word: str) -> float:
    """P(word | " " + prefix): the chain rule over the letters after the prefix, times P(word end)."""
    alphabet = " ,.abcdefghijklmnopqrstuvwxyz"
    rows = log_probs(" " + word)
    logp = sum(rows[len(prefix) + j][alphabet.index(ch)] for j, ch in enumerate(word[len(prefix):]))
    return math.exp(logp + np.logaddexp.reduce(rows[-1][:3]))


def test_autocomplete_beats_the_unigram_baseline(ac_run):
    assert ac_run["perplexity"] < 0.8 * ac_run["unigram"]     # stated margin: 20% below unigram
    assert ac_run["unigram"] < 29                             # the baseline itself beats uniform guessing
    curve = ac_run["curve"]
    assert np.mean(curve[-5:]) < curve[0] - 0.5               # training lowered the loss (nats per char)


def test_perplexity_matches_a_numpy_lstm(autocomplete, ac_run, text_data):
    model = ac_run["model"]
    text = "the default value is returned. "
    rows = numpy_lstm(model)(text[:-1])
    nll = -np.mean([row[text_data.ALPHABET.index(ch)] for row, ch in zip(rows, text[1:])])
    assert autocomplete.perplexity(model, text_data.encode(text), batch=1) == pytest.approx(math.exp(nll), rel=1e-10)


def test_baselines_by_hand(autocomplete, text_data):
    base = autocomplete.baseline_perplexities(text_data.encode("aab"), text_data.encode("ab"), batch=1)
    assert base["unigram"] == pytest.approx(32 / 2)           # add-one: P(b) = (1 + 1) / (3 + 29)
    assert base["bigram"] == pytest.approx(31 / 2)            # P(b | a) = (1 + 1) / (2 + 29)


def test_lower_temperature_samples_are_more_likely(ac_run):
    cold, hot = ac_run["samples"][0.5], ac_run["samples"][1.0]
    assert cold["perplexity"] < 0.8 * hot["perplexity"]
    assert cold["real"] > hot["real"]


def test_completions_are_exact_and_best_first(ac_run, corpus):
    log_probs = numpy_lstm(ac_run["model"])
    words_in_text = set(corpus[0].replace(",", " ").replace(".", " ").split())
    checked = 0
    for prefix, found in ac_run["completions"].items():
        words, probs = [w for w, _ in found], [p for _, p in found]
        assert len(found) == 5 and all(w.startswith(prefix) for w in words)
        assert probs == sorted(probs, reverse=True) and sum(probs) <= 1
        for word, p in found:
            assert p == pytest.approx(word_probability(log_probs, prefix, word), rel=1e-9)
        rivals = {w for w in words_in_text if w.startswith(prefix) and len(w) < len(prefix) + 24} - set(words)
        assert all(word_probability(log_probs, prefix, w) <= probs[-1] * (1 + 1e-9) for w in rivals)
        checked += len(rivals)
    assert checked > 100                                      # the corpus offers many rivals to beat


def test_complete_errors(autocomplete, ac_run):
    with pytest.raises(ValueError, match=r"complete: prefix must be a non-empty part of one word, got 'a b'"):
        autocomplete.complete(ac_run["model"], "a b")
    with pytest.raises(ValueError, match=r"encode: characters 'D' are not in ALPHABET"):
        autocomplete.complete(ac_run["model"], "Deep")


# ---------------------------------------------------------------- truncated_bptt
def test_tbptt_kept_graph_is_k2_steps(tb_run):
    kept = {k: run["kept"] for k, run in tb_run["runs"].items()}
    per_step = kept[2] / 2
    assert per_step == int(per_step) and kept[8] == 8 * per_step
    T = tb_run["length"]
    assert kept["full"] == T * per_step                       # full BPTT keeps every step of the sequence
    assert tb_run["runs"]["full"]["updates"] == 1 and tb_run["runs"][8]["updates"] == T // 2


def test_tbptt_losses(tb_run):
    short, long = tb_run["runs"][2], tb_run["runs"][8]
    curve = np.array(long["curve"])
    quarter = len(curve) // 4
    assert curve[-quarter:].mean() < curve[:quarter].mean() - 0.05     # the loss decreases
    assert long["loss"] < LN2 - 0.1                                     # k2 = 8 > delay 4 learns
    assert abs(short["loss"] - LN2) < 0.02                               # k2 = 2 cannot: chance


def test_tbptt_peak_memory(tb_run, tbptt_demo):
    memory = tb_run["memory"]
    assert memory["k2"][8] > 2 * memory["k2"][2]                        # grows with k2
    assert memory["length"][48] < 1.15 * memory["length"][24]            # not with T
    assert memory["full"][48] > 1.8 * memory["full"][24]                 # full BPTT grows with T
    assert tbptt_demo.peak_memory(2, 4, 96) < 1.15 * tbptt_demo.peak_memory(2, 4, 24)


def test_tbptt_draws_one_window(tb_run, out):
    svg = (out / "truncated_bptt_window.svg").read_text()
    assert tb_run["picture"].endswith("truncated_bptt_window.svg")
    assert all(f"t = {t}" in svg for t in (5, 6, 7, 8)) and "t = 4" not in svg


def test_tbptt_without_dot_finishes_and_says_what_it_skipped(tbptt_demo, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", "")                                       # no `dot` anywhere
    monkeypatch.setattr(tbptt_demo, "train", lambda k1, k2, data, test, seed: {
        "curve": [LN2] * 20, "loss": LN2, "wall": 0.0, "cpu": 0.0, "updates": 1, "kept": k2})
    monkeypatch.setattr(tbptt_demo, "peak_memory", lambda k1, k2, length, seed=0: 1000 * k2 + length)
    result = tbptt_demo.main(["--quick", "--out", str(tmp_path)])       # the cheap parts are faked
    printed = capsys.readouterr().out
    assert result["picture"] is None
    window = printed[printed.index("3. One window"):].splitlines()
    assert window[1].startswith("skipped") and "truncated_bptt_window.svg" in window[1] and "dot" in window[1]
    assert (tmp_path / "truncated_bptt_window.gv").read_text().startswith("digraph")
    assert not (tmp_path / "truncated_bptt_window.svg").exists()
