"""Top-k / nucleus (top-p) sampling from an LSTM language model, run on the dialect, gives PyTorch's numbers to 1e-10
in float64.

Sources: Thomas Wolf's gist "top-k-top-p.py" (https://gist.github.com/thomwolf/1a5a29f6962089e871b94cbd09daf317,
`top_k_top_p_filtering` for one sequence: `torch.topk(logits, top_k)[0][..., -1, None]`, a boolean-mask write
`logits[indices_to_remove] = filter_value`, `torch.sort(descending=True)`, `torch.cumsum` of `F.softmax`, the
shifted mask `sorted_indices_to_remove[..., 1:] = sorted_indices_to_remove[..., :-1].clone()`, `sorted_indices[mask]`),
its batched form as huggingface/transformers shipped it (`min_tokens_to_keep`, `sorted_indices_to_remove.scatter(1,
sorted_indices, sorted_indices_to_remove)` back to vocabulary order), and the model and generation loop of
pytorch/examples' word_language_model (`RNNModel` with an LSTM, condensed to the LSTM branch; generate.py's loop with
`input.fill_(word_idx)` and a temperature) with the filter between the model and the sampling.

Edits: sizes are small, dropout is 0, the weights are loaded from `set_params`; `torch.multinomial` is replaced by
an inverse-CDF draw with fixed uniform numbers `U` (each library has its own random numbers). Added for the
comparison: the batched filter is applied to logits that require grad (the masked `-inf` writes are recorded) and a
cross-entropy through the filtered logits is backpropagated into the LSTM. Found while writing it: the dialect names
the boolean-mask write's grad_fn `CopySlices` where PyTorch names it `IndexPutBackward0` (not compared here).
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import math
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from more_programs_compare import close
from torch_expect import fill, float64, set_params  # noqa: F401 (float64 is an autouse fixture)


def top_k_top_p_filtering(logits, top_k=0, top_p=0.0, filter_value=-float('Inf')):
    """ Filter a distribution of logits using top-k and/or nucleus (top-p) filtering
        Args:
            logits: logits distribution shape (vocabulary size)
            top_k >0: keep only top k tokens with highest probability (top-k filtering).
            top_p >0.0: keep the top tokens with cumulative probability >= top_p (nucleus filtering).
                Nucleus filtering is described in Holtzman et al. (http://arxiv.org/abs/1904.09751)
    """
    assert logits.dim() == 1  # batch size 1 for now - could be updated for more but the code would be less clear
    top_k = min(top_k, logits.size(-1))  # Safety check
    if top_k > 0:
        # Remove all tokens with a probability less than the last token of the top-k
        indices_to_remove = logits < torch.topk(logits, top_k)[0][..., -1, None]
        logits[indices_to_remove] = filter_value

    if top_p > 0.0:
        sorted_logits, sorted_indices = torch.sort(logits, descending=True)
        cumulative_probs = torch.cumsum(F.softmax(sorted_logits, dim=-1), dim=-1)

        # Remove tokens with cumulative probability above the threshold
        sorted_indices_to_remove = cumulative_probs > top_p
        # Shift the indices to the right to keep also the first token above the threshold
        sorted_indices_to_remove[..., 1:] = sorted_indices_to_remove[..., :-1].clone()
        sorted_indices_to_remove[..., 0] = 0

        indices_to_remove = sorted_indices[sorted_indices_to_remove]
        logits[indices_to_remove] = filter_value
    return logits


def top_k_top_p_filtering_batched(logits, top_k=0, top_p=1.0, filter_value=-float("Inf"), min_tokens_to_keep=1):
    if top_k > 0:
        top_k = min(max(top_k, min_tokens_to_keep), logits.size(-1))  # Safety check
        # Remove all tokens with a probability less than the last token of the top-k
        indices_to_remove = logits < torch.topk(logits, top_k)[0][..., -1, None]
        logits[indices_to_remove] = filter_value

    if top_p < 1.0:
        sorted_logits, sorted_indices = torch.sort(logits, descending=True)
        cumulative_probs = torch.cumsum(F.softmax(sorted_logits, dim=-1), dim=-1)

        # Remove tokens with cumulative probability above the threshold (token with 0 are kept)
        sorted_indices_to_remove = cumulative_probs > top_p
        if min_tokens_to_keep > 1:
            # Keep at least min_tokens_to_keep (set to min_tokens_to_keep-1 because we add the first one below)
            sorted_indices_to_remove[..., :min_tokens_to_keep] = 0
        # Shift the indices to the right to keep also the first token above the threshold
        sorted_indices_to_remove[..., 1:] = sorted_indices_to_remove[..., :-1].clone()
        sorted_indices_to_remove[..., 0] = 0

        # scatter sorted tensors to original indexing
        indices_to_remove = sorted_indices_to_remove.scatter(1, sorted_indices, sorted_indices_to_remove)
        logits[indices_to_remove] = filter_value
    return logits


class RNNModel(nn.Module):
    """pytorch/examples word_language_model's RNNModel (LSTM, untied), condensed."""
    def __init__(self, ntoken, ninp, nhid, nlayers):
        super(RNNModel, self).__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(0.0)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=0.0)
        self.decoder = nn.Linear(nhid, ntoken)
        self.nlayers = nlayers
        self.nhid = nhid

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                weight.new_zeros(self.nlayers, bsz, self.nhid))


