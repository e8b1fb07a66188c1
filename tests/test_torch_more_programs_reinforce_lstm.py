"""pytorch/examples' REINFORCE (reinforcement_learning/reinforce.py) with a recurrent policy (an nn.LSTMCell whose state
runs through each episode), run on the dialect, gives PyTorch's numbers to 1e-10 in float64 and prints what it prints.

Source: https://github.com/pytorch/examples (reinforcement_learning/reinforce.py; BSD license). What runs, as the
example wrote it: `Policy` (`affine1`, `nn.Dropout`, `F.relu`, `affine2`, `F.softmax(action_scores, dim=1)`,
`saved_log_probs` and `rewards` lists on the module), `select_action` (`torch.from_numpy(state).float().unsqueeze(0)`,
`Categorical(probs)`, `m.log_prob(action)`, `action.item()`), `finish_episode` (discounted returns built in a
`deque` with `appendleft`, `torch.tensor(returns)`, normalised with `returns.std() + eps` where
`eps = np.finfo(np.float32).eps.item()`, `torch.cat(policy_loss).sum()`, Adam, `del policy.rewards[:]`), the main
loop with the running reward and its formatted log line.

Edits: the policy carries an `nn.LSTMCell(6, 5)` between its two layers, its state reset per episode (the example's
policy is feed-forward; this is the usual recurrent-policy change); sizes are small, dropout is 0, the weights are
loaded from `set_params`; a deterministic toy environment with gym's `reset`/`step` signature stands for CartPole;
`m.sample()` is an inverse-CDF draw with fixed uniform numbers `U` (each library has its own random numbers); the
state is `.float().unsqueeze(0).double()` (float64); `m.entropy()` and the gradients are recorded for the comparison.
How the expected values were made: `pytorch_values()` run by PyTorch 2.14 in float64 (this module with `torch`
standing for PyTorch), printed as literals.
"""
from collections import deque
import numpy as np
import tinygrad_rnn.torch as torch
import tinygrad_rnn.torch.nn as nn
import tinygrad_rnn.torch.nn.functional as F
import tinygrad_rnn.torch.optim as optim
from tinygrad_rnn.torch.distributions import Categorical
from more_programs_compare import close
from torch_expect import fill, float64, set_params  # noqa: F401 (float64 is an autouse fixture)


class Args:
    gamma = 0.99
    log_interval = 1


args = Args()


class Policy(nn.Module):
    def __init__(self):
        super(Policy, self).__init__()
        self.affine1 = nn.Linear(4, 6)
        self.dropout = nn.Dropout(p=0.0)
        self.lstm = nn.LSTMCell(6, 5)          # the recurrent policy: an LSTMCell between the two layers
        self.affine2 = nn.Linear(5, 2)

        self.saved_log_probs = []
        self.rewards = []
        self.hx = None

    def reset(self):
        self.hx = None

    def forward(self, x):
        x = self.affine1(x)
        x = self.dropout(x)
        x = F.relu(x)
        self.hx = self.lstm(x, self.hx)
        action_scores = self.affine2(self.hx[0])
        return F.softmax(action_scores, dim=1)


class ToyEnv:
    """A deterministic stand-in for gym's CartPole-v1: 4 numbers of state, 2 actions, reward 1 per step."""
    def reset(self):
        self.t = 0
        self.s = fill((4,), 1)
        return self.s, {}

    def step(self, action):
        self.t += 1
        self.s = np.tanh(self.s * 1.1 + (0.3 if action == 1 else -0.3) * np.array([1., -0.5, 0.25, 0.7]))
        done = abs(self.s[2]) > 0.9 or self.t >= 6
        return self.s, 1.0 - 0.2 * abs(self.s[0]), done, False, {}


U = fill((40,), 3) + 0.5    # the uniform numbers of m.sample()


