"""laiguokun/LSTNet (Lai et al.'s Long- and Short-term Time-series Network: a Conv2d over the window, a GRU, a skip-GRU
over every `skip`-th step and a linear highway), run on the dialect, gives PyTorch's numbers to 1e-10 in float64 and
prints what it prints.

Source: https://github.com/laiguokun/LSTNet (models/LSTNet.py, utils.py's Data_utility, Optim.py and main.py's
train / evaluate @ 001bec39; MIT license, copyright Guokun Lai; kept as a test fixture). What runs, as the repository
wrote it: `Model` (`x.view(-1, 1, P, m)` into `nn.Conv2d(1, hidC, kernel_size=(Ck, m))`, `torch.squeeze(c, 3)`,
`c.permute(2, 0, 1).contiguous()` into `nn.GRU`, the skip-RNN's `c[:, :, int(-pt * skip):].contiguous().view(...)
.permute(2, 0, 3, 1)` into a second GRU, `torch.cat`, the highway `x[:, -hw:, :].permute(0, 2, 1).contiguous()
.view(-1, hw)`, `F.sigmoid` output), `Data_utility` (per-column scaling, `_batchify` writing
`X[i, :, :] = torch.from_numpy(...)`, `self.scale = torch.from_numpy(self.scale).float()` so a float32 scale
multiplies float64 outputs, `normal_std` of a tensor times a numpy float, `get_batches` with
`torch.LongTensor(range(length))` and `Variable`), `Optim` (the gradient norm by `math.pow(param.grad.data.norm(), 2)`,
`param.grad.data.mul_(shrinkage)`), main.py's `train` and `evaluate` (MSE / L1 sums, `math.sqrt(...) / data.rse` of a
0-dim tensor, numpy correlation of `predict.data.cpu().numpy()`) and its epoch line, formatting 0-dim tensors with
`{:5.4f}`; the losses are `nn.MSELoss(size_average=False)` and `nn.L1Loss(size_average=False)`, with PyTorch's deprecation warning.

Edits, for the comparison: made-up series replace the data file (`rawdat` passed in instead of `file_name`), sizes
are small, dropout is 0, the batches are not shuffled (`torch.randperm` is each library's own), the weights are set by
`set_params`, the timing is left out of the printed line, and the log is returned rather than printed. Edits for
today's Python and PyTorch, needed by both: `self.pt = (P - Ck) // skip` (was `/`, a float in Python 3 that `view`
refuses), and `loss.item()` for `loss.data[0]`.
How the expected values were made: this module run by PyTorch 2.14 in float64 (with `torch` standing for PyTorch),
printed as literals.
"""
import math
import pytest
import numpy as np
from more_programs_compare import close
from torch_expect import float64, set_parameters as set_params  # noqa: F401 (float64: an autouse fixture)
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from tinygrad_rnn.torch.autograd import Variable
import tinygrad_rnn.torch.optim as optim



