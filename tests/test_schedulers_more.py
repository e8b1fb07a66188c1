"""The cyclic, warm-up and composite learning-rate schedulers (OneCycleLR, CyclicLR,
CosineAnnealingWarmRestarts, LinearLR, ConstantLR, PolynomialLR, SequentialLR, ChainedScheduler) and
step(epoch)'s closed forms, against PyTorch 2.x itself: EXPECTED holds, for each case, get_last_lr() and
each group's momentum (SGD's 'momentum', or beta1 of Adam's 'betas') after creation and after every
step, recorded from torch 2.14 (this suite does not import torch). Every phase is covered: OneCycleLR's two
and three phases in 'cos' and 'linear' and past its end, CyclicLR's three modes and a scale_fn per cycle
or per iteration, warm restarts with T_mult 1, 2, 3 stepped one by one, by fractional epochs and by jumps.
They agree bit for bit, so they are compared for equality. Then state dicts, the torch dialect's names
and the checks.
"""
import re
import warnings

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
from tinygrad_rnn import optim
from tinygrad_rnn.nn.module import Parameter
from tinygrad_rnn.optim import lr_scheduler as L


def sgd(*lrs, momentum=0.9):
    """An SGD with one one-element parameter per learning rate, each in its own group."""
    return optim.SGD([{"params": [Parameter(np.zeros(1))], "lr": lr} for lr in lrs], lr=lrs[0], momentum=momentum)


def adam(*lrs):
    """An Adam with one group per learning rate."""
    return optim.Adam([{"params": [Parameter(np.zeros(1))], "lr": lr} for lr in lrs], lr=lrs[0])


def adagrad(lr):
    """An optimizer with no momentum."""
    return optim.Adagrad([Parameter(np.zeros(1))], lr=lr)


def momenta(opt):
    """Each group's momentum: beta1 of 'betas', or 'momentum' (None if it has neither)."""
    return [g["betas"][0] if "betas" in g else g.get("momentum") for g in opt.param_groups]


def trace(make, n, epochs=None):
    """(get_last_lr(), momenta) after creation and after each of n steps (step(epochs[i]) if given)."""
    opt, s = make()
    out = [(s.get_last_lr(), momenta(opt))]
    for i in range(n):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")                 # step(epoch) is deprecated: it warns
            s.step() if epochs is None else s.step(epochs[i])
        out.append((s.get_last_lr(), momenta(opt)))
    return out


def seq(opt, kind):
    """Two SequentialLR: a linear warm-up then an exponential decay; cosine, step, constant."""
    if kind == "warmup":
        return opt, L.SequentialLR(opt, [L.LinearLR(opt, start_factor=0.25, total_iters=3),
                                         L.ExponentialLR(opt, gamma=0.9)], milestones=[3])
    return opt, L.SequentialLR(opt, [L.CosineAnnealingLR(opt, T_max=2, eta_min=0.01), L.StepLR(opt, 2, 0.5),
                                     L.ConstantLR(opt, factor=0.5, total_iters=2)], milestones=[2, 5])


