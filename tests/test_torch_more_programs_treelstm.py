"""dasguptar/treelstm.pytorch (Tai et al.'s Child-Sum Tree-LSTM for sentence relatedness on SICK), run on the dialect,
gives PyTorch's numbers to 1e-10 in float64 and prints what it prints.

Source: https://github.com/dasguptar/treelstm.pytorch (treelstm/model.py, treelstm/trainer.py, treelstm/utils.py,
treelstm/metrics.py and the training loop of main.py, at commits 08a8e112 and de9605c0; tree.py from stanfordnlp/treelstm
via the same repository; MIT license, copyright Riddhiman Dasgupta; kept as a test fixture). What runs, as the repository
wrote it: `ChildSumTreeLSTM.node_forward` (`torch.sum(child_h, dim=0, keepdim=True)`, `torch.split(iou, iou.size(1) // 3,
dim=1)`, `F.sigmoid`/`F.tanh`, `self.fx(inputs).repeat(len(child_h), 1)`, `torch.mul`), the recursive `forward` over a
`Tree` (leaves' zero states from `inputs[0].detach().new(1, self.mem_dim).fill_(0.)`, children's states gathered with
`zip(*map(lambda x: x.state, tree.children))` and `torch.cat`), `Similarity` (`torch.abs(torch.add(lvec, -rvec))`,
`F.log_softmax(..., dim=1)`), `SimilarityTreeLSTM` (an `nn.Embedding` with `padding_idx`, `sparse=False`), `nn.KLDivLoss()`
with its default `reduction='mean'` (and PyTorch's warning about it, each call), `optim.Adagrad(filter(lambda p:
p.requires_grad, ...), weight_decay=...)`, the GloVe rows copied with `model.emb.weight.data.copy_(emb)` after
`emb[idx].zero_()`, `Trainer.train` (a gradient step every `batchsize` trees, `loss.item()`), `Trainer.test` under
`torch.no_grad()` (`output.squeeze().to('cpu')`, `predictions[idx] = torch.dot(indices, torch.exp(output))`),
`map_label_to_target` (`target[0, floor-1] = ceil - label`), `Metrics.pearson`/`mse` on `deepcopy`s, the printed epoch
lines (`'{}'.format` of 0-d tensors) and the best checkpoint dictionary.

Edits, all for the comparison: four made-up sentence pairs with made-up parse trees (a parents list read as SICK's
`read_tree` reads it) replace SICK and its Stanford parses, sizes are small, the weights are loaded from `fill` and the
"GloVe" rows are `fill` too, the `torch.randperm` order of `Trainer.train` is a fixed permutation, tqdm is left out, the
epoch loop evaluates on the training set only, the checkpoint is kept in memory, and `dtype=torch.float` (float32) is
`dtype=torch.double` in `map_label_to_target`, `Trainer.test` and the labels: with the model in float64,
`torch.dot(indices, ...)` of a float32 and a float64 vector is refused by both libraries ("dot : expected both vectors
to have same dtype, but found Float and Double").
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch` standing for
PyTorch), printed as literals.
"""
import math, warnings, io, contextlib
from copy import deepcopy
import numpy as np
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
import tinygrad_rnn.torch.optim as optim
from more_programs_compare import close
from torch_expect import fill, float64, set_params  # noqa: F401 (float64 is an autouse fixture)

class Tree(object):
    def __init__(self):
        self.parent = None
        self.num_children = 0
        self.children = list()

    def add_child(self, child):
        child.parent = self
        self.num_children += 1
        self.children.append(child)

