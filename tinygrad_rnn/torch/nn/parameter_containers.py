"""torch.nn.ParameterList and torch.nn.ParameterDict: parameters held by position or by key, registered as
attributes named "0", "1", ... (or by the key), so parameters() and state_dict() name them as PyTorch does
("params.0", "scales.alpha"). A plain tensor put in is made a Parameter, as in PyTorch."""
from ... import nn as core
from .checks import check_index
from .container import Keyed
from .module import Module, Parameter


def _as_parameter(value):
    """A tensor that is not yet a Parameter becomes one (sharing its data); anything else is kept as it is."""
    return value if isinstance(value, core.Parameter) or not hasattr(value, "_data") else Parameter(value)


def _held(container) -> list:
    """(name, value) for everything held, in order."""
    return [(k, v) for k, v in vars(container).items() if not k.startswith("_") and k != "training"]


class ParameterList(Module):
    """A list of parameters whose owner's parameters() include them."""

    def __init__(self, values=None):
        super().__init__()
        self.extend(values or [])

    def __len__(self) -> int:
        return len(_held(self))

    def __iter__(self):
        return iter([v for _, v in _held(self)])

    def __getitem__(self, index):
        values = list(self)
        return ParameterList(values[index]) if isinstance(index, slice) else values[check_index(index, len(values))]

    def __setitem__(self, index: int, value) -> None:
        setattr(self, str(check_index(index, len(self))), _as_parameter(value))

    def append(self, value):
        """Add a parameter at the end; returns self."""
        setattr(self, str(len(self)), _as_parameter(value))
        return self

    def extend(self, values):
        """Add the parameters of an iterable at the end; returns self."""
        for value in values:
            self.append(value)
        return self

    def __iadd__(self, values) -> "ParameterList":
        return self.extend(values)

    def extra_repr(self) -> str:
        return "\n".join(f"({i}): Parameter containing: [{p.type()} of size {'x'.join(map(str, p.shape))}]"
                         for i, p in enumerate(self))


class ParameterDict(Keyed, Module):
    """A dict of parameters whose owner's parameters() include them."""

    def __init__(self, parameters=None):
        super().__init__()
        self.update(parameters or {})

    def __setitem__(self, key: str, value) -> None:
        setattr(self, key, _as_parameter(value))

    def items(self):
        """(name, parameter) pairs."""
        return _held(self)

    def get(self, key: str, default=None):
        """The parameter at key, or default (ParameterDict has get; ModuleDict, as in PyTorch, does not)."""
        return self[key] if key in self else default

    def extra_repr(self) -> str:
        return "\n".join(f"({k}): Parameter containing: [{p.type()} of size {'x'.join(map(str, p.shape))}]"
                         for k, p in self.items())
