"""Issue 13: every way found to get a wrong number without an error, each with the behaviour that
replaced it (PyTorch's answer, or a clear error)."""
import io
import threading
import weakref
import zipfile

import numpy as np
import pytest

import tinygrad_rnn as tr
from tinygrad_rnn import analysis, nn, optim, train
from tinygrad_rnn.nn.functional import cross_entropy


def in_thread(fn):
    """Run fn in another thread and return its result (re-raising its exception here)."""
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as err:        # noqa: BLE001 - handed back to the test thread
            box["error"] = err
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


# ---------------------------------------------------------------- 1. graph state is per thread
def test_another_threads_no_grad_does_not_reach_this_thread():
    w = tr.Tensor([2.0], requires_grad=True)
    entered, release = threading.Event(), threading.Event()

    def hold_no_grad():
        with tr.no_grad():
            entered.set()
            release.wait(5)
    other = threading.Thread(target=hold_no_grad)
    other.start()
    entered.wait(5)
    try:
        (w * w).sum().backward()                     # recorded although the other thread is in no_grad
    finally:
        release.set()
        other.join()
    np.testing.assert_array_equal(w.grad, [4.0])


def test_overlapping_no_grad_blocks_in_two_threads_leave_grad_mode_on():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first():
        with tr.no_grad():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with tr.no_grad():
            second_in.set()
            first_out.wait(5)
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (tr.Tensor([1.0], requires_grad=True) * 2).requires_grad
    assert in_thread(lambda: (tr.Tensor([1.0], requires_grad=True) * 2).requires_grad)


def test_scope_and_anomaly_mode_stay_in_their_thread():
    with tr.scope("outer"), tr.detect_anomaly():
        seen = in_thread(lambda: ((tr.Tensor([1.0], requires_grad=True) * 2).scope,
                                  (tr.Tensor([np.inf]) * 1.0).data[0]))
        here = (tr.Tensor([1.0], requires_grad=True) * 2).scope
    assert seen == ((), np.inf) and here == ("outer",)


def test_no_grad_as_a_decorator_in_several_threads():
    @tr.no_grad()
    def recorded():
        return (tr.Tensor([1.0], requires_grad=True) * 2).requires_grad
    results = [in_thread(recorded) for _ in range(3)] + [recorded()]
    assert results == [False] * 4
    assert (tr.Tensor([1.0], requires_grad=True) * 2).requires_grad


# ---------------------------------------------------------------- 2. optimizers leave recorded graphs intact
@pytest.mark.parametrize("make", [lambda p: optim.SGD(p, lr=0.1, momentum=0.9), lambda p: optim.Adam(p, lr=0.1),
                                  lambda p: optim.Adagrad(p, lr=0.1)])
def test_a_second_backward_after_a_step_gives_the_recorded_gradient(make):
    w = tr.Tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w * w).sum()                         # d/dw = 3 w^2 at the recorded w = [1, 2]
    loss.backward()
    opt = make([w])
    opt.step()
    assert not np.array_equal(w.data, [1.0, 2.0])
    w.grad = None
    loss.backward()
    np.testing.assert_array_equal(w.grad, [3.0, 12.0])


def test_a_step_with_no_graph_alive_updates_in_place():
    w = tr.Tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()                         # the graph is dropped at once
    before = weakref.ref(w.data)                     # (a plain reference would itself hold the array)
    optim.SGD([w], lr=0.5).step()
    assert w.data is before()
    np.testing.assert_array_equal(w.data, [0.0, 0.0])


