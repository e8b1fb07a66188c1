"""2-D convolution and pooling of the PyTorch dialect (torch/nn/conv.py, torch/nn/pooling.py) against PyTorch
2.14 in float64, as tests/test_torch_conv_pool.py checks the 1-D ones: the inputs are made by `det` (sines, the same
in both); the numbers were printed by PyTorch for the same calls: each output's shape, sum(out * det) and the
gradients' sums against det of another phase."""
import numpy as np
import pytest

import tinygrad_rnn as tr
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from helpers import backward_projected, close, det, project, raises_as_written
from tinygrad_rnn.torch.nn.conv import pad_by_mode

# the public names, bare as the tests below (and their evaluated error table) call them
Conv2d, MaxPool2d, AvgPool2d = nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d
conv2d, max_pool2d, avg_pool2d = F.conv2d, F.max_pool2d, F.avg_pool2d

pytestmark = pytest.mark.usefixtures("torch_float64")






# (input, weight, stride, padding, dilation, groups, out shape, out, d input, d weight, d bias or no bias, grad_fn)
CONV = [
    ((2, 4, 7, 8), (6, 4, 3, 3), 1, 0, 1, 1, (2, 6, 5, 6), 1.46432892756, -1.66679531785, 4.13846255949,
     -1.256315041423437, 'ConvolutionBackward0'),
    ((2, 4, 7, 8), (6, 4, 3, 2), (2, 1), (1, 2), 1, 1, (2, 6, 4, 11), 66.4176590194, -19.3781963978,
     -51.1062013801, -0.20397252540484523, 'ConvolutionBackward0'),
    ((2, 4, 9, 8), (6, 2, 3, 3), 1, 2, (2, 1), 2, (2, 6, 9, 10), 1.41149677327, 11.6047412783, 8.86508658722,
     -3.486513072543346, 'ConvolutionBackward0'),
    ((2, 6, 8, 9), (6, 2, 2, 3), (3, 2), 1, 1, 3, (2, 6, 3, 5), -21.6454087968, 13.48891199, 33.5480103326, None,
     'ConvolutionBackward0'),
    ((1, 4, 6, 7), (4, 4, 3, 4), 1, 'same', (1, 2), 1, (1, 4, 6, 7), 20.6723541901, -19.7749274355, -16.3143402635,
     4.156221436524618, 'ConvolutionBackward0'),
    ((2, 4, 6, 7), (6, 4, 2, 3), 1, 'valid', 1, 1, (2, 6, 5, 5), -490.114440132, 493.273668582, 384.014719462,
     None, 'ConvolutionBackward0'),
    ((4, 7, 8), (6, 4, 3, 3), 2, (1, 0), 1, 1, (6, 4, 3), -2.20810192975, -2.5685651311, 0.310106596472,
     3.9040989966929356, 'SqueezeBackward1'),
    ((2, 1, 10, 5), (5, 1, 3, 5), 1, 0, 1, 1, (2, 5, 8, 1), -3.10171694406, 0.314479731793, 1.93201940362,
     -2.6545842903893373, 'ConvolutionBackward0'),
    ((3, 2, 6, 5), (4, 1, 3, 2), (2,), [2], (2, 1), 2, (3, 4, 3, 4), 9.77686900111, -9.56344631366, -7.48599722976,
     -4.887293430839573, 'ConvolutionBackward0'),
]
# (padding_mode, padding, kernel_size, out shape, out, d input, d weight, F.pad(mode=...)'s grad_fn)
MODES = [
    ('reflect', (2, 1), 3, (2, 6, 7, 6), -34.1303567602, 13.4486641643, 14.270935002, 'ReflectionPad2DBackward0'),
    ('replicate', (1, 3), (3, 2), (2, 6, 5, 11), -0.351426482229, 11.4375837679, 10.7356287435,
     'ReplicationPad2DBackward0'),
    ('circular', 2, 3, (2, 6, 7, 8), 16.8037784638, -8.11882187012, -15.4721223336, 'CopySlices'),
    ('reflect', 'same', (2, 4), (2, 6, 5, 6), 8.12479888678, -14.0029020005, 10.8503172473, 'ReflectionPad2DBackward0'),
    ('circular', 'same', (3, 2), (2, 6, 5, 6), -3.38957821864, -3.54490211673, -2.22567011727, 'CopySlices'),
]
# (pool, arguments, input shape, output shape, out, d input)
POOLS = [
    ('max_pool2d', (2,), (2, 3, 6, 7), (2, 3, 3, 3), -6.34010097631, 5.55217734298),
    ('max_pool2d', ((3, 2), (2, 1), 1, 1, False), (2, 3, 6, 7), (2, 3, 3, 8), -3.87781519796, 3.51728533277),
    ('max_pool2d', (3, 2, 1, (1, 2), True), (2, 3, 7, 8), (2, 3, 4, 4), -9.54501729531, 8.36616514076),
    ('max_pool2d', ((4, 3), (3, 2), (2, 1), 1, True), (2, 3, 8, 7), (2, 3, 4, 4), -25.514816132, 16.8327846934),
    ('max_pool2d', (3, 2, 1), (3, 6, 7), (3, 3, 4), -1.81958466129, 1.15779137601),
    ('max_pool2d', ((2, 3), None, 0, 2, True), (1, 2, 7, 9), (1, 2, 3, 3), 0.292312360865, -4.32890213166),
    ('avg_pool2d', (2,), (2, 3, 6, 7), (2, 3, 3, 3), -5.90635181138, 6.88151909259),
    ('avg_pool2d', ((3, 2), (2, 1), 1, False, True), (2, 3, 6, 7), (2, 3, 3, 8), 0.953528517472, -7.21114110158),
    ('avg_pool2d', (3, 2, 1, False, False), (2, 3, 6, 7), (2, 3, 3, 4), -0.701617132295, -0.376588129405),
    ('avg_pool2d', ((4, 3), 3, (2, 1), True, True), (2, 3, 8, 7), (2, 3, 4, 3), -0.17539826987, -0.637697702308),
    ('avg_pool2d', ((4, 3), 3, (2, 1), True, False), (2, 3, 8, 7), (2, 3, 4, 3), -2.5055664611, -2.2433437265),
    ('avg_pool2d', (3, 2, 1, True, False, 5), (2, 3, 6, 7), (2, 3, 4, 4), 1.04027662111, -1.82358482836),
    ('avg_pool2d', (3, 2, 1, True, True, 2), (3, 6, 7), (3, 4, 4), 4.34685776617, -6.07411348275),
    ('avg_pool2d', ((5, 3), (4, 2), (2, 1), True, True), (2, 3, 9, 8), (2, 3, 3, 5), 0.100425034105, -0.59493662065),
]


