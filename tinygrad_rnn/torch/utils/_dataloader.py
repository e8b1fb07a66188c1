"""torch.utils.data.DataLoader: batches from a dataset, with PyTorch's arguments, checks and order.

Loading always happens in the main process. num_workers > 0 is accepted and gives the batches PyTorch's
workers give, in the same order: worker_init_fn(worker_id) runs once per worker with get_worker_info()
describing that worker, batch k is fetched "by" worker k % num_workers, and an IterableDataset is iterated
once per worker (each worker a copy of it, interleaved batch by batch, exactly as PyTorch returns them: so
without sharding by get_worker_info() every sample comes num_workers times, as in PyTorch). Worker processes
are not started, so random draws inside a dataset come from the main process's generators, and timeout,
prefetch_factor, multiprocessing_context and in_order change nothing. pin_memory is a no-op on the CPU (with
PyTorch's warning).
"""
import copy
import itertools
import math
import pickle
import warnings
from typing import Generic, TypeVar

from ._collate import default_collate, default_convert
from ._datasets import IterableDataset
from ._samplers import BatchSampler, RandomSampler, Sampler, SequentialSampler, random_seed

T_co = TypeVar("T_co", covariant=True)
_worker_info = [None]
_END = object()                  # what a worker's fetch gives once its IterableDataset is exhausted


class WorkerInfo:
    """What get_worker_info() returns while a worker loads: id, num_workers, seed and dataset (its copy)."""

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)

    def __repr__(self) -> str:
        return f"WorkerInfo({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"


def get_worker_info():
    """The WorkerInfo of the worker loading now (inside a dataset or worker_init_fn), else None."""
    return _worker_info[0]


class _InfiniteConstantSampler(Sampler):
    """The sampler of an IterableDataset: None, forever (the dataset decides what comes next)."""

    def __iter__(self):
        while True:
            yield None


class DataLoader(Generic[T_co]):
    """Iterate over a dataset in batches: `for inputs, targets in DataLoader(dataset, batch_size=32,
    shuffle=True):`. See the module docstring for num_workers."""

    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers: int = 0,
                 collate_fn=None, pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *, prefetch_factor=None,
                 persistent_workers: bool = False, pin_memory_device: str = "", in_order: bool = True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                             "to enable multiprocessing, otherwise set prefetch_factor to None.")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if multiprocessing_context is not None and num_workers == 0:
            raise ValueError("multiprocessing_context can only be used with multi-process loading (num_workers > 0), "
                             f"but got num_workers={num_workers}")
        self.dataset, self.num_workers, self.pin_memory, self.pin_memory_device = \
            dataset, num_workers, pin_memory, pin_memory_device
        self.prefetch_factor = 2 if num_workers > 0 and prefetch_factor is None else prefetch_factor
        self.timeout, self.worker_init_fn, self.multiprocessing_context = \
            timeout, worker_init_fn, multiprocessing_context
        self.in_order, self.generator, self.persistent_workers = in_order, generator, persistent_workers
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            for name, value in (("shuffle", shuffle), ("sampler", sampler), ("batch_sampler", batch_sampler)):
                if value not in (None, False) if name == "shuffle" else value is not None:
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, "
                                     f"but got {name}={value}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None:
            sampler = _InfiniteConstantSampler() if self._iterable else \
                RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size, self.drop_last, self.sampler, self.batch_sampler = \
            batch_size, drop_last, sampler, batch_sampler
        self.collate_fn = collate_fn or (default_collate if batch_sampler is not None else default_convert)
        self._IterableDataset_len_called, self._workers = None, None
        self.__initialized = True

    def __setattr__(self, attr, value) -> None:
        if self.__initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                                           "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, value)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        return (_MultiProcessingDataLoaderIter if self.num_workers else _SingleProcessDataLoaderIter)(self)

    def __len__(self) -> int:
        """The number of batches (for an IterableDataset, len(dataset) / batch_size, as PyTorch estimates it)."""
        if not self._iterable:
            return len(self._index_sampler)
        length = self._IterableDataset_len_called = len(self.dataset)
        if self.batch_size is not None:
            length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
        return length


