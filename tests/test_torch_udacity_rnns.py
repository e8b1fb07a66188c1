"""The recurrent-network notebooks of Udacity's deep-learning-v2-pytorch course, run on the dialect, give
PyTorch's numbers to 1e-10 in float64:

* recurrent-neural-networks/char-rnn/Character_Level_RNN_Solution.ipynb: a 2-layer nn.LSTM(batch_first=True,
  dropout=...) on one-hot characters made in numpy, a batch generator, `init_hidden` with
  `weight = next(self.parameters()).data` and `weight.new(n_layers, batch_size, n_hidden).zero_()`,
  `h = tuple([each.data for each in h])`, Adam, `nn.utils.clip_grad_norm_`, a checkpoint saved and loaded
  with torch.save / torch.load, and top-k sampling from `F.softmax(out, dim=1).data` with np.random.choice;
* recurrent-neural-networks/time-series/Simple_RNN.ipynb: nn.RNN(batch_first=True) predicting a sine wave,
  `torch.Tensor(x).unsqueeze(0)`, `hidden = hidden.data`, MSELoss and Adam;
* sentiment-rnn/Sentiment_RNN_Solution.ipynb: Embedding, a 2-layer LSTM, Dropout, Linear and Sigmoid,
  TensorDataset + DataLoader, BCELoss on `output.squeeze()` and `labels.float()`, `torch.round`,
  `pred.eq(labels.float().view_as(pred))`, `np.squeeze(correct_tensor.numpy())`, `len(loader.dataset)`,
  and `predict` on a new review.

The code is the notebooks' (udacity/deep-learning-v2-pytorch, under the MIT license, copyright Udacity; kept
here as a test fixture), condensed: the matplotlib calls and GPU branches are left out, the sizes are
small, and a made-up text and made-up reviews stand in for the data files. The other edits are for the
comparison: the weights are loaded from `fill` after construction (the libraries draw different random
numbers), the dropout probabilities are 0 (nor do they draw the same masks), the DataLoaders do not shuffle
(nor the same permutations), the one-hot arrays and labels are float64 (`labels.double()`, since PyTorch's
BCELoss refuses a float32 target for a float64 input), and the notebook's `dataiter.next()` is `next(dataiter)`
(PyTorch 2.x has no `.next()`; what it says instead is recorded). Running the notebooks as they are, in
float32 with dropout and shuffling, next to PyTorch from the same initial weights agrees to about 1e-5.

How the expected values were made: the functions below were run by PyTorch 2.14 in float64 (this module with
`torch` standing for PyTorch), and `pytorch_values()` printed as literals.
"""
from collections import Counter
from string import punctuation

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from tinygrad_rnn.torch.utils.data import DataLoader, TensorDataset
from torch_expect import fill, float64, same  # noqa: F401 (float64 is an autouse fixture)

train_on_gpu = torch.cuda.is_available()


