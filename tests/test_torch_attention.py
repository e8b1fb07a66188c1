"""Attention of the PyTorch dialect (torch/nn/attention.py, torch/nn/multihead_attention.py) against PyTorch 2.14 in
float64. Inputs are made by `det` (sines, the same in both), masks by `mask`, parameters by set_sine_params; the numbers
were printed by PyTorch for the same calls: each output's shape and sum(out * det) (and the weights'), then, after one
backward of those sums, the gradients' sums against det of other phases, for the inputs and every parameter."""
import numpy as np
import pytest
from helpers import set_sine_params

import tinygrad_rnn as tr
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from helpers import backward_projected, close, det, project, raises_as_written
# the public names, bare as the tests below (and their evaluated error table) call them
MultiheadAttention = nn.MultiheadAttention
scaled_dot_product_attention = F.scaled_dot_product_attention
multi_head_attention_forward = F.multi_head_attention_forward

pytestmark = pytest.mark.usefixtures("torch_float64")





def mask(kind, shape, phase):
    """A deterministic mask: 'bool' True at about a fifth of the entries, 'keep' its negation, 'dead' that with
    row 1 all False, 'float' real numbers, 'inf' those with -inf at the 'bool' entries, 'causal' True above the
    diagonal (a (L, L) mask; MultiheadAttention blocks where True)."""
    d = det(*shape, phase=phase)
    if kind == "causal":
        return torch.arange(shape[-1]).unsqueeze(0) > torch.arange(shape[-2]).unsqueeze(1)
    if kind == "dead":
        return (d <= 1.1) & (torch.arange(shape[-2]).unsqueeze(-1) != 1)
    return {"bool": d > 1.1, "keep": d <= 1.1, "float": d * 0.8,
            "inf": (d * 0.8).masked_fill(d > 1.1, float("-inf"))}[kind]


def sdpa_call(qs, ks, vs, spec, kwargs):
    """scaled_dot_product_attention of det inputs (query, key, value: phases 0, 1, 2) and mask (kind, shape, phase)."""
    q, k, v = det(*qs, grad=True), det(*ks, phase=1.0, grad=True), det(*vs, phase=2.0, grad=True)
    attn_mask = None if spec is None else mask(*spec)
    return scaled_dot_product_attention(q, k, v, attn_mask, **kwargs), (q, k, v)


def mha_call(ctor, dims, options):
    """A MultiheadAttention(8, 2, **ctor) with sine parameters on det inputs of L queries, S keys and a batch of N
    (None: unbatched), and masks: options 'kpm' (kind) and 'mask' (kind, 2 or 3 dims); 'self' uses the query as
    key and value; the other options go to forward."""
    ctor = {"embed_dim": 8, "num_heads": 2, **ctor}
    m = set_sine_params(MultiheadAttention(**ctor))
    (length, source, n), e, heads = dims, ctor["embed_dim"], ctor["num_heads"]
    kdim, vdim = ctor.get("kdim") or e, ctor.get("vdim") or e

    def shaped(steps, size):
        return (steps, size) if n is None else (n, steps, size) if ctor.get("batch_first") else (steps, n, size)
    q = det(*shaped(length, e), grad=True)
    k, v = (q, q) if options.get("self") else (det(*shaped(source, kdim), phase=1.0, grad=True),
                                              det(*shaped(source, vdim), phase=2.0, grad=True))
    forward = {key: value for key, value in options.items() if key not in ("kpm", "mask", "self")}
    if "kpm" in options:
        forward["key_padding_mask"] = mask(options["kpm"], (source,) if n is None else (n, source), 7.0)
    if "mask" in options:
        kind, dims = options["mask"]
        forward["attn_mask"] = mask(kind, (length, source) if dims == 2 else ((n or 1) * heads, length, source), 8.0)
    out, weights = m(q, k, v, **forward)
    return m, out, weights, (q, k, v)



