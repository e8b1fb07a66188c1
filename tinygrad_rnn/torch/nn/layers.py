"""torch.nn's layers over the core's: the same classes (the core's forward, parameters and names) with
PyTorch's constructors (device=, dtype= and the default float dtype), attributes, reprs and argument
checks, and dialect Tensors out.

Each class is `class X(core X, Module)`: the core class computes, the dialect Module supplies PyTorch's
Module methods. Parameters are made in float64 by the core and cast once to the dtype asked for.
"""
import warnings

from ... import nn as core
from .. import _dtype
from .._autograd import named
from .._device import check_device
from .._math import as_operand
from .._tensor import as_tensor_node
from . import functional as F
from .checks import check_embedding_weight, check_padding_idx, check_probability
from .module import Module
from .rnn_checks import check_cell_input, check_layer, check_layer_input
from .utils.rnn import PackedSequence, packed_to_padded, padded_to_packed


def _finish(module, device, dtype) -> None:
    """Cast a new layer's parameters to `dtype` (the default float dtype unless given)."""
    check_device(device)
    module.to(_dtype.get_default_dtype() if dtype is None else dtype)


def _renamed(out, op: str, name: str):
    """out (a Tensor or a tuple of them) with the op of each node made by `op` shown as `name` (its grad_fn)."""
    if isinstance(out, tuple):
        return tuple(_renamed(o, op, name) for o in out)
    return named(out, name) if out.op == op else out


def as_tensors(out):
    """A core layer's output (a Tensor or nested tuples of them) as dialect Tensors."""
    return tuple(as_tensors(o) for o in out) if isinstance(out, tuple) else as_tensor_node(out)


class Linear(core.Linear, Module):
    """y = x W^T + b, with W of shape (out_features, in_features)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None):
        core.Linear.__init__(self, in_features, out_features, bias)
        _finish(self, device, dtype)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)


def _lookup_table(module, num_embeddings: int, embedding_dim: int, padding_idx, max_norm, norm_type: float,
                  scale_grad_by_freq: bool, sparse: bool, weight, device, dtype) -> None:
    """Embedding's and EmbeddingBag's table: a (num_embeddings, embedding_dim) weight drawn from N(0, 1), or
    `weight` itself (shared, as PyTorch's Parameter(_weight)); padding_idx's row starts at zero."""
    core.Embedding.__init__(module, num_embeddings, embedding_dim)
    _finish(module, device, dtype)
    module.padding_idx = check_padding_idx(padding_idx, module.num_embeddings)
    module.max_norm, module.norm_type = max_norm, norm_type
    module.scale_grad_by_freq, module.sparse = scale_grad_by_freq, sparse
    if weight is not None:
        check_embedding_weight(weight, (module.num_embeddings, module.embedding_dim),
                               "Shape of weight does not match num_embeddings and embedding_dim")
        module.weight._data = as_operand(weight)
    elif module.padding_idx is not None:
        module.weight._data[module.padding_idx] = 0


class Embedding(core.Embedding, Module):
    """A lookup table of num_embeddings vectors; padding_idx's row starts at zero and gets no gradient."""

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx=None, max_norm=None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False, _weight=None,
                 _freeze: bool = False, device=None, dtype=None):
        _lookup_table(self, num_embeddings, embedding_dim, padding_idx, max_norm, norm_type, scale_grad_by_freq,
                      sparse, _weight, device, dtype)
        self.weight.requires_grad = not _freeze

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        options = [("padding_idx", self.padding_idx, None), ("max_norm", self.max_norm, None),
                   ("norm_type", self.norm_type, 2), ("scale_grad_by_freq", self.scale_grad_by_freq, False),
                   ("sparse", self.sparse, False)]
        return ", ".join([f"{self.num_embeddings}, {self.embedding_dim}"] +
                         [f"{k}={v}" for k, v, default in options if v != default])

    @classmethod
    def from_pretrained(cls, embeddings, freeze: bool = True, padding_idx=None, max_norm=None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False):
        """An Embedding whose weight is `embeddings` (shared, not copied)."""
        check_embedding_weight(embeddings, (None, None), "Embeddings parameter is expected to be 2-dimensional")
        rows, dim = embeddings.shape
        return cls(rows, dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse, _weight=embeddings,
                   _freeze=freeze, dtype=embeddings.dtype)


class EmbeddingBag(core.Embedding, Module):
    """Bags of rows of a lookup table, each reduced to one vector by sum, mean or max (F.embedding_bag)."""

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm=None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False, _weight=None,
                 include_last_offset: bool = False, padding_idx=None, device=None, dtype=None):
        _lookup_table(self, num_embeddings, embedding_dim, padding_idx, max_norm, norm_type, scale_grad_by_freq,
                      sparse, _weight, device, dtype)
        self.mode, self.include_last_offset = mode, include_last_offset

    @classmethod
    def from_pretrained(cls, embeddings, freeze: bool = True, max_norm=None, norm_type: float = 2.0,
                        scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                        include_last_offset: bool = False, padding_idx=None):
        """An EmbeddingBag whose weight is `embeddings` (shared, not copied)."""
        check_embedding_weight(embeddings, (None, None), "Embeddings parameter is expected to be 2-dimensional")
        bag = cls(*embeddings.shape, max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings,
                  include_last_offset, padding_idx, dtype=embeddings.dtype)
        bag.weight.requires_grad = not freeze
        return bag

    def forward(self, input, offsets=None, per_sample_weights=None):
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                               self.mode, self.sparse, per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        options = [("max_norm", self.max_norm, None), ("norm_type", self.norm_type, 2),
                   ("scale_grad_by_freq", self.scale_grad_by_freq, False)]
        return ", ".join([f"{self.num_embeddings}, {self.embedding_dim}"] +
                         [f"{k}={v}" for k, v, default in options if v != default] + [f"mode={self.mode!r}"] +
                         ([f"padding_idx={self.padding_idx}"] if self.padding_idx is not None else []))