@pytest.mark.parametrize("xs, ws, stride, padding, dilation, groups, shape, value, dx, dw, db, grad_fn", CONV)
def test_conv2d_values_and_gradients_match_pytorch(xs, ws, stride, padding, dilation, groups, shape, value, dx, dw,
                                                   db, grad_fn):
    x, w = det(*xs, grad=True), det(*ws, phase=1.0, grad=True)
    bias = None if db is None else det(ws[0], phase=2.0, grad=True)
    out = conv2d(x, w, bias, stride, padding, dilation, groups)
    assert tuple(out.shape) == shape and close(backward_projected(out)[0], value)
    assert close(project(x.grad, 4.0), dx) and close(project(w.grad, 5.0), dw)
    assert bias is None or close(project(bias.grad, 6.0), db)
    assert type(out.grad_fn).__name__ == grad_fn


@pytest.mark.parametrize("mode, padding, k, shape, value, dx, dw, pad_name", MODES)
def test_conv2d_padding_modes_match_pytorch(mode, padding, k, shape, value, dx, dw, pad_name):
    m = Conv2d(4, 6, k, padding=padding, padding_mode=mode)
    m.load_state_dict({"weight": det(*m.weight.shape, phase=1.0), "bias": det(6, phase=2.0)})
    x = det(2, 4, 5, 6, grad=True)
    out = m(x)
    assert tuple(out.shape) == shape and close(backward_projected(out)[0], value)
    assert close(project(x.grad, 4.0), dx) and close(project(m.weight.grad, 5.0), dw)
    assert type(out.grad_fn).__name__ == "ConvolutionBackward0"
    assert type(pad_by_mode(x, (2, 1, 1, 2), mode).grad_fn).__name__ == pad_name   # F.pad(mode=...)'s in PyTorch


