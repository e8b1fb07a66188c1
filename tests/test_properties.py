"""Property-based tests over the whole op set and the recurrent layers (hypothesis).

Each property is one body run twice: a quick run in the default suite, and a `slow`-marked twin with
many more examples (`make test-slow`). Oracles are independent: numpy for every forward (a plain-numpy
LSTM/GRU/RNN written from the docstrings' equations for the layers) and central differences
(tr.gradcheck, float64) for every gradient. Shapes include size-0 and size-1 axes wherever numpy allows.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_rnn as tr
import tinygrad_rnn.nn.functional as F
from helpers import Op, axes, check_op, sample, seeds, shapes
from tinygrad_rnn.nn import GRU, LSTM, RNN


def twins(body, fast: int, slow: int, **strategies) -> tuple:
    """`body` as a hypothesis test with `fast` examples, and a slow-marked twin with `slow` examples."""
    def build(examples: int):
        @settings(max_examples=examples, deadline=None)
        @given(**strategies)
        def test(**drawn):
            body(**drawn)
        return test
    return build(fast), pytest.mark.slow(build(slow))


def mostly_full_shapes(min_dims: int = 0) -> st.SearchStrategy:
    """Shapes of up to 3 axes of sizes 0-3 where a size-0 axis is rarer than in helpers.shapes(), so most
    examples have numbers (and gradients) to check; size 1 is common, for broadcasting and squeezing."""
    return st.lists(st.sampled_from([2, 1, 3, 0, 2, 3, 1]), min_size=min_dims, max_size=3).map(tuple)


def sigmoid(a: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-a))


def reduced(axis, ndim: int) -> tuple:
    """The axes a reduction with `axis` runs over."""
    return tuple(range(ndim)) if axis is None else tuple(a % ndim for a in np.atleast_1d(axis).tolist())


# ---------------------------------------------------------------- random index expressions
@st.composite
def index_cases(draw):
    """A shape and a mixed index: ints, slices (negative steps), integer arrays (repeats; given as
    arrays, lists or Tensors), boolean masks, Ellipsis and None, in any combination numpy accepts."""
    shape = draw(mostly_full_shapes(min_dims=1))
    items, length = [], draw(st.integers(0, 3))           # every integer array gets the same length
    for n in shape[:draw(st.integers(0, len(shape)))]:
        kinds = ["slice", "mask"] + (["int", "array"] if n else [])
        kind = draw(st.sampled_from(kinds))
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            items.append(slice(draw(st.none() | st.integers(-4, 4)), draw(st.none() | st.integers(-4, 4)),
                               draw(st.sampled_from([None, 1, 2, -1, -2]))))
        elif kind == "array":
            ints = draw(hnp.arrays(np.int64, length, elements=st.integers(-n, n - 1)))
            items.append(draw(st.sampled_from([ints, ints.tolist() if length else ints, tr.Tensor(ints)])))
        else:
            items.append(draw(hnp.arrays(bool, n)))
    for extra in (Ellipsis, None):
        if draw(st.booleans()):
            items.insert(draw(st.integers(0, len(items))), extra)
    index = tuple(items) if len(items) != 1 or draw(st.booleans()) else items[0]
    plain = tuple(i.data.astype(int) if isinstance(i, tr.Tensor) else i for i in items)
    try:
        np.empty(shape)[plain]                            # keep only what numpy itself accepts
    except IndexError:
        assume(False)
    return shape, index, plain


def index_property(case, seed):
    shape, index, plain = case
    check_op(Op(lambda a: a[index] * 2.0, lambda a: a[plain] * 2.0), [shape], seed)


test_index_expressions, test_index_expressions_slow = twins(index_property, 300, 3000,
                                                            case=index_cases(), seed=seeds)


# ---------------------------------------------------------------- random reduction axes
@st.composite
def axis_cases(draw):
    """A shape (size-0 and size-1 axes included) and an axis whose reduced axes are all non-empty."""
    shape = draw(shapes(min_dims=1))
    axis = draw(axes(len(shape)))
    assume(all(shape[i] for i in reduced(axis, len(shape))))
    return shape, axis


def normalize_property(case, seed):
    """Reductions kept as size-1 axes and broadcast back: centring, max-scaling, softmax, log_softmax."""
    shape, axis = case

    def centred(a):
        kept = {"axis": axis, "keepdims": True}
        return (a - a.mean(**kept)) * a.max(**kept) + a.sum(**kept)

    def np_softmax(a):
        e = np.exp(a - a.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
    check_op(Op(centred), [shape], seed)
    check_op(Op(lambda a: F.softmax(a, axis=axis), np_softmax), [shape], seed)
    check_op(Op(lambda a: F.log_softmax(a, axis=axis), lambda a: np.log(np_softmax(a))), [shape], seed)


test_reductions_broadcast_back, test_reductions_broadcast_back_slow = twins(
    normalize_property, 150, 1500, case=axis_cases(), seed=seeds)


def empty_axis_property(shape, data):
    """softmax over an axis with no entries raises (numpy's max has no identity); over others it works."""
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = tr.Tensor(np.ones(shape))
    if shape[axis] == 0:
        with pytest.raises(ValueError, match=r"softmax\(axis=.*\): the axis is empty"):
            F.softmax(x, axis=axis)
    else:
        assert F.softmax(x, axis=axis).shape == shape


test_softmax_empty_axes, test_softmax_empty_axes_slow = twins(
    empty_axis_property, 60, 600, shape=shapes(min_dims=1), data=st.data())


# ---------------------------------------------------------------- random programs over the op set
ELEMENTWISE = {                 # name: (Tensor fn, numpy fn); tame enough that chains of four stay finite
    "tanh": (lambda t: t.tanh(), np.tanh),
    "sigmoid": (lambda t: t.sigmoid(), sigmoid),
    "exp_tanh": (lambda t: t.tanh().exp(), lambda a: np.exp(np.tanh(a))),
    "square": (lambda t: t * t, lambda a: a * a),
    "log1p_square": (lambda t: (t * t + 1.0).log(), lambda a: np.log(a * a + 1.0)),
    "ratio": (lambda t: t / (t * t + 1.0), lambda a: a / (a * a + 1.0)),
    "power": (lambda t: (t.tanh() ** 2 + 0.5) ** 1.5, lambda a: (np.tanh(a) ** 2 + 0.5) ** 1.5),
    "where": (lambda t: tr.where(t > 0, t, t * 0.5), lambda a: np.where(a > 0, a, a * 0.5)),
}


def _program_step(draw, shape: tuple) -> tuple:
    """One op that fits an input of `shape`: (name, Tensor fn, numpy fn)."""
    ndim = len(shape)
    shaped = ["reshape", "transpose", "add_constant", "sum", "mean"] + (["concat", "stack", "matmul", "index"]
                                                                        if ndim else [])
    name = draw(st.sampled_from(list(ELEMENTWISE) + shaped))
    if name in ELEMENTWISE:
        return (name, *ELEMENTWISE[name])
    if name == "reshape":
        return name, lambda t: t.reshape(shape[::-1]), lambda a: a.reshape(shape[::-1])
    if name == "transpose":
        perm = tuple(draw(st.permutations(range(ndim))))
        return name, lambda t: t.transpose(perm), lambda a: a.transpose(perm)
    if name == "add_constant":
        c = np.linspace(-1, 1, int(np.prod(shape[1:]))).reshape(shape[1:])   # broadcast over the first axis
        return name, lambda t: t + c, lambda a: a + c
    if name in ("sum", "mean"):
        kw = {"axis": draw(axes(ndim)), "keepdims": draw(st.booleans())}
        assume(name == "sum" or all(shape[i] for i in reduced(kw["axis"], ndim)))   # no mean of nothing
        return name, lambda t: getattr(t, name)(**kw), lambda a: getattr(a, name)(**kw)
    axis = draw(st.integers(-ndim, ndim - 1))
    if name == "concat":
        return name, lambda t: tr.concatenate([t, t * 2.0], axis), lambda a: np.concatenate([a, a * 2.0], axis)
    if name == "stack":
        return name, lambda t: tr.stack([t, -t], axis), lambda a: np.stack([a, -a], axis)
    if name == "matmul":
        m = np.linspace(-1, 1, shape[-1] * 2).reshape(shape[-1], 2)
        return name, lambda t: t @ m, lambda a: a @ m
    index = draw(hnp.basic_indices(shape, allow_newaxis=True))
    return name, lambda t: t[index], lambda a: a[index]


@st.composite
def programs(draw):
    """An input shape and 1-4 ops applied in turn, each drawn to fit the shape its input will have."""
    first = shape = draw(mostly_full_shapes())
    steps = []
    for _ in range(draw(st.integers(1, 4))):
        steps.append(_program_step(draw, shape))
        shape = steps[-1][2](np.zeros(shape)).shape
        assume(int(np.prod(shape)) <= 64)
    return first, steps


def program_property(program, seed):
    shape, steps = program

    def run(fn_index: int):
        def apply(a):
            for step in steps:
                a = step[fn_index](a)
            return a
        return apply
    check_op(Op(run(1), run(2)), [shape], seed)


test_random_programs, test_random_programs_slow = twins(program_property, 300, 3000, program=programs(), seed=seeds)


# ---------------------------------------------------------------- losses
@st.composite
def loss_cases(draw):
    """(N, C) logits with N >= 0, targets, an ignore_index (None or a class) and a reduction."""
    n, c = draw(st.integers(0, 4)), draw(st.integers(1, 4))
    targets = draw(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)))
    return n, c, targets, draw(st.none() | st.integers(0, c - 1)), draw(st.sampled_from(["mean", "sum", "none"]))


