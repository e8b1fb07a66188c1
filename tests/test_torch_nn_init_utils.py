"""torch.nn.init and torch.nn.utils' clipping in the PyTorch dialect: calculate_gain's table, the fans, the
shapes, ranges and spreads of every initialiser (xavier and kaiming bounds), the deprecated names, and
clip_grad_norm_ / clip_grad_value_ giving PyTorch's total norm (a tensor) and PyTorch's clipped gradients.

How the expected values were made: the fact functions below were run by PyTorch 2.x in float64 (this
module imported with `tinygrad_rnn.torch` standing for `torch`, and `pytorch_values()` printed as
literals). The random draws differ (numpy's generator is not PyTorch's), so initialisers are checked by
their bounds and spreads, which PyTorch's formulas fix.
"""
import math
import re
import warnings

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from tinygrad_rnn.torch.nn import init
from tinygrad_rnn.torch.nn.utils import clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters
from torch_expect import float64, fill  # noqa: F401 (float64 is an autouse fixture)


def outcome(fn):
    """fn()'s value, or 'Kind: message' for the error it raises."""
    try:
        return fn()
    except Exception as err:                        # noqa: BLE001 (the error is the outcome to compare)
        return f"{type(err).__name__}: {err}"


NONLINEARITIES = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]


def init_facts():
    return {
        "gains": [init.calculate_gain(n) for n in NONLINEARITIES],
        "gain types": [type(init.calculate_gain(n)).__name__ for n in NONLINEARITIES],
        "leaky_relu slopes": [init.calculate_gain("leaky_relu", 0.2), init.calculate_gain("leaky_relu", 0),
                              init.calculate_gain("leaky_relu", 1)],
        "fans": [list(init._calculate_fan_in_and_fan_out(torch.empty(*shape))) for shape in ((3, 4), (3, 4, 5))],
        "errors": [outcome(lambda: init.calculate_gain("gelu")),
                   outcome(lambda: init.calculate_gain("leaky_relu", "x")),
                   outcome(lambda: init.xavier_uniform_(torch.empty(3))),
                   outcome(lambda: init.kaiming_uniform_(torch.empty(3, 3), mode="fan")),
                   outcome(lambda: init.eye_(torch.empty(2, 3, 3))), outcome(lambda: init.orthogonal_(torch.empty(3)))],
        "constant_ zeros_ ones_ eye_": [init.constant_(torch.empty(2, 2), 0.3).tolist(),
                                        init.zeros_(torch.empty(2)).tolist(),
                                        init.ones_(torch.empty(2)).tolist(), init.eye_(torch.empty(2, 3)).tolist()],
    }


def clip_case(clip):
    """Gradients of a small net's loss, then `clip(parameters)`; returns (result, clipped grads)."""
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    state = net.state_dict()
    net.load_state_dict({k: torch.tensor(3 * fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})
    (net(torch.tensor(fill((5, 3), 9))) ** 2).sum().backward()
    result = clip(net.parameters())
    return [None if result is None else [result.tolist(), str(result.dtype), list(result.shape)],
            [p.grad.tolist() for p in net.parameters()]]


CLIPS = {
    "clip_grad_norm_(0.5)": lambda ps: clip_grad_norm_(ps, 0.5),
    "clip_grad_norm_(100)": lambda ps: clip_grad_norm_(ps, 100.0),
    "clip_grad_norm_(0.5, inf)": lambda ps: clip_grad_norm_(ps, 0.5, norm_type=float("inf")),
    "clip_grad_norm_(0.5, 1)": lambda ps: clip_grad_norm_(ps, 0.5, norm_type=1),
    "clip_grad_norm_(one tensor)": lambda ps: clip_grad_norm_(next(ps), 0.1),
    "clip_grad_value_(0.3)": lambda ps: clip_grad_value_(ps, 0.3),
}


def clip_facts():
    out = {name: clip_case(fn) for name, fn in CLIPS.items()}
    out["no gradients"] = repr(clip_grad_norm_(nn.Linear(2, 2).parameters(), 1.0))
    p = torch.ones(2, requires_grad=True)
    p.grad = torch.tensor([float("nan"), 1.0])
    out["non-finite"] = [repr(clip_grad_norm_([p], 1.0)),
                         outcome(lambda: clip_grad_norm_([p], 1.0, error_if_nonfinite=True))]
    return out


def pytorch_values() -> dict:
    """What the expected values below were printed from (run by PyTorch)."""
    return {"INIT": init_facts(), "CLIP": clip_facts()}


def test_calculate_gain_fans_and_simple_fills_match_pytorch():
    assert init_facts() == INIT


@pytest.mark.parametrize("name", list(CLIPS) + ["no gradients", "non-finite"])
def test_clipping_matches_pytorch(name):
    got, want = clip_facts()[name], CLIP[name]
    if isinstance(want, str) or isinstance(want[0], str):
        assert got == want
        return
    assert (got[0] is None) == (want[0] is None)
    if want[0] is not None:
        np.testing.assert_allclose(got[0][0], want[0][0], rtol=1e-12)
        assert got[0][1:] == want[0][1:]                          # a 0-d tensor of the gradients' dtype
    for g, w in zip(got[1], want[1]):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15)


