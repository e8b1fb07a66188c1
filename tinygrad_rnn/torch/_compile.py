"""torch.compile as a documented passthrough: this dialect has no compiler (every op runs eagerly in numpy, one graph
node per op, so tr.viz can draw it), so compile() returns the model or function itself, unchanged. Its arguments
are checked as PyTorch checks them, so a program that PyTorch refuses is refused here too."""
MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def compile(model=None, *, fullgraph: bool = False, dynamic=None, backend="inductor", mode=None, options=None,
            disable: bool = False, **kwargs):
    """The model (a Module or a function) unchanged; without a model, a decorator that returns what it decorates
    (`@torch.compile` and `@torch.compile(mode=...)` both work)."""
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(MODES)}")
    if model is None:
        return compile
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model
