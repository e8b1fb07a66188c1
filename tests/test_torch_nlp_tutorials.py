"""Three more PyTorch tutorials, run unchanged on the dialect, give PyTorch's numbers to 1e-12 in float64:

* "Sequence Models and LSTM Networks" (beginner_source/nlp/sequence_models_tutorial.py): the LSTM
  part-of-speech tagger (Embedding, LSTM over `embeds.view(len(sentence), 1, -1)`, log_softmax(dim=1),
  NLLLoss, SGD, `with torch.no_grad()`), its loss printed with PyTorch's grad_fn name;
* "NLP From Scratch: Generating Names" (intermediate_source/char_rnn_generation_tutorial.py): the
  hand-built RNN with a category input, `target_line_tensor.unsqueeze_(-1)`, `loss = torch.Tensor([0])`
  and `loss += criterion(...)`, `p.data.add_(p.grad.data, alpha=-learning_rate)`, sampling with topk;
* "Advanced: Making Dynamic Decisions and the Bi-LSTM CRF" (beginner_source/nlp/advanced_tutorial.py):
  the forward algorithm with a hand-written log_sum_exp, the gold score, Viterbi decoding, SGD with weight
  decay.

The model code is the tutorials' (pytorch/tutorials, under the BSD 3-Clause license, copyright their
authors and Meta Platforms, Inc.; kept here as a test fixture, as tests/programs keeps whole programs),
written from the published versions, with two edits, both for the
comparison: the weights are loaded from `fill` after construction (the libraries draw different random
numbers), and so the Bi-LSTM CRF's init_hidden gives zeros instead of torch.randn draws, and the names
generator runs in eval() mode (its Dropout(0.1) would draw different masks).

How the expected values were made: the functions below were run by PyTorch 2.x in float64 (this module
with `torch` standing for `tinygrad_rnn.torch`), and `pytorch_values()` printed as literals.
"""
import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
import tinygrad_rnn.torch.optim as optim
from torch_expect import fill, float64, same  # noqa: F401 (float64 is an autouse fixture)


