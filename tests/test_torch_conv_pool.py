"""1-D convolution and pooling of the PyTorch dialect (torch/nn/conv.py, torch/nn/pooling.py) against PyTorch 2.14
in float64. The inputs are made by `det` (sines, the same in both); the numbers were printed by PyTorch for the
same calls: each output's shape, sum(out * det) and the gradients' sums against det of another phase (one
backward of sum(out * det) checks every output and every entry of the gradients at once)."""
import numpy as np
import pytest

import tinygrad_rnn as tr
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from helpers import backward_projected, close, det, project, raises_as_written
from tinygrad_rnn.torch.nn.conv import pad_by_mode

# the public names, bare as the tests below (and their evaluated error table) call them
Conv1d, MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d = (nn.Conv1d, nn.MaxPool1d, nn.AvgPool1d,
                                                                     nn.AdaptiveAvgPool1d, nn.AdaptiveMaxPool1d)
conv1d, max_pool1d, avg_pool1d, adaptive_avg_pool1d, adaptive_max_pool1d = (F.conv1d, F.max_pool1d, F.avg_pool1d,
                                                                            F.adaptive_avg_pool1d,
                                                                            F.adaptive_max_pool1d)

pytestmark = pytest.mark.usefixtures("torch_float64")






# (input, weight, stride, padding, dilation, groups, out shape, out, d input, d weight, d bias or no bias)
CONV = [
    ((2, 4, 9), (6, 4, 3), 1, 0, 1, 1, (2, 6, 7), 8.87602780054, 6.83065074964, -24.7081190742, -0.253486185603),
    ((2, 4, 9), (6, 4, 3), 2, 1, 1, 1, (2, 6, 5), 23.1624057496, -22.5672704347, 10.7841217527, -5.00925134016),
    ((2, 4, 11), (6, 2, 3), 1, 2, 2, 2, (2, 6, 11), -2.78519342832, -7.58291836006, 10.2155707681, 5.22091516693),
    ((2, 6, 10), (6, 2, 2), 3, 1, 1, 3, (2, 6, 4), -2.99031686441, -16.4611347139, -15.2885572096, None),
    ((1, 4, 8), (4, 4, 4), 1, 'same', 1, 1, (1, 4, 8), -4.64096999282, -5.29540090927, 0.333201811543, 3.97381512521),
    ((2, 4, 9), (6, 2, 3), 1, 'same', 2, 2, (2, 6, 9), 29.1300547873, -22.3494477389, -26.7432975661, 4.96413732862),
    ((2, 4, 9), (6, 4, 3), 1, 'valid', 1, 1, (2, 6, 7), 8.87662090067, 6.83065074964, -24.7081190742, None),
    ((4, 9), (6, 4, 3), 2, (1,), 1, 1, (6, 5), -24.2504432528, -13.2708400797, 43.2851667089, 0.693931498681),
    ((2, 4, 9), (5, 4, 1), 1, 0, 1, 1, (2, 5, 9), 0.302347021889, 0.785611446586, 0.445628185876, -3.33968107271),
    ((3, 2, 5), (4, 1, 3), (2,), [2], (3,), 2, (3, 4, 2),
     -8.43677648907, 26.2216579478, -4.83412167633, -3.72373511164),
]
MODES = [
    ('reflect', 2, 3, (2, 6, 9), -8.544067756392, 0.3585261620351, 0.8084463111439, 'ReflectionPad1DBackward0'),
    ('replicate', 3, 3, (2, 6, 11), -27.84864627526, 85.16113901062, 89.72154087331, 'ReplicationPad1DBackward0'),
    ('circular', 2, 3, (2, 6, 9), -8.418154738082, 7.714030872824, 9.012942204466, 'CopySlices'),
    ('reflect', 'same', 4, (2, 6, 7), 9.852689714559, -3.925522430647, 3.422657966378, 'ReflectionPad1DBackward0'),
    ('circular', 'same', 5, (2, 6, 7), -46.45049435026, -52.77927114144, 102.51629046, 'CopySlices'),
]
# (pool, arguments, input shape, output shape, out, d input)
POOLS = [
    ('max_pool', (2, None, 0, 1, False), (2, 3, 10), (2, 3, 5), 3.156722854683, -3.14768292344),
    ('max_pool', (3, 2, 1, 1, False), (2, 3, 10), (2, 3, 5), 2.753804268804, -4.056491641768),
    ('max_pool', (3, 2, 1, 2, True), (2, 3, 10), (2, 3, 5), 3.327383925415, -2.589849571838),
    ('max_pool', (4, 3, 2, 1, True), (2, 3, 10), (2, 3, 4), -2.596733456148, 1.263141707154),
    ('max_pool', (3, 1, 0, 2, False), (2, 3, 10), (2, 3, 6), -0.5459042519114, 1.864979508993),
    ('max_pool', (5, 2, 2, 1, True), (2, 3, 10), (2, 3, 6), -0.9661873465516, -3.815939704087),
    ('max_pool', (3, 2, 1), (3, 10), (3, 5), 1.973641867998, -0.5129617746383),
    ('avg_pool', (2, None, 0, False, True), (2, 3, 10), (2, 3, 5), 3.666792344349, -3.269595206348),
    ('avg_pool', (3, 2, 1, False, True), (2, 3, 10), (2, 3, 5), 3.81271239806, -3.307652855706),
    ('avg_pool', (3, 2, 1, False, False), (2, 3, 10), (2, 3, 5), 3.732111415188, -3.887055147829),
    ('avg_pool', (4, 3, 2, True, True), (2, 3, 10), (2, 3, 4), -0.9850535820928, 0.4860335274349),
    ('avg_pool', (4, 3, 2, True, False), (2, 3, 10), (2, 3, 4), -1.071713704512, 0.5307379832857),
    ('avg_pool', (3, 2, 1, True, False), (2, 3, 10), (2, 3, 6), -0.3879149792223, -4.875743684129),
    ('avg_pool', (5, 4, 2, True, True), (2, 3, 10), (2, 3, 3), 0.2066191687539, -0.5194239662159),
    ('avg_pool', (3, 2, 1), (3, 10), (3, 5), 1.516468099336, 0.1385450301093),
    ('adaptive_avg_pool', (1,), (2, 3, 10), (2, 3, 1), -0.2920188644127, 0.1736058750916),
    ('adaptive_avg_pool', (3,), (2, 3, 10), (2, 3, 3), 0.397325766212, -0.7973040241931),
    ('adaptive_avg_pool', (4,), (2, 3, 10), (2, 3, 4), -1.14746527162, 0.4480072588646),
    ('adaptive_avg_pool', (7,), (2, 3, 10), (2, 3, 7), -1.47965262902, 0.3348857889808),
    ('adaptive_avg_pool', (13,), (2, 3, 10), (2, 3, 13), -2.678316817117, 1.796450091031),
    ('adaptive_avg_pool', (4,), (3, 10), (3, 4), 0.2634302555629, 0.5794131892581),
    ('adaptive_max_pool', (1,), (2, 3, 10), (2, 3, 1), -5.325709344414, 3.142133735781),
    ('adaptive_max_pool', (3,), (2, 3, 10), (2, 3, 3), 0.4213118703278, -0.5151406957462),
    ('adaptive_max_pool', (4,), (2, 3, 10), (2, 3, 4), -2.701966074712, 2.199317502599),
    ('adaptive_max_pool', (7,), (2, 3, 10), (2, 3, 7), -2.594492862622, 1.457597405598),
    ('adaptive_max_pool', (13,), (2, 3, 10), (2, 3, 13), -3.643278997755, 2.745392346832),
    ('adaptive_max_pool', (4,), (3, 10), (3, 4), -1.224093568593, 2.155598899742),
]


