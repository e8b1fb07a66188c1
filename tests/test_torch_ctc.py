"""The CTC loss (torch/nn/ctc.py) and the 2-D adaptive pools (torch/nn/adaptive_pool2d.py) of the PyTorch dialect
against PyTorch 2.14 in float64: the inputs are made by `det` (sines, the same in both); the numbers were printed by
PyTorch for the same calls: each output's shape, sum(out * det) and the gradients' sums against det of another
phase."""
import math

import numpy as np
import pytest

import tinygrad_rnn as tr
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from helpers import backward_projected, close, det, project, raises_as_written

# the public names, bare as the tests below (and their evaluated error table) call them
CTCLoss, ctc_loss = nn.CTCLoss, F.ctc_loss
AdaptiveAvgPool2d, AdaptiveMaxPool2d = nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d
adaptive_avg_pool2d, adaptive_max_pool2d = F.adaptive_avg_pool2d, F.adaptive_max_pool2d

pytestmark = pytest.mark.usefixtures("torch_float64")

PADDED, TWICE = [[1, 2, 3], [2, 2, 0], [4, 1, 1]], [[1, 1, 1, 1], [2, 3, 0, 0]]     # repeated labels; 1111 needs 7
# (log_probs shape, targets, input lengths, target lengths (a list: as a tensor), blank, reduction, zero_infinity,
#  out shape, out, d logits (through log_softmax), PyTorch's d log_probs (raw), grad_fn)
CASES = [
    ((6, 3, 5), PADDED, [6, 5, 6], [3, 2, 3], 0, 'mean', False, (), 0.4520390095620892, 0.025389744969905308,
     0.025389744969905186, 'MeanBackward0'),
    ((6, 3, 5), [[1, 3, 4], [4, 4, 0], [3, 1, 0]], (6, 4, 6), (3, 2, 2), 2, 'sum', False, (), 3.2563848899393104,
     -0.15876221743875543, -0.15876221743875574, 'SumBackward0'),
    ((6, 3, 5), PADDED, [6, 5, 6], [0, 2, 3], 0, 'none', False, (3,), -4.394541237198373, -1.7638702819594034,
     -1.763870281959401, 'CtcLossBackward0'),
    ((6, 3, 5), PADDED, [6, 5, 6], [0, 2, 3], 0, 'mean', False, (), 0.9855890166661058, -0.12081513424408054,
     -0.12081513424408037, 'MeanBackward0'),
    ((6, 2, 4), TWICE, [6, 6], [4, 2], 0, 'none', False, (2,), math.inf, math.nan, math.nan, 'CtcLossBackward0'),
    ((6, 2, 4), TWICE, [6, 6], [4, 2], 0, 'none', True, (2,), -1.164651829509028, 0.004038630846677327,
     0.004038630846677445, 'WhereBackward0'),
    ((6, 2, 4), TWICE, [6, 6], [4, 2], 0, 'mean', True, (), 0.18146689959246914, -0.0006292677345932545,
     -0.0006292677345932779, 'MeanBackward0'),
    ((6, 2, 4), TWICE, [6, 6], [4, 2], 0, 'mean', False, (), math.inf, math.nan, math.nan, 'MeanBackward0'),
    ((6, 3, 5), [1, 2, 3, 2, 2, 4, 1, 1], [6, 5, 6], [3, 2, 3], 0, 'mean', False, (), 0.4520390095620892,
     0.025389744969905308, 0.025389744969905186, 'MeanBackward0'),
    ((6, 3, 5), [[0, 1, 0], [2, 2, 3], [3, 3, 3]], [5, 6, 6], [3, 3, 2], 4, 'none', False, (3,), -6.625935894045821,
     1.350973600468658, 1.3509736004686568, 'CtcLossBackward0'),
    ((7, 5), [1, 2, 2], [7], [3], 0, 'mean', False, (), 0.4506847290555086, -0.016220334943272068,
     -0.01622033494327206, 'MeanBackward0'),
    ((7, 5), [1, 2, 2], 7, 3, 0, 'none', False, (), 1.352054187166526, -0.048661004829816085, -0.04866100482981614,
     'SqueezeBackward1'),
    ((7, 5), [3, 1, 4], [6], [3], 1, 'sum', False, (), 1.0047286034663954, -0.062044620015578755,
     -0.062044620015578714, 'SumBackward0'),
    ((5, 2, 4), [[1, 2], [3, 3]], [0, 5], [0, 2], 0, 'none', False, (2,), -1.254313077133028, 0.004062602608996768,
     0.0040626026089966155, 'CtcLossBackward0'),
]


