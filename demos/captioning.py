"""One-to-many: captioning small synthetic images with an LSTM that starts from the image.

The notes' "Image Captioning" (single input, multiple outputs): an image feature sets the RNN going
and the RNN writes the sentence one word at a time. Here the image is an 8x8 RGB array with two
coloured shapes on a diagonal, and the caption names them left shape first: "a red square above a
blue circle" when the left shape is the upper one, "... below ..." otherwise. The model:
    h_0 = tanh(W_img vec(image) + b_img),   c_0 = 0            a linear encoder into the LSTM's state
    (h_t, c_t) = LSTMCell(embed(y_{t-1}), (h_{t-1}, c_{t-1})),  p(y_t | y_<t, image) = softmax(W h_t + b)
trained with the true previous word as input (teacher forcing, ratio 1) and run at test time by
greedy decoding, each word fed back in (tinygrad_rnn.train.sample). A second model also starts the
cell state from the image, c_0 = W_c vec(image) + b_c (as "Show, Attend and Tell" does).
Some combinations of colours and shapes are held out of training altogether, so those test captions
are sentences the model has never produced. Scored by exact match of the caption and per word,
against a captioner that ignores the image (the most frequent word at each position).

What it finds: both learn to caption, far above the image-blind captioner, but with the same
budget the model whose cell state starts from the image is far more accurate. With c_0 = 0 the
image reaches the cell only through the first step's gates, c_1 = i_1 * g_1, both squashed and
driven by the image through h_0 once; with c_0 from the image it sits in the cell from the start,
where the forget gate can carry it to every word.
"""
from __future__ import annotations

import itertools
from typing import Sequence

import numpy as np

import _common
import tinygrad_rnn as tr
from tinygrad_rnn.nn.functional import cross_entropy
from tinygrad_rnn.train import sample, teacher_forcing

# ---------------------------------------------------------------- the data
COLOURS = {"red": (1.0, 0.0, 0.0), "green": (0.0, 1.0, 0.0), "blue": (0.0, 0.0, 1.0)}
SHAPES = {"square": ("1111", "1111", "1111", "1111"),            # 4x4 masks, one string per row
          "circle": ("0110", "1001", "1001", "0110"),
          "triangle": ("1000", "1100", "1110", "1111")}
WORDS = ("<s>", "<eos>", "a", "above", "below", *COLOURS, *SHAPES)
START, EOS = 0, 1
CAPTION_WORDS = 8                                   # a C S above/below a C S <eos>


def paint(left: tuple, right: tuple, left_on_top: bool, rng: np.random.Generator, noise: float) -> np.ndarray:
    """An (8, 8, 3) image of two (colour, shape) things: `left` in the left half, `right` in the right
    half, one in the top 4 rows and the other in the bottom 4; each shape's brightness varies, plus
    Gaussian pixel noise."""
    image = rng.normal(0.0, noise, (8, 8, 3))
    for (colour, shape), col, top in ((left, 0, left_on_top), (right, 4, not left_on_top)):
        mask = np.array([[c == "1" for c in row] for row in SHAPES[shape]], dtype=float)   # (4, 4)
        row = 0 if top else 4
        image[row:row + 4, col:col + 4] += mask[:, :, None] * np.array(COLOURS[colour]) * rng.uniform(0.6, 1.0)
    return image


def caption(left: tuple, right: tuple, left_on_top: bool) -> list:
    """The caption's words, e.g. ['a', 'red', 'square', 'above', 'a', 'blue', 'circle']."""
    return ["a", *left, "above" if left_on_top else "below", "a", *right]


def caption_ids(scenes: list) -> np.ndarray:
    """Word ids (CAPTION_WORDS, n) of the captions of n (left, right, left_on_top) scenes, ending in <eos>."""
    return np.array([[WORDS.index(w) for w in caption(*scene)] + [EOS] for scene in scenes]).T


