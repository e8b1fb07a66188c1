"""The task demos (sentiment, pos_tagging, seq2seq, captioning): each --quick run must prove its claim.

Oracles: running sums, question labels, tag sets and pixel masks recomputed here by hand; weight
counts from the GRU's formula; the model's own forward pass for the per-word score decomposition;
unbatched runs for the padded (lengths=) batches; and chance levels / baselines recomputed from the data.
"""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_rnn as tr
from helpers import load_demo, run_quick


def quick_run(name: str, out):
    demo = load_demo(name)
    return demo, run_quick(demo, out)


@pytest.fixture(scope="module")
def sentiment(out):
    return quick_run("sentiment", out)


@pytest.fixture(scope="module")
def pos(out):
    return quick_run("pos_tagging", out)


@pytest.fixture(scope="module")
def seq2seq(out):
    return quick_run("seq2seq", out)


@pytest.fixture(scope="module")
def captioning(out):
    return quick_run("captioning", out)


# ---------------------------------------------------------------- sentiment
def test_sentiment_flips_share_their_left_context():
    demo = load_demo("sentiment")
    reviews = demo.make_reviews(np.random.default_rng(3), 300)
    flips = [r for r in reviews if r[2]]
    assert 40 < len(flips) < 150 and len({r[0] for r in reviews}) == 300
    for text, label, plain in flips:
        words, plain_words = text.split(), plain.split()
        assert label == 1 and words != plain_words
        assert words[:4] == plain_words[:4]                  # same word 3, same left context
        assert words[3] in demo.SHADY + ("not",) + demo.ODD


def test_sentiment_word_scores_add_up_to_the_logit_and_respect_lengths():
    demo = load_demo("sentiment")
    tr.manual_seed(0)
    model = demo.MeanPoolClassifier(12, 4, 3, bidirectional=True)
    texts = ["a b c", "d e f g h i", "j"]
    vocab = {w: i + 1 for i, w in enumerate("abcdefghij")}
    ids, lengths = demo.encode(texts, vocab)
    scores = model.word_scores(ids, lengths)
    logits = model(ids, lengths).data
    b = model.out.bias.data
    for row, n in enumerate(lengths):
        assert abs(scores[row, :n].mean() + b[1] - b[0] - (logits[row, 1] - logits[row, 0])) < 1e-12
        alone = model.word_scores(*demo.encode([texts[row]], vocab))   # no padding at all
        np.testing.assert_allclose(scores[row, :n], alone[0], atol=1e-12)


def test_sentiment_questions_are_labelled_by_the_aspect_asked():
    demo = load_demo("sentiment")
    reviews = demo.all_questions()
    assert len(reviews) == len(set(reviews)) == 120 * 32 * 5        # orders x verdicts x questions
    for text, label in reviews[::97]:
        body, asked = text.split(" ? ")
        words = body.split()
        verdicts, aspects = words[0::2], words[1::2]
        assert sorted(aspects) == sorted(demo.ASPECTS) and set(verdicts) <= {"good", "bad"}
        assert label == (verdicts[aspects.index(asked)] == "good")   # decided left of the question
    assert abs(np.mean([label for _, label in reviews]) - 0.5) < 1e-12


@pytest.mark.parametrize("kind", ["MeanPoolClassifier", "LastStateClassifier"])
def test_sentiment_one_way_and_two_way_have_matched_weights(kind):
    demo = load_demo("sentiment")
    cls = getattr(demo, kind)
    sizes = demo.matched_sizes(cls, 30, 8, 8)

    def by_hand(h, directions):               # embedding + GRU (3H(I + H) + 6H per direction) + linear
        return 30 * 8 + directions * (3 * h * (8 + h) + 6 * h) + (directions * h + 1) * 2
    one, two = (tr.nn.count_parameters(cls(30, 8, sizes[n], n == "two-way")) for n in ("one-way", "two-way"))
    assert (one, two) == (by_hand(sizes["one-way"], 1), by_hand(8, 2))
    assert abs(one / two - 1) < 0.05
    assert abs(by_hand(sizes["one-way"] + 1, 1) / two - 1) >= abs(one / two - 1)      # the closest size


