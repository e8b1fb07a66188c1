"""RecurrentCell: what every recurrent cell shares, and what the sequence layers rely on.

A cell computes one time step. Its gates' pre-activations are affine in the input x and in the
previous hidden state h, with PyTorch's packed layout: the G gates' weights are stacked row-wise into
`weight_ih` (G*H, I) and `weight_hh` (G*H, H), biases `bias_ih`, `bias_hh` (G*H,). A step is split in
two so the sequence layers can batch the input part over all time steps at once:

    project(x)           the input part, x W_ih^T + bias (one `linear`; works for (I,), (B, I), (N, I))
    step(x_proj, state)  everything else: the recurrent product h W_hh^T and the gate equations

and `forward(x, state) = step(project(x), state)`. A new cell plugs into `RecurrentLayer` by
subclassing this, setting `num_gates` (via __init__), `state_names`, and writing `step`.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ..rng import default_generator
from ..tensor import Tensor
from .checks import check_batch, check_dtype, check_positive_int, float_dtype
from .functional import linear
from .module import Module, Parameter


class RecurrentCell(Module):
    """Base class of RNNCell, LSTMCell, GRUCell: packed parameters, the input projection, state checks.

    Subclass contract: `state_names` names the state tensors, hidden state first ("h",) or ("h", "c");
    a cell with one state tensor passes it around bare, with several as a tuple; `step(x_proj, state)`
    returns the new state in the same form. Every parameter is drawn from uniform(-1/sqrt(H), 1/sqrt(H))
    with tinygrad_rnn.rng.default_generator(), biases included (as PyTorch does), in creation order.
    """

    state_names: tuple = ("h",)

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, num_gates: int = 1):
        owner = type(self).__name__
        check_positive_int(owner, input_size=input_size, hidden_size=hidden_size)
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        self.bias, self.num_gates = bool(bias), num_gates
        rows = num_gates * self.hidden_size
        self.weight_ih = self.new_parameter(rows, self.input_size)       # (G*H, I)
        self.weight_hh = self.new_parameter(rows, self.state_sizes[0])   # (G*H, H), or (G*H, P) projected
        self.bias_ih = self.new_parameter(rows) if bias else None        # (G*H,)
        self.bias_hh = self.new_parameter(rows) if bias else None        # (G*H,)

    def new_parameter(self, *shape: int) -> Parameter:
        """A float64 Parameter drawn from uniform(-1/sqrt(H), 1/sqrt(H)) (PyTorch's recurrent init)."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        return Parameter(default_generator().uniform(-bound, bound, size=shape))

    @property
    def num_states(self) -> int:
        """How many state tensors a step carries (1: h; 2: (h, c))."""
        return len(self.state_names)

    def input_bias(self) -> Tensor | None:
        """The bias added in project(): b_ih + b_hh, both folded in once (GRU keeps b_hh recurrent)."""
        return self.bias_ih + self.bias_hh if self.bias else None

    def project(self, x: Tensor) -> Tensor:
        """x W_ih^T + input_bias() as one `linear`: the input part of every gate's pre-activation, (..., G*H)."""
        return linear(x, self.weight_ih, self.input_bias())

    @property
    def state_sizes(self) -> tuple:
        """The width of each state tensor, in state_names' order: hidden_size for every state here, (H,) or
        (H, H); a subclass may say otherwise (ProjectedLSTMCell: (P, H)). weight_hh reads h: (G*H, sizes[0])."""
        return (self.hidden_size,) * len(self.state_names)

    @property
    def state_size_args(self) -> tuple:
        """The argument each of state_sizes comes from, for error messages: ("hidden_size", ...) here."""
        return ("hidden_size",) * len(self.state_names)

    gate_names: tuple = ()      # the gate of each row block, e.g. ("i", "f", "g", "o"): drawings label them

    def split_gates(self, a: Tensor) -> list:
        """The G gate blocks of a packed pre-activation (..., G*H), each (..., H), in row order; each
        block is named after its gate ("[i]") when the cell has gate_names, so drawings can say which."""
        H = self.hidden_size
        blocks = [a[index] for index in _block_indices(H, self.num_gates)]
        for block, gate in zip(blocks, self.gate_names):
            block.name = f"[{gate}]"
        return blocks

    def name_state(self, state):
        """Name the parts of a step's new state after state_names (h, c) for the drawings; returns it."""
        for part, name in zip(state if isinstance(state, tuple) else (state,), self.state_names):
            part.name = name
        return state

    def step(self, x_proj: Tensor, state):
        """One time step from the projected input (..., G*H) and the previous state; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define step()")

    def init_state(self, batch: int | None = None, dtype=np.float64):
        """The zero state: (batch, H) per state tensor, or (H,) for an unbatched input (batch=None);
        a projected LSTM's h is (batch, P)."""
        check_batch(type(self).__name__, batch)
        dtype = float_dtype(dtype, f"{type(self).__name__}.init_state(dtype=...) expects float32 or float64")
        zeros = tuple(Tensor(np.zeros((n,) if batch is None else (batch, n), dtype=dtype), name=f"{s}0")
                      for s, n in zip(self.state_names, self.state_sizes))                          # h0, c0
        return zeros[0] if self.num_states == 1 else zeros

    def forward(self, x: Tensor, state=None):
        """One step from x (B, I) or unbatched (I,); state None means zeros. Returns the new state."""
        owner = type(self).__name__
        x = x if isinstance(x, Tensor) else Tensor(x)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            why = (f"{x.ndim} dimensions, need 2 (batch, input_size) or 1 (input_size,)" if x.ndim not in (1, 2)
                   else f"feature size {x.shape[-1]} != input_size {self.input_size}")
            raise ValueError(f"{owner} expected input of shape (B, {self.input_size}) or unbatched "
                             f"({self.input_size},), got {x.shape}: {why}")
        check_dtype(owner, "input", x, self.weight_ih)
        batch = x.shape[0] if x.ndim == 2 else None
        state = self.init_state(batch, x.dtype) if state is None else state
        self.check_state(state, batch)
        return self.step(self.project(x), state)

    def check_state(self, state, batch: int | None) -> None:
        """Raise a clear error unless `state` has this cell's form and shapes (B, H), or (H,) unbatched
        (a projected LSTM's h: (B, P) or (P,))."""
        expected = [(n,) if batch is None else (batch, n) for n in self.state_sizes]
        meaning = "({},)" if batch is None else "(batch, {})"                  # each part's width by its argument
        check_state_tensors(type(self).__name__, "state", state, self.state_names, "state {}", expected,
                            lambda i: f"{expected[i]} {meaning.format(self.state_size_args[i])}", self.weight_ih)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


@functools.lru_cache(maxsize=64)
def _block_indices(H: int, G: int) -> tuple:
    """The indices (..., k*H:(k+1)*H) of the G gate blocks, made once per (H, G) and shared by every step
    (each slice object is one more object Python's collector would walk in every recorded step)."""
    return tuple((Ellipsis, slice(k * H, (k + 1) * H)) for k in range(G))


def check_state_tensors(owner: str, what: str, state, names: tuple, part: str, expected: tuple,
                        shape_text, parameter: Tensor) -> tuple:
    """The parts of a state (one bare Tensor, or a tuple of len(names) Tensors), each checked to be a
    Tensor of its shape in `expected` (one shape per name) and of `parameter`'s dtype; returns them as a
    tuple. Errors name `owner`, the argument `what`, and each part as `part.format(name)`, with
    `shape_text(i)` saying what part i's expected shape means (made only for an error message)."""
    n = len(names)
    if n > 1 and (not isinstance(state, (tuple, list)) or len(state) != n):
        raise TypeError(f"{owner} expected {what} to be a tuple ({', '.join(names)}) of {n} Tensors, "
                        f"got {type(state).__name__}")
    parts = (state,) if n == 1 else tuple(state)
    for i, (name, tensor) in enumerate(zip(names, parts)):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"{owner} expected {part.format(name)} to be a Tensor, got {type(tensor).__name__}")
        if tensor.shape != expected[i]:
            raise ValueError(f"{owner} expected {part.format(name)} of shape {shape_text(i)}, got {tensor.shape}")
        check_dtype(owner, part.format(name), tensor, parameter)
    return parts
