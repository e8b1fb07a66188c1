"""Gradient and forward hooks under attack: leaves used many times (index, slice, cat, stack, matmul, linear),
views, retain_grad, autograd.grad, retain_graph, hooks that register or remove hooks, hooks that raise, the
recurrent layers in a training loop, BPTT, the fused layers, threads, dtypes and module forward hooks.
Every expected value is PyTorch 2.14's, printed from the same program and written out (torch is not needed)."""
import copy
import pickle
import threading

import numpy as np
import pytest

import tinygrad_rnn as tr
import tinygrad_rnn.torch as torch
from helpers import rounded6 as r, set_sine_params as set_params
from tinygrad_rnn import nn as core_nn

nn = torch.nn
pytestmark = pytest.mark.usefixtures("torch_float64")


# ---------------------------------------------------------------- leaves used many times, views
def test_leaf_hook_sees_one_sum_of_index_slice_cat_stack_and_fancy_index_shares():
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(r(g)))
    x.register_hook(lambda g: g * 2)
    y = (x[0] * 3 + x[1:3].sum() * x[3] + torch.cat([x, x[:2]]).pow(2).sum() + torch.stack([x, x * 2]).sum()
         + x[[0, 0, 1]].sum())
    y.backward()
    assert seen == [[12.0, 16.0, 13.0, 16.0]] and r(x.grad) == [24.0, 32.0, 26.0, 32.0]


def test_weight_hook_clamps_the_sum_of_a_recurrence_of_linear_and_matmul_shares():
    W = torch.tensor([[1., 2.], [3., 4.], [5., 6.]], requires_grad=True)
    seen = []
    W.register_hook(lambda g: seen.append(r(g)))
    W.register_hook(lambda g: g.clamp(max=3.0))
    h, loss = torch.zeros(2, 3), 0
    for i in range(3):
        h = torch.tanh(torch.nn.functional.linear(torch.tensor([[0.5, -1.], [2., 1.]]) * (i + 1), W) + h * 0.5)
        loss = loss + (h @ W).sum()
    loss.backward()
    expected = [0.388752, -0.46856, 0.106974, -0.173689, 0.021861, -0.038254]
    assert seen == [expected] and r(W.grad) == expected


def test_hooks_on_views():
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    v = x.view(2, 2)
    seen = []
    v.register_hook(lambda g: seen.append(r(g)) or g * 10)
    (v * torch.tensor([[1., 2.], [3., 4.]])).sum().backward()
    assert seen == [[1.0, 2.0, 3.0, 4.0]] and r(x.grad) == [10.0, 20.0, 30.0, 40.0]
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    v = x[1:3]
    v.register_hook(lambda g: g * 10)
    (v.sum() + x.sum()).backward()
    assert r(x.grad) == [1.0, 11.0, 11.0, 1.0]


def test_a_non_leaf_hook_sees_the_sum_of_deferred_index_shares():
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    h = x * 1
    seen = []
    h.register_hook(lambda g: seen.append(r(g)) or g * 2)
    (h[0] * 10 + h[2] * h[2] + h[1:].sum()).backward()
    assert seen == [[10.0, 1.0, 7.0]] and r(x.grad) == [20.0, 2.0, 14.0]


# ---------------------------------------------------------------- retain_grad, retain_graph, autograd.grad
def test_retain_grad_shows_the_hooked_gradient_in_either_order_and_across_two_passes():
    for hook_first in (False, True):
        a = torch.tensor([1., 2.], requires_grad=True)
        b = a * 3
        if hook_first:
            b.register_hook(lambda g: g * 2)
        b.retain_grad()
        if not hook_first:
            b.register_hook(lambda g: g * 2)
        c = (b * b).sum()
        c.backward(retain_graph=True)
        assert r(b.grad) == [12.0, 24.0] and r(a.grad) == [36.0, 72.0]
        c.backward()
        assert r(b.grad) == [24.0, 48.0] and r(a.grad) == [72.0, 144.0]
    a = torch.tensor([1., 2.], requires_grad=True)
    a.register_hook(lambda g: g * 2)
    a.retain_grad()                                            # a leaf: nothing changes
    (a * a).sum().backward()
    assert r(a.grad) == [4.0, 8.0]


