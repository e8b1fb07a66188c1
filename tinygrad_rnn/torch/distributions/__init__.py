"""torch.distributions: Categorical, OneHotCategorical, Bernoulli and Normal with PyTorch's parameters, shapes,
validation and messages, and kl_divergence between two of a kind. log_prob, entropy and Normal.rsample are built
from the dialect's Tensor ops, so gradients reach the parameters (REINFORCE, char-RNN sampling, VAEs); samples come
from the dialect's generator (torch.manual_seed), so they are not PyTorch's numbers."""
from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical, OneHotCategorical
from .distribution import Distribution
from .kl import kl_divergence, register_kl
from .normal import Normal

__all__ = ["Bernoulli", "Categorical", "Distribution", "Normal", "OneHotCategorical", "constraints", "kl_divergence",
           "register_kl"]
