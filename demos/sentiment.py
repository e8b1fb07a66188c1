"""Bidirectional RNNs: when does reading the input from both ends pay off?

The notes ("Bidirectional RNNs"): a left-to-right RNN's state at a word has read only its left
context; a second RNN run from the end adds the right one, h_t = [->h_t; <-h_t] with
->h_t = GRU_FW(->h_{t-1}, x_t) and <-h_t = GRU_BW(<-h_{t+1}, x_t); and "if you do have the entire input
sequence, bidirectionality is powerful". Each pair below is a one-way and a two-way GRU with the same
number of weights (within a few per cent), the same seed and the same minibatches.

1. Questions: five aspects get a verdict each, then the one that counts is named, as in
   "good acting bad ending good plot good script bad music ? music" (negative). The decisive words
   only matter because of the question on their right. Left to right, all five verdicts must be
   kept until the end; from the end, the question comes first and one verdict is picked out. The
   review's code is each direction's last state [->h_T; <-h_1].
2. Flip reviews (the notes' "the movie was terribly exciting"): the right context turns a
   negative-looking word positive ("terribly exciting", "not bad at all", "acted terribly well",
   "weird in a good way"), next to reviews where it does not ("terribly boring"). The code is the
   mean of the words' states, so the positive-minus-negative logit is mean_t s_t + b_pos - b_neg
   with a score per word, s_t = (w_pos - w_neg) . h_t: the word's reading in its context.

What it finds, over seeds: on the questions the two-way GRU beats the one-way GRU of equal size on
every seed, by about 0.15 of held-out accuracy. On the flip reviews both get every held-out review
right (the right context is a word or two away, and the one-way state catches up by the end), so at
sentence level the claim does not show; at word level it does: the one-way state of a flipped word is
exactly the same whatever follows, while the two-way state already leans the review's way.
"""
from __future__ import annotations

import functools
import itertools
from typing import Sequence

import numpy as np

import _claims
import _common
import tinygrad_rnn as tr
from tinygrad_rnn.nn.functional import cross_entropy

# ---------------------------------------------------------------- the data: flip reviews (word level)
SUBJECTS = ("the movie", "the film", "the plot", "the cast", "the ending", "the script", "the music", "the show")
LINKS = ("was", "felt", "seemed")
GOOD = ("exciting", "moving", "clever", "funny", "gripping", "charming", "fresh", "brilliant")
BAD = ("boring", "dull", "clumsy", "bland", "tedious", "silly", "flat", "predictable")
BOOSTERS = ("really", "very", "truly", "quite")
SHADY = ("terribly", "awfully", "insanely", "ridiculously")      # negative-looking intensifiers
ODD = ("weird", "strange", "slow", "dark")
DEEDS = ("acted", "ended", "played", "sang")
TAILS = ("", "", "", "overall", "if you ask me", "from start to finish", "to be honest")
FLIPPED_AT = 3                   # the flipped word's position: two subject words, then the link or deed


def make_review(rng: np.random.Generator) -> tuple[str, int, str]:
    """One review: (text, label 1 positive / 0 negative, counterpart). When the right context flips
    the review's word FLIPPED_AT, the counterpart is the same review with the right context that keeps
    that word negative ("terribly exciting" -> "terribly boring"); otherwise it is ""."""
    subject, link, tail = rng.choice(SUBJECTS), rng.choice(LINKS), rng.choice(TAILS)
    good, bad, booster = rng.choice(GOOD), rng.choice(BAD), rng.choice(BOOSTERS)
    shady, odd, deed = rng.choice(SHADY), rng.choice(ODD), rng.choice(DEEDS)
    kind, label = rng.integers(6), int(rng.integers(2))
    # (positive, negative) cores; from kind 2 on, both start with the same two words, the second a
    # negative-looking word that only the positive core's right context turns positive
    cores = ((f"{link} {good}", f"{link} {bad}"),
             (f"{link} {booster} {good}", f"{link} {booster} {bad}"),
             (f"{link} {shady} {good}", f"{link} {shady} {bad}"),
             (f"{link} not {bad} at all", f"{link} not {good}"),
             (f"{deed} {shady} well", f"{deed} {shady}"),
             (f"{link} {odd} in a good way", f"{link} {odd} in a bad way"))[kind]
    text, plain = (f"{subject} {core} {tail}".strip() for core in cores)
    if kind >= 2 and label:
        return text, 1, plain
    return (text if label else plain), label, ""


