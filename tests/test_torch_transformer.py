"""The Transformer layers of the PyTorch dialect (torch/nn/transformer.py) against PyTorch 2.14 in float64. Inputs are
made by `det`, masks by `mask`, parameters by set_sine_params; the numbers were printed by PyTorch running the code
between the two `# ---` lines below unchanged (with torch's names bound to these): each output's shape and
sum(out * det), then, after one backward of that sum, the gradients' sums against det of other phases, for the inputs
and every parameter; and the losses and parameters of two SGD steps of an LSTM and a Transformer language model."""
import math
import warnings

import pytest
from helpers import backward_projected, close, det, project, raises_as_written, set_sine_params

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from tinygrad_rnn.torch.nn import transformer      # for _is_causal, tested directly

# the public names, bare as the tests below (and their evaluated error table) call them
TransformerEncoderLayer, TransformerEncoder = nn.TransformerEncoderLayer, nn.TransformerEncoder
TransformerDecoderLayer, TransformerDecoder = nn.TransformerDecoderLayer, nn.TransformerDecoder
Transformer = nn.Transformer

pytestmark = pytest.mark.usefixtures("torch_float64")

# ---
D, H, FF = 8, 2, 16                                     # d_model, nhead, dim_feedforward of every case
ACTIVATIONS = {"F.gelu": F.gelu, "nn.GELU": nn.GELU(), "tanh": torch.tanh}


def mask(kind, shape, phase):
    """A deterministic mask: 'causal' (float, -inf above the diagonal), 'causal_bool' (True above it), 'float'
    (real numbers), 'pad' (True at the last (i + 1) % 3 keys of sequence i, for a key padding mask (N, S) or (S,))."""
    if kind == "causal":
        return Transformer.generate_square_subsequent_mask(shape[0])
    if kind == "causal_bool":
        return torch.arange(shape[-1]).unsqueeze(0) > torch.arange(shape[-2]).unsqueeze(1)
    if kind == "float":
        return det(*shape, phase=phase) * 0.8
    keep = [shape[-1] - (i + 1) % 3 for i in range(shape[0] if len(shape) == 2 else 1)]
    padded = torch.arange(shape[-1]).unsqueeze(0) >= torch.tensor(keep).unsqueeze(1)
    return padded if len(shape) == 2 else padded[0]


def layer_kwargs(kw):
    """The constructor keywords, with the activations named in ACTIVATIONS put in."""
    return {k: ACTIVATIONS.get(v, v) if k == "activation" else v for k, v in kw.items()}


def sequence(length, n, batch_first, phase):
    """A det input of `length` steps of D features: (L, D) when n is None, else (L, n, D) or (n, L, D)."""
    shape = (length, D) if n is None else (n, length, D) if batch_first else (length, n, D)
    return det(*shape, phase=phase, grad=True)


def forward_kwargs(options, shapes):
    """forward's keywords: masks of the kinds `options` gives for the names in `shapes`, the other options as they
    are."""
    return {k: mask(v, shapes[k], 7.0 + i) if k in shapes else v for i, (k, v) in enumerate(options.items())}


def encoder_call(kw, num_layers, final_norm, dims, options):
    """A TransformerEncoder of num_layers copies of TransformerEncoderLayer(D, H, FF, 0.0, **kw) (the layer itself
    when num_layers is None) with sine parameters, on a det src of dims (L, N or None)."""
    layer = TransformerEncoderLayer(D, H, FF, 0.0, **layer_kwargs(kw))
    m = layer if num_layers is None else TransformerEncoder(layer, num_layers, nn.LayerNorm(D) if final_norm else None,
                                                            enable_nested_tensor=False)
    set_sine_params(m)
    (length, n) = dims
    src = sequence(length, n, kw.get("batch_first", False), 0.0)
    padding = (length,) if n is None else (n, length)
    shapes = {"mask": (length, length), "src_mask": (length, length), "src_key_padding_mask": padding}
    return m, m(src, **forward_kwargs(options, shapes)), (src,)


