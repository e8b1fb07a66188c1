"""hungthanhpham94/GRU4REC-pytorch (Hidasi et al.'s session-based recommender GRU4Rec), run on the dialect, gives
PyTorch's numbers to 1e-10 in float64.

Source: https://github.com/hungthanhpham94/GRU4REC-pytorch (lib/model.py, lib/lossfunction.py, lib/metric.py,
lib/trainer.py, lib/evaluation.py and lib/dataset.py; kept as a test fixture; the index used here holds the repository
only through copies that credit it, e.g. the model class verbatim with "code from
https://github.com/hungthanhpham94/GRU4REC-pytorch/blob/master/lib/model.py"). What runs, as the repository wrote it:
`GRU4REC` (a one-hot input made in a `torch.FloatTensor(batch_size, output_size)` buffer with `zero_()` and
`scatter_(1, index, 1)`, a 2-layer `nn.GRU` stepped once per event, `nn.Linear`, the final activations `nn.Tanh`,
`nn.ELU(alpha=...)`, `nn.LogSoftmax()` with its implicit dimension (and PyTorch's deprecation warning) and
`nn.LeakyReLU(negative_slope=...)`, `self = self.to(self.device)`), the losses TOP1, TOP1-max, BPR-max and the sampled
cross-entropy (`logit.diag().view(-1, 1).expand_as(logit)`, `torch.sigmoid`, `F.softmax(logit, dim=1)`,
`Variable(torch.arange(batch_size).long())`), the session-parallel mini-batch iterator (sessions that end are replaced
in place; `torch.LongTensor(numpy_array)`), `train_epoch` (`hidden[:, mask, :] = 0` on the GRU's last state for the
sessions that ended, then `.detach()`; `logit[:, target.view(-1)]` as the sampled output), the evaluation under
`torch.no_grad()`, and `get_recall`/`get_mrr` (`torch.topk(indices, k, -1)`, `(targets == indices).nonzero()`,
`ranks.float()` (float32 here too), `torch.reciprocal`, `torch.sum(rranks).data / targets.size(0)`).

Edits, for the comparison: six made-up training sessions and four validation sessions over 7 items replace RecSys
Challenge 2015 (the pandas frame of lib/dataset.py is two numpy arrays, its iterator otherwise as written), sizes are
small (hidden 5, batches of 2, 2 epochs), the dropouts are 0, the weights are loaded from `fill`, the one-hot buffer is
made float64 (`.double()`), recall and MRR are taken at k=3, and the sampled cross-entropy runs with SGD instead of
Adagrad (Adagrad's `g / (sqrt(sum g^2) + 1e-10)` turns gradients of round-off size, which differ between any two
libraries, into steps of 1e-9 in the first update). The BPR loss is left out: it calls `F.logsigmoid`, which the dialect
does not have (AttributeError).
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch` standing for
PyTorch), printed as literals.
"""
import io, contextlib
import numpy as np
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from tinygrad_rnn.torch.autograd import Variable
from more_programs_compare import close
from torch_expect import fill, float64  # noqa: F401 (float64 is an autouse fixture)