# ---- models/LSTNet.py
class Model(nn.Module):
    def __init__(self, args, data):
        super(Model, self).__init__()
        self.use_cuda = args.cuda
        self.P = args.window;
        self.m = data.m
        self.hidR = args.hidRNN;
        self.hidC = args.hidCNN;
        self.hidS = args.hidSkip;
        self.Ck = args.CNN_kernel;
        self.skip = args.skip;
        self.pt = (self.P - self.Ck)//self.skip   # was /, a float in Python 3
        self.hw = args.highway_window
        self.conv1 = nn.Conv2d(1, self.hidC, kernel_size = (self.Ck, self.m));
        self.GRU1 = nn.GRU(self.hidC, self.hidR);
        self.dropout = nn.Dropout(p = args.dropout);
        if (self.skip > 0):
            self.GRUskip = nn.GRU(self.hidC, self.hidS);
            self.linear1 = nn.Linear(self.hidR + self.skip * self.hidS, self.m);
        else:
            self.linear1 = nn.Linear(self.hidR, self.m);
        if (self.hw > 0):
            self.highway = nn.Linear(self.hw, 1);
        self.output = None;
        if (args.output_fun == 'sigmoid'):
            self.output = F.sigmoid;
        if (args.output_fun == 'tanh'):
            self.output = F.tanh;

    def forward(self, x):
        batch_size = x.size(0);

        #CNN
        c = x.view(-1, 1, self.P, self.m);
        c = F.relu(self.conv1(c));
        c = self.dropout(c);
        c = torch.squeeze(c, 3);

        # RNN
        r = c.permute(2, 0, 1).contiguous();
        _, r = self.GRU1(r);
        r = self.dropout(torch.squeeze(r,0));

        #skip-rnn

        if (self.skip > 0):
            s = c[:,:, int(-self.pt * self.skip):].contiguous();
            s = s.view(batch_size, self.hidC, self.pt, self.skip);
            s = s.permute(2,0,3,1).contiguous();
            s = s.view(self.pt, batch_size * self.skip, self.hidC);
            _, s = self.GRUskip(s);
            s = s.view(batch_size, self.skip * self.hidS);
            s = self.dropout(s);
            r = torch.cat((r,s),1);

        res = self.linear1(r);

        #highway
        if (self.hw > 0):
            z = x[:, -self.hw:, :];
            z = z.permute(0,2,1).contiguous().view(-1, self.hw);
            z = self.highway(z);
            z = z.view(-1,self.m);
            res = res + z;

        if (self.output):
            res = self.output(res);
        return res;

# ---- utils.py
def normal_std(x):
    return x.std() * np.sqrt((len(x) - 1.)/(len(x)))

class Data_utility(object):
    # train and valid is the ratio of training set and validation set. test = 1 - train - valid
    def __init__(self, rawdat, train, valid, cuda, horizon, window, normalize = 2):   # was file_name
        self.cuda = cuda;
        self.P = window;
        self.h = horizon
        self.rawdat = rawdat   # was np.loadtxt(fin,delimiter=',')
        self.dat = np.zeros(self.rawdat.shape);
        self.n, self.m = self.dat.shape;
        self.normalize = 2
        self.scale = np.ones(self.m);
        self._normalized(normalize);
        self._split(int(train * self.n), int((train+valid) * self.n), self.n);

        self.scale = torch.from_numpy(self.scale).float();
        tmp = self.test[1] * self.scale.expand(self.test[1].size(0), self.m);

        self.rse = normal_std(tmp);
        self.rae = torch.mean(torch.abs(tmp - torch.mean(tmp)));

    def _normalized(self, normalize):
        #normalized by the maximum value of entire matrix.
        if (normalize == 0):
            self.dat = self.rawdat
        if (normalize == 1):
            self.dat = self.rawdat / np.max(self.rawdat);
        #normlized by the maximum value of each row(sensor).
        if (normalize == 2):
            for i in range(self.m):
                self.scale[i] = np.max(np.abs(self.rawdat[:,i]));
                self.dat[:,i] = self.rawdat[:,i] / np.max(np.abs(self.rawdat[:,i]));

    def _split(self, train, valid, test):
        train_set = range(self.P+self.h-1, train);
        valid_set = range(train, valid);
        test_set = range(valid, self.n);
        self.train = self._batchify(train_set, self.h);
        self.valid = self._batchify(valid_set, self.h);
        self.test = self._batchify(test_set, self.h);

    def _batchify(self, idx_set, horizon):
        n = len(idx_set);
        X = torch.zeros((n,self.P,self.m));
        Y = torch.zeros((n,self.m));

        for i in range(n):
            end = idx_set[i] - self.h + 1;
            start = end - self.P;
            X[i,:,:] = torch.from_numpy(self.dat[start:end, :]);
            Y[i,:] = torch.from_numpy(self.dat[idx_set[i], :]);

        return [X, Y];

    def get_batches(self, inputs, targets, batch_size, shuffle=True):
        length = len(inputs)
        if shuffle:
            index = torch.randperm(length)
        else:
            index = torch.LongTensor(range(length))
        start_idx = 0
        while (start_idx < length):
            end_idx = min(length, start_idx + batch_size)
            excerpt = index[start_idx:end_idx]
            X = inputs[excerpt]; Y = targets[excerpt];
            if (self.cuda):
                X = X.cuda();
                Y = Y.cuda();
            yield Variable(X), Variable(Y);
            start_idx += batch_size