def decoder_call(kw, final_norm, dims, options):
    """A TransformerDecoder of two copies of TransformerDecoderLayer(D, H, FF, 0.0, **kw) with sine parameters, on
    det tgt and memory of dims (L, S, N or None)."""
    layer = TransformerDecoderLayer(D, H, FF, 0.0, **layer_kwargs(kw))
    m = set_sine_params(TransformerDecoder(layer, 2, nn.LayerNorm(D) if final_norm else None))
    length, source, n = dims
    tgt, memory = (sequence(s, n, kw.get("batch_first", False), p) for s, p in ((length, 0.0), (source, 1.0)))
    shapes = {"tgt_mask": (length, length), "memory_mask": (length, source),
              "tgt_key_padding_mask": (length,) if n is None else (n, length),
              "memory_key_padding_mask": (source,) if n is None else (n, source)}
    return m, m(tgt, memory, **forward_kwargs(options, shapes)), (tgt, memory)


def transformer_call(kw, dims, options):
    """A Transformer(D, H, 2, 2, FF, 0.0, **kw) with sine parameters on det src and tgt of dims (S, L, N)."""
    m = set_sine_params(Transformer(D, H, 2, 2, FF, 0.0, **layer_kwargs(kw)))
    source, length, n = dims
    src, tgt = (sequence(s, n, kw.get("batch_first", False), p) for s, p in ((source, 0.0), (length, 1.0)))
    shapes = {"src_mask": (source, source), "tgt_mask": (length, length), "memory_mask": (length, source),
              "src_key_padding_mask": (n, source), "tgt_key_padding_mask": (n, length),
              "memory_key_padding_mask": (n, source)}
    return m, m(src, tgt, **forward_kwargs(options, shapes)), (src, tgt)


class LanguageModel(nn.Module):
    """word_language_model's two models in small: an embedding, an LSTM or a causal TransformerEncoder (after sine
    positions), and a Linear to the vocabulary of 11."""

    def __init__(self, kind, norm_first=False):
        super().__init__()
        self.kind = kind
        self.encoder = nn.Embedding(11, D)
        self.body = nn.LSTM(D, D) if kind == "lstm" else TransformerEncoder(
            TransformerEncoderLayer(D, H, FF, 0.0, norm_first=norm_first), 2, enable_nested_tensor=False)
        self.decoder = nn.Linear(D, 11)

    def forward(self, tokens):
        x = self.encoder(tokens) * math.sqrt(D)
        if self.kind == "lstm":
            return self.decoder(self.body(x)[0])
        causal = Transformer.generate_square_subsequent_mask(tokens.size(0))
        return self.decoder(self.body(x + det(tokens.size(0), 1, D, phase=4.0).detach() * 0.1, mask=causal))


