"""torch.utils.data.dataset: the dataset classes and random_split, where PyTorch's programs also import them from
(`from torch.utils.data.dataset import random_split`); the code is in torch/utils/_datasets.py."""
from .._datasets import (ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset,  # noqa: F401
                         random_split)
