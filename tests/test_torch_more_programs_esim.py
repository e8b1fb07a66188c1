"""coetaur0/ESIM (Chen et al.'s Enhanced Sequential Inference Model for natural language inference: BiLSTM encoders over
packed sequences, soft alignment between premise and hypothesis, a BiLSTM composition layer, average and max
pooling), run on the dialect, gives PyTorch's numbers to 1e-10 in float64 and prints what it prints.

Source: https://github.com/coetaur0/ESIM (esim/model.py, esim/layers.py, esim/utils.py, esim/data.py's NLIDataset
and scripts/training/utils.py's train / validate; Apache-2.0 license, copyright Aurelien Coet; kept as a test
fixture). What runs, as the repository wrote it: `sort_by_seq_lens` (`lengths.sort(0, descending=True)`,
`index_select`, `lengths.new_tensor(torch.arange(...))`, the restoration index by a second sort), `get_mask`
(`mask[seq_batch[:, :max_length] == 0] = 0.0` with a 0-dim tensor as the slice end), `masked_softmax`,
`weighted_sum` (`bmm`, `expand_as(...).contiguous().float()`), `replace_masked`, `RNNDropout`
(`sequences_batch.data.new_ones`, `F.dropout(..., inplace=False)`), `Seq2SeqEncoder` (`pack_padded_sequence` of the
sorted batch into a bidirectional `nn.LSTM(batch_first=True)` called with `(packed, None)`, `pad_packed_sequence`,
`index_select` back), `SoftmaxAttention`, `ESIM` (`nn.Embedding(padding_idx=0, _weight=None)`, the enhancement
`cat([a, b, a - b, a * b])`, `nn.Sequential` projection and classifier, `self.apply(_init_esim_weights)` with
`xavier_uniform_`, `orthogonal_` and `bias_hh_l0.data[h:2h] = 1.0`), `NLIDataset` (rows written by
`self.data["premises"][i][:end] = torch.tensor(...)`, a dict per item collated by `DataLoader`), `train`
(CrossEntropyLoss, `clip_grad_norm_`, Adam, `correct_predictions` by `max(dim=1)`), `validate` under `no_grad`, and
`ReduceLROnPlateau(mode="max", factor=0.5, patience=0)` stepped on the accuracy, with the epoch lines.

Edits, for the comparison: five made-up sentence pairs replace SNLI, sizes are small, dropout is 0, the batches are
not shuffled, the weights are set by `set_params` after the repository's initialisation, no tqdm or timing (the
times print as 0.0), and the log is returned. Two edits are for the dialect, and are what running the program
unchanged found: `issubclass(rnn_type, nn.RNNBase)` is `issubclass(rnn_type, (nn.RNN, nn.LSTM, nn.GRU))` (the
dialect has no `nn.RNNBase`: AttributeError), and `torch.ones(batch_size, max_length)` is
`torch.ones(batch_size, int(max_length))` (PyTorch takes a 0-dim integer tensor as a size; the dialect raises
"TypeError: ones(): sizes must be ints"). PyTorch warns at `new_tensor(tensor)` ("To copy construct from a tensor
...") and the dialect does not, so the warning is not checked.
How the expected values were made: this module run by PyTorch 2.14 in float64 (with `torch` standing for PyTorch),
printed as literals.
"""
from more_programs_compare import close
from torch_expect import float64, set_parameters as set_params  # noqa: F401 (float64: an autouse fixture)
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.optim as optim
from tinygrad_rnn.torch.utils.data import Dataset, DataLoader



# ---- esim/utils.py
def sort_by_seq_lens(batch, sequences_lengths, descending=True):
    sorted_seq_lens, sorting_index =\
        sequences_lengths.sort(0, descending=descending)

    sorted_batch = batch.index_select(0, sorting_index)

    idx_range =\
        sequences_lengths.new_tensor(torch.arange(0, len(sequences_lengths)))
    _, reverse_mapping = sorting_index.sort(0, descending=False)
    restoration_index = idx_range.index_select(0, reverse_mapping)

    return sorted_batch, sorted_seq_lens, sorting_index, restoration_index


def get_mask(sequences_batch, sequences_lengths):
    batch_size = sequences_batch.size()[0]
    max_length = torch.max(sequences_lengths)
    mask = torch.ones(batch_size, int(max_length), dtype=torch.float)   # was max_length
    mask[sequences_batch[:, :max_length] == 0] = 0.0
    return mask


