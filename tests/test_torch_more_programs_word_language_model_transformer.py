"""pytorch/examples' word_language_model on its Transformer path, run on the dialect, gives PyTorch's numbers to 1e-10 in
float64 and prints what it prints.

Source: https://github.com/pytorch/examples (word_language_model/model.py's PositionalEncoding and TransformerModel,
data.py's Dictionary and Corpus, main.py's batchify, get_batch, evaluate, train and epoch loop; BSD-3-Clause). What
runs, as written there: `TransformerModel(nn.Transformer)` (nn.Transformer's constructor with num_encoder_layers, whose
`self.decoder` TransformerDecoder is then replaced by the Linear `self.decoder`, leaving the encoder with its final
LayerNorm), `_generate_square_subsequent_mask` (`torch.triu(...) == 1`, `.transpose`, `masked_fill` with -inf and 0),
`nn.init.uniform_` / `zeros_`, `F.log_softmax`, `self.encoder(src, mask=self.src_mask)`, the cached `src_mask`,
`has_mask=False`, `PositionalEncoding`'s `pe[:, 0::2] = ...` buffer, `Corpus.tokenize` (`torch.tensor(ids).type(
torch.int64)`, `torch.cat`), `batchify` (`narrow`, `view(bsz, -1).t().contiguous()`), `clip_grad_norm_`, the update
`p.data.add_(p.grad, alpha=-lr)` (main.py's current form), the lr annealing `lr /= 4.0`, `torch.save(model, f)` and
`torch.load(f)`, which fails under PyTorch 2.6+'s weights_only default as it does in PyTorch (the message is checked),
then `torch.load(f, weights_only=False)`; the log lines are main.py's.

Edits, for the comparison: the corpus is a few made-up lines (Corpus takes lists of lines rather than a path), sizes
are small (emsize 8, nhead 2, nhid 12, 2 layers, bptt 4, batch 3, lr 2, 3 epochs), dropout is 0 (nn.Transformer
builds its layers with dropout 0.1 whatever `dropout` says, so every nn.Dropout's `p` and every MultiheadAttention's
`dropout` are set to 0 after construction), the weights are set by `set_parameters`, timings are left out of the
log lines and the log is returned rather than printed, criterion is nn.NLLLoss (main.py's for log_softmax outputs).
PositionalEncoding's `dtype=torch.float` and `.float()` are dropped so `pe` is float64: in float32 the dialect's
sin/exp (numpy's) and PyTorch's differ by an ulp in places (sin(1.0f), exp(1.0f)), which moves the losses at 1e-9.
How the expected values were made: this module run by PyTorch 2.14 in float64 (with `torch` standing for PyTorch),
printed as literals.
"""
from more_programs_compare import close
from torch_expect import float64, fill, set_parameters  # noqa: F401 (float64: an autouse fixture)
import math
import os
import tempfile
import warnings
import numpy as np
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F

# ---- data.py (Corpus reads lines instead of files)
class Dictionary(object):
    def __init__(self):
        self.word2idx = {}
        self.idx2word = []

    def add_word(self, word):
        if word not in self.word2idx:
            self.idx2word.append(word)
            self.word2idx[word] = len(self.idx2word) - 1
        return self.word2idx[word]

    def __len__(self):
        return len(self.idx2word)


class Corpus(object):
    def __init__(self, train, valid, test):
        self.dictionary = Dictionary()
        self.train = self.tokenize(train)
        self.valid = self.tokenize(valid)
        self.test = self.tokenize(test)

    def tokenize(self, lines):
        for line in lines:
            words = line.split() + ['<eos>']
            for word in words:
                self.dictionary.add_word(word)
        idss = []
        for line in lines:
            words = line.split() + ['<eos>']
            ids = []
            for word in words:
                ids.append(self.dictionary.word2idx[word])
            idss.append(torch.tensor(ids).type(torch.int64))
        ids = torch.cat(idss)
        return ids

# ---- model.py
class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout=0.1, max_len=5000):
        super(PositionalEncoding, self).__init__()
        self.dropout = nn.Dropout(p=dropout)

        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0).transpose(0, 1)
        self.register_buffer('pe', pe)

    def forward(self, x):
        x = x + self.pe[:x.size(0), :]
        return self.dropout(x)

