"""Checks of the recurrent layers' and cells' arguments with PyTorch's errors and messages, made before the
core's own checks (which say the same in the core's words) can run."""
import numbers
import warnings

from ...tensor import Tensor as CoreTensor
from .checks import check_same_dtype


def check_layer(mode: str, input_size, hidden_size, num_layers, dropout, nonlinearity: str = "tanh",
                proj_size=None) -> None:
    """RNN / LSTM / GRU constructor arguments, in PyTorch's order (with its warning about dropout);
    proj_size (None: not given) only for an LSTM, an int with 0 <= proj_size < hidden_size."""
    if proj_size is not None and mode != "LSTM":
        raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
    if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
        raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                         "being zeroed")
    if dropout > 0 and num_layers == 1:
        warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                      f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                      stacklevel=4)
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers)):
        if not isinstance(value, int):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero")
    if proj_size is None:
        return
    if not isinstance(proj_size, int) or isinstance(proj_size, bool):    # PyTorch's own refusal is its allocator's
        raise TypeError(f"proj_size should be of type int, got: {type(proj_size).__name__}")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")


def _parts(hx) -> tuple:
    """The tensors of a state: () for None, (h,) for one tensor, (h, c) for a tuple."""
    return () if hx is None else tuple(hx) if isinstance(hx, (tuple, list)) else (hx,)


def check_layer_input(layer, input, hx) -> None:
    """A layer's input (T, B, I) (or (B, T, I), or unbatched (T, I)) and initial state (L*D, B, H) (or
    (L*D, H); an LSTM's h is proj_size wide if it projects), checked as PyTorch checks them; other kinds
    of argument are left to the core's checks."""
    parts, lstm = _parts(hx), layer.mode == "LSTM"
    if not isinstance(input, CoreTensor) or not all(isinstance(h, CoreTensor) for h in parts):
        return
    name = "RNN" if layer.mode.startswith("RNN") else layer.mode
    if input.dim() not in (2, 3):
        raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D"
                         f"{' tensor' if name == 'RNN' else ''} instead")
    batched = input.dim() == 3
    if any(h.dim() != input.dim() for h in parts):
        got = f"({', '.join(f'{h.dim()}-D' for h in parts)}) tensors" if lstm else f"{parts[0].dim()}-D tensor"
        raise RuntimeError(f"For {'batched 3-D' if batched else 'unbatched 2-D'} input, "
                           f"{'hx and cx' if lstm else 'hx'} should also be {input.dim()}-D but got {got}")
    weight = layer.weight_ih_l0
    if input.dtype != weight.dtype:
        raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). Convert "
                         f"input: input.to({weight.dtype}), or convert model: model.to({input.dtype})")
    if input.shape[-1] != layer.input_size:
        raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {layer.input_size}, "
                           f"got {input.shape[-1]}")
    batch = input.shape[0 if layer.batch_first else 1] if batched else 1
    LD = layer.num_layers * (2 if layer.bidirectional else 1)
    for i, (h, width) in enumerate(zip(parts, layer.cells[0].state_sizes)):     # h (P wide if projected), c
        expected = (LD, batch, width)
        shape = tuple(h.shape) if batched else (h.shape[0], 1, h.shape[1])
        if shape != expected:
            raise RuntimeError(f"Expected hidden{f'[{i}]' if lstm else ''} size {expected}, got {list(shape)}")


def check_cell_input(cell, input, hx) -> None:
    """A cell's input (B, I) (or unbatched (I,)) and state (B, H) (or (H,)), checked as PyTorch checks them."""
    parts, name = _parts(hx), type(cell).__name__
    if not isinstance(input, CoreTensor) or not all(isinstance(h, CoreTensor) for h in parts):
        return
    if input.dim() not in (1, 2):
        raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
    for i, h in enumerate(parts):
        if h.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected {f'hx[{i}]' if name == 'LSTMCell' else 'hidden'} to be 1D or 2D, "
                             f"got {h.dim()}D instead")
    if input.shape[-1] != cell.input_size:
        raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} expected {cell.input_size}")
    check_same_dtype(input, cell.weight_ih)
    batch = input.shape[0] if input.dim() == 2 else 1
    for i, h in enumerate(parts):
        shape = tuple(h.shape) if input.dim() == 2 else (1,) + tuple(h.shape)
        if shape[0] != batch:
            raise RuntimeError(f"Input batch size {batch} doesn't match hidden{i} batch size {shape[0]}")
        if shape[1] != cell.hidden_size:
            raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {shape[1]}, expected {cell.hidden_size}")
        check_same_dtype(h, cell.weight_hh)