def cross_entropy_property(case, seed):
    """Against -log softmax picked in numpy; 'mean' divides by the rows that count (0 rows: loss 0)."""
    n, c, targets, ignore, reduction = case

    def reference(logits):
        shifted = logits - logits.max(axis=1, keepdims=True)
        nll = -(shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))[np.arange(n), targets]
        keep = np.ones(n, bool) if ignore is None else targets != ignore
        nll = np.where(keep, nll, 0.0)
        return nll if reduction == "none" else nll.sum() / (max(keep.sum(), 1) if reduction == "mean" else 1)
    check_op(Op(lambda z: F.cross_entropy(z, targets, reduction, ignore_index=ignore), reference), [(n, c)], seed)


test_cross_entropy, test_cross_entropy_slow = twins(cross_entropy_property, 150, 1500, case=loss_cases(), seed=seeds)


def mse_property(shape, reduction, seed):
    assume(reduction != "mean" or int(np.prod(shape)) > 0)            # the mean of nothing is nan
    target = sample(shape, seed + 7)
    combine = {"none": lambda r: r, "sum": np.sum, "mean": np.mean}[reduction]
    check_op(Op(lambda p: F.mse_loss(p, target, reduction), lambda p: combine((p - target) ** 2)), [shape], seed)


test_mse_loss, test_mse_loss_slow = twins(mse_property, 100, 1000, shape=shapes(), seed=seeds,
                                          reduction=st.sampled_from(["mean", "sum", "none"]))


