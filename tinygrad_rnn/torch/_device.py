"""Devices for a CPU-only library: `torch.device('cpu')` works, CUDA and MPS say clearly that they cannot."""


class device:
    """torch.device: 'cpu' (optionally 'cpu:0'); asking for 'cuda' or 'mps' raises."""

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        name, _, number = str(type).partition(":")
        if name != "cpu":
            raise RuntimeError(f"torch.device({str(type)!r}): tinygrad_rnn runs on the CPU only (numpy); "
                               "use 'cpu' (torch.cuda.is_available() is False here)")
        self.type, self.index = "cpu", int(number) if number else index

    def __repr__(self) -> str:
        return f"device(type='cpu'{'' if self.index is None else f', index={self.index}'})"

    def __str__(self) -> str:
        return "cpu" if self.index is None else f"cpu:{self.index}"

    def __eq__(self, other) -> bool:
        return isinstance(other, (device, str)) and str(other).partition(":")[0] == "cpu"

    def __hash__(self) -> int:
        return hash("cpu")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def __reduce__(self):
        return (device, ("cpu", self.index))


def check_device(d) -> None:
    """A device argument (None, 'cpu', torch.device('cpu')); anything else raises."""
    if d is not None and not isinstance(d, device):
        device(d)


class _NoAccelerator:
    """torch.cuda / torch.backends.mps / torch.accelerator: nothing is available."""

    def __init__(self, name: str):
        self._name = name

    def is_available(self) -> bool:
        """Always False: tinygrad_rnn has no GPU backend."""
        return False

    def device_count(self) -> int:
        """Always 0."""
        return 0

    def is_built(self) -> bool:
        """Always False."""
        return False

    def manual_seed(self, seed) -> None:
        """Nothing to seed (PyTorch ignores it without a GPU too)."""

    manual_seed_all = manual_seed

    def current_accelerator(self):
        """None: there is no accelerator."""
        return None

    def __repr__(self) -> str:
        return f"<torch.{self._name}: not available in tinygrad_rnn>"


cuda = _NoAccelerator("cuda")
accelerator = _NoAccelerator("accelerator")


class backends:
    """torch.backends: no MPS, no cuDNN."""

    mps = _NoAccelerator("backends.mps")
    cudnn = _NoAccelerator("backends.cudnn")


def set_default_device(d) -> None:
    """Accepts the CPU (None, 'cpu', torch.device('cpu')); any other device raises."""
    check_device(d)


def get_default_device() -> device:
    """The CPU."""
    return device("cpu")
