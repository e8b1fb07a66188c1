"""Module and Parameter: discovery by attribute walking, names, modes, dtype, state_dict, save/load."""
import pickle

import numpy as np
import pytest

import tinygrad_rnn as tr
from tinygrad_rnn.nn.module import Module, Parameter


class Leaf(Module):
    """weight (n_out, n_in) and bias (n_out,), each filled with `fill` (so two Leafs are distinguishable)."""

    def __init__(self, n_in=2, n_out=3, fill=0.5):
        self.weight = Parameter(np.full((n_out, n_in), fill))
        self.bias = Parameter(np.full(n_out, -fill))

    def forward(self, x):
        return x @ self.weight.T + self.bias


class Tree(Module):
    """A sub-module, a Parameter, a list and a dict of modules, and attributes that are not parameters."""

    def __init__(self, fill=0.5):
        self.encoder = Leaf(fill=fill)
        self.scale = Parameter(np.ones(1) * fill)
        self.blocks = [Leaf(3, 3, fill), Leaf(3, 3, fill)]
        self.heads = {"a": Leaf(3, 1, fill), "b": Leaf(3, 2, fill)}
        self.constant = tr.Tensor(np.ones(2))                 # a plain Tensor: not a parameter
        self.size = 3

    def forward(self, x):
        h = self.blocks[1](self.blocks[0](self.encoder(x))) * self.scale
        return self.heads["a"](h).sum() + self.heads["b"](h).sum()


NAMES = ["scale", "encoder.weight", "encoder.bias", "blocks.0.weight", "blocks.0.bias", "blocks.1.weight",
         "blocks.1.bias", "heads.a.weight", "heads.a.bias", "heads.b.weight", "heads.b.bias"]


def snapshot(module):
    return {name: (p.data, p.data.copy()) for name, p in module.named_parameters()}


def assert_untouched(module, before):
    for name, p in module.named_parameters():
        assert p.data is before[name][0], f"{name} was replaced"
        np.testing.assert_array_equal(p.data, before[name][1])


# ---------------------------------------------------------------- discovery and names
def test_parameters_found_in_submodules_lists_and_dicts_with_dotted_names():
    tree = Tree()
    assert [name for name, _ in tree.named_parameters()] == NAMES
    assert len(tree.parameters()) == 11
    assert all(isinstance(p, Parameter) and p.requires_grad for p in tree.parameters())
    assert not any(p is tree.constant for p in tree.parameters())


def test_parameter_names_are_set_on_assignment_and_updated_when_nested():
    tree = Tree()
    assert tree.encoder.weight.name == "encoder.weight" and tree.heads["b"].bias.name == "heads.b.bias"

    class Outer(Module):
        def __init__(self):
            self.tree = Tree()

    outer = Outer()
    assert outer.tree.blocks[1].weight.name == "tree.blocks.1.weight"
    assert [p.name for p in outer.parameters()] == [f"tree.{n}" for n in NAMES]


def test_a_shared_parameter_or_module_is_listed_once():
    class Tied(Module):
        def __init__(self):
            self.first = Leaf()
            self.second = self.first
            self.again = self.first.weight

    tied = Tied()
    assert [name for name, _ in tied.named_parameters()] == ["again", "first.bias"]   # own parameters first
    assert tied.parameters() == [tied.first.weight, tied.first.bias]


def test_children_and_modules():
    tree = Tree()
    assert [name for name, _ in tree.named_children()] == ["encoder", "blocks.0", "blocks.1", "heads.a", "heads.b"]
    assert list(tree.children()) == [tree.encoder, *tree.blocks, tree.heads["a"], tree.heads["b"]]
    assert list(tree.modules()) == [tree, *tree.children()]
    assert list(Leaf().children()) == []


def test_module_without_forward():
    with pytest.raises(NotImplementedError, match="Module does not define forward"):
        Module()(1)


# ---------------------------------------------------------------- gradients, modes, dtype
def test_zero_grad_clears_every_parameter():
    tree = Tree()
    tree(tr.Tensor(np.ones((4, 2)))).backward()
    assert all(p.grad is not None for p in tree.parameters())
    tree.zero_grad()
    assert all(p.grad is None for p in tree.parameters())


