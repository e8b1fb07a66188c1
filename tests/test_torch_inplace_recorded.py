"""In-place ops on tensors of a recorded graph (torch/_rebind.py): recorded as PyTorch records them; an op that
used the tensor before the write makes backward raise (no version counters); written into the array outside a graph.
Expected values are torch 2.14's, printed by it and written out here (torch is not needed)."""
import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F

pytestmark = pytest.mark.usefixtures("torch_float64")


def test_relu_inplace_after_a_linear_trains_as_pytorchs():
    m = nn.Sequential(nn.Linear(3, 4), nn.ReLU(inplace=True), nn.Linear(4, 1))
    with torch.no_grad():
        m[0].weight.copy_(torch.tensor([[1.0, -1.0, 0.5], [0.2, 0.3, -2.0], [1.0, 1.0, 1.0], [-1.0, 0.0, 2.0]]))
        m[0].bias.zero_()
        m[2].weight.fill_(1.0)
        m[2].bias.zero_()
    y = m(torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])).sum()
    y.backward()
    assert y.item() == 18.0
    assert m[0].weight.grad.tolist() == [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [0.0, 2.5, 5.0], [0.0, 2.5, 5.0]]


def test_a_method_in_place_becomes_the_ops_result_and_its_old_self_the_parent():
    w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    h = w * 2
    assert h.relu_() is h
    assert h.tolist() == [2.0, 0.0, 6.0] and type(h.grad_fn).__name__ == "ReluBackward0"
    assert type(h.grad_fn.next_functions[0][0]).__name__ == "MulBackward0"
    (h * h).sum().backward()
    assert w.grad.tolist() == [8.0, 0.0, 24.0]


def test_chained_writes_hooks_and_retain_grad_follow_pytorch():
    w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    seen = []
    h = w * 2
    h.register_hook(lambda g: seen.append(("old", g.tolist())))
    h.relu_()
    h.register_hook(lambda g: seen.append(("new", g.tolist())))
    (h * h).sum().backward()
    assert seen == [("new", [4.0, 0.0, 12.0]), ("old", [4.0, 0.0, 12.0])]
    w.grad = None
    h = w * 2
    h.retain_grad()
    h.tanh_()
    (h * 3).sum().backward()
    assert h.grad.tolist() == [3.0, 3.0, 3.0]
    np.testing.assert_allclose(w.grad.numpy(), [0.4239049491189866, 0.008045704098155498, 0.00014745928443181785],
                               rtol=1e-12)
    h = w * 2
    h.sigmoid_().clamp_(0.2, 0.9)
    assert h.tolist() == pytest.approx([0.8807970779778823, 0.2, 0.9], rel=1e-15)


def test_an_operand_that_requires_grad_makes_a_constant_part_of_the_graph():
    w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    c = torch.zeros(3)
    c.add_(w, alpha=2)
    assert not c.is_leaf and type(c.grad_fn).__name__ == "AddBackward0"
    (c * c).sum().backward()
    assert w.grad.tolist() == [8.0, -16.0, 24.0]              # d/dw (2w)^2 = 8w


def test_the_write_keeps_the_tensors_dtype_and_shape():
    w = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float32, requires_grad=True)
    h = w * 2
    h.mul_(torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64))
    assert h.dtype == torch.float32 and h.tolist() == [2.0, -8.0, 18.0]
    with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"):
        (w * 2).add_(torch.ones(2, 3))


def test_a_write_after_an_op_used_the_tensor_is_recorded_and_that_ops_backward_refused():
    w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    h = w * 2
    s = (h * h).sum()                                     # mul saved h: PyTorch's backward raises too
    h.relu_()
    assert h.tolist() == [2.0, 0.0, 6.0]                  # torch 2.14: [2.0, 0.0, 6.0]
    with pytest.raises(RuntimeError, match="^one of the variables needed for gradient computation has been "
                                           "modified by an inplace operation"):
        s.backward()
    h.sum().backward()                                    # the write itself is in the graph: relu's gradient
    assert w.grad.tolist() == [2.0, 0.0, 2.0]
    base = w * 2
    view = base[:2]                                       # PyTorch would change base too
    with pytest.raises(RuntimeError, match=r"^mul_: an in-place write into a view of a tensor of a recorded graph "
                                           r"\(PyTorch's write would change its base too\) is refused"):
        view.mul_(3)
    with pytest.raises(RuntimeError, match=r"^uniform_: an in-place write into a tensor of a recorded graph "
                                           r"\(uniform_ is not recorded here\) is refused"):
        (w * 2).uniform_()


def test_functional_inplace_flags_record_write_or_give_the_result():
    w = torch.tensor([-1.0, 2.0], dtype=torch.float32, requires_grad=True)
    b = w * 2
    assert F.elu(b, inplace=True) is b
    np.testing.assert_allclose(b.detach().numpy(), [-0.8646647, 4.0], rtol=1e-6)
    b.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [0.2706706, 2.0], rtol=1e-6)   # torch: tensor([0.2707, 2.0000])
    x = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
    assert F.leaky_relu(x, 0.1, True) is x and x.tolist()[1] == pytest.approx([-0.1, 0.5, 2.0])
    h = w * 1.0
    used = h.sum()                                        # h was used: the result comes out of place
    r = F.relu(h, inplace=True)
    assert r is not h and r.tolist() == [0.0, 2.0] and h.tolist() == [-1.0, 2.0] and used.item() == 1.0
    x = torch.ones(4)
    assert F.dropout(x, 0.5, training=False, inplace=True) is x


def test_in_place_shape_methods_on_a_computed_tensor_follow_pytorch():
    w = torch.tensor([[1.0, -2.0, 3.0]], requires_grad=True)
    h = w * 2
    h.squeeze_(0)
    assert tuple(h.shape) == (3,) and type(h.grad_fn).__name__ == "SqueezeBackward4"
    (h * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert w.grad.tolist() == [[2.0, 4.0, 6.0]]
    h = (w * 2).t() * 1
    h.t_()
    assert tuple(h.shape) == (1, 3) and type(h.grad_fn).__name__ == "TBackward1"
    h.sum().backward()
    assert w.grad.tolist() == [[4.0, 6.0, 8.0]]
    h = w * 2
    h.unsqueeze_(0).transpose_(0, 2)                        # a new shape of a view changes no memory
    assert tuple(h.shape) == (3, 1, 1) and type(h.grad_fn).__name__ == "TransposeBackward1"
    (h ** 2).sum().backward()
    assert w.grad.tolist() == [[12.0, -10.0, 32.0]]
    h = w * 2
    used = h.sum()
    h.unsqueeze_(0)                                        # recorded; the sum's edge now reaches a newer node
    assert tuple(h.shape) == (1, 1, 3) and used.item() == 4.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation: the input of a 'sum' node"):
        used.backward()                                    # (torch 2.14 gives w.grad [[2., 2., 2.]]: sum saved no h)


def test_a_recorded_write_keeps_pytorchs_result_type_rule():
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    ints = torch.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="^result type Double can't be cast to the desired output type Long$"):
        ints.add_(w)
    assert ints.tolist() == [1, 2, 3] and ints.is_leaf
