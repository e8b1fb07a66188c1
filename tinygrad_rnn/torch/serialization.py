"""torch.serialization: what torch.load may rebuild (torch.save, torch.load and the allow-list functions,
add_safe_globals and the like, are in _serialization.py).

torch.load unpickles with _Unpickler: pickle's Python Unpickler, its find_class and each opcode that calls,
makes or fills an object checked. A file may name only: the rebuild functions below, Tensor, Parameter,
dtypes, device, Size, OrderedDict, plain-data builtins (set, frozenset, slice, complex, range, bytearray),
the core's cells (held by the recurrent layers); with weights_only=False also subclasses of the core Module
and Tensor (made without __init__, then given their attributes), nn.functional's functions (referenced,
never called: except in PyTorch's own zip format, whose reader, _torch_format, only resolves names through
this find_class), bytes, and numpy arrays and scalars of numbers and bools, as numpy pickles them; and what
add_safe_globals / safe_globals allow-listed (callable, as in PyTorch). Anything else (os.system,
builtins.eval, ...) raises pickle.UnpicklingError before it runs, even with weights_only=False.
A module is imported only if it is this library or the user's own file (next to the script)."""
import _compat_pickle
import ast
import collections
import importlib.util
import os
import pickle
import sys

import numpy as np

from .. import tensor as _core_tensor
from ..nn import module as _core_module
from . import _dtype
from ._device import device

_user_globals = []             # add_safe_globals' entries (see _serialization.py): objects, or (object, "module.name")
_DOCS = ("\n\nCheck the documentation of torch.load to learn more about types accepted by default with weights_only "
         "https://pytorch.org/docs/stable/generated/torch.load.html.")
_UNSAFE = ("As in PyTorch >= 2.6, the `weights_only` argument of `torch.load` defaults to True. Re-running "
           "`torch.load` with `weights_only` set to False will likely succeed (tinygrad_rnn still refuses globals "
           "other than modules, tensors and plain data), but do it only if you got the file from a trusted source.")


def _refuse(message: str):
    raise pickle.UnpicklingError(message)


_DTYPES = {np.dtype(code).newbyteorder(order).str for code in "?bBhHiIlLqQefdFD" for order in "<>"}  # saved arrays


def _array(data, dtype, shape) -> np.ndarray:
    """The array a file describes (a copy in native byte order), after checking the description holds."""
    d = np.dtype(dtype) if isinstance(dtype, str) and dtype in _DTYPES else None
    count = int(np.prod(shape, dtype=np.float64)) if isinstance(shape, tuple) and all(
        type(n) is int and n >= 0 for n in shape) else -1
    size = len(data) if isinstance(data, (bytes, bytearray, memoryview)) else -1
    if d is None or count < 0 or size != count * d.itemsize:
        _refuse(f"torch.load: a saved array is damaged (dtype {dtype!r}, shape {shape!r}, {size} bytes)")
    return np.frombuffer(data, d, count).reshape(shape).astype(d.newbyteorder("="))


def _rebuild_array(data, dtype, shape, scalar: bool = False):
    """A numpy array (or numpy scalar) from its saved bytes."""
    return _array(data, dtype, shape)[()] if scalar else _array(data, dtype, shape)


def _rebuild_tensor(cls, data, dtype, shape, requires_grad: bool, name=None):
    """A leaf of class cls (a Tensor or Parameter class) from its saved bytes."""
    array = _array(data, dtype, shape)
    if not (isinstance(cls, type) and issubclass(cls, _core_tensor.Tensor)) or array.dtype not in _dtype._BY_NUMPY:
        _refuse(f"torch.load: a saved tensor is damaged (class {cls!r}, dtype {array.dtype})")
    t = object.__new__(cls)
    t._init_leaf(array, requires_grad is True and array.dtype.kind == "f", name if isinstance(name, str) else None)
    return t


def _latin1(text, encoding="latin1"):
    """_codecs.encode as pickle protocol 2 uses it for bytes objects: latin-1 text only."""
    if not (isinstance(text, str) and encoding in ("latin1", "latin-1")):
        _refuse(f"Unsupported call _codecs.encode({type(text).__name__}, {encoding!r})")
    return text.encode("latin1")


def _numpy_dtype(code, align=False, copy=True) -> np.dtype:
    """numpy.dtype(code, align, copy) as numpy pickles a dtype, but numpy's shared built-in one, never a copy:
    numpy's __setstate__ leaves it alone (on a copy, a file could add fields past the item or objects)."""
    if not (isinstance(code, str) and code in _NUMERIC):
        _refuse(f"Unsupported call numpy.dtype({code!r}): torch.load rebuilds numpy arrays and scalars of numbers "
                "and bools only, even with weights_only=False")
    return np.dtype(code)


def _reconstruct(cls, shape, typecode) -> np.ndarray:
    """numpy's _reconstruct(ndarray, (0,), b'b'): an empty array for BUILD to fill (numpy checks the sizes)."""
    if cls is not np.ndarray:
        _refuse(f"Unsupported call numpy _reconstruct({cls!r}, ...): torch.load rebuilds numpy.ndarray only")
    return np.empty(0, np.uint8)