def test_a_second_pass_with_retain_graph_runs_every_hook_again():
    a = torch.tensor([1., 2.], requires_grad=True)
    calls = []
    a.register_hook(lambda g: calls.append(r(g)))
    b = a * 3
    b.register_hook(lambda g: calls.append(("b", r(g))))
    c = (b * b).sum()
    c.backward(retain_graph=True)
    c.backward()
    assert calls == [("b", [6.0, 12.0]), [18.0, 36.0]] * 2 and r(a.grad) == [36.0, 72.0]


def test_autograd_grad_runs_the_hooks_of_leaf_inputs_and_leaves_grad_alone():
    a = torch.tensor([1., 2.], requires_grad=True)
    calls = []
    a.register_hook(lambda g: calls.append(r(g)) or g * 10)
    b = a * 3
    b.register_hook(lambda g: calls.append(("b", r(g))) or g + 1)
    (g,) = torch.autograd.grad((b * b).sum(), a)
    assert r(g) == [210.0, 390.0] and calls == [("b", [6.0, 12.0]), [21.0, 39.0]] and a.grad is None
    u = torch.tensor([1., 2.], requires_grad=True)
    u.register_hook(lambda g: calls.append("u"))
    calls.clear()
    ga, gu = torch.autograd.grad((a * a).sum(), [a, u], allow_unused=True)
    assert r(ga) == [20.0, 40.0] and gu is None and calls == [[2.0, 4.0]]


def test_a_hook_that_raises_in_autograd_grad_leaves_grad_as_it_was():
    a = torch.tensor([1., 2.], requires_grad=True)
    a.grad = torch.tensor([5., 5.])

    def boom(g):
        raise ValueError("boom")
    handle = a.register_hook(boom)
    with pytest.raises(ValueError, match="boom"):
        torch.autograd.grad((a * a).sum(), a)
    handle.remove()
    assert r(a.grad) == [5.0, 5.0]


def test_a_hook_that_raised_leaves_its_hooks_in_place_for_the_next_pass():
    a = torch.tensor([1., 2.], requires_grad=True)
    m = a * 2
    state = {"raise": True}

    def h(g):
        if state["raise"]:
            raise ValueError("boom")
        return g * 10
    m.register_hook(h)
    c = (m * a).sum()
    with pytest.raises(ValueError, match="boom"):
        c.backward(retain_graph=True)
    state["raise"] = False
    a.grad = None                       # (what reached .grad before the error is not specified, in PyTorch too)
    c.backward()
    assert r(a.grad) == [22.0, 44.0]


# ---------------------------------------------------------------- hooks that change hooks, detach, flags
def test_a_hook_that_registers_another_hook_affects_only_later_passes():
    a = torch.tensor([1., 2.], requires_grad=True)
    calls = []

    def h1(g):
        calls.append("h1")
        a.register_hook(lambda g: calls.append("h2") or g * 100)
        return g * 2
    a.register_hook(h1)
    (a * a).sum().backward()
    assert r(a.grad) == [4.0, 8.0]
    (a * a).sum().backward()
    assert calls == ["h1", "h1", "h2"] and r(a.grad) == [404.0, 808.0]


def test_removing_a_hook_from_inside_a_hook():
    a = torch.tensor([1., 2.], requires_grad=True)
    calls, handles = [], {}

    def h1(g):
        calls.append("h1")
        handles["h2"].remove()
        return g * 2
    handles["h1"] = a.register_hook(h1)
    handles["h2"] = a.register_hook(lambda g: calls.append("h2") or g * 100)
    (a * a).sum().backward()                                   # h2 still runs in this pass, as in PyTorch
    assert r(a.grad) == [400.0, 800.0]
    (a * a).sum().backward()
    assert calls == ["h1", "h2", "h1"] and r(a.grad) == [404.0, 808.0]


