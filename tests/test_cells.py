"""The recurrent cells against their equations re-derived in plain numpy, and their gradients by gradcheck."""
import numpy as np
import pytest

import tinygrad_rnn as tr
from tinygrad_rnn.nn.gru_cell import GRUCell
from tinygrad_rnn.nn.lstm_cell import LSTMCell
from tinygrad_rnn.nn.rnn_cell import RNNCell

I, H, B = 3, 2, 2
LSTM_VARIANTS = ["standard", "peephole", "coupled", "no_forget"]


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def blocks(a, n):
    """Split a packed (..., n*H) array into its n gate blocks."""
    return np.split(a, n, axis=-1)


def arrays(cell):
    return {name: p.data for name, p in cell.named_parameters()}


def numpy_rnn(p, x, h, nonlinearity):
    a = x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"]
    return np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)


def numpy_lstm(p, x, h, c, variant):
    a = x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"]
    if variant == "standard":
        a_i, a_f, a_g, a_o = blocks(a, 4)
        i, f, g, o = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)
        c_new = f * c + i * g
    elif variant == "peephole":
        a_i, a_f, a_g, a_o = blocks(a, 4)
        i, f, g = sigmoid(a_i + p["weight_ci"] * c), sigmoid(a_f + p["weight_cf"] * c), np.tanh(a_g)
        c_new = f * c + i * g
        o = sigmoid(a_o + p["weight_co"] * c_new)
    elif variant == "coupled":
        a_f, a_g, a_o = blocks(a, 3)
        f, g, o = sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)
        c_new = f * c + (1 - f) * g
    else:
        a_i, a_g, a_o = blocks(a, 3)
        i, g, o = sigmoid(a_i), np.tanh(a_g), sigmoid(a_o)
        c_new = c + i * g
    return o * np.tanh(c_new), c_new


def numpy_gru(p, x, h, reset_after):
    x_r, x_z, x_n = blocks(x @ p["weight_ih"].T + p["bias_ih"], 3)
    W_hr, W_hz, W_hn = np.split(p["weight_hh"], 3, axis=0)
    b_hr, b_hz, b_hn = np.split(p["bias_hh"], 3)
    r = sigmoid(x_r + h @ W_hr.T + b_hr)
    z = sigmoid(x_z + h @ W_hz.T + b_hz)
    if reset_after:
        n = np.tanh(x_n + r * (h @ W_hn.T + b_hn))
    else:
        n = np.tanh(x_n + (r * h) @ W_hn.T + b_hn)
    return (1 - z) * n + z * h


def random(*shape, seed=0, grad=False):
    return tr.Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=grad)