CASES = {
    "onecycle cos sgd": (lambda: (o := sgd(0.5), L.OneCycleLR(o, max_lr=0.1, total_steps=20)), 20, None),
    "onecycle linear three_phase adam": (lambda: (o := adam(0.5, 0.5), L.OneCycleLR(
        o, max_lr=[0.1, 0.05], epochs=3, steps_per_epoch=5, pct_start=0.25, anneal_strategy="linear",
        three_phase=True, base_momentum=[0.8, 0.85], max_momentum=0.95, div_factor=10.0,
        final_div_factor=100.0)), 15, None),
    "onecycle cos three_phase no momentum": (lambda: (o := adagrad(0.5), L.OneCycleLR(
        o, max_lr=1.0, total_steps=11, pct_start=0.4, cycle_momentum=False, three_phase=True)), 11, None),
    "warm restarts T_mult 2": (lambda: (o := sgd(0.5), L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2,
                                                                                     eta_min=0.01)), 22, None),
    "warm restarts fractional": (lambda: (o := sgd(0.5, 0.1), L.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2)),
                                 24, [e + i / 4 for e in range(6) for i in range(4)]),
    "warm restarts jumps": (lambda: (o := sgd(0.5), L.CosineAnnealingWarmRestarts(o, T_0=4, eta_min=0.05)),
                            6, [0.5, 3.2, 7.9, 2.0, 13, 4.0]),
    "warm restarts jumps T_mult 3": (lambda: (o := sgd(0.5), L.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=3)),
                                     6, [0.5, 3.2, 7.9, 2.0, 30.5, 8.0]),
    "cyclic triangular": (lambda: (o := sgd(0.5), L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                             step_size_down=5)), 20, None),
    "cyclic triangular2 adam": (lambda: (o := adam(0.5, 0.5), L.CyclicLR(
        o, base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=2, mode="triangular2",
        base_momentum=0.85, max_momentum=[0.95, 0.9])), 14, None),
    "cyclic exp_range": (lambda: (o := sgd(0.5), L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2,
                                                            mode="exp_range", gamma=0.9)), 14, None),
    "cyclic scale_fn iterations": (lambda: (o := sgd(0.5, momentum=0.0), L.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=3, scale_fn=lambda x: 0.5 ** x, scale_mode="iterations",
        cycle_momentum=False)), 12, None),
    "cyclic scale_fn cycle": (lambda: (o := sgd(0.5), L.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=2, step_size_down=1, scale_fn=lambda x: 1 / x)), 10, None),
    "linear warmup": (lambda: (o := sgd(0.5), L.LinearLR(o, start_factor=0.25, total_iters=4)), 7, None),
    "linear decay": (lambda: (o := sgd(0.3, 0.1), L.LinearLR(o, start_factor=1.0, end_factor=0.1,
                                                             total_iters=5)), 7, None),
    "constant": (lambda: (o := sgd(0.5), L.ConstantLR(o, factor=0.5, total_iters=3)), 5, None),
    "constant default": (lambda: (o := sgd(0.1), L.ConstantLR(o)), 6, None),
    "polynomial": (lambda: (o := sgd(0.5), L.PolynomialLR(o, total_iters=5, power=2.0)), 7, None),
    "polynomial default": (lambda: (o := sgd(0.1), L.PolynomialLR(o)), 6, None),
    "sequential warmup": (lambda: seq(sgd(0.5), "warmup"), 8, None),
    "sequential three": (lambda: seq(sgd(0.5, 0.2), "three"), 9, None),
    "chained": (lambda: (o := sgd(1.0), L.ChainedScheduler([L.ConstantLR(o, factor=0.1, total_iters=2),
                                                             L.ExponentialLR(o, gamma=0.9)])), 5, None),
    "closed form step": (lambda: (o := sgd(0.5), L.StepLR(o, step_size=2, gamma=0.5)), 3, [3, 7, 1]),
    "closed form multistep": (lambda: (o := sgd(0.5), L.MultiStepLR(o, [2, 4, 4], gamma=0.5)), 3, [3, 7, 1]),
    "closed form exponential": (lambda: (o := sgd(0.5), L.ExponentialLR(o, gamma=0.9)), 3, [3, 7, 1]),
    "closed form cosine": (lambda: (o := sgd(0.5), L.CosineAnnealingLR(o, T_max=4, eta_min=0.1)), 3, [3, 7, 1]),
    "closed form linear": (lambda: (o := sgd(0.5), L.LinearLR(o, start_factor=0.2, total_iters=4)), 3, [3, 7, 1]),
    "closed form constant": (lambda: (o := sgd(0.5), L.ConstantLR(o, factor=0.2, total_iters=4)), 3, [3, 7, 1]),
    "closed form polynomial": (lambda: (o := sgd(0.5), L.PolynomialLR(o, total_iters=4, power=1.5)), 3, [3, 7, 1]),
}

