"""jiesutd/NCRFpp (NCRF++, Yang and Zhang's neural sequence-labelling toolkit: a char-CNN word representation into an
LSTM, GRU or CNN word-sequence layer), run on the dialect, gives PyTorch's numbers to 1e-10 in float64, prints what
it prints and emits PyTorch's deprecation warning.

Source: https://github.com/jiesutd/NCRFpp (model/charcnn.py, model/wordrep.py, model/wordsequence.py and the softmax
branch of model/seqlabel.py's `calculate_loss`; Apache-2.0 license, copyright Jie Yang; kept as a test fixture,
docstrings shortened). What runs, as the repository wrote it: `CharCNN` (embedding weights written with
`weight.data.copy_(torch.from_numpy(...))`, `transpose(2,1).contiguous()`, `nn.Conv1d(kernel_size=3, padding=1)`,
`F.max_pool1d(out, out.size(2)).view(batch_size, -1)`), `WordRep` (word and feature embeddings in an `nn.ModuleList`,
char features reordered by `char_features[char_seq_recover]`, `torch.cat(word_list, 2)`), `WordSequence` (a
bidirectional batch-first LSTM or GRU over `pack_padded_sequence(word_represent, lengths.cpu().numpy(), True)` and
`pad_packed_sequence`, or the CNN extractor: `nn.Linear` + tanh, two `nn.Conv1d(padding=1)` + ReLU + Dropout +
`nn.BatchNorm1d` layers), `calculate_loss` (`nn.NLLLoss(ignore_index=0, size_average=False)` with its deprecation
warning, `F.log_softmax`, `torch.max(score, 1)`), and the training step of main.py (SGD with momentum,
`model.zero_grad()`, `(tag_seq == label).masked_select(mask).sum()` as the right-token count).

Edits: sizes are small, dropout is 0, GPU branches and the unused char BiLSTM/BiGRU extractors are left out, the CRF
branch of seqlabel.py is left out (tests/test_torch_more_programs_bilstmcrf.py runs a CRF), a `Data` stand-in holds
the hyperparameters and alphabets, `batch()` stands for utils/functions.py's `batchify_with_label` (three made-up
sentences sorted by length, chars sorted by length with `char_seq_recover` from the argsort), and the weights drawn
by `random_embedding` (numpy's random numbers) are overwritten with `set_params`.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import contextlib
import io
import warnings
import numpy as np
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
import tinygrad_rnn.torch.optim as optim
from tinygrad_rnn.torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from more_programs_compare import close
from torch_expect import fill, float64, set_params  # noqa: F401 (float64 is an autouse fixture)


class CharCNN(nn.Module):
    def __init__(self, alphabet_size, pretrain_char_embedding, embedding_dim, hidden_dim, dropout, gpu):
        super(CharCNN, self).__init__()
        print("build char sequence feature extractor: CNN ...")
        self.gpu = gpu
        self.hidden_dim = hidden_dim
        self.char_drop = nn.Dropout(dropout)
        self.char_embeddings = nn.Embedding(alphabet_size, embedding_dim)
        if pretrain_char_embedding is not None:
            self.char_embeddings.weight.data.copy_(torch.from_numpy(pretrain_char_embedding))
        else:
            self.char_embeddings.weight.data.copy_(torch.from_numpy(self.random_embedding(alphabet_size, embedding_dim)))
        self.char_cnn = nn.Conv1d(embedding_dim, self.hidden_dim, kernel_size=3, padding=1)

    def random_embedding(self, vocab_size, embedding_dim):
        pretrain_emb = np.empty([vocab_size, embedding_dim])
        scale = np.sqrt(3.0 / embedding_dim)
        for index in range(vocab_size):
            pretrain_emb[index,:] = np.random.uniform(-scale, scale, [1, embedding_dim])
        return pretrain_emb

    def get_last_hiddens(self, input, seq_lengths):
        batch_size = input.size(0)
        char_embeds = self.char_drop(self.char_embeddings(input))
        char_embeds = char_embeds.transpose(2,1).contiguous()
        char_cnn_out = self.char_cnn(char_embeds)
        char_cnn_out = F.max_pool1d(char_cnn_out, char_cnn_out.size(2)).view(batch_size, -1)
        return char_cnn_out

    def get_all_hiddens(self, input, seq_lengths):
        batch_size = input.size(0)
        char_embeds = self.char_drop(self.char_embeddings(input))
        char_embeds = char_embeds.transpose(2,1).contiguous()
        char_cnn_out = self.char_cnn(char_embeds).transpose(2,1).contiguous()
        return char_cnn_out

    def forward(self, input, seq_lengths):
        return self.get_all_hiddens(input, seq_lengths)


class WordRep(nn.Module):
    def __init__(self, data):
        super(WordRep, self).__init__()
        print("build word representation...")
        self.gpu = data.HP_gpu
        self.use_char = data.use_char
        self.batch_size = data.HP_batch_size
        self.char_hidden_dim = 0
        self.char_all_feature = False
        self.sentence_classification = data.sentence_classification
        if self.use_char:
            self.char_hidden_dim = data.HP_char_hidden_dim
            self.char_embedding_dim = data.char_emb_dim
            if data.char_feature_extractor == "CNN":
                self.char_feature = CharCNN(data.char_alphabet.size(), data.pretrain_char_embedding, self.char_embedding_dim, self.char_hidden_dim, data.HP_dropout, self.gpu)
        self.embedding_dim = data.word_emb_dim
        self.drop = nn.Dropout(data.HP_dropout)
        self.word_embedding = nn.Embedding(data.word_alphabet.size(), self.embedding_dim)
        if data.pretrain_word_embedding is not None:
            self.word_embedding.weight.data.copy_(torch.from_numpy(data.pretrain_word_embedding))
        else:
            self.word_embedding.weight.data.copy_(torch.from_numpy(self.random_embedding(data.word_alphabet.size(), self.embedding_dim)))

        self.feature_num = data.feature_num
        self.feature_embedding_dims = data.feature_emb_dims
        self.feature_embeddings = nn.ModuleList()
        for idx in range(self.feature_num):
            self.feature_embeddings.append(nn.Embedding(data.feature_alphabets[idx].size(), self.feature_embedding_dims[idx]))
        for idx in range(self.feature_num):
            if data.pretrain_feature_embeddings[idx] is not None:
                self.feature_embeddings[idx].weight.data.copy_(torch.from_numpy(data.pretrain_feature_embeddings[idx]))
            else:
                self.feature_embeddings[idx].weight.data.copy_(torch.from_numpy(self.random_embedding(data.feature_alphabets[idx].size(), self.feature_embedding_dims[idx])))

    def random_embedding(self, vocab_size, embedding_dim):
        pretrain_emb = np.empty([vocab_size, embedding_dim])
        scale = np.sqrt(3.0 / embedding_dim)
        for index in range(vocab_size):
            pretrain_emb[index,:] = np.random.uniform(-scale, scale, [1, embedding_dim])
        return pretrain_emb

    def forward(self, word_inputs,feature_inputs, word_seq_lengths, char_inputs, char_seq_lengths, char_seq_recover):
        batch_size = word_inputs.size(0)
        sent_len = word_inputs.size(1)
        word_embs =  self.word_embedding(word_inputs)
        word_list = [word_embs]
        if not self.sentence_classification:
            for idx in range(self.feature_num):
                word_list.append(self.feature_embeddings[idx](feature_inputs[idx]))
        if self.use_char:
            ## calculate char lstm last hidden
            char_features = self.char_feature.get_last_hiddens(char_inputs, char_seq_lengths.cpu().numpy())
            char_features = char_features[char_seq_recover]
            char_features = char_features.view(batch_size,sent_len,-1)
            ## concat word and char together
            word_list.append(char_features)
            word_embs = torch.cat([word_embs, char_features], 2)
        word_embs = torch.cat(word_list, 2)
        word_represent = self.drop(word_embs)
        return word_represent


class WordSequence(nn.Module):
    def __init__(self, data):
        super(WordSequence, self).__init__()
        print("build word sequence feature extractor: %s..."%(data.word_feature_extractor))
        self.gpu = data.HP_gpu
        self.use_char = data.use_char
        self.droplstm = nn.Dropout(data.HP_dropout)
        self.bilstm_flag = data.HP_bilstm
        self.lstm_layer = data.HP_lstm_layer
        self.wordrep = WordRep(data)
        self.input_size = data.word_emb_dim
        self.feature_num = data.feature_num
        if self.use_char:
            self.input_size += data.HP_char_hidden_dim
        for idx in range(self.feature_num):
            self.input_size += data.feature_emb_dims[idx]
        if self.bilstm_flag:
            lstm_hidden = data.HP_hidden_dim // 2
        else:
            lstm_hidden = data.HP_hidden_dim

        self.word_feature_extractor = data.word_feature_extractor
        if self.word_feature_extractor == "GRU":
            self.lstm = nn.GRU(self.input_size, lstm_hidden, num_layers=self.lstm_layer, batch_first=True, bidirectional=self.bilstm_flag)
        elif self.word_feature_extractor == "LSTM":
            self.lstm = nn.LSTM(self.input_size, lstm_hidden, num_layers=self.lstm_layer, batch_first=True, bidirectional=self.bilstm_flag)
        elif self.word_feature_extractor == "CNN":
            self.word2cnn = nn.Linear(self.input_size, data.HP_hidden_dim)
            self.cnn_layer = data.HP_cnn_layer
            print("CNN layer: ", self.cnn_layer)
            self.cnn_list = nn.ModuleList()
            self.cnn_drop_list = nn.ModuleList()
            self.cnn_batchnorm_list = nn.ModuleList()
            kernel = 3
            pad_size = int((kernel-1)/2)
            for idx in range(self.cnn_layer):
                self.cnn_list.append(nn.Conv1d(data.HP_hidden_dim, data.HP_hidden_dim, kernel_size=kernel, padding=pad_size))
                self.cnn_drop_list.append(nn.Dropout(data.HP_dropout))
                self.cnn_batchnorm_list.append(nn.BatchNorm1d(data.HP_hidden_dim))
        # The linear layer that maps from hidden state space to tag space
        self.hidden2tag = nn.Linear(data.HP_hidden_dim, data.label_alphabet_size)

    def forward(self, word_inputs, feature_inputs, word_seq_lengths, char_inputs, char_seq_lengths, char_seq_recover):
        word_represent = self.wordrep(word_inputs,feature_inputs, word_seq_lengths, char_inputs, char_seq_lengths, char_seq_recover)
        ## word_embs (batch_size, seq_len, embed_size)
        if self.word_feature_extractor == "CNN":
            batch_size = word_inputs.size(0)
            word_in = torch.tanh(self.word2cnn(word_represent)).transpose(2,1).contiguous()
            for idx in range(self.cnn_layer):
                if idx == 0:
                    cnn_feature = F.relu(self.cnn_list[idx](word_in))
                else:
                    cnn_feature = F.relu(self.cnn_list[idx](cnn_feature))
                cnn_feature = self.cnn_drop_list[idx](cnn_feature)
                if batch_size > 1:
                    cnn_feature = self.cnn_batchnorm_list[idx](cnn_feature)
            feature_out = cnn_feature.transpose(2,1).contiguous()
        else:
            packed_words = pack_padded_sequence(word_represent, word_seq_lengths.cpu().numpy(), True)
            hidden = None
            lstm_out, hidden = self.lstm(packed_words, hidden)
            lstm_out, _ = pad_packed_sequence(lstm_out)
            ## lstm_out (seq_len, seq_len, hidden_size)
            feature_out = self.droplstm(lstm_out.transpose(1,0))
        ## feature_out (batch_size, seq_len, hidden_size)
        outputs = self.hidden2tag(feature_out)
        return outputs


class SeqLabel(nn.Module):
    """model/seqlabel.py without the CRF branch."""
    def __init__(self, data):
        super(SeqLabel, self).__init__()
        self.use_crf = data.use_crf
        print("build sequence labeling network...")
        self.gpu = data.HP_gpu
        self.average_batch = data.average_batch_loss
        label_size = data.label_alphabet_size
        self.word_hidden = WordSequence(data)

    def calculate_loss(self, word_inputs, feature_inputs, word_seq_lengths, char_inputs, char_seq_lengths, char_seq_recover, batch_label, mask):
        outs = self.word_hidden(word_inputs,feature_inputs, word_seq_lengths, char_inputs, char_seq_lengths, char_seq_recover)
        batch_size = word_inputs.size(0)
        seq_len = word_inputs.size(1)
        loss_function = nn.NLLLoss(ignore_index=0, size_average=False)
        outs = outs.view(batch_size * seq_len, -1)
        score = F.log_softmax(outs, 1)
        total_loss = loss_function(score, batch_label.view(batch_size * seq_len))
        _, tag_seq  = torch.max(score, 1)
        tag_seq = tag_seq.view(batch_size, seq_len)
        if self.average_batch:
            total_loss = total_loss / batch_size
        return total_loss, tag_seq


class Alphabet:
    def __init__(self, n):
        self.n = n
    def size(self):
        return self.n


class Data:
    HP_gpu = False; use_char = True; HP_batch_size = 3; sentence_classification = False
    HP_char_hidden_dim = 4; char_emb_dim = 3; char_feature_extractor = "CNN"; pretrain_char_embedding = None
    char_alphabet = Alphabet(8); HP_dropout = 0.0; word_emb_dim = 5; word_alphabet = Alphabet(10)
    pretrain_word_embedding = None; feature_num = 1; feature_emb_dims = [2]; feature_alphabets = [Alphabet(3)]
    pretrain_feature_embeddings = [None]; HP_bilstm = True; HP_lstm_layer = 1; HP_hidden_dim = 6
    word_feature_extractor = "LSTM"; HP_cnn_layer = 2; label_alphabet_size = 5; use_crf = False
    average_batch_loss = False


def batch():
    """What utils/functions.py's batchify_with_label returns, for three made-up sentences (sorted by length)."""
    lengths = [4, 3, 2]
    word = torch.zeros(3, 4, dtype=torch.long); label = torch.zeros(3, 4, dtype=torch.long)
    feat = torch.zeros(3, 4, dtype=torch.long)
    for b, n in enumerate(lengths):
        word[b, :n] = torch.tensor([(3 * b + 2 * t) % 9 + 1 for t in range(n)])
        label[b, :n] = torch.tensor([(b + t) % 4 + 1 for t in range(n)])
        feat[b, :n] = torch.tensor([(b * t) % 2 + 1 for t in range(n)])
    mask = word > 0
    char_lens = torch.tensor([[(3 * b + t) % 3 + 1 if t < lengths[b] else 1 for t in range(4)] for b in range(3)]).view(-1)
    char_seq_lengths, char_perm_idx = char_lens.sort(0, descending=True)
    chars = torch.zeros(12, 3, dtype=torch.long)
    for i, n in enumerate(char_seq_lengths.tolist()):
        chars[i, :n] = torch.tensor([(i + 2 * c) % 7 + 1 for c in range(n)])
    _, char_seq_recover = char_perm_idx.sort(0, descending=False)
    return word, [feat], torch.tensor(lengths), chars, char_seq_lengths, char_seq_recover, label, mask


