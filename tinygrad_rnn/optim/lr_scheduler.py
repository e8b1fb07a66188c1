"""Learning-rate schedulers, as PyTorch's torch.optim.lr_scheduler: StepLR, MultiStepLR, ExponentialLR,
LambdaLR, CosineAnnealingLR, LinearLR, ConstantLR, PolynomialLR (here), ReduceLROnPlateau (plateau.py),
CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts (cyclic.py), SequentialLR and ChainedScheduler
(chained.py), over the LRScheduler base (scheduler.py). Each gives the same learning rates as PyTorch,
step by step: the chainable ones in PyTorch's chainable (recursive) form, which multiplies the current
lr rather than recomputing it from the start, so the values agree to the last bit. Those that PyTorch
gives a closed form (`_get_closed_form_lr`, used by the deprecated step(epoch) and by SequentialLR at a
milestone) have the same one.

In the formulas, e is `last_epoch` (the number of scheduler steps taken), lr_0 the group's 'initial_lr'.
"""
from __future__ import annotations

import bisect
import math
from collections import Counter
from typing import Callable, Iterable

from . import checks
from .optimizer import Optimizer
from .chained import ChainedScheduler, SequentialLR
from .cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from .plateau import ReduceLROnPlateau
from .scheduler import LRScheduler, restore_function, saved_function

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "LambdaLR", "CosineAnnealingLR", "LinearLR",
           "ConstantLR", "PolynomialLR", "ReduceLROnPlateau", "CyclicLR", "OneCycleLR", "CosineAnnealingWarmRestarts",
           "SequentialLR", "ChainedScheduler"]


