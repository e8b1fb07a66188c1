"""torch.amp.GradScaler: loss scaling for mixed precision, with PyTorch's update rule and states.

scale(loss) multiplies by the scale S (a float32 number, 2**16 at first); step(optimizer) first unscales the
gradients (multiplies them by 1/S in float32) and skips optimizer.step() if any is inf or nan; update() then
multiplies S by backoff_factor after a skipped step, or by growth_factor after growth_interval steps in a row
without one (unless that overflows float32), in float64 rounded to float32, as ATen's _amp_update_scale_ does.
Every op here computes in full precision, so scaling changes no gradient beyond round-off, and the inf/nan check
still guards the step. As in PyTorch without a GPU, GradScaler('cuda') (the default device) warns and is
disabled: scale() returns the loss unchanged and step() just calls optimizer.step().
"""
import warnings
from collections import abc

import numpy as np

from .. import _dtype
from .._factories import tensor
from .._tensor import Tensor

READY, UNSCALED, STEPPED = "ready", "unscaled", "stepped"
_NO_SCALE = "This may indicate your script did not use scaler.scale(loss or outputs) earlier in the iteration."


class GradScaler:
    """Scales losses up and gradients back down, skipping steps whose gradients overflowed."""

    def __init__(self, device: str = "cuda", init_scale: float = 2.0 ** 16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000, enabled: bool = True):
        self._device, self._enabled = device, enabled
        if device == "cuda" and enabled:
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                          stacklevel=2)
            self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
            self._init_scale, self._scale = init_scale, None           # _scale: np.float32 after the first scale()
            self._growth_factor, self._backoff_factor = growth_factor, backoff_factor
            self._growth_interval, self._init_growth_tracker, self._growth_tracker = growth_interval, 0, None
            self._per_optimizer_states = {}                    # id(optimizer) -> {"stage": ..., "found_inf": bool}

    def scale(self, outputs):
        """outputs (a tensor, or nested lists and tuples of them) times the scale."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, Tensor):
            if self._scale is None:
                self._scale, self._growth_tracker = np.float32(self._init_scale), self._init_growth_tracker
            return outputs * tensor(self._scale, dtype=_dtype.float32)
        if isinstance(outputs, abc.Iterable):
            scaled = map(self.scale, outputs)
            return type(outputs)(scaled) if isinstance(outputs, (list, tuple)) else scaled
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def _checked_scale(self, funcname: str) -> np.float32:
        if self._scale is None:
            raise AssertionError(f"Attempted {funcname} but _scale is None.  " + _NO_SCALE)
        return self._scale

    def _state(self, optimizer) -> dict:
        return self._per_optimizer_states.setdefault(id(optimizer), {"stage": READY, "found_inf": None})

    def unscale_(self, optimizer) -> None:
        """Divide the optimizer's gradients by the scale, in place, and note whether any is inf or nan."""
        if not self._enabled:
            return
        inv_scale = np.float32(1.0 / np.float64(self._checked_scale("unscale_")))
        state = self._state(optimizer)
        if state["stage"] == UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        if state["stage"] == STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        grads = [p.grad.numpy() for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
        if any(g.dtype == _dtype.float16.dtype for g in grads):
            raise ValueError("Attempting to unscale FP16 gradients.")
        state["found_inf"] = not all(np.isfinite(g).all() for g in grads) if grads else None   # None: no check
        for g in grads:
            g *= inv_scale                                     # the arrays the .grad tensors hold, in place
        state["stage"] = UNSCALED

    def step(self, optimizer, *args, **kwargs):
        """unscale_(optimizer) unless done already, then optimizer.step(*args, **kwargs) unless a gradient is inf
        or nan; returns what optimizer.step returned (None when skipped)."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._checked_scale("step")
        state = self._state(optimizer)
        if state["stage"] == STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] == READY:
            self.unscale_(optimizer)
        if state["found_inf"] is None:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        result = None if state["found_inf"] else optimizer.step(*args, **kwargs)
        state["stage"] = STEPPED
        return result

    def update(self, new_scale=None) -> None:
        """Back off after a skipped step, grow after growth_interval clean steps in a row; or set new_scale."""
        if not self._enabled:
            return
        scale = self._checked_scale("update")
        if new_scale is not None:
            self._scale = np.float32(_new_scale_value(new_scale))
        else:
            found = [s["found_inf"] for s in self._per_optimizer_states.values() if s["found_inf"] is not None]
            if not found:
                raise AssertionError("No inf checks were recorded prior to update.")
            if any(found):
                self._scale, self._growth_tracker = np.float32(np.float64(scale) * self._backoff_factor), 0
            elif self._growth_tracker + 1 == self._growth_interval:
                with np.errstate(over="ignore"):
                    grown = np.float32(np.float64(scale) * self._growth_factor)
                self._scale, self._growth_tracker = (grown if np.isfinite(grown) else scale), 0
            else:
                self._growth_tracker += 1
        self._per_optimizer_states = {}

    def get_scale(self) -> float:
        """The current scale (init_scale before the first scale(); 1.0 when disabled)."""
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else float(self._scale)

    def is_enabled(self) -> bool:
        """Whether scaling is on."""
        return self._enabled

    def get_growth_factor(self) -> float:
        """The factor the scale grows by."""
        return self._growth_factor

    def get_backoff_factor(self) -> float:
        """The factor the scale shrinks by after an overflow."""
        return self._backoff_factor

    def get_growth_interval(self) -> int:
        """How many clean steps in a row make the scale grow."""
        return self._growth_interval

    def state_dict(self) -> dict:
        """scale, growth_factor, backoff_factor, growth_interval and _growth_tracker ({} when disabled)."""
        if not self._enabled:
            return {}
        tracker = self._init_growth_tracker if self._growth_tracker is None else self._growth_tracker
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor, "growth_interval": self._growth_interval,
                "_growth_tracker": tracker}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore a state_dict() (nothing happens when disabled)."""
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved from a disabled "
                               "instance of GradScaler.")
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale = np.float32(state_dict["scale"])
        self._growth_factor, self._backoff_factor = state_dict["growth_factor"], state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._growth_tracker is not None:
            self._growth_tracker = state_dict["_growth_tracker"]


def _new_scale_value(new_scale) -> float:
    """update(new_scale)'s value: a float, or a one-element tensor that requires no grad."""
    if isinstance(new_scale, float):
        return new_scale
    if not isinstance(new_scale, Tensor) or new_scale.numel() != 1 or new_scale.requires_grad:
        raise AssertionError("new_scale should be a float or a 1-element torch.cuda.FloatTensor or "
                             "torch.FloatTensor with requires_grad=False.")
    return new_scale.item()
