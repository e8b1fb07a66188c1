"""PyTorch's own checkpoint format, read without PyTorch, so `torch.load` here opens a file that real
PyTorch saved (a tensor, a state_dict, an optimizer's state).

The format is a zip archive: `<name>/data.pkl` is a pickle (protocol 2) in which each tensor is
`torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)` and each storage
a persistent id `('storage', torch.FloatStorage, key, 'cpu', numel)` whose bytes are `<name>/data/<key>`
(little-endian). Reading never imports or calls what the pickle names: `find_class` maps the names of
PyTorch's rebuild functions and storage types to our own, and asks `allowed(module, name)` for anything
else (the caller's allow-list), refusing the rest.
"""
import collections
import io
import pickle
import zipfile

import numpy as np

from . import _dtype

_STORAGES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
             "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16, "CharStorage": np.int8,
             "ByteStorage": np.uint8, "BoolStorage": np.bool_}
ZIP_MAGIC = b"PK\x03\x04"


class _StorageType:
    """What `torch.FloatStorage` and the like read as: the numpy dtype of the storage's bytes."""

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)


def _view(storage, offset, size, stride) -> np.ndarray:
    """The array PyTorch's _rebuild_tensor_v2 describes over a 1-D storage, copied."""
    item = storage.dtype.itemsize
    return np.array(np.lib.stride_tricks.as_strided(storage[offset:], shape=tuple(size),
                                                    strides=[s * item for s in stride]))


class _Reader(pickle.Unpickler):
    """Reads data.pkl: PyTorch's rebuild functions become ours, storages come from the archive, and the
    dialect's Tensor and Parameter classes are asked of the caller's policy like every other global."""

    def __init__(self, archive: zipfile.ZipFile, prefix: str, allowed, restore):
        super().__init__(io.BytesIO(archive.read(prefix + "data.pkl")))
        self.archive, self.prefix, self.allowed, self.restore, self.storages = archive, prefix, allowed, restore, {}
        self.tensor = allowed("tinygrad_rnn.torch._tensor", "Tensor")
        self.parameter = allowed("tinygrad_rnn.torch.nn.module", "Parameter")

    def rebuild_tensor(self, storage, offset, size, stride, requires_grad=False, hooks=None, metadata=None):
        """A dialect tensor for PyTorch's torch._utils._rebuild_tensor_v2."""
        t = object.__new__(self.tensor)
        t._init_leaf(_view(storage, offset, size, stride), False, None)
        return self.restore(t.requires_grad_(bool(requires_grad)) if t._data.dtype.kind == "f" else t)

    def rebuild_parameter(self, data, requires_grad, hooks=None, *state):
        """A dialect Parameter for torch._utils._rebuild_parameter(_with_state)."""
        return self.parameter(data, requires_grad)

    def find_class(self, module: str, name: str):
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return self.rebuild_tensor
        if module == "torch._utils" and name in ("_rebuild_parameter", "_rebuild_parameter_with_state"):
            return self.rebuild_parameter
        if module == "torch" and name in _STORAGES:
            return _StorageType(_STORAGES[name])
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch", "Size"):
            return tuple
        if module == "torch" and isinstance(getattr(_dtype, name, None), _dtype.dtype):
            return getattr(_dtype, name)
        return self.allowed(module, name)

    def persistent_load(self, pid):
        kind, storage_type, key, location, numel = pid
        if kind != "storage" or not isinstance(storage_type, _StorageType):
            raise ValueError(f"unsupported storage {pid!r}")
        if key not in self.storages:
            raw = self.archive.read(f"{self.prefix}data/{key}")
            little = np.frombuffer(raw, dtype=storage_type.dtype.newbyteorder("<"))
            self.storages[key] = little.astype(storage_type.dtype)
        return self.storages[key]


def is_torch_zip(head: bytes) -> bool:
    """Whether a file starting with `head` is a zip archive (PyTorch's format since 1.6)."""
    return head.startswith(ZIP_MAGIC)


def read(fileobj, allowed, restore=lambda t: t):
    """The object pickled in a PyTorch zip checkpoint (a path or a binary file); `allowed(module, name)`
    resolves other globals or raises; `restore` maps each loaded tensor (map_location)."""
    with zipfile.ZipFile(fileobj) as archive:
        pkl = next((n for n in archive.namelist() if n.endswith("data.pkl")), None)
        if pkl is None:
            raise ValueError("the archive has no data.pkl")
        prefix = pkl[: -len("data.pkl")]
        order = archive.read(prefix + "byteorder").decode() if prefix + "byteorder" in archive.namelist() else "little"
        if order != "little":
            raise ValueError(f"big-endian checkpoints are not supported (byteorder {order!r})")
        return _Reader(archive, prefix, allowed, restore).load()
