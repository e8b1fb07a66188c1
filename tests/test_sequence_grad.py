"""The shared gradient of a fused sequence (nn/sequence_grad.py): x_proj's gradient is the one array the
steps wrote their da into, W_hh's is sum_t da_t^T h_{t-1} of it, a new array each backward pass, and a
pass that reaches only some steps takes the plain totals. Reference: the composed layer, float64."""
import numpy as np
import pytest

import tinygrad_rnn as tr
from tinygrad_rnn.autograd import topological_order
from tinygrad_rnn.nn import sequence_grad
from tinygrad_rnn.nn.recurrent import GRU, LSTM, RNN

T, B, I, H = 5, 3, 4, 2
LAYERS = [(RNN, {}), (LSTM, {}), (GRU, {}), (GRU, {"reset_after": False})]


def layers(cls, kwargs):
    """A composed layer and a fused one with the same weights, float64."""
    composed = cls(I, H, **kwargs)
    fused = cls(I, H, **kwargs, fused=True)
    fused.load_state_dict(composed.state_dict())
    return composed.to(np.float64), fused.to(np.float64)


def x_input():
    return tr.Tensor(np.random.default_rng(0).standard_normal((T, B, I)), requires_grad=True)


def x_proj_of(loss):
    """The layer's x_proj node, (T, B, G*H): the input part of every step, reshaped from one linear."""
    return next(n for n in topological_order(loss) if n.op == "reshape" and n.parents[0].op == "linear"
                and n._data.ndim == 3)


def weighted(output):
    """A loss with a different weight on every output entry."""
    return (output * np.random.default_rng(1).standard_normal(output.shape)).sum()


