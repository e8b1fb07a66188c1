"""zhykoties/TimeSeries (a PyTorch DeepAR: an LSTM that predicts a Gaussian per step), run on the dialect, gives PyTorch's
numbers to 1e-10 in float64.

Source: https://github.com/zhykoties/TimeSeries (model/net.py, train.py and, condensed, evaluate.py; Apache-2.0 license,
copyright Yunkai Zhang et al.; kept as a test fixture). What runs, as the repository wrote it: `Net` (`nn.Embedding` of the
series id, a 2-layer `nn.LSTM`, the forget-gate biases set with `bias.data[start:end].fill_(1.)` by name,
`hidden.permute(1, 2, 0).contiguous().view(hidden.shape[1], -1)` into two `nn.Linear` heads, `nn.Softplus` sigma,
`torch.squeeze`), `Net.test` with and without sampling (`x[self.params.predict_start + t + 1, :, 0] = mu_de` writing
the forecast back into the input under `torch.no_grad()`, `samples[j, :, t] = ...`, `torch.median(samples, dim=0)[0]`,
`samples.std(dim=0)`), `loss_fn` (`torch.distributions.normal.Normal(mu[zero_index], sigma[zero_index]).log_prob`
over the non-missing labels), `accuracy_ND`, `accuracy_RMSE`, `accuracy_ROU` (`torch.topk(..., dim=0, k=...)[0][-1, :]`,
boolean indexing), train.py's `train` (`train_batch.permute(1, 0, 2).to(...)`, `loss = torch.zeros(1)` with `loss +=`
per step, `train_batch[t].unsqueeze_(0).clone()`, Adam, `np.zeros(len(train_loader))` of losses, the f-string log
line), evaluate.py's conditioning loop (`test_batch[t,zero_index,0] = mu[zero_index]` for a missing value,
`input_mu[:,t] = v_batch[:, 0] * mu + v_batch[:, 1]`), a `Dataset` of numpy windows batched by `DataLoader`'s default
collate.

Edits, for the comparison: made-up windows replace the electricity data (no pandas), sizes are small, the weights are
loaded from `fill`, `.to(torch.float32)` is `.to(torch.float64)`, the evaluation's metrics are summed over batches
without the repository's `utils` module, and `gaussian.sample()` is `gaussian.mean + gaussian.stddev * NOISE[j, :, t]`
with fixed noise (each library has its own random numbers). Two edits are for the dialect, and are what running the
program unchanged found: `self.lstm._all_weights` (missing here: AttributeError) is written out as the lists of names
it holds, and the training data has no missing value after the first step, because train.py's
`train_batch[t, zero_index, 0] = mu[zero_index]` writes a value that requires grad into a view (the permuted batch),
which the dialect refuses (it has no version counters; PyTorch records it as CopySlices).
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch` standing for
PyTorch), printed as literals.
"""
import io, contextlib, math
import numpy as np
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.optim as optim
from tinygrad_rnn.torch.autograd import Variable
from tinygrad_rnn.torch.utils.data import DataLoader, Dataset
from more_programs_compare import close
from torch_expect import fill, float64, set_params  # noqa: F401 (float64 is an autouse fixture)

