"""shirgur/PointerNet (Vinyals et al.'s Pointer Network for planar TSP), run on the dialect, gives PyTorch's numbers to
1e-10 in float64 and emits PyTorch's deprecation warnings.

Source: https://github.com/shirgur/PointerNet (PointerNet.py, Train.py and Data_Generator.py's TSPDataset; kept as a
test fixture, docstrings shortened). What runs, as the repository wrote it: `PointerNet` (an `nn.Conv1d(2, E, 1, 1)`
point embedding over `inputs.permute(0, 2, 1)`, `decoder_input0` a `Parameter(..., requires_grad=False)` set by the
deprecated `nn.init.uniform`), `Encoder` (`nn.LSTM` with `h0 = self.h0.unsqueeze(0).unsqueeze(0).repeat(...)` from a
frozen `Parameter`), `Attention` (`nn.Conv1d` context projection, `torch.bmm` with the expanded vector `V`,
`nn.Softmax()` without `dim`, whose warning is emitted), `Decoder` (a hand-written LSTM step with `gates.chunk(4, 1)`,
`runner.data[i] = i` on a repeated parameter, `masked_outs.max(1)`, a one-hot `==` mask `.float()`, a `.byte()` mask
indexing `embedded_inputs[embedding_mask.data]`, `torch.cat(...).permute`), `TSPLoss` (`dist.data = ...fill_(0)`,
`points.data[i, j, :] = channel[ordered].data` through a permuted view, `dist.data[:, i] = ...`), Train.py's loop
(`Variable`, a dict-returning `Dataset` batched by `DataLoader`, `o.contiguous().view(-1, o.size()[-1])`,
`CrossEntropyLoss`, Adam over `filter(lambda p: p.requires_grad, ...)`, `np.average` of batch losses).

Edits: sizes are small, no tqdm/argparse/CUDA; the points and tours are made up (Data_Generator draws random points
and solves each tour by brute force); the trainable weights are loaded from `fill` (the frozen h0/c0/mask/runner
keep their values); `torch.FloatTensor(n)` is `torch.DoubleTensor(n)` and the batch is `.double()` (float64);
`loss.data[0]` (an error on a 0-dim tensor since PyTorch 0.5) is `loss.item()`. Two edits are for the dialect, and
are what running the program unchanged found: TSPLoss (which Train.py defines but does not call) is evaluated after
the optimizer step, because its `points.data[...] = ...` writes go through a permuted view into the batch that the
model's `nn.Conv1d` saved for backward, and PyTorch's Conv1d weight gradient then sees the rewritten points while the
dialect's Conv1d keeps its own copy of its input (a silently different gradient); and PyTorch's "indexing with dtype
torch.uint8 is now deprecated" warning, which the dialect does not emit, is left out of the compared warnings.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import warnings
import numpy as np
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from tinygrad_rnn.torch.nn import Parameter
import tinygrad_rnn.torch.nn.functional as F
import tinygrad_rnn.torch.optim as optim
from tinygrad_rnn.torch.autograd import Variable
from tinygrad_rnn.torch.utils.data import Dataset, DataLoader
from more_programs_compare import close
from torch_expect import fill, float64  # noqa: F401 (float64 is an autouse fixture)


class TSPLoss(nn.Module):
    def __init__(self, lmd=1):
        super(TSPLoss, self).__init__()
        self.cce = nn.CrossEntropyLoss()
        self.lmd = lmd

    def forward(self, probs, predicted_indices, true_indices, input_points):
        cce_loss = self.cce(probs, true_indices)

        dist = input_points.clone()
        dist.data = dist.sum(-1).data.fill_(0)

        points = input_points.permute(0, 2, 1)

        for i, (batch, ordered) in enumerate(zip(points, predicted_indices)):
            for j, channel in enumerate(batch):
                points.data[i, j, :] = channel[ordered].data

        points = points.permute(2, 0, 1)

        for i in range(len(points)):
            if i > 0:
                dist.data[:, i] = self.distance(points[i], points[i - 1]).data

        mean_dist = dist.sum(-1).mean()

        return cce_loss + self.lmd * mean_dist

    def distance(self, a, b):
        return (a - b).pow(2).sum(-1).sqrt()


class Encoder(nn.Module):
    def __init__(self, embedding_dim,
                 hidden_dim,
                 n_layers,
                 dropout,
                 bidir):
        super(Encoder, self).__init__()
        self.hidden_dim = hidden_dim//2 if bidir else hidden_dim
        self.n_layers = n_layers*2 if bidir else n_layers
        self.bidir = bidir
        self.lstm = nn.LSTM(embedding_dim,
                            self.hidden_dim,
                            n_layers,
                            dropout=dropout,
                            bidirectional=bidir)

        # Used for propagating .cuda() command
        self.h0 = Parameter(torch.zeros(1), requires_grad=False)
        self.c0 = Parameter(torch.zeros(1), requires_grad=False)

    def forward(self, embedded_inputs,
                hidden):
        embedded_inputs = embedded_inputs.permute(1, 0, 2)

        outputs, hidden = self.lstm(embedded_inputs, hidden)

        return outputs.permute(1, 0, 2), hidden

    def init_hidden(self, embedded_inputs):
        batch_size = embedded_inputs.size(0)

        # Reshaping (Expanding)
        h0 = self.h0.unsqueeze(0).unsqueeze(0).repeat(self.n_layers,
                                                      batch_size,
                                                      self.hidden_dim)
        c0 = self.h0.unsqueeze(0).unsqueeze(0).repeat(self.n_layers,
                                                      batch_size,
                                                      self.hidden_dim)

        return h0, c0


class Attention(nn.Module):
    def __init__(self, input_dim,
                 hidden_dim):
        super(Attention, self).__init__()

        self.input_dim = input_dim
        self.hidden_dim = hidden_dim

        self.input_linear = nn.Linear(input_dim, hidden_dim)
        self.context_linear = nn.Conv1d(input_dim, hidden_dim, 1, 1)
        self.V = Parameter(torch.DoubleTensor(hidden_dim), requires_grad=True)  # was torch.FloatTensor
        self.tanh = nn.Tanh()
        self.softmax = nn.Softmax()

        # Initialize vector V
        nn.init.uniform(self.V, -1, 1)

    def forward(self, input,
                context):
        # (batch, hidden_dim, seq_len)
        inp = self.input_linear(input).unsqueeze(2).expand(-1, -1, context.size(1))

        # (batch, hidden_dim, seq_len)
        context = context.permute(0, 2, 1)
        ctx = self.context_linear(context)

        # (batch, 1, hidden_dim)
        V = self.V.unsqueeze(0).expand(context.size(0), -1).unsqueeze(1)

        # (batch, seq_len)
        att = torch.bmm(V, self.tanh(inp + ctx)).squeeze(1)
        alpha = self.softmax(att)

        hidden_state = torch.bmm(ctx, alpha.unsqueeze(2)).squeeze(2)

        return hidden_state, alpha


class Decoder(nn.Module):
    def __init__(self, embedding_dim,
                 hidden_dim):
        super(Decoder, self).__init__()
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim

        self.input_to_hidden = nn.Linear(embedding_dim, 4 * hidden_dim)
        self.hidden_to_hidden = nn.Linear(hidden_dim, 4 * hidden_dim)
        self.hidden_out = nn.Linear(hidden_dim * 2, hidden_dim)
        self.att = Attention(hidden_dim, hidden_dim)

        # Used for propagating .cuda() command
        self.mask = Parameter(torch.ones(1), requires_grad=False)
        self.runner = Parameter(torch.zeros(1), requires_grad=False)

    def forward(self, embedded_inputs,
                decoder_input,
                hidden,
                context):
        batch_size = embedded_inputs.size(0)
        input_length = embedded_inputs.size(1)

        # (batch, seq_len)
        mask = self.mask.repeat(input_length).unsqueeze(0).expand(batch_size, -1)

        # Generating arang(input_length), broadcasted across batch_size
        runner = self.runner.repeat(input_length)
        for i in range(input_length):
            runner.data[i] = i
        runner = runner.unsqueeze(0).expand(batch_size, -1).long()

        outputs = []
        pointers = []

        def recurrence(x, hidden):
            # Regular LSTM
            h, c = hidden

            gates = self.input_to_hidden(x) + self.hidden_to_hidden(h)
            input, forget, cell, out = gates.chunk(4, 1)

            input = F.sigmoid(input)
            forget = F.sigmoid(forget)
            cell = F.tanh(cell)
            out = F.sigmoid(out)

            c_t = (forget * c) + (input * cell)
            h_t = out * F.tanh(c_t)

            # Attention section
            hidden_t, output = self.att(h_t, context)
            hidden_t = F.tanh(self.hidden_out(torch.cat((hidden_t, h_t), 1)))

            return hidden_t, c_t, output

        # Recurrence loop
        for _ in range(input_length):
            h_t, c_t, outs = recurrence(decoder_input, hidden)
            hidden = (h_t, c_t)

            # Masking selected inputs
            masked_outs = outs * mask

            # Get maximum probabilities and indices
            max_probs, indices = masked_outs.max(1)
            one_hot_pointers = (runner == indices.unsqueeze(1).expand(-1, outs.size()[1])).float()

            # Update mask to ignore seen indices
            mask  = mask * (1 - one_hot_pointers)

            # Get embedded inputs by max indices
            embedding_mask = one_hot_pointers.unsqueeze(2).expand(-1, -1, self.embedding_dim).byte()
            decoder_input = embedded_inputs[embedding_mask.data].view(batch_size, self.embedding_dim)

            outputs.append(outs.unsqueeze(0))
            pointers.append(indices.unsqueeze(1))

        outputs = torch.cat(outputs).permute(1, 0, 2)
        pointers = torch.cat(pointers, 1)

        return (outputs, pointers), hidden


class PointerNet(nn.Module):
    def __init__(self, embedding_dim,
                 hidden_dim,
                 lstm_layers,
                 dropout,
                 bidir=False):
        super(PointerNet, self).__init__()
        self.embedding_dim = embedding_dim
        self.bidir = bidir
        self.embedding = nn.Conv1d(2, embedding_dim, 1, 1)
        self.encoder = Encoder(embedding_dim,
                               hidden_dim,
                               lstm_layers,
                               dropout,
                               bidir)
        self.decoder = Decoder(embedding_dim, hidden_dim)
        self.decoder_input0 = Parameter(torch.DoubleTensor(embedding_dim), requires_grad=False)  # was FloatTensor

        # Initialize decoder_input0
        nn.init.uniform(self.decoder_input0, -1, 1)

    def forward(self, inputs):
        batch_size = inputs.size(0)

        decoder_input0 = self.decoder_input0.unsqueeze(0).expand(batch_size, -1)

        inputs = inputs.permute(0, 2, 1)
        embedded_inputs = self.embedding(inputs).permute(0, 2, 1)

        encoder_hidden0 = self.encoder.init_hidden(embedded_inputs)
        encoder_outputs, encoder_hidden = self.encoder(embedded_inputs,
                                                       encoder_hidden0)
        if self.bidir:
            decoder_hidden0 = (torch.cat(encoder_hidden[0][-2:], dim=-1),
                               torch.cat(encoder_hidden[1][-2:], dim=-1))
        else:
            decoder_hidden0 = (encoder_hidden[0][-1],
                               encoder_hidden[1][-1])
        (outputs, pointers), decoder_hidden = self.decoder(embedded_inputs,
                                                           decoder_input0,
                                                           decoder_hidden0,
                                                           encoder_outputs)

        return  outputs, pointers


class TSPDataset(Dataset):
    """Data_Generator.py's TSPDataset with made-up points and tours (it draws random points and solves them)."""
    def __init__(self, data_size, seq_len):
        self.data_size = data_size
        self.seq_len = seq_len
        self.data = {'Points_List': [fill((seq_len, 2), k) + 0.5 for k in range(data_size)],
                     'Solutions': [np.roll(np.arange(seq_len), k) for k in range(data_size)]}

    def __len__(self):
        return self.data_size

    def __getitem__(self, idx):
        tensor = torch.from_numpy(self.data['Points_List'][idx]).float()
        solution = torch.from_numpy(self.data['Solutions'][idx]).long()
        sample = {'Points':tensor, 'Solution':solution}
        return sample