# ---- Optim.py
class Optim(object):

    def _makeOptimizer(self):
        if self.method == 'sgd':
            self.optimizer = optim.SGD(self.params, lr=self.lr)
        elif self.method == 'adagrad':
            self.optimizer = optim.Adagrad(self.params, lr=self.lr)
        elif self.method == 'adadelta':
            self.optimizer = optim.Adadelta(self.params, lr=self.lr)
        elif self.method == 'adam':
            self.optimizer = optim.Adam(self.params, lr=self.lr)
        else:
            raise RuntimeError("Invalid optim method: " + self.method)

    def __init__(self, params, method, lr, max_grad_norm, lr_decay=1, start_decay_at=None):
        self.params = list(params)  # careful: params may be a generator
        self.last_ppl = None
        self.lr = lr
        self.max_grad_norm = max_grad_norm
        self.method = method
        self.lr_decay = lr_decay
        self.start_decay_at = start_decay_at
        self.start_decay = False

        self._makeOptimizer()

    def step(self):
        # Compute gradients norm.
        grad_norm = 0
        for param in self.params:
            grad_norm += math.pow(param.grad.data.norm(), 2)

        grad_norm = math.sqrt(grad_norm)
        if grad_norm > 0:
            shrinkage = self.max_grad_norm / grad_norm
        else:
            shrinkage = 1.

        for param in self.params:
            if shrinkage < 1:
                param.grad.data.mul_(shrinkage)

        self.optimizer.step()
        return grad_norm

# ---- main.py
def evaluate(data, X, Y, model, evaluateL2, evaluateL1, batch_size):
    model.eval();
    total_loss = 0;
    total_loss_l1 = 0;
    n_samples = 0;
    predict = None;
    test = None;

    for X, Y in data.get_batches(X, Y, batch_size, False):
        output = model(X);
        if predict is None:
            predict = output;
            test = Y;
        else:
            predict = torch.cat((predict,output));
            test = torch.cat((test, Y));

        scale = data.scale.expand(output.size(0), data.m)
        total_loss += evaluateL2(output * scale, Y * scale).item()   # was .data[0]
        total_loss_l1 += evaluateL1(output * scale, Y * scale).item()   # was .data[0]
        n_samples += (output.size(0) * data.m);
    rse = math.sqrt(total_loss / n_samples)/data.rse
    rae = (total_loss_l1/n_samples)/data.rae

    predict = predict.data.cpu().numpy();
    Ytest = test.data.cpu().numpy();
    sigma_p = (predict).std(axis = 0);
    sigma_g = (Ytest).std(axis = 0);
    mean_p = predict.mean(axis = 0)
    mean_g = Ytest.mean(axis = 0)
    index = (sigma_g!=0);
    correlation = ((predict - mean_p) * (Ytest - mean_g)).mean(axis = 0)/(sigma_p * sigma_g);
    correlation = (correlation[index]).mean();
    return rse, rae, correlation;

def train(data, X, Y, model, criterion, optim, batch_size):
    model.train();
    total_loss = 0;
    n_samples = 0;
    for X, Y in data.get_batches(X, Y, batch_size, False):   # was shuffle=True
        model.zero_grad();
        output = model(X);
        scale = data.scale.expand(output.size(0), data.m)
        loss = criterion(output * scale, Y * scale);
        loss.backward();
        grad_norm = optim.step();
        total_loss += loss.item();   # was loss.data[0]
        n_samples += (output.size(0) * data.m);
    return total_loss / n_samples

class Args:
    cuda = False; window = 8; hidRNN = 4; hidCNN = 3; hidSkip = 2; CNN_kernel = 3; skip = 2
    highway_window = 3; dropout = 0.0; output_fun = 'sigmoid'; horizon = 2; optim = 'adam'; lr = 0.01
    clip = 0.5; batch_size = 4; epochs = 2; L1Loss = False