class Net(nn.Module):
    def __init__(self, params):
        super(Net, self).__init__()
        self.params = params
        self.embedding = nn.Embedding(params.num_class, params.embedding_dim)

        self.lstm = nn.LSTM(input_size=1+params.cov_dim+params.embedding_dim,
                            hidden_size=params.lstm_hidden_dim,
                            num_layers=params.lstm_layers,
                            bias=True,
                            batch_first=False,
                            dropout=params.lstm_dropout)
        # initialize LSTM forget gate bias to be 1 as recommanded by http://proceedings.mlr.press/v37/jozefowicz15.pdf
        for names in [[n for n, _ in self.lstm.named_parameters() if n.endswith('_l%d' % k)]
                      for k in range(params.lstm_layers)]:  # was self.lstm._all_weights
            for name in filter(lambda n: "bias" in n, names):
                bias = getattr(self.lstm, name)
                n = bias.size(0)
                start, end = n // 4, n // 2
                bias.data[start:end].fill_(1.)

        self.relu = nn.ReLU()
        self.distribution_mu = nn.Linear(params.lstm_hidden_dim * params.lstm_layers, 1)
        self.distribution_presigma = nn.Linear(params.lstm_hidden_dim * params.lstm_layers, 1)
        self.distribution_sigma = nn.Softplus()

    def forward(self, x, idx, hidden, cell):
        onehot_embed = self.embedding(idx) #TODO: is it possible to do this only once per window instead of per step?
        lstm_input = torch.cat((x, onehot_embed), dim=2)
        output, (hidden, cell) = self.lstm(lstm_input, (hidden, cell))
        # use h from all three layers to calculate mu and sigma
        hidden_permute = hidden.permute(1, 2, 0).contiguous().view(hidden.shape[1], -1)
        pre_sigma = self.distribution_presigma(hidden_permute)
        mu = self.distribution_mu(hidden_permute)
        sigma = self.distribution_sigma(pre_sigma)  # softplus to make sure standard deviation is positive
        return torch.squeeze(mu), torch.squeeze(sigma), hidden, cell

    def init_hidden(self, input_size):
        return torch.zeros(self.params.lstm_layers, input_size, self.params.lstm_hidden_dim, device=self.params.device)

    def init_cell(self, input_size):
        return torch.zeros(self.params.lstm_layers, input_size, self.params.lstm_hidden_dim, device=self.params.device)

    def test(self, x, v_batch, id_batch, hidden, cell, sampling=False):
        batch_size = x.shape[1]
        if sampling:
            samples = torch.zeros(self.params.sample_times, batch_size, self.params.predict_steps,
                                       device=self.params.device)
            for j in range(self.params.sample_times):
                decoder_hidden = hidden
                decoder_cell = cell
                for t in range(self.params.predict_steps):
                    mu_de, sigma_de, decoder_hidden, decoder_cell = self(x[self.params.predict_start + t].unsqueeze(0),
                                                                         id_batch, decoder_hidden, decoder_cell)
                    gaussian = torch.distributions.normal.Normal(mu_de, sigma_de)
                    pred = gaussian.mean + gaussian.stddev * NOISE[j, :, t]  # was gaussian.sample()  # not scaled
                    samples[j, :, t] = pred * v_batch[:, 0] + v_batch[:, 1]
                    if t < (self.params.predict_steps - 1):
                        x[self.params.predict_start + t + 1, :, 0] = mu_de

            sample_mu = torch.median(samples, dim=0)[0]
            sample_sigma = samples.std(dim=0)
            return samples, sample_mu, sample_sigma

        else:
            decoder_hidden = hidden
            decoder_cell = cell
            sample_mu = torch.zeros(batch_size, self.params.predict_steps, device=self.params.device)
            sample_sigma = torch.zeros(batch_size, self.params.predict_steps, device=self.params.device)
            for t in range(self.params.predict_steps):
                mu_de, sigma_de, decoder_hidden, decoder_cell = self(x[self.params.predict_start + t].unsqueeze(0),
                                                                     id_batch, decoder_hidden, decoder_cell)
                sample_mu[:, t] = mu_de * v_batch[:, 0] + v_batch[:, 1]
                sample_sigma[:, t] = sigma_de * v_batch[:, 0]
                if t < (self.params.predict_steps - 1):
                    x[self.params.predict_start + t + 1, :, 0] = mu_de
            return sample_mu, sample_sigma


def loss_fn(mu: Variable, sigma: Variable, labels: Variable):
    zero_index = (labels != 0)
    distribution = torch.distributions.normal.Normal(mu[zero_index], sigma[zero_index])
    likelihood = distribution.log_prob(labels[zero_index])
    return -torch.mean(likelihood)


def accuracy_ND(mu: torch.Tensor, labels: torch.Tensor, relative = False):
    zero_index = (labels != 0)
    if relative:
        diff = torch.mean(torch.abs(mu[zero_index] - labels[zero_index])).item()
        return [diff, 1]
    else:
        diff = torch.sum(torch.abs(mu[zero_index] - labels[zero_index])).item()
        summation = torch.sum(torch.abs(labels[zero_index])).item()
        return [diff, summation]


def accuracy_RMSE(mu: torch.Tensor, labels: torch.Tensor, relative = False):
    zero_index = (labels != 0)
    diff = torch.sum(torch.mul((mu[zero_index] - labels[zero_index]), (mu[zero_index] - labels[zero_index]))).item()
    if relative:
        return [diff, torch.sum(zero_index).item(), torch.sum(zero_index).item()]
    else:
        summation = torch.sum(torch.abs(labels[zero_index])).item()
        return [diff, summation, torch.sum(zero_index).item()]


def accuracy_ROU(rou: float, samples: torch.Tensor, labels: torch.Tensor, relative = False):
    numerator = 0
    denominator = 0
    pred_samples = samples.shape[0]
    for t in range(labels.shape[1]):
        zero_index = (labels[:, t] != 0)
        if zero_index.numel() > 0:
            rou_th = math.ceil(pred_samples * (1 - rou))
            rou_pred = torch.topk(samples[:, zero_index, t], dim=0, k=rou_th)[0][-1, :]
            abs_diff = labels[:, t][zero_index] - rou_pred
            numerator += 2 * (torch.sum(rou * abs_diff[labels[:, t][zero_index] > rou_pred]) - torch.sum(
                (1 - rou) * abs_diff[labels[:, t][zero_index] <= rou_pred])).item()
            denominator += torch.sum(labels[:, t][zero_index]).item()
    if relative:
        return [numerator, torch.sum(labels != 0).item()]
    else:
        return [numerator, denominator]


