"""PyTorch's "Language Modeling with nn.Transformer and torchtext" tutorial (an nn.TransformerEncoder language model),
run on the dialect, gives PyTorch's numbers to 1e-10 in float64 and prints what it prints.

Source: https://github.com/pytorch/tutorials (beginner_source/transformer_tutorial.py; BSD-3-Clause). What runs, as
written there: `TransformerModel` (TransformerEncoderLayer(d_model, nhead, d_hid, dropout) in a TransformerEncoder,
`nn.Embedding`, `* math.sqrt(self.d_model)`, a Linear; in forward, when no mask is given,
`nn.Transformer.generate_square_subsequent_mask(len(src)).to(device)`, passed positionally as
`self.transformer_encoder(src, src_mask)`), `PositionalEncoding` (an int64 `torch.arange(max_len)` times
`torch.exp(torch.arange(0, d_model, 2) * ...)`, `pe[:, 0, 0::2] = ...`, `self.pe[:x.size(0)]`), `data_process`
(`torch.cat(tuple(filter(lambda t: t.numel() > 0, data)))`, an empty line among them), `batchify`
(`data.view(bsz, seq_len).t().contiguous()`), `get_batch`, `train` (CrossEntropyLoss on `output.view(-1, ntokens)`,
`clip_grad_norm_(..., 0.5)`, SGD lr 5, `scheduler.get_last_lr()[0]` and the f-string log line), `evaluate` under
`torch.no_grad()`, and the epoch loop saving the best `state_dict()` in a TemporaryDirectory, `scheduler.step()`,
and `model.load_state_dict(torch.load(best_model_params_path))`.

Edits, for the comparison: made-up lines replace WikiText2, a dict replaces torchtext's vocab and
`str.lower().split()` its tokenizer, sizes are small (emsize 8, d_hid 12, 2 layers, 2 heads, bptt 4, batch 3,
3 epochs), dropout is 0, the weights are set by `set_parameters`, timings are left out of the log lines and the log
is returned rather than printed.
How the expected values were made: this module run by PyTorch 2.14 in float64 (with `torch` standing for PyTorch),
printed as literals.
"""
from more_programs_compare import close
from torch_expect import float64, fill, set_parameters  # noqa: F401 (float64: an autouse fixture)
import math
import os
from tempfile import TemporaryDirectory
from typing import Tuple
import numpy as np

import tinygrad_rnn.torch as torch
from tinygrad_rnn.torch.utils.data import dataset  # noqa: F401 (the tutorial's import, for an annotation)
from tinygrad_rnn.torch import nn, Tensor
from tinygrad_rnn.torch.nn import TransformerEncoder, TransformerEncoderLayer

class TransformerModel(nn.Module):

    def __init__(self, ntoken: int, d_model: int, nhead: int, d_hid: int,
                 nlayers: int, dropout: float = 0.5):
        super().__init__()
        self.model_type = 'Transformer'
        self.pos_encoder = PositionalEncoding(d_model, dropout)
        encoder_layers = TransformerEncoderLayer(d_model, nhead, d_hid, dropout)
        self.transformer_encoder = TransformerEncoder(encoder_layers, nlayers)
        self.embedding = nn.Embedding(ntoken, d_model)
        self.d_model = d_model
        self.linear = nn.Linear(d_model, ntoken)

        self.init_weights()

    def init_weights(self) -> None:
        initrange = 0.1
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.linear.bias.data.zero_()
        self.linear.weight.data.uniform_(-initrange, initrange)

    def forward(self, src: Tensor, src_mask: Tensor = None) -> Tensor:
        src = self.embedding(src) * math.sqrt(self.d_model)
        src = self.pos_encoder(src)
        if src_mask is None:
            """Generate a square causal mask for the sequence. The masked positions are filled with float('-inf').
            Unmasked positions are filled with float(0.0).
            """
            src_mask = nn.Transformer.generate_square_subsequent_mask(len(src)).to(device)
        output = self.transformer_encoder(src, src_mask)
        output = self.linear(output)
        return output