# (query, key, value shapes, mask (kind, shape, phase) or None, keywords)
SDPA_CASES = [
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), None, {}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), ("keep", (4, 5), 1.0), {}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), ("keep", (2, 1, 1, 5), 2.0), {}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), ("float", (2, 1, 4, 5), 1.0), {}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), ("inf", (4, 5), 2.5), {}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), ("dead", (3, 4, 5), 0.5), {}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), None, {"is_causal": True}),
    ((2, 5, 8), (2, 4, 8), (2, 4, 6), None, {"is_causal": True}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), ("float", (4, 5), 3.0), {"scale": 0.3}),
    ((4, 8), (5, 8), (5, 6), ("keep", (4, 5), 0.5), {}),
    ((2, 4, 8), (2, 5, 8), (2, 5, 6), ("float", (2, 4, 5), 0.0), {}),
    ((2, 2, 2, 4, 8), (2, 2, 2, 5, 8), (2, 2, 2, 5, 6), None, {"dropout_p": 0.0}),
    ((2, 4, 8), (1, 5, 8), (5, 6), None, {}),
    ((2, 6, 3, 8), (2, 3, 5, 8), (2, 3, 5, 6), None, {"enable_gqa": True}),
    ((2, 6, 3, 8), (2, 3, 5, 8), (2, 2, 5, 6), ("keep", (3, 5), 4.0), {"enable_gqa": True}),
]
# (constructor keywords over MultiheadAttention(8, 2), (L, S, N or None), options of mha_call)
MHA_CASES = [
    ({}, (4, 5, 2), {}),
    ({}, (4, 4, 2), {"self": True}),
    ({}, (4, 5, 2), {"kpm": "bool"}),
    ({}, (4, 5, 2), {"kpm": "float"}),
    ({}, (4, 5, 2), {"mask": ("bool", 2)}),
    ({}, (4, 5, 2), {"mask": ("float", 2)}),
    ({}, (4, 5, 2), {"mask": ("bool", 3), "kpm": "bool"}),
    ({}, (4, 5, 2), {"mask": ("float", 3), "kpm": "float"}),
    ({}, (4, 5, 2), {"mask": ("bool", 2), "kpm": "bool", "average_attn_weights": False}),
    ({}, (4, 5, 2), {"mask": ("bool", 2), "kpm": "bool", "need_weights": False}),
    ({}, (4, 5, 2), {"mask": ("float", 3), "need_weights": False}),
    ({}, (4, 4, 2), {"mask": ("causal", 2), "is_causal": True}),
    ({}, (4, 4, 2), {"mask": ("causal", 2), "is_causal": True, "need_weights": False}),
    ({"batch_first": True}, (4, 5, 2), {"kpm": "bool"}),
    ({"batch_first": True}, (4, 5, 2), {"mask": ("float", 2), "need_weights": False}),
    ({}, (4, 5, None), {"kpm": "bool", "mask": ("bool", 2)}),
    ({}, (4, 5, None), {"mask": ("float", 3), "average_attn_weights": False}),
    ({"batch_first": True}, (4, 5, None), {"need_weights": False}),
    ({"kdim": 3, "vdim": 5}, (4, 5, 2), {"kpm": "bool"}),
    ({"kdim": 3, "vdim": 5, "bias": False}, (4, 5, 2), {"mask": ("float", 2), "need_weights": False}),
    ({"add_bias_kv": True}, (4, 5, 2), {"kpm": "bool", "mask": ("bool", 2)}),
    ({"add_zero_attn": True}, (4, 5, 2), {"kpm": "float", "mask": ("float", 3)}),
    ({"add_bias_kv": True, "add_zero_attn": True}, (4, 5, 2), {"kpm": "bool", "mask": ("bool", 3),
                                                              "need_weights": False}),
    ({"bias": False}, (4, 5, 2), {}),
    ({"num_heads": 4}, (4, 5, 3), {"mask": ("bool", 3)}),
    ({"num_heads": 1, "kdim": 6}, (3, 6, 2), {"kpm": "bool"}),
]
# (expected numbers)
SDPA_EXPECTED = [   # (out shape, out, d query, d key, d value, grad_fn)
    ((2, 3, 4, 6), -5.471128794524, 5.97567332318, -3.587281159868, 9.868111441037, 'UnsafeViewBackward0'),
    ((2, 3, 4, 6), -3.750778923037, -4.522962759004, 0.427214906834, 4.918128195063, 'UnsafeViewBackward0'),
    ((2, 3, 4, 6), -7.629663439778, 8.453872587265, -7.909520650947, 13.72905243577, 'UnsafeViewBackward0'),
    ((2, 3, 4, 6), -6.195693736888, 7.922288395167, -4.561687588703, 9.759042708837, 'UnsafeViewBackward0'),
    ((2, 3, 4, 6), -6.692293452439, -0.3430862930034, -1.292378374992, 8.809625617175, 'UnsafeViewBackward0'),
    ((2, 3, 4, 6), -5.765590011034, -0.4052205606055, 7.479747934936, 1.052850808849, 'UnsafeViewBackward0'),
    ((2, 3, 4, 6), -13.9924066706, -8.644069818653, 7.345557048184, 3.160696556475, 'UnsafeViewBackward0'),
    ((2, 5, 6), 11.24270713588, -23.10957190509, 7.45072399119, -11.54465625517, 'SqueezeBackward1'),
    ((2, 3, 4, 6), -5.540939946742, 3.871236236504, -0.5253427201735, 7.926129643927, 'UnsafeViewBackward0'),
    ((4, 6), 1.177278500019, -3.017482411873, 5.365700046359, -9.800794524251, 'MmBackward0'),
    ((2, 4, 6), -7.305729275538, -0.4950441307878, 8.152192456824, -0.5761161830275, 'SqueezeBackward1'),
    ((2, 2, 2, 4, 6), 2.341994770771, -2.117384766532, 0.4346167295146, -0.8063628518921, 'UnsafeViewBackward0'),
    ((2, 4, 6), 3.869222193478, 0.942622030801, -3.359456980959, -3.228441755049, 'UnsafeViewBackward0'),
    ((2, 6, 3, 6), 15.87419113652, 0.9002714309678, -15.90689008197, -7.577763707322, 'UnsafeViewBackward0'),
    ((2, 6, 3, 6), 3.287823375986, 0.04316707721721, 3.800280580542, -1.657831335981, 'UnsafeViewBackward0'),
]
MHA_EXPECTED = [   # (out shape, weights shape, [out, weights], d query, d key, d value, [d params], grad_fns)
    ((4, 2, 8), (2, 4, 5), [-3.055105372996, 0.4757893482315], -0.05880355395167, -0.07461915742227, -0.2025820408,
     [15.0949092836, 0.7864057894833, 11.33526364344, -4.438904930262], ('ViewBackward0', 'MeanBackward1')),
    ((4, 2, 8), (2, 4, 4), [-2.554793754871, 0.682804096471], 5.265563789651, 3.238753949844, -1.76575133517,
     [1.485125452841, 0.7846790784371, 11.33592796502, -4.438904930262], ('ViewBackward0', 'MeanBackward1')),
    ((4, 2, 8), (2, 4, 5), [-3.095991779792, 0.5124437349751], -0.08097412636112, -0.05414710918795, -0.1658701293798,
     [14.88125801295, 0.7843581281563, 11.44190454193, -4.438904930262], ('ViewBackward0', 'MeanBackward1')),
    ((4, 2, 8), (2, 4, 5), [-3.033274009668, 0.4532853332642], -0.1048559551145, -0.09789726251129, -0.2273870776555,
     [15.34234821917, 0.7858677375561, 11.26887540317, -4.438904930262], ('ViewBackward0', 'MeanBackward1')),
    ((4, 2, 8), (2, 4, 5), [-3.075276228286, 0.5359109100618], 0.102582804167, -0.02556923790101, -0.1707807543641,
     [15.46105292379, 0.7844666609186, 11.42001711354, -4.438904930262], ('ViewBackward0', 'MeanBackward1')),
    ((4, 2, 8), (2, 4, 5), [-3.027889056504, 0.4131407621996], -0.1181499678773, -0.06343325505864, -0.2214199171812,
     [14.33386248263, 0.7820492656036, 11.27190658619, -4.438904930262], ('ViewBackward0', 'MeanBackward1')),
    ((4, 2, 8), (2, 4, 5), [-1.531525624899, 2.004006560669], -0.1044393406811, -0.2021173655486, -0.7056486966043,
     [10.06115978658, 0.7917931958808, 8.932402048393, -4.438904930262], ('ViewBackward0', 'MeanBackward1')),
    ((4, 2, 8), (2, 4, 5), [-3.01855026349, 0.4128276432744], -0.1426664833657, -0.115296105443, -0.2386864645152,
     [14.95862916837, 0.7805238613814, 11.22567033099, -4.438904930262], ('ViewBackward0', 'MeanBackward1')),
    ((4, 2, 8), (2, 2, 4, 5), [-3.106696339118, 1.293664131593], -0.04898974521428, -0.03890561259722, -0.1463733023519,
     [15.56834951743, 0.7766798283081, 11.49177752872, -4.438904930262], ('ViewBackward0', 'ViewBackward0')),
    ((4, 2, 8), None, [-3.106696339118], 0.03451226732007, -0.02625254784673, -0.1463733023519,
     [15.15348572211, 0.7805127165696, 11.49177752872, -4.438904930262], ('ViewBackward0', None)),
    ((4, 2, 8), None, [-3.037115767786], 0.0937625567311, -0.1276501140651, -0.2127959580145,
     [16.87041296166, 0.796190725603, 11.29302752449, -4.438904930262], ('ViewBackward0', None)),
    ((4, 2, 8), (2, 4, 4), [1.238158408293, -1.674199298071], 0.8400794462487, -1.668395761042, -3.739737809462,
     [12.13170553734, 0.7633202366546, -1.255356796799, -4.438904930262], ('ViewBackward0', 'MeanBackward1')),
    ((4, 2, 8), None, [1.238158408293], 0.4630890740665, -1.360883643793, -3.739737809462,
     [10.10440527072, 0.7734200782066, -1.255356796799, -4.438904930262], ('ViewBackward0', None)),
    ((2, 4, 8), (2, 4, 5), [-0.3417169455279, -1.01537805605], 0.8496103681386, -8.642549469396, 3.752855231718,
     [14.53166152532, 0.8524851695138, 7.051175102467, -4.438904930262], ('TransposeBackward0', 'MeanBackward1')),
    ((2, 4, 8), None, [-0.8604479689264], 1.237169634117, -8.497730351635, 5.313463956836,
     [13.1214967645, 0.7799016131832, 8.787840276188, -4.438904930262], ('TransposeBackward0', None)),
    ((4, 8), (4, 5), [-0.3342000296577, -0.5338435554315], 0.2293372822549, -2.884800510887, 0.558069037238,
     [6.303052847463, 0.6646660038404, 2.101160703949, -1.884220813094], ('SqueezeBackward1', 'SqueezeBackward1')),
    ((4, 8), (2, 4, 5), [-0.7782901844427, -1.593296418074], -0.05988764504474, -0.7792271649853, 2.130788068132,
     [-0.6237966450086, 0.6620612651469, 3.74177842045, -1.884220813094], ('SqueezeBackward1', 'SqueezeBackward1')),
    ((4, 8), None, [-0.7669628002969], 0.07545812146922, -0.5002886217229, 2.141255773638,
     [0.4695725256996, 0.6714388612045, 3.742987013215, -1.884220813094], ('SqueezeBackward1', None)),
    ((4, 2, 8), (2, 4, 5), [-0.1439054112473, -0.3646004694441], -1.578347865886, 0.08083004696452, -1.465848651431,
     [-1.911575504126, 1.333633377696, 3.126548376994, 2.034523366683, 4.304884153131, 0.5631809740054],
     ('ViewBackward0', 'MeanBackward1')),
    ((4, 2, 8), None, [0.3649851181236], -0.3135232398619, -0.1538013266484, -0.6005171626006,
     [-0.2307347435721, -0.3520777835764, -0.7618791882455, -0.8508642762717], ('ViewBackward0', None)),
    ((4, 2, 8), (2, 4, 6), [-1.390691410104, 0.7324295657373], 0.9501855560067, 0.9219397285503, -0.317828488023,
     [19.62363506307, -1.737951377498, -0.5199639526619, -0.1394764030303, -0.9782760433828, 0.5631809740054],
     ('ViewBackward0', 'MeanBackward1')),
    ((4, 2, 8), (2, 4, 6), [-0.9450523015079, 0.578699226959], 1.265027999384, -1.454071939018, 2.067555546612,
     [7.178705041534, -1.116962330885, 9.959115438731, -4.438904930262], ('ViewBackward0', 'MeanBackward1')),
    ((4, 2, 8), None, [-1.160341606714], 1.338103706988, -2.045243710914, -0.292723085685,
     [20.82596001667, -1.785976560057, -0.372822884718, -0.4700631017231, -0.9820539841431, 0.5631809740054],
     ('ViewBackward0', None)),
    ((4, 2, 8), (2, 4, 5), [-0.6124356117973, 0.4700155499868], -0.2692469124009, -0.1766425950853, 0.5613377782139,
     [0.7660542174089, 7.47364783968], ('ViewBackward0', 'MeanBackward1')),
    ((4, 3, 8), (3, 4, 5), [-2.817709638613, 0.06086664076761], 0.9211832783361, -3.41717167481, 8.06330511904,
     [11.1507613584, 0.06743677024571, 16.47805933239, -6.374395776536], ('ViewBackward0', 'MeanBackward1')),
    ((3, 2, 8), (2, 3, 6), [1.075196260334, -0.2395012858364], -0.1973720479044, -0.293590679064, -0.1180290483862,
     [0.06605500021204, 0.2903624094198, -1.415559247647, 0.8840197478514, 3.634124434104, -0.183737655695],
     ('ViewBackward0', 'MeanBackward1')),
]