def test_conv2d_layer_has_pytorchs_parameters_attributes_repr_and_init():
    m = Conv2d(4, 6, (3, 5), stride=(2, 1), padding=(1, 2), dilation=2, groups=2, bias=False, padding_mode="reflect")
    assert repr(m) == ("Conv2d(4, 6, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), dilation=(2, 2), groups=2, "
                       "bias=False, padding_mode=reflect)")
    assert m.bias is None and [n for n, _ in m.named_parameters()] == ["weight"] and m.weight.shape == (6, 2, 3, 5)
    assert m._reversed_padding_repeated_twice == [2, 2, 1, 1]
    assert repr(Conv2d(4, 6, 3, padding="same")) == "Conv2d(4, 6, kernel_size=(3, 3), stride=(1, 1), padding=same)"
    assert Conv2d(4, 6, (3, 4), padding="same", dilation=(1, 2))._reversed_padding_repeated_twice == [3, 3, 1, 1]
    m = Conv2d(1, 64, kernel_size=(6, 8))                               # LSTNet's: (Ck, m)
    assert repr(m) == "Conv2d(1, 64, kernel_size=(6, 8), stride=(1, 1))"
    assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == [("weight", (64, 1, 6, 8)), ("bias", (64,))]
    assert (m.kernel_size, m.stride, m.padding, m.dilation, m.groups, m.padding_mode, m.output_padding,
            m.transposed, m.weight.dtype) == ((6, 8), (1, 1), (0, 0), (1, 1), 1, "zeros", (0, 0), False, torch.float64)
    bound = 1 / np.sqrt(6 * 8)                  # kaiming_uniform_(a=sqrt(5)) and the bias: U(-1/sqrt(fan_in), ..)
    for p in (m.weight, m.bias):
        assert 0.9 * bound < np.abs(p.detach().numpy()).max() <= bound
    assert abs(m.weight.detach().numpy().std() - bound / np.sqrt(3)) < 0.05 * bound
    torch.manual_seed(0)                        # drawn from the dialect's generator
    assert torch.equal(Conv2d(3, 8, 3).weight, (torch.manual_seed(0), Conv2d(3, 8, 3))[1].weight)


@pytest.mark.parametrize("pool, args, xs, shape, value, dx", POOLS)
def test_pools_2d_values_and_gradients_match_pytorch(pool, args, xs, shape, value, dx):
    x = det(*xs, grad=True)
    out = globals()[pool](x, *args)
    assert tuple(out.shape) == shape and close(backward_projected(out)[0], value) and close(project(x.grad, 4.0), dx)
    assert type(out.grad_fn).__name__ == ("MaxPool2DWithIndicesBackward0" if pool == "max_pool2d" else
                                          "AvgPool2DBackward0")


def test_max_pool2d_indices_ties_nans_and_avg_pool2d_divisors_match_pytorch():
    out, idx = max_pool2d(det(1, 2, 5, 6), (3, 2), (2, 2), 1, (1, 2), True, return_indices=True)
    assert idx.dtype == torch.int64 and out.shape == idx.shape == (1, 2, 3, 4) and idx.tolist() == [
        [[[7, 3, 5, 5], [19, 21, 21, 23], [19, 21, 21, 23]], [[7, 9, 9, 11], [7, 9, 9, 23], [25, 25, 27, 23]]]]
    assert torch.equal(out, det(1, 2, 5, 6).flatten(2).gather(2, idx.flatten(2)).reshape(1, 2, 3, 4))
    t = torch.tensor([[[[1.0, 3.0, 3.0], [3.0, 2.0, 5.0], [5.0, float("nan"), 0.0]]]])
    out, idx = max_pool2d(t, 2, 1, return_indices=True)                 # the first tied maximum; a NaN wins
    assert idx.tolist() == [[[[1, 5], [7, 7]]]] and out[0, 0, 0].tolist() == [3.0, 5.0]
    assert max_pool2d(torch.arange(12).reshape(1, 3, 4), 2).tolist() == [[[5, 7]]]      # integers too
    for include, expected in ((False, [[0.7536007308303181, 0.9129221933372271, 0.9228329677887603],
                                       [-0.001714505970278742, -0.2589946568736527, -0.40987366236474826],
                                       [-0.7497131447831192, -0.3256603045976994, 0.006542116664559339]]),
                              (True, [[0.33493365814680803, 0.6086147955581515, 0.30761098926292013],
                                      [-0.001143003980185828, -0.2589946568736527, -0.20493683118237413],
                                      [-0.33320584212583076, -0.2171068697317996, 0.002180705554853113]])):
        assert np.allclose(avg_pool2d(det(1, 1, 5, 4), 3, 2, 1, True, include).numpy()[0, 0], expected, 1e-12, 0)


