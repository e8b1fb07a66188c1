"""torch.utils.hooks: the handle that `register_hook` returns (the core's own class)."""
from ...hooks import RemovableHandle

__all__ = ["RemovableHandle"]