class PositionalEncoding(nn.Module):

    def __init__(self, d_model: int, dropout: float = 0.1, max_len: int = 5000):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)

        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer('pe', pe)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.pe[:x.size(0)]
        return self.dropout(x)




device = torch.device('cpu')
STEP = 1.0          # the tutorial's StepLR(optimizer, 1.0, gamma=0.95)


def run():
    global epoch
    out, log = {}, []
    words = "the cat sat on a mat and the dog ran to the cat while a bird sang".split()
    train_iter = [" ".join(words[(3 * i) % 11:(3 * i) % 11 + 4 + i % 3]) for i in range(7)] + [""]
    val_iter = [" ".join(words[(5 * i) % 9:(5 * i) % 9 + 3 + i % 2]) for i in range(5)]
    tokenizer = lambda s: s.lower().split()
    vocab = {'<unk>': 0}
    for line in train_iter:
        for t in tokenizer(line):
            vocab.setdefault(t, len(vocab))
    vocab_call = lambda toks: [vocab.get(t, 0) for t in toks]

    def data_process(raw_text_iter) -> Tensor:
        data = [torch.tensor(vocab_call(tokenizer(item)), dtype=torch.long) for item in raw_text_iter]
        return torch.cat(tuple(filter(lambda t: t.numel() > 0, data)))

    train_data = data_process(train_iter)
    val_data = data_process(val_iter)
    test_data = data_process(val_iter[::-1])

    def batchify(data: Tensor, bsz: int) -> Tensor:
        seq_len = data.size(0) // bsz
        data = data[:seq_len * bsz]
        data = data.view(bsz, seq_len).t().contiguous()
        return data.to(device)

    batch_size = 3
    eval_batch_size = 2
    train_data = batchify(train_data, batch_size)
    val_data = batchify(val_data, eval_batch_size)
    test_data = batchify(test_data, eval_batch_size)
    bptt = 4

    def get_batch(source: Tensor, i: int) -> Tuple[Tensor, Tensor]:
        seq_len = min(bptt, len(source) - 1 - i)
        data = source[i:i+seq_len]
        target = source[i+1:i+1+seq_len].reshape(-1)
        return data, target

    ntokens = len(vocab)
    emsize = 8
    d_hid = 12
    nlayers = 2
    nhead = 2
    dropout = 0.0
    model = TransformerModel(ntokens, emsize, nhead, d_hid, nlayers, dropout).to(device)
    set_parameters(model)

    criterion = nn.CrossEntropyLoss()
    lr = 5.0
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, STEP, gamma=0.95)
    losses = []

    def train(model: nn.Module) -> None:
        model.train()
        total_loss = 0.
        log_interval = 2
        num_batches = len(train_data) // bptt
        for batch, i in enumerate(range(0, train_data.size(0) - 1, bptt)):
            data, targets = get_batch(train_data, i)
            output = model(data)
            output_flat = output.view(-1, ntokens)
            loss = criterion(output_flat, targets)

            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            optimizer.step()

            total_loss += loss.item()
            losses.append(loss.item())
            if batch % log_interval == 0 and batch > 0:
                lr = scheduler.get_last_lr()[0]
                cur_loss = total_loss / log_interval
                ppl = math.exp(cur_loss)
                log.append(f'| epoch {epoch:3d} | {batch:5d}/{num_batches:5d} batches | '
                      f'lr {lr:02.2f} | '
                      f'loss {cur_loss:5.2f} | ppl {ppl:8.2f}')
                total_loss = 0

    def evaluate(model: nn.Module, eval_data: Tensor) -> float:
        model.eval()
        total_loss = 0.
        with torch.no_grad():
            for i in range(0, eval_data.size(0) - 1, bptt):
                data, targets = get_batch(eval_data, i)
                seq_len = data.size(0)
                output = model(data)
                output_flat = output.view(-1, ntokens)
                total_loss += seq_len * criterion(output_flat, targets).item()
        return total_loss / (len(eval_data) - 1)

    best_val_loss = float('inf')
    epochs = 3
    with TemporaryDirectory() as tempdir:
        best_model_params_path = os.path.join(tempdir, "best_model_params.pt")
        for epoch in range(1, epochs + 1):
            train(model)
            val_loss = evaluate(model, val_data)
            val_ppl = math.exp(val_loss)
            log.append('-' * 89)
            log.append(f'| end of epoch {epoch:3d} | '
                f'valid loss {val_loss:5.2f} | valid ppl {val_ppl:8.2f}')
            log.append('-' * 89)
            out.setdefault("val", []).append(val_loss)
            if val_loss < best_val_loss:
                best_val_loss = val_loss
                torch.save(model.state_dict(), best_model_params_path)
            scheduler.step()
        model.load_state_dict(torch.load(best_model_params_path))

    test_loss = evaluate(model, test_data)
    test_ppl = math.exp(test_loss)
    log.append('=' * 89)
    log.append(f'| End of training | test loss {test_loss:5.2f} | '
          f'test ppl {test_ppl:8.2f}')
    log.append('=' * 89)
    out["test"] = test_loss
    out["losses"] = losses
    out["log"] = log
    out["lr"] = scheduler.get_last_lr()
    out["params"] = [float((p.detach() * torch.tensor(fill(tuple(p.shape), 9))).sum()) for p in model.parameters()]
    return out


