"""torch.nn.utils.rnn of the PyTorch dialect: packing and padding variable-length batches, their gradients,
their errors, and nn.LSTM / nn.GRU / nn.RNN run on a PackedSequence.

Every expected number was computed by PyTorch 2.x (torch.nn.utils.rnn and torch.nn's layers, in float64)
and is written out here; PyTorch is not needed to run these tests. The test inputs and weights come from
`arr`, a closed formula, so both libraries saw the same numbers.
"""
import re

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
from tinygrad_rnn.torch.nn.utils.rnn import (PackedSequence, invert_permutation, pack_padded_sequence,
                                             pack_sequence, packed_to_padded, pad_packed_sequence, pad_sequence,
                                             padded_to_packed, unpack_sequence, unpad_sequence)


def A(shape, *values) -> np.ndarray:
    """An expected array: PyTorch's numbers, flattened, and their shape."""
    return np.array(values, dtype=np.float64).reshape(shape)


def arr(shape, k: float) -> np.ndarray:
    """The test's inputs and weights: 0.6 sin(0.7 n + k), n = 0, 1, ... in row-major order."""
    return (0.6 * np.sin(0.7 * np.arange(int(np.prod(shape))) + k)).reshape(shape)


def seed_of(name: str) -> float:
    """The k of arr() for a parameter, from its name (so the order of the state dict does not matter)."""
    return sum((i + 1) * ord(c) for i, c in enumerate(name)) % 997 / 100


def close(actual, expected) -> None:
    """actual (a Tensor) equals PyTorch's float64 numbers to round-off."""
    np.testing.assert_allclose(actual.detach().numpy(), expected, rtol=1e-12, atol=1e-14)


@pytest.fixture
def float64():
    """float64 as the default dtype for one test (PyTorch computed the expected numbers in float64)."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


# ---------------------------------------------------------------- packing and padding
def test_pack_padded_sequence_packs_a_sorted_batch_step_after_step():
    x = torch.arange(12.).reshape(4, 3)
    p = pack_padded_sequence(x, [4, 2, 1])
    assert isinstance(p, PackedSequence) and isinstance(p, tuple)
    assert p._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
    assert p.data.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 9.0] and p.data.dtype == torch.float32
    assert p.batch_sizes.tolist() == [3, 2, 1, 1] and p.batch_sizes.dtype == torch.int64
    assert p.sorted_indices is None and p.unsorted_indices is None
    q = pack_padded_sequence(x.t(), [4, 2, 1], batch_first=True)
    assert q.data.tolist() == p.data.tolist() and q.batch_sizes.tolist() == [3, 2, 1, 1]


def test_lengths_may_be_a_tensor_or_array_and_steps_past_them_are_dropped():
    x = torch.arange(12.).reshape(4, 3)
    for lengths in (torch.tensor([2, 2, 1], dtype=torch.int32), np.array([2, 2, 1]), (2, 2, 1), [2.5, 2, 1]):
        p = pack_padded_sequence(x, lengths)
        assert p.data.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0] and p.batch_sizes.tolist() == [3, 2]


def test_an_unsorted_batch_is_sorted_then_restored_in_its_original_order():
    """PyTorch's own example (pad_packed_sequence's docstring)."""
    seq = torch.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]])
    p = pack_padded_sequence(seq, [2, 1, 3], batch_first=True, enforce_sorted=False)
    assert p.data.tolist() == [4, 1, 3, 5, 2, 6] and p.data.dtype == torch.int64
    assert p.batch_sizes.tolist() == [3, 2, 1]
    assert p.sorted_indices.tolist() == [2, 0, 1] and p.unsorted_indices.tolist() == [1, 2, 0]
    assert p.sorted_indices.dtype == torch.int64 and p.unsorted_indices.dtype == torch.int64
    padded, lengths = pad_packed_sequence(p, batch_first=True)
    assert padded.tolist() == [[1, 2, 0], [3, 0, 0], [4, 5, 6]]
    assert lengths.tolist() == [2, 1, 3] and lengths.dtype == torch.int64
    ties = pack_padded_sequence(torch.zeros(2, 4), [1, 2, 1, 2], enforce_sorted=False)
    assert ties.sorted_indices.tolist() == [1, 3, 0, 2]            # equal lengths keep their order


def test_packing_an_unsorted_batch_with_features_and_its_gradient():
    x = torch.arange(24., dtype=torch.float64).reshape(4, 3, 2).requires_grad_()
    p = pack_padded_sequence(x, [3, 4, 1], enforce_sorted=False)
    close(p.data, PACK_DATA)
    assert p.batch_sizes.tolist() == [3, 2, 2, 1]
    assert p.sorted_indices.tolist() == [1, 0, 2] and p.unsorted_indices.tolist() == [1, 0, 2]
    (p.data * torch.tensor(arr((8, 2), 7.0))).sum().backward()
    close(x.grad, PACK_X_GRAD)                          # zero at the padding steps


def test_pad_packed_sequence_with_total_length_padding_value_batch_first_and_its_gradient():
    data = torch.tensor(PACK_DATA, requires_grad=True)
    p = PackedSequence(data, torch.tensor([3, 2, 2, 1]), torch.tensor([1, 0, 2]))
    assert p.unsorted_indices.tolist() == [1, 0, 2]
    padded, lengths = pad_packed_sequence(p, batch_first=True, padding_value=-2.5, total_length=5)
    close(padded, PAD_PACKED)
    assert lengths.tolist() == [3, 4, 1]
    (padded * torch.tensor(arr((3, 5, 2), 8.0))).sum().backward()
    close(data.grad, PAD_PACKED_DATA_GRAD)
    time_major, _ = pad_packed_sequence(p)
    close(time_major, PAD_PACKED[:, :4].transpose(1, 0, 2).clip(0, None))   # padding 0: every real entry is >= 0


def test_pack_sequence_and_unpack_sequence():
    """PyTorch's examples (pack_sequence's and unpack_sequence's docstrings)."""
    a, b, c = torch.tensor([1, 2, 3]), torch.tensor([4, 5]), torch.tensor([6])
    p = pack_sequence([a, b, c])
    assert p.data.tolist() == [1, 4, 6, 2, 5, 3] and p.batch_sizes.tolist() == [3, 2, 1]
    assert p.sorted_indices is None
    assert [s.tolist() for s in unpack_sequence(p)] == [[1, 2, 3], [4, 5], [6]]
    q = pack_sequence([b, a, c], enforce_sorted=False)
    assert q.data.tolist() == [1, 4, 6, 2, 5, 3] and q.sorted_indices.tolist() == [1, 0, 2]
    assert [s.tolist() for s in unpack_sequence(q)] == [[4, 5], [1, 2, 3], [6]]


