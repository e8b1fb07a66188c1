"""The optimizers as PyTorch's torch.optim: every update rule against numbers worked out from PyTorch's
documented algorithms, parameter groups, state_dict round trips, zero_grad, step(closure), repr, and
the errors. (The expected numbers were also checked against PyTorch itself, outside this suite.)"""
import numpy as np
import pytest

import tinygrad_rnn as tr
from tinygrad_rnn import optim
from tinygrad_rnn.nn.module import Parameter

THETA0 = [1.0, -2.0]
GRADS = [[0.5, -1.0], [-0.25, 2.0], [1.0, 0.5]]

# (optimizer, hyperparameters, theta after each of the three steps). Worked from the documented rules,
# e.g. SGD(momentum=0.9, dampening=0.5): b = g1 = [0.5, -1]; b = 0.9 b + 0.5 g2 = [0.325, 0.1];
# b = 0.9 b + 0.5 g3 = [0.7925, 0.34]; theta = theta0 - 0.1 * cumsum(b). Adam's first step is
# lr * g / (|g| + eps) (m_hat = g, v_hat = g^2); AdamW first multiplies theta by 1 - lr * weight_decay.
RULES = [
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5),
     [[0.95, -1.9], [0.9175, -1.91], [0.83825, -1.944]]),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1),
     [[0.886, -1.772], [0.868066, -2.021132], [0.630906146, -2.137897292]]),
    ("SGD", dict(lr=0.1, momentum=0.5, maximize=True),
     [[1.05, -2.1], [1.05, -1.95], [1.15, -1.825]]),
    ("Adam", dict(lr=0.1),
     [[0.900000002, -1.900000001], [0.8733662987078463, -1.9366103534720749],
      [0.8075551396770898, -1.9781754731467738]]),
    ("Adam", dict(lr=0.1, weight_decay=0.1, amsgrad=True),
     [[0.9000000016666666, -1.9000000008333333], [0.8544413674617625, -1.9250178784643248],
      [0.7815043998631658, -1.953127270691488]]),
    ("AdamW", dict(lr=0.1, weight_decay=0.5),
     [[0.850000002, -1.800000001], [0.7808662986078463, -1.7466103534220747],
      [0.6760118246466974, -1.7008449554256697]]),
    ("AdamW", dict(lr=0.1, betas=(0.5, 0.9), weight_decay=0.5, amsgrad=True, maximize=True),
     [[1.049999998, -1.999999999], [0.9974999981, -1.837730014530031], [1.0314699363258995, -1.6927234526278776]]),
    ("RMSprop", dict(lr=0.1, alpha=0.9),
     [[0.6837722539831608, -1.6837722439831617], [0.8312142014424063, -1.9694865256158147],
      [0.5493562793036686, -2.042731366456484]]),
    ("RMSprop", dict(lr=0.1, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1),
     [[0.6666666851851841, -1.6666666759259257], [0.5987191093719111, -1.7702996860765452],
      [0.2655061606978424, -1.8719781748177549]]),
    ("RMSprop", dict(lr=0.01, maximize=True),
     [[1.099999980000004, -2.099999990000001], [1.055098662557825, -2.010467697800848],
      [1.1425726216071406, -1.9885203461367447]]),
    ("Adagrad", dict(lr=0.1, lr_decay=0.5, weight_decay=0.1, initial_accumulator_value=0.25),
     [[0.9231778720500985, -1.9076923076994083], [0.9363711042362549, -1.9618321197651492],
      [0.8959591137861536, -1.9685881958873828]]),
    ("Adagrad", dict(lr=0.1, maximize=True),
     [[1.09999999998, -2.09999999999], [1.0552786404380043, -2.0105572808940084],
      [1.1425657965247822, -1.9887354918713616]]),
]
ALL = {"SGD": dict(lr=0.1, momentum=0.9), "Adam": dict(lr=0.1), "AdamW": dict(lr=0.1),
       "RMSprop": dict(lr=0.1, momentum=0.5, centered=True), "Adagrad": dict(lr=0.1)}


def steps(opt, params, grads) -> list:
    """Give each parameter its gradient and step, once per entry of grads; the parameters after each step."""
    trace = []
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = np.array(g, dtype=p.data.dtype)
        opt.step()
        trace.append([p.data.copy() for p in params])
    return trace


# ---------------------------------------------------------------- the update rules
@pytest.mark.parametrize("name, kw, expected", RULES, ids=[f"{n}-{'-'.join(kw)}" for n, kw, _ in RULES])
def test_rule_matches_the_worked_numbers(name, kw, expected):
    p = Parameter(np.array(THETA0))
    trace = steps(getattr(optim, name)([p], **kw), [p], [[g] for g in GRADS])
    np.testing.assert_allclose([t[0] for t in trace], expected, rtol=1e-14, atol=0)


