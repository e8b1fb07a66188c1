"""The opt-in fused cell step (nn/fused.py): equal to the composed path to round-off for every supported
cell and layer option, central differences on the step itself, float32 kept, gradients only where
needed, no reference cycles, anomaly mode, the drawing, and every error message."""
import gc
import weakref

import numpy as np
import pytest

import tinygrad_rnn as tr
from tinygrad_rnn.autograd import topological_order
from tinygrad_rnn.nn import GRUCell, LSTMCell, RNNCell
from tinygrad_rnn.nn.fused import fused_step
from tinygrad_rnn.nn.recurrent import GRU, LSTM, RNN, RecurrentLayer

T, B, I, H = 3, 2, 3, 2

LAYERS = [(RNN, {}), (RNN, {"nonlinearity": "relu"}), (LSTM, {}), (GRU, {}), (GRU, {"reset_after": False})]
CELLS = [(RNNCell, {}), (RNNCell, {"nonlinearity": "relu"}), (LSTMCell, {}), (GRUCell, {}),
         (GRUCell, {"reset_after": False})]
# (layer options, forward options): one layer; a stack run both ways over ragged lengths from a given
# hx; batch_first; unbatched input; dropout between layers in training
CASES = {
    "plain": ({}, {}),
    "stacked_bidirectional_lengths_hx": ({"num_layers": 2, "bidirectional": True}, {"lengths": [T, 1], "hx": True}),
    "batch_first": ({"batch_first": True}, {}),
    "unbatched": ({}, {"unbatched": True}),
    "dropout": ({"num_layers": 2, "dropout": 0.5}, {}),
}


def random(*shape, seed=0, grad=False, dtype=np.float64):
    return tr.Tensor(np.random.default_rng(seed).standard_normal(shape).astype(dtype), requires_grad=grad)


def pair(cls, kwargs, dtype=np.float64, **options):
    """A composed layer and a fused one with the same state_dict."""
    composed = cls(I, H, **kwargs, **options)
    fused = cls(I, H, **kwargs, **options, fused=True)
    fused.load_state_dict(composed.state_dict())
    return composed.to(dtype), fused.to(dtype)


def run(layer, forward_options: dict, dtype=np.float64) -> list:
    """Forward and backward along fixed random directions: the outputs, final states, the input's and
    hx's gradients, and every parameter's gradient, as one list of arrays."""
    opts = dict(forward_options)
    unbatched = opts.pop("unbatched", False)
    shape = (T, I) if unbatched else ((B, T, I) if layer.batch_first else (T, B, I))
    x = random(*shape, grad=True, dtype=dtype)
    hx = None
    if opts.pop("hx", False):
        n = layer.num_layers * layer.num_directions
        hx = tuple(random(n, B, H, seed=5 + j, grad=True, dtype=dtype) for j in range(layer.cells[0].num_states))
        opts["hx"] = hx[0] if len(hx) == 1 else hx
    tr.manual_seed(7)                                                     # the same dropout masks
    output, last = layer(x, **opts)
    results = [output] + list(last if isinstance(last, tuple) else (last,))
    loss = sum(((r * np.random.default_rng(20 + k).standard_normal(r.shape).astype(dtype)).sum()
                for k, r in enumerate(results)), tr.Tensor(np.zeros((), dtype)))
    loss.backward()
    return ([r.data for r in results] + [x.grad] + [h.grad for h in (hx or ())]
            + [p.grad for _, p in layer.named_parameters()])


# ---------------------------------------------------------------- equal to the composed path
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("cls, kwargs", LAYERS)
def test_fused_layer_equals_the_composed_layer(cls, kwargs, bias, case):
    layer_options, forward_options = CASES[case]
    composed, fused = pair(cls, kwargs, bias=bias, **layer_options)
    want, got = run(composed, forward_options), run(fused, forward_options)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g is not None and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cls, kwargs", LAYERS)
def test_float32_stays_float32_end_to_end(cls, kwargs):
    composed, fused = pair(cls, kwargs, np.float32, num_layers=2, bidirectional=True)
    options = {"lengths": [T, 2], "hx": True}
    got, want = run(fused, options, np.float32), run(composed, options, np.float32)
    for g, w in zip(got, want):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    output, _ = fused(random(T, B, I, dtype=np.float32))
    for node in topological_order(output.sum()):
        assert node.data.dtype == np.float32, f"op {node.op!r} made {node.data.dtype} data"


