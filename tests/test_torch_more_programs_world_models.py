"""The MDN-RNN of ctallec/world-models (a mixture-density LSTM over latent codes and actions), run on the dialect,
gives PyTorch's numbers to 1e-10 in float64.

Source: https://github.com/ctallec/world-models (models/mdrnn.py, trainmdrnn.py, and the checkpoint loading of
utils/misc.py's RolloutGenerator; MIT license, copyright Corentin Tallec; kept as a test fixture). What runs, as the
repository wrote it: `gmm_loss` (`torch.distributions.normal.Normal(mus, sigmas).log_prob`, a log-sum-exp written
with `torch.max(..., keepdim=True)[0]`, `max_log_probs.squeeze()`), `MDRNN` (`nn.LSTM` over `torch.cat([actions,
latents], dim=-1)`, one `Linear` sliced into means, `torch.exp` sigmas, `f.log_softmax(pi, dim=-1)`, reward and
terminal heads), `MDRNNCell` (`nn.LSTMCell`, its `f.log_softmax(pi, dim=-2)` as written), `get_loss` (`transpose(1,
0)` of every input, `f.binary_cross_entropy_with_logits`, `f.mse_loss`), `data_pass` in training and under
`torch.no_grad()` with its formatted postfix line, `RMSprop(lr=1e-3, alpha=.9)`, the checkpoint dictionary of
`state_dict()` and `optimizer.state_dict()` saved, loaded into a fresh model and optimizer and trained on, and the
LSTM's weights loaded into the cell with `{k.strip('_l0'): v for k, v in ...}`.

Edits, all for the comparison: made-up latent codes, actions, rewards and terminals replace the CarRacing
rollouts encoded by the VAE (no torchvision, no `randn_like` noise), sizes are small, the loop runs 3 epochs,
the tqdm bar is a print of its postfix, the weights are loaded from `fill`, and `torch.save`/`torch.load` stand
for `save_checkpoint`.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
import contextlib
import io
import os
from functools import partial

import numpy as np

import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as f
from tinygrad_rnn.torch.distributions.normal import Normal
from tinygrad_rnn.torch.utils.data import DataLoader, TensorDataset
from torch_expect import fill, float64, same  # noqa: F401 (float64 is an autouse fixture)

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')


def gmm_loss(batch, mus, sigmas, logpi, reduce=True): # pylint: disable=too-many-arguments
    batch = batch.unsqueeze(-2)
    normal_dist = Normal(mus, sigmas)
    g_log_probs = normal_dist.log_prob(batch)
    g_log_probs = logpi + torch.sum(g_log_probs, dim=-1)
    max_log_probs = torch.max(g_log_probs, dim=-1, keepdim=True)[0]
    g_log_probs = g_log_probs - max_log_probs

    g_probs = torch.exp(g_log_probs)
    probs = torch.sum(g_probs, dim=-1)

    log_prob = max_log_probs.squeeze() + torch.log(probs)
    if reduce:
        return - torch.mean(log_prob)
    return - log_prob


class _MDRNNBase(nn.Module):
    def __init__(self, latents, actions, hiddens, gaussians):
        super().__init__()
        self.latents = latents
        self.actions = actions
        self.hiddens = hiddens
        self.gaussians = gaussians

        self.gmm_linear = nn.Linear(
            hiddens, (2 * latents + 1) * gaussians + 2)

    def forward(self, *inputs):
        pass


class MDRNN(_MDRNNBase):
    """ MDRNN model for multi steps forward """
    def __init__(self, latents, actions, hiddens, gaussians):
        super().__init__(latents, actions, hiddens, gaussians)
        self.rnn = nn.LSTM(latents + actions, hiddens)

    def forward(self, actions, latents): # pylint: disable=arguments-differ
        seq_len, bs = actions.size(0), actions.size(1)

        ins = torch.cat([actions, latents], dim=-1)
        outs, _ = self.rnn(ins)
        gmm_outs = self.gmm_linear(outs)

        stride = self.gaussians * self.latents

        mus = gmm_outs[:, :, :stride]
        mus = mus.view(seq_len, bs, self.gaussians, self.latents)

        sigmas = gmm_outs[:, :, stride:2 * stride]
        sigmas = sigmas.view(seq_len, bs, self.gaussians, self.latents)
        sigmas = torch.exp(sigmas)

        pi = gmm_outs[:, :, 2 * stride: 2 * stride + self.gaussians]
        pi = pi.view(seq_len, bs, self.gaussians)
        logpi = f.log_softmax(pi, dim=-1)

        rs = gmm_outs[:, :, -2]

        ds = gmm_outs[:, :, -1]

        return mus, sigmas, logpi, rs, ds


class MDRNNCell(_MDRNNBase):
    """ MDRNN model for one step forward """
    def __init__(self, latents, actions, hiddens, gaussians):
        super().__init__(latents, actions, hiddens, gaussians)
        self.rnn = nn.LSTMCell(latents + actions, hiddens)

    def forward(self, action, latent, hidden): # pylint: disable=arguments-differ
        in_al = torch.cat([action, latent], dim=1)

        next_hidden = self.rnn(in_al, hidden)
        out_rnn = next_hidden[0]

        out_full = self.gmm_linear(out_rnn)

        stride = self.gaussians * self.latents

        mus = out_full[:, :stride]
        mus = mus.view(-1, self.gaussians, self.latents)

        sigmas = out_full[:, stride:2 * stride]
        sigmas = sigmas.view(-1, self.gaussians, self.latents)
        sigmas = torch.exp(sigmas)

        pi = out_full[:, 2 * stride:2 * stride + self.gaussians]
        pi = pi.view(-1, self.gaussians)
        logpi = f.log_softmax(pi, dim=-2)

        r = out_full[:, -2]

        d = out_full[:, -1]

        return mus, sigmas, logpi, r, d, next_hidden


ASIZE, LSIZE, RSIZE = 2, 3, 5
BSIZE, SEQ_LEN = 2, 4


def made_up_rollouts(n, k):
    latent_obs = torch.tensor(fill((n, SEQ_LEN, LSIZE), k))
    action = torch.tensor(fill((n, SEQ_LEN, ASIZE), k + 1))
    reward = torch.tensor(fill((n, SEQ_LEN), k + 2))
    terminal = torch.tensor((fill((n, SEQ_LEN), k + 3) > 0.3).astype(np.float64))
    latent_next_obs = torch.roll(latent_obs, -1, 1) + 0.1
    return TensorDataset(latent_obs, action, reward, terminal, latent_next_obs)


def world_models_run(workdir) -> dict:
    mdrnn = MDRNN(LSIZE, ASIZE, RSIZE, 3)
    mdrnn.to(device)
    state = mdrnn.state_dict()
    mdrnn.load_state_dict({k: torch.tensor(fill(tuple(v.shape), i)) for i, (k, v) in enumerate(state.items())})
    optimizer = torch.optim.RMSprop(mdrnn.parameters(), lr=1e-3, alpha=.9)
    train_loader = DataLoader(made_up_rollouts(4, 0), batch_size=BSIZE, shuffle=False)
    test_loader = DataLoader(made_up_rollouts(2, 5), batch_size=BSIZE)

    def get_loss(latent_obs, action, reward, terminal, latent_next_obs):
        latent_obs, action,\
            reward, terminal,\
            latent_next_obs = [arr.transpose(1, 0)
                               for arr in [latent_obs, action,
                                           reward, terminal,
                                           latent_next_obs]]
        mus, sigmas, pi, rs, ds = mdrnn(action, latent_obs)
        gmm = gmm_loss(latent_next_obs, mus, sigmas, pi)
        bce = f.binary_cross_entropy_with_logits(ds, terminal)
        mse = f.mse_loss(rs, reward)
        loss = (gmm + bce + mse) / (LSIZE + 2)
        return dict(gmm=gmm, bce=bce, mse=mse, loss=loss)

    def data_pass(epoch, train): # pylint: disable=too-many-locals
        if train:
            mdrnn.train()
            loader = train_loader
        else:
            mdrnn.eval()
            loader = test_loader
        cum_loss = 0
        cum_gmm = 0
        cum_bce = 0
        cum_mse = 0
        for i, data in enumerate(loader):
            latent_obs, action, reward, terminal, latent_next_obs = [arr.to(device) for arr in data]
            if train:
                losses = get_loss(latent_obs, action, reward,
                                  terminal, latent_next_obs)

                optimizer.zero_grad()
                losses['loss'].backward()
                optimizer.step()
            else:
                with torch.no_grad():
                    losses = get_loss(latent_obs, action, reward,
                                      terminal, latent_next_obs)

            cum_loss += losses['loss'].item()
            cum_gmm += losses['gmm'].item()
            cum_bce += losses['bce'].item()
            cum_mse += losses['mse'].item()

            print("Epoch {} ".format(epoch) + "loss={loss:10.6f} bce={bce:10.6f} "
                  "gmm={gmm:10.6f} mse={mse:10.6f}".format(
                      loss=cum_loss / (i + 1), bce=cum_bce / (i + 1),
                      gmm=cum_gmm / LSIZE / (i + 1), mse=cum_mse / (i + 1)))
        return cum_loss * BSIZE / len(loader.dataset)

    train = partial(data_pass, train=True)
    test = partial(data_pass, train=False)
    out, test_losses = io.StringIO(), []
    rnn_file = os.path.join(workdir, 'best.tar')
    with contextlib.redirect_stdout(out):
        for e in range(3):
            cur_best = None
            train(e)
            test_loss = test(e)
            test_losses.append(test_loss)
            is_best = not cur_best or test_loss < cur_best
            if is_best:
                cur_best = test_loss
            torch.save({
                "state_dict": mdrnn.state_dict(),
                "optimizer": optimizer.state_dict(),
                "precision": test_loss,
                "epoch": e}, rnn_file)
            if e == 1:                                  # reload, as trainmdrnn.py does when restarted
                mdrnn = MDRNN(LSIZE, ASIZE, RSIZE, 3)
                optimizer = torch.optim.RMSprop(mdrnn.parameters(), lr=1e-3, alpha=.9)
                rnn_state = torch.load(rnn_file)
                print("Loading MDRNN at epoch {} "
                      "with test error {}".format(
                          rnn_state["epoch"], rnn_state["precision"]))
                mdrnn.load_state_dict(rnn_state["state_dict"])
                optimizer.load_state_dict(rnn_state["optimizer"])

    # utils/misc.py: the controller's rollouts step an MDRNNCell loaded from the MDRNN's checkpoint
    rnn_state = torch.load(rnn_file, map_location={'cuda:0': str(device)})
    cell = MDRNNCell(LSIZE, ASIZE, RSIZE, 3).to(device)
    cell.load_state_dict({k.strip('_l0'): v for k, v in rnn_state["state_dict"].items()})
    latent_obs, action, _, _, _ = made_up_rollouts(2, 5).tensors
    hidden = [torch.zeros(1, RSIZE).to(device) for _ in range(2)]
    steps = []
    with torch.no_grad():
        for t in range(SEQ_LEN):
            mus, sigmas, logpi, r, d, hidden = cell(action[:1, t], latent_obs[:1, t], hidden)
            steps += [mus.sum().item(), sigmas.sum().item(), logpi.tolist(), r.item(), d.item()]
        full = mdrnn(action[:1].transpose(1, 0), latent_obs[:1].transpose(1, 0))
    return {"printed": out.getvalue().splitlines(), "test_losses": test_losses, "steps": steps,
            "full_mus_last": full[0][-1].flatten().tolist(), "cell_h": hidden[0].flatten().tolist(),
            "cell_keys": list(cell.state_dict()), "opt_state": sorted(rnn_state["optimizer"]["state"][0]),
            "square_avg": rnn_state["optimizer"]["state"][0]["square_avg"].flatten().tolist()[:6]}


def pytorch_values(workdir) -> dict:
    return world_models_run(workdir)


EXPECTED = {'cell_h': [-0.07029772281430734, -0.01275128684681167, 0.49745272015933073, 0.2689587796969887,
                       -0.1310660654968701],
            'cell_keys': ['gmm_linear.weight', 'gmm_linear.bias', 'rnn.weight_ih', 'rnn.weight_hh', 'rnn.bias_ih',
                          'rnn.bias_hh'],
            'full_mus_last': [0.4855998819020879, 0.3536915110229609, -0.27822664942473974, -0.6273506386329186,
                              -0.2499068524033525, 0.19721671519074294, -0.025597040502450003, -0.6621570541970154,
                              -0.8239317123224835],
            'opt_state': ['square_avg', 'step'],
            'printed': ['Epoch 0 loss=  0.864372 bce=  0.662357 gmm=  1.111643 mse=  0.324574',
                        'Epoch 0 loss=  0.843289 bce=  0.685294 gmm=  1.101513 mse=  0.226613',
                        'Epoch 0 loss=  0.817074 bce=  0.685028 gmm=  1.069764 mse=  0.191050',
                        'Epoch 1 loss=  0.848492 bce=  0.658550 gmm=  1.090502 mse=  0.312405',
                        'Epoch 1 loss=  0.830170 bce=  0.683324 gmm=  1.083105 mse=  0.218211',
                        'Epoch 1 loss=  0.808075 bce=  0.683108 gmm=  1.057111 mse=  0.185933',
                        'Loading MDRNN at epoch 1 with test error 0.8080747383103077',
                        'Epoch 2 loss=  0.837962 bce=  0.655917 gmm=  1.076527 mse=  0.304310',
                        'Epoch 2 loss=  0.820925 bce=  0.681970 gmm=  1.070059 mse=  0.212479',
                        'Epoch 2 loss=  0.800628 bce=  0.681550 gmm=  1.046569 mse=  0.181884'],
            'square_avg': [7.7164736512346e-07, 2.081557016292072e-06, 7.540145936182368e-05, 3.457657254952991e-05,
                           1.8388573884273248e-06, 1.619097689855582e-07],
            'steps': [-0.6639132337739294, 8.832354208433959, [[0.0, 0.0, 0.0]], 0.14073855732203186,
                      -0.3117141221871947, -1.4763821066609568, 8.347447421467688, [[0.0, 0.0, 0.0]],
                      0.2893178449399683, -0.15686314148430963, -1.6189795049477, 7.999385894609388,
                      [[0.0, 0.0, 0.0]], 0.33605700135632327, -0.10201615464378999, -1.6306618393671677,
                      8.156623471304925, [[0.0, 0.0, 0.0]], 0.32593754694917826, -0.11616512768796222],
            'test_losses': [0.81707360041498, 0.8080747383103077, 0.8006281954698334]}


def test_program_gives_pytorchs_numbers(tmp_path):
    for key, value in world_models_run(tmp_path).items():
        same(value, EXPECTED[key], key)
