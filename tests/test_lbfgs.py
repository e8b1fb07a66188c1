"""L-BFGS (optim/lbfgs.py) and its strong-Wolfe line search (optim/line_search.py) against real PyTorch.

The expected values were computed with torch 2.14.1 (CPU, float64) and are written out here, so no test
imports torch: each problem below was run with `torch.tensor` in place of `tr.Tensor`, the same closure
(zero_grad, loss, backward, return loss) and `torch.optim.LBFGS(params, history_size=2, **kw)`; the line
search cases called `torch.optim.lbfgs._strong_wolfe` on the same numpy functions.

Tolerances: a run of L-BFGS amplifies round-off (torch's `add_(alpha=)` is a fused multiply-add, its dot
products sum in another order). The cases are short enough that nudging torch's own starting point by
one ulp moves its results by less than 1e-12; ours agree with torch's to about 1e-13.
"""
import numpy as np
import pytest

import tinygrad_rnn as tr
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from tinygrad_rnn import optim
from tinygrad_rnn.nn.module import Parameter
from tinygrad_rnn.optim.line_search import Point, cubic_minimum, strong_wolfe

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-0.2, 0.8, 1.1], [0.9, -1.3, 0.4], [-1.1, 0.6, -0.5]])
Y = np.array([[1.0, -0.5], [0.2, 0.7], [-0.3, 1.2], [0.8, 0.1], [-0.6, -0.9]])
W0 = np.array([[0.1, -0.2, 0.3], [0.05, 0.4, -0.1]])
B0 = np.array([0.2, -0.3])


def rosenbrock():
    """Rosenbrock's valley from (-1.5, 2): one parameter of shape (2,)."""
    x = tr.Tensor([-1.5, 2.0], requires_grad=True)
    return [x], lambda: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def least_squares():
    """A linear least-squares fit: two parameters, W (2, 3) and b (2,)."""
    w, b = tr.Tensor(W0, requires_grad=True), tr.Tensor(B0, requires_grad=True)
    return [w, b], lambda: ((tr.Tensor(X) @ w.T + b - tr.Tensor(Y)) ** 2).mean()


def wells():
    """A sum of tilted double wells (non-convex), shape (3,)."""
    x = tr.Tensor([0.3, -2.0, 1.7], requires_grad=True)
    return [x], lambda: ((x * x - 1) ** 2 + 0.3 * (2 * x).tanh()).sum()


def closure_for(opt, f):
    """PyTorch's closure: zero_grad, forward, backward, return the loss."""
    def closure():
        opt.zero_grad()
        loss = f()
        loss.backward()
        return loss
    return closure


