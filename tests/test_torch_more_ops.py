"""tinygrad_rnn.torch against PyTorch: the activations, normalizations, losses, einsum and the further
elementwise and selection functions that modern RNN programs use (torch/_special.py, torch/_einsum.py,
torch/nn/activations.py, torch/nn/normalization.py, torch/nn/losses.py, torch/nn/parameter_containers.py).

Every expected value below was produced by running the same code with PyTorch 2.14 (torch, F = torch.nn.functional,
nn = torch.nn) and pasting the result; gradients are compared in float64, and checked once more against central
differences (tr.gradcheck) at the end. PyTorch itself is not needed to run these tests.
"""
import warnings

import numpy as np
import pytest

import tinygrad_rnn as tr
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from torch_expect import check, default_dtype_and_grad_mode, E, T  # noqa: F401 (the table's notation)

CASES = [
    ('gelu',
     'x = torch.tensor([[-2.0, -0.5, 0.0, 1.5], [3.0, 0.1, -1.0, 2.0]], dtype=torch.float64, '
     'requires_grad=True); g = torch.tensor([[0.3, -1.2, 0.7, 2.0], [-0.4, 0.9, 1.1, -0.6]], '
     'dtype=torch.float64); y = F.gelu(x); y.backward(g); r = (x.grad, y)',
     (T('float64', (2, 4), [[-0.025569540323459074, -0.15900585041260454, 0.35, 2.254938384459959],
     [-0.40477825888167357, 0.5215707828222572, -0.09164701764645498, -0.6511390806469182]]), T('float64',
     (2, 4), [[-0.04550026389635842, -0.15426876936299344, 0.0, 1.399789198096713], [2.99595030590511,
     0.053982783727702904, -0.15865525393145702, 1.9544997361036416]], True))),
    ('gelu_tanh',
     'x = torch.tensor([[-2.0, -0.5, 0.0, 1.5], [3.0, 0.1, -1.0, 2.0]], dtype=torch.float64, '
     'requires_grad=True); g = torch.tensor([[0.3, -1.2, 0.7, 2.0], [-0.4, 0.9, 1.1, -0.6]], '
     "dtype=torch.float64); y = F.gelu(x, approximate='tanh'); y.backward(g); r = (x.grad, y)",
     (T('float64', (2, 4), [[-0.02582977698708549, -0.15915611575842917, 0.35, 2.255421586302866],
     [-0.4046336666523878, 0.521569610344581, -0.09126049223036078, -0.651659553974171]]), T('float64', (2,
     4), [[-0.04540230591222494, -0.15428599017485606, 0.0, 1.3995715769802328], [2.996362607918227,
     0.053982751045435165, -0.15880800939172324, 1.954597694087775]], True))),
    ('silu',
     'x = torch.tensor([[-2.0, -0.5, 0.0, 1.5], [3.0, 0.1, -1.0, 2.0]], dtype=torch.float64, '
     'requires_grad=True); g = torch.tensor([[0.3, -1.2, 0.7, 2.0], [-0.4, 0.9, 1.1, -0.6]], '
     'dtype=torch.float64); y = F.silu(x); y.backward(g); r = (x.grad, y)',
     (T('float64', (2, 4), [[-0.027235274635468636, -0.31204657523681784, 0.35, 2.082588308598286],
     [-0.4352416424060677, 0.4949251123484063, 0.0795624369413646, -0.6544705492709373]]), T('float64', (2,
     4), [[-0.2384058440442351, -0.1887703343990727, 0.0, 1.2263617142904655], [2.8577223804672998,
     0.052497918747894, -0.2689414213699951, 1.7615941559557646]], True))),
    ('leaky_relu',
     'x = torch.tensor([[-2.0, -0.5, 0.0, 1.5], [3.0, 0.1, -1.0, 2.0]], dtype=torch.float64, '
     'requires_grad=True); g = torch.tensor([[0.3, -1.2, 0.7, 2.0], [-0.4, 0.9, 1.1, -0.6]], '
     'dtype=torch.float64); y = F.leaky_relu(x, 0.2); y.backward(g); r = (x.grad, y)',
     (T('float64', (2, 4), [[0.06, -0.24, 0.13999999999999999, 2.0], [-0.4, 0.9, 0.22000000000000003, -0.6]]),
     T('float64', (2, 4), [[-0.4, -0.1, 0.0, 1.5], [3.0, 0.1, -0.2, 2.0]], True))),
    ('elu',
     'x = torch.tensor([[-2.0, -0.5, 0.0, 1.5], [3.0, 0.1, -1.0, 2.0]], dtype=torch.float64, '
     'requires_grad=True); g = torch.tensor([[0.3, -1.2, 0.7, 2.0], [-0.4, 0.9, 1.1, -0.6]], '
     'dtype=torch.float64); y = F.elu(x, alpha=0.5); y.backward(g); r = (x.grad, y)',
     (T('float64', (2, 4), [[0.020300292485491905, -0.36391839582758007, 0.35, 2.0], [-0.4, 0.9,
     0.2023336926442933, -0.6]]), T('float64', (2, 4), [[-0.43233235838169365, -0.1967346701436833, 0.0,
     1.5], [3.0, 0.1, -0.31606027941427883, 2.0]], True))),
    ('softplus',
     'x = torch.tensor([[-2.0, -0.5, 0.0, 1.5], [3.0, 0.1, -1.0, 2.0]], dtype=torch.float64, '
     'requires_grad=True); g = torch.tensor([[0.3, -1.2, 0.7, 2.0], [-0.4, 0.9, 1.1, -0.6]], '
     'dtype=torch.float64); y = F.softplus(x, beta=2.0, threshold=3.0); y.backward(g); r = (x.grad, '
     'y)',
     (T('float64', (2, 4), [[0.005395862988627467, -0.32272970564399417, 0.35, 1.9051482536448665], [-0.4,
     0.4948505975812301, 0.13112321422432932, -0.6]]), T('float64', (2, 4), [[0.009074963958904869,
     0.15663084375911143, 0.34657359027997264, 1.524293675786871], [3.0, 0.3990694346907959,
     0.06346400552148625, 2.0]], True))),
    ('gelu_module_float32',
     'r = nn.GELU()(torch.tensor([-1.0, 0.5, 2.0]))',
     T('float32', (3,), [-0.15865525603294373, 0.3457312285900116, 1.9544997215270996])),
    ('erf',
     'x = torch.tensor([[-2.0, -0.5, 0.0, 1.5], [3.0, 0.1, -1.0, 2.0]], dtype=torch.float64, '
     'requires_grad=True); g = torch.tensor([[0.3, -1.2, 0.7, 2.0], [-0.4, 0.9, 1.1, -0.6]], '
     'dtype=torch.float64); y = x.erf(); y.backward(g); r = (x.grad, y)',
     (T('float64', (2, 4), [[0.006200095606227616, -1.0545390947225337, 0.7898654169668587, 0.23786057844725872],
     [-5.570122077869915e-05, 1.0054364461100431, 0.4566182471626542, -0.012400191212455232]]), T('float64',
     (2, 4), [[-0.9953222650189527, -0.5204998778130465, 0.0, 0.9661051464753108], [0.9999779095030014,
     0.1124629160182849, -0.8427007929497149, 0.9953222650189527]], True))),
    ('log10_log2',
     'x = torch.tensor([0.5, 2.0, 10.0], dtype=torch.float64, requires_grad=True); y = torch.log10(x)'
     ' + torch.log2(x) * 2; y.sum().backward(); r = (x.grad, y)',
     (T('float64', (3,), [6.639369127362357, 1.6598422818405894, 0.33196845636811784]), T('float64', (3,),
     [-2.3010299956639813, 2.3010299956639813, 7.643856189774724], True))),
    ('expm1_sinh_cosh',
     'x = torch.tensor([[-2.0, -0.5, 0.0, 1.5], [3.0, 0.1, -1.0, 2.0]], dtype=torch.float64, '
     'requires_grad=True); g = torch.tensor([[0.3, -1.2, 0.7, 2.0], [-0.4, 0.9, 1.1, -0.6]], '
     'dtype=torch.float64); y = x.expm1() + x.sinh() * 2 + torch.cosh(x) * 3; y.backward(g); r = '
     '(x.grad, y)',
     (T('float64', (2, 4), [[-0.9662563674411542, -1.5581960083729833, 2.0999999999999996, 31.148693332218023],
     [-28.109794278789167, 3.074111553822108, -0.07871915714242184, -15.476417222783379]]), T('float64', (2,
     4), [[3.1682015407934685, 1.9472179443442807, 3.0, 14.79747682625744], [69.32427276534077,
     3.320516922282746, 1.6467189583295707, 24.929363987875583]], True))),
    ('asin_acos_atan',
     'u = torch.tensor([-0.9, -0.2, 0.0, 0.4, 0.8], dtype=torch.float64, requires_grad=True); g = '
     'torch.tensor([0.3, -1.2, 0.7, 2.0, -0.4], dtype=torch.float64); y = u.asin() + torch.acos(u) * '
     '2 + u.atan() * 3; y.backward(g); r = (u.grad, y)',
     (T('float64', (5,), [-0.19100963255091197, -2.2367935901468723, 1.3999999999999997, 2.990234890743524,
     -0.06504065040650397]), T('float64', (5,), [2.0629168632289074, 2.750763894830482, 3.141592653589793,
     3.8715949388594, 4.238520262258839], True))),
    ('atan2',
     'a = torch.tensor([1.0, -2.0, 0.5, -0.3], dtype=torch.float64, requires_grad=True); b = '
     'torch.tensor([2.0, 1.0, -1.5, -0.7], dtype=torch.float64, requires_grad=True); y = '
     'torch.atan2(a, b); y.sum().backward(); r = (a.grad, b.grad, y)',
     (T('float64', (4,), [0.4, 0.2, -0.6000000000000001, -1.206896551724138]), T('float64', (4,), [-0.2, 0.4,
     -0.2, 0.5172413793103449]), T('float64', (4,), [0.4636476090008061, -1.1071487177940904,
     2.819842099193151, -2.7367008673047097], True))),
    ('erf_int',
     'r = torch.tensor([1, -2]).erf()',
     T('float32', (2,), [0.8427007794380188, -0.9953222870826721])),
    ('atan2_int',
     'r = torch.tensor([1, 2]).atan2(torch.tensor([1, 1]))',
     T('float32', (2,), [0.7853981852531433, 1.1071487665176392])),
    ('cumprod_zeros',
     'x = torch.tensor([[2.0, 0.0, 3.0, 0.0], [0.5, -1.0, 4.0, 2.0]], dtype=torch.float64, '
     'requires_grad=True); g = torch.tensor([[0.3, -1.2, 0.7, 2.0], [-0.4, 0.9, 1.1, -0.6]], '
     'dtype=torch.float64); y = x.cumprod(1); y.backward(g); r = (x.grad, y)',
     (T('float64', (2, 4), [[0.3, 1.7999999999999994, 0.0, 0.0], [-0.9000000000000006, 0.2500000000000003,
     0.04999999999999993, 1.2]]), T('float64', (2, 4), [[2.0, 0.0, 0.0, 0.0], [0.5, -0.5, -2.0, -4.0]],
     True))),
    ('cumprod_dim0',
     'x = torch.tensor([[2.0, 0.0], [0.0, 3.0], [1.5, -2.0]], dtype=torch.float64, '
     'requires_grad=True); y = torch.cumprod(x, dim=0); y.backward(torch.tensor([[1.0, 2.0], [3.0, '
     '-1.0], [0.5, 0.25]], dtype=torch.float64)); r = (x.grad, y)',
     (T('float64', (3, 2), [[1.0, -2.5], [7.5, 0.0], [0.0, 0.0]]), T('float64', (3, 2), [[2.0, 0.0], [0.0, 0.0],
     [0.0, -0.0]], True))),
    ('cumprod_int',
     'r = torch.tensor([1, 2, 3]).cumprod(0)',
     T('int64', (3,), [1, 2, 6])),
    ('tile',
     'r = torch.tile(torch.tensor([[1, 2], [3, 4]]), (2,))',
     T('int64', (2, 4), [[1, 2, 1, 2], [3, 4, 3, 4]])),
    ('tile_more_dims',
     'r = torch.tensor([1.0, 2.0]).tile(2, 1, 2)',
     T('float32', (2, 1, 4), [[[1.0, 2.0, 1.0, 2.0]], [[1.0, 2.0, 1.0, 2.0]]])),
    ('repeat_interleave_int',
     'r = torch.tensor([[1, 2], [3, 4]]).repeat_interleave(2)',
     T('int64', (8,), [1, 1, 2, 2, 3, 3, 4, 4])),
    ('repeat_interleave_dim',
     'x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64, requires_grad=True); y = '
     'x.repeat_interleave(torch.tensor([1, 2]), dim=0); y.backward(torch.tensor([[1.0, 2.0], [3.0, '
     '4.0], [5.0, 6.0]], dtype=torch.float64)); r = (x.grad, y)',
     (T('float64', (2, 2), [[1.0, 2.0], [8.0, 10.0]]), T('float64', (3, 2), [[1.0, 2.0], [3.0, 4.0], [3.0, 4.0]],
     True))),
    ('repeat_interleave_counts',
     'r = torch.repeat_interleave(torch.tensor([1, 2, 0, 3]))',
     T('int64', (6,), [0, 1, 1, 3, 3, 3])),
    ('repeat_interleave_one_count',
     'r = torch.repeat_interleave(torch.tensor([5, 6, 7]), torch.tensor([2]))',
     T('int64', (6,), [5, 5, 6, 6, 7, 7])),
    ('einsum_matmul',
     'a = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=torch.float64, requires_grad=True); '
     'b = torch.tensor([[1.0, -1.0], [0.5, 2.0], [-3.0, 1.0]], dtype=torch.float64, '
     "requires_grad=True); y = torch.einsum('ij,jk->ik', a, b); y.backward(torch.tensor([[1.0, 2.0], "
     '[3.0, 4.0]], dtype=torch.float64)); r = (a.grad, b.grad, y)',
     (T('float64', (2, 3), [[-1.0, 4.5, -1.0], [-1.0, 9.5, -5.0]]), T('float64', (3, 2), [[13.0, 18.0], [17.0,
     24.0], [21.0, 30.0]]), T('float64', (2, 2), [[-7.0, 6.0], [-11.5, 12.0]], True))),
    ('einsum_batch_ellipsis',
     'a = torch.arange(12.0, dtype=torch.float64).reshape(2, 2, 3).requires_grad_(); b = '
     'torch.arange(6.0, dtype=torch.float64).reshape(2, 3).requires_grad_(); y = '
     "torch.einsum('...ij,...j->...i', a, b); y.sum().backward(); r = (a.grad, b.grad, y)",
     (T('float64', (2, 2, 3), [[[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]], [[3.0, 4.0, 5.0], [3.0, 4.0, 5.0]]]),
     T('float64', (2, 3), [[3.0, 5.0, 7.0], [15.0, 17.0, 19.0]]), T('float64', (2, 2), [[5.0, 14.0], [86.0,
     122.0]], True))),
    ('einsum_implicit_trace_outer',
     'a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64, requires_grad=True); v = '
     "torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True); y = torch.einsum('ii',"
     " a) * torch.einsum('i,j', v, v); y.sum().backward(); r = (a.grad, v.grad, y)",
     (T('float64', (2, 2), [[0.25, 0.0], [0.0, 0.25]]), T('float64', (3,), [-5.0, -5.0, -5.0]), T('float64', (3,
     3), [[5.0, -10.0, 2.5], [-10.0, 20.0, -5.0], [2.5, -5.0, 1.25]], True))),
    ('einsum_diag_sum_broadcast',
     'a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64, requires_grad=True); w = '
     'torch.tensor([[2.0], [-1.0]], dtype=torch.float64, requires_grad=True); y = '
     "torch.einsum('ii->i', a) + torch.einsum('ij,jk->i', a, w.expand(2, 3)) + torch.einsum('ij->j', "
     'w); y.sum().backward(); r = (a.grad, w.grad, y)',
     (T('float64', (2, 2), [[7.0, -3.0], [6.0, -2.0]]), T('float64', (2, 1), [[14.0], [20.0]]), T('float64', (2,),
     [2.0, 11.0], True))),
    ('einsum_list_int',
     "r = torch.einsum('bi,bj->bij', [torch.tensor([[1, 2]]), torch.tensor([[3, 4, 5]])])",
     T('int64', (1, 2, 3), [[[3, 4, 5], [6, 8, 10]]])),
    ('einsum_size1_broadcast',
     "r = torch.einsum('ij,j->i', torch.ones(2, 3), torch.tensor([2.0]))",
     T('float32', (2,), [6.0, 6.0])),
    ('median',
     'x = torch.tensor([[1.0, 5.0, 3.0, 2.0], [4.0, 4.5, 0.0, 9.0]], dtype=torch.float64, '
     'requires_grad=True); y = x.median(); y.backward(); r = (x.grad, y)',
     (T('float64', (2, 4), [[0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]]), T('float64', (), 3.0, True))),
    ('median_dim',
     'x = torch.tensor([[1.0, 5.0, 3.0, 2.0], [4.0, 4.5, 0.0, 9.0]], dtype=torch.float64, '
     'requires_grad=True); y = torch.median(x, dim=1, keepdim=True); '
     'y.values.backward(torch.tensor([[2.0], [3.0]], dtype=torch.float64)); r = (x.grad, y.values, '
     'y.indices)',
     (T('float64', (2, 4), [[0.0, 0.0, 0.0, 2.0], [3.0, 0.0, 0.0, 0.0]]), T('float64', (2, 1), [[2.0], [4.0]],
     True), T('int64', (2, 1), [[3], [0]]))),
    ('median_nan_int',
     "r = (torch.tensor([1.0, float('nan'), 3.0, float('nan')]).median(0).indices, torch.tensor([3, "
     '1, 2, 5]).median())',
     (T('int64', (), 1), T('int64', (), 2))),
    ('unique',
     'r = torch.unique(torch.tensor([3, 1, 3, 2, 7, 5, 5]), return_inverse=True, return_counts=True)',
     (T('int64', (5,), [1, 2, 3, 5, 7]), T('int64', (7,), [2, 0, 2, 1, 4, 3, 3]), T('int64', (5,), [1, 1, 2, 2,
     1]))),
    ('unique_2d_dim',
     'r = torch.tensor([[1, 2], [0, 1], [1, 2]]).unique(dim=0, return_counts=True)',
     (T('int64', (2, 2), [[0, 1], [1, 2]]), T('int64', (2,), [1, 2]))),
    ('unique_float',
     'r = torch.tensor([[2.5, -1.0], [2.5, 0.0]]).unique(return_inverse=True)',
     (T('float32', (3,), [-1.0, 0.0, 2.5]), T('int64', (2, 2), [[2, 0], [2, 1]]))),
    ('layer_norm',
     'x = torch.tensor([[[1.0, 2.0, 4.0], [0.5, -1.0, 3.0]], [[2.0, 2.5, -3.0], [1.0, 1.0, 7.0]]], '
     'dtype=torch.float64, requires_grad=True); w = torch.tensor([1.5, -0.5, 2.0], '
     'dtype=torch.float64, requires_grad=True); bb = torch.tensor([0.1, 0.2, -0.3], '
     'dtype=torch.float64, requires_grad=True); y = F.layer_norm(x, (3,), w, bb, eps=1e-3); '
     'y.backward(torch.arange(12.0, dtype=torch.float64).reshape(2, 2, 3) - 5); r = (x.grad, w.grad, '
     'bb.grad, y)',
     (T('float64', (2, 2, 3), [[[-3.091502718523121, 4.637425723041389, -1.5459230045182677],
     [-1.3108967742830107, 0.8193058480260305, 0.49159092625698025]], [[0.4088994061270157,
     -0.3719730383204283, -0.036926367806587646], [1.5023570377523319, -1.5026589746585244,
     0.00030193690619251257]]]), T('float64', (3,), [3.523235495941173, 0.25499626409164766,
     0.249180069449924]), T('float64', (3,), [-2.0, 2.0, 6.0]), T('float64', (2, 2, 3),
     [[[-1.503052267458421, 0.33358768895486846, 2.3717537790973675], [-0.2029901172295316,
     0.7554818815874746, 2.325914349322608]], [[1.0059872190935657, -0.20266098626380696,
     -3.1186269038466485], [-0.9605938867332434, 0.5535312955777478, 2.5282503646219827]]], True))),
    ('layer_norm_2d_shape',
     'x = torch.tensor([[[1.0, 2.0, 4.0], [0.5, -1.0, 3.0]], [[2.0, 2.5, -3.0], [1.0, 1.0, 7.0]]], '
     'dtype=torch.float64, requires_grad=True); y = nn.LayerNorm([2, 3], dtype=torch.float64)(x); (y '
     '* torch.arange(12.0, dtype=torch.float64).reshape(2, 2, 3)).sum().backward(); r = (x.grad, y)',
     (T('float64', (2, 2, 3), [[[-1.5484286788565986, -0.8930837425571625, -0.19081689570538285],
     [0.2533794431085079, 0.7914196030270852, 1.587530270983552]], [[-0.8703075029761587,
     -0.5703709644516488, 0.21143020073239915], [0.2302790403721784, 0.5703709644516497,
     0.4285982618715827]]]), T('float64', (2, 2, 3), [[[-0.3549134316858042, 0.25350959406128853,
     1.470355645555474], [-0.6591249445593506, -1.5717594831799897, 0.8619326198083813]],
     [[0.08502298101986784, 0.25506894305960354, -1.615436639377489], [-0.25506894305960354,
     -0.25506894305960354, 1.7854826014172247]]], True))),
    ('layer_norm_module_params',
     'm = nn.LayerNorm(3, elementwise_affine=True, bias=False); r = ([n for n, _ in '
     'm.named_parameters()], m.weight, m.normalized_shape)',
     (['weight'], T('float32', (3,), [1.0, 1.0, 1.0], True), (3,))),
    ('normalize',
     'x = torch.tensor([[-2.0, -0.5, 0.0, 1.5], [3.0, 0.1, -1.0, 2.0]], dtype=torch.float64, '
     'requires_grad=True); g = torch.tensor([[0.3, -1.2, 0.7, 2.0], [-0.4, 0.9, 1.1, -0.6]], '
     'dtype=torch.float64); y = F.normalize(x, p=2.0, dim=1); y.backward(g); r = (x.grad, y)',
     (T('float64', (2, 4), [[0.4797302382610964, -0.38016358503709524, 0.27456258919345766, 0.5129191226690967],
     [0.08821621611284781, 0.24695201008676587, 0.22885490911592876, -0.030244470115645572]]), T('float64',
     (2, 4), [[-0.7844645405527362, -0.19611613513818404, 0.0, 0.5883484054145521], [0.8014975277178973,
     0.026716584257263244, -0.26716584257263243, 0.5343316851452649]], True))),
    ('normalize_p1_dim0',
     'x = torch.tensor([[-2.0, -0.5, 0.0, 1.5], [3.0, 0.1, -1.0, 2.0]], dtype=torch.float64, '
     'requires_grad=True); g = torch.tensor([[0.3, -1.2, 0.7, 2.0], [-0.4, 0.9, 1.1, -0.6]], '
     'dtype=torch.float64); y = F.normalize(x, p=1, dim=0); y.backward(g); r = (x.grad, y)',
     (T('float64', (2, 4), [[-0.01200000000000001, -0.08333333333333326, 0.7, 0.42448979591836733],
     [-0.007999999999999993, -0.41666666666666674, 0.0, -0.3183673469387755]]), T('float64', (2, 4), [[-0.4,
     -0.8333333333333334, 0.0, 0.42857142857142855], [0.6, 0.16666666666666669, -1.0, 0.5714285714285714]],
     True))),
    ('cosine_similarity',
     'a = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dtype=torch.float64, requires_grad=True); '
     'b = torch.tensor([[-1.0, 0.5, 2.0]], dtype=torch.float64, requires_grad=True); y = '
     'F.cosine_similarity(a, b); y.backward(torch.tensor([1.0, 2.0], dtype=torch.float64)); r = '
     '(a.grad, b.grad, y)',
     (T('float64', (2, 3), [[-0.16663195529137267, -0.04165798882284317, 0.08331597764568632],
     [-87287156.09439695, 43643578.047198474, 174574312.1887939]]), T('float64', (1, 3),
     [[0.24994793293705903, 0.16663195529137265, 0.08331597764568627]]), T('float64', (2,),
     [0.6998542122237652, 0.0], True))),
    ('cosine_module_dim0',
     'r = nn.CosineSimilarity(dim=0)(torch.tensor([[1.0, 2.0], [3.0, -1.0]]), torch.tensor([[2.0, '
     '1.0], [1.0, 1.0]]))',
     T('float32', (2,), [0.7071067094802856, 0.3162277638912201])),
    ('pad',
     'x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=torch.float64, requires_grad=True); '
     'y = F.pad(x, (1, -1, 2, 0), value=-1.0); y.backward(torch.arange(12.0, '
     'dtype=torch.float64).reshape(4, 3)); r = (x.grad, y)',
     (T('float64', (2, 3), [[7.0, 8.0, 0.0], [10.0, 11.0, 0.0]]), T('float64', (4, 3), [[-1.0, -1.0, -1.0], [-1.0,
     -1.0, -1.0], [-1.0, 1.0, 2.0], [-1.0, 4.0, 5.0]], True))),
    ('pad_int',
     'r = F.pad(torch.tensor([[1, 2]]), (0, 1, 1, 1))',
     T('int64', (3, 3), [[0, 0, 0], [1, 2, 0], [0, 0, 0]])),
    ('kl_div',
     'x = torch.tensor([[-1.0, -2.0, -0.5], [-0.3, -1.7, -2.2]], dtype=torch.float64, '
     'requires_grad=True); t = torch.tensor([[0.2, 0.1, 0.7], [0.5, 0.25, 0.25]], '
     "dtype=torch.float64, requires_grad=True); y = F.kl_div(x, t, reduction='batchmean'); "
     'y.backward(); r = (x.grad, t.grad, y)',
     (T('float64', (2, 3), [[-0.1, -0.05, -0.35], [-0.25, -0.125, -0.125]]), T('float64', (2, 3),
     [[0.19528104378294986, 0.34870745350297727, 0.5716625280306338], [0.3034264097200273,
     0.6568528194400547, 0.9068528194400548]]), T('float64', (), 0.01673033830837238, True))),
    ('kl_div_log_target_none',
     'x = torch.tensor([[-1.0, -2.0, -0.5], [-0.3, -1.7, -2.2]], dtype=torch.float64, '
     'requires_grad=True); t = torch.tensor([[-0.2, -3.0, -0.8], [-0.5, -0.25, -1.25]], '
     "dtype=torch.float64, requires_grad=True); y = nn.KLDivLoss(reduction='none', "
     'log_target=True)(x, t); y.backward(torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]], '
     'dtype=torch.float64)); r = (x.grad, t.grad, y)',
     (T('float64', (2, 3), [[-0.8187307530779818, -0.09957413673572789, -1.3479868923516647], [0.6065306597126334,
     -0.38940039153570244, -0.0]]), T('float64', (2, 3), [[1.4737153555403673, 0.0, 0.9435908246461653],
     [-0.4852245277701067, 0.954030959262471, 0.0]]), T('float64', (2, 3), [[0.6549846024623855,
     -0.049787068367863944, -0.1347986892351665], [-0.1213061319425267, 1.1292611354535371,
     0.27217955701718066]], True))),
    ('kl_div_sum_mean',
     'x = torch.tensor([[-1.0, -2.0, -0.5]]); t = torch.tensor([[0.2, 0.0, 0.8]]); r = (F.kl_div(x, '
     "t, reduction='sum'), nn.KLDivLoss(reduction='mean')(x, t))",
     (T('float32', (), 0.09959760308265686), T('float32', (), 0.03319920226931572))),
    ('smooth_l1',
     'x = torch.tensor([0.0, 0.4, 2.0, -3.0, 1.0], dtype=torch.float64, requires_grad=True); t = '
     'torch.tensor([0.5, 0.0, 0.0, 0.0, 1.0], dtype=torch.float64); y = F.smooth_l1_loss(x, t, '
     'beta=0.5); y.backward(); r = (x.grad, y)',
     (T('float64', (5,), [-0.2, 0.16000000000000003, 0.2, -0.2, 0.0]), T('float64', (), 0.982, True))),
    ('smooth_l1_module_beta0',
     "r = (nn.SmoothL1Loss(reduction='none')(torch.tensor([0.0, 0.4, 2.0]), torch.tensor([0.5, 0.0, "
     "0.0])), nn.SmoothL1Loss(beta=0.0, reduction='sum')(torch.tensor([0.0, 0.4, 2.0]), "
     'torch.tensor([0.5, 0.0, 0.0])))',
     (T('float32', (3,), [0.125, 0.08000000566244125, 1.5]), T('float32', (), 2.9000000953674316))),
    ('huber',
     'x = torch.tensor([0.0, 0.4, 2.0, -3.0, 1.0], dtype=torch.float64, requires_grad=True); t = '
     'torch.tensor([0.5, 0.0, 0.0, 0.0, 1.0], dtype=torch.float64); y = F.huber_loss(x, t, '
     'delta=0.5); y.backward(); r = (x.grad, y)',
     (T('float64', (5,), [-0.1, 0.08000000000000002, 0.1, -0.1, 0.0]), T('float64', (), 0.491, True))),
    ('huber_weight_module',
     'r = (F.huber_loss(torch.tensor([0.0, 1.0, 3.0]), torch.tensor([0.5, 1.0, 0.0]), '
     "reduction='sum', weight=torch.tensor([1.0, 2.0, 3.0])), nn.HuberLoss(reduction='none', "
     'delta=2.0)(torch.tensor([0.0, 1.0, 3.0]), torch.tensor([0.5, 1.0, 0.0])))',
     (T('float32', (), 7.625), T('float32', (3,), [0.125, 0.0, 4.0]))),
    ('parameter_list_dict',
     'm = nn.Module(); m.ps = nn.ParameterList([torch.ones(2), nn.Parameter(torch.zeros(3))]); m.pd ='
     " nn.ParameterDict({'alpha': torch.ones(1)}); m.ps.append(torch.zeros(1)); r = "
     '(list(m.state_dict()), [type(p).__name__ for p in m.parameters()], [p.requires_grad for p in '
     'm.parameters()], len(m.ps), list(m.pd.keys()))',
     (['ps.0', 'ps.1', 'ps.2', 'pd.alpha'], ['Parameter', 'Parameter', 'Parameter', 'Parameter'], [True, True,
     True, True], 3, ['alpha'])),
    ('activation_reprs',
     "r = [repr(m) for m in (nn.GELU(), nn.GELU('tanh'), nn.SiLU(), nn.LeakyReLU(), nn.LeakyReLU(0.2,"
     ' True), nn.ELU(), nn.ELU(0.5), nn.Softplus(), nn.Softplus(2, 10), nn.CosineSimilarity(), '
     'nn.KLDivLoss(), nn.HuberLoss(), nn.SmoothL1Loss(), nn.LayerNorm((3, 4), bias=False), '
     'nn.LayerNorm(2, eps=1e-3, elementwise_affine=False))]',
     ["GELU(approximate='none')",
      "GELU(approximate='tanh')",
      'SiLU()',
      'LeakyReLU(negative_slope=0.01)',
      'LeakyReLU(negative_slope=0.2, inplace=True)',
      'ELU(alpha=1.0)',
      'ELU(alpha=0.5)',
      'Softplus(beta=1.0, threshold=20.0)',
      'Softplus(beta=2, threshold=10)',
      'CosineSimilarity()',
      'KLDivLoss()',
      'HuberLoss()',
      'SmoothL1Loss()',
      'LayerNorm((3, 4), eps=1e-05, elementwise_affine=True, bias=False)',
      'LayerNorm((2,), eps=0.001, elementwise_affine=False, bias=False)']),
]

