"""StefOe/indrnn-pytorch (Li et al.'s independently recurrent network, IndRNN, on the adding problem), run on the dialect,
gives PyTorch's numbers to 1e-10 in float64 and prints what it prints.

Source: https://github.com/StefOe/indrnn-pytorch (indrnn.py and addition_test.py @ 1a6050d6; ISC license, copyright
Stefan Oehmcke; kept as a test fixture). What runs, as the repository wrote it: `IndRNNCell` (`Parameter(torch.Tensor(
hidden_size, input_size))`, `register_parameter('bias_ih', None)` when unused, gradient clipping by
`self.weight_ih.register_hook(lambda x: x.clamp(min=min_g, max=max_g))` on each parameter, `reset_parameters` over
`named_parameters()` with `weight.data.zero_()`, `nn.init.constant_`, `nn.init.normal_` and the `recurrent_init`
lambdas (`nn.init.uniform_(w, -RECURRENT_MAX, RECURRENT_MAX)`), `check_bounds` replacing `self.weight_hh.data` by
`self.weight_hh.clamp(max=..., min=...)` before every sequence, the step `F.relu(F.linear(input, self.weight_ih,
self.bias_ih) + mul(self.weight_hh, hx))`), `IndRNN` (an `nn.ModuleList` of `nn.ModuleList`s of cells, two layers,
bidirectional with `reversed(torch.unbind(x, time_index))` and `outputs[::-1]`, `torch.stack`, `torch.cat`, frame-wise
`nn.BatchNorm1d` on `x.permute(batch_index, 2, time_index).contiguous()` and back with `.permute(2, 0, 1)`,
`register_buffer('h0', torch.autograd.Variable(h0))` expanded with `.unsqueeze(0).expand(...).contiguous()`), `Net`
(`self.lin.bias.data.fill_(.1)`, `self.lin.weight.data.normal_(0, .01)`, `self.lin(y[-1]).squeeze(1)`), `get_batch`
(`torch.zeros_like`, `np.random.randint` positions, `torch.stack((add_values, add_indices), dim=-1)`,
`torch.mul(add_values, add_indices).sum(dim=0)`), and `main`'s loop (`model.zero_grad()`, `F.mse_loss`, Adam, the
printed `np.mean(losses)` lines), then an evaluation in `eval()` mode with the BatchNorm running statistics.

Edits, for the comparison: sizes are small (6 steps, hidden 4, batches of 3, 2 x 3 steps), bidirectional processing,
batch normalisation and `gradient_clip=0.05` are switched on (the script's flags), argparse is a small `Args` class,
`np.random` is seeded, `torch.rand` values are `fill(...) + 0.5`, the learning rate is 0.01, and the parameters are
overwritten with `1.5 * fill` after construction (the random inits still run, and their bounds are checked). One edit
for both libraries: `F.mul` (an alias of PyTorch 0.3, gone from `torch.nn.functional`) is `torch.mul`.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch` standing for
PyTorch), printed as literals.
"""
import io, contextlib
import tinygrad_rnn.torch as torch
from tinygrad_rnn.torch.nn import Parameter
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from tinygrad_rnn.torch.autograd import Variable
import math
import numpy as np
from more_programs_compare import close
from torch_expect import fill, float64  # noqa: F401 (float64 is an autouse fixture)

class IndRNNCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="relu",
                 hidden_min_abs=0, hidden_max_abs=None,
                 hidden_init=None, recurrent_init=None,
                 gradient_clip=None):
        super(IndRNNCell, self).__init__()
        self.hidden_max_abs = hidden_max_abs
        self.hidden_min_abs = hidden_min_abs
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.nonlinearity = nonlinearity
        self.hidden_init = hidden_init
        self.recurrent_init = recurrent_init
        if self.nonlinearity == "tanh":
            self.activation = F.tanh
        elif self.nonlinearity == "relu":
            self.activation = F.relu
        else:
            raise RuntimeError(
                "Unknown nonlinearity: {}".format(self.nonlinearity))
        self.weight_ih = Parameter(torch.Tensor(hidden_size, input_size))
        self.weight_hh = Parameter(torch.Tensor(hidden_size))
        if bias:
            self.bias_ih = Parameter(torch.Tensor(hidden_size))
        else:
            self.register_parameter('bias_ih', None)

        if gradient_clip:
            if isinstance(gradient_clip, tuple):
                min_g, max_g = gradient_clip
            else:
                max_g = gradient_clip
                min_g = -max_g
            self.weight_ih.register_hook(lambda x: x.clamp(min=min_g, max=max_g))
            self.weight_hh.register_hook(lambda x: x.clamp(min=min_g, max=max_g))
            if bias:
                self.bias_ih.register_hook(lambda x: x.clamp(min=min_g, max=max_g))

        self.reset_parameters()

    def reset_parameters(self):
        for name, weight in self.named_parameters():
            if "bias" in name:
                weight.data.zero_()
            elif "weight_hh" in name:
                if self.recurrent_init is None:
                    nn.init.constant_(weight, 1)
                else:
                    self.recurrent_init(weight)
            elif "weight_ih" in name:
                if self.hidden_init is None:
                    nn.init.normal_(weight, 0, 0.01)
                else:
                    self.hidden_init(weight)
            else:
                weight.data.normal_(0, 0.01)
                # weight.data.uniform_(-stdv, stdv)
        self.check_bounds()

    def check_bounds(self):
        if self.hidden_min_abs:
            abs_kernel = torch.abs(self.weight_hh.data).clamp_(min=self.hidden_min_abs)
            self.weight_hh.data = self.weight_hh.mul(torch.sign(self.weight_hh.data), abs_kernel)
        if self.hidden_max_abs:
            self.weight_hh.data = self.weight_hh.clamp(max=self.hidden_max_abs, min=-self.hidden_max_abs)

    def forward(self, input, hx):
        return self.activation(F.linear(
            input, self.weight_ih, self.bias_ih) + torch.mul(self.weight_hh, hx))


class IndRNN(nn.Module):
    def __init__(self, input_size, hidden_size, n_layer=1, batch_norm=False,
                 batch_first=False, bidirectional=False,
                 hidden_inits=None, recurrent_inits=None,
                 **kwargs):
        super(IndRNN, self).__init__()
        self.hidden_size = hidden_size
        self.batch_norm = batch_norm
        self.n_layer = n_layer
        self.batch_first = batch_first
        self.bidirectional = bidirectional

        num_directions = 2 if self.bidirectional else 1

        if batch_first:
            self.time_index = 1
            self.batch_index = 0
        else:
            self.time_index = 0
            self.batch_index = 1

        cells = []
        for i in range(n_layer):
            directions = []
            if recurrent_inits is not None:
                kwargs["recurrent_init"] = recurrent_inits[i]
            if hidden_inits is not None:
                kwargs["hidden_init"] = hidden_inits[i]
            in_size = input_size if i == 0 else hidden_size * num_directions
            for dir in range(num_directions):
                directions.append(IndRNNCell(in_size, hidden_size, **kwargs))
            cells.append(nn.ModuleList(directions))
        self.cells = nn.ModuleList(cells)

        if batch_norm:
            bns = []
            for i in range(n_layer):
                bns.append(nn.BatchNorm1d(hidden_size * num_directions))
            self.bns = nn.ModuleList(bns)

        h0 = torch.zeros(hidden_size * num_directions)
        self.register_buffer('h0', torch.autograd.Variable(h0))

    def forward(self, x, hidden=None):
        batch_norm = self.batch_norm
        time_index = self.time_index
        batch_index = self.batch_index
        num_directions = 2 if self.bidirectional else 1

        for i, directions in enumerate(self.cells):
            hx = self.h0.unsqueeze(0).expand(
                x.size(batch_index),
                self.hidden_size * num_directions).contiguous()

            x_n = []
            for dir, cell in enumerate(directions):
                hx_cell = hx[
                    :, self.hidden_size * dir: self.hidden_size * (dir + 1)]
                cell.check_bounds()
                outputs = []
                hiddens = []
                x_T = torch.unbind(x, time_index)
                if dir == 1:
                    x_T = reversed(x_T)
                for x_t in x_T:
                    hx_cell = cell(x_t, hx_cell)
                    outputs.append(hx_cell)
                if dir == 1:
                    outputs = outputs[::-1]
                x_cell = torch.stack(outputs, time_index)
                x_n.append(x_cell)
                hiddens.append(hx_cell)
            x = torch.cat(x_n, -1)

            if batch_norm:
                if self.batch_first:
                    x = self.bns[i](x.permute(batch_index, 2, time_index).contiguous()).permute(0, 2, 1)
                else:
                    x = self.bns[i](x.permute(batch_index, 2, time_index).contiguous()).permute(2, 0, 1)
        return x.squeeze(2), torch.cat(hiddens, -1)