class Params:
    num_class = 3; embedding_dim = 2; cov_dim = 2; lstm_hidden_dim = 4; lstm_layers = 2; lstm_dropout = 0.0
    train_window = 6; predict_start = 4; predict_steps = 2; sample_times = 3; batch_size = 2; learning_rate = 0.01
    device = torch.device('cpu'); sampling = False


class TrainDataset(Dataset):
    def __init__(self, n):
        x = fill((n, Params.train_window, 2 + Params.cov_dim), 3) + 1.0
        x[:, :, -1] = np.arange(n)[:, None] % Params.num_class
        x[:, 0, 0] = 0                       # z_0 = 0
        self.data = x
        self.label = np.roll(x[:, :, 0], -1, axis=1) + 0.05
        self.label[0, 2] = 0                 # a missing label, left out of the likelihood
        self.train_len = n
    def __len__(self):
        return self.train_len
    def __getitem__(self, index):
        return (self.data[index,:,:-1],int(self.data[index,0,-1]),self.label[index])


class TestDataset(Dataset):
    def __init__(self, n):
        self.data = fill((n, Params.train_window, 2 + Params.cov_dim), 5) + 1.0
        self.data[:, :, -1] = np.arange(n)[:, None] % Params.num_class
        self.data[:, 0, 0] = 0
        self.data[1, 2, 0] = 0               # a missing value, filled from mu under no_grad
        self.v = np.stack([np.linspace(1.0, 2.0, n), np.linspace(0.0, 0.5, n)], axis=1)
        self.label = np.roll(self.data[:, :, 0], -1, axis=1) + 0.1
        self.test_len = n
    def __len__(self):
        return self.test_len
    def __getitem__(self, index):
        return (self.data[index,:,:-1],int(self.data[index,0,-1]),self.v[index],self.label[index])


TestDataset.__test__ = False   # not a pytest class


def train(model, optimizer, loss_fn, train_loader, params, epoch, log):
    model.train()
    loss_epoch = np.zeros(len(train_loader))
    for i, (train_batch, idx, labels_batch) in enumerate(train_loader):
        optimizer.zero_grad()
        batch_size = train_batch.shape[0]

        train_batch = train_batch.permute(1, 0, 2).to(torch.float64).to(params.device)  # not scaled
        labels_batch = labels_batch.permute(1, 0).to(torch.float64).to(params.device)  # not scaled
        idx = idx.unsqueeze(0).to(params.device)

        loss = torch.zeros(1, device=params.device)
        hidden = model.init_hidden(batch_size)
        cell = model.init_cell(batch_size)

        for t in range(params.train_window):
            # if z_t is missing, replace it by output mu from the last time step
            zero_index = (train_batch[t, :, 0] == 0)
            if t > 0 and torch.sum(zero_index) > 0:
                train_batch[t, zero_index, 0] = mu[zero_index]
            mu, sigma, hidden, cell = model(train_batch[t].unsqueeze_(0).clone(), idx, hidden, cell)
            loss += loss_fn(mu, sigma, labels_batch[t])

        loss.backward()
        optimizer.step()
        loss = loss.item() / params.train_window  # loss per timestep
        loss_epoch[i] = loss
        if i == 0:
            log.append(f'train_loss: {loss}')
    return loss_epoch


def evaluate(model, loss_fn, test_loader, params, sample=True):
    """evaluate.py, condensed: the metrics summed over batches."""
    model.eval()
    with torch.no_grad():
        nd = [0.0, 0.0]; rmse = [0.0, 0.0, 0.0]; rou50 = [0.0, 0.0]; outs = []
        for i, (test_batch, id_batch, v, labels) in enumerate(test_loader):
            test_batch = test_batch.permute(1, 0, 2).to(torch.float64).to(params.device)
            id_batch = id_batch.unsqueeze(0).to(params.device)
            v_batch = v.to(torch.float64).to(params.device)
            labels = labels.to(torch.float64).to(params.device)
            batch_size = test_batch.shape[1]
            input_mu = torch.zeros(batch_size, params.predict_start, device=params.device) # scaled
            input_sigma = torch.zeros(batch_size, params.predict_start, device=params.device) # scaled
            hidden = model.init_hidden(batch_size)
            cell = model.init_cell(batch_size)

            for t in range(params.predict_start):
                # if z_t is missing, replace it by output mu from the last time step
                zero_index = (test_batch[t,:,0] == 0)
                if t > 0 and torch.sum(zero_index) > 0:
                    test_batch[t,zero_index,0] = mu[zero_index]

                mu, sigma, hidden, cell = model(test_batch[t].unsqueeze(0), id_batch, hidden, cell)
                input_mu[:,t] = v_batch[:, 0] * mu + v_batch[:, 1]
                input_sigma[:,t] = v_batch[:, 0] * sigma

            if sample:
                samples, sample_mu, sample_sigma = model.test(test_batch, v_batch, id_batch, hidden, cell, sampling=True)
                r = accuracy_ROU(0.5, samples, labels[:, params.predict_start:])
                rou50 = [a + b for a, b in zip(rou50, r)]
                outs.append(samples.sum().item())
            else:
                sample_mu, sample_sigma = model.test(test_batch, v_batch, id_batch, hidden, cell)
            nd = [a + b for a, b in zip(nd, accuracy_ND(sample_mu, labels[:, params.predict_start:]))]
            rmse = [a + b for a, b in zip(rmse, accuracy_RMSE(sample_mu, labels[:, params.predict_start:]))]
            outs += [input_mu.sum().item(), input_sigma.sum().item(), sample_mu.tolist(), sample_sigma.tolist()]
        metrics = {'ND': nd[0] / nd[1], 'RMSE': math.sqrt(rmse[0] / rmse[2]) / (rmse[1] / rmse[2])}
        if sample:
            metrics['rou50'] = rou50[0] / rou50[1]
    return metrics, outs