def test_train_and_eval_reach_every_module_and_return_self():
    tree = Tree()
    assert all(m.training for m in tree.modules())
    assert tree.eval() is tree
    assert not any(m.training for m in tree.modules())
    assert tree.train() is tree and all(m.training for m in tree.modules())
    tree.train(False)
    assert not tree.heads["b"].training


@pytest.mark.parametrize("dtype", [np.float32, "float32", np.float64])
def test_to_casts_every_parameter_and_drops_grads(dtype):
    tree = Tree()
    tree(tr.Tensor(np.ones((4, 2)))).backward()
    assert tree.to(dtype) is tree
    assert all(p.dtype == np.dtype(dtype) and p.grad is None for p in tree.parameters())
    out = tree(tr.Tensor(np.ones((4, 2), dtype=np.dtype(dtype))))
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_allclose(tree.to(np.float64).encoder.weight.data, np.full((3, 2), 0.5))


def test_to_rejects_other_dtypes():
    with pytest.raises(TypeError, match="Module.to\\(dtype\\) expects float32 or float64, got int32"):
        Tree().to(np.int32)
    with pytest.raises(TypeError, match="Module.to\\(dtype\\) expects float32 or float64, got 'banana'"):
        Tree().to("banana")


def test_repr_shows_children_and_extra_repr():
    class Named(Module):
        def __init__(self):
            self.inner = Leaf()

        def extra_repr(self):
            return "size=2"

    assert repr(Leaf()) == "Leaf()"
    assert repr(Named()) == "Named(size=2\n  (inner): Leaf()\n)"
    assert repr(Tree()).splitlines() == ["Tree(", "  (encoder): Leaf()", "  (blocks.0): Leaf()", "  (blocks.1): Leaf()",
                                         "  (heads.a): Leaf()", "  (heads.b): Leaf()", ")"]


# ---------------------------------------------------------------- state_dict / load_state_dict
def test_state_dict_is_a_dict_of_copies():
    tree = Tree()
    state = tree.state_dict()
    assert list(state) == NAMES
    assert all(isinstance(v, np.ndarray) for v in state.values())
    state["encoder.weight"][0, 0] = 99.0
    assert tree.encoder.weight.data[0, 0] == 0.5


def test_load_state_dict_round_trip_copies_and_keeps_dtype():
    source, target = Tree(fill=0.25), Tree(fill=2.0).to(np.float32)
    state = source.state_dict()
    assert target.load_state_dict(state) is target
    for name, p in target.named_parameters():
        assert p.dtype == np.float32
        np.testing.assert_array_equal(p.data, state[name].astype(np.float32))
    state["scale"][0] = 7.0                                   # the module holds its own copy
    assert target.scale.data[0] == np.float32(0.25)


def test_load_state_dict_accepts_tensors():
    leaf = Leaf()
    leaf.load_state_dict({"weight": tr.Tensor(np.zeros((3, 2))), "bias": Parameter(np.ones(3))})
    np.testing.assert_array_equal(leaf.bias.data, np.ones(3))


def test_strict_load_reports_every_problem_at_once_and_changes_nothing():
    tree = Tree()
    before = snapshot(tree)
    state = Tree(fill=3.0).state_dict()
    del state["encoder.bias"], state["heads.a.weight"]
    state["junk"] = np.ones(2)
    state["blocks.0.weight"] = np.ones((2, 2))
    state["scale"] = np.ones(4)
    with pytest.raises(ValueError) as info:
        tree.load_state_dict(state)
    message = str(info.value)
    assert message.startswith("load_state_dict into Tree: ")
    for part in ["missing key 'encoder.bias'", "missing key 'heads.a.weight'", "unexpected key 'junk'",
                 "'blocks.0.weight': expected shape (3, 3), got (2, 2)", "'scale': expected shape (1,), got (4,)"]:
        assert part in message
    assert_untouched(tree, before)


