"""PyTorch's "Text classification with the torchtext library" tutorial (nn.EmbeddingBag + Linear over a bag of token
ids with offsets), run on the dialect, gives PyTorch's numbers to 1e-10 in float64 and prints what it prints.

Source: https://github.com/pytorch/tutorials (beginner_source/text_sentiment_ngrams_tutorial.py; BSD-3-Clause). What
runs, as written there: `TextClassificationModel` (`nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)`, `.data.
uniform_`, `.data.zero_()`, `self.embedding(text, offsets)`), `text_pipeline` / `label_pipeline`, `collate_batch`
(`torch.tensor(..., dtype=torch.int64)`, `processed_text.size(0)`, `torch.tensor(offsets[:-1]).cumsum(dim=0)`,
`torch.cat`, `.to(device)`), `DataLoader(..., collate_fn=collate_batch)`, `train` (CrossEntropyLoss,
`clip_grad_norm_(model.parameters(), 0.1)`, SGD lr 5, `(predicted_label.argmax(1) == label).sum().item()`, the
accuracy log line), `evaluate`, the epoch loop that calls `scheduler.step()` only when validation accuracy falls, and
`predict` (`model(text, torch.tensor([0]))`, `.argmax(1).item() + 1`). After it, nn.EmbeddingBag's other modes
(sum, max), `per_sample_weights` with `padding_idx`, `include_last_offset` and a 2-D input, values and gradients.

Edits, for the comparison: made-up labelled lines replace AG_NEWS, a dict replaces torchtext's vocab
(`build_vocab_from_iterator(..., specials=["<unk>"])` with `<unk>` as the default index) and `str.lower().split()`
its "basic_english" tokenizer, a list replaces `to_map_style_dataset`, the split is the first 75% rather than
`random_split` and the loaders do not shuffle, sizes are small (embed 6, batch 4, 4 epochs), the weights are set by
`set_parameters`, timings are left out of the log lines and the log is returned rather than printed.
How the expected values were made: this module run by PyTorch 2.14 in float64 (with `torch` standing for PyTorch),
printed as literals.
"""
from more_programs_compare import close
from torch_expect import float64, fill, set_parameters  # noqa: F401 (float64: an autouse fixture)
import numpy as np
import tinygrad_rnn.torch as torch
from tinygrad_rnn.torch import nn
from tinygrad_rnn.torch.utils.data import DataLoader
from tinygrad_rnn.torch.utils.data.dataset import random_split


class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super(TextClassificationModel, self).__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        embedded = self.embedding(text, offsets)
        return self.fc(embedded)




