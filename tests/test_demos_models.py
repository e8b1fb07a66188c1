"""The model-comparison demos (parity, lstm_vs_gru, stacked_rnn): each --quick run must prove its claim.

Oracles: parity, iterated-parity and recall targets recounted bit by bit here, hand-written perfect
and constant models for the accuracy-by-length evaluator, parameter counts from the gate-block
formula G * H * (I + H + 2), a saturated keep gate compared with the cell it turns into, hand-made
accuracy tables for the verdict rules, and central differences for the per-layer gradient norms of
the deep stack.
"""
from __future__ import annotations

import shutil

import numpy as np
import pytest

import tinygrad_rnn as tr
from helpers import load_demo, run_quick


@pytest.fixture(scope="module")
def parity():
    return load_demo("parity")


@pytest.fixture(scope="module")
def lvg():
    return load_demo("lstm_vs_gru")


@pytest.fixture(scope="module")
def stacked():
    return load_demo("stacked_rnn")


@pytest.fixture(scope="module")
def parity_run(parity, out):
    return run_quick(parity, out)


@pytest.fixture(scope="module")
def lvg_run(lvg, out):
    return run_quick(lvg, out)


@pytest.fixture(scope="module")
def stacked_run(stacked, out):
    return run_quick(stacked, out)


def block_count(gates: int, inputs: int, hidden: int) -> int:
    """Parameters of one recurrent layer: G gate blocks of W_ih (H, I), W_hh (H, H), b_ih, b_hh (H,)."""
    return gates * hidden * (inputs + hidden + 2)


# ---------------------------------------------------------------- parity
@pytest.mark.parametrize("target", ["step", "final"])
def test_parity_batch_targets(parity, target):
    x, y, lengths = parity.parity_batch(np.random.default_rng(3), 20, 2, 7, target)
    assert x.shape[:2] == y.shape == (lengths.max(), 20) and x.shape[2] == 2
    assert lengths.min() >= 2 and lengths.max() <= 7
    for b, L in enumerate(lengths):
        bits = "".join(str(int(v)) for v in x[:L, b, 1])
        assert np.all(x[:, b].sum(axis=1) == 1)                      # one-hot, padding included
        for t in range(x.shape[0]):
            supervised = t < L if target == "step" else t == L - 1
            answer = parity.YES if bits[:t + 1].count("1") % 2 == 0 else parity.NO
            assert y[t, b] == (answer if supervised else parity.IGNORE)


def test_parity_batch_rejects_an_unknown_target(parity):
    with pytest.raises(ValueError, match="parity_batch: target must be 'step' or 'final', got 'last'"):
        parity.parity_batch(np.random.default_rng(0), 2, 1, 3, "last")


def test_accuracy_by_length_scores_each_prefix(parity):
    def perfect(x, lengths):                                         # the exact running parity
        even = np.cumsum(x.data[..., 1], axis=0) % 2 == 0
        return tr.Tensor(np.stack([~even, even], axis=-1).astype(float))

    def always_yes(x, lengths):
        return tr.Tensor(np.broadcast_to([0.0, 1.0], x.shape[:2] + (2,)))

    np.testing.assert_array_equal(parity.accuracy_by_length(perfect, np.random.default_rng(1), 12, 50), 1.0)
    yes = parity.accuracy_by_length(always_yes, np.random.default_rng(1), 12, 4000)
    assert yes.shape == (12,) and yes[0] == pytest.approx(0.5, abs=0.03)   # one bit: even half the time
    assert np.all(np.abs(yes - 0.5) < 0.04)


def test_learned_at(parity):
    losses = [1.0] * 30 + [0.0] * 30
    assert parity.learned_at(losses) == 49                           # losses[29:49] hold a single 1: mean 0.05
    assert parity.learned_at(losses, threshold=0.5) == 41            # losses[21:41]: 9 ones, mean 0.45
    assert parity.learned_at([1.0] * 60) is None


def test_parity_quick_run_learns(parity_run, out):
    step = parity_run["step"]
    assert parity_run["train_len"] == 10 and parity_run["test_len"] == 50 and parity_run["seeds"] == [0]
    for kind in ("LSTM", "GRU"):                                     # chance is 0.5
        accuracy, run = step["accuracy"][kind], step["runs"][kind][0]
        assert accuracy.shape == (50,)
        assert accuracy[:10].mean() >= 0.9, f"{kind} per-step accuracy on training lengths"
        assert run["learned_at"] is not None and run["learned_at"] <= 100
    rnn = step["runs"]["RNN"][0]["learned_at"]                       # the vanilla RNN is slower
    assert rnn is None or rnn > max(step["runs"][k][0]["learned_at"] for k in ("LSTM", "GRU"))
    assert list(out.glob("parity_step.*"))


