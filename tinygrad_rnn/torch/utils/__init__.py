"""torch.utils: `data` (Dataset, DataLoader, samplers, random_split) and `hooks` (RemovableHandle), as in
PyTorch."""
from . import data, hooks

__all__ = ["data", "hooks"]
