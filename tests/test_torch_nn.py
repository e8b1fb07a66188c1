"""torch.nn.Module, Parameter and the containers in the PyTorch dialect behave as PyTorch's: parameters()
is a generator, named_parameters / named_modules / modules / children / named_buffers list the same names
in the same order, apply visits children first, buffers go into state_dict after each module's
parameters, load_state_dict returns or raises what PyTorch does, requires_grad_, zero_grad(set_to_none),
train/eval, to(dtype)/double()/float(), repr, Parameter, Sequential / ModuleList / ModuleDict, and
PyTorch's errors for wrong registrations and assignments.

How the expected values were made: each fact below is a small function of (torch, nn); PyTorch 2.x ran
them (this module imported with `tinygrad_rnn.torch` standing for `torch`, and `pytorch_values()` printed
as literals), and the dialect must give the same strings, lists and flags.
"""
import copy
import pickle
import re
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from torch_expect import float64  # noqa: F401 (an autouse fixture)


def outcome(fn):
    """fn()'s value, or 'Kind: message' for the error it raises."""
    try:
        return fn()
    except Exception as err:                        # noqa: BLE001 (the error is the outcome to compare)
        return f"{type(err).__name__}: {err}"


class Net(nn.Module):
    """A model with every kind of member: layers, a recurrent layer, containers, buffers, a Parameter."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(5, 3, padding_idx=0)
        self.rnn = nn.LSTM(3, 4, batch_first=True)
        self.drop = nn.Dropout(0.3)
        self.head = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2, bias=False))
        self.blocks = nn.ModuleList([nn.Linear(2, 2), nn.Tanh()])
        self.d = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Sigmoid()})
        self.register_buffer("steps", torch.zeros(2))
        self.register_buffer("scratch", torch.ones(1), persistent=False)
        self.register_buffer("count", torch.tensor(3))
        self.scale = nn.Parameter(torch.ones(1))
        self.plain_list = [nn.Linear(2, 2)]           # not registered, as in PyTorch

    def forward(self, x):
        return x


class Tied(nn.Module):
    """word_language_model's tying: the decoder's weight is the encoder's."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Embedding(4, 3)
        self.decoder = nn.Linear(3, 4)
        self.decoder.weight = self.encoder.weight


def walk_facts(m=None):
    m = Net() if m is None else m
    visited = []
    m.apply(lambda module: visited.append(type(module).__name__))
    return {
        "parameters() is a generator": type(m.parameters()).__name__,
        "named_parameters": [n for n, _ in m.named_parameters()],
        "named_parameters(recurse=False)": [n for n, _ in m.named_parameters(recurse=False)],
        "named_parameters(prefix)": [n for n, _ in m.head.named_parameters(prefix="h")],
        "parameter shapes": [list(p.shape) for p in m.parameters()],
        "named_modules": [n for n, _ in m.named_modules()],
        "modules": [type(x).__name__ for x in m.modules()],
        "named_children": [n for n, _ in m.named_children()],
        "children": [type(x).__name__ for x in m.children()],
        "named_buffers": [n for n, _ in m.named_buffers()],
        "state_dict keys": list(m.state_dict()),
        "state_dict values": [(type(v).__name__, v.requires_grad) for v in m.state_dict().values()],
        "state_dict(keep_vars=True) values": [type(v).__name__ for v in m.state_dict(keep_vars=True).values()],
        "state_dict(prefix)": list(m.head.state_dict(prefix="head.")),
        "apply order": visited,
        "apply returns the module": m.apply(lambda module: None) is m,
        "LSTM has no children": list(m.rnn.children()),
        "padding row": m.emb.weight[0].tolist(),
    }


def mode_and_dtype_facts():
    m = Net()
    out = {"training": [x.training for x in m.modules()]}
    out["eval() returns self"] = m.eval() is m
    out["after eval"] = [x.training for x in m.modules()]
    m.train()
    out["after train"] = m.drop.training
    out["requires_grad_(False)"] = m.requires_grad_(False) is m and [p.requires_grad for p in m.parameters()]
    m.requires_grad_()
    m.float()
    out["float()"] = sorted({str(t.dtype) for t in list(m.parameters()) + list(m.buffers())})
    m.double()
    out["double()"] = sorted({str(t.dtype) for t in list(m.parameters()) + list(m.buffers())})
    out["to(float32) returns self"] = m.to(torch.float32) is m
    out["to(dtype=float64)"] = str(m.to(dtype=torch.float64).scale.dtype)
    out["to('cpu', float32)"] = str(m.to("cpu", torch.float32).scale.dtype)
    out["to(int64)"] = outcome(lambda: m.to(torch.int64))
    out["train('yes')"] = outcome(lambda: m.train("yes"))
    return out


