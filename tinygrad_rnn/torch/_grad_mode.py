"""Grad mode as in PyTorch: no_grad, enable_grad, set_grad_enabled (a call or a with-block),
inference_mode and is_grad_enabled, all one per-thread switch of the engine."""
from ..autograd import _local, no_grad, switch  # noqa: F401 (no_grad is the engine's, re-exported as torch.no_grad)


def enable_grad() -> switch:
    """Record the graph inside this block, even within no_grad()."""
    return switch("grad_enabled", True)


def inference_mode(mode: bool = True) -> switch:
    """no_grad() (the engine has no separate inference mode); inference_mode(False) records."""
    return switch("grad_enabled", not mode)


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
