"""tinygrad_rnn.torch against PyTorch: the legacy tensor types (torch.FloatTensor, torch.LongTensor, ...) and
numpy's argument names (axis=, keepdims=) that PyTorch's functions read as dim= and keepdim=.

The seq2seq translation tutorial builds its dataset with `torch.LongTensor(np_int32_array)`, and d2l.ai's
language models decode with `Y.argmax(axis=2)`. Every expected value below was produced by running the same
code in PyTorch and pasting the result (tests/torch_expect.py explains the notation); PyTorch itself is not
needed to run these tests.
"""
import pytest

import tinygrad_rnn.torch as torch
from torch_expect import A, D, default_dtype_and_grad_mode, E, inf, nan, NT, run_case, S, T  # noqa: F401 (the table's notation)

CASES = [
    ('long_from_list', 'r = torch.LongTensor([1, 2])',
     T('int64', (2,), [1, 2])),
    ('long_truncates_floats', 'r = torch.LongTensor([1.7, -1.7])',
     T('int64', (2,), [1, -1])),
    ('long_from_int32_array', 'r = torch.LongTensor(np.array([[1, 2], [3, 4]], dtype=np.int32))',
     T('int64', (2, 2), [[1, 2], [3, 4]])),
    ('long_from_float_array', 'r = torch.LongTensor(np.array([1.7, -1.7]))',
     T('int64', (2,), [1, -1])),
    ('long_shares_int64_array', 'a = np.zeros(2, dtype=np.int64); t = torch.LongTensor(a); a[0] = 5; r = t',
     T('int64', (2,), [5, 0])),
    ('long_copies_int32_array', 'a = np.zeros(2, dtype=np.int32); t = torch.LongTensor(a); a[0] = 5; r = t',
     T('int64', (2,), [0, 0])),
    ('long_from_tuple_is_data', 'r = torch.LongTensor((2, 3))',
     T('int64', (2,), [2, 3])),
    ('long_from_range', 'r = torch.LongTensor(range(3))',
     T('int64', (3,), [0, 1, 2])),
    ('long_from_bools', 'r = torch.LongTensor([True, 2])',
     T('int64', (2,), [1, 2])),
    ('long_from_mixed', 'r = torch.LongTensor([torch.tensor(1), np.int32(2)])',
     T('int64', (2,), [1, 2])),
    ('long_sizes', 'r = torch.LongTensor(2, 3); r = (r.shape, r.dtype)',
     (S(2, 3), D('int64'), )),
    ('long_size_object', 'r = torch.LongTensor(torch.Size([2, 3])).shape',
     S(2, 3)),
    ('long_numpy_int_is_size', 'r = torch.LongTensor(np.int64(3)).shape',
     S(3)),
    ('long_empty', 'r = torch.LongTensor()',
     T('int64', (0,), [])),
    ('long_empty_list', 'r = torch.LongTensor([])',
     T('int64', (0,), [])),
    ('long_zero_rows', 'r = torch.LongTensor(0, 2).shape',
     S(0, 2)),
    ('long_device_cpu', "r = torch.LongTensor([1], device='cpu')",
     T('int64', (1,), [1])),
    ('long_device_object', "r = torch.LongTensor([1], device=torch.device('cpu'))",
     T('int64', (1,), [1])),
    ('err_mps_device_object', "r = torch.FloatTensor(2, device='mps:0')",
     E('RuntimeError', 'legacy constructor expects device type: cpu but device type: mps was passed')),
    ('long_same_dtype_tensor_is_an_alias', 't = torch.tensor([1, 2]); u = torch.LongTensor(t); u[0] = 9; r = (u is t, t, u.is_leaf)',
     (False, T('int64', (2,), [9, 2]), True, )),
    ('float_alias_in_graph', 'x = torch.tensor([1.0, 2.0], requires_grad=True); y = torch.FloatTensor(x); (y * 2).sum().backward(); r = (y is x, y.is_leaf, type(y.grad_fn).__name__, x.grad)',
     (False, False, 'AliasBackward0', T('float32', (2,), [2.0, 2.0]), )),
    ('float_keeps_requires_grad', 'r = torch.FloatTensor(torch.tensor([1.0], requires_grad=True))',
     T('float32', (1,), [1.0], rg=True)),
    ('float_from_ints', 'r = torch.FloatTensor([1, 2])',
     T('float32', (2,), [1.0, 2.0])),
    ('float_sizes', 'r = torch.FloatTensor(3); r = (r.shape, r.dtype)',
     (S(3), D('float32'), )),
    ('double_from_list', 'r = torch.DoubleTensor([1, 2])',
     T('float64', (2,), [1.0, 2.0])),
    ('int_truncates', 'r = torch.IntTensor([1.5, -2.5])',
     T('int32', (2,), [1, -2])),
    ('bool_from_numbers', 'r = torch.BoolTensor([1, 0, 0.5])',
     T('bool', (3,), [True, False, True])),
    ('byte_from_list', 'r = torch.ByteTensor([1, 255])',
     T('uint8', (2,), [1, 255])),
    ('byte_wraps_negative', 'r = torch.ByteTensor([-1])',
     T('uint8', (1,), [255])),
    ('half_from_list', 'r = torch.HalfTensor([1, 2])',
     T('float16', (2,), [1.0, 2.0])),
    ('short_from_list', 'r = torch.ShortTensor([1, 2])',
     T('int16', (2,), [1, 2])),
    ('char_from_list', 'r = torch.CharTensor([1, -2])',
     T('int8', (2,), [1, -2])),
    ('float_then_grad', 'r = torch.FloatTensor([1.0, 2.0]).requires_grad_()',
     T('float32', (2,), [1.0, 2.0], rg=True)),
    ('isinstance_long', 'r = (isinstance(torch.tensor([1]), torch.LongTensor), isinstance(torch.tensor([1.0]), torch.LongTensor))',
     (True, False, )),
    ('isinstance_float', 'r = (isinstance(torch.tensor([1.0]), torch.FloatTensor), isinstance(torch.tensor([1.0], dtype=torch.float64), torch.FloatTensor))',
     (True, False, )),
    ('isinstance_double', 'r = isinstance(torch.zeros(2, dtype=torch.float64), torch.DoubleTensor)',
     True),
    ('isinstance_int_bool_byte', 'r = (isinstance(torch.tensor([1], dtype=torch.int32), torch.IntTensor), isinstance(torch.tensor(True), torch.BoolTensor), isinstance(torch.tensor([1], dtype=torch.uint8), torch.ByteTensor), isinstance(torch.tensor([1], dtype=torch.uint8), torch.BoolTensor))',
     (True, True, True, False, )),
    ('isinstance_parameter', 'r = isinstance(torch.nn.Parameter(torch.zeros(2)), torch.FloatTensor)',
     True),
    ('isinstance_tuple_of_types', 'r = isinstance(torch.tensor([1]), (torch.IntTensor, torch.LongTensor))',
     True),
    ('isinstance_not_a_tensor', 'r = (isinstance(3, torch.LongTensor), isinstance([1], torch.LongTensor))',
     (False, False, )),
    ('not_a_subclass', 'r = issubclass(torch.LongTensor, torch.Tensor)',
     False),
    ('type_of_instance', 'r = type(torch.LongTensor([1])) is torch.Tensor',
     True),
    ('class_dtype', 'r = (torch.LongTensor.dtype, torch.FloatTensor.dtype, torch.BoolTensor.dtype)',
     (D('int64'), D('float32'), D('bool'), )),
    ('class_flags', 'r = (torch.FloatTensor.is_cuda, torch.FloatTensor.is_sparse)',
     (False, False, )),
    ('class_repr', 'r = (repr(torch.LongTensor), str(torch.FloatTensor), torch.LongTensor.__name__, torch.LongTensor.__module__)',
     ("<class 'torch.LongTensor'>", "<class 'torch.FloatTensor'>", 'LongTensor', 'torch', )),
    ('type_names', 'r = (torch.LongTensor([1]).type(), torch.FloatTensor([1]).type(), torch.DoubleTensor([1]).type(), torch.IntTensor([1]).type(), torch.BoolTensor([1]).type(), torch.ByteTensor([1]).type())',
     ('torch.LongTensor', 'torch.FloatTensor', 'torch.DoubleTensor', 'torch.IntTensor', 'torch.BoolTensor', 'torch.ByteTensor', )),
    ('type_to_legacy_class', 'r = torch.tensor([1.7, -1.7]).type(torch.LongTensor)',
     T('int64', (2,), [1, -1])),
    ('type_to_legacy_class_name', 'r = torch.tensor([1.5]).type(torch.IntTensor).type()',
     'torch.IntTensor'),
    ('type_to_double_class', 'r = torch.tensor([1, 2]).type(torch.DoubleTensor)',
     T('float64', (2,), [1.0, 2.0])),
    ('type_to_legacy_name', "r = torch.tensor([1.5]).type('torch.IntTensor')",
     T('int32', (1,), [1])),
    ('to_legacy_class_refused', 'r = torch.tensor([1]).to(torch.LongTensor)',
     E('TypeError', 'to() received an invalid combination of arguments - got (torch.tensortype), but expected one of:')),
    ('err_float_scalar', 'r = torch.LongTensor(2.5)',
     E('TypeError', 'new(): data must be a sequence (got float)')),
    ('err_bool_scalar', 'r = torch.LongTensor(True)',
     E('TypeError', 'new(): data must be a sequence (got bool)')),
    ('err_none', 'r = torch.LongTensor(None)',
     E('TypeError', 'new(): data must be a sequence (got NoneType)')),
    ('err_dict', 'r = torch.LongTensor({1: 2})',
     E('TypeError', 'new(): data must be a sequence (got dict)')),
    ('err_iterator', 'r = torch.LongTensor(iter([1]))',
     E('TypeError', 'new(): data must be a sequence (got list_iterator)')),
    ('err_str', "r = torch.LongTensor('abc')",
     E('TypeError', "new(): invalid data type 'str'")),
    ('err_other_dtype_tensor', 'r = torch.LongTensor(torch.tensor([1.0]))',
     E('TypeError', 'expected TensorOptions(dtype=long int, device=cpu, layout=Strided, requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt)) (got TensorOptions(dtype=float, device=cpu, layout=Strided, requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt)))')),
    ('err_float_from_long_tensor', 'r = torch.FloatTensor(torch.tensor([1]))',
     E('TypeError', 'expected TensorOptions(dtype=float, device=cpu, layout=Strided, requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt)) (got TensorOptions(dtype=long int, device=cpu, layout=Strided, requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt)))')),
    ('err_float_from_double_tensor', 'r = torch.FloatTensor(torch.tensor([1.0], dtype=torch.float64))',
     E('TypeError', 'expected TensorOptions(dtype=float, device=cpu, layout=Strided, requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt)) (got TensorOptions(dtype=double, device=cpu, layout=Strided, requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt)))')),
    ('err_size_not_int', 'r = torch.LongTensor(2, 3.0)',
     E('TypeError', 'new(): argument \'size\' failed to unpack the object at pos 2 with error "type must be tuple of ints,but got float"')),
    ('err_two_lists', 'r = torch.LongTensor([1], [2])',
     E('TypeError', 'new() received an invalid combination of arguments - got (list, list), but expected one of:')),
    ('err_dtype_keyword', 'r = torch.LongTensor(2, 3, dtype=torch.float)',
     E('TypeError', 'new() received an invalid combination of arguments - got (int, int, dtype=torch.dtype), but expected one of:')),
    ('err_negative_size', 'r = torch.LongTensor(-1)',
     E('RuntimeError', 'Trying to create tensor with negative dimension -1: [-1]')),
    ('err_negative_size_second', 'r = torch.LongTensor(3, -2)',
     E('RuntimeError', 'Trying to create tensor with negative dimension -2: [3, -2]')),
    ('err_cuda', "r = torch.LongTensor(3, device='cuda')",
     E('RuntimeError', 'legacy constructor expects device type: cpu but device type: cuda was passed')),
]
AXIS = [
    ('argmax_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).argmax(axis=1)',
     T('int64', (2,), [1, 2])),
    ('argmax_axis_keepdims', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).argmax(axis=1, keepdims=True)',
     T('int64', (2, 1), [[1], [2]])),
    ('argmin_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).argmin(axis=0)',
     T('int64', (3,), [0, 1, 0])),
    ('torch_argmax_axis', 'r = torch.argmax(torch.tensor([[1., 5., 3.], [4., 2., 6.]]), axis=1)',
     T('int64', (2,), [1, 2])),
    ('d2l_predict_step', 'Y = torch.tensor([[[0.1, 0.7, 0.2]]]); r = int(Y.argmax(axis=2).reshape(1))',
     1),
    ('max_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).max(axis=1)',
     NT('max', T('float32', (2,), [5.0, 6.0]), T('int64', (2,), [1, 2]))),
    ('min_axis_keepdims', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).min(axis=1, keepdims=True)',
     NT('min', T('float32', (2, 1), [[1.0], [2.0]]), T('int64', (2, 1), [[0], [1]]))),
    ('torch_max_axis', 'r = torch.max(torch.tensor([[1., 5., 3.], [4., 2., 6.]]), axis=0)',
     NT('max', T('float32', (3,), [4.0, 5.0, 6.0]), T('int64', (3,), [1, 0, 1]))),
    ('amax_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).amax(axis=0)',
     T('float32', (3,), [4.0, 5.0, 6.0])),
    ('softmax_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).softmax(axis=1)',
     T('float32', (2, 3), [[0.01587623916566372, 0.8668133020401001, 0.11731041967868805], [0.11731042712926865, 0.01587624102830887, 0.8668133616447449]])),
    ('torch_softmax_axis', 'r = torch.softmax(torch.tensor([[1., 5., 3.], [4., 2., 6.]]), axis=1)',
     T('float32', (2, 3), [[0.01587623916566372, 0.8668133020401001, 0.11731041967868805], [0.11731042712926865, 0.01587624102830887, 0.8668133616447449]])),
    ('log_softmax_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).log_softmax(axis=1)',
     T('float32', (2, 3), [[-4.142931938171387, -0.14293169975280762, -2.1429316997528076], [-2.1429316997528076, -4.1429314613342285, -0.14293159544467926]])),
    ('logsumexp_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).logsumexp(axis=1)',
     T('float32', (2,), [5.142931938171387, 6.1429314613342285])),
    ('cumsum_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).cumsum(axis=1)',
     T('float32', (2, 3), [[1.0, 6.0, 9.0], [4.0, 6.0, 12.0]])),
    ('topk_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).topk(1, axis=0)',
     NT('topk', T('float32', (1, 3), [[4.0, 5.0, 6.0]]), T('int64', (1, 3), [[1, 0, 1]]))),
    ('sort_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).sort(axis=0)',
     NT('sort', T('float32', (2, 3), [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), T('int64', (2, 3), [[0, 1, 0], [1, 0, 1]]))),
    ('argsort_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).argsort(axis=0)',
     T('int64', (2, 3), [[0, 1, 0], [1, 0, 1]])),
    ('var_std_axis', 't = torch.tensor([[1., 5., 3.], [4., 2., 6.]]); r = (t.var(axis=0), t.std(axis=1))',
     (T('float32', (3,), [4.5, 4.5, 4.5]), T('float32', (2,), [2.0, 2.0]), )),
    ('all_any_axis', 't = torch.tensor([[True, False], [True, True]]); r = (t.all(axis=1), t.any(axis=0))',
     (T('bool', (2,), [False, True]), T('bool', (2,), [True, True]), )),
    ('count_nonzero_axis', 'r = torch.tensor([[1, 0, 3], [0, 0, 6]]).count_nonzero(axis=1)',
     T('int64', (2,), [2, 1])),
    ('gather_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).gather(axis=1, index=torch.tensor([[0], [1]]))',
     T('float32', (2, 1), [[1.0], [2.0]])),
    ('index_select_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).index_select(axis=1, index=torch.tensor([2, 0]))',
     T('float32', (2, 2), [[3.0, 1.0], [6.0, 4.0]])),
    ('squeeze_unsqueeze_axis', 't = torch.zeros(1, 2); r = (t.squeeze(axis=0).shape, t.unsqueeze(axis=2).shape)',
     (S(2), S(1, 2, 1), )),
    ('size_axis', 'r = torch.zeros(2, 3).size(axis=1)',
     3),
    ('narrow_axis', 'r = torch.tensor([[1., 5., 3.], [4., 2., 6.]]).narrow(axis=1, start=1, length=2)',
     T('float32', (2, 2), [[5.0, 3.0], [2.0, 6.0]])),
    ('chunk_unbind_axis', 't = torch.tensor([[1., 5., 3.], [4., 2., 6.]]); r = (t.chunk(2, axis=0), t.unbind(axis=1))',
     ((T('float32', (1, 3), [[1.0, 5.0, 3.0]]), T('float32', (1, 3), [[4.0, 2.0, 6.0]]), ), (T('float32', (2,), [1.0, 4.0]), T('float32', (2,), [5.0, 2.0]), T('float32', (2,), [3.0, 6.0]), ), )),
    ('cat_stack_axis', 't = torch.ones(2, 3); r = (torch.cat([t, t], axis=1).shape, torch.stack([t, t], axis=2).shape)',
     (S(2, 6), S(2, 3, 2), )),
    ('sum_mean_axis_still', 't = torch.tensor([[1., 5., 3.], [4., 2., 6.]]); r = (t.sum(axis=1, keepdims=True), t.mean(axis=0))',
     (T('float32', (2, 1), [[9.0], [12.0]]), T('float32', (3,), [2.5, 3.5, 4.5]), )),
    ('axis_grad', 'x = torch.tensor([[1., 5., 3.], [4., 2., 6.]], requires_grad=True); x.max(axis=1).values.sum().backward(); r = x.grad',
     T('float32', (2, 3), [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])),
    ('dim_and_axis_refused', 'r = torch.tensor([1., 2.]).argmax(dim=0, axis=0)',
     E('TypeError', "argmax() got an unexpected keyword argument 'axis'")),
    ('swapaxes_function', 'r = torch.swapaxes(torch.zeros(2, 3, 4), 0, 2).shape',
     S(4, 3, 2)),
    ('swapdims_function', 'r = torch.swapdims(torch.zeros(2, 3), 0, 1).shape',
     S(3, 2)),
    ('swapaxes_method_d2l', 'r = torch.arange(6.).reshape(1, 2, 3).swapaxes(0, 1)',
     T('float32', (2, 1, 3), [[[0.0, 1.0, 2.0]], [[3.0, 4.0, 5.0]]])),
]

