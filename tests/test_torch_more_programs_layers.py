"""What pytorch/examples' mnist_rnn needed beyond the dialect's earlier layers: nn.BatchNorm1d / F.batch_norm,
nn.Dropout2d / F.dropout2d and optim.Adadelta, against PyTorch's values (outputs, gradients, running statistics,
optimizer steps; each array as its shape, its sum and a weighted sum) and its error messages, written
out below.

How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from torch_expect import fill, float64  # noqa: F401 (float64 is an autouse fixture)


def outcome(fn):
    """'Kind: message' (first line) for the error fn() raises, or the repr of its value."""
    try:
        return repr(fn())
    except Exception as err:                        # noqa: BLE001 (the error is the outcome to compare)
        return f"{type(err).__name__}: {str(err).splitlines()[0]}"


def bn_case(shape, steps=2, **kwargs):
    """Train-mode steps, then one eval step: outputs, the gradients of input, weight and bias, the buffers."""
    bn = nn.BatchNorm1d(shape[1], **kwargs)
    if bn.weight is not None:
        with torch.no_grad():
            bn.weight.copy_(torch.tensor(1 + fill((shape[1],), 1.0)))
            if bn.bias is not None:
                bn.bias.copy_(torch.tensor(fill((shape[1],), 2.0)))
    got = []
    for k in range(steps):
        x = torch.tensor(fill(shape, 3.0 + k) * (1 + k), requires_grad=True)
        y = bn(x)
        (y * torch.tensor(fill(shape, 5.0))).sum().backward()
        got += [y, x.grad]
    bn.eval()
    got.append(bn(torch.tensor(fill(shape, 7.0))))
    got += [p.grad for p in bn.parameters()]
    got += [b for b in bn.buffers()]
    return [t.detach().numpy() for t in got]


def functional_bn_case():
    x = torch.tensor(fill((4, 3, 2), 1.0), requires_grad=True)
    rm, rv = torch.tensor(fill((3,), 2.0)), torch.tensor(1 + fill((3,), 3.0))
    y = F.batch_norm(x, rm, rv, training=True, momentum=0.3, eps=1e-3)
    y.pow(3).sum().backward()
    z = F.batch_norm(x.detach(), rm, rv, torch.tensor([1.0, 2.0, 3.0]), None)
    return [a.detach().numpy() for a in (y, x.grad, rm, rv, z)]


def adadelta_case(**kwargs):
    w = torch.tensor(fill((2, 3), 4.0), requires_grad=True)
    opt = torch.optim.Adadelta([w], **kwargs)
    out = []
    for _ in range(4):
        opt.zero_grad()
        ((w - 0.3) ** 2 * torch.tensor(fill((2, 3), 6.0))).sum().backward()
        opt.step()
        out.append(w.detach().numpy().copy())
    state = opt.state_dict()["state"][0]
    return out + [np.asarray(state["square_avg"]), np.asarray(state["acc_delta"])]


CASES = {
    "BatchNorm1d (N, C)": lambda: bn_case((5, 3)),
    "BatchNorm1d (N, C, L)": lambda: bn_case((4, 3, 2)),
    "BatchNorm1d momentum=None": lambda: bn_case((5, 3), steps=3, momentum=None),
    "BatchNorm1d affine=False, no running stats": lambda: bn_case((5, 3), affine=False, track_running_stats=False),
    "BatchNorm1d bias=False, eps=0.1": lambda: bn_case((4, 2), bias=False, eps=0.1),
    "F.batch_norm": functional_bn_case,
    "Adadelta": lambda: adadelta_case(),
    "Adadelta lr, rho, eps, weight_decay": lambda: adadelta_case(lr=0.5, rho=0.7, eps=1e-4, weight_decay=0.2),
    "Adadelta maximize": lambda: adadelta_case(lr=0.1, maximize=True),
}

ERROR_CASES = {
    "one value per channel": lambda: nn.BatchNorm1d(3)(torch.ones(1, 3)),
    "one value per channel (N, C, L)": lambda: F.batch_norm(torch.ones(1, 3, 1), torch.zeros(3), torch.ones(3),
                                                            training=True),
    "4-D input": lambda: nn.BatchNorm1d(3)(torch.ones(2, 3, 4, 5)),
    "1-D input": lambda: nn.BatchNorm1d(3)(torch.ones(3)),
    "wrong channels": lambda: nn.BatchNorm1d(3)(torch.ones(2, 4)),
    "weight size": lambda: F.batch_norm(torch.ones(2, 3), torch.zeros(3), torch.ones(3), weight=torch.ones(4)),
    "no running_var in eval": lambda: F.batch_norm(torch.ones(2, 3), torch.zeros(3), None),
    "no running_mean in eval": lambda: F.batch_norm(torch.ones(2, 3), None, torch.ones(3)),
    "eval with one value": lambda: nn.BatchNorm1d(3).eval()(torch.ones(1, 3)).shape,
    "Dropout2d(1.5)": lambda: nn.Dropout2d(1.5),
    "dropout2d(p=-0.1)": lambda: F.dropout2d(torch.ones(2, 3, 4), -0.1),
    "dropout2d 1-D": lambda: F.dropout2d(torch.ones(3), 0.5),
    "dropout2d 1-D eval": lambda: F.dropout2d(torch.ones(3), 0.5, training=False).shape,
    "repr": lambda: (nn.BatchNorm1d(4, momentum=None, affine=False), nn.Dropout2d()),
    "state_dict keys": lambda: (list(nn.BatchNorm1d(2).state_dict()),
                                list(nn.BatchNorm1d(2, track_running_stats=False).state_dict())),
}


def summary(a) -> list:
    """An array's shape, sum and sum weighted by fill(shape, 0.5)."""
    a = np.asarray(a, dtype=np.float64)
    return [list(a.shape), float(a.sum()), float((a * fill(a.shape, 0.5)).sum())]


