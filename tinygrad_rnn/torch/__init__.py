"""tinygrad_rnn.torch: PyTorch's names and semantics over tinygrad_rnn's engine and layers.

Swap the import (`import tinygrad_rnn.torch as torch`, `import tinygrad_rnn.torch.nn as nn`, ...) and a
PyTorch RNN program runs here, CPU-only, in numpy, with a graph that `tr.viz` can draw step by step.
The Tensor is the engine's node with PyTorch's methods (see _tensor.py); the layers are the core's
(tinygrad_rnn.nn) with PyTorch's constructors, dtypes and return types. docs/pytorch.md has the table of
what is supported and what differs.
"""
from ._device import accelerator, backends, cuda, device, get_default_device, set_default_device
from ._dtype import (bool, double, dtype, float, float16, float32, float64, get_default_dtype, half, int,
                     int8, int16, int32, int64, long, set_default_dtype, short, uint8)
from ._factories import (arange, as_tensor, cat, concat, concatenate, empty, empty_like, eye, from_numpy, full,
                         full_like, linspace, multinomial, normal, ones, ones_like, rand, rand_like, randint,
                         randn, randn_like, randperm, stack, tensor, where, zeros, zeros_like)
from ._einsum import einsum
from ._functions import FUNCTIONS, addmm, allclose, bernoulli, equal, is_floating_point, is_tensor, isclose
from ._format import set_printoptions
from ._grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from ._legacy import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor,
                      LongTensor, ShortTensor, tensortype)
from ._random import Generator, default_generator, initial_seed, manual_seed, seed
from ._tensor import Size, Tensor

globals().update({name: fn for name, fn in FUNCTIONS.items() if name not in globals()})

from . import autograd, nn, optim, testing, utils  # noqa: E402  (they build on the names above)
from . import amp, distributions, jit  # noqa: E402
from ._compile import compile  # noqa: E402
from .amp.autocast_mode import autocast, is_autocast_enabled  # noqa: E402
from .amp.devices import cpu  # noqa: E402
from ._serialization import load, save  # noqa: E402
from . import serialization  # noqa: E402

__version__ = "2.0.0+tinygrad_rnn"