# [(get_last_lr(), momenta)] from torch, after creation and after each step
EXPECTED = {
    'onecycle cos sgd': [([0.0040000000000000036], [0.95]), ([0.013167184270002533], [0.9404508497187474]),
                         ([0.037167184270002526], [0.9154508497187474]), ([0.06683281572999747], [0.8845491502812526]),
                         ([0.09083281572999748], [0.8595491502812526]), ([0.1], [0.85]),
                         ([0.09874640062350874], [0.8512536043909088]), ([0.09504846320134738], [0.854951556604879]),
                         ([0.089091617757105], [0.8609084258765984]), ([0.0811745653949763], [0.8688255099070633]),
                         ([0.07169430017913009], [0.878305813044122]), ([0.06112620219362893], [0.8888739533021842]),
                         ([0.0500002], [0.8999999999999999]), ([0.03887419780637107], [0.9111260466978157]),
                         ([0.028306099820869922], [0.9216941869558779]), ([0.0188258346050237], [0.9311744900929366]),
                         ([0.010908782242895003], [0.9390915741234015]), ([0.004951936798652629], [0.945048443395121]),
                         ([0.0012539993764912555], [0.9487463956090911]), ([4e-07], [0.95]),
                         ([0.0012539993764912555], [0.9487463956090911])],
    'onecycle linear three_phase adam': [([0.01, 0.005], [0.95, 0.95]),
                                         ([0.04272727272727273, 0.021363636363636366],
                                          [0.8954545454545454, 0.9136363636363636]),
                                         ([0.07545454545454545, 0.03772727272727273],
                                          [0.8409090909090909, 0.8772727272727272]),
                                         ([0.09181818181818183, 0.04590909090909091],
                                          [0.8136363636363637, 0.859090909090909]),
                                         ([0.05909090909090909, 0.029545454545454545],
                                          [0.8681818181818182, 0.8954545454545454]),
                                         ([0.026363636363636353, 0.013181818181818176],
                                          [0.9227272727272727, 0.9318181818181818]),
                                         ([0.009417647058823529, 0.004708823529411764], [0.95, 0.95]),
                                         ([0.008252941176470588, 0.004126470588235294], [0.95, 0.95]),
                                         ([0.007088235294117647, 0.0035441176470588235], [0.95, 0.95]),
                                         ([0.005923529411764706, 0.002961764705882353], [0.95, 0.95]),
                                         ([0.004758823529411764, 0.002379411764705882], [0.95, 0.95]),
                                         ([0.003594117647058823, 0.0017970588235294116], [0.95, 0.95]),
                                         ([0.002429411764705882, 0.001214705882352941], [0.95, 0.95]),
                                         ([0.0012647058823529404, 0.0006323529411764702], [0.95, 0.95]),
                                         ([9.99999999999994e-05, 4.99999999999997e-05], [0.95, 0.95]),
                                         ([-0.0010647058823529416, -0.0005323529411764708], [0.95, 0.95])],
    'onecycle cos three_phase no momentum': [([0.040000000000000036], [None]), ([0.2307353745379569], [None]),
                                             ([0.6513582352345996], [None]), ([0.9675866701140907], [None]),
                                             ([0.928104225150215], [None]), ([0.5642888125423853], [None]),
                                             ([0.16527571973408386], [None]), ([0.0396157440375038], [None]),
                                             ([0.027654903280437078], [None]), ([0.008891706480074], [None]),
                                             ([4e-06], [None]), ([0.008891706480073997], [None])],
    'warm restarts T_mult 2': [([0.5], [0.9]), ([0.3775], [0.9]), ([0.13250000000000006], [0.9]), ([0.5], [0.9]),
                               ([0.4671762239271875], [0.9]), ([0.3775], [0.9]), ([0.255], [0.9]),
                               ([0.13250000000000006], [0.9]), ([0.04282377607281252], [0.9]), ([0.5], [0.9]),
                               ([0.4916518274408217], [0.9]), ([0.4671762239271875], [0.9]),
                               ([0.4282411613907041], [0.9]), ([0.3775], [0.9]), ([0.3184106660501176], [0.9]),
                               ([0.255], [0.9]), ([0.19158933394988245], [0.9]), ([0.13250000000000006], [0.9]),
                               ([0.08175883860929586], [0.9]), ([0.04282377607281252], [0.9]),
                               ([0.01834817255917829], [0.9]), ([0.5], [0.9]), ([0.49790399103658356], [0.9])],
    'warm restarts fractional': [([0.5, 0.1], [0.9, 0.9]), ([0.5, 0.1], [0.9, 0.9]),
                                 ([0.4809698831278217, 0.09619397662556434], [0.9, 0.9]),
                                 ([0.42677669529663687, 0.08535533905932738], [0.9, 0.9]),
                                 ([0.34567085809127246, 0.0691341716182545], [0.9, 0.9]), ([0.25, 0.05], [0.9, 0.9]),
                                 ([0.15432914190872757, 0.030865828381745515], [0.9, 0.9]),
                                 ([0.07322330470336313, 0.014644660940672627], [0.9, 0.9]),
                                 ([0.019030116872178315, 0.0038060233744356634], [0.9, 0.9]), ([0.5, 0.1], [0.9, 0.9]),
                                 ([0.4951963201008076, 0.09903926402016153], [0.9, 0.9]),
                                 ([0.4809698831278217, 0.09619397662556434], [0.9, 0.9]),
                                 ([0.45786740307563634, 0.09157348061512727], [0.9, 0.9]),
                                 ([0.42677669529663687, 0.08535533905932738], [0.9, 0.9]),
                                 ([0.38889255825490054, 0.07777851165098011], [0.9, 0.9]),
                                 ([0.34567085809127246, 0.0691341716182545], [0.9, 0.9]),
                                 ([0.2987725805040321, 0.059754516100806426], [0.9, 0.9]), ([0.25, 0.05], [0.9, 0.9]),
                                 ([0.20122741949596795, 0.04024548389919359], [0.9, 0.9]),
                                 ([0.15432914190872757, 0.030865828381745515], [0.9, 0.9]),
                                 ([0.11110744174509951, 0.022221488349019904], [0.9, 0.9]),
                                 ([0.07322330470336313, 0.014644660940672627], [0.9, 0.9]),
                                 ([0.04213259692436366, 0.008426519384872733], [0.9, 0.9]),
                                 ([0.019030116872178315, 0.0038060233744356634], [0.9, 0.9]),
                                 ([0.004803679899192392, 0.0009607359798384785], [0.9, 0.9])],
    'warm restarts jumps': [([0.5], [0.9]), ([0.48287289481503953], [0.9]), ([0.09297117626563686], [0.9]),
                            ([0.05069359991004621], [0.9]), ([0.275], [0.9]), ([0.4340990257669732], [0.9]),
                            ([0.5], [0.9])],
    'warm restarts jumps T_mult 3': [([0.5], [0.9]), ([0.42677669529663687], [0.9]), ([0.45225424859373686], [0.9]),
                                     ([0.0003426163113565417], [0.9]), ([0.5], [0.9]), ([0.49148145657226705], [0.9]),
                                     ([0.5], [0.9])],
    'cyclic triangular': [([0.01], [0.9]), ([0.04], [0.8666666666666667]), ([0.07], [0.8333333333333334]),
                          ([0.1], [0.8]), ([0.082], [0.8200000000000001]), ([0.064], [0.8400000000000001]),
                          ([0.046000000000000006], [0.86]), ([0.028000000000000004], [0.88]), ([0.01], [0.9]),
                          ([0.04], [0.8666666666666667]), ([0.07], [0.8333333333333334]), ([0.1], [0.8]),
                          ([0.082], [0.8200000000000001]), ([0.064], [0.8400000000000001]),
                          ([0.046000000000000006], [0.86]), ([0.028000000000000004], [0.88]), ([0.01], [0.9]),
                          ([0.04], [0.8666666666666667]), ([0.07], [0.8333333333333334]), ([0.1], [0.8]),
                          ([0.082], [0.8200000000000001])],
    'cyclic triangular2 adam': [([0.01, 0.02], [0.95, 0.9]),
                                ([0.05500000000000001, 0.15999999999999998], [0.8999999999999999, 0.875]),
                                ([0.1, 0.3], [0.85, 0.85]),
                                ([0.05500000000000001, 0.15999999999999998], [0.8999999999999999, 0.875]),
                                ([0.01, 0.02], [0.95, 0.9]), ([0.0325, 0.09], [0.9249999999999999, 0.8875]),
                                ([0.05500000000000001, 0.15999999999999998], [0.8999999999999999, 0.875]),
                                ([0.0325, 0.09], [0.9249999999999999, 0.8875]), ([0.01, 0.02], [0.95, 0.9]),
                                ([0.02125, 0.05499999999999999], [0.9375, 0.89375]),
                                ([0.0325, 0.09], [0.9249999999999999, 0.8875]),
                                ([0.02125, 0.05499999999999999], [0.9375, 0.89375]), ([0.01, 0.02], [0.95, 0.9]),
                                ([0.015625, 0.0375], [0.94375, 0.896875]),
                                ([0.02125, 0.05499999999999999], [0.9375, 0.89375])],
    'cyclic exp_range': [([0.01], [0.9]), ([0.05050000000000001], [0.855]), ([0.0829], [0.8190000000000001]),
                         ([0.04280500000000001], [0.86355]), ([0.01], [0.9]),
                         ([0.03657205000000001], [0.8704755000000001]), ([0.05782969000000001], [0.8468559]),
                         ([0.03152336050000001], [0.8760851550000001]), ([0.01], [0.9]),
                         ([0.027433922005000007], [0.88062897555]), ([0.041381059609000015], [0.86513215599]),
                         ([0.024121476824050005], [0.8843094701955]), ([0.01], [0.9]),
                         ([0.021438396227480505], [0.887290670858355]), ([0.030589113209464912], [0.877123207545039])],
    'cyclic scale_fn iterations': [([0.01], [0.0]), ([0.02500000000000001], [0.0]), ([0.024999999999999998], [0.0]),
                                   ([0.02125], [0.0]), ([0.013750000000000002], [0.0]), ([0.0109375], [0.0]),
                                   ([0.01], [0.0]), ([0.010234375], [0.0]), ([0.010234375], [0.0]),
                                   ([0.01017578125], [0.0]), ([0.01005859375], [0.0]), ([0.0100146484375], [0.0]),
                                   ([0.01], [0.0])],
    'cyclic scale_fn cycle': [([0.01], [0.9]), ([0.055], [0.8500000000000001]), ([0.09999999999999999], [0.8]),
                              ([0.01], [0.9]), ([0.03249999999999998], [0.875]),
                              ([0.054999999999999966], [0.8500000000000001]), ([0.01], [0.9]),
                              ([0.02500000000000001], [0.8833333333333333]), ([0.04], [0.8666666666666667]),
                              ([0.01], [0.9]), ([0.021250000000000022], [0.8875])],
    'linear warmup': [([0.125], [0.9]), ([0.21875], [0.9]), ([0.3125], [0.9]), ([0.40625], [0.9]), ([0.5], [0.9]),
                      ([0.5], [0.9]), ([0.5], [0.9]), ([0.5], [0.9])],
    'linear decay': [([0.3, 0.1], [0.9, 0.9]), ([0.246, 0.08200000000000002], [0.9, 0.9]),
                     ([0.192, 0.06400000000000002], [0.9, 0.9]), ([0.138, 0.04600000000000001], [0.9, 0.9]),
                     ([0.08400000000000002, 0.02800000000000001], [0.9, 0.9]),
                     ([0.030000000000000002, 0.010000000000000002], [0.9, 0.9]),
                     ([0.030000000000000002, 0.010000000000000002], [0.9, 0.9]),
                     ([0.030000000000000002, 0.010000000000000002], [0.9, 0.9])],
    'constant': [([0.25], [0.9]), ([0.25], [0.9]), ([0.25], [0.9]), ([0.5], [0.9]), ([0.5], [0.9]), ([0.5], [0.9])],
    'constant default': [([0.03333333333333333], [0.9]), ([0.03333333333333333], [0.9]),
                         ([0.03333333333333333], [0.9]), ([0.03333333333333333], [0.9]),
                         ([0.03333333333333333], [0.9]), ([0.1], [0.9]), ([0.1], [0.9])],
    'polynomial': [([0.5], [0.9]), ([0.32000000000000006], [0.9]), ([0.18], [0.9]), ([0.08000000000000002], [0.9]),
                   ([0.019999999999999993], [0.9]), ([0.0], [0.9]), ([0.0], [0.9]), ([0.0], [0.9])],
    'polynomial default': [([0.1], [0.9]), ([0.08000000000000002], [0.9]), ([0.060000000000000005], [0.9]),
                           ([0.04000000000000001], [0.9]), ([0.02], [0.9]), ([0.0], [0.9]), ([0.0], [0.9])],
    'sequential warmup': [([0.125], [0.9]), ([0.25], [0.9]), ([0.375], [0.9]), ([0.5], [0.9]), ([0.45], [0.9]),
                          ([0.405], [0.9]), ([0.36450000000000005], [0.9]), ([0.32805000000000006], [0.9]),
                          ([0.2952450000000001], [0.9])],
    'sequential three': [([0.5, 0.2], [0.9, 0.9]), ([0.255, 0.105], [0.9, 0.9]), ([0.5, 0.2], [0.9, 0.9]),
                         ([0.5, 0.2], [0.9, 0.9]), ([0.25, 0.1], [0.9, 0.9]), ([0.25, 0.1], [0.9, 0.9]),
                         ([0.25, 0.1], [0.9, 0.9]), ([0.5, 0.2], [0.9, 0.9]), ([0.5, 0.2], [0.9, 0.9]),
                         ([0.5, 0.2], [0.9, 0.9])],
    'chained': [([0.1], [0.9]), ([0.09000000000000001], [0.9]), ([0.8100000000000002], [0.9]),
                ([0.7290000000000002], [0.9]), ([0.6561000000000002], [0.9]), ([0.5904900000000002], [0.9])],
    'closed form step': [([0.5], [0.9]), ([0.25], [0.9]), ([0.0625], [0.9]), ([0.5], [0.9])],
    'closed form multistep': [([0.5], [0.9]), ([0.25], [0.9]), ([0.0625], [0.9]), ([0.5], [0.9])],
    'closed form exponential': [([0.5], [0.9]), ([0.36450000000000005], [0.9]), ([0.23914845000000004], [0.9]),
                                ([0.45], [0.9])],
    'closed form cosine': [([0.5], [0.9]), ([0.1585786437626905], [0.9]), ([0.4414213562373095], [0.9]),
                           ([0.4414213562373095], [0.9])],
    'closed form linear': [([0.1], [0.9]), ([0.4], [0.9]), ([0.5], [0.9]), ([0.2], [0.9])],
    'closed form constant': [([0.1], [0.9]), ([0.1], [0.9]), ([0.5], [0.9]), ([0.1], [0.9])],
    'closed form polynomial': [([0.5], [0.9]), ([0.0625], [0.9]), ([0.0], [0.9]), ([0.3247595264191645], [0.9])],
}