def pytorch_values() -> dict:
    import warnings
    warnings.simplefilter("ignore")
    return {"VALUES": {k: [summary(a) for a in fn()] for k, fn in CASES.items()},
            "ERRORS": {k: outcome(fn) for k, fn in ERROR_CASES.items()}}


EXPECTED = {'ERRORS': {'1-D input': 'ValueError: expected 2D or 3D input (got 1D input)',
                       '4-D input': 'ValueError: expected 2D or 3D input (got 4D input)',
                       'Dropout2d(1.5)': 'ValueError: dropout probability has to be between 0 and 1, but got 1.5',
                       'dropout2d 1-D': 'RuntimeError: Feature dropout requires at least 2 dimensions in the input',
                       'dropout2d 1-D eval': 'torch.Size([3])',
                       'dropout2d(p=-0.1)': 'ValueError: dropout probability has to be between 0 and 1, but got '
                                            '-0.1',
                       'eval with one value': 'torch.Size([1, 3])',
                       'no running_mean in eval': 'RuntimeError: running_mean must be defined in evaluation mode',
                       'no running_var in eval': 'RuntimeError: running_var must be defined in evaluation mode',
                       'one value per channel': 'ValueError: Expected more than 1 value per channel when training, '
                                                'got input size torch.Size([1, 3])',
                       'one value per channel (N, C, L)': 'ValueError: Expected more than 1 value per channel when '
                                                          'training, got input size torch.Size([1, 3, 1])',
                       'repr': '(BatchNorm1d(4, eps=1e-05, momentum=None, affine=False, bias=False, '
                               'track_running_stats=True), Dropout2d(p=0.5, inplace=False))',
                       'state_dict keys': "(['weight', 'bias', 'running_mean', 'running_var', "
                                          "'num_batches_tracked'], ['weight', 'bias'])",
                       'weight size': 'RuntimeError: weight should contain 3 elements not 4',
                       'wrong channels': 'RuntimeError: running_mean should contain 4 elements not 3'},
            'VALUES': {'Adadelta': [[[2, 3], -0.4676924362108197, -0.7037380301901448],
                                    [[2, 3], -0.4677442536391193, -0.7045938518303383],
                                    [[2, 3], -0.46787440665021646, -0.7054814604375851],
                                    [[2, 3], -0.46809523911403383, -0.7064003341735223],
                                    [[2, 3], 0.15808954854186874, 0.059717449282414854],
                                    [[2, 3], 2.2166154903148465e-05, 1.1054303845537653e-06]],
                       'Adadelta lr, rho, eps, weight_decay': [[[2, 3], -0.4634468136030638, -0.6933742477228143],
                                                               [[2, 3], -0.4599150973136353, -0.6830295059221315],
                                                               [[2, 3], -0.4577418441501088, -0.6720615286131058],
                                                               [[2, 3], -0.457325965295597, -0.6605499007038886],
                                                               [[2, 3], 0.3952751569657932, 0.1599961236751253],
                                                               [[2, 3], 0.0015316927539204088,
                                                                0.00018599368831126808]],
                       'Adadelta maximize': [[[2, 3], -0.46769694930647415, -0.7028335922853459],
                                             [[2, 3], -0.46769793687330147, -0.7027493664183675],
                                             [[2, 3], -0.4676997123971453, -0.702663851482451],
                                             [[2, 3], -0.4677023960797939, -0.7025774017349007],
                                             [[2, 3], 0.15930221281392665, 0.06094584801180485],
                                             [[2, 3], 2.204818899778446e-05, 1.2011011175516848e-06]],
                       'BatchNorm1d (N, C)': [[[5, 3], -0.6053481773775768, -5.058349586077225],
                                              [[5, 3], -3.3306690738754696e-16, -3.5711060202948772],
                                              [[5, 3], -0.6053481773775763, -5.980404721859305],
                                              [[5, 3], -3.3306690738754696e-16, 0.9117776167303212],
                                              [[5, 3], -0.5791923917901719, 2.1310175529414397],
                                              [[3], 0.6526663503557596, 0.20963359470908388],
                                              [[3], -0.5276036061708398, -0.1886192011017386],
                                              [[3], -0.0032345456579405208, 0.0006597277140923257],
                                              [[3], 2.653627145000102, 0.6650938869460465],
                                              [[], 2.0, 0.479425538604203]],
                       'BatchNorm1d (N, C, L)': [[[4, 3, 2], -0.968557083804124, -8.21241514824455],
                                                 [[4, 3, 2], -4.996003610813204e-16, -5.49486425708972],
                                                 [[4, 3, 2], -0.9685570838041231, -9.57621102900225],
                                                 [[4, 3, 2], -1.1102230246251565e-16, 1.4688916885745749],
                                                 [[4, 3, 2], -1.0174952723644126, 3.698110528454923],
                                                 [[3], 1.1395205171969465, 0.2822340669867699],
                                                 [[3], 0.15871563320864213, -0.045878495375896076],
                                                 [[3], -0.0005610758026921136, 0.0006558937092538858],
                                                 [[3], 2.641371229197546, 0.6581834229134402],
                                                 [[], 2.0, 0.479425538604203]],
                       'BatchNorm1d affine=False, no running stats': [[[5, 3], 0.0, -4.050051255162223],
                                                                      [[5, 3], 1.1102230246251565e-16,
                                                                       -2.9709383396830527],
                                                                      [[5, 3], 6.38378239159465e-16,
                                                                       -4.816788179082392],
                                                                      [[5, 3], -2.220446049250313e-16,
                                                                       0.7962164881587993],
                                                                      [[5, 3], -3.174543961037557e-16,
                                                                       5.035639676005988]],
                       'BatchNorm1d bias=False, eps=0.1': [[[4, 2], -1.1102230246251565e-16, -1.9799035005153807],
                                                           [[4, 2], -2.220446049250313e-16, -1.253298633873615],
                                                           [[4, 2], -1.1102230246251565e-16, -2.9514883646211794],
                                                           [[4, 2], -3.3306690738754696e-16, 0.43881788312312675],
                                                           [[4, 2], 1.1347102362821868, 1.291229613443028],
                                                           [[2], 0.6810022246989317, 0.4194622415540522],
                                                           [[2], -0.0436762843926357, -0.014131555301921974],
                                                           [[2], 1.768881971958458, 0.6488354038497809],
                                                           [[], 2.0, 0.479425538604203]],
                       'BatchNorm1d momentum=None': [[[5, 3], -0.6053481773775768, -5.058349586077225],
                                                     [[5, 3], -3.3306690738754696e-16, -3.5711060202948772],
                                                     [[5, 3], -0.6053481773775763, -5.980404721859305],
                                                     [[5, 3], -3.3306690738754696e-16, 0.9117776167303212],
                                                     [[5, 3], -0.6053481773775777, -1.5891149191372131],
                                                     [[5, 3], 1.3177164505493062e-16, -4.205492842742905e-06],
                                                     [[5, 3], -0.184126128726054, 2.380381211999242],
                                                     [[3], 6.039547010436456, 1.481721303922873],
                                                     [[3], -0.7914054092562597, -0.2829288016526079],
                                                     [[3], -0.06275084756151406, -0.01615985916094687],
                                                     [[3], 2.220502486278088, 0.5299831477493643],
                                                     [[], 3.0, 0.7191383079063045]],
                       'F.batch_norm': [[[4, 3, 2], 7.216449660063518e-16, 7.4646001893241305],
                                        [[4, 3, 2], 1.2878587085651816e-14, -0.41864518445012067],
                                        [[3], -0.08554890473930948, 0.041958478270239026],
                                        [[3], 1.7373627957845077, 0.4066054558602459],
                                        [[4, 3, 2], 10.148533985636831, 7.542533108395301]]}}


@pytest.mark.parametrize("case", list(CASES))
def test_values_are_pytorchs(case):
    got, want = CASES[case](), EXPECTED["VALUES"][case]
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        g = summary(g)
        assert g[0] == w[0], f"{case}[{i}]: shape {g[0]}"
        np.testing.assert_allclose(g[1:], w[1:], rtol=1e-10, atol=1e-12, err_msg=f"{case}[{i}]")


@pytest.mark.filterwarnings("ignore:dropout2d")
@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_errors_are_pytorchs(case):
    assert outcome(ERROR_CASES[case]) == EXPECTED["ERRORS"][case]


def test_adadelta_checks_its_hyperparameters():
    w = torch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match=r"^Adadelta: rho must be in \[0, 1\], got 1.5$"):
        torch.optim.Adadelta([w], rho=1.5)
    with pytest.raises(ValueError, match="^Adadelta: lr must be a positive number, got -1$"):
        torch.optim.Adadelta([w], lr=-1)
    assert torch.optim.Adadelta([w]).defaults == {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0,
                                                  "maximize": False}