NOISE = torch.tensor(fill((Params.sample_times, 2, Params.predict_steps), 9)) * 2


def run():
    params = Params()
    model = Net(params)
    biases = [getattr(model.lstm, 'bias_ih_l0')[4:8].tolist(), model.lstm.bias_hh_l1[4:8].tolist()]
    set_params(model)
    train_loader = DataLoader(TrainDataset(4), batch_size=params.batch_size, shuffle=False)
    test_loader = DataLoader(TestDataset(2), batch_size=2, shuffle=False)
    optimizer = optim.Adam(model.parameters(), lr=params.learning_rate)
    log, losses, metrics = [], [], []
    for epoch in range(2):
        losses.append(train(model, optimizer, loss_fn, train_loader, params, epoch, log).tolist())
        metrics.append(evaluate(model, loss_fn, test_loader, params, sample=False))
        metrics.append(evaluate(model, loss_fn, test_loader, params, sample=True))
    return {'biases': biases, 'log': log, 'losses': losses, 'metrics': metrics,
            'grads': [p.grad.sum().item() for p in model.parameters()]}


def pytorch_values() -> dict:
    return run()


EXPECTED = {'biases': [[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]],
            'log': ['train_loss: 2.443751977823078', 'train_loss: 2.0702898440075024'],
            'losses': [[2.443751977823078, 2.159721635161798], [2.0702898440075024, 1.8272505299869266]],
            'metrics': [({'ND': 0.859267743133035, 'RMSE': 1.0603235533268234},
                         [1.1641189775802454,
                          6.787475012650729,
                          [[0.025148607640893106, 0.04395416319695161], [0.49231851529576875, 0.4936555604867769]],
                          [[0.5218830926821549, 0.5440513579855784], [1.1210042461231984, 1.1645261591928224]]]),
                        ({'ND': 1.2039161677820776, 'RMSE': 1.5040820443770642, 'rou50': 1.2039161677820776},
                         [0.9275851847222961,
                          1.1641189775802454,
                          6.787475012650729,
                          [[0.2981277868375495, 0.15628307712507272], [-0.4300758334957393, -0.2997521421207685]],
                          [[0.1624257932846954, 0.4715499108434804], [0.5489662466545661, 0.7914528251899668]]]),
                        ({'ND': 0.8032427515300046, 'RMSE': 1.0283937859236099},
                         [2.276105169028819,
                          7.002537840002202,
                          [[0.1504184422430023, 0.17664006238701088], [0.7214758791732512, 0.7208919871113939]],
                          [[0.5428642041168474, 0.5621211016291565], [1.1629899961632977, 1.2088975727165752]]]),
                        ({'ND': 0.9981813803087648, 'RMSE': 1.2326272249910983, 'rou50': 0.9981813803087648},
                         [2.9876793370401904,
                          2.276105169028819,
                          7.002537840002202,
                          [[0.434372122546105, 0.29269979078448305], [-0.235465545332459, -0.1027465703270396]],
                          [[0.1689557493544737, 0.48721164181616483], [0.5695270604893042, 0.8216091942108122]]])],
            'grads': [-0.09979648253933077,
                      -2.559199460861646,
                      0.36264679050274085,
                      -0.6690459919861296,
                      -0.6690459919861296,
                      1.0085788067101575,
                      -0.33151109726451145,
                      -2.7110504304241503,
                      -2.7110504304241503,
                      2.8488561475505523,
                      -15.446622502621738,
                      1.1372207730667625,
                      -8.979223884895559]}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
