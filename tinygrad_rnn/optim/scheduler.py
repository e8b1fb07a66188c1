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

import types
import warnings

from . import checks
from .optimizer import Optimizer

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being "
    "deprecated where possible. Please use `scheduler.step()` to step the "
    "scheduler. During the deprecation, if epoch is different from None, the "
    "closed form is used instead of the new chainable form, where available. "
    "Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose."
)


def saved_function(fn):
    """How a scheduler's state_dict keeps a user's function (PyTorch's rule): None for a plain function (or
    none), a dict of its attributes for a callable object."""
    return None if fn is None or isinstance(fn, types.FunctionType) else dict(vars(fn))


def restore_function(fn, saved) -> None:
    """Put the attributes saved_function() kept back into the callable object `fn` (nothing for None)."""
    if saved is not None:
        vars(fn).update(saved)


def per_group(owner: str, name: str, optimizer: Optimizer, value) -> list:
    """A hyperparameter given once or one per parameter group (a list or tuple), as a list with one per group."""
    if isinstance(value, (list, tuple)):
        checks.same_length(owner, name, value, optimizer.param_groups)
        return list(value)
    return [value] * len(optimizer.param_groups)


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
        self._initial_step()

    def _initial_step(self) -> None:
        """Step 0 (taken when the scheduler is made): chainable rules keep the lr as it is."""
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def _lrs(self) -> list:
        """The groups' current learning rates."""
        return [group["lr"] for group in self.optimizer.param_groups]

    def get_lr(self) -> list:
        """The learning rates for step `last_epoch`, one per group; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define get_lr()")

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (call it after the optimizer's step) and write the new lr into every group.

        step(epoch), deprecated in PyTorch (it warns), jumps to that epoch and uses the closed form
        (`_get_closed_form_lr`) where the scheduler has one."""
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        """Set last_epoch (one more, or `epoch`) and every group's lr to the schedule's value there."""
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            values = self._get_closed_form_lr() if hasattr(self, "_get_closed_form_lr") else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
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