def _numpy_scalar(dtype, data) -> np.generic:
    """numpy's scalar(dtype, bytes): one number of a dtype _numpy_dtype made."""
    return _array(data, dtype.str if isinstance(dtype, np.dtype) else None, ())[()]


_OWN = {"builtins.set": set, "builtins.frozenset": frozenset, "builtins.slice": slice, "builtins.complex": complex,
        "builtins.range": range, "builtins.bytearray": bytearray, "collections.OrderedDict": collections.OrderedDict,
        "_codecs.encode": _latin1, f"{device.__module__}.device": device,
        f"{__name__}._rebuild_tensor": _rebuild_tensor, f"{__name__}._rebuild_array": _rebuild_array}
_NUMERIC = {np.dtype(code).str[1:] for code in "?bBhHiIlLqQefdFD"}      # 'b1', 'i1', ... 'c16', as numpy names them
_TRUSTED = {"numpy.dtype": _numpy_dtype, "numpy.ndarray": np.ndarray, "builtins.bytes": bytes,  # weights_only=False
            **{f"numpy.{core}.multiarray.{name}": fn for core in ("_core", "core")      # (numpy < 2 wrote core)
               for name, fn in (("_reconstruct", _reconstruct), ("scalar", _numpy_scalar))}}
_CALLABLE = (*_OWN.values(), _numpy_dtype, _reconstruct, _numpy_scalar, bytes)
_BY_NAME = {"tinygrad_rnn.tensor.Tensor", "tinygrad_rnn.nn.module.Parameter", "tinygrad_rnn.torch._tensor.Tensor",
            "tinygrad_rnn.torch.nn.module.Parameter", "tinygrad_rnn.torch._tensor.Size",
            "tinygrad_rnn.nn.rnn_cell.RNNCell", "tinygrad_rnn.nn.lstm_cell.LSTMCell",
            "tinygrad_rnn.nn.gru_cell.GRUCell"}
_FUNCTIONAL = ("tinygrad_rnn.torch.nn.functional", "tinygrad_rnn.nn.functional")
_BLOCKED = ("sys", "os", "posix", "nt", "subprocess", "shutil", "importlib", "runpy", "socket", "builtins")


def _user(obj=None, path=None):
    """(the allow-listed entry that is obj or is named path,), or None."""
    for entry in list(_user_globals):
        value, name = entry if isinstance(entry, tuple) else \
            (entry, f"{getattr(entry, '__module__', '')}.{getattr(entry, '__qualname__', '')}")
        if (obj is not None and value is obj) or name == path:
            return (value,)


def _own_file(module: str, name: str) -> bool:
    """Whether a module not imported yet may be: this library, or the user's model.py next to the script."""
    if module.split(".")[0] == "tinygrad_rnn":
        return True
    spec = importlib.util.find_spec(module) if module.isidentifier() else None
    folders = {os.path.abspath(sys.path[0] or os.curdir), os.path.abspath(os.curdir)}
    if spec is None or not spec.origin or os.path.dirname(os.path.abspath(spec.origin)) not in folders:
        return False
    try:
        tree = ast.parse(spec.loader.get_source(module))
    except (ImportError, SyntaxError, ValueError, TypeError):
        return False
    return any(isinstance(node, ast.ClassDef) and node.name == name.split(".")[0] for node in tree.body)


def _lookup(module: str, name: str):
    if module not in sys.modules and not _own_file(module, name):
        _refuse(f"Unsupported global: GLOBAL {module}.{name}: torch.load imports no module a file names (only this "
                f"library and your own files next to the script); import {module} first if you trust it")
    try:
        obj = importlib.import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part) if not part.startswith("__") and part != "<locals>" else None
    except (ImportError, AttributeError) as err:
        _refuse(f"Unsupported global: GLOBAL {module}.{name} cannot be found ({err})")
    return obj