# ---- PyTorch 2.14's run of the code above (with `torch` standing for PyTorch), float64
EXPECTED = {'val': [2.925721736486883, 2.433072365659625, 2.600377090235928],
 'test': 2.5295847577139123,
 'losses': [2.456440235109301, 3.1873744013516645, 2.913895464911617, 2.3845356561253754, 2.1429188796913805,
            3.340441213397444, 2.5360975511991284, 2.1613158317322845, 4.07993527228301],
 'log': ['| epoch   1 |     2/    2 batches | lr 5.00 | loss  4.28 | ppl    72.16',
         '-----------------------------------------------------------------------------------------',
         '| end of epoch   1 | valid loss  2.93 | valid ppl    18.65',
         '-----------------------------------------------------------------------------------------',
         '| epoch   2 |     2/    2 batches | lr 4.75 | loss  3.93 | ppl    51.11',
         '-----------------------------------------------------------------------------------------',
         '| end of epoch   2 | valid loss  2.43 | valid ppl    11.39',
         '-----------------------------------------------------------------------------------------',
         '| epoch   3 |     2/    2 batches | lr 4.51 | loss  4.39 | ppl    80.53',
         '-----------------------------------------------------------------------------------------',
         '| end of epoch   3 | valid loss  2.60 | valid ppl    13.47',
         '-----------------------------------------------------------------------------------------',
         '=========================================================================================',
         '| End of training | test loss  2.53 | test ppl    12.55',
         '========================================================================================='],
 'lr': [4.286875],
 'params': [-21.766943180739638, -0.43872140485031985, 6.00502771091052, 0.8885586901344689, 3.399960903556761,
            -1.1233178402344897, -11.910708133334754, -0.34276821920149647, 0.5821579624774379, 0.9156485681390181,
            0.5104191496306066, -0.15106665747117803, -23.61393974269926, -2.283840048433185, 2.5000422162705043,
            1.1789441266461287, 8.816587495033804, -0.5300368187121968, -10.936234083359595, -0.5593581705012998,
            0.042639746570584766, 0.9859673213795248, -0.02463834032526581, 0.4132859413600364, -8.34532194309339,
            -5.008967779268566, -0.557334676885993]}


def test_transformer_tutorial_gives_pytorchs_numbers():
    close(run(), EXPECTED)
