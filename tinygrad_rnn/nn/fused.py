"""Fused cell steps: one graph node per time step, with a hand-written local backward (opt-in).

The cells in rnn_cell.py, lstm_cell.py and gru_cell.py build each step from Tensor ops, 15
nodes for an LSTM step, and backpropagation through time falls out of the generic backward(). That
composed path is the lesson and the drawing, and it stays the default. Fusing trades it for speed:
`fused_step(cell, x_proj, state)` computes exactly the same function as `cell.step(x_proj, state)`
in numpy and records it as a single node ("rnn_cell", "lstm_cell" or "gru_cell") whose backward is
written out below. The sequence layers use it when built with `fused=True`; tests/test_fused.py
checks it against the composed path to round-off. Its parents are x_proj (the input part, (B, G*H)
or unbatched (G*H,)), h_prev, c_prev (LSTM), W = weight_hh (G*H, H) and, for the GRU, b = bias_hh.

Local backward, with g_h the gradient of the new h (and g_c of the new c), s' = s (1 - s) for a
sigmoid output s, tanh' = 1 - tanh^2, and da the gradient of the packed pre-activation:

    RNN   a = x_proj + h_prev W^T,  h = tanh(a) or relu(a)
          da = g_h * (1 - h^2)  (relu: g_h * [a > 0])
    LSTM  a = x_proj + h_prev W^T = [a_i, a_f, a_g, a_o];  c = f * c_prev + i * g;  h = o * tanh(c)
          dc = g_c + g_h * o * (1 - tanh(c)^2)
          da_i = dc * g * i(1-i)    da_f = dc * c_prev * f(1-f)
          da_g = dc * i * (1-g^2)   da_o = g_h * tanh(c) * o(1-o)
          dc_prev = dc * f
    both  dx_proj = da,  dh_prev = da W,  dW = da^T h_prev
    GRU   r, z = sigmoid(x_r + W_hr h_prev + b_hr), sigmoid(x_z + W_hz h_prev + b_hz);
          h = (1 - z) * n + z * h_prev, so
          dn = g_h * (1 - z),  dz = g_h * (h_prev - n),  da_n = dn * (1 - n^2),  da_z = dz * z(1-z)
      reset_after=True:  n = tanh(x_n + r * h_n), h_n = W_hn h_prev + b_hn
          dr = da_n * h_n,  dh_n = da_n * r,  da_r = dr * r(1-r)
          dx_proj = [da_r, da_z, da_n];  dq = [da_r, da_z, dh_n] (q = h_prev W^T + b, all 3H rows)
          dh_prev = g_h * z + dq W,  dW = dq^T h_prev,  db = sum over the batch of dq
      reset_after=False: n = tanh(x_n + W_hn (r * h_prev) + b_hn)
          d(r*h_prev) = da_n W_hn,  dr = d(r*h_prev) * h_prev,  da_r = dr * r(1-r)
          dx_proj = [da_r, da_z, da_n] = da
          dh_prev = g_h * z + d(r*h_prev) * r + [da_r, da_z] W_hrz
          dW_hrz = [da_r, da_z]^T h_prev,  dW_hn = da_n^T (r * h_prev),  db = sum over the batch of da

A gradient is computed only for a parent that required grad when the step ran. The closures keep
arrays (the gates, the previous state's data, W), never the output node, so no cycle is made.

Inside a sequence layer a step is called with `seq` = (SequenceGrad, t): its parent is then the whole
sequence's x_proj (T, B, G*H), of which it reads row t, and it writes da into row t of one array that
the sequence's steps share, instead of a new one (nn/sequence_grad.py: x_proj's gradient is that array,
and W_hh's is its rows times the h_{t-1}, where the plain way copied every da twice).
"""
from __future__ import annotations

import functools

import numpy as np

from ..matmul import ProductGrad
from ..tensor import Tensor, sigmoid
from .cell import RecurrentCell
from .gru_cell import GRUCell
from .lstm_cell import LSTMCell
from .rnn_cell import RNNCell
from .sequence_grad import SequenceProduct, SequenceRows

SUPPORTED = "RNNCell, LSTMCell(variant='standard') and GRUCell"


def check_fusable(cell: RecurrentCell, owner: str = "fused_step") -> None:
    """Raise unless `cell` is exactly an RNNCell, a standard LSTMCell or a GRUCell. The class must
    match exactly: a subclass may redefine step(), which the fused op would silently ignore."""
    kind = type(cell)
    if kind not in _STEPS:
        raise TypeError(f"{owner}: fused=True supports only {SUPPORTED} (exactly these classes: a subclass "
                        f"may redefine step()), got {kind.__name__}")
    if kind is LSTMCell and cell.variant != "standard":
        raise ValueError(f"{owner}: fused=True supports only {SUPPORTED}, got LSTMCell(variant={cell.variant!r})")


