"""torch.save / torch.load of the dialect: state_dicts, optimizer states and whole models round-trip
exactly; weights_only refuses modules unless allow-listed; no file can make torch.load run or import
anything it names (a malicious pickle is refused and does nothing); map_location; damaged files."""
import collections
import copy
import io
import os
import pickle
import re
import struct
import sys
import zlib

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from tinygrad_rnn import nn as core_nn
from tinygrad_rnn.torch import _serialization, serialization


class RNNModel(nn.Module):
    """The word_language_model's shape: Embedding -> LSTM -> Linear, the decoder tied to the encoder."""

    def __init__(self, ntoken=7, ninp=4, nlayers=2):
        super().__init__()
        self.drop = nn.Dropout(0.5)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, ninp, nlayers, dropout=0.5)
        self.decoder = nn.Linear(ninp, ntoken)
        self.decoder.weight = self.encoder.weight
        self.nlayers, self.nhid = nlayers, ninp

    def forward(self, input, hidden):
        output, hidden = self.rnn(self.drop(self.encoder(input)), hidden)
        return self.decoder(self.drop(output)), hidden

    def init_hidden(self, bsz):
        return (torch.zeros(self.nlayers, bsz, self.nhid), torch.zeros(self.nlayers, bsz, self.nhid))


LAYERS = [RNNModel, nn.Dropout, nn.Embedding, nn.LSTM, nn.Linear]


class Evil:
    """What an attacker pickles: unpickling it would call os.system."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


@pytest.fixture(autouse=True)
def no_allow_list():
    serialization.clear_safe_globals()
    yield
    serialization.clear_safe_globals()


def round_trip(obj, **load_args):
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    buffer.seek(0)
    return torch.load(buffer, **load_args)


def file_of(payload: bytes, arrays: bytes = b"") -> io.BytesIO:
    """A file in torch.save's format around a hand-made pickle (what an attacker could write)."""
    crc = zlib.crc32(arrays, zlib.crc32(payload))
    data = _serialization.SIGNATURE + struct.pack("<QQI", len(payload), len(arrays), crc) + payload + arrays
    assert data == _serialization._pack(payload, arrays)
    return io.BytesIO(data)


# ---------------------------------------------------------------- state_dicts and plain data
def test_a_state_dict_of_every_dtype_round_trips_exactly(tmp_path):
    state = collections.OrderedDict([
        ("f32", torch.tensor([[1.5, -2.25], [3.0, 1e-30]])), ("f64", torch.tensor([0.1, 0.2], dtype=torch.float64)),
        ("i64", torch.tensor([[1, -2, 3]])), ("bool", torch.tensor([True, False, True])),
        ("scalar", torch.tensor(3.5)), ("empty", torch.zeros(0, 3)), ("i32", torch.tensor([7], dtype=torch.int32))])
    for target in (tmp_path / "a.pt", str(tmp_path / "b.pt")):
        torch.save(state, target)
        loaded = torch.load(target)
        assert type(loaded) is collections.OrderedDict and list(loaded) == list(state)
        for key, t in loaded.items():
            assert type(t) is torch.Tensor and t.dtype == state[key].dtype and t.shape == state[key].shape
            assert torch.equal(t, state[key]) and not t.requires_grad
    assert loaded["f32"].tolist() == [[1.5, -2.25], [3.0, np.float32(1e-30)]]
    assert loaded["f64"].tolist() == [0.1, 0.2] and loaded["i64"].tolist() == [[1, -2, 3]]
    assert loaded["bool"].tolist() == [True, False, True] and loaded["scalar"].item() == 3.5
    assert loaded["empty"].shape == (0, 3) and loaded["i32"].dtype == torch.int32
    loaded["f32"][0, 0] = 9.0                                      # owned, writable, not sharing with the file
    assert state["f32"][0, 0].item() == 1.5


def test_a_module_state_dict_loads_back_into_a_fresh_module(tmp_path):
    torch.manual_seed(0)
    model, fresh = RNNModel(), RNNModel()
    torch.save(model.state_dict(), tmp_path / "m.pt")
    fresh.load_state_dict(torch.load(tmp_path / "m.pt"))
    for (name, a), (_, b) in zip(model.state_dict().items(), fresh.state_dict().items()):
        assert torch.equal(a, b), name
    assert "decoder.weight" in torch.load(tmp_path / "m.pt")            # a tied weight under both names