def _lengths(v):
    return v if isinstance(v, tuple) else torch.tensor(v)


@pytest.mark.parametrize("shape, targets, il, tl, blank, reduction, zero_inf, out_shape, value, dx, dlp, grad_fn",
                         CASES)
def test_ctc_loss_values_and_gradients_match_pytorch(shape, targets, il, tl, blank, reduction, zero_inf, out_shape,
                                                     value, dx, dlp, grad_fn):
    x = det(*shape, grad=True)
    out = ctc_loss(x.log_softmax(-1), torch.tensor(targets), _lengths(il), _lengths(tl), blank, reduction, zero_inf)
    assert tuple(out.shape) == out_shape and type(out.grad_fn).__name__ == grad_fn
    got = backward_projected(out)[0]
    if math.isinf(value):          # PyTorch's gradients of an infinite loss are NaN; the dialect's stay finite
        assert got == value and np.isfinite(x.grad.numpy()).all()
        return
    assert close(got, value) and close(project(x.grad, 4.0), dx)
    lp = det(*shape).log_softmax(-1).requires_grad_()
    backward_projected(ctc_loss(lp, torch.tensor(targets), _lengths(il), _lengths(tl), blank, reduction, zero_inf))
    # PyTorch's raw gradient is the true one passed back through a log_softmax: g - exp(lp) sum_c g
    assert close(project(lp.grad - lp.exp().detach() * lp.grad.sum(-1, keepdim=True), 4.0), dlp)
    assert not close(project(lp.grad, 4.0), dlp)


def test_ctc_loss_module_passes_gradcheck_and_prints_as_pytorchs():
    assert repr(CTCLoss()) == "CTCLoss()" and CTCLoss().blank == 0 and CTCLoss().reduction == "mean"
    m = CTCLoss(blank=3, reduction="sum", zero_infinity=True)
    assert (m.blank, m.reduction, m.zero_infinity) == (3, "sum", True)
    x = det(6, 3, 5, grad=True)
    assert torch.equal(m(x.log_softmax(2), torch.tensor(PADDED), (6, 5, 6), [3, 2, 3]),
                       ctc_loss(x.log_softmax(2), torch.tensor(PADDED), (6, 5, 6), (3, 2, 3), 3, "sum", True))
    assert tr.gradcheck(lambda x: ctc_loss(x.log_softmax(2), torch.tensor(PADDED), (6, 4, 6), (3, 2, 2)), x)


