"""Gradient clipping against hand-computed norms and coefficients (PyTorch's max_norm / (norm + 1e-6), capped at 1)."""
import math

import numpy as np
import pytest

from tinygrad_rnn.nn.module import Parameter
from tinygrad_rnn.nn.utils import clip_grad_norm_, clip_grad_value_

G1 = np.array([[3.0, -1.0], [0.5, 2.0]])
G2 = np.array([-4.0, 1.5, 0.25])


def params_with_grads(*grads, dtype=np.float64):
    ps = [Parameter(np.zeros(g.shape, dtype=dtype)) for g in grads]
    for p, g in zip(ps, grads):
        p.grad = g.astype(dtype)
    return ps


@pytest.mark.parametrize("norm_type, total", [
    (2.0, math.sqrt(9 + 1 + 0.25 + 4 + 16 + 2.25 + 0.0625)),
    (1.0, 3 + 1 + 0.5 + 2 + 4 + 1.5 + 0.25),
    (3, (27 + 1 + 0.125 + 8 + 64 + 3.375 + 0.015625) ** (1 / 3)),
    (math.inf, 4.0)])
def test_clip_grad_norm_scales_every_gradient_by_one_coefficient(norm_type, total):
    ps = params_with_grads(G1, G2)
    returned = clip_grad_norm_(ps, max_norm=1.5, norm_type=norm_type)
    assert isinstance(returned, float)
    assert returned == pytest.approx(total, rel=1e-14)
    coefficient = 1.5 / (total + 1e-6)
    np.testing.assert_allclose(ps[0].grad, G1 * coefficient, rtol=1e-14)
    np.testing.assert_allclose(ps[1].grad, G2 * coefficient, rtol=1e-14)


def test_clipped_norm_equals_max_norm_up_to_the_1e_6():
    ps = params_with_grads(G1, G2)
    clip_grad_norm_(ps, 2.0)
    new_norm = math.sqrt(sum(float((p.grad ** 2).sum()) for p in ps))
    assert new_norm == pytest.approx(2.0, rel=1e-6) and new_norm < 2.0


def test_anchor_three_four_five():
    # ||(3, 4)|| = 5; max_norm 1 gives (3, 4) / (5 + 1e-6): PyTorch's 0.59999988, 0.79999984
    p = Parameter(np.zeros(2))
    p.grad = np.array([3.0, 4.0])
    assert clip_grad_norm_(p, 1.0) == 5.0
    np.testing.assert_allclose(p.grad, [0.5999998800000240, 0.7999998400000320], rtol=1e-15)
    q = Parameter(np.zeros(2))
    q.grad = np.array([3.0, -4.0])
    assert clip_grad_norm_(q, 2.0, norm_type=float("inf")) == 4.0
    np.testing.assert_allclose(q.grad, [3 * 2 / 4.000001, -4 * 2 / 4.000001], rtol=1e-15)


@pytest.mark.parametrize("max_norm", [10.0, math.inf])
def test_below_the_threshold_gradients_are_unchanged(max_norm):
    ps = params_with_grads(G1, G2)
    total = clip_grad_norm_(ps, max_norm)
    assert total == pytest.approx(math.sqrt((G1 ** 2).sum() + (G2 ** 2).sum()), rel=1e-14)
    np.testing.assert_array_equal(ps[0].grad, G1)
    np.testing.assert_array_equal(ps[1].grad, G2)


def test_grads_are_changed_in_place_and_none_grads_are_skipped():
    a, b = params_with_grads(G1, G2)
    skipped = Parameter(np.ones(4))
    array = a.grad
    total = clip_grad_norm_((p for p in [a, skipped, b]), 1.0)     # a generator is fine
    assert a.grad is array and skipped.grad is None
    assert total == pytest.approx(math.sqrt((G1 ** 2).sum() + (G2 ** 2).sum()))


