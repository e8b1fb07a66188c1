"""The examples of PyTorch's own documentation for the recurrent modules and their utilities, run on the
dialect (nn.Embedding's padding_idx, max_norm and from_pretrained, scale_grad_by_freq, the halves of
clip_grad_norm_, PackedSequence's conversions), and what spro/char-rnn.pytorch's generate.py meets when
it loads a whole model with TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD set.

How the expected values were made: each statement below was run by PyTorch 2.14 (CPU, float64) with
`torch` standing for the real library, and its results are written out as literals.
"""
import io
import re

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from tinygrad_rnn.torch.nn.utils.rnn import pack_sequence


def test_embedding_lookups_are_embedding_backward_nodes_that_free_their_indices():
    embedding = nn.Embedding(10, 3)
    out = embedding(torch.LongTensor([[1, 2, 4, 5], [4, 3, 2, 9]]))
    assert type(out.grad_fn).__name__ == "EmbeddingBackward0"
    assert [type(f).__name__ for f, _ in out.grad_fn.next_functions] == ["AccumulateGrad"]
    padded = nn.Embedding(10, 3, padding_idx=0)(torch.LongTensor([[0, 2, 0, 5]]))
    assert type(padded.grad_fn).__name__ == "EmbeddingBackward0" and padded[0, 0].tolist() == [0.0, 0.0, 0.0]
    loss = out.sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        loss.backward()


def test_from_pretrained_with_max_norm_renormalises_the_rows_it_looks_up():
    """The values are PyTorch's; the embedding's weight keeps the rescaled row, row 0 (not looked up) stays.
    PyTorch writes into the pretrained tensor's memory, so `weight` changes there too; here the rows are
    written into a copy the embedding's weight holds (docs/pytorch.md), and `weight` is unchanged."""
    weight = torch.tensor([[1, 2.3, 3], [4, 5.1, 6.3]], dtype=torch.float64)
    embedding = nn.Embedding.from_pretrained(weight, freeze=False, max_norm=1.0)
    out = embedding(torch.LongTensor([1, 1]))
    row = [0.4425363589121829, 0.5642338576130331, 0.696994765286688]
    np.testing.assert_allclose(out.tolist(), [row, row], rtol=1e-15)
    np.testing.assert_allclose(embedding.weight.tolist(), [[1.0, 2.3, 3.0], row], rtol=1e-15)
    assert weight.tolist() == [[1.0, 2.3, 3.0], [4.0, 5.1, 6.3]]
    assert embedding.weight.requires_grad and repr(embedding) == "Embedding(2, 3, max_norm=1.0)"


def test_max_norm_leaves_the_values_a_recorded_graph_used():
    """w * w was recorded before the lookup rescaled row 0: its gradient is 2 w at the values it multiplied
    (PyTorch raises 'modified by an inplace operation' here instead of answering)."""
    w = torch.tensor([[3.0, 4.0], [0.3, 0.4]], dtype=torch.float64, requires_grad=True)
    y = (w * w).sum()
    F.embedding(torch.tensor([0]), w, max_norm=1.0)
    np.testing.assert_allclose(w.tolist(), [[0.59999998800000024, 0.79999998400000032], [0.3, 0.4]], rtol=1e-15)
    y.backward()
    np.testing.assert_allclose(w.grad.tolist(), [[6.0, 8.0], [0.6, 0.8]], rtol=1e-15)


def test_embedding_max_norm_with_norm_type_one():
    w = torch.tensor([[3., 4.], [0.3, 0.4], [6., 8.]], dtype=torch.float64)
    out = F.embedding(torch.tensor([2, 0]), w, max_norm=2.0, norm_type=1.0)
    np.testing.assert_allclose(out.tolist(), [[0.8571428510204082, 1.1428571346938776],
                                              [0.8571428448979593, 1.1428571265306124]], rtol=1e-15)
    np.testing.assert_allclose(w.tolist(), [[0.8571428448979593, 1.1428571265306124], [0.3, 0.4],
                                            [0.8571428510204082, 1.1428571346938776]], rtol=1e-15)


def test_scale_grad_by_freq_divides_by_the_count_and_padding_gets_nothing():
    w = torch.tensor([[3., 4.], [0.3, 0.4], [6., 8.]], dtype=torch.float64, requires_grad=True)
    y = F.embedding(torch.tensor([[0, 2], [0, 1]]), w, padding_idx=1, scale_grad_by_freq=True)
    (y * torch.arange(1., 9., dtype=torch.float64).view(2, 2, 2)).sum().backward()
    assert w.grad.tolist() == [[3.0, 4.0], [0.0, 0.0], [3.0, 4.0]]