@pytest.mark.parametrize("batch", [B, None])
@pytest.mark.parametrize("cls, kwargs", CELLS)
def test_fused_step_equals_the_cells_own_step(cls, kwargs, batch):
    cell = cls(I, H, **kwargs)
    lead = (batch,) if batch else ()
    results = []
    for step in (cell.step, lambda x_proj, state: fused_step(cell, x_proj, state)):
        cell.zero_grad()
        x_proj = cell.project(random(*lead, I, seed=1))
        state = tuple(random(*lead, H, seed=2 + j, grad=True) for j in range(cell.num_states))
        new = step(x_proj, state[0] if len(state) == 1 else state)
        new = new if isinstance(new, tuple) else (new,)
        sum(((n * (k + 1.5)).sum() for k, n in enumerate(new)), tr.Tensor(0.0)).backward()
        results.append([n.data for n in new] + [s.grad for s in state] + [p.grad for p in cell.parameters()])
    for g, w in zip(*results):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------- central differences on the step
@pytest.mark.parametrize("batch", [B, None])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("cls, kwargs", CELLS)
def test_fused_step_gradients_pass_central_differences(cls, kwargs, bias, batch):
    cell = cls(I, H, bias=bias, **kwargs)
    lead = (batch,) if batch else ()
    x_proj = random(*lead, cell.num_gates * H, seed=1, grad=True)
    state = [random(*lead, H, seed=2 + j, grad=True) for j in range(cell.num_states)]
    weights = [cell.weight_hh] + ([cell.bias_hh] if bias and cls is GRUCell else [])   # read by the step

    def fn(x, *rest):
        new = fused_step(cell, x, rest[0] if cell.num_states == 1 else tuple(rest[:2]))
        return tr.concatenate(list(new), axis=-1) if isinstance(new, tuple) else new
    assert tr.gradcheck(fn, x_proj, *state, *weights)


# ---------------------------------------------------------------- what the node records and keeps
def lstm_inputs(x_grad=True, state_grad=True):
    cell = LSTMCell(I, H)
    x_proj = random(B, 4 * H, seed=1, grad=x_grad)
    return cell, x_proj, (random(B, H, seed=2, grad=state_grad), random(B, H, seed=3, grad=state_grad))


def test_an_lstm_step_is_three_nodes_and_one_of_them_the_fused_op():
    cell, x_proj, state = lstm_inputs()
    h, c = fused_step(cell, x_proj, state)
    (hc,) = h.parents
    assert c.parents == (hc,) and hc.op == "lstm_cell"
    assert hc.parents == (x_proj, state[0], state[1], cell.weight_hh)
    np.testing.assert_array_equal(hc.data, np.concatenate([h.data, c.data], axis=-1))


def test_a_second_backward_through_a_fused_graph_gives_the_same_gradients():
    layer = GRU(I, H, fused=True, reset_after=False)
    x = random(T, B, I, grad=True)
    output, h_n = layer(x)
    loss = output.sum() + (h_n * h_n).sum()
    loss.backward()
    first = [x.grad.copy()] + [p.grad.copy() for p in layer.parameters()]
    loss.backward()                                                       # leaves accumulate: twice the first
    for g, f in zip([x.grad] + [p.grad for p in layer.parameters()], first):
        np.testing.assert_allclose(g, 2 * f, rtol=1e-14)


def test_inputs_that_need_no_gradient_get_none_and_cost_no_work():
    cell, x_proj, state = lstm_inputs(x_grad=False, state_grad=False)
    h, c = fused_step(cell, x_proj, state)
    (hc,) = h.parents
    grads = hc.backward_fn(np.ones_like(hc.data))
    assert [g is None for g in grads] == [True, True, True, False]        # only weight_hh needs one
    (h.sum() + c.sum()).backward()
    assert x_proj.grad is None and state[0].grad is None and state[1].grad is None
    assert cell.weight_hh.grad.shape == (4 * H, H)

    gru = GRUCell(I, H)
    gru.bias_hh.requires_grad = False
    out = fused_step(gru, random(B, 3 * H, seed=1, grad=True), random(B, H, seed=2))
    assert [g is None for g in out.backward_fn(np.ones_like(out.data))] == [False, True, False, True]
    with tr.no_grad():
        out = fused_step(gru, random(B, 3 * H, seed=1, grad=True), random(B, H, seed=2, grad=True))
    assert out.parents == () and out.backward_fn is None and not out.requires_grad