def test_detach_requires_grad_and_no_grad_with_hooks():
    a = torch.tensor([1., 2.], requires_grad=True)
    b = a * 3
    calls = []
    b.register_hook(lambda g: calls.append("b"))
    d = b.detach().requires_grad_()
    (d * d).sum().backward()
    assert calls == [] and r(d.grad) == [6.0, 12.0]
    b.register_hook(lambda g: g * 2)
    b.detach_()                                                # b is a leaf now, its hooks kept
    b.requires_grad_()
    (b * b).sum().backward()
    assert calls == ["b"] and r(b.grad) == [12.0, 24.0] and a.grad is None
    a = torch.tensor([1., 2.], requires_grad=True)
    a.register_hook(lambda g: calls.append("a") or g * 2)
    a.requires_grad_(False)
    a.requires_grad_(True)
    (a * a).sum().backward()
    assert calls[-1] == "a" and r(a.grad) == [4.0, 8.0]
    with torch.no_grad():
        assert not (a * 3).requires_grad


# ---------------------------------------------------------------- what a hook returns
def test_a_hook_returning_another_dtype_or_shape_gets_pytorchs_messages():
    cases = [(lambda g: g.float(), "hook '<lambda>' has changed the type of value "
                                   r"\(was torch.DoubleTensor got torch.FloatTensor\)"),
             (lambda g: torch.tensor([1, 2]), r"\(was torch.DoubleTensor got torch.LongTensor\)"),
             (lambda g: torch.ones(3, dtype=torch.float32), r"type of value \(was torch.DoubleTensor"),   # type first
             (lambda g: torch.tensor(1.), "hook '<lambda>' has changed the size of value")]
    for leaf in (True, False):
        for hook, message in cases:
            a = torch.tensor([1., 2.], requires_grad=True)
            b = a * 2
            (a if leaf else b).register_hook(hook)
            with pytest.raises(RuntimeError, match=message):
                b.sum().backward()


def test_a_callable_object_hook_is_named_unknown_as_in_pytorch():
    class Half:
        def __call__(self, g):
            return g.float()
    b = torch.ones(2, requires_grad=True) * 2
    b.register_hook(Half())
    with pytest.raises(RuntimeError, match=r"hook '<unknown>' has changed the type"):
        b.sum().backward()


def test_a_hook_returning_a_tensor_that_requires_grad_or_is_kept_by_the_user():
    a = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([5., 6.], requires_grad=True)
    a.register_hook(lambda g: g * w)
    (a * 2).sum().backward()
    assert r(a.grad) == [10.0, 12.0] and not a.grad.requires_grad and w.grad is None
    a = torch.tensor([1., 2.], requires_grad=True)
    const = torch.tensor([1., 1.])
    a.register_hook(lambda g: const)
    (a * 2).sum().backward()
    a.grad.mul_(5)                                             # .grad is the leaf's own: const is unchanged
    (a * 2).sum().backward()
    assert r(a.grad) == [6.0, 6.0] and r(const) == [1.0, 1.0]
    saved = []
    a = torch.tensor([1., 2.], requires_grad=True)
    a.register_hook(lambda g: saved.append(g))
    (a * 2).sum().backward()
    a.grad.mul_(10)
    (a * 3).sum().backward()
    assert [r(s) for s in saved] == [[2.0, 2.0], [3.0, 3.0]] and r(a.grad) == [23.0, 23.0]


def test_float32_hooks_keep_float32():
    a = torch.tensor([1., 2.], dtype=torch.float32, requires_grad=True)
    seen = []
    a.register_hook(lambda g: seen.append(g.dtype) or g / 3)
    (a * a).sum().backward()
    assert seen == [torch.float32] and a.grad.dtype == torch.float32
    assert np.allclose(r(a.grad), [0.666667, 1.333333], atol=1e-6)