def test_non_strict_load_skips_missing_and_unexpected_but_not_misshapen():
    tree = Tree()
    tree.load_state_dict({"scale": np.array([5.0]), "junk": np.ones(3)}, strict=False)
    assert tree.scale.data[0] == 5.0 and tree.encoder.weight.data[0, 0] == 0.5
    before = snapshot(tree)
    with pytest.raises(ValueError, match=r"'encoder.bias': expected shape \(3,\), got \(2,\)"):
        tree.load_state_dict({"scale": np.array([6.0]), "encoder.bias": np.ones(2)}, strict=False)
    assert_untouched(tree, before)


def test_load_state_dict_rejects_non_dicts_and_non_numbers():
    leaf = Leaf()
    with pytest.raises(TypeError, match="load_state_dict expects a dict of arrays, got list"):
        leaf.load_state_dict([np.ones((3, 2)), np.ones(3)])
    before = snapshot(leaf)
    with pytest.raises(ValueError, match="'bias': expected real numbers, got dtype <U1"):
        leaf.load_state_dict({"weight": np.ones((3, 2)), "bias": np.array(["a", "b", "c"])})
    assert_untouched(leaf, before)


# ---------------------------------------------------------------- save / load (.npz, never pickle)
def test_save_and_load_round_trip(tmp_path):
    source = Tree(fill=0.75)
    path = source.save(tmp_path / "model.npz")
    assert str(path).endswith("model.npz")
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(NAMES)
    target = Tree(fill=-1.0)
    assert target.load(path) is target
    for (name, p), q in zip(target.named_parameters(), source.parameters()):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)


def test_save_writes_exactly_at_the_path_it_is_given(tmp_path):
    path = Leaf().save(str(tmp_path / "weights.pt"))            # issue 13: no ".npz" added behind its back
    assert path == str(tmp_path / "weights.pt") and sorted(p.name for p in tmp_path.iterdir()) == ["weights.pt"]
    np.testing.assert_array_equal(Leaf(fill=0.0).load(path).weight.data, Leaf().weight.data)


def test_load_never_unpickles(tmp_path, monkeypatch):
    path = tmp_path / "evil.npz"
    np.savez(path, weight=np.array([{"x": 1}, None, 3], dtype=object), bias=np.zeros(3))

    def refuse(*args, **kwargs):
        raise AssertionError("load() called pickle")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    leaf = Leaf()
    before = snapshot(leaf)
    with pytest.raises(ValueError, match=r"Module.load: array '(weight|bias)' in .*evil.npz holds Python objects"):
        leaf.load(path)
    assert_untouched(leaf, before)


def test_load_rejects_a_file_that_is_not_an_npz_archive(tmp_path):
    path = tmp_path / "single.npy"
    np.save(path, np.zeros(3))
    with pytest.raises(ValueError, match=r"Module.load: .*single.npy is not an .npz archive written by save\(\)"):
        Leaf().load(path)


def test_save_handles_names_that_are_numpy_keywords(tmp_path):
    class Odd(tr.nn.Module):
        def __init__(self):
            self.file = tr.nn.Parameter(np.arange(3.0))
    path = Odd().save(tmp_path / "odd")
    fresh = Odd()
    fresh.file.data[:] = 0
    np.testing.assert_array_equal(fresh.load(path).file.data, np.arange(3.0))


def test_load_of_a_mismatched_file_lists_every_problem_and_changes_nothing(tmp_path):
    path = tmp_path / "other.npz"
    state = Tree(fill=9.0).state_dict()
    del state["heads.b.bias"]
    state["extra"] = np.ones(1)
    state["encoder.weight"] = np.ones((2, 3))
    np.savez(path, **state)
    tree = Tree()
    before = snapshot(tree)
    with pytest.raises(ValueError) as info:
        tree.load(path)
    for part in ["missing key 'heads.b.bias'", "unexpected key 'extra'",
                 "'encoder.weight': expected shape (3, 2), got (2, 3)"]:
        assert part in str(info.value)
    assert_untouched(tree, before)


def test_non_strict_load_from_a_file(tmp_path):
    path = tmp_path / "partial.npz"
    np.savez(path, **{"encoder.weight": np.zeros((3, 2)), "extra": np.ones(1)})
    tree = Tree().load(path, strict=False)
    np.testing.assert_array_equal(tree.encoder.weight.data, np.zeros((3, 2)))
    assert tree.encoder.bias.data[0] == -0.5
