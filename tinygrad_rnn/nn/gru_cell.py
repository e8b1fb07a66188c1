"""GRUCell: the gated recurrent unit, one time step, in both of its published forms.

reset_after=True is PyTorch's nn.GRUCell (the reset gate multiplies W_hn h + b_hn); reset_after=False
is the form of Cho et al. (2014) and of the lecture notes (the reset gate multiplies h before the
matmul). They are different models with the same parameters.
"""
from __future__ import annotations

from ..tensor import Tensor
from .cell import RecurrentCell
from .functional import linear


class GRUCell(RecurrentCell):
    """One GRU step, gate order (r, z, n):

        r = sigmoid(x_r + h_r)                  reset gate
        z = sigmoid(x_z + h_z)                  update gate (keeps the old state)
        n = tanh(x_n + r * h_n)                 candidate state, reset_after=True (PyTorch)
        n = tanh(x_n + W_hn (r * h_prev) + b_hn)    candidate state, reset_after=False (Cho et al.)
        h = (1 - z) * n + z * h_prev

    where x (B, I) is the input and h_prev (B, H) the previous hidden state; x_r = W_ir x + b_ir,
    x_z = W_iz x + b_iz, x_n = W_in x + b_in are the input parts and h_r = W_hr h_prev + b_hr,
    h_z = W_hz h_prev + b_hz, h_n = W_hn h_prev + b_hn the recurrent parts (B, H); W_ir, W_iz, W_in
    are the row blocks of weight_ih (3H, I), W_hr, W_hz, W_hn of weight_hh (3H, H), and the b_* of
    bias_ih, bias_hh (3H,); h (B, H) is the new hidden state. The lectures' update gate u is 1 - z
    (h = u * n + (1 - u) * h_prev): z says how much to keep, u how much to renew. b_hn sits inside the
    reset product when reset_after=True, so b_hh is never folded into the input projection. An
    unbatched x (I,) gives h (H,). `forward(x, h_prev=None)` returns h.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, reset_after: bool = True):
        self.reset_after = bool(reset_after)
        super().__init__(input_size, hidden_size, bias, num_gates=3)

    def input_bias(self) -> Tensor | None:
        """Only b_ih goes into project(): b_hh stays with the recurrent matmul (b_hn is reset-gated)."""
        return self.bias_ih

    def recurrent(self, h: Tensor, rows: slice = slice(None)) -> Tensor:
        """W_hh[rows] h + b_hh[rows]: the recurrent part of the gate rows `rows` (default: all 3H)."""
        w, b = self.weight_hh, self.bias_hh
        if rows != slice(None):
            w, b = w[rows], (None if b is None else b[rows])
        return linear(h, w, b)

    def step(self, x_proj: Tensor, h_prev: Tensor) -> Tensor:
        """h from x_proj = W_ih x + b_ih (..., 3H) and h_prev (..., H)."""
        H = self.hidden_size
        x_r, x_z, x_n = self.split_gates(x_proj)
        if self.reset_after:
            h_r, h_z, h_n = self.split_gates(self.recurrent(h_prev))      # one linear for all gates
            r = (x_r + h_r).sigmoid()
            z = (x_z + h_z).sigmoid()
            n = (x_n + r * h_n).tanh()
        else:
            h_rz = self.recurrent(h_prev, slice(0, 2 * H))                # (..., 2H): h_r, h_z
            r = (x_r + h_rz[..., :H]).sigmoid()
            z = (x_z + h_rz[..., H:]).sigmoid()
            n = (x_n + self.recurrent(r * h_prev, slice(2 * H, 3 * H))).tanh()
        h = n + z * (h_prev - n)                  # (1 - z) * n + z * h_prev, as PyTorch computes it: 3 ops, not 4
        return h

    gate_names = ("r", "z", "n")        # row order of the packed weights; split_gates names the blocks

    def extra_repr(self) -> str:
        return super().extra_repr() + ("" if self.reset_after else ", reset_after=False")
