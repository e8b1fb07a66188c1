"""The piecewise and self-gated activations (torch/nn/activations_more.py) and softmin: values and gradients at
points on both sides of every kink and at the kinks themselves, against torch 2.14's (printed by the same
program in float64 and written out; torch is not needed). PyTorch's hardsigmoid and celu kernels round their
constants to float32 even in float64 (gradients off by up to 1.5e-7 relative): the dialect's are exact, so
those two compare to 1e-6."""
import numpy as np
import pytest

import tinygrad_rnn.torch as torch

F = torch.nn.functional
pytestmark = pytest.mark.usefixtures("torch_float64")

POINTS = [-7.0, -4.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 4.0, 6.0, 7.0, 30.0]
FUNCTIONS = {"logsigmoid": F.logsigmoid, "hardtanh": F.hardtanh, "hardtanh2": lambda x: F.hardtanh(x, -0.5, 3.0),
             "relu6": F.relu6, "hardsigmoid": F.hardsigmoid, "hardswish": F.hardswish, "softsign": F.softsign,
             "tanhshrink": F.tanhshrink, "threshold": lambda x: F.threshold(x, 0.5, -2.0), "mish": F.mish,
             "selu": F.selu, "celu": lambda x: F.celu(x, 0.7), "softmin": lambda x: F.softmin(x, dim=0)}
