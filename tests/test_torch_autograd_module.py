"""torch.autograd (tinygrad_rnn/torch/autograd.py): grad returns gradients without touching any .grad,
backward accumulates (several outputs through one graph, retained non-leaves too), Variable is the tensor itself; and
set_grad_enabled as a decorator (torch/_grad_mode.py). Expected values are the derivatives by hand."""
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


def test_grad_sweeps_only_down_to_its_inputs():
    # PyTorch 2.14: grad(z, y) needs nothing below y, so it works after y's own graph was freed, and grad
    # with respect to u and w = u's input goes through u on to w: e^(3x) * 2 * 3 = 40.1711, 806.8576.
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    y = x.exp()
    torch.autograd.grad(y.sum(), x)                             # frees exp's saved values
    (gy,) = torch.autograd.grad((y * y).sum(), y)              # d/dy y^2 = 2y
    assert [round(v, 4) for v in gy.tolist()] == [5.4366, 14.7781]
    w = x * 3
    u = w.exp()
    gu, gw = torch.autograd.grad((u * 2).sum(), [u, w])
    assert gu.tolist() == [2.0, 2.0] and [round(v, 4) for v in gw.tolist()] == [40.1711, 806.8576]
    with pytest.raises(RuntimeError, match="^Trying to backward through the graph a second time"):
        torch.autograd.grad(y.sum(), x)                         # below y it is freed


def test_an_unused_input_raises_unless_allowed():
    a, unused = torch.ones(2, requires_grad=True), torch.ones(3, requires_grad=True)
    y = (a * 2).sum()
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        torch.autograd.grad(y, [a, unused])
    assert torch.autograd.grad(y, [a, unused], allow_unused=True, retain_graph=True)[1] is None
    assert torch.autograd.grad(y, [a, unused], materialize_grads=True)[1].tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(NotImplementedError, match="create_graph=True"):
        torch.autograd.grad(y, a, create_graph=True)


def test_grad_frees_the_graph_unless_retain_graph_as_backward_does():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (a * a).sum()                                       # dy/da = 2a
    assert torch.autograd.grad(y, a, retain_graph=True)[0].tolist() == [2.0, 4.0]
    assert torch.autograd.grad(y, a)[0].tolist() == [2.0, 4.0]
    for again in (lambda: y.backward(), lambda: torch.autograd.grad(y, a)):
        with pytest.raises(RuntimeError, match="^Trying to backward through the graph a second time"):
            again()
    assert a.grad is None


def test_one_gradient_per_output_or_pytorchs_error():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    outputs = [a.sum(), (a * a).sum()]
    with pytest.raises(RuntimeError, match="^got 2 tensors and 1 gradients$"):
        torch.autograd.grad(outputs, a, grad_outputs=[torch.tensor(1.0)])
    with pytest.raises(RuntimeError, match="^got 2 tensors and 3 gradients$"):
        torch.autograd.backward(outputs, [None, None, None])
    assert a.grad is None                                   # nothing ran
    assert torch.autograd.grad(outputs, a, grad_outputs=[None, torch.tensor(2.0)])[0].tolist() == [5.0, 9.0]


def test_backward_accumulates_and_variable_is_the_tensor():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    torch.autograd.backward([(a * 3).sum(), (a * a).sum()])
    assert a.grad.tolist() == [5.0, 7.0]                    # 3 + 2a
    t = torch.zeros(2)
    assert torch.autograd.Variable(t) is t and torch.autograd.Variable(t, requires_grad=True).requires_grad


def test_backward_of_outputs_sharing_a_graph_frees_it_only_after_all():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    h = a * a                                               # shared by both outputs
    torch.autograd.backward([h.sum(), (h * 2).sum()])
    assert a.grad.tolist() == [6.0, 12.0]                   # 2a + 4a
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        h.sum().backward()
    b = torch.ones(2)
    with pytest.raises(RuntimeError, match="^element 1 of tensors does not require grad"):
        torch.autograd.backward([(a * 3).sum(), b.sum()])
    assert a.grad.tolist() == [6.0, 12.0]                   # every output checked before any pass runs


def test_grad_checks_its_outputs_as_backward_does():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="^element 0 of tensors does not require grad"):
        torch.autograd.grad(torch.ones(2).sum(), a, allow_unused=True)
    with pytest.raises(RuntimeError, match="^grad can be implicitly created only for scalar outputs"):
        torch.autograd.grad(a * 2, a)
    with pytest.raises(RuntimeError, match=r"^Mismatch in shape: grad_output\[1\] has a shape of torch.Size\(\[3\]\)"):
        torch.autograd.grad([a.sum(), a * 2], a, grad_outputs=[None, torch.ones(3)])


def test_set_grad_enabled_as_a_decorator_sets_the_mode_only_inside():
    @torch.set_grad_enabled(False)
    def doubled(x):
        return x * 2, torch.is_grad_enabled()

    assert torch.is_grad_enabled()                          # decorating changes nothing
    a = torch.ones(2, requires_grad=True)
    y, inside = doubled(a)
    assert not inside and not y.requires_grad and torch.is_grad_enabled()
    with torch.no_grad():
        assert torch.set_grad_enabled(True)(torch.is_grad_enabled)() and not torch.is_grad_enabled()


def test_grad_mode_decorators_work_without_parentheses_as_in_pytorch():
    a = torch.ones(2, requires_grad=True)

    @torch.no_grad
    def frozen():
        return (a * 2).requires_grad

    @torch.inference_mode
    def inferred():
        return (a * 2).requires_grad

    @torch.enable_grad
    def recorded():
        return (a * 2).requires_grad

    assert frozen() is False and inferred() is False and torch.is_grad_enabled()
    with torch.no_grad():
        assert recorded() is True and not (a * 2).requires_grad
    with torch.inference_mode(False):
        assert (a * 2).requires_grad


def test_a_retained_non_leaf_accumulates_its_grad_like_a_leaf():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    h = a * a
    h.retain_grad()
    torch.autograd.backward([h.sum(), (h * 2).sum()])
    assert h.grad.tolist() == [3.0, 3.0] and a.grad.tolist() == [6.0, 12.0]     # 1 + 2; 2a + 4a
    b = torch.tensor([1.0, 2.0], requires_grad=True)
    g = b * 3
    g.retain_grad()
    y = (g * g).sum()                                       # dy/dg = 2g = 6b
    y.backward(retain_graph=True)
    y.backward()
    assert g.grad.tolist() == [12.0, 24.0] and b.grad.tolist() == [36.0, 72.0]
