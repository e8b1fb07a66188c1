"""bentrevett/pytorch-seq2seq's "4 - Packed Padded Sequences, Masking, Inference and BLEU", run on the dialect,
gives PyTorch's numbers to 1e-10 in float64 and prints what it prints.

Source: https://github.com/bentrevett/pytorch-seq2seq (legacy/4 - Packed Padded Sequences, Masking, Inference and
BLEU.ipynb; MIT license, copyright Ben Trevett). What runs, as the notebook wrote it: `Encoder` (a bidirectional
`nn.GRU` over `nn.utils.rnn.pack_padded_sequence(embedded, src_len.to('cpu'))`, `pad_packed_sequence`,
`torch.tanh(self.fc(torch.cat((hidden[-2,:,:], hidden[-1,:,:]), dim = 1)))`), `Attention` (`unsqueeze(1).repeat`,
`permute`, `masked_fill(mask == 0, -1e10)`, `F.softmax`), `Decoder` (`torch.bmm`, `assert (output == hidden).all()`),
`Seq2Seq` (`create_mask` with `(src != pad).permute(1, 0)`,
teacher forcing drawn with `random.random()`, `output.argmax(1)`), `init_weights` through `model.apply` with
`nn.init.normal_`/`nn.init.constant_` on `param.data`, `count_parameters`, `CrossEntropyLoss(ignore_index=...)`,
`output[1:].view(-1, output_dim)`, `clip_grad_norm_`, Adam, `evaluate` under `torch.no_grad()`, the best model's
`state_dict` saved and loaded, `math.exp` perplexities printed, and `translate_sentence` (greedy decoding with
`torch.LongTensor(...).unsqueeze(1)`, `attentions[i] = attention`, `.argmax(1).item()`).

Edits, all for the comparison: made-up token ids stand for Multi30k and torchtext (a small `Field` stand-in with
`init_token`, `eos_token`, `vocab.stoi`, `vocab.itos`), sizes are small, dropout is 0, the weights drawn by
`init_weights` are overwritten with `fill` (the biases stay as its `constant_` left them), `random` is seeded,
and the epoch timer is left out.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import contextlib
import io
import math
import os
import random

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
import tinygrad_rnn.torch.optim as optim
from torch_expect import fill, float64, same  # noqa: F401 (float64 is an autouse fixture)

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')


class Encoder(nn.Module):
    def __init__(self, input_dim, emb_dim, enc_hid_dim, dec_hid_dim, dropout):
        super().__init__()
        self.embedding = nn.Embedding(input_dim, emb_dim)
        self.rnn = nn.GRU(emb_dim, enc_hid_dim, bidirectional = True)
        self.fc = nn.Linear(enc_hid_dim * 2, dec_hid_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, src, src_len):
        embedded = self.dropout(self.embedding(src))
        packed_embedded = nn.utils.rnn.pack_padded_sequence(embedded, src_len.to('cpu'))
        packed_outputs, hidden = self.rnn(packed_embedded)
        outputs, _ = nn.utils.rnn.pad_packed_sequence(packed_outputs)
        hidden = torch.tanh(self.fc(torch.cat((hidden[-2,:,:], hidden[-1,:,:]), dim = 1)))
        return outputs, hidden


class Attention(nn.Module):
    def __init__(self, enc_hid_dim, dec_hid_dim):
        super().__init__()
        self.attn = nn.Linear((enc_hid_dim * 2) + dec_hid_dim, dec_hid_dim)
        self.v = nn.Linear(dec_hid_dim, 1, bias = False)

    def forward(self, hidden, encoder_outputs, mask):
        batch_size = encoder_outputs.shape[1]
        src_len = encoder_outputs.shape[0]
        hidden = hidden.unsqueeze(1).repeat(1, src_len, 1)
        encoder_outputs = encoder_outputs.permute(1, 0, 2)
        energy = torch.tanh(self.attn(torch.cat((hidden, encoder_outputs), dim = 2)))
        attention = self.v(energy).squeeze(2)
        attention = attention.masked_fill(mask == 0, -1e10)
        return F.softmax(attention, dim = 1)


class Decoder(nn.Module):
    def __init__(self, output_dim, emb_dim, enc_hid_dim, dec_hid_dim, dropout, attention):
        super().__init__()
        self.output_dim = output_dim
        self.attention = attention
        self.embedding = nn.Embedding(output_dim, emb_dim)
        self.rnn = nn.GRU((enc_hid_dim * 2) + emb_dim, dec_hid_dim)
        self.fc_out = nn.Linear((enc_hid_dim * 2) + dec_hid_dim + emb_dim, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, input, hidden, encoder_outputs, mask):
        input = input.unsqueeze(0)
        embedded = self.dropout(self.embedding(input))
        a = self.attention(hidden, encoder_outputs, mask)
        a = a.unsqueeze(1)
        encoder_outputs = encoder_outputs.permute(1, 0, 2)
        weighted = torch.bmm(a, encoder_outputs)
        weighted = weighted.permute(1, 0, 2)
        rnn_input = torch.cat((embedded, weighted), dim = 2)
        output, hidden = self.rnn(rnn_input, hidden.unsqueeze(0))
        assert (output == hidden).all()
        embedded = embedded.squeeze(0)
        output = output.squeeze(0)
        weighted = weighted.squeeze(0)
        prediction = self.fc_out(torch.cat((output, weighted, embedded), dim = 1))
        return prediction, hidden.squeeze(0), a.squeeze(1)


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder, src_pad_idx, device):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.src_pad_idx = src_pad_idx
        self.device = device

    def create_mask(self, src):
        mask = (src != self.src_pad_idx).permute(1, 0)
        return mask

    def forward(self, src, src_len, trg, teacher_forcing_ratio = 0.5):
        batch_size = src.shape[1]
        trg_len = trg.shape[0]
        trg_vocab_size = self.decoder.output_dim
        outputs = torch.zeros(trg_len, batch_size, trg_vocab_size).to(self.device)
        encoder_outputs, hidden = self.encoder(src, src_len)
        input = trg[0,:]
        mask = self.create_mask(src)
        for t in range(1, trg_len):
            output, hidden, _ = self.decoder(input, hidden, encoder_outputs, mask)
            outputs[t] = output
            teacher_force = random.random() < teacher_forcing_ratio
            top1 = output.argmax(1)
            input = trg[t] if teacher_force else top1
        return outputs


def init_weights(m):
    for name, param in m.named_parameters():
        if 'weight' in name:
            nn.init.normal_(param.data, mean=0, std=0.01)
        else:
            nn.init.constant_(param.data, 0)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def train(model, iterator, optimizer, criterion, clip):
    model.train()
    epoch_loss = 0
    for i, batch in enumerate(iterator):
        src, src_len = batch.src
        trg = batch.trg
        optimizer.zero_grad()
        output = model(src, src_len, trg)
        output_dim = output.shape[-1]
        output = output[1:].view(-1, output_dim)
        trg = trg[1:].view(-1)
        loss = criterion(output, trg)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        epoch_loss += loss.item()
    return epoch_loss / len(iterator)


def evaluate(model, iterator, criterion):
    model.eval()
    epoch_loss = 0
    with torch.no_grad():
        for i, batch in enumerate(iterator):
            src, src_len = batch.src
            trg = batch.trg
            output = model(src, src_len, trg, 0) #turn off teacher forcing
            output_dim = output.shape[-1]
            output = output[1:].view(-1, output_dim)
            trg = trg[1:].view(-1)
            loss = criterion(output, trg)
            epoch_loss += loss.item()
    return epoch_loss / len(iterator)


def translate_sentence(sentence, src_field, trg_field, model, device, max_len = 50):
    model.eval()
    tokens = [token.lower() for token in sentence]
    tokens = [src_field.init_token] + tokens + [src_field.eos_token]
    src_indexes = [src_field.vocab.stoi[token] for token in tokens]
    src_tensor = torch.LongTensor(src_indexes).unsqueeze(1).to(device)
    src_len = torch.LongTensor([len(src_indexes)])
    with torch.no_grad():
        encoder_outputs, hidden = model.encoder(src_tensor, src_len)
    mask = model.create_mask(src_tensor)
    trg_indexes = [trg_field.vocab.stoi[trg_field.init_token]]
    attentions = torch.zeros(max_len, 1, len(src_indexes)).to(device)
    for i in range(max_len):
        trg_tensor = torch.LongTensor([trg_indexes[-1]]).to(device)
        with torch.no_grad():
            output, hidden, attention = model.decoder(trg_tensor, hidden, encoder_outputs, mask)
        attentions[i] = attention
        pred_token = output.argmax(1).item()
        trg_indexes.append(pred_token)
        if pred_token == trg_field.vocab.stoi[trg_field.eos_token]:
            break
    trg_tokens = [trg_field.vocab.itos[i] for i in trg_indexes]
    return trg_tokens[1:], attentions[:len(trg_tokens)-1]


# ---- the stand-ins for torchtext's Multi30k fields and BucketIterator (sort_within_batch=True)
class Vocab:
    def __init__(self, words):
        self.itos = ['<unk>', '<pad>', '<sos>', '<eos>'] + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)


class Field:
    pad_token, init_token, eos_token = '<pad>', '<sos>', '<eos>'

    def __init__(self, words):
        self.vocab = Vocab(words)


class Batch:
    def __init__(self, field_src, field_trg, pairs):
        pairs = sorted(pairs, key=lambda p: -len(p[0]))
        srcs = [[2] + [field_src.vocab.stoi[w] for w in s.split()] + [3] for s, _ in pairs]
        trgs = [[2] + [field_trg.vocab.stoi[w] for w in t.split()] + [3] for _, t in pairs]
        S, T = max(map(len, srcs)), max(map(len, trgs))
        self.src = (torch.LongTensor([s + [1] * (S - len(s)) for s in srcs]).t().contiguous(),
                    torch.tensor([len(s) for s in srcs]))
        self.trg = torch.LongTensor([t + [1] * (T - len(t)) for t in trgs]).t().contiguous()


SRC = Field('ein hund katze rennt schläft der die'.split())
TRG = Field('a dog cat runs sleeps the'.split())
TRAIN = [[("ein hund rennt", "a dog runs"), ("die katze schläft", "the cat sleeps"), ("ein hund", "a dog")],
         [("der hund schläft", "the dog sleeps"), ("katze rennt", "cat runs"), ("die katze rennt", "the cat runs")]]
VALID = [[("ein katze schläft", "a cat sleeps"), ("hund rennt", "dog runs")]]


def seq2seq_run(workdir) -> dict:
    random.seed(3)
    train_iterator = [Batch(SRC, TRG, b) for b in TRAIN]
    valid_iterator = [Batch(SRC, TRG, b) for b in VALID]
    INPUT_DIM = len(SRC.vocab)
    OUTPUT_DIM = len(TRG.vocab)
    ENC_EMB_DIM = 4
    DEC_EMB_DIM = 3
    ENC_HID_DIM = 5
    DEC_HID_DIM = 6
    ENC_DROPOUT = 0
    DEC_DROPOUT = 0
    SRC_PAD_IDX = SRC.vocab.stoi[SRC.pad_token]
    attn = Attention(ENC_HID_DIM, DEC_HID_DIM)
    enc = Encoder(INPUT_DIM, ENC_EMB_DIM, ENC_HID_DIM, DEC_HID_DIM, ENC_DROPOUT)
    dec = Decoder(OUTPUT_DIM, DEC_EMB_DIM, ENC_HID_DIM, DEC_HID_DIM, DEC_DROPOUT, attn)
    model = Seq2Seq(enc, dec, SRC_PAD_IDX, device).to(device)
    model.apply(init_weights)
    with torch.no_grad():
        for k, (name, param) in enumerate(model.named_parameters()):
            if 'weight' in name:
                param.copy_(torch.tensor(2 * fill(tuple(param.shape), k)))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print(f'The model has {count_parameters(model):,} trainable parameters')
        optimizer = optim.Adam(model.parameters(), lr=0.02)
        TRG_PAD_IDX = TRG.vocab.stoi[TRG.pad_token]
        criterion = nn.CrossEntropyLoss(ignore_index = TRG_PAD_IDX)
        N_EPOCHS = 3
        CLIP = 1
        best_valid_loss = float('inf')
        losses = []
        for epoch in range(N_EPOCHS):
            train_loss = train(model, train_iterator, optimizer, criterion, CLIP)
            valid_loss = evaluate(model, valid_iterator, criterion)
            losses += [train_loss, valid_loss]
            if valid_loss < best_valid_loss:
                best_valid_loss = valid_loss
                torch.save(model.state_dict(), os.path.join(workdir, 'tut4-model.pt'))
            print(f'Epoch: {epoch+1:02}')
            print(f'\tTrain Loss: {train_loss:.3f} | Train PPL: {math.exp(train_loss):7.3f}')
            print(f'\t Val. Loss: {valid_loss:.3f} |  Val. PPL: {math.exp(valid_loss):7.3f}')
        model.load_state_dict(torch.load(os.path.join(workdir, 'tut4-model.pt')))
        test_loss = evaluate(model, valid_iterator, criterion)
        print(f'| Test Loss: {test_loss:.3f} | Test PPL: {math.exp(test_loss):7.3f} |')
        src = 'ein hund schläft'.split()
        translation, attention = translate_sentence(src, SRC, TRG, model, device, max_len=5)
        print(f'predicted trg = {translation}')
    return {"printed": out.getvalue().splitlines(), "losses": losses + [test_loss],
            "attention": [list(attention.shape), attention.flatten().tolist()],
            "params": [float(p.detach().sum()) for p in model.parameters()]}


def pytorch_values(workdir) -> dict:
    return seq2seq_run(workdir)


EXPECTED = {'attention': [[5, 1, 5],
                          [0.2469763160130824, 0.11431072820989237, 0.06665047275405206, 0.20327157489706688,
                           0.36879090812590626, 0.2990783095073908, 0.11124810388107965, 0.06798231641147505,
                           0.19363701743051134, 0.32805425276954303, 0.262378729785642, 0.12037928449777127,
                           0.07877648841818412, 0.24260022005527374, 0.2958652772431288, 0.3328507868384002,
                           0.107316556805021, 0.07445335636168593, 0.19239135375165226, 0.2929879462432405,
                           0.2638394401969446, 0.11388571818382677, 0.08380384417758077, 0.24259194227998915,
                           0.29587905516165874]],
            'losses': [3.5173053570110238, 2.869810757300494, 2.8168600471503153, 2.90516637879159,
                       2.1933164694778946, 2.5769737011777147, 2.5769737011777147],
            'params': [-0.013592661976772002, 1.2767593153622874, 1.062473205057188, 0.14285961909151607,
                       0.12876806716853803, -1.1959923395318344, 1.5709943636438664, -0.07187573039299719,
                       -0.1319444871433172, -0.5413366203156631, 0.03700789770785615, 0.3457632946022472,
                       0.024091869149625036, 0.6071673780921061, 1.5351625552779844, 0.03666287241474653,
                       -1.7325663601851453, -0.08034604127243244, -0.07268628540661395, 2.2516403261260667,
                       -0.12357547609825403],
            'printed': ['The model has 1,156 trainable parameters', 'Epoch: 01',
                        '\tTrain Loss: 3.517 | Train PPL:  33.694', '\t Val. Loss: 2.870 |  Val. PPL:  17.634',
                        'Epoch: 02', '\tTrain Loss: 2.817 | Train PPL:  16.724',
                        '\t Val. Loss: 2.905 |  Val. PPL:  18.268', 'Epoch: 03',
                        '\tTrain Loss: 2.193 | Train PPL:   8.965', '\t Val. Loss: 2.577 |  Val. PPL:  13.157',
                        '| Test Loss: 2.577 | Test PPL:  13.157 |',
                        "predicted trg = ['the', 'runs', 'the', 'runs', 'the']"]}


def test_program_gives_pytorchs_numbers(tmp_path):
    for key, value in seq2seq_run(tmp_path).items():
        same(value, EXPECTED[key], key)