# ---------------------------------------------------------------- lstm_vs_gru
def test_recall_batch(lvg):
    x, y, lengths = lvg.recall_batch(np.random.default_rng(2), 30, 6, 4)
    codes = x.argmax(axis=-1)                                        # (T, B)
    assert x.shape == (8, 30, 5) and lengths is None
    np.testing.assert_array_equal(x.sum(axis=-1), 1.0)
    np.testing.assert_array_equal(y[-1], codes[0])                   # the answer is the first symbol
    assert np.all(y[:-1] == lvg.IGNORE) and np.all(codes[-1] == 4) and np.all(codes[:-1] < 4)


def test_parameter_counts(lvg):
    gates = {"RNN": 1, "LSTM": 4, "LSTM coupled": 3, "LSTM no_forget": 3, "GRU": 3, "GRU reset_after=False": 3}
    readout = 16 * 4 + 4
    for name in lvg.CELLS:
        for fused in (False, True):
            model = lvg.build(name, 5, 16, 4, 0.0, fused=fused)
            expected = block_count(gates.get(name, 4), 5, 16) + readout + (3 * 16 if name == "LSTM peephole" else 0)
            assert tr.nn.count_parameters(model) == expected, name


def test_build_fuses_only_the_fusable_cells(lvg):
    for name in lvg.CELLS:
        assert lvg.build(name, 5, 4, 4, fused=True).layer.fused == (name in ("RNN", "LSTM", "GRU")), name
        assert not lvg.build(name, 5, 4, 4).layer.fused


def test_ahead_needs_every_seed(lvg):
    a = np.array([0.9, 0.8, 0.95])
    assert lvg.ahead(a, a - 0.1, 0.05) == "first" and lvg.ahead(a - 0.1, a, 0.05) == "second"
    assert lvg.ahead(a, np.array([0.5, 0.85, 0.5]), 0.05) is None          # behind on one seed: no winner
    assert lvg.ahead(a, a - 0.04, 0.05) is None                            # ahead, but within the margin


@pytest.mark.parametrize("name, gate, block", [("LSTM", "f", 1), ("LSTM peephole", "f", 1),
                                              ("LSTM coupled", "f", 0), ("GRU", "z", 1),
                                              ("GRU reset_after=False", "z", 1)])
def test_open_keep_gate_moves_the_keep_gate_bias(lvg, name, gate, block):
    layer = lvg.CELLS[name](3, 4, num_layers=2, bidirectional=True)
    before = layer.state_dict()
    assert lvg.open_keep_gate(layer, 2.5) == gate
    after = layer.state_dict()
    assert sum(key.startswith("bias_ih_l") for key in after) == 4    # 2 layers x 2 directions
    for key, value in after.items():
        shift = value - before[key]
        if key.startswith("bias_ih_l"):
            np.testing.assert_allclose(shift[block * 4:(block + 1) * 4], 2.5)
            assert np.count_nonzero(shift) == 4, key
        else:
            assert not shift.any(), key


@pytest.mark.parametrize("name", ["LSTM coupled", "GRU", "GRU reset_after=False"])
def test_a_saturated_keep_gate_keeps_the_zero_state(lvg, name):
    layer = lvg.CELLS[name](3, 4)
    lvg.open_keep_gate(layer, 50.0)                                  # keep = 1 - 2e-22: the state stays 0
    output, _ = layer(tr.Tensor(np.random.default_rng(0).normal(size=(5, 2, 3))))
    np.testing.assert_allclose(output.data, 0.0, atol=1e-15)


def test_a_saturated_forget_gate_is_the_no_forget_lstm(lvg):
    x = tr.Tensor(np.random.default_rng(0).normal(size=(5, 2, 3)))
    layer, plain = tr.nn.LSTM(3, 4), tr.nn.LSTM(3, 4, variant="no_forget")
    lvg.open_keep_gate(layer, 50.0)                                  # f = 1: c_t = c_{t-1} + i * g
    rows = np.r_[0:4, 8:16]                                          # i, g, o of (i, f, g, o)
    for key in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
        getattr(plain, key).data[...] = getattr(layer, key).data[rows]
    np.testing.assert_allclose(layer(x)[0].data, plain(x)[0].data, atol=1e-15)


