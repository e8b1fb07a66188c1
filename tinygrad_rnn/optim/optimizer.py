"""The optimizer base, as PyTorch's torch.optim.Optimizer: parameter groups, per-parameter state,
step(closure), zero_grad, and a state_dict in PyTorch's format; and `descend`, the one way an update
writes a parameter.

`params` is an iterable of Tensors, or of dicts (parameter groups), each with 'params' and any
hyperparameters that differ from the optimizer's defaults:

    Adam([{"params": model.rnn.parameters()}, {"params": model.head.parameters(), "lr": 1e-2}], lr=1e-3)

`param_groups` is the truth: step() reads every hyperparameter from the group each time, so setting
`opt.param_groups[0]["lr"]` (as the schedulers do) takes effect at the next step, while changing
`opt.defaults` only affects groups added later. In the formulas, g is the gradient (negated first when
maximize=True), theta the parameter, t the number of steps this parameter has taken (from 1).

A step never changes an array that a recorded graph still holds: the loss of this step usually keeps
its graph alive, and a second backward through it (or a truncated-BPTT window reaching back past the
update) must see the weights the forward pass used. So `descend` and `scale` change a parameter in
place only when nothing but the parameter holds its array, and otherwise give it a new array.
"""
from __future__ import annotations

import copy
import itertools
from collections import defaultdict
from typing import Callable, Iterable

import numpy as np

from ..modes import switch
from ..nn.utils import check_grads
from ..shape_ops import unheld
from ..tensor import Tensor
from . import checks


class Optimizer:
    """Parameter groups (`param_groups`), their `defaults` and per-parameter `state`; subclasses define update().

    A parameter that requires no grad is accepted and skipped while its grad is None. Every gradient
    is checked before any parameter changes, so a step that raises has changed nothing.
    """

    def __init__(self, params: Iterable, defaults: dict):
        self.defaults = dict(defaults)
        self._check_hyper(self.defaults)
        self.state: defaultdict = defaultdict(dict)                # parameter -> its buffers
        self.param_groups: list = []
        groups = checks.as_list(params, self._owner)
        checks.not_empty(groups, self._owner)
        for group in groups if isinstance(groups[0], dict) else [{"params": groups}]:
            self.add_param_group(group)

    @property
    def _owner(self) -> str:
        return type(self).__name__

    @property
    def params(self) -> list:
        """Every parameter, group after group (the order of the indices in state_dict())."""
        return [p for group in self.param_groups for p in group["params"]]

    def _check_hyper(self, h: dict) -> None:
        """Raise if a hyperparameter of `h` (the defaults, or a group) is out of range; subclasses check theirs."""

    def add_param_group(self, param_group: dict) -> None:
        """Add a group: its 'params' and, for any hyperparameter it does not give, the default (PyTorch's rule:
        the dict itself becomes the group). Its parameters must not be in an earlier group."""
        params = checks.group_params(param_group, self._owner, self.params)
        self._check_hyper({**self.defaults, **param_group})
        param_group["params"] = params
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Set every gradient to None (the next backward() starts from nothing), or with set_to_none=False
        fill the gradient arrays with zeros in place."""
        for p in self.params:
            if set_to_none:
                p._grad = None
            elif p._grad is not None:
                p._grad[...] = 0

    def step(self, closure: Callable | None = None):
        """Update every parameter that has a gradient; returns closure() (called with grad mode on) or None."""
        loss = None
        if closure is not None:
            with switch("grad_enabled", True):
                loss = closure()
        check_grads(self.params, f"{self._owner}.step")
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None:
                    grad = p._grad.astype(p._data.dtype, copy=False)
                    self.update(p, -grad if group.get("maximize") else grad, group)
        return loss

    def update(self, p: Tensor, grad: np.ndarray, group: dict) -> None:
        """Change p (with `descend`) from its gradient, its `self.state[p]` and its group's hyperparameters."""
        raise NotImplementedError(f"{self._owner} does not define update()")

    def state_dict(self) -> dict:
        """{'state': {index: {name: copy}}, 'param_groups': [{hyperparameters..., 'params': [indices]}]}:
        parameters are numbered across the groups in order, as PyTorch does; state arrays are copies."""
        index = {id(p): i for i, p in enumerate(self.params)}
        groups = [{**{k: v for k, v in g.items() if k != "params"}, "params": [index[id(p)] for p in g["params"]]}
                  for g in self.param_groups]
        return {"state": {index[id(p)]: copy.deepcopy(s) for p, s in self.state.items()}, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Take the hyperparameters and the state of `state_dict` (from state_dict(), here or in an optimizer
        of the same layout); the k-th saved parameter is this optimizer's k-th. Checked in full first:
        a load that raises has changed nothing."""
        checks.state_dict_layout(self._owner, state_dict, self.param_groups)
        saved = copy.deepcopy(state_dict["param_groups"])
        where = dict(zip(itertools.chain.from_iterable(g["params"] for g in saved), self.params))
        checks.loaded_state(self._owner, state_dict["state"], where)
        for new, group in zip(saved, self.param_groups):
            new["params"] = group["params"]
            for name, default in self.defaults.items():
                new.setdefault(name, default)
            self._check_hyper(new)
        state: defaultdict = defaultdict(dict)
        for index, entry in state_dict["state"].items():
            p = where[index]
            state[p] = {name: np.array(value, dtype=p._data.dtype) if isinstance(value, np.ndarray)
                        else copy.deepcopy(value) for name, value in entry.items()}
        self.state, self.param_groups = state, saved

    def __repr__(self) -> str:
        groups = [f"Parameter Group {i}\n" + "".join(f"    {k}: {group[k]}\n" for k in sorted(group) if k != "params")
                  for i, group in enumerate(self.param_groups)]
        return f"{self._owner} (\n" + "\n".join(groups) + ")"       # PyTorch's layout: a blank line between groups


def with_l2(grad: np.ndarray, p: Tensor, weight_decay: float) -> np.ndarray:
    """g + weight_decay * theta (L2 weight decay, folded into the gradient); g itself when weight_decay is 0."""
    return grad + weight_decay * p._data if weight_decay else grad


def descend(p: Tensor, step: np.ndarray) -> None:
    """theta <- theta - step, keeping theta's dtype. In place when nothing but p holds p's array
    (shape_ops.unheld); otherwise a recorded graph (or a view of the array) still needs the old values,
    so p gets a new array and the graph keeps the old one."""
    _write(p, np.subtract, step)


def scale(p: Tensor, factor: float) -> None:
    """theta <- theta * factor (decoupled weight decay), under the same rule as `descend`."""
    _write(p, np.multiply, factor)


def _write(p: Tensor, op, operand) -> None:
    """theta <- op(theta, operand), in place only when nothing but p holds theta's array."""
    if unheld(p._data):
        op(p._data, operand, out=p._data)
    else:
        p._data = op(p._data, operand).astype(p._data.dtype, copy=False)


def scalar_state(p: Tensor, value: float):
    """A number kept in an optimizer's state (NAdam's mu_product, ASGD's eta and mu), rounded to p's dtype as
    PyTorch rounds its 0-d state tensors to the default dtype (float32, unless float64 is the default)."""
    return p._data.dtype.type(value)
