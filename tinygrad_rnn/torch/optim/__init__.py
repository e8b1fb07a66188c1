"""torch.optim: the core's optimizers, which already follow PyTorch's API (param_groups, state_dict,
closures) and update rules; `lr_scheduler` as in PyTorch."""
from ...optim import ASGD, LBFGS, SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, NAdam, Optimizer, RAdam, RMSprop
from . import lr_scheduler

__all__ = ["Optimizer", "SGD", "Adadelta", "Adam", "AdamW", "NAdam", "RAdam", "Adamax", "ASGD", "RMSprop", "Adagrad",
           "LBFGS", "lr_scheduler"]