@pytest.mark.parametrize("name, kw, expected", RULES, ids=[f"{n}-{'-'.join(kw)}" for n, kw, _ in RULES])
def test_rule_in_float32(name, kw, expected):
    p = Parameter(np.array(THETA0, dtype=np.float32))
    opt = getattr(optim, name)([p], **kw)
    trace = steps(opt, [p], [[g] for g in GRADS])
    assert all(t[0].dtype == np.float32 for t in trace)
    assert all(v.dtype == np.float32 for v in opt.state[p].values() if isinstance(v, np.ndarray))
    np.testing.assert_allclose([t[0] for t in trace], expected, rtol=2e-6)


def test_state_keys_are_pytorchs():
    p = Parameter(np.array(THETA0))
    keys = {}
    for name, kw in [("SGD", dict(momentum=0.9)), ("Adam", dict(amsgrad=True)), ("AdamW", {}),
                     ("RMSprop", dict(momentum=0.9, centered=True)), ("Adagrad", {})]:
        opt = getattr(optim, name)([p], **kw)
        steps(opt, [p], [[GRADS[0]]])
        keys[name] = sorted(opt.state[p])
    assert keys == {"SGD": ["momentum_buffer"], "Adam": ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"],
                    "AdamW": ["exp_avg", "exp_avg_sq", "step"],
                    "RMSprop": ["grad_avg", "momentum_buffer", "square_avg", "step"], "Adagrad": ["step", "sum"]}


def test_defaults_are_pytorchs():
    p = Parameter(np.ones(1))
    hyper = lambda opt: {k: v for k, v in opt.param_groups[0].items() if k != "params"}       # noqa: E731
    assert hyper(optim.SGD([p])) == dict(lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                                         maximize=False)
    assert hyper(optim.AdamW([p])) == dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False,
                                           maximize=False, decoupled_weight_decay=True)
    assert hyper(optim.RMSprop([p])) == dict(lr=1e-2, momentum=0, alpha=0.99, eps=1e-8, centered=False,
                                             weight_decay=0, maximize=False)
    assert hyper(optim.Adagrad([p])) == dict(lr=1e-2, lr_decay=0, eps=1e-10, weight_decay=0,
                                             initial_accumulator_value=0, maximize=False)


def test_adamw_decay_keeps_an_array_a_graph_holds():
    p = Parameter(np.array(THETA0))
    held = p.data                                             # as a recorded graph holds it
    steps(optim.AdamW([p], lr=0.1, weight_decay=0.5), [p], [[GRADS[0]]])
    np.testing.assert_array_equal(held, THETA0)
    np.testing.assert_allclose(p.data, RULES[5][2][0], rtol=1e-15)


# ---------------------------------------------------------------- parameter groups
def test_groups_have_their_own_learning_rate():
    a, b = Parameter(np.zeros(2)), Parameter(np.zeros(3))
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.01, "momentum": 0.5}], lr=0.1)
    assert [g["params"] for g in opt.param_groups] == [[a], [b]]           # a lone Tensor is wrapped
    assert [(g["lr"], g["momentum"]) for g in opt.param_groups] == [(0.1, 0), (0.01, 0.5)]
    steps(opt, [a, b], [[np.ones(2), np.ones(3)]] * 2)
    np.testing.assert_allclose(a.data, [-0.2, -0.2])                       # 2 steps of 0.1
    np.testing.assert_allclose(b.data, [-0.025] * 3)                       # 0.01 * (1 + 1.5)
    assert a not in opt.state and "momentum_buffer" in opt.state[b]        # no momentum: no state


def test_changing_a_groups_lr_takes_effect_at_the_next_step():
    a, b = Parameter(np.zeros(1)), Parameter(np.zeros(1))
    opt = optim.Adam([{"params": [a]}, {"params": [b]}], lr=0.1)
    steps(opt, [a, b], [[[1.0], [1.0]]])
    opt.param_groups[1]["lr"] = 0.01
    steps(opt, [a, b], [[[1.0], [1.0]]])
    np.testing.assert_allclose([a.item(), b.item()], [-0.2, -0.11], rtol=1e-7)


def test_add_param_group_fills_in_the_defaults():
    a, b = Parameter(np.zeros(1)), Parameter(np.zeros(1))
    opt = optim.Adam([a], lr=0.1, betas=[0.5, 0.9])
    group = {"params": [b], "eps": 1e-3}
    opt.add_param_group(group)
    assert opt.param_groups[1] is group                                    # PyTorch keeps the dict itself
    assert group == dict(params=[b], eps=1e-3, lr=0.1, betas=(0.5, 0.9), weight_decay=0, amsgrad=False,
                         maximize=False, decoupled_weight_decay=False)
    assert opt.params == [a, b]


