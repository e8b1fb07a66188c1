"""The learning-rate schedulers as PyTorch's torch.optim.lr_scheduler: each one's sequence of learning
rates written out (get_last_lr() after creation and after every step), worked from PyTorch's documented
rules in their chainable form, so they are compared for equality; the effect on the optimizer, state
dicts, resuming, and the errors. (The sequences were also checked against PyTorch itself, outside
this suite: the same floats, bit for bit.)"""
import math

import numpy as np
import pytest

from tinygrad_rnn import optim
from tinygrad_rnn.nn.module import Parameter
from tinygrad_rnn.optim import lr_scheduler as L


def sgd(*lrs) -> optim.SGD:
    """An SGD with one one-element parameter per learning rate, each in its own group."""
    return optim.SGD([{"params": [Parameter(np.zeros(1))], "lr": lr} for lr in lrs], lr=lrs[0])


def lrs(scheduler, n: int, metrics=None, also=()) -> list:
    """get_last_lr() after creation and after each of n steps (the schedulers in `also` step first)."""
    out = [scheduler.get_last_lr()]
    for i in range(n):
        for s in also:
            s.step()
        scheduler.step() if metrics is None else scheduler.step(metrics[i])
        out.append(scheduler.get_last_lr())
    return out


# ---------------------------------------------------------------- the sequences
def test_step_lr():
    assert lrs(L.StepLR(sgd(1.0), step_size=3, gamma=0.5), 9) == [
        [1.0], [1.0], [1.0], [0.5], [0.5], [0.5], [0.25], [0.25], [0.25], [0.125]]
    # a float step_size, as PyTorch's tutorials pass (torch 2.14: decays at the epochs that are multiples of it)
    assert lrs(L.StepLR(sgd(5.0), step_size=2.5, gamma=0.5), 6) == [[5.0], [5.0], [5.0], [5.0], [5.0], [2.5], [2.5]]
    # chainable: 0.1 * 0.1 is the float 0.010000000000000002, and so on
    assert lrs(L.StepLR(sgd(0.1), step_size=2), 6) == [
        [0.1], [0.1], [0.010000000000000002], [0.010000000000000002], [0.0010000000000000002],
        [0.0010000000000000002], [0.00010000000000000003]]


def test_multistep_lr_counts_a_repeated_milestone_twice():
    assert lrs(L.MultiStepLR(sgd(1.0, 0.5), milestones=[2, 5, 5], gamma=0.5), 7) == [
        [1.0, 0.5], [1.0, 0.5], [0.5, 0.25], [0.5, 0.25], [0.5, 0.25], [0.125, 0.0625], [0.125, 0.0625],
        [0.125, 0.0625]]


def test_exponential_lr():
    assert lrs(L.ExponentialLR(sgd(0.1), gamma=0.9), 5) == [
        [0.1], [0.09000000000000001], [0.08100000000000002], [0.07290000000000002], [0.06561000000000002],
        [0.05904900000000002]]


def test_lambda_lr_one_function_per_group():
    scheduler = L.LambdaLR(sgd(1.0, 0.2), [lambda e: 1 / (e + 1), lambda e: 0.5 ** e])
    assert lrs(scheduler, 4) == [[1.0, 0.2], [0.5, 0.1], [1 / 3, 0.05], [0.25, 0.025], [0.2, 0.0125]]
    assert lrs(L.LambdaLR(sgd(1.0, 0.2), lambda e: 0.5 ** e), 2) == [[1.0, 0.2], [0.5, 0.1], [0.25, 0.05]]


def test_cosine_annealing_lr_goes_down_and_back_up():
    # lr_e = 0.2 + 0.8 * (1 + cos(pi e / 4)) / 2, taken recursively from the last lr as PyTorch does
    # (at e = 5, the bottom, by adding 0.8 * (1 - cos(pi / 4)) / 2): the last bits differ from the closed form
    sequence = lrs(L.CosineAnnealingLR(sgd(1.0), T_max=4, eta_min=0.2), 12)
    assert sequence == [
        [1.0], [0.882842712474619], [0.6000000000000001], [0.3171572875253811], [0.2], [0.31715728752538097],
        [0.6000000000000001], [0.8828427124746192], [1.0000000000000002], [0.8828427124746192],
        [0.6000000000000003], [0.3171572875253814], [0.2]]
    closed = [0.2 + 0.8 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(13)]
    assert [lr for (lr,) in sequence] == pytest.approx(closed, rel=1e-14)


