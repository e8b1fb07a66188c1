"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, as PyTorch's torch.optim.SGD."""
from __future__ import annotations

from typing import Iterable

import numpy as np

from ..tensor import Tensor
from . import checks
from .optimizer import Optimizer, descend, with_l2


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum, dampening, Nesterov and weight decay.

        g <- g + weight_decay * theta                     (if weight_decay != 0)
        b <- g  at t = 1,  else  b <- momentum * b + (1 - dampening) * g     (if momentum != 0)
        g <- g + momentum * b  if nesterov,  else  g <- b                    (if momentum != 0)
        theta <- theta - lr * g

    As in PyTorch, the velocity b ('momentum_buffer') starts as the first gradient itself (no dampening
    on step 1), and lr multiplies b rather than being folded into it. Without momentum there is no state.
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize))

    def _check_hyper(self, h: dict) -> None:
        """lr > 0; momentum, weight_decay >= 0; dampening finite; Nesterov needs momentum and no dampening."""
        checks.positive(self._owner, "lr", h["lr"])
        checks.non_negative(self._owner, "momentum", h["momentum"])
        checks.hyper(self._owner, "dampening", h["dampening"], "a finite number", lambda v: True)
        checks.non_negative(self._owner, "weight_decay", h["weight_decay"])
        checks.nesterov(self._owner, h)

    def update(self, p: Tensor, grad: np.ndarray, group: dict) -> None:
        """One step of the rule above for one parameter."""
        momentum = group["momentum"]
        grad = with_l2(grad, p, group["weight_decay"])
        if momentum != 0:
            state = self.state[p]
            b = state.get("momentum_buffer")
            if b is None:
                b = state["momentum_buffer"] = grad.copy()       # a copy: .grad may change in place later
            else:
                b *= momentum
                b += (1 - group["dampening"]) * grad
            grad = grad + momentum * b if group["nesterov"] else b
        descend(p, group["lr"] * grad)