def masked_softmax(tensor, mask):
    tensor_shape = tensor.size()
    reshaped_tensor = tensor.view(-1, tensor_shape[-1])

    # Reshape the mask so it matches the size of the input tensor.
    while mask.dim() < tensor.dim():
        mask = mask.unsqueeze(1)
    mask = mask.expand_as(tensor).contiguous().float()
    reshaped_mask = mask.view(-1, mask.size()[-1])

    result = nn.functional.softmax(reshaped_tensor * reshaped_mask, dim=-1)
    result = result * reshaped_mask
    # 1e-13 is added to avoid divisions by zero.
    result = result / (result.sum(dim=-1, keepdim=True) + 1e-13)

    return result.view(*tensor_shape)


def weighted_sum(tensor, weights, mask):
    weighted_sum = weights.bmm(tensor)

    while mask.dim() < weighted_sum.dim():
        mask = mask.unsqueeze(1)
    mask = mask.transpose(-1, -2)
    mask = mask.expand_as(weighted_sum).contiguous().float()

    return weighted_sum * mask


def replace_masked(tensor, mask, value):
    mask = mask.unsqueeze(1).transpose(2, 1)
    reverse_mask = 1.0 - mask
    values_to_add = value * reverse_mask
    return tensor * mask + values_to_add


def correct_predictions(output_probabilities, targets):
    _, out_classes = output_probabilities.max(dim=1)
    correct = (out_classes == targets).sum()
    return correct.item()

# ---- esim/layers.py
class RNNDropout(nn.Dropout):
    def forward(self, sequences_batch):
        ones = sequences_batch.data.new_ones(sequences_batch.shape[0],
                                             sequences_batch.shape[-1])
        dropout_mask = nn.functional.dropout(ones, self.p, self.training,
                                             inplace=False)
        return dropout_mask.unsqueeze(1) * sequences_batch


class Seq2SeqEncoder(nn.Module):
    def __init__(self,
                 rnn_type,
                 input_size,
                 hidden_size,
                 num_layers=1,
                 bias=True,
                 dropout=0.0,
                 bidirectional=False):
        assert issubclass(rnn_type, (nn.RNN, nn.LSTM, nn.GRU)),\
            "rnn_type must be a class inheriting from torch.nn.RNNBase"

        super(Seq2SeqEncoder, self).__init__()

        self.rnn_type = rnn_type
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.dropout = dropout
        self.bidirectional = bidirectional

        self._encoder = rnn_type(input_size,
                                 hidden_size,
                                 num_layers=num_layers,
                                 bias=bias,
                                 batch_first=True,
                                 dropout=dropout,
                                 bidirectional=bidirectional)

    def forward(self, sequences_batch, sequences_lengths):
        sorted_batch, sorted_lengths, _, restoration_idx =\
            sort_by_seq_lens(sequences_batch, sequences_lengths)
        packed_batch = nn.utils.rnn.pack_padded_sequence(sorted_batch,
                                                         sorted_lengths,
                                                         batch_first=True)

        outputs, _ = self._encoder(packed_batch, None)

        outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs,
                                                      batch_first=True)
        reordered_outputs = outputs.index_select(0, restoration_idx)

        return reordered_outputs


class SoftmaxAttention(nn.Module):
    def forward(self,
                premise_batch,
                premise_mask,
                hypothesis_batch,
                hypothesis_mask):
        similarity_matrix = premise_batch.bmm(hypothesis_batch.transpose(2, 1)
                                                              .contiguous())

        # Softmax attention weights.
        prem_hyp_attn = masked_softmax(similarity_matrix, hypothesis_mask)
        hyp_prem_attn = masked_softmax(similarity_matrix.transpose(1, 2)
                                                        .contiguous(),
                                       premise_mask)

        attended_premises = weighted_sum(hypothesis_batch,
                                         prem_hyp_attn,
                                         premise_mask)
        attended_hypotheses = weighted_sum(premise_batch,
                                           hyp_prem_attn,
                                           hypothesis_mask)

        return attended_premises, attended_hypotheses

