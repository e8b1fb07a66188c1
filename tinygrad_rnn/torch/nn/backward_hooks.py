"""torch.nn.Module's full backward hooks, as PyTorch's torch.utils.hooks.BackwardHook runs them:
`hook(module, grad_input, grad_output)` (register_full_backward_hook) once the gradients of a call's
positional input tensors are known, and `hook(module, grad_output)` (register_full_backward_pre_hook) once
those of its outputs are; a result other than None replaces those gradients. The global forms
(register_module_full_backward_hook, ..._pre_hook) run first, for every module.

A hook must see the gradients of several tensors at once, so a call of a module that has such hooks is
wrapped twice (a call of any other module records nothing extra):

    inputs -> J -> picks -> forward() -> outputs -> K -> picks -> the caller

A pick is the identity on one tensor (it shares the tensor's data, as PyTorch's view does). Its backward
hands its joint node a HookGrad, a Deferred part that holds the tensor's position and gradient. The
engine totals a node's Deferred parts only at that node's turn, after every pick is done, so a joint
node's backward receives the gradients of all its tensors together: K's shows grad_output to the
pre-hooks, J's shows grad_input (and the grad_output K kept) to the hooks. Joint nodes and picks are the
op "backward_hook_function": PyTorch's one node BackwardHookFunctionBackward, drawn as its parts.
"""
import warnings
from collections import OrderedDict

import numpy as np

from ...autograd import Deferred
from ...hooks import RemovableHandle
from ...tensor import Tensor as CoreTensor
from .._autograd import hook_output
from .._grad_mode import is_grad_enabled
from .._tensor import wrap
from .checks import check_hook_grad_count, check_module_hook, check_no_input_grad_result

