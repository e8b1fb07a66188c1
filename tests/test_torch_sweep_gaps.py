"""What the second sweep of real programs found missing, now there: the torch.* spellings of Tensor methods
(torch.multiply, ...), `t.type(torch.Tensor)`, and a recurrent layer's `_all_weights` / `_flat_weights_names`
(DeepAR picks its LSTM's biases by name). Expected values are torch 2.14's, written out."""
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
