"""torch.nn.utils.weight_norm and remove_weight_norm (torch/nn/utils/weight_norm.py) on a Conv1d, as locuslab/TCN
uses them: the parameters they make, two SGD steps through the recomputed weight, undoing it, the dims, and
PyTorch's warning and errors. Expected values are torch 2.14's, printed by the same program in float64."""
import numpy as np
import pytest

import tinygrad_rnn.torch as torch

pytestmark = pytest.mark.usefixtures("torch_float64")
weight_norm, remove_weight_norm = torch.nn.utils.weight_norm, torch.nn.utils.remove_weight_norm

# two steps: (output, d/dg, d/dv), torch 2.14
STEPS = [
    (
        [0.9480812473332465, 0.7292955748009196, -0.06806154705814003, -0.7109036576074794, -0.9233520921154901,
         0.01716838893491024, 0.758025254721892, 0.6180781194773903, 0.39754771396602917, -0.6131970389619833,
         -0.7843526456922634, 0.041440569278487716],
        [-1.7158583389602433, 6.832295998416495, -13.511821271151513],
        [-3.2619688570274814, -3.1991337729536076, 3.2827380242616555, -2.0762965930399466, 0.9291013227230503,
         -5.804569253390324, 10.789644093554905, -2.813150809199257, 6.361265923279093, -12.951422819804286,
         12.147978414513092, -5.6527619262235955],
    ),
    (
        [0.9900026338666524, 0.026692687807828963, -1.4208560864537356, -2.0217740215751583, -2.607962853587983,
         -2.7469292001929326, -2.566930440086479, -2.233456603203684, -3.0834202515419165, -6.439945504009192,
         -7.093498418343759, -4.4432054591200965],
        [-4.145446859393518, -3.283200160982288, -23.823015535714543],
        [-2.3422488122734237, -0.8995969439742153, 3.867342979328445, -1.256504549310886, -1.6207663176780778,
         -4.28239096545687, 2.7364150259453126, 0.7664490447222447, 1.3425609084930872, -0.3905309692296142,
         0.2142569960587148, -1.3096942784205567],
    ),
]
WEIGHT_AFTER = [0.7017863518800108, 1.5669915627454438, 0.2432981830402008, 0.5940660245595619, -0.36998214885980435,
                 0.026779659735222366, -0.8781081734947839, 0.463613928295094, 0.45996916286277756, 3.6682199307777488,
                 -3.739493253767158, -0.6380307500410202]


def conv():
    c = torch.nn.Conv1d(2, 3, 2)
    with torch.no_grad():
        c.weight.copy_(torch.sin(torch.arange(12.0)).reshape(3, 2, 2))
        c.bias.copy_(torch.tensor([0.1, -0.2, 0.3]))
    return c


def test_weight_norm_learns_a_length_and_a_direction_as_pytorch_does():
    with pytest.warns(FutureWarning, match="^`torch.nn.utils.weight_norm` is deprecated in favor of "
                                           "`torch.nn.utils.parametrizations.weight_norm`.$"):
        m = weight_norm(conv())
    assert [n for n, _ in m.named_parameters()] == ["bias", "weight_g", "weight_v"]
    assert tuple(m.weight_g.shape) == (3, 1, 1) and list(m.state_dict()) == ["bias", "weight_g", "weight_v"]
    np.testing.assert_allclose(m.weight_g.reshape(-1).tolist(), [1.2469202401838677, 1.4149170268861597,
                                                                 1.5635251095937905], rtol=1e-14)
    x = torch.cos(torch.arange(10.0)).reshape(1, 2, 5)
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    for output, grad_g, grad_v in STEPS:
        opt.zero_grad()
        y = m(x)
        (y * torch.arange(12.0).reshape(1, 3, 4)).sum().backward()
        opt.step()
        np.testing.assert_allclose(y.reshape(-1).tolist(), output, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(m.weight_g.grad.reshape(-1).tolist(), grad_g, rtol=1e-12)
        np.testing.assert_allclose(m.weight_v.grad.reshape(-1).tolist(), grad_v, rtol=1e-12, atol=1e-14)
    remove_weight_norm(m)
    assert [n for n, _ in m.named_parameters()] == ["bias", "weight"] and isinstance(m.weight, torch.nn.Parameter)
    np.testing.assert_allclose(m.weight.reshape(-1).tolist(), WEIGHT_AFTER, rtol=1e-12, atol=1e-14)


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_the_dims_and_pytorchs_errors():
    shapes = [[(n, tuple(p.shape)) for n, p in weight_norm(torch.nn.Linear(3, 2), dim=d).named_parameters()]
              for d in (None, 1, -1)]
    assert shapes == [[("bias", (2,)), ("weight_g", ()), ("weight_v", (2, 3))],
                      [("bias", (2,)), ("weight_g", (1, 3)), ("weight_v", (2, 3))],
                      [("bias", (2,)), ("weight_g", ()), ("weight_v", (2, 3))]]
    m = weight_norm(conv())
    with pytest.raises(RuntimeError, match="^Cannot register two weight_norm hooks on the same parameter weight$"):
        weight_norm(m)
    remove_weight_norm(m)
    with pytest.raises(ValueError, match=r"^weight_norm of 'weight' not found in Conv1d\(2, 3, kernel_size=\(2,\), "
                                         r"stride=\(1,\)\)$"):
        remove_weight_norm(m)