def test_sentiment_last_state_reads_each_direction_at_its_own_end():
    demo = load_demo("sentiment")
    tr.manual_seed(1)
    model = demo.LastStateClassifier(12, 4, 3, bidirectional=True)
    ids, lengths = demo.encode(["a b c", "d e f g h"], {w: i + 1 for i, w in enumerate("abcdefgh")})
    logits = model(ids, lengths).data
    for row, n in enumerate(lengths):
        output = model.rnn(model.embed(ids[row:row + 1, :n]))[0].data[0]         # (T, 2H), no padding
        code = np.concatenate([output[-1, :3], output[0, 3:]])                   # ->h_T, <-h_1
        np.testing.assert_allclose(logits[row], model.out.weight.data @ code + model.out.bias.data, atol=1e-12)


def test_sentiment_quick_run_prints_verdicts_and_only_two_way_reads_the_right_context(sentiment, out):
    _, r = sentiment
    assert set(r["verdicts"]) == {"questions", "flip reviews", "word level"}
    for line in r["verdicts"].values():
        assert line.startswith("CLAIM '") and " over 3 seeds -> " in line
    assert "bidirectionality is powerful" in r["verdicts"]["questions"]
    assert abs(r["weights"]["one-way"] / r["weights"]["two-way"] - 1) < 0.05
    assert r["curves"]["one-way"].shape == r["curves"]["two-way"].shape == (3, 2)
    flips = r["flips"]
    assert (flips["one-way", "flipped_word_change"] < 1e-12).all()    # identical states: what the notes say
    assert (flips["one-way", "flipped_word_accuracy"] == 0).all()
    assert (flips["two-way", "flipped_word_change"] > 1.0).all()
    assert flips["two-way", "flipped_word_accuracy"].mean() >= 0.65   # the flipped word itself leans right
    assert (flips["one-way", "accuracy"] > 0.75).all() and (flips["two-way", "accuracy"] > 0.75).all()
    assert r["verdicts"]["word level"].endswith("-> holds")
    assert list(out.glob("sentiment.*"))


# ---------------------------------------------------------------- pos_tagging
TAG_SETS = {"book": {"NOUN", "VERB"}, "run": {"NOUN", "VERB"}, "watch": {"NOUN", "VERB"},
            "fly": {"NOUN", "VERB"}, "plant": {"NOUN", "VERB"}, "light": {"ADJ", "NOUN", "VERB"},
            "can": {"AUX", "NOUN"}, "saw": {"NOUN", "VERB"}, "that": {"DET", "PRON"}}


def test_pos_grammar_tags_the_ambiguous_words_every_way():
    demo = load_demo("pos_tagging")
    corpus = demo.make_corpus(np.random.default_rng(1), 400)
    tags = {}
    for sentence in corpus:
        for word, tag in sentence:
            tags.setdefault(word, set()).add(tag)
    assert {w: t for w, t in tags.items() if len(t) > 1} == TAG_SETS
    assert tags["the"] == {"DET"} and tags["we"] == {"PRON"} and tags["took"] == {"VERB"}


def test_pos_tagger_beats_both_baselines(pos):
    _, r = pos
    assert r["accuracy"] >= r["majority_accuracy"] + 0.5     # about 0.98 against 0.25
    assert r["accuracy"] >= r["unigram_accuracy"] + 0.05     # context matters
    assert r["ambiguous_accuracy"] >= r["ambiguous_unigram_accuracy"] + 0.2
    counts = r["tag_counts"]
    weighted = sum(r["per_tag"][t] * n for t, n in counts.items()) / sum(counts.values())
    assert abs(weighted - r["accuracy"]) < 1e-12             # the table adds up to the total
    assert abs(r["majority_accuracy"] - max(counts.values()) / sum(counts.values())) < 1e-12
    for (word, tag) in r["per_word"]:
        assert tag in TAG_SETS[word]


