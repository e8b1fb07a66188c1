"""torch.utils: `data` (Dataset, DataLoader, samplers, random_split), as in PyTorch."""
from . import data

__all__ = ["data"]
