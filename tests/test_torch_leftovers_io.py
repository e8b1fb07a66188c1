"""Leftovers of the PyTorch dialect's joins and loading, each checked against PyTorch 2.14 (values printed
there and written out here):

- torch.cat keeps a tensor it skips (PyTorch's legacy rule for shape (0,)) in the graph: if it requires
  grad, its .grad is an empty tensor of its shape, as in PyTorch; torch.stack of empty tensors likewise.
- torch.load(weights_only=False) reads numpy arrays and scalars that real PyTorch pickled; weights_only=True
  refuses them with PyTorch's message, which names every refused global in full (`__main__.CharRNN`).

tests/fixtures/pytorch_numpy.pt and pytorch_numpy_strings.pt were written by PyTorch 2.14.1 (numpy 2.4.6):

    w = np.arange(3.0)
    torch.save({"w": w, "again": w, "grid": np.arange(6, dtype=np.float32).reshape(2, 3),
                "fortran": np.asfortranarray(np.arange(6, dtype=np.int64).reshape(2, 3)),
                "mask": np.array([True, False]), "half": np.array([0.5, -2.0], dtype=np.float16),
                "z": np.array([1 + 2j], dtype=np.complex64), "empty": np.zeros((0, 2)),
                "loss": np.float64(0.25), "step": np.int64(7), "tensor": torch.tensor([1.5, 2.5])},
               "pytorch_numpy.pt")
    torch.save({"names": np.array(["a", "b"])}, "pytorch_numpy_strings.pt")
"""
import io
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from tinygrad_rnn.torch._serialization import _pack

FIXTURES = Path(__file__).parent / "fixtures"


def grad_fn_name(t) -> str:
    """What PyTorch prints as t.grad_fn's class, e.g. CatBackward0."""
    return type(t.grad_fn).__name__


# ---------------------------------------------------------------- cat and stack: empty inputs keep a gradient
def test_cat_gives_an_empty_input_that_requires_grad_an_empty_grad():
    a, b = torch.zeros(0, requires_grad=True), torch.ones(3, requires_grad=True)
    out = torch.cat([a, b])
    out.sum().backward()
    assert grad_fn_name(out) == "CatBackward0"
    assert a.grad.shape == (0,) and a.grad.tolist() == [] and a.grad.dtype == torch.float32
    assert b.grad.tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("dim, order, shape, expected", [
    (1, "bab", (2, 6), [[3.0, 5.0, 7.0], [15.0, 17.0, 19.0]]),            # PyTorch: (0,) joins 2-D tensors
    (-1, "ab", (2, 3), [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]),
    (0, "aba", (2, 3), [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]),
])
def test_cat_of_a_1d_empty_tensor_with_2d_tensors_gives_it_an_empty_grad(dim, order, shape, expected):
    a, b = torch.zeros(0, requires_grad=True), torch.ones(2, 3, requires_grad=True)
    out = torch.cat([{"a": a, "b": b}[k] for k in order], dim=dim)
    (out * torch.arange(float(np.prod(shape))).reshape(shape)).sum().backward()
    assert grad_fn_name(out) == "CatBackward0" and tuple(out.shape) == shape
    assert a.grad.shape == (0,) and a.grad.tolist() == []
    assert b.grad.tolist() == expected


def test_cat_where_only_the_skipped_tensor_requires_grad_still_records_the_graph():
    a, b = torch.zeros(0, requires_grad=True), torch.ones(2, 3)
    out = torch.cat([a, b])
    assert out.requires_grad and grad_fn_name(out) == "CatBackward0"
    assert [type(f).__name__ if f is not None else None for f, _ in out.grad_fn.next_functions] == \
        ["AccumulateGrad", None]                                          # every input, as in PyTorch
    out.sum().backward()
    assert a.grad.shape == (0,)
    with torch.no_grad():
        assert not torch.cat([a, b]).requires_grad


def test_cat_of_empty_tensors_only():
    a, c = torch.zeros(0, requires_grad=True), torch.zeros(0, requires_grad=True)
    (out := torch.cat([a, c])).sum().backward()
    assert grad_fn_name(out) == "CatBackward0" and tuple(out.shape) == (0,) and a.grad.shape == c.grad.shape == (0,)
    x = torch.cat([torch.zeros(0, requires_grad=True), torch.zeros(0, 2)])
    assert tuple(x.shape) == (0, 2) and x.requires_grad and grad_fn_name(x) == "CatBackward0"


