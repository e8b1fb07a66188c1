"""The simple layers: Linear (an affine map), Embedding (a lookup table), Dropout, and Sequential.

Each is a Module whose forward is a line or two of Tensor ops, so none has a backward of its own.
Initialisation follows PyTorch (Linear: uniform(-1/sqrt(in), 1/sqrt(in)); Embedding: standard normal)
and draws from the library's seedable generator, so `tr.manual_seed(n)` fixes the weights.
"""
from __future__ import annotations

from numbers import Integral
from typing import Iterator

import numpy as np

from ..rng import default_generator
from ..tensor import Tensor
from . import functional as F
from .checks import check_dtype, check_positive_int, check_probability, check_tensor
from .module import Module, Parameter


class Linear(Module):
    """y = x W^T + b for x of shape (..., in_features); y has shape (..., out_features).

    weight: (out_features, in_features), bias: (out_features,) or None. Both start uniform in
    (-1/sqrt(in_features), 1/sqrt(in_features)), as in PyTorch.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        check_positive_int("Linear", in_features=in_features, out_features=out_features)
        self.in_features, self.out_features = int(in_features), int(out_features)
        bound = 1.0 / np.sqrt(self.in_features)
        rng = default_generator()
        self.weight = Parameter(rng.uniform(-bound, bound, (self.out_features, self.in_features)))
        self.bias = Parameter(rng.uniform(-bound, bound, (self.out_features,))) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        """(..., in_features) -> (..., out_features)."""
        x = check_tensor(x, f"Linear({self.extra_repr()})", "input")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"Linear({self.extra_repr()}): input's last dimension must be "
                             f"{self.in_features}, got input of shape {x.shape}")
        check_dtype(f"Linear({self.extra_repr()})", "input", x, self.weight)
        return F.linear(x, self.weight, self.bias)              # (..., out)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Embedding(Module):
    """A table of num_embeddings vectors of size embedding_dim; forward(indices) picks rows.

    weight: (num_embeddings, embedding_dim), standard normal at start (PyTorch's choice). Indices of
    shape S give an output of shape S + (embedding_dim,); the rows used receive the gradient.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int):
        super().__init__()
        check_positive_int("Embedding", num_embeddings=num_embeddings, embedding_dim=embedding_dim)
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.weight = Parameter(default_generator().standard_normal((self.num_embeddings, self.embedding_dim)))

    def forward(self, indices) -> Tensor:
        """Integer indices of any shape S -> vectors of shape S + (embedding_dim,)."""
        return F.embedding(self.weight, indices)

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"


class Dropout(Module):
    """In training mode, zero each entry with probability p and scale the rest by 1/(1 - p);
    in eval mode, the identity."""

    def __init__(self, p: float = 0.5):
        super().__init__()
        self.p = check_probability(p, "Dropout")

    def forward(self, x: Tensor) -> Tensor:
        """Same shape out as in; the mask comes from the library's generator."""
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Sequential(Module):
    """Modules applied one after another: Sequential(a, b, c)(x) == c(b(a(x))).

    The children are named "0", "1", ..., so parameters are called "0.weight", "1.bias", ... as in
    PyTorch. Supports len(), iteration and seq[i] (negative i counts from the end).
    """

    def __init__(self, *modules: Module):
        super().__init__()
        for i, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(f"Sequential: argument {i} must be a Module, got {type(module).__name__}")
            setattr(self, str(i), module)

    def __len__(self) -> int:
        return sum(1 for _ in self.children())

    def __iter__(self) -> Iterator[Module]:
        return self.children()

    def __getitem__(self, index: int) -> Module:
        modules = list(self.children())
        if not isinstance(index, Integral) or isinstance(index, bool):
            raise TypeError(f"Sequential indices must be ints, got {type(index).__name__}")
        if not -len(modules) <= index < len(modules):
            raise IndexError(f"Sequential index {index} is out of range for {len(modules)} modules")
        return modules[index]

    def forward(self, x):
        """Feed x through each module in order."""
        for module in self.children():
            x = module(x)
        return x
