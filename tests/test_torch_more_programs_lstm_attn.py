"""prakashpandey9/Text-Classification-Pytorch's attention LSTM (`LSTM_Attn.py`) and its training script, run on
the dialect, give PyTorch's numbers to 1e-10 in float64 and print what it prints.

Source: https://github.com/prakashpandey9/Text-Classification-Pytorch (models/LSTM_Attn.py and main.py; kept as a
test fixture). What runs, as the repository wrote it: `AttentionModel` (`self.word_embeddings.weights =
nn.Parameter(weights, requires_grad=False)`, which registers a second, frozen parameter next to the embedding's
own weight; `input.permute(1, 0, 2)`; `Variable(torch.zeros(1, batch_size, hidden_size))` initial states;
`attention_net` with `torch.bmm(lstm_output, hidden.unsqueeze(2)).squeeze(2)`, `F.softmax(attn_weights, 1)` and
`torch.bmm(lstm_output.transpose(1, 2), ...)`), main.py's `clip_gradient` (`filter` on `p.grad is not None`,
`p.grad.data.clamp_`), `torch.optim.Adam(filter(lambda p: p.requires_grad, model.parameters()))` made anew each
epoch, `loss_fn = F.cross_entropy`, `torch.autograd.Variable(target).long()`, the batch-size check with `is not`,
`(torch.max(prediction, 1)[1].view(target.size()).data == target.data).float().sum()`, the printed epoch lines
with `acc.item()`, `eval_model` under `torch.no_grad()`, and the single-sentence prediction (`np.asarray` of token
ids, `torch.LongTensor`, `Variable(test_sen, volatile=True)`, `model(test_tensor, 1)`, `F.softmax(output, 1)`,
`torch.argmax(out[0]) == 1`).

Edits, all for the comparison: made-up token ids replace torchtext's IMDB and GloVe (`weights` is `fill`), sizes
are small (batches of 3 instead of 32), `.cuda()` is `.to(device)`, printing is every 2 steps instead of 100, the
literal in `is not 32` is the `batch_size` variable (a literal there is a SyntaxWarning now), the learning rate is
0.05 instead of Adam's default, and the weights are loaded from `fill`.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import contextlib
import io
import warnings

import numpy as np

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from tinygrad_rnn.torch.autograd import Variable
from tinygrad_rnn.torch.nn import functional as F
from torch_expect import fill, float64, same  # noqa: F401 (float64 is an autouse fixture)

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')


class AttentionModel(torch.nn.Module):
    def __init__(self, batch_size, output_size, hidden_size, vocab_size, embedding_length, weights):
        super(AttentionModel, self).__init__()
        self.batch_size = batch_size
        self.output_size = output_size
        self.hidden_size = hidden_size
        self.vocab_size = vocab_size
        self.embedding_length = embedding_length

        self.word_embeddings = nn.Embedding(vocab_size, embedding_length)
        self.word_embeddings.weights = nn.Parameter(weights, requires_grad=False)
        self.lstm = nn.LSTM(embedding_length, hidden_size)
        self.label = nn.Linear(hidden_size, output_size)

    def attention_net(self, lstm_output, final_state):
        hidden = final_state.squeeze(0)
        attn_weights = torch.bmm(lstm_output, hidden.unsqueeze(2)).squeeze(2)
        soft_attn_weights = F.softmax(attn_weights, 1)
        new_hidden_state = torch.bmm(lstm_output.transpose(1, 2), soft_attn_weights.unsqueeze(2)).squeeze(2)

        return new_hidden_state

    def forward(self, input_sentences, batch_size=None):
        input = self.word_embeddings(input_sentences)
        input = input.permute(1, 0, 2)
        if batch_size is None:
            h_0 = Variable(torch.zeros(1, self.batch_size, self.hidden_size).to(device))
            c_0 = Variable(torch.zeros(1, self.batch_size, self.hidden_size).to(device))
        else:
            h_0 = Variable(torch.zeros(1, batch_size, self.hidden_size).to(device))
            c_0 = Variable(torch.zeros(1, batch_size, self.hidden_size).to(device))

        output, (final_hidden_state, final_cell_state) = self.lstm(input, (h_0, c_0))
        output = output.permute(1, 0, 2)

        attn_output = self.attention_net(output, final_hidden_state)
        logits = self.label(attn_output)

        return logits


class Batch:
    """torchtext's batch: `.text` is (tokens, lengths), `.label`, and len() the number of examples."""
    def __init__(self, text, label):
        self.text = (torch.tensor(text), torch.tensor([len(t) for t in text]))
        self.label = torch.tensor(label)

    def __len__(self):
        return len(self.label)


TRAIN = [Batch([[1, 2, 3, 4], [5, 6, 7, 1], [2, 2, 8, 9]], [1, 0, 1]),
         Batch([[9, 8, 7, 6], [1, 3, 5, 7], [2, 4, 6, 8]], [0, 1, 0]),
         Batch([[3, 3, 3, 1], [4, 5, 6, 7]], [1, 0]),            # the short last batch the script skips
         Batch([[6, 1, 2, 9], [7, 7, 2, 3], [5, 9, 1, 4]], [1, 1, 0])]
VALID = [Batch([[1, 2, 8, 9], [5, 6, 3, 1], [9, 2, 7, 6]], [1, 0, 0])]