def test_tbptt_with_updates_between_windows_is_the_gradient_of_the_recorded_steps():
    rng = np.random.default_rng(0)
    W0, U = rng.normal(size=(3, 3)) * 0.5, rng.normal(size=(3, 2))
    xs = rng.normal(size=(4, 2))
    W = tr.Tensor(W0.copy(), requires_grad=True)
    opt = optim.SGD([W], lr=0.3)
    grads = []

    def step(x, h):
        h = (W @ h + U @ x).tanh()
        return h.sum(), h

    def on_window(_):
        grads.append(W.grad.copy())
        opt.step()
        opt.zero_grad()
    train.tbptt(step, list(xs), tr.Tensor(np.zeros(3)), k1=2, k2=4, on_window=on_window)
    # the reference: steps 1-2 used W0, steps 3-4 the weights after one update; window 2 is the loss of
    # steps 3 and 4 through all four steps, with each weight a leaf of its own
    W1 = W0 - 0.3 * grads[0]
    Wa, Wb = tr.Tensor(W0, requires_grad=True), tr.Tensor(W1, requires_grad=True)
    h, loss = tr.Tensor(np.zeros(3)), 0.0
    for t, (x, Wt) in enumerate(zip(xs, (Wa, Wa, Wb, Wb))):
        h = (Wt @ h + U @ x).tanh()
        if t >= 2:
            loss = loss + h.sum()
    loss.backward()
    np.testing.assert_allclose(grads[1], Wa.grad + Wb.grad, rtol=1e-13, atol=1e-15)


# ---------------------------------------------------------------- 3. helpers leave .grad as they found it
def test_jacobian_leaves_every_grad_as_it_found_it():
    w = tr.Tensor(np.array([[0.5, -0.2], [0.1, 0.3]]), requires_grad=True)
    h0 = tr.Tensor([0.3, -0.1], requires_grad=True)
    h1 = (w @ h0).tanh()
    h2 = (w @ h1).tanh()
    h2.sum().backward()
    before = {id(n): (None if n.grad is None else n.grad.copy()) for n in (w, h0, h1, h2)}
    J = analysis.jacobian(h2, h1)
    for n in (w, h0, h1, h2):
        np.testing.assert_array_equal(n.grad, before[id(n)])
    np.testing.assert_allclose(J, np.diag(1 - h2.data ** 2) @ w.data, rtol=1e-13)


def test_gradcheck_leaves_the_grads_of_parameters_it_does_not_check():
    w = tr.Tensor(np.ones((2, 2)), requires_grad=True)
    w.grad = np.full((2, 2), 7.0)
    x = tr.Tensor(np.array([0.5, -0.5]), requires_grad=True)
    assert tr.gradcheck(lambda x: (w @ x).tanh(), x)
    np.testing.assert_array_equal(w.grad, np.full((2, 2), 7.0))
    assert x.grad is None


