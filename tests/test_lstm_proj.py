"""LSTM(proj_size=P), PyTorch's LSTM with projections, in the core and in the dialect: h_t = W_hr (o_t * tanh(c_t)).

Oracles: values worked out by hand, a plain-numpy implementation of the equations written below (it shares
no code with the library), central differences (tr.gradcheck), and PyTorch's names, shapes and error
messages written out (printed by torch 2.14, which agreed with the library to 2e-15 in float64 on every
layout here: outputs, h_n, c_n and every gradient).
"""
import math
import re

import numpy as np
import pytest

import tinygrad_rnn as tr
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as tnn
from tinygrad_rnn.autograd import topological_order
from tinygrad_rnn.nn.lstm_cell import LSTMCell, ProjectedLSTMCell
from tinygrad_rnn.torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

I, H, P, T, B = 3, 5, 2, 4, 3


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def numpy_lstmp(w: dict, x, L: int, D: int, lengths=None, h0=None, c0=None):
    """The equations in plain numpy, time-major x (T, B, I): (output (T, B, D*P), h_n (L*D, B, P), c_n (L*D, B, H))."""
    steps, batch = x.shape[:2]
    lengths = np.full(batch, steps) if lengths is None else np.asarray(lengths)
    hn, cn = [], []
    for k in range(L):
        outs = []
        for d in range(D):
            s = f"_l{k}" + ("_reverse" if d else "")
            W_ih, W_hh, W_hr = w["weight_ih" + s], w["weight_hh" + s], w["weight_hr" + s]
            b = w["bias_ih" + s] + w["bias_hh" + s]
            h = np.zeros((batch, W_hr.shape[0])) if h0 is None else h0[k * D + d]
            c = np.zeros((batch, W_hr.shape[1])) if c0 is None else c0[k * D + d]
            out = np.zeros((steps, batch, W_hr.shape[0]))
            for t in (reversed(range(steps)) if d else range(steps)):
                a_i, a_f, a_g, a_o = np.split(x[t] @ W_ih.T + h @ W_hh.T + b, 4, axis=1)
                c_new = sigmoid(a_f) * c + sigmoid(a_i) * np.tanh(a_g)
                h_new = (sigmoid(a_o) * np.tanh(c_new)) @ W_hr.T
                valid = (t < lengths)[:, None]                  # past a sequence's end: state kept, output 0
                h, c, out[t] = np.where(valid, h_new, h), np.where(valid, c_new, c), np.where(valid, h_new, 0)
            outs.append(out)
            hn.append(h)
            cn.append(c)
        x = np.concatenate(outs, axis=2)
    return x, np.stack(hn), np.stack(cn)


def random_weights(layer, seed=0) -> dict:
    rng = np.random.default_rng(seed)
    return {name: rng.uniform(-0.8, 0.8, p.shape) for name, p in layer.named_parameters()}


# ---------------------------------------------------------------- parameters, init, repr
def test_parameter_names_order_and_shapes_are_pytorchs():
    layer = tr.nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    block = [("weight_ih", (16, None)), ("weight_hh", (16, 2)), ("bias_ih", (16,)), ("bias_hh", (16,)),
             ("weight_hr", (2, 4))]
    expected = [(f"{name}_l{k}{suffix}", tuple((3 if k == 0 else 4) if n is None else n for n in shape))
                for k in (0, 1) for suffix in ("", "_reverse") for name, shape in block]
    assert [(n, a.shape) for n, a in layer.state_dict().items()] == expected
    plain = tr.nn.LSTM(3, 4, bias=False, proj_size=3)
    assert [(n, p.shape) for n, p in plain.named_parameters()] == [("weight_ih_l0", (16, 3)), ("weight_hh_l0", (16, 3)),
                                                                   ("weight_hr_l0", (3, 4))]
    dialect = tnn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    assert [n for n, _ in dialect.named_parameters()] == [n for n, _ in expected]
    assert [[tuple(p.shape) for p in ps] for ps in dialect.all_weights][2] == [(16, 4), (16, 2), (16,), (16,), (2, 4)]


def test_every_parameter_starts_uniform_in_plus_minus_one_over_sqrt_hidden_size():
    tr.manual_seed(0)
    layer = tr.nn.LSTM(3, 16, num_layers=2, proj_size=4)
    bound = 1 / math.sqrt(16)
    for name, p in layer.named_parameters():
        assert np.abs(p.data).max() <= bound and np.abs(p.data).max() > 0.8 * bound, name