_global_backward_hooks, _global_backward_pre_hooks = OrderedDict(), OrderedDict()
_NO_INPUT_GRAD = ("Full backward hook is firing when gradients are computed with respect to module outputs since no "
                  "inputs require gradients. See https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                  "#torch.nn.Module.register_full_backward_hook for more details.")


def register_module_full_backward_hook(hook) -> RemovableHandle:
    """A full backward hook of every module, run before the module's own (PyTorch: for debugging)."""
    check_module_hook("register_module_full_backward_hook", hook)
    return RemovableHandle(_global_backward_hooks, hook)


def register_module_full_backward_pre_hook(hook) -> RemovableHandle:
    """A full backward pre-hook of every module, run before the module's own (PyTorch: for debugging)."""
    check_module_hook("register_module_full_backward_pre_hook", hook)
    return RemovableHandle(_global_backward_pre_hooks, hook)


def backward_hook_of(module, hooks: dict, pre_hooks: dict):
    """The BackwardHook of one call of `module` (its hooks, global ones first, as they are now), or None
    when it has neither hooks nor pre-hooks."""
    hooks = [*_global_backward_hooks.values(), *hooks.values()]
    pre_hooks = [*_global_backward_pre_hooks.values(), *pre_hooks.values()]
    return BackwardHook(module, hooks, pre_hooks) if hooks or pre_hooks else None


def any_global_backward_hook() -> bool:
    """Whether some global backward hook or pre-hook is registered."""
    return bool(_global_backward_hooks or _global_backward_pre_hooks)


class HookGrad(Deferred):
    """The gradient `value` of the k-th tensor of a hooked call, on its way from its pick to the joint node."""

    __slots__ = ("k", "value")

    def __init__(self, k: int, value):
        self.k, self.value = k, value

    @classmethod
    def total(cls, parts: list, like) -> list:
        """The gradients by position, None where none arrived (`like`, the joint node's data, has one slot
        per tensor). A list, not an array: the joint node's backward hands each tensor its own."""
        grads = [None] * len(like)
        for part in parts:
            grads[part.k] = part.value
        return grads


def _to_joint(k: int, g) -> tuple:
    """A pick's backward: its gradient goes on to the joint node, marked with its position."""
    return (HookGrad(k, g),)


def _joined(args: tuple, backward_fn) -> tuple:
    """(args with each top-level tensor that requires grad replaced by a pick of one joint node whose backward
    is `backward_fn`, the positions of the tensors), or (args, None) when no tensor there requires grad or
    grad mode is off: then nothing is recorded."""
    index = [i for i, a in enumerate(args) if isinstance(a, CoreTensor)]
    tensors = tuple(args[i] for i in index)
    if not (is_grad_enabled() and any(t.requires_grad for t in tensors)):
        return args, None
    datas = tuple(t._data for t in tensors)     # kept for the gradients' zeros, shapes and dtypes
    joint = tensors[0]._child(np.zeros(len(tensors)), tensors, backward_fn, "backward_hook_function", datas)
    picked = list(args)
    for k, (i, t) in enumerate(zip(index, tensors)):
        if t.requires_grad:
            picked[i] = joint._child(t._data, (joint,), _to_joint, "backward_hook_function", (k,))
    return (tuple(picked) if type(args) is tuple else type(args)(*picked)), index


def _shown(index: list, grads: list, size: int) -> tuple:
    """What a hook sees: a tuple of `size`, each gradient as a Tensor of its own (a copy the hook may change
    in place, which then flows on) at its tensor's position, None elsewhere."""
    shown = [None] * size
    for i, g in zip(index, grads):
        shown[i] = None if g is None else wrap(np.array(g))
    return tuple(shown)


def _replaced(result, shown: tuple, index: list, datas: tuple, hook, kind: str):
    """A hook's result that replaces `shown`: as many entries, and at each tensor's position None or a Tensor
    of that tensor's dtype and shape (PyTorch's checks and messages)."""
    check_hook_grad_count(result, len(shown), kind)
    for i, data in zip(index, datas):
        if result[i] is not None:
            hook_output(result[i], wrap(data), hook)
    return result


class BackwardHook:
    """The backward hooks of one module call (PyTorch's torch.utils.hooks.BackwardHook): the hooks as they were
    at the call, where the tensors sit among the inputs and outputs, and grad_output from K's backward (the
    outputs' side) until J's (the inputs' side)."""

    def __init__(self, module, hooks: list, pre_hooks: list):
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.n_inputs = self.n_outputs = 0
        self.input_index = self.output_index = None
        self.grad_outputs = None

    def setup_input_hook(self, args: tuple) -> tuple:
        """The arguments forward() receives: the tensors picked from J, whose backward runs the hooks."""
        self.n_inputs = len(args)
        args, self.input_index = _joined(args, self._input_backward)
        return args

    def setup_output_hook(self, output):
        """What the caller receives: the output's tensors (a Tensor, or the Tensors of a tuple) picked from K,
        whose backward runs the pre-hooks; anything else passes through."""
        if not isinstance(output, (CoreTensor, tuple)):
            warnings.warn("For backward hooks to be called, module output should be a Tensor or a tuple of Tensors"
                          f" but received {type(output)}", stacklevel=3)
        single = not isinstance(output, tuple)
        outputs = (output,) if single else output
        self.n_outputs = len(outputs)
        outputs, self.output_index = _joined(outputs, self._output_backward)
        return outputs[0] if single else outputs

    def _output_backward(self, *datas_and_grads) -> list:
        """K's backward: the pre-hooks see grad_output (None for an output that got no gradient) and may
        replace it; it is kept for the hooks, which run now if no input requires grad."""
        *datas, grads = datas_and_grads
        grad_output = _shown(self.output_index, grads, self.n_outputs)
        for hook in self.pre_hooks:
            result = hook(self.module, grad_output)
            if result is not None:
                grad_output = _replaced(result, grad_output, self.output_index, datas, hook, "pre hook")
        self.grad_outputs = grad_output
        if self.input_index is None:
            self._hooks_without_input_grads()
        return [_array(grad_output[i]) for i in self.output_index]

    def _hooks_without_input_grads(self) -> None:
        """No input requires grad: the hooks run with grad_input all None, and may only return None."""
        if self.hooks:
            warnings.warn(_NO_INPUT_GRAD, stacklevel=2)
            grad_input = (None,) * self.n_inputs
            for hook in self.hooks:
                check_no_input_grad_result(hook(self.module, grad_input, self.grad_outputs))
        self.grad_outputs = None

    def _input_backward(self, *datas_and_grads) -> list:
        """J's backward: the hooks see grad_input (zeros for a tensor that got no gradient, as PyTorch fills
        them in) and grad_output, and may replace grad_input; each input gets what they leave. Nothing runs
        when the gradient reached the inputs without passing through the outputs' side (no grad_output)."""
        *datas, grads = datas_and_grads
        grads = [np.zeros_like(data) if g is None else g for data, g in zip(datas, grads)]
        if self.grad_outputs is None:
            return grads
        grad_input = _shown(self.input_index, grads, self.n_inputs)
        for hook in self.hooks:
            result = hook(self.module, grad_input, self.grad_outputs)
            if result is not None:
                grad_input = _replaced(result, grad_input, self.input_index, datas, hook, "hook")
        self.grad_outputs = None
        return [_array(grad_input[i]) for i in self.input_index]


def _array(t):
    """A gradient Tensor's array, None for None."""
    return None if t is None else t._data
