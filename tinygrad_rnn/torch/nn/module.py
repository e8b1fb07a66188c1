"""torch.nn.Module: the core's Module (parameters found by walking attributes) with PyTorch's rules and
additions: only Module attributes are children (a plain list of modules is not registered, as in
PyTorch), parameters() is a generator, buffers, named_modules, apply, PyTorch's errors for wrong
assignments and registrations, and (module_state.py) state_dict, load_state_dict and to(); and
torch.nn.Parameter. As torch.nn.modules.module, it also has the global hooks of every module
(register_module_forward_hook, register_module_full_backward_hook, ...; module_hooks.py).

The core layers make core Parameters; assigning one to a dialect Module re-classes it into the dialect's
Parameter (the same object, so a layer's cells keep computing with it), and its .data is then a Tensor.
"""
from collections import OrderedDict

import numpy as np

from ...nn import module as core
from ...tensor import Tensor as CoreTensor
from .. import _dtype
from .._math import as_operand
from .._tensor import Tensor
from .checks import check_assignment, check_mode, check_registration
from .backward_hooks import register_module_full_backward_hook, register_module_full_backward_pre_hook  # noqa: F401
from .module_hooks import HookMethods, register_module_forward_hook, register_module_forward_pre_hook  # noqa: F401
from .module_state import StateMethods


