"""The language model of yunjey/pytorch-tutorial (tutorials/02-intermediate/language_model/main.py and
data_utils.py), run on the dialect, gives PyTorch's numbers to 1e-10 in float64 and prints what it prints:
`Corpus.get_data` (`torch.LongTensor(tokens)` filled by `ids[token] = ...`, `ids.view(batch_size, -1)`), RNNLM
(Embedding, LSTM(batch_first=True), `out.reshape(out.size(0)*out.size(1), out.size(2))`), truncated
backpropagation with `[state.detach() for state in states]`, `clip_grad_norm_` imported from `torch.nn.utils`,
the perplexity printed with `np.exp(loss.item())`, and sampling with `torch.multinomial` and
`input.fill_(word_id)`.

The code is the tutorial's (yunjey/pytorch-tutorial, MIT license, copyright Yunjey Choi; its language model
is itself adapted from pytorch/examples' word_language_model; kept as a test fixture), with these edits for the
comparison: small sizes, a made-up text instead of Penn Treebank, the weights loaded from `fill` after
construction, printing every 2 steps instead of 100. The sampled words come from each library's own random
numbers, so only their count and types are compared.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import contextlib
import io
import os

import numpy as np

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from tinygrad_rnn.torch.nn.utils import clip_grad_norm_
from torch_expect import fill, float64, same  # noqa: F401 (float64 is an autouse fixture)

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')


def load_fill(model, scale=0.6):
    state = model.state_dict()
    model.load_state_dict({k: torch.tensor(scale * fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})


class Dictionary(object):
    def __init__(self):
        self.word2idx = {}
        self.idx2word = {}
        self.idx = 0

    def add_word(self, word):
        if not word in self.word2idx:                                    # noqa: E713 (the tutorial's)
            self.word2idx[word] = self.idx
            self.idx2word[self.idx] = word
            self.idx += 1

    def __len__(self):
        return len(self.word2idx)


class Corpus(object):
    def __init__(self, path='./data'):
        self.dictionary = Dictionary()

    def get_data(self, path, batch_size=20):
        with open(path, 'r') as f:
            tokens = 0
            for line in f:
                words = line.split() + ['<eos>']
                tokens += len(words)
                for word in words:
                    self.dictionary.add_word(word)
        ids = torch.LongTensor(tokens)
        token = 0
        with open(path, 'r') as f:
            for line in f:
                words = line.split() + ['<eos>']
                for word in words:
                    ids[token] = self.dictionary.word2idx[word]
                    token += 1
        num_batches = ids.size(0) // batch_size
        ids = ids[:num_batches*batch_size]
        return ids.view(batch_size, -1)


class RNNLM(nn.Module):
    def __init__(self, vocab_size, embed_size, hidden_size, num_layers):
        super(RNNLM, self).__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, num_layers, batch_first=True)
        self.linear = nn.Linear(hidden_size, vocab_size)

    def forward(self, x, h):
        x = self.embed(x)
        out, (h, c) = self.lstm(x, h)
        out = out.reshape(out.size(0)*out.size(1), out.size(2))
        out = self.linear(out)
        return out, (h, c)


TEXT = ("the cat sat on the mat\nthe dog sat on the log\na cat and a dog met on the mat\n"
        "the log was by the mat and the cat sat\nby the log a dog and the cat met\non a mat sat a dog\n"
        "the mat and the log were by the cat\na dog was on the log\n")


def language_model(workdir) -> dict:
    embed_size, hidden_size, num_layers, num_epochs, num_samples = 4, 6, 1, 2, 12
    batch_size, seq_length, learning_rate = 3, 5, 0.02
    with open(os.path.join(workdir, 'train.txt'), 'w') as f:
        f.write(TEXT)
    corpus = Corpus()
    ids = corpus.get_data(os.path.join(workdir, 'train.txt'), batch_size)
    vocab_size = len(corpus.dictionary)
    num_batches = ids.size(1) // seq_length
    model = RNNLM(vocab_size, embed_size, hidden_size, num_layers).to(device)
    load_fill(model)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)

    def detach(states):
        return [state.detach() for state in states]

    out, losses = io.StringIO(), []
    with contextlib.redirect_stdout(out):
        for epoch in range(num_epochs):
            states = (torch.zeros(num_layers, batch_size, hidden_size).to(device),
                      torch.zeros(num_layers, batch_size, hidden_size).to(device))
            for i in range(0, ids.size(1) - seq_length, seq_length):
                inputs = ids[:, i:i+seq_length].to(device)
                targets = ids[:, (i+1):(i+1)+seq_length].to(device)
                states = detach(states)
                outputs, states = model(inputs, states)
                loss = criterion(outputs, targets.reshape(-1))
                optimizer.zero_grad()
                loss.backward()
                clip_grad_norm_(model.parameters(), 0.5)
                optimizer.step()
                losses.append(loss.item())
                step = (i+1) // seq_length
                if step % 2 == 0:
                    print('Epoch [{}/{}], Step[{}/{}], Loss: {:.4f}, Perplexity: {:5.2f}'
                          .format(epoch+1, num_epochs, step, num_batches, loss.item(), np.exp(loss.item())))
        with torch.no_grad():
            with open(os.path.join(workdir, 'sample.txt'), 'w') as f:
                state = (torch.zeros(num_layers, 1, hidden_size).to(device),
                         torch.zeros(num_layers, 1, hidden_size).to(device))
                prob = torch.ones(vocab_size)
                input = torch.multinomial(prob, num_samples=1).unsqueeze(1).to(device)
                for i in range(num_samples):
                    output, state = model(input, state)
                    prob = output.exp()
                    word_id = torch.multinomial(prob, num_samples=1).item()
                    input.fill_(word_id)
                    word = corpus.dictionary.idx2word[word_id]
                    word = '\n' if word == '<eos>' else word + ' '
                    f.write(word)
                    if (i+1) % 4 == 0:
                        print('Sampled [{}/{}] words and save to {}'.format(i+1, num_samples, 'sample.txt'))
    with open(os.path.join(workdir, 'sample.txt')) as f:
        sampled = len(f.read().split())
    return {"ids": ids.tolist(), "printed": out.getvalue().splitlines(), "losses": losses,
            "sampled": [input.shape == (1, 1), type(word_id).__name__, 0 < sampled <= num_samples],
            "grad": [float(p.grad.sum()) for p in model.parameters()]}


def pytorch_values(workdir) -> dict:
    return language_model(workdir)


EXPECTED = {'grad': [-0.0008554460697806233, 0.00723163071944281, -0.008447024204326248, 0.04188682396218281,
                     0.041886823962182816, -2.7755575615628914e-17, 6.938893903907228e-18],
            'ids': [[0, 1, 2, 3, 0, 4, 5, 0, 6, 2, 3, 0, 7, 5, 8, 1, 9, 8, 6, 10, 3, 0, 4],
                    [5, 0, 7, 11, 12, 0, 4, 9, 0, 1, 2, 5, 12, 0, 7, 8, 6, 9, 0, 1, 10, 5, 3],
                    [8, 4, 2, 8, 6, 5, 0, 4, 9, 0, 7, 13, 12, 0, 1, 5, 8, 6, 11, 3, 0, 7, 5]],
            'losses': [2.6769805966408837, 2.690484377060663, 2.6192539758235447, 2.6765044874781334,
                       2.5953887030535645, 2.5971889616881594, 2.5316679905891664, 2.6616065031644296],
            'printed': ['Epoch [1/2], Step[0/4], Loss: 2.6770, Perplexity: 14.54',
                        'Epoch [1/2], Step[2/4], Loss: 2.6193, Perplexity: 13.73',
                        'Epoch [2/2], Step[0/4], Loss: 2.5954, Perplexity: 13.40',
                        'Epoch [2/2], Step[2/4], Loss: 2.5317, Perplexity: 12.57',
                        'Sampled [4/12] words and save to sample.txt', 'Sampled [8/12] words and save to sample.txt',
                        'Sampled [12/12] words and save to sample.txt'],
            'sampled': [True, 'int', True]}


def test_language_model_trains_like_pytorch(tmp_path):
    for key, value in language_model(tmp_path).items():
        same(value, EXPECTED[key], f"language_model.{key}")
