"""torch.optim.lr_scheduler: the core's schedulers (tinygrad_rnn.optim.lr_scheduler)."""
from ...optim.lr_scheduler import *  # noqa: F401,F403
from ...optim.lr_scheduler import __all__  # noqa: F401