SHAPE = (300, 200)                      # fan_out 300, fan_in 200
XAVIER_BOUND = math.sqrt(6.0 / 500)
KAIMING_BOUND = math.sqrt(3.0) * math.sqrt(2.0) / math.sqrt(200)     # leaky_relu with a=0 (relu's gain), fan_in


@pytest.mark.parametrize("fn, kwargs, low, high, std", [
    (init.uniform_, {"a": -0.3, "b": 0.2}, -0.3, 0.2, 0.5 / math.sqrt(12)),
    (init.normal_, {"mean": 1.0, "std": 0.1}, None, None, 0.1),
    (init.xavier_uniform_, {}, -XAVIER_BOUND, XAVIER_BOUND, XAVIER_BOUND / math.sqrt(3)),
    (init.xavier_uniform_, {"gain": 2.0}, -2 * XAVIER_BOUND, 2 * XAVIER_BOUND, 2 * XAVIER_BOUND / math.sqrt(3)),
    (init.xavier_normal_, {}, None, None, math.sqrt(2.0 / 500)),
    (init.kaiming_uniform_, {}, -KAIMING_BOUND, KAIMING_BOUND, KAIMING_BOUND / math.sqrt(3)),
    (init.kaiming_uniform_, {"a": math.sqrt(5)}, -1 / math.sqrt(200), 1 / math.sqrt(200), 1 / math.sqrt(600)),
    (init.kaiming_uniform_, {"mode": "fan_out", "nonlinearity": "relu"}, -math.sqrt(6 / 300), math.sqrt(6 / 300),
     math.sqrt(2 / 300)),
    (init.kaiming_normal_, {"nonlinearity": "relu"}, None, None, math.sqrt(2 / 200)),
    (init.trunc_normal_, {"std": 0.5, "a": -0.6, "b": 0.6}, -0.6, 0.6, None),
])
def test_initialisers_fill_in_place_within_pytorchs_bounds_and_spreads(fn, kwargs, low, high, std):
    torch.manual_seed(0)
    w = torch.empty(*SHAPE, requires_grad=True)
    assert fn(w, **kwargs) is w
    assert w.requires_grad and w.is_leaf and w.grad_fn is None
    a = w.detach().numpy()
    if low is not None:
        assert a.min() >= low and a.max() <= high
        assert a.min() < low + 0.01 * (high - low) and a.max() > high - 0.01 * (high - low)    # the bounds are reached
    if std is not None:
        assert abs(a.std() / std - 1) < 0.02


def test_orthogonal_is_orthogonal_and_scaled_by_gain():
    for shape in ((3, 5), (5, 3)):
        w = init.orthogonal_(torch.empty(*shape), gain=2.0).numpy()
        small = w @ w.T if shape[0] < shape[1] else w.T @ w
        np.testing.assert_allclose(small, 4 * np.eye(3), atol=1e-12)


