"""torch.nn.utils.weight_norm and remove_weight_norm (Salimans & Kingma, 2016), as locuslab/TCN and many
temporal-convolution baselines use them: a weight w is learnt as a direction v and a length g,

    w = g * v / ||v||        the norm over every dim but `dim` (over all of them for dim=None)

The parameter `name` is replaced by the parameters `name_g` (||w|| at the start) and `name_v` (w itself), and a
forward pre-hook computes `module.<name>` from them before every call, so gradients reach g and v."""
import warnings

from ..module import Parameter


class WeightNorm:
    """The forward pre-hook that recomputes `name` from `name_g` and `name_v` (PyTorch's WeightNorm)."""

    def __init__(self, name: str, dim):
        self.name, self.dim = name, dim

    def compute_weight(self, module):
        """g * v / ||v||, from the module's current parameters."""
        g, v = getattr(module, self.name + "_g"), getattr(module, self.name + "_v")
        return v * (g / norm_except_dim(v, self.dim))

    def __call__(self, module, inputs) -> None:
        setattr(module, self.name, self.compute_weight(module))


def norm_except_dim(v, dim):
    """The 2-norm of v over every dim but `dim`, kept broadcastable to v (one number for dim=None or -1, as
    PyTorch's weight_norm reads them)."""
    if dim is None or dim == -1:
        return v.norm()
    dims = [d for d in range(v.dim()) if d != dim % v.dim()]
    return (v * v).sum(dim=dims, keepdim=True).sqrt() if dims else v.abs()


def weight_norm(module, name: str = "weight", dim=0):
    """Reparametrise module.<name> as name_g * name_v / ||name_v|| (see the module's docstring); returns module."""
    warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                  "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning, stacklevel=2)
    check_no_weight_norm(module, name)
    fn = WeightNorm(name, dim)
    weight = getattr(module, name)
    delattr(module, name)
    module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, dim).detach()))
    module.register_parameter(name + "_v", Parameter(weight.detach()))
    setattr(module, name, fn.compute_weight(module))
    module.register_forward_pre_hook(fn)
    return module


def remove_weight_norm(module, name: str = "weight"):
    """Undo weight_norm: module.<name> becomes a Parameter again, holding g * v / ||v||; returns module."""
    hooks, key, fn = find_weight_norm(module, name)
    weight = fn.compute_weight(module).detach()
    delattr(module, name + "_g")
    delattr(module, name + "_v")
    delattr(module, name)
    setattr(module, name, Parameter(weight))
    del hooks[key]
    return module


def check_no_weight_norm(module, name: str) -> None:
    """weight_norm is applied to a parameter once (PyTorch's message)."""
    if any(isinstance(hook, WeightNorm) and hook.name == name for hook in _pre_hooks(module).values()):
        raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")


def find_weight_norm(module, name: str) -> tuple:
    """(the module's pre-hooks, the key and the WeightNorm of `name`); PyTorch's error when there is none."""
    hooks = _pre_hooks(module)
    for key, hook in hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            return hooks, key, hook
    raise ValueError(f"weight_norm of '{name}' not found in {module}")


def _pre_hooks(module) -> dict:
    return module.__dict__.get("_forward_pre_hooks", {})