def test_no_gradients_gives_zero():
    assert clip_grad_norm_([Parameter(np.ones(2))], 1.0) == 0.0
    assert clip_grad_norm_([], 1.0) == 0.0


def test_float32_gradients_stay_float32():
    ps = params_with_grads(G1, G2, dtype=np.float32)
    total = clip_grad_norm_(ps, 1.0)
    assert all(p.grad.dtype == np.float32 for p in ps)
    np.testing.assert_allclose(ps[0].grad, G1 / (total + 1e-6), rtol=1e-6)


def test_clipping_after_backward_touches_each_leaf_once():
    # `a + b` hands the same gradient array to both parents; each leaf must own a writable copy
    a = Parameter(np.array([3.0, 0.0]))
    b = Parameter(np.array([0.0, 4.0]))
    ((a + b) * np.array([15.0, 20.0])).sum().backward()      # both grads (15, 20), one array upstream
    clip_grad_norm_([a, b], 5.0)
    expected = np.array([15.0, 20.0]) * 5.0 / (math.sqrt(2 * 625) + 1e-6)
    np.testing.assert_allclose(a.grad, expected, rtol=1e-14)
    np.testing.assert_allclose(b.grad, expected, rtol=1e-14)


def test_clip_grad_value_clamps_each_entry_in_place():
    a, b = params_with_grads(G1, G2)
    array = a.grad
    assert clip_grad_value_([a, b], 1.0) is None
    assert a.grad is array
    np.testing.assert_array_equal(a.grad, [[1.0, -1.0], [0.5, 1.0]])
    np.testing.assert_array_equal(b.grad, [-1.0, 1.0, 0.25])


def test_clip_grad_value_single_tensor_float32_and_large_threshold():
    (p,) = params_with_grads(G2, dtype=np.float32)
    clip_grad_value_(p, 0.5)
    assert p.grad.dtype == np.float32
    np.testing.assert_array_equal(p.grad, np.float32([-0.5, 0.5, 0.25]))
    (q,) = params_with_grads(G1)
    clip_grad_value_([q, Parameter(np.ones(1))], 100.0)
    np.testing.assert_array_equal(q.grad, G1)


NEEDS = "must be a non-negative number, got"


@pytest.mark.parametrize("call, error, message", [
    (lambda ps: clip_grad_norm_(ps, -1.0), ValueError, f"clip_grad_norm_: max_norm {NEEDS} -1.0"),
    (lambda ps: clip_grad_norm_(ps, math.nan), ValueError, f"clip_grad_norm_: max_norm {NEEDS} nan"),
    (lambda ps: clip_grad_norm_(ps, "1"), TypeError, f"clip_grad_norm_: max_norm {NEEDS} str '1'"),
    (lambda ps: clip_grad_norm_(ps, 1.0, norm_type=0), ValueError,
     r"clip_grad_norm_: norm_type must be a positive number or float\('inf'\), got 0"),
    (lambda ps: clip_grad_norm_(ps, 1.0, norm_type="fro"), ValueError, "norm_type must be a positive number"),
    (lambda ps: clip_grad_norm_(ps + [np.ones(2)], 1.0), TypeError,
     "clip_grad_norm_: parameters must be Tensors, got ndarray at position 1"),
    (lambda ps: clip_grad_value_(ps, -0.1), ValueError, f"clip_grad_value_: clip_value {NEEDS} -0.1"),
    (lambda ps: clip_grad_value_(ps, True), TypeError, f"clip_grad_value_: clip_value {NEEDS} bool"),
    (lambda ps: clip_grad_value_([3.0], 1.0), TypeError,
     "clip_grad_value_: parameters must be Tensors, got float at position 0"),
])
def test_errors(call, error, message):
    ps = params_with_grads(G1)
    with pytest.raises(error, match=message):
        call(ps)
    np.testing.assert_array_equal(ps[0].grad, G1)           # nothing clipped when it raises
