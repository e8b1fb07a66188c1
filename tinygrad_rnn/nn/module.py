"""Module and Parameter: parameters are found by walking a module's attributes, never listed by hand.

A Module's attributes may be Parameters, Modules, or lists/tuples/dicts of Modules; everything else
is ignored. Assigning one names its parameters by their path, so drawings can label shared weights.
Names are dotted paths (`encoder.weight_ih_l0`, `layers.1.weight`), exactly as PyTorch spells them, so a
state_dict moves between the two unchanged.
"""
from __future__ import annotations

from typing import Iterator

from ..checks import as_array, check_flag
from ..op_checks import float_dtype
from ..tensor import Tensor
from .checkpoint import load_arrays, save_arrays


class Parameter(Tensor):
    """A Tensor that requires grad and belongs to a Module; `name` is its module path (for drawings)."""

    __slots__ = ()

    def __init__(self, data, name: str | None = None):
        super().__init__(data, requires_grad=True, name=name)


def _module_items(value, prefix: str):
    """(name, Module) pairs for a Module or a list/tuple/dict of Modules held in one attribute."""
    if isinstance(value, Module):
        yield prefix, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            if isinstance(item, Module):
                yield f"{prefix}.{i}", item
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, Module):
                yield f"{prefix}.{key}", item


class Module:
    """Base class of every layer: parameter discovery, train/eval mode, dtype, saving and loading."""

    training = True
    parameter_views: tuple = ()     # attributes whose modules hold this module's own parameters again

    def __setattr__(self, key: str, value) -> None:
        """Attach an attribute; Parameters inside it are named by their dotted path (for drawings)."""
        if isinstance(value, Parameter):
            value.name = key
        else:
            for path, module in _module_items(value, key):
                for name, p in module.named_parameters(path):
                    p.name = name
        object.__setattr__(self, key, value)

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        """The computation of this layer; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def named_children(self) -> Iterator[tuple]:
        """(attribute path, Module) for the direct sub-modules, in attribute order."""
        for key, value in vars(self).items():
            yield from _module_items(value, key)

    def children(self) -> Iterator["Module"]:
        """The direct sub-modules."""
        return (m for _, m in self.named_children())

    def modules(self) -> Iterator["Module"]:
        """This module and every module below it, depth first (iterative), each once (a shared one too)."""
        stack, seen = [self], set()
        while stack:
            module = stack.pop()
            if id(module) not in seen:
                seen.add(id(module))
                yield module
                stack.extend(reversed(list(module.children())))

    def named_parameters(self, prefix: str = "", remove_duplicate: bool = True) -> Iterator[tuple]:
        """(dotted name, Parameter) for every parameter of this module and its sub-modules: each once,
        or with remove_duplicate=False under every name it has (a tied weight under both, as PyTorch's
        state_dict lists it). Attributes named in a module's `parameter_views` only re-expose that
        module's own parameters (a layer's cells) and never add names."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            path, module = stack.pop()
            for key, value in vars(module).items():
                if isinstance(value, Parameter) and (value not in seen or not remove_duplicate):
                    seen.add(value)
                    yield (f"{path}.{key}" if path else key), value
            children = [((f"{path}.{n}" if path else n), m) for n, m in module.named_children()
                        if n.split(".")[0] not in module.parameter_views]
            stack.extend(reversed(children))

    def parameters(self) -> list:
        """Every Parameter, in the order of named_parameters()."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to None."""
        for p in self.parameters():
            p._grad = None

    def train(self, mode: bool = True) -> "Module":
        """Training mode (dropout active) for this module and all below it; returns self."""
        check_flag(mode, "Module.train(mode=...)")
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode (dropout off); returns self."""
        return self.train(False)

    def to(self, dtype) -> "Module":
        """Cast every parameter to float32 or float64 in place (gradients are dropped); returns self."""
        dtype = float_dtype(dtype, "Module.to(dtype) expects float32 or float64")
        for p in self.parameters():
            p._data = p._data.astype(dtype)
            p._grad = None
        return self

    def state_dict(self) -> dict:
        """{dotted name: a copy of the parameter's array}, a tied parameter under each of its names."""
        return {name: p._data.copy() for name, p in self.named_parameters(remove_duplicate=False)}

    def load_state_dict(self, state: dict, strict: bool = True) -> "Module":
        """Copy arrays (or Tensors) into the parameters of the same names.

        Every problem is reported at once (missing keys, unexpected keys, shape mismatches) and nothing
        is changed when it raises. With strict=False, missing and unexpected keys are skipped, but a
        shape mismatch still raises.
        """
        if not isinstance(state, dict):
            raise TypeError(f"load_state_dict expects a dict of arrays, got {type(state).__name__}")
        check_flag(strict, "load_state_dict(strict=...)")
        params = dict(self.named_parameters(remove_duplicate=False))
        arrays = {k: as_array(v._data if isinstance(v, Tensor) else v, f"load_state_dict: '{k}'")
                  for k, v in state.items()}
        given = {id(params[k]) for k in arrays if k in params}      # a tied parameter needs one of its names
        problems = []
        if strict:
            problems += [f"missing key '{k}'" for k, p in params.items() if k not in arrays and id(p) not in given]
            problems += [f"unexpected key '{k}'" for k in arrays if k not in params]
        problems += [f"'{k}': expected shape {params[k].shape}, got {arrays[k].shape}"
                     for k in arrays if k in params and arrays[k].shape != params[k].shape]
        problems += [f"'{k}': expected real numbers, got dtype {arrays[k].dtype}"
                     for k in arrays if k in params and arrays[k].dtype.kind not in "biuf"]
        if problems:
            raise ValueError(f"load_state_dict into {type(self).__name__}: " + "; ".join(problems))
        for k, arr in arrays.items():
            if k in params:
                params[k]._data = arr.astype(params[k]._data.dtype, copy=True)
        return self

    def save(self, path):
        """Write the state_dict as an .npz archive exactly at `path` (a path or an open binary file),
        atomically for a path: the previous file survives any failure. Returns path."""
        return save_arrays(self.state_dict(), path)

    def load(self, path, strict: bool = True) -> "Module":
        """Read an archive written by save() (never unpickles) and load it; nothing changes if it raises."""
        return self.load_state_dict(load_arrays(path), strict=strict)

    def extra_repr(self) -> str:
        """The constructor arguments shown in repr(); subclasses override."""
        return ""

    def child_label(self, name: str) -> str:
        """How repr() labels the sub-module at attribute path `name`; subclasses may say more."""
        return name

    def __repr__(self) -> str:
        lines = [f"  ({self.child_label(name)}): " + repr(m).replace("\n", "\n  ")
                 for name, m in self.named_children()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        return head + ("\n" + "\n".join(lines) + "\n)" if lines else ")")
