"""What the second sweep of real programs found missing, now there: the torch.* spellings of Tensor methods
(torch.multiply, ...), `t.type(torch.Tensor)`, and a recurrent layer's `_all_weights` / `_flat_weights_names`
(DeepAR picks its LSTM's biases by name). Expected values are torch 2.14's, written out."""
import numpy as np
import pytest

import tinygrad_rnn.torch as torch


def test_the_torch_spellings_of_the_arithmetic_and_comparison_methods():
    a, b = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])
    assert torch.multiply(a, b).tolist() == [3.0, 8.0] and torch.subtract(a, b, alpha=2).tolist() == [-5.0, -6.0]
    assert torch.divide(a, b, rounding_mode="floor").tolist() == [0.0, 0.0]
    assert torch.true_divide(a, b).tolist() == [0.3333333432674408, 0.5] and torch.negative(a).tolist() == [-1.0, -2.0]
    assert torch.greater(a, 1).tolist() == [False, True] and torch.greater_equal(a, 2).tolist() == [False, True]
    assert torch.less(a, 2).tolist() == [True, False] and torch.less_equal(a, 1).tolist() == [True, False]
    assert torch.not_equal(a, 1).tolist() == [False, True] and torch.absolute(-a).tolist() == [1.0, 2.0]


def test_type_of_torch_tensor_is_the_default_dtype():
    x = torch.tensor([1, 2])
    assert x.type(torch.Tensor).dtype == torch.float32 and x.type(torch.Tensor).tolist() == [1.0, 2.0]
    assert torch.ones(2, dtype=torch.float64).type(torch.FloatTensor).dtype == torch.float32


def test_all_weights_names_as_pytorch_lists_them():
    lstm = torch.nn.LSTM(2, 3, num_layers=2, bidirectional=True, proj_size=2)
    assert lstm._all_weights == [
        ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0"],
        ["weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
         "weight_hr_l0_reverse"],
        ["weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "weight_hr_l1"],
        ["weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse",
         "weight_hr_l1_reverse"]]
    assert lstm._flat_weights_names == [name for group in lstm._all_weights for name in group]
    assert torch.nn.GRU(2, 3, bias=False)._all_weights == [["weight_ih_l0", "weight_hh_l0"]]
    assert [getattr(lstm, name) for name in lstm._all_weights[1]] == lstm.all_weights[1]


def test_rnn_base_and_a_0_d_integer_tensor_as_a_size():
    assert issubclass(torch.nn.LSTM, torch.nn.RNNBase) and isinstance(torch.nn.GRU(2, 3), torch.nn.RNNBase)
    assert not isinstance(torch.nn.LSTMCell(2, 3), torch.nn.RNNBase)
    assert tuple(torch.ones(3, torch.tensor(4)).shape) == (3, 4)            # ESIM's get_mask
    assert tuple(torch.zeros((2, torch.tensor(3))).shape) == (2, 3)


def test_batch_norm_2d_normalises_each_channel_over_batch_height_and_width():
    torch.set_default_dtype(torch.float64)
    try:
        bn = torch.nn.BatchNorm2d(2)
        with torch.no_grad():
            bn.weight.copy_(torch.tensor([1.5, -0.5]))
            bn.bias.copy_(torch.tensor([0.1, 0.2]))
        x = torch.sin(torch.arange(24.0)).reshape(3, 2, 2, 2).requires_grad_()
        y = bn(x)
        (y * torch.cos(torch.arange(24.0)).reshape(3, 2, 2, 2)).sum().backward()
        # torch 2.14
        np.testing.assert_allclose(y.reshape(-1).tolist()[:6], [0.118504252017, 1.967455563532, 2.116489566116,
                                                                0.428585085099, 0.797685570469, 0.940333962507],
                                   rtol=1e-11)
        np.testing.assert_allclose(bn.running_mean.tolist(), [-0.0008421417627902987, 0.009007190175209158],
                                   rtol=1e-12)
        np.testing.assert_allclose(bn.running_var.tolist(), [0.9508380753667383, 0.9547535624815321], rtol=1e-12)
        np.testing.assert_allclose(x.grad.reshape(-1).tolist()[:6], [2.442648862024, 1.415899187058, -0.687034982005,
                                                                     -1.932725668306, 0.476449180426,
                                                                     -0.192675434688], rtol=1e-11)
        np.testing.assert_allclose(bn.weight.grad.tolist(), [0.0738266411365435, 0.45393622359531655], rtol=1e-12)
        np.testing.assert_allclose(bn.bias.grad.tolist(), [-1.3409146460053725, 0.8000001059860746], rtol=1e-12)
        bn.eval()
        np.testing.assert_allclose(bn(x).reshape(-1).tolist()[:4], [0.101295450725, 1.395714330164,
                                                                    1.500050461366, 0.318377686473], rtol=1e-11)
        assert type(y.grad_fn).__name__ == "NativeBatchNormBackward0"
        with pytest.raises(ValueError, match=r"^expected 4D input \(got 3D input\)$"):
            bn(torch.ones(2, 2, 3))
    finally:
        torch.set_default_dtype(torch.float32)


def test_triangles_of_infinite_entries_and_layer_norms_repr():
    # torch 2.14: the masked part is 0 even where the tensor is -inf (it was nan: -inf * 0); TriuBackward0
    x = torch.full((3, 3), float("-inf"))
    assert x.triu(1).tolist() == [[0.0, float("-inf"), float("-inf")], [0.0, 0.0, float("-inf")], [0.0, 0.0, 0.0]]
    assert x.tril(-1).tolist() == [[0.0, 0.0, 0.0], [float("-inf"), 0.0, 0.0], [float("-inf"), float("-inf"), 0.0]]
    w = torch.ones(3, 3, requires_grad=True)
    y = (w * 2).triu(1)
    y.sum().backward()
    assert type(y.grad_fn).__name__ == "TriuBackward0"
    assert w.grad.tolist() == [[0.0, 2.0, 2.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]]
    assert repr(torch.nn.LayerNorm(4)) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"


def test_float_of_a_tensor_that_requires_grad_warns_as_pytorch_2_14_does():
    loss = (torch.ones(2, requires_grad=True) * 2).sum()
    with pytest.warns(UserWarning, match=r"^Converting a tensor with requires_grad=True to a scalar may lead to "
                                         r"unexpected behavior.\nConsider using tensor.detach\(\) first.$"):
        assert float(loss) == 4.0
    assert loss.item() == 4.0 and int(loss) == 4                       # (no warning from these two)