def make_reviews(rng: np.random.Generator, n: int) -> list:
    """n distinct reviews."""
    reviews, seen = [], set()
    while len(reviews) < n:
        review = make_review(rng)
        if review[0] not in seen:
            seen.add(review[0])
            reviews.append(review)
    return reviews


def encode(texts: Sequence[str], vocab: dict) -> tuple[np.ndarray, np.ndarray]:
    """Word ids padded with 0 to the longest text, (B, T), and the true lengths (B,)."""
    words = [text.split() for text in texts]
    lengths = np.array([len(w) for w in words])
    ids = np.zeros((len(words), lengths.max()), dtype=np.int64)
    for b, w in enumerate(words):
        ids[b, :len(w)] = [vocab[token] for token in w]
    return ids, lengths


# ---------------------------------------------------------------- the data: questions
ASPECTS = ("acting", "plot", "ending", "music", "script")


@functools.lru_cache(maxsize=None)
def all_questions() -> tuple:
    """Every question review, (text, label): the aspects in any order, each 'good' or 'bad', then '?'
    and the aspect asked about; the label is that aspect's verdict (1 good)."""
    reviews = []
    for order in itertools.permutations(ASPECTS):
        for verdicts in itertools.product(("bad", "good"), repeat=len(ASPECTS)):
            body = " ".join(f"{v} {a}" for a, v in zip(order, verdicts))
            reviews += [(f"{body} ? {asked}", int(verdict == "good")) for asked, verdict in zip(order, verdicts)]
    return tuple(reviews)