# name -> (values, d/dx of sum(values * [1, 2, ..., 13])), torch 2.14
EXPECTED = {
    "logsigmoid": (
        [-7.000911466454, -4.018149927918, -3.048587351574, -1.313261687518, -0.97407698418, -0.69314718056,
         -0.47407698418, -0.313261687518, -0.048587351574, -0.018149927918, -0.002475685138, -0.000911466454, -0.0],
        [0.999088948806, 1.964027580076, 2.857722380467, 2.92423431452, 3.112296656009, 3.0, 2.642784681587,
         2.15153137096, 0.426832858598, 0.179862099621, 0.027198854723, 0.010932614333, 1e-12],
    ),
    "hardtanh": (
        [-1.0, -1.0, -1.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        [0.0, 0.0, 0.0, 0.0, 5.0, 6.0, 7.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    "hardtanh2": (
        [-0.5, -0.5, -0.5, -0.5, -0.5, 0.0, 0.5, 1.0, 3.0, 3.0, 3.0, 3.0, 3.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    "relu6": (
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 3.0, 4.0, 6.0, 6.0, 6.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 7.0, 8.0, 9.0, 10.0, 0.0, 0.0, 0.0],
    ),
    "hardsigmoid": (
        [0.0, 0.0, 0.0, 0.333333333333, 0.416666666667, 0.5, 0.583333333333, 0.666666666667, 1.0, 1.0, 1.0, 1.0, 1.0],
        [0.0, 0.0, 0.0, 0.666666686535, 0.833333358169, 1.000000029802, 1.166666701436, 1.33333337307, 0.0, 0.0, 0.0,
         0.0, 0.0],
    ),
    "hardswish": (
        [-0.0, -0.0, -0.0, -0.333333333333, -0.208333333333, 0.0, 0.291666666667, 0.666666666667, 3.0, 4.0, 6.0, 7.0,
         30.0],
        [0.0, 0.0, 0.0, 0.666666666667, 1.666666666667, 3.0, 4.666666666667, 6.666666666667, 9.0, 10.0, 11.0, 12.0,
         13.0],
    ),
    "softsign": (
        [-0.875, -0.8, -0.75, -0.5, -0.333333333333, 0.0, 0.333333333333, 0.5, 0.75, 0.8, 0.857142857143, 0.875,
         0.967741935484],
        [0.015625, 0.08, 0.1875, 1.0, 2.222222222222, 6.0, 3.111111111111, 2.0, 0.5625, 0.4, 0.224489795918, 0.1875,
         0.013527575442],
    ),
    "tanhshrink": (
        [-6.000001663056, -3.000670700261, -2.004945246313, -0.238405844044, -0.03788284274, 0.0, 0.03788284274,
         0.238405844044, 2.004945246313, 3.000670700261, 5.000012288349, 6.000001663056, 29.0],
        [0.999996673891, 1.997318098634, 2.970401888504, 2.320102633544, 1.06776133517, 0.0, 1.494865869239,
         4.640205267088, 8.911205665511, 9.98659049317, 10.999729657979, 11.999960086688, 13.0],
    ),
    "threshold": (
        [-2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, 1.0, 3.0, 4.0, 6.0, 7.0, 30.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0],
    ),
    "mish": (
        [-0.00638026341, -0.072591740792, -0.145647461276, -0.303401461374, -0.220743774652, 0.0, 0.375245211305,
         0.865098388267, 2.986535004968, 3.997412806976, 5.999926634065, 6.99998837981, 30.0],
        [-0.005465886861, -0.107546419587, -0.280179343597, 0.23686702351, 1.447553389568, 3.6, 6.204970627504,
         8.392289760798, 9.189962198365, 10.044328769038, 11.001475545568, 12.000258709931, 13.0],
    ),
    "selu": (
        [-1.756496161765, -1.72589862819, -1.670568728767, -1.111330737813, -0.691758187803, 0.0, 0.525350493678,
         1.050700987355, 3.152102962066, 4.202803949422, 6.304205924133, 7.354906911488, 31.521029620664],
        [0.001603179083, 0.064401425315, 0.262591836241, 2.587074412139, 5.331705765223, 10.548596045084,
         7.354906911488, 8.405607898844, 9.456308886199, 10.507009873555, 11.55771086091, 12.608411848266,
         13.659112835621],
    ),
    "celu": (
        [-0.699968220049, -0.697691045971, -0.690365349287, -0.532244274491, -0.35732083831, 0.0, 0.5, 1.0, 3.0, 4.0,
         6.0, 7.0, 30.0],
        [4.5399923e-05, 0.006597010982, 0.041291357889, 0.958604138771, 2.447708309695, 6.000000102179, 7.0, 8.0, 9.0,
         10.0, 11.0, 12.0, 13.0],
    ),
    "softmin": (
        [0.931141593931, 0.046358810197, 0.017054453189, 0.002308069253, 0.001399914767, 0.000849091227,
         0.000514999862, 0.000312363206, 4.2273763e-05, 1.5551648e-05, 2.104687e-06, 7.74271e-07, 0.0],
        [0.095927417429, -0.041582865307, -0.03235193444, -0.006686427463, -0.005455438027, -0.004157981652,
         -0.003036943217, -0.002154362379, -0.000333835006, -0.000138362684, -2.083004e-05, -8.437214e-06, -0.0],
    ),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_values_and_gradients_at_and_around_the_kinks(name):
    x = torch.tensor(POINTS, requires_grad=True)
    y = FUNCTIONS[name](x)
    (y * torch.arange(1.0, 14.0)).sum().backward()
    values, grads = EXPECTED[name]
    tolerance = 1e-6 if name in ("hardsigmoid", "celu") else 1e-11
    np.testing.assert_allclose(y.tolist(), values, rtol=tolerance, atol=1e-12)
    np.testing.assert_allclose(x.grad.tolist(), grads, rtol=tolerance, atol=1e-12)


def test_glu_and_prelu_with_a_slope_per_channel():
    x = torch.tensor([[1.0, -2.0, 3.0, 0.5], [0.0, 4.0, -1.0, 2.0]], requires_grad=True)
    y = F.glu(x, 1)
    (y * torch.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    np.testing.assert_allclose(y.reshape(-1).tolist(), [0.952574126822, -1.244918662404, 0.0, 3.523188311912],
                               rtol=1e-11)
    np.testing.assert_allclose(x.grad.reshape(-1).tolist(), [0.952574126822, 1.244918662404, 0.045176659731,
                                                             -0.940014848806, 0.80682426411, 3.523188311912, 0.0,
                                                             1.679897366456], rtol=1e-11)
    m = torch.nn.PReLU(2)
    with torch.no_grad():
        m.weight.copy_(torch.tensor([0.25, -0.5]))
    x = torch.tensor([[[1.0, -2.0], [0.0, -1.0]], [[-3.0, 2.0], [-0.5, 0.0]]], requires_grad=True)
    y = m(x)
    (y * torch.arange(1.0, 9.0).reshape(2, 2, 2)).sum().backward()
    assert y.reshape(-1).tolist() == [1.0, -0.5, -0.0, 0.5, -0.75, 2.0, 0.25, -0.0]
    assert x.grad.reshape(-1).tolist() == [1.0, 0.5, -1.5, -2.0, 1.25, 6.0, -3.5, -4.0]
    assert m.weight.grad.tolist() == [-19.0, -7.5]


def test_reprs_and_errors_are_pytorchs():
    nn = torch.nn
    reprs = [nn.PReLU(), nn.PReLU(3), nn.Hardtanh(), nn.ReLU6(), nn.Threshold(0.1, 20), nn.GLU(), nn.CELU(), nn.SELU(),
             nn.Mish(), nn.Hardswish(), nn.Hardsigmoid(), nn.Softsign(), nn.Tanhshrink(), nn.LogSigmoid(),
             nn.Softmin(dim=1)]
    assert " ".join(map(repr, reprs)) == (
        "PReLU(num_parameters=1) PReLU(num_parameters=3) Hardtanh(min_val=-1.0, max_val=1.0) ReLU6() "
        "Threshold(threshold=0.1, value=20) GLU(dim=-1) CELU(alpha=1.0) SELU() Mish() Hardswish() Hardsigmoid() "
        "Softsign() Tanhshrink() LogSigmoid() Softmin(dim=1)")
    with pytest.raises(RuntimeError, match="^Halving dimension must be even, but dimension 1 is size 3$"):
        F.glu(torch.ones(2, 3))
    with pytest.raises(RuntimeError, match="^glu does not support scalars because halving size must be even$"):
        F.glu(torch.ones(()))
    with pytest.raises(ValueError, match="^min_val cannot be greater than max_val$"):
        F.hardtanh(torch.ones(2), 2, 1)
    with pytest.raises(RuntimeError, match=r"^Mismatch of parameter numbers and input channel size. Found parameter "
                                           r"numbers = 2 and channel size = 3.$"):
        F.prelu(torch.ones(2, 3), torch.ones(2))