@pytest.mark.parametrize("xs, ws, stride, padding, dilation, groups, shape, value, dx, dw, db", CONV)
def test_conv1d_values_and_gradients_match_pytorch(xs, ws, stride, padding, dilation, groups, shape, value, dx, dw, db):
    x, w = det(*xs, grad=True), det(*ws, phase=1.0, grad=True)
    bias = None if db is None else det(ws[0], phase=2.0, grad=True)
    out = conv1d(x, w, bias, stride, padding, dilation, groups)
    assert tuple(out.shape) == shape and close(backward_projected(out)[0], value)
    assert close(project(x.grad, 4.0), dx) and close(project(w.grad, 5.0), dw)
    assert bias is None or close(project(bias.grad, 6.0), db)
    assert type(out.grad_fn).__name__ == ("ConvolutionBackward0" if len(xs) == 3 else "SqueezeBackward1")


@pytest.mark.parametrize("mode, padding, k, shape, value, dx, dw, pad_name", MODES)
def test_conv1d_padding_modes_match_pytorch(mode, padding, k, shape, value, dx, dw, pad_name):
    m = Conv1d(4, 6, k, padding=padding, padding_mode=mode)
    m.load_state_dict({"weight": det(*m.weight.shape, phase=1.0), "bias": det(6, phase=2.0)})
    x = det(2, 4, 7, grad=True)
    out = m(x)
    assert tuple(out.shape) == shape and close(backward_projected(out)[0], value)
    assert close(project(x.grad, 4.0), dx) and close(project(m.weight.grad, 5.0), dw)
    assert type(out.grad_fn).__name__ == "ConvolutionBackward0"
    assert type(pad_by_mode(x, (2, 1), mode).grad_fn).__name__ == pad_name       # F.pad(mode=...)'s in PyTorch