def test_a_hook_on_a_non_scalar_root_and_on_a_leaf_root():
    a = torch.tensor([1., 2.], requires_grad=True)
    y = a * a
    y.register_hook(lambda g: g * torch.tensor([1., 10.]))
    y.backward(torch.tensor([1., 1.]))
    assert r(a.grad) == [2.0, 40.0]
    b = torch.tensor([3.], requires_grad=True)
    b.register_hook(lambda g: g * 7)
    b.backward(torch.tensor([1.]))
    assert r(b.grad) == [7.0]


def test_hooks_on_0d_tensors():
    a = torch.tensor(3., requires_grad=True)
    b = a * a
    b.register_hook(lambda g: g * 2)
    a.register_hook(lambda g: torch.tensor(1.5))
    b.backward()
    assert r(a.grad) == [1.5]


def test_a_hook_on_a_0d_parameter_in_the_core():
    temperature = tr.Tensor(2.0, requires_grad=True)
    temperature.register_hook(lambda g: np.clip(g, -0.1, 0.1))
    (tr.Tensor([1.0, 2.0]) * temperature).sum().backward()
    assert float(temperature.grad) == 0.1


# ---------------------------------------------------------------- hooks changed in the middle of a pass
def test_a_leaf_hook_removed_during_the_pass():
    a = torch.tensor([1., 2.], requires_grad=True)
    handles = {"a": a.register_hook(lambda g: g * 100)}
    b = a * 1
    b.register_hook(lambda g: handles["a"].remove())
    (b * 3 + a).sum().backward()
    assert r(a.grad) == [4.0, 4.0]
    ((a * 2).sum() + (a * 2).sum()).backward()
    assert r(a.grad) == [8.0, 8.0]


def test_a_leaf_hook_registered_during_the_pass_sees_the_whole_sum():
    a = torch.tensor([1., 2.], requires_grad=True)
    b = a * 1
    seen = []
    b.register_hook(lambda g: a.register_hook(lambda g: seen.append(r(g)) or g * 100) and None)
    (b * 3 + a * 5).sum().backward()
    assert seen == [[8.0, 8.0]] and r(a.grad) == [800.0, 800.0]


# ---------------------------------------------------------------- several outputs: one pass, as in PyTorch
def test_backward_of_several_outputs_shows_a_leaf_hook_one_sum():
    a = torch.tensor([1., 2.], requires_grad=True)
    calls = []
    a.register_hook(lambda g: calls.append(r(g)) or g.clamp(max=3))
    torch.autograd.backward([(a * a).sum(), (a * 3).sum()])
    assert calls == [[5.0, 7.0]] and r(a.grad) == [3.0, 3.0]


def test_backward_of_several_outputs_shows_a_shared_intermediates_hook_one_sum():
    a = torch.tensor([1., 2.], requires_grad=True)
    b = a * 2
    calls = []
    b.register_hook(lambda g: calls.append(r(g)) or g.clamp(max=5))
    torch.autograd.backward([(b * b).sum(), (b * 3).sum()])
    assert calls == [[7.0, 11.0]] and r(a.grad) == [10.0, 10.0]


def test_autograd_grad_of_several_outputs_shows_the_hook_one_sum():
    a = torch.tensor([1., 2.], requires_grad=True)
    calls = []
    a.register_hook(lambda g: calls.append(r(g)) or g.clamp(max=3))
    (g,) = torch.autograd.grad([(a * a).sum(), (a * 3).sum()], a)
    assert calls == [[5.0, 7.0]] and r(g) == [3.0, 3.0]


def test_autograd_grad_wrt_a_non_leaf_runs_no_hook_above_it():
    a = torch.tensor([1., 2.], requires_grad=True)
    calls = []
    a.register_hook(lambda g: calls.append(("a", r(g))) or g * 10)
    b = a * 3
    b.register_hook(lambda g: calls.append(("b", r(g))) or g + 1)
    (g,) = torch.autograd.grad(((b * 2) * (b * 2)).sum(), b)
    assert r(g) == [25.0, 49.0] and calls == [("b", [24.0, 48.0])] and a.grad is None


