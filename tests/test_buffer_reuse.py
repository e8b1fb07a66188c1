"""Spare buffers (shape_ops.spare_buffer): the backward's big short-lived arrays (IndexedGrad's zero buffer,
ProductGrad's stacked factors) are reused across steps. Gradients must equal the plain code's (np.zeros,
np.concatenate), and a buffer someone still holds (a gradient, a view of one) is never handed out again."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_rnn as tr
from tinygrad_rnn import matmul, shape_ops
from tinygrad_rnn.matmul import ProductGrad
from tinygrad_rnn.nn.functional import linear


@pytest.fixture(autouse=True)
def fresh_spares(monkeypatch):
    """Each test starts with no spares and leaves none behind; small buffers are spared too, and take
    the exact-tiling fast path."""
    monkeypatch.setattr(shape_ops, "_spares", {})
    monkeypatch.setattr(shape_ops, "SPARE_BYTES", 0)
    monkeypatch.setattr(shape_ops, "TILE_BYTES", 0)


def plain(monkeypatch):
    """Switch reuse off: every spare buffer a new array, as the plain code made them."""
    def fresh(shape, dtype, fill=None):
        return np.empty(shape, dtype) if fill is None else np.full(shape, fill, dtype)
    monkeypatch.setattr(shape_ops, "spare_buffer", fresh)
    monkeypatch.setattr(matmul, "spare_buffer", fresh)


def unrolled_step(w_ih, w_hh, x, dtype):
    """A small recurrent loop that makes both kinds of spares: x_proj[t] (IndexedGrad) and a shared
    weight used at every step (ProductGrads, stacked); returns x_proj and the loss."""
    x_proj = linear(tr.Tensor(x), w_ih)                 # (T, B, H), an intermediate
    h = tr.Tensor(np.zeros(x.shape[1:2] + (w_hh.shape[0],), dtype))
    loss = tr.Tensor(np.zeros((), dtype))
    for t in range(x.shape[0]):
        h = (x_proj[t] + linear(h, w_hh)).tanh()
        loss = loss + (h * h).sum()
    return x_proj, loss


def grads_of_steps(steps, dtype=np.float64, seed=0):
    """Gradients of w_ih, w_hh and x_proj after each of `steps` training steps (zero_grad between)."""
    rng = np.random.default_rng(seed)
    w_ih = tr.Tensor(rng.standard_normal((5, 3)).astype(dtype) * 0.3, requires_grad=True)
    w_hh = tr.Tensor(rng.standard_normal((5, 5)).astype(dtype) * 0.3, requires_grad=True)
    found = []
    for _ in range(steps):
        x = rng.standard_normal((6, 2, 3)).astype(dtype)
        x_proj, loss = unrolled_step(w_ih, w_hh, x, dtype)
        loss.backward()
        found.append((w_ih.grad.copy(), w_hh.grad.copy(), x_proj.grad.copy()))
        w_ih.zero_grad()
        w_hh.zero_grad()
    return found


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gradients_equal_the_plain_codes(monkeypatch, dtype):
    monkeypatch.setattr(ProductGrad, "STACK_BYTES", 200)    # several stacked groups per weight
    reused = grads_of_steps(4, dtype)
    assert shape_ops._spares, "the steps made spare buffers"
    plain(monkeypatch)
    for got, want in zip(reused, grads_of_steps(4, dtype)):
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)


def test_a_free_buffer_is_reused_and_a_held_one_never():
    a = shape_ops.spare_buffer((3, 4), np.float32)
    b = shape_ops.spare_buffer((3, 4), np.float32)          # `a` still held: a new buffer
    assert b is not a and not np.shares_memory(a, b)
    view = b[1:]
    del b
    c = shape_ops.spare_buffer((3, 4), np.float32)          # a view of `b` still held: a new buffer
    assert not np.shares_memory(c, view) and not np.shares_memory(c, a)
    del view, c
    d = shape_ops.spare_buffer((3, 4), np.float32)          # nothing holds the last one: reused
    assert shape_ops._spares[((3, 4), np.dtype(np.float32))] is d
    assert shape_ops.spare_buffer((3, 4), np.float64).dtype == np.float64
    assert shape_ops.spare_buffer((4, 3), np.float32).shape == (4, 3)


def test_the_last_free_buffer_is_handed_out_again():
    first = shape_ops.spare_buffer((2, 2), np.float64)
    ident = id(first)
    del first
    assert id(shape_ops.spare_buffer((2, 2), np.float64)) == ident


def test_a_gradient_the_caller_holds_is_never_overwritten():
    rng = np.random.default_rng(1)
    w_ih = tr.Tensor(rng.standard_normal((5, 3)), requires_grad=True)
    w_hh = tr.Tensor(rng.standard_normal((5, 5)) * 0.3, requires_grad=True)
    x_proj, loss = unrolled_step(w_ih, w_hh, rng.standard_normal((6, 2, 3)), np.float64)
    loss.backward()
    held, kept = x_proj.grad, x_proj.grad.copy()             # IndexedGrad's buffer, now the caller's
    row = x_proj.grad[2]                                     # and a view of it
    del x_proj, loss                                         # the graph is gone; only the caller holds it
    for _ in range(3):                                       # same shapes again: the spare is wanted
        x_proj, loss = unrolled_step(w_ih, w_hh, rng.standard_normal((6, 2, 3)), np.float64)
        loss.backward()
        assert not np.shares_memory(x_proj.grad, held)
        np.testing.assert_array_equal(held, kept)
        np.testing.assert_array_equal(row, kept[2])


def test_a_leaf_gradient_is_never_reused_while_the_leaf_holds_it():
    rng = np.random.default_rng(2)
    leaf = tr.Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    seeds = [rng.standard_normal(3) for _ in range(4)]
    loss = sum(((leaf[t] * s).sum() for t, s in enumerate(seeds)), tr.Tensor(0.0))
    loss.backward()
    first = leaf.grad
    np.testing.assert_array_equal(first, np.stack(seeds))
    loss.backward()                                          # leaves accumulate: a new buffer + the old
    assert not np.shares_memory(leaf.grad, first)
    np.testing.assert_array_equal(first, np.stack(seeds))
    np.testing.assert_array_equal(leaf.grad, 2 * np.stack(seeds))
    leaf.zero_grad()
    loss.backward()                                          # after zero_grad: a fresh total again
    np.testing.assert_array_equal(leaf.grad, np.stack(seeds))
    np.testing.assert_array_equal(first, np.stack(seeds))


def test_spares_are_bounded():
    for n in range(1, 3 * shape_ops.SPARES):
        shape_ops.spare_buffer((n,), np.float64)
    assert len(shape_ops._spares) == shape_ops.SPARES


def test_the_next_step_reuses_the_buffer_once_the_last_graph_is_gone():
    import weakref
    rng = np.random.default_rng(3)
    w_ih = tr.Tensor(rng.standard_normal((5, 3)), requires_grad=True)
    w_hh = tr.Tensor(rng.standard_normal((5, 5)) * 0.3, requires_grad=True)
    x_proj, loss = unrolled_step(w_ih, w_hh, rng.standard_normal((6, 2, 3)), np.float64)
    loss.backward()
    last = weakref.ref(x_proj.grad)
    x_proj, loss = unrolled_step(w_ih, w_hh, rng.standard_normal((6, 2, 3)), np.float64)  # drops the old graph
    loss.backward()
    assert x_proj.grad is last()


def test_small_buffers_are_not_kept(monkeypatch):
    monkeypatch.setattr(shape_ops, "SPARE_BYTES", 1024)
    shape_ops.spare_buffer((127,), np.float64)
    assert not shape_ops._spares
    big = shape_ops.spare_buffer((128,), np.float64, fill=0)
    assert shape_ops._spares[((128,), np.dtype(np.float64))] is big and not big.any()


def indexed_total_by_hand(indices: list, values: list, shape: tuple) -> np.ndarray:
    """What IndexedGrad.total must give: a zero array with each value added at its index (repeats add)."""
    want = np.zeros(shape)
    for index, value in zip(indices, values):
        np.add.at(want, index, value)
    return want


SHAPE = (4, 3, 6)
INDEX_SETS = {                                  # name -> (indices, whether they tile SHAPE exactly)
    "every row, in order": ([0, 1, 2, 3], True),
    "every row, backwards and negative": ([-1, 2, -3, 0], True),
    "gate blocks of the last axis": ([(Ellipsis, slice(k * 2, k * 2 + 2)) for k in range(3)], True),
    "blocks after full slices": ([(slice(None), slice(None), slice(0, 4)),
                                  (slice(None), slice(None), slice(4, None))], True),
    "rows as slices of unequal width": ([slice(0, 1), slice(1, 4)], True),
    "a row missing": ([0, 1, 3], False),
    "the last row missing": ([0, 1, 2], False),
    "the last block short": ([(Ellipsis, slice(0, 2)), (Ellipsis, slice(2, 5))], False),
    "a row twice": ([0, 1, 1, 2, 3], False),
    "overlapping blocks": ([(Ellipsis, slice(0, 4)), (Ellipsis, slice(3, 6))], False),
    "bands along two axes": ([0, 1, 2, (slice(None), 0)], False),
    "strided slices": ([slice(0, 4, 2), slice(1, 4, 2)], False),
    "one strided slice": ([slice(None, None, 2)], False),
    "one strided block of the last axis": ([(Ellipsis, slice(None, None, 2))], False),
    "two axes cut at once": ([(0, 0), (0, 1)], False),
    "an integer array": ([np.array([0, 1]), np.array([2, 3])], False),
}


@pytest.mark.parametrize("name", INDEX_SETS)
def test_indexed_total_fills_every_element_and_only_takes_the_fast_path_for_an_exact_tiling(name):
    indices, exact = INDEX_SETS[name]
    assert shape_ops.tiles([shape_ops.IndexedGrad(i, None, False) for i in indices], SHAPE) == exact
    stale = shape_ops.spare_buffer(SHAPE, np.float64)
    stale.fill(np.nan)                          # a reused buffer holding garbage must never show through
    del stale
    rng = np.random.default_rng(4)
    values = [rng.standard_normal(np.zeros(SHAPE)[i].shape) for i in indices]
    parts = [shape_ops.IndexedGrad(i, v, isinstance(i, np.ndarray)) for i, v in zip(indices, values)]
    got = shape_ops.IndexedGrad.total(parts, np.zeros(SHAPE))
    np.testing.assert_array_equal(got, indexed_total_by_hand(indices, values, SHAPE))


def test_the_gates_of_an_lstm_step_take_the_fast_path_and_give_the_plain_gradient(monkeypatch):
    taken = []
    real = shape_ops.tiles
    monkeypatch.setattr(shape_ops, "tiles", lambda parts, shape: taken.append(real(parts, shape)) or taken[-1])
    rng = np.random.default_rng(5)
    cell = tr.nn.LSTMCell(3, 4)
    x = tr.Tensor(rng.standard_normal((2, 3)))
    h, c = cell(x, (tr.Tensor(rng.standard_normal((2, 4))), tr.Tensor(rng.standard_normal((2, 4)))))
    ((h * h).sum() + c.sum()).backward()
    assert True in taken
    fast = {name: p.grad.copy() for name, p in cell.named_parameters()}
    monkeypatch.setattr(shape_ops, "tiles", lambda parts, shape: False)
    cell.zero_grad()
    ((h * h).sum() + c.sum()).backward()
    for name, p in cell.named_parameters():
        np.testing.assert_array_equal(fast[name], p.grad, err_msg=name)


@st.composite
def bands_of_an_axis(draw):
    """A shape, an axis, and index expressions cutting that axis into bands: sometimes an exact tiling
    (cut points, in any order, written as ints, slices or Ellipsis forms), sometimes with a band
    dropped, repeated or widened so that the parts leave a gap or overlap."""
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    axis = draw(st.integers(0, len(shape) - 1))
    n = shape[axis]
    cuts = sorted(draw(st.sets(st.integers(1, n - 1), max_size=n - 1))) if n > 1 else []
    bounds = list(zip([0] + cuts, cuts + [n]))
    how = draw(st.sampled_from(["exact", "drop", "repeat", "widen"]))
    if how == "drop" and len(bounds) > 1:
        bounds.pop(draw(st.integers(0, len(bounds) - 1)))
    elif how == "repeat":
        bounds.append(bounds[draw(st.integers(0, len(bounds) - 1))])
    elif how == "widen" and len(bounds) > 1:
        k = draw(st.integers(0, len(bounds) - 2))
        bounds[k] = (bounds[k][0], bounds[k + 1][0] + 1)
    ordered = sorted(bounds)
    exact = [b[0] for b in ordered] == [0] + [b[1] for b in ordered][:-1] and ordered[-1][1] == n
    bounds = draw(st.permutations(bounds))
    indices = []
    for start, stop in bounds:
        item = start if stop == start + 1 and draw(st.booleans()) else slice(start, stop)
        if draw(st.booleans()):
            indices.append((Ellipsis,) + (item,) + (slice(None),) * (len(shape) - axis - 1))
        else:
            indices.append((slice(None),) * axis + (item,))
    return shape, indices, exact


@given(case=bands_of_an_axis(), seed=st.integers(0, 2**16))
def test_indexed_total_equals_the_sum_by_hand_for_any_bands(case, seed):
    shape, indices, exact = case
    assert shape_ops.tiles([shape_ops.IndexedGrad(i, None, False) for i in indices], shape) == exact
    shape_ops._spares.clear()
    stale = shape_ops.spare_buffer(shape, np.float64)
    stale.fill(np.nan)
    del stale
    rng = np.random.default_rng(seed)
    values = [rng.standard_normal(np.zeros(shape)[i].shape) for i in indices]
    parts = [shape_ops.IndexedGrad(i, v, False) for i, v in zip(indices, values)]
    got = shape_ops.IndexedGrad.total(parts, np.zeros(shape))
    np.testing.assert_array_equal(got, indexed_total_by_hand(indices, values, shape))