# lib/model.py
class GRU4REC(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, num_layers=1, final_act='tanh',
                 dropout_hidden=.5, dropout_input=0, batch_size=50, embedding_dim=-1, use_cuda=False):
        super(GRU4REC, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.output_size = output_size
        self.num_layers = num_layers
        self.dropout_hidden = dropout_hidden
        self.dropout_input = dropout_input
        self.embedding_dim = embedding_dim
        self.batch_size = batch_size
        self.use_cuda = use_cuda
        self.device = torch.device('cuda' if use_cuda else 'cpu')
        self.onehot_buffer = self.init_emb()
        self.h2o = nn.Linear(hidden_size, output_size)
        self.create_final_activation(final_act)
        if self.embedding_dim != -1:
            self.look_up = nn.Embedding(input_size, self.embedding_dim)
            self.gru = nn.GRU(self.embedding_dim, self.hidden_size, self.num_layers, dropout=self.dropout_hidden)
        else:
            self.gru = nn.GRU(self.input_size, self.hidden_size, self.num_layers, dropout=self.dropout_hidden)
        self = self.to(self.device)

    def create_final_activation(self, final_act):
        if final_act == 'tanh':
            self.final_activation = nn.Tanh()
        elif final_act == 'relu':
            self.final_activation = nn.ReLU()
        elif final_act == 'softmax':
            self.final_activation = nn.Softmax()
        elif final_act == 'softmax_logit':
            self.final_activation = nn.LogSoftmax()
        elif final_act.startswith('elu-'):
            self.final_activation = nn.ELU(alpha=float(final_act.split('-')[1]))
        elif final_act.startswith('leaky-'):
            self.final_activation = nn.LeakyReLU(negative_slope=float(final_act.split('-')[1]))

    def forward(self, input, hidden):
        if self.embedding_dim == -1:
            embedded = self.onehot_encode(input)
            if self.training and self.dropout_input > 0: embedded = self.embedding_dropout(embedded)
            embedded = embedded.unsqueeze(0)
        else:
            embedded = input.unsqueeze(0)
            embedded = self.look_up(embedded)

        output, hidden = self.gru(embedded, hidden) #(num_layer, B, H)
        output = output.view(-1, output.size(-1))  #(B,H)
        logit = self.final_activation(self.h2o(output))

        return logit, hidden

    def init_emb(self):
        onehot_buffer = torch.FloatTensor(self.batch_size, self.output_size)
        onehot_buffer = onehot_buffer.to(self.device)
        return onehot_buffer

    def onehot_encode(self, input):
        self.onehot_buffer.zero_()
        index = input.view(-1, 1)
        one_hot = self.onehot_buffer.scatter_(1, index, 1)
        return one_hot

    def embedding_dropout(self, input):
        p_drop = torch.Tensor(input.size(0), 1).fill_(1 - self.dropout_input)
        mask = torch.bernoulli(p_drop).expand_as(input) / (1 - self.dropout_input)
        mask = mask.to(self.device)
        input = input * mask
        return input

    def init_hidden(self):
        try:
            h0 = torch.zeros(self.num_layers, self.batch_size, self.hidden_size).to(self.device)
        except:
            self.device = 'cpu'
            h0 = torch.zeros(self.num_layers, self.batch_size, self.hidden_size).to(self.device)
        return h0

# lib/lossfunction.py
class LossFunction(nn.Module):
    def __init__(self, loss_type='TOP1', use_cuda=False):
        super(LossFunction, self).__init__()
        self.loss_type = loss_type
        self.use_cuda = use_cuda
        if loss_type == 'CrossEntropy':
            self._loss_fn = SampledCrossEntropyLoss(use_cuda)
        elif loss_type == 'TOP1':
            self._loss_fn = TOP1Loss()
        elif loss_type == 'BPR':
            self._loss_fn = BPRLoss()
        elif loss_type == 'TOP1-max':
            self._loss_fn = TOP1_max()
        elif loss_type == 'BPR-max':
            self._loss_fn = BPR_max()
        else:
            raise NotImplementedError

    def forward(self, logit):
        return self._loss_fn(logit)


class SampledCrossEntropyLoss(nn.Module):
    def __init__(self, use_cuda):
        super(SampledCrossEntropyLoss, self).__init__()
        self.xe_loss = nn.CrossEntropyLoss()
        self.use_cuda = use_cuda

    def forward(self, logit):
        batch_size = logit.size(1)
        target = Variable(torch.arange(batch_size).long())
        if self.use_cuda: target = target.cuda()

        return self.xe_loss(logit, target)


class BPRLoss(nn.Module):
    def __init__(self):
        super(BPRLoss, self).__init__()

    def forward(self, logit):
        diff = logit.diag().view(-1, 1).expand_as(logit) - logit
        loss = -torch.mean(F.logsigmoid(diff))
        return loss


class BPR_max(nn.Module):
    def __init__(self):
        super(BPR_max, self).__init__()
    def forward(self, logit):
        logit_softmax = F.softmax(logit, dim=1)
        diff = logit.diag().view(-1, 1).expand_as(logit) - logit
        loss = -torch.log(torch.mean(logit_softmax * torch.sigmoid(diff)))
        return loss


class TOP1Loss(nn.Module):
    def __init__(self):
        super(TOP1Loss, self).__init__()
    def forward(self, logit):
        diff = -(logit.diag().view(-1, 1).expand_as(logit) - logit)
        loss = torch.sigmoid(diff).mean() + torch.sigmoid(logit ** 2).mean()
        return loss


class TOP1_max(nn.Module):
    def __init__(self):
        super(TOP1_max, self).__init__()

    def forward(self, logit):
        logit_softmax = F.softmax(logit, dim=1)
        diff = -(logit.diag().view(-1, 1).expand_as(logit) - logit)
        loss = torch.mean(logit_softmax * (torch.sigmoid(diff) + torch.sigmoid(logit ** 2)))
        return loss

# lib/metric.py
def get_recall(indices, targets):
    targets = targets.view(-1, 1).expand_as(indices)
    hits = (targets == indices).nonzero()
    if len(hits) == 0:
        return 0
    n_hits = (targets == indices).nonzero()[:, :-1].size(0)
    recall = float(n_hits) / targets.size(0)
    return recall


def get_mrr(indices, targets):
    tmp = targets.view(-1, 1)
    targets = tmp.expand_as(indices)
    hits = (targets == indices).nonzero()
    ranks = hits[:, -1] + 1
    ranks = ranks.float()
    rranks = torch.reciprocal(ranks)
    mrr = torch.sum(rranks).data / targets.size(0)
    return mrr


def evaluate(indices, targets, k=20):
    _, indices = torch.topk(indices, k, -1)
    recall = get_recall(indices, targets)
    mrr = get_mrr(indices, targets)
    return recall, mrr

# lib/dataset.py's session-parallel DataLoader (the pandas frame as numpy arrays)
class Dataset:
    def __init__(self, sessions):
        self.item_idx = np.concatenate(sessions)
        self.click_offsets = np.concatenate([[0], np.cumsum([len(s) for s in sessions])])
        self.session_idx_arr = np.arange(len(sessions))

class DataLoader():
    def __init__(self, dataset, batch_size=50):
        self.dataset = dataset
        self.batch_size = batch_size

    def __iter__(self):
        click_offsets = self.dataset.click_offsets
        session_idx_arr = self.dataset.session_idx_arr

        iters = np.arange(self.batch_size)
        maxiter = iters.max()
        start = click_offsets[session_idx_arr[iters]]
        end = click_offsets[session_idx_arr[iters] + 1]
        mask = []
        finished = False

        while not finished:
            minlen = (end - start).min()
            idx_target = self.dataset.item_idx[start]
            for i in range(minlen - 1):
                idx_input = idx_target
                idx_target = self.dataset.item_idx[start + i + 1]
                input = torch.LongTensor(idx_input)
                target = torch.LongTensor(idx_target)
                yield input, target, mask

            start = start + (minlen - 1)
            mask = np.arange(len(iters))[(end - start) <= 1]
            for idx in mask:
                maxiter += 1
                if maxiter >= len(click_offsets) - 1:
                    finished = True
                    break
                iters[idx] = maxiter
                start[idx] = click_offsets[session_idx_arr[maxiter]]
                end[idx] = click_offsets[session_idx_arr[maxiter] + 1]

# lib/trainer.py and lib/evaluation.py
class Trainer(object):
    def __init__(self, model, train_data, eval_data, optim, use_cuda, loss_func, batch_size):
        self.model = model
        self.train_data = train_data
        self.eval_data = eval_data
        self.optim = optim
        self.loss_func = loss_func
        self.device = torch.device('cuda' if use_cuda else 'cpu')
        self.batch_size = batch_size

    def train_epoch(self, epoch):
        self.model.train()
        losses = []

        def reset_hidden(hidden, mask):
            """Helper function that resets hidden state when some sessions terminate"""
            if len(mask) != 0:
                hidden[:, mask, :] = 0
            return hidden

        hidden = self.model.init_hidden()
        dataloader = DataLoader(self.train_data, self.batch_size)
        for ii, (input, target, mask) in enumerate(dataloader):
            input = input.to(self.device)
            target = target.to(self.device)
            self.optim.zero_grad()
            hidden = reset_hidden(hidden, mask).detach()
            logit, hidden = self.model(input, hidden)
            # output sampling
            logit_sampled = logit[:, target.view(-1)]
            loss = self.loss_func(logit_sampled)
            losses.append(loss.item())
            loss.backward()
            self.optim.step()

        mean_losses = np.mean(losses)
        return mean_losses, losses

    def eval(self, eval_data, batch_size, k=3):
        self.model.eval()
        losses = []
        recalls = []
        mrrs = []
        dataloader = DataLoader(eval_data, batch_size)
        with torch.no_grad():
            hidden = self.model.init_hidden()
            for ii, (input, target, mask) in enumerate(dataloader):
                input = input.to(self.device)
                target = target.to(self.device)
                logit, hidden = self.model(input, hidden)
                logit_sampled = logit[:, target.view(-1)]
                loss = self.loss_func(logit_sampled)
                recall, mrr = evaluate(logit, target, k=k)
                losses.append(loss.item())
                recalls.append(recall)
                mrrs.append(mrr.item())
        mean_losses = np.mean(losses)
        mean_recall = np.mean(recalls)
        mean_mrr = np.mean(mrrs)
        return mean_losses, mean_recall, mean_mrr


def run():
    n_items = 7
    train = Dataset([np.array(s) for s in [[0, 1, 2, 3], [4, 5], [1, 3, 5, 6, 2], [6, 0, 2], [3, 4, 1], [5, 6]]])
    valid = Dataset([np.array(s) for s in [[2, 3, 4], [0, 6, 5, 1], [4, 2], [1, 0]]])
    res = {}
    import warnings
    caught = warnings.catch_warnings(record=True)
    w = caught.__enter__()
    warnings.simplefilter('always')
    for loss_type, final_act in [('TOP1-max', 'tanh'), ('BPR-max', 'elu-0.5'), ('CrossEntropy', 'softmax_logit'),
                                 ('TOP1', 'leaky-0.1')]:   # ('BPR', 'relu') needs F.logsigmoid
        model = GRU4REC(n_items, 5, n_items, num_layers=2, final_act=final_act, dropout_hidden=0, dropout_input=0,
                        batch_size=2, use_cuda=False)
        with torch.no_grad():
            for i, p in enumerate(model.parameters()):
                p.copy_(torch.tensor(fill(tuple(p.shape), i)))
        model.onehot_buffer = model.onehot_buffer.double()   # the buffer is torch.FloatTensor
        if loss_type == 'CrossEntropy':   # Adagrad's eps turns round-off-sized gradients into 1e-9 steps
            optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.1)
        else:
            optimizer = torch.optim.Adagrad(model.parameters(), lr=0.1, weight_decay=0.0)
        loss_function = LossFunction(loss_type=loss_type, use_cuda=False)
        trainer = Trainer(model, train, valid, optimizer, False, loss_function, 2)
        out = []
        for epoch in range(2):
            train_loss, losses = trainer.train_epoch(epoch)
            loss, recall, mrr = trainer.eval(valid, 2)
            out.append([float(train_loss), losses, float(loss), float(recall), float(mrr)])
        res[loss_type] = out
    caught.__exit__(None, None, None)
    res['warnings'] = sorted(set(str(x.message) for x in w))
    return res