def test_conv1d_layer_has_pytorchs_parameters_attributes_repr_and_init():
    m = Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2, bias=False, padding_mode="reflect")
    assert repr(m) == ("Conv1d(4, 6, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), groups=2, "
                       "bias=False, padding_mode=reflect)")
    assert m.bias is None and [n for n, _ in m.named_parameters()] == ["weight"] and m.weight.shape == (6, 2, 3)
    assert repr(Conv1d(4, 6, 3, padding="same")) == "Conv1d(4, 6, kernel_size=(3,), stride=(1,), padding=same)"
    m = Conv1d(16, 64, 5)
    assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == [("weight", (64, 16, 5)), ("bias", (64,))]
    assert (m.kernel_size, m.stride, m.padding, m.dilation, m.groups, m.padding_mode, m.output_padding,
            m.transposed, m.weight.dtype) == ((5,), (1,), (0,), (1,), 1, "zeros", (0,), False, torch.float64)
    bound = 1 / np.sqrt(16 * 5)                 # kaiming_uniform_(a=sqrt(5)) and the bias: U(-1/sqrt(fan_in), ..)
    for p in (m.weight, m.bias):
        assert 0.9 * bound < np.abs(p.detach().numpy()).max() <= bound
    assert abs(m.weight.detach().numpy().std() - bound / np.sqrt(3)) < 0.05 * bound
    torch.manual_seed(0)                        # drawn from the dialect's generator
    assert torch.equal(Conv1d(16, 64, 5).weight, (torch.manual_seed(0), Conv1d(16, 64, 5))[1].weight)


@pytest.mark.parametrize("pool, args, xs, shape, value, dx", POOLS)
def test_pools_values_and_gradients_match_pytorch(pool, args, xs, shape, value, dx):
    x = det(*xs, grad=True)
    out = globals()[pool + "1d"](x, *args)
    assert tuple(out.shape) == shape and close(backward_projected(out)[0], value) and close(project(x.grad, 4.0), dx)


