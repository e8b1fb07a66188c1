"""torch.utils.data of the dialect, with PyTorch's results written out (checked against PyTorch 2.x):
datasets, random_split's sizes, default_collate, samplers, and DataLoader's batches, lengths, shuffling
with a seeded generator and its num_workers emulation."""
import collections
import math
import warnings

import numpy as np
import pytest

import tinygrad_rnn.torch as torch
from tinygrad_rnn.torch.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset,
                                           IterableDataset, RandomSampler, SequentialSampler, Subset,
                                           SubsetRandomSampler, TensorDataset, WeightedRandomSampler, default_collate,
                                           default_convert, get_worker_info, random_split)

Point = collections.namedtuple("Point", "x y")


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        return i * i

    def __len__(self):
        return self.n


class Span(IterableDataset):
    """range(start, end) as a stream (PyTorch's docs example)."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        return iter(range(self.start, self.end))

    def __len__(self):
        return self.end - self.start


def shard(worker_id):
    """PyTorch's worker_init_fn example: each worker keeps its own part of the range."""
    info = get_worker_info()
    dataset = info.dataset
    per_worker = int(math.ceil((dataset.end - dataset.start) / float(info.num_workers)))
    dataset.start = dataset.start + worker_id * per_worker
    dataset.end = min(dataset.start + per_worker, dataset.end)


def values(batches):
    return [b.tolist() if hasattr(b, "tolist") else b for b in batches]


# ---------------------------------------------------------------- datasets
def test_datasets_index_concatenate_and_subset():
    squares = Squares(4)
    assert [squares[i] for i in range(4)] == [0, 1, 4, 9]
    both = squares + Squares(2)
    assert isinstance(both, ConcatDataset) and len(both) == 6 and both.cumulative_sizes == [4, 6]
    assert [both[i] for i in range(6)] == [0, 1, 4, 9, 0, 1] and both[-3] == 9
    sub = Subset(squares, [3, 1])
    assert len(sub) == 2 and sub[0] == 9 and sub.__getitems__([1, 0]) == [1, 9]
    chained = Span(0, 2) + Span(5, 7)
    assert isinstance(chained, ChainDataset) and list(chained) == [0, 1, 5, 6] and len(chained) == 4
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement __getitem__."):
        Dataset()[0]
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        both[-7]
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        ConcatDataset([Span(0, 1)])


def test_tensor_dataset_gives_rows_of_each_tensor():
    data = TensorDataset(torch.arange(6).reshape(3, 2), torch.tensor([0.5, 1.5, 2.5]))
    x, y = data[1]
    assert len(data) == 3 and x.tolist() == [2, 3] and y.item() == 1.5
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(torch.zeros(3), torch.zeros(4))


@pytest.mark.parametrize("n, lengths, sizes", [      # PyTorch's sizes: floor, then the rest round-robin
    (10, [0.85, 0.15], [9, 1]), (30, [0.3, 0.3, 0.4], [9, 9, 12]), (7, [0.5, 0.5], [4, 3]),
    (11, [0.2] * 5, [3, 2, 2, 2, 2]), (10, [3, 7], [3, 7])])
def test_random_split_sizes_are_pytorchs_and_the_parts_are_a_permutation(n, lengths, sizes):
    parts = random_split(range(n), lengths, generator=torch.Generator().manual_seed(42))
    assert [len(p) for p in parts] == sizes
    assert sorted(x for p in parts for x in p) == list(range(n))
    again = random_split(range(n), lengths, generator=torch.Generator().manual_seed(42))
    assert [list(p) for p in parts] == [list(p) for p in again]


def test_random_split_uses_the_default_generator_and_checks_its_lengths():
    torch.manual_seed(3)
    first = [list(p) for p in random_split(range(8), [4, 4])]
    torch.manual_seed(3)
    assert [list(p) for p in random_split(range(8), [4, 4])] == first
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input dataset!"):
        random_split(range(8), [4, 5])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(range(8), [1.5, -0.5])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        assert [len(p) for p in random_split(range(1), [0.6, 0.4])] == [1, 0]