@pytest.mark.parametrize("case, expected", list(zip(SDPA_CASES, SDPA_EXPECTED)))
def test_scaled_dot_product_attention_values_and_gradients_match_pytorch(case, expected):
    shape, value, dq, dk, dv, grad_fn = expected
    out, (q, k, v) = sdpa_call(*case)
    assert tuple(out.shape) == shape and type(out.grad_fn).__name__ == grad_fn
    assert close(backward_projected(out)[0], value)
    assert close(project(q.grad, 4.0), dq) and close(project(k.grad, 5.0), dk) and close(project(v.grad, 6.0), dv)


@pytest.mark.parametrize("case, expected", list(zip(MHA_CASES, MHA_EXPECTED)))
def test_multihead_attention_outputs_weights_and_gradients_match_pytorch(case, expected):
    shape, weights_shape, values, dq, dk, dv, d_params, grad_fns = expected
    m, out, weights, (q, k, v) = mha_call(*case)
    assert tuple(out.shape) == shape and (weights is None) == (weights_shape is None)
    assert weights is None or tuple(weights.shape) == weights_shape
    assert all(close(a, b) for a, b in zip(backward_projected(out, weights), values, strict=True))
    assert close(project(q.grad, 4.0), dq) and close(project(k.grad, 5.0), dk) and close(project(v.grad, 6.0), dv)
    grads = [project(p.grad, 10.0 + i) for i, (_, p) in enumerate(m.named_parameters())]
    assert all(close(a, b) for a, b in zip(grads, d_params, strict=True))
    assert (type(out.grad_fn).__name__, weights if weights is None else type(weights.grad_fn).__name__) == grad_fns


