"""torch.nn.Module's forward hooks: functions called around every `module(...)` call, to look at (or
replace) what goes in and what comes out, as PyTorch's `register_forward_pre_hook` and
`register_forward_hook`. A module without hooks calls forward() directly.
"""
import warnings
from collections import OrderedDict

from ...hooks import RemovableHandle
from .checks import check_forward_hook, check_pre_hook_result


class HookMethods:
    """Module's forward hooks, kept as PyTorch keeps them (`_forward_pre_hooks`, `_forward_hooks`: id -> hook)."""

    def _add_hook(self, kind: str, hook, prepend: bool, with_kwargs: bool, always_call: bool = False):
        check_forward_hook(kind, hook)
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

    def __call__(self, *args, **kwargs):
        pre, post = self.__dict__.get("_forward_pre_hooks"), self.__dict__.get("_forward_hooks")
        if not pre and not post:
            return self.forward(*args, **kwargs)
        keyed = self.__dict__.get("_forward_pre_hooks_with_kwargs", ())
        for key, hook in list((pre or {}).items()):
            if key in keyed:
                result = hook(self, args, kwargs)
                if result is not None:
                    args, kwargs = check_pre_hook_result(result)
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        try:
            output = self.forward(*args, **kwargs)
        except Exception:
            self._after(args, kwargs, None, self.__dict__.get("_forward_hooks_always_called", ()), failed=True)
            raise
        return self._after(args, kwargs, output, None)

    def _after(self, args, kwargs, output, only, failed: bool = False):
        """Run the forward hooks (those in `only`, if given) on the output; after a failed forward, a hook
        that raises is reported as a warning and skipped (the forward's error goes on)."""
        keyed = self.__dict__.get("_forward_hooks_with_kwargs", ())
        for key, hook in list(self.__dict__.get("_forward_hooks", {}).items()):
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
