"""torch.nn's containers: Sequential, ModuleList and ModuleDict, with PyTorch's indexing, editing and
repr. Their modules are attributes named "0", "1", ... (or by key), so parameters are named as in PyTorch."""
import itertools
from collections import OrderedDict

from ... import nn as core
from .checks import check_index
from .module import Module


def _entries(container) -> list:
    """(name, module) for every module held, in order, a repeated one each time."""
    return [(k, v) for k, v in vars(container).items() if isinstance(v, core.Module)]


def _renumber(container, modules) -> None:
    """Hold exactly `modules`, named "0", "1", ... (how PyTorch keeps the numbering after a deletion)."""
    for name, _ in _entries(container):
        delattr(container, name)
    for i, module in enumerate(modules):
        container.add_module(str(i), module)


def _indexed(container, index):
    """The module at an int index (negative counts from the end), or the modules of a slice as a list."""
    modules = [m for _, m in _entries(container)]
    return modules[index] if isinstance(index, slice) else modules[check_index(index, len(modules))]


class _Numbered:
    """What Sequential and ModuleList share: modules named "0", "1", ..., len, iteration, deletion
    (renumbering the rest, as PyTorch does), pop, append, extend and insert."""

    def __len__(self) -> int:
        return len(_entries(self))

    def __iter__(self):
        return iter([m for _, m in _entries(self)])

    def __delitem__(self, index) -> None:
        modules = list(self)
        del modules[index if isinstance(index, slice) else check_index(index, len(modules))]
        _renumber(self, modules)

    def pop(self, index: int):
        """Remove the module at index and return it."""
        module = self[index]
        del self[index]
        return module

    def append(self, module):
        """Add a module at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        """Add the modules of an iterable at the end; returns self."""
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module):
        """Insert a module before index (the modules after it are renumbered); returns self."""
        modules = list(self)
        modules.insert(index, module)
        _renumber(self, modules)
        return self


class Sequential(_Numbered, core.Sequential, Module):
    """Modules applied in order (given as arguments or as one OrderedDict of names)."""

    def __init__(self, *args):
        Module.__init__(self)
        items = args[0].items() if len(args) == 1 and isinstance(args[0], OrderedDict) else enumerate(args)
        for name, module in items:
            self.add_module(str(name), module)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(OrderedDict(_entries(self)[index]))
        return _indexed(self, index)

    def __setitem__(self, index: int, module) -> None:
        setattr(self, _entries(self)[check_index(index, len(self))][0], module)

    def __add__(self, other):
        if not isinstance(other, Sequential):
            return NotImplemented
        return Sequential(*self, *other)


class ModuleList(_Numbered, Module):
    """A list of modules whose parameters belong to the owner."""

    def __init__(self, modules=None):
        super().__init__()
        self.extend(modules or [])

    def __getitem__(self, index):
        return ModuleList(_indexed(self, index)) if isinstance(index, slice) else _indexed(self, index)

    def __setitem__(self, index: int, module) -> None:
        self.add_module(str(check_index(index, len(self))), module)

    def __iadd__(self, modules) -> "ModuleList":
        return self.extend(modules)

    def __add__(self, other) -> "ModuleList":
        return ModuleList(list(self) + list(other))

    def __repr__(self) -> str:
        """Runs of equal modules shown once, as PyTorch shows them: `(0-2): 3 x Linear(...)`."""
        lines, start = [], 0
        for text, run in itertools.groupby(repr(m) for m in self):
            n = len(list(run))
            head = f"({start}): " if n == 1 else f"({start}-{start + n - 1}): {n} x "
            lines.append(head + text.replace("\n", "\n  "))
            start += n
        return "ModuleList(" + ("\n  " + "\n  ".join(lines) + "\n" if lines else "") + ")"


class Keyed:
    """The dict methods of ModuleDict and ParameterDict, from the two each of them defines: items(), the
    (name, value) pairs in insertion order, and __setitem__."""

    def __getitem__(self, key: str):
        return dict(self.items())[key]

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)                     # as a dict (and PyTorch's ModuleDict) does
        delattr(self, key)

    def __len__(self) -> int:
        return len(self.items())

    def __iter__(self):
        return iter(self.keys())

    def __contains__(self, key) -> bool:
        return key in self.keys()

    def keys(self):
        """The names, in insertion order."""
        return [name for name, _ in self.items()]

    def values(self):
        """The values, in insertion order."""
        return [value for _, value in self.items()]

    def pop(self, key: str):
        """Remove the value at key and return it."""
        value = self[key]
        del self[key]
        return value

    def update(self, values) -> None:
        """Add or replace entries from a dict or (name, value) pairs."""
        for key, value in (values.items() if hasattr(values, "items") else values):
            self[key] = value


class ModuleDict(Keyed, Module):
    """A dict of modules whose parameters belong to the owner."""

    def __init__(self, modules=None):
        super().__init__()
        self.update(modules or {})

    def __setitem__(self, key: str, module) -> None:
        self.add_module(key, module)

    def clear(self) -> None:
        """Remove every module."""
        _renumber(self, [])

    def items(self):
        """(name, module) pairs."""
        return _entries(self)