def load_fill(model, scale=0.6):
    state = model.state_dict()
    model.load_state_dict({k: torch.tensor(scale * fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})


# ---------------------------------------------------------------- Character_Level_RNN_Solution
TEXT = ("Happy families are all alike; every unhappy family is unhappy in its own way.\n"
        "And Levin said: Anna, the husband and the wife.\n") * 2


def one_hot_encode(arr, n_labels):
    one_hot = np.zeros((np.multiply(*arr.shape), n_labels), dtype=np.float64)     # the notebook: np.float32
    one_hot[np.arange(one_hot.shape[0]), arr.flatten()] = 1.
    one_hot = one_hot.reshape((*arr.shape, n_labels))
    return one_hot


def get_batches(arr, batch_size, seq_length):
    batch_size_total = batch_size * seq_length
    n_batches = len(arr)//batch_size_total
    arr = arr[:n_batches * batch_size_total]
    arr = arr.reshape((batch_size, -1))
    for n in range(0, arr.shape[1], seq_length):
        x = arr[:, n:n+seq_length]
        y = np.zeros_like(x)
        try:
            y[:, :-1], y[:, -1] = x[:, 1:], arr[:, n+seq_length]
        except IndexError:
            y[:, :-1], y[:, -1] = x[:, 1:], arr[:, 0]
        yield x, y


class CharRNN(nn.Module):

    def __init__(self, tokens, n_hidden=256, n_layers=2,
                               drop_prob=0.5, lr=0.001):
        super().__init__()
        self.drop_prob = drop_prob
        self.n_layers = n_layers
        self.n_hidden = n_hidden
        self.lr = lr
        self.chars = tokens
        self.int2char = dict(enumerate(self.chars))
        self.char2int = {ch: ii for ii, ch in self.int2char.items()}
        self.lstm = nn.LSTM(len(self.chars), n_hidden, n_layers,
                            dropout=drop_prob, batch_first=True)
        self.dropout = nn.Dropout(drop_prob)
        self.fc = nn.Linear(n_hidden, len(self.chars))

    def forward(self, x, hidden):
        r_output, hidden = self.lstm(x, hidden)
        out = self.dropout(r_output)
        out = out.contiguous().view(-1, self.n_hidden)
        out = self.fc(out)
        return out, hidden

    def init_hidden(self, batch_size):
        weight = next(self.parameters()).data
        hidden = (weight.new(self.n_layers, batch_size, self.n_hidden).zero_(),
                  weight.new(self.n_layers, batch_size, self.n_hidden).zero_())
        return hidden


def train(net, data, epochs=10, batch_size=10, seq_length=50, lr=0.001, clip=5, val_frac=0.1, print_every=10):
    net.train()
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    criterion = nn.CrossEntropyLoss()
    val_idx = int(len(data)*(1-val_frac))
    data, val_data = data[:val_idx], data[val_idx:]
    counter, printed = 0, []
    n_chars = len(net.chars)
    for e in range(epochs):
        h = net.init_hidden(batch_size)
        for x, y in get_batches(data, batch_size, seq_length):
            counter += 1
            x = one_hot_encode(x, n_chars)
            inputs, targets = torch.from_numpy(x), torch.from_numpy(y)
            h = tuple([each.data for each in h])
            net.zero_grad()
            output, h = net(inputs, h)
            loss = criterion(output, targets.view(batch_size*seq_length))
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), clip)
            opt.step()
            if counter % print_every == 0:
                val_h = net.init_hidden(batch_size)
                val_losses = []
                net.eval()
                for x, y in get_batches(val_data, batch_size, seq_length):
                    x = one_hot_encode(x, n_chars)
                    x, y = torch.from_numpy(x), torch.from_numpy(y)
                    val_h = tuple([each.data for each in val_h])
                    inputs, targets = x, y
                    output, val_h = net(inputs, val_h)
                    val_loss = criterion(output, targets.view(batch_size*seq_length))
                    val_losses.append(val_loss.item())
                net.train()
                printed.append([e + 1, counter, loss.item(), float(np.mean(val_losses))])
    return printed


def predict(net, char, h=None, top_k=None):
    x = np.array([[net.char2int[char]]])
    x = one_hot_encode(x, len(net.chars))
    inputs = torch.from_numpy(x)
    h = tuple([each.data for each in h])
    out, h = net(inputs, h)
    p = F.softmax(out, dim=1).data
    if top_k is None:
        top_ch = np.arange(len(net.chars))
    else:
        p, top_ch = p.topk(top_k)
        top_ch = top_ch.numpy().squeeze()
    p = p.numpy().squeeze()
    char = np.random.choice(top_ch, p=p/p.sum())
    return net.int2char[char], h


def sample(net, size, prime='The', top_k=None):
    net.cpu()
    net.eval()
    chars = [ch for ch in prime]
    h = net.init_hidden(1)
    for ch in prime:
        char, h = predict(net, ch, h, top_k=top_k)
    chars.append(char)
    for ii in range(size):
        char, h = predict(net, chars[-1], h, top_k=top_k)
        chars.append(char)
    return ''.join(chars)


def char_rnn(workdir) -> dict:
    chars = tuple(sorted(set(TEXT)))                     # the notebook: tuple(set(text)), in the hash seed's order
    char2int = {ch: ii for ii, ch in dict(enumerate(chars)).items()}
    encoded = np.array([char2int[ch] for ch in TEXT])
    net = CharRNN(chars, 8, 2, drop_prob=0)
    load_fill(net)
    printed = train(net, encoded, epochs=2, batch_size=2, seq_length=10, lr=0.01, print_every=3)
    checkpoint = {'n_hidden': net.n_hidden, 'n_layers': net.n_layers, 'state_dict': net.state_dict(),
                  'tokens': net.chars}
    with open(f"{workdir}/rnn_2_epoch.net", 'wb') as f:
        torch.save(checkpoint, f)
    with open(f"{workdir}/rnn_2_epoch.net", 'rb') as f:
        checkpoint = torch.load(f)
    loaded = CharRNN(checkpoint['tokens'], n_hidden=checkpoint['n_hidden'], n_layers=checkpoint['n_layers'])
    keys = repr(loaded.load_state_dict(checkpoint['state_dict']))
    np.random.seed(1)
    samples = [sample(net, 30, prime='Anna', top_k=3), sample(loaded, 30, prime='And Levin said', top_k=None)]
    return {"repr": repr(net), "printed": printed, "keys": keys, "samples": samples,
            "hidden": [list(t.shape) + [t.dtype == torch.float64] for t in net.init_hidden(3)]}