def test_pool_indices_and_a_partial_ceil_mode_window_match_pytorch():
    out, idx = max_pool1d(det(2, 3, 10), 3, 2, 1, 2, True, return_indices=True)
    assert idx.dtype == torch.int64 and idx.tolist() == [
        [[3, 5, 5, 5, 7], [1, 5, 7, 9, 9], [1, 1, 3, 5, 7]], [[3, 5, 7, 9, 9], [1, 1, 3, 9, 9], [3, 5, 5, 5, 7]]]
    assert torch.equal(out, det(2, 3, 10).gather(2, idx))
    assert adaptive_max_pool1d(det(2, 3, 10), 4, return_indices=True)[1].tolist() == [
        [[2, 4, 5, 7], [0, 4, 7, 9], [1, 2, 5, 7]], [[2, 4, 7, 8], [0, 2, 5, 9], [2, 4, 5, 7]]]
    for include, expected in ((False, [0.2350500307772253, 0.9514319339885083, 1.2946450978989321]),
                              (True, [0.11752501538861265, 0.9514319339885083, 0.4315483659663107])):
        assert np.allclose(avg_pool1d(det(1, 1, 5), 4, 3, 2, True, include).numpy()[0, 0], expected, 1e-12, 0)


def test_max_pool_ties_nans_and_padding_pick_as_pytorch_does():
    """The first of tied maxima takes the whole gradient; a NaN wins, the last one; padding is never picked."""
    t = torch.tensor([[[1.0, 3.0, 3.0, 2.0, 2.0, 5.0, 5.0]]], requires_grad=True)
    out = max_pool1d(t, 2, 1)
    out.sum().backward()
    assert out.tolist() == [[[3.0, 3.0, 3.0, 2.0, 5.0, 5.0]]] and t.grad.tolist() == [[[0, 2, 1, 1, 0, 2, 0]]]
    assert max_pool1d(t, 3, 1, return_indices=True)[1].tolist() == [[[1, 1, 2, 5, 5]]]
    n = torch.tensor([[[1.0, float("nan"), 3.0, float("nan"), 2.0]]])
    assert max_pool1d(n, 4, 1, return_indices=True)[1].tolist() == [[[3, 3]]]
    assert adaptive_max_pool1d(n, 1, return_indices=True)[1].tolist() == [[[3]]]
    low = torch.tensor([[[-float("inf"), -float("inf"), 1.0]]])
    assert max_pool1d(low, 2, 1, 1, return_indices=True)[1].tolist() == [[[0, 0, 2, 2]]]


def test_pools_are_named_as_pytorch_names_them_and_their_modules_print_alike():
    x = det(2, 3, 10, grad=True)
    for out, inner in ((max_pool1d(x, 2), "MaxPool2DWithIndicesBackward0"), (avg_pool1d(x, 2), "AvgPool2DBackward0"),
                       (adaptive_avg_pool1d(x, 3), "AdaptiveAvgPool2DBackward0"),
                       (adaptive_max_pool1d(x[0], 3), "AdaptiveMaxPool2DBackward0")):
        assert type(out.grad_fn).__name__ == "SqueezeBackward1"
        assert type(out.grad_fn.next_functions[0][0]).__name__ == inner
    assert [repr(m) for m in (MaxPool1d(3), MaxPool1d(3, 2, 1, 2, True, True), AvgPool1d(3),
                              AvgPool1d(3, 2, 1, True, False), AdaptiveAvgPool1d(3), AdaptiveMaxPool1d(3, True))] == [
        "MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)",
        "MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)",
        "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))",
        "AvgPool1d(kernel_size=(3,), stride=(2,), padding=(1,))",
        "AdaptiveAvgPool1d(output_size=3)", "AdaptiveMaxPool1d(output_size=3)"]
    assert AdaptiveMaxPool1d(3, True)(x)[1].shape == (2, 3, 3) and torch.equal(MaxPool1d(2)(x), max_pool1d(x, 2))


def test_conv1d_passes_gradcheck():
    x, w, b = (det(*s, phase=p, grad=True) for s, p in (((2, 4, 9), 0.0), ((6, 2, 3), 1.0), ((6,), 2.0)))
    assert tr.gradcheck(lambda x, w, b: conv1d(x, w, b, 2, 2, 2, 2), x, w, b)
    assert tr.gradcheck(lambda x: avg_pool1d(max_pool1d(x, 3, 1, 1), 2, 2, 1, True, False), x)


