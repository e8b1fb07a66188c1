"""ReduceLROnPlateau, as PyTorch's: divide the learning rate when a watched number stops improving."""
from __future__ import annotations

import math

from . import checks
from .optimizer import Optimizer
from .scheduler import LRScheduler


class ReduceLROnPlateau(LRScheduler):
    """Multiply every group's lr by `factor` when `metrics` (given to step()) has not improved for more
    than `patience` steps; then wait `cooldown` steps before counting again.

    In mode 'min' a value a improves on the best so far when a < best * (1 - threshold) (threshold_mode
    'rel') or a < best - threshold ('abs'); in mode 'max' when a > best * (1 + threshold) or
    a > best + threshold. A reduction sets lr = max(lr * factor, min_lr) (min_lr one number, or one per
    group), and is skipped when it would change the lr by eps or less. Unlike the other schedulers it
    sets no 'initial_lr' and takes no step when created.
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: float | list = 0, eps: float = 1e-8):
        owner = "ReduceLROnPlateau"
        checks.hyper(owner, "factor", factor, "in [0, 1)", lambda v: 0 <= v < 1)
        checks.scheduled(owner, optimizer, Optimizer)
        checks.choice(owner, "mode", mode, ("min", "max"))
        checks.choice(owner, "threshold_mode", threshold_mode, ("rel", "abs"))
        if isinstance(min_lr, (list, tuple)):
            checks.one_per_group(owner, "min_lrs", min_lr, optimizer.param_groups)
            self.default_min_lr, self.min_lrs = None, list(min_lr)
        else:
            self.default_min_lr, self.min_lrs = min_lr, [min_lr] * len(optimizer.param_groups)
        self.optimizer, self.factor, self.patience, self.cooldown, self.eps = optimizer, factor, patience, cooldown, eps
        self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.last_epoch = 0
        self._last_lr = self._lrs()
        self.best, self.cooldown_counter, self.num_bad_epochs = self.mode_worse, 0, 0

    @property
    def in_cooldown(self) -> bool:
        """Whether the last reduction's cooldown is still running."""
        return self.cooldown_counter > 0

    def _is_better(self, a: float, best: float) -> bool:
        """Whether a improves on best by more than the threshold (see the class docstring)."""
        if self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold) if self.mode == "min" else a > best * (self.threshold + 1.0)
        return a < best - self.threshold if self.mode == "min" else a > best + self.threshold

    def step(self, metrics) -> None:
        """Count one epoch whose watched value is `metrics` (a number, or a one-element Tensor or array)."""
        current = float(metrics.item() if hasattr(metrics, "item") else metrics)
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0                          # bad epochs in the cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = self._lrs()

    def _reduce_lr(self) -> None:
        """lr <- max(lr * factor, min_lr) in every group, unless that changes it by eps or less."""
        groups = self.optimizer.param_groups
        if self.default_min_lr is None:
            checks.same_groups("ReduceLROnPlateau", self.min_lrs, groups)
        else:
            self.min_lrs = [self.default_min_lr] * len(groups)     # follows groups added since
        for group, min_lr in zip(groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr
