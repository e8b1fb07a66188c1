"""Training loops from the lectures: truncated BPTT, teacher forcing, and sampling by feedback.

Each takes a `step` function, so it works with any cell, layer or hand-written recurrence:
    tbptt:            step(x_t, state) -> (loss_t, state)
    teacher_forcing:  step(token, state) -> (logits, state)     token: (B,) ints or a scalar int
    sample:           step(token, state) -> (logits, state)
A state is a Tensor or a tuple of Tensors (an LSTM's (h, c)).
"""
from __future__ import annotations

from collections import deque

import numpy as np

from .modes import no_grad
from .checks import check_flag, is_int, is_number
from .join import stack
from .nn.functional import softmax
from .rng import generator_for
from .tensor import Tensor


def _states(state) -> tuple:
    return state if isinstance(state, tuple) else (state,)


def _like(template, parts: tuple):
    return parts if isinstance(template, tuple) else parts[0]


def _check_state(state, fn: str) -> None:
    if not all(isinstance(s, Tensor) for s in _states(state)):
        raise TypeError(f"{fn}: state must be a Tensor or a tuple of Tensors, got {type(state).__name__}")


def tbptt(step, inputs, state, k1: int, k2: int, on_window=None) -> list:
    """Truncated BPTT(k1, k2): run `step` over `inputs` one item at a time; every k1 steps
    backpropagate the losses of the last k1 steps through the last k2 steps.

    A shorter last window (when k1 does not divide the length) keeps the same shape: its n steps'
    losses flow back n + k2 - k1 steps, so k1 = k2 is exactly "detach the state between chunks".
    Each step starts from a detached copy of the previous state, so at most k2 steps of graph are
    kept alive (memory does not grow with the sequence). The gradient of a window is exact: the
    gradient arriving at a step's input state is handed to the previous step's output state, k2 steps
    back, and no further. k2 > k1 gives overlapping windows; k1 = k2 >= len(inputs) is full BPTT.
    Gradients accumulate in the parameters; `on_window(window_loss)` is called after each window's
    backward (step an optimizer and zero the gradients there). Returns the window losses (floats,
    summed over the window's steps).

    When the weights change between windows (an optimizer step in on_window) and k2 > k1, a window
    reaches back into steps that were computed with the earlier weights. Its gradient is then the
    gradient of the computation as it was recorded: each step's share is taken at the weights that
    step used (optimizers never overwrite an array a kept step still holds), and the shares of all the
    window's steps are added into the parameters' .grad. It is not the gradient of the window rerun
    with the current weights, which would mean recomputing those steps.
    """
    k1, k2 = _check_window(k1, k2)
    step = _checked_step(step, "tbptt", "(loss, state)")
    if on_window is not None and not callable(on_window):
        raise TypeError(f"tbptt: on_window must be a function of the window's loss, or None, "
                        f"got {type(on_window).__name__}")
    inputs = _sequence(inputs, "tbptt")
    _check_state(state, "tbptt")
    history = deque(maxlen=k2)            # (input-state leaves, output state, loss) of the last k2 steps
    window_losses, fresh = [], 0
    total = len(inputs)
    for t, x in enumerate(inputs, start=1):
        leaves = tuple(Tensor(s._data, requires_grad=True) for s in _states(state))
        loss, state = step(x, _like(state, leaves))
        _check_state(state, "tbptt step")
        if not isinstance(loss, Tensor) or loss._data.size != 1:
            raise TypeError(f"tbptt: step must return (loss, state) with a 1-element Tensor loss, got {loss!r:.80}")
        history.append((leaves, _states(state), loss))
        fresh += 1
        if fresh == k1 or t == total:
            window_losses.append(_backward_window(history, fresh, depth=fresh + k2 - k1))
            fresh = 0
            if on_window is not None:
                on_window(window_losses[-1])
    return window_losses


def _backward_window(history, fresh: int, depth: int) -> float:
    """Backpropagate through the newest `depth` stored steps, newest first; the newest `fresh` add their loss."""
    carry, window_loss = None, 0.0
    for age, (leaves, outputs, loss) in zip(range(depth), reversed(history)):
        terms = [loss] if age < fresh else []
        window_loss += loss.item() if age < fresh else 0.0
        terms += [(out * g).sum() for out, g in zip(outputs, carry or ()) if g is not None]
        if not terms:
            break                         # no gradient reaches further back
        root = terms[0]
        for term in terms[1:]:
            root = root + term
        for leaf in leaves:
            leaf._grad = None
        root.backward()
        carry = tuple(leaf._grad for leaf in leaves)
    return window_loss


def _tokens(token):
    return np.asarray(token._data if isinstance(token, Tensor) else token)


