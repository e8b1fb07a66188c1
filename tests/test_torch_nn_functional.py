"""torch.nn's Linear, Embedding, activations, torch.nn.functional and the losses in the PyTorch dialect give
PyTorch's values and gradients: NLLLoss / CrossEntropyLoss with weight, ignore_index, every reduction,
label smoothing, class-probability targets and (N, C, d) inputs, MSELoss, L1Loss, BCELoss,
BCEWithLogitsLoss (weight, pos_weight), one_hot, embedding with padding_idx.

How the expected values were made: the case functions below were run by PyTorch 2.x in float64 (this
module imported with `tinygrad_rnn.torch` standing for `torch`, and `pytorch_values()` printed as
literals). Inputs and weights come from `fill` (0.5 sin(1.3 i + k)), so both sides start from the same
numbers.
"""
import re

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from torch_expect import float64, fill, set_params  # noqa: F401 (float64 is an autouse fixture)


def value_and_grads(make_output, shape, *params):
    """make_output(x) for x = 3 fill(shape), backward of a weighted sum; (output, x.grad, params' grads)."""
    x = torch.tensor(3 * fill(shape, 1), requires_grad=True)
    out = make_output(x)
    (out * torch.tensor(fill(tuple(out.shape), 2))).sum().backward()
    return [out.detach().numpy(), x.grad.numpy()] + [p.grad.numpy() for p in params]


def linear_case(shape, bias):
    m = set_params(nn.Linear(5, 3, bias=bias))
    return value_and_grads(m, shape, *m.parameters())


def embedding_case(padding_idx):
    m = set_params(nn.Embedding(6, 3, padding_idx=padding_idx))
    out = m(torch.tensor([[0, 2, 5], [5, 5, 1]]))
    (out * torch.tensor(fill((2, 3, 3), 2))).sum().backward()
    return [out.detach().numpy(), m.weight.grad.numpy()]


def functional_embedding_case():
    w = torch.tensor(fill((6, 3), 4), requires_grad=True)
    out = F.embedding(torch.tensor([1, 2, 1]), w, padding_idx=1)
    (out * out).sum().backward()
    return [out.detach().numpy(), w.grad.numpy()]


LAYER_CASES = {
    "Linear": lambda: linear_case((4, 5), True), "Linear 3-D, no bias": lambda: linear_case((2, 4, 5), False),
    "Linear 1-D": lambda: linear_case((5,), True), "Embedding": lambda: embedding_case(None),
    "Embedding padding_idx=5": lambda: embedding_case(5), "Embedding padding_idx=-1": lambda: embedding_case(-1),
    "F.embedding padding_idx=1": functional_embedding_case,
    **{name: (lambda name=name: value_and_grads(getattr(nn, name)(), (4, 5))) for name in ("Tanh", "ReLU", "Sigmoid")},
    **{f"{name}(dim={d})": (lambda name=name, d=d: value_and_grads(getattr(nn, name)(dim=d), (4, 5)))
       for name in ("Softmax", "LogSoftmax") for d in (0, 1, -1)},
    "F.softmax 3-D dim=1": lambda: value_and_grads(lambda x: F.softmax(x, dim=1), (2, 3, 4)),
    "F.log_softmax 3-D dim=1": lambda: value_and_grads(lambda x: F.log_softmax(x, dim=1), (2, 3, 4)),
    "one_hot": lambda: [F.one_hot(torch.tensor([0, 2, 1])).numpy(),
                        F.one_hot(torch.tensor([[0, 2], [1, 0]]), 4).numpy()],
}

# ---------------------------------------------------------------- losses
LOGITS, LOGITS_3D = 3 * fill((5, 4), 10), 3 * fill((2, 4, 3), 11)
TARGETS, TARGETS_3D = np.array([1, 0, 3, 3, 2]), np.array([[0, 3, 1], [2, 2, 0]])
WEIGHT = np.array([0.5, 1.0, 2.0, 0.25])
PROBS = np.abs(fill((5, 4), 12)) + 0.1
PROBS /= PROBS.sum(1, keepdims=True)
PROBS_3D = np.abs(LOGITS_3D) / np.abs(LOGITS_3D).sum(1, keepdims=True)
BINARY = (fill((5, 4), 13) > 0).astype(np.float64)


def loss_case(make_loss, inputs, target, log_softmax=False):
    """The loss of torch.tensor(inputs) (through log_softmax over dim 1 first if asked) and its gradient."""
    x = torch.tensor(inputs, requires_grad=True)
    out = make_loss()(F.log_softmax(x, dim=-1 if x.dim() == 1 else 1) if log_softmax else x, torch.tensor(target))
    (out if out.dim() == 0 else out * torch.tensor(fill(tuple(out.shape), 3))).sum().backward()
    return [out.detach().numpy(), x.grad.numpy()]


def loss_cases(reduction: str) -> dict:
    """name -> case, for one reduction."""
    W, red = WEIGHT, {"reduction": reduction}
    sig = 1 / (1 + np.exp(-LOGITS))
    return {
        "NLLLoss": lambda: loss_case(lambda: nn.NLLLoss(**red), LOGITS, TARGETS, True),
        "NLLLoss weight": lambda: loss_case(lambda: nn.NLLLoss(torch.tensor(W), **red), LOGITS, TARGETS, True),
        "NLLLoss ignore_index": lambda: loss_case(lambda: nn.NLLLoss(ignore_index=3, **red), LOGITS, TARGETS, True),
        "NLLLoss weight ignore_index": lambda: loss_case(
            lambda: nn.NLLLoss(torch.tensor(W), ignore_index=3, **red), LOGITS, TARGETS, True),
        "NLLLoss (N, C, d)": lambda: loss_case(lambda: nn.NLLLoss(torch.tensor(W), **red), LOGITS_3D, TARGETS_3D, True),
        "NLLLoss (C,)": lambda: loss_case(lambda: nn.NLLLoss(**red), LOGITS[0], np.array(2), True),
        "CrossEntropyLoss": lambda: loss_case(lambda: nn.CrossEntropyLoss(**red), LOGITS, TARGETS),
        "CrossEntropyLoss weight ignore_index": lambda: loss_case(
            lambda: nn.CrossEntropyLoss(torch.tensor(W), ignore_index=3, **red), LOGITS, TARGETS),
        "CrossEntropyLoss label_smoothing": lambda: loss_case(
            lambda: nn.CrossEntropyLoss(label_smoothing=0.2, **red), LOGITS, TARGETS),
        "CrossEntropyLoss label_smoothing ignore_index": lambda: loss_case(
            lambda: nn.CrossEntropyLoss(label_smoothing=0.2, ignore_index=3, **red), LOGITS, TARGETS),
        "CrossEntropyLoss label_smoothing weight ignore_index": lambda: loss_case(
            lambda: nn.CrossEntropyLoss(torch.tensor(W), label_smoothing=0.2, ignore_index=3, **red), LOGITS, TARGETS),
        "CrossEntropyLoss probabilities": lambda: loss_case(lambda: nn.CrossEntropyLoss(**red), LOGITS, PROBS),
        "CrossEntropyLoss probabilities weight label_smoothing": lambda: loss_case(
            lambda: nn.CrossEntropyLoss(torch.tensor(W), label_smoothing=0.1, **red), LOGITS, PROBS),
        "CrossEntropyLoss (N, C, d) weight label_smoothing ignore_index": lambda: loss_case(
            lambda: nn.CrossEntropyLoss(torch.tensor(W), label_smoothing=0.3, ignore_index=0, **red),
            LOGITS_3D, TARGETS_3D),
        "CrossEntropyLoss (N, C, d) probabilities": lambda: loss_case(
            lambda: nn.CrossEntropyLoss(**red), LOGITS_3D, PROBS_3D),
        "CrossEntropyLoss (C,)": lambda: loss_case(lambda: nn.CrossEntropyLoss(**red), LOGITS[0], np.array(2)),
        "CrossEntropyLoss (C,) probabilities": lambda: loss_case(
            lambda: nn.CrossEntropyLoss(**red), LOGITS[0], PROBS[0]),
        "MSELoss": lambda: loss_case(lambda: nn.MSELoss(**red), LOGITS, PROBS),
        "L1Loss": lambda: loss_case(lambda: nn.L1Loss(**red), LOGITS, PROBS),
        "BCELoss": lambda: loss_case(lambda: nn.BCELoss(**red), sig, BINARY),
        "BCELoss weight": lambda: loss_case(lambda: nn.BCELoss(torch.tensor(W), **red), sig, PROBS),
        "BCEWithLogitsLoss": lambda: loss_case(lambda: nn.BCEWithLogitsLoss(**red), 10 * LOGITS, BINARY),
        "BCEWithLogitsLoss weight": lambda: loss_case(
            lambda: nn.BCEWithLogitsLoss(torch.tensor(W), **red), LOGITS, PROBS),
        "BCEWithLogitsLoss pos_weight": lambda: loss_case(
            lambda: nn.BCEWithLogitsLoss(pos_weight=torch.tensor(W), **red), LOGITS, PROBS),
    }


LOSS_CASES = {f"{name}, reduction={reduction}": case
              for reduction in ("mean", "sum", "none") for name, case in loss_cases(reduction).items()}
EDGE_CASES = {
    "every target ignored": lambda: loss_case(lambda: nn.CrossEntropyLoss(ignore_index=1), LOGITS[:1], TARGETS[:1]),
    "BCELoss at p = 0 and 1": lambda: loss_case(
        lambda: nn.BCELoss(), np.array([0.0, 1.0, 0.5]), np.array([1.0, 0.0, 1.0])),
    "F.nll_loss": lambda: [F.nll_loss(F.log_softmax(torch.tensor(LOGITS), dim=1), torch.tensor(TARGETS)).numpy()],
    "F.cross_entropy": lambda: [
        F.cross_entropy(torch.tensor(LOGITS), torch.tensor(TARGETS), label_smoothing=0.1).numpy()],
    "F.binary_cross_entropy_with_logits": lambda: [
        F.binary_cross_entropy_with_logits(torch.tensor(LOGITS), torch.tensor(PROBS)).numpy()],
}


def outcome(fn):
    """'Kind: message' for the error fn() raises (or its value's repr, if none)."""
    try:
        return repr(fn())
    except Exception as err:                        # noqa: BLE001 (the error is the outcome to compare)
        return f"{type(err).__name__}: {err}"


def f32(*shape):
    return torch.zeros(*shape, dtype=torch.float32)