def test_the_empty_grad_keeps_the_inputs_dtype_after_promotion_and_accumulates():
    a, b = torch.zeros(0, dtype=torch.float64, requires_grad=True), torch.ones(2, requires_grad=True)
    out = torch.cat([a, b])
    assert out.dtype == torch.float64
    out.sum().backward()
    torch.cat([a, b]).sum().backward()
    assert a.grad.dtype == torch.float64 and a.grad.shape == (0,)
    assert b.grad.dtype == torch.float32 and b.grad.tolist() == [2.0, 2.0]
    a2, m = torch.zeros(0, requires_grad=True), torch.ones(2, 2, requires_grad=True)
    ga, gm = torch.autograd.grad(torch.cat([a2, m]).sum(), [a2, m])
    assert ga.shape == (0,) and gm.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_stack_of_empty_tensors_gives_each_an_empty_grad():
    a, c = torch.zeros(0, requires_grad=True), torch.zeros(0, requires_grad=True)
    (out := torch.stack([a, c])).sum().backward()
    assert grad_fn_name(out) == "StackBackward0" and tuple(out.shape) == (2, 0) and a.grad.shape == c.grad.shape == (0,)
    d = torch.zeros(2, 0, requires_grad=True)
    out = torch.stack([d, torch.zeros(2, 0)], dim=1)
    out.sum().backward()
    assert tuple(out.shape) == (2, 2, 0) and d.grad.shape == (2, 0)
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got \[0\] at entry 0 "
                                           r"and \[2\] at entry 1"):
        torch.stack([a, torch.ones(2, requires_grad=True)])          # the (0,) rule is cat's only


# ---------------------------------------------------------------- numpy in files real PyTorch wrote
def test_numpy_arrays_and_scalars_saved_by_pytorch_load_with_weights_only_false():
    loaded = torch.load(FIXTURES / "pytorch_numpy.pt", weights_only=False)
    arrays = {"w": ([0.0, 1.0, 2.0], np.float64), "grid": ([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], np.float32),
              "fortran": ([[0, 1, 2], [3, 4, 5]], np.int64), "mask": ([True, False], np.bool_),
              "half": ([0.5, -2.0], np.float16), "z": ([1 + 2j], np.complex64), "empty": ([], np.float64)}
    for key, (values, dtype) in arrays.items():
        a = loaded[key]
        assert type(a) is np.ndarray and a.dtype == dtype and a.tolist() == values and a.flags.writeable, key
    assert loaded["empty"].shape == (0, 2) and loaded["fortran"].flags.f_contiguous
    assert loaded["again"] is loaded["w"]                                 # one array, saved once
    assert type(loaded["loss"]) is np.float64 and loaded["loss"] == 0.25
    assert type(loaded["step"]) is np.int64 and loaded["step"] == 7
    assert type(loaded["tensor"]) is torch.Tensor and loaded["tensor"].tolist() == [1.5, 2.5]


@pytest.mark.parametrize("name", ["pytorch_numpy.pt", "pytorch_numpy_strings.pt"])
def test_weights_only_refuses_numpy_with_pytorchs_message(name):
    with pytest.raises(pickle.UnpicklingError) as info:
        torch.load(FIXTURES / name)
    assert "WeightsUnpickler error: Unsupported global: GLOBAL numpy._core.multiarray._reconstruct was not an " \
           "allowed global by default. Please use `torch.serialization.add_safe_globals(" \
           "[numpy._core.multiarray._reconstruct])` or the `torch.serialization.safe_globals(" \
           "[numpy._core.multiarray._reconstruct])` context manager to allowlist this global" in str(info.value)


def test_numpy_arrays_of_other_than_numbers_are_refused_even_with_weights_only_false():
    with pytest.raises(pickle.UnpicklingError, match=r"Unsupported call numpy\.dtype\('U1'\): torch\.load rebuilds "
                                                     r"numpy arrays and scalars of numbers and bools only"):
        torch.load(FIXTURES / "pytorch_numpy_strings.pt", weights_only=False)    # PyTorch: array(['a', 'b'])


def test_bytes_load_with_weights_only_false_and_are_refused_as_in_pytorch_otherwise():
    buffer = io.BytesIO()
    torch.save({"b": b"", "c": b"xy"}, buffer)                            # b"" pickles as a call of bytes
    buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL bytes was not an allowed global by default\. Please "
                                                     r"use `torch\.serialization\.add_safe_globals\(\[bytes\]\)`"):
        torch.load(buffer)
    buffer.seek(0)
    assert torch.load(buffer, weights_only=False) == {"b": b"", "c": b"xy"}