# ---------------------------------------------------------------- recurrent layers
def numpy_step(layer, p: dict, x: np.ndarray, state: tuple) -> tuple:
    """One time step in plain numpy, from the layer's arrays in PyTorch's packed layout (the docstrings'
    equations written out again; gate order LSTM (i, f, g, o), GRU (r, z, n))."""
    h, H = state[0], state[0].shape[-1]
    b_ih, b_hh = p.get("bias_ih", np.zeros(1)), p.get("bias_hh", np.zeros(p["weight_hh"].shape[0]))
    gx, gh = x @ p["weight_ih"].T + b_ih, h @ p["weight_hh"].T + b_hh
    part = lambda a, k: a[..., k * H:(k + 1) * H]                          # noqa: E731
    if isinstance(layer, RNN):
        a = gx + gh
        return (np.tanh(a) if layer.nonlinearity == "tanh" else np.maximum(a, 0.0),)
    if isinstance(layer, GRU):
        r, z = sigmoid(part(gx, 0) + part(gh, 0)), sigmoid(part(gx, 1) + part(gh, 1))
        if layer.reset_after:
            n = np.tanh(part(gx, 2) + r * part(gh, 2))
        else:
            n = np.tanh(part(gx, 2) + (r * h) @ p["weight_hh"][2 * H:].T + b_hh[2 * H:])
        return ((1 - z) * n + z * h,)
    c, a, variant = state[1], gx + gh, layer.variant
    if variant == "coupled":
        f, g, o = sigmoid(part(a, 0)), np.tanh(part(a, 1)), sigmoid(part(a, 2))
        c = f * c + (1 - f) * g
    elif variant == "no_forget":
        i, g, o = sigmoid(part(a, 0)), np.tanh(part(a, 1)), sigmoid(part(a, 2))
        c = c + i * g
    else:
        peep = variant == "peephole"
        i = sigmoid(part(a, 0) + (p["weight_ci"] * c if peep else 0))
        f = sigmoid(part(a, 1) + (p["weight_cf"] * c if peep else 0))
        c = f * c + i * np.tanh(part(a, 2))
        o = sigmoid(part(a, 3) + (p["weight_co"] * c if peep else 0))
    return o * np.tanh(c), c


