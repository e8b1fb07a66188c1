"""torch.optim: the core's optimizers, which already follow PyTorch's API (param_groups, state_dict,
closures) and update rules; `lr_scheduler` as in PyTorch."""
from ...optim import LBFGS, SGD, Adadelta, Adagrad, Adam, AdamW, Optimizer, RMSprop
from . import lr_scheduler

__all__ = ["Optimizer", "SGD", "Adadelta", "Adam", "AdamW", "RMSprop", "Adagrad", "LBFGS", "lr_scheduler"]
