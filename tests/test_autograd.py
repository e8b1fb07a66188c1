"""The shared graph machinery: gradient accumulation over reuse, repeated backward, private leaf grads,
deep graphs without recursion, no_grad/detach/scope, backward's errors, and freeing by refcount."""
import gc
import time
import weakref

import numpy as np
import pytest

import tinygrad_rnn as tr


@pytest.fixture
def gc_off():
    """Cyclic GC off: graphs must be freed by reference counting alone (and big graphs build faster)."""
    gc.disable()
    yield
    gc.enable()


def test_a_node_used_twice_gets_the_summed_gradient():
    a = tr.Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0
    x = tr.Tensor([1.0, -2.0], requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, -4.0])


def test_diamond():
    a = tr.Value(1.5)
    b, c = a * 2, a + 3                                   # two paths from a to d
    (b * c).backward()
    assert a.grad == 2 * c.data + b.data                  # dd/da = 2c + b
    assert b.grad == c.data and c.grad == b.data


def test_hidden_state_feeding_two_branches():
    w = tr.Tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    x = np.array([1.0, 2.0])
    u, v = np.array([1.0, 3.0]), np.array([-2.0, 0.5])
    h = (w @ x).tanh()                                    # consumed by the output and by the next step
    loss = (h * u).sum() + ((w @ h).tanh() * v).sum()
    loss.backward()
    hd = np.tanh(w.data @ x)                              # plain-numpy backprop of the same two branches
    dh2 = v * (1 - np.tanh(w.data @ hd) ** 2)
    dh = u + w.data.T @ dh2
    np.testing.assert_allclose(h.grad, dh, rtol=1e-14)
    np.testing.assert_allclose(w.grad, np.outer(dh * (1 - hd ** 2), x) + np.outer(dh2, hd), rtol=1e-14)


def _two_layer(w: tr.Tensor, x: tr.Tensor) -> tuple:
    hidden = (x @ w).tanh()
    return hidden, (hidden * hidden).mean()


def test_second_backward_repeats_or_accumulates_exactly():
    w = tr.Tensor(np.linspace(-1, 1, 6).reshape(3, 2), requires_grad=True)
    x = tr.Tensor(np.ones((4, 3)), requires_grad=True)
    hidden, loss = _two_layer(w, x)
    loss.backward()
    first_w, first_hidden = w.grad.copy(), hidden.grad.copy()
    loss.backward()                                       # leaves accumulate: exactly twice
    np.testing.assert_array_equal(w.grad, 2 * first_w)
    np.testing.assert_array_equal(hidden.grad, first_hidden)   # intermediates are reset first: no leak
    w.zero_grad()
    x.zero_grad()
    assert w.grad is None
    loss.backward()
    np.testing.assert_array_equal(w.grad, first_w)
    v = tr.Value(0.5)
    out = (v * 3.0).tanh()
    out.backward()
    first = v.grad
    assert first == pytest.approx(3.0 * (1 - out.data ** 2), rel=1e-15)
    out.backward()
    assert v.grad == 2 * first


def test_keep_grads_false_drops_intermediate_grads_and_leaves_the_leaves_alone():
    w = tr.Tensor(np.linspace(-1, 1, 6).reshape(3, 2), requires_grad=True)
    x = tr.Tensor(np.ones((4, 3)), requires_grad=True)
    hidden, loss = _two_layer(w, x)
    loss.backward()
    kept = w.grad.copy(), x.grad.copy()
    assert hidden.grad is not None
    w.zero_grad()
    x.zero_grad()
    loss.backward(keep_grads=False)
    np.testing.assert_array_equal(w.grad, kept[0])
    np.testing.assert_array_equal(x.grad, kept[1])
    assert hidden.grad is None and loss.grad is None
    v = tr.Value(0.5)
    mid = v * 3.0
    mid.tanh().backward(keep_grads=False)
    assert mid.grad is None and v.grad == pytest.approx(3.0 * (1 - np.tanh(1.5) ** 2), rel=1e-15)


