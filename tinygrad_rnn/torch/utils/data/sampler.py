"""torch.utils.data.sampler: the samplers, where PyTorch's programs also import them from; the code is in
torch/utils/_samplers.py."""
from .._samplers import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,  # noqa: F401
                         WeightedRandomSampler)
