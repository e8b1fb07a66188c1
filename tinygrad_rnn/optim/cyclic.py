"""The cyclic learning-rate schedulers of PyTorch's torch.optim.lr_scheduler: CyclicLR, OneCycleLR (both
stepped once per batch, and able to cycle the momentum, or Adam's beta1, against the lr) and
CosineAnnealingWarmRestarts (SGDR). None is chainable: each computes the lr from its own numbers.
"""
from __future__ import annotations

import math
from typing import Callable

from . import checks, scheduler_checks
from .optimizer import Optimizer
from .scheduler import LRScheduler, per_group, restore_function, saved_function


def set_momentum(group: dict, momentum: float, use_beta1: bool) -> None:
    """Write the cycled momentum into a group: as beta1 of 'betas' (Adam's family), else as 'momentum'."""
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


def start_momenta(owner: str, optimizer: Optimizer, base_momentum, max_momentum, last_epoch: int) -> tuple:
    """Check that the optimizer has a momentum (or betas) to cycle; on a fresh start (last_epoch -1) set every
    group's to max_momentum and record 'max_momentum' and 'base_momentum' in it.
    Returns (use_beta1, base_momentums, max_momentums), one per group."""
    scheduler_checks.has_momentum(owner, optimizer.defaults)
    use_beta1 = "betas" in optimizer.defaults
    base_momentums = per_group(owner, "base_momentum", optimizer, base_momentum)
    max_momentums = per_group(owner, "max_momentum", optimizer, max_momentum)
    if last_epoch == -1:
        for top, bottom, group in zip(max_momentums, base_momentums, optimizer.param_groups):
            set_momentum(group, top, use_beta1)
            group["max_momentum"], group["base_momentum"] = top, bottom
    return use_beta1, base_momentums, max_momentums


