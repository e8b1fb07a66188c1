"""torch.nn.Module's hooks: functions called around every `module(...)` call, to look at (or replace) what goes
in and what comes out (PyTorch's `register_forward_pre_hook` and `register_forward_hook`), and the gradients
that flow back through the call (`register_full_backward_pre_hook` and `register_full_backward_hook`, which
backward_hooks.py runs). The global forms of torch.nn.modules.module (`register_module_forward_hook`, ...)
apply to every module and run before its own. A call with no hook at all calls forward() directly.
"""
import warnings
from collections import OrderedDict

from ...hooks import RemovableHandle
from .backward_hooks import any_global_backward_hook, backward_hook_of
from .checks import check_module_hook, check_pre_hook_result

# What each table of a module's hooks is filled by (for the error of a hook that is not callable).
_REGISTERS = {"_forward_pre_hooks": "register_forward_pre_hook", "_forward_hooks": "register_forward_hook",
              "_backward_pre_hooks": "register_full_backward_pre_hook",
              "_backward_hooks": "register_full_backward_hook"}
# The global forward hooks, by handle id, and the ids of those registered with with_kwargs / always_call.
_global_forward_pre_hooks, _global_forward_hooks = OrderedDict(), OrderedDict()
_global_with_kwargs, _global_always_called = set(), set()


def register_module_forward_pre_hook(hook) -> RemovableHandle:
    """hook(module, args) runs before every module's forward() and its own pre-hooks; a result replaces args."""
    check_module_hook("register_module_forward_pre_hook", hook)
    return RemovableHandle(_global_forward_pre_hooks, hook)


def register_module_forward_hook(hook, *, with_kwargs: bool = False, always_call: bool = False) -> RemovableHandle:
    """hook(module, args, output) runs after every module's forward(), before its own forward hooks; a result
    other than None replaces the output (with_kwargs and always_call as in register_forward_hook)."""
    check_module_hook("register_module_forward_hook", hook)
    handle = RemovableHandle(_global_forward_hooks, hook)
    for flag, table in ((with_kwargs, _global_with_kwargs), (always_call, _global_always_called)):
        if flag:
            table.add(handle.id)
    return handle


class HookMethods:
    """Module's hooks, kept as PyTorch keeps them (`_forward_pre_hooks`, `_forward_hooks`, `_backward_pre_hooks`,
    `_backward_hooks`: id -> hook), each table made at its first registration."""

    def _add_hook(self, kind: str, hook, prepend: bool, with_kwargs: bool = False, always_call: bool = False):
        check_module_hook(_REGISTERS[kind], hook)
        hooks = self.__dict__.setdefault(kind, OrderedDict())
        handle = RemovableHandle(hooks, hook)
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        for flag, table in ((with_kwargs, "_with_kwargs"), (always_call, "_always_called")):
            if flag:
                self.__dict__.setdefault(kind + table, set()).add(handle.id)
        return handle

    def register_forward_pre_hook(self, hook, *, prepend: bool = False, with_kwargs: bool = False):
        """hook(module, args) runs before forward(); a result replaces args (a non-tuple is one argument). With
        with_kwargs=True: hook(module, args, kwargs), returning None or (args, kwargs)."""
        return self._add_hook("_forward_pre_hooks", hook, prepend, with_kwargs)

    def register_forward_hook(self, hook, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False):
        """hook(module, args, output) runs after forward(); a result other than None replaces the output. With
        with_kwargs=True: hook(module, args, kwargs, output). With always_call=True it runs (with output None)
        also when forward() raises, before the error goes on."""
        return self._add_hook("_forward_hooks", hook, prepend, with_kwargs, always_call)

    def register_full_backward_pre_hook(self, hook, prepend: bool = False):
        """hook(module, grad_output) runs in each backward pass once the gradients of the call's output tensors
        are known (a tuple, None for an output that is no tensor or got no gradient); a result other than None
        (a tuple as long) replaces grad_output."""
        return self._add_hook("_backward_pre_hooks", hook, prepend)

    def register_full_backward_hook(self, hook, prepend: bool = False):
        """hook(module, grad_input, grad_output) runs in each backward pass once the gradients of the call's
        positional input tensors are known (tuples, None for an argument that is no tensor); a result other than
        None (a tuple as long) replaces grad_input. If no input requires grad, it runs when grad_output is known,
        with grad_input all None."""
        return self._add_hook("_backward_hooks", hook, prepend)

    def __call__(self, *args, **kwargs):
        own = self.__dict__
        if not (own.get("_forward_pre_hooks") or own.get("_forward_hooks") or own.get("_backward_hooks")
                or own.get("_backward_pre_hooks") or _global_forward_pre_hooks or _global_forward_hooks
                or any_global_backward_hook()):
            return self.forward(*args, **kwargs)
        backward = backward_hook_of(self, own.get("_backward_hooks", {}), own.get("_backward_pre_hooks", {}))
        args, kwargs = self._before(args, kwargs)
        if backward is not None:
            args = backward.setup_input_hook(args)
        try:
            output = self.forward(*args, **kwargs)
        except Exception:
            self._after(args, kwargs, None, _global_always_called | own.get("_forward_hooks_always_called", set()),
                        failed=True)
            raise
        output = self._after(args, kwargs, output, None)
        return output if backward is None else backward.setup_output_hook(output)

    def _before(self, args: tuple, kwargs: dict) -> tuple:
        """(args, kwargs) after the forward pre-hooks, the global ones first."""
        keyed = self.__dict__.get("_forward_pre_hooks_with_kwargs", ())
        for key, hook in [*_global_forward_pre_hooks.items(), *self.__dict__.get("_forward_pre_hooks", {}).items()]:
            if key in keyed:
                result = hook(self, args, kwargs)
                if result is not None:
                    args, kwargs = check_pre_hook_result(result)
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        return args, kwargs

    def _after(self, args, kwargs, output, only, failed: bool = False):
        """Run the forward hooks, the global ones first (those in `only`, if given) on the output; after a failed
        forward, a hook that raises is reported as a warning and skipped (the forward's error goes on)."""
        keyed = _global_with_kwargs | self.__dict__.get("_forward_hooks_with_kwargs", set())
        for key, hook in [*_global_forward_hooks.items(), *self.__dict__.get("_forward_hooks", {}).items()]:
            if only is not None and key not in only:
                continue
            try:
                result = hook(self, args, kwargs, output) if key in keyed else hook(self, args, output)
            except Exception as err:
                if not failed:
                    raise
                warnings.warn(f"forward hook with always_call=True raised an exception that was ignored: {err!r}")
                continue
            if result is not None:
                output = result
        return output
