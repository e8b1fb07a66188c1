"""torch.utils.data.dataloader: DataLoader and default_collate, where PyTorch's programs also import them from; the
code is in torch/utils/_dataloader.py and _collate.py."""
from .._collate import default_collate  # noqa: F401
from .._dataloader import DataLoader, get_worker_info  # noqa: F401
