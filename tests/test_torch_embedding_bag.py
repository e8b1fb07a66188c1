"""nn.EmbeddingBag and F.embedding_bag (torch/nn/functional.py, layers.py), as PyTorch's text classification
tutorial uses them: bags cut at offsets or given as rows, each reduced by sum, mean or max, per-sample weights,
padding_idx left out of its bag, include_last_offset; values and gradients are torch 2.14's, printed by the same
program in float64 and written out (torch is not needed)."""
import numpy as np
import pytest

import tinygrad_rnn.torch as torch
from helpers import raises_as_written

F = torch.nn.functional
pytestmark = pytest.mark.usefixtures("torch_float64")

TEXT, OFFSETS = [1, 2, 4, 5, 4, 3, 2, 0], [0, 2, 2, 5]          # four bags, the second one empty
EXPECTED = {  # mode -> (output, d weight), for the loss sum(out * arange(12).reshape(4, 3))
    "sum": ([0.5, -0.4, 0.7, 0.0, 0.0, 0.0, 1.6, -1.45, 1.9, 0.8, -0.65, 1.1],
            [9.0, 10.0, 11.0, 0.0, 1.0, 2.0, 9.0, 11.0, 13.0, 9.0, 10.0, 11.0, 12.0, 14.0, 16.0, 6.0, 7.0, 8.0]),
    "mean": ([0.25, -0.2, 0.35, 0.0, 0.0, 0.0, 0.533333333333, -0.483333333333, 0.633333333333, 0.266666666667,
             -0.216666666667, 0.366666666667],
            [3.0, 3.333333333333, 3.666666666667, 0.0, 0.5, 1.0, 3.0, 3.833333333333, 4.666666666667, 3.0,
             3.333333333333, 3.666666666667, 4.0, 4.666666666667, 5.333333333333, 2.0, 2.333333333333,
             2.666666666667]),
    "max": ([0.3, -0.15, 0.4, 0.0, 0.0, 0.0, 0.6, -0.45, 0.7, 0.4, -0.05, 0.5],
            [0.0, 10.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 2.0, 9.0, 0.0, 11.0, 0.0, 7.0, 0.0, 6.0, 0.0, 8.0]),
}


def table():
    rows = [[0.1 * (i + 1) * (-1) ** j + 0.05 * j for j in range(3)] for i in range(6)]
    return torch.tensor(rows, requires_grad=True)


@pytest.mark.parametrize("mode", list(EXPECTED))
def test_each_reduction_of_bags_cut_at_offsets(mode):
    w = table()
    out = F.embedding_bag(torch.tensor(TEXT), w, torch.tensor(OFFSETS), mode=mode)
    (out * torch.arange(12.0).reshape(4, 3)).sum().backward()
    values, grads = EXPECTED[mode]
    np.testing.assert_allclose(out.reshape(-1).tolist(), values, rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(w.grad.reshape(-1).tolist(), grads, rtol=1e-11, atol=1e-14)
    assert type(out.grad_fn).__name__ == "EmbeddingBagBackward0"


def test_per_sample_weights_padding_and_the_last_offset():
    w = table()
    psw = torch.tensor([1.0, 2.0, 0.5, -1.0, 3.0, 1.0, 2.0, 0.5], requires_grad=True)
    out = F.embedding_bag(torch.tensor(TEXT), w, torch.tensor(OFFSETS), mode="sum", per_sample_weights=psw)
    (out * torch.arange(12.0).reshape(4, 3)).sum().backward()
    np.testing.assert_allclose(out.reshape(-1).tolist(), [0.8, -0.65, 1.1, 0.0, 0.0, 0.0, 1.15, -1.025, 1.4, 1.05,
                                                          -0.875, 1.4], rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(psw.grad.tolist(), [0.45, 0.55, 4.65, 5.35, 4.65, 5.6, 4.6, 2.6], rtol=1e-11)
    np.testing.assert_allclose(w.grad.reshape(-1).tolist(), [4.5, 5.0, 5.5, 0.0, 1.0, 2.0, 18.0, 22.0, 26.0, 9.0,
                                                             10.0, 11.0, 21.0, 24.5, 28.0, -6.0, -7.0, -8.0],
                               rtol=1e-11, atol=1e-14)
    w.grad = None
    out = F.embedding_bag(torch.tensor([[1, 2, 0], [4, 0, 0]]), w, padding_idx=0)      # rows are bags; 0 left out
    (out * torch.arange(6.0).reshape(2, 3)).sum().backward()
    np.testing.assert_allclose(out.reshape(-1).tolist(), [0.25, -0.2, 0.35, 0.5, -0.45, 0.6], rtol=1e-11)
    np.testing.assert_allclose(w.grad.reshape(-1).tolist(), [0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 0.0, 0.5, 1.0, 0.0, 0.0,
                                                             0.0, 3.0, 4.0, 5.0, 0.0, 0.0, 0.0], rtol=1e-11, atol=1e-14)
    last = F.embedding_bag(torch.tensor(TEXT), w, torch.tensor(OFFSETS + [8]), include_last_offset=True)
    np.testing.assert_allclose(last.reshape(-1).tolist(), EXPECTED["mean"][0], rtol=1e-11, atol=1e-14)


def test_the_module_and_pytorchs_errors():
    m = torch.nn.EmbeddingBag(6, 3, mode="sum")
    assert repr(m) == "EmbeddingBag(6, 3, mode='sum')" and tuple(m.weight.shape) == (6, 3)
    assert tuple(m(torch.tensor([[1, 2], [3, 4]])).shape) == (2, 3)
    w, text, offsets = table(), torch.tensor(TEXT), torch.tensor(OFFSETS)
    psw = torch.ones(8)
    for call, error in [
            ("F.embedding_bag(text, w, offsets, mode='median')", "ValueError: mode has to be one of sum, mean or max"),
            ("F.embedding_bag(torch.tensor([[1, 2]]), w, offsets)", "ValueError: if input is 2D, then offsets has to "
             "be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type "
             "<class 'torch.Tensor'>"),
            ("F.embedding_bag(text, w)", "ValueError: offsets has to be a 1D Tensor but got None"),
            ("F.embedding_bag(text, w, offsets, per_sample_weights=psw)", "NotImplementedError: embedding_bag: "
             "per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='mean')."
             " Please open a feature request on GitHub."),
            ("F.embedding_bag(text, w, torch.tensor([1, 2]))", "RuntimeError: offsets[0] has to be 0, i.e., the "
             "first sequence in the mini-batch has to start from position 0. However, got 1")]:
        raises_as_written(call, error, {**globals(), **locals()})


def test_from_pretrained_shares_the_table_and_freezes_it():
    table = torch.eye(3)
    bag = torch.nn.EmbeddingBag.from_pretrained(table, mode="sum")       # torch 2.14: [[1., 0., 1.]]
    assert bag(torch.tensor([[0, 2]])).tolist() == [[1.0, 0.0, 1.0]] and not bag.weight.requires_grad
    assert bag.weight._data is table._data and repr(bag) == "EmbeddingBag(3, 3, mode='sum')"