def grad_facts():
    lin = nn.Linear(3, 2)
    lin(torch.ones(4, 3)).sum().backward()
    out = {"grads after backward": [p.grad is not None for p in lin.parameters()]}
    lin.zero_grad()
    out["zero_grad()"] = [p.grad for p in lin.parameters()]
    lin(torch.ones(4, 3)).sum().backward()
    lin.zero_grad(set_to_none=False)
    out["zero_grad(set_to_none=False)"] = [p.grad.tolist() for p in lin.parameters()]
    lin(torch.ones(4, 3)).sum().backward()
    lin(torch.ones(4, 3)).sum().backward()
    out["accumulated"] = lin.bias.grad.tolist()
    return out


def state_facts():
    m = Net()
    sd = m.state_dict()
    out = {"load own": repr(m.load_state_dict(sd)), "load own, type": type(m.load_state_dict(sd)).__name__}
    partial = dict(sd)
    del partial["scale"]
    partial["extra"] = torch.zeros(1)
    result = m.load_state_dict(partial, strict=False)
    out["strict=False"] = [result.missing_keys, result.unexpected_keys, repr(result)]
    out["strict=True"] = outcome(lambda: m.load_state_dict(partial))
    wrong = dict(sd, scale=torch.zeros(2))
    out["size mismatch"] = outcome(lambda: m.load_state_dict(wrong))
    out["size mismatch, strict=False"] = outcome(lambda: m.load_state_dict(wrong, strict=False))
    out["not a dict"] = outcome(lambda: m.load_state_dict([1]))
    m.load_state_dict(dict(sd, steps=torch.tensor([5.0, 6.0])))
    out["buffer loaded"] = m.steps.tolist()
    sd["scale"].fill_(7.0)
    out["state_dict shares memory"] = m.scale.tolist()
    lin = nn.Linear(2, 2)
    lin.load_state_dict({"weight": torch.ones(2, 2), "bias": torch.zeros(2)})
    out["values loaded"] = [lin.weight.tolist(), lin.bias.tolist(), lin.weight.requires_grad]
    tied = Tied()
    out["tied named_parameters"] = [n for n, _ in tied.named_parameters()]
    out["tied named_parameters(remove_duplicate=False)"] = [n for n, _ in tied.named_parameters(remove_duplicate=False)]
    out["tied state_dict"] = list(tied.state_dict())
    out["tied parameters"] = len(list(tied.parameters()))
    lin = nn.Linear(2, 2)
    out["shared module, named_modules"] = [n for n, _ in nn.Sequential(lin, lin).named_modules()]
    out["shared module, remove_duplicate=False"] = [
        n for n, _ in nn.Sequential(lin, lin).named_modules(remove_duplicate=False)]
    out["shared module, state_dict"] = list(nn.Sequential(lin, lin).state_dict())
    out["shared module, len"] = len(nn.Sequential(lin, lin))
    return out


def repr_facts():
    return {
        "Net": repr(Net()),
        "recurrent": repr(nn.ModuleList([nn.RNN(3, 4, 2, nonlinearity="relu", batch_first=True, dropout=0.5,
                                                bidirectional=True), nn.GRU(3, 4, bias=False), nn.LSTM(2, 3)])),
        "cells": [repr(nn.RNNCell(2, 3, nonlinearity="relu")), repr(nn.LSTMCell(2, 3, bias=False)),
                  repr(nn.GRUCell(2, 3))],
        "losses": [repr(c()) for c in (nn.NLLLoss, nn.CrossEntropyLoss, nn.MSELoss, nn.L1Loss, nn.BCELoss,
                                       nn.BCEWithLogitsLoss)],
        "activations": [repr(nn.Tanh()), repr(nn.ReLU()), repr(nn.ReLU(inplace=True)), repr(nn.Sigmoid()),
                        repr(nn.Softmax(dim=1)), repr(nn.LogSoftmax(dim=-1)), repr(nn.Softmax()), repr(nn.Identity()),
                        repr(nn.Flatten())],
        "layers": [repr(nn.Embedding(5, 3)), repr(nn.Embedding(5, 3, padding_idx=2)), repr(nn.Dropout()),
                   repr(nn.Linear(2, 3, bias=False)), repr(nn.Embedding(3, 2, max_norm=1.0)),
                   repr(nn.Dropout(0)), repr(nn.Dropout(p=1))],          # p as given (Udacity's nets print it)
        "attributes": [nn.LSTM(3, 4).hidden_size, nn.LSTM(3, 4).input_size, nn.LSTM(3, 4, 2).num_layers,
                       nn.GRU(3, 4, batch_first=True).batch_first, nn.RNN(3, 4).nonlinearity,
                       nn.RNN(3, 4, bidirectional=True).bidirectional, nn.LSTM(3, 4, dropout=0.2, num_layers=2).dropout,
                       nn.LSTM(3, 4).bias, nn.LSTM(3, 4).proj_size, nn.RNN(3, 4).mode,
                       nn.RNN(3, 4, nonlinearity="relu").mode,
                       nn.GRU(3, 4).mode, nn.RNNCell(2, 3).nonlinearity, nn.Linear(2, 3).in_features,
                       nn.Linear(2, 3, bias=False).bias, nn.Dropout(0.2).p, nn.Dropout(0.2).inplace,
                       nn.Embedding(5, 3, padding_idx=-1).padding_idx],
        "LSTM all_weights": [[list(p.shape) for p in layer] for layer in nn.LSTM(2, 3, 2).all_weights],
    }