class ChildSumTreeLSTM(nn.Module):
    def __init__(self, in_dim, mem_dim):
        super(ChildSumTreeLSTM, self).__init__()
        self.in_dim = in_dim
        self.mem_dim = mem_dim
        self.ioux = nn.Linear(self.in_dim, 3 * self.mem_dim)
        self.iouh = nn.Linear(self.mem_dim, 3 * self.mem_dim)
        self.fx = nn.Linear(self.in_dim, self.mem_dim)
        self.fh = nn.Linear(self.mem_dim, self.mem_dim)

    def node_forward(self, inputs, child_c, child_h):
        child_h_sum = torch.sum(child_h, dim=0, keepdim=True)

        iou = self.ioux(inputs) + self.iouh(child_h_sum)
        i, o, u = torch.split(iou, iou.size(1) // 3, dim=1)
        i, o, u = F.sigmoid(i), F.sigmoid(o), F.tanh(u)

        f = F.sigmoid(
            self.fh(child_h) +
            self.fx(inputs).repeat(len(child_h), 1)
        )
        fc = torch.mul(f, child_c)

        c = torch.mul(i, u) + torch.sum(fc, dim=0, keepdim=True)
        h = torch.mul(o, F.tanh(c))
        return c, h

    def forward(self, tree, inputs):
        for idx in range(tree.num_children):
            self.forward(tree.children[idx], inputs)

        if tree.num_children == 0:
            child_c = inputs[0].detach().new(1, self.mem_dim).fill_(0.).requires_grad_()
            child_h = inputs[0].detach().new(1, self.mem_dim).fill_(0.).requires_grad_()
        else:
            child_c, child_h = zip(* map(lambda x: x.state, tree.children))
            child_c, child_h = torch.cat(child_c, dim=0), torch.cat(child_h, dim=0)

        tree.state = self.node_forward(inputs[tree.idx], child_c, child_h)
        return tree.state

class Similarity(nn.Module):
    def __init__(self, mem_dim, hidden_dim, num_classes):
        super(Similarity, self).__init__()
        self.mem_dim = mem_dim
        self.hidden_dim = hidden_dim
        self.num_classes = num_classes
        self.wh = nn.Linear(2 * self.mem_dim, self.hidden_dim)
        self.wp = nn.Linear(self.hidden_dim, self.num_classes)

    def forward(self, lvec, rvec):
        mult_dist = torch.mul(lvec, rvec)
        abs_dist = torch.abs(torch.add(lvec, -rvec))
        vec_dist = torch.cat((mult_dist, abs_dist), 1)

        out = F.sigmoid(self.wh(vec_dist))
        out = F.log_softmax(self.wp(out), dim=1)
        return out

PAD = 0
class SimilarityTreeLSTM(nn.Module):
    def __init__(self, vocab_size, in_dim, mem_dim, hidden_dim, num_classes, sparsity, freeze):
        super(SimilarityTreeLSTM, self).__init__()
        self.emb = nn.Embedding(vocab_size, in_dim, padding_idx=PAD, sparse=sparsity)
        if freeze:
            self.emb.weight.requires_grad = False
        self.childsumtreelstm = ChildSumTreeLSTM(in_dim, mem_dim)
        self.similarity = Similarity(mem_dim, hidden_dim, num_classes)

    def forward(self, ltree, linputs, rtree, rinputs):
        linputs = self.emb(linputs)
        rinputs = self.emb(rinputs)
        lstate, lhidden = self.childsumtreelstm(ltree, linputs)
        rstate, rhidden = self.childsumtreelstm(rtree, rinputs)
        output = self.similarity(lstate, rstate)
        return output

def map_label_to_target(label, num_classes):
    target = torch.zeros(1, num_classes, dtype=torch.double, device='cpu')
    ceil = int(math.ceil(label))
    floor = int(math.floor(label))
    if ceil == floor:
        target[0, floor-1] = 1
    else:
        target[0, floor-1] = ceil - label
        target[0, ceil-1] = label - floor
    return target

class Metrics():
    def __init__(self, num_classes):
        self.num_classes = num_classes

    def pearson(self, predictions, labels):
        x = deepcopy(predictions)
        y = deepcopy(labels)
        x = (x - x.mean()) / x.std()
        y = (y - y.mean()) / y.std()
        return torch.mean(torch.mul(x, y))

    def mse(self, predictions, labels):
        x = deepcopy(predictions)
        y = deepcopy(labels)
        return torch.mean((x - y) ** 2)

class Trainer(object):
    def __init__(self, args, model, criterion, optimizer, device):
        super(Trainer, self).__init__()
        self.args = args
        self.model = model
        self.criterion = criterion
        self.optimizer = optimizer
        self.device = device
        self.epoch = 0

    def train(self, dataset):
        self.model.train()
        self.optimizer.zero_grad()
        total_loss = 0.0
        indices = torch.tensor([2, 0, 3, 1])          # was torch.randperm(len(dataset), dtype=torch.long, device='cpu')
        for idx in range(len(dataset)):
            ltree, linput, rtree, rinput, label = dataset[indices[idx]]
            target = map_label_to_target(label, dataset.num_classes)
            linput, rinput = linput.to(self.device), rinput.to(self.device)
            target = target.to(self.device)
            output = self.model(ltree, linput, rtree, rinput)
            loss = self.criterion(output, target)
            total_loss += loss.item()
            loss.backward()
            if idx % self.args.batchsize == 0 and idx > 0:
                self.optimizer.step()
                self.optimizer.zero_grad()
        self.epoch += 1
        return total_loss / len(dataset)

    def test(self, dataset):
        self.model.eval()
        with torch.no_grad():
            total_loss = 0.0
            predictions = torch.zeros(len(dataset), dtype=torch.double, device='cpu')
            indices = torch.arange(1, dataset.num_classes + 1, dtype=torch.double, device='cpu')
            for idx in range(len(dataset)):
                ltree, linput, rtree, rinput, label = dataset[idx]
                target = map_label_to_target(label, dataset.num_classes)
                linput, rinput = linput.to(self.device), rinput.to(self.device)
                target = target.to(self.device)
                output = self.model(ltree, linput, rtree, rinput)
                loss = self.criterion(output, target)
                total_loss += loss.item()
                output = output.squeeze().to('cpu')
                predictions[idx] = torch.dot(indices, torch.exp(output))
        return total_loss / len(dataset), predictions

def make_tree(parents):
    """SICK's read_tree from a parents list (1-based; 0 is the root)."""
    trees = dict()
    root = None
    for i in range(1, len(parents) + 1):
        tree = Tree()
        tree.idx = i - 1
        trees[i] = tree
    for i in range(1, len(parents) + 1):
        p = parents[i - 1]
        if p == 0:
            root = trees[i]
        else:
            trees[p].add_child(trees[i])
    return root

class SICKDataset:
    def __init__(self, rows, num_classes):
        self.rows = rows
        self.num_classes = num_classes
        self.labels = torch.tensor([r[4] for r in rows], dtype=torch.double)
    def __len__(self):
        return len(self.rows)
    def __getitem__(self, index):
        l, ls, r, rs, label = self.rows[index]
        return make_tree(l), torch.tensor(ls, dtype=torch.long), make_tree(r), torch.tensor(rs, dtype=torch.long), label

class Args: batchsize = 2

rows = [([2, 0, 2], [3, 4, 5], [0, 1], [3, 6], 3.6),
        ([0, 1, 1, 3], [7, 2, 5, 8], [2, 0, 2], [7, 4, 8], 1.0),
        ([2, 3, 0], [6, 6, 2], [3, 3, 0, 3], [5, 4, 3, 2], 4.5),
        ([0], [9], [2, 0], [9, 1], 2.2)]

def run():
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter('always')
        device = torch.device('cpu')
        model = SimilarityTreeLSTM(10, 4, 3, 5, 5, False, False)
        set_params(model)
        criterion = nn.KLDivLoss()
        model.to(device), criterion.to(device)
        optimizer = optim.Adagrad(filter(lambda p: p.requires_grad, model.parameters()), lr=0.05, weight_decay=1e-4)
        metrics = Metrics(5)
        emb = torch.tensor(fill((10, 4), 7))
        for idx, item in enumerate(['<blank>', '<unk>', '<s>', '</s>']):
            emb[idx].zero_()
        model.emb.weight.data.copy_(emb)
        dataset = SICKDataset(rows, 5)
        trainer = Trainer(Args(), model, criterion, optimizer, device)
        best = -float('inf')
        lines = []
        for epoch in range(3):
            train_loss = trainer.train(dataset)
            train_loss, train_pred = trainer.test(dataset)
            train_pearson = metrics.pearson(train_pred, dataset.labels)
            train_mse = metrics.mse(train_pred, dataset.labels)
            print('==> Epoch {}, Train \tLoss: {}\tPearson: {}\tMSE: {}'.format(epoch, train_loss, train_pearson, train_mse))
            if best < train_pearson:
                best = train_pearson
                checkpoint = {'model': trainer.model.state_dict(), 'pearson': train_pearson, 'mse': train_mse, 'epoch': epoch}
        grads = [p.grad.sum().item() if p.grad is not None else None for p in model.parameters()]
    return {'printed': out.getvalue().splitlines(), 'warnings': [str(w.message).split('\n')[0] for w in caught],
           'pred': train_pred.tolist(), 'pred_dtype': str(train_pred.dtype), 'best': best.item(), 'best_epoch': checkpoint['epoch'],
           'emb0': model.emb.weight[:4].sum().item(), 'weights': [p.sum().item() for p in model.parameters()], 'grads': grads}


def pytorch_values() -> dict:
    return run()


# PyTorch's warning for KLDivLoss(reduction='mean'), given at every one of the run's losses
KL_MEAN_WARNING = ("reduction: 'mean' divides the total loss by both the batch size and the support size."
                   "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                   "'mean' will be changed to behave the same as 'batchmean' in the next major release.")

EXPECTED = {'printed': ['==> Epoch 0, Train \tLoss: 0.234712041067081\tPearson: 0.7298675737343174\tMSE: 1.7703295122038685',
                        '==> Epoch 1, Train \tLoss: 0.23451627375432926\tPearson: 0.7188787185818873\tMSE: 1.758914666988682',
                        '==> Epoch 2, Train \tLoss: 0.23300935031068506\tPearson: 0.7056589170852725\tMSE: '
                        '1.7509766031443954'],
            'warnings': [KL_MEAN_WARNING] * 24,
            'pred': [3.1330207630509577, 3.0715323117707056, 3.183214984983474, 3.072162777441181],
            'pred_dtype': 'torch.float64',
            'best': 0.7298675737343174,
            'best_epoch': 0,
            'emb0': 0.10016364762199179,
            'weights': [-0.23699533220452945,
                        1.4370694290241144,
                        0.17741056084493134,
                        0.20381193741658749,
                        0.45165131812531023,
                        -0.19743628576233196,
                        0.8835822260221662,
                        0.5792209385443167,
                        0.36299512953084434,
                        0.7155846154535903,
                        0.21625889296708062,
                        -0.572366991954906,
                        -0.10357316925654364],
            'grads': [0.013617409782289518,
                      -0.002761298958408962,
                      0.03366851917345736,
                      -0.0027673690580501693,
                      0.03366851917345736,
                      -0.0020816612729083086,
                      -0.0009985451994581546,
                      0.00030984520865968095,
                      -0.0009985451994581546,
                      0.026326789286282768,
                      0.026595460726282535,
                      3.469446951953614e-18,
                      -1.3877787807814457e-17]}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
