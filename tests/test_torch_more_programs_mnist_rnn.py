"""pytorch/examples' mnist_rnn/main.py, run on the dialect, gives PyTorch's numbers to 1e-10 in float64 and
prints what it prints: `Net` (nn.LSTM(batch_first=True) read row by row, `output[:, -1, :]`, nn.BatchNorm1d,
nn.Dropout2d on a 2-D input, two Linear layers, F.relu, F.log_softmax), `train` (F.nll_loss, the printed
progress with `len(train_loader.dataset)`), `test` (F.nll_loss(reduction='sum'), `argmax(dim=1, keepdim=True)`,
`pred.eq(target.view_as(pred)).sum().item()`), optim.Adadelta and StepLR, driven by the example's argparse
options (`--dry-run` included), and `torch.save(model.state_dict(), ...)` with the BatchNorm buffers.

The code is the example's (pytorch/examples, BSD 3-Clause license, copyright its authors and Meta Platforms,
Inc.; kept as a test fixture), with these edits for the comparison: sizes (6x6 made-up images in three
classes instead of MNIST's 28x28 in ten, hidden sizes 8 and 5), DataLoaders without shuffling (the libraries
would shuffle differently), the dropout probabilities 0 in training (nor do they draw the same masks; what
Dropout2d does with them is checked on its own below), the weights loaded from `fill` after construction.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64, printed as literals.
"""
import argparse
import contextlib
import io
import os
import warnings

import numpy as np

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
import tinygrad_rnn.torch.optim as optim
from tinygrad_rnn.torch.optim.lr_scheduler import StepLR
from tinygrad_rnn.torch.utils.data import DataLoader, TensorDataset
from torch_expect import fill, float64, same  # noqa: F401 (float64 is an autouse fixture)

P1, P2 = 0.0, 0.0                                       # the example: 0.25, 0.5


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.rnn = nn.LSTM(input_size=6, hidden_size=8, batch_first=True)
        self.batchnorm = nn.BatchNorm1d(8)
        self.dropout1 = nn.Dropout2d(P1)
        self.dropout2 = nn.Dropout2d(P2)
        self.fc1 = nn.Linear(8, 5)
        self.fc2 = nn.Linear(5, 3)

    def forward(self, input):
        input = input.reshape(-1, 6, 6)
        output, hidden = self.rnn(input)
        output = output[:, -1, :]
        output = self.batchnorm(output)
        output = self.dropout1(output)
        output = self.fc1(output)
        output = F.relu(output)
        output = self.dropout2(output)
        output = self.fc2(output)
        output = F.log_softmax(output, dim=1)
        return output


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % args.log_interval == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                epoch, batch_idx * len(data), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item()))
            if args.dry_run:
                break


def test(args, model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction='sum').item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
            if args.dry_run:
                break
    test_loss /= len(test_loader.dataset)
    print('\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n'.format(
        test_loss, correct, len(test_loader.dataset),
        100. * correct / len(test_loader.dataset)))
    return test_loss


test.__test__ = False                                  # the example's function, not a pytest test


def main(argv, workdir):
    parser = argparse.ArgumentParser(description='PyTorch MNIST Example using RNN')
    parser.add_argument('--batch-size', type=int, default=64, metavar='N')
    parser.add_argument('--test-batch-size', type=int, default=1000, metavar='N')
    parser.add_argument('--epochs', type=int, default=14, metavar='N')
    parser.add_argument('--lr', type=float, default=0.1, metavar='LR')
    parser.add_argument('--gamma', type=float, default=0.7, metavar='M')
    parser.add_argument('--cuda', action='store_true', default=False)
    parser.add_argument('--dry-run', action='store_true')
    parser.add_argument('--seed', type=int, default=1, metavar='S')
    parser.add_argument('--log-interval', type=int, default=10, metavar='N')
    parser.add_argument('--save-model', action='store_true')
    args = parser.parse_args(argv)
    device = torch.device("cpu")
    torch.manual_seed(args.seed)
    n = 16
    images = torch.tensor(fill((n, 1, 6, 6), 1.0) + 0.4 * (np.arange(n) % 3).reshape(n, 1, 1, 1))
    labels = torch.tensor(np.arange(n) % 3)
    train_loader = DataLoader(TensorDataset(images, labels), batch_size=args.batch_size, shuffle=False)
    test_loader = DataLoader(TensorDataset(images.flip(0), labels.flip(0)), batch_size=args.test_batch_size,
                             shuffle=False)
    model = Net().to(device)
    names = dict(model.named_parameters())
    model.load_state_dict({k: torch.tensor(0.6 * fill(tuple(v.shape), i)) if k in names else v
                           for i, (k, v) in enumerate(model.state_dict().items())})
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    out, test_losses, lrs = io.StringIO(), [], []
    with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")                     # the dropouts' warnings, as PyTorch's
        for epoch in range(1, args.epochs + 1):
            train(args, model, device, train_loader, optimizer, epoch)
            test_losses.append(test(args, model, device, test_loader))
            scheduler.step()
            lrs.append(scheduler.get_last_lr()[0])
    if args.save_model:
        torch.save(model.state_dict(), os.path.join(workdir, "mnist_rnn.pt"))
        saved = torch.load(os.path.join(workdir, "mnist_rnn.pt"))
    bn = model.batchnorm                                    # its buffers, updated in training only
    return {"printed": out.getvalue().splitlines(), "test_losses": test_losses, "lrs": lrs,
            "warnings": sorted({str(w.message)[:60] for w in caught}),
            "running": bn.running_mean.tolist() + bn.running_var.tolist() + [bn.num_batches_tracked.item()],
            "saved": sorted(saved) if args.save_model else None, "repr": repr(model),
            "fc2": model.fc2.weight.flatten().tolist()[::2]}


