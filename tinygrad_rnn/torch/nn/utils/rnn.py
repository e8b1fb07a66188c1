"""torch.nn.utils.rnn: batches of variable-length sequences, packed and padded, as PyTorch does it.

Each function is one gather of the engine (integer-array indexing, after joining a row of padding where
padding is needed), so gradients flow from packed to padded and back and no tensor is written into. The
recurrent layers (nn/layers.py) run a PackedSequence as packed_to_padded, the core layer with `lengths=`,
then padded_to_packed.
"""
from collections import namedtuple
from collections.abc import Iterable

import numpy as np

from ....autograd import Node
from ... import _dtype
from ..._factories import cat
from ..._math import as_operand
from ..._tensor import Tensor, as_tensor_node, wrap

_UNSORTED = ("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
             "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
             "if you do not need ONNX exportability.")


def _long(array) -> Tensor:
    return wrap(np.asarray(array, dtype=np.int64))


def _tensor(x, fn: str, name: str) -> Tensor:
    """x as a dialect Tensor (a core node is re-classed), or PyTorch's TypeError."""
    if not isinstance(x, Node):
        raise TypeError(f"{fn}(): argument '{name}' must be Tensor, not {type(x).__name__}")
    return as_tensor_node(x)


def _lengths(lengths) -> np.ndarray:
    """Sequence lengths (a list, array or tensor) as a 1-D int64 array (floats are truncated, as in PyTorch)."""
    if isinstance(lengths, (list, tuple)):
        lengths = [as_operand(n) for n in lengths]
    array = np.asarray(as_operand(lengths)).astype(np.int64)
    if array.ndim != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {array.ndim}D cpu Long tensor")
    return array


def _pack_rows(padded: Tensor, batch_sizes: np.ndarray, order, batch_first: bool) -> Tensor:
    """The packed data: the padded batch's real steps, step after step, longest sequence first (one gather)."""
    steps = np.repeat(np.arange(len(batch_sizes)), batch_sizes)
    rank = np.arange(steps.size) - np.repeat(np.cumsum(batch_sizes) - batch_sizes, batch_sizes)   # sorted place
    batch = rank if order is None else np.asarray(order)[rank]
    return as_tensor_node(padded[(batch, steps) if batch_first else (steps, batch)])


def _gather_padded(rows: Tensor, index: np.ndarray, padding_value) -> Tensor:
    """rows[index], where index == len(rows) picks a row of padding_value (cast to rows' dtype)."""
    pad = np.full((1,) + tuple(rows._data.shape[1:]), padding_value).astype(rows._data.dtype)
    return as_tensor_node(cat([rows, wrap(pad)])[index])


def invert_permutation(permutation):
    """The inverse of a permutation tensor, out[permutation[i]] = i (None stays None)."""
    return None if permutation is None else _long(np.argsort(as_operand(permutation), kind="stable"))


def _cast(name: str):
    """The PackedSequence method that converts data to the dtype `name` (batch_sizes and indices stay int64)."""
    def method(self) -> "PackedSequence":
        return self.to(dtype=getattr(_dtype, name))
    method.__doc__ = f"data as {name}."
    return method


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """torch.nn.utils.rnn.PackedSequence: a tuple (data, batch_sizes, sorted_indices, unsorted_indices).

    data is (sum of the lengths, *): the rows of step 0 of every sequence (longest first), then step 1 of
    those still running, and so on; batch_sizes (int64) counts the rows of each step. sorted_indices[j] is
    the original batch index of the j-th longest sequence (None when the batch came sorted) and
    unsorted_indices is its inverse. Made by pack_padded_sequence and pack_sequence, not by hand;
    `PackedSequence(data, batch_sizes, sorted_indices)` and `PackedSequence((data, batch_sizes))` work too.
    """

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> "PackedSequence":
        """data converted as Tensor.to does (batch_sizes and the indices stay int64); self if nothing changes."""
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else self._replace(data=data)

    def cpu(self, *args, **kwargs) -> "PackedSequence":
        """self: everything lives on the CPU (arguments as for to())."""
        return self.to(*args, **kwargs)

    def cuda(self, *args, **kwargs) -> "PackedSequence":
        """data moved to the GPU: the dialect's error, as there is none here."""
        return self.to("cuda", *args, **kwargs)

    def is_pinned(self) -> bool:
        """False: CPU memory is never pinned here."""
        return False

    double, float, half = _cast("float64"), _cast("float32"), _cast("float16")
    long, int, short, char, byte = _cast("int64"), _cast("int32"), _cast("int16"), _cast("int8"), _cast("uint8")
    is_cuda = False


