"""Autocomplete: a character-level LSTM language model finishes the word you are typing.

The notes' motivating example (IIT Hyderabad, "Deep Learning 12: Recurrent Neural Networks"): a search
box that turns "deep|" into "deepika padukone", "deepthi sunaina", ... Successive characters are not
independent, the input has no fixed length, and the same prediction is made at every step: a sequence
learning problem. Here, in order:
1. the data: docstrings of standard-library modules (demos/text_data.py), 29 characters;
2. the model: e_t = E[x_t] (an embedding), (h_t, c_t) = LSTMCell(e_t, (h_{t-1}, c_{t-1})), o_t = W h_t + b,
   P(x_{t+1} | x_1..x_t) = softmax(o_t);
3. training: L = -sum_t log P(x_{t+1} | x_1..x_t) with truncated BPTT (tinygrad_rnn.train.tbptt, k1 = k2)
   over parallel streams of the text, Adam stepped after each window;
4. the result: held-out perplexity exp(L / T) against the unigram and bigram baselines;
5. sampling with temperature tau, P(c) proportional to exp(o_c / tau), at tau = 0.5 and 1.0;
6. completion: best-first search over characters. A completion w of the prefix p has probability
   P(w | p) = prod_i P(w_i | p, w_1..w_{i-1}) * P(word end | p, w); extending a word only lowers it,
   so popping the most probable partial word first yields complete words in exact order of probability.
"""
from __future__ import annotations

import heapq
import io
import itertools
import math
import time
from collections import Counter
from typing import Sequence

import numpy as np

import _common
import text_data
import tinygrad_rnn as tr
from tinygrad_rnn.nn.functional import cross_entropy, log_softmax
from tinygrad_rnn.train import sample, tbptt

WORD_END = " ,."                                    # the characters that finish a word
SIZES = {"quick": {"embed": 16, "hidden": 64, "batch": 16, "steps": 2400, "window": 25, "lr": 0.01},
         "full": {"embed": 16, "hidden": 128, "batch": 32, "steps": 20000, "window": 25, "lr": 0.01}}


# ---------------------------------------------------------------- the model
class CharLM(tr.nn.Module):
    """Embedding -> LSTMCell -> Linear: the logits of the next character, one step at a time."""

    def __init__(self, vocab: int, embed: int, hidden: int):
        super().__init__()
        self.embed = tr.nn.Embedding(vocab, embed)
        self.cell = tr.nn.LSTMCell(embed, hidden)
        self.head = tr.nn.Linear(hidden, vocab)

    def step(self, token, state: tuple) -> tuple:
        """(logits o_t (..., V), (h_t, c_t)) from character codes x_t (an int or (B,)) and the state."""
        h, c = self.cell(self.embed(token), state)
        return self.head(h), (h, c)

    def read(self, text: str, state: tuple | None = None) -> tuple:
        """Feed `text` one character at a time without a graph: (last logits (V,), state after it)."""
        state = self.cell.init_state() if state is None else state
        logits = None
        with tr.no_grad():
            for code in text_data.encode(text):
                logits, state = self.step(int(code), state)
        return logits, state