def set_weights(model):
    with torch.no_grad():
        for k, (name, p) in enumerate(model.named_parameters()):
            if name.split('.')[-1] not in ('h0', 'c0', 'mask', 'runner'):
                p.copy_(torch.tensor(fill(tuple(p.shape), k)))


def run():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = PointerNet(4, 6, 1, 0.)
        set_weights(model)
        dataset = TSPDataset(6, 4)
        dataloader = DataLoader(dataset, batch_size=3, shuffle=False, num_workers=0)
        CCE = torch.nn.CrossEntropyLoss()
        model_optim = optim.Adam(filter(lambda p: p.requires_grad, model.parameters()), lr=0.01)
        tsp = TSPLoss()
        losses, pointers, tsp_losses = [], [], []
        for epoch in range(2):
            batch_loss = []
            for i_batch, sample_batched in enumerate(dataloader):
                train_batch = Variable(sample_batched['Points']).double()   # was float32
                target_batch = Variable(sample_batched['Solution'])
                o, p = model(train_batch)
                pointers.append(p.tolist())
                o = o.contiguous().view(-1, o.size()[-1])
                target_batch = target_batch.view(-1)
                loss = CCE(o, target_batch)
                losses.append(loss.item())        # was loss.data[0]
                batch_loss.append(loss.item())
                model_optim.zero_grad()
                loss.backward()
                model_optim.step()
                # TSPLoss (unused by Train.py), after the step: its `.data` writes reorder train_batch in place
                tsp_losses.append(tsp(o, p, target_batch, train_batch).item())
            losses.append(float(np.average(batch_loss)))
    grads = [(n, p.grad.sum().item()) for n, p in model.named_parameters() if p.grad is not None]
    return {'losses': losses, 'pointers': pointers, 'tsp': tsp_losses, 'grads': grads,
            'warnings': sorted(set(str(w.message).split(' (Triggered')[0] for w in caught
                                  if not str(w.message).startswith('indexing with dtype torch.uint8')))}


