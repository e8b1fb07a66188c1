"""LSTMCell: the long short-term memory cell and the lectures' three variants, one time step each, and
ProjectedLSTMCell, the cell of PyTorch's LSTM(proj_size=...) (LSTMP: Sak, Senior & Beaufays, 2014).

'standard' is PyTorch's nn.LSTMCell (same parameter names, shapes and gate order); 'peephole' (Gers &
Schmidhuber, 2000), 'coupled' input/forget gates, and 'no_forget' (the original cell of Hochreiter &
Schmidhuber, 1997) are the variants in the lecture notes.
"""
from ..tensor import Tensor
from .cell import RecurrentCell
from .checks import check_proj_size
from .functional import linear

VARIANTS = ("standard", "peephole", "coupled", "no_forget")
_GATES = {"standard": "ifgo", "peephole": "ifgo", "coupled": "fgo", "no_forget": "igo"}   # row order


class LSTMCell(RecurrentCell):
    """One LSTM step. The packed pre-activation a = W_ih x + b_ih + W_hh h_prev + b_hh (B, G*H) is cut
    row-wise into gate blocks a_i, a_f, a_g, a_o (B, H) in the variant's gate order, then:

    variant='standard'  gate order (i, f, g, o), G = 4:
        i = sigmoid(a_i)                    input gate
        f = sigmoid(a_f)                    forget gate
        g = tanh(a_g)                       candidate cell state (the notes' C~)
        o = sigmoid(a_o)                    output gate
        c = f * c_prev + i * g
        h = o * tanh(c)

    variant='peephole'  gate order (i, f, g, o), G = 4, plus diagonal peephole weights: the input and
    forget gates see c_prev, the output gate sees the new c:
        i = sigmoid(a_i + w_ci * c_prev)
        f = sigmoid(a_f + w_cf * c_prev)
        g = tanh(a_g)
        c = f * c_prev + i * g
        o = sigmoid(a_o + w_co * c)
        h = o * tanh(c)

    variant='coupled'  gate order (f, g, o), G = 3: the input gate is 1 - f, so it has no weights:
        f, g, o as in 'standard'
        c = f * c_prev + (1 - f) * g
        h = o * tanh(c)

    variant='no_forget'  gate order (i, g, o), G = 3: the 1997 cell, no forget gate; c only accumulates:
        i, g, o as in 'standard'
        c = c_prev + i * g
        h = o * tanh(c)

    where x (B, I) is the input, h_prev and c_prev (B, H) the previous hidden and cell states, h and c
    (B, H) the new ones; W_ih = weight_ih (G*H, I), W_hh = weight_hh (G*H, H), b_ih = bias_ih and
    b_hh = bias_hh (G*H,); w_ci, w_cf, w_co = weight_ci, weight_cf, weight_co (H,) exist only for
    'peephole' and multiply elementwise; * is the elementwise product. An unbatched x (I,) works with
    (H,) states. `forward(x, (h_prev, c_prev)=None)` returns (h, c).
    """

    state_names = ("h", "c")

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, variant: str = "standard"):
        if variant not in VARIANTS:
            raise ValueError(f"{type(self).__name__}: variant must be one of {VARIANTS}, got {variant!r}")
        self.variant, self.gate_names = variant, tuple(_GATES[variant])
        super().__init__(input_size, hidden_size, bias, num_gates=len(_GATES[variant]))
        if variant == "peephole":
            self.weight_ci = self.new_parameter(self.hidden_size)       # (H,) c_prev -> input gate
            self.weight_cf = self.new_parameter(self.hidden_size)       # (H,) c_prev -> forget gate
            self.weight_co = self.new_parameter(self.hidden_size)       # (H,) c -> output gate

    def step(self, x_proj: Tensor, state: tuple) -> tuple:
        """(h, c) from x_proj = W_ih x + b_ih + b_hh (..., G*H) and state (h_prev, c_prev)."""
        h_prev, c_prev = state
        a = linear(h_prev, self.weight_hh, x_proj)      # x_proj + h_prev W_hh^T (..., G*H), one node
        if self.variant == "standard":
            a_i, a_f, a_g, a_o = self.split_gates(a)
            i = a_i.sigmoid()
            f = a_f.sigmoid()
            g = a_g.tanh()
            o = a_o.sigmoid()
            c = f * c_prev + i * g
        elif self.variant == "peephole":
            a_i, a_f, a_g, a_o = self.split_gates(a)
            i = (a_i + self.weight_ci * c_prev).sigmoid()
            f = (a_f + self.weight_cf * c_prev).sigmoid()
            g = a_g.tanh()
            c = f * c_prev + i * g
            o = (a_o + self.weight_co * c).sigmoid()
        elif self.variant == "coupled":
            a_f, a_g, a_o = self.split_gates(a)
            f = a_f.sigmoid()
            g = a_g.tanh()
            o = a_o.sigmoid()
            c = f * c_prev + (1 - f) * g
        else:                                                            # 'no_forget'
            a_i, a_g, a_o = self.split_gates(a)
            i = a_i.sigmoid()
            g = a_g.tanh()
            o = a_o.sigmoid()
            c = c_prev + i * g
        h = o * c.tanh()
        return h, c

    def extra_repr(self) -> str:
        return super().extra_repr() + ("" if self.variant == "standard" else f", variant={self.variant!r}")


class ProjectedLSTMCell(LSTMCell):
    """One step of an LSTM with a recurrent projection (LSTMP; PyTorch's LSTM(proj_size=P) cell): LSTMCell's
    step, any variant, computes m = o * tanh(c), and the hidden state carried and output is its projection:

        a = W_ih x + b_ih + W_hh h_prev + b_hh       h_prev is (B, P), so W_hh = weight_hh is (G*H, P)
        i, f, g, o, c as in LSTMCell                 c stays (B, H)
        m = o * tanh(c)                              LSTMCell's h, (B, H)
        h = W_hr m                                   the projected hidden state, (B, P)

    where W_hr = weight_hr (P, H), P = proj_size with 0 < P < H; the parameters are weight_ih, weight_hh,
    bias_ih, bias_hh (the peephole weights), weight_hr, in that order, all uniform(-1/sqrt(H), 1/sqrt(H)).
    `forward(x, (h_prev, c_prev)=None)` returns (h, c), h (B, P) and c (B, H). Never fused (nn/fused.py
    refuses any subclass).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, variant: str = "standard", *,
                 proj_size: int):
        check_proj_size(type(self).__name__, proj_size, hidden_size, smallest=1)
        self.proj_size = int(proj_size)
        super().__init__(input_size, hidden_size, bias, variant)
        self.weight_hr = self.new_parameter(self.proj_size, self.hidden_size)    # (P, H) m -> h

    @property
    def state_sizes(self) -> tuple:
        """(P, H): h is proj_size wide, c hidden_size."""
        return (self.proj_size, self.hidden_size)

    @property
    def state_size_args(self) -> tuple:
        """Where state_sizes come from: ("proj_size", "hidden_size")."""
        return ("proj_size", "hidden_size")

    def step(self, x_proj: Tensor, state: tuple) -> tuple:
        """(h, c) from x_proj = W_ih x + b_ih + b_hh (..., G*H) and state (h_prev (..., P), c_prev (..., H))."""
        m, c = super().step(x_proj, state)              # m = o * tanh(c) (..., H)
        m.name = "m"
        h = linear(m, self.weight_hr)                    # h = W_hr m (..., P)
        return h, c

    def extra_repr(self) -> str:
        return super().extra_repr() + f", proj_size={self.proj_size}"
