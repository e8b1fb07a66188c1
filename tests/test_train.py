"""Truncated BPTT against explicitly built windows; teacher forcing and sampling behaviour."""
import re

import numpy as np
import pytest

import tinygrad_rnn as tr
from tinygrad_rnn.train import sample, tbptt, teacher_forcing

T, I, H = 7, 2, 3


def make_problem(seed=0):
    rng = np.random.default_rng(seed)
    params = [tr.Tensor(rng.standard_normal(shape) * 0.5, requires_grad=True) for shape in ((I, H), (H, H), (H,), (H,))]
    xs = rng.standard_normal((T, I))
    ys = rng.standard_normal(T)
    return params, xs, ys


def elman(params, ys):
    """A tbptt step function: h = tanh(x W + h U + b), loss_t = (h . v - ys[t])^2, t counted per call."""
    W, U, b, v = params
    calls = iter(range(len(ys)))

    def step(x, h):
        h = (tr.Tensor(x) @ W + h @ U + b).tanh()
        return ((h * v).sum() - ys[next(calls)]) ** 2, h
    return step


def run(params, xs, ys, k1, k2):
    for p in params:
        p.grad = None
    losses = tbptt(elman(params, ys), list(xs), tr.Tensor(np.zeros(H)), k1, k2)
    return losses, [p.grad.copy() for p in params]


def states(params, xs):
    """Hidden states h_0..h_T of a plain forward pass (numpy)."""
    W, U, b, _ = (p.data for p in params)
    hs = [np.zeros(H)]
    for x in xs:
        hs.append(np.tanh(x @ W + hs[-1] @ U + b))
    return hs


def window_grads(params, xs, ys, start, end, loss_from):
    """Gradient of sum_{s in [loss_from, end)} loss_s, backpropagated only to h_start (held constant)."""
    W, U, b, v = params
    for p in params:
        p.grad = None
    h = tr.Tensor(states(params, xs)[start])
    total = None
    for s in range(start, end):
        h = (tr.Tensor(xs[s]) @ W + h @ U + b).tanh()
        if s >= loss_from:
            loss = ((h * v).sum() - ys[s]) ** 2
            total = loss if total is None else total + loss
    total.backward()
    return [p.grad.copy() for p in params]


def test_full_bptt_when_window_covers_the_sequence():
    params, xs, ys = make_problem()
    losses, grads = run(params, xs, ys, k1=T, k2=T + 5)
    expected = window_grads(params, xs, ys, 0, T, 0)
    assert len(losses) == 1
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


def test_chunked_k1_equals_k2_is_detach_per_chunk():
    params, xs, ys = make_problem(1)
    losses, grads = run(params, xs, ys, k1=3, k2=3)
    expected = [np.zeros_like(p.data) for p in params]
    for start in range(0, T, 3):
        end = min(start + 3, T)
        for acc, g in zip(expected, window_grads(params, xs, ys, start, end, start)):
            acc += g
    assert len(losses) == 3                       # windows of 3, 3 and the last 1
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


def test_overlapping_windows_sum_their_own_gradients():
    params, xs, ys = make_problem(2)
    k1, k2 = 2, 5
    _, grads = run(params, xs, ys, k1, k2)
    expected = [np.zeros_like(p.data) for p in params]
    for end, fresh in ((2, 2), (4, 2), (6, 2), (7, 1)):      # the last window has one new step
        depth = fresh + k2 - k1
        for acc, g in zip(expected, window_grads(params, xs, ys, max(end - depth, 0), end, end - fresh)):
            acc += g
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


def test_tbptt_window_losses_and_callback():
    params, xs, ys = make_problem(3)
    seen = []
    losses = tbptt(elman(params, ys), list(xs), tr.Tensor(np.zeros(H)), 4, 4, on_window=seen.append)
    hs = states(params, xs)
    per_step = [(hs[t + 1] @ params[3].data - ys[t]) ** 2 for t in range(T)]
    assert seen == losses
    np.testing.assert_allclose(losses, [sum(per_step[:4]), sum(per_step[4:])], rtol=1e-12)


@pytest.mark.parametrize("k1, k2, match", [(0, 2, "k1 must be a positive int"), (3, 2, r"k2 \(2\) must be >= k1 \(3\)"),
                                           (2, 2.5, "k2 must be a positive int")])
def test_tbptt_rejects_bad_window_sizes(k1, k2, match):
    with pytest.raises(ValueError, match=match):
        tbptt(lambda x, h: (h.sum(), h), [1.0], tr.Tensor(np.zeros(2)), k1, k2)


def test_tbptt_rejects_bad_state_and_loss():
    with pytest.raises(TypeError, match="state must be a Tensor or a tuple of Tensors"):
        tbptt(lambda x, h: (h, h), [1.0], np.zeros(2), 1, 1)
    with pytest.raises(TypeError, match="1-element Tensor loss"):
        tbptt(lambda x, h: (h * 2, h), [1.0], tr.Tensor(np.zeros(2)), 1, 1)


class Recorder:
    """A decoder whose logits make token (t + 1) % V most likely, remembering what it was fed."""

    def __init__(self, vocab=5):
        self.fed, self.vocab, self.w = [], vocab, tr.Tensor(np.ones(vocab), requires_grad=True)

    def __call__(self, token, state):
        self.fed.append(int(np.asarray(token)))
        logits = self.w * tr.Tensor(np.eye(self.vocab)[(int(np.asarray(token)) + 1) % self.vocab] * 3.0)
        return logits, state