# ---------------------------------------------------------------- the models
class MeanPoolClassifier(tr.nn.Module):
    """Embedding -> GRU (one or two directions) -> mean of the words' states -> Linear(., 2)."""

    def __init__(self, vocab_size: int, embed: int, hidden: int, bidirectional: bool):
        super().__init__()
        self.embed = tr.nn.Embedding(vocab_size, embed)
        self.rnn = tr.nn.GRU(embed, hidden, batch_first=True, bidirectional=bidirectional, fused=True)  # same maths
        self.out = tr.nn.Linear(hidden * (2 if bidirectional else 1), 2)

    def states(self, ids: np.ndarray, lengths: np.ndarray) -> tr.Tensor:
        """The words' contextual representations h_t, (B, T, D*H), zero past each review's end."""
        return self.rnn(self.embed(ids), lengths=lengths)[0]

    def forward(self, ids: np.ndarray, lengths: np.ndarray) -> tr.Tensor:
        """Logits (B, 2) from the mean over each review's own words."""
        mean = self.states(ids, lengths).sum(axis=1) * (1.0 / lengths[:, None])    # (B, D*H)
        return self.out(mean)

    def word_scores(self, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """s_t = (w_pos - w_neg) . h_t, what the classifier reads in each word, (B, T); the
        positive-minus-negative logit is the mean of s_t over the review's words plus b_pos - b_neg."""
        with tr.no_grad():
            h = self.states(ids, lengths).data
        w = self.out.weight.data
        return h @ (w[1] - w[0])


class LastStateClassifier(MeanPoolClassifier):
    """The same layers, reading the last state of each direction, [->h_T; <-h_1], instead of the mean."""

    def forward(self, ids: np.ndarray, lengths: np.ndarray) -> tr.Tensor:
        """Logits (B, 2) from h_n, each direction's state at the end of its own pass."""
        h_n = self.rnn(self.embed(ids), lengths=lengths)[1]                        # (D, B, H)
        return self.out(tr.concatenate([h_n[d] for d in range(h_n.shape[0])], axis=1))


def matched_sizes(kind, vocab_size: int, embed: int, hidden: int) -> dict:
    """{'one-way': H1, 'two-way': hidden}: H1 is the one-way hidden size whose weight count is closest
    to the two-way model's (a GRU layer has 3H(I + H) + 6H weights per direction)."""
    target = tr.nn.count_parameters(kind(vocab_size, embed, hidden, True))
    one_way = min(range(hidden, 3 * hidden), key=lambda h: abs(tr.nn.count_parameters(kind(vocab_size, embed, h, False)) - target))
    return {"one-way": one_way, "two-way": hidden}


def train(model: MeanPoolClassifier, ids: np.ndarray, lengths: np.ndarray, labels: np.ndarray,
          steps: int, rng: np.random.Generator, check=None, every: int = 0) -> list:
    """Adam on the mean cross-entropy of random minibatches of 32; returns check(model) taken every
    `every` steps (none if every is 0)."""
    opt = tr.optim.Adam(model.parameters(), lr=0.02)
    checks = []
    for step in range(1, steps + 1):
        pick = rng.choice(len(labels), 32, replace=False)
        _common.descend(opt, cross_entropy(model(ids[pick], lengths[pick]), labels[pick]))
        if every and step % every == 0:
            checks.append(check(model))
    return checks


# ---------------------------------------------------------------- experiment 1: questions
@functools.lru_cache(maxsize=None)
def question_data() -> tuple:
    """all_questions() as word ids (N, T), lengths (N,) and labels (N,)."""
    reviews = all_questions()
    vocab = {w: i for i, w in enumerate(sorted({w for text, _ in reviews for w in text.split()}))}
    return (*encode([text for text, _ in reviews], vocab), np.array([label for _, label in reviews]))


def question_curve(seed: int, bidirectional: bool, sizes: dict, steps: int, every: int) -> list:
    """Held-out accuracy of one model on the question reviews every `every` steps; 500 reviews are
    held out (a new split per seed) and the rest trained on."""
    ids, lengths, labels = question_data()
    order = np.random.default_rng(seed).permutation(len(labels))
    test, fit = order[:500], order[500:]
    tr.manual_seed(seed)
    model = LastStateClassifier(ids.max() + 1, 8, sizes["two-way" if bidirectional else "one-way"], bidirectional)

    def check(m):
        with tr.no_grad():
            return float((m(ids[test], lengths[test]).data.argmax(axis=1) == labels[test]).mean())
    return train(model, ids[fit], lengths[fit], labels[fit], steps, np.random.default_rng(seed), check, every)


# ---------------------------------------------------------------- experiment 2: flip reviews
def flip_run(seed: int, n_train: int, n_test: int, steps: int) -> dict:
    """Train both mean-pooling models on one seed's flip reviews; evaluate's numbers for each."""
    reviews = make_reviews(np.random.default_rng(seed), n_train + n_test)
    vocab = {w: i + 1 for i, w in enumerate(sorted({w for r in reviews for w in f"{r[0]} {r[2]}".split()}))}
    ids, lengths = encode([r[0] for r in reviews[:n_train]], vocab)
    labels = np.array([r[1] for r in reviews[:n_train]])
    results = {}
    for name, hidden in matched_sizes(MeanPoolClassifier, len(vocab) + 1, 8, 8).items():
        tr.manual_seed(seed)                               # both models: the same weight stream ...
        model = MeanPoolClassifier(len(vocab) + 1, 8, hidden, name == "two-way")     # (0 is padding)
        train(model, ids, lengths, labels, steps, np.random.default_rng(seed))       # ... and batches
        results[name] = evaluate(model, reviews[n_train:], vocab)
    return results


# ---------------------------------------------------------------- the word-level probe
def evaluate(model: MeanPoolClassifier, reviews: list, vocab: dict) -> dict:
    """Accuracy on all reviews and on the flip cases; and, for each flip, whether the flipped word's
    own score s_t is positive there and negative in its counterpart (only if it reads its right context)."""
    ids, lengths = encode([r[0] for r in reviews], vocab)
    labels, flip = np.array([r[1] for r in reviews]), np.array([bool(r[2]) for r in reviews])
    with tr.no_grad():
        right = model(ids, lengths).data.argmax(axis=1) == labels
    pairs = [r for r in reviews if r[2]]
    s_flip = model.word_scores(*encode([r[0] for r in pairs], vocab))[:, FLIPPED_AT]
    s_plain = model.word_scores(*encode([r[2] for r in pairs], vocab))[:, FLIPPED_AT]
    return {"accuracy": float(right.mean()), "flip_accuracy": float(right[flip].mean()),
            "flipped_word_accuracy": float(((s_flip > 0) & (s_plain < 0)).mean()),
            "flipped_word_change": float(np.abs(s_flip - s_plain).max()), "n_flips": len(pairs)}


def main(argv: Sequence[str] | None = None) -> dict:
    """Both experiments over seeds; return their numbers and verdicts."""
    args = _common.parse_args(__doc__, argv)
    rng = _common.seed(args.seed)
    n_seeds, steps, every, n_train, n_test, flip_steps = \
        (3, 200, 100, 300, 200, 80) if args.quick else (5, 800, 100, 1200, 600, 300)
    seeds, claim = range(args.seed, args.seed + n_seeds), "If you do have the entire input sequence, " \
        "bidirectionality is powerful"
    vocab_size = question_data()[0].max() + 1
    sizes = matched_sizes(LastStateClassifier, vocab_size, 8, 8)
    counts = {name: tr.nn.count_parameters(LastStateClassifier(vocab_size, 8, h, name == "two-way")) for name, h in sizes.items()}
    text, label = all_questions()[1234]
    print(f"1. question reviews, e.g. {text!r} ({'+' if label else '-'}); {len(all_questions())} reviews, 500 "
          f"held out; {steps} steps\n   weights: " + ", ".join(f"{n} GRU (H={sizes[n]}) {counts[n]}" for n in sizes)
          + f" ({abs(counts['one-way'] / counts['two-way'] - 1):.1%} apart)")
    curves = {name: _claims.over_seeds(lambda s: question_curve(s, name == "two-way", sizes, steps, every), seeds)
              for name in sizes}
    one, two = curves["one-way"][:, -1], curves["two-way"][:, -1]
    verdicts = {"questions": _claims.verdict(claim, (
        f"question after the decisive words: held-out accuracy {_claims.describe(one, '.3f')} one-way, "
        f"{_claims.describe(two, '.3f')} two-way at equal weights (gain {_claims.describe(two - one, '.3f')}, "
        f"two-way ahead on {int((two > one).sum())}/{n_seeds} seeds)"), n_seeds,
        bool((two - one).mean() >= 0.05 and (two > one).all()))}

    print(f"\n2. flip reviews: {n_train} to train, {n_test} to test, {flip_steps} steps, e.g. "
          + "; ".join(f"{text!r} ({'+' if label else '-'})" for text, label, _ in make_reviews(rng, 3)))
    runs = [flip_run(s, n_train, n_test, flip_steps) for s in seeds]
    flips = {(name, key): np.array([r[name][key] for r in runs]) for name in sizes for key in runs[0][name]}
    for key, label in (("accuracy", "all reviews"), ("flip_accuracy", "flip reviews"),
                       ("flipped_word_accuracy", "flipped word leans right"),
                       ("flipped_word_change", "max |s_t flip - s_t plain|")):
        print(f"   {label:26s}" + "".join(f"   {n} {_claims.describe(flips[n, key], '.3f'):>15s}" for n in sizes))
    one, two = flips["one-way", "flip_accuracy"], flips["two-way", "flip_accuracy"]
    verdicts["flip reviews"] = _claims.verdict(claim, f"flip reviews, whole sentence: accuracy on the flip cases "
                                               f"two-way minus one-way {_claims.describe(two - one, '.3f')}", n_seeds,
                                               bool((two - one).mean() >= 0.05 and (two > one).all()))
    one, two = flips["one-way", "flipped_word_accuracy"], flips["two-way", "flipped_word_accuracy"]
    verdicts["word level"] = _claims.verdict(
        "A two-way state represents a word in its left and right context",
        f"the flipped word's own score leans the review's way in {_claims.describe(two, '.2f')} of flip pairs "
        f"two-way, {_claims.describe(one, '.2f')} one-way (whose state there is the same whatever follows)",
        n_seeds, bool((two > one).all()))

    out = _common.out_dir(args.out)
    _claims.band_plot({f"{n} GRU, H={sizes[n]}, {counts[n]} weights": c for n, c in curves.items()},
                      out / "sentiment.png", f"Question after the decisive words ({n_seeds} seeds)",
                      ylabel="held-out accuracy", x=range(every, steps + 1, every))
    return {"question_accuracy": {k: v[:, -1] for k, v in curves.items()}, "curves": curves, "sizes": sizes,
            "weights": counts, "verdicts": verdicts, "flips": flips}


if __name__ == "__main__":
    main()
