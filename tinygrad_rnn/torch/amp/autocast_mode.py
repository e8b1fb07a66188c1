"""torch.autocast (torch.amp.autocast): PyTorch's mixed-precision region, here computing in full precision.

A region or a decorated function runs exactly as without autocast: every op keeps its inputs' dtype (float32 or
float64), where PyTorch on the CPU would compute matrix products in bfloat16 and hand back bfloat16 tensors, so
PyTorch's results differ from these at bfloat16 round-off (about 3 significant digits). What is kept is the
interface: the arguments and their checks, the warnings that turn autocast off, and the per-thread flag that
torch.is_autocast_enabled reads. CUDA is never available here, so autocast('cuda') warns and is off, as in a
PyTorch without a GPU."""
import functools
import threading
import warnings

from .. import _dtype

DEVICE_TYPES = ("cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, mps, "
                "meta, hpu, mtia, privateuseone").split(", ")
_state = threading.local()          # .enabled: {device type: bool}, per thread as in PyTorch


def _enabled_flags() -> dict:
    if not hasattr(_state, "enabled"):
        _state.enabled = {}
    return _state.enabled


def _device_type(device_type: str) -> str:
    """The device type named at the start of device_type ('cuda:0' -> 'cuda'), or PyTorch's complaint."""
    kind = device_type.partition(":")[0]
    if kind not in DEVICE_TYPES:
        raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device string: "
                           f"{device_type}")
    return kind


def is_autocast_enabled(device_type: str = "cuda") -> bool:
    """Whether an autocast region for device_type is active in this thread (without an argument: CUDA's)."""
    return _enabled_flags().get(_device_type(device_type), False)


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast accepts device_type (every device type PyTorch names)."""
    return bool(_device_type(device_type))


class autocast:
    """torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None): a context manager and decorator
    that computes in full precision here (see the module docstring)."""

    def __init__(self, device_type: str, dtype=None, enabled: bool = True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        _device_type(device_type)
        self.device, self.fast_dtype = device_type, dtype      # dtype None: the device's default (bfloat16 on CPU)
        self._cache_enabled = True if cache_enabled is None else cache_enabled
        if enabled and device_type == "cuda":
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2)
            enabled = False
        elif enabled and dtype is not None and getattr(dtype, "name", None) not in ("bfloat16", "float16"):
            name = device_type.upper()
            warnings.warn(f"In {name} autocast, but the target dtype is not supported. Disabling autocast.\n"
                          f"{name} Autocast only supports dtypes of torch.bfloat16, {_dtype.float16} currently.",
                          stacklevel=2)
            enabled = False
        self._enabled = enabled

    def __enter__(self) -> "autocast":
        flags = _enabled_flags()
        self._kind = _device_type(self.device)
        self._previous = flags.get(self._kind, False)
        flags[self._kind] = self._enabled
        return self

    def __exit__(self, *exc) -> bool:
        _enabled_flags()[self._kind] = self._previous
        return False

    def __call__(self, func):
        """As a decorator: func runs inside this region."""
        @functools.wraps(func)
        def in_region(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return in_region
