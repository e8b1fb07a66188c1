"""torch.utils.data: datasets, samplers, DataLoader and collation with PyTorch's names, arguments and
semantics (the code is in ../_datasets.py, _samplers.py, _collate.py and _dataloader.py; the submodules
dataset, dataloader and sampler hold the same names, where programs also import them from).

    from tinygrad_rnn.torch.utils.data import DataLoader, TensorDataset, random_split
    train, test = random_split(dataset, [0.8, 0.2], generator=torch.Generator().manual_seed(0))
    for inputs, targets in DataLoader(train, batch_size=32, shuffle=True):
        ...

Random orders are drawn with numpy: a seed gives the same order on every run here, not PyTorch's order.
DataLoader loads in the main process, also with num_workers > 0 (same batches, same order as PyTorch).
"""
from .._collate import collate, default_collate, default_collate_fn_map, default_convert
from .._dataloader import DataLoader, WorkerInfo, get_worker_info
from .._datasets import (ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset,
                        random_split)
from .._samplers import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                        WeightedRandomSampler)
from . import dataloader, dataset, sampler  # noqa: E402,F401  (torch.utils.data.dataset, ...: the same names)

__all__ = ["BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset",
           "RandomSampler", "Sampler", "SequentialSampler", "Subset", "SubsetRandomSampler", "TensorDataset",
           "WeightedRandomSampler", "WorkerInfo", "collate", "default_collate", "default_collate_fn_map",
           "default_convert", "get_worker_info", "random_split"]
