"""spro/char-rnn.pytorch (a character-level GRU/LSTM generator, "Practical PyTorch"), run on the dialect, gives PyTorch's
numbers to 1e-10 in float64 and prints what it prints.

Source: https://github.com/spro/char-rnn.pytorch (model.py @ ecec39e0, train.py @ ebc414df, generate.py and helpers.py;
MIT license, copyright Sean Robertson; kept as a test fixture). What runs, as the repository wrote it: `char_tensor`
(`torch.zeros(len(string)).long()` filled item by item inside a bare `try`/`except`), `CharRNN` for both `model="gru"` and
`model="lstm"` (`nn.Embedding`, a 2-layer `nn.GRU`/`nn.LSTM` stepped one character at a time with
`encoded.view(1, batch_size, -1)`, `nn.Linear`, `init_hidden` returning `Variable(torch.zeros(...))` or a tuple of them),
`random_training_set` (`torch.LongTensor(batch_size, chunk_len)` rows assigned from `char_tensor`, `random.randint`),
`train` (`decoder.zero_grad()`, `loss = 0` then `loss += criterion(output.view(batch_size, -1), target[:,c])`, Adam),
the printed progress lines, `generate` (priming with `prime_input[:,p]`, `output.data.view(-1).div(temperature).exp()`,
`all_characters[top_i]` indexing a string with a 0-d tensor, `Variable(char_tensor(predicted_char).unsqueeze(0))`),
the whole model saved with `torch.save(decoder, ...)` and loaded back for generating under `torch.no_grad()`; loading it
with `torch.load`'s default `weights_only=True` fails in both libraries (`UnpicklingError`), so generate.py's load is
run with `weights_only=False`, as PyTorch 2.6+ requires.

Edits, all for the comparison: a made-up line of text replaces Shakespeare, sizes are small (hidden 6, chunks of 5,
batches of 3, 4 epochs printed every 2), the weights are loaded from `fill`, `random` is seeded, the elapsed time prints
as "0m 0s", `loss.data[0] / chunk_len` (PyTorch 0.3) is `loss.item() / chunk_len`, and `torch.multinomial(output_dist,
1)` is a stand-in `multinomial` drawing from the same weights by inverse CDF with fixed uniforms (each library has its
own random numbers).
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch` standing for
PyTorch), printed as literals.
"""
import io, contextlib, os, random, string, math, time, tempfile
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
from tinygrad_rnn.torch.autograd import Variable
from more_programs_compare import close
from torch_expect import fill, float64, set_params  # noqa: F401 (float64 is an autouse fixture)

# helpers.py
all_characters = string.printable
n_characters = len(all_characters)

def char_tensor(string):
    tensor = torch.zeros(len(string)).long()
    for c in range(len(string)):
        try:
            tensor[c] = all_characters.index(string[c])
        except:
            continue
    return tensor

# model.py
class CharRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, model="gru", n_layers=1):
        super(CharRNN, self).__init__()
        self.model = model.lower()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.output_size = output_size
        self.n_layers = n_layers

        self.encoder = nn.Embedding(input_size, hidden_size)
        if self.model == "gru":
            self.rnn = nn.GRU(hidden_size, hidden_size, n_layers)
        elif self.model == "lstm":
            self.rnn = nn.LSTM(hidden_size, hidden_size, n_layers)
        self.decoder = nn.Linear(hidden_size, output_size)

    def forward(self, input, hidden):
        batch_size = input.size(0)
        encoded = self.encoder(input)
        output, hidden = self.rnn(encoded.view(1, batch_size, -1), hidden)
        output = self.decoder(output.view(batch_size, -1))
        return output, hidden

    def forward2(self, input, hidden):
        encoded = self.encoder(input.view(1, -1))
        output, hidden = self.rnn(encoded.view(1, 1, -1), hidden)
        output = self.decoder(output.view(1, -1))
        return output, hidden

    def init_hidden(self, batch_size):
        if self.model == "lstm":
            return (Variable(torch.zeros(self.n_layers, batch_size, self.hidden_size)),
                    Variable(torch.zeros(self.n_layers, batch_size, self.hidden_size)))
        return Variable(torch.zeros(self.n_layers, batch_size, self.hidden_size))

# generate.py, with torch.multinomial's draw made from fixed uniforms (inverse CDF)
UNIFORMS = [0.13, 0.71, 0.42, 0.95, 0.28, 0.56, 0.07, 0.84, 0.33, 0.61, 0.49, 0.18]
draws = []
def multinomial(weights, num_samples):
    u = UNIFORMS[len(draws) % len(UNIFORMS)]
    draws.append(u)
    cdf = torch.cumsum(weights, dim=0) / weights.sum()
    return (cdf < u).sum().view(1)

def generate(decoder, prime_str='A', predict_len=100, temperature=0.8, cuda=False):
    hidden = decoder.init_hidden(1)
    prime_input = Variable(char_tensor(prime_str).unsqueeze(0))

    if cuda:
        hidden = hidden.cuda()
        prime_input = prime_input.cuda()
    predicted = prime_str

    # Use priming string to "build up" hidden state
    for p in range(len(prime_str) - 1):
        _, hidden = decoder(prime_input[:,p], hidden)

    inp = prime_input[:,-1]

    for p in range(predict_len):
        output, hidden = decoder(inp, hidden)

        # Sample from the network as a multinomial distribution
        output_dist = output.data.view(-1).div(temperature).exp()
        top_i = multinomial(output_dist, 1)[0]

        # Add predicted character to string and use as next input
        predicted_char = all_characters[top_i]
        predicted += predicted_char
        inp = Variable(char_tensor(predicted_char).unsqueeze(0))
        if cuda:
            inp = inp.cuda()

    return predicted

