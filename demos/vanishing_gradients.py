"""Vanishing gradients: how much of the last step's loss gradient reaches back k steps, and why.

What it shows, in order (the notes' "Issues with the vanilla RNNs", "Exponential forgetting",
"The identity relationship" and "LSTM: handling the vanishing gradients"):
1. Exponential forgetting: with the feedback U = 1/2 and a linear g, h_t = U h_{t-1} decays as
   (1/2)^t, and so does the gradient dh_T/dh_k = (1/2)^(T-k). Computed with Values: exact powers of 2.
2. The bound behind it (Pascanu et al., 2013, quoted in the notes). For h_t = g(W_ih x_t + W_hh h_{t-1} + b)
       dh_t/dh_{t-1} = diag(g'(a_t)) W_hh,   |g'| <= gamma  (gamma = 1 for tanh, 1/4 for sigmoid)
   so ||dh_T/dh_k|| <= (gamma lambda_1)^(T-k), lambda_1 the largest singular value of W_hh:
   lambda_1 < 1/gamma is enough for the gradient to vanish, lambda_1 > 1/gamma is needed to explode.
   Four vanilla RNNs, W_hh = lambda_1 times a random orthogonal matrix (every singular value is
   lambda_1), on each side of 1/gamma for tanh and sigmoid. The loss is L_T = u . h_T with a fixed
   unit vector u, so ||dL_T/dh_T|| = 1 and ||dL_T/dh_k|| is the fraction of gradient that is left.
3. The LSTM. Through the cell state the gradient is multiplied by the forget gate at every step
   (the notes: Grad ~ L' D(o_t tanh'(C_t)) D(f_t) ... D(f_{k+1})). At PyTorch's initialisation f is
   about 1/2, exponential forgetting again; with the forget gate's bias raised by 3 (f about 0.95, the
   notes' "remember what it knows" setting f ~ 1) the gradient fades far less.
4. The identity relationship h_t = h_{t-1} + F(x_t): dh_t/dh_{t-1} = I exactly, so nothing fades
   (constant error flow, the LSTM's constant error carousel), checked with analysis.jacobian.
The per-step norms are read off the generic backward with tinygrad_rnn.analysis.grad_norms; the
Jacobians dh_T/dh_k with analysis.jacobian_singular_values. Pictures: the norm against T - k (log
scale) and the gradient-coloured cell-level drawings of the tanh RNN (lambda_1 = 0.5) and the LSTM.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import numpy as np

import _common
import tinygrad_rnn as tr
import tinygrad_rnn.viz  # noqa: F401  (tr.viz: the drawings)
from tinygrad_rnn.analysis import grad_norms, jacobian, jacobian_singular_values

GAMMA = {"tanh": 1.0, "sigmoid": 0.25}        # max |g'|: the notes' gamma
NETS = (                                      # (label, cell, lambda_1 of W_hh or the LSTM's forget bias)
    ("tanh RNN, lambda_1 = 0.5", "tanh", 0.5),
    ("tanh RNN, lambda_1 = 2", "tanh", 2.0),
    ("sigmoid RNN, lambda_1 = 2", "sigmoid", 2.0),
    ("sigmoid RNN, lambda_1 = 8", "sigmoid", 8.0),
    ("LSTM, PyTorch init", "lstm", 0.0),
    ("LSTM, forget bias +3", "lstm", 3.0),
)
DRAWN = {"tanh RNN, lambda_1 = 0.5": "rnn", "LSTM, forget bias +3": "lstm"}


# ---------------------------------------------------------------- 1. exponential forgetting
def exponential_forgetting(steps: int, feedback: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """h_t = U h_{t-1} from h_0 = 1 with Values: (h_0..h_T, dh_T/dh_t for t = 0..T)."""
    hs = [tr.Value(1.0)]
    for _ in range(steps):
        hs.append(feedback * hs[-1])
    hs[-1].backward()
    return np.array([h.data for h in hs]), np.array([h.grad for h in hs])


# ---------------------------------------------------------------- 2. and 3. the nets
def scaled_orthogonal(rng: np.random.Generator, size: int, top: float) -> np.ndarray:
    """top * Q with Q a random orthogonal matrix: every singular value equals `top`."""
    q, r = np.linalg.qr(rng.normal(size=(size, size)))
    return top * q * np.sign(np.diag(r))


def build(kind: str, value: float, sizes: tuple, rng: np.random.Generator) -> tuple:
    """(cell, step(x, state) -> state, initial state) for one row of NETS."""
    inputs, hidden = sizes
    if kind == "lstm":
        cell = tr.nn.LSTMCell(inputs, hidden)
        cell.bias_ih.data[hidden:2 * hidden] += value            # gate order (i, f, g, o): the f block
        return cell, cell, cell.init_state()
    cell = tr.nn.RNNCell(inputs, hidden)
    cell.weight_hh.data[...] = scaled_orthogonal(rng, hidden, value)
    if kind == "tanh":
        return cell, cell, cell.init_state()
    return cell, lambda x, h: (cell.project(x) + h @ cell.weight_hh.T).sigmoid(), cell.init_state()


def unroll(name: str, step: Callable, state, xs: np.ndarray) -> list:
    """Run `step` over the rows of xs, one scope per time step (one box each in the drawing)."""
    states = []
    with tr.scope(f"{name}.l0"):
        for t, x in enumerate(xs, 1):
            with tr.scope(f"t={t}"):
                state = step(tr.Tensor(x), state)
            states.append(state)
    return states


def forget_gates(cell: tr.nn.LSTMCell, xs: np.ndarray, states: list) -> np.ndarray:
    """The forget gates f_t = sigmoid(a_f) of every step, recomputed from the kept states: (T, H)."""
    with tr.no_grad():
        h_prev = [cell.init_state()[0]] + [h for h, _ in states[:-1]]
        a = [cell.project(tr.Tensor(x)) + h @ cell.weight_hh.T for x, h in zip(xs, h_prev)]
        return np.array([cell.split_gates(a_t)[1].sigmoid().data for a_t in a])


def study(label: str, kind: str, value: float, xs: np.ndarray, u: np.ndarray, lags: list,
          rng: np.random.Generator, out: Path) -> dict:
    """Unroll one net, backpropagate L_T = u . h_T, and measure how the gradient fades with T - k."""
    cell, step, state = build(kind, value, (xs.shape[1], len(u)), rng)
    states = unroll("LSTM" if kind == "lstm" else "RNN", step, state, xs)
    hs = [s[0] for s in states] if kind == "lstm" else states
    loss = (hs[-1] * tr.Tensor(u)).sum()
    loss.backward()
    row = {"norms": grad_norms(hs)[::-1],            # ||dL_T/dh_k|| at lag T - k = 0, 1, ...
           "h": np.array([h.data for h in hs])}
    if kind == "lstm":
        row["c_norms"] = grad_norms([c for _, c in states])[::-1]
        f = forget_gates(cell, xs, states)
        row["forget"], row["forget_product"] = f.mean(), f[1:].prod(axis=0).mean()   # prod over t = 2..T
    else:
        row["W_hh"] = cell.weight_hh.data.copy()
        row["bound"] = [(GAMMA[kind] * value) ** lag for lag in lags]
    if label in DRAWN:
        written = _common.render(loss, out / f"vanishing_gradients_{DRAWN[label]}.svg", detail="cell", show_grad=True)
        if written is not None:
            row["drawing"] = str(written)
    T = len(hs)
    row["sigma_max"] = [jacobian_singular_values(hs[-1], hs[T - 1 - lag])[0] for lag in lags]
    return row


# ---------------------------------------------------------------- 4. the identity relationship
def identity_relationship(xs: np.ndarray, u: np.ndarray) -> dict:
    """h_t = h_{t-1} + F(x_t), F(x) = tanh(W x + b): step Jacobians, dh_T/dh_1, and ||dL_T/dh_k||."""
    F = tr.nn.Linear(xs.shape[1], len(u))
    states = unroll("identity", lambda x, h: h + F(x).tanh(), tr.Tensor(np.zeros(len(u))), xs)
    (states[-1] * tr.Tensor(u)).sum().backward()
    norms = grad_norms(states)
    eye = np.eye(len(u))
    steps = [jacobian(states[t], states[t - 1]) for t in range(1, len(states))]
    error = max(float(np.abs(J - eye).max()) for J in steps + [jacobian(states[-1], states[0])])
    return {"norms": norms, "error": error}


def main(argv: Sequence[str] | None = None) -> dict:
    """Run the lesson; return the forgetting example, each net's gradient norms, and the identity check."""
    args = _common.parse_args(__doc__, argv)
    rng = _common.seed(args.seed)
    inputs, hidden, T = (3, 8, 20) if args.quick else (4, 16, 50)
    out = _common.out_dir(args.out)

    h, dh = exponential_forgetting(10)
    print("1. Exponential forgetting (the notes' U = 1/2, g linear): h_t = (1/2) h_(t-1), h_0 = 1")
    print("  t           " + " ".join(f"{t:>9d}" for t in range(0, 11, 2)))
    print("  h_t         " + " ".join(f"{v:9.6f}" for v in h[::2]))
    print("  dh_10/dh_t  " + " ".join(f"{v:9.6f}" for v in dh[::2]))
    print(f"  h_10 = {h[-1]} = 1/{1 / h[-1]:.0f} = (1/2)^10: the state fades, and the gradient with it.")

    xs = rng.normal(size=(T, inputs))
    u = rng.normal(size=hidden)
    u /= np.linalg.norm(u)
    lags = sorted({1, 2, 5, T // 4, T // 2, 3 * T // 4, T - 1})
    print(f"\n2-3. L_T = u . h_T after T = {T} steps (hidden {hidden}, inputs N(0, 1)); "
          f"||dL_T/dh_T|| = ||u|| = 1, so ||dL_T/dh_k|| is what is left after T - k steps back")
    rows = {label: study(label, kind, value, xs, u, lags, rng, out) for label, kind, value in NETS}
    print("  ||dL_T/dh_k||" + " " * 17 + " ".join(f"{'T-k=' + str(lag):>8s}" for lag in lags))
    for label, row in rows.items():
        print(f"  {label:29s}" + " ".join(f"{row['norms'][lag]:8.1e}" for lag in lags))
    print("  largest singular value of dh_T/dh_k, and the bound (gamma lambda_1)^(T-k):")
    for label, row in rows.items():
        print(f"  {label:29s}" + " ".join(f"{v:8.1e}" for v in row["sigma_max"]))
        if "bound" in row:
            print(f"  {'   bound':29s}" + " ".join(f"{v:8.1e}" for v in row["bound"]))
    for label, row in rows.items():
        if "forget" in row:
            print(f"  {label}: mean forget gate {row['forget']:.3f}; ||dL_T/dc_1|| / ||dL_T/dc_T|| = "
                  f"{row['c_norms'][-1] / row['c_norms'][0]:.1e}; the notes' cell-state path alone, "
                  f"f_2 ... f_T (mean over units) = {row['forget_product']:.1e}")
    print("  Below 1/gamma (1 for tanh, 4 for sigmoid) every singular value stays under the bound and the"
          " gradient vanishes;\n  above it the gradient may survive or grow: lambda_1 > 1/gamma is necessary"
          " for exploding, not sufficient.")

    identity = identity_relationship(xs, u)
    print("\n4. The identity relationship h_t = h_(t-1) + tanh(W x_t + b):")
    print(f"  max |dh_t/dh_(t-1) - I| over every t, and |dh_T/dh_1 - I|: {identity['error']:.1e}")
    print(f"  ||dL_T/dh_k|| for every k: min {identity['norms'].min():.15f}, max {identity['norms'].max():.15f}")

    series = {label: row["norms"] for label, row in rows.items()}
    series["h_t = h_(t-1) + F(x_t)"] = identity["norms"][::-1]
    _common.plot(series, out / "vanishing_gradients.png", "How much gradient reaches back T - k steps",
                 xlabel="T - k", ylabel="||dL_T/dh_k||", x=np.arange(T), logy=True)
    return {"forgetting": {"h": h, "grad": dh}, "T": T, "lags": lags, "u": u, "nets": rows,
            "identity": identity}


if __name__ == "__main__":
    main()
