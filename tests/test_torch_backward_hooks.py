"""Module backward hooks in the dialect: register_full_backward_hook and register_full_backward_pre_hook, the global
hooks of torch.nn.modules.module, on Linear, modules of two inputs, inputs that need no gradient, LSTM and GRU in
a training step, retain_graph, a module called twice, and PyTorch's errors. Every expected value is PyTorch
2.14's, printed from the same program and written out (torch is not needed)."""
import warnings

import pytest

import tinygrad_rnn.torch as torch
from helpers import rounded6 as r, set_sine_params as set_params

nn = torch.nn
M = torch.nn.modules.module
pytestmark = pytest.mark.usefixtures("torch_float64")


def rs(ts):
    return [r(t) for t in ts]


def linear():
    lin = nn.Linear(3, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]))
        lin.bias.copy_(torch.tensor([0.05, -0.05]))
    return lin


class Two(nn.Module):
    def forward(self, a, b, scale=2.0):
        return a * b * scale, a + 1


# ---------------------------------------------------------------- what the hooks see
def test_linear_pre_hook_then_hook_see_grad_output_and_grad_input():
    lin, seen = linear(), []
    lin.register_full_backward_pre_hook(lambda m, go: seen.append(("pre", m is lin, rs(go))))
    lin.register_full_backward_hook(lambda m, gi, go: seen.append(("full", type(gi), rs(gi), rs(go))))
    x = torch.tensor([[1.0, 2.0, -1.0], [0.5, -0.5, 2.0]], requires_grad=True)
    (lin(x) ** 2).sum().backward()
    go = [[-1.1, 3.9, 1.6, -2.6]]
    assert seen == [("pre", True, go), ("full", tuple, [[1.45, 2.17, -2.67, -0.88, -1.62, 2.04]], go)]
    assert r(x.grad) == [1.45, 2.17, -2.67, -0.88, -1.62, 2.04]
    assert r(lin.weight.grad) == [-0.3, -3.0, 4.3, 2.6, 9.1, -9.1]


def test_two_inputs_and_two_outputs():
    two, seen = Two(), []
    two.register_full_backward_hook(lambda m, gi, go: seen.append((rs(gi), rs(go))))
    a, b = torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor([3.0, -1.0], requires_grad=True)
    p, q = two(a, b)
    (p.sum() + 3 * q.sum()).backward()
    assert seen.pop() == ([[9.0, 1.0], [2.0, 4.0]], [[1.0, 1.0], [3.0, 3.0]])
    assert rs([a.grad, b.grad]) == [[9.0, 1.0], [2.0, 4.0]]
    a.grad = b.grad = None
    p, q = two(a, b)
    (3 * q.sum()).backward()        # an output without gradient is None; an input without one gets zeros
    assert seen.pop() == ([[3.0, 3.0], [0.0, 0.0]], [None, [3.0, 3.0]])
    assert rs([a.grad, b.grad]) == [[3.0, 3.0], [0.0, 0.0]]


def test_a_tensor_without_grad_gets_zeros_and_a_number_none():
    class Scaled(nn.Module):
        def forward(self, a, b, k):
            return a * b * k
    m, seen = Scaled(), []
    m.register_full_backward_hook(lambda m, gi, go: seen.append((rs(gi), rs(go))))
    a, c = torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor([3.0, -1.0])
    m(a, c, 2.0).sum().backward()
    assert seen == [([[6.0, -2.0], [0.0, 0.0], None], [[1.0, 1.0]])]
    assert r(a.grad) == [6.0, -2.0] and c.grad is None


def test_input_without_grad_runs_the_hook_at_grad_output_with_a_warning():
    lin, seen = linear(), []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append((gi, rs(go))))
    with pytest.warns(UserWarning, match="Full backward hook is firing when gradients are computed with respect "
                                         "to module outputs since no inputs require gradients"):
        lin(torch.tensor([[1.0, 2.0, -1.0]])).sum().backward()
    assert seen == [((None,), [[1.0, 1.0]])] and r(lin.weight.grad) == [1.0, 2.0, -1.0, 1.0, 2.0, -1.0]
    lin = linear()
    lin.register_full_backward_hook(lambda m, gi, go: (torch.ones(1, 3),))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="^Backward hook for Modules where no input requires gradient should "
                                               "always return None or None for all gradients.$"):
            lin(torch.tensor([[1.0, 2.0, -1.0]])).sum().backward()


