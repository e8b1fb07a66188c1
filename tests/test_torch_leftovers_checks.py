"""Checks PyTorch 2.14 makes that the dialect used to skip: clamp_'s bounds, masked_select's mask,
assert_close across dtypes, and numpy's axis=/keepdims= spellings, read by one helper for every method.
Expected values and messages were printed by PyTorch 2.14 and are written out here; where the dialect words a
message differently, or refuses what PyTorch records, a comment says so."""
import re

import numpy as np
import pytest

import tinygrad_rnn.torch as torch


def m():
    return torch.tensor([[3.0, 1.0, 2.0], [0.5, 4.0, 4.0]])


def raises(error, message: str):
    """pytest.raises for exactly this message."""
    return pytest.raises(error, match="^" + re.escape(message) + "$")


# ---------------------------------------------------------------- clamp_
def test_clamp_with_min_above_max_gives_max_everywhere_in_place_and_out_of_place():
    for out in (torch.tensor([1.0, 5.0, 3.0]).clamp_(4, 2), torch.tensor([1.0, 5.0, 3.0]).clamp(4, 2),
                torch.tensor([1.0, 5.0, 3.0]).clamp_(torch.full((3,), 4.0), torch.full((3,), 2.0))):
        assert out.tolist() == [2.0, 2.0, 2.0]
    assert np.isnan(torch.tensor([1.0, 5.0]).clamp_(float("nan")).numpy()).all()


def test_clamp_in_place_keeps_integers_exact_and_the_dtype():
    t = torch.tensor([-(2 ** 62) + 1, 7])
    assert t.clamp_(max=5).tolist() == [-(2 ** 62) + 1, 5]            # no detour through float64
    assert torch.tensor([1, 5, 3]).clamp_(2, 4).tolist() == [2, 4, 3]
    assert torch.tensor([1.0, 5.0]).clamp_(torch.tensor([2.0, 2.0], dtype=torch.float64)).dtype == torch.float32
    assert torch.tensor([1.0, 5.0, 3.0]).clamp_(True).tolist() == [1.0, 5.0, 3.0]
    assert torch.zeros(3).clamp_(torch.tensor(0.5), 1).tolist() == [0.5, 0.5, 0.5]   # a 0-d tensor is a number


@pytest.mark.parametrize("make, args, result, own", [
    (lambda: torch.tensor([1, 5, 3]), (1.5, 3.5), "Float", "Long"),        # PyTorch: "... type long int"
    (lambda: torch.tensor([1, 5, 3]), (1.5,), "Float", "Long"),
    (lambda: torch.tensor([1, 5, 3]), (torch.tensor([2.0, 2.0, 2.0]),), "Float", "Long"),
    (lambda: torch.tensor([1, 5, 3]), (torch.tensor(2.0),), "Float", "Long"),
    (lambda: torch.tensor([True, False]), (0, 1), "Long", "Bool"),          # PyTorch: "... type bool"
])
def test_clamp_in_place_refuses_a_result_type_the_tensor_cannot_hold(make, args, result, own):
    t = make()
    before = t.tolist()
    with raises(RuntimeError, f"result type {result} can't be cast to the desired output type {own}"):
        t.clamp_(*args)
    assert t.tolist() == before


@pytest.mark.parametrize("args, message", [
    ((torch.tensor([1.0, 2.0]),), "The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
                                  "dimension 0"),
    ((None, torch.tensor([1.0, 2.0])), "The size of tensor a (3) must match the size of tensor b (2) at "
                                       "non-singleton dimension 0"),
    ((torch.zeros(2, 3),), "output with shape [3] doesn't match the broadcast shape [2, 3]"),
    ((torch.zeros(2, 3), torch.ones(4)), "The size of tensor a (3) must match the size of tensor b (4) at "
                                         "non-singleton dimension 1"),
    ((torch.zeros(1, 3), torch.ones(2, 1)), "output with shape [3] doesn't match the broadcast shape [2, 3]"),
    ((), "torch.clamp: At least one of 'min' or 'max' must not be None"),
    ((None, None), "torch.clamp: At least one of 'min' or 'max' must not be None"),
])
def test_clamp_in_place_refuses_bounds_that_do_not_fit(args, message):
    with raises(RuntimeError, message):
        torch.zeros(3).clamp_(*args)


@pytest.mark.parametrize("args, got", [
    ((torch.zeros(3), 1), "min=Tensor, max=int"), (("a",), "min=str"), (([1.0, 2.0, 3.0],), "min=list"),
    ((np.ones(3),), "min=numpy.ndarray"), ((None, torch.ones(3)), None),
])
def test_clamp_bounds_are_all_numbers_or_all_tensors(args, got):
    """PyTorch's message lists the arguments' types by position and adds "didn't match" lines per overload."""
    if got is None:                                       # one tensor bound alone is fine
        assert torch.zeros(3).clamp_(*args).tolist() == [0.0, 0.0, 0.0]
        return
    with raises(TypeError, f"clamp_() received an invalid combination of arguments - got ({got}), but expected one "
                           "of:\n * (Tensor min = None, Tensor max = None)\n * (Number min = None, Number max = None)"):
        torch.zeros(3).clamp_(*args)


