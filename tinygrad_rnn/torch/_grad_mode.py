"""Grad mode as in PyTorch: no_grad, enable_grad, set_grad_enabled (a call or a with-block),
inference_mode and is_grad_enabled, all one per-thread switch of the engine."""
from ..modes import _local, switch


def _grad_switch(enabled: bool, func):
    """The engine's grad-mode switch; given a function (the decorator written without its parentheses,
    `@torch.no_grad`, which PyTorch accepts too), that function wrapped in it."""
    block = switch("grad_enabled", enabled)
    return block if func is None else block(func)


def no_grad(func=None) -> switch:
    """Record no graph inside this block (the engine's no_grad()); `@torch.no_grad` works bare too."""
    return _grad_switch(False, func)


def enable_grad(func=None) -> switch:
    """Record the graph inside this block, even within no_grad()."""
    return _grad_switch(True, func)


def inference_mode(mode: bool = True) -> switch:
    """no_grad() (the engine has no separate inference mode); inference_mode(False) records; a bare
    `@torch.inference_mode` decorates with mode=True."""
    return _grad_switch(False, mode) if callable(mode) else _grad_switch(not mode, None)


def is_grad_enabled() -> bool:
    """Whether ops record the graph in this thread."""
    return _local.mode.grad_enabled


class set_grad_enabled(switch):
    """Turn grad mode on or off now; used as a with-block, the old mode comes back at its end; used as a
    decorator, the mode is left as it was and set only while the function runs (as in PyTorch)."""

    def __init__(self, mode: bool):
        if not isinstance(mode, bool):
            raise TypeError("set_grad_enabled(): argument 'enabled' (position 1) must be bool, not "
                            f"{type(mode).__name__}")
        super().__init__("grad_enabled", mode)
        self._before = _local.mode.grad_enabled
        _local.mode.grad_enabled = mode

    def __enter__(self) -> None:        # the mode is already set; only the old one is to be kept
        _local.mode.restore.append(self._before)

    def __call__(self, func):
        _local.mode.grad_enabled = self._before
        return super().__call__(func)

    def _recreate_cm(self) -> switch:        # each call of a decorated function: a plain switch
        return switch("grad_enabled", self.value)
