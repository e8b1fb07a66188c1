"""torch.amp: autocast regions (full precision here) and GradScaler (PyTorch's loss scaling, exactly)."""
from .autocast_mode import autocast, is_autocast_available
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast", "is_autocast_available"]