def _two_parameters():
    a = torch.tensor([[1., -2.], [3., 0.5]], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([4., -1.], dtype=torch.float64, requires_grad=True)
    a.grad = torch.tensor([[0.3, -0.4], [1.2, 0.0]], dtype=torch.float64)
    b.grad = torch.tensor([2.0, -1.0], dtype=torch.float64)
    return a, b


def test_get_total_norm_and_clip_grads_with_norm_are_clip_grad_norm_in_two_halves():
    a, b = _two_parameters()
    assert nn.utils.get_total_norm([a.grad, b.grad]).item() == pytest.approx(2.5865034312755126, rel=1e-15)
    assert nn.utils.get_total_norm(b.grad, norm_type=1).item() == 3.0
    assert nn.utils.get_total_norm([a.grad, b.grad], norm_type=float("inf")).item() == 2.0
    assert repr(nn.utils.get_total_norm([])) == "tensor(0.)"
    total = nn.utils.get_total_norm([p.grad for p in (a, b)])
    assert nn.utils.clip_grads_with_norm_([a, b], 1.0, total) is None
    np.testing.assert_allclose(a.grad.tolist(), [[0.11598665611102686, -0.1546488748147025],
                                                 [0.46394662444410745, 0.0]], rtol=1e-15)
    np.testing.assert_allclose(b.grad.tolist(), [0.7732443740735124, -0.3866221870367562], rtol=1e-15)
    with pytest.warns(FutureWarning, match=re.escape("`torch.nn.utils.clip_grad_norm` is now deprecated in favor "
                                                     "of `torch.nn.utils.clip_grad_norm_`.")):
        assert nn.utils.clip_grad_norm([a, b], 0.5).item() == pytest.approx(0.999999613377813, rel=1e-15)
    np.testing.assert_allclose(a.grad.tolist(), [[0.05799329248371452, -0.07732438997828603],
                                                 [0.2319731699348581, 0.0]], rtol=1e-15)
    with pytest.raises(RuntimeError, match=re.escape("The total norm of order 2.0 for gradients from `parameters` "
                                                     "is non-finite, so it cannot be clipped.")):
        nn.utils.get_total_norm([torch.tensor([float("nan")])], error_if_nonfinite=True)


def test_packed_sequence_converts_its_data_like_pytorch():
    p = pack_sequence([torch.tensor([1., 2.]), torch.tensor([3.])])
    got = {m: (str(getattr(p, m)().data.dtype), str(getattr(p, m)().batch_sizes.dtype))
           for m in ["int", "short", "char", "byte", "half"]}
    assert got == {"int": ("torch.int32", "torch.int64"), "short": ("torch.int16", "torch.int64"),
                   "char": ("torch.int8", "torch.int64"), "byte": ("torch.uint8", "torch.int64"),
                   "half": ("torch.float16", "torch.int64")}
    assert p.is_pinned() is False and p.is_cuda is False
    with pytest.raises(RuntimeError, match="runs on the CPU only"):       # PyTorch without a GPU raises too
        p.cuda()


def test_forcing_weights_only_off_warns_as_pytorch_does(monkeypatch):
    f = io.BytesIO()
    torch.save(nn.Linear(2, 2), f)
    f.seek(0)
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    with pytest.warns(UserWarning, match=re.escape(
            "Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the`weights_only` argument was "
            "not explicitly passed to `torch.load`, forcing weights_only=False.")):
        assert isinstance(torch.load(f), nn.Linear)


def test_clip_grads_with_norm_changes_only_the_gradient_it_clips():
    """z = a + b hands a, b and z one gradient array; clipping a's leaves b's and z's (4 each) alone.
    a.grad = [4, 4, 4], norm 4 sqrt(3), so it becomes 1 / (4 sqrt(3) + 1e-6) of itself."""
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    a, b = x * 2, x * 3
    z = a + b
    for t in (a, b, z):
        t.retain_grad()
    z.backward(torch.full((3,), 4.0, dtype=torch.float64))
    nn.utils.clip_grads_with_norm_([a], 1.0, nn.utils.get_total_norm([a.grad]))
    np.testing.assert_allclose(a.grad.tolist(), [4 / (4 * 3 ** 0.5 + 1e-6)] * 3, rtol=1e-15)
    assert b.grad.tolist() == z.grad.tolist() == [4.0, 4.0, 4.0]
