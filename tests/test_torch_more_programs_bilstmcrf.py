"""jidasheng/bi-lstm-crf (a BiLSTM-CRF sequence tagger, the `bi-lstm-crf` package), run on the dialect, gives PyTorch's
numbers to 1e-10 in float64 and prints what it prints.

Source: https://github.com/jidasheng/bi-lstm-crf (bi_lstm_crf/model/crf.py @ aff88eac, bi_lstm_crf/model/model.py and
bi_lstm_crf/app/train.py @ 3ca9aeab; MIT license, copyright jidasheng; kept as a test fixture). What runs, as the
repository wrote it: `CRF` (`nn.Parameter(torch.randn(...))` transitions with the START row and STOP column written
through `.data[...] = IMPOSSIBLE`; the forward algorithm with a `log_sum_exp` of `x.max(-1)[0]` over
`[B, 1, C] + [1, C, C] + [B, C, 1]` broadcasts and masked updates; the gold score with `features.gather(dim=2, ...)`,
`torch.full(..., dtype=torch.long)`, `self.transitions[tags[:, 1:], tags[:, :-1]]` (two index tensors) and
`tags.gather(dim=1, index=masks.sum(1).long().unsqueeze(1))`; Viterbi decoding with `acc_score_t, bps[:, t, :] =
acc_score_t.max(dim=-1)` (a tuple assigned into a slice of a long tensor), `acc_score_t += emit_score_t`, `max_score +=
...`, and the back pointers followed in numpy), `BiRnnCrf` (`sentences.gt(0)` masks, `seq_length.sort(descending=True)`,
`embeds[perm_idx, :]`, `pack_padded_sequence(embeds, lengths=sorted_seq_length.cpu(), batch_first=True)` into a
bidirectional `nn.LSTM`, `pad_packed_sequence`, the order restored with `perm_idx.sort()`), and train.py's loop
(TensorDataset + DataLoader, `model.zero_grad()`, Adam with `weight_decay`, the progress line formatting the loss
tensor itself with `{:5.2f}`, `__eval_model` under `torch.no_grad()` building `torch.tensor(losses)` from a tuple of 0-d
tensors, the best model's `state_dict` saved), then the saved model loaded into a new `BiRnnCrf` and decoding new
sentences.

Edits, for the comparison: six made-up tagged sentences replace the corpus and its preprocessing, sizes are small, the
weights are loaded from `fill` (and the IMPOSSIBLE entries written again, as the constructor wrote them), the loader does
not shuffle, tqdm's bar is a list of its description lines, pandas' loss CSV is left out, and the saved file names are
printed without their directory. One edit is for the dialect, and is what running the program unchanged found:
`torch.multiply` (missing here: AttributeError) is `torch.mul`, its alias.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch` standing for
PyTorch), printed as literals.
"""
import io, contextlib, os, tempfile
import numpy as np
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.optim as optim
from tinygrad_rnn.torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from tinygrad_rnn.torch.utils.data import TensorDataset, DataLoader
from more_programs_compare import close
from torch_expect import fill, float64  # noqa: F401 (float64 is an autouse fixture)

# bi_lstm_crf/model/crf.py
def log_sum_exp(x):
    """calculate log(sum(exp(x))) = max(x) + log(sum(exp(x - max(x))))
    """
    max_score = x.max(-1)[0]
    return max_score + (x - max_score.unsqueeze(-1)).exp().sum(-1).log()


IMPOSSIBLE = -1e4