def test_2d_pool_modules_print_and_pool_as_pytorchs():
    x = det(2, 3, 6, 7)
    assert [repr(m) for m in (MaxPool2d(3), MaxPool2d((3, 2), (2, 1), 1, (1, 2), True, True), AvgPool2d(3),
                              AvgPool2d((3, 2), (2, 1), 1, True, False, 3))] == [
        "MaxPool2d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)",
        "MaxPool2d(kernel_size=(3, 2), stride=(2, 1), padding=1, dilation=(1, 2), ceil_mode=True)",
        "AvgPool2d(kernel_size=3, stride=3, padding=0)", "AvgPool2d(kernel_size=(3, 2), stride=(2, 1), padding=1)"]
    assert torch.equal(MaxPool2d((3, 2), 2, 1, ceil_mode=True)(x), max_pool2d(x, (3, 2), 2, 1, ceil_mode=True))
    assert torch.equal(AvgPool2d(3, 2, 1, False, False, 4)(x), avg_pool2d(x, 3, 2, 1, False, False, 4))
    assert MaxPool2d(2, return_indices=True)(x)[1].shape == (2, 3, 3, 3)


def test_conv2d_and_2d_pools_pass_gradcheck():
    x, w, b = (det(*s, phase=p, grad=True) for s, p in (((2, 4, 6, 5), 0.0), ((6, 2, 3, 2), 1.0), ((6,), 2.0)))
    assert tr.gradcheck(lambda x, w, b: conv2d(x, w, b, (2, 1), (2, 1), (1, 2), 2), x, w, b)
    assert tr.gradcheck(lambda x: avg_pool2d(max_pool2d(x, 3, 1, 1), 2, 2, 1, True, False), x)