def test_schedulers_chain():
    opt = sgd(1.0)
    exponential = L.ExponentialLR(opt, gamma=0.9)
    step = L.StepLR(opt, step_size=2, gamma=0.1)
    # each step multiplies the current lr: 0.9, then 0.9 * 0.9 * 0.1, ...
    assert lrs(step, 5, also=[exponential]) == [
        [1.0], [0.9], [0.08100000000000002], [0.07290000000000002], [0.006561000000000002], [0.005904900000000002]]


@pytest.mark.parametrize("kw, metrics, expected", [
    # patience 1: the third value that is not better reduces; cooldown 1 then ignores one epoch
    (dict(factor=0.5, patience=1, cooldown=1), [5, 4, 4, 4.5, 4, 4, 4, 3, 3, 3],
     [[1.0], [1.0], [1.0], [1.0], [0.5], [0.5], [0.5], [0.25], [0.25], [0.25], [0.125]]),
    # max mode, absolute threshold 0.5: 1.4 and 2.1 are not better than 1 and 1.6 by more than 0.5;
    # the first group stops at its min_lr 0.05
    (dict(mode="max", factor=0.1, patience=0, threshold=0.5, threshold_mode="abs", min_lr=[0.05, 0.0]),
     [1, 1.4, 1.6, 2.1, 2.2, 3.0],
     [[1.0, 0.1], [1.0, 0.1], [0.1, 0.010000000000000002], [0.1, 0.010000000000000002],
      [0.05, 0.0010000000000000002], [0.05, 0.0010000000000000002], [0.05, 0.0010000000000000002]]),
    # relative threshold 0.1: 0.46 is not below 0.5 * 0.9; a reduction by 9e-9 < eps = 1e-8 is skipped
    (dict(patience=0, threshold=0.1), [1.0, 0.95, 0.5, 0.46], [[1e-07], [1e-07], [1e-08], [1e-08], [1e-08]]),
])
def test_reduce_lr_on_plateau(kw, metrics, expected):
    opt = sgd(*expected[0])
    assert lrs(L.ReduceLROnPlateau(opt, **kw), len(metrics), metrics) == expected
    assert "initial_lr" not in opt.param_groups[0]


def test_reduce_lr_on_plateau_reads_a_one_element_array():
    scheduler = L.ReduceLROnPlateau(sgd(1.0), patience=0)
    scheduler.step(np.array([2.0]))
    scheduler.step(np.float64(3.0))
    assert (scheduler.best, scheduler.get_last_lr()) == (2.0, [0.1])


# ---------------------------------------------------------------- with the optimizer
def test_the_optimizer_steps_with_the_scheduled_lr():
    opt = sgd(1.0)
    p = opt.param_groups[0]["params"][0]
    scheduler = L.StepLR(opt, step_size=1, gamma=0.5)
    assert opt.param_groups[0]["initial_lr"] == 1.0 and scheduler.base_lrs == [1.0] and scheduler.last_epoch == 0
    for _ in range(3):
        p.grad = np.ones(1)
        opt.step()
        scheduler.step()
    np.testing.assert_array_equal(p.data, [-1.75])            # steps of 1, 0.5, 0.25
    assert scheduler.last_epoch == 3 and opt.param_groups[0]["lr"] == 0.125


def test_state_dicts_resume_the_sequence():
    opt = sgd(1.0, 0.5)
    scheduler = L.CosineAnnealingLR(opt, T_max=5, eta_min=0.1)
    lrs(scheduler, 3)
    opt2 = sgd(7.0, 7.0)
    scheduler2 = L.CosineAnnealingLR(opt2, T_max=5, eta_min=0.1)        # PyTorch's order: scheduler, then loads
    opt2.load_state_dict(opt.state_dict())
    scheduler2.load_state_dict(scheduler.state_dict())
    assert "optimizer" not in scheduler.state_dict() and scheduler2.base_lrs == [1.0, 0.5]
    assert lrs(scheduler2, 6) == lrs(scheduler, 6)