# ---- esim/model.py
class ESIM(nn.Module):
    def __init__(self,
                 vocab_size,
                 embedding_dim,
                 hidden_size,
                 embeddings=None,
                 padding_idx=0,
                 dropout=0.5,
                 num_classes=3,
                 device="cpu"):
        super(ESIM, self).__init__()

        self.vocab_size = vocab_size
        self.embedding_dim = embedding_dim
        self.hidden_size = hidden_size
        self.num_classes = num_classes
        self.dropout = dropout
        self.device = device

        self._word_embedding = nn.Embedding(self.vocab_size,
                                            self.embedding_dim,
                                            padding_idx=padding_idx,
                                            _weight=embeddings)

        if self.dropout:
            self._rnn_dropout = RNNDropout(p=self.dropout)
            # self._rnn_dropout = nn.Dropout(p=self.dropout)

        self._encoding = Seq2SeqEncoder(nn.LSTM,
                                        self.embedding_dim,
                                        self.hidden_size,
                                        bidirectional=True)

        self._attention = SoftmaxAttention()

        self._projection = nn.Sequential(nn.Linear(4*2*self.hidden_size,
                                                   self.hidden_size),
                                         nn.ReLU())

        self._composition = Seq2SeqEncoder(nn.LSTM,
                                           self.hidden_size,
                                           self.hidden_size,
                                           bidirectional=True)

        self._classification = nn.Sequential(nn.Dropout(p=self.dropout),
                                             nn.Linear(2*4*self.hidden_size,
                                                       self.hidden_size),
                                             nn.Tanh(),
                                             nn.Dropout(p=self.dropout),
                                             nn.Linear(self.hidden_size,
                                                       self.num_classes))

        # Initialize all weights and biases in the model.
        self.apply(_init_esim_weights)

    def forward(self,
                premises,
                premises_lengths,
                hypotheses,
                hypotheses_lengths):
        premises_mask = get_mask(premises, premises_lengths).to(self.device)
        hypotheses_mask = get_mask(hypotheses, hypotheses_lengths)\
            .to(self.device)

        embedded_premises = self._word_embedding(premises)
        embedded_hypotheses = self._word_embedding(hypotheses)

        if self.dropout:
            embedded_premises = self._rnn_dropout(embedded_premises)
            embedded_hypotheses = self._rnn_dropout(embedded_hypotheses)

        encoded_premises = self._encoding(embedded_premises,
                                          premises_lengths)
        encoded_hypotheses = self._encoding(embedded_hypotheses,
                                            hypotheses_lengths)

        attended_premises, attended_hypotheses =\
            self._attention(encoded_premises, premises_mask,
                            encoded_hypotheses, hypotheses_mask)

        enhanced_premises = torch.cat([encoded_premises,
                                       attended_premises,
                                       encoded_premises - attended_premises,
                                       encoded_premises * attended_premises],
                                      dim=-1)
        enhanced_hypotheses = torch.cat([encoded_hypotheses,
                                         attended_hypotheses,
                                         encoded_hypotheses -
                                         attended_hypotheses,
                                         encoded_hypotheses *
                                         attended_hypotheses],
                                        dim=-1)

        projected_premises = self._projection(enhanced_premises)
        projected_hypotheses = self._projection(enhanced_hypotheses)

        if self.dropout:
            projected_premises = self._rnn_dropout(projected_premises)
            projected_hypotheses = self._rnn_dropout(projected_hypotheses)

        v_ai = self._composition(projected_premises, premises_lengths)
        v_bj = self._composition(projected_hypotheses, hypotheses_lengths)

        v_a_avg = torch.sum(v_ai * premises_mask.unsqueeze(1)
                                                .transpose(2, 1), dim=1)\
            / torch.sum(premises_mask, dim=1, keepdim=True)
        v_b_avg = torch.sum(v_bj * hypotheses_mask.unsqueeze(1)
                                                  .transpose(2, 1), dim=1)\
            / torch.sum(hypotheses_mask, dim=1, keepdim=True)

        v_a_max, _ = replace_masked(v_ai, premises_mask, -1e7).max(dim=1)
        v_b_max, _ = replace_masked(v_bj, hypotheses_mask, -1e7).max(dim=1)

        v = torch.cat([v_a_avg, v_a_max, v_b_avg, v_b_max], dim=1)

        logits = self._classification(v)
        probabilities = nn.functional.softmax(logits, dim=-1)

        return logits, probabilities