_LP = "det(5, 2, 4).log_softmax(2)"
CTC_ERRORS = [   # (call, "Error: message"), both as PyTorch 2.14 gives them
    (f"ctc_loss({_LP}, torch.tensor([[1, 2], [1, 1]]), (5, 5), (2, 2), reduction='bad')",
     "ValueError: bad is not a valid value for reduction"),
    (f"ctc_loss({_LP}[0], torch.tensor([[1, 2], [1, 1]]), (5, 5), (2, 2))",
     "RuntimeError: input_lengths must be of size batch_size"),
    (f"ctc_loss({_LP}.unsqueeze(0), torch.tensor([[1, 2], [1, 1]]), (5, 5), (2, 2))", "RuntimeError: Expected "
     "3-dimensional tensor, but got 5-dimensional tensor for argument #1 'log_probs' (while checking arguments for "
     "ctc_loss_allocate_outputs)"),
    (f"ctc_loss({_LP}, torch.tensor([[1, 2], [1, 1]]), (5, 5), torch.tensor([2]))",
     "RuntimeError: target_lengths must be of size batch_size"),
    (f"ctc_loss({_LP}, torch.tensor([[1, 2], [1, 1]]), torch.tensor([6, 5]), (2, 2))", "RuntimeError: Expected "
     "input_lengths to have value at most 5, but got value 6 (while checking arguments for ctc_loss_allocate_outputs)"),
    (f"ctc_loss({_LP}, torch.tensor([[1, 2], [1, 1]]), torch.tensor([-1, 5]), (2, 2))", "RuntimeError: Expected "
     "input_lengths to have value at least 0, but got value -1 (while checking arguments for "
     "ctc_loss_allocate_outputs)"),
    (f"ctc_loss({_LP}, torch.tensor([[1, 2], [1, 1]]), (5, 5), torch.tensor([3, 2]))", "RuntimeError: Expected tensor "
     "to have size at least 3 at dimension 1, but got size 2 for argument #2 'targets' (while checking arguments for "
     "ctc_loss_allocate_outputs)"),
    (f"ctc_loss({_LP}, torch.tensor([[1, 2], [1, 1]]), (5, 5), torch.tensor([-1, 2]))", "RuntimeError: Expected "
     "target_lengths to have value at least 0, but got value -1 (while checking arguments for "
     "ctc_loss_allocate_outputs)"),
    (f"ctc_loss({_LP}, torch.tensor([[1, 2], [1, 1]]), (5, 5), (2, 2), blank=4)",
     "RuntimeError: blank must be in label range"),
    (f"CTCLoss(blank=-1)({_LP}, torch.tensor([[1, 2], [1, 1]]), (5, 5), (2, 2))",
     "RuntimeError: blank must be in label range"),
    (f"ctc_loss({_LP}, torch.tensor([[1, 2], [1, 1]]), torch.tensor([5.0, 5.0]), (2, 2))",
     "RuntimeError: input_lengths must be integral"),
    (f"ctc_loss({_LP}, torch.tensor([[1, 2], [1, 1]]), (5, 5), torch.tensor([2.0, 2.0]))",
     "RuntimeError: target_lengths must be integral"),
    (f"ctc_loss({_LP}, torch.tensor([1, 2, 1]), (5, 5), (2, 2))", "RuntimeError: Expected tensor to have size 4 at "
     "dimension 0, but got size 3 for argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)"),
    (f"ctc_loss({_LP}, torch.tensor([[1, 2, 3]]), (5, 5), (2, 2))", "RuntimeError: Expected tensor to have size 2 at "
     "dimension 0, but got size 1 for argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)"),
    (f"ctc_loss({_LP}, torch.ones(2, 2, 1).long(), (5, 5), (2, 2))", "RuntimeError: Expected 1 to 2 dimensions, but "
     "got 3-dimensional tensor for argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)"),
    (f"ctc_loss({_LP}.long(), torch.tensor([[1, 2], [1, 1]]), (5, 5), (2, 2))",
     "NotImplementedError: \"ctc_loss_cpu\" not implemented for 'Long'"),
    ("ctc_loss(det(7, 5).log_softmax(1), torch.tensor([3, 1, 1, 4]), [6], [3])", "RuntimeError: Expected tensor to "
     "have size 3 at dimension 0, but got size 4 for argument #2 'targets' (while checking arguments for "
     "ctc_loss_allocate_outputs)"),
]


@pytest.mark.parametrize("call, error", CTC_ERRORS)
def test_ctc_loss_wrong_arguments_raise_pytorchs_errors(call, error):
    raises_as_written(call, error, globals())


class CRNN(nn.Module):
    """A CRNN: Conv2d over (N, 1, 4, W), its channels and rows as one vector per column, a BiLSTM over the columns
    and a Linear to 5 classes (blank 0), log_softmax."""

    def __init__(self):
        super().__init__()
        self.conv, self.rnn = nn.Conv2d(1, 3, 3, padding=1), nn.LSTM(12, 4, bidirectional=True)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        h = F.relu(self.conv(x))                                            # (N, 3, 4, W)
        out, _ = self.rnn(h.permute(3, 0, 1, 2).reshape(h.shape[3], h.shape[0], -1))
        return self.fc(out).log_softmax(2)


