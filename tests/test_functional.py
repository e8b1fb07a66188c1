"""nn.functional: softmax, log_softmax and logsumexp (stable, gradients), cross_entropy (analytic gradient,
reductions, ignore_index, errors), mse_loss, dropout (identity cases, scaling, seeding), embedding."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_rnn as tr
import tinygrad_rnn.nn.functional as F
from helpers import FAST, Op, check_float32, check_op, seeds, shapes


def np_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@FAST
@given(shape=shapes(min_dims=1, min_side=1), data=st.data(), seed=seeds)
def test_softmax_and_log_softmax(shape, data, seed):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    check_op(Op(lambda x: F.softmax(x, axis=axis), lambda x: np_softmax(x, axis)), [shape], seed)
    check_op(Op(lambda x: F.log_softmax(x, axis=axis), lambda x: np.log(np_softmax(x, axis))), [shape], seed)


@FAST
@given(shape=shapes(min_dims=1, min_side=1), data=st.data(), keepdims=st.booleans(), seed=seeds)
def test_logsumexp(shape, data, keepdims, seed):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    check_op(Op(lambda x: F.logsumexp(x, axis, keepdims), lambda x: np.log(np.exp(x).sum(axis, keepdims=keepdims))),
             [shape], seed)


def test_logsumexp_is_finite_for_huge_inputs_and_its_gradient_is_softmax():
    x = tr.Tensor([[1000.0, -1000.0, 999.0]], requires_grad=True)
    out = F.logsumexp(x, axis=1)
    np.testing.assert_allclose(out.data, [1000.0 + np.log1p(np.exp(-1.0))], rtol=1e-15)
    out.sum().backward()
    np.testing.assert_allclose(x.grad, np_softmax(x.data), rtol=1e-15, atol=1e-300)


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax, F.logsumexp, lambda x: F.cross_entropy(x, [0, 2]),
                                lambda x: F.mse_loss(x, np.ones((2, 3), dtype=np.float32)),
                                lambda x: F.embedding(x, [1, 1, 0]), lambda x: F.dropout(x, 0.5)])
def test_functional_keeps_float32(fn):
    check_float32(Op(fn), [(2, 3)], seed=9)


@pytest.mark.parametrize("scale, dtype", [(1e3, np.float64), (80.0, np.float32)])
def test_huge_logits_stay_finite_and_give_the_analytic_gradient(scale, dtype):
    rng = np.random.default_rng(1)
    raw = rng.standard_normal((4, 5)) * scale
    targets = np.array([0, 4, 2, 2])
    logits = tr.Tensor(raw.astype(dtype), requires_grad=True)
    probs, log_probs = F.softmax(logits), F.log_softmax(logits)
    assert np.isfinite(probs.data).all() and np.isfinite(log_probs.data).all()
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(probs.data, np_softmax(raw), rtol=tol, atol=tol)
    loss = F.cross_entropy(logits, targets)
    loss.backward()
    onehot = np.eye(5)[targets]
    expected_loss = -np.mean((raw - raw.max(1, keepdims=True))[np.arange(4), targets]
                             - np.log(np.exp(raw - raw.max(1, keepdims=True)).sum(1)))
    assert loss.dtype == dtype and logits.grad.dtype == dtype
    np.testing.assert_allclose(loss.item(), expected_loss, rtol=tol)
    np.testing.assert_allclose(logits.grad, (np_softmax(raw) - onehot) / 4, rtol=tol, atol=tol)


def _nll_rows(raw: np.ndarray, targets) -> np.ndarray:
    return -np.log(np_softmax(raw))[np.arange(len(targets)), targets]


@pytest.mark.parametrize("reduction, combine", [("mean", np.mean), ("sum", np.sum), ("none", lambda r: r)])
def test_cross_entropy_reductions(reduction, combine):
    raw, targets = np.random.default_rng(2).standard_normal((3, 4)), np.array([3, 0, 3])
    check_op(Op(lambda x: F.cross_entropy(x, targets, reduction=reduction),
                lambda x: combine(_nll_rows(x, targets))), [(3, 4)], seed=10)
    out = F.cross_entropy(tr.Tensor(raw), tr.Tensor(targets.astype(float)), reduction=reduction)
    np.testing.assert_allclose(out.data, combine(_nll_rows(raw, targets)), rtol=1e-13)


def test_cross_entropy_ignore_index():
    raw, targets = np.random.default_rng(3).standard_normal((4, 3)), np.array([2, -100, 0, -100])
    logits = tr.Tensor(raw, requires_grad=True)
    loss = F.cross_entropy(logits, targets, ignore_index=-100)
    kept = np.array([0, 2])
    np.testing.assert_allclose(loss.item(), _nll_rows(raw[kept], targets[kept]).mean(), rtol=1e-13)
    loss.backward()
    assert not logits.grad[[1, 3]].any()                  # ignored rows get no gradient
    np.testing.assert_allclose(logits.grad[kept], (np_softmax(raw[kept]) - np.eye(3)[targets[kept]]) / 2,
                               rtol=1e-12, atol=1e-15)
    check_op(Op(lambda x: F.cross_entropy(x, targets, reduction="sum", ignore_index=-100),
                lambda x: _nll_rows(x[kept], targets[kept]).sum()), [(4, 3)], seed=11)


def test_cross_entropy_error_messages():
    logits = tr.Tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"target 3 is out of range for 3 classes \(0..2\)"):
        F.cross_entropy(logits, [0, 3])
    with pytest.raises(ValueError, match=r"target -1 is out of range"):
        F.cross_entropy(logits, [-1, 0])
    with pytest.raises(ValueError, match=r"targets must have shape \(2,\) to match logits \(2, 3\), got \(2, 1\)"):
        F.cross_entropy(logits, [[0], [1]])
    with pytest.raises(TypeError, match="targets must be integer class indices, got dtype float64"):
        F.cross_entropy(logits, [0.5, 1.0])
    with pytest.raises(ValueError, match=r"logits must have shape \(N, C\), got \(3,\)"):
        F.cross_entropy(tr.Tensor(np.zeros(3)), [0])
    with pytest.raises(ValueError, match="reduction must be one of .* got 'avg'"):
        F.cross_entropy(logits, [0, 1], reduction="avg")
    with pytest.raises(TypeError, match="cross_entropy: logits must be a Tensor, got ndarray"):
        F.cross_entropy(np.zeros((2, 3)), [0, 1])


@pytest.mark.parametrize("reduction, combine", [("mean", np.mean), ("sum", np.sum), ("none", lambda r: r)])
def test_mse_loss(reduction, combine):
    target = np.linspace(-1, 1, 6).reshape(2, 3)
    check_op(Op(lambda p: F.mse_loss(p, target, reduction=reduction), lambda p: combine((p - target) ** 2)),
             [(2, 3)], seed=12)
    p = tr.Tensor(np.zeros((2, 3)), requires_grad=True)
    F.mse_loss(p, tr.Tensor(target)).backward()
    np.testing.assert_allclose(p.grad, 2 * (0 - target) / 6, rtol=1e-15)
    with pytest.raises(ValueError, match=r"target shape \(3,\) must equal prediction shape \(2, 3\)"):
        F.mse_loss(p, np.ones(3))


def test_dropout_identity_cases_and_scaling():
    x = tr.Tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    np.testing.assert_array_equal(F.dropout(x, p=0.0).data, x.data)
    np.testing.assert_array_equal(F.dropout(x, p=0.9, training=False).data, x.data)
    out = F.dropout(x, p=0.25, generator=np.random.default_rng(0))
    kept = out.data != 0
    np.testing.assert_allclose(out.data[kept], x.data[kept] / 0.75, rtol=1e-15)
    out.sum().backward()
    np.testing.assert_allclose(x.grad, kept / 0.75, rtol=1e-15)
    assert not F.dropout(x, p=1.0).data.any()
    big = F.dropout(tr.Tensor(np.ones(200_000, dtype=np.float32)), p=0.3)
    assert big.dtype == np.float32
    assert abs(big.data.mean() - 1.0) < 0.01                # the expectation is kept
    with pytest.raises(ValueError, match=r"dropout: p must be a probability in \[0, 1\], got 1.5"):
        F.dropout(x, p=1.5)


def test_dropout_is_reproducible_under_manual_seed():
    x = tr.Tensor(np.ones(50))
    tr.manual_seed(7)
    first = F.dropout(x, p=0.5).data
    tr.manual_seed(7)
    np.testing.assert_array_equal(F.dropout(x, p=0.5).data, first)
    tr.manual_seed(8)
    assert not np.array_equal(F.dropout(x, p=0.5).data, first)


def test_embedding_gradient_accumulates_over_repeated_indices():
    weight = tr.Tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
    indices = np.array([[1, 1], [3, 1]])
    out = F.embedding(weight, indices)
    np.testing.assert_array_equal(out.data, weight.data[indices])
    out.sum().backward()
    np.testing.assert_array_equal(weight.grad, [[0] * 3, [3] * 3, [0] * 3, [1] * 3])
    check_op(Op(lambda w: F.embedding(w, tr.Tensor([2.0, 0.0, 2.0])), lambda w: w[[2, 0, 2]]), [(3, 2)], seed=13)
    with pytest.raises(ValueError, match=r"embedding: index 4 is out of range for 4 embeddings \(0..3\)"):
        F.embedding(weight, [0, 4])
    with pytest.raises(TypeError, match="embedding: indices must be integers, got dtype float64"):
        F.embedding(weight, [0.5])