def test_the_same_seed_gives_the_same_weights():
    torch.manual_seed(3)
    first = init.xavier_normal_(torch.empty(4, 4)).numpy().copy()
    torch.manual_seed(3)
    np.testing.assert_array_equal(init.xavier_normal_(torch.empty(4, 4)).numpy(), first)


def test_deprecated_names_and_empty_tensors_warn_as_in_pytorch():
    with pytest.warns(FutureWarning, match="`nn.init.xavier_uniform` is now deprecated in favor of "
                                           "`nn.init.xavier_uniform_`"):
        init.xavier_uniform(torch.empty(2, 2))
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        assert init.kaiming_uniform_(torch.empty(0, 3)).shape == (0, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        init.orthogonal_(torch.empty(0, 3))                                   # PyTorch: silently nothing


def test_init_of_a_parameter_records_no_graph():
    lin = nn.Linear(3, 2)
    init.uniform_(lin.weight, -0.1, 0.1)
    init.zeros_(lin.bias)
    assert lin.weight.grad_fn is None and lin.weight.is_leaf and lin.bias.tolist() == [0.0, 0.0]
    lin(torch.ones(1, 3)).sum().backward()
    assert lin.weight.grad.shape == (2, 3)


def test_trunc_normal_warns_when_the_mean_is_far_from_the_interval():
    t = torch.zeros(3)
    with pytest.warns(UserWarning, match=re.escape("mean is more than 2 std from [a, b] in nn.init.trunc_normal_")):
        init.trunc_normal_(t, mean=4.1, std=1.0, a=-2.0, b=2.0)
    assert ((t >= -2) & (t <= 2)).all()



def test_parameters_to_vector_joins_them_in_a_graph_and_vector_to_parameters_writes_them_back():
    lin = nn.Linear(2, 1)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[1.0, 2.0]]))
        lin.bias.fill_(3.0)
    vec = parameters_to_vector(lin.parameters())
    assert vec.tolist() == [1.0, 2.0, 3.0]
    (vec * torch.tensor([4.0, 5.0, 6.0])).sum().backward()
    assert lin.weight.grad.tolist() == [[4.0, 5.0]] and lin.bias.grad.tolist() == [6.0]
    vector_to_parameters(torch.tensor([7.0, 8.0, 9.0]), lin.parameters())
    assert lin.weight.tolist() == [[7.0, 8.0]] and lin.bias.tolist() == [9.0]