# ---------------------------------------------------------------- 4. boolean masks
def test_a_boolean_tensor_is_refused_and_a_boolean_array_masks():
    v = tr.Tensor([10.0, 20.0, 30.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"Tensor\(data\) expects numbers, got booleans: to select with a mask"):
        tr.Tensor([True, False, True])
    picked = v[np.array([True, False, True])]
    np.testing.assert_array_equal(picked.data, [10.0, 30.0])
    picked.sum().backward()
    np.testing.assert_array_equal(v.grad, [1.0, 0.0, 1.0])


# ---------------------------------------------------------------- 5. nan propagates
@pytest.mark.parametrize("op", ["exp", "relu", "log", "tanh", "sigmoid"])
def test_value_ops_propagate_nan(op):
    assert np.isnan(getattr(tr.Value(float("nan")), op)().data)


def test_relu_passes_no_gradient_where_the_input_is_negative_even_an_infinite_one():
    v = tr.Value(-2.0)
    v.relu().backward(float("inf"))
    assert v.grad == 0.0
    t = tr.Tensor([-1.0, 2.0], requires_grad=True)
    t.relu().backward(np.array([np.inf, 3.0]))
    np.testing.assert_array_equal(t.grad, [0.0, 3.0])


# ---------------------------------------------------------------- 6. == and conversions
def test_equality_is_elementwise_and_where_uses_it():
    a, b = tr.Tensor([1.0, 2.0, 3.0]), tr.Tensor([1.0, 5.0, 3.0])
    np.testing.assert_array_equal(a == b, [True, False, True])
    np.testing.assert_array_equal(a != 2.0, [True, False, True])
    np.testing.assert_array_equal(tr.where(a == b, a, tr.Tensor([0.0, 0.0, 0.0])).data, [1.0, 0.0, 3.0])
    assert len({a, b, a}) == 2 and {a: 1}[a] == 1           # sets and dicts still key by identity


def test_truth_value_and_number_conversions():
    assert bool(tr.Tensor([0.0])) is False and bool(tr.Tensor(2.0)) is True
    assert float(tr.Tensor([[2.5]])) == 2.5 and int(tr.Tensor(3.9)) == 3
    for convert in (bool, float, int):
        with pytest.raises(ValueError, match=rf"{convert.__name__}\(\) needs a 1-element Tensor, got shape \(2,\)"):
            convert(tr.Tensor([1.0, 2.0]))
    arr = np.asarray(tr.Tensor([1.0, 2.0]))
    assert arr.dtype == np.float64 and arr.tolist() == [1.0, 2.0]


def test_iteration_membership_and_flags():
    t = tr.Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    rows = list(t)
    assert len(rows) == 2 and rows[1].data.tolist() == [3.0, 4.0] and rows[0].requires_grad
    assert 4.0 in t and 5.0 not in t
    with pytest.raises(TypeError, match=r"iteration over a 0-d Tensor"):
        list(tr.Tensor(1.0))                                     # (it used to give [] without a word)
    with pytest.raises(TypeError, match=r"Tensor\(requires_grad=...\) expects True or False, got 'yes'"):
        tr.Tensor([1.0], requires_grad="yes")
    with pytest.raises(TypeError, match=r"Value\(requires_grad=...\) expects True or False, got 1"):
        tr.Value(2.0, requires_grad=1)


# ---------------------------------------------------------------- 7. dtype mixing
def test_layers_refuse_an_input_of_another_dtype():
    lstm = nn.LSTM(3, 2).to(np.float32)
    x = tr.Tensor(np.ones((4, 1, 3)))                        # float64
    with pytest.raises(TypeError, match=r"LSTM: input is float64 but the parameters are float32; cast the input "
                                        r"\(x.astype\(np.float32\)\) or the model \(model.to\(np.float64\)\)"):
        lstm(x)
    with pytest.raises(TypeError, match="LSTM: h_0 in hx is float64 but the parameters are float32"):
        lstm(x.astype(np.float32), (tr.Tensor(np.zeros((1, 1, 2))), tr.Tensor(np.zeros((1, 1, 2), np.float32))))
    with pytest.raises(TypeError, match=r"Linear\(in_features=3, out_features=2, bias=True\): input is float64"):
        nn.Linear(3, 2).to(np.float32)(tr.Tensor(np.ones((1, 3))))
    with pytest.raises(TypeError, match="GRUCell: input is float32 but the parameters are float64"):
        nn.GRUCell(3, 2)(tr.Tensor(np.ones((1, 3), np.float32)))


# ---------------------------------------------------------------- 8. tied weights in state_dict
class Tied(nn.Module):
    def __init__(self):
        self.encoder = nn.Embedding(5, 3)
        self.rnn = nn.LSTM(3, 3)
        self.decoder = nn.Linear(3, 5)
        self.decoder.weight = self.encoder.weight


def test_a_tied_weight_is_listed_under_both_names_and_loads_from_either():
    model = Tied()
    state = model.state_dict()
    assert "encoder.weight" in state and "decoder.weight" in state
    assert not any(k.startswith("rnn.cells") for k in state)          # a layer's cells add no names
    assert len(model.parameters()) == len(state) - 1                  # the tied one counted once
    fresh = Tied()
    fresh.load_state_dict(state)
    np.testing.assert_array_equal(fresh.decoder.weight.data, model.encoder.weight.data)
    only_one = {k: v for k, v in state.items() if k != "decoder.weight"}
    Tied().load_state_dict(only_one)                                   # strict, yet accepted
    with pytest.raises(ValueError, match="missing key 'encoder.weight'; missing key 'decoder.weight'"):
        Tied().load_state_dict({k: v for k, v in only_one.items() if k != "encoder.weight"})


# ---------------------------------------------------------------- 9. saving and loading
def test_save_to_an_open_file_and_load_from_one(tmp_path):
    model, buffer = nn.Linear(2, 3), io.BytesIO()
    assert model.save(buffer) is buffer
    buffer.seek(0)
    np.testing.assert_array_equal(nn.Linear(2, 3).load(buffer).weight.data, model.weight.data)
    with open(tmp_path / "model.pt", "wb") as f:
        model.save(f)
    np.testing.assert_array_equal(nn.Linear(2, 3).load(tmp_path / "model.pt").bias.data, model.bias.data)


def test_a_failed_save_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    old = nn.Linear(2, 3)
    old.save(path)
    saved = path.read_bytes()
    monkeypatch.setattr(np.lib.format, "write_array", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError, match="disk full"):
        nn.Linear(2, 3).save(path)
    assert path.read_bytes() == saved and sorted(p.name for p in tmp_path.iterdir()) == ["model.pt"]


@pytest.mark.parametrize("damage, message", [
    (lambda b: b[: len(b) // 2], r"is not an .npz archive written by save\(\)"),
    (lambda b: b[:40] + bytes(len(b) - 80) + b[-40:], r"(is damaged|is not an .npz archive)"),
    (lambda b: b"hello", r"is not an .npz archive written by save\(\)")])
def test_loading_a_damaged_file_raises_one_clear_error_and_changes_nothing(tmp_path, damage, message):
    path = tmp_path / "model.pt"
    nn.Linear(2, 3).save(path)
    path.write_bytes(damage(path.read_bytes()))
    model = nn.Linear(2, 3)
    before = model.weight.data.copy()
    with pytest.raises(ValueError, match=rf"Module.load: .*model.pt {message}"):
        model.load(path)
    np.testing.assert_array_equal(model.weight.data, before)


def test_load_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"Module.load: no such file: .*nothing.pt"):
        nn.Linear(2, 3).load(tmp_path / "nothing.pt")


# ---------------------------------------------------------------- 10. a failed step changes nothing
def test_a_step_that_raises_changes_no_parameter():
    a, b = tr.Tensor(np.ones(2), requires_grad=True), tr.Tensor(np.ones(2), requires_grad=True)
    a.grad, b.grad = np.ones(2), np.ones(3)
    with pytest.raises(ValueError, match=r"SGD.step: parameter 1 has shape \(2,\), but its .grad has shape \(3,\)"):
        optim.SGD([a, b], lr=1.0).step()
    np.testing.assert_array_equal(a.data, [1.0, 1.0])
    b.grad = [1.0, 2.0]
    with pytest.raises(TypeError, match=r"clip_grad_norm_: parameter 1's .grad must be a numpy array of floats, got list"):
        nn.utils.clip_grad_norm_([a, b], 0.1)
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])


