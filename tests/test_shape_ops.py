"""Shape ops (reshape, transpose, indexing, astype, concatenate, stack, where): forward equals numpy,
backward passes central differences, float32 stays float32, and the error messages."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_rnn as tr
from helpers import FAST, Op, broadcast_shapes, check_float32, check_op, seeds, shapes


@st.composite
def reshape_cases(draw):
    """A shape and a target for it: flat, reversed, or with one entry left to -1."""
    shape = draw(shapes())
    size = int(np.prod(shape))
    target = draw(st.sampled_from([(size,), (-1,), shape[::-1], (1,) + shape, shape + (1,)]))
    if len(target) > 1 and size > 0:
        k = draw(st.integers(0, len(target) - 1))
        target = target[:k] + (-1,) + target[k + 1:]
    return shape, target


@FAST
@given(case=reshape_cases(), as_tuple=st.booleans(), seed=seeds)
def test_reshape(case, as_tuple, seed):
    shape, target = case
    fn = (lambda a: a.reshape(target)) if as_tuple or not target else (lambda a: a.reshape(*target))
    check_op(Op(fn), [shape], seed)


@FAST
@given(shape=shapes(), data=st.data(), seed=seeds)
def test_transpose(shape, data, seed):
    perm = data.draw(st.permutations(range(len(shape))))
    negative = tuple(p - len(shape) for p in perm)
    for fn in [lambda a: a.transpose(), lambda a: a.T, lambda a: a.transpose(*perm),
               lambda a: a.transpose(tuple(perm)), lambda a: a.transpose(negative)]:
        check_op(Op(fn), [shape], seed)


@pytest.mark.parametrize("perm", [(1, 2, 0), (2, 0, 1), (-1, 0, -2)])
def test_transpose_cycles_three_axes(perm):
    check_op(Op(lambda a: a.transpose(perm)), [(2, 3, 4)], seed=14)      # its inverse is not itself


INDEXES = {
    "int": 1,
    "negative_int": -1,
    "slice": slice(1, 3),
    "step": (slice(None, None, 2), slice(None, None, -1)),
    "negative_slice": (slice(-2, None), -2),
    "ellipsis_and_newaxis": (Ellipsis, None, 0),
    "repeated_ints": np.array([0, 2, 0, 0]),
    "repeated_pairs": (np.array([1, 1, 3]), np.array([2, 2, -1])),
    "list": [3, 3, 1],
    "mixed": (slice(None), [4, 0, 4]),
    "bool_mask": np.arange(20).reshape(4, 5) % 3 == 0,
    "bool_rows": np.array([True, False, True, True]),
}


@pytest.mark.parametrize("name", INDEXES)
def test_getitem(name):
    index = INDEXES[name]
    check_op(Op(lambda a: a[index]), [(4, 5)], seed=5)
    check_float32(Op(lambda a: a[index]), [(4, 5)], seed=5)


def test_tensor_index_and_repeated_indices_accumulate():
    x = tr.Tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    picked = x[tr.Tensor([2, 0, 2, 2])]
    np.testing.assert_array_equal(picked.data, x.data[[2, 0, 2, 2]])
    picked.sum().backward()
    np.testing.assert_array_equal(x.grad, [[1, 1], [0, 0], [3, 3]])   # row 2 was picked three times
    check_op(Op(lambda a: a[tr.Tensor([[1, 1], [0, 2]])], lambda a: a[[[1, 1], [0, 2]]]), [(3, 2)], seed=6)


@FAST
@given(shape=shapes(), data=st.data(), seed=seeds)
def test_basic_indices(shape, data, seed):
    index = data.draw(hnp.basic_indices(shape, allow_newaxis=True))
    check_op(Op(lambda a: a[index]), [shape], seed)


@FAST
@given(shape=shapes(min_dims=1, min_side=1), data=st.data(), seed=seeds)
def test_integer_array_indices(shape, data, seed):
    index = data.draw(hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(max_dims=2, max_side=4)))
    check_op(Op(lambda a: a[index]), [shape], seed)


@FAST
@given(shape=shapes(), data=st.data(), seed=seeds)
def test_boolean_mask(shape, data, seed):
    mask = data.draw(hnp.arrays(bool, shape))
    check_op(Op(lambda a: a[mask]), [shape], seed)


@st.composite
def join_cases(draw, new_axis: bool):
    """Shapes of 1-3 Tensors that can be joined, and the axis (maybe negative)."""
    shape = draw(shapes(min_dims=0 if new_axis else 1))
    ndim = len(shape) + new_axis
    axis = draw(st.integers(-ndim, ndim - 1))
    sizes = draw(st.lists(st.integers(0, 3), min_size=1, max_size=3))
    if new_axis:
        return [shape] * len(sizes), axis
    return [shape[:axis % ndim] + (n,) + shape[axis % ndim + 1:] for n in sizes], axis


@FAST
@given(case=join_cases(new_axis=False), seed=seeds)
def test_concatenate(case, seed):
    shape_list, axis = case
    check_op(Op(lambda *xs: tr.concatenate(xs, axis=axis), lambda *xs: np.concatenate(xs, axis=axis)),
             shape_list, seed)


@FAST
@given(case=join_cases(new_axis=True), seed=seeds)
def test_stack(case, seed):
    shape_list, axis = case
    check_op(Op(lambda *xs: tr.stack(list(xs), axis=axis), lambda *xs: np.stack(xs, axis=axis)), shape_list, seed)


@FAST
@given(shape_triple=broadcast_shapes(3), seed=seeds)
def test_where(shape_triple, seed):
    cond = np.random.default_rng(seed).random(shape_triple[0]) > 0.5
    check_op(Op(lambda a, b: tr.where(cond, a, b), lambda a, b: np.where(cond, a, b)), shape_triple[1:], seed)


def test_where_with_numbers_and_tensor_condition():
    cond = tr.Tensor([1.0, -1.0, 2.0]) > 0
    check_op(Op(lambda a: tr.where(cond, a, 0.5), lambda a: np.where(cond, a, 0.5)), [(2, 3)], seed=7)
    check_op(Op(lambda a: tr.where(cond, -1.0, a), lambda a: np.where(cond, -1.0, a)), [(3,)], seed=7)


@pytest.mark.parametrize("fn", [lambda a, b: tr.concatenate([a, b], axis=-1), lambda a, b: tr.stack([a, b]),
                                lambda a, b: tr.where(a > 0, a, b), lambda a, b: tr.where(a > 0, 0.5, b),
                                lambda a, b: a.reshape(-1)[::2] + b.T[:, 0], lambda a, b: a.transpose(1, 0) @ b])
def test_joins_keep_float32(fn):
    check_float32(Op(fn), [(2, 3), (2, 3)], seed=8)


def test_astype_casts_the_gradient_back():
    x = tr.Tensor([0.1, 0.2, 0.3], requires_grad=True)
    h = x * 1.0
    y = h.astype(np.float32)
    assert y.dtype == np.float32 and y.data.tolist() == np.float32([0.1, 0.2, 0.3]).tolist()
    (y * np.float32(3)).sum().backward()
    assert h.grad.dtype == np.float64 and y.grad.dtype == np.float32     # each grad in its node's dtype
    assert x.grad.dtype == np.float64 and x.grad.tolist() == [3.0, 3.0, 3.0]
    z = tr.Tensor(np.float32([1.5]), requires_grad=True)
    (z.astype("float64") ** 2).sum().backward()
    assert z.grad.dtype == np.float32 and z.grad.tolist() == [3.0]


def test_error_messages():
    x = tr.Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"reshape: cannot reshape a Tensor of shape \(2, 3\) \(6 elements\) "
                                         r"into \(4,\)"):
        x.reshape(4)
    with pytest.raises(ValueError, match=r"transpose: axes \(0, 0\) are not a permutation of the 2 axes of \(2, 3\)"):
        x.transpose(0, 0)
    with pytest.raises(IndexError, match=r"Tensor index .* is invalid for shape \(2, 3\)"):
        x[5]
    with pytest.raises(IndexError, match="a Tensor used as an index must hold whole numbers"):
        x[tr.Tensor([0.5])]
    with pytest.raises(IndexError, match="arrays used as indices must be integer or bool, got float64"):
        x[np.array([0.0])]
    with pytest.raises(ValueError, match=r"concatenate\(axis=1\): Tensor 1 has shape \(3, 3\), which does not match"):
        tr.concatenate([x, tr.Tensor(np.ones((3, 3)))], axis=1)
    with pytest.raises(ValueError, match="0-d Tensors cannot be concatenated; use stack"):
        tr.concatenate([tr.Tensor(1.0)])
    with pytest.raises(TypeError, match="concatenate expects a non-empty list or tuple of Tensors, got Tensor"):
        tr.concatenate(x)
    with pytest.raises(ValueError, match=r"stack: Tensor 1 has shape \(3,\), but Tensor 0 has \(2, 3\)"):
        tr.stack([x, tr.Tensor(np.ones(3))])
    with pytest.raises(TypeError, match="where\\(cond, a, b\\) expects a boolean cond, got dtype float64"):
        tr.where(np.ones(3), x, x)
    with pytest.raises(ValueError, match=r"where: cannot broadcast cond \(4,\), a \(2, 3\) and b \(2, 3\)"):
        tr.where(np.ones(4, dtype=bool), x, x)
    with pytest.raises(TypeError, match="astype: Tensors hold float32 or float64, got int64"):
        x.astype(np.int64)


def test_a_basic_tuple_index_is_saved_as_itself_and_scatters_back_the_same():
    data = np.arange(12.0).reshape(3, 4)
    x = tr.Tensor(data, requires_grad=True)
    key = (Ellipsis, slice(1, 3))
    y = x[key]
    assert y.saved is key                     # no tuple of its own per node: nothing new for the collector
    (y * y).sum().backward()
    want = np.zeros((3, 4))
    want[:, 1:3] = 2 * data[:, 1:3]
    np.testing.assert_array_equal(x.grad, want)
    z = tr.Tensor(data, requires_grad=True)
    z[1, None, ::2].sum().backward()          # an int, a new axis and a step: the same fast path
    np.testing.assert_array_equal(z.grad, [[0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]])


def test_an_lstm_graph_holds_two_collector_tracked_objects_per_op_node():
    import gc

    from tinygrad_rnn.autograd import topological_order
    lstm = tr.nn.LSTM(3, 4)
    x = tr.Tensor(np.ones((20, 1, 3)))
    lstm(x)                                   # (the first call makes the layer's shared gate-block indices)
    gc.collect()
    before = {id(o) for o in gc.get_objects()}
    loss = lstm(x)[0].sum()
    gc.collect()                              # (tuples of arrays and flags are untracked by collections:
    gc.collect()                              # a nested one at the second)
    new = [o for o in gc.get_objects() if id(o) not in before]
    ops = [n for n in topological_order(loss) if n.parents]
    assert len(new) <= 2 * len(ops) + 25      # each node and its parents tuple (and a few per layer call)