# (problem, LBFGS keywords (history_size=2 always), the loss step() returned at steps 1..3,
#  (func_evals, n_iter) after steps 1..3, the parameters after step 1, and after step 3)
EXPECTED = [
    (rosenbrock, {'lr': 0.1, 'max_iter': 5},
     [12.5, 5.869478288089642, 5.852678225766232], [(5, 5), (10, 10), (15, 15)],
     [[-1.4227005578923346, 2.024022574774288]],
     [[-0.8355937845586595, 0.5038793220279177]]),
    (rosenbrock, {'lr': 1, 'max_iter': 5, 'line_search_fn': 'strong_wolfe'},
     [12.5, 5.851899347985803, 3.8891949916316007], [(6, 4), (12, 9), (18, 12)],
     [[-1.4190153667423946, 2.01522942934847]],
     [[-0.6036219241637258, 0.3238455815645158]]),
    (rosenbrock, {'lr': 1, 'max_iter': 6, 'max_eval': 7, 'line_search_fn': 'strong_wolfe'},   # max_eval cuts it
     [12.5, 5.829797253463969, 3.2759669689002804], [(7, 5), (15, 10), (22, 15)],
     [[-1.4139481667544866, 1.9941001448374684]],
     [[-0.23534359665856222, 0.004275008108810638]]),
    # PyTorch's quirk: max_iter=1 leaves the search no evaluation to spare (max_eval 1), so it keeps t = 0
    (rosenbrock, {'lr': 1, 'max_iter': 1, 'line_search_fn': 'strong_wolfe'},
     [12.5, 12.5, 12.5], [(2, 1), (4, 2), (6, 3)],
     [[-1.5, 2.0]],
     [[-1.5, 2.0]]),
    (least_squares, {'lr': 0.5, 'max_iter': 4},
     [0.45379999999999987, 0.1214060936427364, 0.09800017733361573], [(4, 4), (8, 8), (12, 12)],
     [[[0.27257218791676535, -0.39965583768499724, 0.1829169531704919],
       [0.515012273273963, 0.531011426869861, 0.170950954820843]], [0.016213846730788607, -0.04433227011700953]],
     [[[0.26872976528420844, -0.44232057788341883, 0.1663341815142068],
       [0.7415279264010957, 0.8245388847188779, 0.32803777335284795]], [0.0043746975648824606, -0.1695322548030885]]),
    (least_squares, {'lr': 1, 'max_iter': 3, 'line_search_fn': 'strong_wolfe'},
     [0.45379999999999987, 0.14305424382497328, 0.10096484259201535], [(3, 2), (6, 4), (9, 6)],
     [[[0.25466729440383873, -0.36259907288173604, 0.19418578991184487],
       [0.45128879409001754, 0.40835176580289106, 0.16859802662598855]], [0.044366360332424026, -0.006307373686820661]],
     [[[0.26658961032325257, -0.44105370103363495, 0.1652693626476635],
       [0.7577067337404436, 0.8335647008516419, 0.34694399300158346]], [0.007718821522034914, -0.1747605617017854]]),
    (wells, {'lr': 30, 'max_iter': 5, 'line_search_fn': 'strong_wolfe'},
     [13.560848558557973, 5.039279399108603, 1.0829776188728644], [(7, 2), (14, 4), (21, 6)],
     [[0.4014979420604952, 1.6626670249427808, -0.2618309913845788]],
     [[1.0437506831500782, -1.1640702768490854, -0.8308667620543198]]),
    # stopped by tolerance_change: on max|t d| and on g.d here, on the loss change and g.d in the next one
    (rosenbrock, {'lr': 1, 'max_iter': 8, 'tolerance_change': 0.01, 'line_search_fn': 'strong_wolfe'},
     [12.5, 5.863573595921402, 5.863573595921402], [(4, 2), (5, 3), (6, 4)],
     [[-1.4200404011339869, 2.024868214861027]],
     [[-1.4200404011339869, 2.024868214861027]]),
    (least_squares, {'lr': 0.5, 'max_iter': 8, 'tolerance_change': 0.0001},
     [0.45379999999999987, 0.09800017733361573, 0.09791335278271543], [(8, 8), (10, 9), (11, 10)],
     [[[0.27268870586574784, -0.44263443201260366, 0.1648186335715701],
       [0.7301107760420571, 0.8132461245180356, 0.3145302297897486]], [0.0032990065272485982, -0.16544212946929485]],
     [[[0.2707417827300075, -0.44254486750226735, 0.16550889330207952],
       [0.7362822037218464, 0.8192358689659688, 0.3216657320396049]], [0.00382537719013439, -0.16758761405355735]]),
]


def flat(arrays) -> np.ndarray:
    return np.concatenate([np.ravel(a) for a in arrays])


@pytest.mark.parametrize("problem, kw, losses, counts, after_1, after_3", EXPECTED,
                         ids=[f"{case[0].__name__}-{'-'.join(map(str, case[1].values()))}" for case in EXPECTED])