def test_a_pre_hook_alone_on_an_input_without_grad_warns_nothing():
    lin = set_params(nn.Linear(3, 2))
    lin.register_full_backward_pre_hook(lambda m, go: (go[0] * 2,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lin(torch.ones(1, 3)).sum().backward()
    assert r(lin.bias.grad) == [2.0, 2.0]


def test_hooks_see_tuples_of_tensors_that_require_no_grad_and_keep_the_dtype():
    lin, seen = nn.Linear(2, 1).float(), []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append((type(gi), type(go), gi[0].requires_grad,
                                                                   go[0].requires_grad, gi[0].dtype, go[0].dtype)))
    lin(torch.ones(1, 2, dtype=torch.float32, requires_grad=True)).sum().backward()
    assert seen == [(tuple, tuple, False, False, torch.float32, torch.float32)]


def test_keyword_tensors_and_non_tensor_outputs_pass_through():
    class KW(nn.Module):
        def forward(self, a, b=None):
            return a * b, "tag", 7
    m, seen = KW(), []
    m.register_full_backward_pre_hook(lambda m, go: seen.append(len(go)))
    m.register_full_backward_hook(lambda m, gi, go: seen.append((rs(gi), rs(go))))
    a, b = torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor([2.0, 5.0], requires_grad=True)
    out, tag, seven = m(a, b=b)
    out.sum().backward()
    assert (tag, seven) == ("tag", 7) and seen == [3, ([[2.0, 5.0]], [[1.0, 1.0], None, None])]
    assert r(b.grad) == [1.0, 2.0]


# ---------------------------------------------------------------- replacing gradients, order, removal
def test_a_hook_replaces_grad_input_and_a_pre_hook_grad_output():
    lin = linear()
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 10,))
    x = torch.tensor([[1.0, 2.0, -1.0]], requires_grad=True)
    lin(x).sum().backward()
    assert r(x.grad) == [5.0, 3.0, -3.0]
    lin, seen = linear(), []
    lin.register_full_backward_pre_hook(lambda m, go: (go[0] * 0 + torch.tensor([[1.0, -1.0]]),))
    lin.register_full_backward_hook(lambda m, gi, go: seen.append(rs(go)))
    x = torch.tensor([[1.0, 2.0, -1.0]], requires_grad=True)
    (lin(x) * 5).sum().backward()
    assert seen == [[[1.0, -1.0]]]
    assert rs([x.grad, lin.weight.grad, lin.bias.grad]) == [[-0.3, -0.7, 0.9], [1.0, 2.0, -1.0, -1.0, -2.0, 1.0],
                                                             [1.0, -1.0]]


def test_a_hook_that_changes_grad_input_in_place_changes_the_gradient():
    lin = nn.Linear(2, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))

    def hook(module, grad_input, grad_output):
        grad_input[0].mul_(10)
    lin.register_full_backward_hook(hook)
    x = torch.tensor([[1.0, 1.0]], requires_grad=True)
    lin(x).sum().backward()
    assert r(x.grad) == [40.0, 60.0]


def test_prepend_order_remove_and_the_hooks_a_call_saw():
    lin, order = linear(), []
    lin.register_full_backward_hook(lambda m, gi, go: order.append("a"))
    b = lin.register_full_backward_hook(lambda m, gi, go: order.append("b"))
    lin.register_full_backward_hook(lambda m, gi, go: order.append("c"), prepend=True)
    lin.register_full_backward_pre_hook(lambda m, go: order.append("pa"))
    lin.register_full_backward_pre_hook(lambda m, go: order.append("pc"), prepend=True)
    x = torch.tensor([[1.0, 2.0, -1.0]], requires_grad=True)
    lin(x).sum().backward()
    assert order == ["pc", "pa", "c", "a", "b"]
    order.clear(), b.remove()
    lin(x).sum().backward()
    assert order == ["pc", "pa", "c", "a"]
    order.clear()
    y = lin(x)          # a hook registered after the call does not run for it; one removed after it does
    late = lin.register_full_backward_hook(lambda m, gi, go: order.append("late"))
    y.sum().backward()
    assert order == ["pc", "pa", "c", "a"]
    order.clear()
    y = lin(x)
    late.remove()
    y.sum().backward()
    assert order == ["pc", "pa", "c", "a", "late"]


