"""torch.save and torch.load: pickle for the structure, raw bytes for the numbers, and a loader that never
runs what a file names (serialization.py says what it may name; add_safe_globals, below, names more).

A file is a signature, a header (the pickle's length, the arrays' length, a CRC-32 of both), the pickle,
then the bytes of every array. A Tensor (or numpy array) pickles as a call of _rebuild_tensor
(_rebuild_array) with its class, dtype, shape, requires_grad and where its bytes are, so no numpy global is
ever needed. torch.load checks the length and the checksum before unpickling anything: a damaged or
truncated file raises a RuntimeError naming it. The pickle may be protocol 2 (PyTorch's default) to 5.
"""
import io
import os
import pickle
import struct
import warnings
import zipfile
import zlib

import numpy as np

from .. import tensor as _core_tensor
from . import _torch_format, serialization
from .serialization import _rebuild_array, _rebuild_tensor, _Unpickler, _user_globals

DEFAULT_PROTOCOL = 2
SIGNATURE = b"\x89tinygrad_rnn.torch\r\n\x1a\n"
_HEADER = struct.Struct("<QQI")            # pickle length, arrays length, CRC-32 of both


def reduce_tensor(t):
    """(rebuild function, args[, state]) pickling a Tensor with its bytes inline (pickle.dumps, copy.deepcopy)."""
    return _reduce(t, lambda array: array.tobytes())


def _reduce(obj, store):
    if isinstance(obj, _core_tensor.Tensor):
        a, name = obj._data, obj.name if isinstance(obj.name, str) else None
        args = (type(obj), store(a), a.dtype.str, a.shape, bool(obj.requires_grad), name)
        state = getattr(obj, "__dict__", None)
        return (_rebuild_tensor, args, state) if state else (_rebuild_tensor, args)
    a = np.asarray(obj)
    if a.dtype.kind not in "biufc" or a.dtype.fields is not None:
        raise TypeError(f"torch.save: cannot save a numpy array of dtype {a.dtype} (numbers and bools only)")
    return _rebuild_array, (store(a), a.dtype.str, a.shape, isinstance(obj, np.generic))


class _Blob:
    """Where an array's bytes are in the file: pickled as a persistent id, never as an object."""

    __slots__ = ("pid",)

    def __init__(self, pid):
        self.pid = pid


def _pickler(module):
    class Pickler(module.Pickler):
        def __init__(self, file, protocol):
            super().__init__(file, protocol)
            self.blobs, self.size = [], 0

        def store(self, array):
            data = array.tobytes()
            self.blobs.append(data)
            self.size += len(data)
            return _Blob(("array", self.size - len(data), len(data)))

        def reducer_override(self, obj):
            if isinstance(obj, (_core_tensor.Tensor, np.ndarray, np.generic)):
                return _reduce(obj, self.store)
            return NotImplemented

        def persistent_id(self, obj):
            return obj.pid if type(obj) is _Blob else None
    return Pickler


def _pack(payload: bytes, arrays: bytes = b"") -> bytes:
    """A file's bytes: the signature, the header, the pickle, the arrays."""
    header = _HEADER.pack(len(payload), len(arrays), zlib.crc32(arrays, zlib.crc32(payload)))
    return SIGNATURE + header + payload + arrays


def save(obj, f, pickle_module=None, pickle_protocol: int = DEFAULT_PROTOCOL, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False) -> None:
    """Save obj (a state_dict, nested dicts/lists of tensors and numbers, a whole Module) to f: a path or a
    file open for binary writing. The bytes are made in memory first: a failure to pickle never leaves half a file."""
    if isinstance(pickle_protocol, bool) or not isinstance(pickle_protocol, int) or \
            not 2 <= pickle_protocol <= pickle.HIGHEST_PROTOCOL:
        raise ValueError(f"torch.save: pickle_protocol must be an int from 2 to {pickle.HIGHEST_PROTOCOL}, "
                         f"got {pickle_protocol!r}")
    buffer = io.BytesIO()
    pickler = _pickler(pickle_module or pickle)(buffer, pickle_protocol)
    pickler.dump(obj)
    data = _pack(buffer.getvalue(), b"".join(pickler.blobs))
    if hasattr(f, "write") and not isinstance(f, io.TextIOBase):
        f.write(data)
        return
    if not isinstance(f, (str, os.PathLike)):
        raise TypeError(f"torch.save: f must be a str, an os.PathLike or a file opened in binary mode ('wb'), "
                        f"got {type(f).__name__}")
    if not os.path.isdir(os.path.dirname(os.fspath(f)) or os.curdir):
        raise RuntimeError(f"Parent directory {os.path.dirname(os.fspath(f))} does not exist.")
    with open(f, "wb") as out:
        out.write(data)


def _name(f) -> str:
    """How torch.load's messages name a path or an open file."""
    return repr(os.fspath(f) if isinstance(f, (str, os.PathLike)) else getattr(f, "name", f))


