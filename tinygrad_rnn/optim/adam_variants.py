"""Adam's variants NAdam, RAdam and Adamax, as PyTorch's torch.optim (the single-tensor, foreach=False code path).

They share Adam's running moments (`moments_`, as PyTorch rounds them), its weight decay (`decayed`:
L2, or decoupled with decoupled_weight_decay=True) and its checks; only the step differs.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from ..tensor import Tensor
from . import checks
from .adaptive import decayed, lerp_, moments_, pair
from .optimizer import Optimizer, descend, scalar_state, with_l2


class _AdamFamily(Optimizer):
    """The base of the variants: Adam's hyperparameters and checks, and its state ('step', m, v) started at 0."""

    def _check_hyper(self, h: dict) -> None:
        """lr > 0; betas a pair in [0, 1); eps, weight_decay >= 0."""
        checks.adam_like(self._owner, h)

    def _moments(self, p: Tensor, grad: np.ndarray, group: dict, **start) -> tuple:
        """Count the step, apply the weight decay and update m and v; returns (state, g after decay, t).
        A parameter's first step starts its state, with the extra entries `start`."""
        state = self.state[p]
        if not state:
            state.update(step=0.0, **start, exp_avg=np.zeros_like(p._data), exp_avg_sq=np.zeros_like(p._data))
        state["step"] += 1
        grad = decayed(p, grad, group)
        moments_(state, grad, *group["betas"])
        return state, grad, state["step"]


class NAdam(_AdamFamily):
    """NAdam (Dozat 2016): Adam with Nesterov momentum, whose coefficient mu_t warms up with momentum_decay.

        g <- g + weight_decay * theta                     (L2; with decoupled_weight_decay, AdamW's rule)
        mu_t <- beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        P <- P * mu_t                                     (P, 'mu_product', starts at 1)
        m <- lerp(m, g, 1 - beta1);  v <- beta2 * v + (1 - beta2) * g * g     (m, v start at 0)
        d <- sqrt(v / (1 - beta2^t)) + eps
        theta <- theta - lr * (1 - mu_t) / (1 - P) * g / d
        theta <- theta - lr * mu_{t+1} / (1 - P * mu_{t+1}) * m / d

    P is kept in the parameter's dtype, as PyTorch keeps it in the default dtype.
    """

    def __init__(self, params: Iterable, lr: float = 2e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3, decoupled_weight_decay: bool = False, *,
                 maximize: bool = False):
        super().__init__(params, dict(lr=lr, betas=pair(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize))

    def _check_hyper(self, h: dict) -> None:
        """Adam's checks, and momentum_decay >= 0."""
        super()._check_hyper(h)
        checks.non_negative(self._owner, "momentum_decay", h["momentum_decay"])

    def update(self, p: Tensor, grad: np.ndarray, group: dict) -> None:
        """One step of the rule above for one parameter."""
        state, grad, t = self._moments(p, grad, group, mu_product=scalar_state(p, 1.0))
        beta1, beta2, lr, decay = *group["betas"], group["lr"], group["momentum_decay"]
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * decay)))
        state["mu_product"] = product = state["mu_product"] * scalar_state(p, mu)
        denominator = np.sqrt(state["exp_avg_sq"] / (1 - beta2 ** t)) + group["eps"]
        descend(p, lr * (1.0 - mu) / (1.0 - float(product)) * grad / denominator)
        descend(p, lr * mu_next / (1.0 - float(product) * mu_next) * state["exp_avg"] / denominator)


class RAdam(_AdamFamily):
    """RAdam (Liu et al. 2019): Adam whose adaptive step is switched on, and rectified, once the variance of
    the second moment is tractable; before that, plain momentum SGD.

        g <- g + weight_decay * theta                     (L2; with decoupled_weight_decay, AdamW's rule)
        m <- lerp(m, g, 1 - beta1);  v <- beta2 * v + (1 - beta2) * g * g     (m, v start at 0)
        rho_inf <- 2 / (1 - beta2) - 1;  rho_t <- rho_inf - 2 t beta2^t / (1 - beta2^t)
        r <- sqrt((rho_t - 4) (rho_t - 2) rho_inf / ((rho_inf - 4) (rho_inf - 2) rho_t))
        theta <- theta - m / (1 - beta1^t) * lr * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r    (if rho_t > 5)
        theta <- theta - m / (1 - beta1^t) * lr                                            (otherwise)
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, betas=pair(betas), eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, decoupled_weight_decay=decoupled_weight_decay))

    def update(self, p: Tensor, grad: np.ndarray, group: dict) -> None:
        """One step of the rule above for one parameter."""
        state, grad, t = self._moments(p, grad, group)
        beta1, beta2, lr = *group["betas"], group["lr"]
        corrected = state["exp_avg"] / (1 - beta1 ** t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * (beta2 ** t) / (1 - beta2 ** t)
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = (1 - beta2 ** t) ** 0.5 / (np.sqrt(state["exp_avg_sq"]) + group["eps"])
            descend(p, corrected * lr * adaptive * rect)
        else:
            descend(p, corrected * lr)


class Adamax(_AdamFamily):
    """Adamax (Kingma & Ba 2015): Adam with the infinity norm in place of the RMS.

        g <- g + weight_decay * theta                     (if weight_decay != 0)
        m <- lerp(m, g, 1 - beta1)                        (m, and u, 'exp_inf', start at 0)
        u <- max(beta2 * u, |g| + eps)
        theta <- theta - lr / (1 - beta1^t) * m / u
    """

    def __init__(self, params: Iterable, lr: float = 2e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, betas=pair(betas), eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def update(self, p: Tensor, grad: np.ndarray, group: dict) -> None:
        """One step of the rule above for one parameter."""
        state, (beta1, beta2) = self.state[p], group["betas"]
        if not state:
            state.update(step=0.0, exp_avg=np.zeros_like(p._data), exp_inf=np.zeros_like(p._data))
        state["step"] += 1
        grad = with_l2(grad, p, group["weight_decay"])
        m, u = state["exp_avg"], state["exp_inf"]
        lerp_(m, grad, 1 - beta1)
        u *= beta2
        np.maximum(u, np.abs(grad) + group["eps"], out=u)
        descend(p, group["lr"] / (1 - beta1 ** state["step"]) * m / u)