class Parameter(core.Parameter, Tensor):
    """A Tensor that is a module's parameter: it requires grad unless told otherwise, and shares `data`."""

    __slots__ = ()

    def __init__(self, data=None, requires_grad: bool = True):
        array = np.zeros(0, dtype=_dtype.get_default_dtype().dtype) if data is None else as_operand(data)
        self._init_leaf(array, False, None)
        self.requires_grad_(requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + Tensor.__repr__(self)


def as_parameter(value):
    """A core Parameter seen as the dialect's (the same object, re-classed); anything else unchanged."""
    if type(value) is core.Parameter:
        value.__class__ = Parameter
    return value


class Module(HookMethods, StateMethods, core.Module):
    """torch.nn.Module: subclass it, assign layers and Parameters in __init__, define forward()."""

    def __init__(self, *args, **kwargs):
        self._registry()

    def _registry(self) -> tuple:
        """(the buffers by name, the names of the non-persistent ones), made on first use."""
        return (self.__dict__.setdefault("_buffers", OrderedDict()),
                self.__dict__.setdefault("_non_persistent", set()))

    def __setattr__(self, key: str, value) -> None:
        buffers, _ = self._registry()
        if isinstance(value, (core.Parameter, core.Module)):
            buffers.pop(key, None)
        elif key in buffers:
            check_assignment("buffer", key, value, value is None or isinstance(value, CoreTensor),
                             "torch.nn.Buffer, torch.Tensor or None")
            buffers[key] = value
        elif isinstance(self.__dict__.get(key), core.Parameter):
            check_assignment("parameter", key, value, value is None, "torch.nn.Parameter or None")
        elif isinstance(self.__dict__.get(key), core.Module):
            check_assignment("child module", key, value, value is None, "torch.nn.Module or None")
        super().__setattr__(key, as_parameter(value))

    def __delattr__(self, key: str) -> None:
        buffers, non_persistent = self._registry()
        buffers.pop(key, None)
        non_persistent.discard(key)
        object.__delattr__(self, key)

    def __getstate__(self):
        return self.__dict__

    def __setstate__(self, state) -> None:
        """Unpickling and deepcopy put the attributes back. Defined on the class, so they never ask a subclass's
        own __getattr__ for it before the attributes that __getattr__ reads exist (a RecursionError)."""
        self.__dict__.update(state)

    def forward(self, *args, **kwargs):
        """The computation; every subclass defines it."""
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    # ---------------------------------------------------------------- registration
    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        """Keep a tensor that is not a parameter (saved in state_dict when persistent)."""
        buffers, non_persistent = self._registry()
        check_registration(self, "buffer", name, tensor, tensor is None or isinstance(tensor, CoreTensor),
                           "torch Tensor or None", name in buffers)
        buffers[name] = tensor
        object.__setattr__(self, name, tensor)
        (non_persistent.discard if persistent else non_persistent.add)(name)

    def register_parameter(self, name: str, param) -> None:
        """setattr(self, name, param) for a Parameter or None."""
        check_registration(self, "parameter", name, param, param is None or isinstance(param, core.Parameter),
                           "torch.nn.Parameter or None", _same_kind(self, name, core.Parameter))
        setattr(self, name, param)

    def add_module(self, name: str, module) -> None:
        """setattr(self, name, module) for a Module or None."""
        check_registration(self, "module", name, module, module is None or isinstance(module, core.Module), "",
                           _same_kind(self, name, core.Module))
        setattr(self, name, module)

    register_module = add_module

    def get_submodule(self, target: str):
        """The sub-module at a dotted path ('' is self)."""
        module = self
        for part in filter(None, target.split(".")):
            module = _attribute(module, part)
        return module

    def get_parameter(self, target: str):
        """The parameter at a dotted path."""
        path, _, name = target.rpartition(".")
        param = _attribute(self.get_submodule(path), name)
        if not isinstance(param, core.Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    # ---------------------------------------------------------------- walking the tree
    def named_children(self):
        """(attribute name, Module) for the direct sub-modules, each once, in assignment order."""
        seen = set()
        for key, value in _child_items(self):
            if id(value) not in seen:
                seen.add(id(value))
                yield key, value

    def parameters(self, recurse: bool = True):
        """Every parameter once, as a generator (next(model.parameters()) works)."""
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        """(dotted name, Parameter) pairs, module by module (a shared one once, unless remove_duplicate=False)."""
        seen = set()
        for path, module in (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse
                             else [(prefix, self)]):
            for key, value in vars(module).items():
                if isinstance(value, core.Parameter) and not (remove_duplicate and id(value) in seen):
                    seen.add(id(value))
                    yield (f"{path}.{key}" if path else key), value

    def named_buffers(self, prefix: str = "", recurse: bool = True):
        """(dotted name, buffer) pairs."""
        for path, module in (self.named_modules(prefix=prefix) if recurse else [(prefix, self)]):
            for name, b in module.__dict__.get("_buffers", {}).items():
                if b is not None:
                    yield (f"{path}.{name}" if path else name), b

    def buffers(self, recurse: bool = True):
        """Every buffer."""
        return (b for _, b in self.named_buffers(recurse=recurse))

    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        """(dotted name, module) for this module ('') and every module below it, depth first; a shared
        module once, or under each of its names with remove_duplicate=False."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        if remove_duplicate:
            memo.add(id(self))
        yield prefix, self
        for name, child in _child_items(self):
            yield from Module.named_modules(child, memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self):
        """This module and every module below it, each once."""
        return (m for _, m in self.named_modules())

    def apply(self, fn):
        """Call fn on every sub-module, then on self; returns self."""
        for child in self.children():
            Module.apply(child, fn)
        fn(self)
        return self

    def train(self, mode: bool = True):
        """Training mode (dropout active) for this module and all below it; returns self."""
        return super().train(check_mode(mode))

    def requires_grad_(self, requires_grad: bool = True):
        """Set requires_grad of every parameter; returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop (or zero) every parameter's gradient."""
        for p in self.parameters():
            if set_to_none:
                p._grad = None
            elif p._grad is not None:
                p._grad[...] = 0

    def __repr__(self) -> str:
        extra = self.extra_repr().split("\n") if self.extra_repr() else []
        children = [f"({name}): " + repr(child).replace("\n", "\n  ") for name, child in self.named_children()]
        if len(extra) == 1 and not children:
            return f"{type(self).__name__}({extra[0]})"
        lines = extra + children
        return f"{type(self).__name__}(" + ("\n  " + "\n  ".join(lines) + "\n" if lines else "") + ")"


def _child_items(module) -> list:
    """(name, module) for each Module attribute of a dialect module, with repeats (a core module held by one:
    its children as the core lists them, without a layer's cells, which only re-expose its parameters)."""
    if isinstance(module, Module):
        return [(k, v) for k, v in vars(module).items() if isinstance(v, core.Module)]
    return [(n, m) for n, m in module.named_children() if n.split(".")[0] not in module.parameter_views]


def _same_kind(module, name: str, kind) -> bool:
    """Whether registering `name` again replaces an attribute of the same kind (or None)."""
    current = module.__dict__.get(name, 0)
    return current is None or isinstance(current, kind)


def _attribute(module, name: str):
    """module.name, or PyTorch's AttributeError for a path that does not exist."""
    if not hasattr(module, name):
        raise AttributeError(f"{type(module).__name__} has no attribute `{name}`")
    return getattr(module, name)
