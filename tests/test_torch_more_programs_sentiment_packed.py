"""bentrevett/pytorch-sentiment-analysis's "2 - Upgraded Sentiment Analysis" (a 2-layer bidirectional LSTM over
packed padded sequences), run on the dialect, gives PyTorch's numbers to 1e-10 in float64 and prints what it prints.

Source: https://github.com/bentrevett/pytorch-sentiment-analysis (legacy/2 - Upgraded Sentiment Analysis.ipynb; MIT
license, copyright Ben Trevett; kept as a test fixture). What runs, as the notebook wrote it: `RNN`
(`nn.Embedding(..., padding_idx = pad_idx)`, `nn.LSTM(..., num_layers=n_layers, bidirectional=bidirectional,
dropout=dropout)`, `nn.utils.rnn.pack_padded_sequence(embedded, text_lengths.to('cpu'))`, `pad_packed_sequence`,
`torch.cat((hidden[-2,:,:], hidden[-1,:,:]), dim = 1)`), `count_parameters`, the pretrained vectors copied with
`model.embedding.weight.data.copy_(pretrained_embeddings)` and the `<unk>`/`<pad>` rows zeroed with
`model.embedding.weight.data[UNK_IDX] = torch.zeros(EMBEDDING_DIM)`, `print(model.embedding.weight.data)`,
`nn.BCEWithLogitsLoss`, `binary_accuracy` (`torch.round(torch.sigmoid(preds))`, `(rounded_preds == y).float()`,
`correct.sum() / len(correct)`), `train` and `evaluate` (`.squeeze(1)`, `torch.no_grad()`), the best model's
`state_dict` saved and loaded, the printed epoch lines, and `predict_sentiment` (`torch.LongTensor(indexed)
.unsqueeze(1)`, `torch.sigmoid(model(tensor, length_tensor))`, `.item()`).

Edits, all for the comparison: made-up token ids and vectors stand for IMDB, torchtext and GloVe (batches sorted
by length, as `sort_within_batch = True` gives them), sizes are small, dropout is 0, the weights are loaded from
`fill` before the vectors are copied in, Adam's learning rate is 0.05, and the epoch timer is left out.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import contextlib
import io
import os

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.optim as optim
from torch_expect import fill, float64, same  # noqa: F401 (float64 is an autouse fixture)

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')


class RNN(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, n_layers,
                 bidirectional, dropout, pad_idx):

        super().__init__()

        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx = pad_idx)

        self.rnn = nn.LSTM(embedding_dim,
                           hidden_dim,
                           num_layers=n_layers,
                           bidirectional=bidirectional,
                           dropout=dropout)

        self.fc = nn.Linear(hidden_dim * 2, output_dim)

        self.dropout = nn.Dropout(dropout)

    def forward(self, text, text_lengths):
        embedded = self.dropout(self.embedding(text))
        packed_embedded = nn.utils.rnn.pack_padded_sequence(embedded, text_lengths.to('cpu'))
        packed_output, (hidden, cell) = self.rnn(packed_embedded)
        output, output_lengths = nn.utils.rnn.pad_packed_sequence(packed_output)
        hidden = self.dropout(torch.cat((hidden[-2,:,:], hidden[-1,:,:]), dim = 1))
        return self.fc(hidden)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def binary_accuracy(preds, y):
    rounded_preds = torch.round(torch.sigmoid(preds))
    correct = (rounded_preds == y).float() #convert into float for division
    acc = correct.sum() / len(correct)
    return acc


def train(model, iterator, optimizer, criterion):
    epoch_loss = 0
    epoch_acc = 0
    model.train()
    for batch in iterator:
        optimizer.zero_grad()
        text, text_lengths = batch.text
        predictions = model(text, text_lengths).squeeze(1)
        loss = criterion(predictions, batch.label)
        acc = binary_accuracy(predictions, batch.label)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
        epoch_acc += acc.item()
    return epoch_loss / len(iterator), epoch_acc / len(iterator)


def evaluate(model, iterator, criterion):
    epoch_loss = 0
    epoch_acc = 0
    model.eval()
    with torch.no_grad():
        for batch in iterator:
            text, text_lengths = batch.text
            predictions = model(text, text_lengths).squeeze(1)
            loss = criterion(predictions, batch.label)
            acc = binary_accuracy(predictions, batch.label)
            epoch_loss += loss.item()
            epoch_acc += acc.item()
    return epoch_loss / len(iterator), epoch_acc / len(iterator)


# ---- stand-ins for torchtext: <unk>=0, <pad>=1; batches sorted by length, (text, lengths) and float labels
STOI = {w: i for i, w in enumerate('<unk> <pad> good bad great awful movie plot fun boring the'.split())}


class Batch:
    def __init__(self, examples):
        examples = sorted(examples, key=lambda e: -len(e[0].split()))
        ids = [[STOI.get(w, 0) for w in s.split()] for s, _ in examples]
        T = max(map(len, ids))
        self.text = (torch.tensor([i + [1] * (T - len(i)) for i in ids]).t().contiguous(),
                     torch.tensor([len(i) for i in ids]))
        self.label = torch.tensor([float(label) for _, label in examples])


TRAIN = [Batch([("good movie", 1), ("the plot was boring", 0), ("great fun", 1)]),
         Batch([("awful the movie", 0), ("good plot good fun", 1), ("bad", 0)])]
VALID = [Batch([("the movie was great", 1), ("boring plot", 0)])]


def sentiment_run(workdir) -> dict:
    INPUT_DIM = len(STOI)
    EMBEDDING_DIM = 4
    HIDDEN_DIM = 3
    OUTPUT_DIM = 1
    N_LAYERS = 2
    BIDIRECTIONAL = True
    DROPOUT = 0
    PAD_IDX = STOI['<pad>']
    model = RNN(INPUT_DIM, EMBEDDING_DIM, HIDDEN_DIM, OUTPUT_DIM, N_LAYERS, BIDIRECTIONAL, DROPOUT, PAD_IDX)
    state = model.state_dict()
    model.load_state_dict({k: torch.tensor(fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print(f'The model has {count_parameters(model):,} trainable parameters')
        pretrained_embeddings = torch.tensor(fill((INPUT_DIM, EMBEDDING_DIM), 11))
        print(pretrained_embeddings.shape)
        model.embedding.weight.data.copy_(pretrained_embeddings)
        UNK_IDX = STOI['<unk>']
        model.embedding.weight.data[UNK_IDX] = torch.zeros(EMBEDDING_DIM)
        model.embedding.weight.data[PAD_IDX] = torch.zeros(EMBEDDING_DIM)
        print(model.embedding.weight.data)
        optimizer = optim.Adam(model.parameters(), lr=0.05)
        criterion = nn.BCEWithLogitsLoss()
        model = model.to(device)
        criterion = criterion.to(device)
        N_EPOCHS = 3
        best_valid_loss = float('inf')
        results = []
        for epoch in range(N_EPOCHS):
            train_loss, train_acc = train(model, TRAIN, optimizer, criterion)
            valid_loss, valid_acc = evaluate(model, VALID, criterion)
            results += [train_loss, train_acc, valid_loss, valid_acc]
            if valid_loss < best_valid_loss:
                best_valid_loss = valid_loss
                torch.save(model.state_dict(), os.path.join(workdir, 'tut2-model.pt'))
            print(f'Epoch: {epoch+1:02}')
            print(f'\tTrain Loss: {train_loss:.3f} | Train Acc: {train_acc*100:.2f}%')
            print(f'\t Val. Loss: {valid_loss:.3f} |  Val. Acc: {valid_acc*100:.2f}%')
        model.load_state_dict(torch.load(os.path.join(workdir, 'tut2-model.pt')))
        test_loss, test_acc = evaluate(model, VALID, criterion)
        print(f'Test Loss: {test_loss:.3f} | Test Acc: {test_acc*100:.2f}%')

        def predict_sentiment(model, sentence):
            model.eval()
            tokenized = sentence.split()
            indexed = [STOI.get(t, 0) for t in tokenized]
            length = [len(indexed)]
            tensor = torch.LongTensor(indexed).to(device)
            tensor = tensor.unsqueeze(1)
            length_tensor = torch.LongTensor(length)
            prediction = torch.sigmoid(model(tensor, length_tensor))
            return prediction.item()

        predictions = [predict_sentiment(model, "This film is terrible"), predict_sentiment(model, "good fun movie")]
    return {"printed": out.getvalue().splitlines(), "results": results + [test_loss, test_acc],
            "predictions": predictions, "pad_grad": model.embedding.weight.grad[PAD_IDX].tolist(),
            "embedding": model.embedding.weight.flatten().tolist()[:12]}


def pytorch_values(workdir) -> dict:
    return sentiment_run(workdir)


EXPECTED = {'embedding': [0.10035546818535364, 0.22827446863527184, 0.218241021403143, -0.22965974130172667, 0.0,
                          0.0, 0.0, 0.0, 0.0809123754390114, -0.6185185734999721, -0.7340421176813122,
                          0.37454271933283445],
            'pad_grad': [0.0, 0.0, 0.0, 0.0],
            'predictions': [0.4921546357448043, 0.5342663179248559],
            'printed': ['The model has 531 trainable parameters', 'torch.Size([11, 4])',
                        'tensor([[ 0.0000,  0.0000,  0.0000,  0.0000],',
                        '        [ 0.0000,  0.0000,  0.0000,  0.0000],',
                        '        [ 0.2787, -0.3255, -0.4528,  0.0832],',
                        '        [ 0.4973,  0.1828, -0.3995, -0.3966],',
                        '        [ 0.1874,  0.4968,  0.0784, -0.4548],',
                        '        [-0.3218,  0.2827,  0.4730, -0.0296],',
                        '        [-0.4889, -0.2319,  0.3648,  0.4271],',
                        '        [-0.1363, -0.5000, -0.1312,  0.4298],',
                        '        [ 0.3611, -0.2366, -0.4877, -0.0243],',
                        '        [ 0.4747,  0.2783, -0.3258, -0.4526],',
                        '        [ 0.0837,  0.4974,  0.1824, -0.3998]])', 'Epoch: 01',
                        '\tTrain Loss: 0.756 | Train Acc: 50.00%', '\t Val. Loss: 0.722 |  Val. Acc: 50.00%',
                        'Epoch: 02', '\tTrain Loss: 0.703 | Train Acc: 50.00%',
                        '\t Val. Loss: 0.702 |  Val. Acc: 50.00%', 'Epoch: 03',
                        '\tTrain Loss: 0.678 | Train Acc: 66.67%', '\t Val. Loss: 0.700 |  Val. Acc: 50.00%',
                        'Test Loss: 0.700 | Test Acc: 50.00%'],
            'results': [0.7559723166584946, 0.5000000149011612, 0.7221578914802066, 0.5, 0.702908756858962,
                        0.5000000149011612, 0.7019909980875865, 0.5, 0.6778787945986697, 0.6666666716337204,
                        0.6998279946368635, 0.5, 0.6998279946368635, 0.5]}


def test_program_gives_pytorchs_numbers(tmp_path):
    for key, value in sentiment_run(tmp_path).items():
        same(value, EXPECTED[key], key)