def test_pad_sequence_sizes_sides_values_and_dtype():
    seqs = [torch.ones(25, 300), torch.ones(22, 300), torch.ones(15, 300)]
    assert pad_sequence(seqs).size() == torch.Size([25, 3, 300])
    assert pad_sequence(seqs, batch_first=True).shape == (3, 25, 300)
    two = [torch.ones(2), torch.ones(3)]
    assert pad_sequence(two).tolist() == [[1, 1], [1, 1], [0, 1]]
    assert pad_sequence(two, padding_side="left").tolist() == [[0, 1], [1, 1], [1, 1]]
    assert pad_sequence(two, batch_first=True, padding_value=-1).tolist() == [[1, 1, -1], [1, 1, 1]]
    mixed = pad_sequence([torch.ones(2, dtype=torch.int64), torch.ones(3)], padding_value=0.5)
    assert mixed.dtype == torch.int64 and mixed.tolist() == [[1, 1], [1, 1], [0, 1]]   # the first one's dtype
    assert pad_sequence([torch.ones(0), torch.ones(0)]).shape == (0, 2)
    assert pad_sequence([torch.ones(0, 2), torch.ones(1, 2)]).tolist() == [[[0, 0], [1, 1]]]
    rows = torch.arange(12.).reshape(4, 3)                      # a tensor is a sequence of its rows
    assert pad_sequence(rows).tolist() == rows.t().tolist()
    assert pad_sequence(iter(two)).shape == (3, 2)


def test_pad_sequence_on_the_left_and_its_gradient():
    seqs = [torch.tensor(arr(shape, k), requires_grad=True) for shape, k in [((3, 2), 9.0), ((1, 2), 10.0),
                                                                            ((2, 2), 11.0)]]
    padded = pad_sequence(seqs, batch_first=True, padding_value=0.25, padding_side="left")
    close(padded, PAD_LEFT)
    (padded * torch.tensor(arr((3, 3, 2), 12.0))).sum().backward()
    for s, expected in zip(seqs, (PAD_LEFT_GRAD_0, PAD_LEFT_GRAD_1, PAD_LEFT_GRAD_2)):
        close(s.grad, expected)


def test_unpad_sequence_inverts_pad_sequence_and_leaves_its_input_alone():
    padded = torch.arange(12., dtype=torch.float64).reshape(4, 3).requires_grad_()
    pieces = unpad_sequence(padded, torch.tensor([4, 2, 1]))
    assert [s.tolist() for s in pieces] == [[0, 3, 6, 9], [1, 4], [2]]
    assert padded.shape == (4, 3)                       # PyTorch's transposes it in place; this one does not
    sum(((k + 1) * s).sum() for k, s in enumerate(pieces)).backward()
    assert padded.grad.tolist() == [[1, 2, 3], [1, 2, 0], [1, 0, 0], [1, 0, 0]]
    longer = unpad_sequence(padded.detach().t(), [5, 2, 1], batch_first=True)       # a length past T keeps T
    assert [s.tolist() for s in longer] == [[0, 3, 6, 9], [1, 4], [2]]


