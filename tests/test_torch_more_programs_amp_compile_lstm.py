"""PyTorch's automatic-mixed-precision training loop (GradScaler, autocast, clipping of unscaled gradients) around a
`torch.compile`d LSTM regressor, with the module backward hooks people use to check gradients, run on the dialect,
gives PyTorch's numbers to 1e-10 in float64.

Sources: pytorch/tutorials recipes_source/recipes/amp_recipe.py ("Automatic Mixed Precision", Michael Carilli; BSD
license): the loop `with torch.autocast(device_type=device, ...)`, `scaler.scale(loss).backward()`,
`scaler.unscale_(opt)`, `torch.nn.utils.clip_grad_norm_` ("Inspecting/modifying gradients"), `scaler.step(opt)`,
`scaler.update()`, `opt.zero_grad()`, and the checkpoint's `scaler.state_dict()`; the torch.compile tutorial's
`model = torch.compile(net)`; and the forum's gradient-checking hook (`register_full_backward_hook` printing each
module's grad_output norms; LSTM's grad_output is `(d output, None)`). The model (a 2-layer batch-first LSTM, its last
step into a Linear-ReLU-Linear head) stands for the recipe's MLP.

Edits: sizes are small, data are made up, the weights are loaded from `set_params`, and the GradScaler starts at
2**10 with growth_interval 2 so that growth shows in a few steps; an overflow step (an inf loss) shows the skipped
step and the backoff. Autocast is entered with `enabled=False` (the recipe's CPU variant would compute in bfloat16,
which the dialect does not emulate), and without `dtype=torch.bfloat16`, which is what running it unchanged found:
the dialect has no `torch.bfloat16` (AttributeError). Not compared: `torch.compile(net) is net` (True here, an
OptimizedModule in PyTorch, as docs/pytorch.md says); the dialect also prints numpy's "RuntimeWarning: invalid value
encountered in dot" during the inf step's backward, where PyTorch prints nothing.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import warnings
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from more_programs_compare import close
from torch_expect import fill, float64, set_params  # noqa: F401 (float64 is an autouse fixture)

device = "cpu"


class LSTMRegressor(nn.Module):
    def __init__(self, in_size, hidden, out_size):
        super().__init__()
        self.lstm = nn.LSTM(in_size, hidden, num_layers=2, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, out_size))

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :])


def run():
    log = []
    net = LSTMRegressor(3, 5, 2)
    set_params(net)
    # the gradient-checking hooks: every module's grad_output norm
    def hook(module, grad_input, grad_output):
        log.append((type(module).__name__, [None if g is None else round(g.norm().item(), 9) for g in grad_output]))
    handles = [m.register_full_backward_hook(hook) for m in (net.lstm, net.head)]
    model = torch.compile(net)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = torch.nn.MSELoss()
    data = [torch.tensor(fill((4, 6, 3), k)) for k in range(3)]
    targets = [torch.tensor(fill((4, 2), 10 + k)) for k in range(3)]
    scaler = torch.amp.GradScaler(device, init_scale=2.**10, growth_interval=2)
    losses, scales = [], []
    for epoch in range(2):
        for input, target in zip(data, targets):
            with torch.autocast(device_type=device, enabled=False):  # was dtype=torch.bfloat16
                output = model(input)
                loss = loss_fn(output, target)
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
            scaler.step(opt)
            scaler.update()
            opt.zero_grad()  # set_to_none=True here can modestly improve performance
            losses.append(loss.item()); scales.append(scaler.get_scale())
    # an overflow: a skipped step and a backoff
    with torch.no_grad():
        before = [p.clone() for p in model.parameters()]
    loss = loss_fn(model(data[0]), targets[0]) * float('inf')
    scaler.scale(loss).backward()
    scaler.step(opt); scaler.update(); opt.zero_grad()
    unchanged = all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
    for h in handles:
        h.remove()
    checkpoint = {"scaler": scaler.state_dict()}
    return {'losses': losses, 'scales': scales, 'after_inf': (unchanged, scaler.get_scale()), 'hooks': log[:8],
            'n_hooks': len(log), 'scaler_state': checkpoint['scaler'],
            'params': [p.sum().item() for p in net.parameters()]}


def pytorch_values() -> dict:
    return run()


EXPECTED = {'losses': [0.17919574069321992,
            0.21685667442636752,
            0.2377330763271818,
            0.1435226461558746,
            0.17814041024250568,
            0.1907621327742693],
 'scales': [1024.0, 2048.0, 2048.0, 4096.0, 4096.0, 8192.0],
 'after_inf': (True, 4096.0),
 'hooks': [('Sequential', [306.51293039]),
           ('LSTM', [132.538015099, None]),
           ('Sequential', [337.187413943]),
           ('LSTM', [175.583747697, None]),
           ('Sequential', [706.08951025]),
           ('LSTM', [363.104385726, None]),
           ('Sequential', [548.624465761]),
           ('LSTM', [225.412030277, None])],
 'n_hooks': 14,
 'scaler_state': {'scale': 4096.0,
                  'growth_factor': 2.0,
                  'backoff_factor': 0.5,
                  'growth_interval': 2,
                  '_growth_tracker': 0},
 'params': [0.4824009897580384,
            0.4012127675054975,
            0.3426996452428636,
            0.12501980799191104,
            -0.4908188526495372,
            0.15102259751144542,
            -0.18314624340772245,
            0.14970787585642853,
            0.46102296871897264,
            0.12600688207227786,
            0.09386231687246227,
            -0.5098539052655118]}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