def test_clamp_in_place_with_a_bound_that_requires_grad_is_recorded_never_silently_cut():
    """PyTorch records the write (ClampBackward0), and so does the dialect (torch 2.14: tensor([1., 5., 8.]),
    lo.grad tensor([1., 0., 0.])); after an op saved the tensor, both record it and refuse that op's backward."""
    t, lo = torch.tensor([0.0, 5.0, 10.0]), torch.ones(3, requires_grad=True)
    t.clamp_(lo, torch.tensor([8.0, 8.0, 8.0]))
    assert t.tolist() == [1.0, 5.0, 8.0] and type(t.grad_fn).__name__ == "ClampBackward0"
    t.sum().backward()
    assert lo.grad.tolist() == [1.0, 0.0, 0.0]
    t = torch.zeros(3)
    used = (t * lo).sum()                                  # an op of the graph has used (and saved) t
    t.clamp_(torch.ones(3, requires_grad=True))
    assert t.tolist() == [1.0, 1.0, 1.0] and type(t.grad_fn).__name__ == "ClampBackward0" and used.item() == 0.0
    with pytest.raises(RuntimeError, match=r"^one of the variables needed for gradient computation has been "
                                           r"modified by an inplace operation"):
        used.backward()


# ---------------------------------------------------------------- masked_select
def test_masked_select_broadcasts_mask_and_tensor_both_ways():
    assert m().masked_select(torch.tensor([True, False, True])).tolist() == [3.0, 2.0, 0.5, 4.0]
    assert torch.masked_select(m(), torch.tensor([True, False, True])).tolist() == [3.0, 2.0, 0.5, 4.0]
    assert torch.tensor(3.0).masked_select(torch.tensor([True, False])).tolist() == [3.0]
    assert torch.tensor([7.0]).masked_select(torch.tensor([True, False, True])).tolist() == [7.0, 7.0]
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.masked_select(torch.tensor([[True, False, True], [False, False, True]]))
    y.sum().backward()
    assert y.tolist() == [1.0, 3.0, 3.0] and x.grad.tolist() == [1.0, 0.0, 2.0]
    assert type(y.grad_fn).__name__ == "MaskedSelectBackward0"


@pytest.mark.parametrize("mask", [torch.tensor([1, 0, 1]), torch.tensor([1, 0, 1], dtype=torch.uint8),
                                  torch.tensor([1.0, 0.0, 1.0])])
def test_masked_select_wants_a_bool_mask(mask):
    with raises(RuntimeError, "masked_select: expected BoolTensor for mask"):
        m().masked_select(mask)


def test_masked_select_wants_a_mask_tensor_that_broadcasts():
    with raises(RuntimeError, "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
                              "dimension 1"):
        m().masked_select(torch.tensor([True, False]))
    for mask, name in (([True, False, True], "list"), (np.array([True, False, True]), "numpy.ndarray"),
                       (True, "bool")):
        with raises(TypeError, f"masked_select(): argument 'mask' (position 1) must be Tensor, not {name}"):
            m().masked_select(mask)
    with raises(TypeError, "mm(): argument 'mat2' (position 1) must be Tensor, not numpy.ndarray"):
        torch.ones(2, 2).mm(np.ones((2, 2)))


# ---------------------------------------------------------------- assert_close across dtypes
F32, F64 = torch.float32, torch.float64


def test_different_dtypes_fail_unless_told_then_take_the_looser_tolerance():
    with raises(AssertionError, "The values for attribute 'dtype' do not match: torch.float32 != torch.float64."):
        torch.testing.assert_close(torch.tensor([1.0]), torch.tensor([1.0], dtype=F64))
    with raises(AssertionError, "The values for attribute 'dtype' do not match: torch.float32 != torch.float64."):
        torch.testing.assert_close(np.float32([1.0]), np.float64([1.0]))        # arrays compare as tensors
    close = [(torch.tensor([1.0]), torch.tensor([1.0 + 5e-6], dtype=F64)),        # float32's 1.3e-6 and 1e-5
             (torch.tensor([1.0 + 5e-6], dtype=F64), torch.tensor([1.0])),
             (torch.tensor([1.0], dtype=torch.float16), torch.tensor([1.0 + 5e-4])),   # float16's 1e-3
             (torch.tensor([1]), torch.tensor([1.0 + 5e-6])),
             (torch.tensor([1]), torch.tensor([1.0 + 5e-8], dtype=F64)),
             (np.float32([1.0]), np.float64([1.0 + 5e-6])), (torch.tensor([1]), torch.tensor([1], dtype=torch.int32)),
             (torch.tensor([1, 300], dtype=torch.int32), torch.tensor([1.0, 300.2], dtype=torch.float16))]
    for actual, expected in close:
        torch.testing.assert_close(actual, expected, check_dtype=False)