# ---------------------------------------------------------------- training and perplexity
def train_model(quick: bool = False, seed: int = 0, steps: int | None = None, verbose: bool = True) -> tuple:
    """Train the character model on the stdlib docstrings with TBPTT(window, window) and Adam.

    Returns (model, info): info has the training and held-out codes, the loss per character of each
    window, and the CPU seconds spent. `quick` picks the tiny sizes (about a second, for the tests);
    `steps` overrides the number of time steps (each reads one character of every stream).
    """
    size = SIZES["quick" if quick else "full"]
    _common.seed(seed)
    train_text, held_text = text_data.load()
    codes, held = text_data.encode(train_text), text_data.encode(held_text)
    model = CharLM(len(text_data.ALPHABET), size["embed"], size["hidden"])
    opt = tr.optim.Adam(model.parameters(), lr=size["lr"])
    columns = text_data.streams(codes, size["batch"])                      # (T, B)
    pairs = list(zip(columns[:-1], columns[1:]))                           # (x_t, x_{t+1}) per row
    window, total = size["window"], steps or size["steps"]
    passes = [pairs[:min(len(pairs), total - first)] for first in range(0, total, len(pairs))]
    progress = _common.Progress(sum(math.ceil(len(p) / window) for p in passes),
                                stream=None if verbose else io.StringIO())
    curve, run, at_last_window = [], 0, 0

    def step(pair, state):
        nonlocal run
        run += 1
        logits, state = model.step(pair[0], state)
        return cross_entropy(logits, pair[1]), state

    def on_window(window_loss: float) -> None:
        nonlocal at_last_window
        tr.nn.utils.clip_grad_norm_(model.parameters(), 5.0)           # a rare long-range spike stays harmless
        opt.param_groups[0]["lr"] = size["lr"] * (1 - 0.9 * run / total)        # linear decay to a tenth
        opt.step()
        opt.zero_grad()
        curve.append(window_loss / (run - at_last_window))              # mean loss per character
        at_last_window = run
        progress.update(len(curve), curve[-1])

    start = time.process_time()
    with progress:
        for todo in passes:                                                # each pass starts from zeros
            tbptt(step, todo, model.cell.init_state(size["batch"]), window, window, on_window)
    return model, {"train": codes, "held": held, "curve": curve, "cpu": time.process_time() - start}


def perplexity(model: CharLM, codes: np.ndarray, batch: int = 16) -> float:
    """exp(mean -log P(x_{t+1} | x_1..x_t)) over `codes`, read as `batch` parallel streams."""
    columns = text_data.streams(codes, batch)
    state, total = model.cell.init_state(batch), 0.0
    with tr.no_grad():
        for x, y in zip(columns[:-1], columns[1:]):
            logits, state = model.step(x, state)
            total += cross_entropy(logits, y).item()
    return math.exp(total / (len(columns) - 1))


def baseline_perplexities(train: np.ndarray, held: np.ndarray, batch: int = 16) -> dict:
    """Unigram P(c) and bigram P(c | previous c) perplexities (add-one smoothing), scored on the
    same held-out characters as perplexity() (every stream's characters after its first)."""
    V = len(text_data.ALPHABET)
    columns = text_data.streams(held, batch)
    prev, nxt = columns[:-1].ravel(), columns[1:].ravel()
    unigram = np.bincount(train, minlength=V) + 1.0
    bigram = np.ones((V, V))
    np.add.at(bigram, (train[:-1], train[1:]), 1.0)
    p_uni = unigram / unigram.sum()
    p_bi = bigram / bigram.sum(axis=1, keepdims=True)
    return {"unigram": float(np.exp(-np.log(p_uni[nxt]).mean())),
            "bigram": float(np.exp(-np.log(p_bi[prev, nxt]).mean()))}


# ---------------------------------------------------------------- sampling and completion
def generate(model: CharLM, prompt: str, length: int, temperature: float, rng: np.random.Generator) -> str:
    """`length` characters sampled after `prompt` at the given temperature."""
    _, state = model.read(prompt[:-1])
    start = int(text_data.encode(prompt[-1])[0])
    return text_data.decode(sample(model.step, state, start, length, temperature=temperature, generator=rng))


def log_likelihood(model: CharLM, context: str, text: str) -> float:
    """log P(text | context) = sum_i log P(text_i | context, text_1..text_{i-1}); context non-empty."""
    logits, state = model.read(context)
    total = 0.0
    for code in text_data.encode(text):
        total += float(log_softmax(logits, axis=-1).data[code])
        logits, state = model.read(text_data.ALPHABET[code], state)
    return total


