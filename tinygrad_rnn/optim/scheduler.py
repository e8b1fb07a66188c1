"""The learning-rate scheduler base, as PyTorch's torch.optim.lr_scheduler.LRScheduler.

A scheduler rewrites group["lr"] of its optimizer's parameter groups once per `step()`; the optimizer
reads it at its next step. The loop is PyTorch's:

    for epoch in range(n):
        train(...)                  # opt.zero_grad(); loss.backward(); opt.step() per batch
        scheduler.step()

Creating a scheduler records each group's starting lr as group["initial_lr"] (the `base_lrs`) and
takes step 0 at once, so `last_epoch` counts the steps taken. Most schedulers are chainable, as in
PyTorch: each step multiplies the current lr, so another change to it (by hand, or by a second
scheduler) carries on.
"""
from __future__ import annotations

from . import checks
from .optimizer import Optimizer


class LRScheduler:
    """The base: `step()` sets every group's lr to get_lr(); `last_epoch` counts steps (-1 = a fresh start).

    With last_epoch >= 0 (resuming), every group must already hold 'initial_lr'.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        checks.scheduled(type(self).__name__, optimizer, Optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            checks.resumable(type(self).__name__, optimizer.param_groups)
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True                              # step 0: chainable rules keep the lr
        self.step()
        self._is_initial = False

    def _lrs(self) -> list:
        """The groups' current learning rates."""
        return [group["lr"] for group in self.optimizer.param_groups]

    def get_lr(self) -> list:
        """The learning rates for step `last_epoch`, one per group; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define get_lr()")

    def step(self) -> None:
        """Advance one epoch (call it after the optimizer's step) and write the new lr into every group."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = self._lrs()

    def get_last_lr(self) -> list:
        """The learning rates the last step() set, one per parameter group."""
        return self._last_lr

    def state_dict(self) -> dict:
        """Every attribute but the optimizer (PyTorch's format)."""
        return {key: value for key, value in vars(self).items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict) -> None:
        """Take back the attributes of state_dict() (load the optimizer's own state_dict separately)."""
        vars(self).update(state_dict)
