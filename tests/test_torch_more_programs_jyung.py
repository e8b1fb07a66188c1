"""Jessica Yung's "LSTMs for time series in PyTorch" (an LSTM fitted to autoregressive data), run on the dialect, gives
PyTorch's numbers to 1e-10 in float64 and prints what it prints.

Source: https://github.com/jessicayung/blog-code-snippets (lstm-pytorch/lstm-baseline.py @ b4e687e0 and
lstm-pytorch/generate_data.py @ ad0871c5; the blog post https://www.jessicayung.com/lstms-for-time-series-in-pytorch/;
kept as a test fixture). What runs, as the repository wrote it: `ARData` (AR(5) series from `fixed_ar_coefficients`,
`np.random.randn` initial points, the windows and the train/test split), `torch.from_numpy(...).type(...)`,
`.view(-1)`, `X_train.view([input_size, -1, 1])` (a list as the shape; the windows reinterpreted as the script does),
`RNN` (`print("Batch size: ", batch_size)`, `init_hidden` with `torch.zeros(1, 1, hidden_dim)`, the LSTM's state stored
in `self.hidden` from `self.lstm(input.view(len(input), self.batch_size, -1))`, `lstm_out[-1].view(self.batch_size,
-1)`, `y_pred.view(-1)`), `torch.nn.MSELoss(size_average=False)` (the legacy argument, read as `reduction='sum'`, with
PyTorch's deprecation warning), Adam, `model.zero_grad()` and `optimiser.zero_grad()`, `np.zeros(num_epochs)` filled
with `loss.item()`, and the printed epoch lines.

Edits, for the comparison: sizes are small (30 points, windows of 5, hidden 4, 6 epochs printed every 2), `np.random` is
seeded, the weights are loaded from `fill`, the unused `sklearn` import and the matplotlib plots are left out. One edit is
for the dialect, and is what running the program unchanged found: `.type(torch.Tensor)` (PyTorch converts to the
default dtype; the dialect raises TypeError "expected a torch dtype") is `.type(torch.DoubleTensor)`, which is what it
means in float64.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch` standing for
PyTorch), printed as literals.
"""
import io, contextlib, warnings
import numpy as np
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from more_programs_compare import close
from torch_expect import fill, float64  # noqa: F401 (float64 is an autouse fixture)

# generate_data.py (the unused sklearn import left out)
class TimeSeriesData:
    def __init__(self, num_datapoints, test_size=0.2, max_t=20, num_prev=1,
                 noise_var=1):
        self.num_datapoints = num_datapoints
        self.test_size = test_size
        self.num_prev = num_prev
        self.max_t = max_t
        self.data = None
        self.noise_var = noise_var
        self.y = np.zeros(num_datapoints + num_prev*4) # TODO: check this
        self.bayes_preds = np.copy(self.y)

        # Generate data and reshape data
        self.create_data()

        # Split into training and test sets
        self.train_test_split()

    def create_data(self):
        self.generate_data()
        self.reshape_data()

    def generate_data(self):
        raise NotImplementedError("Generate data method not implemented.")

    def reshape_data(self):
        self.x = np.reshape([self.y[i:i + self.num_prev] for i in range(
            self.num_datapoints)], (-1, self.num_prev))
        self.y = np.copy(self.y[self.num_prev:])
        self.bayes_preds = np.copy(self.bayes_preds[self.num_prev:])

    def train_test_split(self):
        test_size = int(len(self.y) * self.test_size)
        self.data = [self.X_train, self.X_test, self.y_train,
                     self.y_test] = \
                    self.x[:-test_size], self.x[-test_size:], \
                    self.y[:-test_size], self.y[-test_size:]
        self.bayes_preds = [self.bayes_train_preds, self.bayes_test_preds] = self.bayes_preds[:-test_size], self.bayes_preds[-test_size:]

class ARData(TimeSeriesData):
    """Class to generate autoregressive data."""

    def __init__(self, *args, coeffs=None, **kwargs):
        self.given_coeffs = coeffs
        super(ARData, self).__init__(*args, **kwargs)

        if coeffs is not None:
            self.num_prev = len(coeffs) - 1

    def generate_data(self):
        self.generate_coefficients()
        self.generate_initial_points()
        for i in range(self.num_datapoints+3*self.num_prev):
            self.bayes_preds[i + self.num_prev] = np.dot(self.y[i:self.num_prev+i][::-1], self.coeffs)
            self.y[i + self.num_prev] = self.bayes_preds[i + self.num_prev] + self.noise()
        self.bayes_preds = self.bayes_preds[3*self.num_prev:]
        self.y = self.y[3*self.num_prev:]

    def generate_coefficients(self):
        if self.given_coeffs is not None:
            self.coeffs = self.given_coeffs
        else:
            filter_stable = False
            while not filter_stable:
                true_theta = np.random.random(self.num_prev) - 0.5
                coefficients = np.append(1, -true_theta)
                if np.max(np.abs(np.roots(coefficients))) < 1:
                    filter_stable = True
            self.coeffs = true_theta

    def generate_initial_points(self):
        self.y[:self.num_prev] = np.random.randn(self.num_prev)

    def noise(self):
        return self.noise_var * np.random.randn()

