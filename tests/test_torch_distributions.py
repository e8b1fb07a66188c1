"""torch.distributions in the dialect: Categorical, OneHotCategorical, Bernoulli, Normal and kl_divergence, checked
against PyTorch 2.14. Values and gradients (float64) and every message were printed by PyTorch and are written out
here; samples come from the dialect's generator, so they are checked by their statistics, shapes and dtypes, not
by PyTorch's numbers."""
import re

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from tinygrad_rnn.torch.distributions import (Bernoulli, Categorical, Distribution, Normal, OneHotCategorical,
                                              constraints, kl_divergence)


def raises(error, message: str):
    """pytest.raises for exactly this message."""
    return pytest.raises(error, match="^" + re.escape(message) + "$")


def close(t, expected, tol=1e-11):
    return np.allclose(t.detach().numpy(), expected, rtol=tol, atol=tol)


# ---------------------------------------------------------------- values and gradients (float64, torch 2.14)
def test_categorical_log_prob_and_entropy_send_reinforce_gradients_to_the_logits(torch_float64):
    logits = torch.tensor([[1., 2., 3.], [0.5, 0., -1.]], requires_grad=True)
    dist = Categorical(logits=logits)
    log_prob, entropy = dist.log_prob(torch.tensor([2, 0])), dist.entropy()
    (-(log_prob * torch.tensor([1.5, -2.])).sum() + 0.1 * entropy.sum()).backward()
    assert close(log_prob, [-0.407605964444, -0.604130605337]) and close(entropy, [0.83239558184, 0.952807564013])
    assert close(logits.grad, [[0.149227569117, 0.381169742329, -0.530397311446],
                               [0.887844307656, -0.657981577759, -0.229862729896]])
    assert type(log_prob.grad_fn).__name__ == "SqueezeBackward1"
    assert close(dist.logits, [[-2.40760596444, -1.40760596444, -0.40760596444],
                               [-0.604130605337, -1.104130605337, -2.104130605337]], 1e-10)
    assert close(dist.log_prob(torch.tensor([[2], [1]])), [[-0.407605964444, -2.104130605337],   # (2, 1) values
                                                           [-1.407605964444, -1.104130605337]], 1e-10)


def test_categorical_from_probs_normalises_them_and_differentiates_through_the_normalisation(torch_float64):
    probs = torch.tensor([0.2, 0.3, 0.5], requires_grad=True)
    dist = Categorical(probs=probs)
    (dist.log_prob(torch.tensor(1)) + dist.entropy()).backward()
    assert close(probs.grad, [-0.42021510163, 2.507653123595, -1.336505833505])
    assert Categorical(probs=torch.tensor([1., 2., 3.])).probs.tolist() == [1 / 6, 2 / 6, 3 / 6]
    assert Categorical(logits=torch.tensor([0., float("-inf")])).entropy().item() == 0.0
    assert Categorical(probs=torch.tensor([0.25] * 4)).perplexity().item() == pytest.approx(4.0, rel=1e-15)


def test_bernoulli_log_prob_and_entropy_and_their_gradients(torch_float64):
    logits = torch.tensor([0.3, -1.2], requires_grad=True)
    dist = Bernoulli(logits=logits)
    log_prob, entropy = dist.log_prob(torch.tensor([1., 0.])), dist.entropy()
    (log_prob.sum() + entropy.sum()).backward()
    assert close(log_prob, [-0.554355244469, -0.263282467338]) and close(entropy, [0.682022489425, 0.541052727139])
    assert close(logits.grad, [0.352219989681, -0.018001887725])
    probs = torch.tensor([0.2, 0.9], requires_grad=True)
    dist = Bernoulli(probs=probs)
    (dist.log_prob(torch.tensor([1., 0.])).sum() + dist.entropy().sum()).backward()
    assert close(probs.grad, [6.38629436112, -12.197224577336], 1e-10)
    assert close(dist.mean, [0.2, 0.9]) and close(dist.variance, [0.16, 0.09]) and close(dist.stddev, [0.4, 0.3])
    assert dist.mode.tolist() == [0.0, 1.0] and np.isnan(Bernoulli(0.5).mode.item())


