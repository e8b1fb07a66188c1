"""Backpropagation through time by hand: what backward() computes is the notes' explicit BPTT sum.

The model is an Elman RNN in the notes' orientation (row vectors multiplied on the left of the
weights, as in the Sharif "Recurrent Neural Networks" slides), with h_0 = 0:
    h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h),   o_t = h_t W_yh + b_y,   yhat_t = softmax(o_t),
    L = sum_t L_t,   L_t = -y_t . log yhat_t      (log loss summed over time; y_t one-hot)
The notes' gradients, evaluated here in plain numpy exactly as written:
    dL/dW_yh = sum_t h_t^T (yhat_t - y_t)    (the notes' (yhat_t - y_t) (x) h_t, laid out as W_yh is)
    dL/db_y  = sum_t (yhat_t - y_t)
    dL/dW_hh = sum_t sum_{k<=t} dL_t/dyhat_t dyhat_t/dh_t  dh_t/dh_k  (dh_k/dW_hh)_{h_{k-1}},
               dh_t/dh_k = prod_{j=k}^{t-1} dh_{j+1}/dh_j,   and likewise for W_xh and b_h,
where (dh_k/dW)_{h_{k-1}} is the "immediate" partial: W's use at step k only, h_{k-1} held fixed.
The demo checks the totals against backward() on L, then every (t, k) term on its own: after
L_t.backward() the pre-activation a_k = x_k W_xh + h_{k-1} W_hh + b_h keeps dL_t/da_k, and
h_{k-1}^T dL_t/da_k is exactly the (t, k) term of dL/dW_hh. The toy task is next-character
prediction on "hello" (min-char-rnn's classic).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

import _common
import tinygrad_rnn as tr
from tinygrad_rnn.nn.functional import cross_entropy


# ---------------------------------------------------------------- the data and the model
def one_hot_text(text: str) -> tuple[np.ndarray, np.ndarray, str]:
    """Inputs x_t (each character but the last) and one-hot targets y_t (the next one): (T, V) each."""
    vocab = "".join(sorted(set(text)))
    codes = np.eye(len(vocab))[[vocab.index(c) for c in text]]
    return codes[:-1], codes[1:], vocab


def init_weights(rng: np.random.Generator, vocab_size: int, hidden: int) -> dict:
    """Small random weights, named as in the notes."""
    shapes = {"W_xh": (vocab_size, hidden), "W_hh": (hidden, hidden), "b_h": (hidden,),
              "W_yh": (hidden, vocab_size), "b_y": (vocab_size,)}
    return {name: tr.Tensor(rng.normal(0.0, 0.5, shape), requires_grad=True) for name, shape in shapes.items()}


def forward(p: dict, x: np.ndarray, y: np.ndarray) -> tuple[tr.Tensor, list, list]:
    """Unroll the RNN with Tensor ops: per-step losses L_t (T,), pre-activations a_t and states h_t."""
    xs, h = tr.Tensor(x), tr.Tensor(np.zeros(p["W_hh"].shape[0]))
    pre, states, logits = [], [], []
    for t in range(len(x)):
        with tr.scope(f"t={t + 1}"):
            a = xs[t] @ p["W_xh"] + h @ p["W_hh"] + p["b_h"]     # (H,)
            h = a.tanh()
            logits.append(h @ p["W_yh"] + p["b_y"])             # o_t, (V,)
        pre.append(a)
        states.append(h)
    losses = cross_entropy(tr.stack(logits), y.argmax(axis=1), reduction="none")   # L_t = -log yhat_t[y_t]
    return losses, pre, states


# ---------------------------------------------------------------- the notes' sums, in plain numpy
def immediate_partial(h_k: np.ndarray, inp: np.ndarray) -> np.ndarray:
    """(dh_k / dM)_{h_{k-1}} for a weight M used as inp @ M at step k: entry [m, n, q] is
    d h_k[m] / d M[n, q] = (1 - h_k[m]^2) inp[n] [q == m], shape (H, len(inp), H)."""
    return np.einsum("m,n,mq->mnq", 1 - h_k ** 2, inp, np.eye(len(h_k)))


def hand_bptt(p: dict, x: np.ndarray, y: np.ndarray) -> tuple[dict, dict]:
    """The notes' gradients and, for W_hh, W_xh and b_h, every (t, k) term of their double sum.

    Returns (totals by name, terms by name with shape (T, T) + weight shape, zero where k > t).
    """
    w = {name: t.data for name, t in p.items()}
    T, H = len(x), w["W_hh"].shape[0]
    hs = [np.zeros(H)]                                      # hs[t] = h_t, with h_0 = 0
    for t in range(T):
        hs.append(np.tanh(x[t] @ w["W_xh"] + hs[-1] @ w["W_hh"] + w["b_h"]))
    o = np.array(hs[1:]) @ w["W_yh"] + w["b_y"]
    yhat = np.exp(o - o.max(axis=1, keepdims=True))
    yhat /= yhat.sum(axis=1, keepdims=True)
    jac = [None] + [np.diag(1 - hs[j] ** 2) @ w["W_hh"].T for j in range(1, T + 1)]   # dh_j/dh_{j-1}, (H, H)
    totals = {name: np.zeros_like(v) for name, v in w.items()}
    terms = {name: np.zeros((T, T) + w[name].shape) for name in ("W_hh", "W_xh", "b_h")}
    for t in range(1, T + 1):
        e = yhat[t - 1] - y[t - 1]                          # dL_t/do_t
        totals["W_yh"] += np.outer(hs[t], e)
        totals["b_y"] += e
        dlt_dht = e @ w["W_yh"].T                           # dL_t/dyhat_t dyhat_t/dh_t, (H,)
        for k in range(1, t + 1):
            dht_dhk = np.eye(H)
            for j in range(t - 1, k - 1, -1):               # prod_{j=k}^{t-1} dh_{j+1}/dh_j, latest first
                dht_dhk = dht_dhk @ jac[j + 1]
            row = dlt_dht @ dht_dhk                         # dL_t/dh_k, (H,)
            for name, inp in (("W_hh", hs[k - 1]), ("W_xh", x[k - 1]), ("b_h", np.ones(1))):
                term = np.einsum("m,mnq->nq", row, immediate_partial(hs[k], inp)).reshape(w[name].shape)
                terms[name][t - 1, k - 1] = term
                totals[name] += term
    return totals, terms


def main(argv: Sequence[str] | None = None) -> dict:
    """Run the lesson; return the gradient differences and the per-step norms."""
    args = _common.parse_args(__doc__, argv)
    rng = _common.seed(args.seed)
    text, hidden = ("hello", 3) if args.quick else ("hello world", 8)
    x, y, vocab = one_hot_text(text)
    p = init_weights(rng, len(vocab), hidden)
    print(f"Elman RNN, hidden size {hidden}, predicting the next character of {text!r} "
          f"(T = {len(x)}, vocabulary {vocab!r}); row vectors, h_t = tanh(x_t W_xh + h_(t-1) W_hh + b_h)")

    losses, pre, states = forward(p, x, y)
    loss = losses.sum()
    loss.backward()                                         # BPTT: the generic backward on the unrolled graph
    grads = {name: q.grad.copy() for name, q in p.items()}
    totals, terms = hand_bptt(p, x, y)
    total_diff = max(float(np.abs(grads[n] - totals[n]).max()) for n in p)
    print(f"\nL = {loss.item():.6f}")
    print("max |backward - hand| over each weight's total gradient:")
    for name in p:
        print(f"  dL/d{name:5s} {np.abs(grads[name] - totals[name]).max():.1e}")

    # term by term: L_t alone, then read dL_t/da_k off each pre-activation the backward pass reached
    term_diff = 0.0
    for t in range(len(x)):
        for q in p.values():
            q.zero_grad()
        losses[t].backward()
        term_diff = max(term_diff, *(float(np.abs(p[n].grad - terms[n][t].sum(0)).max()) for n in terms))
        for k in range(t + 1):
            h_prev = states[k - 1].data if k else np.zeros(hidden)
            from_backward = {"W_hh": np.outer(h_prev, pre[k].grad), "W_xh": np.outer(x[k], pre[k].grad),
                             "b_h": pre[k].grad}
            term_diff = max(term_diff, *(float(np.abs(g - terms[n][t, k]).max()) for n, g in from_backward.items()))

    norms = np.linalg.norm(terms["W_hh"], axis=(2, 3))      # ||(t, k) term of dL/dW_hh||, (T, T)
    per_t = np.linalg.norm(terms["W_hh"].sum(axis=1), axis=(1, 2))   # ||dL_t/dW_hh||
    print("\nPer-time-step contributions to dL/dW_hh: ||dL_t/dW_hh|| and its terms ||k-th term|| (k <= t)")
    print("   t  ||dL_t/dW_hh||   k = " + " ".join(f"{k:>7d}" for k in range(1, len(x) + 1)))
    for t in range(len(x)):
        print(f"  {t + 1:2d}  {per_t[t]:14.6f}       " + " ".join(f"{v:7.4f}" for v in norms[t, :t + 1]))
    print(f"  ||dL/dW_hh|| = {np.linalg.norm(totals['W_hh']):.6f}. The k = t term is W_hh's direct use at step t;"
          " smaller k reach back\n  through dh_t/dh_k. The k = 1 terms are zero: W_hh's immediate partial at step 1"
          " is h_0^T (...) and h_0 = 0.")
    print(f"max |backward - hand| over every (t, k) term of dL/dW_hh, dL/dW_xh, dL/db_h: {term_diff:.1e}")
    print(f"max |backward - hand| over the total gradients: {total_diff:.1e}")

    lags = np.arange(len(x) - 1)                            # k >= 2 only: the k = 1 terms are zero
    mean_by_lag = [float(np.mean([norms[t, t - lag] for t in range(lag + 1, len(x))])) for lag in lags]
    _common.plot({"mean ||(t, t-lag) term||": mean_by_lag}, _common.out_dir(args.out) / "bptt_by_hand.png",
                 "How far back each BPTT term reaches", xlabel="lag t - k", ylabel="norm", x=lags, logy=True)
    return {"loss": loss.item(), "total_diff": total_diff, "term_diff": term_diff, "norm_per_t": per_t,
            "term_norms": norms, "grads": grads, "hand": totals}


if __name__ == "__main__":
    main()