def load_fill(model, scale=0.6):
    state = model.state_dict()
    model.load_state_dict({k: torch.tensor(scale * fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})


def fingerprint(model) -> list:
    """Each parameter's sum and its sum weighted by fill(shape, 0.5)."""
    return [[float(p.detach().numpy().sum()), float((p.detach().numpy() * fill(tuple(p.shape), 0.5)).sum())]
            for p in model.parameters()]


# ---------------------------------------------------------------- sequence_models_tutorial: LSTM tagger
def prepare_sequence(seq, to_ix):
    idxs = [to_ix[w] for w in seq]
    return torch.tensor(idxs, dtype=torch.long)


training_data = [
    ("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
    ("Everybody read that book".split(), ["NN", "V", "DET", "NN"])
]
word_to_ix = {}
for sent, tags in training_data:
    for word in sent:
        if word not in word_to_ix:
            word_to_ix[word] = len(word_to_ix)
tag_to_ix = {"DET": 0, "NN": 1, "V": 2}


class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.hidden_dim = hidden_dim
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
        tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
        tag_scores = F.log_softmax(tag_space, dim=1)
        return tag_scores


def lstm_tagger() -> dict:
    model = LSTMTagger(6, 6, len(word_to_ix), len(tag_to_ix))
    load_fill(model)
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    with torch.no_grad():
        before = model(prepare_sequence(training_data[0][0], word_to_ix))
    losses = []
    for epoch in range(10):
        for sentence, tags in training_data:
            model.zero_grad()
            sentence_in = prepare_sequence(sentence, word_to_ix)
            targets = prepare_sequence(tags, tag_to_ix)
            tag_scores = model(sentence_in)
            loss = loss_function(tag_scores, targets)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    with torch.no_grad():
        after = model(prepare_sequence(training_data[0][0], word_to_ix))
    return {"before": before.numpy().tolist(), "losses": losses, "after": after.numpy().tolist(),
            "printed": repr(loss).split(", ")[-1], "params": fingerprint(model)}


# ---------------------------------------------------------------- char_rnn_generation_tutorial
all_categories = ["English", "French", "German", "Italian"]
n_categories = len(all_categories)
all_letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;'-"
n_letters = len(all_letters) + 1


class GenRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(GenRNN, self).__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(n_categories + input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(n_categories + input_size + hidden_size, output_size)
        self.o2o = nn.Linear(hidden_size + output_size, output_size)
        self.dropout = nn.Dropout(0.1)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, category, input, hidden):
        input_combined = torch.cat((category, input, hidden), 1)
        hidden = self.i2h(input_combined)
        output = self.i2o(input_combined)
        output_combined = torch.cat((hidden, output), 1)
        output = self.o2o(output_combined)
        output = self.dropout(output)
        output = self.softmax(output)
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)


def categoryTensor(category):
    li = all_categories.index(category)
    tensor = torch.zeros(1, n_categories)
    tensor[0][li] = 1
    return tensor


def inputTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li in range(len(line)):
        letter = line[li]
        tensor[li][0][all_letters.find(letter)] = 1
    return tensor


def targetTensor(line):
    letter_indexes = [all_letters.find(line[li]) for li in range(1, len(line))]
    letter_indexes.append(n_letters - 1)
    return torch.LongTensor(letter_indexes)


def char_generation() -> dict:
    rnn = GenRNN(n_letters, 16, n_letters)
    load_fill(rnn, scale=0.2)
    rnn.eval()
    criterion = nn.NLLLoss()
    learning_rate = 0.01

    def train(category_tensor, input_line_tensor, target_line_tensor):
        target_line_tensor.unsqueeze_(-1)
        hidden = rnn.initHidden()
        rnn.zero_grad()
        loss = torch.Tensor([0])  # you can also just simply use ``loss = 0``
        for i in range(input_line_tensor.size(0)):
            output, hidden = rnn(category_tensor, input_line_tensor[i], hidden)
            l = criterion(output, target_line_tensor[i])
            loss += l
        loss.backward()
        for p in rnn.parameters():
            p.data.add_(p.grad.data, alpha=-learning_rate)
        return output, loss.item() / input_line_tensor.size(0)

    def sample(category, start_letter='A', max_length=8):
        with torch.no_grad():
            category_tensor = categoryTensor(category)
            input = inputTensor(start_letter)
            hidden = rnn.initHidden()
            output_name = start_letter
            for i in range(max_length):
                output, hidden = rnn(category_tensor, input[0], hidden)
                topv, topi = output.topk(1)
                topi = topi[0][0]
                if topi == n_letters - 1:
                    break
                else:
                    letter = all_letters[topi]
                    output_name += letter
                input = inputTensor(letter)
            return output_name

    pairs = [("English", "Abbott"), ("French", "Brun"), ("German", "Adler"), ("Italian", "Abate")] * 3
    losses = [train(categoryTensor(c), inputTensor(line), targetTensor(line))[1] for c, line in pairs]
    return {"losses": losses, "samples": [sample(c, s) for c in all_categories for s in "AB"],
            "params": fingerprint(rnn)}


# ---------------------------------------------------------------- advanced_tutorial: Bi-LSTM CRF
START_TAG, STOP_TAG = "<START>", "<STOP>"


def argmax(vec):
    _, idx = torch.max(vec, 1)
    return idx.item()


def log_sum_exp(vec):
    max_score = vec[0, argmax(vec)]
    max_score_broadcast = max_score.view(1, -1).expand(1, vec.size()[1])
    return max_score + torch.log(torch.sum(torch.exp(vec - max_score_broadcast)))


class BiLSTM_CRF(nn.Module):

    def __init__(self, vocab_size, tag_to_ix, embedding_dim, hidden_dim):
        super(BiLSTM_CRF, self).__init__()
        self.hidden_dim = hidden_dim
        self.tag_to_ix = tag_to_ix
        self.tagset_size = len(tag_to_ix)
        self.word_embeds = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim // 2, num_layers=1, bidirectional=True)
        self.hidden2tag = nn.Linear(hidden_dim, self.tagset_size)
        self.transitions = nn.Parameter(torch.randn(self.tagset_size, self.tagset_size))
        self.transitions.data[tag_to_ix[START_TAG], :] = -10000
        self.transitions.data[:, tag_to_ix[STOP_TAG]] = -10000
        self.hidden = self.init_hidden()

    def init_hidden(self):
        return (torch.zeros(2, 1, self.hidden_dim // 2),     # the tutorial: torch.randn
                torch.zeros(2, 1, self.hidden_dim // 2))

    def _forward_alg(self, feats):
        init_alphas = torch.full((1, self.tagset_size), -10000.)
        init_alphas[0][self.tag_to_ix[START_TAG]] = 0.
        forward_var = init_alphas
        for feat in feats:
            alphas_t = []
            for next_tag in range(self.tagset_size):
                emit_score = feat[next_tag].view(1, -1).expand(1, self.tagset_size)
                trans_score = self.transitions[next_tag].view(1, -1)
                next_tag_var = forward_var + trans_score + emit_score
                alphas_t.append(log_sum_exp(next_tag_var).view(1))
            forward_var = torch.cat(alphas_t).view(1, -1)
        terminal_var = forward_var + self.transitions[self.tag_to_ix[STOP_TAG]]
        return log_sum_exp(terminal_var)

    def _get_lstm_features(self, sentence):
        self.hidden = self.init_hidden()
        embeds = self.word_embeds(sentence).view(len(sentence), 1, -1)
        lstm_out, self.hidden = self.lstm(embeds, self.hidden)
        lstm_out = lstm_out.view(len(sentence), self.hidden_dim)
        return self.hidden2tag(lstm_out)

    def _score_sentence(self, feats, tags):
        score = torch.zeros(1)
        tags = torch.cat([torch.tensor([self.tag_to_ix[START_TAG]], dtype=torch.long), tags])
        for i, feat in enumerate(feats):
            score = score + self.transitions[tags[i + 1], tags[i]] + feat[tags[i + 1]]
        return score + self.transitions[self.tag_to_ix[STOP_TAG], tags[-1]]

    def _viterbi_decode(self, feats):
        backpointers = []
        init_vvars = torch.full((1, self.tagset_size), -10000.)
        init_vvars[0][self.tag_to_ix[START_TAG]] = 0
        forward_var = init_vvars
        for feat in feats:
            bptrs_t, viterbivars_t = [], []
            for next_tag in range(self.tagset_size):
                next_tag_var = forward_var + self.transitions[next_tag]
                best_tag_id = argmax(next_tag_var)
                bptrs_t.append(best_tag_id)
                viterbivars_t.append(next_tag_var[0][best_tag_id].view(1))
            forward_var = (torch.cat(viterbivars_t) + feat).view(1, -1)
            backpointers.append(bptrs_t)
        terminal_var = forward_var + self.transitions[self.tag_to_ix[STOP_TAG]]
        best_tag_id = argmax(terminal_var)
        path_score = terminal_var[0][best_tag_id]
        best_path = [best_tag_id]
        for bptrs_t in reversed(backpointers):
            best_tag_id = bptrs_t[best_tag_id]
            best_path.append(best_tag_id)
        start = best_path.pop()
        assert start == self.tag_to_ix[START_TAG]
        best_path.reverse()
        return path_score, best_path

    def neg_log_likelihood(self, sentence, tags):
        feats = self._get_lstm_features(sentence)
        return self._forward_alg(feats) - self._score_sentence(feats, tags)

    def forward(self, sentence):
        return self._viterbi_decode(self._get_lstm_features(sentence))


def bilstm_crf() -> dict:
    data = [("the wall street journal reported today that apple corporation made money".split(),
             "B I I I O O O B I O O".split()),
            ("georgia tech is a university in georgia".split(), "B I O O O O B".split())]
    words = {}
    for sentence, _ in data:
        for word in sentence:
            words.setdefault(word, len(words))
    tags_ix = {"B": 0, "I": 1, "O": 2, START_TAG: 3, STOP_TAG: 4}
    model = BiLSTM_CRF(len(words), tags_ix, 5, 4)
    load_fill(model, scale=1.5)
    model.transitions.data[tags_ix[START_TAG], :] = -10000
    model.transitions.data[:, tags_ix[STOP_TAG]] = -10000
    optimizer = optim.SGD(model.parameters(), lr=0.01, weight_decay=1e-4)
    with torch.no_grad():
        score, path = model(prepare_sequence(data[0][0], words))
        decoded = [score.item(), path]
    losses = []
    for epoch in range(4):
        for sentence, tags in data:
            model.zero_grad()
            loss = model.neg_log_likelihood(prepare_sequence(sentence, words),
                                            torch.tensor([tags_ix[t] for t in tags], dtype=torch.long))
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    with torch.no_grad():
        score, path = model(prepare_sequence(data[1][0], words))
    return {"decoded": decoded + [score.item(), path], "losses": losses, "params": fingerprint(model)}


def pytorch_values() -> dict:
    return {"lstm_tagger": lstm_tagger(), "char_generation": char_generation(), "bilstm_crf": bilstm_crf()}


# PyTorch 2.x's pytorch_values(), in float64
EXPECTED = {'bilstm_crf': {'decoded': [7.232343917435528, [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1], 5.766452949043953,
                                       [2, 2, 2, 2, 2, 2, 2]],
                           'losses': [11.670731352173673, 7.689333227882217, 11.409012203623407, 7.47057985854062,
                                      11.193346890077677, 7.276652403516752, 11.008343823875716,
                                      7.102526887062265],
                           'params': [[-89997.51508017146, 3379.7804652383297],
                                      [0.971317982796858, 13.917453310579464],
                                      [0.7553034749928221, 0.7272542026211983],
                                      [-0.17698255026544707, -2.310470502233744],
                                      [-0.8210396120758667, -1.314603504125895],
                                      [0.1558869757259499, -0.3804721794287182],
                                      [-0.06306134202671199, 5.1625775191797985],
                                      [0.8930874774037718, 2.982695070722496],
                                      [0.019074761316356437, 0.5684666362930463],
                                      [-0.9103215505088446, -0.7492584698686569],
                                      [-0.18287062095548146, -3.6007126824448106],
                                      [-0.11519969335817976, -0.45540510875393225]]},
            'char_generation': {'losses': [4.168611643848561, 4.151382369681653, 4.133925634119513,
                                           4.320912666617358, 4.09626513451682, 4.094831750824333,
                                           4.081564770944366, 4.2586705447240245, 4.029925791224198,
                                           4.044293609694886, 4.034668506652119, 4.202499257872198],
                                'params': [[0.10376549126627468, 27.73552079129412],
                                           [0.11723909122106269, 0.28671447534026784],
                                           [0.057140646249599636, 8.264984381608521],
                                           [-0.0007609754626325136, -1.0721869631146501],
                                           [-0.15514426991747485, -103.41043582612087],
                                           [-0.09597916109102692, -0.28320025809915994]],
                                'samples': ['Abbbbbbbb', 'Bbbbbbbbb', 'Abbbbbbbb', 'Bdbbbbbbb', 'Adddddddd',
                                            'Bdddddddd', 'Adddddddd', 'Bdddddddd']},
            'lstm_tagger': {'after': [[-1.2678500706163618, -0.8712119169942747, -1.203573423141989],
                                      [-1.3426568614378767, -0.8272677612071483, -1.198631131292465],
                                      [-1.2835309060859725, -0.8221704010926694, -1.2606633950537456],
                                      [-1.1892459114442984, -0.8565390073100387, -1.3059314864702536],
                                      [-1.2245501834782633, -0.8589117242757455, -1.26412174579381]],
                            'before': [[-1.4090327134795944, -0.9478686995219096, -0.999524845424731],
                                       [-1.4899406946695013, -0.9099569534440004, -0.9886667485621283],
                                       [-1.4402834712705412, -0.8932415415086169, -1.0389877608793556],
                                       [-1.359546088248326, -0.9182749498595086, -1.0670682867369226],
                                       [-1.4007380462677264, -0.9311600688618231, -1.0230725276303172]],
                            'losses': [1.1297367169826198, 1.0598300235678342, 1.1215380886882642,
                                       1.0555637523774755, 1.1144122594174282, 1.0520167967957075,
                                       1.108190570370716, 1.049057234732733, 1.10273405303272, 1.0465778242182053,
                                       1.0979276238231146, 1.0444910983292217, 1.093675511844269,
                                       1.042725503110895, 1.0898976426291633, 1.041222343542695,
                                       1.0865267645358956, 1.0399333573491267, 1.083506153839291,
                                       1.038818778475383],
                            'params': [[-0.057962497887019675, 3.495193327286053],
                                       [0.10780188654144329, 9.515257014500293],
                                       [-0.19290895712615938, 0.8093439974205396],
                                       [-0.08008465798158107, -1.4397615171744285],
                                       [-0.03290170356455632, -1.693097687011817],
                                       [0.1266920109021479, -0.3189087289989911],
                                       [0.3916254660911255, 0.16600372526013574]],
                            'printed': 'grad_fn=<NllLossBackward0>)'}}


@pytest.mark.parametrize("name, program", [("lstm_tagger", lstm_tagger), ("char_generation", char_generation),
                                           ("bilstm_crf", bilstm_crf)])
def test_tutorial_trains_like_pytorch(name, program):
    for key, value in program().items():
        same(value, EXPECTED[name][key], f"{name}.{key}")
