"""default_collate and default_convert: how a DataLoader turns a list of samples into a batch, as PyTorch
does it. Tensors are stacked on a new first dimension; Python floats become a float64 tensor and ints an
int64 one (bools a bool one); numpy arrays and scalars become tensors of their dtype; strings and bytes stay
as they are; dicts, namedtuples, tuples (returned as lists) and lists are collated field by field."""
import collections.abc
import copy
import re

import numpy as np

from ... import tensor as core
from .._factories import as_tensor, stack, tensor
from .._tensor import Tensor, wrap
from .. import _dtype

_STRINGS = re.compile(r"[SaUO]")       # numpy dtypes of strings and objects: never tensors
default_collate_err_msg_format = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
                                  "lists; found {}")


def default_convert(data):
    """numpy arrays and scalars inside data (at any depth of dicts, tuples, lists) as tensors; the rest as is.
    What a DataLoader with batch_size=None applies to each sample."""
    kind = type(data)
    if isinstance(data, core.Tensor):
        return data
    if kind.__module__ == "numpy" and kind.__name__ not in ("str_", "string_", "bytes_"):
        return data if kind.__name__ == "ndarray" and _STRINGS.search(data.dtype.str) else as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuilt_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return kind(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuilt_sequence(data, [default_convert(d) for d in data])
    return data


def _rebuilt_mapping(like, items: dict):
    """A mapping of like's type holding items (a plain dict when that type cannot be rebuilt)."""
    try:
        if isinstance(like, collections.abc.MutableMapping):
            clone = copy.copy(like)
            clone.update(items)
            return clone
        return type(like)(items)
    except TypeError:
        return items


def _rebuilt_sequence(like, items: list):
    """A sequence of like's type holding items (a list when that type cannot be rebuilt)."""
    try:
        if isinstance(like, collections.abc.MutableSequence):
            clone = copy.copy(like)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(like)(items)
    except TypeError:
        return items


def collate(batch, *, collate_fn_map=None):
    """Collate a list of samples: collate_fn_map[type of the first sample] (or of a class it is an instance
    of) when there is one, else recursively through mappings, namedtuples and sequences."""
    elem = batch[0]
    kind = type(elem)
    if collate_fn_map is not None:
        if kind in collate_fn_map:
            return collate_fn_map[kind](batch, collate_fn_map=collate_fn_map)
        for key in collate_fn_map:
            if isinstance(elem, key):
                return collate_fn_map[key](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _rebuilt_mapping(elem, {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                                       for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return kind(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(e) != len(elem) for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
        return columns if isinstance(elem, tuple) else _rebuilt_sequence(elem, columns)
    raise TypeError(default_collate_err_msg_format.format(kind))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    """Tensors of one shape, stacked on a new first dimension."""
    for i, t in enumerate(batch):
        if t.shape != batch[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(batch[0].shape)} at entry 0 "
                               f"and {list(t.shape)} at entry {i}")
    return stack([t if isinstance(t, Tensor) else wrap(t._data) for t in batch], 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    """numpy arrays as tensors of their dtype, stacked (arrays of strings or objects raise)."""
    if _STRINGS.search(batch[0].dtype.str):
        raise TypeError(default_collate_err_msg_format.format(batch[0].dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    """numpy scalars as a 1-D tensor of their dtype."""
    return wrap(np.array(batch))


def collate_float_fn(batch, *, collate_fn_map=None):
    """Python floats as a float64 tensor (whatever the default dtype, as PyTorch does)."""
    return tensor(batch, dtype=_dtype.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    """Python ints as an int64 tensor (bools as a bool tensor)."""
    return tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    """Strings and bytes are kept: the batch itself."""
    return batch


default_collate_fn_map = {Tensor: collate_tensor_fn, core.Tensor: collate_tensor_fn, np.ndarray: collate_numpy_array_fn,
                          (np.bool_, np.number, np.object_): collate_numpy_scalar_fn, float: collate_float_fn,
                          int: collate_int_fn, str: collate_str_fn, bytes: collate_str_fn}


def default_collate(batch):
    """A list of samples as one batch: see the module docstring for what each kind of sample becomes."""
    return collate(batch, collate_fn_map=default_collate_fn_map)