def test_three_steps_match_pytorch(problem, kw, losses, counts, after_1, after_3):
    params, f = problem()
    opt = optim.LBFGS(params, history_size=2, **kw)
    closure = closure_for(opt, f)
    got_losses, got_counts, got_params = [], [], []
    for _ in range(3):
        got_losses.append(opt.step(closure).item())
        state = opt.state[params[0]]
        got_counts.append((state["func_evals"], state["n_iter"]))
        got_params.append(flat(p.data for p in params))
    assert got_counts == counts
    assert len(state["old_dirs"]) == len(state["old_stps"]) == len(state["ro"]) <= 2      # the history limit
    np.testing.assert_allclose(got_losses, losses, rtol=1e-12, atol=0)
    np.testing.assert_allclose(got_params[0], flat(after_1), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(got_params[2], flat(after_3), rtol=1e-12, atol=1e-13)


def test_the_history_keeps_the_newest_pairs_only():
    params, f = rosenbrock()
    opt = optim.LBFGS(params, history_size=2, max_iter=6, lr=0.1)
    seen = []
    original = optim.LBFGS._remember

    def spy(state, y, s, history_size):
        original(state, y, s, history_size)
        seen.append(s)
    opt._remember = spy
    opt.step(closure_for(opt, f))
    state = opt.state[params[0]]
    assert len(seen) == 5 and len(state["old_stps"]) == 2
    assert all(a is b for a, b in zip(state["old_stps"], seen[-2:]))
    assert [1 / r for r in state["ro"]] == pytest.approx([y.dot(s) for y, s in zip(state["old_dirs"], seen[-2:])])


# ---------------------------------------------------------------- the line search, alone
FUNCS = {   # phi(x) and phi'(x), searched from x0 along d = -sign(phi'(x0))
    "quad": (lambda x: (x - 3) ** 2, lambda x: 2 * (x - 3)),
    "quartic": (lambda x: x ** 4 - 3 * x ** 2 + x, lambda x: 4 * x ** 3 - 6 * x + 1),
    "tanh": (lambda x: -np.tanh(x - 2) + 0.01 * x * x, lambda x: -(1 - np.tanh(x - 2) ** 2) + 0.02 * x),
    "bump": (lambda x: -np.exp(-(x - 5) ** 2), lambda x: 2 * (x - 5) * np.exp(-(x - 5) ** 2)),
    "ridge": (lambda x: -0.5 * x + 0.02 * x * x + 1.3 * np.exp(-2 * (x - 2.8) ** 2),
              lambda x: -0.5 + 0.04 * x - 4 * (x - 2.8) * 1.3 * np.exp(-2 * (x - 2.8) ** 2)),
}


# (function, x0, first t, max_ls) -> torch's (t, loss, gradient, evaluations); the comment names the branch
@pytest.mark.parametrize("name, x0, t0, max_ls, expected", [
    ("tanh", -1.0, 0.01, 25, (5.0880788957897405, -0.8026258730415594, 0.022176181963772537, 14)),  # extrapolate
    ("quartic", 0.0, 0.01, 3, (1.4196129596249838, -3.404077885261728, -1.926111656068283, 4)),     # out of evals
    ("bump", -1.0, 1.0, 25, (6.000000000000004, -1.0, 8.881784197001252e-15, 11)),      # bracket below tolerance
    ("quad", 0.0, 100.0, 25, (3.0, 0.0, 0.0, 2)),                                        # zoom, insufficient
    ("quartic", -1.0, 10.0, 25, (0.30006563626704713, -3.51390075687376, 0.011062646898771789, 4)),  # high <- low
    ("quartic", 0.0, 0.3, 1, (0.0, 0.0, 1.0, 2)),                         # out of evals: back to t = 0
    ("ridge", 0.0, 0.3, 25, (11.868988353092835, -3.1170364860293502, -0.02524046587628659, 7)),  # over a ridge
])
def test_strong_wolfe_matches_pytorch(name, x0, t0, max_ls, expected):
    f, g = FUNCS[name]
    d = np.array([-np.sign(g(x0))])
    g0 = np.array([g(x0)])
    loss, grad, t, evals = strong_wolfe(lambda t: (float(f(x0 + t * d[0])), np.array([g(x0 + t * d[0])])),
                                        t0, d, Point(0, float(f(x0)), g0, g0.dot(d)), max_ls)
    np.testing.assert_allclose([t, loss, grad[0]], expected[:3], rtol=1e-12, atol=1e-14)
    assert evals == expected[3]


def test_cubic_minimum_of_a_cubic_is_its_minimiser():
    """phi(t) = t^3 - 3t has its minimum at t = 1; the interpolant through two of its points is phi itself."""
    a, b = Point(0.0, 0.0, None, -3.0), Point(2.0, 2.0, None, 9.0)
    assert cubic_minimum(a, b) == pytest.approx(1.0, abs=1e-15)
    assert cubic_minimum(b, a) == pytest.approx(1.0, abs=1e-15)
    assert cubic_minimum(a, b, bounds=(1.5, 4.0)) == 1.5                     # clamped to the bounds


def test_cubic_minimum_without_a_minimum_bisects():
    """phi(t) = 2t - 3t^2 + 2t^3 rises everywhere (phi' > 0): the midpoint of the bounds."""
    a, b = Point(0.0, 0.0, None, 2.0), Point(1.0, 1.0, None, 2.0)
    assert cubic_minimum(a, b) == 0.5
    assert cubic_minimum(a, b, bounds=(2.0, 5.0)) == 3.5


# ---------------------------------------------------------------- behaviour
def test_step_returns_the_first_closure_result_and_stops_at_a_minimum():
    x = tr.Tensor([1.0, 1.0], requires_grad=True)              # Rosenbrock's minimum: g = 0
    opt = optim.LBFGS([x])
    results = []

    def closure():
        opt.zero_grad()
        loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        loss.backward()
        results.append(loss)
        return loss
    assert opt.step(closure) is results[0]
    assert len(results) == 1 and opt.state[x] == {"func_evals": 1, "n_iter": 0}
    np.testing.assert_array_equal(x.data, [1.0, 1.0])


def test_a_parameter_without_gradient_stays_and_the_others_move():
    (x,), f = rosenbrock()
    unused = tr.Tensor(np.array([5.0, 6.0]), requires_grad=True)
    opt = optim.LBFGS([unused, x], lr=0.1, max_iter=5, history_size=2)
    opt.step(closure_for(opt, f))
    np.testing.assert_array_equal(unused.data, [5.0, 6.0])
    np.testing.assert_allclose(x.data, EXPECTED[0][4][0], rtol=1e-12)          # as without it
    assert opt.state[unused]["d"].shape == (4,)                            # the state sits on the first parameter


def test_the_first_loss_keeps_the_graph_of_the_starting_point():
    for kw in ({}, {"line_search_fn": "strong_wolfe"}):
        (x,), f = rosenbrock()
        opt = optim.LBFGS([x], max_iter=3, **kw)
        first = opt.step(closure_for(opt, f))
        assert not np.array_equal(x.data, [-1.5, 2.0])
        opt.zero_grad()
        first.backward()                                        # the gradient at (-1.5, 2.0), not at the new x
        np.testing.assert_allclose(x.grad, [2 * (-2.5) - 400 * (2.0 - 2.25) * -1.5, 200 * (2.0 - 2.25)])


def test_every_loss_the_closure_handed_out_keeps_its_graph():
    """The line search moves theta to trial points and back; a loss kept from any trial must still backpropagate
    through the values of its own trial (a step never writes into an array a recorded graph holds)."""
    (x,), f = wells()                                           # x * x keeps x's own array for backward
    opt = optim.LBFGS([x], lr=30, max_iter=5, line_search_fn="strong_wolfe")
    kept = []

    def closure():
        loss = closure_for(opt, f)()
        kept.append((x.grad.copy(), loss))
        return loss
    opt.step(closure)
    assert len(kept) == 7
    for grad, loss in kept:
        opt.zero_grad()
        loss.backward()
        np.testing.assert_array_equal(x.grad, grad)


def test_maximize_climbs_what_minimize_descends():
    (x,), f = wells()
    (y,), g = wells()
    low = optim.LBFGS([x], max_iter=5)
    high = optim.LBFGS([y], max_iter=5, maximize=True)
    assert low.step(closure_for(low, f)).item() == -high.step(closure_for(high, lambda: -g())).item()
    np.testing.assert_array_equal(x.data, y.data)


def test_float32_parameters_stay_float32_and_match_pytorch_in_float32():
    x = tr.Tensor(np.array([-1.5, 2.0], dtype=np.float32), requires_grad=True)
    opt = optim.LBFGS([x], max_iter=5, line_search_fn="strong_wolfe")
    closure = closure_for(opt, lambda: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2)
    trace = []
    for _ in range(3):
        opt.step(closure)
        trace.append(x.data.copy())
    assert x.data.dtype == np.float32 and opt.state[x]["d"].dtype == np.float32
    assert (opt.state[x]["func_evals"], opt.state[x]["n_iter"]) == (18, 13)
    torch_float32 = [[-1.4190157651901245, 2.015231132507324], [-1.2050601243972778, 1.3936278820037842],
                     [-0.7411852478981018, 0.5123565196990967]]
    np.testing.assert_allclose(trace, torch_float32, rtol=1e-5)


def test_a_scheduler_sets_the_lr_of_the_next_step():
    (x,), f = rosenbrock()
    opt = torch.optim.LBFGS([x], lr=1.0, max_iter=1)
    torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.25).step()
    assert opt.param_groups[0]["lr"] == 0.25
    opt.step(closure_for(opt, f))                               # one move: t = min(1, 1/|g|_1) * lr, d = -g
    grad = np.array([2 * (-2.5) - 400 * (2.0 - 2.25) * -1.5, 200 * (2.0 - 2.25)])
    np.testing.assert_allclose(x.data, [-1.5, 2.0] - 0.25 / np.abs(grad).sum() * grad, rtol=1e-15)


