"""tr.gradcheck itself: it passes correct gradients, catches a deliberately wrong backward (naming the
input and the worst element), restores its inputs, and rejects inputs it cannot check."""
import numpy as np
import pytest

import tinygrad_rnn as tr


def square_with_a_bug(x: tr.Tensor) -> tr.Tensor:
    """x ** 2 whose backward is right everywhere except at element (1, 2), which gets 5 too much."""
    a = x.data
    bump = np.zeros_like(a)
    bump[1, 2] = 5.0
    return x._child(a * a, (x,), lambda g: (2 * a * g + bump,), "buggy_square")


def test_passes_correct_gradients_of_several_inputs():
    rng = np.random.default_rng(0)
    a = tr.Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    b = tr.Tensor(rng.standard_normal(3), requires_grad=True)
    c = tr.Tensor(rng.standard_normal((3, 2)))            # no grad: used but not checked
    assert tr.gradcheck(lambda a, b, c: ((a * b).tanh() @ c).exp(), a, b, c) is True
    assert tr.gradcheck(lambda a, b, c: (a.sum(), "extra"), a, b, c)     # a tuple: its first item counts


def test_restores_the_inputs():
    x = tr.Tensor(np.linspace(0.5, 2.0, 6).reshape(2, 3), requires_grad=True)
    before = x.data.copy()
    tr.gradcheck(lambda x: x.log(), x)
    np.testing.assert_array_equal(x.data, before)
    scalar = tr.Tensor(0.5, requires_grad=True)
    tr.gradcheck(lambda s: s.exp(), scalar)
    assert scalar.shape == ()                              # a 0-d input stays 0-d


def test_catches_a_wrong_backward_and_names_the_input_and_worst_element():
    rng = np.random.default_rng(1)
    a = tr.Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    b = tr.Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    with pytest.raises(AssertionError, match=r"gradcheck: input 1 \(shape \(2, 3\)\) has 1 wrong gradient entries; "
                                             r"worst at index \(1, 2\): backward gives"):
        tr.gradcheck(lambda a, b: a * square_with_a_bug(b), a, b)


def test_checks_the_gradient_of_a_parameter_like_input_with_no_gradient_path():
    x = tr.Tensor(np.ones(3), requires_grad=True)
    y = tr.Tensor(np.ones(3), requires_grad=True)         # fn ignores y: its gradient is zero everywhere
    assert tr.gradcheck(lambda x, y: x * 2, x, y)


def test_rejects_inputs_it_cannot_check():
    with pytest.raises(TypeError, match="gradcheck: input 0 is float32; finite differences need float64"):
        tr.gradcheck(lambda x: x * 2, tr.Tensor(np.ones(2, dtype=np.float32), requires_grad=True))
    with pytest.raises(ValueError, match="gradcheck: no input has requires_grad=True, so there is nothing to check"):
        tr.gradcheck(lambda x: x * 2, tr.Tensor(np.ones(2)))
    with pytest.raises(TypeError, match="gradcheck: fn must return a Tensor, got float"):
        tr.gradcheck(lambda x: 2.0, tr.Tensor(np.ones(2), requires_grad=True))
