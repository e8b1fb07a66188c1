"""Schedulers made of schedulers, as PyTorch's: SequentialLR (one after another, switching at milestones) and
ChainedScheduler (all of them at every step, their chainable changes multiplying)."""
from __future__ import annotations

import bisect
from typing import Sequence

from . import scheduler_checks
from .optimizer import Optimizer
from .plateau import ReduceLROnPlateau
from .scheduler import LRScheduler


class _Composite(LRScheduler):
    """What both share: the list of schedulers, and a state_dict that holds each one's."""

    def state_dict(self) -> dict:
        """Every attribute but the optimizer, with '_schedulers' as the list of their state dicts."""
        state = {key: value for key, value in vars(self).items() if key not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        """Take back the attributes, and load each scheduler's own state dict into it."""
        state = dict(state_dict)
        saved = state.pop("_schedulers")
        vars(self).update(state)
        for scheduler, entry in zip(self._schedulers, saved):
            scheduler.load_state_dict(entry)


class SequentialLR(_Composite):
    """Run schedulers[0] until milestones[0], then schedulers[1] (from its own epoch 0, its closed form) until
    milestones[1], and so on. Creating it resets every group's lr to 'initial_lr' and undoes the first step
    the given schedulers took when they were made."""

    def __init__(self, optimizer: Optimizer, schedulers: list, milestones: list, last_epoch: int = -1):
        scheduler_checks.sub_schedulers("SequentialLR", schedulers, optimizer, ReduceLROnPlateau)
        scheduler_checks.milestones("SequentialLR", milestones, schedulers)
        self._schedulers, self._milestones = schedulers, milestones
        self.last_epoch, self.optimizer = last_epoch + 1, optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self.recursive_undo()
        first = self._schedulers[bisect.bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def recursive_undo(self, sched=None) -> None:
        """Take one off the last_epoch of every scheduler inside (those of nested composites included)."""
        scheds = self if sched is None else sched
        if hasattr(scheds, "_schedulers"):
            for s in scheds._schedulers:
                self.recursive_undo(s)
        elif hasattr(scheds, "last_epoch"):
            scheds.last_epoch -= 1

    def step(self) -> None:
        """One step of the scheduler whose stretch this epoch is in (restarted at epoch 0 at its milestone)."""
        self.last_epoch += 1
        idx = bisect.bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_Composite):
    """Step every scheduler in turn at each step(): their chainable changes to the lr compose (e.g. a warm-up
    times an exponential decay)."""

    def __init__(self, schedulers: Sequence, optimizer: Optimizer | None = None):
        optimizer = optimizer or (schedulers[0].optimizer if len(schedulers) else None)
        scheduler_checks.sub_schedulers("ChainedScheduler", schedulers, optimizer, ReduceLROnPlateau)
        self._schedulers, self.optimizer = schedulers, optimizer
        self._last_lr = self._lrs()

    def step(self) -> None:
        """step() every scheduler, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = self._lrs()