def run():
    args = Args()
    t = np.arange(40.0)
    rawdat = np.stack([2 + np.sin(0.7 * t), 3 + np.cos(0.45 * t) * 2, 1.5 + np.sin(0.3 * t + 1)], axis=1)
    Data = Data_utility(rawdat, 0.6, 0.2, args.cuda, args.horizon, args.window, 2);
    model = Model(args, Data);
    set_params(model)
    nParams = sum([p.nelement() for p in model.parameters()])
    out = ['* number of parameters: %d' % nParams]
    if args.L1Loss:
        criterion = nn.L1Loss(size_average=False);
    else:
        criterion = nn.MSELoss(size_average=False);
    evaluateL2 = nn.MSELoss(size_average=False);
    evaluateL1 = nn.L1Loss(size_average=False);
    optim_ = Optim(model.parameters(), args.optim, args.lr, args.clip)
    best_val = 10000000;
    for epoch in range(1, args.epochs+1):
        train_loss = train(Data, Data.train[0], Data.train[1], model, criterion, optim_, args.batch_size)
        val_loss, val_rae, val_corr = evaluate(Data, Data.valid[0], Data.valid[1], model, evaluateL2, evaluateL1, args.batch_size);
        out.append('| end of epoch {:3d} | train_loss {:5.4f} | valid rse {:5.4f} | valid rae {:5.4f} | valid corr  {:5.4f}'.format(epoch, train_loss, val_loss, val_rae, val_corr))
        out.append(repr([type(train_loss).__name__, float(val_loss), float(val_rae), float(val_corr), float(train_loss)]))
    test_acc, test_rae, test_corr  = evaluate(Data, Data.test[0], Data.test[1], model, evaluateL2, evaluateL1, args.batch_size);
    out.append("test rse {:5.4f} | test rae {:5.4f} | test corr {:5.4f}".format(test_acc, test_rae, test_corr))
    return {'log': out, 'vals': [float(test_acc), float(test_rae), float(test_corr)],
            'scale_dtype': str(Data.scale.dtype), 'rse': float(Data.rse),
            'grads': [p.grad.sum().item() for p in model.parameters()],
            'params': [p.sum().item() for p in model.parameters()]}



EXPECTED = {'log': ['* number of parameters: 211',
         '| end of epoch   1 | train_loss 1.0358 | valid rse 0.9308 | valid rae 0.9308 | valid corr  0.6872',
         "['float', 0.9307799733470515, 0.9307800102755059, 0.6872054181445252, 1.0357603213855378]",
         '| end of epoch   2 | train_loss 0.8722 | valid rse 1.0093 | valid rae 0.9687 | valid corr  0.6957',
         "['float', 1.0093081196947526, 0.9686778805017335, 0.6956866556708473, 0.8722382849473995]",
         'test rse 1.1227 | test rae 1.0872 | test corr 0.4446'],
 'vals': [1.1226769065954882, 1.0872405152602893, 0.4445995779107643],
 'scale_dtype': 'torch.float32',
 'rse': 0.8087403054654281,
 'grads': [-0.19502233487440043,
           -0.03771692870344308,
           0.061671978995222726,
           -0.0039996845549852954,
           0.03500062160462587,
           0.009478809882907144,
           0.04875288122403419,
           0.011158948105727989,
           0.028046007180066453,
           0.023129463414528414,
           0.18895838404251658,
           0.12204050032574762,
           0.07231392017110701,
           0.12204050032574763],
 'params': [1.5150213324046087,
            0.6522455705585009,
            0.3414927387576987,
            -0.14627675589905545,
            -0.800179817917094,
            -0.3178042997915993,
            0.44991190059501884,
            0.6309040054403964,
            0.4609945634789732,
            0.08702745097791201,
            -0.07760703054744106,
            -0.21683166217747785,
            0.5429586886163222,
            0.19284455517501972]}


def test_program_gives_pytorchs_numbers():
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        result = run()
    close(result, EXPECTED)