def parameter_facts():
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    out = {"repr": repr(p), "flags": [p.requires_grad, p.is_leaf, isinstance(p, torch.Tensor), type(p).__name__],
           "requires_grad=False": repr(nn.Parameter(torch.tensor([1.0, 2.0]), requires_grad=False)),
           "empty": repr(nn.Parameter()), "data": [type(p.data).__name__, p.data.requires_grad]}
    p.data[0] = 5.0
    out["data shares memory"] = p.tolist()
    p.data = torch.tensor([3.0, 4.0])
    out["data assigned"] = p.tolist()
    (p * p).sum().backward()
    out["grad"] = [p.grad.tolist(), type(p.grad).__name__]
    out["p * 2 is a Tensor"] = type(p * 2).__name__
    out["detach"] = type(p.detach()).__name__
    return out


def container_facts():
    s = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.Tanh()), ("out", nn.Linear(3, 1))]))
    out = {"named": repr(s), "named parameters": [n for n, _ in s.named_parameters()],
           "attribute": repr(s.fc), "index": [repr(s[0]), repr(s[-1])], "slice": repr(s[1:]),
           "out of range": outcome(lambda: s[5]), "string index": outcome(lambda: s["fc"])}
    q = nn.Sequential(nn.Linear(2, 3), nn.Tanh())
    q.append(nn.ReLU())
    q.insert(1, nn.Identity())
    q.extend([nn.Sigmoid()])
    out["append insert extend"] = repr(q)
    q[0] = nn.Linear(2, 3, bias=False)
    del q[1]
    out["setitem delitem"] = repr(q)
    out["pop"] = [repr(q.pop(1)), len(q)]
    out["add"] = repr(q + nn.Sequential(nn.ReLU()))
    out["iter"] = [type(x).__name__ for x in q]
    out["forward"] = list(nn.Sequential(nn.Linear(2, 2), nn.Tanh())(torch.ones(3, 2)).shape)
    out["empty"] = repr(nn.Sequential())
    out["not a module"] = outcome(lambda: nn.Sequential(3))
    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    out["ModuleList repr"] = repr(ml)
    out["ModuleList index"] = [repr(ml[-1]), repr(ml[1:]), outcome(lambda: ml[3])]
    ml += [nn.ReLU()]
    ml.insert(0, nn.Tanh())
    out["ModuleList += insert"] = repr(ml)
    out["ModuleList pop"] = [repr(ml.pop(0)), len(ml)]
    del ml[0]
    ml[-1] = nn.Sigmoid()
    out["ModuleList del setitem"] = repr(ml)
    out["ModuleList names"] = [n for n, _ in ml.named_parameters()]
    out["ModuleList append non-module"] = outcome(lambda: ml.append(3))
    out["ModuleList has no forward"] = outcome(lambda: ml(torch.ones(2)))
    d = nn.ModuleDict({"b": nn.Linear(2, 2), "a": nn.ReLU()})
    out["ModuleDict"] = [repr(d), list(d.keys()), [type(v).__name__ for v in d.values()], list(d), "a" in d, len(d)]
    out["ModuleDict missing"] = outcome(lambda: d["zz"])
    out["ModuleDict pop"] = [repr(d.pop("a")), list(d.keys())]
    d["c"] = nn.Tanh()
    del d["b"]
    out["ModuleDict set del"] = [repr(d), "b" in d]
    d.clear()
    out["ModuleDict clear"] = [repr(d), len(d)]
    out["ModuleDict from pairs"] = repr(nn.ModuleDict([("x", nn.ReLU()), ("y", nn.Tanh())]))
    out["ModuleDict names"] = [n for n, _ in nn.ModuleDict({"q": nn.Linear(1, 1)}).named_parameters()]
    return out