def step_function(cell: RecurrentCell, owner: str = "fused_step"):
    """`(x_proj, state, seq=None) -> new state`: the fused step of `cell`, checked once here rather than at
    every step (what the sequence layers call inside their time loop, with seq = (SequenceGrad, t))."""
    check_fusable(cell, owner)
    return functools.partial(_STEPS[type(cell)], cell)


def fused_step(cell: RecurrentCell, x_proj: Tensor, state) -> Tensor | tuple:
    """`cell.step(x_proj, state)` recorded as one graph node with a hand-written backward.

    x_proj is cell.project(x) at this step, (B, G*H) or unbatched (G*H,); state is h_prev, or
    (h_prev, c_prev) for the LSTM, each (B, H) or (H,). Returns the new state in the same form.
    """
    step = step_function(cell)
    G, H = cell.num_gates, cell.hidden_size
    if not isinstance(x_proj, Tensor):
        raise TypeError(f"fused_step expected x_proj to be a Tensor, got {type(x_proj).__name__}")
    if x_proj.ndim not in (1, 2) or x_proj.shape[-1] != G * H:
        raise ValueError(f"fused_step expected x_proj of shape (B, {G * H}) or unbatched ({G * H},) "
                         f"({G} gates of hidden_size {H}: cell.project(x)), got {x_proj.shape}")
    cell.check_state(state, x_proj.shape[0] if x_proj.ndim == 2 else None)
    return step(x_proj, state)


def _rows(v: np.ndarray) -> np.ndarray:
    """v as a 2-D batch of rows: an unbatched (n,) step is a batch of one row (1, n)."""
    return v.reshape(-1, v.shape[-1])


def _weight_grad(d: np.ndarray, v: np.ndarray) -> ProductGrad:
    """d^T v summed over the batch, (rows, H) from d (B, rows) and v (B, H), left as a ProductGrad so
    the engine sums the T steps' products of a shared weight as one."""
    return ProductGrad(_rows(d), _rows(v))


def _input_part(x_proj: Tensor, seq) -> np.ndarray:
    """This step's x_proj data: all of it, or row t of the sequence's (T, B, G*H)."""
    return x_proj._data if seq is None else x_proj._data[seq[1]]


def _new_da(like: np.ndarray, seq) -> np.ndarray:
    """Where the step writes da: a new array like `like`, or its row of the sequence's shared gradient."""
    return np.empty_like(like) if seq is None else seq[0].row(seq[1])


def _input_grad(da: np.ndarray, seq):
    """x_proj's gradient: da itself, or row t of the sequence's gradient (which da was written into)."""
    return da if seq is None else SequenceRows(*seq)


def _recurrent_grad(da: np.ndarray, hp: np.ndarray, seq):
    """W's gradient da^T h_prev: a ProductGrad, or a SequenceProduct (row t of the shared gradient)."""
    return _weight_grad(da, hp) if seq is None else SequenceProduct(*seq, _rows(hp))


def _batch_sum(d: np.ndarray) -> np.ndarray:
    """The gradient of a bias added to every row: d summed over the batch axis (if there is one)."""
    return d.sum(axis=0) if d.ndim == 2 else d


def _rnn_step(cell: RNNCell, x_proj: Tensor, h_prev: Tensor, seq=None) -> Tensor:
    """One Elman step as one node; keeps h_prev's data, W, and h (tanh) or the pre-activation a (relu)."""
    hp, w = h_prev._data, cell.weight_hh._data
    a = _input_part(x_proj, seq) + np.dot(hp, w.T)                          # (..., H)
    tanh = cell.nonlinearity == "tanh"
    h = np.tanh(a) if tanh else np.maximum(a, 0)
    parents = (x_proj, h_prev, cell.weight_hh)
    need_x, need_h, need_w = (p.requires_grad for p in parents)

    def backward(g):
        da = np.multiply(g, 1 - h * h if tanh else a > 0, out=_new_da(h, seq))
        return (_input_grad(da, seq) if need_x else None, np.dot(da, w) if need_h else None,
                _recurrent_grad(da, hp, seq) if need_w else None)
    return x_proj._child(h, parents, backward, "rnn_cell")


