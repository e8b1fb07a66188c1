"""Robustness across the library: the error table stays true, extreme inputs stay finite, integers are
converted, long graphs run and free their memory, TBPTT memory is bounded by k2, anomaly mode points
into a recurrent net, and loading never unpickles.

docs/errors.md is checked from both sides: every row's example must raise exactly its error, from the
file its section names, and every `raise` in tinygrad_rnn/ must be reached by some row.
"""
from __future__ import annotations

import ast
import gc
import os
import pickle
import re
import traceback
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import tinygrad_rnn as tr
import tinygrad_rnn.nn.functional as F
from tinygrad_rnn import anomaly, nn
from tinygrad_rnn.train import tbptt

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tinygrad_rnn"
ERRORS_MD = ROOT / "docs" / "errors.md"
# Raise statements no user can reach: the abstract hooks of the graph node, which Value and Tensor define.
INTERNAL = {("autograd.py", "total"),     # Deferred.total: the protocol method every kind overrides
            ("checkpoint.py", "_holds_objects"),   # caught by load_arrays, which raises the documented error
            ("_torch_format.py", "read"), ("_torch_format.py", "persistent_load")}   # caught by torch.load, likewise


# ---------------------------------------------------------------- docs/errors.md
def code_span(cell: str) -> str:
    """The text of a markdown code span: `a` or ``a `b` c``."""
    match = re.fullmatch(r"(`+)\s?(.*?)\s?\1", cell.strip())
    assert match, f"expected a code span, got {cell!r}"
    return match.group(2)