@pytest.mark.parametrize("cls, kwargs", LAYERS)
def test_x_proj_gradient_is_the_array_the_steps_wrote_and_every_gradient_matches_composed(cls, kwargs):
    composed, fused = layers(cls, kwargs)
    want_loss = weighted(composed(x_want := x_input())[0])
    want_loss.backward()
    loss = weighted(fused(x := x_input())[0])
    loss.backward()
    for (_, p), (_, q) in zip(fused.named_parameters(), composed.named_parameters()):
        np.testing.assert_allclose(p.grad, q.grad, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(x.grad, x_want.grad, rtol=1e-12, atol=1e-15)
    grad = x_proj_of(loss).grad
    assert grad.shape == (T, B, fused.cells[0].num_gates * H) and grad.base is None     # one whole array
    np.testing.assert_allclose(grad, x_proj_of(want_loss).grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cls", [RNN, LSTM])
def test_w_hh_gradient_is_the_sum_of_da_t_times_h_before_it(cls):
    """The invariant that ties the two parts together, by hand: dW_hh = sum_t da_t^T h_{t-1}, with
    da_t row t of x_proj's gradient and h_{-1} the zero state."""
    _, fused = layers(cls, {})
    output, _ = fused(x_input())
    loss = weighted(output)
    loss.backward()
    da, h = x_proj_of(loss).grad, output.data
    h_before = np.concatenate([np.zeros((1, B, H)), h[:-1]])
    want = sum(da[t].T @ h_before[t] for t in range(T))
    np.testing.assert_allclose(fused.weight_hh_l0.grad, want, rtol=1e-12, atol=1e-15)


def test_a_second_pass_writes_a_new_array_and_leaves_the_first_untouched():
    _, fused = layers(LSTM, {})
    loss = weighted(fused(x_input())[0])
    loss.backward()
    first = x_proj_of(loss).grad
    kept = first.copy()
    fused.zero_grad()
    loss.backward()
    second = x_proj_of(loss).grad
    assert second is not first and np.shares_memory(second, first) is False
    np.testing.assert_array_equal(first, kept)
    np.testing.assert_array_equal(second, kept)


@pytest.mark.parametrize("cls, kwargs", LAYERS)
def test_a_pass_that_reaches_only_some_steps_takes_the_plain_totals(cls, kwargs, monkeypatch):
    """A loss on h_1 (the output stack's second part, not a row of the stack, whose backward would reach
    every step) runs steps 0 and 1 only: x_proj's rows 2.. are zero and W_hh's gradient sums two
    products, as the composed layer's do; the rows no step wrote (nan here) are never read."""
    monkeypatch.setattr(sequence_grad, "spare_buffer", lambda shape, dtype: np.full(shape, np.nan, dtype))
    composed, fused = layers(cls, kwargs)
    want_loss = weighted(composed(x_input())[0].parents[1])
    want_loss.backward()
    loss = weighted(fused(x_input())[0].parents[1])
    loss.backward()
    grad = x_proj_of(loss).grad
    assert not grad[2:].any() and grad[:2].any()
    np.testing.assert_allclose(grad, x_proj_of(want_loss).grad, rtol=1e-12, atol=1e-15)
    for (_, p), (_, q) in zip(fused.named_parameters(), composed.named_parameters()):
        np.testing.assert_allclose(p.grad, q.grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cls", [RNN, LSTM])
def test_a_partial_pass_of_the_reverse_direction_reads_the_rows_it_wrote(cls, monkeypatch):
    """The reverse direction's h at time 1 depends on steps T-1 .. 1: W_hh_reverse's gradient sums the
    products of those rows (not the first T-1 rows of the array)."""
    monkeypatch.setattr(sequence_grad, "spare_buffer", lambda shape, dtype: np.full(shape, np.nan, dtype))
    composed, fused = layers(cls, {"bidirectional": True})
    weighted(composed(x_input())[0].parents[1].parents[1]).backward()     # (forward, reverse) stacks
    weighted(fused(x_input())[0].parents[1].parents[1]).backward()
    assert fused.weight_hh_l0.grad is None
    np.testing.assert_allclose(fused.weight_hh_l0_reverse.grad, composed.weight_hh_l0_reverse.grad,
                               rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("block_bytes", [1, 2 * B * H * 8, 10 ** 9])     # one step, two steps, all T
def test_w_hh_product_in_blocks_of_steps_equals_the_whole_sum(monkeypatch, block_bytes):
    composed, fused = layers(LSTM, {})
    weighted(composed(x_input())[0]).backward()
    monkeypatch.setattr(sequence_grad, "SPARE_BYTES", block_bytes)
    weighted(fused(x_input())[0]).backward()
    np.testing.assert_allclose(fused.weight_hh_l0.grad, composed.weight_hh_l0.grad, rtol=1e-12, atol=1e-15)


def test_without_a_gradient_for_x_proj_the_steps_take_their_own_rows():
    """Frozen input weights and an input that needs no gradient: x_proj needs none, so no array is shared
    and each step reads x_proj[t]; W_hh's gradient is still the composed layer's."""
    composed, fused = layers(LSTM, {})
    for layer in (composed, fused):
        layer.weight_ih_l0.requires_grad = layer.bias_ih_l0.requires_grad = layer.bias_hh_l0.requires_grad = False
    x = tr.Tensor(np.random.default_rng(0).standard_normal((T, B, I)))
    weighted(composed(x)[0]).backward()
    loss = weighted(fused(x)[0])
    loss.backward()
    assert "index" in {n.op for n in topological_order(loss, only_grad=False)}
    np.testing.assert_allclose(fused.weight_hh_l0.grad, composed.weight_hh_l0.grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cls", [RNN, LSTM])
def test_anomaly_mode_checks_both_parts_of_every_step(cls):
    """Anomaly mode reads each Deferred's value (x_proj's row, W_hh's product), in a whole pass and a
    partial one, and the gradients are unchanged by it."""
    composed, fused = layers(cls, {})
    weighted(composed(x_input())[0]).backward()
    with tr.detect_anomaly():
        output, _ = fused(x_input())
        weighted(output).backward()
        weighted(output.parents[1]).backward()
    weighted(composed(x_input())[0].parents[1]).backward()
    np.testing.assert_allclose(fused.weight_hh_l0.grad, composed.weight_hh_l0.grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cls", [RNN, LSTM])
def test_a_given_initial_state_enters_the_first_steps_product(cls):
    """h0 is h_{t-1} of the first step of each direction (t = 1 forwards, t = T backwards): with a given
    hx, W_hh's gradient includes its products, as the composed layer's does."""
    composed, fused = layers(cls, {"bidirectional": True, "num_layers": 2})
    rng = np.random.default_rng(3)
    hx = tuple(tr.Tensor(rng.standard_normal((4, B, H))) for _ in range(2 if cls is LSTM else 1))
    for layer in (composed, fused):
        weighted(layer(x_input(), hx=hx if cls is LSTM else hx[0])[0]).backward()
    for (_, p), (_, q) in zip(fused.named_parameters(), composed.named_parameters()):
        np.testing.assert_allclose(p.grad, q.grad, rtol=1e-12, atol=1e-15)
