"""RNNCell: the Elman recurrent cell, one time step (PyTorch's nn.RNNCell layout)."""
from __future__ import annotations

from ..tensor import Tensor
from .cell import RecurrentCell
from .functional import linear

NONLINEARITIES = ("tanh", "relu")


class RNNCell(RecurrentCell):
    """One step of the Elman network:

        a = W_ih x + b_ih + W_hh h_prev + b_hh
        h = tanh(a)                       (or relu(a) with nonlinearity='relu')

    where x (B, I) is the input at this step, h_prev (B, H) the previous hidden state, a (B, H) the
    pre-activation, h (B, H) the new hidden state; W_ih = weight_ih (H, I), W_hh = weight_hh (H, H),
    b_ih = bias_ih and b_hh = bias_hh (H,). The lectures' W_xh, W_hh, b_h are W_ih, W_hh, b_ih + b_hh.
    An unbatched x (I,) gives h (H,). `forward(x, h_prev=None)` returns h.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh"):
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(f"{type(self).__name__}: nonlinearity must be one of {NONLINEARITIES}, "
                             f"got {nonlinearity!r}")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, num_gates=1)

    def step(self, x_proj: Tensor, h_prev: Tensor) -> Tensor:
        """h from x_proj = W_ih x + b_ih + b_hh (..., H) and h_prev (..., H)."""
        a = linear(h_prev, self.weight_hh, x_proj)      # x_proj + h_prev W_hh^T (..., H), one node
        h = a.tanh() if self.nonlinearity == "tanh" else a.relu()
        return h

    def extra_repr(self) -> str:
        extra = "" if self.nonlinearity == "tanh" else f", nonlinearity={self.nonlinearity!r}"
        return super().extra_repr() + extra