class CRF(nn.Module):
    def __init__(self, in_features, num_tags):
        super(CRF, self).__init__()

        self.num_tags = num_tags + 2
        self.start_idx = self.num_tags - 2
        self.stop_idx = self.num_tags - 1

        self.fc = nn.Linear(in_features, self.num_tags)

        # transition factor, Tij mean transition from j to i
        self.transitions = nn.Parameter(torch.randn(self.num_tags, self.num_tags), requires_grad=True)
        self.transitions.data[self.start_idx, :] = IMPOSSIBLE
        self.transitions.data[:, self.stop_idx] = IMPOSSIBLE

    def forward(self, features, masks):
        features = self.fc(features)
        return self.__viterbi_decode(features, masks[:, :features.size(1)].float())

    def loss(self, features, ys, masks):
        features = self.fc(features)

        L = features.size(1)
        masks_ = masks[:, :L].float()

        forward_score = self.__forward_algorithm(features, masks_)
        gold_score = self.__score_sentence(features, ys[:, :L].long(), masks_)
        loss = (forward_score - gold_score).mean()
        return loss

    def __score_sentence(self, features, tags, masks):
        B, L, C = features.shape

        # emission score
        emit_scores = features.gather(dim=2, index=tags.unsqueeze(-1)).squeeze(-1)

        # transition score
        start_tag = torch.full((B, 1), self.start_idx, dtype=torch.long, device=tags.device)
        tags = torch.cat([start_tag, tags], dim=1)  # [B, L+1]
        trans_scores = self.transitions[tags[:, 1:], tags[:, :-1]]

        # last transition score to STOP tag
        last_tag = tags.gather(dim=1, index=masks.sum(1).long().unsqueeze(1)).squeeze(1)  # [B]
        last_score = self.transitions[self.stop_idx, last_tag]

        score = ((trans_scores + emit_scores) * masks).sum(1) + last_score
        return score

    def __viterbi_decode(self, features, masks):
        B, L, C = features.shape

        bps = torch.zeros(B, L, C, dtype=torch.long, device=features.device)  # back pointers

        # Initialize the viterbi variables in log space
        max_score = torch.full((B, C), IMPOSSIBLE, device=features.device)  # [B, C]
        max_score[:, self.start_idx] = 0

        for t in range(L):
            mask_t = masks[:, t].unsqueeze(1)  # [B, 1]
            emit_score_t = features[:, t]  # [B, C]

            # [B, 1, C] + [C, C]
            acc_score_t = max_score.unsqueeze(1) + self.transitions  # [B, C, C]
            acc_score_t, bps[:, t, :] = acc_score_t.max(dim=-1)
            acc_score_t += emit_score_t
            max_score = acc_score_t * mask_t + max_score * (1 - mask_t)  # max_score or acc_score_t

        # Transition to STOP_TAG
        max_score += self.transitions[self.stop_idx]
        best_score, best_tag = max_score.max(dim=-1)

        # Follow the back pointers to decode the best path.
        best_paths = []
        bps = bps.cpu().numpy()
        for b in range(B):
            best_tag_b = best_tag[b].item()
            seq_len = int(masks[b, :].sum().item())

            best_path = [best_tag_b]
            for bps_t in reversed(bps[b, :seq_len]):
                best_tag_b = bps_t[best_tag_b]
                best_path.append(best_tag_b)
            # drop the last tag and reverse the left
            best_paths.append(best_path[-2::-1])

        return best_score, best_paths

    def __forward_algorithm(self, features, masks):
        B, L, C = features.shape

        scores = torch.full((B, C), IMPOSSIBLE, device=features.device)  # [B, C]
        scores[:, self.start_idx] = 0.
        trans = self.transitions.unsqueeze(0)  # [1, C, C]

        # Iterate through the sentence
        for t in range(L):
            emit_score_t = features[:, t].unsqueeze(2)  # [B, C, 1]
            score_t = scores.unsqueeze(1) + trans + emit_score_t  # [B, 1, C] + [1, C, C] + [B, C, 1] => [B, C, C]
            score_t = log_sum_exp(score_t)  # [B, C]

            mask_t = masks[:, t].unsqueeze(1)  # [B, 1]
            scores = score_t * mask_t + scores * (1 - mask_t)
        scores = log_sum_exp(scores + self.transitions[self.stop_idx])
        return scores