# ---------------------------------------------------------------- Simple_RNN
class RNN(nn.Module):
    def __init__(self, input_size, output_size, hidden_dim, n_layers):
        super(RNN, self).__init__()
        self.hidden_dim=hidden_dim
        self.rnn = nn.RNN(input_size, hidden_dim, n_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_size)

    def forward(self, x, hidden):
        batch_size = x.size(0)
        r_out, hidden = self.rnn(x, hidden)
        r_out = r_out.view(-1, self.hidden_dim)
        output = self.fc(r_out)
        return output, hidden


def simple_rnn() -> dict:
    seq_length = 20
    test_rnn = RNN(input_size=1, output_size=1, hidden_dim=10, n_layers=2)
    load_fill(test_rnn)
    time_steps = np.linspace(0, np.pi, seq_length)
    data = np.sin(time_steps)
    data.resize((seq_length, 1))
    test_input = torch.Tensor(data).unsqueeze(0)
    test_out, test_h = test_rnn(test_input, None)
    sizes = [repr(test_input.size()), repr(test_out.size()), repr(test_h.size())]

    rnn = RNN(1, 1, 8, 2)
    load_fill(rnn, 0.4)
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(rnn.parameters(), lr=0.01)
    hidden, losses = None, []
    for batch_i, step in enumerate(range(12)):
        time_steps = np.linspace(step * np.pi, (step+1)*np.pi, seq_length + 1)
        data = np.sin(time_steps)
        data.resize((seq_length + 1, 1))
        x = data[:-1]
        y = data[1:]
        x_tensor = torch.Tensor(x).unsqueeze(0)
        y_tensor = torch.Tensor(y)
        prediction, hidden = rnn(x_tensor, hidden)
        hidden = hidden.data
        loss = criterion(prediction, y_tensor)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return {"sizes": sizes, "test_out": test_out.detach().numpy().flatten().tolist(), "repr": repr(rnn),
            "losses": losses, "prediction": prediction.data.numpy().flatten().tolist()}


# ---------------------------------------------------------------- Sentiment_RNN_Solution
REVIEWS = ["the best movie i have seen!", "terrible acting and a bad story", "great acting, a good story.",
           "i want my money back", "i loved it so much", "so bad i left before the end", "a wonderful film",
           "this movie had bad acting", "this movie had the best dialogue", "the dialogue was slow"] * 2
LABELS = ["positive", "negative"] * 10


def pad_features(reviews_ints, seq_length):
    features = np.zeros((len(reviews_ints), seq_length), dtype=int)
    for i, row in enumerate(reviews_ints):
        features[i, -len(row):] = np.array(row)[:seq_length]
    return features


class SentimentRNN(nn.Module):
    def __init__(self, vocab_size, output_size, embedding_dim, hidden_dim, n_layers, drop_prob=0.5):
        super(SentimentRNN, self).__init__()
        self.output_size = output_size
        self.n_layers = n_layers
        self.hidden_dim = hidden_dim
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, n_layers,
                            dropout=drop_prob, batch_first=True)
        self.dropout = nn.Dropout(0)                     # the notebook: nn.Dropout(0.3)
        self.fc = nn.Linear(hidden_dim, output_size)
        self.sig = nn.Sigmoid()

    def forward(self, x, hidden):
        batch_size = x.size(0)
        embeds = self.embedding(x)
        lstm_out, hidden = self.lstm(embeds, hidden)
        lstm_out = lstm_out.contiguous().view(-1, self.hidden_dim)
        out = self.dropout(lstm_out)
        out = self.fc(out)
        sig_out = self.sig(out)
        sig_out = sig_out.view(batch_size, -1)
        sig_out = sig_out[:, -1]
        return sig_out, hidden

    def init_hidden(self, batch_size):
        weight = next(self.parameters()).data
        hidden = (weight.new(self.n_layers, batch_size, self.hidden_dim).zero_(),
                  weight.new(self.n_layers, batch_size, self.hidden_dim).zero_())
        return hidden


