"""torch.manual_seed and torch.Generator over the library's numpy generators: `manual_seed(s)` reseeds the
generator that layer initialisation, dropout and the random factories draw from. (The numbers are
numpy's, not PyTorch's: the same seed gives the same run here, not PyTorch's weights.)"""
import numpy as np

from .. import rng
from ..checks import is_int
from ._device import check_device


def numpy_rng(generator, fn: str) -> np.random.Generator:
    """The numpy generator a function `fn` draws from: a torch.Generator's, a numpy Generator itself, or the
    library's default for None."""
    return rng.generator_for(getattr(generator, "numpy_generator", generator), fn)


def _fresh_seed() -> int:
    """A seed from fresh entropy (as PyTorch's Generator() and seed() draw one)."""
    return int(np.random.SeedSequence().entropy % 2 ** 63)


class Generator:
    """torch.Generator: a seedable source of random numbers for the functions that take generator=."""

    def __init__(self, device="cpu"):
        check_device(device)
        self._seed = _fresh_seed()
        self.numpy_generator = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> "Generator":
        """Reseed; returns self (so `torch.Generator().manual_seed(42)` works)."""
        self._seed = _check_seed(seed)
        self.numpy_generator = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        """Reseed from fresh entropy; returns the new seed."""
        self.manual_seed(_fresh_seed())
        return self._seed

    def initial_seed(self) -> int:
        """The seed last set."""
        return self._seed

    def get_state(self):
        """The generator's state (a dict; restore it with set_state)."""
        return self.numpy_generator.bit_generator.state

    def set_state(self, state) -> None:
        """Restore a state from get_state()."""
        self.numpy_generator.bit_generator.state = state


def _check_seed(seed) -> int:
    if not is_int(seed):
        raise TypeError(f"manual_seed(seed) expects an int, got {type(seed).__name__}")
    return int(seed) % 2 ** 64


class _DefaultGenerator(Generator):
    """The library-wide generator (torch.default_generator): its numpy generator is the library's default."""

    def __init__(self):
        self._seed = 0

    @property
    def numpy_generator(self):
        return rng.default_generator()

    def manual_seed(self, seed: int) -> "Generator":
        self._seed = _check_seed(seed)
        rng.manual_seed(self._seed % 2 ** 63)
        return self


default_generator = _DefaultGenerator()


def manual_seed(seed: int) -> Generator:
    """Reseed the library's generator (weights, dropout masks, random tensors); returns it."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Reseed the library's generator from fresh entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed last given to manual_seed."""
    return default_generator.initial_seed()
