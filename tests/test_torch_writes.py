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
