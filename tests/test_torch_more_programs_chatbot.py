"""PyTorch's chatbot tutorial, run on the dialect with each of the three Luong attention score functions, gives
PyTorch's numbers to 1e-10 in float64.

Source: pytorch/tutorials, beginner_source/chatbot_tutorial.py ("Chatbot Tutorial", Matthew Inkawhich; BSD
3-Clause license, copyright the authors and Meta Platforms, Inc.; kept as a test fixture), its code condensed in
tests/more_programs_chatbot.py. What runs, as the tutorial wrote it: the batch preparation (`zip_longest`
padding, `torch.LongTensor(padList)`, `torch.BoolTensor(mask)`, the printed example batch), `EncoderRNN` (a
shared `nn.Embedding`, a 2-layer bidirectional GRU over `pack_padded_sequence(embedded, input_lengths)` and
`pad_packed_sequence`, the directions summed), `Attn` with `dot`, `general` and `concat` (with
`nn.Parameter(torch.FloatTensor(hidden_size))`), `LuongAttnDecoderRNN` (`bmm`, `transpose`, `cat`), `maskNLLLoss`
(`torch.gather`, `masked_select`, `mask.sum().item()`), `train` with and without teacher forcing
(`torch.LongTensor([[topi[i][0] ...]])`), `clip_grad_norm_`, two Adam optimizers sharing the embedding, the
printed training lines, the checkpoint dictionary saved and loaded (models', optimizers' and embedding's
state_dicts, `voc.__dict__`) and training resumed from it, `GreedySearchDecoder` and `evaluate`.

Edits, all for the comparison: eight made-up pairs replace the Cornell movie dialogs, sizes are small, dropout
is 0 (the libraries would draw different masks), the weights are loaded from `fill` after construction, and
`random` is seeded (the tutorial draws batches and teacher forcing with it, unseeded).
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module and
tests/more_programs_chatbot.py with `torch` standing for PyTorch), printed as literals.
"""
import contextlib
import io
import os
import random

import pytest

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import more_programs_chatbot as program
from more_programs_chatbot import (PAIRS, EncoderRNN, GreedySearchDecoder, LuongAttnDecoderRNN, Voc, batch2TrainData,
                                   evaluate, train)
from tinygrad_rnn.torch import optim
from torch_expect import fill, float64, same  # noqa: F401 (float64 is an autouse fixture)