def _init_esim_weights(module):
    if isinstance(module, nn.Linear):
        nn.init.xavier_uniform_(module.weight.data)
        nn.init.constant_(module.bias.data, 0.0)

    elif isinstance(module, nn.LSTM):
        nn.init.xavier_uniform_(module.weight_ih_l0.data)
        nn.init.orthogonal_(module.weight_hh_l0.data)
        nn.init.constant_(module.bias_ih_l0.data, 0.0)
        nn.init.constant_(module.bias_hh_l0.data, 0.0)
        hidden_size = module.bias_hh_l0.data.shape[0] // 4
        module.bias_hh_l0.data[hidden_size:(2*hidden_size)] = 1.0

        if (module.bidirectional):
            nn.init.xavier_uniform_(module.weight_ih_l0_reverse.data)
            nn.init.orthogonal_(module.weight_hh_l0_reverse.data)
            nn.init.constant_(module.bias_ih_l0_reverse.data, 0.0)
            nn.init.constant_(module.bias_hh_l0_reverse.data, 0.0)
            module.bias_hh_l0_reverse.data[hidden_size:(2*hidden_size)] = 1.0

# ---- esim/data.py's NLIDataset, condensed (made-up ids instead of SNLI)
class NLIDataset(Dataset):
    def __init__(self, data, padding_idx=0):
        self.premises_lengths = [len(seq) for seq in data["premises"]]
        self.max_premises_length = max(self.premises_lengths)
        self.hypotheses_lengths = [len(seq) for seq in data["hypotheses"]]
        self.max_hypotheses_length = max(self.hypotheses_lengths)
        self.num_sequences = len(data["premises"])
        self.data = {"ids": [],
                     "premises": torch.ones((self.num_sequences,
                                             self.max_premises_length),
                                            dtype=torch.long) * padding_idx,
                     "hypotheses": torch.ones((self.num_sequences,
                                               self.max_hypotheses_length),
                                              dtype=torch.long) * padding_idx,
                     "labels": torch.tensor(data["labels"], dtype=torch.long)}
        for i, premise in enumerate(data["premises"]):
            self.data["ids"].append(data["ids"][i])
            end = min(len(premise), self.max_premises_length)
            self.data["premises"][i][:end] = torch.tensor(premise[:end])
            hypothesis = data["hypotheses"][i]
            end = min(len(hypothesis), self.max_hypotheses_length)
            self.data["hypotheses"][i][:end] = torch.tensor(hypothesis[:end])

    def __len__(self):
        return self.num_sequences

    def __getitem__(self, index):
        return {"id": self.data["ids"][index],
                "premise": self.data["premises"][index],
                "premise_length": min(self.premises_lengths[index],
                                      self.max_premises_length),
                "hypothesis": self.data["hypotheses"][index],
                "hypothesis_length": min(self.hypotheses_lengths[index],
                                         self.max_hypotheses_length),
                "label": self.data["labels"][index]}

# ---- scripts/training/utils.py's train and validate (no tqdm, no timing)
def train(model, dataloader, optimizer, criterion, epoch_number, max_gradient_norm):
    model.train()
    device = model.device
    running_loss = 0.0
    correct_preds = 0
    for batch_index, batch in enumerate(dataloader):
        premises = batch["premise"].to(device)
        premises_lengths = batch["premise_length"].to(device)
        hypotheses = batch["hypothesis"].to(device)
        hypotheses_lengths = batch["hypothesis_length"].to(device)
        labels = batch["label"].to(device)

        optimizer.zero_grad()

        logits, probs = model(premises, premises_lengths, hypotheses, hypotheses_lengths)
        loss = criterion(logits, labels)
        loss.backward()

        nn.utils.clip_grad_norm_(model.parameters(), max_gradient_norm)
        optimizer.step()

        running_loss += loss.item()
        correct_preds += correct_predictions(probs, labels)

    epoch_loss = running_loss / len(dataloader)
    epoch_accuracy = correct_preds / len(dataloader.dataset)
    return epoch_loss, epoch_accuracy