def test_packed_sequence_is_a_tuple_with_conversions():
    p = pack_sequence([torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0])])
    data, batch_sizes, sorted_indices, unsorted_indices = p
    assert PackedSequence((data, batch_sizes)) == (data, batch_sizes, None, None)
    assert repr(p).startswith("PackedSequence(data=tensor([1., 4., 2., 5., 3.]), batch_sizes=tensor([2, 2, 1])")
    assert p.to(torch.float32) is p and p.cpu() is p and p.float() is p and p.is_cuda is False
    d = p.double()
    assert isinstance(d, PackedSequence) and d.data.dtype == torch.float64 and d.batch_sizes is p.batch_sizes
    assert p.to(dtype=torch.float64).data.tolist() == [1, 4, 2, 5, 3] and p.long().data.dtype == torch.int64
    assert invert_permutation(torch.tensor([2, 0, 1])).tolist() == [1, 2, 0] and invert_permutation(None) is None


@pytest.mark.parametrize("batch_first", [False, True])
def test_packed_to_padded_and_padded_to_packed_bridge_the_layers(batch_first):
    x = torch.arange(24., dtype=torch.float64).reshape(4, 3, 2)
    p = pack_padded_sequence(x.transpose(0, 1) if batch_first else x, [3, 4, 1], batch_first, enforce_sorted=False)
    padded, lengths, order = packed_to_padded(p, batch_first)
    assert lengths == [3, 4, 1] and list(order) == [1, 0, 2]
    assert padded.shape == ((3, 4, 2) if batch_first else (4, 3, 2))
    again = padded_to_packed(padded, p, batch_first)
    assert again.data.tolist() == p.data.tolist()
    assert again.batch_sizes is p.batch_sizes and again.sorted_indices is p.sorted_indices
    assert again.unsorted_indices is p.unsorted_indices


# ---------------------------------------------------------------- errors, with PyTorch's messages where it has one
UNSORTED = ("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
            "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
            "if you do not need ONNX exportability.")
