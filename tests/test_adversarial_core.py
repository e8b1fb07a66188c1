"""Edge cases of the core API found by adversarial testing: each test names the defect it guards against
and asserts the right value (hand-derived, or PyTorch's documented behaviour written out)."""
import numpy as np
import pytest

import tinygrad_rnn as tr
from tinygrad_rnn.nn.utils import clip_grad_norm_, clip_grad_value_


# ---------------------------------------------------------------- clipping an intermediate's gradient
def test_clipping_an_intermediates_gradient_changes_no_other_gradient():
    """z = a + b hands the same gradient array to a, b and z; clipping a.grad in place must not clip
    b's and z's too."""
    x = tr.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    a, b = x * 2, x * 3
    z = a + b
    z.backward(np.full(3, 4.0))
    clip_grad_value_([a], 1.0)
    np.testing.assert_array_equal(a.grad, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(b.grad, [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(z.grad, [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(x.grad, [20.0, 20.0, 20.0])      # 4 * 2 + 4 * 3


def test_clipping_a_read_only_intermediate_gradient():
    """y.grad after y.sum().backward() is a read-only broadcast view of 1; clipping gives the clipped
    values (not numpy's 'output array is read-only'), and x.grad is unchanged."""
    x = tr.Tensor(np.ones((2, 3)), requires_grad=True)
    y = x * 2
    y.sum().backward()
    clip_grad_value_(y, 0.5)
    np.testing.assert_array_equal(y.grad, np.full((2, 3), 0.5))
    u = x * 1
    u.sum().backward()
    total = clip_grad_norm_([u], 1.0)
    assert total == pytest.approx(np.sqrt(6.0))
    np.testing.assert_allclose(u.grad, np.full((2, 3), 1.0 / (np.sqrt(6.0) + 1e-6)))
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 3.0))    # 2 + 1, never clipped


# ---------------------------------------------------------------- 1-D @ 1-D
def test_dot_product_of_two_vectors_holds_a_0d_array():
    """numpy's matmul gives a numpy scalar for two 1-D operands; Tensor.data must still be an ndarray
    (shape (), writable through the documented .data escape hatch), as torch.dot gives a 0-d tensor."""
    x = tr.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x @ np.array([4.0, 5.0, 6.0])
    assert isinstance(y.data, np.ndarray) and y.shape == () and float(y.data) == 32.0
    assert isinstance(y.numpy(), np.ndarray)
    y.backward()
    np.testing.assert_array_equal(x.grad, [4.0, 5.0, 6.0])


# ---------------------------------------------------------------- cells: empty batch, init_state's dtype
@pytest.mark.parametrize("cls", [tr.nn.RNNCell, tr.nn.LSTMCell, tr.nn.GRUCell])
def test_a_cell_takes_an_empty_batch(cls):
    """PyTorch's cells map an input of shape (0, I) to a state of shape (0, H) (torch.Size([0, 3]));
    without a state given, ours raised an error about init_state, which the user never called."""
    cell = cls(2, 3)
    state = cell(tr.Tensor(np.zeros((0, 2))))
    h = state[0] if isinstance(state, tuple) else state
    assert h.shape == (0, 3)
    h.sum().backward()
    np.testing.assert_array_equal(cell.weight_hh.grad, np.zeros_like(cell.weight_hh.data))
    zeros = cell.init_state(0)
    assert all(s.shape == (0, 3) for s in (zeros if isinstance(zeros, tuple) else (zeros,)))


@pytest.mark.parametrize("dtype, shown", [(int, "int64"), (np.float16, "float16"), ("abc", "'abc'")])
def test_init_state_refuses_a_dtype_other_than_float32_or_float64(dtype, shown):
    """init_state(dtype=int) silently gave float64 zeros; dtype='abc' raised numpy's 'data type not
    understood' from inside np.zeros."""
    cell = tr.nn.LSTMCell(2, 3)
    with pytest.raises(TypeError, match=rf"LSTMCell.init_state\(dtype=...\) expects float32 or float64, got {shown}"):
        cell.init_state(2, dtype=dtype)
    h, c = cell.init_state(2, dtype=np.float32)
    assert h.dtype == c.dtype == np.float32


def test_init_state_refuses_a_negative_batch():
    with pytest.raises(ValueError, match=r"GRUCell.init_state\(batch=...\) expects an int >= 0 or None, got -1"):
        tr.nn.GRUCell(2, 3).init_state(-1)


# ---------------------------------------------------------------- whole-number float indices beyond int64
@pytest.mark.parametrize("bad", [1e300, -1e19, float("inf"), float("nan")])
def test_a_float_index_beyond_int64_is_refused_before_the_cast(bad):
    """1e300 is a whole number, but the cast to int64 overflowed (numpy warned) and the error then named
    index -9223372036854775808; a float index must fit int64 to be read as one."""
    weight = tr.Tensor(np.zeros((4, 2)))
    with pytest.raises(TypeError, match="embedding: indices must be integers, got dtype float64"):
        tr.nn.functional.embedding(weight, np.array([1.0, bad]))
    with pytest.raises(TypeError, match="cross_entropy: targets must be integer class indices, got dtype float64"):
        tr.nn.functional.cross_entropy(tr.Tensor(np.zeros((2, 4))), np.array([0.0, bad]))
    np.testing.assert_array_equal(tr.nn.functional.embedding(weight, np.array([3.0, 0.0])).data, np.zeros((2, 2)))