def error_table() -> tuple:
    """(setup code, rows): rows are (line, section files, error type, message, example)."""
    text = ERRORS_MD.read_text(encoding="utf-8")
    setup = re.search(r"```python\n(.*?)```", text, re.DOTALL).group(1)
    rows, files = [], ()
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            files = tuple(re.findall(r"`([\w/]+\.py)`", line))
        elif line.startswith("| `"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            assert len(cells) == 4 and all(cells), f"errors.md:{number}: want 4 non-empty cells"
            kind, message = code_span(cells[0]).split(": ", 1)
            rows.append((number, files, kind, message, code_span(cells[1])))
    return setup, rows


def raise_sites() -> dict:
    """{(file relative to the package, first line, last line): function} for every `raise X` statement."""
    sites = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        for func in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(func):
                    if isinstance(node, ast.Raise) and node.exc is not None:
                        sites.setdefault((rel, node.lineno, node.end_lineno), func.name)
    return sites


def run_example(setup: str, example: str, workdir: Path):
    """Run the setup and the example in a fresh namespace; return the exception (None if nothing raised)."""
    namespace, path, rng = {"__name__": "errors_md"}, os.environ.get("PATH", ""), tr.rng.default_generator()
    state, cwd = rng.bit_generator.state, os.getcwd()
    os.chdir(workdir)
    try:
        exec(setup, namespace)
        exec(example, namespace)
    except Exception as err:                              # noqa: BLE001 (every kind is what we look for)
        return err
    finally:
        os.chdir(cwd)
        os.environ["PATH"] = path
        rng.bit_generator.state = state
    return None


def origin(err: Exception) -> tuple | None:
    """(file relative to the package, line) of the innermost frame of `err` inside the package."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if Path(f.filename).is_relative_to(PACKAGE)]
    return (Path(frames[-1].filename).relative_to(PACKAGE).as_posix(), frames[-1].lineno) if frames else None


def raised_by(err: Exception, sites: dict) -> tuple | None:
    """The raise statement that raised `err`; None if it escaped from numpy or Python instead."""
    where = origin(err)
    return next((s for s in sites if where and s[0] == where[0] and s[1] <= where[1] <= s[2]), None)


@pytest.fixture(scope="module")
def table_results(tmp_path_factory):
    setup, rows = error_table()
    sites, workdir = raise_sites(), tmp_path_factory.mktemp("errors_md")
    return sites, [(row, run_example(setup, row[4], workdir)) for row in rows]


def test_every_row_raises_its_message_from_its_module(table_results):
    sites, results = table_results
    assert len(results) >= 100
    problems = []
    for (number, files, kind, message, example), err in results:
        pattern = ".*?".join(re.escape(part) for part in message.split("…"))
        if err is None:
            problems.append(f"errors.md:{number}: `{example}` raised nothing")
        elif type(err).__name__ != kind or not re.fullmatch(pattern, str(err), re.DOTALL):
            problems.append(f"errors.md:{number}: `{example}` raised {type(err).__name__}: {err}")
        elif (raised_by(err, sites) or ("",))[0] not in files:
            problems.append(f"errors.md:{number}: `{example}` came from {origin(err)}, not a raise in {files}")
    assert not problems, "\n".join(problems)


def test_every_raise_in_the_library_has_a_row(table_results):
    sites, results = table_results
    reached = {raised_by(err, sites) for _, err in results if err is not None}
    missing = [f"tinygrad_rnn/{s[0]} line {s[1]} in {name}()" for s, name in sorted(sites.items())
               if s not in reached and (Path(s[0]).name, name) not in INTERNAL]
    assert not missing, "add a row with an example to docs/errors.md for:\n" + "\n".join(missing)


# ---------------------------------------------------------------- numerical extremes
EXTREMES = [(np.float64, 1e3), (np.float32, 80.0)]


def stable_sigmoid(a: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(a))                              # never overflows
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("dtype, scale", EXTREMES)
def test_sigmoid_and_tanh_values_and_gradients_at_extremes(dtype, scale):
    """Values to relative precision; slopes too, except next to saturation: there the lectures'
    s(1 - s) and 1 - t^2 (PyTorch's forms too) subtract from 1, so they are exact to eps absolutely."""
    a = np.array([-scale, -scale / 2, -30.0, -1e-3, 0.0, 1e-3, 30.0, scale / 2, scale])
    cases = [("sigmoid", stable_sigmoid(a), stable_sigmoid(a) * stable_sigmoid(-a)),
             ("tanh", np.tanh(a), 1 / np.cosh(np.minimum(np.abs(a), 350)) ** 2)]
    for name, value, slope in cases:
        x = tr.Tensor(a.astype(dtype), requires_grad=True)
        y = getattr(x, name)()
        y.sum().backward()
        tol, eps = (1e-6 if dtype == np.float32 else 1e-14), np.finfo(dtype).eps
        assert y.dtype == dtype and x.grad.dtype == dtype
        np.testing.assert_allclose(y.data, value, rtol=tol, atol=0)
        np.testing.assert_allclose(x.grad, slope, rtol=tol * 10, atol=eps)
        if name == "sigmoid":                                    # the unsaturated tail keeps every digit
            np.testing.assert_allclose(x.grad[a < 0], slope[a < 0], rtol=tol * 10, atol=0)
        for ai, vi, si in zip(a, value, slope):                  # Value: the same numbers in Python floats
            s = tr.Value(float(ai))
            out = getattr(s, name)()
            out.backward()
            assert out.data == pytest.approx(vi, rel=1e-14, abs=0)
            assert s.grad == pytest.approx(si, rel=1e-12, abs=np.finfo(float).eps)


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("dtype, scale", EXTREMES)
def test_normalizers_and_cross_entropy_inside_a_net_at_extremes(dtype, scale):
    """Huge pre-activations through a Linear head: softmax rows sum to 1, every gradient is finite and
    the logits' gradient is (softmax - onehot) / N exactly."""
    rng = np.random.default_rng(0)
    head = nn.Linear(3, 5).to(dtype)
    features = tr.Tensor((rng.standard_normal((4, 3)) * scale / 3).astype(dtype), requires_grad=True)
    logits = head(features)
    raw = logits.data.astype(np.float64)
    targets = np.array([0, 4, 1, 1])
    for fn in (lambda z: F.softmax(z, axis=1), lambda z: F.log_softmax(z, axis=0)):
        assert np.isfinite(fn(logits).data).all()
    loss = F.cross_entropy(logits, targets)
    loss.backward()
    shifted = raw - raw.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(logits.grad, (probs - np.eye(5)[targets]) / 4, rtol=tol, atol=tol)
    assert all(np.isfinite(g).all() for g in (features.grad, head.weight.grad, head.bias.grad))


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_log_and_powers_at_zero_give_infinities_not_warnings():
    x = tr.Tensor([0.0, 4.0], requires_grad=True)
    y = x.log()
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [-np.inf, np.log(4.0)])
    np.testing.assert_array_equal(x.grad, [np.inf, 0.25])
    v = tr.Value(0.0)
    v.log().backward()
    assert v.grad == np.inf
    for k, value, slope in [(0.5, [0.0, 2.0], [np.inf, 0.25]), (0, [1.0, 1.0], [0.0, 0.0]),
                            (-1, [np.inf, 0.25], [-np.inf, -1 / 16])]:
        x.grad = None
        y = x ** k
        y.sum().backward()
        np.testing.assert_array_equal(y.data, value)
        np.testing.assert_array_equal(x.grad, slope)          # k = 0: d(a^0)/da = 0 even at a = 0, not nan
    big = tr.Tensor([1e3], requires_grad=True)
    e = big.exp()
    e.backward(np.ones(1))
    assert e.data[0] == np.inf and big.grad[0] == np.inf


def test_integer_inputs_become_floats_with_full_gradients():
    x = tr.Tensor(np.arange(3), requires_grad=True)
    assert x.dtype == np.float64
    (x * 0.5).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.5, 0.5, 0.5])     # not truncated to 0
    f32 = tr.Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    y = f32 * np.arange(3) + np.array([True, False, True])       # integer and bool arrays take the Tensor's dtype
    y.sum().backward()
    assert y.dtype == np.float32 and f32.grad.dtype == np.float32
    np.testing.assert_array_equal(f32.grad, [0.0, 1.0, 2.0])
    v = tr.Value(np.int64(3)) * np.int32(2) + np.float32(0.5)
    v.backward()
    assert v.data == 6.5 and type(v.data) is float
    assert (2 ** tr.Value(3.0)).data == pytest.approx(8.0)
    assert F.mse_loss(tr.Tensor(np.ones(2, dtype=np.float32)), np.array([1, 3])).dtype == np.float32