def test_a_module_without_hooks_records_nothing_extra():
    lin, x = linear(), torch.tensor([[1.0, 2.0, -1.0]], requires_grad=True)
    plain = lin(x)
    handle = lin.register_full_backward_hook(lambda m, gi, go: None)
    hooked = lin(x)
    handle.remove()
    again = lin(x)
    assert type(plain.grad_fn).__name__ == type(again.grad_fn).__name__ == "AddmmBackward0"
    assert again.parents[0] is x and hooked.grad_fn.name().startswith("BackwardHookFunctionBackward")


def test_grad_fn_is_named_as_pytorch_names_it():
    lin = linear()
    lin.register_full_backward_hook(lambda m, gi, go: None)
    assert type(lin(torch.ones(1, 3, requires_grad=True)).grad_fn).__name__ == "BackwardHookFunctionBackward"


# ---------------------------------------------------------------- recurrent layers, retain_graph, reuse
def test_lstm_training_step_hooks_see_the_output_and_the_input_gradients():
    lstm, head, log = set_params(nn.LSTM(2, 3)), set_params(nn.Linear(3, 1)), []
    lstm.register_full_backward_pre_hook(lambda m, go: log.append(("pre", rs(go))))
    lstm.register_full_backward_hook(lambda m, gi, go: log.append(("full", rs(gi), rs(go))))
    opt = torch.optim.SGD(list(lstm.parameters()) + list(head.parameters()), lr=0.1)
    x = (torch.arange(12, dtype=torch.float64).reshape(3, 2, 2) * 0.3).cos().requires_grad_()
    h0, c0 = torch.zeros(1, 2, 3), torch.zeros(1, 2, 3)
    for _ in range(2):
        opt.zero_grad()
        out, (h, c) = lstm(x, (h0, c0))
        ((head(out) ** 2).mean() + h.sum() * 0.1).backward()
        opt.step()
    go = [0.000785, 0.010086, 0.017929, 0.000927, 0.011908, 0.021167, 0.001188, 0.015273, 0.027148, 0.001425,
          0.018315, 0.032556, 0.001562, 0.020076, 0.035685, 0.001626, 0.020901, 0.037153]
    gi = [-0.003824, -0.003333, -0.005721, -0.004808, -0.011107, -0.00825, -0.011478, -0.00854, -0.025498,
          -0.022814, -0.023606, -0.020401]
    assert [entry[0] for entry in log] == ["pre", "full", "pre", "full"]
    assert log[2] == ("pre", [go, None]) and log[3] == ("full", [gi, None], [go, None])
    assert r(x.grad) == [-0.008923, -0.007483, -0.012779, -0.010495, -0.023268, -0.016991, -0.023559, -0.017287,
                         -0.051262, -0.045678, -0.047271, -0.040675]
    log.clear()
    out, (h, c) = lstm(x)
    h.sum().backward()          # the gradient bypasses `output`, the only output tensor PyTorch wraps
    assert log == []


def test_gru_with_an_input_without_grad():
    gru, seen = set_params(nn.GRU(2, 3, batch_first=True)), []
    gru.register_full_backward_hook(lambda m, gi, go: seen.append((gi, r(go[0])[:3], go[1])))
    x = (torch.arange(12, dtype=torch.float64).reshape(2, 3, 2) * 0.3).sin()
    with pytest.warns(UserWarning, match="Full backward hook is firing"):
        out, h = gru(x)
        (out ** 2).sum().backward()
    assert seen == [((None,), [-0.810833, -0.869517, -0.736043], None)]
    assert r(gru.weight_hh_l0.grad)[:6] == [-0.067661, -0.085568, -0.053219, -0.079007, -0.099384, -0.064157]