@pytest.mark.parametrize("key", list(CASES))
def test_learning_rates_and_momenta_match_pytorch(key):
    make, n, epochs = CASES[key]
    assert trace(make, n, epochs) == [(list(lrs), list(ms)) for lrs, ms in EXPECTED[key]]


# ---------------------------------------------------------------- behaviour
def test_one_cycle_sets_the_groups_and_stops_after_total_steps():
    opt = sgd(0.5)
    scheduler = L.OneCycleLR(opt, max_lr=0.1, total_steps=3)
    group = opt.param_groups[0]
    assert (group["initial_lr"], group["max_lr"], group["min_lr"]) == (0.004, 0.1, 4e-07)
    assert (group["max_momentum"], group["base_momentum"]) == (0.95, 0.85)
    for _ in range(3):
        scheduler.step()
    with pytest.raises(ValueError, match="^OneCycleLR: Tried to step 4 times. The specified number of total steps "
                                         "is 3$"):
        scheduler.step()


def test_one_cycle_drives_adam_beta1_and_keeps_beta2():
    opt = adam(0.5)
    L.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    assert opt.param_groups[0]["betas"] == (0.95, 0.999)


def test_cyclic_lr_starts_the_groups_at_base_lr():
    opt = sgd(0.5, 0.5)
    L.CyclicLR(opt, base_lr=[0.01, 0.02], max_lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.01, 0.02] == [g["initial_lr"] for g in opt.param_groups]