# ---------------------------------------------------------------- recurrent layers, BPTT, fused
TRAINED = {"LSTM": [1.410406, 1.332507, 1.213191], "GRU": [1.466972, 1.355544, 1.215598],
           "RNN": [3.449769, 2.795609, 1.828317]}
GRAD_HH = {"LSTM": [9e-06, -0.000406, -0.000456, -0.00049], "GRU": [5.9e-05, 0.000112, 1.3e-05, -3.5e-05],
           "RNN": [0.025238, 0.014507, -0.001927, 0.035395]}


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_clipping_by_hook_in_a_training_loop_of_a_recurrent_layer(kind):
    rnn = getattr(nn, kind)(3, 4, num_layers=2, batch_first=True)
    head = nn.Linear(4, 2)
    set_params(rnn)
    set_params(head)
    params = list(rnn.parameters()) + list(head.parameters())
    for p in params:
        p.register_hook(lambda g: g.clamp(-0.05, 0.05))
    opt = torch.optim.SGD(params, lr=0.5, momentum=0.9)
    x = torch.sin(torch.arange(30, dtype=torch.float64).reshape(2, 5, 3))
    y = torch.cos(torch.arange(4, dtype=torch.float64).reshape(2, 2))
    losses = []
    for _ in range(3):
        opt.zero_grad()
        out, _ = rnn(x)
        loss = ((head(out[:, -1]) - y) ** 2).mean() + ((head(out[:, 0]) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 6))
    assert losses == TRAINED[kind] and r(rnn.weight_hh_l1.grad)[:4] == GRAD_HH[kind]


def test_hidden_state_hooks_give_pytorchs_bptt_gradient_norms():
    cell = nn.GRUCell(2, 3)
    set_params(cell)
    h, norms, outs = torch.zeros(1, 3), {}, []
    for t in range(5):
        h = cell(torch.full((1, 2), 0.3 * (t + 1)), h)
        h.register_hook(lambda g, t=t: norms.__setitem__(t, round(float(g.norm()), 6)))
        outs.append(h)
    torch.stack(outs).pow(2).sum().backward()
    assert [norms[t] for t in range(5)] == [3.308786, 4.157419, 4.243285, 3.658429, 2.537813]


def test_a_cell_state_hook_scales_what_flows_back_through_time():
    cell = nn.LSTMCell(2, 3)
    set_params(cell)
    h, c, norms = torch.zeros(1, 3), torch.zeros(1, 3), []
    for t in range(4):
        h, c = cell(torch.full((1, 2), 0.3 * (t + 1)), (h, c))
        c.register_hook(lambda g: g * 0.5)
        h.register_hook(lambda g, t=t: norms.append((t, round(float(g.norm()), 6))))
    h.sum().backward()
    assert norms == [(3, 1.732051), (2, 0.100461), (1, 0.01302), (0, 0.001023)]
    assert r(cell.weight_hh.grad)[:4] == [0.014407, 0.014425, 0.007376, 0.018936]


def test_hooks_on_an_lstms_outputs_and_an_embeddings_weight():
    lstm = nn.LSTM(2, 3)
    set_params(lstm)
    x = torch.linspace(-1, 1, 8).reshape(4, 1, 2).requires_grad_()
    o, (hn, cn) = lstm(x)
    seen = []
    o.register_hook(lambda g: seen.append(r(g)) or g * 2)
    hn.register_hook(lambda g: g * 3)
    (o.sum() + hn.sum() + cn.sum()).backward()
    assert seen == [[1.0] * 12]
    assert r(x.grad) == [-0.72317, -0.644262, -0.892864, -0.859949, -0.815616, -0.7974, -1.75789, -1.491548]
    emb = nn.Embedding(5, 2)
    set_params(emb)
    seen = []
    emb.weight.register_hook(lambda g: seen.append(r(g)) or g * 2)
    (emb(torch.tensor([[0, 1, 1], [4, 1, 0]])) ** 2).sum().backward()
    once = [0.0, 0.723231, 2.022864, 2.687096, 0.0, 0.0, 0.0, 0.0, 0.180596, -0.187295]
    assert seen == [once] and r(emb.weight.grad) == [0.0, 1.446462, 4.045727, 5.374192, 0.0, 0.0, 0.0, 0.0,
                                                     0.361193, -0.374589]