def test_a_parameter_that_requires_no_grad_is_accepted_and_skipped():
    frozen, w = tr.Tensor(np.ones(2)), Parameter(np.ones(2))
    opt = optim.SGD([frozen, w], lr=0.1)
    steps(opt, [w], [[np.ones(2)]])
    np.testing.assert_array_equal(frozen.data, np.ones(2))
    np.testing.assert_allclose(w.data, [0.9, 0.9])


def test_adagrad_starts_its_state_at_once_and_a_later_groups_at_its_first_step():
    a, b = Parameter(np.zeros(2)), Parameter(np.zeros(1))
    opt = optim.Adagrad([a], lr=0.1, initial_accumulator_value=0.5)
    opt.add_param_group({"params": [b]})
    assert opt.state_dict()["state"] == {0: {"step": 0.0, "sum": pytest.approx([0.5, 0.5])}}
    steps(opt, [b], [[[1.0]]])
    assert opt.state[b] == {"step": 1.0, "sum": pytest.approx([1.5])}           # s = 0.5 + 1^2
    np.testing.assert_allclose(b.data, [-0.1 / (np.sqrt(1.5) + 1e-10)], rtol=1e-15)


# ---------------------------------------------------------------- zero_grad, step(closure), repr
def test_zero_grad_to_none_or_to_zeros_in_place():
    w = Parameter(np.ones(2))
    opt = optim.SGD([w], lr=0.1)
    w.grad = grad = np.ones(2)
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad and not grad.any()
    opt.zero_grad()
    assert w.grad is None


def test_step_runs_the_closure_with_grad_on_and_returns_its_loss():
    w = Parameter(np.array([1.0, -2.0]))
    opt = optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with tr.no_grad():                                        # as PyTorch's step: enable_grad inside
        loss = opt.step(closure)
    assert loss.item() == 5.0
    np.testing.assert_allclose(w.data, [0.8, -1.6])           # theta - 0.1 * 2 theta
    assert opt.step() is None


def test_repr_lists_every_group():
    opt = optim.Adam([{"params": [Parameter(np.ones(1))], "lr": 0.5}, {"params": [Parameter(np.ones(1))]}])
    assert repr(opt) == "\n".join([                          # PyTorch's layout: a blank line between groups
        "Adam (", "Parameter Group 0", "    amsgrad: False", "    betas: (0.9, 0.999)",
        "    decoupled_weight_decay: False", "    eps: 1e-08", "    lr: 0.5", "    maximize: False",
        "    weight_decay: 0", "", "Parameter Group 1", "    amsgrad: False", "    betas: (0.9, 0.999)",
        "    decoupled_weight_decay: False", "    eps: 1e-08", "    lr: 0.001", "    maximize: False",
        "    weight_decay: 0", ")"])


# ---------------------------------------------------------------- state_dict
def test_state_dict_numbers_parameters_across_groups_and_copies_the_state():
    a, b, c = Parameter(np.zeros(2)), Parameter(np.zeros(1)), Parameter(np.zeros(3))
    opt = optim.SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1, momentum=0.9)
    steps(opt, [a, c], [[np.ones(2), np.ones(3)]])
    sd = opt.state_dict()
    assert sd["param_groups"] == [
        dict(lr=0.1, momentum=0.9, dampening=0, weight_decay=0, nesterov=False, maximize=False, params=[0, 1]),
        dict(lr=0.5, momentum=0.9, dampening=0, weight_decay=0, nesterov=False, maximize=False, params=[2])]
    assert list(sd["state"]) == [0, 2]                                     # b has no gradient, so no state
    sd["state"][0]["momentum_buffer"][:] = 7.0
    np.testing.assert_array_equal(opt.state[a]["momentum_buffer"], np.ones(2))


@pytest.mark.parametrize("name", list(ALL))
def test_a_loaded_optimizer_continues_exactly_like_the_original(name):
    rng = np.random.default_rng(0)
    shapes = [(2, 3), (3,), (4,)]
    grads = [[rng.standard_normal(s) for s in shapes] for _ in range(6)]
    ps = [Parameter(rng.standard_normal(s)) for s in shapes]
    opt = getattr(optim, name)([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.05}], **ALL[name])
    steps(opt, ps, grads[:3])
    qs = [Parameter(p.data.copy()) for p in ps]
    fresh = getattr(optim, name)([{"params": qs[:2], "lr": 9.0}, {"params": qs[2:]}])
    fresh.load_state_dict(opt.state_dict())
    assert [g["lr"] for g in fresh.param_groups] == [0.1, 0.05]
    for ours, theirs in zip(steps(opt, ps, grads[3:]), steps(fresh, qs, grads[3:])):
        for x, y in zip(ours, theirs):
            np.testing.assert_array_equal(x, y)