class WithNone(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(2))
        self.register_parameter("b", None)
        self.register_parameter("c", nn.Parameter(torch.zeros(1)))
        self.register_buffer("buf", None)


def registration_facts():
    m = WithNone()
    out = {"names": [n for n, _ in m.named_parameters()], "None members": [m.b, m.buf],
           "state_dict": list(m.state_dict())}
    out["tensor as parameter"] = outcome(lambda: setattr(m, "w", torch.ones(2)))
    m.w = nn.Parameter(torch.zeros(2))
    out["Parameter replaces Parameter"] = list(m.state_dict())
    m.buf = torch.ones(1)
    out["buffer assigned"] = list(m.state_dict())
    out["int as buffer"] = outcome(lambda: setattr(m, "buf", 3))
    out["register_buffer int"] = outcome(lambda: m.register_buffer("x", 3))
    out["register_buffer ndarray"] = outcome(lambda: m.register_buffer("x", np.ones(2)))
    out["register_buffer dotted"] = outcome(lambda: m.register_buffer("x.y", torch.ones(1)))
    out["register_buffer empty"] = outcome(lambda: m.register_buffer("", torch.ones(1)))
    out["register_buffer not a str"] = outcome(lambda: m.register_buffer(1, torch.ones(1)))
    out["register_buffer existing"] = outcome(lambda: m.register_buffer("c", torch.ones(1)))
    out["register_parameter tensor"] = outcome(lambda: m.register_parameter("q", torch.ones(1)))
    out["register_parameter existing"] = outcome(lambda: m.register_parameter("buf", nn.Parameter(torch.ones(1))))
    out["add_module int"] = outcome(lambda: m.add_module("sub", 3))
    out["add_module dotted"] = outcome(lambda: m.add_module("a.b", nn.ReLU()))
    m.add_module("sub", nn.Linear(1, 1))
    out["add_module"] = [n for n, _ in m.named_modules()]
    del m.sub, m.buf
    out["delattr"] = [list(m.state_dict()), [n for n, _ in m.named_modules()], hasattr(m, "buf")]
    out["no forward"] = outcome(lambda: nn.Module()(1))
    out["get_submodule"] = repr(nn.Sequential(nn.Sequential(nn.ReLU())).get_submodule("0.0"))
    out["get_submodule missing"] = outcome(lambda: nn.Sequential(nn.ReLU()).get_submodule("x"))
    out["get_parameter"] = list(nn.Sequential(nn.Linear(1, 1)).get_parameter("0.bias").shape)
    out["get_parameter not a parameter"] = outcome(
        lambda: nn.Sequential(nn.Linear(1, 1)).get_parameter("0.in_features"))
    return out


FACTS = {"walk": walk_facts, "mode and dtype": mode_and_dtype_facts, "grads": grad_facts, "state": state_facts,
         "repr": repr_facts, "Parameter": parameter_facts, "containers": container_facts,
         "registration": registration_facts}


def pytorch_values() -> dict:
    """What the expected values below were printed from (run by PyTorch)."""
    return {"EXPECTED": {name: fn() for name, fn in FACTS.items()}}


@pytest.mark.parametrize("group", list(FACTS))
def test_module_api_matches_pytorch(group):
    got, want = FACTS[group](), EXPECTED[group]
    assert list(got) == list(want)
    for fact in got:
        assert got[fact] == want[fact], fact


def test_a_dialect_module_can_hold_a_core_layer():
    import tinygrad_rnn.nn as core_nn
    holder = nn.Sequential(core_nn.LSTM(2, 3))
    assert [n for n, _ in holder.named_parameters()] == ["0.weight_ih_l0", "0.weight_hh_l0", "0.bias_ih_l0",
                                                        "0.bias_hh_l0"]
    assert list(holder.state_dict()) == [n for n, _ in holder.named_parameters()]