def test_multi_head_attention_forward_with_static_keys_and_values_matches_pytorch():
    m = set_sine_params(MultiheadAttention(8, 2, kdim=3, vdim=5))
    q, k, v = det(4, 2, 8, grad=True), det(5, 2, 3, phase=1.0, grad=True), det(5, 2, 5, phase=2.0, grad=True)
    static_k, static_v = det(4, 6, 4, phase=3.5, grad=True), det(4, 6, 4, phase=4.5, grad=True)
    out, weights = multi_head_attention_forward(
        q, k, v, 8, 2, None, m.in_proj_bias, None, None, True, 0.0, m.out_proj.weight, m.out_proj.bias,
        key_padding_mask=mask("bool", (2, 6), 7.0), use_separate_proj_weight=True, q_proj_weight=m.q_proj_weight,
        k_proj_weight=m.k_proj_weight, v_proj_weight=m.v_proj_weight, static_k=static_k, static_v=static_v)
    assert tuple(out.shape) == (4, 2, 8) and tuple(weights.shape) == (2, 4, 7)      # 6 static keys and a zero one
    values = backward_projected(out, weights)
    assert close(values[0], 2.344412206407817) and close(values[1], -0.2465926390919156)
    assert close(project(q.grad, 4.0), -2.784287503571266) and k.grad is None and v.grad is None
    assert close(project(static_k.grad, 5.0), -2.364241409448063) and close(project(static_v.grad, 6.0),
                                                                             2.910810744815333)
    grads = [None if p.grad is None else project(p.grad, 10.0 + i) for i, (_, p) in enumerate(m.named_parameters())]
    assert grads[1:3] == [None, None]
    assert all(close(a, b) for a, b in zip(grads[:1] + grads[3:], [-9.558830127364864, 3.492012809720932,
                                                                    -8.939511855148513, 0.5631809740054093]))