ERRORS = [
    (lambda: pack_padded_sequence(torch.ones(4, 3), [2, 4, 1]), RuntimeError, UNSORTED),
    (lambda: pack_sequence([torch.ones(2), torch.ones(3)]), RuntimeError, UNSORTED),
    (lambda: pack_padded_sequence(torch.ones(4, 3), [4, 2, 0]), RuntimeError,
     "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"),
    (lambda: pack_padded_sequence(torch.ones(4, 3), [4, 0, 2], enforce_sorted=False), RuntimeError,
     "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"),
    (lambda: pack_padded_sequence(torch.ones(4, 3), [5, 2, 1]), RuntimeError,
     "pack_padded_sequence(): a length of 5 is longer than the padded input of shape (4, 3) (T = 4 with "
     "batch_first=False); PyTorch does not check this and packs steps that are not there"),
    (lambda: pack_padded_sequence(torch.ones(4, 3), [4, 2]), RuntimeError,
     "Expected `len(lengths)` to be equal to batch_size, but got 2 (batch_size=3)"),
    (lambda: pack_padded_sequence(torch.ones(4, 3), 4), RuntimeError,
     "'lengths' argument should be a 1D CPU int64 tensor, but got 0D cpu Long tensor"),
    (lambda: pack_padded_sequence(torch.ones(4), [4]), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    (lambda: pack_padded_sequence(torch.ones(0, 3), []), RuntimeError, "Cannot pack empty tensors."),
    (lambda: pack_padded_sequence([[1.0]], [1]), TypeError,
     "pack_padded_sequence(): argument 'input' must be Tensor, not list"),
    (lambda: pad_packed_sequence(pack_sequence([torch.ones(3), torch.ones(2)]), total_length=2), ValueError,
     "Expected total_length to be at least the length of the longest sequence in input, but got total_length=2 "
     "and max sequence length being 3"),
    (lambda: pad_packed_sequence(torch.ones(4, 3)), TypeError,
     "pad_packed_sequence(): expected a PackedSequence, got Tensor"),
    (lambda: pad_sequence([]), RuntimeError, "received an empty list of sequences"),
    (lambda: pad_sequence(3), RuntimeError,
     "pad_sequence: Expected iterable for input sequences, but got arg of type: <class 'int'>"),
    (lambda: pad_sequence([torch.ones(2), 3]), TypeError, "expected Tensor as element 1 in argument 0, but got int"),
    (lambda: pad_sequence([torch.ones(2)], padding_side="up"), RuntimeError,
     "Expected padding_side to be one of left or right, but got up."),
    (lambda: pad_sequence([torch.tensor(2.0)]), RuntimeError,
     "pad_sequence: sequence 0 is a 0-d tensor; every sequence is L x * (L its length)"),
    (lambda: pad_sequence([torch.ones(2, 3), torch.ones(2, 4)]), RuntimeError,
     "pad_sequence: sequence 1 has shape (2, 4), but sequence 0 has (2, 3); every sequence must be L x * with "
     "the same *"),
    (lambda: unpad_sequence(torch.ones(4, 3), torch.tensor([4, 2])), ValueError,
     "zip() argument 2 is shorter than argument 1: unpad_sequence got 2 lengths for a batch of 3 sequences"),
    (lambda: PackedSequence(torch.ones(3)), AssertionError, "Expected data to be a list or tuple of length 2"),
]


@pytest.mark.parametrize("call, kind, message", ERRORS, ids=[m[:40] for _, _, m in ERRORS])
def test_errors(call, kind, message):
    with pytest.raises(kind, match=f"^{re.escape(message)}$"):
        call()



@pytest.mark.parametrize("call, kind, message", [
    (lambda: pad_packed_sequence(PackedSequence([1.0], torch.tensor([1]))), TypeError,
     "pad_packed_sequence(): argument 'sequence.data' must be Tensor, not list"),
    (lambda: unpad_sequence([[1.0]], [1]), TypeError,
     "unpad_sequence(): argument 'padded_sequences' must be Tensor, not list"),
    (lambda: unpad_sequence(torch.ones(4, 3), torch.tensor([4, 2, 1, 1])), ValueError,
     "zip() argument 2 is longer than argument 1: unpad_sequence got 4 lengths for a batch of 3 sequences"),
])
def test_errors_written_here_name_the_argument(call, kind, message):
    """Messages of this library's own (PyTorch fails on these with unrelated ones)."""
    with pytest.raises(kind, match=f"^{re.escape(message)}$"):
        call()


# ---------------------------------------------------------------- recurrent layers on a PackedSequence
CASES = {
    "lstm": dict(kind="LSTM", I=3, H=2, L=1, bidirectional=False, batch_first=False, lengths=[2, 4, 1], T=4,
                 enforce_sorted=False, hx=True, batch_sizes=[3, 2, 1, 1], sorted_indices=[1, 0, 2]),
    "gru": dict(kind="GRU", I=3, H=2, L=2, bidirectional=True, batch_first=True, lengths=[3, 1, 4], T=4,
                enforce_sorted=False, hx=False, batch_sizes=[3, 2, 2, 1], sorted_indices=[2, 0, 1]),
    "rnn": dict(kind="RNN", I=2, H=3, L=1, bidirectional=True, batch_first=False, lengths=[3, 3, 1], T=3,
                enforce_sorted=True, hx=True, batch_sizes=[3, 2, 2], sorted_indices=None),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_layer_on_a_packed_sequence_matches_pytorch(name, float64):
    """Output data, h_n (c_n), and the gradients of a weighted sum of them with respect to the padded input,
    hx and every parameter; hx and h_n are in the batch's original order, as PyTorch shows them."""
    c, N = CASES[name], name.upper()
    layer = getattr(torch.nn, c["kind"])(c["I"], c["H"], num_layers=c["L"], bidirectional=c["bidirectional"],
                                         batch_first=c["batch_first"])
    layer.load_state_dict({k: torch.tensor(arr(tuple(v.shape), seed_of(k))) for k, v in layer.state_dict().items()})
    B, T, D = len(c["lengths"]), c["T"], 2 if c["bidirectional"] else 1
    x = torch.tensor(arr((B, T, c["I"]) if c["batch_first"] else (T, B, c["I"]), 0.5), requires_grad=True)
    h0 = torch.tensor(arr((c["L"] * D, B, c["H"]), 2.0), requires_grad=True)
    c0 = torch.tensor(arr((c["L"] * D, B, c["H"]), 3.0), requires_grad=True)
    hx = ((h0, c0) if c["kind"] == "LSTM" else h0) if c["hx"] else None
    packed = pack_padded_sequence(x, c["lengths"], c["batch_first"], c["enforce_sorted"])
    out, state = layer(packed, hx)
    assert isinstance(out, PackedSequence)
    assert out.batch_sizes.tolist() == c["batch_sizes"]
    assert (None if out.sorted_indices is None else out.sorted_indices.tolist()) == c["sorted_indices"]
    h_n = state[0] if c["kind"] == "LSTM" else state
    close(out.data, globals()[f"{N}_OUT"])
    close(h_n, globals()[f"{N}_H_N"])
    loss = (out.data * torch.tensor(arr(tuple(out.data.shape), 4.0))).sum() + \
        (h_n * torch.tensor(arr(tuple(h_n.shape), 5.0))).sum()
    if c["kind"] == "LSTM":
        close(state[1], LSTM_C_N)
        loss = loss + (state[1] * torch.tensor(arr(tuple(state[1].shape), 6.0))).sum()
    loss.backward()
    close(x.grad, globals()[f"{N}_X_GRAD"])
    if c["hx"]:
        close(h0.grad, globals()[f"{N}_H0_GRAD"])
    if c["kind"] == "LSTM":
        close(c0.grad, LSTM_C0_GRAD)
    grads = globals()[f"{N}_PARAM_GRADS"]
    assert [k for k, _ in layer.named_parameters()] == list(grads)
    for k, p in layer.named_parameters():
        close(p.grad, grads[k])


def test_a_packed_batch_gives_what_each_sequence_gives_alone(float64):
    """PyTorch's promise: packing changes nothing but the batching. Each sequence run alone, unpadded,
    gives its rows of the output and its column of h_n and c_n."""
    layer = torch.nn.LSTM(3, 2, num_layers=2, bidirectional=True, batch_first=True)
    x, lengths = torch.tensor(arr((3, 4, 3), 1.5)), [2, 4, 3]
    out, (h_n, c_n) = layer(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
    padded, _ = pad_packed_sequence(out, batch_first=True)
    for b, n in enumerate(lengths):
        alone, (h, c) = layer(x[b:b + 1, :n])
        close(padded[b:b + 1, :n], alone.detach().numpy())
        close(padded[b, n:], np.zeros((4 - n, 4)))
        close(h_n[:, b:b + 1], h.detach().numpy())
        close(c_n[:, b:b + 1], c.detach().numpy())


# ---------------------------------------------------------------- PyTorch's numbers
PACK_DATA = A((8, 2),
      2.0, 3.0, 0.0, 1.0, 4.0, 5.0, 8.0, 9.0, 6.0, 7.0, 14.0, 15.0, 12.0, 13.0, 20.0, 21.0)
PACK_X_GRAD = A((4, 3, 2),
      0.5127593448529683, 0.19145901740961127, 0.3941919592312734, 0.5929009403262002, -0.21988747755115703,
      -0.527817455983002, 0.020173828332682015, 0.4017418573179614, -0.5875066374907905, -0.3708822673422208, 0.0,
      0.0, 0.18187101404742237, -0.22924285031040545, 0.5943644134169221, 0.5074480986857606, 0.0, 0.0, 0.0, 0.0,
      -0.5325402201489017, -0.5853756032808946, 0.0, 0.0)
PAD_PACKED = A((3, 5, 2),
      0.0, 1.0, 6.0, 7.0, 12.0, 13.0, -2.5, -2.5, -2.5, -2.5, 2.0, 3.0, 8.0, 9.0, 14.0, 15.0, 20.0, 21.0, -2.5,
      -2.5, 4.0, 5.0, -2.5, -2.5, -2.5, -2.5, -2.5, -2.5, -2.5, -2.5)
PAD_PACKED_DATA_GRAD = A((8, 2),
      0.3901727040942701, 0.004777910271562406, 0.593614947974029, 0.39778153804931, -0.005310785574242326,
      -0.3905773833997481, -0.38286400940876847, -0.590439003048986, 0.014865255272014658, -0.37504238933572925,
      -0.5203213076913499, -0.2054883710817675, -0.5885617380398949, -0.5252713048130571, 0.20598895729193722,
      0.5205864603850003)
PAD_LEFT = A((3, 3, 2),
      0.24727109114505394, -0.16305637584656546, -0.4966958814513922, -0.5967315529223934, -0.41611505086627343,
      -0.03979313841072041, 0.25, 0.25, 0.25, 0.25, -0.32641266653362183, -0.5739810097621127, 0.25, 0.25,
      -0.5999941239304221, -0.45719015035141997, -0.09936250526898564, 0.3051968786234242)
PAD_LEFT_GRAD_0 = A((3, 2),
      -0.32194375080026094, 0.07993922485196532, 0.4442255339714692, 0.5995856332487506, 0.47295124042518977,
      0.12388048916267795)
PAD_LEFT_GRAD_1 = A((1, 2),
      0.0899263257977714, 0.45094404921128894)
PAD_LEFT_GRAD_2 = A((2, 2),
      0.11399200547726472, -0.2923047074763057, -0.5611259491167233, -0.5660408890527333)
LSTM_OUT = A((7, 2),
      -0.16783970008569987, -0.17157171203201158, -0.03496697589827895, -0.4982727445846104, -0.22983424091674554,
      -0.10170080790977114, -0.2191455809864732, -0.20703731043897267, -0.008701640424313798, -0.39150778143918796,
      -0.2303594947589604, -0.20337897429333118, -0.23902505052054254, -0.2030072148510644)
LSTM_H_N = A((1, 3, 2),
      -0.008701640424313798, -0.39150778143918796, -0.23902505052054254, -0.2030072148510644, -0.22983424091674554,
      -0.10170080790977114)
LSTM_C_N = A((1, 3, 2),
      -0.06203069858780712, -0.9341775355702453, -1.565157830722793, -0.783724108715651, -0.7548916935793705,
      -0.47229209232301905)
LSTM_X_GRAD = A((4, 3, 3),
      -0.031921044908104504, -0.06506008115564563, -0.06760034464387613, -0.043995979345022015,
      0.028338982370165924, 0.08734567786785062, 0.11550646723289656, 0.1618725203005538, 0.1321073977429598,
      0.012093389874331877, -0.011985343408103935, -0.03042718240955128, 0.08692464147300573, 0.0874202324497432,
      0.046800722126554145, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.031955003911313846, 0.040676386389910904,
      0.09417703658589088, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.17000750735290893, 0.10882244653779666,
      -0.0035435112816736974, 0.0, 0.0, 0.0)
LSTM_H0_GRAD = A((1, 3, 2),
      0.0008025909247329705, 0.02749598010280477, 0.07131697330687313, 0.05992149054562397, -0.15193120835224355,
      -0.26370399460868693)
LSTM_C0_GRAD = A((1, 3, 2),
      -0.159387053341692, 0.01353340149296985, 0.06948052104822372, -0.037558903324780506, 0.25425168388873803,
      0.08027608612098862)
LSTM_PARAM_GRADS = {
    'weight_ih_l0': A((8, 3),
        -0.01792147033874076, 0.043684193137010455, 0.08474449799607897, -0.02340338073223717,
        0.020174705424431012, 0.05426431238152127, -0.06702979496319952, 0.059295843473448524, 0.15773372020142157,
        -0.056889524744523884, 0.013044510607747858, 0.07684350879509504, -0.113089216988247, -0.3154000786779825,
        -0.36937335510328867, 0.0918185918799681, -0.059432694311814596, -0.1827318557072854, 0.1279657738196861,
        0.05218657614576924, -0.04813678372724892, 0.10612821252766638, 0.11009310441020013, 0.06227948903640765),
    'weight_hh_l0': A((8, 2),
        0.06320680051496139, 0.05369408324252329, 0.0384900189023585, 0.03169545286255862, 0.08830146470834874,
        0.07682563957710539, 0.03612736363251656, 0.033838624593169546, -0.28032920057393096, -0.13806780839992738,
        -0.11690661063855781, -0.09470138757343113, 0.05034475497724575, 0.0007710554717204263,
        0.03196924884809559, -0.07765066227646347),
    'bias_ih_l0': A((8,),
        -0.15525966523300838, -0.15224568002619476, -0.34775236030748946, -0.18440182873940708,
        0.41078252782191915, 0.46658765773081384, 0.034684642484582376, 0.10509740278870111),
    'bias_hh_l0': A((8,),
        -0.1552596652330084, -0.15224568002619476, -0.3477523603074895, -0.18440182873940705, 0.41078252782191915,
        0.4665876577308138, 0.034684642484582376, 0.10509740278870114),
}
GRU_OUT = A((8, 4),
      -0.17355009046218256, -0.5001212102044055, 0.0365292513248844, -0.488171454792697, -0.14060483362503595,
      -0.5521085744514551, 0.018205401886757913, -0.39581030003863193, -0.18585880876705274, -0.4931123787783342,
      0.02366109726382372, -0.1671831636033974, -0.19781505533898458, -0.699561185618448, 0.035519505654127356,
      -0.4140892742000281, -0.21271839284146743, -0.6757152343945736, 0.0680071822665922, -0.33622357257257196,
      -0.2183327157975772, -0.7055290349453803, 0.07750179527624085, -0.345467480902739, -0.22592804063345762,
      -0.6724120139701533, 0.06759912027635659, -0.21451914961974505, -0.22276746698228173, -0.6771307846639909,
      0.07010164632746535, -0.21679806790329825)
GRU_H_N = A((4, 3, 2),
      -0.48082610083790467, -0.6478016352285211, -0.22112281645119158, -0.33614730422857336, -0.515221358379532,
      -0.6461652324469841, 0.0470546160763948, -0.251178372737749, 0.11577025035596378, -0.18023757583425976,
      0.05465989992107837, -0.1657745579724571, -0.22592804063345762, -0.6724120139701533, -0.18585880876705274,
      -0.4931123787783342, -0.22276746698228173, -0.6771307846639909, 0.018205401886757913, -0.39581030003863193,
      0.02366109726382372, -0.1671831636033974, 0.0365292513248844, -0.488171454792697)
GRU_X_GRAD = A((3, 4, 3),
      -0.005205557146721747, -0.036073757308467465, -0.04997590574003426, -0.05720135006826417,
      -0.03341342948564154, 0.006089349083316101, -0.036043545320769615, -0.055766650406416055,
      -0.04926182842797554, 0.0, 0.0, 0.0, 0.018457942033248742, -0.011683072012869465, -0.03632935473829885, 0.0,
      0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.022641207516127956, -0.006530045021405822, 0.012652299681651429,
      0.022725694070497737, 0.033064731457279076, 0.02785290898902132, 0.07471628426155806, 0.043792631730347926,
      -0.007727379782391327, 0.07843512272254113, 0.09763996494937449, 0.07092320599397955)
GRU_PARAM_GRADS = {
    'weight_ih_l0': A((6, 3),
        0.0015314093032122171, 0.0030050825325745253, 0.003065418491157202, -0.0029440898183694542,
        0.0018458212677249664, 0.005767613769855419, -0.006395499258681714, -0.013998459506768954,
        -0.01501772551685922, 0.0005914312367403859, -0.017531350536092685, -0.02740886421689273,
        -0.02231310113011055, -0.02342122156663111, -0.013513975533682623, 0.031131981088637996,
        -0.0026801346682870583, -0.035231741212457056),
    'weight_hh_l0': A((6, 2),
        0.0007103483503420185, 0.00019195908899400654, 0.002644290379468851, 0.0011310408275291197,
        -0.0015821562841380563, 0.015693584169442863, -0.008519469016105346, -0.004631861285274763,
        -0.049834218789456694, -0.04171671677184631, -0.04654832422554085, -0.04533316189302483),
    'bias_ih_l0': A((6,),
        0.004404468150909623, -0.014320759641155464, -0.005696086384920918, 0.05556656587178854,
        0.06726245071152784, 0.20714191253650877),
    'bias_hh_l0': A((6,),
        0.004404468150909623, -0.014320759641155463, -0.0056960863849209245, 0.055566565871788536,
        0.06558667462848852, 0.1547282820635587),
    'weight_ih_l0_reverse': A((6, 3),
        -0.000972505401090745, 0.0010856582055895705, 0.0026332197943037, 0.0019389644007041151,
        -0.0013645547242359074, -0.004026302440612052, 0.018504230295421576, -0.005802491764542895,
        -0.027380211281207947, -0.03259496255503408, 0.008794739630684566, 0.0460481383464947,
        -0.010491123167080795, 0.04762207735742235, 0.08333787078524471, -0.03660009022869717, 0.03298413987277477,
        0.08705541360067812),
    'weight_hh_l0_reverse': A((6, 2),
        1.488430394427074e-05, 7.725460937594722e-05, -3.6827452582892344e-05, 0.0005424510748005753,
        0.0006391565392411686, -0.0011125450515394521, -0.0011029800905076937, 0.0011363126510996902,
        0.0010422313347171934, 0.0015745256723178403, 1.7483842869737542e-06, -0.004815204445714718),
    'bias_ih_l0_reverse': A((6,),
        -0.005784985019936178, 0.010539577778536403, 0.07129835170414413, -0.11151465754186803,
        -0.18011584898421007, -0.23046200123217858),
    'bias_hh_l0_reverse': A((6,),
        -0.005784985019936178, 0.010539577778536405, 0.07129835170414413, -0.11151465754186801,
        -0.07946046065652289, -0.1748250753310551),
    'weight_ih_l1': A((6, 4),
        -0.0012708351911781012, 0.005415629848627117, -0.0008950170117534442, 0.0020658324739538498,
        -0.009138415654590962, -0.0014927759473961806, 0.0016950862121634506, 2.4120157621903464e-05,
        0.011935453856410944, -0.037691513840959034, 0.006779527554755313, -0.012960775215632417,
        0.030659026124551302, -0.019846217396005113, -0.006584196246955283, -0.00308259701809477,
        0.08506551929454695, 0.03909878362536995, -0.004475656047184222, 0.02353498148156098, 0.09563158070302619,
        0.026873165048224623, -0.01620069490428924, -0.003468977789595696),
    'weight_hh_l1': A((6, 2),
        0.000146969522116253, 0.0008775915665209573, -0.00040238184597939184, -0.0025584251152779443,
        -0.0026371774527392806, -0.011547332461294272, -0.005647982499426417, -0.01644011547908538,
        0.04101859777792159, 0.12284629838428185, 0.005427060943937929, 0.027610857298779087),
    'bias_ih_l1': A((6,),
        -0.007815543326952895, 0.01203394264221596, 0.0485312952310613, -0.02452506834458333, -0.09548385690379907,
        -0.12037943703660842),
    'bias_hh_l1': A((6,),
        -0.007815543326952896, 0.01203394264221596, 0.0485312952310613, -0.024525068344583324,
        -0.09467501395379174, -0.07691090694798772),
    'weight_ih_l1_reverse': A((6, 4),
        0.0008981086305502645, 0.002247262389619033, -0.0004515900968886504, 0.0011335446588545148,
        0.006334708155458572, 0.010761375593909356, -0.0013527429668759073, 0.0037058551034023337,
        -0.0007946522451544556, -0.010606920546653138, 0.0013900606634971312, -0.006065752835424341,
        -0.07358938784627851, -0.10332105785140006, 0.012117129573134454, -0.024216177432336197,
        -0.06201493061585672, -0.13220363627151593, 0.006242496656510915, -0.04141508698905222,
        -0.0938995489237211, -0.15496039956301072, 0.01906116815268856, -0.04935865549159308),
    'weight_hh_l1_reverse': A((6, 2),
        -0.00019308146734990064, 0.0010012594492127284, -0.0012069802675532823, 0.005853980179105616,
        0.0012882543641797278, -0.006131109464637202, 0.008747887365040705, -0.037419511191946135,
        0.009102583191079176, -0.03983124140152829, 0.01307142723193215, -0.059817995983245144),
    'bias_ih_l1_reverse': A((6,),
        -0.005195188242858374, -0.02010380481467002, 0.021256992340552363, 0.1825978195019462, 0.18259051071110957,
        0.28214940313311204),
    'bias_hh_l1_reverse': A((6,),
        -0.005195188242858374, -0.02010380481467002, 0.021256992340552356, 0.1825978195019462, 0.06548936460424808,
        0.22307668857955132),
}
RNN_OUT = A((7, 6),
      0.22108627091653993, 0.836254897370895, 0.898327271325035, 0.8464171436844975, 0.7649704459281051,
      0.3774999437244659, 0.8748193873520463, 0.43899911417652415, 0.7309883560222179, 0.8664170913609097,
      0.7909173504080391, 0.3599354383369694, 0.7814520483341413, 0.924072880722658, 0.19249848182580087,
      0.36525579263580754, 0.3809287537493691, 0.8491095613724029, 0.6702766614406166, 0.9750817426204671,
      0.04548746623865745, 0.5731038461710065, 0.16167223799815025, 0.6919855823735418, 0.02719063164669628,
      0.9582364737100804, 0.7788426060543283, 0.7217990910908306, 0.1547486260439392, 0.8372163792789936,
      0.042348961847239276, 0.9168478369051739, 0.8215633372133148, 0.39868553319655586, 0.8431894142362159,
      0.6528107623760562, 0.7081362418790709, 0.9702632313236556, -0.012362494278977725, -0.7888991264057522,
      0.5462921587258478, 0.974483003235144)
RNN_H_N = A((2, 3, 3),
      0.042348961847239276, 0.9168478369051739, 0.8215633372133148, 0.7081362418790709, 0.9702632313236556,
      -0.012362494278977725, 0.7814520483341413, 0.924072880722658, 0.19249848182580087, 0.8464171436844975,
      0.7649704459281051, 0.3774999437244659, 0.8664170913609097, 0.7909173504080391, 0.3599354383369694,
      0.36525579263580754, 0.3809287537493691, 0.8491095613724029)
RNN_X_GRAD = A((3, 3, 2),
      0.17880300943047978, -0.1433743368753388, -0.08420702523323714, -0.11427422578613029, 0.2372855139029465,
      0.43993949586452546, -0.3087343709862648, -0.4861782464706148, -0.7467349856234633, -0.5688218905000939, 0.0,
      0.0, 0.5930230583430381, 0.7299812622112707, 0.12042379430753798, 0.0245597386284883, 0.0, 0.0)
RNN_H0_GRAD = A((2, 3, 3),
      0.26314515524602583, 0.22896016126754382, 0.08709162584372901, -0.08813609729202836, -0.05518717164461651,
      0.003717143150602481, -0.0013498766687113448, -0.004181056286353239, -0.0050458198017166046,
      0.18879225937563077, 0.22997348096787856, 0.16299458102616896, 0.017814671382209626, -0.0932441175619384,
      -0.16044874103717932, 0.29663911341343213, 0.4198097357564298, 0.3455372796651095)
RNN_PARAM_GRADS = {
    'weight_ih_l0': A((3, 2),
        -0.3842931973354208, -0.04988444338961301, -0.06708009825080996, -0.105262778455784, 0.1373799834162289,
        -0.007473839772369692),
    'weight_hh_l0': A((3, 3),
        -0.2590625514404973, -0.5727843144772516, 0.45395751930616796, -0.07431749440731035, -0.03147043840171111,
        0.05168033463843248, 0.04936637355859192, 0.02857428091011452, -0.1950080147256673),
    'bias_ih_l0': A((3,),
        -0.5914198898075467, -0.19942245047105608, -0.2856392492256375),
    'bias_hh_l0': A((3,),
        -0.5914198898075466, -0.1994224504710561, -0.28563924922563755),
    'weight_ih_l0_reverse': A((3, 2),
        0.22470105587915581, -0.27197783923133706, -0.020837807017029322, -0.3045045211271528,
        -0.003471203775864868, 0.25366591073363987),
    'weight_hh_l0_reverse': A((3, 3),
        0.10134292401963449, -0.1034043345685236, -0.2341363575978711, 0.33032562545349803, -0.49590955443584656,
        -0.7042888145489931, 0.40915319077364287, 0.06828595111332444, 0.309446650932695),
    'bias_ih_l0_reverse': A((3,),
        0.015112762249416711, -0.4080659980197885, 0.31735154759969475),
    'bias_hh_l0_reverse': A((3,),
        0.015112762249416656, -0.40806599801978855, 0.31735154759969464),
}