def make_set(scenes: list, n: int, rng: np.random.Generator, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """n images drawn from `scenes`: flat images (n, 192) and their caption word ids (CAPTION_WORDS, n)."""
    picks = [scenes[i] for i in rng.integers(len(scenes), size=n)]
    return np.array([paint(*scene, rng, noise).ravel() for scene in picks]), caption_ids(picks)


# ---------------------------------------------------------------- the model
class Captioner(tr.nn.Module):
    """A linear image encoder into h_0 (and, with image_cell, into c_0) and an LSTMCell decoder."""

    def __init__(self, pixels: int, embed: int, hidden: int, image_cell: bool):
        super().__init__()
        self.encoder = tr.nn.Linear(pixels, hidden)
        self.cell_encoder = tr.nn.Linear(pixels, hidden) if image_cell else None
        self.words = tr.nn.Embedding(len(WORDS), embed)
        self.decoder = tr.nn.LSTMCell(embed, hidden)
        self.out = tr.nn.Linear(hidden, len(WORDS))

    def initial_state(self, images: np.ndarray) -> tuple:
        """h_0 = tanh(W_img image + b_img) and c_0 = W_c image + b_c (or 0), each (B, H)."""
        x = tr.Tensor(images)
        h = self.encoder(x).tanh()
        return h, (tr.Tensor(np.zeros(h.shape)) if self.cell_encoder is None else self.cell_encoder(x))

    def step(self, token, state: tuple) -> tuple:
        """One decoder step: previous word ids (B,) -> (logits (B, V), new (h, c))."""
        h, c = self.decoder(self.words(np.asarray(token)), state)
        return self.out(h), (h, c)

    def describe(self, images: np.ndarray) -> np.ndarray:
        """Greedy captions, each word fed back in: word ids (CAPTION_WORDS, B)."""
        with tr.no_grad():
            state = self.initial_state(images)
        return np.array(sample(self.step, state, np.full(len(images), START), CAPTION_WORDS, greedy=True))


def train(model: Captioner, scenes: list, steps: int, batch: int, rng: np.random.Generator,
          noise: float) -> list:
    """Adam on fresh batches of images, teacher forcing the decoder; returns the loss of every step."""
    opt = tr.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    with _common.Progress(steps) as progress:
        for step in range(1, steps + 1):
            images, words = make_set(scenes, batch, rng, noise)
            logits, _ = teacher_forcing(model.step, model.initial_state(images), words, np.full(batch, START))
            loss = cross_entropy(logits.reshape(-1, len(WORDS)), words.reshape(-1))
            losses.append(_common.descend(opt, loss))
            progress.update(step, losses[-1])
    return losses


# ---------------------------------------------------------------- the result
def as_letters(image: np.ndarray) -> list:
    """The image as 8 strings: R, G or B for the strongest channel of a bright pixel, '.' elsewhere."""
    image = image.reshape(8, 8, 3)
    return ["".join("RGB"[px.argmax()] if px.max() > 0.3 else "." for px in row) for row in image]


def words_of(ids: np.ndarray) -> str:
    """Word ids up to the first <eos>, as text."""
    ids = list(ids)
    return " ".join(WORDS[i] for i in ids[:ids.index(EOS) if EOS in ids else None])


def score(generated: np.ndarray, truth: np.ndarray) -> dict:
    """Exact match of whole captions and accuracy per word and per slot; ids (CAPTION_WORDS, B)."""
    right = generated[:-1] == truth[:-1]                   # the 7 words (<eos> is always last)
    return {"exact_match": float((generated == truth).all(axis=0).mean()), "word_accuracy": float(right.mean()),
            "slots": right[[1, 2, 3, 5, 6]].mean(axis=1)}


def main(argv: Sequence[str] | None = None) -> dict:
    """Train both captioners; return their scores and the image-blind captioner's on unseen scenes."""
    args = _common.parse_args(__doc__, argv)
    rng = _common.seed(args.seed)
    steps, batch, hidden, noise = (150, 32, 32, 0.1) if args.quick else (600, 32, 48, 0.1)
    things = list(itertools.product(COLOURS, SHAPES))
    scenes = [(a, b, top) for a, b in itertools.product(things, things) for top in (True, False)]
    held_out = set(rng.choice(len(scenes), len(scenes) // 5, replace=False).tolist())
    train_scenes = [s for i, s in enumerate(scenes) if i not in held_out]
    test_scenes = [s for i, s in enumerate(scenes) if i in held_out]
    print(f"{len(scenes)} scenes (two coloured shapes, left one above or below): {len(train_scenes)} to train, "
          f"{len(test_scenes)} never seen in training")
    seen, unseen = make_set(train_scenes, 300, rng, noise), make_set(test_scenes, 300, rng, noise)

    blind = np.array([np.bincount(row).argmax() for row in caption_ids(train_scenes)])   # (CAPTION_WORDS,)
    results = {"image-blind": {"seen": score(np.repeat(blind[:, None], 300, axis=1), seen[1]),
                               "unseen": score(np.repeat(blind[:, None], 300, axis=1), unseen[1])}}
    losses, captions = {}, {}
    for name, image_cell in (("h0 from image", False), ("h0, c0 from image", True)):
        tr.manual_seed(args.seed + 1)                      # both models: the same weight stream ...
        image_rng = np.random.default_rng(args.seed + 1)   # ... and the same training images
        model = Captioner(8 * 8 * 3, 16, hidden, image_cell)
        print(f"\n{name}: training on fresh noisy images of the training scenes "
              f"({sum(p.data.size for p in model.parameters())} weights)")
        losses[name] = train(model, train_scenes, steps, batch, image_rng, noise)
        captions[name] = model.describe(unseen[0])
        results[name] = {"seen": score(model.describe(seen[0]), seen[1]), "unseen": score(captions[name], unseen[1])}

    print("\nnew images (300 each)   exact match: seen scenes  unseen scenes   per word: unseen   "
          "per slot (unseen): colour shape relation colour shape")
    for name, r in results.items():
        print(f"  {name:20s} {r['seen']['exact_match']:12.3f} {r['unseen']['exact_match']:14.3f} "
              f"{r['unseen']['word_accuracy']:18.3f}   " + " ".join(f"{v:6.2f}" for v in r["unseen"]["slots"]))
    print(f"  (the image-blind captioner always says: {words_of(blind)})")
    print("\nsome images of unseen scenes (R, G, B: the brightest channel of a bright pixel)")
    for b in range(3):
        print("  " + "\n  ".join(as_letters(unseen[0][b])))
        print(f"  truth: {words_of(unseen[1][:, b])}\n" +
              "".join(f"  {name}: {words_of(c[:, b])}\n" for name, c in captions.items()))
    _common.plot(losses, _common.out_dir(args.out) / "captioning.png",
                 "Captioning: LSTM decoder started from a linear image encoder", ylabel="cross-entropy", logy=True)
    return {**results, "losses": losses}


if __name__ == "__main__":
    main()
