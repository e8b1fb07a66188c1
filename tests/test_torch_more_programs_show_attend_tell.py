"""sgrvinod/a-PyTorch-Tutorial-to-Image-Captioning (Show, Attend and Tell: a CNN encoder, soft attention, an
nn.LSTMCell decoder with a sigmoid gate on the attended encoding), run on the dialect, gives PyTorch's numbers to
1e-10 in float64 and prints what it prints.

Source: https://github.com/sgrvinod/a-PyTorch-Tutorial-to-Image-Captioning (models.py, utils.py and train.py's
`train` @ 01f749f5; MIT license, copyright Sagar Vinodababu; kept as a test fixture). What runs, as the repository
wrote it: `Encoder` (`self.resnet` a `nn.Sequential` of its children, `permute(0, 2, 3, 1)`, `fine_tune` setting
`p.requires_grad = False` then True for `list(self.resnet.children())[5:]`), `Attention` (`att1 + att2.unsqueeze(1)`,
`nn.Softmax(dim=1)`, `(encoder_out * alpha.unsqueeze(2)).sum(dim=1)`), `DecoderWithAttention` (`init_weights` by
`.data.uniform_` and `.data.fill_`, `nn.LSTMCell(embed_dim + encoder_dim, decoder_dim, decoder_layers)` whose third
argument is `bias=1`, `caption_lengths.squeeze(1).sort(dim=0, descending=True)`, `encoder_out[sort_ind]`,
`(caption_lengths - 1).tolist()`, `torch.zeros(...).to(device)` buffers written by `predictions[:batch_size_t, t, :] =
preds` at each step of a shrinking batch), utils.py's `clip_gradient` (`param.grad.data.clamp_`), `AverageMeter`,
`adjust_learning_rate`, `accuracy` (`scores.topk(k, 1, True, True)`, `ind.eq(targets.view(-1, 1).expand_as(ind))`),
and train.py's `train` (`pack_padded_sequence(scores, decode_lengths, batch_first=True)` to drop the pads,
CrossEntropyLoss plus the doubly stochastic attention term `alpha_c * ((1. - alphas.sum(dim=1)) ** 2).mean()`, two
Adam optimizers over `filter(lambda p: p.requires_grad, ...)`, the status line).

Edits, for the comparison: a small Conv2d / ReLU / MaxPool2d stack stands for ResNet-101 (7 children, so `[5:]`
fine-tunes the last convolution), made-up images and captions replace COCO, sizes are small, dropout is 0, the
weights are set by `set_params` after `init_weights`, there is no timing, and the log is returned. The final
parameters are compared except those whose gradient is only round-off (the attention's terms that are equal for
every pixel, which the softmax cancels): Adam turns a gradient of 1e-18 into a step of random sign. Edit for today's
PyTorch, needed by both: `pack_padded_sequence(...).data` (was `scores, _ = pack_padded_sequence(...)`, which a
4-field PackedSequence refuses). Edit for the dialect, what running the program unchanged found:
`nn.AdaptiveAvgPool2d((2, 2))` over the 4x4 features is `nn.AvgPool2d(2)` (the dialect has no adaptive 2-D pools:
AttributeError).
How the expected values were made: this module run by PyTorch 2.14 in float64 (with `torch` standing for PyTorch),
printed as literals.
"""
import numpy as np
from more_programs_compare import close
from torch_expect import fill, float64, set_parameters as set_params  # noqa: F401 (float64: an autouse fixture)
import tinygrad_rnn.torch as torch
from tinygrad_rnn.torch import nn
from tinygrad_rnn.torch.nn.utils.rnn import pack_padded_sequence

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


# ---- models.py
class Encoder(nn.Module):
    def __init__(self, encoded_image_size=14):
        super(Encoder, self).__init__()
        self.enc_image_size = encoded_image_size

        # was torchvision.models.resnet101(pretrained=True), children()[:-2]
        modules = [nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 4, 3, padding=1), nn.ReLU(),
                   nn.MaxPool2d(2), nn.Conv2d(4, ENCODER_DIM, 1), nn.ReLU()]
        self.resnet = nn.Sequential(*modules)

        # Resize image to fixed size to allow input images of variable size
        self.adaptive_pool = ADAPTIVE_POOL((encoded_image_size, encoded_image_size))

        self.fine_tune()

    def forward(self, images):
        out = self.resnet(images)  # (batch_size, 2048, image_size/32, image_size/32)
        out = self.adaptive_pool(out)  # (batch_size, 2048, encoded_image_size, encoded_image_size)
        out = out.permute(0, 2, 3, 1)  # (batch_size, encoded_image_size, encoded_image_size, 2048)
        return out

    def fine_tune(self, fine_tune=True):
        for p in self.resnet.parameters():
            p.requires_grad = False
        # If fine-tuning, only fine-tune convolutional blocks 2 through 4
        for c in list(self.resnet.children())[5:]:
            for p in c.parameters():
                p.requires_grad = fine_tune


