"""Sequence layers: a recurrent cell unrolled over time, stacked in layers, optionally run both ways.

`RecurrentLayer` does the unrolling once for any cell; `RNN`, `LSTM` and `GRU` only say which cell.
The graph is built from Tensor ops only, so backpropagation through time is the generic backward().
Semantics, shapes and parameter names follow PyTorch's nn.RNN / nn.LSTM / nn.GRU, so a state_dict
moves between the two unchanged.
"""
from __future__ import annotations

import functools
from typing import Callable

from ..modes import scope
from ..join import concatenate, stack, where
from ..shape_ops import transpose
from ..tensor import Tensor
from .cell import RecurrentCell, check_state_tensors
from .checks import check_layer_arguments, check_parameter, check_proj_size, check_sequence_input, valid_steps
from .functional import dropout as dropout_fn
from .fused import check_fusable, step_function
from .gru_cell import GRUCell
from .lstm_cell import LSTMCell, ProjectedLSTMCell
from .module import Module
from .rnn_cell import RNNCell
from .sequence_grad import SequenceGrad


def _parts(state) -> tuple:
    """A cell state as a tuple of Tensors (a bare h becomes (h,))."""
    return state if isinstance(state, tuple) else (state,)


def _join(parts: tuple):
    """The inverse of _parts: one Tensor stays bare, several stay a tuple."""
    return parts[0] if len(parts) == 1 else tuple(parts)