# ---------------------------------------------------------------- seq2seq
def test_running_sums_add_up_mod_5():
    demo = load_demo("seq2seq")
    x, y = demo.running_sums(np.random.default_rng(0), 6, 9)
    assert x.shape == y.shape == (9, 6) and x.min() >= 0 and x.max() <= 4
    for b in range(6):
        total = 0
        for t in range(9):
            total = (total + int(x[t, b])) % 5
            assert y[t, b] == total


def test_seq2seq_own_guesses_fed_as_truth_reproduce_free_running():
    demo = load_demo("seq2seq")
    tr.manual_seed(3)
    model = demo.Summer(4, 6)
    x, y = demo.running_sums(np.random.default_rng(1), 7, 12)
    free = model.free_running(x)                                 # (12, 7), each guess fed back
    assert free.shape == (12, 7)
    np.testing.assert_array_equal(model.teacher_fed(x, free), free)
    fed = model.teacher_fed(x, y)
    np.testing.assert_array_equal(fed[0], free[0])               # the first step sees START either way


def test_seq2seq_teacher_forcing_is_faster_only_on_long_outputs(seq2seq, out):
    _, r = seq2seq
    assert r["lengths"] == (3, 20)
    steps, slowdown = r["steps"], r["slowdown"]
    assert steps[1.0].shape == (3, 2) and (steps[1.0] < r["budget"]).all()
    assert (slowdown[:, 1] >= 2).all()                           # length 20: free running 3-4 times slower
    assert slowdown[:, 1].mean() > slowdown[:, 0].mean() + 1
    assert r["verdicts"][20].endswith("over 3 seeds -> holds")
    assert r["verdicts"][3].startswith("CLAIM 'With teacher forcing the model will be trained faster'")
    fed, own = r["exposure"][:, 0], r["exposure"][:, 1]          # (seeds, positions)
    assert (fed.mean(axis=1) >= 0.9).all()
    assert (own[:, -1] < fed[:, -1] - 0.2).all() and (own[:, 0] == fed[:, 0]).all()
    assert list(out.glob("seq2seq.*")) and list(out.glob("seq2seq_exposure.*"))


# ---------------------------------------------------------------- captioning
def test_caption_paint_puts_each_shape_in_its_place():
    demo = load_demo("captioning")
    image = demo.paint(("red", "triangle"), ("blue", "circle"), False, np.random.default_rng(0), noise=0.0)
    lit = image.max(axis=2) > 0
    triangle = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]], bool)
    circle = np.array([[0, 1, 1, 0], [1, 0, 0, 1], [1, 0, 0, 1], [0, 1, 1, 0]], bool)
    np.testing.assert_array_equal(lit[4:, :4], triangle)     # left thing, below
    np.testing.assert_array_equal(lit[:4, 4:], circle)       # right thing, above
    assert not lit[:4, :4].any() and not lit[4:, 4:].any()
    assert (image[4:, :4][triangle][:, 1:] == 0).all() and (image[:4, 4:][circle][:, :2] == 0).all()
    assert demo.caption(("red", "triangle"), ("blue", "circle"), False) == \
        "a red triangle below a blue circle".split()


def test_captioning_beats_the_image_blind_captioner(captioning, out):
    _, r = captioning
    blind, h0, both = r["image-blind"]["unseen"], r["h0 from image"]["unseen"], r["h0, c0 from image"]["unseen"]
    assert both["exact_match"] >= 0.5 and blind["exact_match"] <= 0.05
    assert both["word_accuracy"] >= blind["word_accuracy"] + 0.3
    assert h0["word_accuracy"] > blind["word_accuracy"]
    assert both["exact_match"] >= h0["exact_match"] + 0.4    # c_0 from the image learns far faster
    assert list(out.glob("captioning.*"))
