"""Optimizers: SGD (with momentum and Nesterov), Adagrad and Adam, following PyTorch's documented rules.

Each optimizer holds a list of parameters and, per parameter, a small state (momentum buffer, sum
of squared gradients, moment estimates). `step()` reads each parameter's `.grad` and changes `.data`
in place, keeping its dtype; parameters whose grad is None are skipped. A training step is
`opt.zero_grad(); loss.backward(); opt.step()`. In the formulas, g is the gradient, theta the
parameter, t the number of steps this parameter has taken (from 1).

A step never changes an array that a recorded graph still holds: the loss of this step usually keeps
its graph alive, and a second backward through it (or a truncated-BPTT window reaching back past the
update) must see the weights the forward pass used. So `descend` updates in place only when nothing
but the parameter holds its array, and otherwise gives the parameter a new array.
"""
from __future__ import annotations

import math
import sys
from numbers import Real
from typing import Iterable

import numpy as np

from .nn.module import Module
from .nn.utils import check_grads
from .tensor import Tensor


def _hyper(owner: str, arg: str, value, wanted: str, ok) -> float:
    """A finite real hyperparameter for which ok(value) holds, else a ValueError naming it."""
    if not isinstance(value, Real) or isinstance(value, bool) or not math.isfinite(value) or not ok(value):
        raise ValueError(f"{owner}: {arg} must be {wanted}, got {value!r}")
    return float(value)


def _positive(owner: str, arg: str, value) -> float:
    return _hyper(owner, arg, value, "a positive number", lambda v: v > 0)


def _non_negative(owner: str, arg: str, value) -> float:
    return _hyper(owner, arg, value, "a number >= 0", lambda v: v >= 0)