# ---------------------------------------------------------------- behaviours by hand (PyTorch's documented ones)
class Lookup(nn.Module):
    """A module with a __getattr__ of its own, as some PyTorch programs write."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)
        self.table = {"alias": 3}

    def __getattr__(self, name):
        if name in self.table:
            return self.table[name]
        raise AttributeError(name)


def test_a_module_with_its_own_getattr_deep_copies_and_pickles():
    m = Lookup()
    for twin in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert twin.alias == 3 and twin.lin is not m.lin
        assert [n for n, _ in twin.named_parameters()] == ["lin.weight", "lin.bias"]


def test_load_state_dict_changes_nothing_when_it_raises_and_assign_shares_the_tensors():
    lin = nn.Linear(2, 2)
    before = [p.tolist() for p in lin.parameters()]
    with pytest.raises(RuntimeError, match="size mismatch for bias"):
        lin.load_state_dict({"weight": torch.ones(2, 2), "bias": torch.ones(3)})
    assert [p.tolist() for p in lin.parameters()] == before
    w = torch.ones(2, 2)
    lin.load_state_dict({"weight": w, "bias": torch.zeros(2)}, assign=True)
    w[0, 0] = 5.0
    assert lin.weight[0, 0].item() == 5.0 and isinstance(lin.weight, nn.Parameter)


def test_dtype_and_device_methods_cast_the_gradients_too_and_refuse_cuda():
    lin = nn.Linear(2, 1)
    lin(torch.ones(1, 2)).sum().backward()
    assert lin.float() is lin and lin.weight.grad.dtype == torch.float32
    assert lin.half().weight.dtype == torch.float16 and lin.type(torch.float64).bias.dtype == torch.float64
    assert lin.cpu() is lin
    with pytest.raises(RuntimeError, match="runs on the CPU only"):
        lin.cuda()


def test_flatten_identity_and_register_module():
    x = torch.ones(2, 3, 4)
    assert nn.Flatten()(x).shape == (2, 12) and nn.Flatten(0, 1)(x).shape == (6, 4)
    assert nn.Identity(5, key="ignored")(x) is x
    m = nn.Module()
    m.register_module("fc", nn.Linear(1, 1))
    assert [n for n, _ in m.named_parameters()] == ["fc.weight", "fc.bias"]


# ---- expected values: PyTorch's, written by it (see the module docstring)
EXPECTED = {
    'walk': {'parameters() is a generator': 'generator', 'named_parameters': ['scale', 'emb.weight',
        'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'head.0.weight', 'head.0.bias',
        'head.2.weight', 'blocks.0.weight', 'blocks.0.bias', 'd.a.weight', 'd.a.bias'],
        'named_parameters(recurse=False)': ['scale'], 'named_parameters(prefix)': ['h.0.weight', 'h.0.bias',
        'h.2.weight'], 'parameter shapes': [[1], [5, 3], [16, 3], [16, 4], [16], [16], [4, 4], [4], [2, 4], [2, 2],
        [2], [1, 2], [1]], 'named_modules': ['', 'emb', 'rnn', 'drop', 'head', 'head.0', 'head.1', 'head.2',
        'blocks', 'blocks.0', 'blocks.1', 'd', 'd.a', 'd.b'], 'modules': ['Net', 'Embedding', 'LSTM', 'Dropout',
        'Sequential', 'Linear', 'ReLU', 'Linear', 'ModuleList', 'Linear', 'Tanh', 'ModuleDict', 'Linear',
        'Sigmoid'], 'named_children': ['emb', 'rnn', 'drop', 'head', 'blocks', 'd'], 'children': ['Embedding',
        'LSTM', 'Dropout', 'Sequential', 'ModuleList', 'ModuleDict'], 'named_buffers': ['steps', 'scratch',
        'count'], 'state_dict keys': ['scale', 'steps', 'count', 'emb.weight', 'rnn.weight_ih_l0',
        'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'head.0.weight', 'head.0.bias', 'head.2.weight',
        'blocks.0.weight', 'blocks.0.bias', 'd.a.weight', 'd.a.bias'], 'state_dict values': [('Tensor', False),
        ('Tensor', False), ('Tensor', False), ('Tensor', False), ('Tensor', False), ('Tensor', False), ('Tensor',
        False), ('Tensor', False), ('Tensor', False), ('Tensor', False), ('Tensor', False), ('Tensor', False),
        ('Tensor', False), ('Tensor', False), ('Tensor', False)], 'state_dict(keep_vars=True) values': ['Parameter',
        'Tensor', 'Tensor', 'Parameter', 'Parameter', 'Parameter', 'Parameter', 'Parameter', 'Parameter',
        'Parameter', 'Parameter', 'Parameter', 'Parameter', 'Parameter', 'Parameter'],
        'state_dict(prefix)': ['head.0.weight', 'head.0.bias', 'head.2.weight'], 'apply order': ['Embedding',
        'LSTM', 'Dropout', 'Linear', 'ReLU', 'Linear', 'Sequential', 'Linear', 'Tanh', 'ModuleList', 'Linear',
        'Sigmoid', 'ModuleDict', 'Net'], 'apply returns the module': True, 'LSTM has no children': [],
        'padding row': [0.0, 0.0, 0.0]},
    'mode and dtype': {'training': [True, True, True, True, True, True, True, True, True, True, True, True, True,
        True], 'eval() returns self': True, 'after eval': [False, False, False, False, False, False, False, False,
        False, False, False, False, False, False], 'after train': True, 'requires_grad_(False)': [False, False,
        False, False, False, False, False, False, False, False, False, False, False], 'float()': ['torch.float32',
        'torch.int64'], 'double()': ['torch.float64', 'torch.int64'], 'to(float32) returns self': True,
        'to(dtype=float64)': 'torch.float64', "to('cpu', float32)": 'torch.float32',
        'to(int64)': ('TypeError: nn.Module.to only accepts floating point or complex '
        'dtypes, but got desired dtype=torch.int64'),
        "train('yes')": 'ValueError: training mode is expected to be boolean'},
    'grads': {'grads after backward': [True, True], 'zero_grad()': [None, None],
        'zero_grad(set_to_none=False)': [[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [0.0, 0.0]], 'accumulated': [8.0, 8.0]},
    'state': {'load own': '<All keys matched successfully>', 'load own, type': '_IncompatibleKeys',
        'strict=False': [['scale'], ['extra'],
        "_IncompatibleKeys(missing_keys=['scale'], unexpected_keys=['extra'])"],
        'strict=True': ('RuntimeError: Error(s) in loading state_dict for Net:\n'
        '\tMissing key(s) in state_dict: "scale". \n' '\tUnexpected key(s) in state_dict: "extra". '),
        'size mismatch': ('RuntimeError: Error(s) in loading state_dict for Net:\n'
        '\tsize mismatch for scale: copying a param with shape torch.Size([2]) '
        'from checkpoint, the shape in current model is torch.Size([1]).'),
        'size mismatch, strict=False': ('RuntimeError: Error(s) in loading state_dict for Net:\n'
        '\tsize mismatch for scale: copying a param with shape torch.Size([2]) '
        'from checkpoint, the shape in current model is torch.Size([1]).'),
        'not a dict': "TypeError: Expected state_dict to be dict-like, got <class 'list'>.", 'buffer loaded': [5.0,
        6.0], 'state_dict shares memory': [7.0], 'values loaded': [[[1.0, 1.0], [1.0, 1.0]], [0.0, 0.0], True],
        'tied named_parameters': ['encoder.weight', 'decoder.bias'],
        'tied named_parameters(remove_duplicate=False)': ['encoder.weight', 'decoder.weight', 'decoder.bias'],
        'tied state_dict': ['encoder.weight', 'decoder.weight', 'decoder.bias'], 'tied parameters': 2,
        'shared module, named_modules': ['', '0'], 'shared module, remove_duplicate=False': ['', '0', '1'],
        'shared module, state_dict': ['0.weight', '0.bias', '1.weight', '1.bias'], 'shared module, len': 2},
    'repr': {'Net': ('Net(\n' '  (emb): Embedding(5, 3, padding_idx=0)\n' '  (rnn): LSTM(3, 4, batch_first=True)\n'
        '  (drop): Dropout(p=0.3, inplace=False)\n' '  (head): Sequential(\n'
        '    (0): Linear(in_features=4, out_features=4, bias=True)\n' '    (1): ReLU()\n'
        '    (2): Linear(in_features=4, out_features=2, bias=False)\n' '  )\n' '  (blocks): ModuleList(\n'
        '    (0): Linear(in_features=2, out_features=2, bias=True)\n' '    (1): Tanh()\n' '  )\n'
        '  (d): ModuleDict(\n' '    (a): Linear(in_features=2, out_features=1, bias=True)\n' '    (b): Sigmoid()\n'
        '  )\n' ')'), 'recurrent': ('ModuleList(\n' '  (0): RNN(3, 4, num_layers=2, batch_first=True, dropout=0.5, '
        'bidirectional=True)\n' '  (1): GRU(3, 4, bias=False)\n' '  (2): LSTM(2, 3)\n' ')'),
        'cells': ['RNNCell(2, 3, nonlinearity=relu)', 'LSTMCell(2, 3, bias=False)', 'GRUCell(2, 3)'],
        'losses': ['NLLLoss()', 'CrossEntropyLoss()', 'MSELoss()', 'L1Loss()', 'BCELoss()', 'BCEWithLogitsLoss()'],
        'activations': ['Tanh()', 'ReLU()', 'ReLU(inplace=True)', 'Sigmoid()', 'Softmax(dim=1)',
        'LogSoftmax(dim=-1)', 'Softmax(dim=None)', 'Identity()', 'Flatten(start_dim=1, end_dim=-1)'],
        'layers': ['Embedding(5, 3)', 'Embedding(5, 3, padding_idx=2)', 'Dropout(p=0.5, inplace=False)',
        'Linear(in_features=2, out_features=3, bias=False)', 'Embedding(3, 2, max_norm=1.0)',
        'Dropout(p=0, inplace=False)', 'Dropout(p=1, inplace=False)'], 'attributes': [4, 3,
        2, True, 'tanh', True, 0.2, True, 0, 'RNN_TANH', 'RNN_RELU', 'GRU', 'tanh', 2, None, 0.2, False, 4],
        'LSTM all_weights': [[[12, 2], [12, 3], [12], [12]], [[12, 3], [12, 3], [12], [12]]]},
    'Parameter': {'repr': 'Parameter containing:\ntensor([1., 2.], requires_grad=True)', 'flags': [True, True, True,
        'Parameter'], 'requires_grad=False': 'Parameter containing:\ntensor([1., 2.])',
        'empty': 'Parameter containing:\ntensor([], requires_grad=True)', 'data': ['Tensor', False],
        'data shares memory': [5.0, 2.0], 'data assigned': [3.0, 4.0], 'grad': [[6.0, 8.0], 'Tensor'],
        'p * 2 is a Tensor': 'Tensor', 'detach': 'Tensor'},
    'containers': {'named': ('Sequential(\n' '  (fc): Linear(in_features=2, out_features=3, bias=True)\n'
        '  (act): Tanh()\n' '  (out): Linear(in_features=3, out_features=1, bias=True)\n' ')'),
        'named parameters': ['fc.weight', 'fc.bias', 'out.weight', 'out.bias'],
        'attribute': 'Linear(in_features=2, out_features=3, bias=True)',
        'index': ['Linear(in_features=2, out_features=3, bias=True)',
        'Linear(in_features=3, out_features=1, bias=True)'], 'slice': ('Sequential(\n' '  (act): Tanh()\n'
        '  (out): Linear(in_features=3, out_features=1, bias=True)\n' ')'),
        'out of range': 'IndexError: index 5 is out of range',
        'string index': "TypeError: 'str' object cannot be interpreted as an integer",
        'append insert extend': ('Sequential(\n' '  (0): Linear(in_features=2, out_features=3, bias=True)\n'
        '  (1): Identity()\n' '  (2): Tanh()\n' '  (3): ReLU()\n' '  (4): Sigmoid()\n' ')'),
        'setitem delitem': ('Sequential(\n' '  (0): Linear(in_features=2, out_features=3, bias=False)\n'
        '  (1): Tanh()\n' '  (2): ReLU()\n' '  (3): Sigmoid()\n' ')'), 'pop': ['Tanh()', 3], 'add': ('Sequential(\n'
        '  (0): Linear(in_features=2, out_features=3, bias=False)\n' '  (1): ReLU()\n' '  (2): Sigmoid()\n'
        '  (3): ReLU()\n' ')'), 'iter': ['Linear', 'ReLU', 'Sigmoid'], 'forward': [3, 2], 'empty': 'Sequential()',
        'not a module': 'TypeError: int is not a Module subclass', 'ModuleList repr': ('ModuleList(\n'
        '  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n' ')'),
        'ModuleList index': ['Linear(in_features=2, out_features=2, bias=True)', ('ModuleList(\n'
        '  (0-1): 2 x Linear(in_features=2, out_features=2, bias=True)\n' ')'),
        'IndexError: index 3 is out of range'], 'ModuleList += insert': ('ModuleList(\n' '  (0): Tanh()\n'
        '  (1-3): 3 x Linear(in_features=2, out_features=2, bias=True)\n' '  (4): ReLU()\n' ')'),
        'ModuleList pop': ['Tanh()', 4], 'ModuleList del setitem': ('ModuleList(\n'
        '  (0-1): 2 x Linear(in_features=2, out_features=2, bias=True)\n' '  (2): Sigmoid()\n' ')'),
        'ModuleList names': ['0.weight', '0.bias', '1.weight', '1.bias'],
        'ModuleList append non-module': 'TypeError: int is not a Module subclass',
        'ModuleList has no forward': ('NotImplementedError: Module [ModuleList] is missing the required '
        '"forward" function'), 'ModuleDict': [('ModuleDict(\n'
        '  (b): Linear(in_features=2, out_features=2, bias=True)\n' '  (a): ReLU()\n' ')'), ['b', 'a'], ['Linear',
        'ReLU'], ['b', 'a'], True, 2], 'ModuleDict missing': "KeyError: 'zz'", 'ModuleDict pop': ['ReLU()', ['b']],
        'ModuleDict set del': ['ModuleDict(\n  (c): Tanh()\n)', False], 'ModuleDict clear': ['ModuleDict()', 0],
        'ModuleDict from pairs': 'ModuleDict(\n  (x): ReLU()\n  (y): Tanh()\n)', 'ModuleDict names': ['q.weight',
        'q.bias']},
    'registration': {'names': ['w', 'c'], 'None members': [None, None], 'state_dict': ['w', 'c'],
        'tensor as parameter': ("TypeError: cannot assign 'torch.DoubleTensor' as parameter 'w' "
        '(torch.nn.Parameter or None expected)'), 'Parameter replaces Parameter': ['w', 'c'],
        'buffer assigned': ['w', 'c', 'buf'],
        'int as buffer': ("TypeError: cannot assign 'int' as buffer 'buf' (torch.nn.Buffer, "
        'torch.Tensor or None expected)'),
        'register_buffer int': ("TypeError: cannot assign 'int' object to buffer 'x' (torch Tensor or "
        'None required)'),
        'register_buffer ndarray': ("TypeError: cannot assign 'numpy.ndarray' object to buffer 'x' (torch "
        'Tensor or None required)'), 'register_buffer dotted': 'KeyError: \'buffer name can\\\'t contain "."\'',
        'register_buffer empty': 'KeyError: \'buffer name can\\\'t be empty string ""\'',
        'register_buffer not a str': 'TypeError: buffer name should be a string. Got int',
        'register_buffer existing': 'KeyError: "attribute \'c\' already exists"',
        'register_parameter tensor': ("TypeError: cannot assign 'torch.DoubleTensor' object to parameter 'q' "
        '(torch.nn.Parameter or None required)'),
        'register_parameter existing': 'KeyError: "attribute \'buf\' already exists"',
        'add_module int': 'TypeError: int is not a Module subclass',
        'add_module dotted': 'KeyError: \'module name can\\\'t contain ".", got: a.b\'', 'add_module': ['', 'sub'],
        'delattr': [['w', 'c'], [''], False],
        'no forward': ('NotImplementedError: Module [Module] is missing the required ' '"forward" function'),
        'get_submodule': 'ReLU()', 'get_submodule missing': 'AttributeError: Sequential has no attribute `x`',
        'get_parameter': [1],
        'get_parameter not a parameter': 'AttributeError: `in_features` is not an nn.Parameter'},
}
# ---- end of expected values


def test_a_child_module_is_replaced_only_by_a_module_or_none_and_a_missing_key_is_a_key_error():
    """PyTorch: `seq[0] = 3` raises rather than silently dropping the child; del of a missing ModuleDict
    key raises KeyError."""
    seq = nn.Sequential(nn.Linear(1, 1), nn.ReLU())
    with pytest.raises(TypeError, match=re.escape("cannot assign 'int' as child module '0' "
                                                  "(torch.nn.Module or None expected)")):
        seq[0] = 3
    assert isinstance(seq[0], nn.Linear) and len(seq) == 2          # unchanged
    seq[1] = nn.Tanh()
    assert isinstance(seq[1], nn.Tanh)
    d = nn.ModuleDict({"a": nn.ReLU()})
    with pytest.raises(KeyError, match="'b'"):
        del d["b"]
    del d["a"]
    assert len(d) == 0


@pytest.mark.parametrize("layer, batch_first_name", [(nn.RNN, "TransposeBackward1"), (nn.LSTM, "TransposeBackward0"),
                                                     (nn.GRU, "TransposeBackward1")])
def test_recurrent_outputs_print_pytorchs_grad_fn(layer, batch_first_name):
    """torch 2.14 in float64: an unbatched input's output and final state end in a squeeze, a batch_first
    output in a transpose (PyTorch's LSTM takes another overload than its RNN and GRU), a plain one in a stack."""
    plain, first = layer(2, 3).double(), layer(2, 3, batch_first=True).double()
    out, state = plain(torch.ones(4, 1, 2, dtype=torch.float64))
    assert type(out.grad_fn).__name__ == "StackBackward0"
    out, state = plain(torch.ones(4, 2, dtype=torch.float64))
    states = state if isinstance(state, tuple) else (state,)
    assert {type(t.grad_fn).__name__ for t in (out,) + states} == {"SqueezeBackward1"}
    out, _ = first(torch.ones(1, 4, 2, dtype=torch.float64))
    assert type(out.grad_fn).__name__ == batch_first_name and out.shape == (1, 4, 3)
