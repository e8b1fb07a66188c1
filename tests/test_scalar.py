"""Value: every op against `math` and central differences, Value against Tensor and against derivatives
written out by hand, and the error messages."""
import math

import numpy as np
import pytest
from hypothesis import given

import tinygrad_rnn as tr
from helpers import FAST, check_value_op, sample, seeds


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# name: (fn on Values, the same on floats with `math`, domain of each input)
VALUE_OPS = {
    "add": (lambda a, b: a + b, lambda a, b: a + b, ("any", "any")),
    "sub": (lambda a, b: a - b, lambda a, b: a - b, ("any", "any")),
    "mul": (lambda a, b: a * b, lambda a, b: a * b, ("any", "any")),
    "div": (lambda a, b: a / b, lambda a, b: a / b, ("any", "nonzero")),
    "neg": (lambda a: -a, lambda a: -a, ("any",)),
    "pow_int": (lambda a: a ** 3, lambda a: a ** 3, ("any",)),
    "pow_negative": (lambda a: a ** -2, lambda a: a ** -2, ("nonzero",)),
    "pow_half": (lambda a: a ** 0.5, math.sqrt, ("positive",)),
    "exp": (lambda a: a.exp(), math.exp, ("any",)),
    "log": (lambda a: a.log(), math.log, ("positive",)),
    "tanh": (lambda a: a.tanh(), math.tanh, ("any",)),
    "sigmoid": (lambda a: a.sigmoid(), _sigmoid, ("any",)),
    "relu": (lambda a: a.relu(), lambda a: max(a, 0.0), ("nonzero",)),
    "number_add": (lambda a: a + 2, lambda a: a + 2, ("any",)),
    "number_sub": (lambda a: a - 0.5, lambda a: a - 0.5, ("any",)),
    "number_mul": (lambda a: a * 3, lambda a: a * 3, ("any",)),
    "number_div": (lambda a: a / 4, lambda a: a / 4, ("any",)),
    "number_radd": (lambda a: 2 + a, lambda a: 2 + a, ("any",)),
    "number_rsub": (lambda a: 0.5 - a, lambda a: 0.5 - a, ("any",)),
    "number_rmul": (lambda a: 3 * a, lambda a: 3 * a, ("any",)),
    "number_rdiv": (lambda a: 2 / a, lambda a: 2 / a, ("nonzero",)),
    "composite": (lambda a, b: (a * b - a / (b * b + 1)).tanh() ** 2,
                  lambda a, b: math.tanh(a * b - a / (b * b + 1)) ** 2, ("any", "any")),
}


@pytest.mark.parametrize("name", VALUE_OPS)
@FAST
@given(seed=seeds)
def test_value_op(name, seed):
    fn, ref, domains = VALUE_OPS[name]
    check_value_op(fn, ref, [float(sample((), seed + i, d)) for i, d in enumerate(domains)])


def expression(x, y):
    """One expression written once for Values and Tensors (the same methods and operators)."""
    return x * y + x.exp() / y + x.tanh() - y.sigmoid() + (x ** 2).log() + (x - y).relu()


def hand_derivatives(x: float, y: float) -> tuple:
    """d expression / dx and / dy, derived by hand term by term."""
    s = _sigmoid(y)
    step = 1.0 if x > y else 0.0                              # d relu(x - y) / dx
    dx = y + math.exp(x) / y + (1 - math.tanh(x) ** 2) + 2 / x + step
    dy = x - math.exp(x) / y ** 2 - s * (1 - s) - step
    return dx, dy


@FAST
@given(seed=seeds)
def test_value_and_tensor_agree_with_each_other_and_with_hand_derivatives(seed):
    x, y = (float(sample((), seed + i, "nonzero")) for i in range(2))
    vx, vy = tr.Value(x), tr.Value(y)
    tx, ty = tr.Tensor(x, requires_grad=True), tr.Tensor(y, requires_grad=True)
    v_out, t_out = expression(vx, vy), expression(tx, ty)
    v_out.backward()
    t_out.backward()
    assert math.isclose(v_out.data, t_out.item(), rel_tol=1e-13, abs_tol=1e-13)
    assert math.isclose(vx.grad, tx.grad.item(), rel_tol=1e-13, abs_tol=1e-12)
    assert math.isclose(vy.grad, ty.grad.item(), rel_tol=1e-13, abs_tol=1e-12)
    dx, dy = hand_derivatives(x, y)
    # (abs_tol too: the terms may cancel to a small derivative, e.g. dx = 4e-4 from terms near 1, seed 111520)
    assert math.isclose(vx.grad, dx, rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(vy.grad, dy, rel_tol=1e-12, abs_tol=1e-12)


def test_python_numbers_are_lifted_to_constants():
    a = tr.Value(3.0)
    doubled = 2 * a
    out = doubled + 1 - a / 2
    assert out.data == 5.5
    out.backward()
    assert a.grad == 1.5
    two, same = doubled.parents
    assert same is a and two.data == 2.0 and not two.requires_grad and two.grad is None
    assert tr.Value(np.float64(2.0)).data == 2.0 and tr.Value(tr.Value(4)).data == 4.0


def test_value_is_a_plain_float_with_a_readable_repr():
    v = tr.Value(2, name="w") * 1.5
    assert float(v) == 3.0 and isinstance(v.data, float)
    assert repr(tr.Value(2.0, name="w")) == "Value(data=2, grad=None, name='w')"
    assert repr(v) == "Value(data=3, grad=None, op='*')"


def test_sigmoid_and_exp_stay_finite_for_large_inputs():
    assert tr.Value(-1000.0).sigmoid().data == 0.0 and tr.Value(1000.0).sigmoid().data == 1.0
    assert tr.Value(1000.0).exp().data == math.inf


def test_error_messages():
    with pytest.raises(TypeError, match=r"Value\(data\) expects a real number, got str"):
        tr.Value("1.0")
    with pytest.raises(TypeError, match=r"Value\(data\) expects a real number, got bool"):
        tr.Value(True)
    with pytest.raises(TypeError, match="Value op expects a Value or a real number, got list"):
        tr.Value(1.0) + [1.0]
    with pytest.raises(TypeError, match=r"Value \*\* k needs a number exponent k, got Value"):
        tr.Value(2.0) ** tr.Value(2.0)
    with pytest.raises(ValueError, match=r"Value \*\* k: a negative base -2.0 to the non-integer power 0.5"):
        tr.Value(-2.0) ** 0.5
    with pytest.raises(ValueError, match=r"Value.log\(\) of a negative number -1.0"):
        tr.Value(-1.0).log()