class Attention(nn.Module):
    def __init__(self, encoder_dim, decoder_dim, attention_dim):
        super(Attention, self).__init__()
        self.encoder_att = nn.Linear(encoder_dim, attention_dim)  # linear layer to transform encoded image
        self.decoder_att = nn.Linear(decoder_dim, attention_dim)  # linear layer to transform decoder's output
        self.full_att = nn.Linear(attention_dim, 1)  # linear layer to calculate values to be softmax-ed
        self.relu = nn.ReLU()
        self.softmax = nn.Softmax(dim=1)  # softmax layer to calculate weights

    def forward(self, encoder_out, decoder_hidden):
        att1 = self.encoder_att(encoder_out)  # (batch_size, num_pixels, attention_dim)
        att2 = self.decoder_att(decoder_hidden)  # (batch_size, attention_dim)
        att = self.full_att(self.relu(att1 + att2.unsqueeze(1))).squeeze(2)  # (batch_size, num_pixels)
        alpha = self.softmax(att)  # (batch_size, num_pixels)
        attention_weighted_encoding = (encoder_out * alpha.unsqueeze(2)).sum(dim=1)  # (batch_size, encoder_dim)

        return attention_weighted_encoding, alpha


class DecoderWithAttention(nn.Module):
    def __init__(self, attention_dim, embed_dim, decoder_dim, vocab_size, decoder_layers=1, encoder_dim=2048,
                 dropout=0.5):
        super(DecoderWithAttention, self).__init__()

        self.encoder_dim = encoder_dim
        self.attention_dim = attention_dim
        self.embed_dim = embed_dim
        self.decoder_dim = decoder_dim
        self.vocab_size = vocab_size
        self.decoder_layers = decoder_layers
        self.dropout = dropout

        self.attention = Attention(encoder_dim, decoder_dim, attention_dim)  # attention network

        self.embedding = nn.Embedding(vocab_size, embed_dim)  # embedding layer
        self.dropout = nn.Dropout(p=self.dropout)
        self.decode_step = nn.LSTMCell(embed_dim + encoder_dim, decoder_dim, decoder_layers)  # decoding LSTMCell
        self.init_h = nn.Linear(encoder_dim, decoder_dim)  # linear layer to find initial hidden state of LSTMCell
        self.init_c = nn.Linear(encoder_dim, decoder_dim)  # linear layer to find initial cell state of LSTMCell
        self.f_beta = nn.Linear(decoder_dim, encoder_dim)  # linear layer to create a sigmoid-activated gate
        self.sigmoid = nn.Sigmoid()
        self.fc = nn.Linear(decoder_dim, vocab_size)  # linear layer to find scores over vocabulary
        self.init_weights()  # initialize some layers with the uniform distribution

    def init_weights(self):
        self.embedding.weight.data.uniform_(-0.1, 0.1)
        self.fc.bias.data.fill_(0)
        self.fc.weight.data.uniform_(-0.1, 0.1)

    def init_hidden_state(self, encoder_out):
        mean_encoder_out = encoder_out.mean(dim=1)
        h = self.init_h(mean_encoder_out)  # (batch_size, decoder_dim)
        c = self.init_c(mean_encoder_out)
        return h, c

    def forward(self, encoder_out, encoded_captions, caption_lengths):
        batch_size = encoder_out.size(0)
        encoder_dim = encoder_out.size(-1)
        vocab_size = self.vocab_size

        # Flatten image
        encoder_out = encoder_out.view(batch_size, -1, encoder_dim)  # (batch_size, num_pixels, encoder_dim)
        num_pixels = encoder_out.size(1)

        # Sort input data by decreasing lengths; why? apparent below
        caption_lengths, sort_ind = caption_lengths.squeeze(1).sort(dim=0, descending=True)
        encoder_out = encoder_out[sort_ind]
        encoded_captions = encoded_captions[sort_ind]

        # Embedding
        embeddings = self.embedding(encoded_captions)  # (batch_size, max_caption_length, embed_dim)

        # Initialize LSTM state
        h, c = self.init_hidden_state(encoder_out)  # (batch_size, decoder_dim)

        decode_lengths = (caption_lengths - 1).tolist()

        # Create tensors to hold word predicion scores and alphas
        predictions = torch.zeros(batch_size, max(decode_lengths), vocab_size).to(device)
        alphas = torch.zeros(batch_size, max(decode_lengths), num_pixels).to(device)

        for t in range(max(decode_lengths)):
            batch_size_t = sum([l > t for l in decode_lengths])
            attention_weighted_encoding, alpha = self.attention(encoder_out[:batch_size_t],
                                                                h[:batch_size_t])
            gate = self.sigmoid(self.f_beta(h[:batch_size_t]))  # gating scalar, (batch_size_t, encoder_dim)
            attention_weighted_encoding = gate * attention_weighted_encoding
            h, c = self.decode_step(
                torch.cat([embeddings[:batch_size_t, t, :], attention_weighted_encoding], dim=1),
                (h[:batch_size_t], c[:batch_size_t]))  # (batch_size_t, decoder_dim)
            preds = self.fc(self.dropout(h))  # (batch_size_t, vocab_size)
            predictions[:batch_size_t, t, :] = preds
            alphas[:batch_size_t, t, :] = alpha

        return predictions, encoded_captions, decode_lengths, alphas, sort_ind

