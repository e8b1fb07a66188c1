"""timbmg/Sentence-VAE (Bowman et al.'s sentence VAE with an RNN encoder and decoder), run on the dialect, gives
PyTorch's numbers to 1e-10 in float64 and prints what it prints.

Source: https://github.com/timbmg/Sentence-VAE (model.py and train.py; MIT license, copyright Tim Baumgärtner; kept
as a test fixture). What runs, as the repository wrote it: `SentenceVAE.forward` (`torch.sort(length,
descending=True)`, `input_sequence[sorted_idx]`, `rnn_utils.pack_padded_sequence(..., sorted_lengths.data.tolist(),
batch_first=True)` into a `nn.GRU`, `hidden.squeeze()`, the reparameterisation `std = torch.exp(0.5 * logv)`,
`z = z * std + mean`, `latent2hidden` and `hidden.unsqueeze(0)` as the decoder's initial state, the decoder over the
packed input, `pad_packed_sequence(...)[0].contiguous()`, the order restored with `torch.sort(sorted_idx)`,
`nn.functional.log_softmax` on `padded_outputs.view(-1, ...)`, `self.embedding.num_embeddings`), the training loop
of train.py (a `Dataset` of dicts of numpy arrays batched by `DataLoader`'s default collate, `NLLLoss(ignore_index=
pad_idx, reduction='sum')`, `target[:, :torch.max(length).item()].contiguous().view(-1)`, the KL term
`-0.5 * torch.sum(1 + logv - mean.pow(2) - logv.exp())`, the logistic KL annealing, Adam, the tracker
grown with `torch.cat((tracker['ELBO'], loss.data.view(1, -1)), dim=0)` from an empty
tensor, the `%`-formatted lines with `torch.mean(tracker['ELBO'])`, `torch.save(model.state_dict())`).

Edits, all for the comparison: a made-up 8-word corpus replaces PTB, sizes are small, the loader does not shuffle,
word dropout is 0, the weights are loaded from `fill`, the `torch.randn` noise of the reparameterisation is a fixed
tensor (`randn` below), `.data[0]` (PyTorch 0.3) is `.item()` and `size_average=False` is `reduction='sum'` (as the
repository's later train.py has them), and the save path is the test's directory.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import contextlib
import io
import os
from collections import defaultdict

import numpy as np

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.utils.rnn as rnn_utils
from tinygrad_rnn.torch.utils.data import DataLoader, Dataset
from torch_expect import fill, float64, same  # noqa: F401 (float64 is an autouse fixture)


def randn(size):
    """The fixed noise standing for torch.randn(size)."""
    return torch.tensor(2 * fill(tuple(size), 7))


def to_var(x):
    if torch.cuda.is_available():
        x = x.cuda()
    return x


class SentenceVAE(nn.Module):

    def __init__(self, vocab_size, embedding_size, rnn_type, hidden_size, word_dropout, latent_size,
                sos_idx, eos_idx, pad_idx, max_sequence_length, num_layers=1, bidirectional=False):

        super().__init__()
        self.tensor = torch.cuda.FloatTensor if torch.cuda.is_available() else torch.Tensor

        self.max_sequence_length = max_sequence_length
        self.sos_idx = sos_idx
        self.eos_idx = eos_idx
        self.pad_idx = pad_idx

        self.latent_size = latent_size

        self.rnn_type = rnn_type
        self.bidirectional = bidirectional
        self.num_layers = num_layers
        self.hidden_size = hidden_size

        self.embedding = nn.Embedding(vocab_size, embedding_size)
        self.word_dropout = nn.Dropout(p=word_dropout)

        if rnn_type == 'rnn':
            rnn = nn.RNN
        elif rnn_type == 'gru':
            rnn = nn.GRU
        else:
            raise ValueError()

        self.encoder_rnn = rnn(embedding_size, hidden_size, num_layers=num_layers, bidirectional=self.bidirectional,
                               batch_first=True)
        self.decoder_rnn = rnn(embedding_size, hidden_size, num_layers=num_layers, bidirectional=self.bidirectional,
                               batch_first=True)

        self.hidden_factor = (2 if bidirectional else 1) * num_layers

        self.hidden2mean = nn.Linear(hidden_size * self.hidden_factor, latent_size)
        self.hidden2logv = nn.Linear(hidden_size * self.hidden_factor, latent_size)
        self.latent2hidden = nn.Linear(latent_size, hidden_size * self.hidden_factor)
        self.outputs2vocab = nn.Linear(hidden_size * (2 if bidirectional else 1), vocab_size)

    def forward(self, input_sequence, length):

        batch_size = input_sequence.size(0)
        sorted_lengths, sorted_idx = torch.sort(length, descending=True)
        input_sequence = input_sequence[sorted_idx]

        # ENCODER
        input_embedding = self.embedding(input_sequence)

        packed_input = rnn_utils.pack_padded_sequence(input_embedding, sorted_lengths.data.tolist(), batch_first=True)

        _, hidden = self.encoder_rnn(packed_input)

        if self.bidirectional or self.num_layers > 1:
            # flatten hidden state
            hidden = hidden.view(batch_size, self.hidden_size*self.hidden_factor)
        else:
            hidden = hidden.squeeze()

        # REPARAMETERIZATION
        mean = self.hidden2mean(hidden)
        logv = self.hidden2logv(hidden)
        std = torch.exp(0.5 * logv)

        z = to_var(randn([batch_size, self.latent_size]))
        z = z * std + mean

        # DECODER
        hidden = self.latent2hidden(z)

        if self.bidirectional or self.num_layers > 1:
            # unflatten hidden state
            hidden = hidden.view(self.hidden_factor, batch_size, self.hidden_size)
        else:
            hidden = hidden.unsqueeze(0)

        # decoder input
        input_embedding = self.word_dropout(input_embedding)
        packed_input = rnn_utils.pack_padded_sequence(input_embedding, sorted_lengths.data.tolist(), batch_first=True)

        # decoder forward pass
        outputs, _ = self.decoder_rnn(packed_input, hidden)

        # process outputs
        padded_outputs = rnn_utils.pad_packed_sequence(outputs, batch_first=True)[0]
        padded_outputs = padded_outputs.contiguous()
        _,reversed_idx = torch.sort(sorted_idx)
        padded_outputs = padded_outputs[reversed_idx]
        b,s,_ = padded_outputs.size()

        # project outputs to vocab
        logp = nn.functional.log_softmax(self.outputs2vocab(padded_outputs.view(-1, padded_outputs.size(2))), dim=-1)
        logp = logp.view(b, s, self.embedding.num_embeddings)


        return logp, mean, logv, z


# ---- a made-up corpus in PTB's format: <pad>=0, <unk>=1, <sos>=2, <eos>=3
SENTENCES = [[4, 5, 6], [7, 8], [4, 9, 10, 11], [6, 5], [8, 7, 4, 9], [10, 11, 5]]


class MadeUpPTB(Dataset):
    pad_idx, unk_idx, sos_idx, eos_idx, vocab_size = 0, 1, 2, 3, 12

    def __init__(self, sentences, max_sequence_length=6):
        self.data = []
        for words in sentences:
            input = [self.sos_idx] + words
            target = words + [self.eos_idx]
            length = len(input)
            input.extend([self.pad_idx] * (max_sequence_length - length))
            target.extend([self.pad_idx] * (max_sequence_length - length))
            self.data.append({'input': input, 'target': target, 'length': length})

    def __len__(self):
        return len(self.data)

    def __getitem__(self, idx):
        return {'input': np.asarray(self.data[idx]['input']), 'target': np.asarray(self.data[idx]['target']),
                'length': self.data[idx]['length']}


def vae_run(workdir) -> dict:
    datasets = {'train': MadeUpPTB(SENTENCES), 'valid': MadeUpPTB(SENTENCES[::-1][:3])}
    splits = ['train', 'valid']
    model = SentenceVAE(vocab_size=datasets['train'].vocab_size, sos_idx=datasets['train'].sos_idx,
                        eos_idx=datasets['train'].eos_idx, pad_idx=datasets['train'].pad_idx,
                        max_sequence_length=6, embedding_size=4, rnn_type='gru', hidden_size=5,
                        word_dropout=0, latent_size=3, num_layers=1, bidirectional=False)
    state = model.state_dict()
    model.load_state_dict({k: torch.tensor(fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})

    def kl_anneal_function(anneal_function, step, k, x0):
        if anneal_function == 'logistic':
            return float(1/(1+np.exp(-k*(step-x0))))
        elif anneal_function == 'linear':
            return min(1, step/x0)

    NLL = torch.nn.NLLLoss(ignore_index=datasets['train'].pad_idx, reduction='sum')
    def loss_fn(logp, target, length, mean, logv, anneal_function, step, k, x0):
        target = target[:, :torch.max(length).item()].contiguous().view(-1)
        logp = logp.view(-1, logp.size(2))
        NLL_loss = NLL(logp, target)
        KL_loss = -0.5 * torch.sum(1 + logv - mean.pow(2) - logv.exp())
        KL_weight = kl_anneal_function(anneal_function, step, k, x0)
        return NLL_loss, KL_loss, KL_weight

    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    tensor = torch.cuda.FloatTensor if torch.cuda.is_available() else torch.Tensor
    step = 0
    out, losses = io.StringIO(), []
    with contextlib.redirect_stdout(out):
        for epoch in range(2):
            for split in splits:
                data_loader = DataLoader(dataset=datasets[split], batch_size=3, shuffle=False)
                tracker = defaultdict(torch.Tensor)
                if split == 'train':
                    model.train()
                else:
                    model.eval()
                for iteration, batch in enumerate(data_loader):
                    batch_size = batch['input'].size(0)
                    for k, v in batch.items():
                        if torch.is_tensor(v):
                            batch[k] = to_var(v)
                    logp, mean, logv, z = model(batch['input'], batch['length'])
                    NLL_loss, KL_loss, KL_weight = loss_fn(logp, batch['target'], batch['length'], mean, logv,
                                                           'logistic', step, 0.5, 2)
                    loss = (NLL_loss + KL_weight * KL_loss) / batch_size
                    if split == 'train':
                        optimizer.zero_grad()
                        loss.backward()
                        optimizer.step()
                        step += 1
                    losses.append(loss.item())
                    tracker['ELBO'] = torch.cat((tracker['ELBO'], loss.data.view(1, -1)), dim=0)
                    if iteration % 1 == 0 or iteration+1 == len(data_loader):
                        print("%s Batch %04d/%i, Loss %9.4f, NLL-Loss %9.4f, KL-Loss %9.4f, KL-Weight %6.3f"
                              % (split.upper(), iteration, len(data_loader)-1, loss.item(), NLL_loss.item()/batch_size,
                                 KL_loss.item()/batch_size, KL_weight))
                    if split == 'valid':
                        tracker['z'] = torch.cat((tracker['z'], z.data), dim=0)
                print("%s Epoch %02d/%i, Mean ELBO %9.4f" % (split.upper(), epoch, 2, torch.mean(tracker['ELBO'])))
                if split == 'valid':
                    dump = {'z': tracker['z'].tolist()}
                if split == 'train':
                    checkpoint_path = os.path.join(workdir, "E%i.pytorch" % (epoch))
                    torch.save(model.state_dict(), checkpoint_path)
    return {"printed": out.getvalue().splitlines(), "losses": losses, "z": dump['z'],
            "elbo": [list(tracker['ELBO'].shape), tracker['ELBO'].dtype == torch.float64],
            "logp": logp.flatten().tolist()[:20]}


def pytorch_values(workdir) -> dict:
    return vae_run(workdir)


EXPECTED = {'elbo': [[1, 1], True],
            'logp': [-3.011958323907821, -3.3632462322341734, -2.975999532010012, -1.8884398541608842,
                     -1.9893176639244265, -2.418600604928619, -2.8262417553743324, -2.5623245880697407,
                     -2.357872827658147, -2.4108629674264197, -2.442793097567492, -2.520667367284591,
                     -2.8004807291535485, -3.209186651527552, -2.8896864159900453, -1.6035601657526115,
                     -2.0432982455556643, -2.4009249738425487, -2.79554786895955, -2.688451991346079],
            'losses': [10.27330787239606, 9.91072045646734, 9.381109728633886, 9.205423152634019, 9.049242439134074,
                       8.674025983253296],
            'printed': ['TRAIN Batch 0000/1, Loss   10.2733, NLL-Loss   10.1469, KL-Loss    0.4699, KL-Weight  '
                        '0.269',
                        'TRAIN Batch 0001/1, Loss    9.9107, NLL-Loss    9.8525, KL-Loss    0.1542, KL-Weight  '
                        '0.378',
                        'TRAIN Epoch 00/2, Mean ELBO   10.0920',
                        'VALID Batch 0000/0, Loss    9.3811, NLL-Loss    9.3370, KL-Loss    0.0882, KL-Weight  '
                        '0.500',
                        'VALID Epoch 00/2, Mean ELBO    9.3811',
                        'TRAIN Batch 0000/1, Loss    9.2054, NLL-Loss    9.1508, KL-Loss    0.1092, KL-Weight  '
                        '0.500',
                        'TRAIN Batch 0001/1, Loss    9.0492, NLL-Loss    9.0216, KL-Loss    0.0444, KL-Weight  '
                        '0.622',
                        'TRAIN Epoch 01/2, Mean ELBO    9.1273',
                        'VALID Batch 0000/0, Loss    8.6740, NLL-Loss    8.6570, KL-Loss    0.0233, KL-Weight  '
                        '0.731',
                        'VALID Epoch 01/2, Mean ELBO    8.6740'],
            'z': [[0.7550522155336076, 0.8299700815172599, -0.13404350830358897],
                  [-0.8851004020082547, -0.52990542094484, 0.7975823659314074],
                  [0.7901905554583148, -0.4984134266776648, -1.0574325273333396]]}


def test_program_gives_pytorchs_numbers(tmp_path):
    for key, value in vae_run(tmp_path).items():
        same(value, EXPECTED[key], key)