fixed_ar_coefficients = {2: [ 0.46152873, -0.29890739],
    5: [ 0.02519834, -0.24396899,  0.2785921,   0.14682383,  0.39390468]}

# lstm-baseline.py
def main():
    noise_var = 0
    num_datapoints = 30
    test_size = 0.2
    num_train = int((1-test_size) * num_datapoints)
    input_size = 5
    learning_rate = 1e-2
    num_epochs = 6
    data = ARData(num_datapoints, num_prev=input_size, test_size=test_size, noise_var=noise_var, coeffs=fixed_ar_coefficients[input_size])

    X_train = torch.from_numpy(data.X_train).type(torch.DoubleTensor)
    X_test = torch.from_numpy(data.X_test).type(torch.DoubleTensor)
    y_train = torch.from_numpy(data.y_train).type(torch.DoubleTensor).view(-1)
    y_test = torch.from_numpy(data.y_test).type(torch.DoubleTensor).view(-1)
    types = [X_train.type(), str(X_train.dtype)]

    X_train = X_train.view([input_size, -1, 1])
    X_test = X_test.view([input_size, -1, 1])

    class RNN(nn.Module):

        def __init__(self, input_dim, hidden_dim, batch_size):
            super(RNN, self).__init__()
            self.input_dim = input_dim
            self.hidden_dim = hidden_dim
            self.batch_size = batch_size
            print("Batch size: ", batch_size)

            self.lstm = nn.LSTM(input_dim, hidden_dim)
            self.linear = nn.Linear(hidden_dim, 1)  # 1 here is output size

        def init_hidden(self):
            return (torch.zeros(1, 1, self.hidden_dim),
                    torch.zeros(1, 1, self.hidden_dim))

        def forward(self, input):
            lstm_out, self.hidden = self.lstm(input.view(len(input), self.batch_size, -1))
            y_pred = self.linear(lstm_out[-1].view(self.batch_size, -1))
            return y_pred.view(-1)

    model = RNN(1, 4, batch_size=num_train)
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(torch.tensor(fill(tuple(p.shape), i)))

    loss_fn = torch.nn.MSELoss(size_average=False)

    optimiser = torch.optim.Adam(model.parameters(), lr=learning_rate)

    hist = np.zeros(num_epochs)
    for t in range(num_epochs):
        model.zero_grad()
        model.hidden = model.init_hidden()
        y_pred = model(X_train)

        loss = loss_fn(y_pred, y_train)
        if t % 2 == 0:
            print("Epoch ", t, "MSE: ", loss.item())
        hist[t] = loss.item()

        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return {'hist': hist.tolist(), 'y_pred': y_pred.tolist(), 'types': types, 'reduction': loss_fn.reduction,
            'hidden': [h.shape[1] for h in model.hidden]}

def run():
    np.random.seed(0)
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as w, contextlib.redirect_stdout(out):
        warnings.simplefilter('always')
        res = main()
    res['printed'] = out.getvalue().splitlines()
    res['warnings'] = [str(x.message) for x in w]
    return res


def pytorch_values() -> dict:
    return run()


EXPECTED = {'hist': [16.427105427854716,
                     15.171553867444244,
                     14.014326273053463,
                     12.946170633887585,
                     11.959166454074476,
                     11.045724442387517],
            'y_pred': [-0.5851784476836961,
                       -0.5864567501391447,
                       -0.5865093812407707,
                       -0.585986495717229,
                       -0.5852344514496199,
                       -0.5866459524330452,
                       -0.5869024747767386,
                       -0.5867490554912901,
                       -0.5870016821825708,
                       -0.586770271942436,
                       -0.5871052461115496,
                       -0.5870515086926322,
                       -0.5875120152036654,
                       -0.5880240470356086,
                       -0.5872085665234323,
                       -0.5871765345622373,
                       -0.5876890194464237,
                       -0.5884059381599811,
                       -0.5884159131693851,
                       -0.5872078230288709,
                       -0.5877556085536126,
                       -0.5885733274200443,
                       -0.5888655203482915,
                       -0.5885588063969063],
            'types': ['torch.DoubleTensor', 'torch.float64'],
            'reduction': 'sum',
            'hidden': [24, 24],
            'printed': ['Batch size:  24',
                        'Epoch  0 MSE:  16.427105427854716',
                        'Epoch  2 MSE:  14.014326273053463',
                        'Epoch  4 MSE:  11.959166454074476'],
            'warnings': ["size_average and reduce args will be deprecated, please use reduction='sum' instead."]}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
