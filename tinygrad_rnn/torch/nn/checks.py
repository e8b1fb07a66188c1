"""Checks of torch.nn's arguments (modules, layers and functions), raising PyTorch's errors with PyTorch's
messages; the recurrent layers' checks are in rnn_checks.py, the losses' in loss_checks.py."""
import operator

import numpy as np

from ...tensor import Tensor as CoreTensor
from .. import _dtype

def scalar_name(t) -> str:
    """PyTorch's name of a tensor's scalar type, as its C++ messages say it: Float, Double, Long, ..."""
    return _dtype.scalar_name(_dtype.as_dtype(t.dtype))


def typename(obj) -> str:
    """torch.typename: 'torch.FloatTensor' for a tensor, else the dotted name of the object's type."""
    if isinstance(obj, CoreTensor):
        return _dtype.legacy_name(_dtype.of_array(obj._data))
    cls = type(obj)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


# ---------------------------------------------------------------- Module
def check_registration(module, kind: str, name, value, ok: bool, expected: str, replaces: bool) -> None:
    """register_buffer / register_parameter / add_module: a dotless new name (or one of the same kind,
    `replaces`) and a value of the right kind (`ok`)."""
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {typename(name)}")
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain "."' + (f", got: {name}" if kind == "module" else ""))
    if hasattr(module, name) and not replaces:
        raise KeyError(f"attribute '{name}' already exists")
    if not ok:
        raise TypeError(f"{typename(value)} is not a Module subclass" if kind == "module" else
                        f"cannot assign '{typename(value)}' object to {kind} '{name}' ({expected} required)")


def check_assignment(kind: str, name: str, value, ok: bool, expected: str) -> None:
    """Assigning to an attribute that holds a parameter (or buffer) must keep its kind, as in PyTorch."""
    if not ok:
        raise TypeError(f"cannot assign '{typename(value)}' as {kind} '{name}' ({expected} expected)")


def check_state_dict(state_dict) -> None:
    """load_state_dict takes a mapping of names to tensors."""
    if not hasattr(state_dict, "keys") or not hasattr(state_dict, "__getitem__"):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")


def state_dict_errors(module, missing: list, unexpected: list, mismatched: list, strict: bool) -> None:
    """PyTorch's one RuntimeError listing the missing and unexpected keys (strict) and the size mismatches."""
    quoted = lambda keys: ", ".join(f'"{k}"' for k in keys)      # noqa: E731
    errors = [f"Missing key(s) in state_dict: {quoted(missing)}. "] if strict and missing else []
    errors += [f"Unexpected key(s) in state_dict: {quoted(unexpected)}. "] if strict and unexpected else []
    errors += [f"size mismatch for {k}: copying a param with shape {given} from checkpoint, the shape in current "
               f"model is {own}." for k, given, own in mismatched]
    if errors:
        raise RuntimeError(f"Error(s) in loading state_dict for {type(module).__name__}:\n\t" + "\n\t".join(errors))


def check_module_dtype(d) -> None:
    """Module.to(dtype) casts floating tensors, so dtype must be floating."""
    if not d.is_floating_point:
        raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={d}")


def check_mode(mode) -> bool:
    """Module.train(mode) takes a bool."""
    if not isinstance(mode, bool):
        raise ValueError("training mode is expected to be boolean")
    return mode


def check_index(index, length: int) -> int:
    """An index (an int, or anything with __index__) into a Sequential or ModuleList, made non-negative."""
    index = operator.index(index)
    if not -length <= index < length:
        raise IndexError(f"index {index} is out of range")
    return index % length


# ---------------------------------------------------------------- layers and functions
def check_linear(input, weight, bias=None) -> None:
    """linear(input, weight, bias): Tensors (bias None or a Tensor); input of at least 1 dimension, of
    weight's dtype, whose last size is in_features (a 1-D weight's size is checked by the matmul it
    makes, in PyTorch's words)."""
    for position, (name, value) in enumerate((("input", input), ("weight", weight), ("bias", bias)), 1):
        if not isinstance(value, CoreTensor) and (value is not None or name != "bias"):
            raise TypeError(f"linear(): argument '{name}' (position {position}) must be Tensor, not {typename(value)}")
    if input.dim() == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are 0D and {weight.dim()}D")
    if weight.ndim != 1 and input.shape[-1] != weight.shape[-1]:
        rows = int(np.prod(input.shape[:-1], dtype=np.int64))
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
                           f"{weight.shape[-1]}x{weight.shape[0]})")
    check_same_dtype(input, weight)


def check_same_dtype(input, weight) -> None:
    """A matrix product of tensors of two dtypes is refused."""
    if input.dtype != weight.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {scalar_name(input)} and "
                           f"{scalar_name(weight)}")


def check_probability(p) -> float:
    """A dropout probability in [0, 1]."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return p


def check_padding_idx(padding_idx, num_embeddings: int):
    """padding_idx in [-num_embeddings, num_embeddings), made non-negative (None stays None)."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return int(padding_idx) % num_embeddings


def check_embedding_weight(weight, shape: tuple, message: str) -> None:
    """Embedding(_weight=...) and from_pretrained(embeddings): a weight of the expected shape."""
    if len(weight.shape) != len(shape) or any(s is not None and w != s for w, s in zip(weight.shape, shape)):
        raise AssertionError(message)


def check_indices(indices, num_embeddings: int) -> np.ndarray:
    """Embedding indices: an int64 or int32 tensor with entries in [0, num_embeddings)."""
    if not isinstance(indices, CoreTensor):
        raise TypeError(f"embedding(): argument 'indices' (position 2) must be Tensor, not {typename(indices)}")
    array = indices._data
    if array.dtype not in (np.int64, np.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {typename(indices)} instead (while checking arguments for embedding)")
    if array.size and (array.min() < 0 or array.max() >= num_embeddings):
        raise IndexError("index out of range in self")
    return array


def check_one_hot(indices: np.ndarray, num_classes: int) -> int:
    """one_hot's classes: non-negative integer indices below num_classes (-1 infers max + 1)."""
    if indices.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1 and not indices.size:
        raise RuntimeError("Can not infer total number of classes from empty tensor.")
    if indices.size and indices.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    n = int(indices.max()) + 1 if num_classes == -1 else int(num_classes)
    if indices.size and indices.max() >= n:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return n


def check_module_hook(register: str, hook) -> None:
    """A module hook (given to the function named `register`) is a callable."""
    if not callable(hook):
        raise TypeError(f"{register}(hook) expects a callable, got {type(hook).__name__}")


def check_pre_hook_result(result) -> tuple:
    """What a forward pre-hook registered with_kwargs=True returned: the pair (new_args, new_kwargs)."""
    if not (isinstance(result, tuple) and len(result) == 2):
        raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got {result}.")
    return result


def check_hook_grad_count(result, expected: int, kind: str) -> None:
    """What a module's full backward hook ("hook") or pre-hook ("pre hook") returned instead of grad_input or
    grad_output: as many entries (PyTorch's message; len() of a result that has none raises Python's TypeError)."""
    if len(result) != expected:
        grads = "grad_input" if kind == "hook" else "grad_output"
        raise RuntimeError(f"Backward {kind} returned an invalid number of {grads}, got {len(result)}, but expected "
                           f"{expected}")


def check_no_input_grad_result(result) -> None:
    """A full backward hook of a call whose inputs need no gradient has no grad_input to replace."""
    if result is not None and not (isinstance(result, tuple) and all(g is None for g in result)):
        raise RuntimeError("Backward hook for Modules where no input requires gradient should always return None or "
                           "None for all gradients.")