@pytest.mark.parametrize("code, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_legacy_types_match_pytorch(code, expected):
    run_case(code, expected)


@pytest.mark.parametrize("code, expected", [case[1:] for case in AXIS], ids=[case[0] for case in AXIS])
def test_numpy_argument_names_match_pytorch(code, expected):
    run_case(code, expected)


def test_every_legacy_type_builds_and_recognises_its_dtype():
    """Each legacy type makes tensors of its dtype, recognises exactly those, and t.type() names it back."""
    names = {"FloatTensor": torch.float32, "DoubleTensor": torch.float64, "HalfTensor": torch.float16,
             "LongTensor": torch.int64, "IntTensor": torch.int32, "ShortTensor": torch.int16,
             "CharTensor": torch.int8, "ByteTensor": torch.uint8, "BoolTensor": torch.bool}
    for name, dtype in names.items():
        cls = getattr(torch, name)
        t = cls([1, 0])
        assert t.dtype is dtype and cls.dtype is dtype and t.type() == f"torch.{name}"
        assert isinstance(t, cls) and isinstance(t, torch.Tensor)
        assert [other for other in names if isinstance(t, getattr(torch, other))] == [name]
        assert torch.zeros(2).type(cls).dtype is dtype


def test_sizes_dims_and_reduction_keywords_are_checked():
    """A size is an int, a dim is an int, and a reduction takes no keyword beyond dim/keepdim/axis/keepdims."""
    import re
    with pytest.raises(TypeError, match=re.escape("view(): sizes must be ints, got 2.0 in (2.0,)")):
        torch.zeros(2).view(2.0)
    with pytest.raises(TypeError, match=re.escape("size(): argument 'dim' must be int, not str")):
        torch.zeros(2).size("a")
    with pytest.raises(TypeError, match=re.escape("sum() got an unexpected keyword argument 'foo'")):
        torch.zeros(2).sum(foo=1)