class _Fetcher:
    """One worker's way to turn an index (or a list of them) into a collated batch (_END when its stream ends)."""

    def __init__(self, loader, dataset):
        self.loader, self.dataset, self.ended = loader, dataset, False
        self.stream = iter(dataset) if loader._iterable else None

    def fetch(self, index):
        loader = self.loader
        if self.stream is None:
            if not loader._auto_collation:
                data = self.dataset[index]
            elif callable(getattr(self.dataset, "__getitems__", None)):
                data = self.dataset.__getitems__(index)
            else:
                data = [self.dataset[i] for i in index]
        elif not loader._auto_collation:
            data = next(self.stream, _END)
            if data is _END:
                return _END
        else:
            data = []
            for _ in range(len(index) if not self.ended else 0):
                try:
                    data.append(next(self.stream))
                except StopIteration:
                    self.ended = True
                    break
            if not data or (loader.drop_last and len(data) < len(index)):
                return _END
        return loader.collate_fn(data)


def _copy(dataset):
    """A worker's copy of an IterableDataset (the dataset itself when it cannot be copied)."""
    try:
        return copy.deepcopy(dataset)
    except (TypeError, AttributeError, copy.Error, pickle.PicklingError):
        return dataset


class _BaseDataLoaderIter:
    """One epoch over a DataLoader (what iter(loader) returns, as one of the two classes below)."""

    def __init__(self, loader):
        if loader.num_workers == 0 and loader.timeout != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        if loader.pin_memory:
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                          "memory won't be used.", stacklevel=3)
        self._loader, self._len_called = loader, loader._IterableDataset_len_called
        self._sampler_iter = iter(loader._index_sampler)
        self._base_seed = random_seed(loader.generator)
        self._num_yielded = 0
        workers = loader._workers if loader.persistent_workers else None
        if loader.num_workers and workers is None:
            workers = [WorkerInfo(id=w, num_workers=loader.num_workers, seed=self._base_seed + w,
                                  dataset=_copy(loader.dataset) if loader._iterable else loader.dataset)
                       for w in range(loader.num_workers)]
            for info in workers:
                self._as_worker(info, loader.worker_init_fn or (lambda worker_id: None), info.id)
            if loader.persistent_workers:
                loader._workers = workers
        self._workers = workers or [None]
        self._fetchers = [_Fetcher(loader, info.dataset if info else loader.dataset) for info in self._workers]
        self._batches = self._generate()

    @staticmethod
    def _as_worker(info, fn, *args):
        previous, _worker_info[0] = _worker_info[0], info
        try:
            return fn(*args)
        finally:
            _worker_info[0] = previous

    def __iter__(self):
        return self

    def __len__(self) -> int:
        return len(self._loader._index_sampler)

    def __next__(self):
        return next(self._batches)

    def _generate(self):
        """The batches: worker w = 0, 1, ... in turn, skipping the workers whose stream has ended."""
        active, loader = [True] * len(self._workers), self._loader
        for w in itertools.cycle(range(len(self._workers))):
            if not any(active):
                return
            if not active[w]:
                continue
            index = next(self._sampler_iter, _END)
            if index is _END:
                return
            data = self._as_worker(self._workers[w], self._fetchers[w].fetch, index)
            if data is _END:
                active[w] = False
                continue
            self._num_yielded += 1
            if loader._iterable and self._len_called is not None and self._num_yielded > self._len_called:
                warnings.warn(f"Length of IterableDataset {loader.dataset} was reported to be {self._len_called}"
                              f"(when accessing len(dataloader)), but {self._num_yielded} samples have been fetched. ",
                              stacklevel=3)
            yield data


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    """iter(loader) with num_workers=0, under PyTorch's class name (which its error messages show)."""


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """iter(loader) with num_workers > 0 (loading in this process too; see the module docstring)."""