class CyclicLR(LRScheduler):
    """Cycle the lr between base_lr and max_lr (Smith 2017), once per batch: up over step_size_up steps,
    down over step_size_down (default: the same), the height scaled by scale_fn.

        cycle = floor(1 + e / (up + down));  x = 1 + e / (up + down) - cycle
        s = x / r  if x <= r,  else (x - 1) / (r - 1)       (r = up / (up + down); s rises 0 -> 1 -> 0)
        lr = base_lr + (max_lr - base_lr) * s * scale_fn(cycle, or e when scale_mode is 'iterations')
        momentum = max_momentum - (max_momentum - base_momentum) * s * scale_fn(...)   (if cycle_momentum)

    mode 'triangular': scale_fn = 1; 'triangular2': 1 / 2 ** (cycle - 1); 'exp_range': gamma ** e.
    Creating it sets every group's lr to base_lr (and momentum to max_momentum).
    """

    def __init__(self, optimizer: Optimizer, base_lr: float | list, max_lr: float | list, step_size_up: int = 2000,
                 step_size_down: int | None = None, mode: str = "triangular", gamma: float = 1.0,
                 scale_fn: Callable | None = None, scale_mode: str = "cycle", cycle_momentum: bool = True,
                 base_momentum: float | list = 0.8, max_momentum: float | list = 0.9, last_epoch: int = -1):
        owner = "CyclicLR"
        checks.scheduled(owner, optimizer, Optimizer)
        self.optimizer = optimizer
        base_lrs = per_group(owner, "base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = per_group(owner, "max_lr", optimizer, max_lr)
        step_size_up = float(step_size_up)
        step_size_down = float(step_size_down) if step_size_down is not None else step_size_up
        self.total_size = step_size_up + step_size_down
        self.step_ratio = step_size_up / self.total_size
        scheduler_checks.cyclic_mode(owner, mode, scale_fn)
        self.mode, self.gamma, self._scale_fn_custom, self.scale_mode = mode, gamma, scale_fn, scale_mode
        self._init_scale_fn()
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1, self.base_momentums, self.max_momentums = start_momenta(
                owner, optimizer, base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _init_scale_fn(self) -> None:
        """The built-in modes fix scale_mode: 'cycle' for the triangular ones, 'iterations' for exp_range."""
        if self._scale_fn_custom is None:
            self.scale_mode = "iterations" if self.mode == "exp_range" else "cycle"

    def scale_fn(self, x: float) -> float:
        """The height's scale at cycle (or iteration) x: the user's scale_fn, or the mode's."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self) -> list:
        """The rule above at e = last_epoch (it also writes the cycled momentum into the groups)."""
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        scale_factor = x / self.step_ratio if x <= self.step_ratio else (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base_lr + (max_lr - base_lr) * scale_factor * scale
               for base_lr, max_lr in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, bottom, top in zip(self.optimizer.param_groups, self.base_momentums, self.max_momentums):
                set_momentum(group, top - (top - bottom) * scale_factor * scale, self.use_beta1)
        return lrs

    def state_dict(self) -> dict:
        """As LRScheduler's, with a user's scale_fn saved as PyTorch saves it (None for a plain function)."""
        state = super().state_dict()
        state["_scale_fn_custom"] = saved_function(self._scale_fn_custom)
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        """As LRScheduler's; a callable scale_fn object gets its saved attributes back."""
        state = dict(state_dict)
        saved = state.pop("_scale_fn_custom")
        super().load_state_dict(state)
        restore_function(self._scale_fn_custom, saved)
        self._init_scale_fn()


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin 2018), stepped once per batch over total_steps (or epochs *
    steps_per_epoch) steps: the lr rises from max_lr / div_factor to max_lr over the first pct_start of the
    steps, then falls to max_lr / div_factor / final_div_factor; the momentum moves the other way, between
    max_momentum and base_momentum. With three_phase, it falls back to the start first (symmetrically), and
    only then to the minimum. Each phase anneals from its start s to its end z:

        'cos':     lr = z + (s - z) / 2 * (cos(pi * pct) + 1)         (pct: the fraction of the phase done)
        'linear':  lr = (z - s) * pct + s

    Stepping more than total_steps times raises, as PyTorch does.
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | list, total_steps: int | None = None,
                 epochs: int | None = None, steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True, base_momentum: float | list = 0.85,
                 max_momentum: float | list = 0.95, div_factor: float = 25.0, final_div_factor: float = 1e4,
                 three_phase: bool = False, last_epoch: int = -1):
        owner = "OneCycleLR"
        checks.scheduled(owner, optimizer, Optimizer)
        self.optimizer = optimizer
        self.total_steps = scheduler_checks.total_steps(owner, total_steps, epochs, steps_per_epoch)
        up, end = float(pct_start * self.total_steps) - 1, self.total_steps - 1
        phases = [(up, "initial_lr", "max_lr", "max_momentum", "base_momentum")]
        if three_phase:
            phases += [(float(2 * pct_start * self.total_steps) - 2, "max_lr", "initial_lr", "base_momentum",
                        "max_momentum"), (end, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        else:
            phases += [(end, "max_lr", "min_lr", "base_momentum", "max_momentum")]
        keys = ("end_step", "start_lr", "end_lr", "start_momentum", "end_momentum")
        self._schedule_phases = [dict(zip(keys, phase)) for phase in phases]
        scheduler_checks.pct_start(owner, pct_start)
        scheduler_checks.anneal_strategy(owner, anneal_strategy)
        self._anneal_func_type = anneal_strategy
        max_lrs = per_group(owner, "max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for top, group in zip(max_lrs, optimizer.param_groups):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = start_momenta(owner, optimizer, base_momentum, max_momentum, last_epoch)[0]
        super().__init__(optimizer, last_epoch)

    def _anneal_func(self, start: float, end: float, pct: float) -> float:
        """From start (pct 0) to end (pct 1), along half a cosine or a line."""
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list:
        """Each group's lr in the phase that step last_epoch falls in (it also writes the momentum)."""
        step_num = self.last_epoch
        scheduler_checks.within_total_steps(type(self).__name__, step_num, self.total_steps)
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, phase in enumerate(self._schedule_phases):
                if step_num <= phase["end_step"] or i == len(self._schedule_phases) - 1:
                    pct = (step_num - start_step) / (phase["end_step"] - start_step)
                    lrs.append(self._anneal_func(group[phase["start_lr"]], group[phase["end_lr"]], pct))
                    if self.cycle_momentum:
                        momentum = self._anneal_func(group[phase["start_momentum"]], group[phase["end_momentum"]], pct)
                        set_momentum(group, momentum, self.use_beta1)
                    break
                start_step = phase["end_step"]
        return lrs


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR (Loshchilov & Hutter 2017): cosine annealing from lr_0 to eta_min over T_i epochs, then a restart
    at lr_0, with T_0 epochs in the first run and T_i = T_0 * T_mult ** i in the i-th:

        lr = eta_min + (lr_0 - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2

    T_cur counts the epochs since the last restart. step() adds one; step(epoch) jumps to `epoch`, which
    may be fractional (step(epoch + i / iters) once per batch), and sets last_epoch = floor(epoch).
    """

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0, last_epoch: int = -1):
        owner = "CosineAnnealingWarmRestarts"
        scheduler_checks.counted(owner, T_0, "positive integer T_0")
        scheduler_checks.counted(owner, T_mult, "integer T_mult >= 1")
        scheduler_checks.eta_min(owner, eta_min)
        self.T_0, self.T_i, self.T_mult, self.eta_min, self.T_cur = T_0, T_0, T_mult, eta_min, last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list:
        """The rule above at T_cur, T_i."""
        return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base_lr in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """One more epoch (restarting when T_cur reaches T_i), or jump to `epoch` (>= 0, maybe fractional)."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur, self.T_i = self.T_cur % self.T_i, self.T_i * self.T_mult
        else:
            scheduler_checks.non_negative_epoch(type(self).__name__, epoch)
            if epoch < self.T_0:
                self.T_i, self.T_cur = self.T_0, epoch
            elif self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            else:
                n = int(math.log((epoch / self.T_0 * (self.T_mult - 1) + 1), self.T_mult))
                self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
                self.T_i = self.T_0 * self.T_mult ** n
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = self._lrs()
