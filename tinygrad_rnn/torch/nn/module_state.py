"""The state and dtype methods of torch.nn.Module (a mixin of module.py's Module): state_dict (module by
module, its parameters then its persistent buffers), load_state_dict (missing and unexpected keys, size
mismatches, assign=), and to() / double() / float() for dtypes (the CPU is the only device)."""
from collections import OrderedDict, namedtuple

import numpy as np

from ...nn import module as core
from ...tensor import Tensor as CoreTensor
from .. import _dtype
from .._device import check_device
from .._math import as_operand
from .._tensor import Size, wrap
from .checks import check_module_dtype, check_state_dict, state_dict_errors


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What load_state_dict returns: the keys it did not find, and the keys it did not use."""

    def __repr__(self) -> str:
        return "<All keys matched successfully>" if not (self.missing_keys or self.unexpected_keys) \
            else super().__repr__()

    __str__ = __repr__


class StateMethods:
    """Module's state_dict, load_state_dict and dtype conversions (they walk self.named_modules())."""

    # ---------------------------------------------------------------- dtype and device
    def to(self, *args, **kwargs):
        """Cast the floating parameters, their gradients and the floating buffers to a dtype (devices other
        than the CPU raise); returns self."""
        dtype = kwargs.get("dtype")
        for a in list(args) + [kwargs.get("device")]:
            if isinstance(a, (_dtype.dtype, np.dtype, type)):
                dtype = a
            elif isinstance(a, CoreTensor):
                dtype = a.dtype
            else:
                check_device(a)
        if dtype is not None:
            target = _dtype.as_dtype(dtype, "Module.to(dtype)")
            check_module_dtype(target)
            for t in list(self.parameters()) + list(self.buffers()):
                if t._data.dtype.kind == "f":
                    t._data = t._data.astype(target.dtype, copy=False)
                    t._grad = None if t._grad is None else t._grad.astype(target.dtype, copy=False)
        return self

    def double(self):
        """Parameters to float64."""
        return self.to(_dtype.float64)

    def float(self):
        """Parameters to float32."""
        return self.to(_dtype.float32)

    def half(self):
        """Parameters to float16."""
        return self.to(_dtype.float16)

    def cpu(self):
        """self: everything lives on the CPU."""
        return self

    def cuda(self, device=None):
        """Raises: there is no GPU backend."""
        return self.to("cuda")

    def type(self, dst_type):
        """Cast to dst_type."""
        return self.to(dst_type)

    # ---------------------------------------------------------------- state
    def state_dict(self, *args, destination=None, prefix: str = "", keep_vars: bool = False):
        """OrderedDict of name -> Tensor (detached, sharing memory): module by module, its parameters then
        its persistent buffers (a shared parameter under each of its names)."""
        out = OrderedDict() if destination is None else destination
        for path, module in self.named_modules(remove_duplicate=False):
            base = prefix + (f"{path}." if path else "")
            skip = module.__dict__.get("_non_persistent", ())
            items = [(k, v) for k, v in vars(module).items() if isinstance(v, core.Parameter)]
            items += [(k, b) for k, b in module.__dict__.get("_buffers", {}).items() if b is not None and k not in skip]
            for k, v in items:
                out[base + k] = v if keep_vars else wrap(v._data)
        return out

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy the tensors into the parameters and buffers of the same names (assign=True: share them);
        returns the missing and unexpected keys. Missing or unexpected keys raise when strict, and a shape
        mismatch always; nothing is changed when it raises."""
        check_state_dict(state_dict)
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        arrays = {k: as_operand(state_dict[k]) for k in own if k in state_dict}
        mismatched = [(k, Size(a.shape), own[k].shape) for k, a in arrays.items() if a.shape != own[k].shape]
        state_dict_errors(self, missing, unexpected, mismatched, strict)
        for k, array in arrays.items():
            if assign:
                own[k]._data = array
            else:
                own[k]._data[...] = array
        return _IncompatibleKeys(missing, unexpected)