def test_resuming_with_last_epoch_takes_the_saved_initial_lr():
    opt = sgd(1.0)
    lrs(L.ExponentialLR(opt, gamma=0.5), 2)                                 # lr 0.25, initial_lr 1.0
    opt2 = sgd(3.0)
    opt2.load_state_dict(opt.state_dict())
    resumed = L.ExponentialLR(opt2, gamma=0.5, last_epoch=2)
    assert (resumed.last_epoch, resumed.base_lrs, lrs(resumed, 2)) == (3, [1.0], [[0.25], [0.125], [0.0625]])


def test_lambda_lr_state_dict_keeps_a_callable_objects_attributes():
    class Warmup:
        def __init__(self, steps):
            self.steps = steps

        def __call__(self, e):
            return min(1.0, (e + 1) / self.steps)

    scheduler = L.LambdaLR(sgd(1.0, 1.0), [Warmup(4), lambda e: 1.0])
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [{"steps": 4}, None]
    other = L.LambdaLR(sgd(1.0, 1.0), [Warmup(2), lambda e: 1.0])
    other.load_state_dict(state)
    assert other.lr_lambdas[0].steps == 4 and lrs(other, 2) == [[0.25, 1.0], [0.5, 1.0], [0.75, 1.0]]


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("make, error, message", [
    (lambda: L.StepLR(Parameter(np.ones(1)), step_size=2), TypeError, "StepLR: Parameter is not an Optimizer"),
    (lambda: L.StepLR(sgd(0.1), step_size=0), ValueError, "StepLR: step_size must be a positive number, got 0"),
    (lambda: L.CosineAnnealingLR(sgd(0.1), T_max=0), ValueError,
     "CosineAnnealingLR: T_max must be a positive integer, got 0"),
    (lambda: L.CosineAnnealingLR(sgd(0.1), T_max=2.5), ValueError,
     "CosineAnnealingLR: T_max must be a positive integer, got 2.5"),
    (lambda: L.ExponentialLR(sgd(0.1), gamma=0.9, last_epoch=3), KeyError,
     r"ExponentialLR: param 'initial_lr' is not specified in param_groups\[0\] when resuming"),
    (lambda: L.LambdaLR(sgd(0.1), [abs, abs]), ValueError,
     r"LambdaLR: expected 1 lr_lambdas \(one per parameter group\), got 2"),
    (lambda: L.LambdaLR(sgd(0.1, 0.2), [abs, 0.5]), TypeError,
     "LambdaLR: lr_lambda should be a function, but got float"),
    (lambda: L.LRScheduler(sgd(0.1)), NotImplementedError, r"LRScheduler does not define get_lr\(\)"),
    (lambda: L.ReduceLROnPlateau(sgd(0.1), factor=1.0), ValueError,
     r"ReduceLROnPlateau: factor must be in \[0, 1\), got 1.0"),
    (lambda: L.ReduceLROnPlateau(sgd(0.1), mode="low"), ValueError,
     "ReduceLROnPlateau: mode must be one of 'min', 'max', got 'low'"),
    (lambda: L.ReduceLROnPlateau(sgd(0.1), threshold_mode="relative"), ValueError,
     "ReduceLROnPlateau: threshold_mode must be one of 'rel', 'abs', got 'relative'"),
    (lambda: L.ReduceLROnPlateau(sgd(0.1), min_lr=[0.0, 0.0]), ValueError,
     r"ReduceLROnPlateau: expected 1 min_lrs \(one per parameter group\), got 2"),
])
def test_bad_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_a_group_added_after_a_per_group_min_lr():
    opt = sgd(1.0)
    fixed = L.ReduceLROnPlateau(opt, patience=0, min_lr=[0.0])
    follows = L.ReduceLROnPlateau(opt, patience=0, min_lr=0.5)
    opt.add_param_group({"params": [Parameter(np.zeros(1))]})
    lrs(follows, 2, [1.0, 2.0])
    assert follows.min_lrs == [0.5, 0.5] and follows.get_last_lr() == [0.5, 0.5]
    with pytest.raises(RuntimeError, match="ReduceLROnPlateau: the optimizer has 2 param groups, but min_lr gave 1"):
        lrs(fixed, 2, [1.0, 2.0])