def test_load_state_dict_copies_and_casts_to_the_parameter_dtype():
    p = Parameter(np.zeros(2, dtype=np.float32))
    opt = optim.Adam([p])
    sd = {"state": {0: {"step": 2.0, "exp_avg": np.ones(2), "exp_avg_sq": np.ones(2)}},
          "param_groups": [{"params": [0]}]}
    opt.load_state_dict(sd)
    assert opt.state[p]["exp_avg"].dtype == np.float32 and opt.state[p]["step"] == 2.0
    sd["state"][0]["exp_avg"][:] = 5.0
    np.testing.assert_array_equal(opt.state[p]["exp_avg"], [1.0, 1.0])
    assert opt.param_groups[0]["lr"] == 1e-3                               # missing hyperparameters: defaults


@pytest.mark.parametrize("state_dict, message", [
    ({"param_groups": []}, r"SGD.load_state_dict: expected a dict with keys 'state' and 'param_groups'"),
    ({"state": {}, "param_groups": []},
     r"SGD.load_state_dict: loaded state dict has a different number of parameter groups \(0; the optimizer has 2\)"),
    ({"state": {}, "param_groups": [{"params": [0]}, {"params": [1]}]},
     "SGD.load_state_dict: loaded state dict contains a parameter group that doesn't match the size of "
     r"optimizer's group \(group 0: 1 saved, 2 here\)"),
    ({"state": {5: {}}, "param_groups": [{"params": [0, 1]}, {"params": [2]}]},
     "SGD.load_state_dict: loaded state dict has state for parameter 5, which none of its parameter groups lists"),
    ({"state": {2: {"momentum_buffer": np.ones(2)}}, "param_groups": [{"params": [0, 1]}, {"params": [2]}]},
     r"SGD.load_state_dict: state 'momentum_buffer' of parameter 2 has shape \(2,\), but the parameter has "
     r"shape \(3,\)"),
    ({"state": {}, "param_groups": [{"params": [0, 1]}, {"params": [2], "lr": -1.0}]},
     "SGD: lr must be a positive number, got -1.0"),
])
def test_a_bad_state_dict_changes_nothing(state_dict, message):
    a, b, c = Parameter(np.zeros(1)), Parameter(np.zeros(1)), Parameter(np.zeros(3))
    opt = optim.SGD([{"params": [a, b]}, {"params": [c]}], lr=0.1, momentum=0.9)
    steps(opt, [c], [[np.ones(3)]])
    before = opt.state_dict()
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(state_dict)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    np.testing.assert_array_equal(after["state"][2]["momentum_buffer"], before["state"][2]["momentum_buffer"])


# ---------------------------------------------------------------- errors
def test_bad_groups():
    w, v = Parameter(np.ones(2)), Parameter(np.ones(1))
    cases = [
        (lambda: optim.SGD([{"params": [w]}, {"params": [v, w]}]), ValueError,
         "SGD: some parameters appear in more than one parameter group"),
        (lambda: optim.SGD([{"params": [w]}, v]), TypeError, "SGD: param_group must be a dict, got Parameter"),
        (lambda: optim.Adam([{"lr": 0.1}]), ValueError,
         r"Adam: a parameter group needs a 'params' entry, got keys \['lr'\]"),
        (lambda: optim.Adam([{"params": {w}}]), TypeError, "Adam: optimizer parameters need to be organized in ordered "
                                                           "collections"),
        (lambda: optim.RMSprop([{"params": [w], "alpha": 1.5}]), ValueError,
         r"RMSprop: alpha must be in \[0, 1\], got 1.5"),
        (lambda: optim.AdamW([{"params": [v, 3]}]), TypeError, "AdamW: params must be Tensors, got int at position 1"),
        (lambda: optim.SGD([{"params": [w]}, {"params": [w * 2]}]), ValueError,
         r"SGD: can't optimize a non-leaf Tensor: parameter 1 \(shape \(2,\)\)"),
        (lambda: optim.Adagrad([]), ValueError, "Adagrad: optimizer got an empty parameter list"),
    ]
    for make, error, message in cases:
        with pytest.raises(error, match=message):
            make()


def test_a_bad_group_leaves_the_optimizer_as_it_was():
    w, v = Parameter(np.ones(2)), Parameter(np.ones(1))
    opt = optim.SGD([w], lr=0.1)
    group = {"params": [v], "lr": -0.5}
    with pytest.raises(ValueError, match="SGD: lr must be a positive number, got -0.5"):
        opt.add_param_group(group)
    assert len(opt.param_groups) == 1 and group == {"params": [v], "lr": -0.5}