# ---- expected values: PyTorch's, written by it (see the module docstring)
INIT = {
    'gains': [1, 1, 1, 1, 1, 1, 1, 1, 1.6666666666666667, 1.4142135623730951, 1.4141428569978354, 0.75],
    'gain types': ['int', 'int', 'int', 'int', 'int', 'int', 'int', 'int', 'float', 'float', 'float', 'float'],
    'leaky_relu slopes': [1.3867504905630728, 1.4142135623730951, 1.0],
    'fans': [[4, 3], [20, 15]],
    'errors': ['ValueError: Unsupported nonlinearity gelu', 'ValueError: negative_slope x not a valid number',
        ('ValueError: Fan in and fan out can not be computed for tensor with ' 'fewer than 2 dimensions'),
        ("ValueError: Mode fan not supported, please use one of ['fan_in', " "'fan_out']"),
        'ValueError: Only tensors with 2 dimensions are supported',
        'ValueError: Only tensors with 2 or more dimensions are supported'],
    'constant_ zeros_ ones_ eye_': [[[0.3, 0.3], [0.3, 0.3]], [0.0, 0.0], [1.0, 1.0], [[1.0, 0.0, 0.0], [0.0, 1.0,
        0.0]]],
}
CLIP = {
    'clip_grad_norm_(0.5)': [[53.007118787755125, 'torch.float64', []], [[[-0.0017277917893157423,
        -0.03416296731771237, -0.01654931569034057], [0.010783983383075355, 0.010438447062974985,
        -0.005199438659064213], [-0.023407620452995503, -0.02279452797833538, 0.01121260138648531],
        [0.0364574010625963, -0.016858672658107195, -0.045476751439014335]], [0.14360794169717223,
        0.06033113207763445, -0.17596237361677017, -0.1444711483261605], [[0.15295181531387675, 0.1316240167773712,
        -0.10328411890975897, -0.12343588477971168], [0.11643412724949272, 0.1091813677696308, -0.064189051820382,
        -0.11244828498656657]], [0.18656604020148412, 0.15381439430117944]]],
    'clip_grad_norm_(100)': [[53.007118787755125, 'torch.float64', []], [[[-0.18317053268911862,
        -3.6217610018302864, -1.754463118406516], [1.1432557979516722, 1.1066240277305113, -0.5512145356602032],
        [-2.481541082596479, -2.416544550105918, 1.188695409651552], [3.8650036505505456, -1.7872593621016803,
        -4.821183222171596]], [15.224486736029924, 6.3959590899400895, -18.654517232883716, -15.315998930398656],
        [[16.215070392194527, 13.954020048527212, -10.949587326444675, -13.085961461251433], [12.343675460993166,
        11.574779679911533, -6.8049535178108185, -11.921119424421121]], [19.778656882574413, 16.306516047607236]]],
    'clip_grad_norm_(0.5, inf)': [[19.778656882574413, 'torch.float64', []], [[[-0.004630509657849366,
        -0.09155729937118649, -0.04435243100979693], [0.02890124812156528, 0.02797520525155248,
        -0.013934578850919898], [-0.0627327975773015, -0.061089699929411434, 0.030049951233011317],
        [0.09770641854207228, -0.04518151263631262, -0.12187842195347344]], [0.38487158295617085,
        0.16168839988822295, -0.47158197850519723, -0.3871849905420657], [[0.40991331384725765, 0.35275447230474416,
        -0.2768030922889765, -0.3308101474564802], [0.31204532517518063, 0.2926078136502188, -0.17202768656527964,
        -0.301363204095966]], [0.499999974720226, 0.4122250393433864]]],
    'clip_grad_norm_(0.5, 1)': [[213.44601852243457, 'torch.float64', []], [[[-0.00042907928922484824,
        -0.008484020948091786, -0.004109852042057197], [0.0026780911644770883, 0.0025922807794834463,
        -0.0012912270205213804], [-0.00581304136790345, -0.005660786168588924, 0.002784534029519844],
        [0.009053819928800097, -0.004186677657659078, -0.01129368266730516]], [0.035663552710173005,
        0.01498261505239228, -0.04369844252570614, -0.035877921182757976], [[0.03798400745180028,
        0.03268746842819562, -0.025649546782234096, -0.030654030209909845], [0.028915215867250606,
        0.02711406777650156, -0.01594068967188112, -0.0279253730078769]], [0.04633175387113637,
        0.0381982200560393]]],
    'clip_grad_norm_(one tensor)': [[8.593684916671206, 'torch.float64', []], [[[-0.0021314548200298943,
        -0.04214444229110468, -0.02041572307178424], [0.013303439397684158, 0.012877175620111167,
        -0.0064141806089385], [-0.02887632974556874, -0.02812000081848436, 0.013832195185834735],
        [0.044974923310295574, -0.020797354935145007, -0.05610145947757768]], [15.224486736029924,
        6.3959590899400895, -18.654517232883716, -15.315998930398656], [[16.215070392194527, 13.954020048527212,
        -10.949587326444675, -13.085961461251433], [12.343675460993166, 11.574779679911533, -6.8049535178108185,
        -11.921119424421121]], [19.778656882574413, 16.306516047607236]]],
    'clip_grad_value_(0.3)': [None, [[[-0.18317053268911862, -0.3, -0.3], [0.3, 0.3, -0.3], [-0.3, -0.3, 0.3], [0.3,
        -0.3, -0.3]], [0.3, 0.3, -0.3, -0.3], [[0.3, 0.3, -0.3, -0.3], [0.3, 0.3, -0.3, -0.3]], [0.3, 0.3]]],
    'no gradients': 'tensor(0.)',
    'non-finite': ['tensor(nan)', ('RuntimeError: The total norm of order 2.0 for gradients from '
        '`parameters` is non-finite, so it cannot be clipped. To disable this '
        'error and scale the gradients by the non-finite norm anyway, set ' '`error_if_nonfinite=False`')],
}
# ---- end of expected values