# ---------------------------------------------------------------- numpy: what a hand-made file cannot do
def own_file(obj) -> io.BytesIO:
    """obj pickled by plain pickle (protocol 2, as PyTorch), in torch.save's format."""
    return io.BytesIO(_pack(pickle.dumps(obj, protocol=2)))


def zip_file(obj) -> io.BytesIO:
    """obj pickled by plain pickle (protocol 2) as PyTorch's zip format holds it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x/data.pkl", pickle.dumps(obj, protocol=2))
        archive.writestr("x/byteorder", "little")
    buffer.seek(0)
    return buffer


def test_numpy_in_torch_saves_format_and_under_numpy_1_names():
    payload = pickle.dumps({"w": np.arange(3.0), "s": np.float32(2.5)}, protocol=2)
    for old in (False, True):
        data = payload.replace(b"numpy._core.multiarray", b"numpy.core.multiarray") if old else payload
        loaded = torch.load(io.BytesIO(_pack(data)), weights_only=False)
        assert loaded["w"].tolist() == [0.0, 1.0, 2.0] and type(loaded["s"]) is np.float32 and loaded["s"] == 2.5


class EvilDtype:
    """Pickles as numpy pickles float64, with a BUILD state that would add a field at byte 100 of an 8-byte
    item, or mark the dtype as holding Python objects (numpy's __setstate__ accepts both on a copy)."""

    def __init__(self, state):
        self.state = state

    def __reduce__(self):
        return np.dtype, ("f8", False, True), self.state


class EvilArray:
    """Pickles as numpy pickles an array, of one EvilDtype item."""

    def __init__(self, state):
        self.dtype = EvilDtype(state)

    def __reduce__(self):
        return np._core.multiarray._reconstruct, (np.ndarray, (0,), b"b"), (1, (1,), self.dtype, False, bytes(8))


@pytest.mark.parametrize("write", [own_file, zip_file])
@pytest.mark.parametrize("state", [(3, "<", None, ("a",), {"a": (np.dtype("f8"), 100)}, 8, 1, 16),
                                   (3, "|", None, None, None, 8, 8, 63)])
def test_a_file_cannot_give_a_numpy_dtype_fields_or_objects(write, state):
    dtype = torch.load(write(EvilDtype(state)), weights_only=False)
    array = torch.load(write(EvilArray(state)), weights_only=False)
    for d in (dtype, array.dtype, np.dtype("f8")):
        assert d == np.float64 and d.fields is None and not d.hasobject
    assert array.tolist() == [0.0]


@pytest.mark.parametrize("write", [own_file, zip_file])
def test_numpys_reconstruct_makes_plain_arrays_only(write):
    class Reconstruct:
        """Pickles as numpy's _reconstruct asked to make a set."""

        def __reduce__(self):
            return np._core.multiarray._reconstruct, (set, (0,), b"b")
    with pytest.raises(pickle.UnpicklingError, match=r"Unsupported call numpy _reconstruct\(<class 'set'>, \.\.\.\)"):
        torch.load(write(Reconstruct()), weights_only=False)


# ---------------------------------------------------------------- the weights_only hint names the global in full
class CharRNN(nn.Module):
    """A model saved whole, as tutorials do (in PyTorch's char-rnn scripts it is __main__.CharRNN)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)


def test_the_weights_only_hint_names_a_pickled_models_class_in_full_as_pytorch():
    buffer = io.BytesIO()
    torch.save(CharRNN(), buffer)
    buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError) as info:
        torch.load(buffer)
    full = f"{CharRNN.__module__}.CharRNN"        # PyTorch 2.14, run as a script: __main__.CharRNN
    assert f"WeightsUnpickler error: Unsupported global: GLOBAL {full} was not an allowed global by default. Please " \
           f"use `torch.serialization.add_safe_globals([{full}])` or the " \
           f"`torch.serialization.safe_globals([{full}])` context manager to allowlist this global if you trust " \
           "this class/function." in str(info.value)


def test_a_builtin_is_named_without_its_module_as_pytorch():
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL eval was not an allowed global by default\. Please use "
                                                     r"`torch\.serialization\.add_safe_globals\(\[eval\]\)`"):
        torch.load(io.BytesIO(_pack(b"\x80\x02cbuiltins\neval\n.")))
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL eval is refused even with weights_only=False: .*"
                                                     r"add_safe_globals\(\[eval\]\)"):
        torch.load(io.BytesIO(_pack(b"\x80\x02cbuiltins\neval\n.")), weights_only=False)
