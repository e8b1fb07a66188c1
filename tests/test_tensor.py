"""Tensor ops: forward against numpy, backward against central differences, float32 end to end, errors.

Shapes come from hypothesis and exercise broadcasting (0-d scalars, size-1 axes, rank differences,
size-0 axes); one table line per op.
"""
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

import tinygrad_rnn as tr
from helpers import FAST, Op, axes, broadcast_shapes, check_float32, check_op, seeds, shapes

BINARY = {
    "add": Op(lambda a, b: a + b),
    "sub": Op(lambda a, b: a - b),
    "mul": Op(lambda a, b: a * b),
    "div": Op(lambda a, b: a / b, domains=("any", "nonzero")),
    "array_radd": Op(lambda a, b: b + a, const=(1,)),
    "array_rsub": Op(lambda a, b: b - a, const=(1,)),
    "array_rmul": Op(lambda a, b: b * a, const=(1,)),
    "array_rdiv": Op(lambda a, b: b / a, domains=("nonzero",), const=(1,)),
    "array_sub": Op(lambda a, b: a - b, const=(1,)),
    "composite": Op(lambda a, b: (a * b - a / (b * b + 1.0)).tanh() ** 2,
                    lambda a, b: np.tanh(a * b - a / (b * b + 1.0)) ** 2),
}

UNARY = {
    "neg": Op(lambda a: -a),
    "number_add": Op(lambda a: a + 1.5),
    "number_sub": Op(lambda a: a - 1.5),
    "number_mul": Op(lambda a: a * 3),
    "number_div": Op(lambda a: a / 4.0),
    "number_radd": Op(lambda a: 1.5 + a),
    "number_rsub": Op(lambda a: 1.5 - a),
    "number_rmul": Op(lambda a: 3 * a),
    "number_rdiv": Op(lambda a: 2.0 / a, domains=("nonzero",)),
    "pow_int": Op(lambda a: a ** 3),
    "pow_negative": Op(lambda a: a ** -2, domains=("nonzero",)),
    "pow_half": Op(lambda a: a ** 0.5, domains=("positive",)),
    "rpow": Op(lambda a: 2.0 ** a),
    "exp": Op(lambda a: a.exp(), np.exp),
    "log": Op(lambda a: a.log(), np.log, domains=("positive",)),
    "tanh": Op(lambda a: a.tanh(), np.tanh),
    "sigmoid": Op(lambda a: a.sigmoid(), lambda a: 1.0 / (1.0 + np.exp(-a))),
    "relu": Op(lambda a: a.relu(), lambda a: np.maximum(a, 0.0)),
}

REDUCTIONS = ["sum", "mean", "max"]


@pytest.mark.parametrize("name", BINARY)
@FAST
@given(shape_pair=broadcast_shapes(2), seed=seeds)
def test_binary_op(name, shape_pair, seed):
    check_op(BINARY[name], shape_pair, seed)


@pytest.mark.parametrize("name", UNARY)
@FAST
@given(shape=shapes(), seed=seeds)
def test_unary_op(name, shape, seed):
    check_op(UNARY[name], [shape], seed)


@pytest.mark.parametrize("name", list(BINARY) + list(UNARY))
def test_elementwise_op_keeps_float32(name):
    if name in BINARY:
        check_float32(BINARY[name], [(2, 3), (3,)], seed=1)
    else:
        check_float32(UNARY[name], [(2, 3)], seed=1)


@st.composite
def reduction_cases(draw):
    """A shape, an `axis` for it and a keepdims flag."""
    shape = draw(shapes())
    return shape, draw(axes(len(shape))), draw(st.booleans())


@pytest.mark.parametrize("method", REDUCTIONS)
@FAST
@given(case=reduction_cases(), seed=seeds)
def test_reduction(method, case, seed):
    shape, axis, keepdims = case
    reduced = range(len(shape)) if axis is None else axis if isinstance(axis, tuple) else (axis,)
    assume(method != "max" or all(shape[i] for i in reduced))   # numpy has no max over an empty axis either

    def reduce(a):
        return getattr(a, method)(axis=axis, keepdims=keepdims)

    def numpy_reduce(a):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)      # numpy warns on the mean of an empty slice
            return reduce(a)
    check_op(Op(reduce, numpy_reduce), [shape], seed)