def test_warm_restarts_fractional_epoch_sets_last_epoch_to_its_floor():
    scheduler = L.CosineAnnealingWarmRestarts(sgd(1.0), T_0=2, T_mult=2)
    scheduler.step(4.75)                                    # restarts at 2 and 6: 2.75 epochs into a run of 4
    assert (scheduler.last_epoch, scheduler.T_cur, scheduler.T_i) == (4, 2.75, 4)


def test_step_with_an_epoch_warns_as_pytorch():
    scheduler = L.StepLR(sgd(1.0), step_size=2)
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was not necessary"):
        scheduler.step(4)
    assert scheduler.get_last_lr() == [0.010000000000000002]


@pytest.mark.parametrize("make", [
    lambda opt: L.OneCycleLR(opt, max_lr=0.1, epochs=2, steps_per_epoch=5, anneal_strategy="linear"),
    lambda opt: L.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3, mode="exp_range", gamma=0.9),
    lambda opt: L.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.01),
    lambda opt: L.SequentialLR(opt, [L.LinearLR(opt, start_factor=0.25, total_iters=3),
                                     L.ExponentialLR(opt, gamma=0.9)], milestones=[3]),
    lambda opt: L.ChainedScheduler([L.ConstantLR(opt, factor=0.1, total_iters=2), L.ExponentialLR(opt, gamma=0.9)]),
])
def test_state_dicts_resume_the_sequence(make):
    opt = sgd(0.5)
    scheduler = make(opt)
    for _ in range(4):
        scheduler.step()
    opt2 = sgd(0.5)
    scheduler2 = make(opt2)
    opt2.load_state_dict(opt.state_dict())
    scheduler2.load_state_dict(scheduler.state_dict())
    assert "optimizer" not in scheduler.state_dict()
    for _ in range(5):
        scheduler.step()
        scheduler2.step()
        assert scheduler2.get_last_lr() == scheduler.get_last_lr() and momenta(opt2) == momenta(opt)


