"""Optimizers against plain-numpy re-derivations of PyTorch's documented update rules, and hand-worked values."""
import math
import weakref

import numpy as np
import pytest

import tinygrad_rnn as tr
from tinygrad_rnn import optim
from tinygrad_rnn.nn.layers import Linear
from tinygrad_rnn.nn.module import Parameter

THETA0 = np.array([[0.5, -1.5, 2.0], [-0.25, 1.0, 3.0]])
GRADS = [np.array([[0.3, -0.2, 1.0], [2.0, -0.5, 0.1]]),
         np.array([[-0.4, 0.1, 0.7], [1.5, 0.5, -0.2]]),
         np.array([[0.2, 0.3, -0.6], [-1.0, 0.8, 0.4]]),
         np.array([[0.1, -0.9, 0.5], [0.6, -0.3, 0.9]])]


def run(make_opt, theta0=THETA0, grads=GRADS, dtype=np.float64):
    """Step an optimizer through the fixed gradients; returns the parameter after each step."""
    p = Parameter(theta0.astype(dtype))
    opt = make_opt([p])
    trace = []
    for g in grads:
        p.grad = g.astype(dtype)
        opt.step()
        trace.append(p.data.copy())
    return trace


# ---------------------------------------------------------------- plain-numpy references
def sgd_ref(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    theta, velocity, trace = THETA0.copy(), None, []
    for g in GRADS:
        d = g + weight_decay * theta
        if momentum:
            velocity = d if velocity is None else momentum * velocity + (1 - dampening) * d
            d = d + momentum * velocity if nesterov else velocity
        theta = theta - lr * d
        trace.append(theta)
    return trace


def adagrad_ref(lr=0.01, lr_decay=0.0, weight_decay=0.0, eps=1e-10, initial_accumulator_value=0.0):
    theta, total, trace = THETA0.copy(), np.full_like(THETA0, initial_accumulator_value), []
    for t, g in enumerate(GRADS, start=1):
        d = g + weight_decay * theta
        total = total + d ** 2
        theta = theta - lr / (1 + (t - 1) * lr_decay) * d / (np.sqrt(total) + eps)
        trace.append(theta)
    return trace


def adam_ref(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    b1, b2 = betas
    theta, m, v, trace = THETA0.copy(), np.zeros_like(THETA0), np.zeros_like(THETA0), []
    for t, g in enumerate(GRADS, start=1):
        d = g + weight_decay * theta
        m = b1 * m + (1 - b1) * d
        v = b2 * v + (1 - b2) * d ** 2
        theta = theta - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        trace.append(theta)
    return trace


SGD_CASES = [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.05, momentum=0.9, dampening=0.3),
             dict(lr=0.1, momentum=0.8, nesterov=True), dict(lr=0.1, weight_decay=0.01),
             dict(lr=0.2, momentum=0.5, dampening=0.1, weight_decay=0.1),
             dict(lr=0.1, momentum=0.9, weight_decay=0.05, nesterov=True)]
ADAGRAD_CASES = [dict(), dict(lr=0.1), dict(lr=0.1, lr_decay=0.5), dict(lr=0.1, weight_decay=0.2),
                 dict(lr=0.1, initial_accumulator_value=0.5), dict(lr=0.3, eps=0.1, lr_decay=0.1, weight_decay=0.1)]
ADAM_CASES = [dict(), dict(lr=0.1), dict(lr=0.1, betas=(0.5, 0.9)), dict(lr=0.1, weight_decay=0.1),
              dict(lr=0.05, betas=(0.0, 0.99), eps=0.1, weight_decay=0.01)]


@pytest.mark.parametrize("kw", SGD_CASES)
def test_sgd_matches_numpy(kw):
    np.testing.assert_allclose(run(lambda ps: optim.SGD(ps, **kw)), sgd_ref(**kw), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("kw", ADAGRAD_CASES)
def test_adagrad_matches_numpy(kw):
    np.testing.assert_allclose(run(lambda ps: optim.Adagrad(ps, **kw)), adagrad_ref(**kw), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("kw", ADAM_CASES)
def test_adam_matches_numpy(kw):
    np.testing.assert_allclose(run(lambda ps: optim.Adam(ps, **kw)), adam_ref(**kw), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("make, ref", [
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1),
     lambda: sgd_ref(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    (lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.2, weight_decay=0.1), lambda: adagrad_ref(0.1, 0.2, 0.1)),
    (lambda ps: optim.Adam(ps, lr=0.1, weight_decay=0.1), lambda: adam_ref(lr=0.1, weight_decay=0.1))])
def test_float32_parameters_stay_float32(make, ref):
    trace = run(make, dtype=np.float32)
    assert all(t.dtype == np.float32 for t in trace)
    np.testing.assert_allclose(trace, ref(), rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: optim.Adagrad(ps), lambda ps: optim.Adam(ps)])
def test_state_buffers_keep_the_parameter_dtype(make):
    p = Parameter(THETA0.astype(np.float32))
    opt = make([p])
    p.grad = GRADS[0].astype(np.float32)
    opt.step()
    arrays = [v for v in opt.state[p].values() if isinstance(v, np.ndarray)]
    assert arrays and all(a.dtype == np.float32 for a in arrays)


def test_updates_are_in_place_and_leave_the_gradient_alone():
    p = Parameter(THETA0.copy())
    data, grad = weakref.ref(p.data), GRADS[0].copy()         # (a plain reference would hold the array:
    p.grad = grad                                             # then the step must copy, see below)
    optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.1).step()
    assert p.data is data()                                   # same array, changed in place
    np.testing.assert_array_equal(grad, GRADS[0])


def test_an_array_held_elsewhere_is_not_changed_by_a_step():
    p = Parameter(THETA0.copy())
    held = p.data                                             # as a recorded graph holds it
    p.grad = GRADS[0].copy()
    optim.SGD([p], lr=0.1).step()
    np.testing.assert_array_equal(held, THETA0)
    np.testing.assert_allclose(p.data, THETA0 - 0.1 * GRADS[0], rtol=1e-15)


def test_sgd_momentum_buffer_is_a_copy_of_the_first_gradient():
    p = Parameter(np.zeros(3))
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.ones(3)
    opt.step()
    p.grad *= 7.0                                             # must not reach the stored velocity
    np.testing.assert_array_equal(opt.state[p]["momentum_buffer"], np.ones(3))


# ---------------------------------------------------------------- hand-worked anchors (PyTorch's numbers)
def constant_grad_trace(opt_cls, g=1.0, steps=3, **kw):
    return [float(t[0]) for t in run(lambda ps: opt_cls(ps, **kw), np.array([1.0]), [np.array([g])] * steps)]


def test_anchor_sgd_momentum_starts_from_the_first_gradient():
    # b = 1, 0.9*1 + 0.5*1 = 1.4, 0.9*1.4 + 0.5 = 1.76 (no dampening on step 1); theta = 1 - 0.1 * cumsum(b)
    assert constant_grad_trace(optim.SGD, lr=0.1, momentum=0.9, dampening=0.5) == pytest.approx(
        [0.9, 0.76, 0.584], abs=1e-15)


def test_anchor_sgd_nesterov():
    # b = 1, 1.9, 2.71; step direction g + 0.9 b = 1.9, 2.71, 3.439
    assert constant_grad_trace(optim.SGD, lr=0.1, momentum=0.9, nesterov=True) == pytest.approx(
        [0.81, 0.539, 0.1951], abs=1e-15)


def test_anchor_adagrad():
    # s = 1, 2, 3; steps 0.1 / (sqrt(s) + 1e-10) = 0.1/1, 0.1/sqrt(2), 0.1/sqrt(3) (eps below 1e-10)
    trace = constant_grad_trace(optim.Adagrad, lr=0.1)
    assert trace == pytest.approx([0.9, 0.9 - 0.1 / math.sqrt(2), 0.9 - 0.1 / math.sqrt(2) - 0.1 / math.sqrt(3)],
                                  abs=1e-10)
    assert trace == pytest.approx([0.9, 0.8292893219, 0.7715542950], abs=1e-10)
    # lr_decay 0.5: lr_t = 0.1, 0.1/1.5, 0.1/2
    assert constant_grad_trace(optim.Adagrad, lr=0.1, lr_decay=0.5) == pytest.approx(
        [0.9, 0.8528595479, 0.8239920345], abs=1e-10)


def test_anchor_adam_steps_by_lr_for_a_constant_gradient():
    # m_hat = g and v_hat = g^2 exactly, so every step is lr * g / (|g| + eps) = 0.1 / (1 + 2e-8)
    step = 0.1 * 0.5 / (0.5 + 1e-8)
    assert constant_grad_trace(optim.Adam, g=0.5, lr=0.1) == pytest.approx(
        [1 - step, 1 - 2 * step, 1 - 3 * step], abs=1e-15)
    assert constant_grad_trace(optim.Adam, g=0.5, lr=0.1)[2] == pytest.approx(0.700000006, abs=1e-12)


def test_anchor_adam_sign_flip():
    # g = +1 then -1: m2 = -0.01, m_hat2 = -0.01/0.19 = -1/19; v2 = 0.001999 = 1 - 0.999^2, v_hat2 = 1
    trace = run(lambda ps: optim.Adam(ps, lr=0.1), np.array([1.0]), [np.array([1.0]), np.array([-1.0])])
    assert float(trace[1][0]) == pytest.approx(1 - 0.1 / (1 + 1e-8) + (0.1 / 19) / (1 + 1e-8), abs=1e-14)
    assert float(trace[1][0]) == pytest.approx(0.9052631579, abs=1e-9)


# ---------------------------------------------------------------- the Optimizer plumbing
def test_step_skips_parameters_without_grad_and_zero_grad_clears():
    a, b = Parameter(np.ones(2)), Parameter(np.ones(3))
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = np.array([1.0, -1.0])
    opt.step()
    np.testing.assert_array_equal(b.data, np.ones(3))
    assert b not in opt.state and a in opt.state
    np.testing.assert_allclose(a.data, [1 - 0.1 / (1 + 1e-8), 1 + 0.1 / (1 + 1e-8)])
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_params_from_a_generator_are_kept():
    layer = Linear(2, 2)
    opt = optim.SGD((p for p in layer.parameters()), lr=0.1)
    assert opt.params == layer.parameters()
    for _ in range(2):                                        # a consumed generator would update nothing
        before = [p.data.copy() for p in layer.parameters()]
        for p in layer.parameters():
            p.grad = np.ones_like(p.data)
        opt.step()
        for p, old in zip(layer.parameters(), before):
            np.testing.assert_allclose(p.data, old - 0.1)


def test_changing_the_learning_rate_between_steps():
    p = Parameter(np.zeros(1))
    opt = optim.SGD([p], lr=0.1)
    p.grad = np.ones(1)
    opt.step()
    opt.param_groups[0]["lr"] = 0.01                          # the groups are the truth (PyTorch)
    opt.defaults["lr"] = 5.0                                  # defaults only serve groups added later
    opt.step()
    np.testing.assert_allclose(p.data, [-0.11])


def test_training_with_backward_fits_a_line():
    tr.manual_seed(0)
    x = tr.Tensor(np.linspace(-1, 1, 8).reshape(8, 1))
    y = 2.0 * x.data - 0.5
    model = Linear(1, 1)
    opt = optim.SGD(model.parameters(), lr=0.2, momentum=0.5)
    for _ in range(200):
        opt.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        opt.step()
    np.testing.assert_allclose([model.weight.item(), model.bias.item()], [2.0, -0.5], atol=1e-6)


def test_repr_lists_the_hyperparameters():
    assert repr(optim.SGD([Parameter(np.ones(1))], lr=0.5)) == (       # PyTorch's layout, keys sorted
        "SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.5\n    maximize: False\n    momentum: 0\n"
        "    nesterov: False\n    weight_decay: 0\n)")


def test_the_base_class_needs_update():
    p = Parameter(np.ones(1))
    opt = optim.Optimizer([p], {"lr": 0.1})
    p.grad = np.ones(1)
    with pytest.raises(NotImplementedError, match="Optimizer does not define update"):
        opt.step()


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("params, error, message", [
    ([], ValueError, "SGD: optimizer got an empty parameter list"),
    (Parameter(np.ones(2)), TypeError, "got a single Tensor"),
    (Linear(2, 2), TypeError, r"got a Module \(pass module.parameters\(\)\)"),
    (3, TypeError, "params must be an iterable of Tensors, got int"),
    ([np.ones(2)], TypeError, "params must be Tensors, got ndarray at position 0"),
    ([Parameter(np.ones(2)) * 2.0], ValueError,
     r"SGD: can't optimize a non-leaf Tensor: parameter 0 \(shape \(2,\)\) must be a leaf"),
])
def test_bad_params(params, error, message):
    with pytest.raises(error, match=message):
        optim.SGD(params, lr=0.1)


def test_duplicate_params():
    p = Parameter(np.ones(2))
    with pytest.raises(ValueError, match="Adam: a parameter appears more than once"):
        optim.Adam([p, p])


@pytest.mark.parametrize("make, message", [
    (lambda ps: optim.SGD(ps, lr=0.0), "SGD: lr must be a positive number, got 0.0"),
    (lambda ps: optim.SGD(ps, lr=-0.1), "SGD: lr must be a positive number, got -0.1"),
    (lambda ps: optim.SGD(ps, lr=math.nan), "SGD: lr must be a positive number, got nan"),
    (lambda ps: optim.SGD(ps, lr=True), "SGD: lr must be a positive number, got True"),
    (lambda ps: optim.SGD(ps, lr="0.1"), "SGD: lr must be a positive number, got '0.1'"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=-0.5), "SGD: momentum must be a number >= 0, got -0.5"),
    (lambda ps: optim.SGD(ps, lr=0.1, weight_decay=-1), "SGD: weight_decay must be a number >= 0, got -1"),
    (lambda ps: optim.SGD(ps, lr=0.1, dampening=math.inf), "SGD: dampening must be a finite number, got inf"),
    (lambda ps: optim.SGD(ps, lr=0.1, nesterov=True),
     "SGD: nesterov=True requires momentum > 0 and dampening = 0, got momentum=0.0, dampening=0.0"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     "SGD: nesterov=True requires momentum > 0 and dampening = 0, got momentum=0.9, dampening=0.1"),
    (lambda ps: optim.Adagrad(ps, lr=0), "Adagrad: lr must be a positive number, got 0"),
    (lambda ps: optim.Adagrad(ps, lr_decay=-0.1), "Adagrad: lr_decay must be a number >= 0, got -0.1"),
    (lambda ps: optim.Adagrad(ps, weight_decay=-0.1), "Adagrad: weight_decay must be a number >= 0, got -0.1"),
    (lambda ps: optim.Adagrad(ps, eps=-1e-10), "Adagrad: eps must be a number >= 0, got -1e-10"),
    (lambda ps: optim.Adagrad(ps, initial_accumulator_value=-1),
     "Adagrad: initial_accumulator_value must be a number >= 0, got -1"),
    (lambda ps: optim.Adam(ps, lr=-1e-3), "Adam: lr must be a positive number, got -0.001"),
    (lambda ps: optim.Adam(ps, betas=(1.0, 0.999)), r"Adam: betas\[0\] must be in \[0, 1\), got 1.0"),
    (lambda ps: optim.Adam(ps, betas=(0.9, -0.1)), r"Adam: betas\[1\] must be in \[0, 1\), got -0.1"),
    (lambda ps: optim.Adam(ps, betas=0.9), r"Adam: betas must be a pair \(beta1, beta2\), got 0.9"),
    (lambda ps: optim.Adam(ps, betas=(0.9, 0.99, 0.999)), "Adam: betas must be a pair"),
    (lambda ps: optim.Adam(ps, eps=-1e-8), "Adam: eps must be a number >= 0, got -1e-08"),
    (lambda ps: optim.Adam(ps, weight_decay=-0.01), "Adam: weight_decay must be a number >= 0, got -0.01"),
])
def test_bad_hyperparameters(make, message):
    with pytest.raises(ValueError, match=message):
        make([Parameter(np.ones(2))])