def test_an_optimizer_state_round_trips_under_weights_only():
    state = {"state": {0: {"step": torch.tensor(3.0), "exp_avg": torch.tensor([0.5, -0.25]),
                           "momentum_buffer": None, "count": 4}},
             "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0,
                               "amsgrad": False, "foreach": None, "params": [0, 1]}]}
    loaded = round_trip(state)
    assert loaded["param_groups"] == state["param_groups"] and loaded["state"][0]["count"] == 4
    assert loaded["state"][0]["step"].item() == 3.0 and loaded["state"][0]["exp_avg"].tolist() == [0.5, -0.25]
    model = nn.Linear(2, 2)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    model(torch.ones(1, 2)).sum().backward()
    optimizer.step()
    again = round_trip(optimizer.state_dict())
    assert again["param_groups"] == optimizer.state_dict()["param_groups"]
    np.testing.assert_array_equal(np.asarray(again["state"][0]["exp_avg"]),
                                  np.asarray(optimizer.state_dict()["state"][0]["exp_avg"]))
    optimizer.load_state_dict(again)


def test_plain_data_numpy_and_torch_names_round_trip_without_numpy_globals():
    data = {"set": {1, 2}, "frozen": frozenset([3]), "slice": slice(1, 5, 2), "complex": 1 - 2j, "range": range(3),
            "bytes": b"\x00\xff", "bytearray": bytearray(b"ab"), "none": None, "tuple": (1, "a", 2.5),
            "dtype": torch.float32, "long": torch.long, "device": torch.device("cpu"), "size": torch.Size([2, 3]),
            "array": np.arange(6, dtype=np.int16).reshape(2, 3), "scalar": np.float64(2.5), "flag": np.bool_(True)}
    buffer = io.BytesIO()
    torch.save(data, buffer)
    assert b"numpy" not in buffer.getvalue()
    loaded = round_trip(data)
    assert {k: v for k, v in loaded.items() if k not in ("array", "size", "dtype", "long")} == \
           {k: v for k, v in data.items() if k not in ("array", "size", "dtype", "long")}
    assert loaded["dtype"] is torch.float32 and loaded["long"] is torch.int64 and list(loaded["size"]) == [2, 3]
    assert loaded["array"].dtype == np.int16 and loaded["array"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert type(loaded["scalar"]) is np.float64 and loaded["scalar"] == 2.5


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_every_pickle_protocol_from_2_works(protocol):
    buffer = io.BytesIO()
    torch.save({"w": torch.tensor([1.0, 2.0]), "n": {1, 2}}, buffer, pickle_protocol=protocol)
    buffer.seek(0)
    assert torch.load(buffer)["w"].tolist() == [1.0, 2.0]


def test_parameters_keep_their_class_and_requires_grad_but_not_their_gradient():
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    (p * 3).sum().backward()
    loaded = round_trip({"p": p, "again": p, "frozen": nn.Parameter(torch.ones(1), requires_grad=False)})
    assert type(loaded["p"]) is nn.Parameter and loaded["p"].requires_grad and loaded["p"].grad is None
    assert loaded["again"] is loaded["p"] and not loaded["frozen"].requires_grad


def test_several_objects_follow_one_another_in_one_open_file(tmp_path):
    with open(tmp_path / "two.pt", "wb") as f:
        torch.save(torch.tensor([1]), f)
        torch.save({"b": torch.tensor([2.0])}, f)
    with open(tmp_path / "two.pt", "rb") as f:
        assert torch.load(f).tolist() == [1] and torch.load(f)["b"].tolist() == [2.0]


# ---------------------------------------------------------------- whole models
def test_a_whole_model_saved_as_the_word_language_model_does_loads_and_works(tmp_path):
    torch.manual_seed(1)
    model = RNNModel()
    with open(tmp_path / "model.pt", "wb") as f:
        torch.save(model, f)
    with open(tmp_path / "model.pt", "rb") as f:
        loaded = torch.load(f, weights_only=False)
    assert type(loaded) is RNNModel and loaded.decoder.weight is loaded.encoder.weight
    names = [n for n, _ in loaded.named_parameters()]
    assert names == [n for n, _ in model.named_parameters()] and len(names) == 10
    assert all(type(p) is nn.Parameter and p.requires_grad for p in loaded.parameters())
    x = torch.tensor([[1, 2], [3, 4], [5, 6]])
    model.eval(), loaded.eval()
    out, (h, c) = loaded(x, loaded.init_hidden(2))
    expected, (h0, c0) = model(x, model.init_hidden(2))
    assert out.shape == (3, 2, 7) and torch.equal(out, expected) and torch.equal(h, h0) and torch.equal(c, c0)
    loaded.train()
    out, _ = loaded(x, loaded.init_hidden(2))
    out.sum().backward()                           # gradients reach every parameter forward used, tied ones once
    assert all(p.grad is not None for p in loaded.parameters())
    with torch.no_grad():
        for p in loaded.parameters():
            p -= 0.1 * p.grad
    loaded.eval()
    assert not torch.equal(loaded(x, loaded.init_hidden(2))[0], expected)   # the LSTM computes with what changed
    assert torch.equal(loaded.decoder.weight, loaded.encoder.weight)


def test_a_core_library_model_loads_with_weights_only_false():
    layer = core_nn.LSTM(3, 2)
    loaded = round_trip(layer, weights_only=False)
    assert type(loaded) is core_nn.LSTM
    for (name, a), (_, b) in zip(layer.named_parameters(), loaded.named_parameters()):
        np.testing.assert_array_equal(a.data, b.data, err_msg=name)


def test_deepcopy_and_plain_pickle_use_the_same_reduction():
    model = RNNModel()
    twin = copy.deepcopy(model)
    assert twin.decoder.weight is twin.encoder.weight and twin.decoder.weight is not model.decoder.weight
    assert torch.equal(twin.rnn.weight_hh_l1, model.rnn.weight_hh_l1)
    assert pickle.loads(pickle.dumps(torch.tensor([[1, 2]]))).tolist() == [[1, 2]]


# ---------------------------------------------------------------- weights_only and the allow-list
def test_weights_only_by_default_refuses_a_whole_model_with_pytorchs_message():
    with pytest.raises(pickle.UnpicklingError) as info:
        round_trip(RNNModel())
    message = str(info.value)
    assert message.startswith("Weights only load failed. This file can still be loaded")
    assert "either" not in message and "weights_only` set to False will likely succeed" in message
    name = f"{RNNModel.__module__}.RNNModel"                  # in full, as PyTorch names it
    assert f"Unsupported global: GLOBAL {name} was not an allowed global by default. " \
           f"Please use `torch.serialization.add_safe_globals([{name}])` or the " \
           f"`torch.serialization.safe_globals([{name}])` context manager" in message


def test_allow_listing_the_model_and_its_layers_loads_it_with_weights_only():
    with serialization.safe_globals([RNNModel]):
        with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL tinygrad_rnn\.torch\.nn\.layers\.\w+ was not"):
            round_trip(RNNModel())                                 # as in PyTorch: every class must be allowed
    with serialization.safe_globals(LAYERS):
        assert serialization.get_safe_globals() == LAYERS
        loaded = round_trip(RNNModel())
        assert type(loaded) is RNNModel and loaded.decoder.weight is loaded.encoder.weight
    assert serialization.get_safe_globals() == []
    serialization.add_safe_globals([(RNNModel, f"{RNNModel.__module__}.RNNModel")] + LAYERS[1:])
    assert type(round_trip(RNNModel())) is RNNModel
    serialization.clear_safe_globals()
    with pytest.raises(pickle.UnpicklingError):
        round_trip(RNNModel())


def test_an_explicit_pickle_module_means_weights_only_false_as_in_pytorch():
    assert type(round_trip(RNNModel(), pickle_module=pickle)) is RNNModel
    with pytest.raises(RuntimeError, match="Can not safely load weights when explicit pickle_module is specified"):
        round_trip(RNNModel(), pickle_module=pickle, weights_only=True)


# ---------------------------------------------------------------- malicious files
@pytest.mark.parametrize("weights_only", [True, False])
def test_a_malicious_pickle_is_refused_and_does_nothing(tmp_path, weights_only):
    marker = tmp_path / "pwned"
    torch.save({"weights": torch.ones(2), "payload": Evil(f"touch {marker}")}, tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL (posix|os|nt)\.system"):
        torch.load(tmp_path / "evil.pt", weights_only=weights_only)
    assert not marker.exists()
    # the same with even serialization's own allow-listing mechanism applied to a harmless class
    with serialization.safe_globals([Evil]):
        with pytest.raises(pickle.UnpicklingError):
            torch.load(tmp_path / "evil.pt", weights_only=weights_only)
    assert not marker.exists()


@pytest.mark.parametrize("payload", [
    b"cbuiltins\neval\n(S'1'\ntR.",                               # builtins.eval("1")
    b"cbuiltins\ngetattr\n(cbuiltins\nobject\nS'x'\ntR.",             # getattr, the usual gadget
    b"csubprocess\nPopen\n(S'true'\ntR.",                            # subprocess.Popen
    b"(S'true'\nios\nsystem\n.",                                     # INST: protocol 0 calls a class directly
    b"\x80\x02ccollections\nOrderedDict\n)R(S'x'\ntb.",               # BUILD with a tuple state on a dict
    b"\x80\x02ctinygrad_rnn.torch._dtype\nfloat32\n}S'name'\nS'x'\nsb.",  # BUILD on a dtype singleton
    b"\x80\x02ctinygrad_rnn.torch._device\ndevice\n)\x81.",            # NEWOBJ of a class no file may make
    b"\x80\x02ctinygrad_rnn.torch._tensor\nTensor\nK\x01a.",           # APPEND onto something not a list
])
@pytest.mark.parametrize("weights_only", [True, False])
def test_hand_made_attacks_are_refused(payload, weights_only):
    before = torch.float32.name
    with pytest.raises(pickle.UnpicklingError):
        torch.load(file_of(payload), weights_only=weights_only)
    assert torch.float32.name == before == "float32"


def test_a_file_never_imports_a_module_it_names():
    assert "antigravity" not in sys.modules
    with pytest.raises(pickle.UnpicklingError, match="torch.load imports no module a file names"):
        torch.load(file_of(b"\x80\x02cantigravity\nGeo\n)\x81."), weights_only=False)
    assert "antigravity" not in sys.modules


def test_the_users_own_model_file_next_to_the_script_is_imported(tmp_path, monkeypatch):
    (tmp_path / "tgr_usermodel.py").write_text(
        "import tinygrad_rnn.torch.nn as nn\n\nclass Net(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(2, 1)\n\n"
        "    def forward(self, x):\n        return self.fc(x)\n")
    (tmp_path / "tgr_script.py").write_text("raise SystemExit('a file must not run this')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    import tgr_usermodel
    buffer = io.BytesIO()
    torch.save(tgr_usermodel.Net(), buffer)
    del sys.modules["tgr_usermodel"]
    buffer.seek(0)
    assert type(torch.load(buffer, weights_only=False)).__name__ == "Net" and "tgr_usermodel" in sys.modules
    with pytest.raises(pickle.UnpicklingError, match="imports no module"):
        torch.load(file_of(b"\x80\x02ctgr_script\nNet\n)\x81."), weights_only=False)
    assert "tgr_script" not in sys.modules


# ---------------------------------------------------------------- map_location, files, damage
@pytest.mark.parametrize("location", [None, "cpu", "cpu:0", torch.device("cpu"), {"cuda:0": "cpu"}, {"cpu": "cpu"},
                                      lambda storage, loc: storage, lambda storage, loc: None])
def test_map_location_to_the_cpu(location):
    assert round_trip({"w": torch.tensor([1.5])}, map_location=location)["w"].tolist() == [1.5]


@pytest.mark.parametrize("location, message", [
    ("cuda", "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False"),
    ("cuda:1", "map_location=torch.device('cpu') to map your storages to the CPU"),
    ({"cpu": "cuda:0"}, "on a CUDA device"), ("mps", "runs on the CPU only"),
    (lambda storage, loc: 3, "map_location returned int, not a tensor or None")])
def test_map_location_elsewhere_raises(location, message):
    with pytest.raises(RuntimeError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        round_trip({"w": torch.tensor([1.5])}, map_location=location)


def test_damaged_files_raise_naming_the_file(tmp_path):
    path = tmp_path / "model.pt"
    torch.save({"w": torch.arange(100.0)}, path)
    good = path.read_bytes()
    cases = {"truncated": good[:-7], "empty": b"", "damaged": good[:-5] + b"\x00" + good[-4:],
             "not a file written by tinygrad_rnn.torch.save": b"hello, not a checkpoint",
             "is a zip archive but not a PyTorch checkpoint": b"PK\x03\x04" + good}
    for why, data in cases.items():
        path.write_bytes(data)
        with pytest.raises(RuntimeError, match=f"torch.load: '{path}' (is )?{why}"):
            torch.load(path)
    path.write_bytes(good + b"extra")
    with pytest.raises(RuntimeError, match="is damaged"):
        torch.load(path)
    with pytest.raises(RuntimeError, match="truncated"):
        torch.load(io.BytesIO(good[:30]))


def test_file_arguments_are_checked(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory .*nowhere does not exist."):
        torch.save({}, tmp_path / "nowhere" / "m.pt")
    with pytest.raises(TypeError, match="torch.save: f must be a str"):
        torch.save({}, 3)
    with pytest.raises(TypeError, match="torch.load: f must be a str"):
        torch.load(3)
    with open(tmp_path / "text.pt", "w") as f, pytest.raises(TypeError, match=r"binary mode \('wb'\)"):
        torch.save({}, f)
    with pytest.raises(ValueError, match="pickle_protocol must be an int from 2"):
        torch.save({}, io.BytesIO(), pickle_protocol=1)
    with pytest.raises(ValueError, match="f must be a file path in order to use the mmap argument"):
        torch.load(io.BytesIO(), mmap=True)
    with pytest.raises(TypeError, match="cannot save a numpy array of dtype object"):
        torch.save({"a": np.array([None])}, io.BytesIO())
    torch.save([torch.tensor(1)], tmp_path / "m.pt")
    assert torch.load(str(tmp_path / "m.pt"), mmap=True)[0].item() == 1
    with pytest.raises(FileNotFoundError):
        torch.load(tmp_path / "missing.pt")


def test_add_safe_globals_checks_its_entries():
    with pytest.raises(TypeError, match="add_safe_globals: expected classes, functions"):
        serialization.add_safe_globals([(RNNModel, 3)])
    with pytest.raises(TypeError, match="add_safe_globals: expected classes, functions"):
        serialization.add_safe_globals(["model.RNNModel"])
    serialization.add_safe_globals([RNNModel, RNNModel])
    assert serialization.get_safe_globals() == [RNNModel]
    assert torch.serialization.save is torch.save and torch.serialization.load is torch.load


class _Reduces:
    """An object pickling as a call of fn(*args): how a hand-made file calls the rebuild functions."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


@pytest.mark.parametrize("payload, message", [
    (lambda: pickle.dumps(_Reduces(serialization._rebuild_array, (b"abc", "<f4", (1,)))),
     "torch.load: a saved array is damaged (dtype '<f4', shape (1,), 3 bytes)"),
    (lambda: pickle.dumps(_Reduces(serialization._rebuild_tensor,
                                   (collections.OrderedDict, b"\0\0\0\0", "<f4", (1,), False))),
     "torch.load: a saved tensor is damaged (class <class 'collections.OrderedDict'>, dtype float32)"),
    (lambda: b"\x80\x02(X\x05\x00\x00\x00arrayK\x00K\x08tQ.",
     "torch.load: a reference to saved bytes is damaged: ('array', 0, 8)"),
    (lambda: b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x05\x00\x00\x00rot13\x86R.",
     "Unsupported call _codecs.encode(str, 'rot13')"),
    (lambda: b"\x80\x02ctinygrad_rnn.torch._dtype\nfloat32\n)R.",
     "Trying to call reduce for unrecognized function torch.float32"),
    (lambda: b"(S'true'\nios\nsystem\n.", "Unsupported pickle opcode b'i'"),
    (lambda: b"\x80\x02ctinygrad_rnn.torch._tensor\nTensor\nK\x01a.", "Unsupported pickle opcode b'a' on type"),
])
def test_damaged_or_hand_made_pickles_are_refused_with_their_messages(payload, message):
    with pytest.raises(pickle.UnpicklingError, match=re.escape(message)):
        torch.load(file_of(payload()))
