"""
PyTorch transcription of min-char-rnn.py, the "Minimal character-level Vanilla RNN model.
Written by Andrej Karpathy (@karpathy). BSD License" (gist d4dee566867f8291f086; a copy of the numpy
original is in ../reference/min-char-rnn.py).

The model, the data sweep, the loss, the gradient clipping, the Adagrad update and the sampling loop are
the gist's, line for line, with the same column-vector layout (Wxh @ x with x of shape (vocab_size, 1)).
The one change: the hand-written backward pass of lossFun is replaced by torch autograd
(`loss.backward()`), so the gradients can be checked against Karpathy's hand-written ones.
Sampling draws from the model's distribution with torch.multinomial instead of np.random.choice.

Not part of the gist: command-line flags for the constants, a bounded number of iterations, and
--dump, which saves the per-iteration losses, and every --dump_every iterations the parameters, the
incoming hidden state, the data pointer and the (clipped) gradients, plus the final parameters (.npz).
"""
import argparse

import numpy as np
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn

parser = argparse.ArgumentParser(description='min-char-rnn in PyTorch')
parser.add_argument('input', nargs='?', default='input.txt', help='plain text file to learn')
parser.add_argument('--hidden_size', type=int, default=100, help='size of hidden layer of neurons')
parser.add_argument('--seq_length', type=int, default=25, help='number of steps to unroll the RNN for')
parser.add_argument('--learning_rate', type=float, default=1e-1)
parser.add_argument('--iters', type=int, default=1000, help='number of parameter updates')
parser.add_argument('--sample_every', type=int, default=100)
parser.add_argument('--sample_length', type=int, default=200)
parser.add_argument('--dump', type=str, default='', help='save losses, gradients and parameters here')
parser.add_argument('--dump_every', type=int, default=50, help='save the gradients every N iterations')
args = parser.parse_args()

# data I/O
data = open(args.input, 'r').read() # should be simple plain text file
chars = list(set(data))
data_size, vocab_size = len(data), len(chars)
print('data has %d characters, %d unique.' % (data_size, vocab_size))
char_to_ix = { ch:i for i,ch in enumerate(chars) }
ix_to_char = { i:ch for i,ch in enumerate(chars) }

# hyperparameters
hidden_size = args.hidden_size # size of hidden layer of neurons
seq_length = args.seq_length # number of steps to unroll the RNN for
learning_rate = args.learning_rate

# model parameters
class MinCharRNN(nn.Module):
  def __init__(self, vocab_size, hidden_size):
    super(MinCharRNN, self).__init__()
    self.Wxh = nn.Parameter(torch.randn(hidden_size, vocab_size)*0.01) # input to hidden
    self.Whh = nn.Parameter(torch.randn(hidden_size, hidden_size)*0.01) # hidden to hidden
    self.Why = nn.Parameter(torch.randn(vocab_size, hidden_size)*0.01) # hidden to output
    self.bh = nn.Parameter(torch.zeros(hidden_size, 1)) # hidden bias
    self.by = nn.Parameter(torch.zeros(vocab_size, 1)) # output bias

model = MinCharRNN(vocab_size, hidden_size)
Wxh, Whh, Why, bh, by = model.Wxh, model.Whh, model.Why, model.bh, model.by

def lossFun(inputs, targets, hprev):
  """
  inputs,targets are both list of integers.
  hprev is Hx1 array of initial hidden state
  returns the loss, gradients on model parameters, and last hidden state
  """
  xs, hs, ys, ps = {}, {}, {}, {}
  hs[-1] = hprev.clone()
  loss = 0
  # forward pass
  for t in range(len(inputs)):
    xs[t] = torch.zeros((vocab_size,1)) # encode in 1-of-k representation
    xs[t][inputs[t]] = 1
    hs[t] = torch.tanh(torch.mm(Wxh, xs[t]) + torch.mm(Whh, hs[t-1]) + bh) # hidden state
    ys[t] = torch.mm(Why, hs[t]) + by # unnormalized log probabilities for next chars
    ps[t] = torch.exp(ys[t]) / torch.sum(torch.exp(ys[t])) # probabilities for next chars
    loss += -torch.log(ps[t][targets[t],0]) # softmax (cross-entropy loss)
  # backward pass: compute gradients going backwards (autograd replaces the hand-written backward)
  model.zero_grad()
  loss.backward()
  dWxh, dWhh, dWhy, dbh, dby = Wxh.grad, Whh.grad, Why.grad, bh.grad, by.grad
  for dparam in [dWxh, dWhh, dWhy, dbh, dby]:
    dparam.clamp_(-5, 5) # clip to mitigate exploding gradients
  return loss.item(), dWxh, dWhh, dWhy, dbh, dby, hs[len(inputs)-1].detach()