# ---------------------------------------------------------------- 11. clear errors, numpy integers accepted
def test_numpy_integers_and_bad_flags():
    steps = []
    train.tbptt(lambda x, h: (h.sum() * 0 + x, h), [tr.Tensor(1.0)] * 3, tr.Tensor(np.zeros(1)),
                k1=np.int64(1), k2=np.int64(3), on_window=steps.append)
    assert steps == [1.0, 1.0, 1.0]
    with pytest.raises(TypeError, match=r"sum\(keepdims=...\) expects True or False, got 'yes'"):
        tr.Tensor(np.ones(3)).sum(keepdims="yes")
    with pytest.raises(TypeError, match=r"RNN expected integer lengths, got \[inf\]"):
        nn.RNN(1, 2)(tr.Tensor(np.ones((3, 1, 1))), lengths=[np.inf])


def test_render_and_joins_refuse_what_they_cannot_use():
    loss = (tr.Tensor([1.0], requires_grad=True) * 2).sum()
    with pytest.raises(TypeError, match=r"render\(path=...\) expects a file name such as 'out/graph.svg', got NoneType"):
        tr.viz.render(loss, None)
    with pytest.raises(TypeError, match=r"render\(format=...\) expects one of \('svg', 'png', 'pdf'\) or None, got int 5"):
        tr.viz.render(loss, "out/g.svg", format=5)
    with pytest.raises(TypeError, match="stack: element 1 is a Value; Values and Tensors are separate graphs"):
        tr.stack([tr.Tensor(1.0), tr.Value(2.0)])           # (it used to become a constant, cut from its graph)