@pytest.mark.parametrize("actual, expected, report", [
    (torch.tensor([1.0]), torch.tensor([1.0 + 2e-5], dtype=F64),
     "Mismatched elements: 1 / 1 (100.0%)\nGreatest absolute difference: 1.999999999990898e-05 at index (0,) (up to "
     "1e-05 allowed)\nGreatest relative difference: 1.9999600007908822e-05 at index (0,) (up to 1.3e-06 allowed)"),
    (torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1], dtype=F64),
     "Mismatched elements: 1 / 2 (50.0%)\nGreatest absolute difference: 0.10000000000000009 at index (1,) (up to "
     "1e-05 allowed)\nGreatest relative difference: 0.04761904761904766 at index (1,) (up to 1.3e-06 allowed)"),
    (torch.tensor([1, 2]), torch.tensor([1.0, 2.5]),                           # compared in float32
     "Mismatched elements: 1 / 2 (50.0%)\nGreatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)\n"
     "Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)"),
    (torch.tensor([1]), torch.tensor([1.0 + 5e-6], dtype=F64),
     "Mismatched elements: 1 / 1 (100.0%)\nGreatest absolute difference: 5.000000000032756e-06 at index (0,) (up to "
     "1e-07 allowed)\nGreatest relative difference: 4.999975000157755e-06 at index (0,) (up to 1e-07 allowed)"),
])
def test_a_mixed_dtype_mismatch_reports_the_promoted_differences_and_tolerances(actual, expected, report):
    with raises(AssertionError, "Tensor-likes are not close!\n\n" + report):
        torch.testing.assert_close(actual, expected, check_dtype=False)


@pytest.mark.parametrize("actual, expected, report", [
    (torch.tensor([1, 2]), torch.tensor([1, 3]), "Tensor-likes are not equal!\n\nMismatched elements: 1 / 2 (50.0%)\n"
     "Greatest absolute difference: 1 at index (1,)\nGreatest relative difference: 0.3333333432674408 at index (1,)"),
    (torch.tensor(1.0), torch.tensor(1.1), "Scalars are not close!\n\nExpected 1.100000023841858 but got 1.0.\n"
     "Absolute difference: 0.10000002384185791 (up to 1e-05 allowed)\nRelative difference: 0.09090911061310529 (up "
     "to 1.3e-06 allowed)"),
    (torch.tensor(1), torch.tensor(2), "Scalars are not equal!\n\nExpected 2 but got 1.\nAbsolute difference: 1\n"
     "Relative difference: 0.5"),
    (torch.tensor([1.0, float("nan")]), torch.tensor([1.0, 2.0]), "Tensor-likes are not close!\n\nMismatched "
     "elements: 1 / 2 (50.0%)\nGreatest absolute difference: nan at index (1,) (up to 1e-05 allowed)\nGreatest "
     "relative difference: nan at index (1,) (up to 1.3e-06 allowed)"),
    (torch.tensor([1.0, 0.5]), torch.tensor([1.0, 0.0]), "Tensor-likes are not close!\n\nMismatched elements: 1 / 2 "
     "(50.0%)\nGreatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)\nGreatest relative difference: "
     "inf at index (1,) (up to 1.3e-06 allowed)"),
    (1, 1.0, "The (d)types do not match: <class 'int'> != <class 'float'>."),
    (True, False, "Booleans mismatch: True is not False"),
])
def test_integers_zero_d_tensors_and_numbers_report_as_pytorch_does(actual, expected, report):
    with raises(AssertionError, report):
        torch.testing.assert_close(actual, expected)


def test_numbers_of_two_types_compare_with_float64s_tolerance_when_told():
    torch.testing.assert_close(1, 1.0 + 5e-8, check_dtype=False)
    torch.testing.assert_close(np.float32(1.0), 1.0)                  # a numpy number is its Python number
    with raises(AssertionError, "Scalars are not close!\n\nExpected 1.000005 but got 1.\nAbsolute difference: "
                                "5.000000000032756e-06 (up to 1e-07 allowed)\nRelative difference: "
                                "4.999975000157755e-06 (up to 1e-07 allowed)"):
        torch.testing.assert_close(1, 1.0 + 5e-6, check_dtype=False)


@pytest.mark.parametrize("actual, expected", [(1.0, torch.tensor(1.0)), (torch.tensor([1.0]), [1.0]),
                                              (np.ones(2, dtype=np.float32), torch.ones(2))])