@pytest.fixture
def gc_off():
    """Cyclic GC off: a dropped fused graph must be freed by reference counting alone."""
    gc.disable()
    yield
    gc.enable()


def test_a_dropped_fused_graph_is_freed_by_reference_counting(gc_off):
    layer = LSTM(I, H, fused=True)
    output, (h_n, c_n) = layer(random(T, B, I))
    loss = output.sum() + c_n.sum()
    probe = weakref.ref(next(n for n in topological_order(loss) if n.op == "lstm_cell"))
    del output, h_n, c_n
    loss.backward()
    assert probe() is not None
    del loss
    assert probe() is None


def test_anomaly_mode_passes_through_a_fused_step_and_stops_at_a_nan():
    with tr.detect_anomaly():
        output, _ = GRU(I, H, fused=True)(random(T, B, I, grad=True))
        output.sum().backward()
        cell, x_proj, state = lstm_inputs()
        x_proj.data[0, 0] = np.nan
        with pytest.raises(FloatingPointError, match=r"forward of op 'lstm_cell'"):
            fused_step(cell, x_proj, state)


# ---------------------------------------------------------------- the layer keyword and the drawing
def test_the_layer_keeps_the_flag_and_shows_it_when_set():
    assert LSTM(I, H, fused=True).fused is True and GRU(I, H).fused is False
    assert "fused=True" in repr(RNN(I, H, fused=True))
    assert "fused" not in repr(RNN(I, H))


def test_a_fused_lstm_draws_one_lstm_cell_op_per_step():
    output, _ = LSTM(I, H, fused=True)(random(T, B, I))
    loss = output.sum()
    source = tr.viz.draw(loss, detail="op").source
    assert source.count("<B>lstm_cell</B>") == T and "sigmoid" not in source
    step_ops = [n.op for n in topological_order(loss) if n.scope == ("LSTM.l0", "forward", "t=2")]
    assert step_ops == ["lstm_cell", "index", "index"]      # the step (it reads its row of x_proj), h and c


class Doubled(GRUCell):
    """A user's cell: a subclass may change step(), so it must not be fused."""


@pytest.mark.parametrize("call, error, message", [
    (lambda: fused_step(LSTMCell(I, H, variant="peephole"), random(B, 4 * H), (random(B, H), random(B, H))),
     ValueError, r"fused_step: fused=True supports only RNNCell, LSTMCell\(variant='standard'\) and GRUCell, "
                 r"got LSTMCell\(variant='peephole'\)"),
    (lambda: fused_step(Doubled(I, H), random(B, 3 * H), random(B, H)),
     TypeError, r"fused_step: fused=True supports only .* \(exactly these classes: a subclass may redefine "
                r"step\(\)\), got Doubled"),
    (lambda: fused_step(GRUCell(I, H), np.zeros((B, 3 * H)), random(B, H)),
     TypeError, r"fused_step expected x_proj to be a Tensor, got ndarray"),
    (lambda: fused_step(GRUCell(I, H), random(B, 4 * H), random(B, H)),
     ValueError, r"fused_step expected x_proj of shape \(B, 6\) or unbatched \(6,\) \(3 gates of hidden_size "
                 r"2: cell.project\(x\)\), got \(2, 8\)"),
    (lambda: fused_step(LSTMCell(I, H), random(B, 4 * H), (random(B, H), random(H))),
     ValueError, r"LSTMCell expected state c of shape \(2, 2\) \(batch, hidden_size\), got \(2,\)"),
    (lambda: LSTM(I, H, variant="coupled", fused=True),
     ValueError, r"LSTM: fused=True supports only .*, got LSTMCell\(variant='coupled'\)"),
    (lambda: RecurrentLayer(Doubled, I, H, fused=True),
     TypeError, r"RecurrentLayer: fused=True supports only .*, got Doubled"),
    (lambda: GRU(I, H, fused=1),
     TypeError, r"GRU: fused must be True or False, got 1"),
])
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