def test_teacher_forcing_ratio_one_feeds_truth_and_zero_feeds_predictions():
    targets = [4, 4, 4, 4]
    truth = Recorder()
    logits, _ = teacher_forcing(truth, tr.Tensor(0.0), targets, start=0, ratio=1.0)
    assert truth.fed == [0, 4, 4, 4] and logits.shape == (4, 5)
    own = Recorder()
    teacher_forcing(own, tr.Tensor(0.0), targets, start=0, ratio=0.0)
    assert own.fed == [0, 1, 2, 3]                # each prediction (token + 1) fed back


def test_teacher_forcing_half_ratio_mixes_and_is_seedable():
    def fed(seed):
        rec = Recorder()
        teacher_forcing(rec, tr.Tensor(0.0), [4] * 200, start=0, ratio=0.5, generator=np.random.default_rng(seed))
        return rec.fed
    first = fed(7)
    share_truth = np.mean([tok == 4 for tok in first[1:]])
    assert first == fed(7) and 0.35 < share_truth < 0.75
    with pytest.raises(ValueError, match=r"ratio must be in \[0, 1\]"):
        teacher_forcing(Recorder(), None, [1], 0, ratio=1.5)


def test_sample_greedy_follows_the_argmax_and_keeps_no_graph():
    rec = Recorder()
    tokens = sample(rec, None, start=0, length=6, greedy=True)
    assert tokens == [1, 2, 3, 4, 0, 1]


def test_sample_temperature_sharpens_or_flattens():
    def share_of_argmax(temperature):
        rng = np.random.default_rng(0)
        step = lambda tok, s: (tr.Tensor([2.0, 0.0, 0.0]), s)
        return np.mean(np.asarray(sample(step, None, 0, 2000, temperature=temperature, generator=rng)) == 0)
    p = np.exp(2.0) / (np.exp(2.0) + 2)
    assert abs(share_of_argmax(1.0) - p) < 0.04
    assert share_of_argmax(0.2) > 0.98 and share_of_argmax(50.0) < 0.4
    with pytest.raises(ValueError, match="temperature must be > 0"):
        sample(lambda tok, s: (tr.Tensor([1.0]), s), None, 0, 3, temperature=0.0)


def _pair_step(token, state):
    return tr.Tensor([1.0, 0.0]), state


H0 = tr.Tensor(np.zeros(2))
BAD_CALLS = [
    (lambda: tr.train.tbptt(None, [1.0], H0, 1, 1), TypeError,
     "tbptt: step must be a function step(input, state) -> (loss, state), got NoneType"),
    (lambda: tr.train.tbptt(lambda x, h: (h.sum(), h), [1.0], H0, 1, 1, on_window=3), TypeError,
     "tbptt: on_window must be a function of the window's loss, or None, got int"),
    (lambda: tr.train.tbptt(lambda x, h: (h.sum(), h), 4, H0, 1, 1), TypeError,
     "tbptt: inputs must be a sequence of per-step inputs (a list, an array or a Tensor indexed by time), got int"),
    (lambda: tr.train.tbptt(lambda x, h: (h.sum(), h), tr.Tensor(1.0), H0, 1, 1), TypeError,
     "tbptt: inputs must be a sequence of per-step inputs (a list, an array or a Tensor indexed by time), "
     "got a 0-d Tensor"),
    (lambda: tr.train.tbptt(lambda x, h: h, [1.0], H0, 1, 1), TypeError,
     "tbptt: step must return a pair (loss, state), got Tensor"),
    (lambda: tr.train.teacher_forcing(_pair_step, None, [1], 0, ratio="all"), TypeError,
     "teacher_forcing: ratio must be a number in [0, 1], got str 'all'"),
    (lambda: tr.train.teacher_forcing(_pair_step, None, [], 0), ValueError,
     "teacher_forcing: targets must be a non-empty sequence of tokens, got shape (0,)"),
    (lambda: tr.train.teacher_forcing(lambda t, s: (np.zeros(2), s), None, [1], 0), TypeError,
     "teacher_forcing: step must return a Tensor of logits first, got ndarray"),
    (lambda: tr.train.sample(_pair_step, None, 0, length=-1), ValueError,
     "sample: length must be a non-negative int, got -1"),
    (lambda: tr.train.sample(_pair_step, None, 0, 3, temperature="hot"), TypeError,
     "sample: temperature must be a number > 0, got str 'hot'"),
    (lambda: tr.train.sample(_pair_step, None, 0, 3, temperature=1e-310), ValueError,
     "sample: temperature must be a finite number >= 1e-30 (smaller ones overflow: use greedy=True for the most "
     "likely token), got 1e-310"),
    (lambda: tr.train.sample(_pair_step, None, 0, 3, temperature=float("inf")), ValueError,
     "sample: temperature must be a finite number >= 1e-30"),
]


@pytest.mark.parametrize("call, error, message", BAD_CALLS)
def test_bad_arguments_raise_their_documented_errors(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_greedy_sampling_ignores_the_temperature():
    assert tr.train.sample(_pair_step, None, 0, 2, temperature="hot", greedy=True) == [0, 0]
