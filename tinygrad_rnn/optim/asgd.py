"""Averaged stochastic gradient descent, as PyTorch's torch.optim.ASGD (the single-tensor, foreach=False code path)."""
from __future__ import annotations

from typing import Iterable

import numpy as np

from ..tensor import Tensor
from . import checks
from .optimizer import Optimizer, descend, scalar_state, scale, with_l2


class ASGD(Optimizer):
    """ASGD (Polyak & Juditsky 1992): SGD with a decaying step size, keeping a running average of the
    iterates ('ax') from step t0 on. The parameter itself follows SGD; `ax` is the averaged solution.

        g <- g + weight_decay * theta                     (if weight_decay != 0)
        theta <- theta * (1 - lambd * eta);  theta <- theta - eta * g     (eta starts at lr)
        ax <- ax + mu * (theta - ax)                      (ax <- theta while mu = 1; mu starts at 1)
        eta <- lr / (1 + lambd * lr * t) ** alpha
        mu <- 1 / max(1, t - t0)

    eta and mu are kept in the parameter's dtype, as PyTorch keeps them in the default dtype.
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      maximize=maximize))

    def _check_hyper(self, h: dict) -> None:
        """lr > 0; weight_decay >= 0 (PyTorch checks no other)."""
        checks.positive(self._owner, "lr", h["lr"])
        checks.non_negative(self._owner, "weight_decay", h["weight_decay"])

    def update(self, p: Tensor, grad: np.ndarray, group: dict) -> None:
        """One step of the rule above for one parameter."""
        state, lr, lambd = self.state[p], group["lr"], group["lambd"]
        if not state:
            state.update(step=0.0, eta=scalar_state(p, lr), mu=scalar_state(p, 1.0), ax=np.zeros_like(p._data))
        state["step"] += 1
        grad = with_l2(grad, p, group["weight_decay"])
        eta = float(state["eta"])
        scale(p, 1 - lambd * eta)
        descend(p, eta * grad)
        if state["mu"] != 1:
            state["ax"] += (p._data - state["ax"]) * state["mu"]
        else:
            state["ax"][...] = p._data
        state["eta"] = scalar_state(p, lr / ((1 + lambd * lr * state["step"]) ** group["alpha"]))
        state["mu"] = scalar_state(p, 1 / max(1, state["step"] - group["t0"]))