ERRORS = [   # (call, "Error: message"), both as PyTorch 2.14 gives them
    ("conv1d(torch.ones(5, 7), torch.ones(6, 4, 3))", "RuntimeError: Given groups=1, weight of size [6, 4, 3], "
     "expected input[1, 5, 7] to have 4 channels, but got 5 channels instead"),
    ("conv1d(torch.ones(2, 4, 4), torch.ones(6, 4, 3), dilation=2)", "RuntimeError: Calculated padded input size "
     "per channel: (4). Kernel size: (5). Kernel size can't be greater than actual input size"),
    ("conv1d(torch.ones(2, 4, 7), torch.ones(6, 4, 3, dtype=torch.float32))",
     "RuntimeError: expected scalar type Double but found Float"),
    ("Conv1d(4, 6, 3, padding=7, padding_mode='reflect')(torch.ones(2, 4, 7))", "RuntimeError: Argument #4: Padding "
     "size should be less than the corresponding input dimension, but got: padding (7, 7) at dimension 2 of input "
     "[2, 4, 7]"),
    ("Conv1d(4, 6, 3, padding_mode='same')", "ValueError: padding_mode must be one of {'zeros', 'reflect', "
     "'replicate', 'circular'}, but got padding_mode='same'"),       # PyTorch prints a set, in a random order
    ("max_pool1d(torch.ones(2, 4, 7), 2, 2, 2)", "RuntimeError: max_pool1d() padding should be at most half of "
     "kernel size, but got padding=2 and kernel_size=2"),
    ("avg_pool1d(torch.ones(2, 4, 7), 8)", "RuntimeError: Given input size: (4x1x7). Calculated output size: "
     "(4x1x0). Output size is too small"),
    ("max_pool1d(torch.ones(2, 4, 7).long(), 2)",
     "NotImplementedError: \"max_pool1d_impl\" not implemented for 'Long'"),
]


@pytest.mark.parametrize("call, error", ERRORS)
def test_wrong_arguments_raise_pytorchs_errors(call, error):
    raises_as_written(call, error, globals())


class CNNLSTM(nn.Module):
    """Conv1d -> ReLU -> MaxPool1d over (N, C, L), then an LSTM over the pooled steps and a Linear on its last."""

    def __init__(self):
        super().__init__()
        self.conv, self.pool = Conv1d(3, 5, 3, padding=1), MaxPool1d(2)
        self.lstm, self.fc = nn.LSTM(5, 4, batch_first=True), nn.Linear(4, 2)

    def forward(self, x):
        out, _ = self.lstm(self.pool(F.relu(self.conv(x))).permute(0, 2, 1))
        return self.fc(out[:, -1])


def test_a_cnn_lstm_takes_two_sgd_steps_as_in_pytorch():
    model = CNNLSTM()
    with torch.no_grad():
        for i, (_, p) in enumerate(sorted(model.named_parameters())):
            p.copy_(det(*p.shape, phase=float(i)) * 0.5)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y, losses = det(3, 3, 8, phase=7.0), torch.tensor([0, 1, 1]), []
    for _ in range(2):
        opt.zero_grad()
        (loss := F.cross_entropy(model(x), y)).backward()
        opt.step()
        losses.append(loss.item())
    assert close(losses[0], 0.7283290342080337) and close(losses[1], 0.7160948149606045)
    after = {"conv.bias": 2.326729522680296, "conv.weight": 17.633357647057203, "fc.bias": 0.5997227336597308,
             "fc.weight": 3.17314684757958, "lstm.bias_hh_l0": 5.9562983235202935, "lstm.bias_ih_l0": 5.529189643392444,
             "lstm.weight_hh_l0": 23.36510210714757, "lstm.weight_ih_l0": 30.792892552340106}
    for i, (name, p) in enumerate(sorted(model.named_parameters())):
        assert close(project(p, i + 0.5), after[name]), name