class TransformerModel(nn.Transformer):
    def __init__(self, ntoken, ninp, nhead, nhid, nlayers, dropout=0.5):
        super(TransformerModel, self).__init__(d_model=ninp, nhead=nhead, dim_feedforward=nhid, num_encoder_layers=nlayers)
        self.model_type = 'Transformer'
        self.src_mask = None
        self.pos_encoder = PositionalEncoding(ninp, dropout)

        self.input_emb = nn.Embedding(ntoken, ninp)
        self.ninp = ninp
        self.decoder = nn.Linear(ninp, ntoken)

        self.init_weights()

    def _generate_square_subsequent_mask(self, sz):
        mask = (torch.triu(torch.ones(sz, sz)) == 1).transpose(0, 1)
        mask = mask.float().masked_fill(mask == 0, float('-inf')).masked_fill(mask == 1, float(0.0))
        return mask

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.input_emb.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, src, has_mask=True):
        if has_mask:
            device = src.device
            if self.src_mask is None or self.src_mask.size(0) != len(src):
                mask = self._generate_square_subsequent_mask(len(src)).to(device)
                self.src_mask = mask
        else:
            self.src_mask = None

        src = self.input_emb(src) * math.sqrt(self.ninp)
        src = self.pos_encoder(src)
        output = self.encoder(src, mask=self.src_mask)
        output = self.decoder(output)
        return F.log_softmax(output, dim=-1)




class Args:
    model = 'Transformer'; emsize = 8; nhid = 12; nlayers = 2; nhead = 2; lr = 2.0; clip = 0.25; epochs = 3
    batch_size = 3; bptt = 4; dropout = 0.0; log_interval = 2