def test_normal_log_prob_entropy_cdf_and_their_gradients(torch_float64):
    loc, scale = torch.tensor([0., 1.], requires_grad=True), torch.tensor([1., 2.], requires_grad=True)
    dist = Normal(loc, scale)
    log_prob, entropy = dist.log_prob(torch.tensor([0.5, -1.])), dist.entropy()
    (log_prob.sum() + entropy.sum()).backward()
    assert close(log_prob, [-1.043938533205, -2.112085713765]) and close(entropy, [1.418938533205, 2.112085713765])
    assert close(loc.grad, [0.5, -0.5]) and close(scale.grad, [0.25, 0.5])
    assert close(dist.cdf(torch.tensor([0.5, -1.])), [0.691462461274, 0.158655253931])
    assert dist.mean is loc and dist.stddev is scale and dist.variance.tolist() == [1.0, 4.0]
    assert Normal(0., 1.).log_prob(torch.tensor(0.5)).item() == pytest.approx(-1.0439385332046727, rel=1e-15)


def test_normal_rsample_is_reparameterised_so_gradients_reach_loc_and_scale(torch_float64):
    loc, scale = torch.tensor([0., 1.], requires_grad=True), torch.tensor([1., 2.], requires_grad=True)
    torch.manual_seed(0)
    sample = Normal(loc, scale).rsample((3,))
    sample.sum().backward()
    eps = (sample.detach() - torch.tensor([0., 1.])) / torch.tensor([1., 2.])
    assert sample.shape == (3, 2) and sample.requires_grad
    assert loc.grad.tolist() == [3.0, 3.0] and close(scale.grad, eps.sum(0).numpy())
    assert not Normal(loc, scale).sample().requires_grad


def test_kl_divergences_and_their_gradients(torch_float64):
    loc, scale = torch.tensor([0., 1.], requires_grad=True), torch.tensor([1., 2.], requires_grad=True)
    kl = kl_divergence(Normal(loc, scale), Normal(torch.tensor([1., 0.]), torch.tensor([2., 0.5])))
    kl.sum().backward()
    assert close(kl, [0.44314718056, 8.11370563888]) and close(loc.grad, [-0.25, 4.0]) and close(scale.grad,
                                                                                                  [-0.75, 7.5])
    logits = torch.tensor([[1., 2., 3.], [0.5, 0., -1.]], requires_grad=True)
    kl = kl_divergence(Categorical(logits=logits), Categorical(probs=torch.tensor([0.2, 0.3, 0.5])))
    kl.sum().backward()
    assert close(kl, [0.068259352381, 0.410475917846])
    assert close(logits.grad, [[-0.078004955828, -0.066539838875, 0.144544794703],
                               [0.325104731322, -0.102974754874, -0.222129976448]])
    probs = torch.tensor([0.2, 0.9], requires_grad=True)
    kl = kl_divergence(Bernoulli(probs), Bernoulli(torch.tensor([0.6, 0.3])))
    kl.sum().backward()
    assert close(kl, [0.334795286714, 0.794160044896]) and close(probs.grad, [-1.791759469228, 3.044522437723])
    zero_one = kl_divergence(Bernoulli(torch.tensor([0.2, 0.0, 0.5, 1.0])), Bernoulli(torch.tensor([0.6, 0.3, 1., 1.])))
    assert close(zero_one, [0.3347952867143343, 0.3566749439387321, np.inf, 0.0], 1e-14)
    cats = kl_divergence(Categorical(probs=torch.tensor([[0.5, 0.5, 0.], [0.5, 0.5, 0.]])),
                         Categorical(probs=torch.tensor([[0.2, 0., 0.8], [0.2, 0.4, 0.4]])))
    assert close(cats, [np.inf, 0.5697171415941824], 1e-14)
    one_hot = kl_divergence(OneHotCategorical(torch.tensor([0.2, 0.8])), OneHotCategorical(torch.tensor([0.5, 0.5])))
    assert one_hot.item() == pytest.approx(0.19274475702175747, rel=1e-14)


