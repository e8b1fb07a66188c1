"""Argument checks of the cyclic and chained learning-rate schedulers (cyclic.py, chained.py), kept out of
their rules. The messages carry PyTorch's words after the scheduler's name (or are PyTorch's words, when
those start with it).
"""
from __future__ import annotations

from ..checks import is_int

def counted(owner: str, value, wording: str) -> None:
    """An integer >= 1 (a number of epochs or steps, a period or its growth factor)."""
    if not is_int(value) or value < 1:
        raise ValueError(f"{owner}: Expected {wording}, but got {value}")


def total_steps(owner: str, total, epochs, steps_per_epoch) -> int:
    """OneCycleLR's length: total_steps if given, else epochs * steps_per_epoch (each a positive integer)."""
    if total is not None:
        counted(owner, total, "positive integer total_steps")
        return total
    if epochs is None or steps_per_epoch is None:
        raise ValueError(f"{owner}: You must define either total_steps OR (epochs AND steps_per_epoch)")
    counted(owner, epochs, "positive integer epochs")
    counted(owner, steps_per_epoch, "positive integer steps_per_epoch")
    return epochs * steps_per_epoch


def pct_start(owner: str, value) -> None:
    """OneCycleLR's rising fraction: a float in [0, 1]."""
    if not isinstance(value, float) or not 0 <= value <= 1:
        raise ValueError(f"{owner}: Expected float between 0 and 1 pct_start, but got {value}")


def anneal_strategy(owner: str, value) -> None:
    """'cos' or 'linear'."""
    if value not in ("cos", "linear"):
        raise ValueError(f"{owner}: anneal_strategy must be one of 'cos' or 'linear', instead got {value}")


def within_total_steps(owner: str, step: int, total: int) -> None:
    """OneCycleLR's schedule ends after total_steps steps."""
    if step > total:
        raise ValueError(f"{owner}: Tried to step {step} times. The specified number of total steps is {total}")


def has_momentum(owner: str, defaults: dict) -> None:
    """cycle_momentum needs an optimizer with a 'momentum' or 'betas' hyperparameter."""
    if "momentum" not in defaults and "betas" not in defaults:
        raise ValueError(f"{owner}: optimizer must support momentum or beta1 with `cycle_momentum` option enabled")


def cyclic_mode(owner: str, mode, scale_fn) -> None:
    """CyclicLR's mode is a built-in one, unless a scale_fn replaces it."""
    if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
        raise ValueError(f"{owner}: mode is invalid and scale_fn is None")


def eta_min(owner: str, value) -> None:
    """A float or an int."""
    if not isinstance(value, (float, int)):
        raise ValueError(f"{owner}: Expected float or int eta_min, but got {value} of type {type(value)}")


def non_negative_epoch(owner: str, epoch) -> None:
    """step(epoch) jumps to an epoch >= 0."""
    if epoch < 0:
        raise ValueError(f"{owner}: Expected non-negative epoch, but got {epoch}")


def sub_schedulers(owner: str, schedulers, optimizer, plateau: type) -> None:
    """At least one scheduler, each with an `optimizer`, none a ReduceLROnPlateau (`plateau`), all of `optimizer`."""
    if len(schedulers) < 1:
        raise ValueError(f"{owner} expects at least one scheduler, but got no scheduler.")
    for i, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(f"{owner} at index {i} should have `optimizer` as its attribute.")
        if isinstance(scheduler, plateau):
            raise ValueError(f"{owner} does not support `ReduceLROnPlateau` scheduler as it requires "
                             "additional kwargs to be specified when calling `step`, but got one at index "
                             f"{i} in the given schedulers sequence.")
        if scheduler.optimizer is not optimizer:
            raise ValueError(f"{owner} expects all schedulers to belong to the same optimizer, but got "
                             f"scheduler {type(scheduler).__name__} at index {i} has {scheduler.optimizer}, "
                             f"which is different from {type(optimizer).__name__}.")


def milestones(owner: str, milestones, schedulers) -> None:
    """SequentialLR switches scheduler at each milestone: one milestone fewer than schedulers."""
    if len(milestones) != len(schedulers) - 1:
        raise ValueError(f"{owner}: Sequential Schedulers expects number of schedulers provided to be one more than "
                         f"the number of milestone points, but got number of schedulers {len(schedulers)} and the "
                         f"number of milestones to be equal to {len(milestones)}")
