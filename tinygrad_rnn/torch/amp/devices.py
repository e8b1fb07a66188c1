"""torch.cpu, and the deprecated per-device spellings torch.cpu.amp and torch.cuda.amp of torch.amp's autocast and
GradScaler (each warns as PyTorch does, then makes torch.amp's object for its device)."""
import warnings

from .._device import cuda
from .autocast_mode import autocast
from .grad_scaler import GradScaler


class _DeviceAmp:
    """torch.<device>.amp: autocast(...) and GradScaler(...) with the device filled in."""

    def __init__(self, device: str):
        self._device = device

    def _deprecated(self, name: str) -> None:
        warnings.warn(f"`torch.{self._device}.amp.{name}(args...)` is deprecated. Please use "
                      f"`torch.amp.{name}('{self._device}', args...)` instead.", FutureWarning, stacklevel=3)

    def autocast(self, enabled: bool = True, dtype=None, cache_enabled: bool = True) -> autocast:
        """torch.amp.autocast(device, ...) (dtype None: the device's default)."""
        self._deprecated("autocast")
        return autocast(self._device, dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)

    def GradScaler(self, init_scale: float = 2.0 ** 16, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                   growth_interval: int = 2000, enabled: bool = True) -> GradScaler:
        """torch.amp.GradScaler(device, ...)."""
        self._deprecated("GradScaler")
        return GradScaler(self._device, init_scale, growth_factor, backoff_factor, growth_interval, enabled)


class _Cpu:
    """torch.cpu: the one device there is."""

    amp = _DeviceAmp("cpu")

    def is_available(self) -> bool:
        """Always True."""
        return True

    def device_count(self) -> int:
        """Always 1."""
        return 1


cpu = _Cpu()
cuda.amp = _DeviceAmp("cuda")        # torch.cuda is _device's stand-in for a GPU that is never available