@pytest.mark.parametrize("name", ["RNN", "LSTM no_forget"])
def test_open_keep_gate_without_such_a_gate(lvg, name):
    layer = lvg.CELLS[name](3, 4)
    before = layer.state_dict()
    assert lvg.open_keep_gate(layer, 2.0) is None
    for key, value in layer.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_speed_claim_holds_only_where_the_gru_is_faster_on_every_repeat(lvg):
    lstm = np.array([10.0, 11.0, 12.0])
    fast, mixed = {"LSTM": lstm, "GRU": 0.8 * lstm}, {"LSTM": lstm, "GRU": np.array([9.0, 12.0, 11.0])}
    assert lvg.speed_claim({(16, True): fast, (128, True): fast}, 3).endswith("-> holds")
    assert lvg.speed_claim({(16, False): mixed}, 3).endswith("-> does not hold")
    line = lvg.speed_claim({(16, False): mixed, (128, True): fast}, 3)
    assert "GRU/LSTM time 0.80 ± 0.00" in line and "-> holds only for H = 128 fused:" in line


@pytest.mark.parametrize("task", ["recall", "parity"])
def test_a_run_is_fixed_by_its_seed(lvg, task):
    first, again, other = (lvg.run("GRU", task, seed, 10, 2.0) for seed in (7, 7, 8))
    np.testing.assert_array_equal(first["curve"], again["curve"])
    assert first["accuracy"] == again["accuracy"] and first["curve"].shape == (1,)
    assert not np.array_equal(first["curve"], other["curve"])


def test_lstm_vs_gru_quick_run(lvg_run, out):
    recall, chance, seeds = lvg_run["results"]["recall"], lvg_run["chance"], lvg_run["seeds"]
    assert chance == 0.25 and seeds == [0, 1, 2] and set(lvg_run["results"]) == {"recall"}
    gru, lstm = recall["GRU"]["accuracy"], recall["LSTM"]["accuracy"]
    assert np.all(gru >= 0.9)                                        # quick: 1.0 on every seed
    assert np.all(gru >= lstm + 0.3)                                 # quick: LSTM 0.32 .. 0.48; held on seeds 0..4
    assert recall["GRU"]["curves"].shape == (3, 20)                  # 200 steps, means of 10
    params = lvg_run["parameters"]
    assert params["RNN"] == block_count(1, 5, 16) + 68 and params["GRU"] == block_count(3, 5, 16) + 68
    assert params["LSTM"] == block_count(4, 5, 16) + 68
    for t in lvg_run["timing"].values():
        assert all(np.all(ms > 0) and ms.shape == (3,) for ms in t.values())
    assert list(out.glob("lstm_vs_gru.*"))


def test_lstm_vs_gru_prints_one_verdict_per_claim(lvg_run):
    claims = lvg_run["claims"]
    assert len(claims) == 4 and all(line.startswith("CLAIM '") and "over 3 seeds" in line for line in claims)
    assert claims[0].startswith("CLAIM 'GRU has fewer parameters'") and claims[0].endswith("-> holds")
    assert "GRU ahead on every seed" in claims[2] and claims[2].endswith("-> does not hold")
    assert claims[3].endswith("-> does not hold")                   # on recall the LSTM is behind


# ---------------------------------------------------------------- stacked_rnn
def test_deep_stack_wiring(stacked):
    x = tr.Tensor(np.random.default_rng(0).normal(size=(4, 2, 2)))
    for residual in (False, True):
        model = stacked.DeepStack(tr.nn.GRU, 2, 3, 2, 3, residual)
        h = model.embed(x)
        for layer in model.layers:
            h = h + layer(h)[0] if residual else layer(h)[0]
        np.testing.assert_allclose(model(x).data, model.head(h).data, atol=1e-15)
        assert len(model.layer_outputs) == 3