def test_an_op_on_a_parameter_is_a_plain_tensor_so_modules_never_register_it():
    class Cached(nn.Module):
        def __init__(self):
            self.lin = nn.Linear(2, 2)

        def forward(self, x):
            self.scaled = self.lin.weight * 2                     # an intermediate kept on the module
            return x @ self.scaled

    model = Cached()
    model(tr.Tensor(np.ones(2)))
    assert type(model.scaled) is tr.Tensor and type(model.lin.weight.T) is tr.Tensor
    assert [name for name, _ in model.named_parameters()] == ["lin.weight", "lin.bias"]
    assert len(tr.optim.SGD(model.parameters(), lr=0.1).params) == 2


# ---------------------------------------------------------------- long graphs and memory
def test_rnn_layer_over_ten_thousand_steps_matches_hand_written_bptt():
    T, hidden = 10_000, 3
    tr.manual_seed(0)
    rnn = nn.RNN(1, hidden)
    xs = np.random.default_rng(1).standard_normal((T, 1, 1))
    gc.disable()                                          # refcounting alone frees the graph; faster build
    try:
        out, _ = rnn(tr.Tensor(xs))
        out.sum().backward()                              # L = sum_t sum(h_t)
    finally:
        gc.enable()
    w_ih, w_hh = rnn.weight_ih_l0.data, rnn.weight_hh_l0.data
    bias = rnn.bias_ih_l0.data + rnn.bias_hh_l0.data
    hs = [np.zeros(hidden)]
    for t in range(T):                                    # the forward pass, in plain numpy
        hs.append(np.tanh(w_ih @ xs[t, 0] + w_hh @ hs[-1] + bias))
    np.testing.assert_allclose(out.data[:, 0], hs[1:], rtol=1e-12, atol=1e-14)
    d_hh, carry = np.zeros_like(w_hh), np.zeros(hidden)
    for t in reversed(range(T)):                          # BPTT by hand
        da = (1.0 + carry) * (1 - hs[t + 1] ** 2)
        d_hh += np.outer(da, hs[t])
        carry = w_hh.T @ da
    np.testing.assert_allclose(rnn.weight_hh_l0.grad, d_hh, rtol=1e-9)


