"""Hand-written plain-numpy training steps: the references the engine's recurrent layers are timed against.

Each reference is the forward pass, the loss and the backward pass written out by hand, with nothing
from tinygrad_rnn, so it is both a speed baseline and an independent check of the engine's gradients:

    lstm_grads(p, x, targets)     LSTM layer + linear head + mean softmax cross-entropy over all T*B steps
    gru_grads(p, x, targets)      the same with PyTorch's GRU (reset_after=True)
    sgd(p, grads, lr)             p <- p - lr * grad, in place
    char_rnn_loss(p, inputs, targets, h_prev), adagrad(p, grads, memory, lr)
                                  a min-char-rnn style step: one-hot column vectors, one step at a time,
                                  summed log loss, element-wise clipping at 5, Adagrad

The LSTM and GRU references use PyTorch's parameter layout (the engine's): `p` maps W_ih (G*H, I),
W_hh (G*H, H), b_ih, b_hh (G*H,), W_y (C, H), b_y (C,) to arrays; x is (T, B, I), targets (T*B,) ints
in time-major order. They are written as a careful person writes them by hand: the input projection of
all steps is one matmul before the loop, and the weight gradients are one matmul over all steps after it.
A bias gradient is summed where its bias enters: over all T*B rows at once for the input side, per step
and then over time for GRU's recurrent b_hh. That is also the engine's order, and it matters in float32:
two orders of a 6,400-row sum differ by about 2e-6 relative, more than the 1e-6 the check allows.
The char-RNN keeps min-char-rnn's layout and habits on purpose (column vectors, a dense product with a
one-hot input, per-step outer products, np.dot), because that is the step the engine must not lose to.

The file name starts with an underscore so `make bench` does not run it; running it does nothing.
"""
from __future__ import annotations

import numpy as np


def sigmoid(a: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-a), in a's dtype."""
    return 1 / (1 + np.exp(-a))


def softmax_cross_entropy(hs: np.ndarray, W_y: np.ndarray, b_y: np.ndarray, targets: np.ndarray) -> tuple:
    """Linear head and mean cross-entropy over N rows of hidden states hs (N, H).

    Returns (loss, dhs (N, H), dW_y, db_y); the gradient of the logits is (softmax - onehot) / N.
    """
    n = len(targets)
    logits = hs @ W_y.T + b_y                                  # (N, C)
    shifted = logits - logits.max(axis=1, keepdims=True)       # exp never overflows
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = (np.log(total).sum() - shifted[rows, targets].sum()) / n
    d_logits = e / total
    d_logits[rows, targets] -= 1
    d_logits /= n                                              # (N, C)
    return loss, d_logits @ W_y, d_logits.T @ hs, d_logits.sum(axis=0)


def lstm_grads(p: dict, x: np.ndarray, targets: np.ndarray) -> tuple:
    """Loss and gradients (dict with p's keys) of an LSTM layer (gates i, f, g, o) with a linear head."""
    T, B, I = x.shape
    H = p["W_hh"].shape[1]
    xs = x.reshape(T * B, I)
    x_proj = (xs @ p["W_ih"].T + (p["b_ih"] + p["b_hh"])).reshape(T, B, 4 * H)   # input part, all steps
    h = np.zeros((T + 1, B, H), dtype=x.dtype)                # h[t + 1] is h_t; h[0] the zero state
    c = np.zeros((T + 1, B, H), dtype=x.dtype)
    gates = np.empty((T, B, 4 * H), dtype=x.dtype)            # activated i, f, g, o of every step
    tanh_c = np.empty((T, B, H), dtype=x.dtype)
    W_hh_T = p["W_hh"].T
    for t in range(T):
        a = x_proj[t] + h[t] @ W_hh_T                          # (B, 4H)
        z = gates[t]
        z[:] = sigmoid(a)                                      # i, f, o: sigmoid; g is replaced next
        z[:, 2 * H:3 * H] = np.tanh(a[:, 2 * H:3 * H])
        i, f, g, o = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
        c[t + 1] = f * c[t] + i * g
        tanh_c[t] = np.tanh(c[t + 1])
        h[t + 1] = o * tanh_c[t]

    loss, dh_out, dW_y, db_y = softmax_cross_entropy(h[1:].reshape(T * B, H), p["W_y"], p["b_y"], targets)
    dh_out = dh_out.reshape(T, B, H)
    da = np.empty((T, B, 4 * H), dtype=x.dtype)               # gradient of every step's pre-activation
    dh_next = np.zeros((B, H), dtype=x.dtype)
    dc = np.zeros((B, H), dtype=x.dtype)
    for t in reversed(range(T)):
        z = gates[t]
        i, f, g, o = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
        dh = dh_out[t] + dh_next
        dc = dc + dh * o * (1 - tanh_c[t] * tanh_c[t])        # h = o * tanh(c)
        d = da[t]
        d[:, :H] = dc * g * i * (1 - i)                       # c = f * c_prev + i * g
        d[:, H:2 * H] = dc * c[t] * f * (1 - f)
        d[:, 2 * H:3 * H] = dc * i * (1 - g * g)
        d[:, 3 * H:] = dh * tanh_c[t] * o * (1 - o)
        dc = dc * f
        dh_next = d @ p["W_hh"]
    da = da.reshape(T * B, 4 * H)
    db = da.sum(axis=0)                                        # b_ih and b_hh enter like the input part
    grads = {"W_ih": da.T @ xs, "W_hh": da.T @ h[:-1].reshape(T * B, H), "b_ih": db, "b_hh": db,
             "W_y": dW_y, "b_y": db_y}
    return loss, grads