U = [0.13, 0.91, 0.47, 0.66, 0.05, 0.38, 0.79, 0.22]   # stands for the random draws of torch.multinomial


def sample(probs, u):
    """torch.multinomial(probs, 1) with a fixed uniform number u (inverse CDF)."""
    return int((torch.cumsum(probs, dim=-1) < u * probs.sum()).sum().item())


def run():
    torch.manual_seed(0)
    ntokens = 9
    model = RNNModel(ntokens, 5, 6, 2)
    set_params(model)
    model.eval()
    out = {}
    # generate.py, with top-k / top-p filtering of the gist between the model and the sampling
    for name, (k, p) in {'top_k': (4, 0.0), 'top_p': (0, 0.7), 'both': (5, 0.8)}.items():
        hidden = model.init_hidden(1)
        input = torch.tensor([[3]], dtype=torch.long)
        words, kept = [], []
        with torch.no_grad():
            for i in range(8):
                output, hidden = model(input, hidden)
                logits = output[0, :] / 0.8    # temperature
                filtered = top_k_top_p_filtering(logits, top_k=k, top_p=p)
                probabilities = F.softmax(filtered, dim=-1)
                kept.append(int((filtered > -float('inf')).sum().item()))
                word_idx = sample(probabilities, U[i])
                input.fill_(word_idx)
                words.append(word_idx)
        out[name] = (words, kept, probabilities.tolist())
    # the batched version on a batch of next-token logits, with gradients through the filtered logits
    model.train()
    data = torch.tensor(fill((4, 3), 2) * 10 + 4.5).long() % ntokens
    hidden = model.init_hidden(3)
    output, hidden = model(data, hidden)
    logits = output.view(4, 3, ntokens)[-1] * 2.0
    filtered = top_k_top_p_filtering_batched(logits, top_k=6, top_p=0.9, min_tokens_to_keep=2)
    out['batched'] = filtered.tolist()
    target = filtered.argmax(dim=-1)
    loss = F.cross_entropy(filtered, target)
    loss.backward()
    out['loss'] = loss.item()
    out['grads'] = [(n, p.grad.sum().item(), (p.grad * torch.tensor(fill(tuple(p.shape), 7))).sum().item())
                    for n, p in model.named_parameters()]
    return out


def pytorch_values() -> dict:
    return run()


EXPECTED = {'top_k': ([2, 8, 5, 5, 1, 4, 8, 4],
           [4, 4, 4, 4, 4, 4, 4, 4],
           [0.0,
            0.21256732594876318,
            0.0,
            0.0,
            0.2472482497360947,
            0.24698146855470485,
            0.0,
            0.0,
            0.29320295576043737]),
 'top_p': ([2, 8, 4, 5, 1, 3, 8, 2],
           [6, 6, 6, 6, 6, 6, 6, 6],
           [0.0,
            0.1568477953224143,
            0.138886980875493,
            0.1261984592306388,
            0.1812024652694115,
            0.18215069110548443,
            0.0,
            0.0,
            0.21471360819655794]),
 'both': ([2, 8, 5, 5, 1, 4, 8, 4],
          [4, 4, 4, 4, 4, 4, 4, 4],
          [0.0,
           0.21256732594876318,
           0.0,
           0.0,
           0.2472482497360947,
           0.24698146855470485,
           0.0,
           0.0,
           0.29320295576043737]),
 'batched': [[-math.inf,
              -4.272482415534449,
              -4.310696170776232,
              -4.4876234143192235,
              -4.067730397912897,
              -4.05288926741677,
              -math.inf,
              -math.inf,
              -3.777842902894698],
             [-math.inf,
              -4.330660373545999,
              -4.351454313075582,
              -4.441986159962466,
              -4.030189959345828,
              -4.102617959708109,
              -math.inf,
              -math.inf,
              -3.731043048526624],
             [-math.inf,
              -4.302265405397852,
              -4.322195558928062,
              -4.460549796499049,
              -4.054777936285126,
              -4.080033637603387,
              -math.inf,
              -math.inf,
              -3.7593925982835907]],
 'loss': 1.412599340082498,
 'grads': [('encoder.weight', -0.010918763007348568, -0.11585857016004625),
           ('rnn.weight_ih_l0', -0.0005836309286177399, -0.11252555990167992),
           ('rnn.weight_hh_l0', -0.18164023567989257, 0.08940338184557006),
           ('rnn.bias_ih_l0', 0.2784139870753189, -0.1266147752936974),
           ('rnn.bias_hh_l0', 0.2784139870753189, -0.1266147752936974),
           ('rnn.weight_ih_l1', -0.2753193016139972, -0.12590602882295449),
           ('rnn.weight_hh_l1', -0.20292063268835356, 0.14985759434533052),
           ('rnn.bias_ih_l1', 0.3401737075710621, -0.005878895960552265),
           ('rnn.bias_hh_l1', 0.340173707571062, -0.005878895960552265),
           ('decoder.weight', 1.1102230246251565e-16, 0.4253894915742609),
           ('decoder.bias', 1.942890293094024e-16, 0.8115955807571946)]}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