class Args:
    lr = 0.01; time_steps = 6; n_layer = 2; hidden_size = 4; batch_norm = True; bidirectional = True
    log_interval = 3; batch_size = 3; cuda = False
args = Args()
RECURRENT_MAX = pow(2, 1 / args.time_steps)


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, n_layer=2):
        super(Net, self).__init__()
        recurrent_inits = [lambda w: nn.init.uniform_(w, -RECURRENT_MAX, RECURRENT_MAX)]
        for _ in range(1, n_layer):
            recurrent_inits.append(lambda w: nn.init.constant_(w, 1))
        self.indrnn = IndRNN(
            input_size, hidden_size,
            n_layer, batch_norm=args.batch_norm,
            bidirectional=args.bidirectional,
            hidden_max_abs=RECURRENT_MAX,
            recurrent_inits=recurrent_inits,
            gradient_clip=0.05)
        self.lin = nn.Linear(
            hidden_size * 2 if args.bidirectional else hidden_size, 1)
        self.lin.bias.data.fill_(.1)
        self.lin.weight.data.normal_(0, .01)

    def forward(self, x, hidden=None):
        y, _ = self.indrnn(x, hidden)
        return self.lin(y[-1]).squeeze(1)


batches = [0]
def get_batch():
    """Generate the adding problem dataset"""
    # Build the first sequence
    add_values = torch.tensor(fill((args.time_steps, args.batch_size), batches[0]) + 0.5)  # was torch.rand(...)
    batches[0] += 1

    # Build the second sequence with one 1 in each half and 0s otherwise
    add_indices = torch.zeros_like(add_values)
    half = int(args.time_steps / 2)
    for i in range(args.batch_size):
        first_half = np.random.randint(half)
        second_half = np.random.randint(half, args.time_steps)
        add_indices[first_half, i] = 1
        add_indices[second_half, i] = 1

    # Zip the values and indices in a third dimension:
    # inputs has the shape (time_steps, batch_size, 2)
    inputs = torch.stack((add_values, add_indices), dim=-1)
    targets = torch.mul(add_values, add_indices).sum(dim=0)
    return inputs, targets