def complete(model: CharLM, prefix: str, k: int = 5, context: str = " ", min_prob: float = 1e-4,
             max_len: int = 24) -> list:
    """The k most probable words starting with `prefix`, as (word, probability), best first.

    Best-first search: the heap holds words by cost -log P(letters after the prefix | context + prefix).
    Popping an unfinished word runs the model one step on its last letter, then pushes the word as
    finished (cost - log P(a word-end character)) and each one-letter extension. Costs only grow, so
    finished words come off the heap in order of probability: exact for every word above `min_prob`.
    """
    if not prefix or any(c in WORD_END for c in prefix):
        raise ValueError(f"complete: prefix must be a non-empty part of one word, got {prefix!r}")
    ends, limit = text_data.encode(WORD_END), -math.log(min_prob)
    _, state = model.read(context + prefix[:-1])
    tie = itertools.count()                                            # equal costs pop in push order
    heap, found = [(0.0, next(tie), prefix, state)], []                # state before the word's last letter
    while heap and len(found) < k:
        cost, _, word, state = heapq.heappop(heap)
        if state is None:                                              # a finished word
            found.append((word, math.exp(-cost)))
            continue
        logits, state = model.read(word[-1], state)
        logp = log_softmax(logits, axis=-1).data                       # log P(next character | word)
        finished = cost - np.logaddexp.reduce(logp[ends])
        if finished < limit:
            heapq.heappush(heap, (finished, next(tie), word, None))
        if len(word) - len(prefix) < max_len:
            for code in np.flatnonzero(cost - logp < limit):
                if text_data.ALPHABET[code] not in WORD_END:
                    heapq.heappush(heap, (cost - logp[code], next(tie), word + text_data.ALPHABET[code], state))
    return found


def main(argv: Sequence[str] | None = None) -> dict:
    """Train, measure, sample and complete; return the numbers and the completions."""
    args = _common.parse_args(__doc__, argv)
    rng = _common.seed(args.seed)
    size = SIZES["quick" if args.quick else "full"]
    print(f"Character LSTM (embedding {size['embed']}, hidden {size['hidden']}) on stdlib docstrings, "
          f"{size['batch']} streams, TBPTT({size['window']}, {size['window']}), Adam lr {size['lr']}, "
          f"{size['steps']} steps.")
    model, info = train_model(args.quick, args.seed)
    ppl, base = perplexity(model, info["held"]), baseline_perplexities(info["train"], info["held"])
    print(f"\nTrained in {info['cpu']:.1f} CPU s on {len(info['train'])} characters.\n"
          f"Held-out perplexity ({len(info['held'])} characters): LSTM {ppl:.2f}, bigram "
          f"{base['bigram']:.2f}, unigram {base['unigram']:.2f} (of {len(text_data.ALPHABET)} characters).")

    samples, vocab = {}, set(text_data.decode(info["train"]).replace(",", " ").replace(".", " ").split())
    for tau in (0.5, 1.0):
        text = generate(model, "the ", 160 if not args.quick else 80, tau, rng)
        words = text.replace(",", " ").replace(".", " ").split()[:-1]       # the last word may be cut off
        samples[tau] = {"text": text, "real": sum(w in vocab for w in words) / max(len(words), 1),
                        "perplexity": math.exp(-log_likelihood(model, "the ", text) / len(text))}
        print(f"\nSample at temperature {tau}: perplexity under the model {samples[tau]['perplexity']:.2f}, "
              f"{samples[tau]['real']:.0%} of its words occur in the text\n  the {text}")

    counts = Counter(w for w in text_data.decode(info["train"]).split() if w.isalpha() and len(w) > 4)
    frequent = [w for w, _ in counts.most_common(3)]
    prefixes = ["deep", "re", "imp"] + [w[:3] for w in frequent]           # the notes' prefix, then ours
    completions = {}
    print(f"\nCompletions, P(word | prefix), best first (the corpus' most frequent long words: "
          f"{', '.join(frequent)}):")
    for prefix in dict.fromkeys(prefixes):
        completions[prefix] = complete(model, prefix)
        print(f"  {prefix + '|':6s} " + "  ".join(f"{w} {p:.3f}" for w, p in completions[prefix]))
    _common.plot({"LSTM, training windows": info["curve"],
                  **{f"{name} (held out)": [math.log(base[name])] * len(info["curve"]) for name in base}},
                 _common.out_dir(args.out) / "autocomplete.png", "Character LSTM: loss per character",
                 xlabel="window", ylabel="nats per character")
    return {"perplexity": ppl, **base, "samples": samples, "completions": completions, "cpu": info["cpu"],
            "model": model, "curve": info["curve"]}


if __name__ == "__main__":
    main()