# ---------------------------------------------------------------- 12. anomaly mode names the layer
def test_anomaly_mode_names_the_layer_of_a_bad_input_and_of_a_bad_hx():
    lstm = nn.LSTM(2, 3)
    x = np.ones((4, 2))
    x[1, 0] = np.inf
    with tr.detect_anomaly(), pytest.raises(FloatingPointError, match=r"scope: LSTM.l0[/;)]"):
        lstm(tr.Tensor(x))
    hx = tr.Tensor(np.full((1, 1, 3), np.nan)), tr.Tensor(np.zeros((1, 1, 3)))
    with tr.detect_anomaly(), pytest.raises(FloatingPointError, match=r"op 'index' \(scope: LSTM.l0/forward;"):
        lstm(tr.Tensor(np.ones((4, 1, 2))), hx)


def test_cross_entropy_gradient_survives_a_step_between_two_backwards():
    lin = nn.Linear(3, 4)
    x = tr.Tensor(np.random.default_rng(0).normal(size=(5, 3)))
    loss = cross_entropy(lin(x), np.array([0, 1, 2, 3, 0]))
    loss.backward()
    first = lin.weight.grad.copy()
    optim.SGD(lin.parameters(), lr=1.0).step()
    lin.zero_grad()
    loss.backward()
    np.testing.assert_array_equal(lin.weight.grad, first)


# ---------------------------------------------------------------- found by trying to break it
def test_replacing_a_layer_parameter_reaches_the_forward_pass():
    rnn = nn.RNN(2, 2)
    rnn.weight_hh_l0 = nn.Parameter(np.eye(2))
    out, h = rnn(tr.Tensor(np.ones((3, 1, 2))))
    h.sum().backward()
    assert rnn.cells[0].weight_hh is rnn.weight_hh_l0 and rnn.weight_hh_l0.grad is not None
    with pytest.raises(TypeError, match=r"RNN: cannot assign a ndarray as parameter 'weight_hh_l0'"):
        rnn.weight_hh_l0 = np.eye(2)


def test_padding_never_reaches_a_gradient_even_nan_or_inf():
    gru = nn.GRU(2, 3)
    x = np.ones((4, 2, 2))
    x[3, 1] = np.nan
    out, h = gru(tr.Tensor(x), lengths=[4, 3])
    (out.sum() + h.sum()).backward()
    assert np.isfinite(gru.weight_ih_l0.grad).all() and np.isfinite(out.data).all()


def test_infinite_rows_in_logsumexp_and_ignored_rows_in_cross_entropy():
    F = nn.functional
    assert F.logsumexp(tr.Tensor([-np.inf, -np.inf])).item() == -np.inf
    assert F.logsumexp(tr.Tensor([np.inf, 0.0])).item() == np.inf
    logits = tr.Tensor([[0.0, 1.0], [-np.inf, -np.inf]], requires_grad=True)
    loss = F.cross_entropy(logits, [1, -100], ignore_index=-100)     # the ignored row never enters
    loss.backward()
    assert loss.item() == pytest.approx(np.log1p(np.exp(-1.0)), rel=1e-15)
    np.testing.assert_array_equal(logits.grad[1], [0.0, 0.0])
    per_row = F.cross_entropy(tr.Tensor([[0.0, 1.0], [2.0, 0.0]]), [-100, 0], ignore_index=-100, reduction="none")
    np.testing.assert_allclose(per_row.data, [0.0, np.log1p(np.exp(-2.0))], rtol=1e-14)