def test_a_fully_padded_sequence_gives_nan_weights_or_zero_attention_as_in_pytorch():
    """need_weights: a plain softmax over nothing but -inf gives nan, as PyTorch's; without weights, the safe
    softmax of scaled_dot_product_attention gives zero attention, so the output is out_proj.bias."""
    m = set_sine_params(MultiheadAttention(8, 2))
    q, k, v = det(4, 2, 8), det(5, 2, 8, phase=1.0), det(5, 2, 8, phase=2.0)
    padding = torch.tensor([[False] * 5, [True] * 5])
    out, weights = m(q, k, v, key_padding_mask=padding)
    assert torch.isnan(out[:, 1]).all() and torch.isnan(weights[1]).all() and not torch.isnan(out[:, 0]).any()
    quiet, none = m(q, k, v, key_padding_mask=padding, need_weights=False)
    assert none is None and torch.allclose(quiet[:, 0], out[:, 0], rtol=1e-12, atol=0)
    assert torch.equal(quiet[:, 1], m.out_proj.bias.detach().expand(4, 8))


def test_multihead_attention_has_pytorchs_parameters_attributes_repr_and_init():
    m = MultiheadAttention(64, 4)
    assert repr(m) == ("MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=64, "
                       "out_features=64, bias=True)\n)")
    assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == [
        ("in_proj_weight", (192, 64)), ("in_proj_bias", (192,)), ("out_proj.weight", (64, 64)),
        ("out_proj.bias", (64,))]
    assert (m.embed_dim, m.kdim, m.vdim, m._qkv_same_embed_dim, m.num_heads, m.dropout, m.batch_first, m.head_dim,
            m.bias_k, m.bias_v, m.add_zero_attn, m.q_proj_weight) == (64, 64, 64, True, 4, 0.0, False, 16, None, None,
                                                                      False, None)
    assert isinstance(m.out_proj, nn.Linear) and m.in_proj_weight.dtype == torch.float64
    assert not m.in_proj_bias.detach().numpy().any() and not m.out_proj.bias.detach().numpy().any()
    for p, bound in ((m.in_proj_weight, np.sqrt(6 / (64 + 192))), (m.out_proj.weight, 1 / np.sqrt(64))):
        a = p.detach().numpy()                  # xavier_uniform_, and Linear's U(-1/sqrt(in), 1/sqrt(in))
        assert 0.95 * bound < np.abs(a).max() <= bound and abs(a.std() - bound / np.sqrt(3)) < 0.05 * bound
    m = MultiheadAttention(64, 4, bias=False, add_bias_kv=True, kdim=16, vdim=32, batch_first=True)
    assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == [
        ("q_proj_weight", (64, 64)), ("k_proj_weight", (64, 16)), ("v_proj_weight", (64, 32)), ("bias_k", (1, 1, 64)),
        ("bias_v", (1, 1, 64)), ("out_proj.weight", (64, 64))]
    assert m.in_proj_weight is None and m.in_proj_bias is None and m.out_proj.bias is None
    assert set(m.state_dict()) == {"q_proj_weight", "k_proj_weight", "v_proj_weight", "bias_k", "bias_v",
                                   "out_proj.weight"}
    assert np.abs(m.k_proj_weight.detach().numpy()).max() <= np.sqrt(6 / (64 + 16))
    bias_kv = np.concatenate([m.bias_k.detach().numpy().ravel(), m.bias_v.detach().numpy().ravel()])
    assert abs(bias_kv.std() - 1 / np.sqrt(64)) < 0.3 / np.sqrt(64)   # xavier_normal_ of (1, 1, E): std sqrt(1 / E)
    torch.manual_seed(0)                        # drawn from the dialect's generator
    first = MultiheadAttention(8, 2).in_proj_weight
    torch.manual_seed(0)
    assert torch.equal(first, MultiheadAttention(8, 2).in_proj_weight)
    assert MultiheadAttention(8, 2, dtype=torch.float32).in_proj_weight.dtype == torch.float32