def test_a_crnn_takes_two_sgd_steps_with_ctc_loss_as_in_pytorch():
    model, criterion = CRNN(), CTCLoss(blank=0)
    with torch.no_grad():
        for i, (_, p) in enumerate(sorted(model.named_parameters())):
            p.copy_(det(*p.shape, phase=float(i)) * 0.5)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, targets, losses = det(2, 1, 4, 8, phase=7.0), torch.tensor([[1, 2, 2], [3, 4, 0]]), []
    for _ in range(2):
        opt.zero_grad()
        (loss := criterion(model(x), targets, (8, 8), (3, 2))).backward()
        opt.step()
        losses.append(loss.item())
    assert close(losses[0], 2.90337125173982) and close(losses[1], 2.6408033448138117)
    after = {"conv.bias": 0.7326692169733133, "conv.weight": 10.587529449802133, "fc.bias": 0.9172139904103556,
             "fc.weight": 15.263783768260996, "rnn.bias_hh_l0": 5.973180806177064,
             "rnn.bias_hh_l0_reverse": 5.4896190265596, "rnn.bias_ih_l0": 6.230396502091983,
             "rnn.bias_ih_l0_reverse": 6.165161686713107, "rnn.weight_hh_l0": 23.138892259143653,
             "rnn.weight_hh_l0_reverse": 23.0704899786194, "rnn.weight_ih_l0": 72.23688113179409,
             "rnn.weight_ih_l0_reverse": 70.66332629607174}
    for i, (name, p) in enumerate(sorted(model.named_parameters())):
        assert close(project(p, i + 0.5), after[name]), name


# (pool, input shape, output_size, out shape, out, d input); grad_fn AdaptiveAvgPool2DBackward0 / ...Max...
POOLS = [
    ('avg', (2, 3, 7, 9), (3, 4), (2, 3, 3, 4), -10.708126872025597, 5.228784081649259),
    ('avg', (2, 3, 7, 9), 5, (2, 3, 5, 5), 0.3148945450448237, 0.22058185212177794),
    ('avg', (2, 3, 7, 9), (None, 4), (2, 3, 7, 4), -0.09265326166894039, -2.4209467228483232),
    ('avg', (2, 3, 7, 9), (3, None), (2, 3, 3, 9), 3.6242416533526365, -4.840524044845814),
    ('avg', (3, 7, 9), (2, 3), (3, 2, 3), 0.3485121615296072, -0.21048799000457624),
    ('avg', (2, 3, 3, 4), (5, 6), (2, 3, 5, 6), -11.822531197724862, 21.395153927015308),
    ('avg', (1, 2, 5, 5), [2, 2], (1, 2, 2, 2), 0.20765563418700117, 0.07470915481214255),
    ('avg', (3, 6, 8), (None, None), (3, 6, 8), -120.70005705585496, 66.0330061390454),
    ('max', (2, 3, 7, 9), (3, 4), (2, 3, 3, 4), -2.9078081163445177, 0.9762809060604687),
    ('max', (2, 3, 7, 9), 5, (2, 3, 5, 5), -2.9774099841557784, 1.4946049120822156),
    ('max', (2, 3, 7, 9), (None, 4), (2, 3, 7, 4), -0.3546262627034653, -5.157058169005876),
    ('max', (2, 3, 7, 9), (3, None), (2, 3, 3, 9), -5.20890238440092, 5.521839681483552),
    ('max', (3, 7, 9), (2, 3), (3, 2, 3), 0.8033525076841488, -1.9576726564747262),
    ('max', (2, 3, 3, 4), (5, 6), (2, 3, 5, 6), -18.389112346049846, 21.165508791383118),
    ('max', (1, 2, 5, 5), [2, 2], (1, 2, 2, 2), -7.996738522215871, 6.248296413155236),
    ('max', (3, 6, 8), (None, None), (3, 6, 8), -120.70005705585496, 66.0330061390454),
]


@pytest.mark.parametrize("kind, xs, size, shape, value, dx", POOLS)
def test_adaptive_pools_2d_match_pytorch(kind, xs, size, shape, value, dx):
    x = det(*xs, grad=True)
    out = (adaptive_avg_pool2d if kind == "avg" else adaptive_max_pool2d)(x, size)
    assert tuple(out.shape) == shape and close(backward_projected(out)[0], value) and close(project(x.grad, 4.0), dx)
    assert type(out.grad_fn).__name__ == f"Adaptive{kind.title()}Pool2DBackward0"