def pytorch_values() -> dict:
    return run()


EXPECTED = {'TOP1-max': [[0.5206225500922229,
                          [0.5240256982702294,
                           0.5474300352691783,
                           0.5288457289158082,
                           0.5061856457047498,
                           0.5121426170950524,
                           0.5051055752983191],
                          0.5086106963437836,
                          0.3333333333333333,
                          0.13888889054457346],
                         [0.5052682373531897,
                          [0.5104817334709789,
                           0.5075192970203517,
                           0.5022217788578189,
                           0.5095238859225858,
                           0.5005202384222944,
                           0.5013424904251085],
                          0.501249702679591,
                          0.5,
                          0.1944444477558136]],
            'BPR-max': [[1.3975194379655458,
                         [1.4159720034563692,
                          1.3886864418548008,
                          1.4129980193255098,
                          1.377787674240237,
                          1.3862943611198906,
                          1.4033781277964674],
                         1.3914359011315127,
                         0.3333333333333333,
                         0.13888889054457346],
                        [1.3885612434155838,
                         [1.3992015318546798,
                          1.3872325106384,
                          1.3762600356356742,
                          1.395585976348594,
                          1.3862943611198906,
                          1.3867930448962626],
                         1.3880700677999493,
                         0.16666666666666666,
                         0.08333333333333333]],
            'CrossEntropy': [[0.7279793311738486,
                              [0.7252419275785154,
                               0.7043924012829674,
                               0.8521520438017474,
                               0.67901664940272,
                               0.6931471805599453,
                               0.7139257844171958],
                              0.7299353925010842,
                              0.5,
                              0.3055555572112401],
                             [0.6947055272501022,
                              [0.6879630116462034,
                               0.7099070423396308,
                               0.7239399429732658,
                               0.6560998578291055,
                               0.6931471805599453,
                               0.6971761281524613],
                              0.7206438760158408,
                              0.3333333333333333,
                              0.25]],
            'TOP1': [[1.0077080800136615,
                      [1.036296337881034,
                       1.0016411902465254,
                       0.998046353803131,
                       1.0050758142413387,
                       1.0010331994763857,
                       1.0041555844335552],
                      1.0007294567517426,
                      0.3333333333333333,
                      0.16666666666666666],
                     [0.9985156589605128,
                      [1.0002131113387287,
                       1.0009415320529842,
                       0.9991396182833026,
                       0.9903662697948544,
                       1.0002113532939942,
                       1.0002220689992127],
                      1.0001386905858627,
                      0.3333333333333333,
                      0.1388888955116272]],
            'warnings': ['Implicit dimension choice for log_softmax has been deprecated. Change the call to include dim=X as '
                         'an argument.']}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