def test_one_hot_categorical_wraps_a_categorical(torch_float64):
    dist = OneHotCategorical(logits=torch.tensor([[1., 2., 3.], [0.5, 0., -1.]]))
    assert dist.batch_shape == (2,) and dist.event_shape == (3,) and repr(dist) == "OneHotCategorical()"
    assert close(dist.variance, [[0.081925069065, 0.18483644651, 0.222695426535],
                                 [0.247833154545, 0.221607399662, 0.107079446809]])
    assert close(dist.log_prob(torch.tensor([[0., 0., 1.], [1., 0., 0.]])), [-0.407605964444, -0.604130605337])
    assert close(dist.entropy(), [0.83239558184, 0.952807564013]) and dist.mode.tolist() == [[0, 0, 1], [1, 0, 0]]


# ---------------------------------------------------------------- shapes, dtypes, repr (float32, as PyTorch's default)
def test_shapes_dtypes_and_reprs_are_pytorchs():
    cat = Categorical(probs=torch.tensor([1., 2., 3.]))
    assert cat.batch_shape == torch.Size([]) and cat.event_shape == torch.Size([]) and cat.param_shape == (3,)
    assert cat.sample().dtype == torch.int64 and cat.sample().shape == () and cat.sample((4, 2)).shape == (4, 2)
    assert repr(cat) == "Categorical(probs: torch.Size([3]))"
    cat.logits                                                       # computed on first use, then kept and shown
    assert repr(cat) == "Categorical(probs: torch.Size([3]), logits: torch.Size([3]))"
    batch = Categorical(logits=torch.tensor([[1., 2., 3.], [0.5, 0., -1.]]))
    assert batch.batch_shape == (2,) and batch.sample((5,)).shape == (5, 2) and batch.mode.tolist() == [2, 0]
    assert np.isnan(batch.mean.numpy()).all() and batch.variance.shape == (2,)
    assert batch.enumerate_support().tolist() == [[0, 0], [1, 1], [2, 2]]
    assert batch.enumerate_support(expand=False).shape == (3, 1)
    assert repr(Bernoulli(probs=0.3)) == "Bernoulli(probs: 0.30000001192092896)"
    assert repr(Bernoulli(logits=0.3)) == "Bernoulli(logits: 0.30000001192092896)"
    assert repr(Normal(0., 1.)) == "Normal(loc: 0.0, scale: 1.0)"
    assert repr(Normal(torch.zeros(2, 3), 1.)) == "Normal(loc: torch.Size([2, 3]), scale: torch.Size([2, 3]))"
    assert repr(Categorical(probs=torch.tensor([1.]))) == "Categorical(probs: tensor([1.]))"
    assert repr(Normal(torch.tensor([0.5]), torch.tensor([2.]))) == "Normal(loc: tensor([0.5000]), scale: tensor([2.]))"
    assert Bernoulli(0.3).sample().dtype == torch.float32 and Bernoulli(0.3).batch_shape == ()
    assert Bernoulli(torch.tensor([0.2, 0.9])).sample((3,)).shape == (3, 2)
    assert Normal(0., 1.).sample().dtype == torch.float32 and Normal(0, 1).loc.dtype == torch.float32
    assert Normal(torch.tensor([0.], dtype=torch.float64), 1.).sample().dtype == torch.float64
    assert OneHotCategorical(torch.tensor([0.2, 0.8])).sample((4,)).dtype == torch.float32
    assert repr(cat.support) == "IntegerInterval(lower_bound=0, upper_bound=2)"
    assert [repr(c) for c in (Bernoulli.support, Normal.support, OneHotCategorical.support)] == \
        ["Boolean()", "Real()", "OneHot()"]
    assert repr(Categorical.arg_constraints) == "{'probs': Simplex(), 'logits': IndependentConstraint(Real(), 1)}"
    assert repr(Normal.arg_constraints) == "{'loc': Real(), 'scale': GreaterThan(lower_bound=0.0)}"
    assert constraints.simplex.check(torch.tensor([[0.5, 0.5], [0.5, 0.6]])).tolist() == [True, False]