def sample(h, seed_ix, n):
  """
  sample a sequence of integers from the model
  h is memory state, seed_ix is seed letter for first time step
  """
  with torch.no_grad():
    x = torch.zeros((vocab_size, 1))
    x[seed_ix] = 1
    ixes = []
    for t in range(n):
      h = torch.tanh(torch.mm(Wxh, x) + torch.mm(Whh, h) + bh)
      y = torch.mm(Why, h) + by
      p = torch.exp(y) / torch.sum(torch.exp(y))
      ix = torch.multinomial(p.view(-1), 1).item()
      x = torch.zeros((vocab_size, 1))
      x[ix] = 1
      ixes.append(ix)
  return ixes

record = {'loss': [], 'smooth_loss': []}
n, p = 0, 0
mWxh, mWhh, mWhy = torch.zeros_like(Wxh), torch.zeros_like(Whh), torch.zeros_like(Why)
mbh, mby = torch.zeros_like(bh), torch.zeros_like(by) # memory variables for Adagrad
smooth_loss = -np.log(1.0/vocab_size)*seq_length # loss at iteration 0
while n < args.iters:
  # prepare inputs (we're sweeping from left to right in steps seq_length long)
  if p+seq_length+1 >= len(data) or n == 0:
    hprev = torch.zeros((hidden_size,1)) # reset RNN memory
    p = 0 # go from start of data
  inputs = [char_to_ix[ch] for ch in data[p:p+seq_length]]
  targets = [char_to_ix[ch] for ch in data[p+1:p+seq_length+1]]

  # sample from the model now and then
  if n % args.sample_every == 0:
    sample_ix = sample(hprev, inputs[0], args.sample_length)
    txt = ''.join(ix_to_char[ix] for ix in sample_ix)
    print('----\n %s \n----' % (txt, ))

  if n % args.dump_every == 0: # the point the gradients below are taken at
    for name, param in zip(['Wxh', 'Whh', 'Why', 'bh', 'by', 'hprev'], [Wxh, Whh, Why, bh, by, hprev]):
      record['%s@%d' % (name, n)] = param.detach().numpy().copy()
    record['p@%d' % n] = p

  # forward seq_length characters through the net and fetch gradient
  loss, dWxh, dWhh, dWhy, dbh, dby, hprev = lossFun(inputs, targets, hprev)
  smooth_loss = smooth_loss * 0.999 + loss * 0.001
  if n % args.sample_every == 0: print('iter %d, loss: %f' % (n, smooth_loss)) # print progress
  record['loss'].append(loss)
  record['smooth_loss'].append(smooth_loss)
  if n % args.dump_every == 0:
    for name, dparam in zip(['dWxh', 'dWhh', 'dWhy', 'dbh', 'dby'], [dWxh, dWhh, dWhy, dbh, dby]):
      record['%s@%d' % (name, n)] = dparam.detach().numpy().copy()

  # perform parameter update with Adagrad
  with torch.no_grad():
    for param, dparam, mem in zip([Wxh, Whh, Why, bh, by],
                                  [dWxh, dWhh, dWhy, dbh, dby],
                                  [mWxh, mWhh, mWhy, mbh, mby]):
      mem += dparam * dparam
      param += -learning_rate * dparam / torch.sqrt(mem + 1e-8) # adagrad update

  p += seq_length # move data pointer
  n += 1 # iteration counter

if args.dump:
  for name, param in zip(['Wxh', 'Whh', 'Why', 'bh', 'by'], [Wxh, Whh, Why, bh, by]):
    record[name] = param.detach().numpy().copy()
  record['hprev'] = hprev.numpy().copy()
  np.savez(args.dump, **{k: np.asarray(v) for k, v in record.items()})