def test_a_weight_shared_by_many_linear_nodes_gets_the_sum_of_their_products():
    from tinygrad_rnn.nn.functional import linear
    rng = np.random.default_rng(3)
    w = tr.Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    xs = [tr.Tensor(rng.standard_normal((2, 3))) for _ in range(5)]
    twice = w * 2.0                                        # an intermediate weight: its products are
    outs = [linear(x, twice) for x in xs]                  # summed before its own backward runs
    seeds = [rng.standard_normal((2, 4)) for _ in xs]
    loss = sum(((o * s).sum() for o, s in zip(outs, seeds)), tr.Tensor(0.0))
    loss.backward()
    want = sum(s.T @ x.data for s, x in zip(seeds, xs))    # sum over the uses of g^T x
    np.testing.assert_allclose(twice.grad, want, rtol=1e-13)
    np.testing.assert_allclose(w.grad, 2 * want, rtol=1e-13)
    loss.backward()                                        # a second pass: the leaf accumulates
    np.testing.assert_allclose(w.grad, 4 * want, rtol=1e-13)
    np.testing.assert_allclose(twice.grad, want, rtol=1e-13)


def test_products_too_big_to_stack_at_once_are_summed_in_groups(monkeypatch):
    from tinygrad_rnn.matmul import ProductGrad
    from tinygrad_rnn.nn.functional import linear
    rng = np.random.default_rng(4)
    w = tr.Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    xs = [tr.Tensor(rng.standard_normal((2, 3))) for _ in range(7)]
    seeds = [rng.standard_normal((2, 4)) for _ in xs]
    monkeypatch.setattr(ProductGrad, "STACK_BYTES", 200)      # two uses' factors (2*4 + 2*3 floats) per group
    sum(((linear(x, w) * s).sum() for x, s in zip(xs, seeds)), tr.Tensor(0.0)).backward()
    np.testing.assert_allclose(w.grad, sum(s.T @ x.data for s, x in zip(seeds, xs)), rtol=1e-13)


def test_leaf_grads_are_private_writable_arrays():
    a, b = tr.Tensor([1.0, 2.0], requires_grad=True), tr.Tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()                              # add hands the same array to both parents
    a.grad *= 0.5
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])
    c = tr.Tensor(np.ones((2, 3)), requires_grad=True)
    c.sum().backward()                                    # sum's gradient is a read-only broadcast view
    assert c.grad.flags.writeable and c.grad.flags.owndata
    c.grad[0, 0] = 7.0
    seed = np.ones(2)
    (a * 1.0).backward(seed)
    seed[0] = 100.0
    np.testing.assert_array_equal(a.grad, [1.5, 1.5])      # 0.5 + 1: the later change to seed is not seen


def test_value_chain_of_a_million_nodes(gc_off):
    start = time.process_time()                           # CPU time: robust to a busy machine
    x, c = tr.Value(1.0), tr.Value(1.0 + 1e-6)
    y = x
    for _ in range(10**6):
        y = y * c                                         # y = x * c^N
    y.backward()
    assert time.process_time() - start < 15               # a few seconds; recursion would have failed
    n = 10**6
    assert x.grad == pytest.approx(c.data ** n, rel=1e-9)
    assert c.grad == pytest.approx(n * c.data ** (n - 1), rel=1e-9)   # c used 10^6 times


def test_tensor_recurrence_of_5000_steps_matches_hand_written_bptt(gc_off):
    rng = np.random.default_rng(0)
    steps = 5000
    w = tr.Tensor(rng.standard_normal((3, 3)) * 0.5, requires_grad=True)
    xs = tr.Tensor(rng.standard_normal((steps, 3)), requires_grad=True)
    h, states = tr.Tensor(np.zeros(3)), []
    for t in range(steps):
        h = (w @ h + xs[t]).tanh()                        # h_t = tanh(W h_{t-1} + x_t)
        states.append(h)
    tr.stack(states).sum().backward()                     # L = sum_t sum(h_t)
    hs = np.concatenate([np.zeros((1, 3)), np.stack([s.data for s in states])])
    dw, dxs, carry = np.zeros((3, 3)), np.zeros((steps, 3)), np.zeros(3)
    for t in reversed(range(steps)):                      # BPTT by hand
        da = (1.0 + carry) * (1 - hs[t + 1] ** 2)
        dw += np.outer(da, hs[t])
        dxs[t] = da
        carry = w.data.T @ da
    np.testing.assert_allclose(w.grad, dw, rtol=1e-10)
    np.testing.assert_allclose(xs.grad, dxs, rtol=1e-10, atol=1e-14)


