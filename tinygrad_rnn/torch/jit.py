"""torch.jit as documented passthroughs: this dialect has no TorchScript, so script() and trace() return the module
or function itself (a scripted module is still the module, and a traced function keeps its Python control flow,
where PyTorch's trace would freeze the path taken by example_inputs), and the decorators ignore, unused and export
leave what they decorate as it is. script() and trace() warn that they are deprecated, as PyTorch 2.14 does."""
import warnings

_DEPRECATED = "`torch.jit.{}` is deprecated. Please switch to `torch.compile` or `torch.export`."


def script(obj, optimize=None, _frames_up: int = 0, _rcb=None, example_inputs=None):
    """obj itself (a Module, function or class)."""
    warnings.warn(_DEPRECATED.format("script"), FutureWarning, stacklevel=2)
    return obj


def trace(func, example_inputs=None, *args, **kwargs):
    """func itself; example_inputs are not run."""
    warnings.warn(_DEPRECATED.format("trace"), FutureWarning, stacklevel=2)
    return func


def ignore(drop=False, **kwargs):
    """@torch.jit.ignore and @torch.jit.ignore(drop=...): the function unchanged."""
    return drop if callable(drop) else (lambda fn: fn)


def unused(fn):
    """@torch.jit.unused: fn unchanged."""
    return fn


def export(fn):
    """@torch.jit.export: fn unchanged."""
    return fn


def is_scripting() -> bool:
    """False: nothing is ever scripted here."""
    return False


def is_tracing() -> bool:
    """False: nothing is ever traced here."""
    return False


def annotate(the_type, the_value):
    """the_value (the type is for TorchScript only)."""
    return the_value
