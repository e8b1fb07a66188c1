"""A hidden Markov model is a recurrent network: the notes' part-of-speech example, "John hit the ball".

What it shows, in order (lecture 25, "Recurrent neural networks", in the notes):
1. The notes' RNN  h_t = g(U h_{t-1} + W x_t),  g(xi) = softmax(xi - 1),  h_0 = 0,  with U the tag
   transitions (u_ji = P(Y_t=j | Y_{t-1}=i)) and W the emissions (w_jk = P(X_t=k | Y_t=j)), column
   vectors as in the notes. Its h_1..h_4 reproduce the notes' table; the notes' printed h_4 is garbled,
   and the right one is computed here.
2. The exact forward algorithm in log space ("log belief propagation") is an RNN too:
       a_t = logsumexp_i (a_{t-1,i} + ln u_ji) + ln w_{j,x_t}    (the notes' h_t = exp(ln U h_{t-1} + ln W x_t))
   and log P(X_1..X_T) = logsumexp_j a_T equals the sum over all N^T tag paths, done by brute force.
3. Viterbi is the same recurrence with max in place of logsumexp; it finds the brute-force best path.
4. The gradient of log P(X) with respect to ln W (ln U) is the expected number of times each emission
   (transition) is used under the posterior over paths: a log-partition gradient is an expectation.
The recurrences are Tensor ops, so step 4 is a single backward() call.
"""
from __future__ import annotations

import itertools
from typing import Callable, Sequence

import numpy as np

import _common
import tinygrad_rnn as tr
from tinygrad_rnn.nn.functional import logsumexp, softmax

TAGS = ("Det", "Noun", "Verb")
WORDS = ("ball", "hit", "John", "the")                      # the notes' order of the one-hot x_t
U = np.array([[1, 1, 8], [8, 1, 1], [1, 8, 1]]) / 10        # u_ji = P(Y_t=j | Y_{t-1}=i): columns sum to 1
W = np.array([[1, 1, 1, 97], [49, 1, 49, 1], [1, 97, 1, 1]]) / 100  # w_jk = P(X_t=k | Y_t=j): rows sum to 1
PRIOR = np.full(3, 1 / 3)             # P(Y_1): the notes give none, so every tag is equally likely
SENTENCE = ("John", "hit", "the", "ball")
NOTES_H = np.array([[0.28, 0.44, 0.28], [0.20, 0.20, 0.60], [0.63, 0.18, 0.18]])  # h_1..h_3 as printed
NOTES_H4_PRINTED = (0.24, 0.23, 0.24, 0.43)     # the notes' h_4 vector: four entries for three tags
NOTES_P_NOUN_4 = 0.53                           # the notes' text: P(Y_4 = Noun | John hit the ball)


# ---------------------------------------------------------------- 1. the notes' RNN
def notes_rnn(words: Sequence[str]) -> np.ndarray:
    """h_t = softmax(U h_{t-1} + W x_t - 1) from h_0 = 0, one row per word: (T, 3)."""
    u, w, h = tr.Tensor(U), tr.Tensor(W), tr.Tensor(np.zeros(3))
    rows = []
    for t, word in enumerate(words, 1):
        with tr.scope(f"t={t}"):
            h = softmax(u @ h + w @ np.eye(len(WORDS))[WORDS.index(word)] - 1.0, axis=0)
        rows.append(h.data)
    return np.array(rows)


# ---------------------------------------------------------------- 2. and 3. one recurrence, two reductions
def tensor_max(a: tr.Tensor, axis: int) -> tr.Tensor:
    """max_i a_i along `axis` (Viterbi's reduction)."""
    return a.max(axis=axis)