def test_retain_graph_runs_the_hooks_in_each_backward():
    lin, seen = set_params(nn.Linear(3, 2)), []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append(rs(gi)))
    x = torch.tensor([[1.0, -2.0, 0.5]], requires_grad=True)
    y = lin(x).tanh().sum()
    y.backward(retain_graph=True)
    y.backward()
    assert seen == [[[0.433299, 0.653511, 0.785274]]] * 2 and r(x.grad) == [0.866597, 1.307022, 1.570547]
    with pytest.raises(RuntimeError, match="^Trying to backward through the graph a second time"):
        y.backward()


def test_a_second_backward_through_a_hooked_module_that_saves_nothing():
    class Add(nn.Module):
        def forward(self, a, b):
            return a + b
    add = Add()
    add.register_full_backward_hook(lambda m, gi, go: None)
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    s = add(a, a).sum()
    s.backward()
    s.backward()
    assert r(a.grad) == [4.0, 4.0]


def test_a_module_called_twice_runs_its_hook_once_per_call():
    lin, seen = set_params(nn.Linear(2, 2)), []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append((rs(gi), rs(go))))
    x = torch.tensor([[1.0, -2.0]], requires_grad=True)
    lin(lin(x)).sum().backward()
    assert seen == [([[0.337144, 0.628657]], [[1.0, 1.0]]), ([[0.211948, 0.342502]], [[0.337144, 0.628657]])]
    assert r(x.grad) == [0.211948, 0.342502]


def test_autograd_grad_and_backward_inputs():
    lin, seen = set_params(nn.Linear(2, 2)), []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append(rs(gi)))
    x = torch.tensor([[0.5, -1.0]], requires_grad=True)
    g, = torch.autograd.grad(lin(x).pow(2).sum(), x)
    assert r(g) == [0.142057, 0.275464] and seen == [[[0.142057, 0.275464]]]
    lin(x).pow(2).sum().backward(inputs=[lin.weight])     # the pass stops at the weight: J never runs
    assert len(seen) == 1 and x.grad is None


def test_no_hooks_under_no_grad_and_a_warning_for_a_list_output():
    lin = linear()
    lin.register_full_backward_hook(lambda m, gi, go: None)
    with torch.no_grad():
        assert not lin(torch.ones(1, 3, requires_grad=True)).requires_grad

    class Listed(nn.Module):
        def forward(self, a):
            return [a * 2]
    m, seen = Listed(), []
    m.register_full_backward_hook(lambda m, gi, go: seen.append(1))
    with pytest.warns(UserWarning, match="^For backward hooks to be called, module output should be a Tensor or a "
                                         "tuple of Tensors but received <class 'list'>$"):
        out = m(torch.ones(2, requires_grad=True))
    out[0].sum().backward()
    assert seen == []


# ---------------------------------------------------------------- global hooks
def test_global_hooks_run_for_every_module_before_its_own():
    net = nn.Sequential(set_params(nn.Linear(2, 3)), nn.Tanh(), set_params(nn.Linear(3, 1)))
    log = []
    name = lambda m: type(m).__name__      # noqa: E731
    handles = [M.register_module_forward_pre_hook(lambda m, a: log.append(("fpre", name(m)))),
               M.register_module_forward_hook(lambda m, a, o: log.append(("fwd", name(m)))),
               M.register_module_full_backward_pre_hook(lambda m, go: log.append(("bpre", name(m)))),
               M.register_module_full_backward_hook(lambda m, gi, go: log.append(("bwd", name(m))))]
    try:
        net[0].register_full_backward_hook(lambda m, gi, go: log.append(("own bwd", name(m))))
        net[0].register_full_backward_pre_hook(lambda m, go: log.append(("own bpre", name(m))))
        net[0].register_forward_hook(lambda m, a, o: log.append(("own fwd", name(m))))
        x = torch.tensor([[0.5, -1.0]], requires_grad=True)
        net(x).sum().backward()
    finally:
        for h in handles:
            h.remove()
    assert log == [("fpre", "Sequential"), ("fpre", "Linear"), ("fwd", "Linear"), ("own fwd", "Linear"),
                   ("fpre", "Tanh"), ("fwd", "Tanh"), ("fpre", "Linear"), ("fwd", "Linear"), ("fwd", "Sequential"),
                   ("bpre", "Sequential"), ("bpre", "Linear"), ("bwd", "Linear"), ("bpre", "Tanh"), ("bwd", "Tanh"),
                   ("bpre", "Linear"), ("own bpre", "Linear"), ("bwd", "Linear"), ("own bwd", "Linear"),
                   ("bwd", "Sequential")]
    assert r(x.grad) == [0.215257, 0.228958]
    log.clear()
    net(x).sum().backward()
    assert log == [("own fwd", "Linear"), ("own bpre", "Linear"), ("own bwd", "Linear")]


