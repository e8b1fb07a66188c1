"""The LSTM autoencoder of curiousily's "Time Series Anomaly Detection using LSTM Autoencoders with PyTorch in
Python" (ECG5000 heartbeats), run on the dialect, gives PyTorch's numbers to 1e-10 in float64 and prints what it
prints.

Source: https://github.com/curiousily/Getting-Things-Done-with-Pytorch (06.time-series-anomaly-detection-ecg.ipynb;
https://curiousily.com/posts/time-series-anomaly-detection-using-lstm-autoencoder-with-pytorch-in-python/; Apache-2.0
license, copyright Venelin Valkov; kept as a test fixture). What runs, as the notebook wrote it: `create_dataset`
(`torch.tensor(s).unsqueeze(1)` per sequence, `torch.stack(dataset).shape` unpacked), `Encoder` (two `nn.LSTM`s with
`batch_first=True`, `x.reshape((1, seq_len, n_features))`, `hidden_n.reshape((n_features, embedding_dim))`),
`Decoder` (`x.repeat(self.seq_len, self.n_features)`, two LSTMs, `Linear` on `x.reshape((seq_len, hidden_dim))`),
`RecurrentAutoencoder` (submodules built with `.to(device)`), `train_model` (Adam, `nn.L1Loss(reduction='sum')
.to(device)`, `model = model.train()`, `copy.deepcopy(model.state_dict())` of the best epoch, `np.mean` of
`loss.item()`s, the printed epoch lines, `model.load_state_dict(best_model_wts)`), `predict` under
`torch.no_grad()` (`seq_pred.cpu().numpy().flatten()`), and the threshold count of correct normal predictions.

Edits, all for the comparison: twelve made-up sine-like sequences of 6 steps replace ECG5000 (no pandas), sizes are
small (embedding_dim 3), `.float()` is `.double()` (the comparison runs in float64), the weights are loaded from
`fill`, the learning rate is 0.01, and the threshold suits the made-up data.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import contextlib
import copy
import io

import numpy as np

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from torch_expect import fill, float64, same  # noqa: F401 (float64 is an autouse fixture)

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def create_dataset(sequences):
    dataset = [torch.tensor(s).unsqueeze(1).double() for s in sequences]
    n_seq, seq_len, n_features = torch.stack(dataset).shape
    return dataset, seq_len, n_features


class Encoder(nn.Module):

    def __init__(self, seq_len, n_features, embedding_dim=64):
        super(Encoder, self).__init__()

        self.seq_len, self.n_features = seq_len, n_features
        self.embedding_dim, self.hidden_dim = embedding_dim, 2 * embedding_dim

        self.rnn1 = nn.LSTM(
            input_size=n_features,
            hidden_size=self.hidden_dim,
            num_layers=1,
            batch_first=True
        )

        self.rnn2 = nn.LSTM(
            input_size=self.hidden_dim,
            hidden_size=embedding_dim,
            num_layers=1,
            batch_first=True
        )

    def forward(self, x):
        x = x.reshape((1, self.seq_len, self.n_features))

        x, (_, _) = self.rnn1(x)
        x, (hidden_n, _) = self.rnn2(x)

        return hidden_n.reshape((self.n_features, self.embedding_dim))


class Decoder(nn.Module):

    def __init__(self, seq_len, input_dim=64, n_features=1):
        super(Decoder, self).__init__()

        self.seq_len, self.input_dim = seq_len, input_dim
        self.hidden_dim, self.n_features = 2 * input_dim, n_features

        self.rnn1 = nn.LSTM(
            input_size=input_dim,
            hidden_size=input_dim,
            num_layers=1,
            batch_first=True
        )

        self.rnn2 = nn.LSTM(
            input_size=input_dim,
            hidden_size=self.hidden_dim,
            num_layers=1,
            batch_first=True
        )

        self.output_layer = nn.Linear(self.hidden_dim, n_features)

    def forward(self, x):
        x = x.repeat(self.seq_len, self.n_features)
        x = x.reshape((self.n_features, self.seq_len, self.input_dim))

        x, (hidden_n, cell_n) = self.rnn1(x)
        x, (hidden_n, cell_n) = self.rnn2(x)
        x = x.reshape((self.seq_len, self.hidden_dim))

        return self.output_layer(x)


class RecurrentAutoencoder(nn.Module):

    def __init__(self, seq_len, n_features, embedding_dim=64):
        super(RecurrentAutoencoder, self).__init__()

        self.encoder = Encoder(seq_len, n_features, embedding_dim).to(device)
        self.decoder = Decoder(seq_len, embedding_dim, n_features).to(device)

    def forward(self, x):
        x = self.encoder(x)
        x = self.decoder(x)

        return x


def train_model(model, train_dataset, val_dataset, n_epochs):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    criterion = nn.L1Loss(reduction='sum').to(device)
    history = dict(train=[], val=[])

    best_model_wts = copy.deepcopy(model.state_dict())
    best_loss = 10000.0

    for epoch in range(1, n_epochs + 1):
        model = model.train()

        train_losses = []
        for seq_true in train_dataset:
            optimizer.zero_grad()

            seq_true = seq_true.to(device)
            seq_pred = model(seq_true)

            loss = criterion(seq_pred, seq_true)

            loss.backward()
            optimizer.step()

            train_losses.append(loss.item())

        val_losses = []
        model = model.eval()
        with torch.no_grad():
            for seq_true in val_dataset:

                seq_true = seq_true.to(device)
                seq_pred = model(seq_true)

                loss = criterion(seq_pred, seq_true)
                val_losses.append(loss.item())

        train_loss = np.mean(train_losses)
        val_loss = np.mean(val_losses)

        history['train'].append(train_loss)
        history['val'].append(val_loss)

        if val_loss < best_loss:
            best_loss = val_loss
            best_model_wts = copy.deepcopy(model.state_dict())

        print(f'Epoch {epoch}: train loss {train_loss} val loss {val_loss}')

    model.load_state_dict(best_model_wts)
    return model.eval(), history


def predict(model, dataset):
    predictions, losses = [], []
    criterion = nn.L1Loss(reduction='sum').to(device)
    with torch.no_grad():
        model = model.eval()
        for seq_true in dataset:
            seq_true = seq_true.to(device)
            seq_pred = model(seq_true)

            loss = criterion(seq_pred, seq_true)

            predictions.append(seq_pred.cpu().numpy().flatten())
            losses.append(loss.item())
    return predictions, losses


def numbers(line):
    """A printed line with its numbers as floats (they are printed in full, so compared with a tolerance)."""
    def word(w):
        try:
            return float(w)
        except ValueError:
            return w
    return [word(w) for w in line.split()]


def autoencoder_run(workdir) -> dict:
    t = np.arange(6)
    normal = [np.sin(0.9 * t + 0.4 * k) for k in range(8)]
    anomaly = [np.sin(0.9 * t + 0.4 * k) + (t == 2 + k % 3) * 1.5 for k in range(4)]
    train_dataset, seq_len, n_features = create_dataset(normal[:5])
    val_dataset, _, _ = create_dataset(normal[5:7])
    test_normal_dataset, _, _ = create_dataset(normal[7:] + normal[:2])
    test_anomaly_dataset, _, _ = create_dataset(anomaly)
    model = RecurrentAutoencoder(seq_len, n_features, 3)
    model = model.to(device)
    state = model.state_dict()
    model.load_state_dict({k: torch.tensor(fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model, history = train_model(model, train_dataset, val_dataset, n_epochs=4)
        _, losses = predict(model, train_dataset)
        THRESHOLD = 3.0
        predictions, pred_losses = predict(model, test_normal_dataset)
        correct = sum(l <= THRESHOLD for l in pred_losses)
        print(f'Correct normal predictions: {correct}/{len(test_normal_dataset)}')
        anomaly_dataset = test_anomaly_dataset
        predictions, pred_losses = predict(model, anomaly_dataset)
        correct = sum(l > THRESHOLD for l in pred_losses)
        print(f'Correct anomaly predictions: {correct}/{len(anomaly_dataset)}')
    return {"printed": [numbers(line) for line in out.getvalue().splitlines()],
            "history": [float(v) for v in history['train'] + history['val']], "losses": losses,
            "pred_losses": pred_losses, "prediction": predictions[-1].tolist(),
            "dtype": str(predictions[-1].dtype)}


def pytorch_values(workdir) -> dict:
    return autoencoder_run(workdir)


EXPECTED = {'dtype': 'float64',
            'history': [4.4393477367047565, 4.256099931916291, 4.161225055192306, 4.087859911554682,
                        3.5952615023965895, 3.512762962641695, 3.440782804005993, 3.378528339798674],
            'losses': [3.99876037366607, 4.336387343619405, 4.286501094606656, 4.09832493811909, 3.459711145541029],
            'pred_losses': [5.498849609073963, 5.836546953407756, 4.3703836393891216, 5.5983039846205065],
            'prediction': [-0.22781844353825298, -0.2070101675763132, -0.21945929153637242, -0.23339185990443034,
                           -0.24346969755102502, -0.2501071318683963],
            'printed': [['Epoch', '1:', 'train', 'loss', 4.4393477367047565, 'val', 'loss', 3.5952615023965895],
                        ['Epoch', '2:', 'train', 'loss', 4.256099931916291, 'val', 'loss', 3.512762962641695],
                        ['Epoch', '3:', 'train', 'loss', 4.161225055192306, 'val', 'loss', 3.440782804005993],
                        ['Epoch', '4:', 'train', 'loss', 4.087859911554682, 'val', 'loss', 3.378528339798674],
                        ['Correct', 'normal', 'predictions:', '0/3'],
                        ['Correct', 'anomaly', 'predictions:', '4/4']]}


def test_program_gives_pytorchs_numbers(tmp_path):
    for key, value in autoencoder_run(tmp_path).items():
        same(value, EXPECTED[key], key)