def run():
    args = Args()
    out = {}
    log = []
    device = torch.device("cpu")
    words = "the cat sat on a mat and the dog ran to the cat while a bird sang".split()
    train_lines = [" ".join(words[(3 * i) % 11:(3 * i) % 11 + 4 + i % 3]) for i in range(6)]
    valid_lines = [" ".join(words[(5 * i) % 9:(5 * i) % 9 + 3 + i % 2]) for i in range(4)]
    corpus = Corpus(train_lines, valid_lines, valid_lines[::-1])

    def batchify(data, bsz):
        nbatch = data.size(0) // bsz
        data = data.narrow(0, 0, nbatch * bsz)
        data = data.view(bsz, -1).t().contiguous()
        return data.to(device)

    eval_batch_size = 2
    train_data = batchify(corpus.train, args.batch_size)
    val_data = batchify(corpus.valid, eval_batch_size)
    test_data = batchify(corpus.test, eval_batch_size)
    out["shapes"] = [tuple(train_data.shape), tuple(val_data.shape), train_data.dtype == torch.int64]

    ntokens = len(corpus.dictionary)
    model = TransformerModel(ntokens, args.emsize, args.nhead, args.nhid, args.nlayers, args.dropout).to(device)
    for m in model.modules():                     # nn.Transformer's own layers have dropout 0.1
        if isinstance(m, nn.Dropout):
            m.p = 0.0
        if isinstance(m, nn.MultiheadAttention):
            m.dropout = 0.0
    set_parameters(model)
    out["names"] = [n for n, _ in model.named_parameters()]
    out["nparams"] = sum(p.numel() for p in model.parameters())

    criterion = nn.NLLLoss()

    def get_batch(source, i):
        seq_len = min(args.bptt, len(source) - 1 - i)
        data = source[i:i+seq_len]
        target = source[i+1:i+1+seq_len].view(-1)
        return data, target

    def evaluate(data_source):
        model.eval()
        total_loss = 0.
        ntokens = len(corpus.dictionary)
        with torch.no_grad():
            for i in range(0, data_source.size(0) - 1, args.bptt):
                data, targets = get_batch(data_source, i)
                output = model(data)
                output_flat = output.view(-1, ntokens)
                total_loss += len(data) * criterion(output_flat, targets).item()
        return total_loss / (len(data_source) - 1)

    losses, norms = [], []
    def train():
        model.train()
        total_loss = 0.
        ntokens = len(corpus.dictionary)
        for batch, i in enumerate(range(0, train_data.size(0) - 1, args.bptt)):
            data, targets = get_batch(train_data, i)
            model.zero_grad()
            output = model(data)
            output = output.view(-1, ntokens)
            loss = criterion(output, targets)
            loss.backward()
            norms.append(torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip).item())
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr)
            total_loss += loss.item()
            losses.append(loss.item())
            if batch % args.log_interval == 0 and batch > 0:
                cur_loss = total_loss / args.log_interval
                log.append('| epoch {:3d} | {:5d}/{:5d} batches | lr {:02.2f} | '
                        'loss {:5.2f} | ppl {:8.2f}'.format(
                    epoch, batch, len(train_data) // args.bptt, lr, cur_loss, math.exp(cur_loss)))
                total_loss = 0

    lr = args.lr
    best_val_loss = None
    save = os.path.join(tempfile.mkdtemp(), "model.pt")
    for epoch in range(1, args.epochs+1):
        train()
        val_loss = evaluate(val_data)
        log.append('| end of epoch {:3d} | valid loss {:5.2f} | '
                'valid ppl {:8.2f}'.format(epoch, val_loss, math.exp(val_loss)))
        out.setdefault("val", []).append(val_loss)
        if not best_val_loss or val_loss < best_val_loss:
            with open(save, 'wb') as f:
                torch.save(model, f)
            best_val_loss = val_loss
        else:
            lr /= 4.0
    try:
        with open(save, 'rb') as f:
            model = torch.load(f)
        out["load"] = "ok"
    except Exception as e:
        out["load"] = (type(e).__name__, str(e).split("\n")[0][:60])
    with open(save, 'rb') as f:
        model = torch.load(f, weights_only=False)
    test_loss = evaluate(test_data)
    log.append('| End of training | test loss {:5.2f} | test ppl {:8.2f}'.format(test_loss, math.exp(test_loss)))
    out["test"] = test_loss
    out["losses"] = losses
    out["norms"] = norms
    out["log"] = log
    x = torch.tensor(fill((5, 2), 3) * 10 % ntokens).long().abs()
    y = model(x)
    out["out"] = [float(y.sum()), float((y * torch.tensor(fill(tuple(y.shape), 7))).sum())]
    out["nomask"] = float((model(x, has_mask=False) * torch.tensor(fill(tuple(y.shape), 8))).sum())
    out["mask"] = model.src_mask is None
    out["params"] = [float((p * torch.tensor(fill(tuple(p.shape), 9))).sum()) for p in model.parameters()]
    return out


# ---- PyTorch 2.14's run of the code above (with `torch` standing for PyTorch), float64
EXPECTED = {'shapes': [(12, 3), (9, 2), True],
 'names': ['encoder.layers.0.self_attn.in_proj_weight', 'encoder.layers.0.self_attn.in_proj_bias',
           'encoder.layers.0.self_attn.out_proj.weight', 'encoder.layers.0.self_attn.out_proj.bias',
           'encoder.layers.0.linear1.weight', 'encoder.layers.0.linear1.bias', 'encoder.layers.0.linear2.weight',
           'encoder.layers.0.linear2.bias', 'encoder.layers.0.norm1.weight', 'encoder.layers.0.norm1.bias',
           'encoder.layers.0.norm2.weight', 'encoder.layers.0.norm2.bias',
           'encoder.layers.1.self_attn.in_proj_weight', 'encoder.layers.1.self_attn.in_proj_bias',
           'encoder.layers.1.self_attn.out_proj.weight', 'encoder.layers.1.self_attn.out_proj.bias',
           'encoder.layers.1.linear1.weight', 'encoder.layers.1.linear1.bias', 'encoder.layers.1.linear2.weight',
           'encoder.layers.1.linear2.bias', 'encoder.layers.1.norm1.weight', 'encoder.layers.1.norm1.bias',
           'encoder.layers.1.norm2.weight', 'encoder.layers.1.norm2.bias', 'encoder.norm.weight', 'encoder.norm.bias',
           'decoder.weight', 'decoder.bias', 'input_emb.weight'],
 'nparams': 1267,
 'val': [2.486254170249367, 2.5156760696027836, 2.444851407726924],
 'load': ('UnpicklingError', 'Weights only load failed. This file can still be loaded, to '),
 'test': 2.4282511786231105,
 'losses': [2.6611921171183472, 2.393488574128333, 2.6180312206161074, 2.487932056931797, 2.3166717839714215,
            2.3160949137750313, 2.621314359953905, 2.4048019672618177, 2.1394384070700596],
 'norms': [0.7949513367580467, 0.4539029986433107, 1.5535569273107181, 0.5694768095058893, 0.3442194545420812,
           0.671055190073709, 0.8080742271136777, 0.8252173731179959, 0.4647230065051202],
 'log': ['| epoch   1 |     2/    3 batches | lr 2.00 | loss  3.84 | ppl    46.36',
         '| end of epoch   1 | valid loss  2.49 | valid ppl    12.02',
         '| epoch   2 |     2/    3 batches | lr 2.00 | loss  3.56 | ppl    35.18',
         '| end of epoch   2 | valid loss  2.52 | valid ppl    12.37',
         '| epoch   3 |     2/    3 batches | lr 0.50 | loss  3.58 | ppl    35.97',
         '| end of epoch   3 | valid loss  2.44 | valid ppl    11.53',
         '| End of training | test loss  2.43 | test ppl    11.34'],
 'out': [-283.097612754822, -0.11217228586547723],
 'nomask': 0.3611517804612565,
 'mask': True,
 'params': [-21.76945433581187, -0.4409690693872835, 5.984471842491975, 0.8795582126652965, 3.3606190627619945,
            -0.9263104732720119, -11.751948631979323, -0.31227476554019107, 0.6217398490315991, 0.9333120710246587,
            0.43840329359346464, -0.5655191944607263, -23.696499666775505, -1.9210806884242295, 2.2893810976045117,
            0.8904570762335793, 8.943939995427225, -0.1948016704627064, -10.844204667614711, -0.7981148403482596,
            0.08130880514489106, 0.7900193592583993, 0.8272959539871105, 0.06544198246025854, -0.6958030210117587,
            -0.6942025676717158, -2.7182436290024197, 0.7934175195094252, 10.796204443046749]}


def test_word_language_model_transformer_gives_pytorchs_numbers():
    close(run(), EXPECTED)