def _read(f):
    """(pickle, arrays) of a file written by save(), checked; every problem raises naming the file."""
    if isinstance(f, (str, os.PathLike)):
        name, whole = _name(f), True
        with open(f, "rb") as file:
            f = io.BytesIO(file.read())
    elif hasattr(f, "read") and not isinstance(f, io.TextIOBase):
        name, whole = _name(f), False
    else:
        raise TypeError(f"torch.load: f must be a str, an os.PathLike or a file opened in binary mode ('rb'), "
                        f"got {type(f).__name__}")
    head = f.read(len(SIGNATURE) + _HEADER.size)
    sizes = _HEADER.unpack(head[len(SIGNATURE):]) if len(head) == len(SIGNATURE) + _HEADER.size else None
    try:
        body = f.read(sizes[0] + sizes[1]) if sizes and head.startswith(SIGNATURE) else b""
    except (MemoryError, OverflowError):           # a damaged header may announce more than memory holds
        body = b""
    why = ("is empty" if not head
           else "is not a file written by tinygrad_rnn.torch.save (it does not start with its signature)"
           if not SIGNATURE.startswith(head[:len(SIGNATURE)])
           else "is truncated (it ends before the data its header announces)"
           if sizes is None or len(body) < sizes[0] + sizes[1]
           else "is damaged (its checksum does not match its contents)"
           if zlib.crc32(body) != sizes[2] or (whole and f.read(1)) else None)
    if why:
        raise RuntimeError(f"torch.load: {name} {why}")
    return memoryview(body)[:sizes[0]], memoryview(body)[sizes[0]:]


def _forced_off() -> bool:
    """TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD is set: weights_only defaults to False, with PyTorch's warning."""
    if os.environ.get("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0") in ("0", ""):
        return False
    warnings.warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the`weights_only` argument "
                  "was not explicitly passed to `torch.load`, forcing weights_only=False.", UserWarning, stacklevel=3)
    return True


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """What save() wrote, from a path or a binary file. weights_only (True unless pickle_module is given, as
    in PyTorch >= 2.6) allows tensors and plain data; weights_only=False also rebuilds whole Modules (never
    anything else: see serialization.py). map_location ('cpu', torch.device('cpu'), a dict of locations, or
    a function (storage, location) returning a tensor or None) is honoured for the CPU, the only device.
    pickle_module only decides weights_only's default: loading always uses the restricted unpickler. mmap is
    accepted; the file is read whole (the numbers are the same)."""
    if os.environ.get("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0") not in ("0", ""):
        weights_only = True
    elif weights_only is None and _forced_off():
        weights_only = False
    elif weights_only is None:
        weights_only = pickle_module is None
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if mmap and not isinstance(f, (str, os.PathLike)):
        raise ValueError("f must be a file path in order to use the mmap argument")
    restore = _restorer(map_location)
    if _is_pytorch_zip(f):                         # a checkpoint real PyTorch saved: read its zip format
        policy = _Unpickler(io.BytesIO(b""), b"", bool(weights_only), restore).find_class
        try:
            return _torch_format.read(f, policy, restore)
        except (zipfile.BadZipFile, KeyError, EOFError, ValueError) as err:
            raise RuntimeError(f"torch.load: {_name(f)} is a zip archive but not a PyTorch checkpoint "
                               f"this can read ({type(err).__name__}: {err})") from None
    payload, arrays = _read(f)
    return _Unpickler(io.BytesIO(payload), arrays, bool(weights_only), restore, **pickle_load_args).load()


def _is_pytorch_zip(f) -> bool:
    """Whether f (a path or a seekable binary file, left where it was) starts like a zip archive."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            return _torch_format.is_torch_zip(file.read(4))
    if not (hasattr(f, "seek") and hasattr(f, "tell") and hasattr(f, "read")) or isinstance(f, io.TextIOBase):
        return False
    at = f.tell()
    head = f.read(4)
    f.seek(at)
    return _torch_format.is_torch_zip(head)


def _restorer(map_location):
    """What becomes of each loaded tensor under map_location (saved tensors are all on the 'cpu')."""
    def restore(t):
        out = map_location(t, "cpu") if callable(map_location) else t
        target = map_location.get("cpu", "cpu") if isinstance(map_location, dict) else map_location
        kind = "cpu" if callable(target) or target is None else str(target).partition(":")[0]
        if kind != "cpu" or not isinstance(out, (_core_tensor.Tensor, type(None))):
            raise RuntimeError(
                f"torch.load: map_location returned {type(out).__name__}, not a tensor or None" if kind == "cpu" else
                "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you "
                "are running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') "
                "to map your storages to the CPU." if kind == "cuda" else
                f"torch.load: map_location={map_location!r}: tinygrad_rnn runs on the CPU only; use 'cpu'")
        return t if out is None else out
    return restore


def add_safe_globals(safe_globals) -> None:
    """Allow-list classes and functions for torch.load: each a class/function, or (it, "module.name")."""
    for entry in safe_globals:
        value, name = entry if isinstance(entry, tuple) and len(entry) == 2 else (entry, "")
        if not callable(value) or not isinstance(name, str):
            raise TypeError(f"add_safe_globals: expected classes, functions or (class or function, 'module.name') "
                            f"pairs, got {entry!r}")
        if not any(entry is e or entry == e for e in _user_globals):
            _user_globals.append(entry)


def get_safe_globals() -> list:
    """What add_safe_globals allow-listed."""
    return list(_user_globals)


def clear_safe_globals() -> None:
    """Forget every allow-listed global."""
    _user_globals.clear()


class safe_globals:
    """Context manager: the given globals are allow-listed inside the with-block (and removed after it)."""

    def __init__(self, safe_globals):
        self.safe_globals = list(safe_globals)

    def __enter__(self):
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc) -> None:
        _user_globals[:] = [e for e in _user_globals if not any(e is g for g in self.safe_globals)]


serialization.save, serialization.load, serialization.DEFAULT_PROTOCOL = save, load, DEFAULT_PROTOCOL
serialization.add_safe_globals, serialization.get_safe_globals = add_safe_globals, get_safe_globals
serialization.clear_safe_globals, serialization.safe_globals = clear_safe_globals, safe_globals