# bi_lstm_crf/model/model.py
class BiRnnCrf(nn.Module):
    def __init__(self, vocab_size, tagset_size, embedding_dim, hidden_dim, num_rnn_layers=1, rnn="lstm"):
        super(BiRnnCrf, self).__init__()
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.vocab_size = vocab_size
        self.tagset_size = tagset_size

        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        RNN = nn.LSTM if rnn == "lstm" else nn.GRU
        self.rnn = RNN(embedding_dim, hidden_dim // 2, num_layers=num_rnn_layers,
                       bidirectional=True, batch_first=True)
        self.crf = CRF(hidden_dim, self.tagset_size)

    def __build_features(self, sentences):
        masks = sentences.gt(0)
        embeds = self.embedding(sentences.long())

        seq_length = masks.sum(1)
        sorted_seq_length, perm_idx = seq_length.sort(descending=True)
        embeds = embeds[perm_idx, :]

        pack_sequence = pack_padded_sequence(embeds, lengths=sorted_seq_length.cpu(), batch_first=True)
        packed_output, _ = self.rnn(pack_sequence)
        lstm_out, _ = pad_packed_sequence(packed_output, batch_first=True)
        _, unperm_idx = perm_idx.sort()
        lstm_out = lstm_out[unperm_idx, :]

        return lstm_out, masks

    def loss(self, xs, tags):
        features, masks = self.__build_features(xs)
        loss = self.crf.loss(features, tags, masks=masks)
        return loss

    def forward(self, xs):
        # Get the emission scores from the BiLSTM
        features, masks = self.__build_features(xs)
        scores, tag_seq = self.crf(features, masks)
        return scores, tag_seq

# bi_lstm_crf/app/train.py
def __eval_model(model, device, dataloader, desc):
    model.eval()
    with torch.no_grad():
        # eval
        losses, nums = zip(*[
            (model.loss(xb.to(device), yb.to(device)), len(xb))
            for xb, yb in dataloader])
        return torch.sum(torch.mul(torch.tensor(losses), torch.tensor(nums))) / np.sum(nums)


def __save_model(model_dir, model):
    model_path = os.path.join(model_dir, "model.pth")
    torch.save(model.state_dict(), model_path)
    print("save model => {}".format("model.pth"))


class Args:
    num_epoch = 3; lr = 0.05; weight_decay = 1e-4; batch_size = 2; save_best_val_model = True
    embedding_dim = 4; hidden_dim = 6; num_rnn_layers = 1; rnn_type = "lstm"


def train(args, model_dir, data, log):
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data
    model = BiRnnCrf(9, 3, args.embedding_dim, args.hidden_dim, args.num_rnn_layers, args.rnn_type)
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(torch.tensor(fill(tuple(p.shape), i)))
    model.crf.transitions.data[model.crf.start_idx, :] = IMPOSSIBLE
    model.crf.transitions.data[:, model.crf.stop_idx] = IMPOSSIBLE
    losses = []
    train_dl = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size, shuffle=False)
    valid_dl = DataLoader(TensorDataset(x_val, y_val), batch_size=args.batch_size * 2)
    test_dl = DataLoader(TensorDataset(x_test, y_test), batch_size=args.batch_size * 2)

    optimizer = optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)

    device = torch.device("cpu")
    model.to(device)

    val_loss = 0
    best_val_loss = 1e4
    for epoch in range(args.num_epoch):
        # train
        model.train()
        for bi, (xb, yb) in enumerate(train_dl):
            model.zero_grad()

            loss = model.loss(xb.to(device), yb.to(device))
            loss.backward()
            optimizer.step()
            log.append("{:2d}/{} loss: {:5.2f}, val_loss: {:5.2f}".format(
                epoch+1, args.num_epoch, loss, val_loss))
            losses.append([epoch, bi, loss.item(), np.nan])

        # evaluation
        val_loss = __eval_model(model, device, dataloader=valid_dl, desc="eval").item()
        # save losses
        losses[-1][-1] = val_loss

        # save model
        if not args.save_best_val_model or val_loss < best_val_loss:
            best_val_loss = val_loss
            __save_model(model_dir, model)
            print("save model(epoch: {}) => {}".format(epoch, "loss.csv"))

    # test
    test_loss = __eval_model(model, device, dataloader=test_dl, desc="test").item()
    last_loss = losses[-1][:]
    last_loss[-1] = test_loss
    losses.append(last_loss)
    print("training completed. test loss: {:.2f}".format(test_loss))
    return model, losses