def test_repr_shows_proj_size_where_pytorch_does():
    assert repr(tnn.LSTM(3, 4, 2, False, True, 0.5, True, proj_size=3)) == \
        "LSTM(3, 4, proj_size=3, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)"
    assert repr(tnn.LSTM(3, 4, 1, True, False, 0.0, False, 2)) == "LSTM(3, 4, proj_size=2)"   # positional, as PyTorch
    assert repr(tnn.LSTM(3, 4, proj_size=0)) == "LSTM(3, 4)"
    assert repr(tr.nn.LSTM(3, 4, proj_size=2)).splitlines() == [
        "LSTM(3, 4, proj_size=2", "  (cells.0: layer 0 forward, *_l0): ProjectedLSTMCell(3, 4, proj_size=2)", ")"]


def test_proj_size_zero_is_the_plain_layer_unchanged():
    tr.manual_seed(3)
    default = tr.nn.LSTM(I, H, num_layers=2, bidirectional=True)
    tr.manual_seed(3)
    zero = tr.nn.LSTM(I, H, num_layers=2, bidirectional=True, proj_size=0)
    assert all(type(cell) is LSTMCell for cell in zero.cells) and zero.output_size == H
    x = tr.Tensor(np.random.default_rng(0).standard_normal((T, B, I)))
    for got, want in zip((lambda o, s: (o, *s))(*zero(x)), (lambda o, s: (o, *s))(*default(x))):
        np.testing.assert_array_equal(got.data, want.data)


# ---------------------------------------------------------------- values
def test_one_step_by_hand():
    """Zero weights and biases: i = f = o = 1/2, g = 0, so c = c0 / 2 = [1, -1], m = tanh(c) / 2 and
    h = W_hr m = (1 - 3) tanh(1) / 2 = -tanh(1); dh/dW_hr = m, dh/dc0_j = W_hr_j * o * f * (1 - tanh(1)^2)."""
    layer = tr.nn.LSTM(1, 2, proj_size=1)
    layer.load_state_dict({n: np.zeros(p.shape) for n, p in layer.named_parameters()} | {"weight_hr_l0": [[1.0, 3.0]]})
    h0, c0 = tr.Tensor(np.zeros((1, 1, 1)), requires_grad=True), tr.Tensor([[[2.0, -2.0]]], requires_grad=True)
    out, (h_n, c_n) = layer(tr.Tensor(np.ones((1, 1, 1))), (h0, c0))
    assert out.data.tolist() == h_n.data.tolist() and c_n.data.tolist() == [[[1.0, -1.0]]]
    assert out.data.item() == pytest.approx(-0.7615941559557649, abs=1e-15)
    out.sum().backward()
    np.testing.assert_allclose(layer.weight_hr_l0.grad, [[0.38079707797788243, -0.38079707797788243]], rtol=1e-15)
    np.testing.assert_allclose(c0.grad, [[[0.10499358540350653, 0.3149807562105196]]], rtol=1e-14)
    assert h0.grad.tolist() == [[[0.0]]]                                         # W_hh = 0


CASES = {  # name: (num_layers, bidirectional, batch_first, unbatched, lengths, given h0/c0)
    "1 layer": (1, False, False, False, None, False),
    "2 layers": (2, False, False, False, None, True),
    "bidirectional": (1, True, False, False, None, False),
    "2 layers bidirectional": (2, True, False, False, None, True),
    "batch_first": (2, True, True, False, None, True),
    "unbatched": (2, True, False, True, None, False),
    "unbatched h0 c0": (2, True, False, True, None, True),
    "lengths": (2, True, False, False, [4, 1, 3], False),
    "lengths batch_first h0 c0": (2, True, True, False, [2, 4, 1], True),
}


def run_case(api: str, case: str):
    """(ours, numpy's): output, h_n, c_n of one case, both in the caller's layout."""
    L, bi, bf, unbatched, lengths, given = CASES[case]
    D, rng = 2 if bi else 1, np.random.default_rng(1)
    x = rng.standard_normal((T, I) if unbatched else (B, T, I) if bf else (T, B, I))
    h0 = rng.standard_normal((L * D, P) if unbatched else (L * D, B, P))
    c0 = rng.standard_normal((L * D, H) if unbatched else (L * D, B, H))
    if api == "core":
        layer = tr.nn.LSTM(I, H, L, batch_first=bf, bidirectional=bi, proj_size=P)
        make = tr.Tensor
    else:
        layer = tnn.LSTM(I, H, L, batch_first=bf, bidirectional=bi, proj_size=P, dtype=torch.float64)
        make = torch.tensor
    weights = random_weights(layer)
    layer.load_state_dict(weights)
    hx = (make(h0), make(c0)) if given else None
    if lengths is None or api == "core":
        out, (h_n, c_n) = layer(make(x), hx, **({} if lengths is None else {"lengths": lengths}))
    else:
        packed = pack_padded_sequence(make(x), torch.tensor(lengths), batch_first=bf, enforce_sorted=False)
        out, (h_n, c_n) = layer(packed, hx)
        out = pad_packed_sequence(out, batch_first=bf, total_length=T)[0]
    ours = [np.asarray(t.data if api == "core" else t.detach().numpy()) for t in (out, h_n, c_n)]
    tm = x[:, None] if unbatched else x.transpose(1, 0, 2) if bf else x                      # (T, B, I)
    states = [None if not given else s[:, None] if unbatched else s for s in (h0, c0)]
    want = list(numpy_lstmp(weights, tm, L, D, lengths, *states))
    want[0] = want[0][:, 0] if unbatched else want[0].transpose(1, 0, 2) if bf else want[0]
    want[1:] = [s[:, 0] if unbatched else s for s in want[1:]]
    return ours, want