# ---------------------------------------------------------------- state_dict
@pytest.mark.parametrize("kw", [dict(lr=0.1, max_iter=4), dict(max_iter=4, line_search_fn="strong_wolfe")])
def test_a_loaded_optimizer_continues_exactly_like_the_original(kw):
    params, f = least_squares()
    opt = optim.LBFGS(params, history_size=2, **kw)
    opt.step(closure_for(opt, f))
    saved = opt.state_dict()
    assert set(saved["state"]) == {0}
    assert set(saved["state"][0]) == {"func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag",
                                      "prev_flat_grad", "prev_loss", "al"}
    assert saved["param_groups"] == [dict(lr=kw.get("lr", 1), max_iter=4, max_eval=5, tolerance_grad=1e-7,
                                          tolerance_change=1e-9, history_size=2,
                                          line_search_fn=kw.get("line_search_fn"), maximize=False, params=[0, 1])]
    copies, g = least_squares()
    for p, q in zip(params, copies):
        q.data = p.data.copy()
    fresh = optim.LBFGS(copies, lr=7.0, history_size=2, max_iter=4)
    fresh.load_state_dict(saved)
    saved["state"][0]["d"][:] = np.nan                          # both optimizers hold copies, not the dict's arrays
    saved["state"][0]["old_dirs"][0][:] = np.nan
    saved["state"][0]["ro"][0] = np.nan
    for _ in range(2):
        assert opt.step(closure_for(opt, f)).item() == fresh.step(closure_for(fresh, g)).item()
        np.testing.assert_array_equal(flat(p.data for p in params), flat(q.data for q in copies))
    assert opt.state[params[0]]["func_evals"] == fresh.state[copies[0]]["func_evals"]