def test_a_tied_weights_hook_sees_both_uses_summed():
    emb = nn.Embedding(4, 3)
    lin = nn.Linear(3, 4, bias=False)
    set_params(emb)
    lin.weight = emb.weight
    seen = []
    emb.weight.register_hook(lambda g: seen.append(r(g)) or g.clamp(-0.2, 0.2))
    idx = torch.tensor([0, 2, 2])
    torch.nn.functional.cross_entropy(lin(emb(idx)), torch.tensor([1, 2, 3])).backward()
    total = [-0.016331, -0.039439, -0.057209, 0.081466, 0.01112, -0.060732, -0.009405, 0.120877, 0.2348,
             -0.083107, -0.043156, 0.002635]
    assert seen == [total] and r(emb.weight.grad) == total[:8] + [0.2] + total[9:]


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_hooks_give_the_same_gradients_with_the_fused_layers_and_with_keep_grads_false(kind):
    def run(fused, keep=True):
        layer = getattr(core_nn, kind)(3, 4, num_layers=2, fused=fused)
        for k, p in enumerate(layer.parameters()):
            p._data[...] = np.sin(np.arange(p._data.size) * 0.37 + k).reshape(p._data.shape) * 0.5
        seen = []
        for p in layer.parameters():
            p.register_hook(lambda g: seen.append(float(np.linalg.norm(g))) or np.clip(g, -0.05, 0.05))
        out, _ = layer(tr.Tensor(np.sin(np.arange(30)).reshape(5, 2, 3)))
        out.register_hook(lambda g: g * 2.0)
        (out * out).sum().backward(keep_grads=keep)
        return [p.grad.copy() for p in layer.parameters()], seen
    plain, seen = run(False)
    fused, fused_seen = run(True)
    lean, lean_seen = run(False, keep=False)
    assert all(np.allclose(a, b, rtol=1e-12, atol=1e-14) for a, b in zip(plain, fused))
    assert np.allclose(seen, fused_seen, rtol=1e-12)
    assert all(np.array_equal(a, b) for a, b in zip(plain, lean)) and seen == lean_seen


def test_a_hook_that_returns_none_changes_no_bit():
    def grads(hooked):
        tr.manual_seed(3)
        layer = core_nn.LSTM(3, 4)
        x = tr.Tensor(np.cos(np.arange(24.0)).reshape(4, 2, 3), requires_grad=True)
        out, _ = layer(x)
        if hooked:
            out.register_hook(lambda g: None)
            x.register_hook(lambda g: None)
        (out * out).sum().backward()
        return [p.grad for p in layer.parameters()] + [x.grad]
    assert all(np.array_equal(a, b) for a, b in zip(grads(False), grads(True)))


def test_value_hooks_see_the_sum_and_take_numbers():
    v, w = tr.Value(2.0), tr.Value(3.0)
    seen = []
    v.register_hook(lambda g: seen.append(g) or g * 2)
    (v * w + v * v + (v * 3.0).tanh()).backward()
    expected = 3 + 4 + 3 * (1 - np.tanh(6.0) ** 2)
    assert seen == [pytest.approx(expected, abs=1e-15)] and v.grad == pytest.approx(2 * expected) and w.grad == 2.0
    v = tr.Value(2.0)
    v.register_hook(lambda g: np.float32(1.5))
    (v * v).backward()
    assert v.grad == 1.5 and type(v.grad) is float