# ---- utils.py
def clip_gradient(optimizer, grad_clip):
    for group in optimizer.param_groups:
        for param in group['params']:
            if param.grad is not None:
                param.grad.data.clamp_(-grad_clip, grad_clip)


class AverageMeter(object):
    def __init__(self):
        self.reset()

    def reset(self):
        self.val = 0
        self.avg = 0
        self.sum = 0
        self.count = 0

    def update(self, val, n=1):
        self.val = val
        self.sum += val * n
        self.count += n
        self.avg = self.sum / self.count


def adjust_learning_rate(optimizer, shrink_factor):
    LOG.append("\nDECAYING learning rate.")
    for param_group in optimizer.param_groups:
        param_group['lr'] = param_group['lr'] * shrink_factor
    LOG.append("The new learning rate is %f\n" % (optimizer.param_groups[0]['lr'],))


def accuracy(scores, targets, k):
    batch_size = targets.size(0)
    _, ind = scores.topk(k, 1, True, True)
    correct = ind.eq(targets.view(-1, 1).expand_as(ind))
    correct_total = correct.view(-1).float().sum()  # 0D tensor
    return correct_total.item() * (100.0 / batch_size)

# ---- train.py
alpha_c = 1.
grad_clip = 0.3
print_freq = 1
LOG = []

def train(train_loader, encoder, decoder, criterion, encoder_optimizer, decoder_optimizer, epoch):
    decoder.train()  # train mode (dropout and batchnorm is used)
    encoder.train()

    losses = AverageMeter()  # loss (per word decoded)
    top5accs = AverageMeter()  # top5 accuracy

    # Batches
    for i, (imgs, caps, caplens) in enumerate(train_loader):
        # Move to GPU, if available
        imgs = imgs.to(device)
        caps = caps.to(device)
        caplens = caplens.to(device)

        # Forward prop.
        imgs = encoder(imgs)
        scores, caps_sorted, decode_lengths, alphas, sort_ind = decoder(imgs, caps, caplens)

        # Since we decoded starting with <start>, the targets are all words after <start>, up to <end>
        targets = caps_sorted[:, 1:]

        # Remove timesteps that we didn't decode at, or are pads
        # pack_padded_sequence is an easy trick to do this
        scores = pack_padded_sequence(scores, decode_lengths, batch_first=True).data   # was scores, _ = ...
        targets = pack_padded_sequence(targets, decode_lengths, batch_first=True).data   # was targets, _ = ...

        # Calculate loss
        loss = criterion(scores, targets)

        # Add doubly stochastic attention regularization
        loss += alpha_c * ((1. - alphas.sum(dim=1)) ** 2).mean()

        # Back prop.
        decoder_optimizer.zero_grad()
        if encoder_optimizer is not None:
            encoder_optimizer.zero_grad()
        loss.backward()

        # Clip gradients
        if grad_clip is not None:
            clip_gradient(decoder_optimizer, grad_clip)
            if encoder_optimizer is not None:
                clip_gradient(encoder_optimizer, grad_clip)

        # Update weights
        decoder_optimizer.step()
        if encoder_optimizer is not None:
            encoder_optimizer.step()

        # Keep track of metrics
        top5 = accuracy(scores, targets, 5)
        losses.update(loss.item(), sum(decode_lengths))
        top5accs.update(top5, sum(decode_lengths))

        # Print status
        if i % print_freq == 0:
            LOG.append('Epoch: [{0}][{1}/{2}]\t'
                  'Loss {loss.val:.4f} ({loss.avg:.4f})\t'
                  'Top-5 Accuracy {top5.val:.3f} ({top5.avg:.3f})'.format(epoch, i, len(train_loader),
                                                                          loss=losses,
                                                                          top5=top5accs))