def test_loading_refuses_vectors_of_another_model():
    params, f = least_squares()
    opt = optim.LBFGS(params, max_iter=2)
    opt.step(closure_for(opt, f))
    saved = opt.state_dict()
    saved["state"][0]["old_stps"] = [np.zeros(3)]
    other = optim.LBFGS(least_squares()[0])
    with pytest.raises(ValueError, match=r"LBFGS.load_state_dict: state 'old_stps' of parameter 0 has shape \(3,\), "
                                         r"but L-BFGS's vectors have one entry per parameter entry: expected \(8,\)"):
        other.load_state_dict(saved)
    assert not other.state                                      # nothing changed


# ---------------------------------------------------------------- errors
def test_step_needs_a_closure():
    opt = optim.LBFGS([Parameter(np.ones(2))])
    with pytest.raises(TypeError, match=r"LBFGS.step: L-BFGS evaluates the loss several times per step, so it needs "
                                        r"a closure \(zero_grad, forward, backward, return the loss\), got NoneType"):
        opt.step()
    with pytest.raises(TypeError, match="needs a closure .*, got float"):
        opt.step(1.0)


def test_one_parameter_group_only():
    a, b = Parameter(np.ones(2)), Parameter(np.ones(3))
    message = r"LBFGS doesn't support per-parameter options \(parameter groups\): expected one group, got a group " \
              r"number 2"
    with pytest.raises(ValueError, match=message):
        optim.LBFGS([{"params": [a]}, {"params": [b], "lr": 0.1}])
    opt = optim.LBFGS([{"params": [a], "lr": 0.5}])                 # one group, given as a dict: accepted
    assert opt.param_groups[0]["lr"] == 0.5
    with pytest.raises(ValueError, match=message):
        opt.add_param_group({"params": [b]})
    assert len(opt.param_groups) == 1


