"""Saving and loading a state_dict as an .npz archive: numbers only, never a pickle.

`save_arrays` writes exactly where it is told: a path (through a temporary file in the same folder,
renamed over the target only once complete, so a failure part-way keeps the previous checkpoint) or
an open binary file. `load_arrays` reads every array before anything is changed, and a damaged,
truncated or foreign file raises one clear error naming the file and the cause.
"""
from __future__ import annotations

import io
import os
import tempfile
import zipfile
import zlib

import numpy as np


def _target_name(target) -> str:
    """How errors name a path or an open file."""
    return repr(getattr(target, "name", target)) if hasattr(target, "read") or hasattr(target, "write") \
        else os.fspath(target)


def _write(state: dict, file) -> None:
    """The arrays as members NAME.npy of a zip archive (np.savez(**state) would clash with its keywords)."""
    with zipfile.ZipFile(file, "w") as archive:
        for name, array in state.items():
            with archive.open(f"{name}.npy", "w") as member:
                np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)


def save_arrays(state: dict, target):
    """Write `state` to `target` (a path or an open binary file); returns target."""
    if hasattr(target, "write"):
        if isinstance(target, io.TextIOBase) or not getattr(target, "writable", lambda: True)():
            raise TypeError(f"Module.save: the file {_target_name(target)} must be open for writing in binary "
                            "mode, open(path, 'wb')")
        _write(state, target)
        return target
    if not isinstance(target, (str, os.PathLike)):
        raise TypeError(f"Module.save: path must be a str, a path or an open binary file, got {type(target).__name__}")
    path = os.fspath(target)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Module.save: the folder {folder} of {path} does not exist")
    if not os.path.basename(path) or os.path.isdir(path):
        raise IsADirectoryError(f"Module.save: {path!r} names a directory, not a file; name a file, e.g. "
                                f"{os.path.join(path, 'model.npz')!r}")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            _write(state, file)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return target


def load_arrays(source) -> dict:
    """{name: array} from an archive written by save_arrays (a path or an open binary file)."""
    if not hasattr(source, "read") and not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"Module.load: path must be a str, a path or an open binary file, got {type(source).__name__}")
    name = _target_name(source)
    if not hasattr(source, "read") and not os.path.isfile(source):
        raise FileNotFoundError(f"Module.load: no such file: {name}")
    arrays, objects = {}, []
    try:
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
                if _holds_objects(archive, info):
                    objects.append(key)
                else:
                    with archive.open(info) as member:
                        arrays[key] = np.lib.format.read_array(member, allow_pickle=False)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error, NotImplementedError, RuntimeError,
            MemoryError) as err:                   # a damaged header may declare an unreadable method or size
        raise ValueError(f"Module.load: {name} is not an .npz archive written by save(), or it is damaged "
                         f"({err})") from None
    if objects:
        raise ValueError(f"Module.load: array '{objects[0]}' in {name} holds Python objects; refusing to unpickle it")
    return arrays


def _holds_objects(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether an .npy member's header declares Python objects (read before any data, so nothing is
    ever unpickled)."""
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = reader(member)
    if not dtype.hasobject and int(np.prod(shape, dtype=np.float64)) * dtype.itemsize > info.file_size:
        raise ValueError(f"array {info.filename!r} declares shape {shape} but the file holds {info.file_size} bytes")
    return dtype.hasobject