ENCODER_DIM = 5
ADAPTIVE_POOL = lambda size: nn.AvgPool2d(4 // size[0])   # was nn.AdaptiveAvgPool2d (4x4 features)

def run():
    imgs = torch.tensor(fill((3, 3, 8, 8), 7))
    caps = torch.tensor([[1, 4, 5, 6, 2, 0], [1, 7, 2, 0, 0, 0], [1, 3, 8, 9, 4, 2]])
    caplens = torch.tensor([[5], [3], [6]])
    train_loader = [(imgs[:2], caps[:2], caplens[:2]), (imgs, caps, caplens)]
    encoder = Encoder(encoded_image_size=2)
    decoder = DecoderWithAttention(attention_dim=3, embed_dim=4, decoder_dim=6, vocab_size=10,
                                   encoder_dim=ENCODER_DIM, dropout=0.0)
    set_params(encoder); set_params(decoder)
    encoder.fine_tune(True)
    decoder_optimizer = torch.optim.Adam(params=filter(lambda p: p.requires_grad, decoder.parameters()), lr=4e-2)
    encoder_optimizer = torch.optim.Adam(params=filter(lambda p: p.requires_grad, encoder.parameters()), lr=1e-2)
    criterion = nn.CrossEntropyLoss().to(device)
    for epoch in range(2):
        train(train_loader, encoder, decoder, criterion, encoder_optimizer, decoder_optimizer, epoch)
        adjust_learning_rate(decoder_optimizer, 0.8)
    return {'log': LOG, 'trainable': [p.requires_grad for p in encoder.parameters()],
            'grads': [None if p.grad is None else p.grad.sum().item() for p in list(encoder.parameters()) + list(decoder.parameters())],
            # a parameter whose gradient is round-off (the attention's terms that are the same for every pixel)
            # takes Adam steps of random sign, so only the others are compared
            'params': [p.sum().item() if p.grad is None or p.grad.abs().max().item() > 1e-12 else 'round-off'
                       for p in list(encoder.parameters()) + list(decoder.parameters())]}



EXPECTED = {'log': ['Epoch: [0][0/2]\tLoss 2.2882 (2.2882)\tTop-5 Accuracy 83.333 (83.333)',
         'Epoch: [0][1/2]\tLoss 2.3937 (2.3565)\tTop-5 Accuracy 63.636 (70.588)',
         '\nDECAYING learning rate.',
         'The new learning rate is 0.032000\n',
         'Epoch: [1][0/2]\tLoss 2.0837 (2.0837)\tTop-5 Accuracy 83.333 (83.333)',
         'Epoch: [1][1/2]\tLoss 2.2844 (2.2136)\tTop-5 Accuracy 63.636 (70.588)',
         '\nDECAYING learning rate.',
         'The new learning rate is 0.025600\n'],
 'trainable': [False, False, False, False, True, True],
 'grads': [None,
           None,
           None,
           None,
           -0.03632577239567672,
           -0.03346397419743362,
           1.9373120981565016e-05,
           2.9341221292888964e-18,
           8.003146142374103e-19,
           2.9595331177065254e-18,
           -9.370031949139403e-06,
           -2.023053491222171e-17,
           0.014170103404763153,
           -0.06617881582377616,
           -0.006068435642978478,
           0.03828662287661681,
           0.03828662287661681,
           0.0007008541163155916,
           0.0013739713394677324,
           0.03139319971840498,
           0.0483218905446028,
           -0.002335975389338434,
           -4.416115577455821e-05,
           -2.7755575615628914e-17,
           4.163336342344337e-17],
 'params': [0.3078525259976064,
            0.08110157053271594,
            -0.3220130905007909,
            -0.41393640108685453,
            -0.22660792588741618,
            -0.09096683460268795,
            0.28223780135607623,
            'round-off',
            'round-off',
            'round-off',
            -0.45182940695901563,
            'round-off',
            -0.47535065541943844,
            1.5794629044215407,
            -0.8608686394289587,
            0.14542763799354508,
            0.21165532699579437,
            -0.37504673100045316,
            -0.2106396871072887,
            -0.7986245295586454,
            0.22968987704344723,
            0.6287560555132052,
            -0.09305385300555191,
            -0.789630475764475,
            -0.3115453857463994]}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