class Optimizer:
    """The parameters, the hyperparameters (`defaults`) and per-parameter `state`; subclasses define update().

    `params` is any iterable of leaf Tensors that require grad (e.g. `model.parameters()` or a
    generator); it is kept as a list. step() reads `self.defaults` every time, so assigning
    `opt.defaults["lr"] = 0.01` changes the learning rate from the next step on.
    """

    def __init__(self, params: Iterable[Tensor], defaults: dict):
        owner = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(f"{owner}: params must be an iterable of Tensors, got a single Tensor "
                            f"(wrap it in a list: [tensor])")
        if isinstance(params, Module):
            raise TypeError(f"{owner}: params must be an iterable of Tensors, got a Module "
                            f"(pass module.parameters())")
        try:
            self.params = list(params)
        except TypeError:
            raise TypeError(f"{owner}: params must be an iterable of Tensors, got {type(params).__name__}") from None
        if not self.params:
            raise ValueError(f"{owner}: got an empty parameter list; there is nothing to optimize")
        for i, p in enumerate(self.params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{owner}: params must be Tensors, got {type(p).__name__} at position {i}")
            if not p.requires_grad or p.parents:
                raise ValueError(f"{owner}: parameter {i} (shape {p.shape}) must be a leaf Tensor with "
                                 f"requires_grad=True, so that backward() fills its .grad")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError(f"{owner}: a parameter appears more than once in params; it would be updated twice")
        self.defaults = dict(defaults)
        self.state: dict = {}                                # parameter -> its buffers

    def zero_grad(self) -> None:
        """Set every parameter's gradient to None (the next backward() starts from nothing)."""
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """Update every parameter that has a gradient; the others are left alone. Every gradient is
        checked first, so a step that raises has changed nothing."""
        check_grads(self.params, f"{type(self).__name__}.step")
        for p in self.params:
            if p.grad is not None:
                self.update(p, p.grad, self.state.setdefault(p, {}))

    def update(self, p: Tensor, grad: np.ndarray, state: dict) -> None:
        """Change p.data (with `descend`) from its gradient and its own state dict; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define update()")

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.defaults.items())
        return f"{type(self).__name__}({len(self.params)} parameters, {args})"


def descend(p: Tensor, step: np.ndarray) -> None:
    """theta <- theta - step, keeping theta's dtype. In place when nothing else holds p's array (a
    reference count of 2: p itself and getrefcount's argument); otherwise a recorded graph (or a view
    of the array) still needs the old values, so p gets a new array and the graph keeps the old one."""
    if sys.getrefcount(p.data) <= 2:
        p.data -= step
    else:
        p.data = (p.data - step).astype(p.data.dtype, copy=False)


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum, dampening, Nesterov and weight decay.

        g <- g + weight_decay * theta                     (if weight_decay != 0)
        b <- g  at t = 1,  else  b <- momentum * b + (1 - dampening) * g     (if momentum != 0)
        g <- g + momentum * b  if nesterov,  else  g <- b                    (if momentum != 0)
        theta <- theta - lr * g

    As in PyTorch, the velocity b starts as the first gradient itself (no dampening on step 1), and
    lr multiplies b rather than being folded into it.
    """

    def __init__(self, params: Iterable[Tensor], lr: float, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False):
        momentum = _non_negative("SGD", "momentum", momentum)
        dampening = _hyper("SGD", "dampening", dampening, "a finite number", lambda v: True)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(f"SGD: nesterov=True requires momentum > 0 and dampening = 0, "
                             f"got momentum={momentum}, dampening={dampening}")
        super().__init__(params, dict(lr=_positive("SGD", "lr", lr), momentum=momentum, dampening=dampening,
                                      weight_decay=_non_negative("SGD", "weight_decay", weight_decay),
                                      nesterov=bool(nesterov)))

    def update(self, p: Tensor, grad: np.ndarray, state: dict) -> None:
        h = self.defaults
        g = grad + h["weight_decay"] * p.data if h["weight_decay"] else grad
        if h["momentum"]:
            b = state.get("momentum_buffer")
            b = g.copy() if b is None else h["momentum"] * b + (1 - h["dampening"]) * g
            state["momentum_buffer"] = b
            g = g + h["momentum"] * b if h["nesterov"] else b
        descend(p, h["lr"] * g)


class Adagrad(Optimizer):
    """Adagrad: each entry's step is divided by the root of the sum of its squared gradients.

        lr_t <- lr / (1 + (t - 1) * lr_decay)
        g <- g + weight_decay * theta                     (if weight_decay != 0)
        s <- s + g * g                                    (s starts at initial_accumulator_value)
        theta <- theta - lr_t * g / (sqrt(s) + eps)
    """

    def __init__(self, params: Iterable[Tensor], lr: float = 0.01, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, eps: float = 1e-10, initial_accumulator_value: float = 0.0):
        super().__init__(params, dict(
            lr=_positive("Adagrad", "lr", lr), lr_decay=_non_negative("Adagrad", "lr_decay", lr_decay),
            weight_decay=_non_negative("Adagrad", "weight_decay", weight_decay),
            eps=_non_negative("Adagrad", "eps", eps),
            initial_accumulator_value=_non_negative("Adagrad", "initial_accumulator_value",
                                                    initial_accumulator_value)))

    def update(self, p: Tensor, grad: np.ndarray, state: dict) -> None:
        h = self.defaults
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(p.data, h["initial_accumulator_value"])
        state["step"] += 1
        lr_t = h["lr"] / (1 + (state["step"] - 1) * h["lr_decay"])
        g = grad + h["weight_decay"] * p.data if h["weight_decay"] else grad
        state["sum"] += g * g
        descend(p, lr_t * (g / (np.sqrt(state["sum"]) + h["eps"])))


class Adam(Optimizer):
    """Adam: a step along the bias-corrected mean gradient, scaled by its bias-corrected RMS.

        g <- g + weight_decay * theta                     (if weight_decay != 0; L2, not AdamW)
        m <- beta1 * m + (1 - beta1) * g                  (m, v start at 0)
        v <- beta2 * v + (1 - beta2) * g * g
        m_hat <- m / (1 - beta1^t),   v_hat <- v / (1 - beta2^t)
        theta <- theta - lr * m_hat / (sqrt(v_hat) + eps)

    The corrections undo the pull towards 0 of averages that start at 0; eps is added after the sqrt.
    """

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3, betas: tuple = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0):
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}")
        betas = tuple(_hyper("Adam", f"betas[{i}]", b, "in [0, 1)", lambda v: 0 <= v < 1)
                      for i, b in enumerate(betas))
        super().__init__(params, dict(lr=_positive("Adam", "lr", lr), betas=betas,
                                      eps=_non_negative("Adam", "eps", eps),
                                      weight_decay=_non_negative("Adam", "weight_decay", weight_decay)))

    def update(self, p: Tensor, grad: np.ndarray, state: dict) -> None:
        h = self.defaults
        beta1, beta2 = h["betas"]
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p.data), exp_avg_sq=np.zeros_like(p.data))
        state["step"] += 1
        t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
        g = grad + h["weight_decay"] * p.data if h["weight_decay"] else grad
        m *= beta1
        m += (1 - beta1) * g                                 # first moment, in place
        v *= beta2
        v += (1 - beta2) * g * g                             # second moment, in place
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        descend(p, h["lr"] * m_hat / (np.sqrt(v_hat) + h["eps"]))