def run():
    device = torch.device("cpu")
    words = "stocks rise fall team wins match election vote minister chip phone launch market goal".split()
    train_iter = [((i * 7) % 4 + 1, " ".join(words[(i * 5 + j * 3) % len(words)] for j in range(2 + i % 4)))
                  for i in range(14)]
    test_iter = [((i * 3) % 4 + 1, " ".join(words[(i * 2 + j) % len(words)] for j in range(1 + i % 3))) for i in range(5)]
    tokenizer = lambda s: s.lower().split()           # get_tokenizer("basic_english")
    vocab = {"<unk>": 0}                              # build_vocab_from_iterator(yield_tokens(train_iter), specials=["<unk>"])
    for _, text in train_iter:
        for t in tokenizer(text):
            vocab.setdefault(t, len(vocab))

    text_pipeline = lambda x: [vocab.get(t, 0) for t in tokenizer(x)]
    label_pipeline = lambda x: int(x) - 1

    def collate_batch(batch):
        label_list, text_list, offsets = [], [], [0]
        for _label, _text in batch:
            label_list.append(label_pipeline(_label))
            processed_text = torch.tensor(text_pipeline(_text), dtype=torch.int64)
            text_list.append(processed_text)
            offsets.append(processed_text.size(0))
        label_list = torch.tensor(label_list, dtype=torch.int64)
        offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
        text_list = torch.cat(text_list)
        return label_list.to(device), text_list.to(device), offsets.to(device)

    num_class = len(set([label for (label, text) in train_iter]))
    vocab_size = len(vocab)
    emsize = 6
    model = TextClassificationModel(vocab_size, emsize, num_class).to(device)
    set_parameters(model)
    out = {"num_class": num_class, "vocab_size": vocab_size}
    log = []
    losses = []

    def train(dataloader):
        model.train()
        total_acc, total_count = 0, 0
        log_interval = 2
        for idx, (label, text, offsets) in enumerate(dataloader):
            optimizer.zero_grad()
            predicted_label = model(text, offsets)
            loss = criterion(predicted_label, label)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
            optimizer.step()
            losses.append(loss.item())
            total_acc += (predicted_label.argmax(1) == label).sum().item()
            total_count += label.size(0)
            if idx % log_interval == 0 and idx > 0:
                log.append(
                    "| epoch {:3d} | {:5d}/{:5d} batches "
                    "| accuracy {:8.3f}".format(
                        epoch, idx, len(dataloader), total_acc / total_count
                    )
                )
                total_acc, total_count = 0, 0

    def evaluate(dataloader):
        model.eval()
        total_acc, total_count = 0, 0
        with torch.no_grad():
            for idx, (label, text, offsets) in enumerate(dataloader):
                predicted_label = model(text, offsets)
                loss = criterion(predicted_label, label)
                total_acc += (predicted_label.argmax(1) == label).sum().item()
                total_count += label.size(0)
        return total_acc / total_count

    EPOCHS = 4
    LR = 5
    BATCH_SIZE = 4
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)
    total_accu = None
    train_dataset = list(train_iter)                  # to_map_style_dataset
    test_dataset = list(test_iter)
    num_train = int(len(train_dataset) * 0.75)
    split_train_, split_valid_ = train_dataset[:num_train], train_dataset[num_train:]   # random_split
    train_dataloader = DataLoader(split_train_, batch_size=BATCH_SIZE, shuffle=False, collate_fn=collate_batch)
    valid_dataloader = DataLoader(split_valid_, batch_size=BATCH_SIZE, shuffle=False, collate_fn=collate_batch)
    test_dataloader = DataLoader(test_dataset, batch_size=BATCH_SIZE, shuffle=False, collate_fn=collate_batch)
    first = next(iter(train_dataloader))
    out["first"] = [t.tolist() for t in first] + [first[2].dtype == torch.int64]

    for epoch in range(1, EPOCHS + 1):
        train(train_dataloader)
        accu_val = evaluate(valid_dataloader)
        if total_accu is not None and total_accu > accu_val:
            scheduler.step()
        else:
            total_accu = accu_val
        log.append("-" * 59)
        log.append("| end of epoch {:3d} | valid accuracy {:8.3f} ".format(epoch, accu_val))
        log.append("-" * 59)
        out.setdefault("lr", []).append(scheduler.get_last_lr()[0])

    accu_test = evaluate(test_dataloader)
    log.append("test accuracy {:8.3f}".format(accu_test))

    ag_news_label = {1: "World", 2: "Sports", 3: "Business", 4: "Sci/Tec"}

    def predict(text, text_pipeline):
        with torch.no_grad():
            text = torch.tensor(text_pipeline(text))
            output = model(text, torch.tensor([0]))
            return output.argmax(1).item() + 1

    ex_text_str = "Team wins the match after a late goal"
    model = model.to("cpu")
    log.append("This is a %s news" % ag_news_label[predict(ex_text_str, text_pipeline)])
    out["log"] = log
    out["losses"] = losses
    out["params"] = [float((p * torch.tensor(fill(tuple(p.shape), 9))).sum()) for p in model.parameters()]
    # the other modes and per_sample_weights, padding_idx, and 2-D input
    x = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9])
    offs = torch.tensor([0, 2, 2, 5])
    for mode in ["sum", "mean", "max"]:
        bag = set_parameters(nn.EmbeddingBag(10, 3, mode=mode))
        y = bag(x, offs)
        (y * torch.tensor(fill(tuple(y.shape), 2))).sum().backward()
        out[mode] = [y.tolist(), float((bag.weight.grad * torch.tensor(fill((10, 3), 4))).sum())]
    bag = set_parameters(nn.EmbeddingBag(10, 3, mode="sum", padding_idx=4))
    w = torch.tensor(fill((8,), 5), requires_grad=True)
    y = bag(x, offs, per_sample_weights=w)
    (y * torch.tensor(fill(tuple(y.shape), 2))).sum().backward()
    out["psw"] = [y.tolist(), w.grad.tolist(), float((bag.weight.grad * torch.tensor(fill((10, 3), 4))).sum())]
    bag = set_parameters(nn.EmbeddingBag(10, 3, include_last_offset=True))
    out["last"] = bag(x, torch.tensor([0, 3, 8])).tolist()
    out["2d"] = set_parameters(nn.EmbeddingBag(10, 3)) (x.view(2, 4)).tolist()
    return out