ERRORS = [
    ('repeat_interleave_negative', 'torch.arange(3).repeat_interleave(-1)',
     E('RuntimeError',
       'Repeats must be non-negative')),
    ('repeat_interleave_size', 'torch.arange(3).repeat_interleave(torch.tensor([1, 2]))',
     E('RuntimeError',
       'repeats must have the same size as input along dim, but got repeats.size(0) = 2 and '
       'input.size(0) = 3')),
    ('repeat_interleave_float', 'torch.arange(3).repeat_interleave(torch.tensor([1.0, 2.0, 1.0]))',
     E('NotImplementedError',
       '"repeat_interleave_cpu" not implemented for \'Float\'')),
    ('repeat_interleave_2d', 'torch.arange(3).repeat_interleave(torch.tensor([[1, 2, 1]]))',
     E('RuntimeError',
       'repeats must be 0-dim or 1-dim tensor')),
    ('repeat_interleave_negative_tensor', 'torch.arange(3).repeat_interleave(torch.tensor([1, -2, 1]))',
     E('RuntimeError',
       'repeats can not be negative')),
    ('median_empty_dim', 'torch.zeros(2, 0).median(1)',
     E('IndexError',
       'median(): Expected reduction dim 1 to have non-zero size.')),
    ('gelu_approximate', "F.gelu(torch.ones(2), approximate='foo')",
     E('RuntimeError',
       'approximate argument must be either none or tanh.')),
    ('gelu_int', 'F.gelu(torch.tensor([1, -2]))',
     E('NotImplementedError',
       '"GeluKernelImpl" not implemented for \'Long\'')),
    ('leaky_relu_int', 'F.leaky_relu(torch.tensor([1, -2]))',
     E('NotImplementedError',
       '"leaky_relu_cpu" not implemented for \'Long\'')),
    ('layer_norm_shape', 'F.layer_norm(torch.ones(2, 3), (2, 4))',
     E('RuntimeError',
       'Given normalized_shape=[2, 4], expected input with shape [*, 2, 4], but got input of size[2, '
       '3]')),
    ('layer_norm_weight', 'F.layer_norm(torch.ones(2, 3), (3,), torch.ones(2))',
     E('RuntimeError',
       'Expected weight to be of same shape as normalized_shape, but got weight of shape [2] and '
       'normalized_shape = [3]')),
    ('layer_norm_module', 'nn.LayerNorm(3)(torch.ones(2, 4))',
     E('RuntimeError',
       'Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[2, 4]')),
    ('pad_odd', 'F.pad(torch.ones(2, 3), (1,))',
     E('RuntimeError',
       'Padding length must be divisible by 2')),
    ('pad_long', 'F.pad(torch.ones(2, 3), (1, 1, 1, 1, 1, 1))',
     E('RuntimeError',
       'Padding length should be less than or equal to two times the input dimension but got padding '
       'length 6 and input of dimension 2')),
    ('pad_crop_too_much', 'F.pad(torch.ones(2, 3), (-2, -2))',
     E('RuntimeError',
       'narrow(): length must be non-negative.')),
    ('smooth_l1_beta', 'F.smooth_l1_loss(torch.ones(2), torch.ones(2), beta=-1.0)',
     E('RuntimeError',
       'smooth_l1_loss does not support negative values for beta.')),
    ('huber_delta', 'F.huber_loss(torch.ones(2), torch.ones(2), delta=0.0)',
     E('RuntimeError',
       'huber_loss does not support non-positive values for delta.')),
    ('huber_weight', 'F.huber_loss(torch.ones(2), torch.ones(2), weight=torch.ones(3))',
     E('ValueError',
       'Weights and input must have the same size.')),
    ('kl_reduction', "F.kl_div(torch.ones(2), torch.ones(2), reduction='foo')",
     E('ValueError',
       'foo is not a valid value for reduction')),
    ('cosine_shape', 'F.cosine_similarity(torch.ones(2, 3), torch.ones(2, 4))',
     E('RuntimeError',
       'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1')),
    ('einsum_fewer', "torch.einsum('ij,jk->ik', torch.ones(2, 3))",
     E('RuntimeError',
       'einsum(): fewer operands were provided than specified in the equation')),
    ('einsum_more', "torch.einsum('ij,jk', torch.ones(2, 3), torch.ones(3, 2), torch.ones(2))",
     E('RuntimeError',
       'einsum(): more operands were provided than specified in the equation')),
    ('einsum_ndim', "torch.einsum('ij->i', torch.ones(2, 3, 4))",
     E('RuntimeError',
       'einsum(): the number of subscripts in the equation (2) does not match the number of '
       'dimensions (3) for operand 0 and no ellipsis was given')),
    ('einsum_ndim_ellipsis', "torch.einsum('...ijk->i', torch.ones(2, 3))",
     E('RuntimeError',
       'einsum(): the number of subscripts in the equation (3) is more than the number of dimensions '
       '(2) for operand 0')),
    ('einsum_size', "torch.einsum('ij,jk->ik', torch.ones(2, 3), torch.ones(4, 2))",
     E('RuntimeError',
       'einsum(): subscript j has size 4 for operand 1 which does not broadcast with previously seen '
       'size 3')),
    ('einsum_output_unknown', "torch.einsum('ij->k', torch.ones(2, 3))",
     E('RuntimeError',
       'einsum(): output subscript k does not appear in the equation for any input operand')),
    ('einsum_output_repeated', "torch.einsum('ij->ii', torch.ones(2, 3))",
     E('RuntimeError',
       'einsum(): output subscript i appears more than once in the output')),
    ('einsum_bad_char', "torch.einsum('i j,j-k', torch.ones(2, 3), torch.ones(3, 2))",
     E('RuntimeError',
       'einsum(): invalid subscript given at index 5 in the equation string, subscripts must be in '
       '[a-zA-Z]')),
    ('einsum_two_ellipses', "torch.einsum('...i...->i', torch.ones(2, 3))",
     E('RuntimeError',
       "einsum(): found '.' for operand 0 for which an ellipsis was already found")),
    ('einsum_stray_dot', "torch.einsum('ij->j.', torch.ones(2, 3))",
     E('RuntimeError',
       "einsum(): found '.' for output that is not part of any ellipsis (...)")),
    ('einsum_dtypes', "torch.einsum('ij,jk', torch.ones(2, 3), torch.ones(3, 2, dtype=torch.float64))",
     E('RuntimeError',
       'expected scalar type Float but found Double')),
    ('einsum_equation_type', 'torch.einsum(3, torch.ones(2))',
     E('TypeError',
       "einsum(): argument 'equation' (position 1) must be str, not int")),
]