def recurrence(log_u: tr.Tensor, log_w: tr.Tensor, log_prior: tr.Tensor, x: Sequence[int],
               reduce: Callable[[tr.Tensor, int], tr.Tensor] = logsumexp) -> tuple[tr.Tensor, list]:
    """a_1 = ln P(Y_1) + ln W[:, x_1];  a_t = reduce_i(a_{t-1,i} + ln u_ji) + ln W[:, x_t].

    With logsumexp a_t,j = ln P(X_1..X_t, Y_t = j) (forward algorithm); with max it is the score of the
    best path ending in tag j (Viterbi). Returns reduce_j(a_T) and the list of a_t.
    """
    a = log_prior + log_w[:, x[0]]
    steps = [a]
    for t in range(1, len(x)):
        with tr.scope(f"t={t + 1}"):
            a = reduce(log_u + a.reshape(1, -1), 1) + log_w[:, x[t]]   # (N_j, N_i) reduced over i -> (N_j,)
        steps.append(a)
    return reduce(a, 0), steps


def backtrack(steps: list, log_u: np.ndarray) -> list:
    """The Viterbi path: the best last tag, then at each step the predecessor that scored best."""
    path = [int(np.argmax(steps[-1].data))]
    for a in reversed(steps[:-1]):
        path.append(int(np.argmax(a.data + log_u[path[-1]])))
    return path[::-1]