def language_model_steps(kind, norm_first=False):
    """Two SGD steps (lr 0.5) of a sine-initialised LanguageModel predicting the next token; (model, losses)."""
    model = set_sine_params(LanguageModel(kind, norm_first))
    tokens = (torch.arange(14) * 7 % 11).view(7, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    losses = []
    for _ in range(2):
        optimizer.zero_grad()
        loss = nn.CrossEntropyLoss()(model(tokens[:-1]).reshape(-1, 11), tokens[1:].reshape(-1))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, losses


# (layer keywords, num_layers or None for the layer alone, a final LayerNorm, (L, N or None), forward's options)
ENCODER_CASES = [
    ({}, 2, False, (5, 3), {}),
    ({"norm_first": True}, 2, False, (5, 3), {}),
    ({"batch_first": True, "activation": "gelu"}, 2, True, (5, 3), {"mask": "causal", "src_key_padding_mask": "pad"}),
    ({"batch_first": True, "norm_first": True, "activation": "gelu"}, 2, False, (5, 3),
     {"mask": "causal_bool", "src_key_padding_mask": "pad"}),
    ({"activation": "F.gelu"}, 2, False, (5, 3), {"mask": "causal", "is_causal": True}),
    ({"norm_first": True, "activation": "nn.GELU"}, 2, True, (5, None), {"mask": "causal"}),
    ({"bias": False, "layer_norm_eps": 1e-3, "activation": "tanh"}, 2, False, (5, 3), {"mask": "float"}),
    ({"batch_first": True}, 2, False, (4, 2), {"src_key_padding_mask": "float"}),
    ({}, None, False, (5, 3), {"src_mask": "float", "src_key_padding_mask": "pad"}),
    ({"norm_first": True, "batch_first": True}, None, False, (5, 3), {"src_mask": "causal", "is_causal": True}),
]
# (layer keywords, a final LayerNorm, (L, S, N or None), forward's options)
DECODER_CASES = [
    ({}, False, (4, 5, 3), {}),
    ({"norm_first": True, "batch_first": True, "activation": "gelu"}, True, (4, 5, 3),
     {"tgt_mask": "causal", "tgt_key_padding_mask": "pad", "memory_key_padding_mask": "pad"}),
    ({}, True, (4, 5, 3), {"tgt_mask": "causal_bool", "memory_mask": "float", "tgt_is_causal": True}),
    ({"norm_first": True}, False, (4, 5, None), {"tgt_mask": "causal", "memory_mask": "float"}),
]
# (Transformer keywords, (S, L, N), forward's options)
TRANSFORMER_CASES = [
    ({}, (5, 4, 3), {"tgt_mask": "causal", "src_key_padding_mask": "pad", "memory_key_padding_mask": "pad"}),
    ({"batch_first": True, "norm_first": True, "activation": "gelu"}, (5, 4, 2),
     {"src_mask": "float", "tgt_mask": "causal", "tgt_is_causal": True}),
]


def results(m, out, inputs):
    """What the expected numbers hold: out's shape, sum(out * det(phase 3)), the inputs' gradients against det of
    phases 4, 5, and every parameter's against det of phases 10, 11, ..."""
    value = backward_projected(out)[0]
    return (tuple(out.shape), value, [project(x.grad, 4.0 + i) for i, x in enumerate(inputs)],
            [project(p.grad, 10.0 + i) for i, (_, p) in enumerate(m.named_parameters())])
# ---


ENCODER_EXPECTED = [   # (out shape, out, [d inputs], [d params])
    ((5, 3, 8), -0.777090395974, [-0.05649324846396], [0.02216417405439, -0.2140841858262, 0.009643694065273,
     -0.09134052451672, -0.3543424480748, -0.04952500255203, -0.07028370163339, -0.05232442833738, -0.9757974659637,
     -0.5069285055409, 0.1301699496124, 0.05056640412896, -0.009228181389822, -0.09953153491386, -0.08485379237827,
     -0.01452876432401, 0.3621152381731, -0.3028367216931, 0.3727136778214, -0.02132207870817, 0.5948835433984,
     0.412413781526, 1.203894640421, 1.311084139899]),
    ((5, 3, 8), -74.16327968402, [47.86715647311], [4.338406776364, 38.77871378131, 25.1295985946, -1.49393618277,
     -44.78690855547, 28.15782450957, -58.8326556932, 6.136230526119, -3.982574214305, 9.837791592608, -40.86105460728,
     -37.85945088893, 0.04745504652663, -5.767359700236, -4.402564236309, 4.58317669184, -67.57983356121,
     -13.40446645348, -7.492139193385, -0.727993724804, 0.2593357499569, -0.4035776705421, -15.73784957476,
     58.9675068882]),
    ((3, 5, 8), -0.2394561358856, [0.000171396630309], [0.1711205710447, 0.1578601780149, 0.2048412399254,
     -0.007948353305096, 0.2985631431405, 0.02288447091941, 0.7577815380025, -0.00317058658649, -0.9081035090966,
     0.07112819048067, -0.1539765406128, -0.08563333389659, 0.001114307856966, 0.3293689145047, 0.02655760051296,
     0.02601943412727, 0.2759571606279, 0.1783296457499, 0.1391209808439, 0.07093535323873, -0.007598066287705,
     0.1199571641641, -0.3117949503374, -0.07928905918119, 0.6983984451606, -0.3906244950458]),
    ((3, 5, 8), -70.74461298111, [52.31301979213], [3.177193904908, 38.95461846483, 25.6231601962, -1.076655704041,
     -76.46001206377, 14.08225942771, -58.22214453982, 1.557551993719, -5.048024766404, 10.07240368975, -51.13229867187,
     -51.29917641672, -0.2717294516342, -3.926775881718, -2.133484978616, 1.155086920721, -28.72539838929,
     -5.100322547321, -12.34303037283, -0.727993724804, 0.1067531785794, -0.4871487174379, -14.57408031642,
     22.91260785883]),
    ((5, 3, 8), -0.7022987548492, [-0.05389921517086], [-0.3584070961709, 0.0122942187432, 0.006544676637825,
     -0.1775074968029, -1.617329451835, 0.1485628443184, -0.5846833131376, 0.01965929043127, -1.252594509652,
     -0.3586452517733, -0.005579377688335, -0.0493697416172, 0.02276871260687, 0.05677985758041, 0.3189653801309,
     0.01491511069655, 0.8953486331849, 0.02539709484665, 0.5204482255743, 0.04075847486373, 0.2421457096522,
     -0.02345073757179, 1.284712071067, 1.311084139899]),
    ((5, 8), -2.542889807173, [-0.9655186165785], [0.1313437586953, 0.340165856977, 0.01029737231338, 0.2580675051848,
     -2.739906876551, -0.9991792001626, -1.521262546391, -0.5309944870598, -0.05785390920025, 0.1689522553704,
     -2.074569543717, 1.075785791804, -0.04180831215609, -0.9273053803636, -0.6159807513513, -0.1531829337189,
     2.026705258537, -1.435047746993, 1.527963526731, -0.3887833103599, 0.03184583313985, -0.1123981363913,
     0.6089828557708, 1.220959031172, 3.563136610131, 3.873380390237]),
    ((5, 3, 8), -6.388282757829, [4.809524322147], [-8.220946475825, -10.00086070848, -0.2507148499888, -4.595043653887,
     -0.9004377126964, -25.94998004841, -1.094646251212, -0.02362841866821, -5.1504654222, -2.540035246966,
     0.7337252568538, 9.602375945029]),
    ((2, 4, 8), 2.327339182893, [0.09067955989934], [-0.5044682457285, -0.04718880256622, -0.08888409995588,
     -0.03993078606846, -0.4825774530664, 0.06873301482529, -0.5292085612137, 0.003963031054304, 0.04004594142384,
     -0.2370060010528, -0.07246726832694, -0.1137605427106, -0.0132383675833, -0.25217594701, -0.1294544348462,
     0.187895184215, 0.4499453975227, -0.4765256049042, -0.3219446466326, -0.1751070488135, 0.5738825242208,
     1.369635059751, -2.438779770174, -3.100643984645]),
    ((5, 3, 8), -1.433205864248, [1.946800022113], [0.4420229790923, -1.563958382531, -0.08166916045434, 0.841557744569,
     10.10758176252, -4.151813050281, 11.19621852697, -1.851452656143, 3.570332283594, -1.766118996681,
     -0.4183855671711, 1.197816067259]),
    ((3, 5, 8), -69.21664568923, [36.78908459713], [4.809309618502, 44.12455230435, 27.23897299244, 0.6923398670011,
     -57.99576282182, 5.626445667088, -52.24787316913, -1.206502431259, -5.406353097239, 12.09733116629,
     -48.59316333509, -7.667024335559]),
]
DECODER_EXPECTED = [   # (out shape, out, [d inputs], [d params])
    ((4, 3, 8), 2.289187586149, [-0.06017259877581, 0.05041676973717], [0.004495330239199, 0.081878234175,
     0.02000043354602, 0.006523608120536, -0.05818221095141, 0.146509200041, 0.04104659656511, -0.04910285371786,
     -0.1016903421164, 0.1990474851212, -0.1507455510152, -0.1640589440927, -0.08691033741078, -0.05945152421272,
     0.01328519660292, 0.4360664106925, -0.1935670105561, 0.1465378252252, 0.01047883031336, 0.06486483588908,
     0.07786881146723, -0.08856544878473, 0.7576640892538, 0.5609660626189, 0.0300238317304, -0.1480768458728,
     -1.286395133443, 0.7635388666491, -2.102906411405, -0.523096617008, 0.1485446712674, -0.2500681171083,
     -0.8118989130873, 3.428508583878, -1.477165713074, -5.243425858388]),
    ((3, 4, 8), 0.2671227896466, [-3.424231909621, 0.2260855874281], [0.1484721203718, -0.3100010305411,
     -0.1838256304276, -0.03222105831798, 1.472235389825, -0.04473044962283, 0.8443832401785, -0.3462399780836,
     0.357771667617, -1.663032594036, 0.5663845127209, 0.9186805383408, 0.11393408754, 0.06499754403378,
     0.5326753940759, -0.6613117992807, -0.1977245741546, 3.274412051054, -0.0119596032439, 0.5535536588094,
     0.3312696731736, -0.7274683069331, 1.930450607534, 0.67965662595, 0.7218737665217, 0.00963543344543,
     3.104351755436, -0.9417877574671, 1.946710783173, 0.5392265220371, -0.03675039819819, -0.02405929870771,
     0.1024344936286, -0.3478709901818, 0.371644348709, 0.4546850071912, 3.71818256457, 5.480358390966]),
    ((4, 3, 8), -2.211068830782, [-0.002076848179515, -0.01976392774597], [0.00823178750077, -0.00317129551837,
     0.0004872628486822, 0.003110400201221, -0.04117863790536, 0.03352153187647, -0.02698348189172, -0.01458085914245,
     -0.03577337732717, 0.05241131408096, -0.05135105267609, -0.04521302081864, 0.01704826843422, -0.01868745312545,
     -0.01745925475116, 0.1176249509444, 0.09911442816919, 0.02514876656316, 0.006423790979826, -0.03891368945334,
     0.01187232079711, -0.01396457452385, 0.1510647657939, 0.03754747287438, 0.006992504690615, -0.003915257739727,
     -0.2122857780286, 0.2176526302729, -0.3671290944157, -0.1553881864924, 0.01993521893839, -0.03044774039383,
     0.1312821673085, 0.8412492000729, 0.4800650010823, 0.8145097101905, 1.075558977799, 5.480358390966]),
    ((4, 8), -21.50430694126, [15.02867911584, -1.442036277841], [-4.650329329997, 11.02114609271, -0.2953444816823,
     -0.9136278576223, -7.27885658061, 10.34051701985, 1.375565176757, 3.905559942123, -32.61236419098, 11.53743713331,
     -20.52254717047, -2.136351412504, -1.654389759947, -1.289824809145, -0.2528623277524, 0.8322127378452,
     -14.65231733518, -3.81859227198, -0.08900205369055, -1.115541833524, -0.924730642251, 0.6277122171474,
     -0.5066507886047, -1.483288751749, -0.8011933236158, 1.965681784316, -1.049140605466, 3.852136121096,
     -0.5713634882234, -2.336925785468, 0.0302950496114, 0.02687696064368, -0.638350527991, 2.381798669026,
     4.419891685701, 1.310678317413]),
]
TRANSFORMER_EXPECTED = [   # (out shape, out, [d inputs], [d params])
    ((4, 3, 8), -3.202548588077, [3.194277664451e-05, -0.01984040695142], [-0.0001358388871521, -2.430809943419e-05,
     3.108883394949e-05, -2.223270663294e-05, -0.0006878359744979, 0.0001349710968627, -0.0009551891600937,
     8.567664108498e-05, 0.0003001686427331, 0.0005085732203205, 0.0003225641374457, 0.0003501578106872,
     1.876729615964e-05, 0.0004494991124182, 0.0001938524321157, -0.0004946797913829, 0.0002389475441504,
     0.0003350284754198, 0.002222929179002, 0.0005540717646254, -0.001023605710752, -0.00452219714964,
     -0.003361507474504, -0.003808447569109, 0.004672505268585, -0.02678692208108, -0.002158141966657, 0.05294254799357,
     0.05895411402601, 0.008864080736643, 0.00831165603511, -0.00862952217508, 0.02073063370968, -0.01812866521938,
     0.1185221914169, 0.4186219453249, 0.2524035103564, 0.04680834683521, -0.06906205569917, -0.01154186185199,
     0.04011464585481, 0.2998553045425, 0.162061236871, 0.08596964469763, 0.001005031465515, 0.0406849843449,
     0.04378510985619, -0.003398465472999, -0.004492403946777, 0.02114647738211, 0.06593125591747, -0.1456289793532,
     -1.354204551264, 0.83849582555, -2.145732269303, -1.117685006108, -0.001619297021296, -0.1092305007551,
     0.9327954874687, 2.327889920141, -0.2551777169318, 0.8655066589139, -0.1130362558668, 6.030017622542]),
    ((2, 4, 8), 0.4909455563023, [0.009960385503431, -4.262933397365], [0.01849596098875, 0.09885952140767,
     0.03862187673249, 0.01683636678833, -0.06435231089607, 0.09045203771502, -0.1744017852905, 0.05167476632526,
     -0.01391461554364, 0.03196837927238, -0.01522439203634, -0.2078853269719, 0.01480402445572, 0.09281388095877,
     0.02964888066666, 0.06541708564928, -0.2276064185367, 0.122767591113, -0.2519582257953, 0.01602594866725,
     -0.005767943903711, 0.02370718920144, -0.03144872991875, -0.1755808931376, -0.2749211196381, -1.096912500331,
     -0.9589985774108, 2.366738611936, 0.6732690712491, -0.1711443223972, 0.03277627963567, 2.569798483921,
     1.328938014597, -0.1135148347639, -2.212397462715, 0.5218957253836, -0.6648949631572, 0.2092291040023,
     -0.2021697585829, -0.09824897202726, -0.001769187963615, 0.00875490208377, -0.7498045010437, -1.114060503373,
     -0.4545414683178, 1.599863314329, 0.5168497384519, -0.2052463620952, -0.41581375097, 1.517021191479,
     0.3082604370875, 0.03896512238261, -0.5966488256376, 0.1395439466519, 0.329103537605, 0.1655659963218,
     -0.002829671611061, -0.1425895602398, 0.00163093000867, -0.001534935134506, 0.1689600926318, 0.9056014395235,
     -1.473776664931, 4.658105945611]),
]
LM_EXPECTED = [   # ([losses], [parameters after two steps])
    ([2.538702157088, 2.475515712843], [-24.14601824738, -70.50561176086, -69.69248736328, -9.026455580279,
     -8.816245078443, -23.5042193072, -2.391748051738]),
    ([2.704707962788, 2.389703969162], [-23.82861875064, -52.8050482056, -6.14259401977, -17.46146580544,
     -2.154015855709, -35.26344904722, -4.455765294701, -35.09826746693, -1.991213285079, -2.440455199106,
     -2.2091247456, -2.034346561136, -2.278003890549, -53.20333693383, -5.96770505824, -16.57521896709, -2.435951900384,
     -35.68278930098, -4.072125933773, -35.3648047176, -1.907387440001, -2.231436066816, -2.173085369453,
     -2.372030250677, -1.559792154632, -23.26789578184, -3.559002737741]),
    ([7.234379158887, 10.66178601207], [-21.43653406321, -49.67597532552, -6.219257993798, -16.85692795773,
     -2.369971004837, -31.05068004004, -4.90845116287, -31.04828844214, -1.323423523778, -2.026387662419,
     0.3247487022885, 0.1852678109275, -0.662269356449, -51.98019262646, -5.25588391003, -16.23863096885,
     -2.345796899001, -32.16619107332, -3.330872230453, -31.81534675307, -1.402355633834, -2.703053942518,
     -0.3291090954002, -0.9139030194485, -4.333035129013, -0.7318506320269, -2.876630235324]),
]


def agree(ours, theirs) -> bool:
    """results() of the dialect against PyTorch's: the shape equal, every number close."""
    shape, value, inputs, params = ours
    return (shape == theirs[0] and close(value, theirs[1])
            and all(close(a, b) for a, b in zip(inputs + params, theirs[2] + theirs[3], strict=True)))


@pytest.mark.filterwarnings("ignore:Support for mismatched")   # a bool and a float mask: PyTorch warns too
@pytest.mark.parametrize("case, expected", list(zip(ENCODER_CASES, ENCODER_EXPECTED, strict=True)))
def test_transformer_encoder_outputs_and_gradients_match_pytorch(case, expected):
    assert agree(results(*encoder_call(*case)), expected)


@pytest.mark.filterwarnings("ignore:Support for mismatched")   # a bool and a float mask: PyTorch warns too
@pytest.mark.parametrize("case, expected", list(zip(DECODER_CASES, DECODER_EXPECTED, strict=True)))
def test_transformer_decoder_outputs_and_gradients_match_pytorch(case, expected):
    assert agree(results(*decoder_call(*case)), expected)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
@pytest.mark.parametrize("case, expected", list(zip(TRANSFORMER_CASES, TRANSFORMER_EXPECTED, strict=True)))
def test_transformer_outputs_and_gradients_match_pytorch(case, expected):
    assert agree(results(*transformer_call(*case)), expected)


@pytest.mark.parametrize("case, expected", list(zip([("lstm",), ("transformer",), ("transformer", True)], LM_EXPECTED,
                                                    strict=True)))
def test_two_sgd_steps_of_an_lstm_and_a_transformer_language_model_match_pytorch(case, expected):
    model, losses = language_model_steps(*case)
    params = [project(p, 10.0 + i) for i, (_, p) in enumerate(model.named_parameters())]
    assert all(close(a, b) for a, b in zip(losses + params, expected[0] + expected[1], strict=True))


def test_the_layers_have_pytorchs_submodules_parameters_and_attributes():
    layer = TransformerEncoderLayer(8, 2, 16, activation=nn.GELU())
    assert [n for n, _ in layer.named_children()] == ["self_attn", "linear1", "dropout", "linear2", "norm1", "norm2",
                                                      "dropout1", "dropout2", "activation"]
    assert (layer.activation_relu_or_gelu, TransformerEncoderLayer(8, 2, activation="gelu").activation_relu_or_gelu,
            TransformerEncoderLayer(8, 2).activation_relu_or_gelu,
            TransformerEncoderLayer(8, 2, activation=torch.tanh).activation_relu_or_gelu) == (2, 2, 1, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = Transformer(8, 2, 1, 1, 16)
    layer_names = ["self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                   "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
                   "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"]
    decoder_names = layer_names[:4] + [n.replace("self_attn", "multihead_attn") for n in layer_names[:4]] + \
        layer_names[4:] + ["norm3.weight", "norm3.bias"]
    assert [n for n, _ in m.named_parameters()] == (
        ["encoder.layers.0." + n for n in layer_names] + ["encoder.norm.weight", "encoder.norm.bias"] +
        ["decoder.layers.0." + n for n in decoder_names] + ["decoder.norm.weight", "decoder.norm.bias"])
    for p in m.parameters():                            # xavier_uniform_ for every matrix
        assert p.dim() == 1 or float(p.abs().max()) <= math.sqrt(6 / (p.size(0) + p.size(1)))
    assert (m.d_model, m.nhead, m.batch_first, m.encoder.num_layers, m.decoder.layers[0].norm_first) == (
        8, 2, False, 1, False)


def test_the_encoders_layers_are_deep_copies():
    layer = TransformerEncoderLayer(8, 2, 16)
    encoder = TransformerEncoder(layer, 3, enable_nested_tensor=False)
    weights = [encoder.layers[i].self_attn.in_proj_weight for i in range(3)] + [layer.self_attn.in_proj_weight]
    assert len({id(w) for w in weights}) == 4 and all(torch.equal(w, weights[0]) for w in weights)
    assert (encoder.num_layers, encoder.norm, encoder.use_nested_tensor, encoder.mask_check) == (3, None, False, True)


@pytest.mark.parametrize("kw, why", [
    ({}, "encoder_layer.self_attn.batch_first was not True(use batch_first for better inference performance)"),
    ({"batch_first": True, "norm_first": True}, "encoder_layer.norm_first was True"),
    ({"batch_first": True, "bias": False}, "encoder_layer.self_attn was passed bias=False"),
    ({"batch_first": True, "activation": torch.tanh}, "encoder_layer.activation_relu_or_gelu was not True"),
    ({"batch_first": True, "nhead": 1}, "encoder_layer.self_attn.num_heads is odd"),
    ({"batch_first": True}, None),
])
def test_the_encoder_warns_as_pytorch_when_it_could_not_use_nested_tensors(kw, why):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        encoder = TransformerEncoder(TransformerEncoderLayer(**{"d_model": 8, "nhead": 2, **kw}), 2)
    assert [str(w.message) for w in caught] == ([] if why is None else [
        f"enable_nested_tensor is True, but self.use_nested_tensor is False because {why}"])
    assert encoder.use_nested_tensor == (why is None)


def test_generate_square_subsequent_mask_and_the_causal_mask_detection():
    assert Transformer.generate_square_subsequent_mask(3).tolist() == [[0.0, -math.inf, -math.inf],
                                                                       [0.0, 0.0, -math.inf], [0.0, 0.0, 0.0]]
    causal = Transformer.generate_square_subsequent_mask(4)
    assert transformer._is_causal(causal, None, 4) and transformer._is_causal(causal > -1, None, 4) is False
    assert transformer._is_causal(torch.ones(4, 4).triu(1).bool(), None, 4)
    assert not transformer._is_causal(None, None, 4) and transformer._is_causal(None, True, 4)
    assert transformer._is_causal(causal, False, 4) is False and not transformer._is_causal(causal, None, 5)


def test_dropout_is_off_in_eval_mode():
    src = det(5, 3, 8)
    for make in (lambda p: TransformerEncoderLayer(8, 2, 16, p), lambda p: TransformerDecoderLayer(8, 2, 16, p)):
        with_dropout, without = set_sine_params(make(0.3)), set_sine_params(make(0.0))
        args = (src,) if isinstance(with_dropout, TransformerEncoderLayer) else (src, det(4, 3, 8, phase=1.0))
        assert not torch.equal(with_dropout(*args), without(*args))
        assert torch.allclose(with_dropout.eval()(*args), without(*args), rtol=1e-13, atol=0)


def test_mismatched_mask_types_warn_as_in_pytorch():
    with pytest.warns(UserWarning, match="^Support for mismatched src_key_padding_mask and src_mask is deprecated. "
                                         "Use same type for both instead.$"):
        TransformerEncoderLayer(8, 2)(torch.ones(5, 3, 8), src_mask=torch.zeros(5, 5),
                                      src_key_padding_mask=torch.zeros(3, 5, dtype=torch.bool))


@pytest.mark.parametrize("call, error", [
    ("TransformerEncoderLayer(8, 2, activation='tanh')", "RuntimeError: activation should be relu/gelu, not tanh"),
    ("Transformer(8, 2, 1, 1, 16)(torch.ones(5, 3, 8), torch.ones(4, 2, 8))",
     "RuntimeError: the batch number of src and tgt must be equal"),
    ("Transformer(8, 2, 1, 1, 16)(torch.ones(5, 3, 8), torch.ones(4, 3, 6))",
     "RuntimeError: the feature number of src and tgt must be equal to d_model"),
    ("TransformerEncoderLayer(8, 3)", "AssertionError: embed_dim must be divisible by num_heads"),
    ("TransformerEncoderLayer(8, 2)(torch.ones(5, 3, 8), is_causal=True)",
     "RuntimeError: Need attn_mask if specifying the is_causal hint. You may use the Transformer module method "
     "`generate_square_subsequent_mask` to create this mask."),
])
@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
def test_errors_are_pytorchs(call, error):
    raises_as_written(call, error, globals())
