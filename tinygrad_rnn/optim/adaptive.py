"""Adaptive optimizers: Adagrad, RMSprop, Adam, AdamW and Adadelta, each entry's step scaled by its own gradient
history, following PyTorch's documented algorithms (the single-tensor, foreach=False code path).

The running averages are written as PyTorch rounds them: `lerp_` for the first moments, and
`(value * a) / b` for its addcdiv, so the results agree with PyTorch to the last bits or so.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from ..tensor import Tensor
from . import checks
from .optimizer import Optimizer, descend, scale, with_l2


def lerp_(avg: np.ndarray, target: np.ndarray, weight: float) -> None:
    """avg <- avg + weight * (target - avg), in place: an exponential moving average, as torch.lerp_ rounds it."""
    if abs(weight) < 0.5:
        avg += weight * (target - avg)
    else:
        avg[...] = target - (target - avg) * (1 - weight)


def pair(betas):
    """betas as the group keeps them: a list becomes a tuple (so schedulers can replace beta1 in it)."""
    return tuple(betas) if isinstance(betas, list) else betas


def moments_(state: dict, grad: np.ndarray, beta1: float, beta2: float) -> np.ndarray:
    """Adam's running moments, in place: m <- lerp(m, g, 1 - beta1), v <- beta2 * v + (1 - beta2) * g * g
    (state's 'exp_avg' and 'exp_avg_sq'); returns m."""
    m, v = state["exp_avg"], state["exp_avg_sq"]
    lerp_(m, grad, 1 - beta1)
    v *= beta2
    v += (1 - beta2) * grad * grad
    return m


def decayed(p: Tensor, grad: np.ndarray, group: dict) -> np.ndarray:
    """Weight decay as Adam's family applies it: with decoupled_weight_decay, theta <- theta * (1 - lr *
    weight_decay) and g unchanged; otherwise g + weight_decay * theta (L2). Returns g."""
    weight_decay = group["weight_decay"]
    if weight_decay and group["decoupled_weight_decay"]:
        scale(p, 1 - group["lr"] * weight_decay)
        return grad
    return with_l2(grad, p, weight_decay)


class Adagrad(Optimizer):
    """Adagrad: each entry's step is divided by the root of the sum of its squared gradients.

        lr_t <- lr / (1 + (t - 1) * lr_decay)
        g <- g + weight_decay * theta                     (if weight_decay != 0)
        s <- s + g * g                                    (s starts at initial_accumulator_value)
        theta <- theta - lr_t * g / (sqrt(s) + eps)

    As in PyTorch, the parameters given to the constructor get their state ('step', 'sum') at once; those
    of a group added later get it at their first step.
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, maximize=maximize))
        for group in self.param_groups:
            for p in group["params"]:
                self._start(p, group)

    def _check_hyper(self, h: dict) -> None:
        """lr > 0; lr_decay, weight_decay, eps, initial_accumulator_value >= 0."""
        checks.positive(self._owner, "lr", h["lr"])
        for arg in ("lr_decay", "weight_decay", "eps", "initial_accumulator_value"):
            checks.non_negative(self._owner, arg, h[arg])

    def _start(self, p: Tensor, group: dict) -> None:
        """Step 0 and s = initial_accumulator_value (in p's dtype)."""
        self.state[p].update(step=0.0, sum=np.full_like(p._data, group["initial_accumulator_value"]))

    def update(self, p: Tensor, grad: np.ndarray, group: dict) -> None:
        """One step of the rule above for one parameter."""
        state = self.state[p]
        if not state:                                        # a group added later
            self._start(p, group)
        state["step"] += 1
        grad = with_l2(grad, p, group["weight_decay"])
        lr_t = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        descend(p, lr_t * grad / (np.sqrt(state["sum"]) + group["eps"]))


class RMSprop(Optimizer):
    """RMSprop: a step divided by the root of a running mean of squared gradients.

        g <- g + weight_decay * theta                     (if weight_decay != 0)
        v <- alpha * v + (1 - alpha) * g * g              (v, 'square_avg', starts at 0)
        a <- sqrt(v) + eps,  or if centered:  m <- lerp(m, g, 1 - alpha);  a <- sqrt(v - m * m) + eps
        b <- momentum * b + g / a;  theta <- theta - lr * b     (if momentum > 0; b starts at 0)
        theta <- theta - lr * g / a                                (otherwise)
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, maximize=maximize))

    def _check_hyper(self, h: dict) -> None:
        """lr > 0; alpha in [0, 1]; eps, weight_decay, momentum >= 0."""
        checks.positive(self._owner, "lr", h["lr"])
        checks.hyper(self._owner, "alpha", h["alpha"], "in [0, 1]", lambda v: 0 <= v <= 1)
        for arg in ("eps", "weight_decay", "momentum"):
            checks.non_negative(self._owner, arg, h[arg])

    def update(self, p: Tensor, grad: np.ndarray, group: dict) -> None:
        """One step of the rule above for one parameter."""
        state, alpha, momentum = self.state[p], group["alpha"], group["momentum"]
        if not state:
            state.update(step=0.0, square_avg=np.zeros_like(p._data))
            if momentum > 0:
                state["momentum_buffer"] = np.zeros_like(p._data)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p._data)
        state["step"] += 1
        grad = with_l2(grad, p, group["weight_decay"])
        v = state["square_avg"]
        v *= alpha
        v += (1 - alpha) * grad * grad
        if group["centered"]:
            m = state["grad_avg"]
            lerp_(m, grad, 1 - alpha)
            a = np.sqrt(v - m * m)
        else:
            a = np.sqrt(v)
        a += group["eps"]
        if momentum > 0:
            b = state["momentum_buffer"]
            b *= momentum
            b += grad / a
            descend(p, group["lr"] * b)
        else:
            descend(p, group["lr"] * grad / a)


class Adam(Optimizer):
    """Adam: a step along the bias-corrected mean gradient, scaled by its bias-corrected RMS.

        g <- g + weight_decay * theta                     (L2; with decoupled_weight_decay, AdamW's rule)
        m <- lerp(m, g, 1 - beta1)   = beta1 * m + (1 - beta1) * g        (m, v start at 0)
        v <- beta2 * v + (1 - beta2) * g * g
        v_max <- max(v_max, v), used in place of v        (if amsgrad)
        theta <- theta - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    The corrections undo the pull towards 0 of averages that start at 0; eps is added after the sqrt.
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False):
        super().__init__(params, dict(lr=lr, betas=pair(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _check_hyper(self, h: dict) -> None:
        """lr > 0; betas a pair in [0, 1); eps, weight_decay >= 0."""
        checks.adam_like(self._owner, h)

    def update(self, p: Tensor, grad: np.ndarray, group: dict) -> None:
        """One step of the rule above for one parameter."""
        state, (beta1, beta2), lr = self.state[p], group["betas"], group["lr"]
        if not state:
            state.update(step=0.0, exp_avg=np.zeros_like(p._data), exp_avg_sq=np.zeros_like(p._data))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p._data)
        state["step"] += 1
        grad = decayed(p, grad, group)
        m, v, t = moments_(state, grad, beta1, beta2), state["exp_avg_sq"], state["step"]
        if group["amsgrad"]:
            v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        denominator = np.sqrt(v) / (1 - beta2 ** t) ** 0.5 + group["eps"]
        descend(p, lr / (1 - beta1 ** t) * m / denominator)


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's default weight_decay=1e-2.

        theta <- theta * (1 - lr * weight_decay)          (first, on the parameter, not the gradient)
        then Adam's step with weight_decay = 0
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)


class Adadelta(Optimizer):
    """Adadelta (Zeiler 2012): a step whose size is the ratio of two running RMS, of past steps and of gradients.

        g <- g + weight_decay * theta                     (if weight_decay != 0)
        v <- rho * v + (1 - rho) * g * g                  (v, 'square_avg', and u, 'acc_delta', start at 0)
        delta <- sqrt(u + eps) / sqrt(v + eps) * g
        u <- rho * u + (1 - rho) * delta * delta
        theta <- theta - lr * delta
    """

    def __init__(self, params: Iterable, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize))

    def _check_hyper(self, h: dict) -> None:
        """lr > 0; rho in [0, 1]; eps, weight_decay >= 0."""
        checks.positive(self._owner, "lr", h["lr"])
        checks.hyper(self._owner, "rho", h["rho"], "in [0, 1]", lambda v: 0 <= v <= 1)
        checks.non_negative(self._owner, "eps", h["eps"])
        checks.non_negative(self._owner, "weight_decay", h["weight_decay"])

    def update(self, p: Tensor, grad: np.ndarray, group: dict) -> None:
        """One step of the rule above for one parameter."""
        state, rho, eps = self.state[p], group["rho"], group["eps"]
        if not state:
            state.update(step=0.0, square_avg=np.zeros_like(p._data), acc_delta=np.zeros_like(p._data))
        state["step"] += 1
        grad = with_l2(grad, p, group["weight_decay"])
        v, u = state["square_avg"], state["acc_delta"]
        v *= rho
        v += (1 - rho) * grad * grad
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * grad
        u *= rho
        u += (1 - rho) * delta * delta
        descend(p, group["lr"] * delta)