def main():
    model = Net(2, args.hidden_size, args.n_layer)
    uniform_ok = all((c[0].weight_hh.abs() <= RECURRENT_MAX).all().item() for c in model.indrnn.cells)
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(torch.tensor(fill(tuple(p.shape), i)) * 1.5)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    model.train()
    step = 0
    all_losses = []
    for _ in range(2):
        losses = []
        for _ in range(args.log_interval):
            data, target = get_batch()
            data, target = Variable(data), Variable(target)
            model.zero_grad()
            out = model(data)
            loss = F.mse_loss(out, target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            step += 1
        all_losses += losses
        print(
            "MSE after {} iterations: {}".format(step, np.mean(losses)))
    model.eval()
    with torch.no_grad():
        data, target = get_batch()
        evaluated = model(data).tolist()
    return {'losses': all_losses, 'uniform_ok': uniform_ok, 'eval': evaluated,
            'whh': [c.weight_hh.tolist() for d in model.indrnn.cells for c in d],
            'grads': [p.grad.abs().max().item() for p in model.parameters()],
            'running': [b.running_mean.tolist() + b.running_var.tolist() for b in model.indrnn.bns],
            'keys': list(model.state_dict())}


def run():
    np.random.seed(0)
    batches[0] = 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        res = main()
    res['printed'] = out.getvalue().splitlines()
    return res


def pytorch_values() -> dict:
    return run()


EXPECTED = {'losses': [1.3714894967008568,
                       1.4419320312382424,
                       0.49010607279827934,
                       0.2424103150551081,
                       0.5557420607662767,
                       0.09231073863776268],
            'uniform_ok': True,
            'eval': [-0.08723759149080912, -0.2544520869474789, -0.189216884188591],
            'whh': [[0.621506822592083, 0.6133171969565935, -0.33189033247113936, -0.7644079130600793],
                    [-0.5676018714809461, -0.591492008823673, 0.289387605588926, 0.7481600575911965],
                    [0.44573381526931966, 0.6766288753172199, -0.17925001602995783, -0.7006822659410151],
                    [-0.40801583316702733, -0.6665801235042778, 0.06890175566614372, 0.7140518923382235]],
            'grads': [0.026757219686473998,
                      0.04414893937763317,
                      0.05,
                      0.05,
                      0.05,
                      0.05,
                      0.05,
                      0.05,
                      0.05,
                      0.05,
                      0.024603171354540578,
                      0.037636254371916325,
                      0.2968382513239552,
                      0.08285711634705409,
                      0.3069564888640407,
                      0.31113694997577107,
                      1.0838469312741112,
                      0.3926960443092007],
            'running': [[0.8336177756134315,
                         0.05232772141350922,
                         0.0,
                         0.09019729809588911,
                         0.0,
                         0.03650229205173677,
                         0.6425256271399571,
                         0.03919759181703156,
                         0.6428711331632669,
                         0.5395129442314461,
                         0.5314410000000002,
                         0.5567976087794619,
                         0.5314410000000002,
                         0.5414565268874032,
                         0.5628695969141563,
                         0.5392396319315012],
                        [1.6195842522794164,
                         0.001223025793499697,
                         0.15016235524493882,
                         0.2039799014062157,
                         0.0,
                         0.5482561561988695,
                         0.07374703316923234,
                         0.023482878368486122,
                         0.9149809404677487,
                         0.5316239511466357,
                         0.5996437969435757,
                         0.596394685808339,
                         0.5314410000000002,
                         1.039667554827135,
                         0.5628878346170314,
                         0.5393367410149853]],
            'keys': ['indrnn.h0',
                     'indrnn.cells.0.0.weight_ih',
                     'indrnn.cells.0.0.weight_hh',
                     'indrnn.cells.0.0.bias_ih',
                     'indrnn.cells.0.1.weight_ih',
                     'indrnn.cells.0.1.weight_hh',
                     'indrnn.cells.0.1.bias_ih',
                     'indrnn.cells.1.0.weight_ih',
                     'indrnn.cells.1.0.weight_hh',
                     'indrnn.cells.1.0.bias_ih',
                     'indrnn.cells.1.1.weight_ih',
                     'indrnn.cells.1.1.weight_hh',
                     'indrnn.cells.1.1.bias_ih',
                     'indrnn.bns.0.weight',
                     'indrnn.bns.0.bias',
                     'indrnn.bns.0.running_mean',
                     'indrnn.bns.0.running_var',
                     'indrnn.bns.0.num_batches_tracked',
                     'indrnn.bns.1.weight',
                     'indrnn.bns.1.bias',
                     'indrnn.bns.1.running_mean',
                     'indrnn.bns.1.running_var',
                     'indrnn.bns.1.num_batches_tracked',
                     'lin.weight',
                     'lin.bias'],
            'printed': ['MSE after 3 iterations: 1.1011758669124596', 'MSE after 6 iterations: 0.29682103815304917']}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