ERROR_CASES = {
    "Linear, wrong size": lambda: nn.Linear(3, 2)(torch.ones(2, 5, 4)),
    "Linear, 1-D wrong size": lambda: nn.Linear(3, 2)(torch.ones(4)),
    "Linear, scalar": lambda: nn.Linear(3, 2)(torch.tensor(1.0)),
    "Linear, other dtype": lambda: nn.Linear(3, 2)(f32(2, 3)),
    "Linear, integer input": lambda: nn.Linear(3, 2)(torch.ones(2, 3).long()),
    "Linear, ndarray": lambda: nn.Linear(3, 2)(np.ones(3)),
    "F.linear": lambda: F.linear(torch.ones(2, 3), torch.ones(2, 4)),
    "Embedding, index too large": lambda: nn.Embedding(3, 2)(torch.tensor([3])),
    "Embedding, negative index": lambda: nn.Embedding(3, 2)(torch.tensor([-1])),
    "Embedding, float indices": lambda: nn.Embedding(3, 2)(torch.tensor([1.0])),
    "Embedding, list": lambda: nn.Embedding(3, 2)([1]),
    "Embedding, padding_idx": lambda: nn.Embedding(3, 2, padding_idx=3),
    "Embedding, negative padding_idx": lambda: nn.Embedding(3, 2, padding_idx=-4),
    "Embedding, _weight": lambda: nn.Embedding(3, 2, _weight=torch.ones(2, 2)),
    "Embedding.from_pretrained, 1-D": lambda: nn.Embedding.from_pretrained(torch.ones(2)),
    "Dropout(1.5)": lambda: nn.Dropout(1.5),
    "F.dropout(-0.1)": lambda: F.dropout(torch.ones(2), -0.1),
    "one_hot, too small": lambda: F.one_hot(torch.tensor([0, 3]), 2),
    "one_hot, negative": lambda: F.one_hot(torch.tensor([0, -1]), 2),
    "one_hot, float": lambda: F.one_hot(torch.tensor([0.0, 1.0]), 2),
    "one_hot, empty": lambda: F.one_hot(torch.tensor([], dtype=torch.long)),
    "reduction": lambda: nn.MSELoss(reduction="avg")(torch.ones(2), torch.ones(2)),
    "target out of bounds": lambda: nn.NLLLoss()(torch.zeros(5, 4), torch.tensor([0, 1, 2, 3, 4])),
    "negative target": lambda: F.nll_loss(torch.zeros(3, 4), torch.tensor([0, 1, -2])),
    "float target": lambda: nn.NLLLoss()(torch.zeros(2, 3), torch.tensor([0.0, 1.0])),
    "int32 target": lambda: F.nll_loss(torch.zeros(2, 3), torch.tensor([0, 1], dtype=torch.int32)),
    "uint8 target": lambda: F.nll_loss(torch.zeros(2, 3), torch.tensor([0, 1], dtype=torch.uint8)),
    "batch sizes": lambda: nn.CrossEntropyLoss()(torch.zeros(5, 4), torch.tensor([0, 1])),
    "(N, C, d) target": lambda: F.nll_loss(torch.zeros(2, 3, 4), torch.tensor([[0, 1, 1], [1, 1, 1]])),
    "(C,) input, 2 targets": lambda: F.nll_loss(torch.zeros(3), torch.tensor([0, 1])),
    "(N, C) input, 2-D target": lambda: F.nll_loss(torch.zeros(2, 3), torch.tensor([[0], [1]])),
    "scalar input": lambda: F.nll_loss(torch.tensor(1.0), torch.tensor(1)),
    "weight size": lambda: F.nll_loss(torch.zeros(2, 3), torch.tensor([0, 1]), weight=torch.ones(2)),
    "weight dtype": lambda: F.nll_loss(f32(2, 3), torch.tensor([0, 1]), weight=torch.ones(3)),
    "probabilities with ignore_index": lambda: F.cross_entropy(torch.zeros(2, 3), torch.ones(2, 3), ignore_index=1),
    "label_smoothing 1.5": lambda: F.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 1]), label_smoothing=1.5),
    "label_smoothing -0.1": lambda: F.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 1]), label_smoothing=-0.1),
    "BCEWithLogitsLoss sizes": lambda: F.binary_cross_entropy_with_logits(torch.zeros(2, 3), torch.ones(3)),
    "BCELoss sizes": lambda: nn.BCELoss()(torch.ones(2, 3) / 2, torch.ones(3)),
    "BCELoss input range": lambda: F.binary_cross_entropy(torch.ones(2, 3) * 2, torch.ones(2, 3)),
    "BCELoss target range": lambda: F.binary_cross_entropy(torch.ones(2, 3) / 2, torch.ones(2, 3) * 2),
    "BCELoss target dtype": lambda: F.binary_cross_entropy(f32(2) + 0.5, torch.ones(2)),
}


def pytorch_values() -> dict:
    """What the expected values below were printed from (run by PyTorch)."""
    values = {name: {case: [np.asarray(a).tolist() for a in fn()] for case, fn in cases.items()}
              for name, cases in (("LAYERS", LAYER_CASES), ("LOSSES", LOSS_CASES), ("EDGES", EDGE_CASES))}
    return dict(values, ERRORS={case: outcome(fn) for case, fn in ERROR_CASES.items()})


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_errors_are_pytorchs(case):
    assert outcome(ERROR_CASES[case]) == ERRORS[case]


def check(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(np.asarray(g, dtype=np.float64), w, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", list(LAYER_CASES))
def test_layers_and_activations_match_pytorch(case):
    check(LAYER_CASES[case](), LAYERS[case])


@pytest.mark.parametrize("case", list(LOSS_CASES))
def test_losses_and_their_gradients_match_pytorch(case):
    check(LOSS_CASES[case](), LOSSES[case])


@pytest.mark.parametrize("case", list(EDGE_CASES))
def test_loss_edge_cases_match_pytorch(case):
    check(EDGE_CASES[case](), EDGES[case])


def test_linear_takes_pytorchs_documented_weight_and_bias_shapes():
    """F.linear's documented shapes: weight (out, in) or (in,), bias (out,) or () (and any bias that
    broadcasts to the output, as PyTorch adds it). Values by hand: small integers."""
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    w = torch.tensor([1.0, 0.0, -1.0], requires_grad=True)
    b = torch.tensor(0.5, requires_grad=True)
    out = F.linear(x, w, b)                                   # (in,) weight: x @ w + b, shape (2,)
    np.testing.assert_array_equal(out.detach().numpy(), [-1.5, -1.5])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 0.0, -1.0]] * 2)
    np.testing.assert_array_equal(w.grad.numpy(), [5.0, 7.0, 9.0])
    assert b.grad.item() == 2.0 and b.grad.shape == ()
    W = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    scalar_bias = torch.tensor(10.0, requires_grad=True)
    out = F.linear(x, W, scalar_bias)                         # () bias: added to every entry
    np.testing.assert_array_equal(out.detach().numpy(), [[11.0, 12.0], [14.0, 15.0]])
    out.sum().backward()
    assert scalar_bias.grad.item() == 4.0
    assert F.linear(torch.tensor([1.0, 2.0, 3.0]), w).item() == -2.0       # 1-D input and weight: a dot
    with pytest.raises(RuntimeError, match=re.escape("size mismatch, got input (2), mat (2x4), vec (3)")):
        F.linear(torch.ones(2, 4), w)
    with pytest.raises(TypeError, match=re.escape("linear(): argument 'weight' (position 2) must be Tensor, "
                                                  "not numpy.ndarray")):
        F.linear(x, np.ones((2, 3)))
    with pytest.raises(TypeError, match=re.escape("linear(): argument 'bias' (position 3) must be Tensor, not float")):
        F.linear(x, w, 0.5)                                   # as PyTorch: no number, even with a 1-D weight


def test_embedding_padding_row_starts_at_zero_and_gets_no_gradient():
    emb = nn.Embedding(5, 3, padding_idx=2)
    np.testing.assert_array_equal(emb.weight[2].detach().numpy(), 0)
    emb(torch.tensor([2, 2, 1])).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad[2].numpy(), 0)
    np.testing.assert_array_equal(emb.weight.grad[1].numpy(), 1)
    assert nn.Embedding(5, 3, padding_idx=-1).padding_idx == 4
    frozen = nn.Embedding.from_pretrained(torch.ones(4, 2))
    assert not frozen.weight.requires_grad and repr(frozen) == "Embedding(4, 2)"
    assert repr(nn.Embedding(5, 3, padding_idx=2)) == "Embedding(5, 3, padding_idx=2)"


def test_dropout_zeroes_and_scales_in_training_and_is_the_identity_in_eval():
    torch.manual_seed(0)
    drop, x = nn.Dropout(0.4), torch.ones(20000)
    y = drop(x).numpy()
    assert set(np.round(np.unique(y), 12)) == {0.0, round(1 / 0.6, 12)}
    assert abs((y == 0).mean() - 0.4) < 0.02
    np.testing.assert_array_equal(drop.eval()(x).numpy(), x.numpy())
    np.testing.assert_array_equal(F.dropout(x, 0.5, training=False).numpy(), x.numpy())
    assert repr(nn.Dropout(0.1)) == "Dropout(p=0.1, inplace=False)"


def test_loss_modules_keep_their_options_like_pytorch():
    loss = nn.CrossEntropyLoss(weight=torch.ones(3), ignore_index=1, label_smoothing=0.1)
    assert (loss.ignore_index, loss.label_smoothing, loss.reduction) == (1, 0.1, "mean")
    assert list(loss.state_dict()) == ["weight"] and repr(loss) == "CrossEntropyLoss()"
    assert list(nn.BCEWithLogitsLoss(pos_weight=torch.ones(3)).state_dict()) == ["pos_weight"]
    with pytest.warns(UserWarning, match="please use reduction='sum' instead"):
        assert nn.NLLLoss(size_average=False).reduction == "sum"
    with pytest.warns(UserWarning, match="This will likely lead to incorrect results due to broadcasting"):
        nn.MSELoss()(torch.ones(2, 3), torch.ones(3))


def test_an_implicit_softmax_dim_says_so():
    with pytest.warns(UserWarning, match=re.escape("Implicit dimension choice for log_softmax has been deprecated")):
        F.log_softmax(torch.ones(2, 3))



def test_dropout_in_place_writes_into_its_input_and_returns_the_input_when_not_training():
    x = torch.ones(400)
    assert F.dropout(x, 0.5, training=False) is x and F.dropout(x, 0.0) is x
    y = F.dropout(x, 0.5, inplace=True)                  # outside a graph: written into x, as in PyTorch
    assert y is x and set(x.tolist()) == {0.0, 2.0}


def test_binary_cross_entropy_gives_a_target_that_requires_grad_minus_logit_p():
    """d/dy of -(y log p + (1 - y) log(1 - p)) is -logit(p); d/dp is (p - y) / (p (1 - p)). By hand:
    p = (1/4, 1/2), y = (1, 0): d/dy = (ln 3, 0), d/dp = (-4, 2)."""
    p = torch.tensor([0.25, 0.5], requires_grad=True)
    y = torch.tensor([1.0, 0.0], requires_grad=True)
    F.binary_cross_entropy(p, y, reduction="sum").backward()
    np.testing.assert_allclose(y.grad.numpy(), [np.log(3.0), 0.0], rtol=1e-15, atol=0)
    np.testing.assert_allclose(p.grad.numpy(), [-4.0, 2.0], rtol=1e-15)
    assert list(nn.BCEWithLogitsLoss(torch.ones(2), pos_weight=torch.ones(2)).state_dict()) == ["weight", "pos_weight"]