def numpy_layer(layer, x: np.ndarray, hx, lengths) -> tuple:
    """(output (T, B, D*H), final states each (L*D, B, H)) for x (T, B, I), hx a tuple of (L*D, B, H)."""
    T, B, _ = x.shape
    D, H, weights = layer.num_directions, layer.hidden_size, layer.state_dict()
    count = np.full(B, T) if lengths is None else np.asarray(lengths)
    finals = []
    for k in range(layer.num_layers):
        outputs = []
        for d in range(D):
            suffix = f"_l{k}" + ("_reverse" if d else "")
            p = {key[:-len(suffix)]: value for key, value in weights.items() if key.endswith(suffix)}
            state = tuple(s[k * D + d] for s in hx) if hx else tuple(np.zeros((B, H)) for _ in range(
                2 if isinstance(layer, LSTM) else 1))
            out = np.zeros((T, B, H))
            for t in (reversed(range(T)) if d else range(T)):
                valid = (t < count)[:, None]                                   # past its end a sequence idles
                new = numpy_step(layer, p, x[t], state)
                state = tuple(np.where(valid, n, s) for n, s in zip(new, state))
                out[t] = np.where(valid, new[0], 0.0)
            outputs.append(out)
            finals.append(state)
        x = np.concatenate(outputs, axis=2)
    return x, tuple(np.stack([f[i] for f in finals]) for i in range(len(finals[0])))


@st.composite
def layer_cases(draw):
    """A random recurrent layer (cell type and variant, layers, directions, batch_first, bias, dropout
    in eval mode) and a random call (batched or not, lengths, initial state)."""
    kind = draw(st.sampled_from([["standard", "peephole", "coupled", "no_forget"], ["gru", "gru_2014"],
                                 ["rnn_tanh", "rnn_relu"]]).flatmap(st.sampled_from))
    options = dict(num_layers=draw(st.integers(1, 2)), bidirectional=draw(st.booleans()),
                   batch_first=draw(st.booleans()), bias=draw(st.booleans()),
                   dropout=draw(st.sampled_from([0.0, 0.5])))
    if kind.startswith("rnn"):
        cls, options["nonlinearity"] = RNN, kind[4:]
    elif kind.startswith("gru"):
        cls, options["reset_after"] = GRU, kind == "gru"
    else:
        cls, options["variant"] = LSTM, kind
    T, B, I, H = (draw(st.integers(1, 3)) for _ in range(4))
    unbatched = draw(st.sampled_from([False, False, True]))
    with_lengths = not unbatched and draw(st.booleans())
    lengths = draw(st.lists(st.integers(1, T), min_size=B, max_size=B)) if with_lengths else None
    return cls, options, (T, 1 if unbatched else B, I, H), unbatched, lengths, draw(st.booleans()), draw(seeds)


def layer_property(case):
    """Forward equals the numpy layer; gradients of every output and final state pass central differences
    with respect to the input, the initial state and one parameter chosen at random."""
    cls, options, (T, B, I, H), unbatched, lengths, with_hx, seed = case
    with warnings.catch_warnings():                       # dropout with one layer warns, as in PyTorch
        warnings.filterwarnings("ignore", message=".*acts between layers")
        layer = cls(I, H, **options).eval()                                   # eval: dropout is the identity
    rng = np.random.default_rng(seed)
    for p in layer.parameters():                          # fresh weights without touching the global generator
        p.data = rng.uniform(-0.9, 0.9, p.shape)
    x_tbi = rng.standard_normal((T, B, I))
    LD = layer.num_layers * layer.num_directions
    hx = tuple(rng.standard_normal((LD, B, H)) for _ in range(2 if cls is LSTM else 1)) if with_hx else None
    x = x_tbi[:, 0] if unbatched else (x_tbi.transpose(1, 0, 2) if layer.batch_first else x_tbi)
    x_t = tr.Tensor(x, requires_grad=True)
    hx_t = None if hx is None else tuple(tr.Tensor(h[:, 0] if unbatched else h, requires_grad=True) for h in hx)

    def run():
        out, last = layer(x_t, hx_t if hx_t is None or cls is LSTM else hx_t[0], lengths=lengths)
        return out, (last if isinstance(last, tuple) else (last,))
    out, last = run()
    want_out, want_last = numpy_layer(layer, x_tbi, hx, lengths)
    want_out = want_out[:, 0] if unbatched else (want_out.transpose(1, 0, 2) if layer.batch_first else want_out)
    np.testing.assert_allclose(out.data, want_out, rtol=1e-10, atol=1e-12)
    for got, want in zip(last, want_last):
        np.testing.assert_allclose(got.data, want[:, 0] if unbatched else want, rtol=1e-10, atol=1e-12)
    params = layer.parameters()
    chosen = params[seed % len(params)]

    def flat(*inputs):                                    # gradcheck nudges the inputs in place; run() reads them
        out, last = run()
        return tr.concatenate([t.reshape(-1) for t in (out,) + last])
    assert tr.gradcheck(flat, x_t, *(hx_t or ()), chosen)


test_recurrent_layers, test_recurrent_layers_slow = twins(layer_property, 200, 2000, case=layer_cases())