def run(code: str) -> dict:
    env = {"torch": torch, "F": F, "nn": nn, "np": np}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, env)
    return env


@pytest.mark.parametrize("name, code, expected", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_pytorch(name, code, expected):
    check(run(code)["r"], expected)


@pytest.mark.parametrize("name, code, expected", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors_are_pytorchs(name, code, expected):
    with pytest.raises(Exception) as info:
        run(code)
    assert (type(info.value).__name__, str(info.value).splitlines()[0]) == (expected.kind, expected.message)


def test_kl_div_mean_warns_as_pytorch_does():
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        F.kl_div(torch.zeros(2, 3), torch.ones(2, 3) / 3)


def test_pad_in_another_mode_says_it_is_not_supported():
    with pytest.raises(NotImplementedError, match=r"F.pad\(mode='reflect'\): only mode='constant' is supported here"):
        F.pad(torch.ones(2, 3), (1, 1), mode="reflect")


def f64(*shape, seed=0, low=-2.0, high=2.0):
    """A float64 leaf that requires grad, with entries away from the kinks used below."""
    values = np.random.default_rng(seed).uniform(low, high, shape)
    return torch.tensor(np.where(np.abs(values) < 0.05, 0.3, values), requires_grad=True)


GRADCHECKS = {
    "gelu": (lambda x: F.gelu(x), [(3, 4)]),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), [(3, 4)]),
    "silu": (F.silu, [(3, 4)]),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), [(3, 4)]),
    "elu": (lambda x: F.elu(x, 0.7), [(3, 4)]),
    "softplus": (lambda x: F.softplus(x, 2.0, 1.5), [(3, 4)]),
    "erf_log10_log2": (lambda x: x.erf() + (x * x + 1).log10() + (x * x + 1).log2(), [(3, 4)]),
    "expm1_sinh_cosh_atan": (lambda x: x.expm1() + x.sinh() + x.cosh() + x.atan(), [(3, 4)]),
    "asin_acos": (lambda x: (x * 0.4).asin() + (x * 0.3).acos(), [(3, 4)]),
    "atan2": (torch.atan2, [(3, 4), (4,)]),
    "cumprod": (lambda x: x.cumprod(1), [(3, 5)]),
    "cumprod_with_zeros": (lambda x: (x * torch.tensor([[1.0, 0, 1, 0, 1]], dtype=torch.float64)).cumprod(1),
                           [(3, 5)]),
    "tile": (lambda x: x.tile(2, 1, 2), [(2, 3)]),
    "repeat_interleave": (lambda x: x.repeat_interleave(torch.tensor([2, 0, 1]), dim=1), [(2, 3)]),
    "median": (lambda x: x.median(1).values + x.median(), [(3, 5)]),
    "einsum_bilinear": (lambda a, w, b: torch.einsum("bi,oij,bj->bo", a, w, b), [(2, 3), (4, 3, 2), (2, 2)]),
    "einsum_ellipsis_diag": (lambda a, v: torch.einsum("...ii,...i->...", a, v), [(2, 3, 3), (3,)]),
    "einsum_implicit_sum": (lambda a, v: torch.einsum("ij,k", a, v), [(2, 3), (2,)]),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (2, 3), w, b), [(2, 2, 3), (2, 3), (2, 3)]),
    "normalize": (lambda x: F.normalize(x, p=3, dim=-1), [(3, 4)]),
    "cosine_similarity": (lambda a, b: F.cosine_similarity(a, b, dim=-1), [(3, 4), (4,)]),
    "pad": (lambda x: F.pad(x, (2, -1, 0, 1), value=0.5), [(3, 4)]),
    "kl_div": (lambda x, t: F.kl_div(x, t.abs(), reduction="batchmean"), [(3, 4), (3, 4)]),
    "kl_div_log_target": (lambda x, t: F.kl_div(x, t, reduction="sum", log_target=True), [(3, 4), (3, 4)]),
    "smooth_l1": (lambda x, t: F.smooth_l1_loss(x, t, beta=0.7), [(3, 4), (3, 4)]),
    "huber": (lambda x, t: F.huber_loss(x, t, delta=0.7, reduction="none"), [(3, 4), (3, 4)]),
}


