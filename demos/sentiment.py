"""Many-to-one sentiment: a bidirectional RNN sees the right context that flips a word's meaning.

The notes ("Bidirectional RNNs: motivation"): in "the movie was terribly exciting" the hidden state at
"terribly" is that word's representation in context, but a left-to-right RNN gives it only the left
context ("the movie was"); "exciting", on the right, turns "terribly" from negative to positive. A
bidirectional RNN runs a second RNN from the end and concatenates the two states:
    ->h_t = GRU_FW(->h_{t-1}, x_t),   <-h_t = GRU_BW(<-h_{t+1}, x_t),   h_t = [->h_t; <-h_t]
and the sentence encoding is the element-wise mean of the words' contextual
states, read by a linear layer:  logits = W mean_t(h_t) + b.  So the positive-minus-negative logit
is mean_t s_t + b_pos - b_neg with one score per word, s_t = (w_pos - w_neg) . h_t: we can read what
the classifier makes of each word in its context.

The data: reviews generated from word lists written for this project, with cases where the right
context flips a negative-looking word ("terribly exciting", "not bad at all", "acted terribly well",
"weird in a good way") next to cases where it does not ("terribly boring", "acted terribly").
Batches are padded and run with `lengths=`, so each sequence's reverse pass starts at its own end.
Both models get the same minibatches, the same number of steps and the same sentence-vector width
(the one-way GRU has twice the hidden size, hence more weights), so a gap comes from the direction.

What it finds: the one-way state of a flipped word is, exactly, the same in a review and in its
counterpart (it has not read the difference yet), so that word always leans the same way and the
classifier has to outvote it with the words that follow; the two-way state of the word already
leans the review's way. Whole reviews, flips included, end up classified right by both: a one-way
model's later states have read the whole left context, which is enough for sentences this short.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

import _common
import tinygrad_rnn as tr
import tinygrad_rnn.viz
from tinygrad_rnn.nn.functional import cross_entropy

# ---------------------------------------------------------------- the data
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
EXAMPLES = ("the movie was terribly exciting", "the movie was terribly boring", "the movie was not bad at all",
            "the movie was not funny", "the cast acted terribly well", "the cast acted terribly")


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
    """n distinct reviews; the examples shown at the end are kept out."""
    reviews, seen = [], set(EXAMPLES)
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


# ---------------------------------------------------------------- the model
class MeanPoolClassifier(tr.nn.Module):
    """Embedding -> GRU (one or two directions) -> mean of the words' states -> Linear(., 2)."""

    def __init__(self, vocab_size: int, embed: int, hidden: int, bidirectional: bool):
        super().__init__()
        self.embed = tr.nn.Embedding(vocab_size, embed)
        self.rnn = tr.nn.GRU(embed, hidden, batch_first=True, bidirectional=bidirectional)
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


def train(model: MeanPoolClassifier, ids: np.ndarray, lengths: np.ndarray, labels: np.ndarray,
          steps: int, batch: int, rng: np.random.Generator, name: str) -> list:
    """Adam on the mean cross-entropy of random minibatches; returns the loss of every step."""
    opt = tr.optim.Adam(model.parameters(), lr=0.02)
    losses = []
    print(f"training the {name} model")
    with _common.Progress(steps) as progress:
        for step in range(1, steps + 1):
            pick = rng.choice(len(labels), batch, replace=False)
            loss = cross_entropy(model(ids[pick], lengths[pick]), labels[pick])
            losses.append(_common.descend(opt, loss))
            progress.update(step, losses[-1])
    return losses


# ---------------------------------------------------------------- the result
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