def test_outputs_are_named_as_pytorch_names_them():
    """The outputs and the ops PyTorch's multi_head_attention_forward calls carry its grad_fn names (the dialect's
    softmax and mean are composed of more ops, so the chains below them differ)."""
    m = set_sine_params(MultiheadAttention(8, 2))
    q, k = det(4, 2, 8, grad=True), det(5, 2, 8, phase=1.0)

    def names(t) -> set:
        seen, todo = set(), [t.grad_fn]
        while todo:
            fn = todo.pop()
            seen.add(type(fn).__name__)
            todo += [f for f, _ in fn.next_functions if f is not None]
        return seen
    out, weights = m(q, k, k, attn_mask=mask("bool", (4, 5), 8.0), average_attn_weights=False)
    assert type(out.grad_fn).__name__ == "ViewBackward0" and type(weights.grad_fn).__name__ == "ViewBackward0"
    assert type(out.grad_fn.next_functions[0][0]).__name__ == "AddmmBackward0"
    assert type(weights.grad_fn.next_functions[0][0]).__name__ == "SoftmaxBackward0"
    assert {"BaddbmmBackward0", "BmmBackward0", "TransposeBackward0"} <= names(out)
    assert "BaddbmmBackward0" not in names(m(q, k, k)[0]) and type(m(q, k, k)[1].grad_fn).__name__ == "MeanBackward1"


def test_dropout_draws_from_the_dialects_generator_and_zero_dropout_is_exact():
    q, k, v = det(2, 3, 4, 8), det(2, 3, 5, 8, phase=1.0), det(2, 3, 5, 6, phase=2.0)
    assert torch.equal(scaled_dot_product_attention(q, k, v, dropout_p=0.0), scaled_dot_product_attention(q, k, v))
    # zero queries give uniform weights 1/S; with identity values each output entry is one weight, kept or dropped
    length, source, p = 200, 50, 0.3
    torch.manual_seed(0)
    out = scaled_dot_product_attention(torch.zeros(length, 4), torch.ones(source, 4), torch.eye(source), dropout_p=p)
    scaled = out.numpy() * source * (1 - p)
    assert np.allclose(scaled[scaled > 0.5], 1.0, rtol=1e-12) and np.all((scaled < 1e-12) | (scaled > 0.5))
    assert abs((scaled < 0.5).mean() - p) < 0.02                       # 10000 draws: sd 0.0046
    torch.manual_seed(3)
    first = scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    torch.manual_seed(3)
    assert torch.equal(first, scaled_dot_product_attention(q, k, v, dropout_p=0.5))
    m = set_sine_params(MultiheadAttention(8, 2, dropout=0.5))
    x = det(4, 2, 8)
    torch.manual_seed(1)
    weights = m(x, x, x, average_attn_weights=False)[1].detach().numpy()   # dropped, as PyTorch returns them
    assert (weights == 0).mean() > 0.3 and np.allclose(weights.sum(-1).mean(), 1.0, atol=0.3)
    m.eval()
    plain = set_sine_params(MultiheadAttention(8, 2))
    assert torch.equal(m(x, x, x)[0], plain(x, x, x)[0]) and torch.equal(m(x, x, x, need_weights=False)[0],
                                                                         plain(x, x, x, need_weights=False)[0])


def test_attention_passes_gradcheck_and_is_drawn():
    q, k, v = det(2, 3, 8, grad=True), det(2, 4, 8, phase=1.0, grad=True), det(2, 4, 6, phase=2.0, grad=True)
    keep = mask("keep", (3, 4), 1.0)
    assert tr.gradcheck(lambda q, k, v: scaled_dot_product_attention(q, k, v, keep), q, k, v)
    m = set_sine_params(MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True))
    padding = mask("bool", (2, 4), 7.0)
    assert tr.gradcheck(lambda q, k: m(q, k, k, key_padding_mask=padding)[0], q.transpose(0, 1).detach()
                        .requires_grad_(), k.transpose(0, 1).detach().requires_grad_())
    drawing = tr.viz.draw(m(q.transpose(0, 1), k.transpose(0, 1), k.transpose(0, 1))[0].sum())
    assert all(name in drawing.source for name in ("in_proj_weight", "bias_k", "out_proj.weight", "softmax"))


def test_mismatched_mask_types_warn_as_in_pytorch():
    m, x = MultiheadAttention(8, 2), det(4, 2, 8)
    with pytest.warns(UserWarning, match="^Support for mismatched key_padding_mask and attn_mask is deprecated. Use "
                                         "same type for both instead.$"):
        m(x, x, x, attn_mask=torch.zeros(4, 4, dtype=torch.bool), key_padding_mask=torch.zeros(2, 4))


