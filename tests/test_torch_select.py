"""tinygrad_rnn.torch against PyTorch: prod (also with zeros), amin, outer, masked_select, scatter_, roll,
tril/triu, diag, lerp, ravel, stride, Tensor.where, addmm. EXPECTED was printed by PyTorch 2.14 running
`run` below with `torch` the real one (values and gradients in float64); PyTorch is not needed here."""
import json
import re

import pytest

import tinygrad_rnn.torch as torch
from torch_expect import default_dtype_and_grad_mode, run_case, T  # noqa: F401 (the fixture)

def run(torch):
    """Every case's values (and gradients) as plain lists and numbers."""
    out = {}
    torch.set_default_dtype(torch.float64)
    x = torch.tensor([[1.5, 0.0, -2.0], [3.0, 4.0, 0.5]], requires_grad=True)
    p = x.prod(); p.backward(); out["prod_all"] = (p.item(), x.grad.tolist()); x.grad = None
    p = x.prod(1); p.sum().backward(); out["prod_1"] = (p.tolist(), x.grad.tolist()); x.grad = None
    p = x.prod(0, keepdim=True); (p * torch.tensor([[1., 2., 3.]])).sum().backward(); out["prod_0k"] = (p.tolist(), x.grad.tolist()); x.grad = None
    z = torch.tensor([0.0, 0.0, 2.0], requires_grad=True); q = z.prod(); q.backward(); out["prod_two_zeros"] = z.grad.tolist()
    out["prod_int"] = (torch.tensor([[2, 3], [4, 5]]).prod(1).tolist(), str(torch.tensor([2, 3]).prod().dtype))
    a = x.amin(1); a.sum().backward(); out["amin"] = (a.tolist(), x.grad.tolist()); x.grad = None
    v, w = torch.tensor([1., 2.], requires_grad=True), torch.tensor([3., 4., 5.], requires_grad=True)
    o = v.outer(w); (o * torch.arange(6.).reshape(2, 3)).sum().backward(); out["outer"] = (o.tolist(), v.grad.tolist(), w.grad.tolist())
    m = x.masked_select(x > 0.4); m.sum().backward(); out["masked_select"] = (m.tolist(), x.grad.tolist()); x.grad = None
    out["scatter_onehot"] = torch.zeros(3, 4).scatter_(1, torch.tensor([[1], [3], [0]]), 1.0).tolist()
    out["scatter_src"] = torch.zeros(2, 3).scatter_(0, torch.tensor([[1, 0, 1]]), torch.tensor([[7., 8., 9.]])).tolist()
    r = x.roll(1, 1); (r * torch.tensor([[1., 2., 3.], [4., 5., 6.]])).sum().backward(); out["roll"] = (r.tolist(), x.grad.tolist()); x.grad = None
    out["roll_flat"] = torch.arange(6).reshape(2, 3).roll(2).tolist()
    sq = torch.arange(1., 10.).reshape(3, 3).requires_grad_()
    t = sq.tril(); t.sum().backward(); out["tril"] = (t.tolist(), sq.grad.tolist()); sq.grad = None
    out["triu1"] = sq.triu(1).tolist()
    d = sq.diag(); d.sum().backward(); out["diag2"] = (d.tolist(), sq.grad.tolist()); sq.grad = None
    out["diag2_off"] = (sq.diag(1).tolist(), sq.diag(-2).tolist())
    dv = torch.tensor([1., 2.], requires_grad=True); D = dv.diag(1); (D * torch.arange(9.).reshape(3, 3)).sum().backward()
    out["diag1"] = (D.tolist(), dv.grad.tolist())
    out["lerp"] = torch.tensor([1., 2.]).lerp(torch.tensor([3., 6.]), 0.25).tolist()
    out["ravel"] = (torch.arange(6).reshape(2, 3).t().ravel().tolist(), torch.zeros(2, 3).stride(), torch.zeros(2, 3).t().stride())
    out["where_m"] = x.detach().where(x.detach() > 1, torch.tensor(-1.)).tolist()
    out["addmm"] = torch.addmm(torch.ones(2, 2), torch.eye(2), torch.tensor([[1., 2.], [3., 4.]]), beta=2, alpha=3).tolist()
    out["fn_prod"] = torch.prod(torch.tensor([2., 3.])).item()
    torch.set_default_dtype(torch.float32)
    return out


