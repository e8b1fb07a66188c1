"""Two PyTorch tutorials, run unchanged on the dialect, give PyTorch's numbers to 1e-12 in float64:

* word_language_model (pytorch/examples): RNNModel with tied weights, init_weights with nn.init,
  init_hidden via next(self.parameters()).new_zeros, hidden states detached between batches,
  clip_grad_norm_ and the manual SGD step `p.data.add_(p.grad, alpha=-lr)`, for LSTM, GRU, RNN_TANH and
  RNN_RELU (dropout 0, since the two libraries draw different random masks);
* the char-RNN name classifier (NLP From Scratch): a hand-built RNN of two Linear layers over
  torch.cat((input, hidden), 1), LogSoftmax(dim=1), NLLLoss, topk.

How the expected values were made: the functions below were run by PyTorch 2.x in float64 (this module
imported with `tinygrad_rnn.torch` standing for `torch`, and `pytorch_values()` printed as literals);
weights come from `fill` (0.5 sin(1.3 i + k)) and are loaded with load_state_dict on both sides.
"""
import string

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from torch_expect import float64, fill  # noqa: F401 (float64 is an autouse fixture)


def fingerprint(a) -> list:
    """An array's sum and its sum weighted by fill(shape, 0.5): no error of one entry survives both."""
    return [float(a.sum()), float((a * fill(a.shape, 0.5)).sum())]