def _lstm_step(cell: LSTMCell, x_proj: Tensor, state: tuple, seq=None) -> tuple:
    """One standard LSTM step as one node whose output packs hc = [h, c] (..., 2H); h and c are its two
    halves (basic slices, whose gradients the engine writes straight into hc's). Keeps the gates
    i, f, g, o, tanh(c), and the data of h_prev, c_prev and W."""
    h_prev, c_prev = state
    H = cell.hidden_size
    hp, cp, w = h_prev._data, c_prev._data, cell.weight_hh._data
    a = _input_part(x_proj, seq) + np.dot(hp, w.T)                          # (..., 4H)
    s = sigmoid(a)                                                        # the gates i, f, g, o:
    s[..., 2 * H:3 * H] = np.tanh(a[..., 2 * H:3 * H])                    # g's block is a tanh
    i, f, g, o = s[..., :H], s[..., H:2 * H], s[..., 2 * H:3 * H], s[..., 3 * H:]
    c = f * cp + i * g
    tc = np.tanh(c)
    h = o * tc
    parents = (x_proj, h_prev, c_prev, cell.weight_hh)
    need_x, need_h, need_c, need_w = (p.requires_grad for p in parents)

    def backward(ghc):
        gh, gc = ghc[..., :H], ghc[..., H:]
        dc = gc + gh * o * (1 - tc * tc)
        slope = s * (1 - s)                                                # i(1-i), f(1-f), _, o(1-o)
        slope[..., 2 * H:3 * H] = 1 - g * g                                # tanh' for g
        # the gradients of the activations i, f, g, o, times their slopes: (..., 4H) [da_i, da_f, da_g, da_o]
        da = np.concatenate([dc * g, dc * cp, dc * i, gh * tc], axis=-1, out=_new_da(s, seq))
        da *= slope
        return (_input_grad(da, seq) if need_x else None, np.dot(da, w) if need_h else None,
                dc * f if need_c else None, _recurrent_grad(da, hp, seq) if need_w else None)
    hc = x_proj._child(np.concatenate([h, c], axis=-1), parents, backward, "lstm_cell")
    return hc[..., :H], hc[..., H:]


def _gru_step(cell: GRUCell, x_proj: Tensor, h_prev: Tensor, seq=None) -> Tensor:
    """One GRU step (either reset_after form) as one node. Keeps r, z, n, the data of h_prev and W, and
    for the reset product h_n (reset_after=True) or r * h_prev (reset_after=False)."""
    H, after = cell.hidden_size, cell.reset_after
    x, hp, w = _input_part(x_proj, seq), h_prev._data, cell.weight_hh._data
    has_b = cell.bias_hh is not None
    b = cell.bias_hh._data if has_b else None
    rows = slice(None) if after else slice(0, 2 * H)                       # the rows applied to h_prev
    q = np.dot(hp, w[rows].T)                                              # (..., 3H) or (..., 2H)
    q = q if b is None else q + b[rows]
    rz = sigmoid(x[..., :2 * H] + q[..., :2 * H])
    r, z = rz[..., :H], rz[..., H:]
    if after:
        h_n = q[..., 2 * H:]                                               # W_hn h_prev + b_hn
        n = np.tanh(x[..., 2 * H:] + r * h_n)
    else:
        rh = r * hp
        n_rec = np.dot(rh, w[2 * H:].T)                                    # W_hn (r * h_prev)
        n = np.tanh(x[..., 2 * H:] + (n_rec if b is None else n_rec + b[2 * H:]))
    h = (1 - z) * n + z * hp
    parents = (x_proj, h_prev, cell.weight_hh) + ((cell.bias_hh,) if has_b else ())
    need_x, need_h, need_w = (p.requires_grad for p in parents[:3])
    need_b = has_b and cell.bias_hh.requires_grad

    def backward(gh):
        dn = gh * (1 - z)
        dz = gh * (hp - n)
        da = _new_da(x, seq)                                               # (..., 3H): [da_r, da_z, da_n]
        dan = dn * (1 - n * n)
        da[..., 2 * H:] = dan
        da[..., H:2 * H] = dz * z * (1 - z)
        if after:
            da[..., :H] = dan * h_n * r * (1 - r)
            dq = da.copy()                                                 # the recurrent rows' gradient
            dq[..., 2 * H:] = dan * r
            dh = gh * z + np.dot(dq, w) if need_h else None
            dw = _weight_grad(dq, hp) if need_w else None
        else:
            drh = np.dot(dan, w[2 * H:])                                   # d(r * h_prev)
            da[..., :H] = drh * hp * r * (1 - r)
            dq = da
            dh = gh * z + drh * r + np.dot(da[..., :2 * H], w[:2 * H]) if need_h else None
            # two blocks of rows with different right factors (h_prev, r * h_prev): made here, not deferred
            dw = np.concatenate([np.dot(_rows(da[..., :2 * H]).T, _rows(hp)),
                                 np.dot(_rows(dan).T, _rows(rh))]) if need_w else None
        grads = (_input_grad(da, seq) if need_x else None, dh, dw)
        return grads + ((_batch_sum(dq) if need_b else None,) if has_b else ())
    return x_proj._child(h, parents, backward, "gru_cell")


_STEPS = {RNNCell: _rnn_step, LSTMCell: _lstm_step, GRUCell: _gru_step}