def test_expand_repeats_the_parameters_over_a_larger_batch():
    assert repr(Categorical(torch.tensor([0.2, 0.8])).expand((3,))) == "Categorical(probs: torch.Size([3, 2]))"
    assert Categorical(torch.tensor([0.2, 0.8])).expand((3,)).sample().shape == (3,)
    assert repr(Normal(0., 1.).expand((3, 2))) == "Normal(loc: torch.Size([3, 2]), scale: torch.Size([3, 2]))"
    assert repr(Bernoulli(torch.tensor([0.2, 0.8])).expand((3, 2))) == "Bernoulli(probs: torch.Size([3, 2]))"
    assert OneHotCategorical(torch.tensor([0.2, 0.8])).expand((4,)).sample().shape == (4, 2)
    with raises(RuntimeError, "The expanded size of the tensor (3) must match the existing size (2) at non-singleton "
                              "dimension 0.  Target sizes: [3].  Tensor sizes: [2]"):
        Bernoulli(torch.tensor([0.2, 0.8])).expand((3,))


# ---------------------------------------------------------------- samples: statistics with fixed seeds
def test_categorical_samples_follow_the_probabilities():
    torch.manual_seed(0)
    draws = Categorical(probs=torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]])).sample((20000,))
    assert draws.shape == (20000, 2) and draws.dtype == torch.int64
    first = np.bincount(draws[:, 0].numpy(), minlength=3) / 20000
    second = np.bincount(draws[:, 1].numpy(), minlength=3) / 20000
    assert np.allclose(first, [0.1, 0.2, 0.7], atol=0.015) and second[2] == 0 and abs(second[0] - 0.5) < 0.015
    torch.manual_seed(3)
    again = Categorical(logits=torch.tensor([0., 1., 2.])).sample((5,))
    torch.manual_seed(3)
    assert Categorical(logits=torch.tensor([0., 1., 2.])).sample((5,)).tolist() == again.tolist()


def test_bernoulli_and_normal_samples_have_their_moments():
    torch.manual_seed(1)
    ones = Bernoulli(torch.tensor([0.2, 0.9])).sample((20000,))
    assert set(np.unique(ones.numpy())) <= {0.0, 1.0} and np.allclose(ones.mean(0).numpy(), [0.2, 0.9], atol=0.015)
    draws = Normal(torch.tensor([1., -2.]), torch.tensor([0.5, 3.])).sample((20000,))
    assert np.allclose(draws.mean(0).numpy(), [1., -2.], atol=0.06)
    assert np.allclose(draws.std(0).numpy(), [0.5, 3.], rtol=0.03)
    hot = OneHotCategorical(torch.tensor([0.3, 0.7])).sample((20000,))
    assert (hot.sum(-1) == 1).all() and abs(hot[:, 1].mean().item() - 0.7) < 0.015


def test_char_rnn_sampling_and_a_reinforce_step_run_as_in_pytorch():
    """A char-RNN samples its next character from Categorical(logits=out); a policy gradient step raises the
    probability of a rewarded action."""
    torch.manual_seed(0)
    rnn, head = nn.GRU(4, 8, batch_first=True), nn.Linear(8, 4)
    x, h, chars = torch.zeros(1, 1, 4), None, []
    for _ in range(5):
        out, h = rnn(x, h)
        char = Categorical(logits=head(out[:, -1])).sample()
        assert char.shape == (1,) and char.dtype == torch.int64
        chars.append(char.item())
        x = torch.nn.functional.one_hot(char, 4).float().unsqueeze(0)
    assert all(isinstance(c, int) and 0 <= c < 4 for c in chars)
    policy = nn.Linear(3, 2)
    optimizer = torch.optim.SGD(policy.parameters(), lr=0.5)
    state, action = torch.ones(1, 3), torch.tensor([1])
    before = Categorical(logits=policy(state)).probs[0, 1].item()
    loss = -(Categorical(logits=policy(state)).log_prob(action) * 1.0).sum()
    loss.backward()
    optimizer.step()
    assert Categorical(logits=policy(state)).probs[0, 1].item() > before