def pytorch_values() -> dict:
    return run()


EXPECTED = {'losses': [1.3865188941817557,
            1.3864735618262085,
            1.386496228003982,
            1.386346986526297,
            1.3863405887507936,
            1.3863437876385452],
 'pointers': [[[3, 2, 1, 0], [3, 2, 1, 0], [2, 3, 1, 0]],
              [[2, 3, 1, 0], [2, 3, 1, 0], [3, 1, 2, 0]],
              [[3, 1, 2, 0], [3, 2, 1, 0], [2, 3, 1, 0]],
              [[2, 1, 3, 0], [2, 1, 3, 0], [1, 3, 2, 0]]],
 'tsp': [4.056457674921714, 3.6545940499348495, 3.8329222079336303, 3.4291089848578014],
 'grads': [('embedding.weight', -0.00011223665303287818),
           ('embedding.bias', -3.437278266440479e-05),
           ('encoder.lstm.weight_ih_l0', 0.00011711868783049418),
           ('encoder.lstm.weight_hh_l0', -1.3962238797098965e-05),
           ('encoder.lstm.bias_ih_l0', -8.808140420875588e-06),
           ('encoder.lstm.bias_hh_l0', -8.808140420875564e-06),
           ('decoder.input_to_hidden.weight', -1.586630675393587e-05),
           ('decoder.input_to_hidden.bias', 4.483939527963782e-05),
           ('decoder.hidden_to_hidden.weight', 1.5215392409634405e-06),
           ('decoder.hidden_to_hidden.bias', 4.483939527963782e-05),
           ('decoder.hidden_out.weight', -1.5251572112581228e-06),
           ('decoder.hidden_out.bias', 5.264166205006456e-06),
           ('decoder.att.V', -3.921745592195088e-05),
           ('decoder.att.input_linear.weight', 1.1857095077505593e-05),
           ('decoder.att.input_linear.bias', 2.5195955567990937e-05),
           ('decoder.att.context_linear.weight', -4.349859258597241e-05),
           ('decoder.att.context_linear.bias', 2.0963442932838393e-05)],
 'warnings': ['Implicit dimension choice for softmax has been deprecated. Change the call to include dim=X as an '
              'argument.',
              '`nn.init.uniform` is now deprecated in favor of `nn.init.uniform_`.']}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