ERRORS = [   # (call, "Error: message"), both as PyTorch 2.14 gives them
    ("conv2d(torch.ones(2, 5, 7, 7), torch.ones(6, 4, 3, 3))", "RuntimeError: Given groups=1, weight of size "
     "[6, 4, 3, 3], expected input[2, 5, 7, 7] to have 4 channels, but got 5 channels instead"),
    ("conv2d(torch.ones(2, 4, 7), torch.ones(6, 4, 3, 3))", "RuntimeError: Given groups=1, weight of size "
     "[6, 4, 3, 3], expected input[1, 2, 4, 7] to have 4 channels, but got 2 channels instead"),
    ("conv2d(torch.ones(2, 4, 7, 7, 1), torch.ones(6, 4, 3, 3))", "RuntimeError: Expected 3D (unbatched) or 4D "
     "(batched) input to conv2d, but got input of size: [2, 4, 7, 7, 1]"),
    ("conv2d(torch.ones(2, 4, 7, 7), torch.ones(6, 4, 3))", "RuntimeError: expected stride to be a single integer "
     "value or a list of 1 values to match the convolution dimensions, but got stride=[1, 1]"),
    ("conv2d(torch.ones(2, 4, 7, 7), torch.ones(6, 4, 3, 3), stride=(1, 2, 3))", "RuntimeError: expected stride to be "
     "a single integer value or a list of 2 values to match the convolution dimensions, but got stride=[1, 2, 3]"),
    ("conv2d(torch.ones(2, 4, 4, 9), torch.ones(6, 4, 3, 3), dilation=2)", "RuntimeError: Calculated padded input "
     "size per channel: (4 x 9). Kernel size: (5 x 5). Kernel size can't be greater than actual input size"),
    ("conv2d(torch.ones(2, 4, 7, 7), torch.ones(5, 2, 3, 3), groups=2)", "RuntimeError: Given groups=2, expected "
     "weight to be divisible by 2 at dimension 0, but got weight of size [[5, 2, 3, 3]] instead"),
    ("conv2d(torch.ones(2, 4, 7, 7), torch.ones(6, 4, 3, 3), torch.ones(5))", "RuntimeError: Given weight of size "
     "[6, 4, 3, 3], expected bias to be 1-dimensional with 6 elements, but got bias of size [5] instead"),
    ("conv2d(torch.ones(2, 4, 7, 7), torch.ones(6, 4, 3, 3), padding='same', stride=2)",
     "RuntimeError: padding='same' is not supported for strided convolutions"),
    ("conv2d(torch.ones(2, 4, 7, 7), torch.ones(6, 4, 3, 3), padding=-1)",
     "RuntimeError: negative padding is not supported"),
    ("conv2d(torch.ones(2, 4, 7, 7), torch.ones(6, 4, 3, 3, dtype=torch.float32))",
     "RuntimeError: expected scalar type Double but found Float"),
    ("Conv2d(4, 6, 3, groups=3)", "ValueError: in_channels must be divisible by groups"),
    ("Conv2d(4, 6, 3, padding=(1, 7), padding_mode='reflect')(torch.ones(2, 4, 7, 7))", "RuntimeError: Argument #4: "
     "Padding size should be less than the corresponding input dimension, but got: padding (7, 7) at dimension 3 of "
     "input [2, 4, 7, 7]"),
    ("Conv2d(4, 6, 3, padding=(7, 1), padding_mode='reflect')(torch.ones(2, 4, 7, 7))", "RuntimeError: Argument #6: "
     "Padding size should be less than the corresponding input dimension, but got: padding (7, 7) at dimension 2 of "
     "input [2, 4, 7, 7]"),
    ("Conv2d(4, 6, 3, padding=8, padding_mode='circular')(torch.ones(2, 4, 7, 7))",
     "RuntimeError: Padding value causes wrapping around more than once."),
    ("max_pool2d(torch.ones(2, 4, 7, 7), 2, 2, 2)", "RuntimeError: pad should be at most half of effective kernel "
     "size, but got pad=2, kernel_size=2 and dilation=1"),
    ("max_pool2d(torch.ones(2, 4, 7, 7), (3, 5), 1, (1, 3))", "RuntimeError: pad should be at most half of effective "
     "kernel size, but got pad=3, kernel_size=5 and dilation=1"),
    ("max_pool2d(torch.ones(2, 4, 7, 7), 8)", "RuntimeError: Given input size: (4x7x7). Calculated output size: "
     "(4x0x0). Output size is too small"),
    ("max_pool2d(torch.ones(2, 4, 7, 7), 0)", "RuntimeError: stride should not be zero"),
    ("max_pool2d(torch.ones(2, 4, 7, 7), 0, 1)", "RuntimeError: kernel size should be greater than zero, but got "
     "kH: 0 kW: 0"),
    ("max_pool2d(torch.ones(2, 4, 7, 7), 3, 1, 0, 0)", "RuntimeError: dilation should be greater than zero, but got "
     "dilationH: 0 dilationW: 0"),
    ("max_pool2d(torch.ones(2, 4, 7, 7), (2, 2, 2))", "RuntimeError: max_pool2d: kernel_size must either be a single "
     "int, or a tuple of two ints"),
    ("max_pool2d(torch.ones(2, 4, 7, 7), 2, (2, 2, 2))", "RuntimeError: max_pool2d: stride must either be omitted, a "
     "single int, or a tuple of two ints"),
    ("max_pool2d(torch.ones(2, 4, 7, 7), 2, 2, 0, (1, 1, 1))", "RuntimeError: max_pool2d: dilation must be either a "
     "single int, or a tuple of two ints"),
    ("max_pool2d(torch.ones(2, 4, 7, 7), 2.0)", "TypeError: max_pool2d(): argument 'kernel_size' (position 2) must be "
     "tuple of ints, not float"),
    ("MaxPool2d(2)(torch.ones(7, 7))", "RuntimeError: non-empty 3D or 4D (batch mode) tensor expected for input"),
    ("max_pool2d(torch.ones(2, 0, 7, 7), 2)", "RuntimeError: Expected 3D or 4D (batch mode) tensor with optional 0 "
     "dim batch size for input, but got:[2, 0, 7, 7]"),
    ("avg_pool2d(torch.ones(2, 4, 7, 7), 2, -1)", "RuntimeError: stride should be greater than zero, but got dH: -1 "
     "dW: -1"),
    ("avg_pool2d(torch.ones(2, 4, 7, 7), 0, 1, -1)", "RuntimeError: pad must be non-negative, but got pad: -1"),
    ("avg_pool2d(torch.ones(2, 4, 7, 7), 2, 2, (1, 1, 1))", "RuntimeError: avg_pool2d: padding must either be a "
     "single int, or a tuple of two ints"),
    ("avg_pool2d(torch.ones(4, 7), 2)", "IndexError: Dimension out of range (expected to be in range of [-2, 1], but "
     "got -3)"),
    ("AvgPool2d(2)(torch.ones(1, 2, 4, 7, 7))", "RuntimeError: Expected 3D or 4D (batch mode) tensor with optional 0 "
     "dim batch size for input, but got:[1, 2, 4, 7, 7]"),
    ("avg_pool2d(torch.ones(2, 4, 7, 7), 2, divisor_override=0)", "RuntimeError: divisor must be not zero"),
    ("AvgPool2d(8)(torch.ones(2, 4, 7, 7))", "RuntimeError: Given input size: (4x7x7). Calculated output size: "
     "(4x0x0). Output size is too small"),
]