def test_state_dict_keys_as_pytorch():
    opt = sgd(0.5)
    assert sorted(L.OneCycleLR(opt, max_lr=0.1, total_steps=3).state_dict()) == [
        "_anneal_func_type", "_is_initial", "_last_lr", "_schedule_phases", "_step_count", "base_lrs",
        "cycle_momentum", "last_epoch", "total_steps", "use_beta1"]
    assert sorted(L.CyclicLR(sgd(0.5), 0.01, 0.1).state_dict()) == [
        "_is_initial", "_last_lr", "_scale_fn_custom", "_step_count", "base_lrs", "base_momentums",
        "cycle_momentum", "gamma", "last_epoch", "max_lrs", "max_momentums", "mode", "scale_mode", "step_ratio",
        "total_size", "use_beta1"]
    opt = sgd(0.5)
    state = L.SequentialLR(opt, [L.LinearLR(opt), L.ExponentialLR(opt, 0.9)], [3]).state_dict()
    assert (state["_milestones"], state["last_epoch"], [s["last_epoch"] for s in state["_schedulers"]]) == (
        [3], 0, [0, -1])


class Halving:
    """A scale_fn object: its attributes are saved in the state dict (PyTorch's rule)."""

    def __init__(self):
        self.base = 0.5

    def __call__(self, x):
        return self.base ** x