def test_threads_each_hooking_their_own_intermediate_of_one_hooked_leaf():
    w = torch.ones(3, requires_grad=True)
    w.register_hook(lambda g: g * 2)
    seen, lock = [], threading.Lock()

    def record(g):
        with lock:
            seen.append(r(g))

    def work(k):
        for _ in range(30):
            h = w * (k + 1)
            h.register_hook(record)
            h.sum().backward()
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 120 and all(s == [1.0, 1.0, 1.0] for s in seen) and r(w.grad) == [600.0] * 3


# ---------------------------------------------------------------- Module forward hooks
def _linear(i=2, o=2):
    lin = nn.Linear(i, o)
    with torch.no_grad():
        lin.weight.copy_(torch.arange(i * o, dtype=torch.float64).reshape(o, i) * 0.1 - 0.3)
        lin.bias.copy_(torch.arange(o, dtype=torch.float64) * 0.2)
    return lin


def _times_ten(module, args, output):
    return output * 10


def test_forward_hooks_on_nested_sequentials_run_in_pytorchs_order():
    log = []
    model = nn.Sequential(nn.Sequential(_linear(2, 3), nn.Tanh()), _linear(3, 1))
    for name, m in model.named_modules():
        m.register_forward_pre_hook(lambda m, a, name=name: log.append(("pre", name or "root")))
        m.register_forward_hook(lambda m, a, o, name=name: log.append(("post", name or "root", tuple(o.shape))))
    out = model(torch.ones(4, 2))
    assert log == [("pre", "root"), ("pre", "0"), ("pre", "0.0"), ("post", "0.0", (4, 3)), ("pre", "0.1"),
                   ("post", "0.1", (4, 3)), ("post", "0", (4, 3)), ("pre", "1"), ("post", "1", (4, 1)),
                   ("post", "root", (4, 1))]
    assert r(out) == [0.058265] * 4


def test_a_forward_hook_that_rewrites_an_lstms_output_tuple():
    lstm = nn.LSTM(2, 3)
    set_params(lstm)
    seen = []

    def h(m, args, out):
        o, (hn, cn) = out
        seen.append((len(args), tuple(o.shape), tuple(hn.shape), tuple(cn.shape)))
        return o * 2, (hn, cn * 0)
    lstm.register_forward_hook(h)
    o, (hn, cn) = lstm(torch.linspace(-1, 1, 12).reshape(2, 2, 3)[..., :2].contiguous())
    assert seen == [(1, (2, 2, 3), (1, 2, 3), (1, 2, 3))]
    assert r(o) == [0.003972, -0.020769, -0.086734, -0.209106, -0.183541, -0.189362, -0.403431, -0.443264,
                    -0.37616, -0.683775, -0.775374, -0.541826]
    assert r(hn) == [-0.201715, -0.221632, -0.18808, -0.341888, -0.387687, -0.270913] and r(cn) == [0.0] * 6


def test_pre_hooks_with_kwargs_and_positional_states_of_an_lstm():
    lstm = nn.LSTM(2, 3, batch_first=True)
    set_params(lstm)
    seen = []
    lstm.register_forward_pre_hook(lambda m, a, k: seen.append((len(a), sorted(k))) or (a, k), with_kwargs=True)
    x = torch.linspace(-1, 1, 8).reshape(1, 4, 2)
    h0 = (torch.zeros(1, 1, 3), torch.ones(1, 1, 3) * 0.1)
    assert r(lstm(x, hx=h0)[0][0, -1]) == r(lstm(x, h0)[0][0, -1]) == [-0.462915, -0.46729, -0.246796]
    assert seen == [(1, ["hx"]), (2, [])]
    plain = nn.LSTM(2, 3)
    set_params(plain)
    plain.register_forward_pre_hook(lambda m, a: (a[0], h0))   # a pre-hook may add the state
    assert r(plain(x.reshape(4, 1, 2))[1][0]) == [-0.462915, -0.46729, -0.246796]


