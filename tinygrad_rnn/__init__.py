"""tinygrad_rnn: reverse-mode autodiff on floats and numpy arrays, recurrent layers built from it, and
drawings of the unrolled graphs. See README.md and docs/ for the tour."""
from .anomaly import detect_anomaly
from .modes import no_grad, scope
from .gradcheck import gradcheck
from .join import concatenate, stack, where
from .rng import manual_seed
from .scalar import Value
from .tensor import Tensor
from . import analysis, nn, optim, train, viz  # noqa: E402  (they build on the names above)

__all__ = ["Value", "Tensor", "concatenate", "stack", "where", "no_grad", "scope", "manual_seed",
           "gradcheck", "detect_anomaly", "analysis", "nn", "optim", "train", "viz"]
__version__ = "0.1.0"