# ---------------------------------------------------------------- the independent oracle: every path
def brute_force(x: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """All N^T tag paths (rows) and ln P(path, X) of each, summed term by term from the model's factors."""
    lu, lw, lp = np.log(U), np.log(W), np.log(PRIOR)
    paths = np.array(list(itertools.product(range(len(TAGS)), repeat=len(x))))      # (N^T, T)
    score = lp[paths[:, 0]] + lw[paths, np.asarray(x)].sum(1) + lu[paths[:, 1:], paths[:, :-1]].sum(1)
    return paths, score


def expected_counts(paths: np.ndarray, score: np.ndarray, x: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """E[# times tag j emits word k] and E[# transitions i -> j], weighting every path by P(path | X)."""
    posterior = np.exp(score - np.logaddexp.reduce(score))[:, None]                # (N^T, 1)
    emissions, transitions = np.zeros_like(W), np.zeros_like(U)
    np.add.at(emissions, (paths, np.broadcast_to(np.asarray(x), paths.shape)), posterior)
    np.add.at(transitions, (paths[:, 1:], paths[:, :-1]), posterior)
    return emissions, transitions


def check_sentence(x: Sequence[int]) -> dict:
    """Forward, Viterbi and the gradient identity on word indices `x`, each against brute force."""
    log_u, log_w = tr.Tensor(np.log(U), requires_grad=True), tr.Tensor(np.log(W), requires_grad=True)
    log_prior = tr.Tensor(np.log(PRIOR))
    log_px, steps = recurrence(log_u, log_w, log_prior, x)
    log_px.backward()                                        # d ln P(X) / d ln W and / d ln U
    best, viterbi_steps = recurrence(log_u, log_w, log_prior, x, reduce=tensor_max)
    paths, score = brute_force(x)
    emissions, transitions = expected_counts(paths, score, x)
    return {"log_px": log_px.item(), "log_px_brute": float(np.logaddexp.reduce(score)),
            "forward_error": abs(log_px.item() - float(np.logaddexp.reduce(score))),
            "viterbi_path": backtrack(viterbi_steps, np.log(U)),
            "brute_path": [int(i) for i in paths[np.argmax(score)]],
            "viterbi_score_error": abs(best.item() - float(score.max())),
            "emission_grad": log_w.grad, "emission_grad_error": float(np.abs(log_w.grad - emissions).max()),
            "transition_grad_error": float(np.abs(log_u.grad - transitions).max()),
            "filter": np.array([softmax(a, axis=0).data for a in steps]),   # exact P(Y_t | X_1..X_t)
            "n_paths": len(paths)}


def sample_sentence(rng: np.random.Generator, length: int) -> list:
    """Word indices drawn from the HMM itself: a tag from the prior, then transition, emit, repeat."""
    tag, words = rng.choice(3, p=PRIOR), []
    for _ in range(length):
        words.append(int(rng.choice(len(WORDS), p=W[tag])))
        tag = rng.choice(3, p=U[:, tag])
    return words


def tag_names(path: Sequence[int]) -> str:
    """A tag path as words, e.g. 'Noun Verb Det Noun'."""
    return " ".join(TAGS[i] for i in path)


def report(title: str, words: Sequence[str], result: dict) -> None:
    """Print one sentence's forward, Viterbi and gradient checks."""
    print(f"\n{title}: {' '.join(words)}  ({result['n_paths']} tag paths)")
    print(f"  log P(X) by the RNN recurrence {result['log_px']:.15f}")
    print(f"  log P(X) by brute force        {result['log_px_brute']:.15f}   |diff| = {result['forward_error']:.1e}")
    print(f"  Viterbi path      {tag_names(result['viterbi_path'])}   "
          f"(score |diff| = {result['viterbi_score_error']:.1e})")
    print(f"  brute-force best  {tag_names(result['brute_path'])}")
    print(f"  max |d lnP/d lnW - expected emission counts|   = {result['emission_grad_error']:.1e}")
    print(f"  max |d lnP/d lnU - expected transition counts| = {result['transition_grad_error']:.1e}")


def main(argv: Sequence[str] | None = None) -> dict:
    """Run the lesson; return the table and every measured difference."""
    args = _common.parse_args(__doc__, argv)
    rng = _common.seed(args.seed)

    print("1. The notes' RNN: h_t = softmax(U h_{t-1} + W x_t - 1), h_0 = 0   (tags: Det, Noun, Verb)")
    h = notes_rnn(SENTENCE)
    x = [WORDS.index(w) for w in SENTENCE]
    exact = check_sentence(x)
    print("   t  word   h_t (ours)               notes print          best tag   exact P(Y_t | X_1..X_t)")
    for t, word in enumerate(SENTENCE):
        printed = " ".join(f"{v:.2f}" for v in (NOTES_H[t] if t < 3 else NOTES_H4_PRINTED))
        print(f"   {t + 1}  {word:5s}  {np.array2string(h[t], precision=4):23s}  {printed:19s}  "
              f"{TAGS[int(np.argmax(h[t]))]:9s}  {np.array2string(exact['filter'][t], precision=4)}")
    print(f"   The notes' h_1 Noun entry {NOTES_H[0, 1]} is {h[0, 1]:.4f} (it rounds to {h[0, 1]:.2f}); "
          f"the other entries of h_1..h_3 match.\n"
          f"   The notes' h_4 is garbled: its emission matrix has W's last row (1 97 1 1) pasted into x_4,\n"
          f"   a stray zero vector follows, and the result has four entries {NOTES_H4_PRINTED} for three tags.\n"
          f"   (Smaller typos: the h_1 line gives W's first row five entries, and the list of inputs gives x_4 five.)\n"
          f"   The right h_4 is {np.array2string(h[3], precision=4)} "
          f"= ({', '.join(f'{v:.2f}' for v in h[3])}): P(Noun) = "
          f"{h[3, 1]:.2f}, as the notes' text says ({NOTES_P_NOUN_4}).\n"
          f"   softmax(xi - 1) = softmax(xi): a shift common to every entry cancels, so the '- 1' changes nothing.\n"
          f"   The RNN picks the right tag each time but is far less confident than the exact filter.")

    report("2-4. Forward algorithm, Viterbi and expected counts on the notes' sentence", SENTENCE, exact)
    length = 6 if args.quick else 10
    sampled_x = sample_sentence(rng, length)
    sampled = check_sentence(sampled_x)
    report("     ... and on a sentence sampled from the HMM", [WORDS[i] for i in sampled_x], sampled)

    truth = exact["viterbi_path"]
    _common.plot({"notes' RNN": [h[t, j] for t, j in enumerate(truth)],
                  "exact filter": [exact["filter"][t, j] for t, j in enumerate(truth)]},
                 _common.out_dir(args.out) / "hmm_as_rnn.png", "P(best tag | words so far)",
                 xlabel="t", ylabel="probability", x=[1, 2, 3, 4])
    return {"h": h, "h4": h[3], "notes_h": NOTES_H, "notes": exact, "sampled": sampled, "sampled_x": sampled_x}


if __name__ == "__main__":
    main()
