"""Gradient hooks (`register_hook`): a hook sees a node's whole gradient of a backward pass, once, before it
flows on (a leaf: before it is added to .grad), and what it returns replaces it. Values by hand, and the
dialect's against PyTorch 2.14's printed results (written out; torch is not needed)."""
import threading

import numpy as np
import pytest

import tinygrad_rnn as tr
import tinygrad_rnn.torch as torch
from tinygrad_rnn import nn


def test_a_leaf_hook_sees_the_sum_of_this_pass_once_and_its_result_is_accumulated():
    x = tr.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.copy()))
    x.register_hook(lambda g: g * 2)                          # hooks run in the order registered
    ((x * x).sum() + x.sum()).backward()                       # d/dx = 2x + 1 = [3, 5, 7], from two ops
    assert len(seen) == 1 and np.array_equal(seen[0], [3.0, 5.0, 7.0])
    assert np.array_equal(x.grad, [6.0, 10.0, 14.0])
    (x * x).sum().backward()                                   # 2x = [2, 4, 6], doubled, added to .grad
    assert np.array_equal(seen[1], [2.0, 4.0, 6.0]) and np.array_equal(x.grad, [10.0, 18.0, 26.0])


def test_a_leaf_hook_clamps_the_total_not_each_share():
    x = tr.Tensor([1.0], requires_grad=True)
    x.register_hook(lambda g: np.minimum(g, 1.5))
    (x * 1.0 + x * 1.0).sum().backward()                       # shares 1 and 1: clamp(2) = 1.5, not 1 + 1
    assert x.grad.tolist() == [1.5]


def test_a_leaf_hook_sees_deferred_shares_summed_with_plain_ones():
    x = tr.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.copy()))
    (x[0] * 10.0 + x[2] * x[2] + x.sum()).backward()           # two index shares (Deferred) and a plain one
    assert len(seen) == 1 and np.array_equal(seen[0], [11.0, 1.0, 7.0])
    assert np.array_equal(x.grad, [11.0, 1.0, 7.0])


def test_a_leaf_hook_registered_during_the_pass_sees_the_whole_sum():
    # x's share through y arrives before y's hook runs (x * 5 is later in the graph), and the hook on x is
    # only registered then: x's contributions wait for its turn, so it still sees 3 + 5 = 8, once.
    x = tr.Value(2.0)
    seen = []
    y = x * 1.0
    y.register_hook(lambda g: x.register_hook(lambda gx: seen.append(gx) or gx * 10) and None)
    (y * 3.0 + x * 5.0).backward()
    assert seen == [8.0] and x.grad == 80.0


def test_a_leaf_gets_one_sum_per_pass_added_to_what_it_had():
    w = tr.Tensor([1.0, -1.0], requires_grad=True)
    w.grad = np.array([0.5, 0.5])                             # left from an earlier step
    loss = sum(((w * float(k)).sum() for k in range(1, 5)), tr.Tensor(0.0))      # four shares: 1+2+3+4
    loss.backward()
    assert np.array_equal(w.grad, [10.5, 10.5])


def test_an_intermediate_hook_changes_what_its_parents_get_and_its_own_grad():
    a = tr.Tensor([1.0, -2.0], requires_grad=True)
    b = a * 3.0
    b.register_hook(lambda g: np.minimum(g, 0.5))
    (b * tr.Tensor([1.0, 2.0])).sum().backward()               # dL/db = [1, 2] -> [0.5, 0.5]
    assert np.array_equal(b.grad, [0.5, 0.5]) and np.array_equal(a.grad, [1.5, 1.5])


def test_a_hook_on_the_root_changes_the_seed():
    a = tr.Tensor([1.0, -2.0], requires_grad=True)
    root = (a * a).sum()
    root.register_hook(lambda g: g * 10.0)
    root.backward()
    assert np.array_equal(a.grad, [20.0, -40.0])


def test_value_hooks():
    v = tr.Value(2.0)
    h = v * v
    h.register_hook(lambda g: g * 10.0)
    v.register_hook(lambda g: g + 1.0)
    (h + 1.0).backward()                                       # dL/dh = 1 -> 10; dL/dv = 10 * 2v = 40 -> 41
    assert h.grad == 10.0 and v.grad == 41.0