def gru_grads(p: dict, x: np.ndarray, targets: np.ndarray) -> tuple:
    """Loss and gradients of a GRU layer (gates r, z, n; PyTorch's reset_after=True) with a linear head."""
    T, B, I = x.shape
    H = p["W_hh"].shape[1]
    xs = x.reshape(T * B, I)
    x_proj = (xs @ p["W_ih"].T + p["b_ih"]).reshape(T, B, 3 * H)     # W_i* x + b_i*, all steps
    h = np.zeros((T + 1, B, H), dtype=x.dtype)
    rz = np.empty((T, B, 2 * H), dtype=x.dtype)               # reset and update gates
    n = np.empty((T, B, H), dtype=x.dtype)                    # candidate states
    hn = np.empty((T, B, H), dtype=x.dtype)                   # W_hn h_prev + b_hn, which r multiplies
    W_hh_T = p["W_hh"].T
    for t in range(T):
        a_h = h[t] @ W_hh_T + p["b_hh"]                        # (B, 3H)
        rz[t] = sigmoid(x_proj[t, :, :2 * H] + a_h[:, :2 * H])
        r, z = rz[t, :, :H], rz[t, :, H:]
        hn[t] = a_h[:, 2 * H:]
        n[t] = np.tanh(x_proj[t, :, 2 * H:] + r * hn[t])
        h[t + 1] = n[t] + z * (h[t] - n[t])                   # (1 - z) * n + z * h_prev

    loss, dh_out, dW_y, db_y = softmax_cross_entropy(h[1:].reshape(T * B, H), p["W_y"], p["b_y"], targets)
    dh_out = dh_out.reshape(T, B, H)
    dx = np.empty((T, B, 3 * H), dtype=x.dtype)               # gradient of the input parts
    dah = np.empty((T, B, 3 * H), dtype=x.dtype)              # gradient of the recurrent parts
    dh_next = np.zeros((B, H), dtype=x.dtype)
    for t in reversed(range(T)):
        r, z = rz[t, :, :H], rz[t, :, H:]
        dh = dh_out[t] + dh_next
        dn = dh * (1 - z) * (1 - n[t] * n[t])                 # through n = tanh(...)
        dx[t, :, :H] = dn * hn[t] * r * (1 - r)
        dx[t, :, H:2 * H] = dh * (h[t] - n[t]) * z * (1 - z)
        dx[t, :, 2 * H:] = dn
        dah[t, :, :2 * H] = dx[t, :, :2 * H]
        dah[t, :, 2 * H:] = dn * r
        dh_next = dh * z + dah[t] @ p["W_hh"]
    db_hh = dah.sum(axis=1).sum(axis=0)                       # b_hh enters every step: batch, then time
    dx, dah = dx.reshape(T * B, 3 * H), dah.reshape(T * B, 3 * H)
    db_ih = dx.sum(axis=0)                                     # b_ih enters with all steps' inputs
    grads = {"W_ih": dx.T @ xs, "W_hh": dah.T @ h[:-1].reshape(T * B, H), "b_ih": db_ih, "b_hh": db_hh,
             "W_y": dW_y, "b_y": db_y}
    return loss, grads


def sgd(p: dict, grads: dict, lr: float) -> None:
    """Plain gradient descent, in place: p <- p - lr * grad."""
    for key, g in grads.items():
        p[key] -= lr * g


def char_rnn_loss(p: dict, inputs: list, targets: list, h_prev: np.ndarray, clip: float = 5.0) -> tuple:
    """min-char-rnn's loss function: forward and backward over one chunk of characters, then clipping.

    p holds W_xh (H, V), W_hh (H, H), W_hy (V, H), b_h (H, 1), b_y (V, 1); inputs and targets are
    lists of character indices; h_prev (H, 1) is the state the chunk starts from. Every step is one
    column vector: a one-hot x_t, h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h), p_t = softmax(W_hy h_t + b_y).
    Returns (summed log loss, gradients clipped to [-clip, clip] element-wise, the last h).
    """
    V = p["W_xh"].shape[1]
    xs, hs, ps = {}, {-1: h_prev}, {}
    loss = 0.0
    for t, (char, target) in enumerate(zip(inputs, targets)):
        xs[t] = np.zeros((V, 1))
        xs[t][char] = 1                                        # one-hot column
        hs[t] = np.tanh(np.dot(p["W_xh"], xs[t]) + np.dot(p["W_hh"], hs[t - 1]) + p["b_h"])
        y = np.dot(p["W_hy"], hs[t]) + p["b_y"]
        ps[t] = np.exp(y) / np.sum(np.exp(y))
        loss -= np.log(ps[t][target, 0])
    grads = {key: np.zeros_like(value) for key, value in p.items()}
    dh_next = np.zeros_like(h_prev)
    for t in reversed(range(len(inputs))):
        dy = np.copy(ps[t])
        dy[targets[t]] -= 1                                    # softmax minus one-hot
        grads["W_hy"] += np.dot(dy, hs[t].T)
        grads["b_y"] += dy
        dh = np.dot(p["W_hy"].T, dy) + dh_next
        dh_raw = (1 - hs[t] * hs[t]) * dh                     # back through tanh
        grads["b_h"] += dh_raw
        grads["W_xh"] += np.dot(dh_raw, xs[t].T)
        grads["W_hh"] += np.dot(dh_raw, hs[t - 1].T)
        dh_next = np.dot(p["W_hh"].T, dh_raw)
    for g in grads.values():
        np.clip(g, -clip, clip, out=g)                         # against exploding gradients
    return loss, grads, hs[len(inputs) - 1]


def adagrad(p: dict, grads: dict, memory: dict, lr: float) -> None:
    """min-char-rnn's Adagrad, in place: memory += g^2; p -= lr * g / sqrt(memory + 1e-8)."""
    for key, g in grads.items():
        memory[key] += g * g
        p[key] += -lr * g / np.sqrt(memory[key] + 1e-8)