# ---- PyTorch 2.14's run of the code above (with `torch` standing for PyTorch), float64
EXPECTED = {'num_class': 4,
 'vocab_size': 15,
 'first': [[0, 3, 2, 1], [1, 2, 3, 4, 5, 6, 7, 8, 3, 9, 10, 11, 6, 7], [0, 2, 5, 9], True],
 'lr': [5, 5, 5, 5],
 'log': ['| epoch   1 |     2/    3 batches | accuracy    0.300',
         '-----------------------------------------------------------',
         '| end of epoch   1 | valid accuracy    0.000 ',
         '-----------------------------------------------------------',
         '| epoch   2 |     2/    3 batches | accuracy    0.500',
         '-----------------------------------------------------------',
         '| end of epoch   2 | valid accuracy    0.000 ',
         '-----------------------------------------------------------',
         '| epoch   3 |     2/    3 batches | accuracy    0.500',
         '-----------------------------------------------------------',
         '| end of epoch   3 | valid accuracy    0.000 ',
         '-----------------------------------------------------------',
         '| epoch   4 |     2/    3 batches | accuracy    0.500',
         '-----------------------------------------------------------',
         '| end of epoch   4 | valid accuracy    0.000 ',
         '-----------------------------------------------------------', 'test accuracy    0.400',
         'This is a Sci/Tec news'],
 'losses': [1.2023983701134044, 1.56900024739743, 1.0745978596339798, 1.0326916535513455, 1.3894086524388312,
            0.86245554631103, 0.8986978561422947, 1.2493978074200243, 0.6973020594924366, 0.7863421475494253,
            1.1501485984739683, 0.5718560580041652],
 'params': [-12.358054933590648, 2.0762595125888463, 0.3035569698937255],
 'sum': [[[0.15538859309531544, -0.28217814668540053, -0.3063532404989191], [0.0, 0.0, 0.0],
          [0.41052358715924286, -0.46472639569574953, -0.659151120118324],
          [-0.13985122931217708, -0.11202741264888394, 0.07991682599733861]],
         -0.2836478863730576],
 'mean': [[[0.07769429654765772, -0.14108907334270027, -0.15317662024945955], [0.0, 0.0, 0.0],
           [0.13684119571974762, -0.15490879856524983, -0.21971704003944134],
           [-0.04661707643739236, -0.03734247088296131, 0.02663894199911287]],
          -0.09134531820219316],
 'max': [[[0.4992716726873025, 0.15954918117467606, 0.10755999404390776], [0.0, 0.0, 0.0],
          [0.3027699348598005, 0.4643976170386202, -0.05431829771203988],
          [0.4992716726873025, 0.21008351841332046, 0.49338598213730667]],
         -0.06111031288289315],
 'psw': [[[0.1690762684429458, 0.21313285076087038, -0.055050692603042066], [0.0, 0.0, 0.0],
          [0.0758470260365776, 0.1163364459128451, -0.013607300020510287],
          [0.09558677432026622, -0.31415417118799266, -0.26365851992089817]],
         [-0.17494640693942756, 0.4200600541885836, 0.0, -0.28191568858412464, 0.0, -0.24194086560874956,
          0.39352782632426936, -0.2736603181578764],
         0.0322665896411463],
 'last': [[0.06975513974834553, -0.24891338435086183, -0.20292321723402038],
          [0.04335910633946892, -0.022438360395489722, -0.05536357658356866]],
 '2d': [[0.12800883852620928, -0.07058563400349131, -0.16577198735352525],
        [-0.02149360079061398, -0.1441473547540172, -0.055624896301450864]]}


def test_text_classification_gives_pytorchs_numbers():
    close(run(), EXPECTED)