@pytest.mark.parametrize("api", ["core", "dialect"])
@pytest.mark.parametrize("case", list(CASES))
def test_outputs_and_states_follow_the_equations(api, case):
    ours, want = run_case(api, case)
    for name, got, expected in zip(("output", "h_n", "c_n"), ours, want):
        assert got.shape == expected.shape, name
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14, err_msg=name)


def test_shapes_are_pytorchs():
    f32 = torch.float32
    out, (h_n, c_n) = tnn.LSTM(I, H, num_layers=2, bidirectional=True, batch_first=True, proj_size=P, dtype=f32)(
        torch.zeros(B, T, I, dtype=f32))
    assert out.shape == (B, T, 2 * P) and h_n.shape == (4, B, P) and c_n.shape == (4, B, H)
    assert out.dtype == h_n.dtype == c_n.dtype == f32                 # float32 end to end
    out, (h_n, c_n) = tr.nn.LSTM(I, H, proj_size=P)(tr.Tensor(np.zeros((T, I))))
    assert (out.shape, h_n.shape, c_n.shape) == ((T, P), (1, P), (1, H))


# ---------------------------------------------------------------- gradients: central differences
@pytest.mark.parametrize("bf, lengths, variant", [(False, [3, 1], "standard"), (True, None, "standard"),
                                                  (False, None, "peephole")])
def test_every_gradient_matches_finite_differences(bf, lengths, variant):
    layer = tr.nn.LSTM(2, 3, num_layers=2, bidirectional=True, batch_first=bf, proj_size=2, variant=variant)
    layer.load_state_dict(random_weights(layer, seed=4))
    rng = np.random.default_rng(5)
    x = tr.Tensor(rng.standard_normal((2, 3, 2) if bf else (3, 2, 2)), requires_grad=True)      # T = 3, B = 2
    h0 = tr.Tensor(rng.standard_normal((4, 2, 2)), requires_grad=True)
    c0 = tr.Tensor(rng.standard_normal((4, 2, 3)), requires_grad=True)

    def everything(x, h0, c0, *params):
        out, (h_n, c_n) = layer(x, (h0, c0), lengths=lengths)
        return tr.concatenate([out.reshape(-1), h_n.reshape(-1), c_n.reshape(-1)])
    assert tr.gradcheck(everything, x, h0, c0, *layer.parameters())


def test_the_cell_alone_matches_finite_differences_unbatched_too():
    cell = ProjectedLSTMCell(3, 4, proj_size=2)
    x, h, c = (tr.Tensor(np.random.default_rng(s).standard_normal(n), requires_grad=True)
               for s, n in ((0, 3), (1, 2), (2, 4)))
    assert tr.gradcheck(lambda x, h, c, *ps: tr.concatenate(list(cell(x, (h, c)))), x, h, c, *cell.parameters())
    assert [s.shape for s in cell(x)] == [(2,), (4,)] and [s.shape for s in cell.init_state(5)] == [(5, 2), (5, 4)]


# ---------------------------------------------------------------- composed, drawn, never fused
def test_the_projection_is_one_linear_per_step_and_is_drawn():
    layer = tr.nn.LSTM(I, H, proj_size=P)
    out, _ = layer(tr.Tensor(np.ones((T, 1, I))))
    projections = [n for n in topological_order(out, only_grad=False)
                   if n.op == "linear" and any(p is layer.weight_hr_l0 for p in n.parents)]
    assert sorted(n.scope for n in projections) == [("LSTM.l0", "forward", f"t={t}") for t in range(1, T + 1)]
    assert "weight_hr_l0" in tr.viz.draw(out.sum(), detail="op").source


def test_fused_is_refused_with_projections():
    with pytest.raises(ValueError, match=re.escape("LSTM: fused=True supports only the standard cell, without "
                                                   "projection, got proj_size=2; drop fused=True")):
        tr.nn.LSTM(3, 4, proj_size=2, fused=True)
    layer = tr.nn.LSTM(3, 4, proj_size=2)
    layer.fused = True                                           # set afterwards: refused at the forward pass
    with pytest.raises(TypeError, match="exactly these classes.*got ProjectedLSTMCell"):
        layer(tr.Tensor(np.ones((2, 1, 3))))