def validate(model, dataloader, criterion):
    model.eval()
    device = model.device
    running_loss = 0.0
    running_accuracy = 0.0
    with torch.no_grad():
        for batch in dataloader:
            premises = batch["premise"].to(device)
            premises_lengths = batch["premise_length"].to(device)
            hypotheses = batch["hypothesis"].to(device)
            hypotheses_lengths = batch["hypothesis_length"].to(device)
            labels = batch["label"].to(device)
            logits, probs = model(premises, premises_lengths, hypotheses, hypotheses_lengths)
            loss = criterion(logits, labels)
            running_loss += loss.item()
            running_accuracy += correct_predictions(probs, labels)
    epoch_loss = running_loss / len(dataloader)
    epoch_accuracy = running_accuracy / (len(dataloader.dataset))
    return epoch_loss, epoch_accuracy


def run():
    data = {"ids": ["a", "b", "c", "d", "e"],
            "premises": [[3, 4, 5, 6], [7, 2], [5, 5, 8], [2, 9, 4, 3], [6, 1]],
            "hypotheses": [[4, 2, 1], [9, 8, 7, 3], [3], [6, 6], [1, 2, 3, 4]],
            "labels": [0, 2, 1, 1, 0]}
    train_data = NLIDataset(data)
    train_loader = DataLoader(train_data, shuffle=False, batch_size=3)   # was shuffle=True
    valid_loader = DataLoader(train_data, shuffle=False, batch_size=5)
    model = ESIM(10, 4, 3, dropout=0.0, num_classes=3, device="cpu")
    set_params(model)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="max", factor=0.5, patience=0)
    log = []
    for epoch in range(1, 4):
        epoch_loss, epoch_accuracy = train(model, train_loader, optimizer, criterion, epoch, 10.0)
        log.append("-> Training time: {:.4f}s, loss = {:.4f}, accuracy: {:.4f}%".format(0.0, epoch_loss, (epoch_accuracy*100)))
        epoch_loss, epoch_accuracy = validate(model, valid_loader, criterion)
        log.append("-> Valid. time: {:.4f}s, loss: {:.4f}, accuracy: {:.4f}%\n".format(0.0, epoch_loss, (epoch_accuracy*100)))
        log.append([epoch_loss, epoch_accuracy, optimizer.param_groups[0]['lr']])
        scheduler.step(epoch_accuracy)
    return {'log': log, 'grads': [p.grad.sum().item() for p in model.parameters()],
            'params': [p.sum().item() for p in model.parameters()]}



EXPECTED = {'log': ['-> Training time: 0.0000s, loss = 1.0973, accuracy: 40.0000%',
         '-> Valid. time: 0.0000s, loss: 1.0453, accuracy: 40.0000%\n',
         [1.0453162435415586, 0.4, 0.05],
         '-> Training time: 0.0000s, loss = 1.0221, accuracy: 40.0000%',
         '-> Valid. time: 0.0000s, loss: 1.0137, accuracy: 40.0000%\n',
         [1.01367865600558, 0.4, 0.05],
         '-> Training time: 0.0000s, loss = 0.9858, accuracy: 40.0000%',
         '-> Valid. time: 0.0000s, loss: 0.9816, accuracy: 40.0000%\n',
         [0.9816131415156134, 0.4, 0.025]],
 'grads': [0.0,
           0.0,
           0.0,
           0.0,
           0.0,
           0.0,
           0.0,
           0.0,
           0.0,
           0.0,
           0.0,
           0.0,
           -0.0691847562828525,
           -0.0683703939890874,
           -0.06837039398908737,
           0.0,
           -0.01847238788134124,
           -0.01614495468733728,
           -0.016144954687337277,
           -0.2821049944225481,
           -0.10281281211466586,
           1.3877787807814457e-16,
           8.326672684688674e-17],
 'params': [0.42819444733669176,
            0.5631806971106796,
            1.6007471310583727,
            0.3355539364347287,
            0.06759907022153222,
            0.13474284971259692,
            -0.21213004105992217,
            0.23651312610805098,
            -0.15160935331015635,
            -0.2608115942664697,
            -0.879514588463159,
            -0.8815099791738481,
            0.30721156197502814,
            1.6698009823294095,
            1.4897327600107235,
            -0.6276754844547126,
            -2.5639425274687158,
            -1.4947515155408588,
            -0.7941062477263374,
            0.8025577570076261,
            0.7011644964606222,
            -0.1863764355644401,
            -0.6522022377822139]}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