def run():
    global policy, optimizer
    policy = Policy()
    set_params(policy)
    optimizer = optim.Adam(policy.parameters(), lr=1e-2)
    eps = np.finfo(np.float32).eps.item()
    env = ToyEnv()
    draws = iter(U)

    def select_action(state):
        state = torch.from_numpy(state).float().unsqueeze(0).double()   # .double() added (float64)
        probs = policy(state)
        m = Categorical(probs)
        action = (probs.detach().cumsum(1) < next(draws)).sum(1)    # was m.sample()
        policy.saved_log_probs.append(m.log_prob(action))
        return action.item(), m.entropy().item()

    def finish_episode():
        R = 0
        policy_loss = []
        returns = deque()
        for r in policy.rewards[::-1]:
            R = r + args.gamma * R
            returns.appendleft(R)
        returns = torch.tensor(returns)
        returns = (returns - returns.mean()) / (returns.std() + eps)
        for log_prob, R in zip(policy.saved_log_probs, returns):
            policy_loss.append(-log_prob * R)
        optimizer.zero_grad()
        policy_loss = torch.cat(policy_loss).sum()
        policy_loss.backward()
        grads = [(p.grad * torch.tensor(fill(tuple(p.shape), 5))).sum().item() for p in policy.parameters()]
        optimizer.step()
        del policy.rewards[:]
        del policy.saved_log_probs[:]
        return policy_loss.item(), grads

    running_reward = 10
    log = []
    for i_episode in range(1, 5):
        state, _ = env.reset()
        policy.reset()
        ep_reward = 0
        actions, entropies = [], []
        for t in range(1, 10000):  # Don't infinite loop while learning
            action, ent = select_action(state)
            actions.append(action); entropies.append(ent)
            state, reward, done, _, _ = env.step(action)
            policy.rewards.append(reward)
            ep_reward += reward
            if done:
                break
        running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward
        loss, grads = finish_episode()
        if i_episode % args.log_interval == 0:
            log.append('Episode {}\tLast reward: {:.2f}\tAverage reward: {:.2f}'.format(
                  i_episode, ep_reward, running_reward))
        log.append((actions, entropies, loss, grads))
    return {'log': log, 'params': [p.sum().item() for p in policy.parameters()]}


def pytorch_values() -> dict:
    return run()


EXPECTED = {'log': ['Episode 1\tLast reward: 5.48\tAverage reward: 9.77',
         ([1, 0, 0, 1, 1, 0],
          [0.692618523832874,
           0.6929557104403008,
           0.6930392728241115,
           0.693069718940212,
           0.6930996705106856,
           0.6931118178348217],
          -0.021462354065847455,
          [-0.0001801919701360667,
           -0.0014750322895800644,
           -0.0029042726515870394,
           0.0010211148217679155,
           -0.001080130581172908,
           -0.001080130581172908,
           0.0016234816453635772,
           -0.09830094470266408]),
         'Episode 2\tLast reward: 5.76\tAverage reward: 9.57',
         ([0, 0, 1, 1, 0, 0],
          [0.6918801035294735,
           0.6923080353685496,
           0.6924802639104166,
           0.6925889633475499,
           0.6926440741764233,
           0.692643634186975],
          0.033620489023719974,
          [-0.002075840555487639,
           0.00038911363040740603,
           0.0009819843660089501,
           -0.005352148924364376,
           -0.0014409440890824886,
           -0.0014409440890824886,
           -0.004234709558864236,
           0.013869852880879469]),
         'Episode 3\tLast reward: 5.55\tAverage reward: 9.37',
         ([0, 1, 1, 0, 0, 1],
          [0.6912614836861735,
           0.6916267172733652,
           0.6918150731169834,
           0.691899560497319,
           0.6919107596255077,
           0.6919152630858912],
          0.04303864334111915,
          [-0.0020500646830539457,
           0.0007207806249194471,
           0.001161065759251073,
           -4.232443254272882e-06,
           -4.349358045222266e-05,
           -4.349358045222266e-05,
           -0.001390583020222675,
           0.1578114985517813]),
         'Episode 4\tLast reward: 5.33\tAverage reward: 9.17',
         ([1, 1, 0, 0, 1, 1],
          [0.6913189333464351,
           0.6916200905415151,
           0.6917322031080702,
           0.6917453351495644,
           0.6917458420539158,
           0.6917758772957721],
          -0.005034647442243523,
          [-0.0015725679044191639,
           0.0011353246263338958,
           0.0021437151616996407,
           -0.00042237108224400235,
           0.0021758462082381116,
           0.0021758462082381116,
           0.004574504277896657,
           0.033881424622619685])],
 'params': [0.060528404375269046,
            0.4231238094243954,
            -0.2581215949555346,
            -1.1302408596224298,
            -0.2019730200910343,
            -0.34035480255131356,
            -0.11670694650456237,
            0.7795792162375412]}


def test_program_gives_pytorchs_numbers():
    close(run(), EXPECTED)