def test_a_with_kwargs_pre_hook_must_return_args_and_kwargs():
    lin = _linear()
    lin.register_forward_pre_hook(lambda m, a, k: a, with_kwargs=True)
    with pytest.raises(RuntimeError, match=r"forward pre-hook must return None or a tuple of \(new_args, "
                                           r"new_kwargs\), but got \(tensor"):
        lin(torch.ones(1, 2))


def test_forward_hooks_chain_and_see_the_args_the_pre_hooks_made():
    lin, seen = _linear(), []
    lin.register_forward_hook(lambda m, a, k, o: o + 1, with_kwargs=True)
    lin.register_forward_hook(lambda m, a, o: o * 2)
    lin.register_forward_pre_hook(lambda m, a, k: ((a[0] * 2,), k), with_kwargs=True)
    lin.register_forward_pre_hook(lambda m, a: seen.append(r(a[0])))
    lin.register_forward_hook(lambda m, a, o: seen.append(r(a[0])))
    assert r(lin(torch.ones(1, 2))) == [0.0, 2.0] and seen == [[2.0, 2.0], [2.0, 2.0]]
    calls = []
    lin = _linear()
    lin.register_forward_pre_hook(lambda m, a: calls.append("input" if a else "none"))
    lin(input=torch.ones(1, 2))
    assert calls == ["none"]


def test_forward_hooks_added_or_removed_by_a_hook_take_effect_on_the_next_call():
    lin, calls, handles = _linear(), [], {}

    def adds(m, a, o):
        calls.append("adds")
        if len(calls) == 1:
            m.register_forward_hook(lambda m, a, o: calls.append("inner"))
    lin.register_forward_hook(adds)
    lin(torch.ones(1, 2))
    lin(torch.ones(1, 2))
    assert calls == ["adds", "adds", "inner"]
    lin, calls = _linear(), []

    def removes(m, a, o):
        calls.append("removes")
        handles["b"].remove()
    handles["a"] = lin.register_forward_hook(removes)
    handles["b"] = lin.register_forward_hook(lambda m, a, o: calls.append("b"))
    lin(torch.ones(1, 2))
    lin(torch.ones(1, 2))
    assert calls == ["removes", "b", "removes"]


def test_modules_with_hooks_copy_pickle_and_save_as_in_pytorch():
    lin = _linear()
    handle = lin.register_forward_hook(_times_ten)
    lin.register_forward_pre_hook(lambda m, a: None)
    assert sorted(lin.state_dict()) == ["bias", "weight"] and len(list(lin.parameters())) == 2
    assert [n for n, _ in lin.named_modules()] == [""]
    twin = copy.deepcopy(lin)
    lin.__dict__["_forward_pre_hooks"].clear()                 # (a lambda does not pickle, in PyTorch neither)
    pickled = pickle.loads(pickle.dumps(lin))
    assert r(twin(torch.ones(1, 2))) == r(pickled(torch.ones(1, 2))) == [-5.0, 1.0]
    handle.remove()                                            # the copies keep theirs
    assert r(lin(torch.ones(1, 2))) == [-0.5, 0.1] and r(twin(torch.ones(1, 2))) == [-5.0, 1.0]
    lin.register_forward_hook(_times_ten)
    lin.load_state_dict(_linear().state_dict())
    assert r(lin(torch.ones(1, 2))) == [-5.0, 1.0]
    model = nn.Sequential(_linear(2, 3), nn.ReLU())
    model.register_forward_hook(_times_ten)
    assert repr(model) == ("Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n)")


def test_a_forward_hook_that_registers_a_tensor_hook():
    lin = _linear()
    set_params(lin)
    seen = []
    lin.register_forward_hook(lambda m, a, o: o.register_hook(lambda g: seen.append(r(g)) or g * 4) and None)
    x = torch.ones(1, 2, requires_grad=True)
    (lin(x) * torch.tensor([[1., 2.]])).sum().backward()
    assert seen == [[1.0, 2.0]] and r(x.grad) == [2.697152, 4.306026]
