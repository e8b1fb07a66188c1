"""The sequence layers RNN/LSTM/GRU: layouts, lengths, directions, scopes, gradients, and BPTT by hand."""
import numpy as np
import pytest

import tinygrad_rnn as tr
from tinygrad_rnn.autograd import topological_order
from tinygrad_rnn.nn.cell import RecurrentCell
from tinygrad_rnn.nn.functional import softmax
from tinygrad_rnn.nn.recurrent import GRU, LSTM, RNN, RecurrentLayer

T, B, I, H = 3, 2, 2, 2


def random(*shape, seed=0, grad=False):
    return tr.Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=grad)


def random_hx(layer, batch=B, seed=10, grad=False):
    """A random initial state of the layer's form: a Tensor, or a tuple for LSTM."""
    shape = (layer.num_layers * layer.num_directions,) + ((batch,) if batch else ()) + (layer.hidden_size,)
    parts = tuple(random(*shape, seed=seed + j, grad=grad) for j in range(layer.cells[0].num_states))
    return parts[0] if len(parts) == 1 else parts


def flat(result):
    """(output, h_n) or (output, (h_n, c_n)) as one list of Tensors."""
    output, last = result
    return [output] + list(last if isinstance(last, tuple) else (last,))


def assert_same(got, want):
    for g, w in zip(flat(got), flat(want)):
        np.testing.assert_allclose(g.data, w.data, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- parameter names and the cell contract
def test_state_dict_keys_and_shapes_are_pytorchs():
    expected = [("weight_ih_l0", (8, 2)), ("weight_hh_l0", (8, 2)), ("bias_ih_l0", (8,)), ("bias_hh_l0", (8,)),
                ("weight_ih_l0_reverse", (8, 2)), ("weight_hh_l0_reverse", (8, 2)),
                ("bias_ih_l0_reverse", (8,)), ("bias_hh_l0_reverse", (8,)),
                ("weight_ih_l1", (8, 4)), ("weight_hh_l1", (8, 2)), ("bias_ih_l1", (8,)), ("bias_hh_l1", (8,)),
                ("weight_ih_l1_reverse", (8, 4)), ("weight_hh_l1_reverse", (8, 2)),
                ("bias_ih_l1_reverse", (8,)), ("bias_hh_l1_reverse", (8,))]     # an LSTM: 4 gates, H = I = 2
    for cls, gates in ((RNN, 1), (LSTM, 4), (GRU, 3)):
        got = [(name, value.shape) for name, value in cls(I, H, num_layers=2, bidirectional=True).state_dict().items()]
        assert got == [(name, (gates * H,) + shape[1:]) for name, shape in expected]


def test_peephole_and_bias_free_names():
    names = list(LSTM(I, H, variant="peephole", bias=False).state_dict())
    assert names == ["weight_ih_l0", "weight_hh_l0", "weight_ci_l0", "weight_cf_l0", "weight_co_l0"]


def test_a_new_cell_plugs_in_without_touching_the_layer():
    class LeakyCell(RecurrentCell):
        """h = (1 - lam) * h_prev + lam * tanh(W_ih x + b_ih + W_hh h_prev + b_hh), lam per unit."""

        def __init__(self, input_size, hidden_size, bias=True):
            super().__init__(input_size, hidden_size, bias, num_gates=1)
            self.leak = self.new_parameter(hidden_size)

        def step(self, x_proj, h_prev):
            h = (1 - self.leak) * h_prev + self.leak * (x_proj + h_prev @ self.weight_hh.T).tanh()
            return h

    class Leaky(RecurrentLayer):
        def __init__(self, input_size, hidden_size, **kwargs):
            super().__init__(LeakyCell, input_size, hidden_size, **kwargs)

    layer = Leaky(I, H, bidirectional=True)
    assert "leak_l0_reverse" in layer.state_dict()
    x = random(T, B, I)
    out, h_n = layer(x)
    cell = layer.cells[0]
    h = cell.init_state(B)
    for t in range(T):
        h = cell(x[t], h)
    np.testing.assert_allclose(out.data[-1, :, :H], h.data, rtol=1e-12)
    assert {n.scope[0] for n in topological_order(out, only_grad=False) if n.scope} == {"Leaky.l0"}


def test_state_dict_round_trip_between_layers():
    source, target = LSTM(I, H, num_layers=2), LSTM(I, H, num_layers=2)
    target.load_state_dict(source.state_dict())
    x = random(T, B, I)
    assert_same(target(x), source(x))


# ---------------------------------------------------------------- the unrolled computation
@pytest.mark.parametrize("cls, kwargs", [(RNN, {}), (LSTM, {"variant": "peephole"}), (GRU, {"reset_after": False})])
def test_stack_equals_the_cells_run_by_hand(cls, kwargs):
    layer = cls(I, H, num_layers=2, **kwargs)
    x, hx = random(T, B, I), random_hx(layer)
    got = layer(x, hx)
    parts = hx if isinstance(hx, tuple) else (hx,)
    inputs = [x[t] for t in range(T)]
    finals = []
    for k, cell in enumerate(layer.cells):
        state = tuple(p[k] for p in parts)
        state = state[0] if len(state) == 1 else state
        for t in range(T):
            state = cell(inputs[t], state)
            inputs[t] = state[0] if isinstance(state, tuple) else state
        finals.append(state)
    np.testing.assert_allclose(got[0].data, np.stack([h.data for h in inputs]), rtol=1e-12)
    for j, last in enumerate(flat(got)[1:]):
        np.testing.assert_allclose(last.data, np.stack([(f[j] if isinstance(f, tuple) else f).data for f in finals]))


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_bidirectional_is_a_forward_layer_and_a_reversed_one(cls):
    both = cls(I, H, bidirectional=True)
    sd = both.state_dict()
    forward = cls(I, H).load_state_dict({k: v for k, v in sd.items() if not k.endswith("_reverse")})
    backward = cls(I, H).load_state_dict({k[:-len("_reverse")]: v for k, v in sd.items() if k.endswith("_reverse")})
    x = random(T, B, I)
    got = flat(both(x))
    fwd, bwd = flat(forward(x)), flat(backward(tr.Tensor(x.data[::-1].copy())))
    np.testing.assert_allclose(got[0].data, np.concatenate([fwd[0].data, bwd[0].data[::-1]], axis=2), rtol=1e-12)
    for g, f, b in zip(got[1:], fwd[1:], bwd[1:]):
        np.testing.assert_allclose(g.data, np.concatenate([f.data, b.data]), rtol=1e-12)


def test_h_n_layout_of_a_two_layer_bidirectional_stack():
    layer = GRU(I, H, num_layers=2, bidirectional=True)
    first = GRU(I, H, bidirectional=True).load_state_dict(
        {k: v for k, v in layer.state_dict().items() if "_l0" in k})
    x = random(T, B, I)
    out, h_n = layer(x)
    out0, _ = first(x)
    last_state = {(0, 0): out0.data[-1, :, :H], (0, 1): out0.data[0, :, H:],    # layer k, direction d
                  (1, 0): out.data[-1, :, :H], (1, 1): out.data[0, :, H:]}
    for (k, d), want in last_state.items():
        np.testing.assert_allclose(h_n.data[k * 2 + d], want, rtol=1e-12)


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
@pytest.mark.parametrize("as_type", [list, np.array, tr.Tensor])
def test_lengths_equal_each_sequence_run_alone(cls, as_type):
    layer = cls(I, H, num_layers=2, bidirectional=True)
    x, hx, lengths = random(T + 1, 3, I), random_hx(layer, batch=3), [4, 1, 3]
    got = flat(layer(x, hx, lengths=as_type(lengths)))
    for b, n in enumerate(lengths):
        hx_b = tuple(p[:, b:b + 1] for p in hx) if isinstance(hx, tuple) else hx[:, b:b + 1]
        alone = flat(layer(tr.Tensor(x.data[:n, b:b + 1]), hx_b))
        np.testing.assert_allclose(got[0].data[:n, b], alone[0].data[:, 0], rtol=1e-12)
        assert np.all(got[0].data[n:, b] == 0) and not np.signbit(got[0].data[n:, b]).any()
        for g, a in zip(got[1:], alone[1:]):
            np.testing.assert_allclose(g.data[:, b], a.data[:, 0], rtol=1e-12)


def test_batch_first_and_unbatched_agree_with_the_default_layout():
    layer = LSTM(I, H, num_layers=2, bidirectional=True)
    x, hx = random(T, B, I), random_hx(layer)
    out, (h_n, c_n) = layer(x, hx)
    layer.batch_first = True
    out_bf, (h_bf, c_bf) = layer(tr.Tensor(x.data.transpose(1, 0, 2)), hx)
    np.testing.assert_array_equal(out_bf.data, out.data.transpose(1, 0, 2))
    np.testing.assert_array_equal(h_bf.data, h_n.data)
    out_1, (h_1, c_1) = layer(x[:, 0], (hx[0][:, 0], hx[1][:, 0]))      # unbatched (T, I), hx (L*D, H)
    assert out_1.shape == (T, 2 * H) and h_1.shape == (4, H)
    np.testing.assert_allclose(out_1.data, out.data[:, 0], rtol=1e-12)
    np.testing.assert_allclose(c_1.data, c_n.data[:, 0], rtol=1e-12)


def test_dropout_between_layers_only_in_training():
    layer = RNN(I, H, num_layers=2, dropout=1.0)             # p = 1: layer 1 reads zeros
    top = RNN(H, H).load_state_dict({k.replace("_l1", "_l0"): v for k, v in layer.state_dict().items() if "_l1" in k})
    x = random(T, B, I)
    np.testing.assert_allclose(layer(x)[0].data, top(tr.Tensor(np.zeros((T, B, H))))[0].data, rtol=1e-12)
    plain = RNN(I, H, num_layers=2).load_state_dict(layer.state_dict())
    np.testing.assert_array_equal(layer.eval()(x)[0].data, plain(x)[0].data)


# ---------------------------------------------------------------- scopes
def test_every_node_carries_its_layer_direction_and_step_scope():
    layer = LSTM(I, H, num_layers=2, bidirectional=True)
    with tr.scope("encoder"):
        out, (h_n, c_n) = layer(random(T, B, I), lengths=[T, 2])
        nodes = topological_order(tr.stack([out.sum(), h_n.sum(), c_n.sum()]), only_grad=False)
    steps = {n.scope for n in nodes if len(n.scope) == 4}
    assert steps == {("encoder", f"LSTM.l{k}", d, f"t={t}") for k in (0, 1) for d in ("forward", "reverse")
                     for t in range(1, T + 1)}
    assert all(n.scope[:1] == ("encoder",) for n in nodes if n.parents)
    for k in (0, 1):
        for direction in ("forward", "reverse"):
            outputs = [n for n in nodes if n.op == "stack" and n.scope == ("encoder", f"LSTM.l{k}", direction)]
            assert len(outputs) == 1 and [p.scope[-1] for p in outputs[0].parents] == [f"t={t}" for t in (1, 2, 3)]
            projection = [n for n in nodes if n.op == "linear" and n.scope == ("encoder", f"LSTM.l{k}", direction)]
            assert [n.data.shape for n in projection] == [(T * B, 4 * H)]     # all steps in one linear


def test_scope_uses_the_subclass_name():
    class Encoder(GRU):
        pass
    out, _ = Encoder(I, H)(random(T, B, I))
    assert out.parents[0].scope[:2] == ("Encoder.l0", "forward")


# ---------------------------------------------------------------- gradients through the unrolled graph
GRAD_CASES = [
    (RNN, {"nonlinearity": "tanh"}, {}),
    (RNN, {"nonlinearity": "relu", "num_layers": 2, "bidirectional": True}, {"hx": True}),
    (RNN, {"num_layers": 3}, {"hx": True, "lengths": [3, 1]}),
    (LSTM, {"variant": "standard", "bidirectional": True}, {"hx": True, "lengths": [2, 3]}),
    (LSTM, {"variant": "peephole", "batch_first": True}, {"hx": True}),
    (LSTM, {"variant": "coupled", "num_layers": 2}, {"lengths": [1, 3]}),
    (LSTM, {"variant": "no_forget"}, {"hx": True, "unbatched": True}),
    (GRU, {"reset_after": True, "bidirectional": True, "batch_first": True}, {"hx": True, "lengths": [3, 2]}),
    (GRU, {"reset_after": False, "num_layers": 2}, {"hx": True}),
    (GRU, {"bias": False, "bidirectional": True}, {"unbatched": True}),
]


@pytest.mark.parametrize("cls, kwargs, case", GRAD_CASES)
def test_layer_gradients(cls, kwargs, case):
    tr.manual_seed(1)
    layer = cls(I, H, **kwargs)
    unbatched = case.get("unbatched", False)
    shape = (T, I) if unbatched else ((B, T, I) if layer.batch_first else (T, B, I))
    x = random(*shape, seed=2, grad=True)
    hx = random_hx(layer, batch=None if unbatched else B, grad=True) if case.get("hx") else None
    states = (hx if isinstance(hx, tuple) else (hx,)) if hx is not None else ()

    def fn(*_):
        return tr.concatenate([t.reshape(-1) for t in flat(layer(x, hx, lengths=case.get("lengths")))])
    assert tr.gradcheck(fn, x, *states, *layer.parameters())


# ---------------------------------------------------------------- BPTT falls out of the generic backward
def test_generic_backward_equals_the_lectures_bptt_sums():
    rng = np.random.default_rng(4)
    n_in, n_hid, n_cls, steps = 3, 4, 3, 5
    rnn = RNN(n_in, n_hid)
    W_yh = tr.Tensor(rng.standard_normal((n_cls, n_hid)) * 0.5, requires_grad=True)
    b_y = tr.Tensor(rng.standard_normal(n_cls) * 0.1, requires_grad=True)
    xs, ys = rng.standard_normal((steps, n_in)), rng.integers(0, n_cls, steps)
    onehot = np.eye(n_cls)[ys]
    hs, _ = rnn(tr.Tensor(xs))                                          # unbatched: (T, H)
    y_hat = softmax(hs @ W_yh.T + b_y, axis=1)
    loss = -(y_hat.log() * onehot).sum()                                # log loss summed over time
    loss.backward()

    W_xh, W_hh = rnn.weight_ih_l0.data, rnn.weight_hh_l0.data
    b_h = rnn.bias_ih_l0.data + rnn.bias_hh_l0.data
    h = [np.zeros(n_hid)]                                               # h[t] for t = 0..T
    for x in xs:
        h.append(np.tanh(W_xh @ x + W_hh @ h[-1] + b_h))
    p = np.exp([W_yh.data @ h_t + b_y.data for h_t in h[1:]])
    dy = p / p.sum(axis=1, keepdims=True) - onehot                      # (y_hat_t - y_t)

    # the lectures' double sums: dL/dW = sum_t sum_{k<=t} dL_t/dh_t dh_t/dh_k (dh_k/dW)_{h_{k-1}}
    grads = {name: 0.0 for name in ("W_xh", "W_hh", "b_h")}
    for t in range(1, steps + 1):
        delta = W_yh.data.T @ dy[t - 1]                                 # dL_t/dh_t
        for k in range(t, 0, -1):
            delta_raw = delta * (1 - h[k] ** 2)                         # through tanh at step k
            grads["W_hh"] = grads["W_hh"] + np.outer(delta_raw, h[k - 1])
            grads["W_xh"] = grads["W_xh"] + np.outer(delta_raw, xs[k - 1])
            grads["b_h"] = grads["b_h"] + delta_raw
            delta = W_hh.T @ delta_raw                                  # dL_t/dh_{k-1}
    sums = {"W_yh": sum(np.outer(dy[t], h[t + 1]) for t in range(steps)), "b_y": dy.sum(axis=0), **grads}

    # min-char-rnn's loop: one pass backwards, carrying dhnext
    loop = {"W_yh": 0.0, "b_y": 0.0, "W_xh": 0.0, "W_hh": 0.0, "b_h": 0.0}
    dhnext = np.zeros(n_hid)
    for t in reversed(range(1, steps + 1)):
        loop["W_yh"] = loop["W_yh"] + np.outer(dy[t - 1], h[t])
        loop["b_y"] = loop["b_y"] + dy[t - 1]
        dhraw = (1 - h[t] ** 2) * (W_yh.data.T @ dy[t - 1] + dhnext)
        loop["b_h"] = loop["b_h"] + dhraw
        loop["W_xh"] = loop["W_xh"] + np.outer(dhraw, xs[t - 1])
        loop["W_hh"] = loop["W_hh"] + np.outer(dhraw, h[t - 1])
        dhnext = W_hh.T @ dhraw

    backward = {"W_yh": W_yh.grad, "b_y": b_y.grad, "W_xh": rnn.weight_ih_l0.grad, "W_hh": rnn.weight_hh_l0.grad,
                "b_h": rnn.bias_ih_l0.grad}
    np.testing.assert_array_equal(rnn.bias_ih_l0.grad, rnn.bias_hh_l0.grad)
    for name, grad in backward.items():
        np.testing.assert_allclose(grad, sums[name], rtol=1e-10, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(grad, loop[name], rtol=1e-10, atol=1e-12, err_msg=name)


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("make, call, error, message", [
    (lambda: LSTM(8, 4), lambda m: m(random(4, 3, 5)), ValueError,
     r"LSTM expected input of shape \(T, B, 8\) with batch_first=False, got \(4, 3, 5\): feature size 5 != input_size 8"),
    (lambda: GRU(8, 4, batch_first=True), lambda m: m(random(3, 4, 5)), ValueError,
     r"GRU expected input of shape \(B, T, 8\) with batch_first=True, got \(3, 4, 5\): feature size 5"),
    (lambda: RNN(8, 4), lambda m: m(random(4, 5)), ValueError,
     r"RNN expected input of shape \(T, 8\) \(unbatched\), got \(4, 5\): feature size 5 != input_size 8"),
    (lambda: RNN(8, 4), lambda m: m(random(8)), ValueError,
     r"RNN expected input of shape \(T, B, 8\) with batch_first=False, got \(8,\): 1 dimensions, need 3"),
    (lambda: RNN(2, 4), lambda m: m(random(0, 3, 2)), ValueError, r"sequence length and batch size must be positive"),
    (lambda: GRU(2, 4, num_layers=2), lambda m: m(random(3, 5, 2), random(1, 5, 4)), ValueError,
     r"GRU expected h_0 in hx of shape \(L\*D, B, H\) = \(2, 5, 4\) \(num_layers \* num_directions, batch, "
     r"hidden_size\), got \(1, 5, 4\)"),
    (lambda: RNN(2, 4, bidirectional=True), lambda m: m(random(3, 2), random(2, 1, 4)), ValueError,
     r"RNN expected h_0 in hx of shape \(L\*D, H\) = \(2, 4\)"),
    (lambda: LSTM(2, 4), lambda m: m(random(3, 5, 2), random(1, 5, 4)), TypeError,
     r"LSTM expected hx to be a tuple \(h_0, c_0\) of 2 Tensors, got Tensor"),
    (lambda: LSTM(2, 4), lambda m: m(random(3, 5, 2), (random(1, 5, 4), random(1, 5, 3))), ValueError,
     r"LSTM expected c_0 in hx of shape .* got \(1, 5, 3\)"),
    (lambda: RNN(2, 4), lambda m: m(random(3, 5, 2), np.zeros((1, 5, 4))), TypeError,
     r"RNN expected h_0 in hx to be a Tensor, got ndarray"),
    (lambda: RNN(2, 4), lambda m: m(random(3, 2, 2), lengths=[3]), ValueError,
     r"RNN expected lengths of shape \(2,\) \(one per sequence in the batch\), got shape \(1,\)"),
    (lambda: RNN(2, 4), lambda m: m(random(3, 2, 2), lengths=[3, 4]), ValueError,
     r"RNN expected lengths <= T = 3 \(the padded sequence length\), got \[3, 4\]"),
    (lambda: RNN(2, 4), lambda m: m(random(3, 2, 2), lengths=[0, 2]), ValueError,
     r"RNN expected positive lengths, got \[0, 2\]"),
    (lambda: RNN(2, 4), lambda m: m(random(3, 2, 2), lengths=[1.5, 2]), TypeError,
     r"RNN expected integer lengths, got \[1.5, 2.0\]"),
])
def test_layer_errors(make, call, error, message):
    with pytest.raises(error, match=message):
        call(make())


def test_constructor_errors():
    with pytest.raises(ValueError, match=r"LSTMCell: variant must be one of .* got 'nope'"):
        LSTM(2, 3, variant="nope")
    with pytest.raises(ValueError, match=r"RNNCell: nonlinearity must be one of .* got 'gelu'"):
        RNN(2, 3, nonlinearity="gelu")
    with pytest.raises(ValueError, match=r"GRU: num_layers must be a positive int, got 0"):
        GRU(2, 3, num_layers=0)
    with pytest.raises(ValueError, match=r"LSTM: hidden_size must be a positive int, got -1"):
        LSTM(2, -1)
    with pytest.raises(ValueError, match=r"RNN: dropout must be a probability in \[0, 1\], got 1.5"):
        RNN(2, 3, dropout=1.5)