@pytest.mark.parametrize("name", list(GRADCHECKS))
def test_gradients_pass_central_differences(name):
    fn, shapes = GRADCHECKS[name]
    assert tr.gradcheck(fn, *[f64(*s, seed=i) for i, s in enumerate(shapes)])


def test_cumprod_gradient_is_finite_and_exact_at_zeros():
    """By hand: for x = (2, 0, 3), out = (2, 0, 0); d out_2 / d x_1 = 2 * 3 = 6, and so on."""
    x = torch.tensor([2.0, 0.0, 3.0], dtype=torch.float64, requires_grad=True)
    x.cumprod(0).sum().backward()
    assert x.grad.tolist() == [1.0, 2.0 + 6.0, 0.0]


def test_parameter_containers_register_and_train():
    m = nn.Module()
    m.ps = nn.ParameterList([torch.ones(2)])
    m.pd = nn.ParameterDict({"w": torch.ones(2)})
    loss = (m.ps[0] * m.pd["w"] * 3).sum()
    loss.backward()
    assert m.ps[0].grad.tolist() == [3.0, 3.0] and m.pd["w"].grad.tolist() == [3.0, 3.0]
    m.load_state_dict({"ps.0": torch.zeros(2), "pd.w": torch.full((2,), 2.0)})
    assert m.ps[0].tolist() == [0.0, 0.0] and m.pd.get("w").tolist() == [2.0, 2.0] and "w" in m.pd
    del m.pd["w"]
    assert list(m.state_dict()) == ["ps.0"]


def test_einsum_computes_no_gradient_for_an_operand_that_needs_none():
    """A constant operand (a mask, a fixed matrix) gets None from einsum's backward, not an einsum's work."""
    a, b = torch.ones(2, 3, requires_grad=True), torch.ones(3, 4)
    y = torch.einsum("ij,jk->ik", a, b)
    grads = y.backward_fn(*y.saved, np.ones((2, 4)))
    assert grads[1] is None and grads[0].tolist() == [[4.0] * 3] * 2