def show_words(models: dict, vocab: dict) -> None:
    """Print each word's score s_t and the verdict for the example reviews."""
    ids, lengths = encode(EXAMPLES, vocab)
    for name, model in models.items():
        scores = model.word_scores(ids, lengths)
        with tr.no_grad():
            verdict = model(ids, lengths).data.argmax(axis=1)
        print(f"\n{name}: each word's score s_t (> 0 leans positive)")
        for b, text in enumerate(EXAMPLES):
            cells = "  ".join(f"{w} {s:+.2f}" for w, s in zip(text.split(), scores[b]))
            print(f"  {'positive' if verdict[b] else 'negative':8s}  {cells}")


def main(argv: Sequence[str] | None = None) -> dict:
    """Train a one-way and a two-way GRU classifier on the same reviews; return their test numbers."""
    args = _common.parse_args(__doc__, argv)
    rng = _common.seed(args.seed)
    n_train, n_test, steps, batch, hidden = (300, 200, 80, 32, 8) if args.quick else (1200, 600, 300, 32, 8)
    reviews = make_reviews(rng, n_train + n_test)
    train_set, test_set = reviews[:n_train], reviews[n_train:]
    words = sorted({w for text in (*(r[0] for r in reviews), *EXAMPLES) for w in text.split()})
    vocab = {w: i + 1 for i, w in enumerate(words)}                       # 0 is padding
    ids, lengths = encode([r[0] for r in train_set], vocab)
    labels = np.array([r[1] for r in train_set])
    print(f"{len(reviews)} reviews ({n_train} to train, {n_test} to test), {len(vocab)} words, "
          f"{sum(bool(r[2]) for r in test_set)} test reviews whose right context flips word {FLIPPED_AT}, e.g.")
    for text, label, plain in reviews[:6]:
        print(f"  {'+' if label else '-'} {text}" + (f"   (flips {text.split()[FLIPPED_AT]!r})" if plain else ""))

    models, losses, results = {}, {}, {}
    for name, bidirectional, size in (("one-way", False, 2 * hidden), ("two-way", True, hidden)):
        tr.manual_seed(args.seed + 1)                      # both models: the same weight stream ...
        batches = np.random.default_rng(args.seed + 1)     # ... and the same minibatches
        models[name] = MeanPoolClassifier(len(vocab) + 1, 8, size, bidirectional)
        losses[name] = train(models[name], ids, lengths, labels, steps, batch, batches, name)
        results[name] = evaluate(models[name], test_set, vocab)

    print(f"\nheld-out reviews ({results['one-way']['n_flips']} flip pairs)     one-way GRU   two-way GRU")
    for key, label in (("accuracy", "all reviews"), ("flip_accuracy", "flip cases"),
                       ("flipped_word_accuracy", "flipped word reads right"),
                       ("flipped_word_change", "max |s_t flip - s_t plain|")):
        print(f"  {label:34s} {results['one-way'][key]:10.3f}   {results['two-way'][key]:10.3f}")
    print("  weights                            " +
          "   ".join(f"{sum(p.data.size for p in m.parameters()):10d}" for m in models.values()))
    show_words(models, vocab)
    print("\nThe one-way state of the flipped word has seen only its left context, so its score is the same\n"
          "in a review and in its counterpart: the classifier must undo it with the words that follow.\n"
          "The two-way state reads the right context too, so the word itself already leans the right way.")

    out = _common.out_dir(args.out)
    _common.plot(losses, out / "sentiment.png", "Sentiment: training loss", ylabel="cross-entropy",
                 logy=True)
    example_ids, example_lengths = encode(EXAMPLES[:1], vocab)
    loss = cross_entropy(models["two-way"](example_ids, example_lengths), [1])
    try:
        print(f"drawing of the two-way model on {EXAMPLES[0]!r}: "
              f"{tinygrad_rnn.viz.render(loss, out / 'sentiment_bidirectional.svg', detail='cell')}")
    except tinygrad_rnn.viz.GraphvizNotFoundError as err:
        print(err)
    return {**{f"{name}_{key}": value for name, r in results.items() for key, value in r.items()},
            "losses": losses}


if __name__ == "__main__":
    main()
