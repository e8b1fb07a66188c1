"""Linear, Embedding, Dropout and Sequential against plain numpy, central differences and seeded draws."""
import re

import numpy as np
import pytest

import tinygrad_rnn as tr
from tinygrad_rnn.nn.layers import Dropout, Embedding, Linear, Sequential
from tinygrad_rnn.nn.module import Module


# ---------------------------------------------------------------- Linear
def test_linear_init_is_pytorch_uniform_from_the_library_generator():
    tr.manual_seed(7)
    layer = Linear(4, 3)
    rng = np.random.default_rng(7)
    bound = 1 / np.sqrt(4)
    np.testing.assert_array_equal(layer.weight.data, rng.uniform(-bound, bound, (3, 4)))
    np.testing.assert_array_equal(layer.bias.data, rng.uniform(-bound, bound, (3,)))
    assert layer.weight.shape == (3, 4) and layer.bias.shape == (3,)


def test_linear_init_bounds():
    layer = Linear(25, 40)
    for p in layer.parameters():
        assert np.abs(p.data).max() <= 0.2 and np.abs(p.data).max() > 0.15


@pytest.mark.parametrize("shape", [(4,), (5, 4), (2, 3, 4)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_matches_numpy(shape, bias):
    layer = Linear(4, 3, bias=bias)
    x = np.random.default_rng(1).standard_normal(shape)
    expected = x @ layer.weight.data.T + (layer.bias.data if bias else 0.0)
    out = layer(tr.Tensor(x))
    assert out.shape == shape[:-1] + (3,)
    np.testing.assert_allclose(out.data, expected, rtol=1e-14)
    assert (layer.bias is None) == (not bias) and len(layer.parameters()) == (2 if bias else 1)


def test_linear_gradients_match_central_differences():
    layer = Linear(3, 2)
    x = tr.Tensor(np.random.default_rng(2).standard_normal((2, 4, 3)), requires_grad=True)
    assert tr.gradcheck(lambda x, w, b: layer(x), x, layer.weight, layer.bias)


def test_linear_float32_end_to_end():
    layer = Linear(3, 2).to(np.float32)
    out = layer(tr.Tensor(np.ones((2, 3), dtype=np.float32)))
    assert out.dtype == np.float32
    out.sum().backward()
    assert layer.weight.grad.dtype == np.float32


@pytest.mark.parametrize("shape", [(2, 5), (5,), ()])
def test_linear_shape_error_names_the_layer_and_shapes(shape):
    with pytest.raises(ValueError, match=r"Linear\(in_features=3, out_features=2, bias=True\): input's last "
                                         rf"dimension must be 3, got input of shape {re.escape(str(shape))}"):
        Linear(3, 2)(tr.Tensor(np.ones(shape)))


def test_linear_and_dropout_want_a_tensor():
    with pytest.raises(TypeError, match=r"Linear\(in_features=3, out_features=2, bias=True\): input must be a "
                                        "Tensor, got ndarray"):
        Linear(3, 2)(np.ones(3))
    with pytest.raises(TypeError, match="dropout: x must be a Tensor, got list"):
        Dropout(0.5)([1.0, 2.0])


@pytest.mark.parametrize("args, error, message", [
    ((0, 2), ValueError, "Linear: in_features must be a positive int, got 0"),
    ((3, -1), ValueError, "Linear: out_features must be a positive int, got -1"),
    ((2.0, 2), ValueError, "Linear: in_features must be a positive int, got 2.0"),
    ((True, 2), ValueError, "Linear: in_features must be a positive int, got True"),
    ((3, "2"), ValueError, "Linear: out_features must be a positive int, got '2'"),
])
def test_linear_constructor_errors(args, error, message):
    with pytest.raises(error, match=message):
        Linear(*args)


def test_linear_accepts_numpy_ints_and_has_a_repr():
    layer = Linear(np.int64(3), 2, bias=False)
    assert repr(layer) == "Linear(in_features=3, out_features=2, bias=False)"
    assert type(layer.in_features) is int


# ---------------------------------------------------------------- Embedding
def test_embedding_init_is_standard_normal_from_the_library_generator():
    tr.manual_seed(3)
    table = Embedding(6, 4)
    np.testing.assert_array_equal(table.weight.data, np.random.default_rng(3).standard_normal((6, 4)))
    assert repr(table) == "Embedding(6, 4)" and table.weight.name == "weight"


@pytest.mark.parametrize("indices", [[4, 0, 4], np.array([[1, 2], [5, 1]]), 3])
def test_embedding_forward_and_gradient(indices):
    table = Embedding(6, 4)
    out = table(indices)
    idx = np.asarray(indices)
    np.testing.assert_array_equal(out.data, table.weight.data[idx])
    assert out.shape == idx.shape + (4,)
    out.sum().backward()
    counts = np.bincount(idx.ravel(), minlength=6)            # a row used k times gets k ones
    np.testing.assert_array_equal(table.weight.grad, np.repeat(counts[:, None], 4, axis=1))


def test_embedding_gradcheck():
    table = Embedding(5, 3)
    assert tr.gradcheck(lambda w: table(np.array([[0, 3], [3, 4]])).tanh(), table.weight)


def test_embedding_errors():
    with pytest.raises(ValueError, match=r"embedding: index 6 is out of range for 6 embeddings \(0..5\)"):
        Embedding(6, 2)([1, 6])
    with pytest.raises(ValueError, match="Embedding: num_embeddings must be a positive int, got 0"):
        Embedding(0, 2)
    with pytest.raises(ValueError, match="Embedding: embedding_dim must be a positive int, got 2.5"):
        Embedding(3, 2.5)


# ---------------------------------------------------------------- Dropout
def test_dropout_in_training_uses_a_seeded_mask_and_rescales():
    x = np.arange(1.0, 41.0).reshape(5, 8)
    tr.manual_seed(11)
    out = Dropout(0.25)(tr.Tensor(x))
    keep = np.random.default_rng(11).random((5, 8)) >= 0.25
    np.testing.assert_allclose(out.data, np.where(keep, x / 0.75, 0.0), rtol=1e-15)


def test_dropout_gradient_flows_through_kept_entries_only():
    x = tr.Tensor(np.ones((4, 6)), requires_grad=True)
    out = Dropout(0.5)(x)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, (out.data != 0) * 2.0)


def test_dropout_eval_p0_and_p1():
    x = tr.Tensor(np.ones((3, 3)))
    layer = Dropout(0.9).eval()
    np.testing.assert_array_equal(layer(x).data, x.data)
    np.testing.assert_array_equal(Dropout(0.0)(x).data, x.data)
    np.testing.assert_array_equal(Dropout(1.0)(x).data, np.zeros((3, 3)))
    assert repr(Dropout()) == "Dropout(p=0.5)"


@pytest.mark.parametrize("p, error, message", [
    (-0.1, ValueError, r"Dropout: p must be a probability in \[0, 1\], got -0.1"),
    (1.5, ValueError, r"Dropout: p must be a probability in \[0, 1\], got 1.5"),
    ("0.5", TypeError, r"Dropout: p must be a number in \[0, 1\], got str '0.5'"),
    (True, TypeError, r"Dropout: p must be a number in \[0, 1\], got bool True"),
])
def test_dropout_constructor_errors(p, error, message):
    with pytest.raises(error, match=message):
        Dropout(p)


# ---------------------------------------------------------------- Sequential
def make_net():
    return Sequential(Linear(3, 4), Dropout(0.5), Linear(4, 2))


def test_sequential_names_children_by_position():
    net = make_net()
    assert [name for name, _ in net.named_children()] == ["0", "1", "2"]
    assert [name for name, _ in net.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [p.name for p in net.parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_sequential_forward_chains_and_respects_eval():
    net = make_net().eval()
    x = np.random.default_rng(4).standard_normal((5, 3))
    hidden = x @ net[0].weight.data.T + net[0].bias.data
    expected = hidden @ net[2].weight.data.T + net[2].bias.data
    np.testing.assert_allclose(net(tr.Tensor(x)).data, expected, rtol=1e-14)
    assert not net[1].training
    assert net.train()[1].training


def test_sequential_len_indexing_iteration_and_repr():
    net = make_net()
    assert len(net) == 3 and len(Sequential()) == 0
    assert net[-1] is net[2] and isinstance(net[1], Dropout)
    assert list(net) == [net[0], net[1], net[2]]
    assert repr(net) == ("Sequential(\n"
                         "  (0): Linear(in_features=3, out_features=4, bias=True)\n"
                         "  (1): Dropout(p=0.5)\n"
                         "  (2): Linear(in_features=4, out_features=2, bias=True)\n"
                         ")")
    x = tr.Tensor(np.ones(2))
    assert Sequential()(x) is x


def test_sequential_inside_a_module_gets_dotted_names():
    class Model(Module):
        def __init__(self):
            self.net = Sequential(Linear(2, 2), Sequential(Linear(2, 1)))

    model = Model()
    assert list(model.state_dict()) == ["net.0.weight", "net.0.bias", "net.1.0.weight", "net.1.0.bias"]
    assert model.net[1][0].weight.name == "net.1.0.weight"


def test_sequential_errors():
    net = make_net()
    with pytest.raises(IndexError, match="Sequential index 3 is out of range for 3 modules"):
        net[3]
    with pytest.raises(IndexError, match="Sequential index -4 is out of range for 3 modules"):
        net[-4]
    with pytest.raises(TypeError, match="Sequential indices must be ints, got str"):
        net["0"]
    with pytest.raises(TypeError, match="Sequential: argument 1 must be a Module, got function"):
        Sequential(Linear(2, 2), lambda x: x)
