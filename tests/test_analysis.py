"""analysis.py: per-step gradient norms and step-Jacobian products, against finite differences."""
import numpy as np
import pytest

import tinygrad_rnn as tr
from tinygrad_rnn.analysis import grad_norms, jacobian, jacobian_singular_values

H, T = 3, 5


def unroll(W, xs, h0):
    """h_t = tanh(W h_{t-1} + x_t) with Tensors; returns [h_0, ..., h_T] (all kept)."""
    hs = [h0]
    for x in xs:
        hs.append((W @ hs[-1] + tr.Tensor(x)).tanh())
    return hs


def numpy_chain(W, xs, h, start):
    for x in xs[start:]:
        h = np.tanh(W @ h + x)
    return h


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    return rng.standard_normal((H, H)), rng.standard_normal((T, H)), rng.standard_normal(H)


def test_jacobian_equals_finite_differences_and_the_product_of_step_jacobians(problem):
    W, xs, h0 = problem
    hs = unroll(tr.Tensor(W, requires_grad=True), xs, tr.Tensor(h0, requires_grad=True))
    k = 2
    J = jacobian(hs[T], hs[k])
    eps, hk = 1e-6, hs[k].data
    numeric = np.stack([(numpy_chain(W, xs, hk + eps * e, k) - numpy_chain(W, xs, hk - eps * e, k)) / (2 * eps)
                        for e in np.eye(H)], axis=1)
    np.testing.assert_allclose(J, numeric, atol=1e-8)
    product = np.eye(H)
    for j in range(k + 1, T + 1):
        product = np.diag(1 - hs[j].data ** 2) @ W @ product      # dh_j/dh_{j-1} = diag(1 - h_j^2) W
    np.testing.assert_allclose(J, product, atol=1e-12)
    np.testing.assert_allclose(jacobian_singular_values(hs[T], hs[k]), np.linalg.svd(product, compute_uv=False),
                               atol=1e-12)


def test_grad_norms_read_the_generic_backward_and_shrink_with_small_weights(problem):
    _, xs, h0 = problem
    W = tr.Tensor(0.2 * np.eye(H), requires_grad=True)
    hs = unroll(W, xs, tr.Tensor(h0, requires_grad=True))
    hs[T].sum().backward()
    norms = grad_norms(hs)
    assert norms[T] == pytest.approx(np.sqrt(H))
    assert all(norms[t] < norms[t + 1] for t in range(T))            # fades going back in time
    np.testing.assert_allclose(norms[0], np.linalg.norm(hs[0].grad))


def test_errors_name_the_argument():
    with pytest.raises(TypeError, match=r"states\[1\] must be a Tensor"):
        grad_norms([tr.Tensor(1.0), 2.0])
    with pytest.raises(ValueError, match="both Tensors must require grad"):
        jacobian(tr.Tensor([1.0]), tr.Tensor([1.0]))
    with pytest.raises(TypeError, match="later must be a Tensor"):
        jacobian(1.0, tr.Tensor([1.0]))
