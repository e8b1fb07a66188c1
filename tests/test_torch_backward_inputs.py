"""backward(inputs=...) and torch.autograd.backward(..., inputs=...): only the given tensors accumulate, as in
PyTorch (torch 2.14's values and messages, written out; torch is not needed)."""
import pytest

import tinygrad_rnn.torch as torch


def test_only_the_inputs_accumulate():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    assert a.grad.tolist() == [3.0, 4.0] and b.grad is None
    (a * b).sum().backward(inputs=a)                       # one tensor; a accumulates
    assert a.grad.tolist() == [6.0, 8.0] and b.grad is None
    b.grad = torch.tensor([10.0, 10.0])
    torch.autograd.backward([(a * b).sum()], inputs=[a])    # b's gradient is left as it was
    assert b.grad.tolist() == [10.0, 10.0] and a.grad.tolist() == [9.0, 12.0]   # torch 2.14: tensor([ 9., 12.])


def test_a_non_leaf_input_keeps_its_gradient_and_one_outside_the_graph_gets_none():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    h = a * 2
    (h * b).sum().backward(inputs=[h])
    assert h.grad.tolist() == [3.0, 4.0] and h.retains_grad and a.grad is None and b.grad is None
    c = torch.tensor([1.0], requires_grad=True)
    (a * b).sum().backward(inputs=[c])
    assert c.grad is None and a.grad is None


def test_bad_inputs_are_pytorchs_errors():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (a * a).sum()
    with pytest.raises(RuntimeError, match=r"`inputs` argument to `backward\(\)` cannot be empty\."):
        y.backward(inputs=[], retain_graph=True)
    with pytest.raises(RuntimeError, match="can't retain_grad on Tensor that has requires_grad=False"):
        y.backward(inputs=[torch.ones(2)], retain_graph=True)
    with pytest.raises(TypeError, match=r"backward\(inputs=\.\.\.\) expects tensors, got int"):
        y.backward(inputs=[3], retain_graph=True)
    assert a.grad is None


def test_the_pass_stops_at_the_inputs_and_runs_no_hook_below_them():
    # torch 2.14: neither x's nor m's hook runs, and nothing below h gets a gradient; h's hook doubles h's.
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
    calls = []
    x.register_hook(lambda g: calls.append("x"))
    m = x * w
    m.register_hook(lambda g: calls.append("m"))
    h = m.exp()
    h.register_hook(lambda g: calls.append("h") or g * 2)
    c = torch.tensor([3.0, 4.0], dtype=torch.float64, requires_grad=True)
    (h * h * c).sum().backward(inputs=[h, c])
    assert [round(v, 6) for v in h.grad.tolist()] == [19.784655, 2.165365]       # 2 * 2 h c
    assert [round(v, 6) for v in c.grad.tolist()] == [2.718282, 0.018316]        # h^2
    assert x.grad is None and w.grad is None and calls == ["h"]


def test_a_tensor_retained_late_starts_from_no_gradient():
    # An earlier pass ran while another tensor was retained, so e's gradient was kept then; PyTorch's e.grad
    # is None until e is retained, so backward(inputs=[e]) gives e.grad = 3, not 1 + 3.
    other = (torch.ones(1, requires_grad=True) * 2)
    other.retain_grad()
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    e = (x * 2).exp()
    e.sum().backward(retain_graph=True)
    (e * 3).sum().backward(inputs=[e])
    assert e.grad.tolist() == [3.0, 3.0]
