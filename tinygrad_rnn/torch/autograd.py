"""torch.autograd: `backward`, `grad` (gradients returned instead of accumulated), the old `Variable`
wrapper, and the grad-mode switches, over the engine's one reverse sweep."""
import numpy as np

from ..autograd import run_backward
from ..gradcheck import grads_kept
from . import _autograd
from ._backward_inputs import toward
from ._grad_mode import enable_grad, no_grad, set_grad_enabled
from ._math import leaf_like
from ._tensor import Tensor


def Variable(data, requires_grad: bool = False, volatile: bool = False):
    """The pre-0.4 wrapper: now simply the tensor itself (with requires_grad set when asked)."""
    return data.requires_grad_(True) if requires_grad else data


def _pairs(outputs, grad_outputs) -> list:
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    seeds = [None] * len(outputs) if grad_outputs is None else \
        [grad_outputs] if isinstance(grad_outputs, Tensor) else list(grad_outputs)
    if len(seeds) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(seeds)} gradients")
    return list(zip(outputs, seeds))


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph: bool = False, inputs=None) -> None:
    """Backpropagate from each tensor (with its seed gradient), accumulating into the leaves' .grad."""
    _autograd.backward_all(_pairs(tensors, grad_tensors), retain_graph, create_graph, inputs)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph: bool = False, only_inputs: bool = True,
         allow_unused=None, is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple:
    """d outputs / d inputs (summed over the outputs, each weighted by its grad_output), returned as a tuple;
    no .grad anywhere is changed. An input the outputs do not depend on raises unless allow_unused=True
    (then its entry is None, or zeros with materialize_grads=True)."""
    if create_graph:
        raise NotImplementedError("grad(create_graph=True): tinygrad_rnn records no graph of the backward pass, "
                                  "so there are no higher-order gradients")
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    root, seed = _autograd.joint_root([(out, _autograd.seed_of(out, seed, i))
                                       for i, (out, seed) in enumerate(_pairs(outputs, grad_outputs))])
    saved = [(x, x._grad) for x in inputs]
    try:
        with grads_kept(root):
            for x in inputs:
                x._grad = None
            order, ends = toward(root, inputs)
            orders = [run_backward(root, seed, keep_grads=True, order=order, ends=ends)]
            found = [None if x._grad is None else x._grad.copy() for x in inputs]
    finally:
        for x, g in saved:
            x._grad = g
    if any(g is None for g in found) and not (allow_unused or materialize_grads):
        raise RuntimeError("One of the differentiated Tensors appears to not have been used in the graph. "
                           "Set allow_unused=True if this is the desired behavior.")
    if not retain_graph:
        _autograd.release(orders)
    return tuple(leaf_like(x, np.zeros_like(x._data)) if g is None and materialize_grads else
                 None if g is None else leaf_like(x, g) for x, g in zip(inputs, found))


__all__ = ["Variable", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled"]