def test_cyclic_lr_saves_a_callable_objects_attributes_but_not_a_function():
    assert L.CyclicLR(sgd(0.5), 0.01, 0.1, scale_fn=lambda x: 1.0).state_dict()["_scale_fn_custom"] is None
    fn = Halving()
    scheduler = L.CyclicLR(sgd(0.5), 0.01, 0.1, scale_fn=fn)
    state = scheduler.state_dict()
    assert state["_scale_fn_custom"] == {"base": 0.5}
    fn.base = 0.9
    scheduler.load_state_dict(state)
    assert fn.base == 0.5


def test_the_torch_dialect_exports_the_same_classes():
    for name in ("OneCycleLR", "CyclicLR", "CosineAnnealingWarmRestarts", "LinearLR", "ConstantLR", "PolynomialLR",
                 "SequentialLR", "ChainedScheduler"):
        assert getattr(torch.optim.lr_scheduler, name) is getattr(L, name)


# ---------------------------------------------------------------- checks
@pytest.mark.parametrize("make, kind, message", [
    (lambda: L.OneCycleLR(sgd(0.1), max_lr=0.1), ValueError,
     "OneCycleLR: You must define either total_steps OR (epochs AND steps_per_epoch)"),
    (lambda: L.OneCycleLR(sgd(0.1), max_lr=0.1, total_steps=0), ValueError,
     "OneCycleLR: Expected positive integer total_steps, but got 0"),
    (lambda: L.OneCycleLR(sgd(0.1), max_lr=0.1, epochs=2, steps_per_epoch=2.5), ValueError,
     "OneCycleLR: Expected positive integer steps_per_epoch, but got 2.5"),
    (lambda: L.OneCycleLR(sgd(0.1), max_lr=0.1, total_steps=5, pct_start=1), ValueError,
     "OneCycleLR: Expected float between 0 and 1 pct_start, but got 1"),
    (lambda: L.OneCycleLR(sgd(0.1), max_lr=0.1, total_steps=5, anneal_strategy="exp"), ValueError,
     "OneCycleLR: anneal_strategy must be one of 'cos' or 'linear', instead got exp"),
    (lambda: L.OneCycleLR(sgd(0.1), max_lr=[0.1, 0.2], total_steps=5), ValueError,
     "OneCycleLR: max_lr must have the same length as optimizer.param_groups. max_lr has 2 values, "
     "param_groups has 1."),
    (lambda: L.OneCycleLR(adagrad(0.1), max_lr=0.1, total_steps=5), ValueError,
     "OneCycleLR: optimizer must support momentum or beta1 with `cycle_momentum` option enabled"),
    (lambda: L.OneCycleLR(Parameter(np.zeros(1)), max_lr=0.1, total_steps=5), TypeError,
     "OneCycleLR: Parameter is not an Optimizer"),
    (lambda: L.CyclicLR(sgd(0.1), 0.01, 0.1, mode="square"), ValueError,
     "CyclicLR: mode is invalid and scale_fn is None"),
    (lambda: L.CosineAnnealingWarmRestarts(sgd(0.1), T_0=0), ValueError,
     "CosineAnnealingWarmRestarts: Expected positive integer T_0, but got 0"),
    (lambda: L.CosineAnnealingWarmRestarts(sgd(0.1), T_0=2, T_mult=1.5), ValueError,
     "CosineAnnealingWarmRestarts: Expected integer T_mult >= 1, but got 1.5"),
    (lambda: L.CosineAnnealingWarmRestarts(sgd(0.1), T_0=2, eta_min="0"), ValueError,
     "CosineAnnealingWarmRestarts: Expected float or int eta_min, but got 0 of type <class 'str'>"),
    (lambda: L.CosineAnnealingWarmRestarts(sgd(0.1), T_0=2).step(-1), ValueError,
     "CosineAnnealingWarmRestarts: Expected non-negative epoch, but got -1"),
    (lambda: L.LinearLR(sgd(0.1), start_factor=0), ValueError,
     "LinearLR: Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
    (lambda: L.LinearLR(sgd(0.1), end_factor=1.5), ValueError,
     "LinearLR: Ending multiplicative factor expected to be between 0 and 1."),
    (lambda: L.ConstantLR(sgd(0.1), factor=2), ValueError,
     "ConstantLR: Constant multiplicative factor expected to be between 0 and 1."),
    (lambda: L.SequentialLR(sgd(0.1), [], []), ValueError,
     "SequentialLR expects at least one scheduler, but got no scheduler."),
    (lambda: L.ChainedScheduler([L.ExponentialLR(sgd(0.1), 0.9), 3]), TypeError,
     "ChainedScheduler at index 1 should have `optimizer` as its attribute."),
    (lambda: L.ChainedScheduler([L.ReduceLROnPlateau(sgd(0.1))]), ValueError,
     "ChainedScheduler does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs to be "
     "specified when calling `step`, but got one at index 0 in the given schedulers sequence."),
    (lambda: L.SequentialLR(sgd(0.1), [L.ExponentialLR(sgd(0.1), 0.9)], []), ValueError,
     "SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler ExponentialLR at "
     "index 0 has SGD (…), which is different from SGD."),
    (lambda: (opt := sgd(0.1), L.SequentialLR(opt, [L.ExponentialLR(opt, 0.9)], [3])), ValueError,
     "SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the number "
     "of milestone points, but got number of schedulers 1 and the number of milestones to be equal to 1"),
])
def test_checks(make, kind, message):
    with pytest.raises(kind) as info:
        make()
    pattern = ".*?".join(map(re.escape, message.split("…")))
    assert re.fullmatch(pattern, str(info.value), re.DOTALL), str(info.value)