# train.py
class Args:
    model = "gru"; n_epochs = 4; print_every = 2; hidden_size = 6; n_layers = 2
    learning_rate = 0.01; chunk_len = 5; batch_size = 3; cuda = False

file = "Whether 'tis nobler in the mind to suffer the slings and arrows"
file_len = len(file)

def main(model_kind, workdir):
    args = Args(); args.model = model_kind
    random.seed(1)
    def random_training_set(chunk_len, batch_size):
        inp = torch.LongTensor(batch_size, chunk_len)
        target = torch.LongTensor(batch_size, chunk_len)
        for bi in range(batch_size):
            start_index = random.randint(0, file_len - chunk_len)
            end_index = start_index + chunk_len + 1
            chunk = file[start_index:end_index]
            inp[bi] = char_tensor(chunk[:-1])
            target[bi] = char_tensor(chunk[1:])
        inp = Variable(inp)
        target = Variable(target)
        if args.cuda:
            inp = inp.cuda()
            target = target.cuda()
        return inp, target

    def train(inp, target):
        hidden = decoder.init_hidden(args.batch_size)
        if args.cuda:
            hidden = hidden.cuda()
        decoder.zero_grad()
        loss = 0

        for c in range(args.chunk_len):
            output, hidden = decoder(inp[:,c], hidden)
            loss += criterion(output.view(args.batch_size, -1), target[:,c])

        loss.backward()
        decoder_optimizer.step()

        return loss.item() / args.chunk_len

    def save():
        save_filename = os.path.join(workdir, model_kind + '.pt')
        torch.save(decoder, save_filename)
        print('Saved as %s' % os.path.basename(save_filename))
        return save_filename

    decoder = CharRNN(n_characters, args.hidden_size, n_characters, model=args.model, n_layers=args.n_layers)
    set_params(decoder)
    decoder_optimizer = torch.optim.Adam(decoder.parameters(), lr=args.learning_rate)
    criterion = nn.CrossEntropyLoss()
    all_losses = []
    loss_avg = 0
    print("Training for %d epochs..." % args.n_epochs)
    for epoch in range(1, args.n_epochs + 1):
        loss = train(*random_training_set(args.chunk_len, args.batch_size))
        loss_avg += loss
        all_losses.append(loss)
        if epoch % args.print_every == 0:
            print('[%s (%d %d%%) %.4f]' % ('0m 0s', epoch, epoch / args.n_epochs * 100, loss))
            print(generate(decoder, 'Wh', 6, cuda=args.cuda), '\n')
    print("Saving...")
    filename = save()
    # generate.py's main
    try:
        torch.load(filename)
        loaded_error = None
    except Exception as e:
        loaded_error = type(e).__name__
    decoder2 = torch.load(filename, weights_only=False)
    with torch.no_grad():
        print(generate(decoder2, prime_str='Th', predict_len=5, temperature=0.5))
    return all_losses, loaded_error, [p.sum().item() for p in decoder.parameters()]

def run():
    out = io.StringIO()
    res = {}
    with tempfile.TemporaryDirectory() as d, contextlib.redirect_stdout(out):
        for kind in ['gru', 'lstm']:
            res[kind] = main(kind, d)
    res['printed'] = out.getvalue().splitlines()
    return res


def pytorch_values() -> dict:
    return run()


EXPECTED = {'gru': ([4.763016948328444, 4.700296696787052, 4.6138313410268115, 4.763923482053409],
                    'UnpicklingError',
                    [-0.36455333438825704,
                     0.6892377460442163,
                     -0.013554735362132475,
                     -0.8770412201698893,
                     -0.6347554878147704,
                     -0.43302558011428116,
                     0.05390492864786356,
                     0.6017772536498207,
                     0.02723852006155325,
                     -0.3695034109182771,
                     -3.684361979808469]),
            'lstm': ([4.714037487120057, 4.696054555620147, 4.628118637256998, 4.7475882960028555],
                     'UnpicklingError',
                     [-0.44797027752574425,
                      -0.22546551143275406,
                      -0.08836290597908114,
                      0.08004698486869283,
                      0.1586852422304004,
                      -0.35704023122932393,
                      1.1632585867507794,
                      -0.26652517812155563,
                      -0.3430573852164193,
                      5.9740098487581985,
                      -3.6900074063345665]),
            'printed': ['Training for 4 epochs...',
                        '[0m 0s (2 50%) 4.7003]',
                        'Whe*G}pP ',
                        '',
                        '[0m 0s (4 100%) 4.7639]',
                        'Wh9=tULi ',
                        '',
                        'Saving...',
                        'Saved as gru.pt',
                        'The*F`m',
                        'Training for 4 epochs...',
                        '[0m 0s (2 50%) 4.6961]',
                        'WhS8=vXL ',
                        '',
                        '[0m 0s (4 100%) 4.7476]',
                        'Whid)F q ',
                        '',
                        'Saving...',
                        'Saved as lstm.pt',
                        'ThP9=rU']}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