@pytest.mark.parametrize("kw, message", [
    (dict(lr=0), "LBFGS: lr must be a positive number, got 0"),
    (dict(lr=-1.0), "LBFGS: lr must be a positive number, got -1.0"),
    (dict(max_iter=0), "LBFGS: max_iter must be a positive integer, got 0"),
    (dict(max_iter=2.5), "LBFGS: max_iter must be a positive integer, got 2.5"),
    (dict(max_eval=0), "LBFGS: max_eval must be a positive integer, got 0"),
    (dict(history_size=0), "LBFGS: history_size must be a positive integer, got 0"),
    (dict(tolerance_grad=-1e-7), "LBFGS: tolerance_grad must be a number >= 0, got -1e-07"),
    (dict(tolerance_change=float("nan")), "LBFGS: tolerance_change must be a number >= 0, got nan"),
    (dict(line_search_fn="armijo"), "LBFGS: line_search_fn must be one of None, 'strong_wolfe', got 'armijo'"),
])
def test_bad_arguments(kw, message):
    with pytest.raises(ValueError, match=message):
        optim.LBFGS([Parameter(np.ones(2))], **kw)


def test_max_eval_defaults_to_five_quarters_of_max_iter():
    assert optim.LBFGS([Parameter(np.ones(2))]).defaults["max_eval"] == 25
    assert optim.LBFGS([Parameter(np.ones(2))], max_iter=7).defaults["max_eval"] == 8
    assert optim.LBFGS([Parameter(np.ones(2))], max_iter=7, max_eval=3).defaults["max_eval"] == 3


# ---------------------------------------------------------------- the pytorch/examples program's model
class Sequence(nn.Module):
    """pytorch/examples time_sequence_prediction/train.py's model, as published (BSD 3-Clause, its authors)."""

    def __init__(self):
        super(Sequence, self).__init__()
        self.lstm1 = nn.LSTMCell(1, 51)
        self.lstm2 = nn.LSTMCell(51, 51)
        self.linear = nn.Linear(51, 1)
        self.dummy_param = nn.Parameter(torch.empty(0))

    def forward(self, input, future = 0):  # noqa: E251 (as published)
        outputs = []
        device = self.dummy_param.device
        h_t = torch.zeros(input.size(0), 51, dtype=torch.double).to(device)
        c_t = torch.zeros(input.size(0), 51, dtype=torch.double).to(device)
        h_t2 = torch.zeros(input.size(0), 51, dtype=torch.double).to(device)
        c_t2 = torch.zeros(input.size(0), 51, dtype=torch.double).to(device)

        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for i in range(future):  # if we should predict the future
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        outputs = torch.cat(outputs, dim=1)
        return outputs