# ---------------------------------------------------------------- forward against the equations
@pytest.mark.parametrize("batch", [B, None])
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_matches_equations(batch, nonlinearity):
    cell = RNNCell(I, H, nonlinearity=nonlinearity)
    lead = () if batch is None else (batch,)
    x, h = random(*lead, I, seed=1), random(*lead, H, seed=2)
    expected = numpy_rnn(arrays(cell), x.data, h.data, nonlinearity)
    np.testing.assert_allclose(cell(x, h).data, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("batch", [B, None])
@pytest.mark.parametrize("variant", LSTM_VARIANTS)
def test_lstm_cell_matches_equations(batch, variant):
    cell = LSTMCell(I, H, variant=variant)
    lead = () if batch is None else (batch,)
    x, h, c = random(*lead, I, seed=1), random(*lead, H, seed=2), random(*lead, H, seed=3)
    h_new, c_new = cell(x, (h, c))
    h_ref, c_ref = numpy_lstm(arrays(cell), x.data, h.data, c.data, variant)
    np.testing.assert_allclose(h_new.data, h_ref, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(c_new.data, c_ref, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("batch", [B, None])
@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_cell_matches_its_own_formula(batch, reset_after):
    cell = GRUCell(I, H, reset_after=reset_after)
    lead = () if batch is None else (batch,)
    x, h = random(*lead, I, seed=1), random(*lead, H, seed=2)
    np.testing.assert_allclose(cell(x, h).data, numpy_gru(arrays(cell), x.data, h.data, reset_after), rtol=1e-12)


def test_the_two_gru_formulations_are_different_models():
    tr.manual_seed(3)
    after = GRUCell(I, H, reset_after=True)
    before = GRUCell(I, H, reset_after=False).load_state_dict(after.state_dict())
    x, h = random(B, I, seed=1), random(B, H, seed=2)
    assert np.abs(after(x, h).data - before(x, h).data).max() > 1e-3


def test_zero_state_is_the_default():
    cell = LSTMCell(I, H)
    x = random(B, I)
    zeros = tr.Tensor(np.zeros((B, H)))
    for got, want in zip(cell(x), cell(x, (zeros, zeros))):
        np.testing.assert_array_equal(got.data, want.data)
    np.testing.assert_array_equal(GRUCell(I, H)(x.data[0]).shape, (H,))


# ---------------------------------------------------------------- the variants' structure
def test_no_forget_cell_only_accumulates():
    cell = LSTMCell(I, H, variant="no_forget")
    p = arrays(cell)
    h, c = tr.Tensor(np.zeros((B, H))), tr.Tensor(np.zeros((B, H)))
    for t in range(4):
        x = random(B, I, seed=t)
        a_i, a_g, _ = blocks(x.data @ p["weight_ih"].T + p["bias_ih"] + h.data @ p["weight_hh"].T + p["bias_hh"], 3)
        c_prev = c.data
        h, c = cell(x, (h, c))
        np.testing.assert_allclose(c.data - c_prev, sigmoid(a_i) * np.tanh(a_g), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("variant, rows, extra", [
    ("standard", 4, []), ("peephole", 4, ["weight_ci", "weight_cf", "weight_co"]),
    ("coupled", 3, []), ("no_forget", 3, [])])
def test_lstm_variant_parameter_layout(variant, rows, extra):
    shapes = {k: v.shape for k, v in LSTMCell(I, H, variant=variant).state_dict().items()}
    expected = {"weight_ih": (rows * H, I), "weight_hh": (rows * H, H), "bias_ih": (rows * H,), "bias_hh": (rows * H,)}
    expected.update({k: (H,) for k in extra})
    assert shapes == expected


def test_parameters_follow_pytorch_init_and_the_seed():
    tr.manual_seed(5)
    first = LSTMCell(4, 9, variant="peephole").state_dict()
    tr.manual_seed(5)
    again = LSTMCell(4, 9, variant="peephole").state_dict()
    for name, value in first.items():
        assert np.abs(value).max() <= 1 / 3 and np.abs(value).min() > 0, name   # uniform(-1/sqrt(9), 1/sqrt(9))
        np.testing.assert_array_equal(value, again[name])
    assert set(RNNCell(I, H, bias=False).state_dict()) == {"weight_ih", "weight_hh"}


# ---------------------------------------------------------------- gradients
CELLS = [(RNNCell, {"nonlinearity": "tanh"}), (RNNCell, {"nonlinearity": "relu"}), (GRUCell, {"reset_after": True}),
         (GRUCell, {"reset_after": False}), (RNNCell, {"bias": False})]
CELLS += [(LSTMCell, {"variant": v}) for v in LSTM_VARIANTS]


@pytest.mark.parametrize("cls, kwargs", CELLS)
def test_cell_gradients(cls, kwargs):
    tr.manual_seed(0)
    cell = cls(I, H, **kwargs)
    x = random(B, I, seed=1, grad=True)
    state = tuple(random(B, H, seed=2 + j, grad=True) for j in range(cell.num_states))

    def fn(*_):
        out = cell(x, state[0] if len(state) == 1 else state)
        return tr.concatenate([s.reshape(-1) for s in (out if isinstance(out, tuple) else (out,))])
    assert tr.gradcheck(fn, x, *state, *cell.parameters())


# ---------------------------------------------------------------- errors
def test_cell_errors():
    with pytest.raises(ValueError, match=r"LSTMCell: variant must be one of .* got 'gated'"):
        LSTMCell(I, H, variant="gated")
    with pytest.raises(ValueError, match=r"RNNCell: nonlinearity must be one of .* got 'sigmoid'"):
        RNNCell(I, H, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match=r"GRUCell: hidden_size must be a positive int, got 0"):
        GRUCell(I, 0)
    with pytest.raises(ValueError, match=r"RNNCell: input_size must be a positive int, got 2.5"):
        RNNCell(2.5, H)
    with pytest.raises(ValueError, match=r"GRUCell expected input of shape \(B, 3\) or unbatched \(3,\), got \(2, 4\)"):
        GRUCell(I, H)(random(B, 4))
    with pytest.raises(ValueError, match=r"RNNCell expected state h of shape \(2, 2\) \(batch, hidden_size\), got \(2, 3\)"):
        RNNCell(I, H)(random(B, I), random(B, 3))
    with pytest.raises(ValueError, match=r"RNNCell expected state h of shape \(2,\) \(hidden_size,\), got \(3,\)"):
        RNNCell(I, H)(random(I), random(3))
    with pytest.raises(TypeError, match=r"LSTMCell expected state to be a tuple \(h, c\) of 2 Tensors, got Tensor"):
        LSTMCell(I, H)(random(B, I), random(B, H))
    with pytest.raises(TypeError, match=r"LSTMCell expected state c to be a Tensor, got ndarray"):
        LSTMCell(I, H)(random(B, I), (random(B, H), np.zeros((B, H))))
