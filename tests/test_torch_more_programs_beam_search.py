"""budzianowski/PyTorch-Beam-Search-Decoding (beam search and greedy decoding of a GRU decoder with a PriorityQueue of
BeamSearchNodes), run on the dialect, gives PyTorch's numbers to 1e-10 in float64.

Source: https://github.com/budzianowski/PyTorch-Beam-Search-Decoding (decode_beam.py; kept as a test fixture,
docstrings shortened). What runs, as the repository wrote it: `DecoderRNN` (`nn.Embedding`, `.transpose(0, 1)`,
`F.dropout(embedded, rate)`, `nn.GRU`, `F.log_softmax`), `BeamSearchNode.eval` (length-normalised log-probability),
`beam_decode` (`torch.LongTensor([[SOS_token]], device=device)`, `(score, node)` tuples in a `PriorityQueue`,
`n.wordid.item()`, `torch.topk(decoder_output, beam_width)`, `indexes[0][new_k].view(1, -1)`, back-tracing the
n-best utterances sorted by score) and `greedy_decode` (`decoder_output.data.topk(1)`, `decoded_batch[:, t] = topi`
into a float buffer, `topi.detach().view(-1, 1)`).

Edits: the repository's file is illustrative and does not run as published: `from Queue import PriorityQueue` (Python
2) is `queue`; `DecoderRNN()` (called without its arguments at import) is built in `run()`; the GRU is not
bidirectional (the published `Linear(hidden_size, ...)` cannot take a bidirectional GRU's output). Sizes are small
(beam width 3, two sentences, at most 12 expansions instead of 2000, MAX_LENGTH 6), dropout is 0, the weights are
loaded from `set_params` with the output layer rescaled, and an encoder GRU gives the starting hidden states. Added
for the comparison: a teacher-forced NLL loss over the greedy tokens, backpropagated through decoder and encoder.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import operator
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
from queue import PriorityQueue
from more_programs_compare import close
from torch_expect import fill, float64, set_params  # noqa: F401 (float64 is an autouse fixture)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

SOS_token = 0
EOS_token = 1
MAX_LENGTH = 6


class DecoderRNN(nn.Module):
    def __init__(self, embedding_size, hidden_size, output_size, cell_type, dropout=0.1):
        '''
        Illustrative decoder
        '''
        super(DecoderRNN, self).__init__()
        self.hidden_size = hidden_size
        self.cell_type = cell_type
        self.embedding = nn.Embedding(num_embeddings=output_size,
                                      embedding_dim=embedding_size,
                                      )

        self.rnn = nn.GRU(embedding_size, hidden_size, bidirectional=False, dropout=dropout, batch_first=False)
        self.dropout_rate = dropout
        self.out = nn.Linear(hidden_size, output_size)

    def forward(self, input, hidden, not_used):
        embedded = self.embedding(input).transpose(0, 1)  # [B,1] -> [ 1, B, D]
        embedded = F.dropout(embedded, self.dropout_rate)

        output = embedded

        output, hidden = self.rnn(output, hidden)

        out = self.out(output.squeeze(0))
        output = F.log_softmax(out, dim=1)
        return output, hidden


class BeamSearchNode(object):
    def __init__(self, hiddenstate, previousNode, wordId, logProb, length):
        self.h = hiddenstate
        self.prevNode = previousNode
        self.wordid = wordId
        self.logp = logProb
        self.leng = length

    def eval(self, alpha=1.0):
        reward = 0
        # Add here a function for shaping a reward

        return self.logp / float(self.leng - 1 + 1e-6) + alpha * reward


decoder = None


def beam_decode(target_tensor, decoder_hiddens, encoder_outputs=None):
    beam_width = 3
    topk = 2  # how many sentence do you want to generate
    decoded_batch = []

    # decoding goes sentence by sentence
    for idx in range(target_tensor.size(0)):
        if isinstance(decoder_hiddens, tuple):  # LSTM case
            decoder_hidden = (decoder_hiddens[0][:,idx, :].unsqueeze(0),decoder_hiddens[1][:,idx, :].unsqueeze(0))
        else:
            decoder_hidden = decoder_hiddens[:, idx, :].unsqueeze(0)
        encoder_output = encoder_outputs[:,idx, :].unsqueeze(1)

        # Start with the start of the sentence token
        decoder_input = torch.LongTensor([[SOS_token]], device=device)

        # Number of sentence to generate
        endnodes = []
        number_required = min((topk + 1), topk - len(endnodes))

        # starting node -  hidden vector, previous node, word id, logp, length
        node = BeamSearchNode(decoder_hidden, None, decoder_input, 0, 1)
        nodes = PriorityQueue()

        # start the queue
        nodes.put((-node.eval(), node))
        qsize = 1

        # start beam search
        while True:
            # give up when decoding takes too long
            if qsize > 12: break

            # fetch the best node
            score, n = nodes.get()
            decoder_input = n.wordid
            decoder_hidden = n.h

            if n.wordid.item() == EOS_token and n.prevNode != None:
                endnodes.append((score, n))
                # if we reached maximum # of sentences required
                if len(endnodes) >= number_required:
                    break
                else:
                    continue

            # decode for one step using decoder
            decoder_output, decoder_hidden = decoder(decoder_input, decoder_hidden, encoder_output)

            # PUT HERE REAL BEAM SEARCH OF TOP
            log_prob, indexes = torch.topk(decoder_output, beam_width)
            nextnodes = []

            for new_k in range(beam_width):
                decoded_t = indexes[0][new_k].view(1, -1)
                log_p = log_prob[0][new_k].item()

                node = BeamSearchNode(decoder_hidden, n, decoded_t, n.logp + log_p, n.leng + 1)
                score = -node.eval()
                nextnodes.append((score, node))

            # put them into queue
            for i in range(len(nextnodes)):
                score, nn = nextnodes[i]
                nodes.put((score, nn))
                # increase qsize
            qsize += len(nextnodes) - 1

        # choose nbest paths, back trace them
        if len(endnodes) == 0:
            endnodes = [nodes.get() for _ in range(topk)]

        utterances = []
        for score, n in sorted(endnodes, key=operator.itemgetter(0)):
            utterance = []
            utterance.append(n.wordid)
            # back trace
            while n.prevNode != None:
                n = n.prevNode
                utterance.append(n.wordid)

            utterance = utterance[::-1]
            utterances.append(utterance)

        decoded_batch.append(utterances)

    return decoded_batch


def greedy_decode(decoder_hidden, encoder_outputs, target_tensor):
    batch_size, seq_len = target_tensor.size()
    decoded_batch = torch.zeros((batch_size, MAX_LENGTH))
    decoder_input = torch.LongTensor([[SOS_token] for _ in range(batch_size)], device=device)

    for t in range(MAX_LENGTH):
        decoder_output, decoder_hidden = decoder(decoder_input, decoder_hidden, encoder_outputs)

        topv, topi = decoder_output.data.topk(1)  # get candidates
        topi = topi.view(-1)
        decoded_batch[:, t] = topi

        decoder_input = topi.detach().view(-1, 1)

    return decoded_batch


def run():
    global decoder
    decoder = DecoderRNN(3, 5, 7, 'GRU', dropout=0.0)
    set_params(decoder)
    with torch.no_grad():
        decoder.out.weight.copy_(torch.tensor(fill((7, 5), 8)) * 3)
        decoder.out.bias.copy_(torch.tensor([0.3, -0.2, 0.5, 0.1, -0.4, 0.45, 0.0]))
    encoder = nn.GRU(4, 5)
    set_params(encoder)
    src = torch.tensor(fill((4, 3, 4), 5))
    encoder_outputs, hidden = encoder(src)
    target_tensor = torch.zeros(3, 4, dtype=torch.long)
    with torch.no_grad():
        beams = beam_decode(target_tensor, hidden, encoder_outputs)
        greedy = greedy_decode(hidden, encoder_outputs, target_tensor)
    # a teacher-forced loss through the same decoder, for the gradients
    decoder_hidden, loss = hidden, 0
    decoder_input = torch.LongTensor([[SOS_token] for _ in range(3)], device=device)
    for t in range(3):
        decoder_output, decoder_hidden = decoder(decoder_input, decoder_hidden, encoder_outputs)
        target = greedy[:, t].long()
        loss = loss + F.nll_loss(decoder_output, target)
        decoder_input = target.view(-1, 1)
    loss.backward()
    return {'beams': [[[w.tolist() for w in u] for u in b] for b in beams], 'greedy': greedy.tolist(),
            'greedy_dtype': str(greedy.dtype), 'loss': loss.item(),
            'grads': [p.grad.sum().item() for p in list(decoder.parameters()) + list(encoder.parameters())]}


def pytorch_values() -> dict:
    return run()


EXPECTED = {'beams': [[[[[0]], [[5]], [[5]], [[5]], [[5]], [[5]], [[5]]], [[[0]], [[5]], [[5]], [[5]], [[5]], [[5]], [[6]]]],
           [[[[0]], [[5]], [[5]], [[5]], [[5]], [[5]], [[5]]], [[[0]], [[5]], [[5]], [[5]], [[5]], [[5]], [[6]]]],
           [[[[0]], [[5]], [[5]], [[5]], [[5]], [[5]], [[5]]], [[[0]], [[5]], [[5]], [[5]], [[5]], [[5]], [[6]]]]],
 'greedy': [[5.0, 5.0, 5.0, 5.0, 5.0, 5.0], [5.0, 5.0, 5.0, 5.0, 5.0, 5.0], [5.0, 5.0, 5.0, 5.0, 5.0, 5.0]],
 'greedy_dtype': 'torch.float64',
 'loss': 3.793573402814996,
 'grads': [0.3788528875895749,
           0.4694738962917005,
           0.004668685079067536,
           0.6508366861167638,
           0.22845611158909762,
           1.1102230246251565e-16,
           -5.551115123125783e-17,
           0.010321301134943561,
           0.053003142932835826,
           -0.3652664896074805,
           -0.20324664214974242]}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