def test_global_hooks_replace_gradients_inputs_and_outputs():
    net = nn.Sequential(set_params(nn.Linear(2, 3)), nn.Tanh(), set_params(nn.Linear(3, 1)))
    x = torch.tensor([[0.5, -1.0]], requires_grad=True)
    with M.register_module_full_backward_hook(lambda m, gi, go: tuple(None if g is None else g * 2 for g in gi)):
        net(x).sum().backward()
    assert r(x.grad) == [3.444111, 3.66332]
    with M.register_module_forward_hook(lambda m, a, k, o: o * 10 if isinstance(m, nn.Linear) else None,
                                        with_kwargs=True):
        assert r(net(x)) == [9.298028]
    with M.register_module_forward_pre_hook(lambda m, a: (a[0] * 0.5,) if isinstance(m, nn.Tanh) else None):
        assert r(net(x)) == [0.483492]


# ---------------------------------------------------------------- PyTorch's errors
def run_with(hook, pre: bool = False):
    lin = linear()
    (lin.register_full_backward_pre_hook if pre else lin.register_full_backward_hook)(hook)
    x = torch.tensor([[1.0, 2.0, -1.0]], requires_grad=True)
    lin(x).sum().backward()
    return x


@pytest.mark.parametrize("pre, hook, error, message", [
    (False, lambda m, gi, go: (gi[0], gi[0]), RuntimeError,
     "^Backward hook returned an invalid number of grad_input, got 2, but expected 1$"),
    (True, lambda m, go: (go[0], go[0]), RuntimeError,
     "^Backward pre hook returned an invalid number of grad_output, got 2, but expected 1$"),
    (False, lambda m, gi, go: 3, TypeError, "^object of type 'int' has no len()"),
    (True, lambda m, go: 3, TypeError, "^object of type 'int' has no len()"),
    (False, lambda m, gi, go: ("x",), TypeError, "^expected Variable, but hook returned 'str'$"),
    (False, lambda m, gi, go: (3.0,), TypeError, "^expected Variable, but hook returned 'float'$"),
    (False, lambda m, gi, go: (torch.ones(1, 4),), RuntimeError, r"^hook '<lambda>' has changed the size of value"),
    (True, lambda m, go: (torch.ones(1, 4),), RuntimeError, r"^hook '<lambda>' has changed the size of value"),
    (False, lambda m, gi, go: gi[0] * 2, RuntimeError, r"^hook '<lambda>' has changed the size of value"),
    (False, lambda m, gi, go: (gi[0].float(),), RuntimeError,
     r"^hook '<lambda>' has changed the type of value \(was torch.DoubleTensor got torch.FloatTensor\)$"),
])
def test_pytorch_errors_for_what_a_hook_returns(pre, hook, error, message):
    with pytest.raises(error, match=message):
        run_with(hook, pre)


def test_a_list_or_nones_are_fine_results():
    assert r(run_with(lambda m, gi, go: [gi[0] * 2]).grad) == [1.0, 0.6, -0.6]
    assert run_with(lambda m, gi, go: (None,)).grad is None


def test_a_hook_must_be_callable():
    with pytest.raises(TypeError, match=r"^register_full_backward_hook\(hook\) expects a callable, got int$"):
        nn.Linear(2, 2).register_full_backward_hook(3)
    with pytest.raises(TypeError, match=r"^register_module_full_backward_pre_hook\(hook\) expects a callable"):
        M.register_module_full_backward_pre_hook(None)