# The 40 losses the closure printed over two steps of optim.LBFGS(seq.parameters(), lr=0.8), in real torch
SEQUENCE_LOSSES = [
    0.4900100599800568, 0.47426775729243736, 0.36181655132432655, 0.3244565075831755, 0.24203793153855221,
    0.20266088564554574, 0.061246640279440115, 0.051114164113665046, 0.049446028552484464, 0.03901678278145293,
    0.0303733372122934, 0.0244846261600185, 0.020451341429516726, 0.016996060674665744, 0.012233174242521416,
    0.010330173552737392, 0.00958409648902317, 0.00788302485173027, 0.006529729380957868, 0.005696794946397418,
    0.00514181253460661, 0.004697204181558011, 0.00402170022176829, 0.0029220107670944145, 0.0019678710526378563,
    0.001366799564794631, 0.001086749367060987, 0.0010227448250851028, 0.0009664918382070186, 0.0008462393985342022,
    0.0007124022088462693, 0.0005450946924439057, 0.0004514752745479972, 0.00041573294952799305,
    0.0004004620325024048, 0.00038692098905260643, 0.00035234912338287614, 0.00030475312940175727,
    0.00024482135946884964, 0.00017127906922292282]
SEQUENCE_PREDICTION = [-0.9183222355898409, -0.9199619099910391, -0.9201388923079091, -0.9202058028505197,
                       -0.9201713300495861, -0.9200898792903797]


def test_two_steps_of_the_time_sequence_prediction_example_match_pytorch():
    """train.py's loop on 4 sine waves of 16 points (the program's generate_sine_wave.py, smaller), from weights
    set by a formula on both sides. Tolerance: 2e-11 relative, where nudging the weights by 1e-15 (relative) moves
    torch's own 40th loss by 6e-12; the first step's 20 losses agree to 1e-13."""
    x = np.arange(16) + np.array([-37, 12, 55, -70]).reshape(4, 1)
    data = torch.from_numpy(np.sin(x / 1.0 / 20).astype("float64"))
    input, target = data[:, :-1], data[:, 1:]
    seq = Sequence().double()
    with torch.no_grad():
        for k, (name, p) in enumerate(seq.named_parameters()):
            n = int(np.prod(p.shape))
            p.copy_(torch.from_numpy(0.14 * np.sin(0.7 * np.arange(n) + 1.1 * k + 0.3)).reshape(p.shape))
    criterion = nn.MSELoss()
    optimizer = torch.optim.LBFGS(seq.parameters(), lr=0.8)
    calls, returned = [], []
    for i in range(2):
        def closure():
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            calls.append(loss.item())
            loss.backward()
            return loss
        returned.append(optimizer.step(closure).item())
    with torch.no_grad():
        pred = seq(input[:1], future=5)
    state = optimizer.state[next(iter(seq.parameters()))]
    assert (state["func_evals"], state["n_iter"], len(state["old_dirs"])) == (40, 40, 39)
    np.testing.assert_allclose(calls[:20], SEQUENCE_LOSSES[:20], rtol=1e-13, atol=0)
    np.testing.assert_allclose(calls, SEQUENCE_LOSSES, rtol=2e-11, atol=0)
    assert returned == [calls[0], calls[20]]
    np.testing.assert_allclose(pred.numpy()[0, -6:], SEQUENCE_PREDICTION, rtol=1e-11)