ERRORS = [   # (call, "Error: message"), both as PyTorch 2.14 gives them
    ("scaled_dot_product_attention(torch.ones(2, 4, 8), torch.ones(2, 5, 8).float(), torch.ones(2, 5, 6))",
     "RuntimeError: Expected query, key, and value to have the same dtype, but got query.dtype: double key.dtype: "
     "float and value.dtype: double instead."),
    ("scaled_dot_product_attention(torch.ones(8), torch.ones(2, 5, 8), torch.ones(2, 5, 6))", "RuntimeError: "
     "Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: 1 key.dim: 3 and "
     "value.dim: 3 instead."),
    ("scaled_dot_product_attention(torch.ones(2, 4, 8), torch.ones(2, 5, 8), torch.ones(2, 5, 6), "
     "attn_mask=torch.ones(4, 5, dtype=torch.long))", "RuntimeError: Expected attn_mask dtype to be bool or float or "
     "to match query dtype, but got attn_mask.dtype: long int and  query.dtype: double instead."),
    ("scaled_dot_product_attention(torch.ones(2, 4, 8), torch.ones(2, 5, 8), torch.ones(2, 5, 6), "
     "attn_mask=torch.ones(4, 5, dtype=torch.bool), is_causal=True)", "RuntimeError: _scaled_dot_product_attention: "
     "Explicit attn_mask should not be set when is_causal=True"),
    ("scaled_dot_product_attention(torch.ones(2, 4, 8), torch.ones(2, 5, 8), torch.ones(2, 5, 6), dropout_p=1.5)",
     "RuntimeError: dropout probability has to be between 0 and 1, but got 1.5"),
    ("scaled_dot_product_attention(torch.ones(2, 4, 3, 8), torch.ones(2, 3, 5, 8), torch.ones(2, 3, 5, 6), "
     "enable_gqa=True)", "RuntimeError: Number of heads in key and value must divide the number of heads in "),
    ("scaled_dot_product_attention(torch.ones(2, 4, 8).long(), torch.ones(2, 5, 8).long(), torch.ones(2, 5, 6).long())",
     "RuntimeError: expected scalar type Double but found Long"),
    ("scaled_dot_product_attention(torch.ones(2, 4, 8), torch.ones(2, 5, 8), torch.ones(2, 5, 6), "
     "attn_mask=torch.ones(2, 2, 4, 5))", "RuntimeError: output with shape [1, 2, 4, 5] doesn't match the broadcast "
     "shape [2, 2, 4, 5]"),
    ("scaled_dot_product_attention(torch.ones(2, 3, 4, 8), torch.ones(2, 3, 5, 7), torch.ones(2, 3, 5, 6))",
     "RuntimeError: Expected size for first two dimensions of batch2 tensor to be: [6, 8] but got: [6, 7]."),
    ("scaled_dot_product_attention(np.ones((2, 4, 8)), torch.ones(2, 5, 8), torch.ones(2, 5, 6))",
     "TypeError: scaled_dot_product_attention(): argument 'query' (position 1) must be Tensor, not numpy.ndarray"),
    ("MultiheadAttention(0, 2)", "ValueError: embed_dim and num_heads must be greater than 0, got embed_dim=0 and "
     "num_heads=2 instead"),
    ("MultiheadAttention(8, 3)", "AssertionError: embed_dim must be divisible by num_heads"),
    ("MultiheadAttention(8, 2)(torch.ones(4, 2, 6), torch.ones(4, 2, 6), torch.ones(4, 2, 6))",
     "AssertionError: was expecting embedding dimension of 8, but got 6"),
    ("MultiheadAttention(8, 2)(torch.ones(4, 2, 8), torch.ones(4, 8), torch.ones(4, 2, 8))", "AssertionError: For "
     "batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and 3-D tensors respectively"),
    ("MultiheadAttention(8, 2)(torch.ones(1, 4, 2, 8), torch.ones(4, 2, 8), torch.ones(4, 2, 8))", "AssertionError: "
     "query should be unbatched 2D or batched 3D tensor but received 4-D query tensor"),
    ("MultiheadAttention(8, 2)(torch.ones(4, 8), torch.ones(4, 8), torch.ones(4, 8), key_padding_mask=torch.ones(2, 4, "
     "dtype=torch.bool))", "AssertionError: For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or "
     "1-D but found 2-D tensor instead"),
    ("MultiheadAttention(8, 2)(torch.ones(4, 8), torch.ones(4, 8), torch.ones(4, 8), attn_mask=torch.ones(3, 4, 4, "
     "dtype=torch.bool))", "AssertionError: Expected `attn_mask` shape to be (2, 4, 4) but got torch.Size([3, 4, 4])"),
    ("MultiheadAttention(8, 2)(torch.ones(4, 2, 8), torch.ones(4, 2, 8), torch.ones(4, 2, 8), attn_mask=torch.ones(4, "
     "dtype=torch.bool))", "AssertionError: For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
     "but found 1-D tensor instead"),
    ("MultiheadAttention(8, 2)(torch.ones(4, 2, 8), torch.ones(4, 2, 8), torch.ones(4, 2, 8), attn_mask=torch.ones(3, "
     "4, dtype=torch.bool))", "RuntimeError: The shape of the 2D attn_mask is torch.Size([3, 4]), but should be "
     "(4, 4)."),
    ("MultiheadAttention(8, 2)(torch.ones(4, 2, 8), torch.ones(4, 2, 8), torch.ones(4, 2, 8), attn_mask=torch.ones(3, "
     "4, 4, dtype=torch.bool))", "RuntimeError: The shape of the 3D attn_mask is torch.Size([3, 4, 4]), but should be "
     "(4, 4, 4)."),
    ("MultiheadAttention(8, 2, batch_first=True)(torch.ones(4, 2, 8), torch.ones(4, 2, 8), torch.ones(4, 2, 8), "
     "attn_mask=torch.ones(4, 4, dtype=torch.bool))", "RuntimeError: The shape of the 2D attn_mask is "
     "torch.Size([4, 4]), but should be (2, 2)."),
    ("MultiheadAttention(8, 2)(torch.ones(4, 2, 8), torch.ones(4, 2, 8), torch.ones(4, 2, 8), "
     "key_padding_mask=torch.ones(3, 4, dtype=torch.bool))",
     "AssertionError: Expected key_padded_mask.shape[0] to be 2, but got 3"),
    ("MultiheadAttention(8, 2)(torch.ones(4, 2, 8), torch.ones(4, 2, 8), torch.ones(4, 2, 8), "
     "key_padding_mask=torch.ones(2, 5, dtype=torch.bool))",
     "AssertionError: Expected key_padded_mask.shape[1] to be 4, but got 5"),
    ("MultiheadAttention(8, 2)(torch.ones(4, 2, 8), torch.ones(4, 2, 8), torch.ones(4, 2, 8), "
     "key_padding_mask=torch.ones(2, 4, dtype=torch.long))",
     "AssertionError: only bool and floating types of key_padding_mask are supported"),
    ("MultiheadAttention(8, 2)(torch.ones(4, 2, 8), torch.ones(4, 2, 8), torch.ones(4, 2, 8), "
     "attn_mask=torch.ones(4, 4, dtype=torch.long))",
     "AssertionError: only bool and floating types of attn_mask are supported"),
    ("MultiheadAttention(8, 2)(torch.ones(4, 2, 8), torch.ones(4, 2, 8), torch.ones(4, 2, 8), is_causal=True)",
     "RuntimeError: Need attn_mask if specifying the is_causal hint. You may use the Transformer module method "
     "`generate_square_subsequent_mask` to create this mask."),
    ("MultiheadAttention(8, 2)(torch.ones(4, 2, 8), torch.ones(5, 2, 8), torch.ones(4, 2, 8))", "AssertionError: key "
     "shape torch.Size([5, 2, 8]) does not match value shape torch.Size([4, 2, 8])"),
    ("MultiheadAttention(8, 2, kdim=3, vdim=5)(torch.ones(4, 2, 8), torch.ones(5, 2, 3), torch.ones(6, 2, 5))",
     "AssertionError: key's sequence and batch dims torch.Size([5, 2]) do not match value's torch.Size([6, 2])"),
    ("MultiheadAttention(8, 2, kdim=3, vdim=5)(torch.ones(4, 2, 8), torch.ones(5, 2, 4), torch.ones(5, 2, 5))",
     "AssertionError: expecting key weights shape of (8, 4), but got torch.Size([8, 3])"),
    ("MultiheadAttention(8, 2, dropout=1.5)(torch.ones(4, 2, 8), torch.ones(4, 2, 8), torch.ones(4, 2, 8))",
     "ValueError: dropout probability has to be between 0 and 1, but got 1.5"),
    ("MultiheadAttention(8, 2, dropout=1.5)(torch.ones(4, 2, 8), torch.ones(4, 2, 8), torch.ones(4, 2, 8), "
     "need_weights=False)", "RuntimeError: dropout probability has to be between 0 and 1, but got 1.5"),
    ("multi_head_attention_forward(torch.ones(4, 2, 8), torch.ones(4, 2, 8), torch.ones(4, 2, 8), 8, 2, None, None, "
     "None, None, False, 0.0, torch.ones(8, 8), None)",
     "AssertionError: use_separate_proj_weight is False but in_proj_weight is None"),
]


