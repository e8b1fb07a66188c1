"""Matrix products (matmul.py): `@` with numpy's rules and `linear`, forward against numpy, backward
against central differences, float32 end to end, and their errors."""
import numpy as np
import pytest
from hypothesis import given

import tinygrad_rnn as tr
from helpers import FAST, Op, check_float32, check_op, matmul_shapes, seeds
from tinygrad_rnn.autograd import topological_order
from tinygrad_rnn.nn.functional import linear

@FAST
@given(shape_pair=matmul_shapes(), seed=seeds)
def test_matmul(shape_pair, seed):
    check_op(Op(lambda a, b: a @ b), shape_pair, seed)


@pytest.mark.parametrize("a, b", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)),
                                  ((2, 1, 2, 3), (4, 3, 2)), ((2, 0), (0, 3)), ((0, 2), (2,))])
def test_matmul_fixed_shapes_and_float32(a, b):
    check_op(Op(lambda x, y: x @ y), [a, b], seed=2)
    check_float32(Op(lambda x, y: x @ y), [a, b], seed=2)


def test_matmul_with_plain_array_operands():
    w = np.arange(6.0).reshape(2, 3)
    check_op(Op(lambda x, m: m @ x, const=(1,)), [(3, 2), (4, 3)], seed=3)
    check_op(Op(lambda x, m: x @ m, const=(1,)), [(2, 4, 3), (3,)], seed=3)
    x = tr.Tensor(np.ones(3), requires_grad=True)
    (w @ x).sum().backward()
    np.testing.assert_array_equal(x.grad, w.sum(axis=0))



LINEAR = Op(lambda x, w, b: linear(x, w, b), lambda x, w, b: x @ w.T + b)
LINEAR_NO_BIAS = Op(lambda x, w: linear(x, w), lambda x, w: x @ w.T)


@pytest.mark.parametrize("x_shape", [(3,), (2, 3), (4, 2, 3), (0, 3), (1, 3)])
def test_linear_matches_numpy_and_central_differences(x_shape):
    check_op(LINEAR, [x_shape, (5, 3), (5,)], seed=4)
    check_op(LINEAR_NO_BIAS, [x_shape, (5, 3)], seed=5)
    check_float32(LINEAR, [x_shape, (5, 3), (5,)], seed=4)


BROADCAST_BIASES = [((3,), (5,)), ((2, 3), (2, 5)), ((4, 2, 3), (4, 2, 5)), ((1, 3), (1, 5)), ((2, 3), ()),
                    ((2, 3), (1, 5)), ((2, 3), (2, 1)), ((4, 2, 3), (2, 5)), ((4, 2, 3), (4, 1, 1))]


@pytest.mark.parametrize("x_shape, bias_shape", BROADCAST_BIASES)
def test_linear_with_a_bias_that_broadcasts(x_shape, bias_shape):
    """A bias of out's own shape (one row per row of x: a recurrent cell's input part) or any shape that
    broadcasts to it: forward x W^T + b, gradients (summed back to the bias's shape) by central
    differences, in float32 too."""
    check_op(LINEAR, [x_shape, (5, 3), bias_shape], seed=7)
    check_float32(LINEAR, [x_shape, (5, 3), bias_shape], seed=7)


def test_a_full_shape_bias_gets_the_outputs_gradient_itself():
    """db = g: no sum over rows, and no copy for a non-leaf bias (it shares the output's gradient, as an
    `add` would give it)."""
    rng = np.random.default_rng(8)
    h, w = (tr.Tensor(rng.standard_normal(s), requires_grad=True) for s in [(2, 3), (5, 3)])
    x_proj = tr.Tensor(rng.standard_normal((2, 5)), requires_grad=True) * 1.0
    out = linear(h, w, x_proj)
    seed = rng.standard_normal((2, 5))
    out.backward(seed)
    np.testing.assert_array_equal(x_proj.grad, seed)
    assert x_proj.grad is out.grad
    composed = x_proj + linear(h, w)
    np.testing.assert_array_equal(out.data, composed.data)        # the same sum, in the same order


def test_linear_is_one_node_with_the_composed_gradients():
    rng = np.random.default_rng(6)
    x, w, b = (tr.Tensor(rng.standard_normal(s), requires_grad=True) for s in [(4, 2, 3), (5, 3), (5,)])
    out = linear(x, w, b)
    assert [n.op for n in topological_order(out) if n.parents] == ["linear"]
    seed = rng.standard_normal((4, 2, 5))
    out.backward(seed)
    rows = seed.reshape(-1, 5)
    np.testing.assert_allclose(w.grad, rows.T @ x.data.reshape(-1, 3), rtol=1e-13)     # sum of g_n^T x_n
    np.testing.assert_allclose(x.grad, seed @ w.data, rtol=1e-13)
    np.testing.assert_allclose(b.grad, rows.sum(axis=0), rtol=1e-13)


def test_linear_skips_inputs_that_need_no_gradient_and_promotes_dtypes_as_numpy():
    x = tr.Tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    w = tr.Tensor(np.ones((4, 3)))                                   # float64 constant
    out = linear(x, w, tr.Tensor(np.ones(4, dtype=np.float32)))
    assert out.dtype == np.float64 == (x.data @ w.data.T).dtype
    out.sum().backward()
    assert w.grad is None and x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 4.0))


def test_error_messages():
    a, b = tr.Tensor(np.ones((2, 3))), tr.Tensor(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) do not align"):
        a @ b
    with pytest.raises(ValueError, match=r"matmul: operands must be at least 1-D, got shapes \(\) and \(2, 3\)"):
        tr.Tensor(1.0) @ a
    with pytest.raises(ValueError, match=r"matmul: cannot broadcast the batch axes of \(2, 2, 3\) and \(3, 3, 1\)"):
        tr.Tensor(np.ones((2, 2, 3))) @ tr.Tensor(np.ones((3, 3, 1)))
    with pytest.raises(TypeError, match=r"linear: weight must be a Tensor, got ndarray"):
        linear(a, np.ones((4, 3)))
    with pytest.raises(TypeError, match=r"linear: bias must be a Tensor, got list"):
        linear(a, tr.Tensor(np.ones((4, 3))), [0.0] * 4)
    with pytest.raises(ValueError, match=r"linear: weight must be 2-D \(out_features, in_features\), got shape \(3,\)"):
        linear(a, tr.Tensor(np.ones(3)))
    with pytest.raises(ValueError, match=r"linear: x must have shape \(\.\.\., 5\) to match weight \(4, 5\)"):
        linear(a, tr.Tensor(np.ones((4, 5))))
    with pytest.raises(ValueError, match=r"linear: bias must have shape \(4,\) \(out_features,\) or another shape "
                                         r"that broadcasts to the output's \(2, 4\), got \(3,\)"):
        linear(a, tr.Tensor(np.ones((4, 3))), tr.Tensor(np.ones(3)))
    with pytest.raises(ValueError, match=r"broadcasts to the output's \(2, 4\), got \(3, 2, 4\)"):
        linear(a, tr.Tensor(np.ones((4, 3))), tr.Tensor(np.ones((3, 2, 4))))      # it would grow the output