def sentiment_rnn() -> dict:
    reviews = "\n".join(REVIEWS).lower()
    all_text = ''.join([c for c in reviews if c not in punctuation])
    reviews_split = all_text.split('\n')
    words = ' '.join(reviews_split).split()
    counts = Counter(words)
    vocab = sorted(counts, key=counts.get, reverse=True)
    vocab_to_int = {word: ii for ii, word in enumerate(vocab, 1)}
    reviews_ints = [[vocab_to_int[word] for word in review.split()] for review in reviews_split]
    encoded_labels = np.array([1 if label == 'positive' else 0 for label in LABELS])
    features = pad_features(reviews_ints, seq_length=6)
    split_idx = int(len(features)*0.8)
    train_x, remaining_x = features[:split_idx], features[split_idx:]
    train_y, remaining_y = encoded_labels[:split_idx], encoded_labels[split_idx:]
    test_idx = int(len(remaining_x)*0.5)
    val_x, test_x = remaining_x[:test_idx], remaining_x[test_idx:]
    val_y, test_y = remaining_y[:test_idx], remaining_y[test_idx:]
    train_data = TensorDataset(torch.from_numpy(train_x), torch.from_numpy(train_y))
    valid_data = TensorDataset(torch.from_numpy(val_x), torch.from_numpy(val_y))
    test_data = TensorDataset(torch.from_numpy(test_x), torch.from_numpy(test_y))
    batch_size = 2
    train_loader = DataLoader(train_data, batch_size=batch_size, shuffle=False)    # the notebook: shuffle=True
    valid_loader = DataLoader(valid_data, batch_size=batch_size, shuffle=False)
    test_loader = DataLoader(test_data, batch_size=batch_size, shuffle=False)
    dataiter = iter(train_loader)
    try:
        dataiter.next()                                  # the notebook's line, from PyTorch before 1.13
    except AttributeError as err:
        refused = str(err)
    sample_x, sample_y = next(dataiter)

    net = SentimentRNN(len(vocab_to_int)+1, 1, 5, 6, 2, drop_prob=0)
    load_fill(net)
    criterion = nn.BCELoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    counter, losses, val = 0, [], []
    net.train()
    for e in range(2):
        h = net.init_hidden(batch_size)
        for inputs, labels in train_loader:
            counter += 1
            h = tuple([each.data for each in h])
            net.zero_grad()
            output, h = net(inputs, h)
            loss = criterion(output.squeeze(), labels.double())              # the notebook: labels.float()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 5)
            optimizer.step()
            losses.append(loss.item())
            if counter % 4 == 0:
                val_h = net.init_hidden(batch_size)
                val_losses = []
                net.eval()
                for inputs, labels in valid_loader:
                    val_h = tuple([each.data for each in val_h])
                    output, val_h = net(inputs, val_h)
                    val_losses.append(criterion(output.squeeze(), labels.double()).item())
                net.train()
                val.append(float(np.mean(val_losses)))

    test_losses, num_correct = [], 0
    h = net.init_hidden(batch_size)
    net.eval()
    for inputs, labels in test_loader:
        h = tuple([each.data for each in h])
        output, h = net(inputs, h)
        test_losses.append(criterion(output.squeeze(), labels.double()).item())
        pred = torch.round(output.squeeze())
        correct_tensor = pred.eq(labels.double().view_as(pred))
        correct = np.squeeze(correct_tensor.numpy())
        num_correct += np.sum(correct)
    test_acc = num_correct/len(test_loader.dataset)

    test_ints = [[vocab_to_int[w] for w in ''.join([c for c in 'This movie had bad acting.'.lower()
                                                     if c not in punctuation]).split()]]
    feature_tensor = torch.from_numpy(pad_features(test_ints, 6))
    output, h = net(feature_tensor, net.init_hidden(feature_tensor.size(0)))
    pred = torch.round(output.squeeze())
    return {"repr": repr(net), "refused": refused, "sample": [repr(sample_x), repr(sample_y)],
            "losses": losses, "val": val, "test": [float(np.mean(test_losses)), float(test_acc), repr(correct)],
            "predict": ['{:.6f}'.format(output.item()), pred.item() == 1, repr(pred)]}


def pytorch_values(workdir) -> dict:
    return {"char_rnn": char_rnn(workdir), "simple_rnn": simple_rnn(), "sentiment_rnn": sentiment_rnn()}


