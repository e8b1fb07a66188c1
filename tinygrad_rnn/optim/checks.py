"""Argument checks of the optimizers and learning-rate schedulers, kept out of the update rules.

Where PyTorch words an error (an empty parameter list, a non-leaf parameter, a parameter in two groups,
a state dict of the wrong layout), the message carries PyTorch's words after the optimizer's name.
"""
from __future__ import annotations

import math
from numbers import Integral

import numpy as np

from ..checks import is_number
from ..nn.module import Module
from ..tensor import Tensor


# ---------------------------------------------------------------- hyperparameters
def hyper(owner: str, arg: str, value, wanted: str, ok) -> None:
    """A finite real number for which ok(value) holds, else a ValueError naming the argument and the value."""
    if not is_number(value) or not math.isfinite(value) or not ok(value):
        raise ValueError(f"{owner}: {arg} must be {wanted}, got {value!r}")


def positive(owner: str, arg: str, value) -> None:
    """value > 0 (learning rates)."""
    hyper(owner, arg, value, "a positive number", lambda v: v > 0)


def non_negative(owner: str, arg: str, value) -> None:
    """value >= 0 (momentum, weight decay, eps, ...)."""
    hyper(owner, arg, value, "a number >= 0", lambda v: v >= 0)


def betas(owner: str, value) -> None:
    """A pair (beta1, beta2), each in [0, 1)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{owner}: betas must be a pair (beta1, beta2), got {value!r}")
    for i, beta in enumerate(value):
        hyper(owner, f"betas[{i}]", beta, "in [0, 1)", lambda v: 0 <= v < 1)


def adam_like(owner: str, h: dict) -> None:
    """The hyperparameters Adam and its variants share: lr > 0; betas a pair in [0, 1); eps, weight_decay >= 0."""
    positive(owner, "lr", h["lr"])
    betas(owner, h["betas"])
    non_negative(owner, "eps", h["eps"])
    non_negative(owner, "weight_decay", h["weight_decay"])


def nesterov(owner: str, h: dict) -> None:
    """Nesterov momentum needs momentum > 0 and no dampening (PyTorch's rule)."""
    if h["nesterov"] and (h["momentum"] <= 0 or h["dampening"] != 0):
        raise ValueError(f"{owner}: nesterov=True requires momentum > 0 and dampening = 0, "
                         f"got momentum={float(h['momentum'])}, dampening={float(h['dampening'])}")


# ---------------------------------------------------------------- parameters and groups
def as_list(params, owner: str) -> list:
    """An iterable of Tensors (or of group dicts) as a list; a lone Tensor or a Module is refused."""
    if isinstance(params, Tensor):
        raise TypeError(f"{owner}: params must be an iterable of Tensors, got a single Tensor "
                        f"(wrap it in a list: [tensor])")
    if isinstance(params, Module):
        raise TypeError(f"{owner}: params must be an iterable of Tensors, got a Module (pass module.parameters())")
    try:
        return list(params)
    except TypeError:
        raise TypeError(f"{owner}: params must be an iterable of Tensors, got {type(params).__name__}") from None


def not_empty(params: list, owner: str) -> None:
    """At least one parameter (or group) to optimize."""
    if not params:
        raise ValueError(f"{owner}: optimizer got an empty parameter list; there is nothing to optimize")


def group_params(group, owner: str, taken: list) -> list:
    """A parameter group's 'params' as a list of leaf Tensors, none of them in `taken` (earlier groups).

    A leaf that requires no grad is accepted (PyTorch's rule: it is skipped while its grad is None).
    Positions count across all groups, as the indices of state_dict() do.
    """
    if not isinstance(group, dict):
        raise TypeError(f"{owner}: param_group must be a dict, got {type(group).__name__}")
    if "params" not in group:
        raise ValueError(f"{owner}: a parameter group needs a 'params' entry, got keys {sorted(group)}")
    params = group["params"]
    if isinstance(params, set):
        raise TypeError(f"{owner}: optimizer parameters need to be organized in ordered collections, but the "
                        "ordering of tensors in sets will change between runs. Please use a list instead.")
    params = [params] if isinstance(params, Tensor) else as_list(params, owner)
    for i, p in enumerate(params, start=len(taken)):
        if not isinstance(p, Tensor):
            raise TypeError(f"{owner}: params must be Tensors, got {type(p).__name__} at position {i}")
        if p.parents:
            raise ValueError(f"{owner}: can't optimize a non-leaf Tensor: parameter {i} (shape {p.shape}) "
                             "must be a leaf (a Parameter, or a Tensor made with requires_grad=True), "
                             "not the result of an op")
    ids = {id(p) for p in params}
    if len(ids) != len(params):
        raise ValueError(f"{owner}: a parameter appears more than once in params; it would be updated twice")
    if ids & {id(p) for p in taken}:
        raise ValueError(f"{owner}: some parameters appear in more than one parameter group")
    return params


# ---------------------------------------------------------------- load_state_dict
def state_dict_layout(owner: str, state_dict, groups: list) -> None:
    """A dict {'state', 'param_groups'} whose groups match the optimizer's in number and sizes."""
    if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= state_dict.keys():
        raise ValueError(f"{owner}.load_state_dict: expected a dict with keys 'state' and 'param_groups' "
                         f"(from state_dict()), got {type(state_dict).__name__}")
    saved = state_dict["param_groups"]
    if len(saved) != len(groups):
        raise ValueError(f"{owner}.load_state_dict: loaded state dict has a different number of parameter "
                         f"groups ({len(saved)}; the optimizer has {len(groups)})")
    for i, (s, g) in enumerate(zip(saved, groups)):
        if len(s["params"]) != len(g["params"]):
            raise ValueError(f"{owner}.load_state_dict: loaded state dict contains a parameter group that "
                             f"doesn't match the size of optimizer's group (group {i}: {len(s['params'])} "
                             f"saved, {len(g['params'])} here)")


def loaded_state(owner: str, state: dict, where: dict) -> None:
    """Every saved index names a parameter (`where`: index -> parameter) and its arrays have its shape."""
    for index, entry in state.items():
        if index not in where:
            raise ValueError(f"{owner}.load_state_dict: loaded state dict has state for parameter {index!r}, "
                             f"which none of its parameter groups lists")
        shape = where[index]._data.shape
        for name, value in entry.items():
            if isinstance(value, np.ndarray) and value.shape != shape:
                raise ValueError(f"{owner}.load_state_dict: state {name!r} of parameter {index} has shape "
                                 f"{value.shape}, but the parameter has shape {shape}")


# ---------------------------------------------------------------- schedulers
def scheduled(owner: str, optimizer, kind: type) -> None:
    """A scheduler wraps an Optimizer (`kind`)."""
    if not isinstance(optimizer, kind):
        raise TypeError(f"{owner}: {type(optimizer).__name__} is not an Optimizer")


def resumable(owner: str, groups: list) -> None:
    """Resuming (last_epoch >= 0) needs the 'initial_lr' an earlier scheduler wrote into every group."""
    for i, group in enumerate(groups):
        if "initial_lr" not in group:
            raise KeyError(f"{owner}: param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                           "a scheduler with last_epoch >= 0 (load the optimizer's state_dict first, "
                           "or start from last_epoch=-1)")


def positive_int(owner: str, arg: str, value) -> None:
    """An integer >= 1 (a period or a number of steps)."""
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{owner}: {arg} must be a positive integer, got {value!r}")


def one_per_group(owner: str, arg: str, values, groups: list) -> None:
    """A list or tuple given per parameter group has one entry per group."""
    if len(values) != len(groups):
        raise ValueError(f"{owner}: expected {len(groups)} {arg} (one per parameter group), got {len(values)}")


def same_length(owner: str, name: str, values, groups: list) -> None:
    """A value given per parameter group (base_lr, max_lr, momenta) has one entry per group (PyTorch's words)."""
    if len(values) != len(groups):
        raise ValueError(f"{owner}: {name} must have the same length as optimizer.param_groups. "
                         f"{name} has {len(values)} values, param_groups has {len(groups)}.")


def factor(owner: str, value, message: str, low_open: bool = False) -> None:
    """A multiplicative factor in [0, 1] ((0, 1] with low_open), else PyTorch's `message`."""
    if not is_number(value) or not (0 < value <= 1 if low_open else 0 <= value <= 1):
        raise ValueError(f"{owner}: {message}")


def functions(owner: str, fns: list) -> None:
    """Every lr_lambda is callable."""
    for fn in fns:
        if not callable(fn):
            raise TypeError(f"{owner}: lr_lambda should be a function, but got {type(fn).__name__}")


def choice(owner: str, arg: str, value, options: tuple) -> None:
    """One of a few strings."""
    if value not in options:
        raise ValueError(f"{owner}: {arg} must be one of {', '.join(map(repr, options))}, got {value!r}")


def same_groups(owner: str, min_lrs: list, groups: list) -> None:
    """A per-group min_lr list still matches the optimizer's groups (none was added since)."""
    if len(min_lrs) != len(groups):
        raise RuntimeError(f"{owner}: the optimizer has {len(groups)} param groups, but min_lr gave {len(min_lrs)} "
                           "values, usually due to a new param group being added to the optimizer; set "
                           "min_lrs to one value per group")