@pytest.mark.parametrize("method", REDUCTIONS)
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2), (-1, 0)])
def test_reduction_keeps_float32(method, axis):
    check_float32(Op(lambda a: getattr(a, method)(axis=axis, keepdims=axis == 0)), [(2, 3, 2)], seed=4)


def test_max_splits_the_gradient_evenly_among_ties():
    x = tr.Tensor([[2.0, 2.0, 2.0], [1.0, 5.0, 0.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[1 / 3, 1 / 3, 1 / 3], [0, 1, 0]])
    y = tr.Tensor([1.0, 3.0, 3.0, -2.0], requires_grad=True)
    (y.max() * 4.0).backward()
    np.testing.assert_array_equal(y.grad, [0, 2, 2, 0])


def test_comparisons_return_plain_boolean_arrays():
    a, b = np.array([[1.0, 2.0, 3.0]]), np.array([[2.0], [1.0]])
    t, u = tr.Tensor(a, requires_grad=True), tr.Tensor(b)
    for got, want in [(t < 2.0, a < 2.0), (t <= u, a <= b), (t > b, a > b), (t >= 3, a >= 3), (b < t, b < a)]:
        assert type(got) is np.ndarray and got.dtype == bool
        np.testing.assert_array_equal(got, want)


def test_python_number_operands_keep_float32():
    x = tr.Tensor(np.array([0.5, 1.5], dtype=np.float32), requires_grad=True)
    for out in [x + 1, 2.5 * x, 1 - x, x / 3, 3 / x, x ** 2, x ** np.float64(2), 2 ** x, x * np.float64(2)]:
        assert out.dtype == np.float32, out.op


def test_empty_mean_is_nan_and_empty_max_is_an_error():
    empty = tr.Tensor(np.zeros((2, 0)), requires_grad=True)
    assert np.isnan(empty.mean(axis=1).data).all() and empty.max(axis=0).shape == (0,)
    with pytest.raises(ValueError, match=r"max\(axis=1\) reduces over an empty axis of shape \(2, 0\)"):
        empty.max(axis=1)


def test_conveniences():
    data = np.arange(6.0).reshape(2, 3)
    t = tr.Tensor(data, requires_grad=True, name="w")
    assert (t.shape, t.ndim, t.size, len(t), t.dtype) == ((2, 3), 2, 6, 2, np.float64)
    assert t.numpy() is t.data and tr.Tensor([[7]]).item() == 7.0
    assert not np.shares_memory(t.data, data)           # Tensor(array) copies, as torch.tensor does (issue 13)
    assert tr.Tensor([1, 2]).dtype == np.float64 and tr.Tensor(np.float32([1])).dtype == np.float32
    assert repr(t * 2).endswith("dtype=float64, op='mul', requires_grad=True)") and "name='w'" in repr(t)
    with pytest.raises(ValueError, match=r"item\(\) needs a 1-element Tensor, got shape \(2, 3\)"):
        t.item()
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d Tensor"):
        len(tr.Tensor(1.0))


def test_error_messages():
    a, b = tr.Tensor(np.ones((2, 3))), tr.Tensor(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"add: cannot broadcast shapes \(2, 3\) and \(4, 5\)"):
        a + b
    with pytest.raises(ValueError, match=r"mul: cannot broadcast shapes \(4, 5\) and \(2, 3\)"):
        b * a.data
    with pytest.raises(ValueError, match=r"sum\(axis=2\) is out of range for a Tensor with 2 dimensions"):
        a.sum(axis=2)
    with pytest.raises(ValueError, match=r"mean\(axis=\(0, -2\)\) repeats an axis"):
        a.mean(axis=(0, -2))
    with pytest.raises(TypeError, match=r"max\(axis=...\) expects ints, got float"):
        a.max(axis=1.0)
    with pytest.raises(ValueError, match=r"Tensor.log\(\) of negative entries"):
        tr.Tensor([1.0, -1.0]).log()
    with pytest.raises(TypeError, match="Tensor \\*\\* k needs a number exponent k, got Tensor"):
        a ** a
    with pytest.raises(ValueError, match="number \\*\\* Tensor needs a positive number base, got -2"):
        (-2) ** a
    with pytest.raises(TypeError, match=r"Tensor\(data\) expects real numbers .* got dtype <U1"):
        tr.Tensor(["a"])