EXPECTED = {'addmm': [[5.0, 8.0], [11.0, 14.0]],
 'amin': [[-2.0, 0.5], [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]],
 'diag1': [[[0.0, 1.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]], [1.0, 5.0]],
 'diag2': [[1.0, 5.0, 9.0], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]],
 'diag2_off': [[2.0, 6.0], [7.0]],
 'fn_prod': 6.0,
 'lerp': [1.5, 3.0],
 'masked_select': [[1.5, 3.0, 4.0, 0.5], [[1.0, 0.0, 0.0], [1.0, 1.0, 1.0]]],
 'outer': [[[3.0, 4.0, 5.0], [6.0, 8.0, 10.0]], [14.0, 50.0], [6.0, 9.0, 12.0]],
 'prod_0k': [[[4.5, 0.0, -1.0]], [[3.0, 8.0, 1.5], [1.5, 0.0, -6.0]]],
 'prod_1': [[-0.0, 6.0], [[-0.0, -3.0, 0.0], [2.0, 1.5, 12.0]]],
 'prod_all': [-0.0, [[-0.0, -18.0, 0.0], [-0.0, -0.0, -0.0]]],
 'prod_int': [[6, 20], 'torch.int64'],
 'prod_two_zeros': [0.0, 0.0, 0.0],
 'ravel': [[0, 3, 1, 4, 2, 5], [3, 1], [1, 3]],
 'roll': [[[-2.0, 1.5, 0.0], [0.5, 3.0, 4.0]], [[2.0, 3.0, 1.0], [5.0, 6.0, 4.0]]],
 'roll_flat': [[4, 5, 0], [1, 2, 3]],
 'scatter_onehot': [[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]],
 'scatter_src': [[0.0, 8.0, 0.0], [7.0, 0.0, 9.0]],
 'tril': [[[1.0, 0.0, 0.0], [4.0, 5.0, 0.0], [7.0, 8.0, 9.0]],
          [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [1.0, 1.0, 1.0]]],
 'triu1': [[0.0, 2.0, 3.0], [0.0, 0.0, 6.0], [0.0, 0.0, 0.0]],
 'where_m': [[1.5, -1.0, -1.0], [3.0, 4.0, -1.0]]}


def test_each_case_gives_pytorchs_values_and_gradients():
    ours = json.loads(json.dumps(run(torch)))           # tuples as lists, as in EXPECTED
    assert ours.keys() == EXPECTED.keys()
    for name, expected in EXPECTED.items():
        assert ours[name] == expected, name


def test_scatter_into_a_tensor_that_requires_grad_raises_as_pytorch():
    leaf = torch.zeros(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        leaf.scatter_(1, torch.tensor([[0], [1]]), 1.0)


@pytest.mark.parametrize("call, message", [
    (lambda: torch.ones(2, 2).outer(torch.ones(2)), "outer: both arguments must be 1-D tensors"),
    (lambda: torch.zeros(3).scatter_(0, torch.tensor([0]), 1.0, reduce="add"),
     "scatter_(reduce=...) is not supported here; use index_add_-style code"),
    (lambda: torch.zeros(2, 2, 2).diag(), "diag(): Supports 1D or 2D tensors. Got 3D"),
], ids=["outer", "scatter_reduce", "diag"])
def test_misuse_raises_its_message(call, message):
    with pytest.raises(RuntimeError, match=re.escape(message)):
        call()


@pytest.mark.parametrize("code, expected", [
    ('r = torch.tensor([0, 5], dtype=torch.uint8).amin()', T('uint8', (), 0)),
    ('r = torch.tensor([-2**63, 3]).amin()', T('int64', (), -2**63)),
    ('r = torch.tensor([[True, False], [True, True]]).amin(1)', T('bool', (2,), [False, True])),
    ('r = torch.tensor([[3, 1], [0, 4]]).amin(axis=0, keepdims=True)', T('int64', (1, 2), [[0, 1]])),
    ('x = torch.tensor([[1.0, 3.0, 1.0], [2.0, 0.0, 0.0]], requires_grad=True); x.amin(1).sum().backward(); '
     'r = (type(x.amin().grad_fn).__name__, x.grad)',
     ('AminBackward0', T('float32', (2, 3), [[0.5, 0.0, 0.5], [0.0, 0.5, 0.5]]))),
], ids=["uint8", "int64_min", "bool", "numpy_names", "ties_share_the_gradient"])
def test_amin_is_right_in_every_dtype(code, expected):
    """amin never negates integers or bools (which would wrap around or overflow); written out by hand from
    PyTorch's documented behaviour (amin splits the gradient evenly among ties)."""
    run_case(code, expected)


def test_tensor_where_refuses_a_float_condition_as_torch_where_does():
    """PyTorch: x.where(cond, y) is torch.where(cond, x, y), whose condition tensor must hold bools (a float
    condition was silently read as nonzero here); arrays and lists of bools still convert."""
    x = torch.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="^where expected condition to be a boolean tensor, but got a tensor "
                                           "with dtype Float$"):
        x.where(torch.tensor([0.5, 0.0]), 0.0)
    assert x.where(torch.tensor([True, False]), 0.0).tolist() == [1.0, 0.0]
    assert x.where([False, True], -1.0).tolist() == [-1.0, 2.0]