class RecurrentLayer(Module):
    """`num_layers` stacked layers of cells made by `cell_factory(input_size, hidden_size, bias)`,
    each unrolled over the sequence, forwards and (if bidirectional) backwards.

    forward(x, hx=None, lengths=None) -> (output, h_n), or (output, (h_n, c_n)) for a two-state cell:
        x        (T, B, I), or (B, T, I) with batch_first, or unbatched (T, I)
        hx       initial states, each (L*D, B, H) (unbatched: (L*D, H)); None means zeros; index
                 k * D + d is layer k, direction d (0 forward, 1 reverse); a tuple for (h, c) cells
        lengths  B positive ints <= T (list, ndarray or Tensor, any order): sequence b is x[:lengths[b], b]
        output   (T, B, D*H) (batch_first: (B, T, D*H)): the last layer's h_t, forward then reverse
                 halves on the feature axis; zero past each sequence's end (for h, read H as output_size)
        h_n      (L*D, B, H) the last state of every layer and direction (each sequence's own last step)
    where T is the sequence length, B the batch size, I = input_size, H = hidden_size, L = num_layers,
    D = 2 if bidirectional else 1. Layer k > 0 reads layer k-1's output, through dropout in training.

    Parameters are the cells' own Parameter objects, registered under PyTorch's names: a cell's
    `weight_ih` becomes `weight_ih_l{k}` (suffix `_reverse` for the backward direction). Scopes: each
    layer runs in `scope(f"{class name}.l{k}")`, each direction in "forward" or "reverse" inside it, each
    step in f"t={t}" (t the 1-based position, also when visited backwards).

    fused=True runs each step as one graph node with a hand-written backward (nn/fused.py): the same
    function and gradients to round-off, faster, but a step draws as one "rnn_cell"/"lstm_cell"/
    "gru_cell" box instead of its equations. Only RNNCell, the standard LSTMCell and GRUCell can be fused.
    """

    parameter_views = ("cells",)          # the cells hold the layer's own parameters under their names

    def __init__(self, cell_factory: Callable[..., RecurrentCell], input_size: int, hidden_size: int,
                 num_layers: int = 1, bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, fused: bool = False):
        name = type(self).__name__
        check_layer_arguments(name, input_size, hidden_size, num_layers, dropout, fused)
        self.input_size, self.hidden_size, self.num_layers = int(input_size), int(hidden_size), int(num_layers)
        self.bias, self.batch_first, self.dropout = bool(bias), bool(batch_first), float(dropout)
        self.bidirectional, self.fused = bool(bidirectional), fused
        D = self.num_directions
        self.cells = [cell_factory(self.input_size if k == 0 else D * self.output_size, self.hidden_size, self.bias)
                      for k in range(self.num_layers) for _ in range(D)]          # index k * D + d, as hx
        if fused:
            check_fusable(self.cells[0], name)
        self._names = {}                              # PyTorch name -> (cell index, the cell's name)
        for index, cell in enumerate(self.cells):
            for key, p in cell.named_parameters():
                setattr(self, key + self._suffix(index), p)      # the same Parameter, under its PyTorch name
                self._names[key + self._suffix(index)] = (index, key)

    def __setattr__(self, key: str, value) -> None:
        """Replacing a parameter by its PyTorch name (`rnn.weight_hh_l0 = Parameter(...)`) replaces it in
        the cell that computes with it too, as PyTorch refreshes its flat weights."""
        if key in self.__dict__.get("_names", ()):
            check_parameter(type(self).__name__, key, value)
            index, cell_key = self._names[key]
            setattr(self.cells[index], cell_key, value)
        super().__setattr__(key, value)

    def _suffix(self, index: int) -> str:
        """The PyTorch name suffix of cell `index` = k * D + d: "_l{k}", plus "_reverse" for d = 1."""
        return f"_l{index // self.num_directions}" + ("_reverse" if index % self.num_directions else "")

    def child_label(self, name: str) -> str:
        """repr() says which layer and direction each cell is, and the parameter names it holds."""
        if not name.startswith("cells."):
            return name
        index = int(name.split(".")[1])
        direction = "reverse" if index % self.num_directions else "forward"
        return f"{name}: layer {index // self.num_directions} {direction}, *{self._suffix(index)}"

    @property
    def num_directions(self) -> int:
        """D: 2 if bidirectional, else 1."""
        return 2 if self.bidirectional else 1

    def forward(self, x: Tensor, hx=None, lengths=None):
        """Run the whole stack over the sequence; see the class docstring for shapes."""
        x = x if isinstance(x, Tensor) else Tensor(x)
        batched = check_sequence_input(type(self).__name__, x, self.input_size, self.batch_first,
                                       self.cells[0].weight_ih)
        T, D = x.shape[1 if self.batch_first and batched else 0], self.num_directions
        with scope(f"{type(self).__name__}.l0"):         # the input's preparation belongs to the first layer
            if not batched:
                x = x.reshape(T, 1, self.input_size)                               # a batch of one
            elif self.batch_first:
                x = transpose(x, (1, 0, 2))                                         # (T, B, I)
            B = x.shape[1]
            states = self._initial_states(hx, B, batched, x.dtype)
        valid = None if lengths is None else valid_steps(type(self).__name__, lengths, T, B)    # (T, B, 1)
        if valid is not None:               # padding never reaches a result or a gradient, even nan or inf
            with scope(f"{type(self).__name__}.l0"):
                x = where(valid, x, 0.0)
        finals = []
        for k in range(self.num_layers):
            with scope(f"{type(self).__name__}.l{k}"):
                outputs = []
                for d, direction in enumerate(("forward", "reverse")[:D]):
                    with scope(direction):
                        out, final = self._unroll(self.cells[k * D + d], x, states(k * D + d), valid, d == 1)
                    outputs.append(out)
                    finals.append(final)
                x = outputs[0] if D == 1 else concatenate(outputs, axis=2)         # (T, B, D*H): next input
                if self.dropout and k < self.num_layers - 1:
                    x = dropout_fn(x, self.dropout, training=self.training)
        last = tuple(stack(list(column), axis=0) for column in zip(*map(_parts, finals)))  # each (L*D, B, H)
        if not batched:
            x = x.reshape(T, x.shape[-1])                                          # (T, D*H)
            last = tuple(s.reshape(len(finals), s.shape[-1]) for s in last)
        elif self.batch_first:
            x = transpose(x, (1, 0, 2))                                             # (B, T, D*H)
        return x, _join(last)

    def _unroll(self, cell: RecurrentCell, x: Tensor, state, valid, reverse: bool):
        """One layer, one direction: (T, B, H) outputs and the final state. Past a sequence's end
        (valid false) the state is carried unchanged and the output is zero."""
        T, B, I = x.shape
        x_proj = cell.project(x.reshape(T * B, I)).reshape(T, B, -1)              # all steps, one linear
        outputs = [None] * T
        step = step_function(cell, type(self).__name__) if self.fused else cell.step
        # fused steps that need x_proj's gradient read their row of it and share one gradient array
        grad = SequenceGrad(x_proj) if self.fused and x_proj.requires_grad else None
        for t in (reversed(range(T)) if reverse else range(T)):
            with scope(f"t={t + 1}"):
                new = step(x_proj[t], state) if grad is None else step(x_proj, state, (grad, t))
                new = cell.name_state(new)                                        # h (, c): drawn by name
                if valid is None or valid[t].all():
                    state = new
                    outputs[t] = _parts(new)[0]
                else:
                    keep = valid[t]                                                # (B, 1)
                    state = _join(tuple(where(keep, n, o) for n, o in zip(_parts(new), _parts(state))))
                    outputs[t] = where(keep, _parts(new)[0], 0.0)
        return stack(outputs, axis=0), state

    def _initial_states(self, hx, B: int, batched: bool, dtype):
        """A function from the index k * D + d of a (layer, direction) to its initial state (its part of
        hx, or zeros), called inside that layer's scope so that the ops it makes are tagged with it."""
        if hx is None:
            return lambda i: self.cells[i].init_state(B, dtype)
        LD, cell = len(self.cells), self.cells[0]
        expected = tuple((LD, B, n) if batched else (LD, n) for n in cell.state_sizes)
        layout, batch = ("L*D, B, ", "batch, ") if batched else ("L*D, ", "")
        texts = [f"({layout}{a[0].upper()}) = {e} (num_layers * num_directions, {batch}{a})"    # H, or P: proj_size
                 for e, a in zip(expected, cell.state_size_args)]
        names = tuple(f"{s}_0" for s in cell.state_names)                          # h_0 (, c_0)
        parts = check_state_tensors(type(self).__name__, "hx", hx, names, "{} in hx", expected, texts.__getitem__,
                                    cell.weight_ih)
        if not batched:
            parts = tuple(p.reshape(LD, 1, p.shape[-1]) for p in parts)
        return lambda i: _join(tuple(p[i] for p in parts))

    def extra_repr(self) -> str:
        flags = [f"proj_size={self.output_size}"] if self.output_size != self.hidden_size else []  # PyTorch's order
        flags += [f"num_layers={self.num_layers}"] if self.num_layers != 1 else []
        defaults = (("bias", True), ("batch_first", False), ("dropout", 0.0), ("bidirectional", False),
                    ("fused", False))
        flags += [f"{k}={getattr(self, k)!r}" for k, default in defaults if getattr(self, k) != default]
        return ", ".join([f"{self.input_size}, {self.hidden_size}"] + flags)

    @property
    def output_size(self) -> int:
        """The width of h, so of output (D * output_size), h_n and h_0: hidden_size here, an LSTM's
        proj_size when it projects (its c stays hidden_size wide)."""
        return self.hidden_size


