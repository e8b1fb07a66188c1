"""torch.testing.assert_close against PyTorch 2.14's behaviour (messages printed there, pasted here)."""
import pytest

import tinygrad_rnn.torch as torch


def test_close_values_pass_with_the_dtypes_default_tolerances():
    torch.testing.assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-6]))      # float32: 1.3e-6
    torch.testing.assert_close(1.0, 1.0 + 1e-8)                                                # floats: 1e-7
    torch.testing.assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1]), rtol=0.1, atol=0)
    torch.testing.assert_close(torch.tensor([float("nan")]), torch.tensor([float("nan")]), equal_nan=True)


def test_a_mismatch_reports_pytorchs_summary():
    with pytest.raises(AssertionError) as err:
        torch.testing.assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1]))
    text = str(err.value)
    assert text.startswith("Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\n"
                           "Greatest absolute difference: 0.0999999046325683")        # PyTorch: ...6836
    assert "at index (1,) (up to 1e-05 allowed)" in text and "(up to 1.3e-06 allowed)" in text


def test_shape_and_dtype_must_match_unless_told():
    with pytest.raises(AssertionError, match=r"The values for attribute 'dtype' do not match: torch.float32 != "
                                             r"torch.float64\."):
        torch.testing.assert_close(torch.tensor([1.0]), torch.tensor([1.0], dtype=torch.float64))
    with pytest.raises(AssertionError, match=r"attribute 'shape' do not match: torch.Size\(\[2\]\) != "
                                             r"torch.Size\(\[1\]\)\."):
        torch.testing.assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0]))
    torch.testing.assert_close(torch.tensor([1.0]), torch.tensor([1.0], dtype=torch.float64), check_dtype=False)


def test_integers_compare_exactly_and_half_a_tolerance_pair_is_refused():
    with pytest.raises(AssertionError):
        torch.testing.assert_close(torch.tensor([1, 2]), torch.tensor([1, 3]))
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol' must be either specified or omitted"):
        torch.testing.assert_close(torch.ones(1), torch.ones(1), rtol=0.1)


def test_numbers_report_as_scalars_and_msg_replaces_the_report():
    with pytest.raises(AssertionError, match=r"^Scalars are not close!\n"):
        torch.testing.assert_close(1.0, 1.1)
    with pytest.raises(AssertionError, match=r"^the weights moved$"):
        torch.testing.assert_close(torch.tensor([1.0]), torch.tensor([2.0]), msg="the weights moved")
    with pytest.raises(AssertionError, match=r"^the weights moved$"):
        torch.testing.assert_close(torch.tensor([1.0]), torch.tensor([1.0, 2.0]), msg="the weights moved")