def test_adaptive_max_pool2d_indices_nans_modules_and_gradcheck_as_pytorchs():
    out, idx = adaptive_max_pool2d(det(1, 2, 5, 7), (3, 4), return_indices=True)
    assert idx.dtype == torch.int64 and idx.tolist() == [[[[7, 3, 4, 5], [21, 22, 19, 20], [21, 22, 24, 34]],
                                                          [[1, 3, 3, 5], [21, 22, 19, 20], [21, 22, 24, 34]]]]
    t = torch.tensor([[[[1.0, 3.0, 3.0], [3.0, 2.0, 5.0], [5.0, float("nan"), 0.0]]]])
    out, idx = AdaptiveMaxPool2d(2, True)(t)                    # the first tied maximum; a NaN wins
    assert idx.tolist() == [[[[1, 5], [7, 7]]]] and out[0, 0, 0].tolist() == [3.0, 5.0]
    assert [repr(m) for m in (AdaptiveAvgPool2d((None, 3)), AdaptiveMaxPool2d(3, True), AdaptiveAvgPool2d(5))] == [
        "AdaptiveAvgPool2d(output_size=(None, 3))", "AdaptiveMaxPool2d(output_size=3)",
        "AdaptiveAvgPool2d(output_size=5)"]
    assert adaptive_max_pool2d(torch.ones(2, 3, 7, 9), 0).shape == (2, 3, 0, 0)
    assert adaptive_avg_pool2d(torch.ones(2, 0, 4, 9), 3).shape == (2, 0, 3, 3)
    x = det(2, 3, 5, 7, grad=True)
    assert tr.gradcheck(lambda x: adaptive_max_pool2d(adaptive_avg_pool2d(x, (4, 5)), (3, None)), x)


POOL_ERRORS = [   # (call, "Error: message"), both as PyTorch 2.14 gives them
    ("adaptive_avg_pool2d(torch.ones(7, 9), 3)", "RuntimeError: adaptive_avg_pool2d(): Expected 3D or 4D tensor, but "
     "got [7, 9]"),
    ("adaptive_max_pool2d(torch.ones(1, 2, 3, 7, 9), 3)", "RuntimeError: adaptive_max_pool2d(): Expected 3D or 4D "
     "tensor, but got: [1, 2, 3, 7, 9]"),
    ("adaptive_avg_pool2d(torch.ones(2, 3, 7, 9), (1, 2, 3))", "RuntimeError: adaptive_avg_pool2d: output_size must "
     "be 2"),
    ("adaptive_max_pool2d(torch.ones(2, 3, 7, 9), (2,))", "RuntimeError: adaptive_max_pool2d(): internal error: "
     "output_size.size() must be 2"),
    ("adaptive_avg_pool2d(torch.ones(2, 3, 7, 9), (2, -1))", "RuntimeError: adaptive_avg_pool2d: elements of "
     "output_size must be greater than or equal to 0 but received {2, -1}"),
    ("adaptive_max_pool2d(torch.ones(2, 3, 7, 9), -1)", "RuntimeError: Trying to create tensor with negative "
     "dimension -1: [2, 3, -1, -1]"),
    ("adaptive_avg_pool2d(torch.ones(2, 3, 0, 9), 3)", "RuntimeError: adaptive_avg_pool2d(): Expected input to have "
     "non-zero size for non-batch dimensions, but input has sizes [2, 3, 0, 9] with dimension 2 being empty"),
    ("adaptive_max_pool2d(torch.ones(2, 0, 4, 9), 3)", "RuntimeError: adaptive_max_pool2d(): Expected input to have "
     "non-zero size for non-batch dimensions, but input has sizes [2, 0, 4, 9] with dimension 1 being empty"),
    ("adaptive_avg_pool2d(torch.ones(2, 3, 7, 9).long(), 2)",
     "NotImplementedError: \"adaptive_avg_pool2d\" not implemented for 'Long'"),
    ("adaptive_max_pool2d(torch.ones(2, 3, 7, 9), 2.0)", "TypeError: object of type 'float' has no len()"),
    ("AdaptiveAvgPool2d((None, 2))(torch.ones(7, 9))", "ValueError: Input dimension should be at least 3"),
]


@pytest.mark.parametrize("call, error", POOL_ERRORS)
def test_adaptive_pools_2d_wrong_arguments_raise_pytorchs_errors(call, error):
    raises_as_written(call, error, globals())