class Dropout(core.Dropout, Module):
    """Zero each entry with probability p in training (scaling the rest by 1 / (1 - p))."""

    def __init__(self, p: float = 0.5, inplace: bool = False):
        core.Dropout.__init__(self, check_probability(p))
        self.p, self.inplace = p, inplace                   # p as given: PyTorch prints Dropout(p=0)

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class RNNBase(Module):
    """What the dialect's RNN, LSTM and GRU add to the core's: PyTorch's checks, attributes and keyword
    arguments, and PackedSequence input and output. Their common base, as torch.nn.RNNBase is PyTorch's (for
    `isinstance(m, nn.RNNBase)`; the layers are made by their own classes)."""

    def _recurrent_forward(self, core_forward, input, hx):
        if isinstance(input, PackedSequence):
            padded, lengths, _ = packed_to_padded(input, self.batch_first)
            out, state = core_forward(self, padded, hx, lengths=lengths)
            return padded_to_packed(out, input, self.batch_first), as_tensors(state)
        check_layer_input(self, input, hx)
        output, state = as_tensors(core_forward(self, input, hx))
        if input.dim() == 2:                 # unbatched: PyTorch squeezes the batch of one away
            output, state = _renamed(output, "reshape", "squeeze(dim)"), _renamed(state, "reshape", "squeeze(dim)")
        elif self.batch_first and self.mode != "LSTM":     # PyTorch's own transposes differ by layer here
            output = _renamed(output, "transpose", "transpose(int)")
        return output, state

    def flatten_parameters(self) -> None:
        """Nothing to do: the weights are never copied into a flat buffer here."""

    @property
    def all_weights(self):
        """[[w_ih, w_hh, b_ih, b_hh(, w_hr)] per layer and direction], as PyTorch lists them."""
        return [[p for _, p in cell.named_parameters()] for cell in self.cells]

    @property
    def _all_weights(self) -> list:
        """all_weights' names ([['weight_ih_l0', ...], ...]), which programs use to pick weights by name."""
        names, groups = iter(name for name, _ in self.named_parameters()), []
        for cell in self.cells:
            groups.append([next(names) for _ in cell.parameters()])
        return groups

    @property
    def _flat_weights_names(self) -> list:
        """The names of _all_weights in one list."""
        return [name for group in self._all_weights for name in group]


def _mode(core_class, options: dict) -> str:
    """PyTorch's `mode` of a recurrent layer: 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'."""
    if core_class is core.RNN:
        return "RNN_RELU" if options.get("nonlinearity") == "relu" else "RNN_TANH"
    return core_class.__name__


def _recurrent(core_class, doc: str):
    class Layer(RNNBase, core_class):
        __doc__ = doc

        def __init__(self, input_size, hidden_size, num_layers=1, *args, device=None, dtype=None, **kwargs):
            options = dict(zip(("nonlinearity", "bias", "batch_first", "dropout", "bidirectional", "proj_size")
                               [core_class is not core.RNN:], args), **kwargs)      # PyTorch's positional order
            mode, proj_size = _mode(core_class, options), options.pop("proj_size", None)   # None: not given
            check_layer(mode, input_size, hidden_size, num_layers, options.get("dropout", 0.0),
                        options.get("nonlinearity", "tanh"), proj_size)
            proj_size = proj_size or 0
            if proj_size:                                    # an LSTM's (check_layer refused it for the others)
                options["proj_size"] = proj_size
            with warnings.catch_warnings():                  # the core's own warnings say what check_layer said
                warnings.simplefilter("ignore", UserWarning)
                core_class.__init__(self, input_size, hidden_size, num_layers, **options)
            self.proj_size, self.mode = proj_size, mode
            _finish(self, device, dtype)

        def forward(self, input, hx=None):
            return self._recurrent_forward(core_class.forward, input, hx)
    Layer.__name__ = Layer.__qualname__ = core_class.__name__
    return Layer


RNN = _recurrent(core.RNN, "torch.nn.RNN: Elman layers, h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh).")
LSTM = _recurrent(core.LSTM, "torch.nn.LSTM: returns (output, (h_n, c_n)); proj_size=P > 0 projects h_t = W_hr h_t "
                            "(weight_hr_l{k} (P, hidden_size)), so output and h_n are P wide.")
GRU = _recurrent(core.GRU, "torch.nn.GRU: PyTorch's cell (the reset gate multiplies W_hn h + b_hn).")


def _cell(core_class, doc: str):
    class Cell(core_class, Module):
        __doc__ = doc

        def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *args, device=None, dtype=None,
                     **kwargs):
            core_class.__init__(self, input_size, hidden_size, bias, *args, **kwargs)
            _finish(self, device, dtype)

        def forward(self, input, hx=None):
            check_cell_input(self, input, hx)
            return as_tensors(core_class.forward(self, input, hx))
    Cell.__name__ = Cell.__qualname__ = core_class.__name__
    return Cell


class RNNCell(_cell(core.RNNCell, "")):
    """torch.nn.RNNCell: one step, h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu)."""

    def extra_repr(self) -> str:
        return core.RecurrentCell.extra_repr(self) + ("" if self.nonlinearity == "tanh" else
                                                      f", nonlinearity={self.nonlinearity}")


LSTMCell = _cell(core.LSTMCell, "torch.nn.LSTMCell: one step, returns (h', c').")
GRUCell = _cell(core.GRUCell, "torch.nn.GRUCell: one step, returns h'.")