# ---------------------------------------------------------------- validation and PyTorch's messages
@pytest.mark.parametrize("make, error, message", [
    (lambda: Categorical(probs=torch.tensor([0.5, -0.1, 0.6])), ValueError,
     "Expected parameter probs (Tensor of shape (3,)) of distribution Categorical(probs: torch.Size([3])) to satisfy "
     "the constraint Simplex(), but found invalid values:\ntensor([ 0.5000, -0.1000,  0.6000])"),
    (lambda: Categorical(probs=torch.tensor([[0.5, -0.1, 0.6], [0.2, 0.3, 0.5]])), ValueError,
     "Expected parameter probs (Tensor of shape (2, 3)) of distribution Categorical(probs: torch.Size([2, 3])) to "
     "satisfy the constraint Simplex(), but found invalid values:\ntensor([[ 0.5000, -0.1000,  0.6000],\n"
     "        [ 0.2000,  0.3000,  0.5000]])"),
    (lambda: Categorical(), ValueError, "Either `probs` or `logits` must be specified, but not both."),
    (lambda: Categorical(torch.ones(2), torch.ones(2)), ValueError,
     "Either `probs` or `logits` must be specified, but not both."),
    (lambda: Bernoulli(), ValueError, "Either `probs` or `logits` must be specified, but not both."),
    (lambda: Categorical(probs=torch.tensor(1.)), ValueError, "`probs` parameter must be at least one-dimensional."),
    (lambda: Categorical(logits=torch.tensor(1.)), ValueError, "`logits` parameter must be at least one-dimensional."),
    (lambda: Categorical(logits=torch.tensor([1., float("nan")])), ValueError,
     "Expected parameter logits (Tensor of shape (2,)) of distribution Categorical(logits: torch.Size([2])) to "
     "satisfy the constraint IndependentConstraint(Real(), 1), but found invalid values:\ntensor([nan, nan])"),
    (lambda: Categorical(probs=torch.tensor([0., 0.])), ValueError,
     "Expected parameter probs (Tensor of shape (2,)) of distribution Categorical(probs: torch.Size([2])) to "
     "satisfy the constraint Simplex(), but found invalid values:\ntensor([nan, nan])"),
    (lambda: Bernoulli(probs=torch.tensor([0.5, 1.5])), ValueError,
     "Expected parameter probs (Tensor of shape (2,)) of distribution Bernoulli(probs: torch.Size([2])) to satisfy "
     "the constraint Interval(lower_bound=0.0, upper_bound=1.0), but found invalid values:\ntensor([0.5000, 1.5000])"),
    (lambda: Bernoulli(probs=1.3), ValueError,
     "Expected parameter probs (Tensor of shape ()) of distribution Bernoulli(probs: 1.2999999523162842) to satisfy "
     "the constraint Interval(lower_bound=0.0, upper_bound=1.0), but found invalid values:\n1.2999999523162842"),
    (lambda: Normal(0., -1.), ValueError,
     "Expected parameter scale (Tensor of shape ()) of distribution Normal(loc: 0.0, scale: -1.0) to satisfy the "
     "constraint GreaterThan(lower_bound=0.0), but found invalid values:\n-1.0"),
    (lambda: Normal(torch.tensor([0., 1.]), torch.tensor([1., 0.])), ValueError,
     "Expected parameter scale (Tensor of shape (2,)) of distribution Normal(loc: torch.Size([2]), scale: "
     "torch.Size([2])) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\n"
     "tensor([1., 0.])"),
    (lambda: Normal(torch.tensor([0., float("nan")]), 1.), ValueError,
     "Expected parameter loc (Tensor of shape (2,)) of distribution Normal(loc: torch.Size([2]), scale: "
     "torch.Size([2])) to satisfy the constraint Real(), but found invalid values:\ntensor([0., nan])"),
    (lambda: Normal(torch.zeros(2), torch.ones(3)), RuntimeError,
     "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
    (lambda: Normal("a", 1.), ValueError,
     "Input arguments must all be instances of Number, torch.Tensor or objects implementing __torch_function__."),
])
def test_invalid_parameters_raise_pytorchs_errors(make, error, message):
    with raises(error, message):
        make()


@pytest.mark.parametrize("make, value, message", [
    (lambda: Categorical(probs=torch.tensor([1., 2., 3.])), torch.tensor(3),
     "Expected value argument (Tensor of shape ()) to be within the support (IntegerInterval(lower_bound=0, "
     "upper_bound=2)) of the distribution Categorical(probs: torch.Size([3])), but found invalid values:\n3"),
    (lambda: Categorical(probs=torch.tensor([1., 2., 3.])), torch.tensor([0.5, 1]),
     "Expected value argument (Tensor of shape (2,)) to be within the support (IntegerInterval(lower_bound=0, "
     "upper_bound=2)) of the distribution Categorical(probs: torch.Size([3])), but found invalid values:\n"
     "tensor([0.5000, 1.0000])"),
    (lambda: Categorical(probs=torch.tensor([1., 2., 3.])), 2, "The value argument to log_prob must be a Tensor"),
    (lambda: Categorical(probs=torch.tensor([[1., 2., 3.]] * 2)), torch.tensor([0, 1, 2]),
     "Value is not broadcastable with batch_shape+event_shape: torch.Size([3]) vs torch.Size([2])."),
    (lambda: Bernoulli(probs=torch.tensor([0.3, 0.6])), torch.tensor([0.5, 1.]),
     "Expected value argument (Tensor of shape (2,)) to be within the support (Boolean()) of the distribution "
     "Bernoulli(probs: torch.Size([2])), but found invalid values:\ntensor([0.5000, 1.0000])"),
    (lambda: Normal(0., 1.), torch.tensor(float("nan")),
     "Expected value argument (Tensor of shape ()) to be within the support (Real()) of the distribution "
     "Normal(loc: 0.0, scale: 1.0), but found invalid values:\nnan"),
    (lambda: OneHotCategorical(probs=torch.tensor([0.2, 0.8])), torch.tensor([1., 1.]),
     "Expected value argument (Tensor of shape (2,)) to be within the support (OneHot()) of the distribution "
     "OneHotCategorical(), but found invalid values:\ntensor([1., 1.])"),
    (lambda: OneHotCategorical(probs=torch.tensor([0.2, 0.8])), torch.tensor(1.),
     "The right-most size of value must match event_shape: torch.Size([]) vs torch.Size([2])."),
])
def test_log_prob_outside_the_support_raises_pytorchs_errors(make, value, message):
    with raises(ValueError, message):
        make().log_prob(value)


def test_a_categorical_log_prob_broadcasts_a_column_of_values():
    lp = Categorical(probs=torch.tensor([[1., 2., 3.]] * 2)).log_prob(torch.tensor([[0], [1], [2]]))
    assert np.allclose(lp.numpy(), [[-1.7918, -1.7918], [-1.0986, -1.0986], [-0.6931, -0.6931]], atol=1e-4)


def test_validation_can_be_turned_off_per_distribution_and_by_default():
    assert Categorical(probs=torch.tensor([1., 2., 3.]), validate_args=False).log_prob(torch.tensor(1.7)).item() == \
        pytest.approx(-1.0986123085, rel=1e-6)                   # value.long() is 1, as in PyTorch
    Distribution.set_default_validate_args(False)
    try:
        assert Normal(0., -1.).scale.item() == -1.0
    finally:
        Distribution.set_default_validate_args(True)
    with raises(ValueError, "set_default_validate_args(value) expects True or False, got 'yes'"):
        Distribution.set_default_validate_args("yes")            # PyTorch raises a ValueError with no message


def test_rsample_and_kl_divergence_refuse_what_pytorch_refuses():
    with raises(NotImplementedError, "Categorical has no rsample(): its samples are not a differentiable function of "
                                     "its parameters; use sample() and log_prob() (REINFORCE) instead"):
        Categorical(torch.tensor([0.2, 0.8])).rsample()          # PyTorch: NotImplementedError with no message
    with raises(NotImplementedError, "No KL(p || q) is implemented for p type Normal and q type Categorical"):
        kl_divergence(Normal(0., 1.), Categorical(probs=torch.tensor([0.2, 0.8])))