# ---------------------------------------------------------------- collation
def test_default_collate_of_tensor_int_str_tuples():
    batch = default_collate([(torch.tensor([1.0, 2.0]), 3, "a"), (torch.tensor([4.0, 5.0]), 6, "b")])
    assert isinstance(batch, list) and len(batch) == 3
    assert batch[0].tolist() == [[1.0, 2.0], [4.0, 5.0]] and batch[0].dtype == torch.float32
    assert batch[1].tolist() == [3, 6] and batch[1].dtype == torch.int64
    assert batch[2] == ("a", "b")


def test_default_collate_of_numbers_arrays_mappings_and_namedtuples():
    assert default_collate([1.5, 2]).dtype == torch.float64 and default_collate([1.5, 2]).tolist() == [1.5, 2.0]
    assert default_collate([True, False]).dtype == torch.bool
    assert [t.tolist() for t in default_collate([[1, 2], [3, 4]])] == [[1, 3], [2, 4]]
    assert default_collate([np.array([1, 2]), np.array([3, 4])]).tolist() == [[1, 2], [3, 4]]
    for scalar, dtype in ((np.float64, torch.float64), (np.int32, torch.int32), (np.float32, torch.float32)):
        assert default_collate([scalar(1), scalar(2)]).dtype == dtype
    assert default_collate([np.array(1.5), np.array(2.5)]).dtype == torch.float64
    collated = default_collate([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}])
    assert collated["a"].tolist() == [1, 2] and collated["b"] == ["x", "y"]
    point = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert type(point) is Point and point.x.tolist() == [1, 3] and point.y.dtype == torch.float64
    assert default_collate([b"x", b"y"]) == [b"x", b"y"]
    mixed = default_collate([[1, "a"], [2, "b"]])
    assert mixed[0].tolist() == [1, 2] and mixed[1] == ("a", "b")
    assert values(default_convert((np.array([1, 2]), 3, "a", [np.float32(1)]))) == [[1, 2], 3, "a", [1.0]]