# PyTorch 2.14's pytorch_values(), in float64
EXPECTED = {'char_rnn': {'hidden': [[2, 3, 8, True], [2, 3, 8, True]],
              'keys': '<All keys matched successfully>',
              'printed': [[1, 3, 3.3835459110146573, 3.3717675612238276],
                          [1, 6, 3.370658016118494, 3.350933531133799],
                          [1, 9, 3.2650590912089905, 3.3273250828030667],
                          [2, 12, 3.2305393555920405, 3.2999015922883563],
                          [2, 15, 3.2310927531303335, 3.2792352254010675],
                          [2, 18, 3.131683849314108, 3.26669770457256],
                          [2, 21, 3.401511926421621, 3.252946131347572]],
              'repr': 'CharRNN(\n'
                      '  (lstm): LSTM(29, 8, num_layers=2, batch_first=True)\n'
                      '  (dropout): Dropout(p=0, inplace=False)\n'
                      '  (fc): Linear(in_features=8, out_features=29, bias=True)\n'
                      ')',
              'samples': ['Annaaaaaaaiaiaeaiaiaaeeaieeaaaeaaei', 'And Levin saidaa.\nmHah i:in.ene imiwiu::se;va']},
 'sentiment_rnn': {'losses': [0.6969827222216491, 0.6955552369862233, 0.6939728678298613, 0.6931553624239248,
                              0.6930310644613109, 0.6931493679307441, 0.693932023539324, 0.6934607325217328,
                              0.6929837995734538, 0.6937370840905406, 0.6930306464039815, 0.6932742532612688,
                              0.6925692411210357, 0.6924264693851283, 0.6931473778978701, 0.6924361103969622],
                   'predict': ['0.491653', False, 'tensor(0., grad_fn=<RoundBackward0>)'],
                   'refused': "'_SingleProcessDataLoaderIter' object has no attribute 'next'",
                   'repr': 'SentimentRNN(\n'
                           '  (embedding): Embedding(33, 5)\n'
                           '  (lstm): LSTM(5, 6, num_layers=2, batch_first=True)\n'
                           '  (dropout): Dropout(p=0, inplace=False)\n'
                           '  (fc): Linear(in_features=6, out_features=1, bias=True)\n'
                           '  (sig): Sigmoid()\n'
                           ')',
                   'sample': ['tensor([[ 1,  7,  3,  2, 13, 14],\n        [15,  4, 16,  5,  6,  8]])',
                              'tensor([1, 0])'],
                   'test': [0.6924481936862479, 0.5, 'array([False,  True])'],
                   'val': [0.6929047977024, 0.693237100790092, 0.6929809208485567, 0.6930776791357327]},
 'simple_rnn': {'losses': [0.39249463039403254, 0.7665736960755856, 0.3283937991647589, 0.7151142348836611,
                           0.33411758177162854, 0.649761226492718, 0.34823308109675144, 0.5756422747901527,
                           0.36374327311791405, 0.4924120376317438, 0.3767416313694786, 0.403166302769597],
                'prediction': [0.016767053517113994, -0.002398589421054448, -0.023182505077124965,
                               -0.04043700124299053, -0.05656049581265653, -0.07002154101476098, -0.08139607549285953,
                               -0.09032757642761056, -0.09700888508699047, -0.10140499049410721, -0.10360526016276887,
                               -0.1036271511362253, -0.10150127359224907, -0.0972264092964459, -0.09079645874205862,
                               -0.08219915080192709, -0.07143604336022207, -0.058539481139917346,
                               -0.04359808422864464, -0.026782874603723292],
                'repr': 'RNN(\n'
                        '  (rnn): RNN(1, 8, num_layers=2, batch_first=True)\n'
                        '  (fc): Linear(in_features=8, out_features=1, bias=True)\n'
                        ')',
                'sizes': ['torch.Size([1, 20, 1])', 'torch.Size([20, 1])', 'torch.Size([2, 1, 10])'],
                'test_out': [0.26015675606678734, 0.11526929402042346, 0.13095593420850823, 0.09619891359430038,
                             0.09429738301598076, 0.08164790759578118, 0.07605052632391536, 0.07013632281267494,
                             0.06690207023258454, 0.06531755013970388, 0.06580832545403473, 0.06819962933767708,
                             0.07246036726153239, 0.0784344414112964, 0.08593665547893661, 0.09472605069785729,
                             0.10452789264160389, 0.11504245728945131, 0.12595672323893956, 0.13695087266636588]}}


@pytest.mark.parametrize("name", ["char_rnn", "simple_rnn", "sentiment_rnn"])
def test_notebook_trains_like_pytorch(name, tmp_path):
    program = {"char_rnn": lambda: char_rnn(tmp_path), "simple_rnn": simple_rnn, "sentiment_rnn": sentiment_rnn}
    for key, value in program[name]().items():
        same(value, EXPECTED[name][key], f"{name}.{key}")
