"""Writes into part of a tensor, recorded as PyTorch records them (torch/_writes.py): `outputs[t] = out` into a
preallocated buffer (the seq2seq idiom; grad_fn CopySlices), a non-leaf written with constants and broadcast
values, and `scatter` / `scatter_` with a src that requires grad (ScatterBackward0). Expected values are torch
2.14's, printed from the same programs and written out (torch is not needed); where torch raises "modified by
an inplace operation", the dialect raises the same or gives the right answer."""
import numpy as np
import pytest

import tinygrad_rnn.torch as torch

pytestmark = pytest.mark.usefixtures("torch_float64")


def test_the_seq2seq_idiom_writes_every_step_into_a_buffer_made_before_the_loop():
    w = torch.tensor([[0.5, -0.3], [0.2, 0.7]], requires_grad=True)
    outputs = torch.zeros(4, 1, 2)
    buffer = outputs._data
    x = torch.tensor([[1.0, 2.0]])
    for t in range(1, 4):
        x = torch.tanh(x @ w)              # ops are recorded between the writes, none of them uses outputs
        outputs[t] = x
    assert type(outputs.grad_fn).__name__ == "CopySlices" and outputs.requires_grad and not outputs.is_leaf
    assert outputs._data is buffer        # written into the buffer itself: no copy of it per step
    (outputs[1:].reshape(-1, 2) * torch.tensor([1.0, -2.0])).sum().backward()
    assert [round(v, 10) for v in w.grad.reshape(-1).tolist()] == [2.8604663633, -4.3096339694, 4.1522560485,
                                                                   -5.5856867887]


def test_a_non_leaf_written_with_a_constant_and_with_a_broadcast_value():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = a * 2
    h[0] = 5.0
    b = torch.tensor(0.5, requires_grad=True)
    h[1:] = b * 3
    (h * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert a.grad.tolist() == [0.0, 0.0, 0.0] and b.grad.item() == 15.0 and h.tolist() == [5.0, 1.5, 1.5]
    assert type(h.grad_fn).__name__ == "CopySlices"


def test_a_write_into_an_op_result_keeps_what_the_op_saved():
    # torch raises here (tanh saved its result); the write goes into a copy, so the gradient is right:
    # d/dx sum(tanh(x) with entry 0 replaced by 0) = [0, 1 - tanh(-1)^2]
    x = torch.tensor([0.5, -1.0], requires_grad=True)
    h = x.tanh()
    h[0] = 0.0
    h.sum().backward()
    assert x.grad.tolist()[0] == 0.0 and x.grad.tolist()[1] == pytest.approx(1 - np.tanh(-1.0) ** 2, abs=1e-15)


def test_scatter_sends_gradients_to_self_and_src():
    src = torch.tensor([[1.5], [2.5]], requires_grad=True)
    base = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = (base * 1).scatter(1, torch.tensor([[0], [2]]), src)
    (y * torch.arange(6.).view(2, 3)).sum().backward()
    assert y.tolist() == [[1.5, 2.0, 3.0], [4.0, 5.0, 2.5]] and type(y.grad_fn).__name__ == "ScatterBackward0"
    assert src.grad.tolist() == [[0.0], [5.0]] and base.grad.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 0.0]]
    z = torch.zeros(2, 3)
    z.scatter_(1, torch.tensor([[1], [0]]), src)                 # in place on a constant: recorded too
    assert type(z.grad_fn).__name__ == "ScatterBackward0" and z.tolist() == [[0.0, 1.5, 0.0], [2.5, 0.0, 0.0]]
    (z * 2).sum().backward()
    assert src.grad.tolist() == [[2.0], [7.0]]


def test_a_tensor_written_after_a_recorded_op_used_it_is_refused_at_backward():
    c = torch.zeros(2)
    v = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (c * v).sum()                      # the product saved c
    c[0] = v[1] * 4
    with pytest.raises(RuntimeError, match="^one of the variables needed for gradient computation has been "
                                           "modified by an inplace operation: the input of a 'mul' node"):
        (y + c.sum()).backward()