# ---------------------------------------------------------------- errors
CORE_ERRORS = {
    lambda: tr.nn.LSTM(8, 4, proj_size=4):
        "ValueError: LSTM: proj_size must be an int with 0 <= proj_size < hidden_size = 4, got 4",
    lambda: tr.nn.LSTM(8, 4, proj_size=-1):
        "ValueError: LSTM: proj_size must be an int with 0 <= proj_size < hidden_size = 4, got -1",
    lambda: tr.nn.LSTM(8, 4, proj_size=2.0):
        "ValueError: LSTM: proj_size must be an int with 0 <= proj_size < hidden_size = 4, got 2.0",
    lambda: ProjectedLSTMCell(3, 4, proj_size=0):
        "ValueError: ProjectedLSTMCell: proj_size must be an int with 1 <= proj_size < hidden_size = 4, got 0",
    lambda: tr.nn.LSTM(8, 4, proj_size=2)(tr.Tensor(np.ones((4, 3, 8))), (tr.Tensor(np.zeros((1, 3, 4))),) * 2):
        "ValueError: LSTM expected h_0 in hx of shape (L*D, B, P) = (1, 3, 2) (num_layers * num_directions, batch, "
        "proj_size), got (1, 3, 4)",
    lambda: tr.nn.LSTM(8, 4, proj_size=2)(tr.Tensor(np.ones((4, 8))), (tr.Tensor(np.zeros((1, 2))),) * 2):
        "ValueError: LSTM expected c_0 in hx of shape (L*D, H) = (1, 4) (num_layers * num_directions, hidden_size), "
        "got (1, 2)",
    lambda: ProjectedLSTMCell(3, 4, proj_size=2)(tr.Tensor(np.ones((2, 3))), (tr.Tensor(np.zeros((2, 4))),) * 2):
        "ValueError: ProjectedLSTMCell expected state h of shape (2, 2) (batch, proj_size), got (2, 4)",
}
ones = torch.ones
PYTORCH_ERRORS = {   # what torch 2.14 raises for the same calls
    lambda: tnn.LSTM(3, 4, proj_size=2)(ones(5, 2, 3), (ones(1, 2, 4), ones(1, 2, 4))):
        "RuntimeError: Expected hidden[0] size (1, 2, 2), got [1, 2, 4]",
    lambda: tnn.LSTM(3, 4, proj_size=2)(ones(5, 2, 3), (ones(1, 2, 2), ones(1, 2, 2))):
        "RuntimeError: Expected hidden[1] size (1, 2, 4), got [1, 2, 2]",
    lambda: tnn.LSTM(3, 4, proj_size=2)(ones(5, 3), (ones(1, 4), ones(1, 4))):
        "RuntimeError: Expected hidden[0] size (1, 1, 2), got [1, 1, 4]",
    lambda: tnn.LSTM(3, 4, 2, bidirectional=True, proj_size=3)(ones(5, 2, 3), (ones(4, 2, 4), ones(4, 2, 4))):
        "RuntimeError: Expected hidden[0] size (4, 2, 3), got [4, 2, 4]",
    lambda: tnn.LSTM(3, 4, proj_size=-1):
        "ValueError: proj_size should be a positive integer or zero to disable projections",
    lambda: tnn.LSTM(3, 4, proj_size=4): "ValueError: proj_size has to be smaller than hidden_size",
    lambda: tnn.LSTM(3, 0, proj_size=2): "ValueError: hidden_size must be greater than zero",
    lambda: tnn.GRU(3, 4, proj_size=0): "ValueError: proj_size argument is only supported for LSTM, not RNN or GRU",
    lambda: tnn.RNN(3, 4, proj_size=2): "ValueError: proj_size argument is only supported for LSTM, not RNN or GRU",
}


@pytest.mark.parametrize("call, message", list(CORE_ERRORS.items()) + list(PYTORCH_ERRORS.items()))
def test_errors_name_the_argument_and_both_values(call, message):
    kind, text = message.split(": ", 1)
    with pytest.raises({"ValueError": ValueError, "RuntimeError": RuntimeError}[kind], match=f"^{re.escape(text)}$"):
        call()


def test_a_state_dict_moves_between_the_core_and_the_dialect():
    core = tr.nn.LSTM(I, H, num_layers=2, proj_size=P)
    dialect = tnn.LSTM(I, H, num_layers=2, proj_size=P, dtype=torch.float64)
    dialect.load_state_dict({name: torch.from_numpy(a) for name, a in core.state_dict().items()})
    x = np.random.default_rng(2).standard_normal((T, B, I))
    np.testing.assert_array_equal(dialect(torch.tensor(x))[0].detach().numpy(), core(tr.Tensor(x))[0].data)
