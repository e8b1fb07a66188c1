"""Optimizers and learning-rate schedulers with PyTorch's API and update rules (torch.optim).

    opt = optim.Adam(model.parameters(), lr=1e-3)             # or a list of parameter groups (dicts)
    sched = optim.lr_scheduler.StepLR(opt, step_size=10)
    opt.zero_grad(); loss.backward(); opt.step(); sched.step()

optimizer.py holds the base (groups, state, state_dict) and `descend`; sgd.py, adaptive.py,
adam_variants.py (NAdam, RAdam, Adamax) and asgd.py the update rules; lbfgs.py L-BFGS (whose step(closure)
re-evaluates the loss) and line_search.py its strong-Wolfe search; scheduler.py, lr_scheduler.py,
plateau.py, cyclic.py and chained.py the schedulers; checks.py every argument check.
"""
from . import lr_scheduler
from .adam_variants import Adamax, NAdam, RAdam
from .adaptive import Adadelta, Adagrad, Adam, AdamW, RMSprop
from .asgd import ASGD
from .lbfgs import LBFGS
from .optimizer import Optimizer, descend
from .sgd import SGD

__all__ = ["Optimizer", "descend", "SGD", "Adadelta", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam", "RAdam",
           "Adamax", "ASGD", "LBFGS", "lr_scheduler"]