@pytest.mark.parametrize("call, error", ERRORS)
def test_wrong_arguments_raise_pytorchs_errors(call, error):
    raises_as_written(call, error, globals())


class Attentive(nn.Module):
    """An LSTM encoder, self-attention over its states (padding masked), a Linear on the attended mean."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 8, batch_first=True)
        self.attn = MultiheadAttention(8, 2, batch_first=True)
        self.fc = nn.Linear(8, 2)

    def forward(self, x, padding):
        h, _ = self.lstm(x)
        a, weights = self.attn(h, h, h, key_padding_mask=padding)
        return self.fc(a.mean(1)), weights


def test_an_lstm_with_attention_takes_two_sgd_steps_as_in_pytorch():
    model = Attentive()
    with torch.no_grad():
        for i, (_, p) in enumerate(sorted(model.named_parameters())):
            p.copy_(det(*p.shape, phase=float(i)) * 0.5)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y, losses = det(3, 6, 3, phase=7.0), torch.tensor([0, 1, 1]), []
    padding = torch.tensor([[False] * 6, [False] * 4 + [True] * 2, [False] * 5 + [True]])
    for _ in range(2):
        opt.zero_grad()
        logits, weights = model(x, padding)
        (loss := F.cross_entropy(logits, y)).backward()
        opt.step()
        losses.append(loss.item())
    assert close(losses[0], 0.6868120277235962) and close(losses[1], 0.639938051013723)
    assert close(project(weights, 1.5), 1.117279587902895)
    after = {"attn.in_proj_bias": 9.475923625714778, "attn.in_proj_weight": 71.85768596281953,
             "attn.out_proj.bias": 2.766411816718354, "attn.out_proj.weight": 23.72686100888572,
             "fc.bias": 1.41136645901349, "fc.weight": 5.501097304385723, "lstm.bias_hh_l0": 12.17351188289661,
             "lstm.bias_ih_l0": 12.38787731395353, "lstm.weight_hh_l0": 95.24989255146333,
             "lstm.weight_ih_l0": 34.66005249179382}
    for i, (name, p) in enumerate(sorted(model.named_parameters())):
        assert close(project(p, i + 0.5), after[name]), name