def test_remove_and_the_with_block_take_a_hook_off():
    x = tr.Tensor([1.0, 2.0], requires_grad=True)
    handle = x.register_hook(lambda g: g * 0.0)
    handle.remove()
    handle.remove()                                            # a second call does nothing
    with x.register_hook(lambda g: g * 3.0):
        x.sum().backward()
    x.sum().backward()                                         # the with-block's hook is gone too
    assert np.array_equal(x.grad, [4.0, 4.0])


def test_a_hook_sees_a_read_only_view_so_siblings_are_safe():
    def doubles_in_place(g):
        g *= 2.0
    x = tr.Tensor([1.0, 2.0], requires_grad=True)
    a, b = x * 1.0, x * 1.0
    a.register_hook(doubles_in_place)                          # add hands a and b one array: b's would change
    with pytest.raises(ValueError, match="read-only"):
        ((a + b) * tr.Tensor([1.0, 1.0])).sum().backward()     # (a writable array, from mul's backward)
    x = tr.Tensor([1.0, 2.0], requires_grad=True)
    y = tr.Tensor([3.0, 4.0], requires_grad=True)
    a, b = x * 1.0, y * 1.0
    a.register_hook(lambda g: g * 2.0)                         # a new array: a's gradient only
    (a + b).sum().backward()
    assert a.grad.tolist() == [2.0, 2.0] and b.grad.tolist() == [1.0, 1.0]
    assert x.grad.tolist() == [2.0, 2.0] and y.grad.tolist() == [1.0, 1.0]


def test_hooks_record_the_gradient_of_each_hidden_state_in_bptt():
    cell = nn.RNNCell(2, 3)
    xs = [tr.Tensor(np.full((1, 2), 0.1 * (t + 1))) for t in range(4)]
    h, states, seen = cell.init_state(1), [], {}
    for t, x_t in enumerate(xs):
        h = cell(x_t, h)
        states.append(h)
        h.register_hook(lambda g, t=t: seen.__setitem__(t, np.linalg.norm(g)))
    sum(s.sum() for s in states).backward()
    assert sorted(seen) == [0, 1, 2, 3]
    for t, s in enumerate(states):                             # the hook saw exactly the state's whole gradient
        assert seen[t] == np.linalg.norm(s.grad)


def test_hooks_with_keep_grads_false_and_a_node_no_gradient_reaches():
    a = tr.Tensor([1.0, 2.0], requires_grad=True)
    b, c = a * 2.0, a * 5.0
    calls = []
    c.register_hook(lambda g: calls.append("c"))               # c is not used by the loss: never called
    b.register_hook(lambda g: calls.append("b") or g + 1.0)
    (b * b).sum().backward(keep_grads=False)                  # dL/db = 2b = [4, 8] -> [5, 9]; dL/da = 2 * that
    assert calls == ["b"] and np.array_equal(a.grad, [10.0, 18.0]) and b.grad is None


def test_a_hooked_leaf_shared_by_threads_gets_every_pass():
    w = tr.Tensor(np.ones(3), requires_grad=True)
    w.register_hook(lambda g: g * 2.0)

    def work():
        for _ in range(50):
            (w * 3.0).sum().backward()
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert np.array_equal(w.grad, np.full(3, 4 * 50 * 6.0))


def test_hook_errors_name_the_hook():
    with pytest.raises(TypeError, match="expects a callable, got int"):
        tr.Tensor([1.0], requires_grad=True).register_hook(3)
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        tr.Tensor([1.0]).register_hook(print)
    x = tr.Tensor(np.ones((2, 3)), requires_grad=True)
    h = x * 2.0
    h.register_hook(np.ravel)
    with pytest.raises(RuntimeError, match=r"hook 'ravel' has changed the size of value \(was \(2, 3\), got \(6,\)\)"):
        h.sum().backward()