def dropout2d_masks() -> dict:
    torch.manual_seed(0)
    x = torch.ones(3, 4, 2, 2, requires_grad=True)
    y = nn.Dropout2d(0.5)(x)
    y.sum().backward()
    kept = y.detach().reshape(12, 4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        z = F.dropout2d(torch.ones(5, 3), 0.4)
        F.dropout2d(torch.ones(2, 3, 4), 0.4, training=False)
    return {"channels": [sorted(set(row.tolist())) in ([0.0], [2.0]) for row in kept],
            "grad_is_mask": bool((x.grad.reshape(12, 4) == kept).all()),
            "two_d": sorted(set(z.flatten().tolist()) - {0.0}), "warnings": [str(w.message) for w in caught]}


def pytorch_values(workdir) -> dict:
    return {"main": main(["--batch-size", "4", "--test-batch-size", "6", "--epochs", "3", "--lr", "0.5",
                          "--log-interval", "2", "--save-model"], workdir),
            "dry_run": main(["--batch-size", "4", "--epochs", "2", "--dry-run"], workdir),
            "dropout2d": dropout2d_masks()}


EXPECTED = {'dropout2d': {'channels': [True, True, True, True, True, True, True, True, True, True, True, True],
                          'grad_is_mask': True,
                          'two_d': [1.6666666666666667],
                          'warnings': ['dropout2d: Received a 2-D input to dropout2d, which is deprecated and will '
                                       'result in an error in a future release. To retain the behavior and silence '
                                       'this warning, please use dropout instead. Note that dropout2d exists to '
                                       'provide channel-wise dropout on inputs with 2 spatial dimensions, a channel '
                                       'dimension, and an optional batch dimension (i.e. 3D or 4D inputs).',
                                       'dropout2d: Received a 3D input to dropout2d and assuming that channel-wise '
                                       '1D dropout behavior is desired - input is interpreted as shape (N, C, L), '
                                       'where C is the channel dim. This behavior will change in a future release '
                                       'to interpret the input as one without a batch dimension, i.e. shape (C, H, '
                                       'W). To maintain the 1D channel-wise dropout behavior, please switch to '
                                       'using dropout1d instead.']},
            'dry_run': {'fc2': [-0.29999706196521103, 0.2582908108366545, -0.14118348110733045,
                                -0.014860692263510226, 0.16667677275739248, -0.27167350860198713,
                                0.29785189236290033, -0.24024951192712737],
                        'lrs': [0.06999999999999999, 0.048999999999999995],
                        'printed': ['Train Epoch: 1 [0/16 (0%)]\tLoss: 1.182113', '',
                                    'Test set: Average loss: 1.1323, Accuracy: 5/16 (31%)', '',
                                    'Train Epoch: 2 [0/16 (0%)]\tLoss: 1.181764', '',
                                    'Test set: Average loss: 1.1322, Accuracy: 5/16 (31%)', ''],
                        'repr': 'Net(\n'
                                '  (rnn): LSTM(6, 8, batch_first=True)\n'
                                '  (batchnorm): BatchNorm1d(8, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                                'track_running_stats=True)\n'
                                '  (dropout1): Dropout2d(p=0.0, inplace=False)\n'
                                '  (dropout2): Dropout2d(p=0.0, inplace=False)\n'
                                '  (fc1): Linear(in_features=8, out_features=5, bias=True)\n'
                                '  (fc2): Linear(in_features=5, out_features=3, bias=True)\n'
                                ')',
                        'running': [-0.03435323924613013, -0.02946195921559682, 0.02752851782256226,
                                    0.03619714962096685, -0.03866867355629439, -0.03792353604754384,
                                    0.00909799010291298, 0.012455405526336637, 0.8104621018454564,
                                    0.8106466742638295, 0.8117059897043423, 0.8130241517996566, 0.8103247417582999,
                                    0.8108805484202509, 0.8119282023080766, 0.8106547081621459, 2],
                        'saved': None,
                        'test_losses': [1.1322881805261105, 1.1321972609723867],
                        'warnings': ['dropout2d: Received a 2-D input to dropout2d, which is depre']},
            'main': {'fc2': [-0.29999706196521103, 0.2620281717043691, -0.12867353746543778, -0.014860692263510226,
                             0.16629549941307875, -0.27167350860198713, 0.292354946656049, -0.24979010915931885],
                     'lrs': [0.35, 0.24499999999999997, 0.17149999999999996],
                     'printed': ['Train Epoch: 1 [0/16 (0%)]\tLoss: 1.182113',
                                 'Train Epoch: 1 [8/16 (50%)]\tLoss: 1.075976', '',
                                 'Test set: Average loss: 1.1310, Accuracy: 5/16 (31%)', '',
                                 'Train Epoch: 2 [0/16 (0%)]\tLoss: 1.178553',
                                 'Train Epoch: 2 [8/16 (50%)]\tLoss: 1.075105', '',
                                 'Test set: Average loss: 1.1300, Accuracy: 5/16 (31%)', '',
                                 'Train Epoch: 3 [0/16 (0%)]\tLoss: 1.176001',
                                 'Train Epoch: 3 [8/16 (50%)]\tLoss: 1.074529', '',
                                 'Test set: Average loss: 1.1292, Accuracy: 5/16 (31%)', ''],
                     'repr': 'Net(\n'
                             '  (rnn): LSTM(6, 8, batch_first=True)\n'
                             '  (batchnorm): BatchNorm1d(8, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                             'track_running_stats=True)\n'
                             '  (dropout1): Dropout2d(p=0.0, inplace=False)\n'
                             '  (dropout2): Dropout2d(p=0.0, inplace=False)\n'
                             '  (fc1): Linear(in_features=8, out_features=5, bias=True)\n'
                             '  (fc2): Linear(in_features=5, out_features=3, bias=True)\n'
                             ')',
                     'running': [-0.13414052531868745, -0.10563945533350726, 0.10147935331875674,
                                 0.11996049431457806, -0.15362988184165027, -0.1379388384152194, 0.03126413574658049,
                                 0.038095547979314276, 0.2853861391984287, 0.2844018183818625, 0.2865996859055447,
                                 0.29045613092311157, 0.28404846346817425, 0.28474097713560065, 0.2870853156840937,
                                 0.28465123008397364, 12],
                     'saved': ['batchnorm.bias', 'batchnorm.num_batches_tracked', 'batchnorm.running_mean',
                               'batchnorm.running_var', 'batchnorm.weight', 'fc1.bias', 'fc1.weight', 'fc2.bias',
                               'fc2.weight', 'rnn.bias_hh_l0', 'rnn.bias_ih_l0', 'rnn.weight_hh_l0',
                               'rnn.weight_ih_l0'],
                     'test_losses': [1.1310348823838177, 1.130006135096007, 1.1292282940936054],
                     'warnings': ['dropout2d: Received a 2-D input to dropout2d, which is depre']}}


def test_mnist_rnn_trains_like_pytorch(tmp_path):
    for key, value in main(["--batch-size", "4", "--test-batch-size", "6", "--epochs", "3", "--lr", "0.5",
                            "--log-interval", "2", "--save-model"], tmp_path).items():
        same(value, EXPECTED["main"][key], f"main.{key}")
    for key, value in main(["--batch-size", "4", "--epochs", "2", "--dry-run"], tmp_path).items():
        same(value, EXPECTED["dry_run"][key], f"dry_run.{key}")


def test_dropout2d_drops_channels_as_pytorch_does():
    for key, value in dropout2d_masks().items():
        same(value, EXPECTED["dropout2d"][key], f"dropout2d.{key}")