@pytest.mark.parametrize("batch, error, message", [
    ([torch.zeros(2), torch.zeros(3)], RuntimeError,
     "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1"),
    ([[1, 2], [3]], RuntimeError, "each element in list of batch should be of equal size"),
    ([object()], TypeError, "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                            "found <class 'object'>"),
    ([np.array(["a"])], TypeError, "found <U1")])
def test_default_collate_errors_are_pytorchs(batch, error, message):
    with pytest.raises(error) as info:
        default_collate(batch)
    assert message in str(info.value)


# ---------------------------------------------------------------- samplers
def test_samplers():
    assert list(SequentialSampler(range(3))) == [0, 1, 2]
    assert list(BatchSampler(SequentialSampler(range(10)), 3, False)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert list(BatchSampler(SequentialSampler(range(10)), 3, True)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert len(BatchSampler(range(10), 3, False)) == 4 and len(BatchSampler(range(10), 3, True)) == 3
    order = list(RandomSampler(range(6), generator=torch.Generator().manual_seed(0)))
    assert sorted(order) == list(range(6))
    assert order == list(RandomSampler(range(6), generator=torch.Generator().manual_seed(0)))
    drawn = list(RandomSampler(range(5), replacement=True, num_samples=40, generator=torch.Generator().manual_seed(1)))
    assert len(drawn) == 40 and set(drawn) <= set(range(5))
    longer = list(RandomSampler(range(4), num_samples=10, generator=torch.Generator().manual_seed(1)))
    assert len(longer) == 10 and sorted(longer[:4]) == sorted(longer[4:8]) == [0, 1, 2, 3]
    assert sorted(SubsetRandomSampler([10, 20, 30], generator=torch.Generator().manual_seed(1))) == [10, 20, 30]
    picks = list(WeightedRandomSampler([0.0, 1.0, 0.0, 2.0], 50, generator=torch.Generator().manual_seed(1)))
    assert len(picks) == 50 and set(picks) == {1, 3}
    with pytest.raises(ValueError, match="batch_size should be a positive integer value, but got batch_size=0"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but got num_samples=0"):
        RandomSampler([])
    with pytest.raises(TypeError, match="replacement should be a boolean value, but got replacement=1"):
        RandomSampler(range(3), replacement=1)


# ---------------------------------------------------------------- DataLoader
def test_dataloader_batches_and_lengths():
    data = TensorDataset(torch.arange(10), torch.arange(10) * 2.0)
    batches = list(DataLoader(data, batch_size=4))
    assert [values(b) for b in batches] == [[[0, 1, 2, 3], [0.0, 2.0, 4.0, 6.0]],
                                            [[4, 5, 6, 7], [8.0, 10.0, 12.0, 14.0]], [[8, 9], [16.0, 18.0]]]
    assert len(DataLoader(data, batch_size=4)) == 3 and len(DataLoader(data, batch_size=4, drop_last=True)) == 2
    assert [values(b) for b in DataLoader(data, batch_size=4, drop_last=True)][-1] == [[4, 5, 6, 7],
                                                                                         [8.0, 10.0, 12.0, 14.0]]
    assert values(DataLoader(range(5), batch_size=None)) == [0, 1, 2, 3, 4]
    assert values(DataLoader(Squares(3))) == [[0], [1], [4]]
    assert list(DataLoader(Squares(5), batch_size=2, collate_fn=sum)) == [1, 13, 16]
    assert values(DataLoader(Squares(5), batch_sampler=[[4, 0], [2]])) == [[16, 0], [4]]
    assert values(DataLoader(Squares(5), sampler=[3, 1], batch_size=2)) == [[9, 1]]


def test_the_iterator_has_pytorchs_class_names_which_its_errors_show():
    """Udacity's sentiment notebook calls `iter(train_loader).next()`, which PyTorch 2.x refuses by that name."""
    data = TensorDataset(torch.arange(4))
    assert type(iter(DataLoader(data, batch_size=2))).__name__ == "_SingleProcessDataLoaderIter"
    assert type(iter(DataLoader(data, batch_size=2, num_workers=1))).__name__ == "_MultiProcessingDataLoaderIter"
    with pytest.raises(AttributeError, match="^'_SingleProcessDataLoaderIter' object has no attribute 'next'$"):
        iter(DataLoader(data, batch_size=2)).next()
    assert len(DataLoader(TensorDataset(torch.arange(5)), batch_size=2).dataset) == 5


def test_shuffling_with_a_seeded_generator_is_deterministic_and_reshuffles_each_epoch():
    data = TensorDataset(torch.arange(20))

    def epochs(loader):
        return [[b[0].tolist() for b in loader] for _ in range(3)]
    first = epochs(DataLoader(data, batch_size=6, shuffle=True, generator=torch.Generator().manual_seed(7)))
    second = epochs(DataLoader(data, batch_size=6, shuffle=True, generator=torch.Generator().manual_seed(7)))
    assert first == second
    for epoch in first:
        assert [len(b) for b in epoch] == [6, 6, 6, 2] and sorted(sum(epoch, [])) == list(range(20))
    assert first[0] != first[1] != first[2]
    torch.manual_seed(5)
    default = [b.tolist() for b in DataLoader(range(20), batch_size=6, shuffle=True)]
    torch.manual_seed(5)
    assert [b.tolist() for b in DataLoader(range(20), batch_size=6, shuffle=True)] == default


def test_iterable_datasets_and_workers_give_pytorchs_batches_in_pytorchs_order():
    assert values(DataLoader(Span(3, 7))) == [[3], [4], [5], [6]]
    assert values(DataLoader(Span(3, 7), num_workers=2)) == [[3], [3], [4], [4], [5], [5], [6], [6]]
    assert values(DataLoader(Span(3, 7), num_workers=2, worker_init_fn=shard)) == [[3], [5], [4], [6]]
    assert values(DataLoader(Span(3, 7), num_workers=12, worker_init_fn=shard)) == [[3], [4], [5], [6]]
    assert values(DataLoader(Span(0, 10), batch_size=3, num_workers=2, worker_init_fn=shard)) == \
        [[0, 1, 2], [5, 6, 7], [3, 4], [8, 9]]
    assert values(DataLoader(Span(0, 7), batch_size=3, drop_last=True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(DataLoader(Span(0, 7), batch_size=3)) == 3
    assert len(DataLoader(Span(0, 7), batch_size=3, drop_last=True)) == 2
    data = TensorDataset(torch.arange(7))
    assert [b[0].tolist() for b in DataLoader(data, batch_size=2, num_workers=3)] == [[0, 1], [2, 3], [4, 5], [6]]
    assert get_worker_info() is None


def test_worker_init_fn_runs_once_per_worker_and_once_with_persistent_workers():
    seen = []

    def init(worker_id):
        info = get_worker_info()
        seen.append((worker_id, info.id, info.num_workers))
    loader = DataLoader(Squares(4), batch_size=2, num_workers=2, worker_init_fn=init, persistent_workers=True)
    assert [values(loader) for _ in range(2)] == [[[0, 1], [4, 9]]] * 2
    assert seen == [(0, 0, 2), (1, 1, 2)]


def test_dataloader_argument_checks_are_pytorchs():
    data = Squares(4)
    cases = [(dict(num_workers=-1), "num_workers option should be non-negative"),
             (dict(timeout=-1), "timeout option should be non-negative"),
             (dict(prefetch_factor=2), "prefetch_factor option could only be specified in multiprocessing"),
             (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
             (dict(sampler=[0], shuffle=True), "sampler option is mutually exclusive with shuffle"),
             (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive with batch_size"),
             (dict(batch_size=None, drop_last=True), "batch_size=None option disables auto-batching")]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            DataLoader(data, **kwargs)
    with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected unspecified shuffle option"):
        DataLoader(Span(0, 3), shuffle=True)
    loader = DataLoader(data)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after DataLoader is initialized"):
        loader.batch_size = 3
    with pytest.raises(AssertionError, match="requires timeout == 0"):
        iter(DataLoader(data, timeout=5))
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no accelerator is found"):
        assert values(DataLoader(data, batch_size=4, pin_memory=True)) == [[0, 1, 4, 9]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert values(DataLoader(data, batch_size=4, num_workers=2, timeout=5)) == [[0, 1, 4, 9]]


def test_an_iterable_dataset_longer_than_its_len_warns_as_in_pytorch():
    class Liar(Span):
        def __len__(self):
            return 2
    loader = DataLoader(Liar(0, 3))
    assert len(loader) == 2
    with pytest.warns(UserWarning, match=r"was reported to be 2\(when accessing len\(dataloader\)\), but 3 samples"):
        assert values(loader) == [[0], [1], [2]]


def test_dataset_and_sampler_argument_checks_are_pytorchs():
    import re
    from tinygrad_rnn.torch.utils.data import Sampler
    with pytest.raises(AssertionError, match=re.escape("datasets should not be an empty iterable")):
        ConcatDataset([])
    with pytest.raises(AssertionError, match=re.escape("ChainDataset only supports IterableDataset")):
        list(ChainDataset([range(3)]))
    with pytest.raises(NotImplementedError, match=re.escape("Subclasses of Sampler should implement __iter__.")):
        iter(Sampler())
    with pytest.raises(ValueError, match=re.escape("weights should be a 1d sequence but given weights have shape "
                                                   "(1, 1)")):
        WeightedRandomSampler([[1.0]], 1)
    with pytest.raises(ValueError, match=re.escape("drop_last should be a boolean value, but got drop_last=1")):
        BatchSampler(range(3), 2, 1)