def run():
    out = []
    printed = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(printed):
        warnings.simplefilter("always")
        for extractor in ["LSTM", "GRU", "CNN"]:
            Data.word_feature_extractor = extractor
            model = SeqLabel(Data())
            set_params(model)
            optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
            model.train()
            for idx in range(3):
                args = batch()
                loss, tag_seq = model.calculate_loss(*args)
                right_token = (tag_seq == args[6]).masked_select(args[7]).sum().item()
                out.append((extractor, loss.item(), tag_seq.tolist(), right_token))
                loss.backward()
                optimizer.step()
                model.zero_grad()
            out.append([(n, p.sum().item()) for n, p in model.named_parameters()][:6])
            if extractor == "CNN":
                out.append(model.word_hidden.cnn_batchnorm_list[1].running_var.tolist())
    return {'out': out, 'printed': printed.getvalue().splitlines(), 'warnings': sorted(set(str(w.message).split(' (Triggered')[0] for w in caught))}


def pytorch_values() -> dict:
    return run()


EXPECTED = {'out': [('LSTM', 17.023969992001803, [[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], 1),
         ('LSTM', 15.631987353214985, [[1, 1, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]], 1),
         ('LSTM', 13.898644698973605, [[2, 2, 4, 4], [4, 4, 4, 4], [4, 4, 4, 4]], 4),
         [('word_hidden.wordrep.char_feature.char_embeddings.weight', -0.02676758517032743),
          ('word_hidden.wordrep.char_feature.char_cnn.weight', 0.6648279996914549),
          ('word_hidden.wordrep.char_feature.char_cnn.bias', -0.5010582376089114),
          ('word_hidden.wordrep.word_embedding.weight', -0.2179323257807843),
          ('word_hidden.wordrep.feature_embeddings.0.weight', -0.07963001738815689),
          ('word_hidden.lstm.weight_ih_l0', -0.5868650382764228)],
         ('GRU', 17.781229416556496, [[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], 1),
         ('GRU', 14.309345533809651, [[1, 1, 0, 4], [0, 0, 0, 0], [3, 4, 0, 0]], 4),
         ('GRU', 12.301844931553978, [[2, 3, 3, 3], [3, 3, 3, 4], [3, 3, 4, 4]], 3),
         [('word_hidden.wordrep.char_feature.char_embeddings.weight', -0.12137858087381609),
          ('word_hidden.wordrep.char_feature.char_cnn.weight', 0.5604517097982284),
          ('word_hidden.wordrep.char_feature.char_cnn.bias', -0.727393885775467),
          ('word_hidden.wordrep.word_embedding.weight', -0.23142964615481104),
          ('word_hidden.wordrep.feature_embeddings.0.weight', 0.33567494703386824),
          ('word_hidden.lstm.weight_ih_l0', -0.4146980307503495)],
         ('CNN', 14.455390913902203, [[2, 2, 2, 2], [2, 2, 2, 2], [2, 2, 2, 2]], 2),
         ('CNN', 13.555695589060855, [[1, 2, 3, 2], [2, 2, 3, 2], [1, 2, 3, 1]], 4),
         ('CNN', 12.071405132405266, [[4, 3, 3, 3], [3, 3, 3, 2], [4, 3, 3, 2]], 2),
         [('word_hidden.wordrep.char_feature.char_embeddings.weight', 0.04005533840257136),
          ('word_hidden.wordrep.char_feature.char_cnn.weight', -0.6700273836723629),
          ('word_hidden.wordrep.char_feature.char_cnn.bias', 0.3938363258787557),
          ('word_hidden.wordrep.word_embedding.weight', -0.1803538794676105),
          ('word_hidden.wordrep.feature_embeddings.0.weight', -1.7371573140743557),
          ('word_hidden.word2cnn.weight', 0.5436768906469109)],
         [0.060376547054615835,
          0.3687551185910318,
          0.17816236625595852,
          -0.1680054319674942,
          -0.2783859101422034,
          0.14713338563730713]],
 'printed': ['build sequence labeling network...',
             'build word sequence feature extractor: LSTM...',
             'build word representation...',
             'build char sequence feature extractor: CNN ...',
             'build sequence labeling network...',
             'build word sequence feature extractor: GRU...',
             'build word representation...',
             'build char sequence feature extractor: CNN ...',
             'build sequence labeling network...',
             'build word sequence feature extractor: CNN...',
             'build word representation...',
             'build char sequence feature extractor: CNN ...',
             'CNN layer:  2'],
 'warnings': ["size_average and reduce args will be deprecated, please use reduction='sum' instead."]}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