def test_joins_take_an_int_axis_only():
    with pytest.raises(TypeError, match=r"concatenate\(axis=...\) expects an int, got NoneType None"):
        tr.concatenate([tr.Tensor([[1.0]]), tr.Tensor([[2.0]])], axis=None)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_gradcheck_fails_on_nan_and_restores_its_inputs():
    with pytest.raises(AssertionError, match="backward gives nan"):
        tr.gradcheck(lambda a: (a * a) ** 0.5, tr.Tensor([0.0, 1.0], requires_grad=True))
    x = tr.Tensor([1e-7, 2.0], requires_grad=True)
    before = x.data
    with pytest.raises(ValueError, match="Tensor.log"):
        tr.gradcheck(lambda a: a.log(), x)                   # fails while x is nudged below zero
    assert x.data is before and x.data.tolist() == [1e-7, 2.0]


def test_a_reused_input_buffer_cannot_change_a_recorded_graph():
    w, buffer, loss = tr.Tensor([1.0], requires_grad=True), np.zeros(1), 0.0
    for value in (1.0, 2.0):
        buffer[0] = value
        loss = loss + (w * tr.Tensor(buffer)).sum()          # Tensor(array) copies, as torch.tensor does
    loss.backward()
    np.testing.assert_array_equal(w.grad, [3.0])


def test_one_switch_object_used_in_two_threads():
    shared, seen, go = tr.scope("enc"), {}, threading.Event()

    def first():
        with shared:
            go.wait(5)
        seen["first"] = (tr.Tensor([1.0], requires_grad=True) * 2).scope

    def second():
        with tr.scope("dec"), shared:
            go.set()
        seen["second"] = (tr.Tensor([1.0], requires_grad=True) * 2).scope
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"first": (), "second": ()}


def test_threads_backpropagating_into_one_parameter_lose_nothing():
    w = tr.Tensor(np.zeros(200_000), requires_grad=True)

    def run():
        for _ in range(10):
            (w * 1.0).sum().backward()
    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert w.grad.min() == w.grad.max() == 40.0


def test_draw_refuses_a_misspelled_option_and_save_a_directory(tmp_path):
    loss = (tr.Tensor([1.0], requires_grad=True) * 2).sum()
    with pytest.raises(TypeError, match="draw\\(\\) got an unexpected keyword argument 'show_grads'"):
        tr.viz.draw(loss, show_grads=True)
    with pytest.raises(IsADirectoryError, match="names a directory, not a file"):
        nn.Linear(2, 2).save(tmp_path)
    with pytest.raises(TypeError, match="must be open for writing in binary mode"):
        nn.Linear(2, 2).save(io.StringIO())


def test_a_checkpoint_declaring_a_huge_array_is_damaged_not_a_memory_error(tmp_path):
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as archive, archive.open("weight.npy", "w") as member:
        np.lib.format.write_array_header_1_0(member, {"descr": "<f8", "fortran_order": False, "shape": (10**11,)})
    with pytest.raises(ValueError, match="is not an .npz archive written by save\\(\\), or it is damaged"):
        nn.Linear(2, 2).load(path)


def test_sampling_refuses_nan_logits_and_integer_gradients_are_refused():
    with pytest.raises(FloatingPointError, match="logits that are nan or infinite"):
        train.sample(lambda token, h: (tr.Tensor([np.nan, 0.0]), h), tr.Tensor([0.0]), 0, 3)
    a = tr.Tensor(np.ones(2), requires_grad=True)
    a.grad = np.array([3, 4])
    with pytest.raises(TypeError, match="must be a numpy array of floats, got dtype int64"):
        nn.utils.clip_grad_norm_([a], 1.0)