def load_fill(model, scale=0.6):
    state = model.state_dict()
    model.load_state_dict({k: torch.tensor(scale * fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})


# ---------------------------------------------------------------- word_language_model, as published
class RNNModel(nn.Module):
    """Container module with an encoder, a recurrent module, and a decoder."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super(RNNModel, self).__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ['LSTM', 'GRU']:
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            nonlinearity = {'RNN_TANH': 'tanh', 'RNN_RELU': 'relu'}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            if nhid != ninp:
                raise ValueError('When using the tied flag, nhid must be equal to emsize')
            self.decoder.weight = self.encoder.weight
        self.init_weights()
        self.rnn_type = rnn_type
        self.nhid = nhid
        self.nlayers = nlayers

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == 'LSTM':
            return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                    weight.new_zeros(self.nlayers, bsz, self.nhid))
        else:
            return weight.new_zeros(self.nlayers, bsz, self.nhid)


def repackage_hidden(h):
    """Wraps hidden states in new Tensors, to detach them from their history."""
    if isinstance(h, torch.Tensor):
        return h.detach()
    else:
        return tuple(repackage_hidden(v) for v in h)


def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)
    data = data.view(bsz, -1).t().contiguous()
    return data


def get_batch(source, i, bptt):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i:i + seq_len]
    target = source[i + 1:i + 1 + seq_len].view(-1)
    return data, target


def word_language_model(rnn_type, dropout=0.0):
    """A few batches of training as main.py's train() does them, then evaluate() on the first batch:
    (training losses, gradient norms before clipping, evaluation loss, fingerprints of the final parameters)."""
    corpus = torch.tensor((np.arange(200) * 7 + np.arange(200) ** 2 // 3) % 11)
    train_data = batchify(corpus, 4)
    model = RNNModel(rnn_type, 11, 6, 6, 2, dropout=dropout, tie_weights=True)
    load_fill(model)
    criterion = nn.NLLLoss()
    model.train()
    hidden = model.init_hidden(4)
    losses, norms, lr = [], [], 2.0
    for batch, i in enumerate(range(0, train_data.size(0) - 1, 7)):
        data, targets = get_batch(train_data, i, 7)
        model.zero_grad()
        hidden = repackage_hidden(hidden)
        output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()
        norms.append(torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25).item())
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        hidden = model.init_hidden(4)
        data, targets = get_batch(train_data, 0, 7)
        output, hidden = model(data, hidden)
        evaluation = len(data) * criterion(output, targets).item()
    return losses, norms, evaluation, [fingerprint(p.detach().numpy()) for p in model.parameters()]


# ---------------------------------------------------------------- the char-RNN classifier, as published
all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)
all_categories = ["English", "French", "Greek"]


def letterToIndex(letter):
    return all_letters.find(letter)


def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(input_size + hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        combined = torch.cat((input, hidden), 1)
        hidden = self.i2h(combined)
        output = self.i2o(combined)
        output = self.softmax(output)
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)


def char_rnn():
    """train() on 18 names with SGD, then evaluate() one: (losses, guesses, top-2 of the last output)."""
    rnn = RNN(n_letters, 8, len(all_categories))
    load_fill(rnn, scale=0.4)
    criterion = nn.NLLLoss()
    learning_rate = 0.005

    def categoryFromOutput(output):
        top_n, top_i = output.topk(1)
        category_i = top_i[0].item()
        return all_categories[category_i], category_i

    def train(category_tensor, line_tensor):
        hidden = rnn.initHidden()
        rnn.zero_grad()
        for i in range(line_tensor.size()[0]):
            output, hidden = rnn(line_tensor[i], hidden)
        loss = criterion(output, category_tensor)
        loss.backward()
        for p in rnn.parameters():
            p.data.add_(p.grad.data, alpha=-learning_rate)
        return output, loss.item()

    def evaluate(line_tensor):
        hidden = rnn.initHidden()
        for i in range(line_tensor.size()[0]):
            output, hidden = rnn(line_tensor[i], hidden)
        return output

    losses, guesses = [], []
    for name, category in [("Smith", 0), ("Dubois", 1), ("Papadopoulos", 2), ("Jones", 0), ("Lefevre", 1),
                           ("Nikolaidis", 2)] * 3:
        output, loss = train(torch.tensor([category], dtype=torch.long), lineToTensor(name))
        losses.append(loss)
        guesses.append(list(categoryFromOutput(output)))
    with torch.no_grad():
        output = evaluate(lineToTensor("Dupont"))
        topv, topi = output.topk(2, 1, True)
    return losses, guesses, [topv.tolist(), topi.tolist()]


RNN_TYPES = ["LSTM", "GRU", "RNN_TANH", "RNN_RELU"]


def pytorch_values() -> dict:
    """What the expected values below were printed from (run by PyTorch)."""
    return {"WORD_LANGUAGE_MODEL": {t: word_language_model(t) for t in RNN_TYPES}, "CHAR_RNN": char_rnn()}


@pytest.mark.parametrize("rnn_type", RNN_TYPES)
def test_word_language_model_trains_like_pytorch(rnn_type):
    losses, norms, evaluation, params = word_language_model(rnn_type)
    want_losses, want_norms, want_evaluation, want_params = WORD_LANGUAGE_MODEL[rnn_type]
    np.testing.assert_allclose(losses, want_losses, rtol=1e-12)
    np.testing.assert_allclose(norms, want_norms, rtol=1e-12)
    assert evaluation == pytest.approx(want_evaluation, rel=1e-12)
    assert len(params) == len(want_params)                 # the tied weight counted once
    for got, want in zip(params, want_params):
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-12)


def test_word_language_model_ties_the_weights_and_runs_with_dropout():
    torch.manual_seed(0)
    model = RNNModel("LSTM", 11, 6, 6, 2, dropout=0.5, tie_weights=True)
    assert model.decoder.weight is model.encoder.weight
    assert list(model.state_dict())[:2] == ["encoder.weight", "rnn.weight_ih_l0"]
    assert "decoder.weight" in model.state_dict() and len(list(model.parameters())) == 10
    losses = word_language_model("LSTM", dropout=0.5)[0]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0] + 0.5


def test_char_rnn_classifier_trains_like_pytorch():
    losses, guesses, top = char_rnn()
    want_losses, want_guesses, want_top = CHAR_RNN
    np.testing.assert_allclose(losses, want_losses, rtol=1e-12)
    assert guesses == want_guesses
    np.testing.assert_allclose(top[0], want_top[0], rtol=1e-12)
    assert top[1] == want_top[1]


# ---- expected values: PyTorch's, written by it (see the module docstring)
WORD_LANGUAGE_MODEL = {
    'LSTM': ([2.4180421370490555, 2.363797349178046, 2.310748118396618, 2.2696901553507423, 2.206611396360093,
        2.2757659178594323, 2.1568614475801398], [0.2883712846305119, 0.3078268658665809, 0.19064825403888722,
        0.1662187345490948, 0.266406508603152, 0.2502259589947505, 0.2644362555065926], 15.478511016703536,
        [[-0.3840208297169484, -2.8949466236037376], [0.08440991160302082, 9.53418645236592], [-0.19395614809813727,
        0.8293808955673774], [-0.07218118610394829, -1.426597959559239], [-0.02499823168692389, -1.679934129396628],
        [0.1676109457051523, -2.3330092349143468], [0.3173642986713721, 7.595407953485855], [-0.06395495034447117,
        1.8046981407806975], [-0.10987427460138982, 0.6675932585620984], [-0.26896178696942, -0.9294811400285744]]),
    'GRU': ([2.433417259090774, 2.3640997133219903, 2.311329762116671, 2.271900819032743, 2.2085833798231485,
        2.2714385331065667, 2.143316463957248], [0.35078641796582916, 0.3224582316795636, 0.19132807720878942,
        0.19928378967134175, 0.291232421155965, 0.27818571600469155, 0.27580431604763805], 15.573147359655104,
        [[-0.41109620373026967, -3.138218282944446], [0.4491819413206505, 7.213410775073133], [0.29205260370616565,
        0.6566406172162284], [-0.428483932798111, -0.9273380636500532], [-0.22768557036837653, -1.2133683917320832],
        [-0.3727482500026831, -1.8173082106785752], [0.07059546116250123, 5.702686496705311], [0.2758419756649514,
        1.3861341446771664], [-0.07032697706244423, 0.5665023912903564], [-0.2689617869694201,
        -0.7652593358679641]]),
    'RNN_TANH': ([2.4333004930245616, 2.2900281255894366, 2.5239643873667075, 2.2238336905747937,
        2.4388812406117117, 2.166095114927663, 2.2450596950789854], [0.7100426784468565, 0.42015120454533744,
        0.7991755403070802, 0.3312194300451101, 0.791405925228226, 0.35407708652413133, 0.5199594917450989],
        14.925901597627723, [[-0.3331728081107518, -2.4919038579602173], [0.5390811011862001, 2.6549111340095433],
        [0.22480143431300265, 0.2184476993391874], [0.022812518083475185, -0.2862811149400937],
        [-0.26911739554483183, -0.41273123555166796], [-0.3380196075539691, -0.9924689558544996],
        [0.19584286163915685, 1.4108300046963551], [0.1529813772601294, 0.2886874589069812], [0.23245682653572697,
        0.07488188064960619], [-0.26896178696942014, -0.5826504739375586]]),
    'RNN_RELU': ([2.40772228922683, 2.3365544303375865, 2.313708276092894, 2.228636542829901, 2.268162903470279,
        2.184104368693405, 2.167531401419756], [0.48310268787090144, 0.3290217736133263, 0.24802899584307425,
        0.29571825545267305, 0.6392115316689951, 0.4119122978029325, 0.4325453284002963], 14.883585727374443,
        [[-0.3366592359729277, -2.691308529888008], [0.5532119547512532, 2.516330103218272], [0.4776110818252186,
        0.19664879781015776], [0.23501746219694472, -0.2758635194311228], [-0.05691245143136217,
        -0.40231364004269704], [0.01575356463999139, -0.8657403954175383], [-0.005862689450042646,
        1.8522700695303582], [0.4892632638229642, 0.36441942770672525], [0.5687387130985618, 0.15061384944935025],
        [-0.2689617869694203, -0.5060984401744923]]),
}
CHAR_RNN = ([1.0122855204832546, 1.3947036705741829, 1.177173322676603, 0.8352236425701296, 1.5663656087717903,
    1.168919811774059, 1.0112165450735133, 1.3884590481183812, 1.1710381922127393, 0.8408292729999255,
    1.5545004770786428, 1.1633948158012948, 1.0100468150401303, 1.3824012024972694, 1.165050721007032,
    0.846313708628632, 1.542793868838552, 1.1580174973466715], [['English', 0], ['English', 0], ['English', 0],
    ['English', 0], ['English', 0], ['English', 0], ['English', 0], ['English', 0], ['English', 0], ['English', 0],
    ['English', 0], ['English', 0], ['English', 0], ['English', 0], ['English', 0], ['English', 0], ['English', 0],
    ['English', 0]], [[[-0.7866710807945445, -1.0274795316943321]], [[0, 2]]])
# ---- end of expected values
