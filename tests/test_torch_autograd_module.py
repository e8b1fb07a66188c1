"""torch.autograd (tinygrad_rnn/torch/autograd.py): grad returns gradients without touching any .grad,
backward accumulates, Variable is the tensor itself. Expected values are the derivatives by hand."""
import pytest

import tinygrad_rnn.torch as torch


def test_grad_returns_the_gradients_and_leaves_every_grad_as_it_was():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    b.grad = torch.tensor([10.0, 10.0])
    y = (a * a * b).sum()                                   # dy/da = 2ab, dy/db = a^2
    ga, gb = torch.autograd.grad(y, (a, b))
    assert ga.tolist() == [6.0, 16.0] and gb.tolist() == [1.0, 4.0]
    assert a.grad is None and b.grad.tolist() == [10.0, 10.0]


def test_grad_weights_several_outputs_and_reaches_a_non_leaf():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    h = a * 3                                               # a non-leaf input
    y1, y2 = (h * h).sum(), h.sum()
    (gh,) = torch.autograd.grad([y1, y2], h, grad_outputs=[torch.tensor(1.0), torch.tensor(2.0)])
    assert gh.tolist() == [2 * 3.0 + 2.0, 2 * 6.0 + 2.0]   # 2h + 2


def test_an_unused_input_raises_unless_allowed():
    a, unused = torch.ones(2, requires_grad=True), torch.ones(3, requires_grad=True)
    y = (a * 2).sum()
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        torch.autograd.grad(y, [a, unused])
    assert torch.autograd.grad(y, [a, unused], allow_unused=True)[1] is None
    assert torch.autograd.grad(y, [a, unused], materialize_grads=True)[1].tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(NotImplementedError, match="create_graph=True"):
        torch.autograd.grad(y, a, create_graph=True)


def test_backward_accumulates_and_variable_is_the_tensor():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    torch.autograd.backward([(a * 3).sum(), (a * a).sum()])
    assert a.grad.tolist() == [5.0, 7.0]                    # 3 + 2a
    t = torch.zeros(2)
    assert torch.autograd.Variable(t) is t and torch.autograd.Variable(t, requires_grad=True).requires_grad