def test_zero_d_results_are_arrays_and_overflows_are_infinities():
    product = tr.Tensor(2.0) * tr.Tensor(3.0)
    assert type(product.data) is np.ndarray and product.data.shape == ()
    assert (tr.Value(10.0) ** 400).data == float("inf")
    assert (tr.Value(-10.0) ** 401).data == -float("inf")
    t = tr.Tensor(np.array([1.0, 3.0, 3.0], np.float32), requires_grad=True)
    (t * 1.0).max().backward()
    assert t.grad.dtype == np.float32 and t.grad.tolist() == [0.0, 0.5, 0.5]
    seed = np.ones(3)
    y = t.astype(np.float64) * 2.0
    y.backward(seed)
    seed[0] = 100.0                                     # the seed is copied: changing it later changes nothing
    assert y.grad.tolist() == [1.0, 1.0, 1.0]
    assert tr.Tensor([1.0, 2.0])[[]].shape == (0,)


def test_a_nan_maximum_takes_the_gradient_and_unbatched_hx_is_described_without_a_batch():
    t = tr.Tensor([[1.0, np.nan, 3.0], [1.0, 2.0, 3.0]], requires_grad=True)
    t.max(axis=1).sum().backward()                      # PyTorch: the gradient goes to the nan
    np.testing.assert_array_equal(t.grad, [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match=r"\(1, 3\) \(num_layers \* num_directions, hidden_size\), got \(2, 3\)"):
        nn.RNN(2, 3)(tr.Tensor(np.ones((4, 2))), tr.Tensor(np.zeros((2, 3))))


def test_dropout_with_one_layer_warns_as_pytorch_does():
    with pytest.warns(UserWarning, match="LSTM: dropout=0.5 acts between layers, so with num_layers=1 it does nothing"):
        nn.LSTM(3, 4, dropout=0.5)


def test_flags_and_dtypes_that_used_to_pass_silently():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"Module.train\(mode=...\) expects True or False, got 'False'"):
        layer.train("False")
    with pytest.raises(TypeError, match=r"load_state_dict\(strict=...\) expects True or False, got None"):
        layer.load_state_dict(layer.state_dict(), strict=None)
    with pytest.raises(TypeError, match=r"Module.to\(dtype\) expects float32 or float64, got None"):
        layer.to(None)
    with pytest.raises(TypeError, match=r"dropout\(training=...\) expects True or False, got 'no'"):
        nn.functional.dropout(tr.Tensor([1.0]), 0.5, training="no")
    with pytest.raises(TypeError, match=r"sample\(greedy=...\) expects True or False, got 'no'"):
        train.sample(lambda token, h: (tr.Tensor([0.0, 1.0]), h), tr.Tensor([0.0]), 0, 2, greedy="no")
    with pytest.raises(TypeError, match="cross_entropy: targets must be integer class indices, got dtype float64"):
        nn.functional.cross_entropy(tr.Tensor([[0.0, 1.0]]), [np.inf])
    loss = nn.functional.mse_loss(tr.Tensor(np.ones(2, np.float32)), np.zeros(2))
    assert loss.dtype == np.float32                         # an array target takes the prediction's dtype


def test_shared_modules_detach_and_drawing_options():
    shared = nn.Linear(2, 2)
    outer = nn.Sequential(shared, shared)
    assert [m is shared for m in outer.modules()] == [False, True]      # a shared module is listed once
    t = tr.Tensor([1.0, 2.0])
    assert t.detach().data is t.data                         # detach shares, as PyTorch's does
    loss = (tr.Tensor([1.0], requires_grad=True) * 2).sum()
    assert "digraph" in tr.viz.draw(loss, max_nodes=np.int64(50)).source
