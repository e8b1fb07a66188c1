"""Two recurrent programs of yunjey/pytorch-tutorial, run on the dialect, give PyTorch's numbers to 1e-10 in
float64 and print what it prints:

* tutorials/02-intermediate/recurrent_neural_network/main.py: a 2-layer nn.LSTM(batch_first=True) classifying
  images read row by row, `torch.zeros(...).to(device)` initial states, `self.fc(out[:, -1, :])`,
  `images.reshape(-1, sequence_length, input_size)`, CrossEntropyLoss, Adam, the printed steps, the test loop
  with `torch.max(outputs.data, 1)` and `(predicted == labels).sum().item()`, `torch.save(model.state_dict())`;
* tutorials/02-intermediate/bidirectional_recurrent_neural_network/main.py: the same with
  `bidirectional=True`, `num_layers*2` initial states and `nn.Linear(hidden_size*2, num_classes)`.

The code is the tutorials' (yunjey/pytorch-tutorial, MIT license, copyright Yunjey Choi; kept as a test
fixture), with these edits for the comparison: small sizes; made-up images in a TensorDataset + DataLoader
without shuffling (the libraries would shuffle differently) instead of torchvision's MNIST; the weights loaded
from `fill` after construction; printing every 2 steps instead of 100.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import contextlib
import io
import os

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from tinygrad_rnn.torch.utils.data import DataLoader, TensorDataset
from torch_expect import fill, float64, same  # noqa: F401 (float64 is an autouse fixture)

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')


def load_fill(model, scale=0.6):
    state = model.state_dict()
    model.load_state_dict({k: torch.tensor(scale * fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(device)
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(device)
        out, _ = self.lstm(x, (h0, c0))
        out = self.fc(out[:, -1, :])
        return out


class BiRNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super(BiRNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_size*2, num_classes)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers*2, x.size(0), self.hidden_size).to(device)
        c0 = torch.zeros(self.num_layers*2, x.size(0), self.hidden_size).to(device)
        out, _ = self.lstm(x, (h0, c0))
        out = self.fc(out[:, -1, :])
        return out


def images_run(kind, workdir) -> dict:
    sequence_length, input_size, hidden_size, num_layers, num_classes = 6, 6, 5, 2, 3
    batch_size, num_epochs, learning_rate = 4, 2, 0.01
    n = 12
    images = torch.tensor(fill((n, 1, 6, 6), 2.0) + 0.3 * np.arange(n).reshape(n, 1, 1, 1) % 3)
    labels = torch.tensor(np.arange(n) % 3)
    train_loader = DataLoader(dataset=TensorDataset(images, labels), batch_size=batch_size, shuffle=False)
    test_loader = DataLoader(dataset=TensorDataset(images.flip(0), labels.flip(0)),
                             batch_size=batch_size, shuffle=False)
    model = {"RNN": RNN, "BiRNN": BiRNN}[kind](input_size, hidden_size, num_layers, num_classes).to(device)
    load_fill(model)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    out, losses = io.StringIO(), []
    with contextlib.redirect_stdout(out):
        total_step = len(train_loader)
        for epoch in range(num_epochs):
            for i, (images, labels) in enumerate(train_loader):
                images = images.reshape(-1, sequence_length, input_size).to(device)
                labels = labels.to(device)
                outputs = model(images)
                loss = criterion(outputs, labels)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
                if (i+1) % 2 == 0:
                    print('Epoch [{}/{}], Step [{}/{}], Loss: {:.4f}'
                          .format(epoch+1, num_epochs, i+1, total_step, loss.item()))
        with torch.no_grad():
            correct = 0
            total = 0
            for images, labels in test_loader:
                images = images.reshape(-1, sequence_length, input_size).to(device)
                labels = labels.to(device)
                outputs = model(images)
                _, predicted = torch.max(outputs.data, 1)
                total += labels.size(0)
                correct += (predicted == labels).sum().item()
            print('Test Accuracy of the model on the 10000 test images: {} %'.format(100 * correct / total))
    torch.save(model.state_dict(), os.path.join(workdir, 'model.ckpt'))
    saved = torch.load(os.path.join(workdir, 'model.ckpt'))
    return {"printed": out.getvalue().splitlines(), "losses": losses, "outputs": outputs.flatten().tolist(),
            "saved": [list(saved)[-1], len(saved), sum(v.numel() for v in saved.values()),
                      float(sum(v.sum() for v in saved.values()))]}


def pytorch_values(workdir) -> dict:
    return {"RNN": images_run("RNN", workdir), "BiRNN": images_run("BiRNN", workdir)}


EXPECTED = {'BiRNN': {'losses': [1.186747150625528, 1.1408986366381708, 1.0537697466987814, 1.1526720064320437,
                                 1.125463406343548, 1.062350289989879],
                      'outputs': [-0.07601133000323096, -0.024026714082072687, 0.19253448166215706,
                                  -0.06970390942353549, -0.02373991973295511, 0.1858088283523301,
                                  -0.07345117609530344, -0.020076195066237673, 0.19653122008444823,
                                  -0.07422406175236035, -0.02324586913721738, 0.19122040066938745],
                      'printed': ['Epoch [1/2], Step [2/3], Loss: 1.1409', 'Epoch [2/2], Step [2/3], Loss: 1.1255',
                                  'Test Accuracy of the model on the 10000 test images: 33.333333333333336 %'],
                      'saved': ['fc.bias', 18, 1233, -3.406825387648448]},
            'RNN': {'losses': [1.0492466803036016, 1.1538372756810413, 1.169120271753298, 1.0484354840626162,
                               1.1427950250300645, 1.152321797233278],
                    'outputs': [0.128783241339253, -0.2037374691937018, -0.24394698483169103, 0.13094135628476605,
                                -0.2018131854892479, -0.243529892604525, 0.14780510713705283, -0.18683717145598913,
                                -0.24453602009263115, 0.1510570955082446, -0.18414371499744492,
                                -0.24548210074320284],
                    'printed': ['Epoch [1/2], Step [2/3], Loss: 1.1538', 'Epoch [2/2], Step [2/3], Loss: 1.1428',
                                'Test Accuracy of the model on the 10000 test images: 33.333333333333336 %'],
                    'saved': ['fc.bias', 10, 518, 5.15310960657742]}}


@pytest.mark.parametrize("name", ["RNN", "BiRNN"])
def test_tutorial_trains_like_pytorch(name, tmp_path):
    for key, value in images_run(name, tmp_path).items():
        same(value, EXPECTED[name][key], f"{name}.{key}")
