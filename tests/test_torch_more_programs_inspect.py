"""A time-series LSTM and the usual ways of looking inside a recurrent network, run on the dialect, give
PyTorch's numbers to 1e-10 in float64 and print what it prints:

* the airline-passengers forecaster of "Time Series Prediction using LSTM with PyTorch in Python" (Usman
  Malik, stackabuse.com, 2020; no license stated, paraphrased here as a test fixture): min-max scaling by hand
  (the article uses scikit-learn's MinMaxScaler), `torch.FloatTensor(...).view(-1)`, `create_inout_sequences`,
  an `nn.LSTM` whose state lives in `self.hidden_cell` and is reset before each sequence,
  `input_seq.view(len(input_seq), 1, -1)`, `predictions[-1]`, MSELoss, Adam, the f-string prints
  (`{i:3}`, `{single_loss.item():10.8f}`), and the forecast loop feeding `model(seq).item()` back in;
* `plot_grad_flow(named_parameters)` of the PyTorch forum thread "Check gradient flow in network"
  (discuss.pytorch.org/t/15063, by RoshanRane): `p.grad.abs().mean()` and `.max()` per weight, drawn with
  matplotlib's `plt.bar` (headless here) straight from the 0-d tensors;
* gradient flow through time with hooks: an `nn.LSTMCell` unrolled by hand, each hidden state's
  `retain_grad()` and `register_hook(lambda grad, t=t: ...)` (the common vanishing-gradient demo), a hook that
  rescales a gradient, and `register_forward_hook` keeping activations (`get_activation(name)` of the forum
  answer "How can I extract intermediate layer output", `activation[name] = output[0].detach()`), removed
  through its handle.

Edits for the comparison: made-up monthly numbers (trend + season) instead of seaborn's flights data, small
sizes, float64 (`torch.FloatTensor` becomes `torch.DoubleTensor`), weights loaded from `fill`.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import contextlib
import io

import matplotlib
import numpy as np

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from torch_expect import fill, float64, same  # noqa: F401 (float64 is an autouse fixture)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load_fill(model, scale=0.6):
    state = model.state_dict()
    model.load_state_dict({k: torch.tensor(scale * fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})


def create_inout_sequences(input_data, tw):
    inout_seq = []
    L = len(input_data)
    for i in range(L-tw):
        train_seq = input_data[i:i+tw]
        train_label = input_data[i+tw:i+tw+1]
        inout_seq.append((train_seq, train_label))
    return inout_seq


class LSTM(nn.Module):
    def __init__(self, input_size=1, hidden_layer_size=100, output_size=1):
        super().__init__()
        self.hidden_layer_size = hidden_layer_size
        self.lstm = nn.LSTM(input_size, hidden_layer_size)
        self.linear = nn.Linear(hidden_layer_size, output_size)
        self.hidden_cell = (torch.zeros(1, 1, self.hidden_layer_size),
                            torch.zeros(1, 1, self.hidden_layer_size))

    def forward(self, input_seq):
        lstm_out, self.hidden_cell = self.lstm(input_seq.view(len(input_seq), 1, -1), self.hidden_cell)
        predictions = self.linear(lstm_out.view(len(input_seq), -1))
        return predictions[-1]


def plot_grad_flow(named_parameters):
    ave_grads, max_grads, layers = [], [], []
    for n, p in named_parameters:
        if (p.requires_grad) and ("bias" not in n):
            layers.append(n)
            ave_grads.append(p.grad.abs().mean())
            max_grads.append(p.grad.abs().max())
    plt.bar(np.arange(len(max_grads)), max_grads, alpha=0.1, lw=1, color="c")
    plt.bar(np.arange(len(max_grads)), ave_grads, alpha=0.1, lw=1, color="b")
    plt.hlines(0, 0, len(ave_grads)+1, lw=2, color="k")
    plt.xticks(range(0, len(ave_grads), 1), layers, rotation="vertical")
    plt.xlim(left=0, right=len(ave_grads))
    plt.ylim(bottom=-0.001, top=0.02)
    plt.xlabel("Layers")
    plt.ylabel("average gradient")
    plt.title("Gradient flow")
    plt.grid(True)
    return layers, np.asarray(ave_grads).tolist(), np.asarray(max_grads).tolist()


def airline() -> dict:
    months = np.arange(30)
    all_data = (112 + 2.5 * months + 20 * np.sin(2 * np.pi * months / 12)).astype(float)
    test_data_size = 6
    train_data, test_data = all_data[:-test_data_size], all_data[-test_data_size:]
    lo, hi = train_data.min(), train_data.max()                       # MinMaxScaler(feature_range=(-1, 1))
    train_data_normalized = (train_data.reshape(-1, 1) - lo) / (hi - lo) * 2 - 1
    train_data_normalized = torch.DoubleTensor(train_data_normalized).view(-1)
    train_window = 6
    train_inout_seq = create_inout_sequences(train_data_normalized, train_window)
    model = LSTM(hidden_layer_size=5)
    load_fill(model)
    loss_function = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    out, losses = io.StringIO(), []
    epochs = 3
    with contextlib.redirect_stdout(out):
        for i in range(epochs):
            for seq, labels in train_inout_seq:
                optimizer.zero_grad()
                model.hidden_cell = (torch.zeros(1, 1, model.hidden_layer_size),
                                     torch.zeros(1, 1, model.hidden_layer_size))
                y_pred = model(seq)
                single_loss = loss_function(y_pred, labels)
                single_loss.backward()
                optimizer.step()
                losses.append(single_loss.item())
            if i % 25 == 1:
                print(f'epoch: {i:3} loss: {single_loss.item():10.8f}')
        print(f'epoch: {i:3} loss: {single_loss.item():10.10f}')
    plt.figure()
    flow = plot_grad_flow(model.named_parameters())
    plt.close("all")
    fut_pred = 6
    test_inputs = train_data_normalized[-train_window:].tolist()
    model.eval()
    for i in range(fut_pred):
        seq = torch.DoubleTensor(test_inputs[-train_window:])
        with torch.no_grad():
            model.hidden_cell = (torch.zeros(1, 1, model.hidden_layer_size),
                                 torch.zeros(1, 1, model.hidden_layer_size))
            test_inputs.append(model(seq).item())
    actual_predictions = (np.array(test_inputs[train_window:]).reshape(-1, 1) + 1) / 2 * (hi - lo) + lo
    return {"printed": out.getvalue().splitlines(), "losses": losses[::5] + losses[-1:], "flow": list(flow),
            "forecast": actual_predictions.flatten().tolist(), "test": test_data.tolist()}


activation = {}


def get_activation(name):
    def hook(model, input, output):
        activation[name] = output[0].detach()
    return hook


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 4, batch_first=True)
        self.cell = nn.LSTMCell(4, 4)
        self.fc = nn.Linear(4, 2)


def hooks() -> dict:
    net = Tagger()
    load_fill(net, 0.9)
    handle = net.lstm.register_forward_hook(get_activation('lstm'))
    x = torch.tensor(fill((2, 5, 3), 3.0))
    out, _ = net.lstm(x)
    hs, seen = [], []
    h = c = torch.zeros(2, 4)
    for t in range(5):
        h, c = net.cell(out[:, t], (h, c))
        h.retain_grad()
        h.register_hook(lambda grad, t=t: seen.append((t, grad.norm().item())))
        hs.append(h)
    c.register_hook(lambda grad: grad * 0.5)
    loss = net.fc(hs[-1]).pow(2).sum() + c.sum()
    loss.backward()
    handle.remove()
    net.lstm(x)
    return {"activation": activation['lstm'].flatten().tolist()[::3], "same": activation['lstm'].shape == out.shape,
            "seen": seen, "norms": [hs[t].grad.norm().item() for t in range(5)],
            "x_grad": net.lstm.weight_ih_l0.grad.sum().item(), "hooks_left": len(net.lstm._forward_hooks),
            "requires_grad": [activation['lstm'].requires_grad, hs[0].is_leaf, hs[0].grad is not None]}


def pytorch_values() -> dict:
    return {"airline": airline(), "hooks": hooks()}


EXPECTED = {'airline': {'flow': [['lstm.weight_ih_l0', 'lstm.weight_hh_l0', 'linear.weight'],
                                 [0.009329112886667275, 0.00574908841687066, 0.19167910595987617],
                                 [0.029685419503409947, 0.03488481414193411, 0.39877901014804323]],
                        'forecast': [146.5654511944557, 145.49963750109336, 145.08465510992235, 144.83134034097083,
                                     144.65596277806813, 144.5269995337192],
                        'losses': [0.08100689060118173, 0.002083805460661393, 2.0393369375413766, 0.2030311520540054,
                                   0.4478093018658511, 0.493961270827967, 0.5204947368506452, 0.5541120154404873,
                                   0.39037741300527157, 0.9777989978840708, 0.0009002001918538119,
                                   0.27028174499134155],
                        'printed': ['epoch:   1 loss: 0.55411202', 'epoch:   2 loss: 0.2702817450'],
                        'test': [172.0, 184.5, 194.32050807568876, 199.5, 199.3205080756888, 194.5]},
            'hooks': {'activation': [-0.006731927977023533, -0.17552504336600483, 0.07977533572350534,
                                     0.2692108958444867, 0.08348965774680425, -0.21894072544403506,
                                     0.03014366617396398, 0.18069392632371403, 0.05726685834460936,
                                     -0.22682404890186406, 0.006616641630853712, 0.2843511887279176,
                                     0.13420357245930087, -0.17110184984427382],
                      'hooks_left': 0,
                      'norms': [0.10334525745578854, 0.16318040246331872, 0.25717052993912715, 0.4201441997455863,
                                1.269651187996681],
                      'requires_grad': [False, False, True],
                      'same': True,
                      'seen': [(4, 1.269651187996681), (3, 0.4201441997455863), (2, 0.25717052993912715),
                               (1, 0.16318040246331872), (0, 0.10334525745578854)],
                      'x_grad': 0.06997113796240144}}


def test_airline_passengers_lstm_trains_like_pytorch():
    for key, value in airline().items():
        same(value, EXPECTED["airline"][key], f"airline.{key}")


def test_gradient_flow_hooks_see_what_pytorch_sees():
    for key, value in hooks().items():
        same(value, EXPECTED["hooks"][key], f"hooks.{key}")