# ---- expected values: PyTorch's, written by it (see the module docstring)
LAYERS = {
    'Linear': [[[1.3503708763404183, 1.618633877334, 1.282333542140542], [0.9877021577941486, 1.307287020755666,
        1.0368872857993736], [0.59848536770818, 0.9521855076797194, 0.7325285887908076], [0.2009454844073715,
        0.5699568771635188, 0.38350897056943556]], [[-0.11286261409074085, -0.06547533952224183,
        0.07783346083874748, 0.1071160587265671, -0.02052662036626865], [0.12655794636804601, 0.30504613493051036,
        0.036641021172692516, -0.28544327444390255, -0.18935250427771372], [-0.07088238915284589,
        -0.3774103477126626, -0.13103126269502505, 0.3073089291444231, 0.2954408198390438], [-0.023646314198173146,
        0.24290259175754797, 0.1535986317282143, -0.1607276836262747, -0.2395875659233573]], [[0.7158726424219127,
        0.36457734859127583, -0.5208246150394646, -0.643217297475092, 0.17670486778814382], [0.2060528982622638,
        0.05667364042429053, -0.17573263340748574, -0.1506901875995239, 0.09511373607130308], [-0.6056348245821992,
        -0.3342570837364984, 0.4268080678642319, 0.5625984001389079, -0.12581924181778043]], [0.53744818752599,
        0.14582871082951626, -0.45943016887253146]],
    'Linear 3-D, no bias': [[[[0.92963538393647, 1.24578127124564, 1.5035937637879682], [0.5669666653902004,
        0.9344344146673058, 1.2581475074467998], [0.17774987530423172, 0.5793329015913593, 0.9537888104382338],
        [-0.21979000799657675, 0.19710427107515877, 0.6047691922168618]], [[-0.6070382794404735,
        -0.19435371737107657, 0.22743140864280448], [-0.9658621360930153, -0.5767111418728277,
        -0.16055579345194818], [-1.2794597410948751, -0.9320642121738867, -0.5410250108910379],
        [-1.5331469654478567, -1.2437736101130863, -0.8961608682391655]]], [[[-0.11286261409074085,
        -0.06547533952224183, 0.07783346083874748, 0.1071160587265671, -0.02052662036626865], [0.12655794636804601,
        0.30504613493051036, 0.036641021172692516, -0.28544327444390255, -0.18935250427771372],
        [-0.07088238915284589, -0.3774103477126626, -0.13103126269502505, 0.3073089291444231, 0.2954408198390438],
        [-0.023646314198173146, 0.24290259175754797, 0.1535986317282143, -0.1607276836262747, -0.2395875659233573]],
        [[0.10521363585628657, 0.024748671451177456, -0.0919731546098774, -0.07395409369727798, 0.0524078877378473],
        [-0.1291096400226839, -0.2788343119424381, -0.020066063627205838, 0.2680990149116701, 0.16349840851576108],
        [0.08223608109594874, 0.3800809976656932, 0.12110636222012618, -0.3152893775999558, -0.2897854405916528],
        [0.009713984345940917, -0.27299183689385, -0.1557639775322997, 0.18965847383025664, 0.2572308167089405]]],
        [[0.11637093720437525, 0.6113985776775599, 0.21072586949859634, -0.49866073117401544, -0.4775081924388568],
        [0.009223234542031833, 0.19534355476873805, 0.09528510961796866, -0.14436624435239268, -0.1725207121323602],
        [-0.11143652833212708, -0.5068902335175607, -0.15974855908225438, 0.42142512865962334,
        0.38521001562108703]]],
    'Linear 1-D': [[1.3503708763404183, 1.618633877334, 1.282333542140542], [-0.11286261409074085,
        -0.06547533952224183, 0.07783346083874748, 0.1071160587265671, -0.02052662036626865], [[0.5738605509257194,
        0.508550872952093, -0.301787025304327, -0.6700062244781053, -0.05666473513382402], [-0.09955381844994322,
        -0.08822383974079119, 0.05235427087509331, 0.1162332520059548, 0.00983024664254545], [-0.6271216105666487,
        -0.555750420526943, 0.3297964375694907, 0.7321907419957441, 0.0619238940577674]], [0.45464871341284085,
        -0.0788728470716241, -0.4968455018167322]],
    'Embedding': [[[[0.0, 0.4817790927085965, 0.2577506859107321], [0.4992716726873025, 0.15954918117467606,
        -0.41391323454282686], [0.3027699348598005, 0.4643976170386202, -0.05431829771203988]],
        [[0.3027699348598005, 0.4643976170386202, -0.05431829771203988], [0.3027699348598005, 0.4643976170386202,
        -0.05431829771203988], [-0.34388307959198705, -0.44172732786007657, 0.10755999404390776]]],
        [[0.45464871341284085, -0.0788728470716241, -0.4968455018167322], [0.23581950154709808, -0.3617473780221225,
        -0.42935350130496475], [-0.186938332415118, 0.39683393192457656, 0.39924355631174513], [0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0], [-0.20468444243079487, -0.1469210301200288, 0.12608203551594338]]],
    'Embedding padding_idx=5': [[[[0.0, 0.4817790927085965, 0.2577506859107321], [0.4992716726873025,
        0.15954918117467606, -0.41391323454282686], [0.3027699348598005, 0.4643976170386202, -0.05431829771203988]],
        [[0.3027699348598005, 0.4643976170386202, -0.05431829771203988], [0.3027699348598005, 0.4643976170386202,
        -0.05431829771203988], [-0.34388307959198705, -0.44172732786007657, 0.10755999404390776]]],
        [[0.45464871341284085, -0.0788728470716241, -0.4968455018167322], [0.23581950154709808, -0.3617473780221225,
        -0.42935350130496475], [-0.186938332415118, 0.39683393192457656, 0.39924355631174513], [0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
    'Embedding padding_idx=-1': [[[[0.0, 0.4817790927085965, 0.2577506859107321], [0.4992716726873025,
        0.15954918117467606, -0.41391323454282686], [0.3027699348598005, 0.4643976170386202, -0.05431829771203988]],
        [[0.3027699348598005, 0.4643976170386202, -0.05431829771203988], [0.3027699348598005, 0.4643976170386202,
        -0.05431829771203988], [-0.34388307959198705, -0.44172732786007657, 0.10755999404390776]]],
        [[0.45464871341284085, -0.0788728470716241, -0.4968455018167322], [0.23581950154709808, -0.3617473780221225,
        -0.42935350130496475], [-0.186938332415118, 0.39683393192457656, 0.39924355631174513], [0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
    'F.embedding padding_idx=1': [[[0.499470670919886, 0.11144495705012382, -0.439847879985835],
        [-0.3467625423885612, 0.25433073218618685, 0.4828288882746387], [0.499470670919886, 0.11144495705012382,
        -0.439847879985835]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [-0.6935250847771224, 0.5086614643723737,
        0.9656577765492774], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
    'Tanh': [[[0.8516712719612177, 0.8070666944092011, -0.580873928093677, -0.9002769276398167,
        -0.1239927477134244], [0.8868553641494109, 0.7051022264093117, -0.7341203842430374, -0.8807255281251937,
        0.19722929702307807], [0.9025695695547246, 0.5335614324403636, -0.8234781294996308, -0.8395761853145294,
        0.4738103827938962], [0.9042852296401076, 0.2775079032513655, -0.8723386039567214, -0.7630036392569425,
        0.6673684721419362]], [[0.12487201727024186, -0.027498493688247135, -0.32920261513866056,
        -0.03542508571863745, 0.390732927098875], [0.08523353391215398, -0.09213850609178999, -0.22927781910006934,
        -0.018574374975785752, 0.4353568251939444], [0.06027133413887759, -0.19959079833411458,
        -0.15270882217868512, 0.007440165812211266, 0.37837622135467436], [0.04298240160297137, -0.3338889822365562,
        -0.10262637523678991, 0.055171452178942565, 0.27730792602926924]]],
    'ReLU': [[[1.2622064772118446, 1.1185578182650804, 0.0, 0.0, 0.0], [1.4069999651621083, 0.8773757893376426, 0.0,
        0.0, 0.19984806212991596], [1.4859110335423056, 0.595110859695918, 0.0, 0.0, 0.5149723932298431],
        [1.495244691418199, 0.2849800136931566, 0.0, 0.0, 0.8059832715097078]], [[0.45464871341284085,
        -0.0788728470716241, 0.0, 0.0, 0.0], [0.39924355631174513, -0.1832395646259642, 0.0, 0.0,
        0.4529773711542313], [0.3251439200785584, -0.2790261356433897, 0.0, 0.0, 0.48791025888348777],
        [0.23581950154709808, -0.3617473780221225, 0.0, 0.0, 0.49999687142851035]]],
    'Sigmoid': [[[0.7794057066846788, 0.753721108567744, 0.3398908496713136, 0.1863840803158247,
        0.46888174521755766], [0.8032923281303331, 0.7062781251773195, 0.28138417836869756, 0.20117081104661316,
        0.5497963898869308], [0.8154637477235593, 0.6445369530749939, 0.23730207919136798, 0.2279829715299218,
        0.6259713941826407], [0.816864167445534, 0.5707667154146924, 0.20705308762838143, 0.2682803897309817,
        0.6912529039630638]], [[0.07816886767381703, -0.014640819487802331, -0.11147477081641415,
        -0.02834827368586509, 0.09882421051752441], [0.06308597696470673, -0.03801292584078277,
        -0.10055280853397489, -0.013306387890280578, 0.11212110365892983], [0.04892851022951648,
        -0.0639274182185572, -0.0858655890946029, 0.0044373663562169334, 0.1142350182336661], [0.035277913410817124,
        -0.08862523967837829, -0.07049216229111112, 0.0259210835730477, 0.10671049565584088]]],
    'Softmax(dim=0)': [[[0.21418174283448968, 0.35553465247528204, 0.348207535253428, 0.2004446110298989,
        0.14673248842199163], [0.24755144231081797, 0.2793430763897768, 0.26479961212919023, 0.22035151899190933,
        0.20297712513370128], [0.26787741697157724, 0.21064531789571433, 0.21040857060125123, 0.2583928770185192,
        0.27816587814544363], [0.27038939788311506, 0.15447695323922675, 0.17658428201613063, 0.32081099295967247,
        0.37212450829886345]], [[0.023040844062694864, 0.04089113142587611, -0.005753083993569528,
        -0.03609960688014058, -0.01102248855098045], [0.012915000803675322, 0.0029739844935374043,
        -0.004489092134269397, -0.01673821486856011, -0.0038517303131610317], [-0.005874192376007509,
        -0.017934388671412237, 0.0012416747247238457, 0.008282010810598124, 0.004438611822367238],
        [-0.030081652490362664, -0.025930727248001287, 0.009000501403115067, 0.044555810938102555,
        0.010435607041774254]]],
    'Softmax(dim=1)': [[[0.42980732558767826, 0.3722956770322498, 0.06263660715898182, 0.027867235171142087,
        0.10739315504994823], [0.4888955145241951, 0.2878744993710821, 0.046877736273085883, 0.0301491292227423,
        0.14620312060889445], [0.5191325217519619, 0.2130142398622513, 0.03655142012648711, 0.03469211716472061,
        0.1966097010945791], [0.5152500158658534, 0.15360549162448944, 0.03016331670490905, 0.04235315127400758,
        0.25862802453074063]], [[0.12134075805191148, -0.09352337383136117, -0.041915158916044824,
        -0.01001193785259567, 0.024109712548090138], [0.10579017557908522, -0.10539000729103938,
        -0.031883132319401035, -0.00800940503958611, 0.03949236907094131], [0.07077123886764614,
        -0.09965745464066421, -0.024242371562447487, -0.005675859932517154, 0.05880444726798273],
        [0.024693313440618637, -0.08442802411758184, -0.01861824954612179, -0.002365437281015533,
        0.0807183975041005]]],
    'Softmax(dim=-1)': [[[0.42980732558767826, 0.3722956770322498, 0.06263660715898182, 0.027867235171142087,
        0.10739315504994823], [0.4888955145241951, 0.2878744993710821, 0.046877736273085883, 0.0301491292227423,
        0.14620312060889445], [0.5191325217519619, 0.2130142398622513, 0.03655142012648711, 0.03469211716472061,
        0.1966097010945791], [0.5152500158658534, 0.15360549162448944, 0.03016331670490905, 0.04235315127400758,
        0.25862802453074063]], [[0.12134075805191148, -0.09352337383136117, -0.041915158916044824,
        -0.01001193785259567, 0.024109712548090138], [0.10579017557908522, -0.10539000729103938,
        -0.031883132319401035, -0.00800940503958611, 0.03949236907094131], [0.07077123886764614,
        -0.09965745464066421, -0.024242371562447487, -0.005675859932517154, 0.05880444726798273],
        [0.024693313440618637, -0.08442802411758184, -0.01861824954612179, -0.002365437281015533,
        0.0807183975041005]]],
    'LogSoftmax(dim=0)': [[[-1.540930358800524, -1.0341325591720025, -1.0549566112922313, -1.6072173246157058,
        -1.9191441567162744], [-1.3961368708502604, -1.2753145880994403, -1.3287819196892756, -1.5125311941762207,
        -1.5946619903601138], [-1.3172258024700632, -1.5575795177411649, -1.5587040641514003, -1.3532740731714366,
        -1.2795376592601866], [-1.3078921445941698, -1.8677103637439263, -1.7339569980794751, -1.1369031362462394,
        -0.9885267809803219]], [[0.15161245558014913, 0.24213438662716927, 0.16401672490309344, -0.1643913573167054,
        0.1271809331741795], [0.04899398925632318, 0.06897536739399471, 0.005286239988140527, -0.05801588775559135,
        0.07996256673935623], [-0.053863967907879576, -0.08883744287171316, -0.0750883391191267, 0.0542766190126231,
        -0.023280302924734875], [-0.14674247692859244, -0.2222723111494508, -0.09421462577210706,
        0.1681306260596736, -0.18386319698880102]]],
    'LogSoftmax(dim=1)': [[[-0.8444182507410382, -0.9880669096878024, -2.7704053928951615, -3.5803036468893814,
        -2.2312588321791273], [-0.7156064840679837, -1.2452306598924494, -3.0602124225694154, -3.5015992377271057,
        -1.922758387100176], [-0.6555960878475545, -1.5463962616939422, -3.309035239191308, -3.3612427888820897,
        -1.626534728160017], [-0.6631030284190346, -1.873367706144077, -3.5011287715667563, -3.161712450404266,
        -1.3523644483275257]], [[0.41647066336866445, -0.11194236948968322, -0.5024092588314442,
        -0.1894136664441553, 0.3872946313966182], [0.35577928766623784, -0.2088324657779268, -0.5014438645998536,
        -0.08548243518702867, 0.4399794778985712], [0.28111258520430144, -0.2970933938777745, -0.4775224358136393,
        0.022268857805211015, 0.4712343866819014], [0.19626903690516373, -0.37353809782460956, -0.431668830085336,
        0.12879324320488666, 0.4801446477998953]]],
    'LogSoftmax(dim=-1)': [[[-0.8444182507410382, -0.9880669096878024, -2.7704053928951615, -3.5803036468893814,
        -2.2312588321791273], [-0.7156064840679837, -1.2452306598924494, -3.0602124225694154, -3.5015992377271057,
        -1.922758387100176], [-0.6555960878475545, -1.5463962616939422, -3.309035239191308, -3.3612427888820897,
        -1.626534728160017], [-0.6631030284190346, -1.873367706144077, -3.5011287715667563, -3.161712450404266,
        -1.3523644483275257]], [[0.41647066336866445, -0.11194236948968322, -0.5024092588314442,
        -0.1894136664441553, 0.3872946313966182], [0.35577928766623784, -0.2088324657779268, -0.5014438645998536,
        -0.08548243518702867, 0.4399794778985712], [0.28111258520430144, -0.2970933938777745, -0.4775224358136393,
        0.022268857805211015, 0.4712343866819014], [0.19626903690516373, -0.37353809782460956, -0.431668830085336,
        0.12879324320488666, 0.4801446477998953]]],
    'F.softmax 3-D dim=1': [[[[0.7569224979432494, 0.3658473172173862, 0.0701646068699123, 0.09412190488377231],
        [0.18912729109785997, 0.4881673254909999, 0.32766785644323065, 0.1608808048317632], [0.053950210958890576,
        0.14598535729161402, 0.6021675366868571, 0.7449972902844645]], [[0.05328855904989541, 0.19445273027977228,
        0.7360981588958996, 0.6215382712335702], [0.22774573007219526, 0.17193967994383091, 0.16126135214617274,
        0.311979059310191], [0.7189657108779094, 0.6336075897763968, 0.1026404889579277, 0.06648266945623871]]],
        [[[0.030223867739757528, -0.11379430198330566, -0.04193976625142763, 0.01115651268340625],
        [-0.0033825121690330123, 0.08155970324260818, -0.0930996105469119, -0.030857803385420064],
        [-0.026841355570724493, 0.032234598740697444, 0.13503937679833952, 0.019701290702013815]],
        [[-0.024733380389785203, 0.07097874986130413, 0.1066211921125838, -0.05109668085350769],
        [-0.08004480461202496, -0.015396653110923584, -0.034029300530636346, 0.056769999054948],
        [0.10477818500181016, -0.05558209675038057, -0.07259189158194745, -0.005673318201440252]]]],
    'F.log_softmax 3-D dim=1': [[[[-0.278494411310041, -1.0055391986914592, -2.6569112707319213, -2.36316447644367],
        [-1.6653349927481302, -0.7170970517944313, -1.1157548164520001, -1.8270915308464943], [-2.9196936770188993,
        -1.9242489548266237, -0.507219572247337, -0.2943746978112532]], [[-2.9320336228233135, -1.637566177441299,
        -0.3063918010809096, -0.4755577911121919], [-1.4795254913287093, -1.7606115616785922, -1.824728924877785,
        -1.164819211020683], [-0.3299416124151113, -0.45632545973990885, -2.2765227948715308,
        -2.7108139749655535]]], [[[-0.12718289437619978, -0.36180016755911343, -0.4719411958201365,
        -0.09627627701887485], [0.2514554603435877, 0.021720292232035386, -0.0669367600333241,
        -0.34230934503885196], [-0.12427256596738787, 0.34007987532707795, 0.5388779558534605, 0.4385856220577269]],
        [[-0.4370820639645473, 0.1869322442935601, 0.29963538853102506, -0.36614690938036054],
        [-0.20216213413057707, -0.2863560755897058, 0.09079777773169789, 0.19784184202903188], [0.6392441980951243,
        0.09942383129614565, -0.390433166262723, 0.16830506735132883]]]],
    'one_hot': [[[1, 0, 0], [0, 0, 1], [0, 1, 0]], [[[1, 0, 0, 0], [0, 0, 1, 0]], [[0, 1, 0, 0], [1, 0, 0, 0]]]],
}
LOSSES = {
    'NLLLoss, reduction=mean': [2.209135414516408, [[0.014665179555350696, -0.19207138206276853,
        0.034880997033972926, 0.14252520547344488], [-0.09981028231034168, 0.016606422509230515,
        0.013153189319354667, 0.07005067048175649], [0.13516992549865728, 0.04640570114113685, 0.008478323568371663,
        -0.19005395020816582], [0.05117281314669478, 0.11337403286541732, 0.02910603889327761,
        -0.19365288490538973], [0.010836311013011997, 0.06651370467837528, -0.09818172602070702,
        0.020831710329319728]]],
    'NLLLoss weight, reduction=mean': [1.6341461968545645, [[0.01833147444418837, -0.24008922757846063,
        0.04360124629246615, 0.1781565068418061], [-0.06238142644396355, 0.010379014068269072, 0.008220743324596666,
        0.04378166905109781], [0.0422406017183304, 0.014501781606605266, 0.0026494761151161445,
        -0.05939185944005182], [0.015991504108342117, 0.03542938527044291, 0.009095637154149253,
        -0.06051652653293429], [0.027090777532529992, 0.16628426169593818, -0.2454543150517675,
        0.05207927582329932]]],
    'NLLLoss ignore_index, reduction=mean': [1.531406066615158, [[0.024441965925584494, -0.32011897010461415,
        0.058134995056621536, 0.2375420091224081], [-0.16635047051723612, 0.027677370848717523,
        0.021921982198924442, 0.11675111746959416], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0],
        [0.018060518355019994, 0.11085617446395879, -0.16363621003451168, 0.034719517215532875]]],
    'NLLLoss weight ignore_index, reduction=mean': [1.406777162638319, [[0.02095025650764385, -0.27438768866109786,
        0.049829995762818456, 0.20360743639063553], [-0.0712930587931012, 0.01186173036373608, 0.009395135228110476,
        0.05003619320125464], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.030960888608605703,
        0.19003915622392933, -0.28051921720202, 0.05951917236948493]]],
    'NLLLoss (N, C, d), reduction=mean': [2.8591245991741863, [[[-0.07602045382981296, 0.00483381130519232,
        0.07791753348604553], [0.05274532375844114, 0.003531949391421683, -0.15502975430795182],
        [0.016557673231018276, 0.029789910552497117, 0.04954497596445232], [0.006717456840353527,
        -0.03815567124911112, 0.027567244857453967]], [[0.17036780710353966, 0.07033733950136102,
        -0.07600233674243136], [0.011661603012395669, 0.07129842717862125, 0.05882863503881017],
        [-0.27151301541513784, -0.30961540077622524, 0.005047711754931815], [0.08948360529920249,
        0.16797963409624297, 0.012125989948689369]]]],
    'NLLLoss (C,), reduction=mean': [1.7463751832262016, [0.07332589777675348, 0.03964308968615747,
        -0.8255950148301354, 0.7126260273672244]],
    'CrossEntropyLoss, reduction=mean': [2.209135414516408, [[0.014665179555350696, -0.19207138206276853,
        0.034880997033972926, 0.14252520547344488], [-0.09981028231034168, 0.016606422509230515,
        0.013153189319354667, 0.07005067048175649], [0.13516992549865728, 0.04640570114113685, 0.008478323568371663,
        -0.19005395020816582], [0.05117281314669478, 0.11337403286541732, 0.02910603889327761,
        -0.19365288490538973], [0.010836311013011997, 0.06651370467837528, -0.09818172602070702,
        0.020831710329319728]]],
    'CrossEntropyLoss weight ignore_index, reduction=mean': [1.406777162638319, [[0.02095025650764385,
        -0.27438768866109786, 0.049829995762818456, 0.20360743639063553], [-0.0712930587931012, 0.01186173036373608,
        0.009395135228110476, 0.05003619320125464], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0],
        [0.030960888608605703, 0.19003915622392933, -0.28051921720202, 0.05951917236948493]]],
    'CrossEntropyLoss label_smoothing, reduction=mean': [2.1388355991002497, [[0.004665179555350699,
        -0.16207138206276853, 0.024880997033972927, 0.1325252054734449], [-0.06981028231034167,
        0.006606422509230518, 0.0031531893193546684, 0.06005067048175651], [0.12516992549865727,
        0.03640570114113685, -0.0015216764316283375, -0.16005395020816582], [0.04117281314669478,
        0.10337403286541733, 0.01910603889327761, -0.16365288490538973], [0.0008363110130119973,
        0.05651370467837528, -0.06818172602070702, 0.010831710329319729]]],
    'CrossEntropyLoss label_smoothing ignore_index, reduction=mean': [1.588952817967294, [[0.007775299258917826,
        -0.27011897010461416, 0.041468328389954866, 0.22087534245574145], [-0.11635047051723614,
        0.011010704182050857, 0.005255315532257776, 0.10008445080292748], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0,
        0.0], [0.0013938516883533275, 0.09418950779729211, -0.11363621003451167, 0.01805285054886621]]],
    'CrossEntropyLoss label_smoothing weight ignore_index, reduction=mean': [1.4272185363036782,
        [[0.01354552115844116, -0.2316721282671199, 0.020635692244354655, 0.19749091486432402],
        [-0.03734077265332249, -0.0003481811083243897, -0.017532144678398764, 0.055221098440045635], [0.0, 0.0, 0.0,
        0.0], [0.0, 0.0, 0.0, 0.0], [0.02052843705108421, 0.1555617815894226, -0.2257140503743054,
        0.0496238317337986]]],
    'CrossEntropyLoss probabilities, reduction=mean': [1.8398738164543542, [[-0.03298180411464756,
        -0.04832158519510973, -0.035938192521141894, 0.11724158183089917], [0.036027367535191035,
        -0.01247439416193308, -0.04118692739850851, 0.017633954025250566], [0.0982845759419697,
        -0.02707945818508338, -0.012036769542443957, -0.059168348214442404], [-0.0032113535762735177,
        0.06154553078139151, -0.045947495012151236, -0.012386682192966765], [-0.05121683393386871,
        0.0328418135685742, 0.052165139268168584, -0.03379011890287406]]],
    'CrossEntropyLoss probabilities weight label_smoothing, reduction=mean': [1.7909389663455877,
        [[-0.00751763138587576, -0.04674593619812485, -0.09841136808349686, 0.15267493566749746],
        [0.06050179715930414, -0.01594449910536127, -0.09575061948382885, 0.05119332142988596],
        [0.08495740040679026, -0.035412848350798394, -0.04040042872870124, -0.009144123327290645],
        [0.031666049594537275, 0.07826964803154261, -0.11174375217957361, 0.0018080545534936974],
        [-0.020744696222718614, 0.02410672625706069, -0.008429436597957739, 0.005067406563615662]]],
    'CrossEntropyLoss (N, C, d) weight label_smoothing ignore_index, reduction=mean': [2.389275526419632, [[[0.0,
        0.0033591733713999802, 0.08387688063474069], [0.0, -0.006612133762685033, -0.14181303144604493], [0.0,
        0.03615069852179433, 0.02930477102990338], [0.0, -0.03289773813050928, 0.02863137978140084]],
        [[0.16335171172192026, 0.06324681668849, 0.0], [-0.0026154344853629653, 0.05706576231789105, 0.0],
        [-0.2467150340277979, -0.2848457693779933, 0.0], [0.08597875679124058, 0.1645331903716122, 0.0]]]],
    'CrossEntropyLoss (N, C, d) probabilities, reduction=mean': [1.873835890646481, [[[-0.06048336969911817,
        0.0032042302313637244, 0.025198102660002216], [0.0601700966404879, -0.015679743279209235,
        -0.058375159146738756], [0.031088350532363414, 0.06305681142563899, 0.015305721468404603],
        [-0.030775077473733176, -0.05058129837779351, 0.01787133501833192]], [[0.022688181171778003,
        0.013158935101004724, -0.04503758412121259], [-0.046590406436084766, 0.013078638004385757,
        0.05619845354622788], [0.014837462360545905, -0.05299244665686508, -0.03246536629661829],
        [0.009064762903760881, 0.026754873551474604, 0.021304496871602983]]]],
    'CrossEntropyLoss (C,), reduction=mean': [1.7463751832262016, [0.07332589777675348, 0.03964308968615747,
        -0.8255950148301354, 0.7126260273672244]],
    'CrossEntropyLoss (C,) probabilities, reduction=mean': [2.1915175999698593, [-0.1649090205732378,
        -0.2416079259755486, -0.17969096260570946, 0.5862079091544958]],
    'MSELoss, reduction=mean': [1.1614415649508125, [[-0.1054266584684046, -0.17122798905148395,
        -0.030366137694386904, 0.13315931338797354], [0.0408786282508363, -0.12130820969095024, -0.1572503852817688,
        0.010966772969191008], [0.1315262602430566, 0.006315318036048645, -0.1371906071816834, -0.1455239867648223],
        [0.04037400577982425, 0.1212002361197599, -0.026386950115060228, -0.15052160989523156],
        [-0.11768382914030012, 0.07795733639613221, 0.11254487307806021, -0.04861079776219715]]],
    'L1Loss, reduction=mean': [0.9432099526535858, [[-0.05, -0.05, -0.05, 0.05], [0.05, -0.05, -0.05, 0.05], [0.05,
        0.05, -0.05, -0.05], [0.05, 0.05, -0.05, -0.05], [-0.05, 0.05, 0.05, -0.05]]],
    'BCELoss, reduction=mean': [1.2836962090593511, [[-0.163075379525374, -0.2591500381475145, -0.09754080688731274,
        0.26487022849953473], [0.1537123330975207, -0.19543089407616962, -0.23361226424151496, 0.12251361355476205],
        [0.2740148525406971, 0.12690739089948447, -0.22792348737803286, -0.201667539171435], [0.14826657087579262,
        0.26771086541806727, 0.1058919953378521, -0.2551148606207967], [-0.16893719397900836, 0.17901850258120106,
        0.24749976802121698, -0.11186916026561129]]],
    'BCELoss weight, reduction=mean': [0.7359711323063187, [[0.008039989629740292, -0.028357453910498535,
        0.06344433706549867, 0.05589851520377297], [0.04031290582626569, 0.029004101901313733, -0.03428269810005768,
        0.017066239867898618], [0.10609982464263128, 0.049963277923642566, 0.06820313258672862,
        -0.006545509876157337], [0.04371791062295521, 0.18240270961317018, 0.06121075071873183,
        0.008116707029715576], [-0.001715419792626595, 0.13719875994593836, 0.340996361153655,
        0.008791037850829225]]],
    'BCEWithLogitsLoss, reduction=mean': [9.322990336066542, [[-0.049985715487762636, -0.04999996951471204,
        -0.01882599780065821, 0.04999997672405143], [0.04996611000216159, -0.049998846298955166,
        -0.04999988788797116, 0.04881409524638527], [0.04999998465730056, 0.049334466835670304, -0.0499998464195661,
        -0.04999924188156151], [0.049941909224648015, 0.04999997958878634, 0.037643533746890424,
        -0.049999962957655755], [-0.04999138176559595, 0.04999617952913936, 0.04999994592410956,
        -0.044689194949315114]]],
    'BCEWithLogitsLoss weight, reduction=mean': [0.7359711323063187, [[0.0017092939330157777, -0.004415629571455232,
        0.015851002295177653, 0.008560127428702635], [0.008847632669574312, 0.005522041458561398,
        -0.005767072448778948, 0.004122481337338491], [0.015827534788145532, 0.0119293058841027,
        0.011679639723718493, -0.0012204897300964412], [0.009771218317070847, 0.02770444140457982,
        0.01525531082335046, 0.0012790145543112898], [-0.00035744362558692426, 0.027616990290872657,
        0.05497139350728848, 0.0021730194800716335]]],
    'BCEWithLogitsLoss pos_weight, reduction=mean': [0.8058557528134159, [[0.007548350416182516,
        -0.004415629571455232, -0.0007037113891839086, 0.03513541577122783], [0.02030413009570009,
        0.0055220414585613956, -0.01356096352268408, 0.02050096300077456], [0.03249638687202071, 0.0119293058841027,
        0.001836155131919298, 0.004864041889283587], [0.021834936150457458, 0.027704441404579817,
        -0.0012320244047698103, 0.007940212754579654], [0.004746037874106543, 0.027616990290872657,
        0.024977960326853538, 0.014356183702563316]]],
    'NLLLoss, reduction=sum': [11.045677072582041, [[0.07332589777675348, -0.9603569103138425, 0.1744049851698646,
        0.7126260273672244], [-0.4990514115517084, 0.08303211254615257, 0.06576594659677333, 0.35025335240878247],
        [0.6758496274932864, 0.23202850570568426, 0.04239161784185831, -0.9502697510408291], [0.25586406573347387,
        0.5668701643270866, 0.14553019446638804, -0.9682644245269486], [0.054181555065059984, 0.33256852339187637,
        -0.490908630103535, 0.10415855164659864]]],
    'NLLLoss weight, reduction=sum': [6.536584787418258, [[0.07332589777675348, -0.9603569103138425,
        0.1744049851698646, 0.7126260273672244], [-0.2495257057758542, 0.041516056273076286, 0.032882973298386665,
        0.17512667620439124], [0.1689624068733216, 0.058007126426421064, 0.010597904460464578,
        -0.23756743776020728], [0.06396601643336847, 0.14171754108177165, 0.03638254861659701,
        -0.24206610613173715], [0.10836311013011997, 0.6651370467837527, -0.98181726020707, 0.20831710329319728]]],
    'NLLLoss ignore_index, reduction=sum': [4.594218199845474, [[0.07332589777675348, -0.9603569103138425,
        0.1744049851698646, 0.7126260273672244], [-0.4990514115517084, 0.08303211254615257, 0.06576594659677333,
        0.35025335240878247], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.054181555065059984,
        0.33256852339187637, -0.490908630103535, 0.10415855164659864]]],
    'NLLLoss weight ignore_index, reduction=sum': [4.9237200692341165, [[0.07332589777675348, -0.9603569103138425,
        0.1744049851698646, 0.7126260273672244], [-0.2495257057758542, 0.041516056273076286, 0.032882973298386665,
        0.17512667620439124], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.10836311013011997, 0.6651370467837527,
        -0.98181726020707, 0.20831710329319728]]],
    'NLLLoss (N, C, d), reduction=sum': [17.869528744838664, [[[-0.47512783643633094, 0.030211320657452,
        0.48698458428778457], [0.3296582734902571, 0.02207468369638552, -0.9689359644246989], [0.10348545769386423,
        0.18618694095310698, 0.309656099777827], [0.041984105252209546, -0.23847294530694452, 0.17229528035908728]],
        [[1.0647987943971229, 0.4396083718835064, -0.47501460464019596], [0.07288501882747293, 0.44561516986638283,
        0.3676789689925635], [-1.6969563463446113, -1.9350962548514077, 0.031548198468323845], [0.5592725331200156,
        1.0498727131015186, 0.07578743717930855]]]],
    'NLLLoss (C,), reduction=sum': [1.7463751832262016, [0.07332589777675348, 0.03964308968615747,
        -0.8255950148301354, 0.7126260273672244]],
    'CrossEntropyLoss, reduction=sum': [11.045677072582041, [[0.07332589777675348, -0.9603569103138425,
        0.1744049851698646, 0.7126260273672244], [-0.4990514115517084, 0.08303211254615257, 0.06576594659677333,
        0.35025335240878247], [0.6758496274932864, 0.23202850570568426, 0.04239161784185831, -0.9502697510408291],
        [0.25586406573347387, 0.5668701643270866, 0.14553019446638804, -0.9682644245269486], [0.054181555065059984,
        0.33256852339187637, -0.490908630103535, 0.10415855164659864]]],
    'CrossEntropyLoss weight ignore_index, reduction=sum': [4.9237200692341165, [[0.07332589777675348,
        -0.9603569103138425, 0.1744049851698646, 0.7126260273672244], [-0.2495257057758542, 0.041516056273076286,
        0.032882973298386665, 0.17512667620439124], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0],
        [0.10836311013011997, 0.6651370467837527, -0.98181726020707, 0.20831710329319728]]],
    'CrossEntropyLoss label_smoothing, reduction=sum': [10.69417799550125, [[0.023325897776753497,
        -0.8103569103138426, 0.12440498516986465, 0.6626260273672245], [-0.3490514115517084, 0.03303211254615259,
        0.015765946596773342, 0.30025335240878254], [0.6258496274932863, 0.18202850570568424, -0.007608382158141691,
        -0.8002697510408292], [0.20586406573347388, 0.5168701643270865, 0.09553019446638804, -0.8182644245269487],
        [0.004181555065059982, 0.2825685233918764, -0.3409086301035351, 0.054158551646598635]]],
    'CrossEntropyLoss label_smoothing ignore_index, reduction=sum': [4.7668584539018815, [[0.023325897776753497,
        -0.8103569103138426, 0.12440498516986465, 0.6626260273672245], [-0.3490514115517084, 0.03303211254615259,
        0.015765946596773342, 0.30025335240878254], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0],
        [0.004181555065059982, 0.2825685233918764, -0.3409086301035351, 0.054158551646598635]]],
    'CrossEntropyLoss label_smoothing weight ignore_index, reduction=sum': [4.9952648770628745,
        [[0.047409324054544066, -0.8108524489349196, 0.0722249228552413, 0.6912182020251341], [-0.1306927042866287,
        -0.0012186338791353643, -0.06136250637439567, 0.1932738445401597], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0,
        0.0], [0.07184952967879472, 0.544466235562979, -0.789999176310069, 0.17368341106829507]]],
    'CrossEntropyLoss probabilities, reduction=sum': [9.19936908227177, [[-0.1649090205732378, -0.2416079259755486,
        -0.17969096260570946, 0.5862079091544958], [0.18013683767595512, -0.0623719708096654, -0.20593463699254255,
        0.08816977012625282], [0.49142287970984855, -0.13539729092541689, -0.06018384771221978, -0.295841741072212],
        [-0.016056767881367617, 0.30772765390695744, -0.2297374750607562, -0.06193341096483384],
        [-0.2560841696693435, 0.16420906784287095, 0.26082569634084285, -0.1689505945143703]]],
    'CrossEntropyLoss probabilities weight label_smoothing, reduction=sum': [8.954694831727938,
        [[-0.037588156929378815, -0.23372968099062427, -0.4920568404174843, 0.7633746783374871],
        [0.30250898579652075, -0.07972249552680633, -0.4787530974191442, 0.2559666071494298], [0.42478700203395126,
        -0.177064241753992, -0.20200214364350622, -0.04572061663645322], [0.15833024797268638, 0.3913482401577131,
        -0.5587187608978681, 0.009040272767468488], [-0.10372348111359307, 0.12053363128530348,
        -0.04214718298978861, 0.025337032818078316]]],
    'CrossEntropyLoss (N, C, d) weight label_smoothing ignore_index, reduction=sum': [12.543696513703068, [[[0.0,
        0.01763566019984989, 0.4403536233323886], [0.0, -0.03471370225409643, -0.7445184150917358], [0.0,
        0.1897911672394202, 0.15385004790699272], [0.0, -0.1727131251851737, 0.15031474385235438]],
        [[0.8575964865400814, 0.33204578761457254, 0.0], [-0.013731031048155566, 0.2995952521689281, 0.0],
        [-1.2952539286459388, -1.4954402892344645, 0.0], [0.45138847315401304, 0.8637992494509641, 0.0]]]],
    'CrossEntropyLoss (N, C, d) probabilities, reduction=sum': [11.243015343878886, [[[-0.362900218194709,
        0.019225381388182347, 0.15118861596001332], [0.3610205798429275, -0.0940784596752554, -0.35025095488043256],
        [0.18653010319418054, 0.378340868553834, 0.09183432881042763], [-0.18465046484239905, -0.30348779026676104,
        0.10722801010999153]], [[0.13612908703066795, 0.07895361060602835, -0.2702255047272755],
        [-0.2795424386165086, 0.07847182802631456, 0.33719072127736727], [0.08902477416327541, -0.3179546799411905,
        -0.19479219777970974], [0.054388577422565226, 0.16052924130884766, 0.12782698122961791]]]],
    'CrossEntropyLoss (C,), reduction=sum': [1.7463751832262016, [0.07332589777675348, 0.03964308968615747,
        -0.8255950148301354, 0.7126260273672244]],
    'CrossEntropyLoss (C,) probabilities, reduction=sum': [2.1915175999698593, [-0.1649090205732378,
        -0.2416079259755486, -0.17969096260570946, 0.5862079091544958]],
    'MSELoss, reduction=sum': [23.22883129901625, [[-2.108533169368092, -3.424559781029679, -0.607322753887738,
        2.6631862677594706], [0.817572565016726, -2.426164193819005, -3.1450077056353756, 0.21933545938382015],
        [2.630525204861132, 0.1263063607209729, -2.743812143633668, -2.910479735296446], [0.8074801155964849,
        2.424004722395198, -0.5277390023012045, -3.010432197904631], [-2.3536765828060022, 1.559146727922644,
        2.250897461561204, -0.9722159552439429]]],
    'L1Loss, reduction=sum': [18.864199053071715, [[-1.0, -1.0, -1.0, 1.0], [1.0, -1.0, -1.0, 1.0], [1.0, 1.0, -1.0,
        -1.0], [1.0, 1.0, -1.0, -1.0], [-1.0, 1.0, 1.0, -1.0]]],
    'BCELoss, reduction=sum': [25.673924181187022, [[-3.2615075905074797, -5.18300076295029, -1.950816137746255,
        5.297404569990695], [3.0742466619504136, -3.9086178815233925, -4.672245284830299, 2.450272271095241],
        [5.480297050813942, 2.5381478179896892, -4.5584697475606575, -4.0333507834287], [2.9653314175158525,
        5.354217308361346, 2.117839906757042, -5.102297212415934], [-3.378743879580167, 3.5803700516240213,
        4.94999536042434, -2.237383205312226]]],
    'BCELoss weight, reduction=sum': [14.719422646126375, [[0.16079979259480584, -0.5671490782099707,
        1.2688867413099734, 1.1179703040754594], [0.8062581165253138, 0.5800820380262747, -0.6856539620011536,
        0.3413247973579724], [2.1219964928526256, 0.9992655584728513, 1.3640626517345724, -0.13091019752314675],
        [0.8743582124591042, 3.6480541922634036, 1.2242150143746366, 0.16233414059431153], [-0.0343083958525319,
        2.743975198918767, 6.8199272230731, 0.17582075701658448]]],
    'BCEWithLogitsLoss, reduction=sum': [186.45980672133084, [[-0.9997143097552528, -0.9999993902942409,
        -0.37651995601316424, 0.9999995344810286], [0.9993222000432318, -0.9999769259791034, -0.9999977577594232,
        0.9762819049277054], [0.9999996931460111, 0.9866893367134061, -0.9999969283913219, -0.9999848376312303],
        [0.9988381844929602, 0.9999995917757268, 0.7528706749378085, -0.999999259153115], [-0.999827635311919,
        0.9999235905827872, 0.9999989184821911, -0.8937838989863023]]],
    'BCEWithLogitsLoss weight, reduction=sum': [14.719422646126375, [[0.034185878660315555, -0.08831259142910464,
        0.31702004590355304, 0.1712025485740527], [0.17695265339148625, 0.11044082917122797, -0.11534144897557896,
        0.08244962674676982], [0.3165506957629106, 0.238586117682054, 0.23359279447436987, -0.024409794601928825],
        [0.19542436634141694, 0.5540888280915964, 0.3051062164670092, 0.025580291086225795],
        [-0.0071488725117384855, 0.5523398058174531, 1.0994278701457696, 0.04346038960143267]]],
    'BCEWithLogitsLoss pos_weight, reduction=sum': [16.117115056268318, [[0.15096700832365031, -0.08831259142910464,
        -0.014074227783678173, 0.7027083154245566], [0.4060826019140018, 0.11044082917122791, -0.2712192704536816,
        0.4100192600154912], [0.6499277374404142, 0.238586117682054, 0.03672310263838596, 0.09728083778567174],
        [0.43669872300914914, 0.5540888280915963, -0.024640488095396207, 0.15880425509159307], [0.09492075748213086,
        0.5523398058174531, 0.49955920653707075, 0.2871236740512663]]],
    'NLLLoss, reduction=none': [[3.2278386289110403, 0.6912518010305273, 3.001141900051031, 3.4503169726855356,
        0.6751277699039062], [[0.005173875642626225, -0.06776278746191931, 0.012306016456426157,
        0.050282895362866925], [0.22860695197520434, -0.03803559658556602, -0.030126260035023732,
        -0.16044509535461457], [-0.21332066102747393, -0.07323592734368305, -0.01338020703449911,
        0.29993679540565615], [0.07400097494913878, 0.1639501221460301, 0.04209022569925322, -0.2800413227944222],
        [0.02548512222906483, 0.156428686072305, -0.23090637443810166, 0.048992566136731815]]],
    'NLLLoss weight, reduction=none': [[3.2278386289110403, 0.34562590051526365, 0.7502854750127578,
        0.8625792431713839, 1.3502555398078124], [[0.005173875642626225, -0.06776278746191931, 0.012306016456426157,
        0.050282895362866925], [0.11430347598760217, -0.01901779829278301, -0.015063130017511866,
        -0.08022254767730728], [-0.053330165256868484, -0.01830898183592076, -0.0033450517586247775,
        0.07498419885141404], [0.018500243737284695, 0.04098753053650753, 0.010522556424813305,
        -0.07001033069860554], [0.05097024445812966, 0.31285737214461, -0.4618127488762033, 0.09798513227346363]]],
    'NLLLoss ignore_index, reduction=none': [[3.2278386289110403, 0.6912518010305273, 0.0, 0.0, 0.6751277699039062],
        [[0.005173875642626225, -0.06776278746191931, 0.012306016456426157, 0.050282895362866925],
        [0.22860695197520434, -0.03803559658556602, -0.030126260035023732, -0.16044509535461457], [0.0, 0.0, 0.0,
        0.0], [0.0, 0.0, 0.0, 0.0], [0.02548512222906483, 0.156428686072305, -0.23090637443810166,
        0.048992566136731815]]],
    'NLLLoss weight ignore_index, reduction=none': [[3.2278386289110403, 0.34562590051526365, 0.0, 0.0,
        1.3502555398078124], [[0.005173875642626225, -0.06776278746191931, 0.012306016456426157,
        0.050282895362866925], [0.11430347598760217, -0.01901779829278301, -0.015063130017511866,
        -0.08022254767730728], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.05097024445812966, 0.31285737214461,
        -0.4618127488762033, 0.09798513227346363]]],
    'NLLLoss (N, C, d), reduction=none': [[[1.5004294247351846, 0.7691910158691679, 3.471704541327407],
        [3.774051185880162, 6.855994262094376, 1.498158314932363]], [[[-0.033525022053681144, -0.013839291445286334,
        -0.1537085606095], [0.0232606891059735, -0.01011203663357348, 0.30582847428797755], [0.007301934311918584,
        -0.08528906658440935, -0.0977377825017025], [0.0029623986357890622, 0.10924039466326917,
        -0.05438213117677504]], [[0.30796098187595566, 0.20677651420152984, 0.017848939887217044],
        [0.021079796558996486, 0.209601903406677, -0.013815743245016995], [-0.49079351457831893,
        -0.9102020885276545, -0.0011854412317230366], [0.16175273614336683, 0.4938236709194477,
        -0.002847755410477011]]]],
    'NLLLoss (C,), reduction=none': [1.7463751832262016, [0.07332589777675348, 0.03964308968615747,
        -0.8255950148301354, 0.7126260273672244]],
    'CrossEntropyLoss, reduction=none': [[3.2278386289110403, 0.6912518010305273, 3.001141900051031,
        3.4503169726855356, 0.6751277699039062], [[0.005173875642626225, -0.06776278746191931, 0.012306016456426157,
        0.050282895362866925], [0.22860695197520434, -0.03803559658556602, -0.030126260035023732,
        -0.16044509535461457], [-0.21332066102747393, -0.07323592734368305, -0.01338020703449911,
        0.29993679540565615], [0.07400097494913878, 0.1639501221460301, 0.04209022569925322, -0.2800413227944222],
        [0.02548512222906483, 0.156428686072305, -0.23090637443810166, 0.048992566136731815]]],
    'CrossEntropyLoss weight ignore_index, reduction=none': [[3.2278386289110403, 0.34562590051526365, 0.0, 0.0,
        1.3502555398078124], [[0.005173875642626225, -0.06776278746191931, 0.012306016456426157,
        0.050282895362866925], [0.11430347598760217, -0.01901779829278301, -0.015063130017511866,
        -0.08022254767730728], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.05097024445812966, 0.31285737214461,
        -0.4618127488762033, 0.09798513227346363]]],
    'CrossEntropyLoss label_smoothing, reduction=none': [[2.978563589853565, 0.9005280045630131, 2.8016448323613634,
        3.1256747092380035, 0.8877668594853034], [[0.001645875441129546, -0.057178786857429276, 0.00877801625492948,
        0.046754895161370255], [0.15989450671899522, -0.015131448166829655, -0.007222111616287365,
        -0.13754094693587823], [-0.19753899508066589, -0.057454261396875005, 0.0024014589123089324,
        0.25259179756523203], [0.05953998083943378, 0.1494891280363251, 0.027629231589548216, -0.23665834046530715],
        [0.0019668583120705046, 0.13291042215531068, -0.1603515826871187, 0.025474302219737496]]],
    'CrossEntropyLoss label_smoothing ignore_index, reduction=none': [[2.978563589853565, 0.9005280045630131, 0.0,
        0.0, 0.8877668594853034], [[0.001645875441129546, -0.057178786857429276, 0.00877801625492948,
        0.046754895161370255], [0.15989450671899522, -0.015131448166829655, -0.007222111616287365,
        -0.13754094693587823], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0019668583120705046,
        0.13291042215531068, -0.1603515826871187, 0.025474302219737496]]],
    'CrossEntropyLoss label_smoothing weight ignore_index, reduction=none': [[2.9878563696813716,
        0.7034874497143894, 0.0, 0.0, 1.3039210576671132], [[0.0033452020963450585, -0.05721375206452946,
        0.005096190847727472, 0.04877235912045693], [0.05986810192453934, 0.0005582354247163343,
        0.028109119066896303, -0.08853545641615199], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0],
        [0.033795524025956224, 0.2560980124372509, -0.3715881824533667, 0.08169464599015955]]],
    'CrossEntropyLoss probabilities, reduction=none': [[2.1915175999698593, 1.5980300465980732, 1.9703576838764212,
        1.5642214684166897, 1.8752422834107283], [[-0.011635981156220063, -0.01704785623049861,
        -0.012678995045601507, 0.04136283243232019], [-0.08251761731623794, 0.02857153753187339,
        0.09433514980471586, -0.04038907002035124], [-0.1551094345239852, 0.04273589630975426, 0.018996027599756396,
        0.0933775106144746], [-0.004643936515067138, 0.08900095581083706, -0.0664446454726419,
        -0.017912373823128026], [-0.12045310174495952, 0.0772382439018453, 0.12268335125755528,
        -0.0794684934144411]]],
    'CrossEntropyLoss probabilities weight label_smoothing, reduction=none': [[2.4226825516324553,
        2.0318626425034885, 1.5507732255345332, 1.8229664583971996, 1.1264099536602612], [[-0.002652220504414745,
        -0.016491967232613543, -0.03471953264281409, 0.05386372037984238], [-0.13857421417369847,
        0.03651951739716037, 0.21930863998435665, -0.11725394320781854], [-0.13407693129291773, 0.05588737428972724,
        0.06375860703041895, 0.014430949972771579], [0.045792255666423, 0.11318569191528213, -0.16159257420651496,
        0.002614626624809766], [-0.04878792406437718, 0.056694835028829015, -0.019824571458234085,
        0.01191766049378224]]],
    'CrossEntropyLoss (N, C, d) weight label_smoothing ignore_index, reduction=none': [[[0.0, 0.9016033610845008,
        2.926369796509172], [3.2208221489913775, 5.494901207118016, 0.0]], [[[0.0, -0.008078595573595282,
        -0.13899027563796584], [0.0, 0.01590175577183296, 0.2349948183644948], [0.0, -0.08694010126033795,
        -0.04856020123937147], [0.0, 0.07911694106210028, -0.047444341487157496]], [[0.24803395480719648,
        0.15618280931291526, 0.0], [-0.00397128718215108, 0.14091920417574633, 0.0], [-0.3746131886544237,
        -0.7034031878864494, 0.0], [0.13055052102937836, 0.4063011743977878, 0.0]]]],
    'CrossEntropyLoss (N, C, d) probabilities, reduction=none': [[[2.0601951803609286, 1.8409905986221604,
        1.935200527227535], [1.7013006506345358, 1.8661487504332868, 1.8391796366004383]], [[[-0.025606240858282454,
        -0.008806819774434815, -0.04772016464082362], [0.025473613568605925, 0.04309574006816309,
        0.11055087134947045], [0.013161564833085308, -0.17331150812461288, -0.028985973994709972],
        [-0.013028937543408795, 0.13902258783088461, -0.033844732713936836]], [[0.039371238514200206,
        0.03713703702864353, 0.010153874728806349], [-0.08084923116491806, 0.03691042323143714,
        -0.012670130256659895], [0.025747734695858886, -0.14955484153000762, 0.007319425960181775],
        [0.015730257954859023, 0.07550738126992693, -0.004803170432328226]]]],
    'CrossEntropyLoss (C,), reduction=none': [1.7463751832262016, [0.07332589777675348, 0.03964308968615747,
        -0.8255950148301354, 0.7126260273672244]],
    'CrossEntropyLoss (C,) probabilities, reduction=none': [2.1915175999698593, [-0.1649090205732378,
        -0.2416079259755486, -0.17969096260570946, 0.5862079091544958]],
    'MSELoss, reduction=none': [[[1.1114780315813628, 2.9319024234615108, 0.0922102318474465, 1.7731402741956548],
        [0.16710622476700718, 1.4715681738423554, 2.472768367126472, 0.012027010935777856], [1.7299157133524252,
        0.003988324189644132, 1.8821262698878964, 2.1177230723928178], [0.16300603427092816, 1.4689497235485551,
        0.06962711363746768, 2.265675504545227], [1.384948364112335, 0.6077346297979719, 1.266634845615668,
        0.2363009659077231]], [[-0.14877810892786125, 1.568732509870782, 0.1916912964750359, 0.7702464186223391],
        [0.38455774710714735, 0.09116447879491024, 1.5425260011480157, -0.049311816597233396], [0.9737887197957039,
        0.05341160216647955, 0.3949763082290078, 1.4549116107527662], [-0.09971316046418689, 1.05158669865687,
        -0.18765375712585383, 0.7333029191548044], [1.1436496224773003, -0.025519629785497017, 1.073998948399654,
        -0.26409063686171114]]],
    'L1Loss, reduction=none': [[[1.054266584684046, 1.7122798905148395, 0.303661376943869, 1.3315931338797353],
        [0.408786282508363, 1.2130820969095024, 1.5725038528176878, 0.10966772969191008], [1.315262602430566,
        0.06315318036048645, 1.371906071816834, 1.455239867648223], [0.40374005779824246, 1.212002361197599,
        0.26386950115060226, 1.5052160989523156], [1.1768382914030011, 0.779573363961322, 1.125448730780602,
        0.48610797762197144]], [[-0.0705600040299336, 0.45808296837472745, 0.3156333189361608, 0.28921988219410005],
        [0.47036527833988656, 0.03757556023090465, 0.4904681150332458, -0.22482373226730074], [0.3701879449762243,
        0.4228734155714667, 0.14395165833253265, 0.49988721553650556], [-0.12348683086831044, 0.43382205032083454,
        -0.3555806114529912, 0.24358725623025476], [0.48589922287193166, -0.01636768966542266, 0.477142547246349,
        -0.27163783461612395]]],
    'BCELoss, reduction=none': [[[1.1821895395569868, 1.6453841864100072, 0.6682478171930607, 1.667216996838682],
        [1.1230598832604177, 1.3631838285210924, 1.5416397451816775, 0.8961991494413188], [1.701159305843722,
        0.9314346095149125, 1.5169869855308695, 1.3945974903951521], [1.0869888027683656, 1.6778845323135894,
        0.7503966573332533, 1.6296908721224712], [1.217504007161868, 1.2754661614460983, 1.5993866392921474,
        0.8053069710613322]], [[-0.23013198872986684, 2.374244374580746, 0.6157425721910731, 1.532114725667196],
        [1.4460188868337736, 0.14686850662677317, 2.2915873378236875, -0.5508793570587073], [2.028739903100076,
        1.0733152370185652, 0.6561992796200381, 2.0162204924101563], [-0.3661793792232674, 2.322777530576619,
        0.7530628090042149, 1.2428545784436746], [1.6417290253712986, -0.05860238589235528, 2.361853395130479,
        -0.6077579290974956]]],
    'BCELoss weight, reduction=none': [[[0.2802825553115165, 0.616833636050546, 1.4016474217309174,
        0.37072448950404213], [0.44449813042179154, 0.4507505578473422, 1.188530966675088, 0.1996923084702069],
        [0.7122882381491481, 0.7732287858811739, 0.7557171142951115, 0.16709993738006618], [0.4516312649671865,
        1.2966483570908727, 1.4171850525939922, 0.08759048673664782], [0.3098996029628275, 1.115872708056306,
        2.516681014853109, 0.16262001714848207]], [[0.011346034013501989, 0.2598013332574139, -0.4005029335137566,
        0.3233392396412066], [0.3792358233932219, -0.021796907558722205, 0.33629140630778254, -0.07673791485739946],
        [0.7855375209358687, 0.4225628397743437, -0.19635908078666364, 0.06544033412517977], [-0.10797172470025564,
        1.5826063493692257, 0.43530712336126565, -0.03954252789986477], [0.01667042288272785, -0.04491253450551879,
        3.2540774472518184, 0.047759569716552694]]],
    'BCEWithLogitsLoss, reduction=none': [[[8.160602394402526, 14.310289358237279, 0.47243852081077325,
        14.58011298644372], [7.296658362574003, 10.676803209823952, 13.00803493452681, 3.7415170170027308],
        [14.996893808994074, 4.319189814113248, 12.693309134240955, 11.09669393865212], [6.757771405068716,
        14.711449124401637, 1.3978434961283033, 14.115471865991463], [8.665898046230557, 9.479404607439836,
        13.737145124880636, 2.242279571367506]], [[-0.07053984572511293, 0.4580826890789035, 0.11884224336213231,
        0.289219747556758], [0.4700464647745625, 0.03757469321164268, 0.49046701528573666, -0.2194913416108768],
        [0.37018783138257677, 0.417244689923943, 0.1439512161693697, 0.4998796360622003], [-0.12334336195329244,
        0.43382187322414334, 0.2677062149394121, 0.24358707576939476], [0.4858154710039425, -0.016366439019794204,
        0.4771420312081868, -0.24278552293539563]]],
    'BCEWithLogitsLoss weight, reduction=none': [[[0.28028255531151647, 0.616833636050546, 1.4016474217309172,
        0.3707244895040421], [0.44449813042179154, 0.4507505578473423, 1.188530966675088, 0.19969230847020686],
        [0.712288238149148, 0.7732287858811739, 0.7557171142951118, 0.1670999373800662], [0.4516312649671864,
        1.2966483570908731, 1.4171850525939924, 0.08759048673664777], [0.3098996029628275, 1.115872708056306,
        2.516681014853109, 0.16262001714848204]], [[0.002412155736038687, 0.04045449402670877, -0.1000620892578325,
        0.04951518092991722], [0.0832323840654679, -0.004149876028474528, 0.056571303064255514,
        -0.018536632809254657], [0.11718325154526588, 0.10089172649214607, -0.03362607013911601,
        0.012202144255376223], [-0.024132335673949293, 0.2403759514625648, 0.10848985500944781,
        -0.0062310329192649845], [0.0034736315978642443, -0.009040526531479886, 0.5245838144749807,
        0.011805486122906281]]],
    'BCEWithLogitsLoss pos_weight, reduction=none': [[[0.4197456964077466, 0.616833636050546, 0.9374475550433939,
        1.4630624105885863], [0.8258826683665252, 0.4507505578473423, 1.0131299017878899, 0.6956823579080933],
        [1.4059982519518648, 0.7732287858811739, 0.5334642034278623, 0.306949376983796], [0.847338215661983,
        1.2966483570908731, 0.9483880000791479, 0.23587332779750225], [0.4309243243510963, 1.115872708056306,
        1.3143671768406895, 0.4855275441459007]], [[0.010652232715703787, 0.04045449402670877, 0.004442295226825869,
        0.20323721620390475], [0.19100715607826482, -0.004149876028474526, 0.13302440434010931,
        -0.09218206033815957], [0.24059541350611402, 0.10089172649214607, -0.0052863515239114645,
        -0.048629447125737926], [-0.053926541348637946, 0.24037595146256474, -0.008761679823461134,
        -0.03868269277545062], [-0.04612192229498248, -0.009040526531479886, 0.2383609523074629,
        0.07799365308631176]]],
}
EDGES = {
    'every target ignored': [float("nan"), [[0.0, 0.0, 0.0, 0.0]]],
    'BCELoss at p = 0 and 1': [66.89771572685332, [-333333334665.26764, 333333334665.26764, -0.6666666666666666]],
    'F.nll_loss': [2.209135414516408],
    'F.cross_entropy': [2.173985506808329],
    'F.binary_cross_entropy_with_logits': [0.8120661685291534],
}
ERRORS = {
    'Linear, wrong size': 'RuntimeError: mat1 and mat2 shapes cannot be multiplied (10x4 and 3x2)',
    'Linear, 1-D wrong size': 'RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x4 and 3x2)',
    'Linear, scalar': ('RuntimeError: both arguments to linear need to be at least 1D, but ' 'they are 0D and 2D'),
    'Linear, other dtype': ('RuntimeError: mat1 and mat2 must have the same dtype, but got Float ' 'and Double'),
    'Linear, integer input': ('RuntimeError: mat1 and mat2 must have the same dtype, but got Long ' 'and Double'),
    'Linear, ndarray': ("TypeError: linear(): argument 'input' (position 1) must be Tensor, " 'not numpy.ndarray'),
    'F.linear': 'RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x2)',
    'Embedding, index too large': 'IndexError: index out of range in self',
    'Embedding, negative index': 'IndexError: index out of range in self',
    'Embedding, float indices': ("RuntimeError: Expected tensor for argument #1 'indices' to have one "
        'of the following scalar types: Long, Int; but got torch.DoubleTensor '
        'instead (while checking arguments for embedding)'),
    'Embedding, list': ("TypeError: embedding(): argument 'indices' (position 2) must be " 'Tensor, not list'),
    'Embedding, padding_idx': 'AssertionError: Padding_idx must be within num_embeddings',
    'Embedding, negative padding_idx': 'AssertionError: Padding_idx must be within num_embeddings',
    'Embedding, _weight': ('AssertionError: Shape of weight does not match num_embeddings and ' 'embedding_dim'),
    'Embedding.from_pretrained, 1-D': 'AssertionError: Embeddings parameter is expected to be 2-dimensional',
    'Dropout(1.5)': 'ValueError: dropout probability has to be between 0 and 1, but got 1.5',
    'F.dropout(-0.1)': ('ValueError: dropout probability has to be between 0 and 1, but got ' '-0.1'),
    'one_hot, too small': 'RuntimeError: Class values must be smaller than num_classes.',
    'one_hot, negative': 'RuntimeError: Class values must be non-negative.',
    'one_hot, float': ('RuntimeError: one_hot is only applicable to index tensor of type ' 'LongTensor.'),
    'one_hot, empty': 'RuntimeError: Can not infer total number of classes from empty tensor.',
    'reduction': 'ValueError: avg is not a valid value for reduction',
    'target out of bounds': 'IndexError: Target 4 is out of bounds.',
    'negative target': 'IndexError: Target -2 is out of bounds.',
    'float target': 'RuntimeError: expected target dtype to be Long or Byte, but got Double',
    'int32 target': 'RuntimeError: expected target dtype to be Long or Byte, but got Int',
    'uint8 target': 'tensor(0.)',
    'batch sizes': ('ValueError: Expected input batch_size (5) to match target batch_size ' '(2).'),
    '(N, C, d) target': 'RuntimeError: Expected target size [2, 4], got [2, 3]',
    '(C,) input, 2 targets': ('ValueError: For 1D input, 1D target must have size 1, but got target ' 'size: 2'),
    '(N, C) input, 2-D target': ('RuntimeError: 0D or 1D target tensor expected, multi-target not ' 'supported'),
    'scalar input': 'ValueError: Expected 1 or more dimensions (got 0)',
    'weight size': ('RuntimeError: weight tensor should be defined either for all 3 '
        'classes or no classes but got weight tensor of shape: [2]'),
    'weight dtype': 'RuntimeError: expected scalar type Float but found Double',
    'probabilities with ignore_index': 'RuntimeError: ignore_index is not supported for floating point target',
    'label_smoothing 1.5': 'RuntimeError: label_smoothing must be between 0.0 and 1.0. Got: 1.5',
    'label_smoothing -0.1': 'tensor(1.0986)',
    'BCEWithLogitsLoss sizes': ('ValueError: Target size (torch.Size([3])) must be the same as input '
        'size (torch.Size([2, 3]))'),
    'BCELoss sizes': ('ValueError: Using a target size (torch.Size([3])) that is different '
        'to the input size (torch.Size([2, 3])) is deprecated. Please ensure ' 'they have the same size.'),
    'BCELoss input range': 'RuntimeError: all elements of input should be between 0 and 1',
    'BCELoss target range': 'RuntimeError: all elements of target should be between 0 and 1',
    'BCELoss target dtype': 'RuntimeError: Found dtype Double but expected Float',
}
# ---- end of expected values