def lstm_attn_run(workdir) -> dict:
    batch_size = 3
    word_embeddings = torch.tensor(fill((10, 4), 3))
    model = AttentionModel(batch_size, 2, 5, 10, 4, word_embeddings)
    state = model.state_dict()
    model.load_state_dict({k: torch.tensor(fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})
    loss_fn = F.cross_entropy

    def clip_gradient(model, clip_value):
        params = list(filter(lambda p: p.grad is not None, model.parameters()))
        for p in params:
            p.grad.data.clamp_(-clip_value, clip_value)

    def train_model(model, train_iter, epoch):
        total_epoch_loss = 0
        total_epoch_acc = 0
        model.to(device)
        optim = torch.optim.Adam(filter(lambda p: p.requires_grad, model.parameters()), lr=0.05)
        steps = 0
        model.train()
        for idx, batch in enumerate(train_iter):
            text = batch.text[0]
            target = batch.label
            target = torch.autograd.Variable(target).long()
            if torch.cuda.is_available():
                text = text.cuda()
                target = target.cuda()
            if (text.size()[0] is not batch_size):
                continue
            optim.zero_grad()
            prediction = model(text)
            loss = loss_fn(prediction, target)
            num_corrects = (torch.max(prediction, 1)[1].view(target.size()).data == target.data).float().sum()
            acc = 100.0 * num_corrects/len(batch)
            loss.backward()
            clip_gradient(model, 1e-1)
            optim.step()
            steps += 1

            if steps % 2 == 0:
                print (f'Epoch: {epoch+1}, Idx: {idx+1}, Training Loss: {loss.item():.4f}, '
                       f'Training Accuracy: {acc.item(): .2f}%')

            total_epoch_loss += loss.item()
            total_epoch_acc += acc.item()

        return total_epoch_loss/len(train_iter), total_epoch_acc/len(train_iter)

    def eval_model(model, val_iter):
        total_epoch_loss = 0
        total_epoch_acc = 0
        model.eval()
        with torch.no_grad():
            for idx, batch in enumerate(val_iter):
                text = batch.text[0]
                if (text.size()[0] is not batch_size):
                    continue
                target = batch.label
                target = torch.autograd.Variable(target).long()
                prediction = model(text)
                loss = loss_fn(prediction, target)
                num_corrects = (torch.max(prediction, 1)[1].view(target.size()).data == target.data).sum()
                acc = 100.0 * num_corrects/len(batch)
                total_epoch_loss += loss.item()
                total_epoch_acc += acc.item()

        return total_epoch_loss/len(val_iter), total_epoch_acc/len(val_iter)

    out, results = io.StringIO(), []
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in range(3):
            train_loss, train_acc = train_model(model, TRAIN, epoch)
            val_loss, val_acc = eval_model(model, VALID)
            results += [train_loss, train_acc, val_loss, val_acc]
            print(f'Epoch: {epoch+1:02}, Train Loss: {train_loss:.3f}, Train Acc: {train_acc:.2f}%, '
                  f'Val. Loss: {val_loss:3f}, Val. Acc: {val_acc:.2f}%')
        test_sen1 = [[1, 2, 3, 9, 8]]
        test_sen = np.asarray(test_sen1)
        test_sen = torch.LongTensor(test_sen)
        test_tensor = Variable(test_sen, volatile=True)
        test_tensor = test_tensor.to(device)
        model.eval()
        output = model(test_tensor, 1)
        out_ = F.softmax(output, 1)
        if (torch.argmax(out_[0]) == 1):
            print ("Sentiment: Positive")
        else:
            print ("Sentiment: Negative")
    return {"printed": out.getvalue().splitlines(), "results": results, "softmax": out_.tolist(),
            "names": [n for n, p in model.named_parameters() if not p.requires_grad],
            "frozen": model.word_embeddings.weights.flatten().tolist()[:4],
            "embedding": model.word_embeddings.weight.flatten().tolist()[:8]}


def pytorch_values(workdir) -> dict:
    return lstm_attn_run(workdir)


EXPECTED = {'embedding': [0.0, 0.4817790927085965, 0.2577506859107321, -0.34388307959198705, -0.8705593725584571,
                          -0.29069323305719574, 0.8500529681734138, 0.5706761174290704],
            'frozen': [0.42073549240394825, 0.37285260608836013, -0.22126022164742623, -0.49122630631216624],
            'names': ['word_embeddings.weights'],
            'printed': ['Epoch: 1, Idx: 2, Training Loss: 0.7362, Training Accuracy:  33.33%',
                        'Epoch: 01, Train Loss: 0.518, Train Acc: 41.67%, Val. Loss: 0.697785, Val. Acc: 33.33%',
                        'Epoch: 2, Idx: 2, Training Loss: 0.7567, Training Accuracy:  33.33%',
                        'Epoch: 02, Train Loss: 0.494, Train Acc: 41.67%, Val. Loss: 0.621588, Val. Acc: 66.67%',
                        'Epoch: 3, Idx: 2, Training Loss: 0.7468, Training Accuracy:  33.33%',
                        'Epoch: 03, Train Loss: 0.433, Train Acc: 58.33%, Val. Loss: 0.477839, Val. Acc: 66.67%',
                        'Sentiment: Positive'],
            'results': [0.5176056399206104, 41.66666507720947, 0.697785236445832, 33.333333333333336,
                        0.4935981259448209, 41.66666507720947, 0.6215884078118058, 66.66666666666667,
                        0.4326304458825737, 58.333333015441895, 0.4778388637412725, 66.66666666666667],
            'softmax': [[0.22534482323472257, 0.7746551767652774]]}


def test_program_gives_pytorchs_numbers(tmp_path):
    for key, value in lstm_attn_run(tmp_path).items():
        same(value, EXPECTED[key], key)