@pytest.mark.parametrize("call, error", ERRORS)
def test_wrong_arguments_raise_pytorchs_errors(call, error):
    raises_as_written(call, error, globals())


def test_avg_pool2d_refuses_integers_which_pytorch_divides_as_integers():
    with pytest.raises(NotImplementedError, match="^\"avg_pool2d\" not implemented for 'Long'$"):
        avg_pool2d(torch.ones(2, 4, 7, 7).long(), 2)


class CNNGRU(nn.Module):
    """LSTNet-style: Conv2d over (N, 1, L, features) -> ReLU -> MaxPool2d along L, the channels and the
    remaining features of each step as one vector, a GRU over the steps and a Linear on its last."""

    def __init__(self):
        super().__init__()
        self.conv, self.pool = Conv2d(1, 4, kernel_size=(3, 2), padding=(1, 0)), MaxPool2d((2, 1))
        self.gru, self.fc = nn.GRU(4 * 3, 5, batch_first=True), nn.Linear(5, 2)

    def forward(self, x):
        h = self.pool(F.relu(self.conv(x)))                             # (N, 4, L / 2, 3)
        out, _ = self.gru(h.permute(0, 2, 1, 3).reshape(h.shape[0], h.shape[2], -1))
        return self.fc(out[:, -1])


def test_a_cnn_gru_takes_two_sgd_steps_as_in_pytorch():
    model = CNNGRU()
    with torch.no_grad():
        for i, (_, p) in enumerate(sorted(model.named_parameters())):
            p.copy_(det(*p.shape, phase=float(i)) * 0.5)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y, losses = det(3, 1, 8, 4, phase=7.0), torch.tensor([0, 1, 1]), []
    for _ in range(2):
        opt.zero_grad()
        (loss := F.cross_entropy(model(x), y)).backward()
        opt.step()
        losses.append(loss.item())
    assert close(losses[0], 0.6075935602335975) and close(losses[1], 0.5487979493990237)
    after = {"conv.bias": 1.5269302813090837, "conv.weight": 8.875428631101794, "fc.bias": 0.6068416563720423,
             "fc.weight": 3.1973659768772267, "gru.bias_hh_l0": 5.913536781043852, "gru.bias_ih_l0": 4.76202564779963,
             "gru.weight_hh_l0": 28.17756821714712, "gru.weight_ih_l0": 67.08758227822057}
    for i, (name, p) in enumerate(sorted(model.named_parameters())):
        assert close(project(p, i + 0.5), after[name]), name
