"""detect_anomaly: the first nan/inf in a forward value or a backward gradient raises, naming the op,
its scope and the line of user code that made it; outside the block nothing is checked."""
import math
import re

import numpy as np
import pytest

import tinygrad_rnn as tr

HERE = re.escape(__file__)


def test_forward_overflow_names_the_op_scope_and_this_file():
    x = tr.Tensor([1000.0], requires_grad=True)
    with pytest.raises(FloatingPointError, match=rf"forward of op 'exp' \(scope: layer0/t=3; created at {HERE}:\d+"):
        with tr.detect_anomaly(), tr.scope("layer0"), tr.scope("t=3"):
            x.exp()


def test_backward_infinity_names_the_op():
    x = tr.Tensor([0.0, 4.0], requires_grad=True)
    with tr.detect_anomaly():
        root = x ** 0.5                                   # fine forward: [0, 2]
        with pytest.raises(FloatingPointError, match=r"backward of op 'pow0.5' \(scope: no scope; created at .*"
                                                     r"produced nan or inf in the gradient of input 0"):
            with np.errstate(divide="ignore"):           # d sqrt(x)/dx = inf at 0
                root.sum().backward()


def test_an_overflowing_weight_gradient_of_linear_is_caught_although_it_is_left_as_a_product():
    x = tr.Tensor([[1e200]])                              # finite factors whose product g^T x is inf
    w = tr.Tensor([[1e200]], requires_grad=True)
    with tr.detect_anomaly():
        out = tr.nn.functional.linear(x, w * 1e-200)      # forward: 1e200, finite
        with pytest.raises(FloatingPointError, match=r"backward of op 'linear' .* gradient of input 1"):
            with np.errstate(over="ignore"):             # the product overflows: what is being caught
                out.backward(np.array([[1e200]]))


def test_nan_forward_in_a_value_graph():
    infinite = tr.Value(math.inf)                         # a leaf: only op results are checked
    with pytest.raises(FloatingPointError, match=r"forward of op '\*' .*test_anomaly.py.*produced nan or inf"):
        with tr.detect_anomaly():
            infinite * 0.0                                # inf * 0 = nan


def test_nothing_is_raised_outside_the_block_and_the_flag_is_restored():
    x = tr.Tensor([1000.0], requires_grad=True)
    with pytest.raises(FloatingPointError), tr.detect_anomaly():
        x.exp()
    big = x.exp()                                         # inf, silently, as numpy would give
    assert np.isinf(big.data).all()
    with tr.detect_anomaly():
        ok = (x * 0.001).exp().sum()
        ok.backward()
    np.testing.assert_allclose(x.grad, 0.001 * np.exp(1.0))