def pack_padded_sequence(input, lengths, batch_first: bool = False, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch, input (T, B, *) or (B, T, *) with batch_first, of sequences of `lengths`
    (a list or 1-D tensor, one per sequence; steps past a length are dropped). With enforce_sorted the
    lengths must be non-increasing; otherwise the batch is sorted by decreasing length (ties keep their
    order, as PyTorch's sort does for up to 16 sequences) and sorted_indices records the order."""
    input, lengths = _tensor(input, "pack_padded_sequence", "input"), _lengths(lengths)
    if input._data.ndim < 2:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    if input._data.size == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    B, T = input._data.shape[:2][::-1] if not batch_first else input._data.shape[:2]
    if lengths.size != B:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.size} "
                           f"(batch_size={B})")
    order = None if enforce_sorted else np.argsort(-lengths, kind="stable")
    ordered = lengths if order is None else lengths[order]
    if ordered[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if np.any(ordered[:-1] < ordered[1:]):
        raise RuntimeError(_UNSORTED)
    if ordered[0] > T:
        raise RuntimeError(f"pack_padded_sequence(): a length of {ordered[0]} is longer than the padded input of "
                           f"shape {tuple(input._data.shape)} (T = {T} with batch_first={bool(batch_first)}); "
                           "PyTorch does not check this and packs steps that are not there")
    batch_sizes = (ordered[None, :] > np.arange(ordered[0])[:, None]).sum(axis=1)
    return PackedSequence(_pack_rows(input, batch_sizes, order, batch_first), _long(batch_sizes),
                          None if order is None else _long(order), None)


def pad_packed_sequence(sequence, batch_first: bool = False, padding_value: float = 0.0, total_length=None) -> tuple:
    """The inverse of pack_padded_sequence: (padded (T, B, *) or (B, T, *), lengths as int64), both in the
    batch's original order; T is the longest length, or total_length (which must not be shorter)."""
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"pad_packed_sequence(): expected a PackedSequence, got {type(sequence).__name__}")
    data = _tensor(sequence.data, "pad_packed_sequence", "sequence.data")
    batch_sizes = as_operand(sequence.batch_sizes).astype(np.int64)
    T = len(batch_sizes)
    if total_length is not None:
        if total_length < T:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {T}")
        T = int(total_length)
    B = int(batch_sizes[0]) if batch_sizes.size else 0
    lengths = (batch_sizes[None, :] > np.arange(B)[:, None]).sum(axis=1)         # sorted order
    starts = np.zeros(T, dtype=np.int64)
    starts[:len(batch_sizes)] = np.cumsum(batch_sizes) - batch_sizes
    steps = np.arange(T)[:, None]
    index = np.where(steps < lengths[None, :], starts[:, None] + np.arange(B)[None, :], data._data.shape[0])
    if sequence.unsorted_indices is not None:
        unsorted = as_operand(sequence.unsorted_indices)
        index, lengths = index[:, unsorted], lengths[unsorted]
    return _gather_padded(data, index.T if batch_first else index, padding_value), _long(lengths)


def _sequence_list(sequences) -> list:
    """pad_sequence's and pack_sequence's argument as a list of Tensors of at least one dimension."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    sequences = list(as_tensor_node(sequences).unbind(0)) if isinstance(sequences, Node) else list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    for i, s in enumerate(sequences):
        if not isinstance(s, Node):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(s).__name__}")
        if s._data.ndim == 0:
            raise RuntimeError(f"pad_sequence: sequence {i} is a 0-d tensor; every sequence is L x * (L its length)")
        if s._data.shape[1:] != sequences[0]._data.shape[1:]:
            raise RuntimeError(f"pad_sequence: sequence {i} has shape {tuple(s._data.shape)}, but sequence 0 has "
                               f"{tuple(sequences[0]._data.shape)}; every sequence must be L x * with the same *")
    return [as_tensor_node(s) for s in sequences]


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0, padding_side: str = "right"):
    """Stack sequences of shapes (L_i, *) into (T, B, *) (or (B, T, *) with batch_first), T the longest
    L_i, filling with padding_value after each sequence (or before it, with padding_side='left'). The
    result has the first sequence's dtype."""
    sequences = _sequence_list(sequences)
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    dtype = sequences[0].dtype
    flat = cat([s.to(dtype) for s in sequences])
    lengths = np.array([s._data.shape[0] for s in sequences], dtype=np.int64)
    T, starts = int(lengths.max()), np.cumsum(lengths) - lengths
    step = np.arange(T)[:, None] - ((T - lengths)[None, :] if padding_side == "left" else 0)     # (T, B)
    index = np.where((step >= 0) & (step < lengths[None, :]), starts[None, :] + step, flat._data.shape[0])
    return _gather_padded(flat, index.T if batch_first else index, padding_value)


def unpad_sequence(padded_sequences, lengths, batch_first: bool = False) -> list:
    """The inverse of pad_sequence: the list of sequences padded[:lengths[b], b] (padded[b, :lengths[b]]
    with batch_first). Unlike PyTorch's, it leaves padded_sequences untransposed."""
    padded, lengths = _tensor(padded_sequences, "unpad_sequence", "padded_sequences"), _lengths(lengths)
    B, T = padded._data.shape[:2] if batch_first else padded._data.shape[:2][::-1]
    if lengths.size != B:
        raise ValueError(f"zip() argument 2 is {'shorter' if lengths.size < B else 'longer'} than argument 1: "
                         f"unpad_sequence got {lengths.size} lengths for a batch of {B} sequences")
    ends = np.clip(lengths, 0, T)
    return [padded[b, :n] if batch_first else padded[:n, b] for b, n in enumerate(ends.tolist())]


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences of shapes (L_i, *): pad_sequence, then pack_padded_sequence."""
    sequences = _sequence_list(sequences)
    return pack_padded_sequence(pad_sequence(sequences), [s._data.shape[0] for s in sequences],
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """The inverse of pack_sequence: the list of sequences, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


def packed_to_padded(packed: PackedSequence, batch_first: bool) -> tuple:
    """For the recurrent layers: (padded batch, lengths as a list of ints, sorted_indices array or None),
    the first two in the batch's original order."""
    padded, lengths = pad_packed_sequence(packed, batch_first)
    order = None if packed.sorted_indices is None else as_operand(packed.sorted_indices)
    return padded, [int(n) for n in lengths._data], order


def padded_to_packed(out, packed: PackedSequence, batch_first: bool) -> PackedSequence:
    """For the recurrent layers: a padded output in original order, packed like `packed` (same
    batch_sizes, sorted_indices and unsorted_indices)."""
    order = None if packed.sorted_indices is None else as_operand(packed.sorted_indices)
    data = _pack_rows(as_tensor_node(out), as_operand(packed.batch_sizes).astype(np.int64), order, batch_first)
    return PackedSequence(data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)


__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]
