"""The gradient demos, vanishing_gradients and exploding_gradients: each --quick run must prove its claim.

Oracles: exact powers of 1/2 (the notes' U = 1/2 example); BPTT through a vanilla RNN redone here in
plain numpy from the kept states, dL/dh_k = (dL/dh_{k+1} * g'(a_{k+1})) W_hh with g' read off h
(tanh' = 1 - h^2, sigmoid' = h (1 - h)); the step-Jacobian products dh_T/dh_k in numpy and the
Pascanu bound (gamma lambda_1)^(T-k); the identity matrix; a numpy forward pass of the exploding
demo's starting model.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_rnn as tr
from helpers import load_demo, run_quick

SMALL_TANH, BIG_TANH = "tanh RNN, lambda_1 = 0.5", "tanh RNN, lambda_1 = 2"
SMALL_SIGMOID, BIG_SIGMOID = "sigmoid RNN, lambda_1 = 2", "sigmoid RNN, lambda_1 = 8"
LSTM_INIT, LSTM_OPEN = "LSTM, PyTorch init", "LSTM, forget bias +3"
RNNS = {SMALL_TANH: ("tanh", 0.5), BIG_TANH: ("tanh", 2.0), SMALL_SIGMOID: ("sigmoid", 2.0),
        BIG_SIGMOID: ("sigmoid", 8.0)}
SLOPE = {"tanh": lambda h: 1 - h ** 2, "sigmoid": lambda h: h * (1 - h)}   # g'(a) written in terms of h = g(a)
GAMMA = {"tanh": 1.0, "sigmoid": 0.25}


@pytest.fixture(scope="module")
def vanishing():
    return load_demo("vanishing_gradients")


@pytest.fixture(scope="module")
def vg_run(vanishing, out):
    return run_quick(vanishing, out)


@pytest.fixture(scope="module")
def exploding():
    return load_demo("exploding_gradients")


@pytest.fixture(scope="module")
def eg_run(exploding, out):
    return run_quick(exploding, out)


def last_ratio(run, label):
    """||dL_T/dh_1|| / ||dL_T/dh_T||: what is left of the gradient after T - 1 steps back."""
    norms = run["nets"][label]["norms"]
    return norms[-1] / norms[0]


# ---------------------------------------------------------------- vanishing_gradients
def test_exponential_forgetting_matches_the_notes(vg_run):
    t = np.arange(11)
    np.testing.assert_array_equal(vg_run["forgetting"]["h"], 0.5 ** t)          # h_t = (1/2)^t, exactly
    np.testing.assert_array_equal(vg_run["forgetting"]["grad"], 0.5 ** (10 - t))  # dh_10/dh_t = (1/2)^(10-t)
    assert vg_run["forgetting"]["h"][-1] == 1 / 1024


def test_rnn_norms_equal_numpy_bptt(vg_run):
    u = vg_run["u"]
    for label, (g, _) in RNNS.items():
        net = vg_run["nets"][label]
        grad, expected = u, [1.0]
        for h_next in net["h"][:0:-1]:                       # h_T .. h_2: dL/dh_{k} from dL/dh_{k+1}
            grad = (grad * SLOPE[g](h_next)) @ net["W_hh"]
            expected.append(np.linalg.norm(grad))
        np.testing.assert_allclose(net["norms"], expected, rtol=1e-10)


def test_singular_values_equal_numpy_products_and_obey_the_bound(vg_run):
    T, lags = vg_run["T"], vg_run["lags"]
    for label, (g, top) in RNNS.items():
        net = vg_run["nets"][label]
        np.testing.assert_allclose(np.linalg.svd(net["W_hh"], compute_uv=False), top, rtol=1e-12)
        for lag, sigma in zip(lags, net["sigma_max"]):
            J = np.eye(len(vg_run["u"]))
            for row in range(T - lag, T):                    # h[row] = h_j for j = k+1..T, k = T - lag
                J = (SLOPE[g](net["h"][row])[:, None] * net["W_hh"]) @ J   # dh_j/dh_{j-1} = diag(g'(a_j)) W_hh
            assert sigma == pytest.approx(np.linalg.norm(J, 2), rel=1e-9)
            assert sigma <= (GAMMA[g] * top) ** lag * (1 + 1e-9)


def test_below_one_over_gamma_the_gradient_vanishes(vg_run):
    for label, (g, top) in ((SMALL_TANH, RNNS[SMALL_TANH]), (SMALL_SIGMOID, RNNS[SMALL_SIGMOID])):
        norms = vg_run["nets"][label]["norms"]
        assert GAMMA[g] * top < 1
        assert norms[0] == pytest.approx(1.0, abs=1e-12)    # dL_T/dh_T = u, a unit vector
        assert last_ratio(vg_run, label) < 1e-3              # quick run: 1.5e-7 (tanh), 1e-8 (sigmoid)
        assert np.all(norms <= (GAMMA[g] * top) ** np.arange(len(norms)) * (1 + 1e-9))


def test_above_one_over_gamma_it_fades_far_slower(vg_run):
    assert last_ratio(vg_run, BIG_TANH) > 0.1                              # quick run: 3.5
    assert last_ratio(vg_run, BIG_TANH) > 1e3 * last_ratio(vg_run, SMALL_TANH)
    assert last_ratio(vg_run, BIG_SIGMOID) > 1e2 * last_ratio(vg_run, SMALL_SIGMOID)   # quick: 3700x


def test_lstm_keeps_far_more_gradient_than_the_small_w_rnn(vg_run):
    nets = vg_run["nets"]
    assert last_ratio(vg_run, LSTM_OPEN) > 1e-2                            # quick run: 5.5e-2
    assert last_ratio(vg_run, LSTM_OPEN) > 1e4 * last_ratio(vg_run, SMALL_TANH)
    assert last_ratio(vg_run, LSTM_INIT) > 1e2 * last_ratio(vg_run, SMALL_TANH)      # quick: 650x
    assert 0.4 < nets[LSTM_INIT]["forget"] < 0.6 and nets[LSTM_OPEN]["forget"] > 0.9
    c_open, c_init = nets[LSTM_OPEN]["c_norms"], nets[LSTM_INIT]["c_norms"]
    assert c_open[-1] / c_open[0] > 1e3 * c_init[-1] / c_init[0]           # through the cell state


def test_identity_relationship_has_identity_jacobians(vg_run):
    assert vg_run["identity"]["error"] < 1e-12
    np.testing.assert_allclose(vg_run["identity"]["norms"], 1.0, atol=1e-12)
    assert len(vg_run["identity"]["norms"]) == vg_run["T"]


def test_vanishing_writes_its_pictures(vg_run, out):
    names = {path.name for path in out.iterdir()}
    for name in ("rnn", "lstm"):                            # .gv: the dot source, when dot is missing
        assert {f"vanishing_gradients_{name}.svg", f"vanishing_gradients_{name}.gv"} & names
    assert {"vanishing_gradients.png", "vanishing_gradients.txt"} & names


# ---------------------------------------------------------------- exploding_gradients
def test_exploded_criterion(exploding):
    assert not exploding.exploded([1.0, 2.0, 1e5])
    assert exploding.exploded([1.0, 2e6])
    assert exploding.exploded([1.0, math.inf]) and exploding.exploded([1.0, math.nan])


def test_first_loss_equals_a_numpy_forward(exploding, eg_run):
    rng = tr.manual_seed(0)
    x, y = exploding.batches(rng, 60, 50, 16)[0]             # as main(["--quick"]) draws them
    w = exploding.SumReader(16).state_dict()
    h = np.zeros((16, 16))
    for x_t in x:                                            # h_t = relu(W_ih x_t + W_hh h_{t-1}), zero biases
        h = np.maximum(x_t @ w["rnn.weight_ih_l0"].T + h @ w["rnn.weight_hh_l0"].T, 0.0)
    loss = np.mean((h @ w["head.weight"].T + w["head.bias"] - y) ** 2)
    for run in eg_run.values():                             # same start, same first batch
        assert run["first"] == pytest.approx(loss, rel=1e-12)
    np.testing.assert_array_equal(w["rnn.weight_hh_l0"], 1.05 * np.eye(16))


def test_without_clipping_the_loss_explodes(exploding, eg_run):
    run = eg_run["none"]
    losses = np.array(run["losses"])
    assert run["exploded"]
    assert not np.all(np.isfinite(losses)) or losses.max() > exploding.EXPLODED * losses[0]   # quick: 5e24 x
    assert run["max_norm"] > 1e6                                                          # quick: 1.8e27


@pytest.mark.parametrize("clipping", ["norm", "value"])
def test_with_clipping_the_loss_stays_finite_and_decreases(exploding, eg_run, clipping):
    run = eg_run[clipping]
    losses = np.array(run["losses"])
    assert not run["exploded"] and np.all(np.isfinite(losses)) and len(losses) == 60
    assert losses.max() < 10 * losses[0]
    assert run["final"] < losses[0] / 10                    # quick run: 0.073 (norm), 0.033 (value) from 4.0
    assert run["final"] < exploding.BASELINE / 2            # better than always answering 0 (1/3)
    assert run["max_norm"] > 10 * exploding.MAX_NORM        # the clipping had work to do


def test_exploding_writes_its_pictures(eg_run, out):
    for key in ("losses", "norms"):
        assert list(out.glob(f"exploding_gradients_{key}.*"))