class StepLR(LRScheduler):
    """Multiply the lr by gamma every step_size epochs: lr = lr_0 * gamma ** (e // step_size)."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        checks.positive("StepLR", "step_size", step_size)          # a float too, as PyTorch's tutorials pass 1.0
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        """Chainable: the current lr, times gamma when e is a positive multiple of step_size."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list:
        """lr_0 * gamma ** (e // step_size)."""
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the lr by gamma at each milestone epoch: lr = lr_0 * gamma ** (milestones passed, counted
    with repetition, so a milestone listed twice multiplies by gamma twice)."""

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1, last_epoch: int = -1):
        self.milestones, self.gamma = Counter(milestones), gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        """Chainable: the current lr, times gamma ** (times e is listed) at a milestone."""
        if self.last_epoch not in self.milestones:
            return self._lrs()
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list:
        """lr_0 * gamma ** (milestones <= e, counted with repetition)."""
        passed = bisect.bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base_lr * self.gamma ** passed for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the lr by gamma every epoch: lr = lr_0 * gamma ** e."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        """Chainable: the current lr times gamma (kept as it is at step 0)."""
        if self._is_initial:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list:
        """lr_0 * gamma ** e."""
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class LambdaLR(LRScheduler):
    """lr = lr_0 * lr_lambda(e): one function for every group, or a list with one per group."""

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable | list, last_epoch: int = -1):
        checks.scheduled("LambdaLR", optimizer, Optimizer)
        if isinstance(lr_lambda, (list, tuple)):
            checks.one_per_group("LambdaLR", "lr_lambdas", lr_lambda, optimizer.param_groups)
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        checks.functions("LambdaLR", self.lr_lambdas)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        """Not chainable: lr_0 * lr_lambda(e) for each group."""
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict:
        """As LRScheduler's, but a plain function is saved as None (PyTorch's rule: only a callable
        object's attributes are saved, as a dict)."""
        state = {key: value for key, value in super().state_dict().items() if key != "lr_lambdas"}
        state["lr_lambdas"] = [saved_function(fn) for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        """As LRScheduler's; a callable object's saved attributes go back into it, functions stay as they are."""
        state = dict(state_dict)
        for fn, saved in zip(self.lr_lambdas, state.pop("lr_lambdas")):
            restore_function(fn, saved)
        super().load_state_dict(state)


class CosineAnnealingLR(LRScheduler):
    """Anneal the lr from lr_0 to eta_min along half a cosine over T_max epochs (then back up, periodically):

        lr_e = eta_min + (lr_0 - eta_min) * (1 + cos(pi * e / T_max)) / 2

    computed as PyTorch does, recursively from the current lr (so it is chainable):

        lr_e = eta_min + (lr_{e-1} - eta_min) * (1 + cos(pi * e / T_max)) / (1 + cos(pi * (e - 1) / T_max)),

    except where that quotient is 0 / 0 (e - 1 - T_max a multiple of 2 T_max, the bottom of the cosine):
    there lr_e = lr_{e-1} + (lr_0 - eta_min) * (1 - cos(pi / T_max)) / 2.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1):
        checks.positive_int("CosineAnnealingLR", "T_max", T_max)
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        """The recursive form above (the lr is kept as it is at step 0)."""
        e, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._lrs()
        if (e - 1 - T) % (2 * T) == 0:
            return [lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T)) / 2
                    for lr, base_lr in zip(self._lrs(), self.base_lrs)]
        return [(1 + math.cos(math.pi * e / T)) / (1 + math.cos(math.pi * (e - 1) / T)) * (lr - eta_min) + eta_min
                for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list:
        """The closed form of the class docstring."""
        return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base_lr in self.base_lrs]


class ConstantLR(LRScheduler):
    """Multiply the lr by factor until epoch total_iters, then restore it: lr = lr_0 * factor for e < total_iters,
    lr_0 after (chainable: times factor at e = 0, divided by factor at e = total_iters)."""

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1):
        checks.factor("ConstantLR", factor, "Constant multiplicative factor expected to be between 0 and 1.")
        self.factor, self.total_iters = factor, total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        """Chainable, as above."""
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._lrs()]
        if self.last_epoch != self.total_iters:
            return self._lrs()
        return [lr * (1.0 / self.factor) for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list:
        """lr_0 * factor before total_iters, lr_0 from then on."""
        return [base_lr * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
                for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the lr by a factor going linearly from start_factor (at e = 0) to end_factor (at e = total_iters):

        lr_e = lr_0 * (start_factor + (end_factor - start_factor) * min(e, total_iters) / total_iters)

    computed as PyTorch does, recursively (chainable): lr_e = lr_{e-1} * (1 + (end_factor - start_factor) /
    (total_iters * start_factor + (e - 1) * (end_factor - start_factor))) for 0 < e <= total_iters.
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1):
        checks.factor("LinearLR", start_factor, "Starting multiplicative factor expected to be greater than 0 "
                      "and less or equal to 1.", low_open=True)
        checks.factor("LinearLR", end_factor, "Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        """The recursive form above (kept as it is at step 0 when resuming, and after total_iters)."""
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in self._lrs()]
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._lrs()
        change = self.end_factor - self.start_factor
        return [lr * (1.0 + change / (self.total_iters * self.start_factor + (self.last_epoch - 1) * change))
                for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list:
        """The closed form above."""
        return [base_lr * (self.start_factor + (self.end_factor - self.start_factor)
                           * min(self.total_iters, self.last_epoch) / self.total_iters)
                for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the lr to 0 at epoch total_iters along a polynomial: lr_e = lr_0 * (1 - min(e, total_iters) /
    total_iters) ** power, computed recursively (chainable): lr_e = lr_{e-1} * ((1 - e / total_iters) /
    (1 - (e - 1) / total_iters)) ** power."""

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1):
        self.total_iters, self.power = total_iters, power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        """The recursive form above (kept as it is at step 0 and after total_iters)."""
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._lrs()
        decay = ((1.0 - self.last_epoch / self.total_iters) / (1.0 - (self.last_epoch - 1) / self.total_iters)) \
            ** self.power
        return [lr * decay for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list:
        """The closed form above."""
        return [base_lr * (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
                for base_lr in self.base_lrs]