def test_layer_gradient_norms_match_central_differences(stacked, parity):
    tr.manual_seed(0)
    model = stacked.DeepStack(tr.nn.RNN, 2, 3, 2, 2, residual=True)
    x, y, _ = parity.parity_batch(np.random.default_rng(1), 2, 3, 3)
    norms, outputs = stacked.layer_gradient_norms(model, x, y)

    def loss() -> float:
        return parity.sequence_loss(model(tr.Tensor(x)), y).item()

    for k, layer in enumerate(model.layers):
        squares = 0.0
        for p in layer.parameters():
            for i in range(p.size):
                keep = p.data.flat[i]
                p.data.flat[i] = keep + 1e-6
                up = loss()
                p.data.flat[i] = keep - 1e-6
                down = loss()
                p.data.flat[i] = keep
                squares += ((up - down) / 2e-6) ** 2
        assert norms[k] == pytest.approx(np.sqrt(squares), rel=1e-6)
    assert outputs.shape == (2,) and np.all(outputs > 0)
    assert all(p.grad is None for p in model.parameters())           # left clean for training


@pytest.mark.parametrize("order", [1, 2, 3])
def test_iterated_parity_batch_recounts_bit_by_bit(stacked, order):
    x, y, lengths = stacked.iterated_parity_batch(np.random.default_rng(order), 12, 2, 7, order)
    assert x.shape[:2] == y.shape == (lengths.max(), 12)
    for b, L in enumerate(lengths):
        level = [int(v) for v in x[:L, b, 1]]
        for _ in range(order):                                       # one running parity per level
            level = [sum(level[:t + 1]) % 2 for t in range(L)]
        assert list(y[:L, b]) == level and np.all(y[L:, b] == stacked.IGNORE)


def test_depth_claim_needs_a_deeper_stack_ahead_on_every_seed(stacked):
    def runs(accuracy):                                              # (seeds, depths) -> depth_run rows
        return np.stack([np.asarray(accuracy, float)] + [np.zeros((2, 4))] * 3, axis=-1)
    flat = runs([[1.0, 1.0, 0.9, 0.8], [1.0, 0.7, 1.0, 0.9]])        # one layer is best
    deep = runs([[0.7, 0.75, 0.9, 0.8], [0.72, 0.7, 0.8, 0.85]])     # 3 layers best, ahead on both seeds
    close = runs([[0.7, 0.75, 0.9, 0.8], [0.72, 0.7, 0.73, 0.7]])    # 3 layers best, but not on seed 2
    assert stacked.depth_claim({1: flat, 3: deep}, 2).endswith("-> holds only on order 3 (the task built by "
                                                               "composition)")
    assert stacked.depth_claim({3: deep}, 2).endswith("-> holds")
    assert stacked.depth_claim({1: flat, 3: close}, 2).endswith("-> does not hold")


def test_stacked_quick_run_depth_table(stacked_run, out):
    runs, H = stacked_run["depth_runs"][1], stacked_run["hidden"]
    assert runs.shape == (3, 4, 4) and stacked_run["seeds"] == [0, 1, 2]
    first, later = block_count(4, 2, H), block_count(4, H, H)
    for d, layers in enumerate((1, 2, 3, 4)):
        assert np.all(runs[:, d, 2] == first + (layers - 1) * later + 2 * H + 2)
    assert np.all((runs[..., 0] >= 0) & (runs[..., 0] <= 1)) and np.all(runs[..., 3] > 0)
    assert np.all(runs[:, 3, 3] > runs[:, 0, 3])                     # four layers cost more time than one
    assert len(stacked_run["claims"]) == 1 and stacked_run["claims"][0].startswith("CLAIM '2 to 4 layers is best")
    assert "over 3 seeds" in stacked_run["claims"][0]
    assert list(out.glob("stacked_rnn_depth.*"))


def test_residual_deep_stack_trains_and_keeps_gradients(stacked_run):
    plain, residual = stacked_run["deep"]["plain"], stacked_run["deep"]["residual"]
    assert stacked_run["depth"] == 8 and plain["param_grad"].shape == (8,)
    assert plain["final_loss"] > 0.6                                 # ln 2 = 0.693: the plain stack guesses
    assert residual["final_loss"] < plain["final_loss"] - 0.3
    for key in ("param_grad", "output_grad"):
        assert np.all(residual[key][:2] > 100 * plain[key][:2])      # the bottom two layers
        assert plain[key][0] < 1e-2 * plain[key][-1]                  # vanishing downwards through the stack
        assert residual[key][0] > 0.1 * residual[key][-1]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_stacked_draws_the_bidirectional_stack(stacked_run, out):
    path = out / "stacked_rnn_bidirectional.png"
    assert stacked_run["drawing"] == str(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(out.glob("stacked_rnn_loss.*")) and list(out.glob("stacked_rnn_grad_norms.*"))