def test_a_tensor_a_number_an_array_and_a_list_do_not_compare_with_each_other(actual, expected):
    with pytest.raises(TypeError, match=rf"^No comparison pair was able to handle inputs of type "
                                        rf"{re.escape(str(type(actual)))} and {re.escape(str(type(expected)))}\.$"):
        torch.testing.assert_close(actual, expected)


# ---------------------------------------------------------------- numpy's axis= and keepdims=
def test_numpy_spellings_are_read_by_every_method_that_takes_dim():
    assert m().sum(axis=1, keepdims=True).tolist() == [[6.0], [8.5]]
    assert m().prod(axis=1).tolist() == [6.0, 8.0] and m().mean(axis=0).tolist() == [1.75, 2.5, 3.0]
    assert m().amin(axis=1).tolist() == [1.0, 0.5] and m().argmax(axis=1).tolist() == [0, 1]
    assert torch.sum(m(), axis=1).tolist() == [6.0, 8.5] and torch.cat([m(), m()], axis=1).shape == (2, 6)
    assert m().sum(axis=0, dtype=torch.float64).dtype == torch.float64
    assert m().argmax(keepdim=True).tolist() == [[4]] and m().argmin(keepdims=True).tolist() == [[3]]


DIM_FIRST = "sum mean prod amin amax max min argmax argmin sort argsort var std softmax log_softmax logsumexp all " \
            "any count_nonzero cumsum squeeze unsqueeze unbind size".split()
OTHERS = {"topk": {"k": 1}, "gather": {"index": torch.tensor([[0], [1]])}, "index_select": {"index": torch.tensor([0])},
          "narrow": {"start": 0, "length": 1}, "chunk": {"chunks": 1}}


@pytest.mark.parametrize("name", DIM_FIRST + list(OTHERS))
def test_a_name_given_twice_or_unknown_is_refused_alike_by_every_method(name):
    """PyTorch raises a TypeError in each case, worded so by its methods of one signature (argmax, amax, topk,
    cat); its overloaded ones (sum, max, sort, var) list their signatures instead, and a few complain first that
    dim is missing. Here one helper words them all alike."""
    method, extra = getattr(m(), name), OTHERS.get(name, {})
    with raises(TypeError, f"{name}() got an unexpected keyword argument 'axis'"):
        method(dim=0, axis=1, **extra)
    with raises(TypeError, f"{name}() got an unexpected keyword argument 'foo'"):
        method(foo=1, **extra)
    if name in DIM_FIRST:
        with raises(TypeError, f"{name}() got an unexpected keyword argument 'axis'"):
            method(0, axis=1)


@pytest.mark.parametrize("call, message", [
    (lambda: m().sum(1, True, keepdims=True), "sum() got an unexpected keyword argument 'keepdims'"),
    (lambda: m().sum(axis=1, keepdim=True, keepdims=False), "sum() got an unexpected keyword argument 'axis'"),
    (lambda: m().argmax(1, keepdim=True, keepdims=True), "argmax() got an unexpected keyword argument 'keepdims'"),
    (lambda: torch.cat([m(), m()], 0, axis=1), "cat() got an unexpected keyword argument 'axis'"),
    (lambda: torch.stack([m(), m()], dim=0, axis=1), "stack() got an unexpected keyword argument 'axis'"),
])
def test_pytorch_names_the_first_keyword_outside_the_signature(call, message):
    with raises(TypeError, message):
        call()


def test_out_of_place_clamp_takes_the_bounds_clamp_takes():
    x = torch.tensor([1.0, 5.0, 3.0], requires_grad=True)
    for bounds in ({"min": torch.zeros(3), "max": 1}, {"min": "a"}, {"min": [0.0, 0.0, 0.0]}):
        with pytest.raises(TypeError, match=r"clamp\(\) received an invalid combination of arguments"):
            x.clamp(**bounds)
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(3\) must match the size of tensor b \(2\)"):
        x.clamp(min=torch.zeros(2))
    y = x.clamp(min=torch.tensor([2.0, 6.0, 2.0]), max=torch.tensor([4.0, 4.0, 4.0]))   # max wins where min > max
    assert y.tolist() == [2.0, 4.0, 3.0] and type(y.grad_fn).__name__ == "ClampBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]                  # torch 2.14: tensor([0., 0., 1.])


def test_cumprod_median_and_repeat_interleave_read_numpys_axis():
    assert torch.tensor([[1.0, 2.0], [3.0, 4.0]]).cumprod(axis=1).tolist() == [[1.0, 2.0], [3.0, 12.0]]
    assert torch.tensor([3.0, 1.0, 2.0]).median(axis=0).values.item() == 2.0
    assert torch.tensor([1.0, 2.0]).repeat_interleave(2, axis=0).tolist() == [1.0, 1.0, 2.0, 2.0]