def test_no_grad_records_nothing_and_nests():
    x = tr.Tensor([1.0, 2.0], requires_grad=True)
    with tr.no_grad():
        y = (x * 2).exp()
        with tr.no_grad():
            pass
        z = x + 1                                         # still off after the inner block
    assert not y.requires_grad and y.parents == () and not z.requires_grad
    with pytest.raises(KeyError), tr.no_grad():
        raise KeyError("boom")
    assert (x * 2).requires_grad and (x * 2).parents[0] is x


def test_detach_cuts_the_gradient():
    x = tr.Tensor([1.0, 2.0], requires_grad=True)
    d = (x * 3).detach()
    assert not d.requires_grad and d.parents == ()
    np.testing.assert_array_equal(d.data, [3.0, 6.0])
    (x * d).sum().backward()                              # d is a constant: d(x*d)/dx = d
    np.testing.assert_array_equal(x.grad, [3.0, 6.0])


def test_scopes_nest_tag_nodes_and_are_restored_after_errors():
    x = tr.Tensor([1.0], requires_grad=True)
    with tr.scope("layer0"):
        a = x * 2
        with tr.scope("t=3"):
            b = a.tanh()
            leaf = tr.Value(1.0)
        c = b + 1
    assert (x.scope, a.scope, b.scope, leaf.scope, c.scope) == (
        (), ("layer0",), ("layer0", "t=3"), ("layer0", "t=3"), ("layer0",))
    with pytest.raises(ZeroDivisionError), tr.scope("outer"):
        1 / 0
    assert (x + 1).scope == ()
    with pytest.raises(TypeError, match="scope\\(name\\) expects a str, got int"):
        with tr.scope(3):
            pass


def test_backward_error_messages():
    x = tr.Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"backward\(\) without grad= needs a scalar .* shape \(2, 3\)"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match="backward\\(\\) called on a Tensor that does not require grad"):
        tr.Tensor([1.0]).sum().backward()
    with pytest.raises(RuntimeError, match="backward\\(\\) called on a Value that does not require grad"):
        tr.Value(1.0, requires_grad=False).exp().backward()
    with pytest.raises(ValueError, match=r"backward\(grad\) expects shape \(2, 3\) \(the Tensor's\), got \(3, 2\)"):
        (x * 2).backward(np.ones((3, 2)))
    with pytest.raises(TypeError, match=r"backward\(grad\) expects real numbers .* got dtype <U1"):
        (x * 2).backward([["a"] * 3] * 2)
    with pytest.raises(TypeError, match=r"backward\(keep_grads=\.\.\.\) expects True or False, got 0"):
        (x * 2).sum().backward(keep_grads=0)


@pytest.mark.parametrize("build", ["value_chain", "tensor_graph"])
def test_dropped_graphs_are_freed_by_reference_counting(build, gc_off):
    import tinygrad_rnn.nn.functional as F
    if build == "value_chain":
        y = tr.Value(0.5)
        for _ in range(1000):
            y = (y * 1.001).tanh()
        probe = weakref.ref(y.parents[0])
    else:
        w = tr.Tensor(np.ones((3, 4)), requires_grad=True)
        with tr.scope("t=0"):
            h = (tr.Tensor(np.ones((2, 3))) @ w).sigmoid()
        y = F.cross_entropy(tr.concatenate([h, h[:, ::-1]], axis=1), [0, 5])
        probe = weakref.ref(h)
        del h
    y.backward()
    assert probe() is not None
    del y
    assert probe() is None