def test_index_add_sends_gradients_to_self_and_source():
    t, s = torch.zeros(3, requires_grad=True), torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (t * 1).index_add(0, torch.tensor([0, 2, 0]), s, alpha=2)       # repeated indices add up
    (y * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert y.tolist() == [8.0, 0.0, 4.0] and type(y.grad_fn).__name__ == "IndexAddBackward0"
    assert t.grad.tolist() == [1.0, 10.0, 100.0] and s.grad.tolist() == [2.0, 200.0, 2.0]
    z = torch.zeros(3)
    z.index_add_(0, torch.tensor([1]), torch.ones(1))                  # outside a graph: into the array
    assert z.tolist() == [0.0, 1.0, 0.0] and z.is_leaf
    with pytest.raises(RuntimeError, match=r"^index_add_\(\): Number of indices \(2\) should be equal to "
                                           r"source.size\(dim\): \(3\), for dim: 0$"):
        torch.zeros(3).index_add(0, torch.tensor([0, 1]), torch.ones(3))


def test_out_arguments_write_into_the_tensor_given_and_return_it():
    # torch 2.14: out takes the result's shape and keeps its own dtype; a join refuses floats into ints
    o = torch.empty(3, dtype=torch.long)
    assert torch.zeros(2, out=o) is o and o.tolist() == [0, 0] and o.dtype == torch.int64
    o = torch.empty(0)
    assert torch.arange(3, out=o) is o and o.tolist() == [0.0, 1.0, 2.0] and o.dtype == torch.float64
    o = torch.empty(0, dtype=torch.float32)
    assert torch.stack([torch.ones(2), torch.ones(2)], out=o) is o and tuple(o.shape) == (2, 2)
    a = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^cat\(\): functions with out=\.\.\. arguments don't support "
                                           "automatic differentiation, but one of the arguments requires grad.$"):
        torch.cat([a, a], out=torch.empty(0))
    with torch.no_grad():
        assert torch.cat([a, a], out=o).tolist() == [1.0, 1.0, 1.0, 1.0]
    with pytest.raises(TypeError, match=r"^torch.cat\(\): input types can't be cast to the desired output type "
                                        "Long$"):
        torch.cat([torch.ones(2), torch.ones(2)], out=torch.empty(0, dtype=torch.long))


def test_the_legacy_constructor_without_arguments_is_empty_and_the_small_integer_casts():
    empty = torch.Tensor()                 # torch 2.14: torch.Size([0]), and it joins anything along dim 0
    assert tuple(empty.shape) == (0,) and empty.numel() == 0
    assert tuple(torch.cat((empty, torch.ones(1, 1)), dim=0).shape) == (1, 1)
    assert torch.ones(2).byte().dtype == torch.uint8 and torch.tensor([1.7, -2.2]).char().tolist() == [1, -2]
    assert torch.tensor([300.5]).short().dtype == torch.int16


def test_zero_fill_and_copy_on_a_graphs_tensor_are_recorded():
    # torch 2.14: ZeroBackward0, FillBackward2 (a number), FillBackward3 (a tensor), CopyBackwards
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    h = w * 2
    h.zero_()
    assert type(h.grad_fn).__name__ == "ZeroBackward0" and h.tolist() == [0.0, 0.0]
    h = w * 2
    h.fill_(3.0)
    assert type(h.grad_fn).__name__ == "FillBackward2"
    v = torch.tensor(5.0, requires_grad=True)
    h = w * 2
    h.fill_(v)
    (h * torch.tensor([1.0, 3.0])).sum().backward()
    assert type(h.grad_fn).__name__ == "FillBackward3" and v.grad.item() == 4.0 and w.grad.tolist() == [0.0, 0.0]
    b, s = torch.zeros(2, 3), torch.tensor([1.0, 2.0, 3.0], dtype=torch.float32, requires_grad=True)
    b.copy_(s)                                           # broadcast, and cast to b's dtype
    assert type(b.grad_fn).__name__ == "CopyBackwards" and b.dtype == torch.float64
    (b * torch.arange(6.0).view(2, 3)).sum().backward()
    assert s.grad.tolist() == [3.0, 5.0, 7.0] and s.grad.dtype == torch.float32
    z = torch.zeros(3)
    z.fill_(2)
    z.copy_(torch.ones(3))                               # outside a graph: into the array
    assert z.tolist() == [1.0, 1.0, 1.0] and z.is_leaf


def test_writes_through_masks_and_index_arrays_are_named_index_put():
    # torch 2.14: a mask or index arrays alone are IndexPutBackward0; beside a plain int, a view is written
    a = torch.ones(3, requires_grad=True)
    y = a * 2
    y[y > 1] = 0.0
    z = a * 2
    z[torch.tensor([0, 2])] = 0.0
    row = (a * 2).view(1, 3) * 1
    row[0, torch.tensor([0, 2])] = 0.0
    cols = (a * 2).view(1, 3) * 1
    cols[:, [True, False, True]] = 0.0
    names = [type(t.grad_fn).__name__ for t in (y, z, row, cols)]
    assert names == ["IndexPutBackward0", "IndexPutBackward0", "CopySlices", "IndexPutBackward0"]
    cols.sum().backward()
    assert a.grad.tolist() == [0.0, 2.0, 0.0]


def test_a_byte_mask_indexes_as_a_bool_one_with_pytorchs_deprecation_warning():
    x, mask = torch.arange(4.0), torch.tensor([1, 0, 1, 0], dtype=torch.uint8)
    with pytest.warns(UserWarning, match=r"^indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                                         r"torch.bool instead.$"):
        assert x[mask].tolist() == [0.0, 2.0]
