"""The task demos (sentiment, pos_tagging, seq2seq, captioning): each --quick run must prove its claim.

Oracles: spellings, tag sets and pixel masks written out here by hand; the model's own forward pass
for the per-word score decomposition; unbatched runs for the padded (lengths=) batches; and chance
levels / baselines recomputed from the data.
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
    assert not set(demo.EXAMPLES) & {r[0] for r in reviews}


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


def test_sentiment_only_the_two_way_state_reads_the_right_context(sentiment, out):
    _, r = sentiment
    assert r["one-way_flipped_word_change"] < 1e-12          # identical states: exactly what the notes say
    assert r["one-way_flipped_word_accuracy"] == 0.0
    assert r["two-way_flipped_word_change"] > 1.0
    assert r["two-way_flipped_word_accuracy"] >= 0.65        # the flipped word itself leans the right way
    assert r["one-way_accuracy"] > 0.75 and r["two-way_accuracy"] > 0.75     # chance is 0.5
    assert r["two-way_flip_accuracy"] >= 0.8
    assert list(out.glob("sentiment.*")) and (out / "sentiment_bidirectional.svg").exists()


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
@pytest.mark.parametrize("n, words", [
    (0, "zero"), (7, "seven"), (10, "ten"), (13, "thirteen"), (19, "nineteen"), (20, "twenty"),
    (40, "forty"), (58, "fifty eight"), (100, "one hundred"), (101, "one hundred one"),
    (110, "one hundred ten"), (407, "four hundred seven"), (615, "six hundred fifteen"),
    (830, "eight hundred thirty"), (999, "nine hundred ninety nine")])
def test_spell(n, words):
    assert load_demo("seq2seq").spell(n) == words.split()


def test_seq2seq_encode_pads_for_feeding_and_for_the_loss():
    demo = load_demo("seq2seq")
    x, lengths, feed, scored = demo.encode(np.array([7, 407]))
    w = demo.WORDS.index
    np.testing.assert_array_equal(x, [[7, 0, 0], [4, 0, 7]])
    np.testing.assert_array_equal(lengths, [1, 3])
    np.testing.assert_array_equal(feed[:, 0], [w("seven")] + [demo.EOS] * 4)
    np.testing.assert_array_equal(scored[:, 0], [w("seven"), demo.EOS, -1, -1, -1])
    np.testing.assert_array_equal(feed[:, 1], [w("four"), w("hundred"), w("seven"), demo.EOS, demo.EOS])
    np.testing.assert_array_equal(scored[:, 1], [w("four"), w("hundred"), w("seven"), demo.EOS, -1])


def test_seq2seq_spells_held_out_numbers_with_every_ratio(seq2seq, out):
    _, r = seq2seq
    assert set(r["accuracy"]) == {1.0, 0.5, 0.0}
    for ratio, accuracy in r["accuracy"].items():
        assert accuracy >= 0.5                               # exact match; guessing is below 1/200
        assert r["curves"][ratio][-1] == accuracy and len(r["curves"][ratio]) == 10
        assert r["curves"][ratio][0] < 0.1                   # it was learned, not there from the start
    assert list(out.glob("seq2seq.*"))


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