def traced(fn) -> tuple:
    """(bytes still allocated after fn, peak bytes during fn), counted from a clean start."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        gc.collect()
        return tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()


def test_a_dropped_lstm_graph_returns_its_memory():
    tr.manual_seed(2)
    lstm = nn.LSTM(4, 8, num_layers=2, bidirectional=True)
    x = tr.Tensor(np.random.default_rng(3).standard_normal((30, 2, 4)))
    kept = []

    def forward_backward():
        out, (h_n, c_n) = lstm(x)
        (out.sum() + c_n.sum()).backward()
        kept.append(tracemalloc.get_traced_memory()[0])  # the graph is alive here
        lstm.zero_grad()

    after, peak = traced(forward_backward)
    assert kept[0] > 1_000_000                            # the unrolled graph is megabytes...
    assert after < 0.02 * kept[0]                         # ...and dropping the root gives them back


def test_tbptt_memory_is_bounded_by_k2_not_by_the_sequence_length():
    tr.manual_seed(4)
    cell, head = nn.LSTMCell(2, 16), nn.Linear(16, 1)
    xs = [tr.Tensor(x) for x in np.random.default_rng(5).standard_normal((800, 4, 2))]

    def step(x, state):
        h, c = cell(x, state)
        return (head(h) ** 2).mean(), (h, c)

    def peak(steps: int, k2: int) -> int:
        # a full collection after each window empties the interpreter's free lists (freed tuples kept for
        # reuse, which tracemalloc counts as allocated and which fill up over a long run): the peak is
        # then what TBPTT itself keeps
        return traced(lambda: tbptt(step, xs[:steps], cell.init_state(4), k1=k2, k2=k2,
                                    on_window=lambda _: (cell.zero_grad(), head.zero_grad(), gc.collect())))[1]

    short, long, deep = peak(200, 10), peak(800, 10), peak(200, 80)
    assert long < 1.2 * short                             # 4x the sequence, the same peak
    assert deep > 3 * short                               # while 8x the window costs ~8x the memory


# ---------------------------------------------------------------- anomaly mode in a recurrent net
@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_anomaly_names_the_layer_direction_and_step_and_the_calling_line():
    rnn = nn.RNN(1, 2, num_layers=2, nonlinearity="relu", bidirectional=True)
    for p in rnn.parameters():
        p.data[...] = 1e150                               # h_t grows by 1e150 per step: inf at step 3
    x = tr.Tensor(np.ones((4, 1, 1)))
    line = rf"{re.escape(__file__)}:\d+ in test_anomaly_names"
    with pytest.raises(FloatingPointError, match=rf"forward of op '\w+' \(scope: RNN.l0/forward/t=3; "
                                                 rf"created at {line}"):
        with tr.detect_anomaly():
            rnn(x)


def test_anomaly_in_a_backward_pass_alone_still_names_the_scope():
    x = tr.Tensor([0.0, 1.0], requires_grad=True)
    with tr.scope("GRU.l1"), tr.scope("reverse"), tr.scope("t=2"):
        y = x ** 0.5                                      # recorded outside anomaly mode: no line kept
    with pytest.raises(FloatingPointError, match=r"backward of op 'pow0.5' \(scope: GRU.l1/reverse/t=2; created at "
                                                 r"an unknown line: run the forward pass inside detect_anomaly"):
        with tr.detect_anomaly():
            y.sum().backward()


def test_anomaly_costs_nothing_when_off(monkeypatch):
    def fail():
        raise AssertionError("the stack was inspected while anomaly mode was off")

    monkeypatch.setattr(anomaly, "_user_frame", fail)
    out, _ = nn.GRU(2, 3)(tr.Tensor(np.ones((3, 1, 2))))
    out.sum().backward()
    assert out.origin is None


# ---------------------------------------------------------------- safe persistence
class Trap:
    """Unpickling this sets a flag: proof that loading ran code from the file."""

    sprung = False

    def __reduce__(self):
        return (setattr, (Trap, "sprung", True))


@pytest.mark.parametrize("write", [
    lambda path: path.write_bytes(pickle.dumps(Trap())),
    lambda path: np.savez(path, weight=np.array([Trap()], dtype=object), bias=np.zeros(2)),
])
def test_loading_a_file_with_pickled_objects_runs_nothing_and_changes_nothing(tmp_path, write):
    model = nn.Linear(3, 2)
    before = model.state_dict()
    path = tmp_path / "model.npz"
    write(path)
    with pytest.raises(ValueError, match="Module.load: .*(not an .npz archive|refusing to unpickle)"):
        model.load(path)
    assert not Trap.sprung
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(array, before[name])