def teacher_forcing(step, state, targets, start, ratio: float = 1.0, generator=None):
    """Run a decoder over len(targets) steps, feeding ground truth or its own predictions.

    At step t the input is `start` for t = 0, then with probability `ratio` the true previous token
    targets[t-1] (teacher forcing), otherwise the model's own previous prediction (argmax of its
    logits). ratio = 1.0 always feeds the truth, 0.0 never does. Returns (logits of every step stacked
    on axis 0, final state).
    """
    if not isinstance(ratio, (int, float, np.integer, np.floating)) or isinstance(ratio, bool):
        raise TypeError(f"teacher_forcing: ratio must be a number in [0, 1], got {type(ratio).__name__} {ratio!r}")
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"teacher_forcing: ratio must be in [0, 1], got {ratio}")
    step = _checked_step(step, "teacher_forcing", "(logits, state)")
    targets = _tokens(targets)
    if targets.ndim == 0 or len(targets) == 0:
        raise ValueError(f"teacher_forcing: targets must be a non-empty sequence of tokens, got shape {targets.shape}")
    rng = generator_for(generator, "teacher_forcing")
    token, outputs = start, []
    for t in range(len(targets)):
        logits, state = step(token, state)
        outputs.append(_logits(logits, "teacher_forcing"))
        truth = ratio == 1.0 or (ratio > 0.0 and rng.random() < ratio)
        token = targets[t] if truth else logits._data.argmax(axis=-1)
    return stack(outputs, axis=0), state


def sample(step, state, start, length: int, temperature: float = 1.0, greedy: bool = False,
           generator=None) -> list:
    """Generate `length` tokens, feeding each prediction back in as the next input (no graph is kept).

    Greedy picks the most likely token; otherwise tokens are drawn from softmax(logits / temperature):
    a low temperature sharpens the distribution, a high one flattens it. Works for a scalar token or a
    batch of tokens; returns the list of generated tokens (ints or (B,) arrays).
    """
    if not is_int(length) or length < 0:
        raise ValueError(f"sample: length must be a non-negative int, got {length!r}")
    check_flag(greedy, "sample(greedy=...)")
    if not greedy:
        _check_temperature(temperature)
    step = _checked_step(step, "sample", "(logits, state)")
    rng = generator_for(generator, "sample")
    token, generated = start, []
    with no_grad():
        for _ in range(length):
            logits, state = step(token, state)
            logits = _logits(logits, "sample")
            if not np.isfinite(logits._data).all():
                raise FloatingPointError("sample: the step returned logits that are nan or infinite; there is no "
                                         "distribution to draw from")
            if greedy:
                token = logits._data.argmax(axis=-1)
            else:
                p = softmax(logits * (1.0 / temperature), axis=-1)._data
                cdf = np.cumsum(p, axis=-1)
                token = (cdf < rng.random(p.shape[:-1] + (1,)) * cdf[..., -1:]).sum(axis=-1)
            token = int(token) if np.ndim(token) == 0 else token
            generated.append(token)
    return generated


def _check_window(k1, k2) -> tuple:
    """tbptt's window sizes: positive ints (numpy's too) with k2 >= k1; returns them as Python ints."""
    for name, k in (("k1", k1), ("k2", k2)):
        if not is_int(k) or k < 1:
            raise ValueError(f"tbptt: {name} must be a positive int, got {k!r}")
    if k2 < k1:
        raise ValueError(f"tbptt: k2 ({k2}) must be >= k1 ({k1}): the losses of every step in a window "
                         "must be backpropagated at least to that step")
    return int(k1), int(k2)


def _check_temperature(temperature) -> None:
    """sample's temperature: a number, > 0, and finite and >= 1e-30 (dividing by less overflows)."""
    if not is_number(temperature):
        raise TypeError(f"sample: temperature must be a number > 0, got {type(temperature).__name__} {temperature!r}")
    if not temperature > 0:
        raise ValueError(f"sample: temperature must be > 0, got {temperature}")
    if not 1e-30 <= temperature < float("inf"):
        raise ValueError(f"sample: temperature must be a finite number >= 1e-30 (smaller ones overflow: use "
                         f"greedy=True for the most likely token), got {temperature}")


def _sequence(inputs, fn: str):
    """The step inputs as something with a length: sequences pass, other iterables become a list."""
    expected = f"{fn}: inputs must be a sequence of per-step inputs (a list, an array or a Tensor indexed by time)"
    if getattr(inputs, "ndim", None) == 0:
        raise TypeError(f"{expected}, got a 0-d {type(inputs).__name__}")
    if hasattr(inputs, "__len__"):
        return inputs
    try:
        return list(inputs)
    except TypeError:
        raise TypeError(f"{expected}, got {type(inputs).__name__}") from None


def _checked_step(step, fn: str, returns: str):
    """`step`, checked to be callable and wrapped so that returning anything but a pair is a clear error."""
    if not callable(step):
        raise TypeError(f"{fn}: step must be a function step(input, state) -> {returns}, got {type(step).__name__}")

    def checked(x, state):
        out = step(x, state)
        if not isinstance(out, tuple) or len(out) != 2:
            got = f"a tuple of {len(out)}" if isinstance(out, tuple) else type(out).__name__
            raise TypeError(f"{fn}: step must return a pair {returns}, got {got}")
        return out
    return checked


def _logits(logits, fn: str) -> Tensor:
    """The logits a decoder step returned, which must be a Tensor (the next token is read from them)."""
    if not isinstance(logits, Tensor):
        raise TypeError(f"{fn}: step must return a Tensor of logits first, got {type(logits).__name__}")
    return logits