class _Unpickler(pickle._Unpickler):
    """pickle's Python Unpickler (so that each opcode can be checked), restricted as the module says."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, file, arrays, weights_only: bool, restore, **kwargs):
        super().__init__(file, **kwargs)
        self.arrays, self.weights_only, self.restore = arrays, weights_only, restore

    def persistent_load(self, pid):
        ok = isinstance(pid, tuple) and len(pid) == 3 and pid[0] == "array" and all(type(n) is int for n in pid[1:])
        if not (ok and 0 <= pid[1] and 0 <= pid[2] and pid[1] + pid[2] <= len(self.arrays)):
            _refuse(f"torch.load: a reference to saved bytes is damaged: {pid!r}")
        return self.arrays[pid[1]:pid[1] + pid[2]]

    def find_class(self, module: str, name: str):
        if self.proto < 3 and self.fix_imports:
            module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
            module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        full, user = f"{module}.{name}", _user(path=f"{module}.{name}")
        if user or full in _OWN:
            return user[0] if user else _OWN[full]
        if full in _BY_NAME or (module == _dtype.__name__ and isinstance(getattr(_dtype, name, None), _dtype.dtype)):
            return _lookup(module, name)
        if full in _TRUSTED and not self.weights_only:
            return _TRUSTED[full]
        short, blocked = (full[len("builtins."):] if module == "builtins" else full), module.split(".")[0] in _BLOCKED
        if self.weights_only:
            _refuse(f"Weights only load failed. {_UNSAFE}\n\n\nTrying to load unsupported GLOBAL {full} whose module "
                    f"{module} is blocked.{_DOCS}" if blocked and module != "builtins" else
                    "Weights only load failed. This file can still be loaded, to do so you have two options, do those "
                    f"steps only if you trust the source of the checkpoint. \n\t(1) {_UNSAFE}\n\t(2) Alternatively, to "
                    "load with `weights_only=True` please check the recommended steps in the following error message."
                    f"\n\tWeightsUnpickler error: Unsupported global: GLOBAL {short} was not an allowed global by "
                    f"default. Please use `torch.serialization.add_safe_globals([{short}])` or the "
                    f"`torch.serialization.safe_globals([{short}])` context manager to allowlist this global if you "
                    f"trust this class/function.{_DOCS}")
        obj = None if blocked else _lookup(module, name)
        if (isinstance(obj, type) and issubclass(obj, (_core_module.Module, _core_tensor.Tensor))) or (
                callable(obj) and getattr(obj, "__module__", None) in _FUNCTIONAL):
            return obj
        _refuse(f"Unsupported global: GLOBAL {short} is refused even with weights_only=False: torch.load rebuilds only "
                f"modules, tensors and plain data. If you trust it: torch.serialization.add_safe_globals([{short}])")

    def may_create(self, cls) -> bool:      # an instance made without __init__, then given its attributes
        return isinstance(cls, type) and (_user(obj=cls) is not None or f"{cls.__module__}.{cls.__qualname__}"
                                          in _BY_NAME or not self.weights_only and issubclass(cls, _core_module.Module))

    def load_reduce(self):
        args, func = self.stack.pop(), self.stack[-1]
        if not (any(func is f for f in _CALLABLE) or _user(obj=func)) or type(args) is not tuple:
            _refuse(f"Trying to call reduce for unrecognized function {func!r}")
        self.stack[-1] = self.restore(func(*args)) if func is _rebuild_tensor else func(*args)

    def load_newobj(self, kwargs=None):
        args, cls = self.stack.pop(), self.stack.pop()
        if not self.may_create(cls) or type(args) is not tuple or type(kwargs or {}) is not dict:
            _refuse(f"Can only create new objects of modules or of classes allowlisted via `add_safe_globals`, "
                    f"but got {cls!r}")
        self.append(cls.__new__(cls, *args, **(kwargs or {})))

    def load_build(self):
        state, inst = self.stack.pop(), self.stack[-1]
        if isinstance(inst, _core_tensor.Tensor) and isinstance(state, dict) and hasattr(inst, "__dict__"):
            return inst.__dict__.update(state)
        if isinstance(inst, (np.ndarray, np.dtype)) and not self.weights_only:    # see _reconstruct, _numpy_dtype
            return inst.__setstate__(state)
        setstate = getattr(inst, "__setstate__", None)
        state, slots = state if isinstance(state, tuple) and len(state) == 2 and setstate is None else (state, None)
        plain = setstate or isinstance(state or {}, dict) and isinstance(slots or {}, dict)
        if not (self.may_create(type(inst)) or type(inst) is collections.OrderedDict) or isinstance(
                inst, _core_tensor.Tensor) or not plain:
            _refuse(f"Can only build modules, OrderedDict or types allowlisted via `add_safe_globals` (from dicts of "
                    f"attributes), but got {type(inst)}")
        if setstate is not None:
            return setstate(state)
        inst.__dict__.update(state or {})
        _ = [setattr(inst, key, value) for key, value in (slots or {}).items()]


def _checked(code: bytes, kind=None, target=None):
    """An opcode filling a container, on real containers only; with no kind refused (INST, OBJ call classes)."""
    base = pickle._Unpickler.dispatch[code[0]]

    def load(self):
        if kind is None or not isinstance(target(self), kind):
            _refuse(f"Unsupported pickle opcode {code!r}" + (f" on {type(target(self)).__name__}" if kind else ""))
        base(self)
    return load


_Unpickler.dispatch.update({
    pickle.REDUCE[0]: _Unpickler.load_reduce, pickle.BUILD[0]: _Unpickler.load_build,
    pickle.NEWOBJ[0]: _Unpickler.load_newobj, pickle.NEWOBJ_EX[0]: lambda self: self.load_newobj(self.stack.pop()),
    pickle.INST[0]: _checked(pickle.INST), pickle.OBJ[0]: _checked(pickle.OBJ),
    pickle.APPEND[0]: _checked(pickle.APPEND, list, lambda self: self.stack[-2]),
    pickle.SETITEM[0]: _checked(pickle.SETITEM, dict, lambda self: self.stack[-3]),
    **{code[0]: _checked(code, kind, lambda self: self.metastack[-1][-1])      # the container below the MARK
       for code, kind in ((pickle.APPENDS, list), (pickle.SETITEMS, dict), (pickle.ADDITEMS, set))}})
