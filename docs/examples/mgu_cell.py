"""A new recurrent cell written from scratch: the minimal gated unit (MGU).

Zhou, Wu, Zhang and Zhou, "Minimal Gated Unit for Recurrent Neural Networks" (2016), keep a single
gate f that both picks the part of h_prev the candidate may read (the GRU's reset gate) and mixes
the candidate into the new state (the GRU's update gate). Everything the sequence layer needs comes
from RecurrentCell: this file only sets the number of gates and writes `step`, and MGU is a
RecurrentLayer that says which cell to unroll. Stacking, bidirectionality, `lengths`, drawing scopes
and truncated BPTT then work unchanged, and no line of the library was edited.
"""
from __future__ import annotations

from tinygrad_rnn import Tensor
from tinygrad_rnn.nn import RecurrentCell, RecurrentLayer


class MGUCell(RecurrentCell):
    """One MGU step, gate order (f, n):

        f = sigmoid(x_f + W_hf h_prev)               forget gate
        n = tanh(x_n + W_hn (f * h_prev))            candidate state, reads the gated h_prev
        h = (1 - f) * h_prev + f * n

    where x_f = W_if x + b_if + b_hf and x_n = W_in x + b_in + b_hn (B, H) are the input parts made
    by project(); W_if, W_in are the row blocks of weight_ih (2H, I), W_hf, W_hn of weight_hh (2H, H),
    and the biases those of bias_ih, bias_hh (2H,). b_hn sits outside the gated product, so both
    biases fold into project() as for the LSTM. x (B, I) is the input, h_prev (B, H) the previous
    hidden state, h (B, H) the new one; * is the elementwise product. `forward(x, h_prev=None)`
    returns h.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True):
        super().__init__(input_size, hidden_size, bias, num_gates=2)

    def step(self, x_proj: Tensor, h_prev: Tensor) -> Tensor:
        """h from x_proj = W_ih x + b_ih + b_hh (..., 2H) and h_prev (..., H)."""
        H = self.hidden_size
        x_f, x_n = self.split_gates(x_proj)
        f = (x_f + h_prev @ self.weight_hh[:H].T).sigmoid()
        n = (x_n + (f * h_prev) @ self.weight_hh[H:].T).tanh()
        h = (1 - f) * h_prev + f * n
        return h


class MGU(RecurrentLayer):
    """MGU layers unrolled over time, with the arguments and shapes of tr.nn.GRU (see RecurrentLayer);
    forward(x, hx=None, lengths=None) -> (output, h_n)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False):
        super().__init__(MGUCell, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional)