def load_fill(model, scale=0.6):
    state = model.state_dict()
    model.load_state_dict({k: torch.tensor(scale * fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})


def chatbot(attn_model, workdir) -> dict:
    random.seed(5)
    voc = Voc("made-up")
    for pair in PAIRS:
        voc.addSentence(pair[0])
        voc.addSentence(pair[1])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        input_variable, lengths, target_variable, mask, max_target_len = batch2TrainData(
            voc, [random.choice(PAIRS) for _ in range(3)])
        print("input_variable:", input_variable)
        print("lengths:", lengths)
        print("target_variable:", target_variable)
        print("mask:", mask)
        print("max_target_len:", max_target_len)
        hidden_size, batch_size, clip, n_iteration = 6, 3, 0.3, 4
        program.teacher_forcing_ratio = 0.5
        embedding = nn.Embedding(voc.num_words, hidden_size)
        encoder = EncoderRNN(hidden_size, embedding, 2, 0)
        decoder = LuongAttnDecoderRNN(attn_model, embedding, hidden_size, voc.num_words, 2, 0)
        load_fill(encoder)
        load_fill(decoder, 0.5)
        encoder.train()
        decoder.train()
        encoder_optimizer = optim.Adam(encoder.parameters(), lr=0.01)
        decoder_optimizer = optim.Adam(decoder.parameters(), lr=0.01 * 5.0)
        training_batches = [batch2TrainData(voc, [random.choice(PAIRS) for _ in range(batch_size)])
                            for _ in range(n_iteration)]
        losses = []
        for iteration in range(1, n_iteration + 1):
            loss = train(*training_batches[iteration - 1], encoder, decoder, encoder_optimizer,
                         decoder_optimizer, batch_size, clip)
            losses.append(loss)
            print("Iteration: {}; Percent complete: {:.1f}%; Average loss: {:.4f}".format(
                iteration, iteration / n_iteration * 100, loss))
            if iteration == 2:
                path = os.path.join(workdir, '{}_{}.tar'.format(iteration, 'checkpoint'))
                torch.save({'iteration': iteration, 'en': encoder.state_dict(), 'de': decoder.state_dict(),
                            'en_opt': encoder_optimizer.state_dict(), 'de_opt': decoder_optimizer.state_dict(),
                            'loss': loss, 'voc_dict': voc.__dict__, 'embedding': embedding.state_dict()}, path)
        checkpoint = torch.load(path)
        voc.__dict__ = checkpoint['voc_dict']
        embedding = nn.Embedding(voc.num_words, hidden_size)
        embedding.load_state_dict(checkpoint['embedding'])
        encoder = EncoderRNN(hidden_size, embedding, 2, 0)
        decoder = program.decoder = LuongAttnDecoderRNN(attn_model, embedding, hidden_size, voc.num_words, 2, 0)
        encoder.load_state_dict(checkpoint['en'])
        decoder.load_state_dict(checkpoint['de'])
        encoder_optimizer = optim.Adam(encoder.parameters(), lr=0.01)
        decoder_optimizer = optim.Adam(decoder.parameters(), lr=0.01 * 5.0)
        encoder_optimizer.load_state_dict(checkpoint['en_opt'])
        decoder_optimizer.load_state_dict(checkpoint['de_opt'])
        for iteration in range(checkpoint['iteration'] + 1, n_iteration + 1):
            losses.append(train(*training_batches[iteration - 1], encoder, decoder, encoder_optimizer,
                                decoder_optimizer, batch_size, clip))
        encoder.eval()
        decoder.eval()
        searcher = GreedySearchDecoder(encoder, decoder)
        words, scores = evaluate(searcher, voc, "how are you ?")
    printed = out.getvalue().splitlines()
    grads = [(p.grad, fill(tuple(p.shape), 0.5)) for p in decoder.parameters()]
    return {"printed": printed if attn_model == "dot" else printed[-4:], "losses": losses, "words": words,
            "scores": scores, "grad": [float(sum(g.sum() for g, _ in grads)), float(sum((g.numpy() * w).sum()
                                                                                        for g, w in grads))]}


def pytorch_values(workdir) -> dict:
    return {m: chatbot(m, workdir) for m in ("dot", "general", "concat")}


EXPECTED = {'concat': {'grad': [0.011517422698209875, -0.040450490023640866],
                       'losses': [3.2201690327814823, 3.2659810549334676, 3.022390380221796, 2.919532157601801,
                                  3.022390380221796, 2.919532157601801],
                       'printed': ['Iteration: 1; Percent complete: 25.0%; Average loss: 3.2202',
                                   'Iteration: 2; Percent complete: 50.0%; Average loss: 3.2660',
                                   'Iteration: 3; Percent complete: 75.0%; Average loss: 3.0224',
                                   'Iteration: 4; Percent complete: 100.0%; Average loss: 2.9195'],
                       'scores': [0.16102756206143318, 0.16507739151443468, 0.16642364378501773, 0.16698525824982102,
                                  0.1672563425337376, 0.16740030098847627],
                       'words': ['EOS', 'EOS', 'EOS', 'EOS', 'EOS', 'EOS']},
            'dot': {'grad': [0.013498406165756548, -0.05030311124408902],
                    'losses': [3.220427170790798, 3.2662472729476297, 3.0276465753379274, 2.9260755339253777,
                               3.0276465753379274, 2.9260755339253777],
                    'printed': ['input_variable: tensor([[ 7,  3,  5],', '        [ 8,  4,  2],',
                                '        [12,  2,  0],', '        [ 9,  0,  0],', '        [ 2,  0,  0]])',
                                'lengths: tensor([5, 3, 2])', 'target_variable: tensor([[22,  5,  3],',
                                '        [10,  2,  4],', '        [11,  0,  2],', '        [ 2,  0,  0]])',
                                'mask: tensor([[ True,  True,  True],', '        [ True,  True,  True],',
                                '        [ True, False,  True],', '        [ True, False, False]])',
                                'max_target_len: 4', 'Iteration: 1; Percent complete: 25.0%; Average loss: 3.2204',
                                'Iteration: 2; Percent complete: 50.0%; Average loss: 3.2662',
                                'Iteration: 3; Percent complete: 75.0%; Average loss: 3.0276',
                                'Iteration: 4; Percent complete: 100.0%; Average loss: 2.9261'],
                    'scores': [0.1589953286008119, 0.16348841361052094, 0.1649597341709212, 0.16556162446847314,
                               0.16584603631882847, 0.1659939586929412],
                    'words': ['EOS', 'EOS', 'EOS', 'EOS', 'EOS', 'EOS']},
            'general': {'grad': [0.012390909488212982, -0.04481420335273965],
                        'losses': [3.220303009331105, 3.266079854467068, 3.0252219959654454, 2.923004683291553,
                                   3.0252219959654454, 2.923004683291553],
                        'printed': ['Iteration: 1; Percent complete: 25.0%; Average loss: 3.2203',
                                    'Iteration: 2; Percent complete: 50.0%; Average loss: 3.2661',
                                    'Iteration: 3; Percent complete: 75.0%; Average loss: 3.0252',
                                    'Iteration: 4; Percent complete: 100.0%; Average loss: 2.9230'],
                        'scores': [0.1596371561520695, 0.1639234312232268, 0.16534101515813868, 0.16592967806768044,
                                   0.16621258852950052, 0.16636222016270527],
                        'words': ['EOS', 'EOS', 'EOS', 'EOS', 'EOS', 'EOS']}}


@pytest.mark.parametrize("attn_model", ["dot", "general", "concat"])
def test_chatbot_trains_like_pytorch(attn_model, tmp_path):
    for key, value in chatbot(attn_model, tmp_path).items():
        same(value, EXPECTED[attn_model][key], f"{attn_model}.{key}")
