"""Optimizers and learning-rate schedulers with PyTorch's API and update rules (torch.optim).

    opt = optim.Adam(model.parameters(), lr=1e-3)             # or a list of parameter groups (dicts)
    sched = optim.lr_scheduler.StepLR(opt, step_size=10)
    opt.zero_grad(); loss.backward(); opt.step(); sched.step()

optimizer.py holds the base (groups, state, state_dict) and `descend`; sgd.py and adaptive.py the update
rules; lbfgs.py L-BFGS (whose step(closure) re-evaluates the loss) and line_search.py its strong-Wolfe
search; scheduler.py, lr_scheduler.py and plateau.py the schedulers; checks.py every argument check.
"""
from . import lr_scheduler
from .adaptive import Adadelta, Adagrad, Adam, AdamW, RMSprop
from .lbfgs import LBFGS
from .optimizer import Optimizer, descend
from .sgd import SGD

__all__ = ["Optimizer", "descend", "SGD", "Adadelta", "Adagrad", "RMSprop", "Adam", "AdamW", "LBFGS", "lr_scheduler"]