class RNN(RecurrentLayer):
    """Elman RNN layers (RNNCell with tanh or relu) unrolled over time; see RecurrentLayer for shapes.
    Per layer and direction h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh). fused=True records each
    step as one "rnn_cell" node (nn/fused.py) instead of the composed ops."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 fused: bool = False):
        self.nonlinearity = nonlinearity
        super().__init__(functools.partial(RNNCell, nonlinearity=nonlinearity), input_size, hidden_size,
                         num_layers, bias, batch_first, dropout, bidirectional, fused)


class LSTM(RecurrentLayer):
    """LSTM layers (LSTMCell, any variant) unrolled over time; returns (output, (h_n, c_n)). See
    RecurrentLayer for shapes and LSTMCell for the equations; 'peephole' adds weight_ci_l{k} etc.
    fused=True (variant='standard' only) records each step as one "lstm_cell" node (nn/fused.py).

    proj_size=P (0 < P < H) is PyTorch's LSTM with projections, ProjectedLSTMCell: h_t = W_hr (o_t * tanh(c_t)),
    weight_hr_l{k} (P, H) after bias_hh_l{k}; h, output (T, B, D*P) and h_n are P wide, c and c_n stay H
    wide, weight_hh_l{k} is (4H, P) and layer k > 0 reads D*P features. It cannot be fused."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 variant: str = "standard", fused: bool = False, proj_size: int = 0):
        check_proj_size(type(self).__name__, proj_size, hidden_size, fused=fused)
        self.variant, self.proj_size = variant, int(proj_size)
        cell = functools.partial(ProjectedLSTMCell, proj_size=self.proj_size) if self.proj_size else LSTMCell
        super().__init__(functools.partial(cell, variant=variant), input_size, hidden_size,
                         num_layers, bias, batch_first, dropout, bidirectional, fused)

    @property
    def output_size(self) -> int:
        """P = proj_size if the layer projects, else hidden_size: the width of h, output's halves and h_n."""
        return self.proj_size or self.hidden_size


class GRU(RecurrentLayer):
    """GRU layers (GRUCell, PyTorch's reset_after=True or the 2014 form) unrolled over time; see
    RecurrentLayer for shapes and GRUCell for the equations. fused=True (either reset_after) records
    each step as one "gru_cell" node (nn/fused.py) instead of the composed ops."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 reset_after: bool = True, fused: bool = False):
        self.reset_after = bool(reset_after)
        super().__init__(functools.partial(GRUCell, reset_after=reset_after), input_size, hidden_size,
                         num_layers, bias, batch_first, dropout, bidirectional, fused)
