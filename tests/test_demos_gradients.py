"""The gradient demos, vanishing_gradients and exploding_gradients: each --quick run must prove its claim.

Oracles: exact powers of 1/2 (the notes' U = 1/2 example); BPTT through a vanilla RNN redone here in
plain numpy from the kept states, dL/dh_k = (dL/dh_{k+1} * g'(a_{k+1})) W_hh with g' read off h
(tanh' = 1 - h^2, sigmoid' = h (1 - h)); the step-Jacobian products dh_T/dh_k in numpy and the
Pascanu bound (gamma lambda_1)^(T-k); the identity matrix; numpy forward passes of the exploding
demo's starting models, and its reach-back norms redone by the same numpy BPTT.
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
def numpy_forward(w: dict, x: np.ndarray, nonlinearity: str) -> np.ndarray:
    """The SumReader's output, recomputed in numpy from its state_dict: h_t = g(W_ih x_t + W_hh h_{t-1})."""
    g = np.tanh if nonlinearity == "tanh" else (lambda a: np.maximum(a, 0.0))
    h = np.zeros((x.shape[1], w["rnn.weight_hh_l0"].shape[0]))
    for x_t in x:                                            # zero biases
        h = g(x_t @ w["rnn.weight_ih_l0"].T + h @ w["rnn.weight_hh_l0"].T)
    return h @ w["head.weight"].T + w["head.bias"]


def test_exploded_criterion(exploding):
    assert not exploding.exploded([1.0, 2.0, 1e5])
    assert exploding.exploded([1.0, 2e6])
    assert exploding.exploded([1.0, math.inf]) and exploding.exploded([1.0, math.nan])


@pytest.mark.parametrize("nonlinearity, lambda_1, gain", [("tanh", 3.0, 1.0), ("tanh", 3.0, 100.0), ("relu", 3.0, 1.0),
                                                         ("tanh", 0.9, 1.0)])
def test_reach_back_equals_numpy_bptt_and_obeys_the_bound(exploding, nonlinearity, lambda_1, gain):
    net = exploding.unroll(4, nonlinearity, lambda_1, gain, 20, 6)
    np.testing.assert_allclose(np.linalg.svd(net["W_hh"], compute_uv=False), lambda_1, rtol=1e-12)
    slope = (1 - net["h"] ** 2) if nonlinearity == "tanh" else (net["h"] > 0).astype(float)
    grad, expected = net["u"], [1.0]
    for k in range(19, 0, -1):                               # dL/dh_(k-1) = (dL/dh_k * g'(a_k)) W_hh
        grad = (grad * slope[k]) @ net["W_hh"]
        expected.append(np.linalg.norm(grad))
    np.testing.assert_allclose(net["norms"], expected, rtol=1e-10)
    assert np.all(net["norms"] <= lambda_1 ** np.arange(20) * (1 + 1e-9))          # (gamma lambda_1)^k, gamma = 1
    assert net["slope"] == pytest.approx(slope.mean())


def test_above_the_bound_quiet_nets_explode_and_saturated_ones_do_not(exploding, eg_run):
    T, reach = eg_run["T"], eg_run["reach"]
    left = {label: values[:, T - 1] for label, values in reach.items()}     # one entry per seed
    assert len(eg_run["seeds"]) == 3 and all(v.shape == (3, T + 1) for v in reach.values())
    assert np.all(left["tanh, lambda_1 = 0.9"] < 1e-2)                        # quick: about 2e-4
    assert np.all(left["tanh, lambda_1 = 3"] > 1e3)                           # quick: at least 1e5
    assert np.all(left["ReLU, lambda_1 = 3"] > 1e6)                           # quick: at least 1e14
    assert np.all(left["tanh, lambda_1 = 3, inputs x100"] < 1)                # quick: at most 1e-9
    slope = {label: values[:, -1] for label, values in reach.items()}          # saturation is the reason
    assert np.all(slope["tanh, lambda_1 = 3, inputs x100"] < slope["tanh, lambda_1 = 3"])


def test_first_loss_equals_a_numpy_forward(exploding, eg_run):
    for name, (nonlinearity, lambda_1) in exploding.TRAINED.items():
        rng = tr.manual_seed(0)
        x, y = exploding.batches(rng, 60, 50, 16)[0]         # as clipping_runs(seed 0) draws them
        w = exploding.SumReader(16, nonlinearity, lambda_1, rng).state_dict()
        np.testing.assert_allclose(np.linalg.svd(w["rnn.weight_hh_l0"], compute_uv=False), lambda_1, rtol=1e-12)
        loss = np.mean((numpy_forward(w, x, nonlinearity) - y) ** 2)
        for run in eg_run["trained"][name].values():        # same start, same first batch
            assert run["losses"][0, 0] == pytest.approx(loss, rel=1e-12)


def test_relu_explodes_unclipped_and_clipping_cures_it(exploding, eg_run):
    runs = eg_run["trained"]["ReLU"]
    assert runs["none"]["exploded"].all() and np.all(runs["none"]["max_norm"] > 1e6)   # quick: 1e17 and up
    for clipping in ("norm", "value"):
        r = runs[clipping]
        assert not r["exploded"].any() and np.all(np.isfinite(r["losses"])) and r["losses"].shape == (3, 60)
        assert np.all(r["final"] < exploding.BASELINE / 2)   # quick: about 0.06, answering 0 scores 1/3
        assert np.all(r["max_norm"] > 10 * exploding.MAX_NORM)   # the clipping had work to do


def test_tanh_gradient_explodes_but_its_loss_stays_bounded(exploding, eg_run):
    for r in eg_run["trained"]["tanh"].values():
        assert np.all(r["max_norm"] > 1e3)                  # quick: 1e6 unclipped, 1e7 clipped
        assert not r["exploded"].any() and np.all(r["losses"] < 10)   # |h| <= 1 bounds the output


def test_exploding_prints_one_verdict_per_claim(eg_run):
    claims = eg_run["claims"]
    assert len(claims) == 5 and all(line.startswith("CLAIM '") and "over 3 seeds" in line for line in claims)
    assert all(line.endswith("-> holds") for line in claims[:4])
    assert "tanh RNN" in claims[4] and "-> does not hold" in claims[4]


def test_exploding_writes_its_pictures(eg_run, out):
    for name in ("reach", "losses"):
        assert list(out.glob(f"exploding_gradients_{name}.*"))