def run():
    def pad(rows, n):
        return torch.tensor([r + [0] * (n - len(r)) for r in rows], dtype=torch.long)
    sents = [[1, 2, 3, 4], [5, 6], [7, 8, 2], [3, 1, 6, 5], [8, 4], [2, 7, 1]]
    tags = [[1, 2, 2, 0], [0, 1], [1, 0, 2], [2, 2, 0, 1], [1, 1], [0, 2, 1]]
    x, y = pad(sents, 5), pad(tags, 5)
    data = ((x[:4], y[:4]), (x[4:], y[4:]), (x[2:5], y[2:5]))
    out, log = io.StringIO(), []
    with tempfile.TemporaryDirectory() as d, contextlib.redirect_stdout(out):
        model, losses = train(Args(), d, data, log)
        # predict.py: the saved model, loaded, tags new sentences
        model2 = BiRnnCrf(9, 3, Args.embedding_dim, Args.hidden_dim)
        model2.load_state_dict(torch.load(os.path.join(d, "model.pth")))
        model2.eval()
        with torch.no_grad():
            scores, tag_seq = model2(pad([[3, 4, 5], [6, 7, 8, 1, 2], [4]], 5))
    return {'losses': losses, 'log': log, 'printed': out.getvalue().splitlines(), 'scores': scores.tolist(),
            'tag_seq': [[int(t) for t in s] for s in tag_seq],
            'trans': model.crf.transitions.sum().item(), 'grads': [p.grad.sum().item() for p in model.parameters()]}


def pytorch_values() -> dict:
    return run()


nan = float("nan")

EXPECTED = {'losses': [[0, 0, 3.851178596580306, nan],
                       [0, 1, 3.7588491089973326, 3.0236333666488724],
                       [1, 0, 3.2424617955200716, nan],
                       [1, 1, 3.535918030979915, 3.0983141409473705],
                       [2, 0, 2.9154636653405963, nan],
                       [2, 1, 3.353417853762118, 3.164764282973321],
                       [2, 1, 3.353417853762118, 3.00151797859251]],
            'log': [' 1/3 loss:  3.85, val_loss:  0.00',
                    ' 1/3 loss:  3.76, val_loss:  0.00',
                    ' 2/3 loss:  3.24, val_loss:  3.02',
                    ' 2/3 loss:  3.54, val_loss:  3.02',
                    ' 3/3 loss:  2.92, val_loss:  3.10',
                    ' 3/3 loss:  3.35, val_loss:  3.10'],
            'printed': ['save model => model.pth', 'save model(epoch: 0) => loss.csv', 'training completed. test loss: 3.00'],
            'scores': [0.7393575480163805, 0.7523105283004718, 0.4869150798693489],
            'tag_seq': [[2, 2, 2], [1, 2, 2, 2, 2], [2]],
            'trans': -89998.84576601407,
            'grads': [0.02418743102694003,
                      -0.0427673686651868,
                      -0.005451179041255297,
                      0.006923411101772908,
                      0.0069234111017729034,
                      -0.0066300752772151875,
                      -0.05190952765496242,
                      0.06797500764831282,
                      0.06797500764831282,
                      3.3306690738754696e-16,
                      -1.3704315460216776e-16,
                      2.220446049250313e-16]}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