# ---------------------------------------------------------------- the dialect, against PyTorch 2.14
def test_dialect_hooks_give_pytorchs_values():
    torch.set_default_dtype(torch.float64)
    try:
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        seen = []
        x.register_hook(lambda g: seen.append(g.clone()))
        x.register_hook(lambda g: g * 2)
        ((x * x).sum() + x.sum()).backward()
        assert seen[0].tolist() == [3.0, 5.0, 7.0] and x.grad.tolist() == [6.0, 10.0, 14.0]
        a = torch.tensor([1.0, -2.0], requires_grad=True)
        b = a * 3
        b.retain_grad()
        b.register_hook(lambda g: g.clamp(max=0.5))
        (b * torch.tensor([1.0, 2.0])).sum().backward()
        assert b.grad.tolist() == [0.5, 0.5] and a.grad.tolist() == [1.5, 1.5]

        a = torch.tensor([1.0, -2.0], requires_grad=True)
        b = a * 3

        def in_place(g):                                       # changed in place, returns None: PyTorch uses it
            g.mul_(10)
            assert not g.requires_grad
        b.register_hook(in_place)
        (b * 1).sum().backward()
        assert a.grad.tolist() == [30.0, 30.0]

        a = torch.tensor([1.0, -2.0], requires_grad=True)
        a.register_hook(lambda g: g * 100)
        assert torch.autograd.grad((a * a).sum(), a)[0].tolist() == [200.0, -400.0] and a.grad is None
        b = a * 2
        b.register_hook(lambda g: g * 100)
        assert torch.autograd.grad((b * b).sum(), b)[0].tolist() == [400.0, -800.0]
    finally:
        torch.set_default_dtype(torch.float32)


def test_dialect_hook_errors_are_pytorchs():
    from tinygrad_rnn.torch.utils.hooks import RemovableHandle
    a = torch.ones(2, requires_grad=True)
    assert isinstance(a.register_hook(lambda g: None), RemovableHandle)
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        torch.ones(2).register_hook(lambda g: g)
    for bad, kind, message in [(lambda g: 5, TypeError, "expected Variable, but hook returned 'int'"),
                               (lambda g: torch.ones(3), RuntimeError, "has changed the size of value"),
                               (lambda g: g.double(), RuntimeError, "has changed the type of value")]:
        b = torch.ones(2, requires_grad=True) * 2
        b.register_hook(bad)
        with pytest.raises(kind, match=message):
            b.sum().backward()


def _linear():
    lin = torch.nn.Linear(2, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        lin.bias.copy_(torch.tensor([0.5, -0.5]))
    return lin


def test_module_forward_hooks_see_and_replace_inputs_and_outputs():
    lin, log = _linear(), []
    lin.register_forward_pre_hook(lambda m, args: log.append(("pre", type(m).__name__, len(args))))
    lin.register_forward_hook(lambda m, args, out: log.append(("post", tuple(out.shape))))
    zero = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    plus = lin.register_forward_hook(lambda m, args, out: out + 1)
    assert lin(torch.ones(1, 2)).tolist() == [[1.5, 0.5]]      # input zeroed: bias + 1
    assert log == [("pre", "Linear", 1), ("post", (1, 2))]
    zero.remove()
    plus.remove()
    lin.register_forward_pre_hook(lambda m, args: args[0] * 2)   # a non-tuple result is the one argument
    assert lin(torch.ones(1, 2)).tolist() == [[6.5, 13.5]]     # W [2, 2] + b
    assert list(lin.parameters())[0] is lin.weight and len(list(lin.parameters())) == 2


def test_module_hook_options_follow_pytorch():
    lin, seen, order = _linear(), [], []
    lin.register_forward_hook(lambda m, args, kwargs, out: seen.append(sorted(kwargs)), with_kwargs=True)
    lin.register_forward_pre_hook(lambda m, args, kwargs: ((args[0] + 1,), kwargs) if args else None,
                                  with_kwargs=True)
    assert lin(input=torch.zeros(1, 2)).tolist() == [[0.5, -0.5]] and seen == [["input"]]
    assert lin(torch.zeros(1, 2)).tolist() == [[3.5, 6.5]]     # the pre-hook added 1 to the positional input
    lin.register_forward_hook(lambda m, a, o: order.append(1))
    lin.register_forward_hook(lambda m, a, o: order.append(0), prepend=True)
    lin(torch.zeros(1, 2))
    assert order == [0, 1]
    with pytest.raises(TypeError, match=r"register_forward_hook\(hook\) expects a callable, got int"):
        lin.register_forward_hook(3)


def test_an_always_called_forward_hook_runs_when_forward_raises():
    lin, calls = _linear(), []
    lin.register_forward_hook(lambda m, a, o: calls.append(("always", o)), always_call=True)
    lin.register_forward_hook(lambda m, a, o: calls.append(("plain", o)))
    with pytest.raises(RuntimeError):
        lin(torch.ones(1, 3))                                  # the wrong width: forward raises
    assert calls == [("always", None)]
